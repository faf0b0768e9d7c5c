// SPDX-License-Identifier: GPL-2.0
//
// queue-length (dm-ps-queue-length.c): the path with the fewest I/Os in
// flight; an idle path ends the search.
#pragma once

#include "policy.hpp"

namespace mpath {

struct QueueLength : PolicyBase {
	static constexpr const char *kName = "queue-length";
	static constexpr const char *kArgCountError =
		"queue-length ps: incorrect number of arguments";
	static constexpr const char *kRepeatCountError = "queue-length ps: invalid repeat count";
	static constexpr unsigned int kTableArgs = 1;
	static constexpr unsigned int kInfoArgs = 1;

	struct PathState {
		unsigned int repeat_count = 1;
		Counter in_flight;
	};

	int add_path(PathState &state, unsigned int, ArgSet args, const char **error)
	{
		return read_repeat_count<QueueLength>(state.repeat_count, args, 1, true, error);
	}

	template <typename PathT>
	PathT *select(const Rotation &rotation, PathT *paths, unsigned int nr, unsigned int)
	{
		return rotation.best_of(
			paths, nr,
			[](const PathT &a, const PathT &b) {
				return state_of<PathState>(a).in_flight.read() <
				       state_of<PathState>(b).in_flight.read();
			},
			[](const PathT &p) { return !state_of<PathState>(p).in_flight.read(); });
	}

	void start_io(PathState &state, unsigned int) { state.in_flight.add(1); }
	void end_io(PathState &state, unsigned int, u64, const Rotation &)
	{
		state.in_flight.sub(1);
	}

	void path_status(Emitter &emit, const PathState &state, bool info) const
	{
		if (info)
			emit("%d ", static_cast<int>(state.in_flight.read()));
		else
			emit("%u ", state.repeat_count);
	}
};

} // namespace mpath
