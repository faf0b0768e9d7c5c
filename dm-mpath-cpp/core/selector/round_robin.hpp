// SPDX-License-Identifier: GPL-2.0
//
// round-robin (dm-ps-round-robin.c): the valid paths take turns.
#pragma once

#include "policy.hpp"

namespace mpath {

struct RoundRobin : PolicyBase {
	static constexpr const char *kName = "round-robin";
	static constexpr const char *kArgCountError =
		"round-robin ps: incorrect number of arguments";
	static constexpr const char *kRepeatCountError = "round-robin ps: invalid repeat count";
	static constexpr unsigned int kTableArgs = 1;
	static constexpr unsigned int kInfoArgs = 0;

	struct PathState {
		unsigned int repeat_count = 1;
	};

	int add_path(PathState &state, unsigned int, ArgSet args, const char **error)
	{
		return read_repeat_count<RoundRobin>(state.repeat_count, args, 1, true, error);
	}

	template <typename PathT>
	PathT *select(const Rotation &rotation, PathT *paths, unsigned int nr, unsigned int)
	{
		return rotation.path_in_turn(paths, nr);
	}

	void path_status(Emitter &emit, const PathState &state, bool info) const
	{
		if (!info)
			emit("%u ", state.repeat_count);
	}
};

} // namespace mpath
