// SPDX-License-Identifier: GPL-2.0
//
// historical-service-time (dm-ps-historical-service-time.c): the path whose
// recent service times, weighted by its queue depth, promise the earliest
// completion.  The estimate is a decaying average in fixed point.
#pragma once

#include "policy.hpp"

namespace mpath {

class HistoricalServiceTime : public PolicyBase {
public:
	static constexpr const char *kName = "historical-service-time";
	static constexpr const char *kArgCountError =
		"historical-service-time ps: incorrect number of arguments";
	static constexpr const char *kRepeatCountError =
		"historical-service-time ps: invalid repeat count";
	static constexpr unsigned int kTableArgs = 1;
	static constexpr unsigned int kInfoArgs = 3;
	static constexpr bool kTimesIo = true;
	// The fixed point (10 fractional bits) and the decay.
	static constexpr unsigned int kShift = 10;
	static constexpr u64 kOne = 1ULL << kShift;
	static constexpr u64 kMax = ~0ULL >> kShift;
	static constexpr unsigned int kBaseWeight = 972; // 0.95
	static constexpr unsigned int kBucketShift = 24; // ~16 ms buckets
	static constexpr unsigned int kWeights = 64;

	struct PathState {
		unsigned int repeat_count = 1;
		Counter in_flight;
		// Updated by one completion at a time; a completion that finds
		// the lock taken skips its sample rather than spin.
		TryLock lock;
		u64 estimate = kOne;
		u64 stale_after = 0;
		u64 last_finish = 0;
	};

	bool create(ArgSet args);

	int add_path(PathState &state, unsigned int, ArgSet args, const char **error)
	{
		return read_repeat_count<HistoricalServiceTime>(state.repeat_count, args, 1, false,
								error);
	}

	template <typename PathT>
	PathT *select(const Rotation &rotation, PathT *paths, unsigned int nr, unsigned int)
	{
		u64 now = mpg_now_ns();

		return rotation.best_of(paths, nr, [this, now](const PathT &a, const PathT &b) {
			return compare(state_of<PathState>(a), state_of<PathState>(b), now) < 0;
		});
	}

	void start_io(PathState &state, unsigned int) { state.in_flight.add(1); }
	void end_io(PathState &state, unsigned int nr_bytes, u64 start_ns,
		    const Rotation &rotation);

	void group_status(Emitter &emit) const { emit("2 %u %u ", weights_[0], threshold_); }
	void path_status(Emitter &emit, const PathState &state, bool info) const;

private:
	void set_weights(unsigned int base);
	long long compare(const PathState &a, const PathState &b, u64 now) const;

	unsigned int weights_[kWeights] = {};
	unsigned int threshold_ = 0;
};

} // namespace mpath
