// SPDX-License-Identifier: GPL-2.0
//
// service-time (dm-ps-service-time.c): the path with the shortest estimated
// service time, (bytes in flight + this I/O) / relative throughput.
#pragma once

#include "policy.hpp"

namespace mpath {

struct ServiceTime : PolicyBase {
	static constexpr const char *kName = "service-time";
	static constexpr const char *kArgCountError =
		"service-time ps: incorrect number of arguments";
	static constexpr const char *kRepeatCountError = "service-time ps: invalid repeat count";
	static constexpr unsigned int kTableArgs = 2;
	static constexpr unsigned int kInfoArgs = 2;
	// The relative throughput's range, and the overflow guard of compare().
	static constexpr unsigned int kMaxThroughput = 100;
	static constexpr unsigned int kThroughputShift = 7;
	static constexpr unsigned long kMaxInflight = ~0UL >> kThroughputShift;

	struct PathState {
		unsigned int repeat_count = 1;
		unsigned int relative_throughput = 1;
		Counter in_flight_bytes;
	};

	int add_path(PathState &state, unsigned int index, ArgSet args, const char **error);

	template <typename PathT>
	PathT *select(const Rotation &rotation, PathT *paths, unsigned int nr,
		      unsigned int nr_bytes)
	{
		return rotation.best_of(paths, nr, [nr_bytes](const PathT &a, const PathT &b) {
			return compare(state_of<PathState>(a), state_of<PathState>(b), nr_bytes) <
			       0;
		});
	}

	void start_io(PathState &state, unsigned int nr_bytes)
	{
		state.in_flight_bytes.add(nr_bytes);
	}
	void end_io(PathState &state, unsigned int nr_bytes, u64, const Rotation &)
	{
		state.in_flight_bytes.sub(nr_bytes);
	}

	void path_status(Emitter &emit, const PathState &state, bool info) const;

private:
	static long compare(const PathState &a, const PathState &b, unsigned long incoming);
};

} // namespace mpath
