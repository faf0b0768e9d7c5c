// SPDX-License-Identifier: GPL-2.0
//
// Path selectors: the five policies of Linux 6.1 (round-robin, queue-length,
// service-time, historical-service-time, io-affinity) with mainline's table
// grammar, error strings, clamps and status text.  The stock selectors are
// modules registered with dm-multipath.ko's exported registry, which a
// replacement target cannot use, so the core carries its own.  A group picks
// its policy by name at table load; the per-I/O hooks dispatch with a switch
// that the compiler inlines, not through function pointers.
//
// Selection and the per-I/O hooks run without the target lock: counters are
// atomic and a path's `active` flag is read once.  A racing failover at worst
// sends one I/O down a path that has just failed; its error retries it, as in
// mainline.  Mainline breaks ties by moving the chosen path to the tail of a
// list under a spinlock; here a turn counter picks the valid path, one
// counter per CPU, so that choosing a path writes no cache line another CPU
// uses.
#pragma once

#include "../base/args.hpp"
#include "../base/atomic.hpp"
#include "../base/emitter.hpp"

namespace mpath {

enum class Policy : unsigned char {
	kRoundRobin,
	kQueueLength,
	kServiceTime,
	kHistoricalServiceTime,
	kIoAffinity,
};

// What the selector keeps about one path.
struct PathSelectorState {
	unsigned int repeat_count = 1;
	unsigned int relative_throughput = 1; // service-time
	Counter in_flight;		      // I/Os: queue-length, historical-service-time
	Counter in_flight_bytes;	      // service-time
	// historical-service-time: an estimate in fixed point, updated by one
	// completion at a time; a completion that finds the lock taken skips
	// its sample rather than spin.
	TryLock hst_lock;
	u64 hst = 0;
	u64 stale_after = 0;
	u64 last_finish = 0;
	mpg_cpumask *cpumask = nullptr; // io-affinity: CPUs as the table gave them
};

// The selector of one priority group.
class Selector {
public:
	Selector() = default;
	~Selector() { release(); }
	Selector(const Selector &) = delete;
	Selector &operator=(const Selector &) = delete;

	// Resolves a selector name as users write it; false if unknown.
	bool set_policy(const char *name);
	// The group's selector arguments (mainline's create()); false if refused.
	bool create(ArgSet args);
	// Frees what create() and set_policy() set up, so the group can be reused.
	void release();

	const char *name() const { return kInfo[index()].name; }
	unsigned int table_args() const { return kInfo[index()].table_args; }
	unsigned int info_args() const { return kInfo[index()].info_args; }
	// The policy wants each I/O's dispatch time at completion.
	bool times_io() const { return policy_ == Policy::kHistoricalServiceTime; }

	// Per-path arguments; index is the path's position in the group.
	int add_path(PathSelectorState &state, unsigned int index, ArgSet args, const char **error);
	void release_path(PathSelectorState &state);
	// Called under the target lock when a path changes state.
	void path_failed() { write_once(valid_count_, valid_count_ - 1); }
	void path_reinstated() { write_once(valid_count_, valid_count_ + 1); }

	void group_status(Emitter &emit) const;
	void path_status(Emitter &emit, const PathSelectorState &state,
			 mpath_status_type type) const;

	// Picks a usable path among paths[0..nr) for an I/O of nr_bytes;
	// nullptr if none.  Lockless.
	template <typename PathT>
	PathT *select(PathT *paths, unsigned int nr, unsigned int nr_bytes);
	// Accounting of an I/O dispatched to / completed on a path.  Lockless.
	void start_io(PathSelectorState &state, unsigned int nr_bytes);
	void end_io(PathSelectorState &state, unsigned int nr_bytes, u64 start_ns);

private:
	struct Info {
		const char *name;
		unsigned int table_args;
		unsigned int info_args;
	};
	static constexpr Info kInfo[] = {
		{"round-robin", 1, 0},
		{"queue-length", 1, 1},
		{"service-time", 2, 2},
		{"historical-service-time", 1, 3},
		{"io-affinity", 1, 1},
	};

	// historical-service-time's fixed point (10 fractional bits) and decay.
	static constexpr unsigned int kHstShift = 10;
	static constexpr u64 kHstOne = 1ULL << kHstShift;
	static constexpr u64 kHstMax = ~0ULL >> kHstShift;
	static constexpr unsigned int kHstBaseWeight = 972; // 0.95
	static constexpr unsigned int kHstBucketShift = 24; // ~16 ms buckets
	static constexpr unsigned int kHstWeights = 64;
	// service-time's relative throughput range and overflow guard.
	static constexpr unsigned int kStMaxThroughput = 100;
	static constexpr unsigned int kStThroughputShift = 7;
	static constexpr unsigned long kStMaxInflight = ~0UL >> kStThroughputShift;

	unsigned int index() const { return static_cast<unsigned int>(policy_); }
	int add_repeat_count(PathSelectorState &state, ArgSet args, unsigned int max_args,
			     bool clamp, const char **error);
	int add_io_affinity(PathSelectorState &state, unsigned int index, ArgSet args,
			    const char **error);
	void set_hst_weights(unsigned int base);
	long long hst_compare(const PathSelectorState &a, const PathSelectorState &b,
			      u64 now) const;
	void hst_end_io(PathSelectorState &state, u64 start_ns);
	static long st_compare(const PathSelectorState &a, const PathSelectorState &b,
			       unsigned long incoming);

	// The valid path whose turn it is: this CPU's turn counter modulo the
	// number of valid paths, so that the valid paths take turns evenly, as
	// mainline's rotation of its valid-path list gives.  nullptr if no path
	// is valid.
	template <typename PathT>
	PathT *path_in_turn(PathT *paths, unsigned int nr)
	{
		unsigned int valid = read_once(valid_count_);
		unsigned long skip = 0;
		PathT *first = nullptr;

		if (valid > 1)
			skip = static_cast<unsigned long>(mpg_counters_fetch_inc(turns_, 0)) %
			       valid;
		for (unsigned int i = 0; i < nr; i++) {
			if (!read_once(paths[i].active))
				continue;
			if (!skip)
				return &paths[i];
			skip--;
			if (!first)
				first = &paths[i];
		}
		return first; // a path failed since valid_count_ was read
	}

	// The usable path that is better than every other by `better`; the
	// scan starts at the path in turn, so ties are shared.
	template <typename PathT, typename Better>
	PathT *best_of(PathT *paths, unsigned int nr, Better better, bool stop_at_idle = false)
	{
		PathT *start = path_in_turn(paths, nr);
		PathT *best = nullptr;

		if (!start)
			return nullptr;
		for (unsigned int i = 0, idx = static_cast<unsigned int>(start - paths); i < nr;
		     i++, idx = idx + 1 < nr ? idx + 1 : 0) {
			PathT *p = &paths[idx];

			if (!read_once(p->active))
				continue;
			if (!best || better(p->selector_state, best->selector_state))
				best = p;
			if (stop_at_idle && !best->selector_state.in_flight.read())
				break;
		}
		return best;
	}

	template <typename PathT>
	PathT *select_io_affinity(PathT *paths);

	Policy policy_ = Policy::kRoundRobin;
	mpg_counters *turns_ = nullptr; // path_in_turn()'s counter, per CPU; not io-affinity
	unsigned int valid_count_ = 0;
	// historical-service-time
	unsigned int hst_weights_[kHstWeights] = {};
	unsigned int hst_threshold_ = 0;
	// io-affinity: CPU -> path index + 1 (0: no path for that CPU)
	unsigned int *cpu_map_ = nullptr;
	unsigned int nr_cpus_ = 0;
	Counter map_misses_;
};

template <typename PathT>
PathT *Selector::select(PathT *paths, unsigned int nr, unsigned int nr_bytes)
{
	switch (policy_) {
	case Policy::kRoundRobin:
		return path_in_turn(paths, nr);
	case Policy::kQueueLength:
		return best_of(
			paths, nr,
			[](const PathSelectorState &a, const PathSelectorState &b) {
				return a.in_flight.read() < b.in_flight.read();
			},
			true);
	case Policy::kServiceTime:
		return best_of(paths, nr,
			       [nr_bytes](const PathSelectorState &a, const PathSelectorState &b) {
				       return st_compare(a, b, nr_bytes) < 0;
			       });
	case Policy::kHistoricalServiceTime: {
		u64 now = mpg_now_ns();

		return best_of(paths, nr,
			       [this, now](const PathSelectorState &a, const PathSelectorState &b) {
				       return hst_compare(a, b, now) < 0;
			       });
	}
	case Policy::kIoAffinity:
		return select_io_affinity(paths);
	}
	return nullptr;
}

// The path mapped to this CPU, else one mapped to a CPU of the same node,
// else any usable one.
template <typename PathT>
PathT *Selector::select_io_affinity(PathT *paths)
{
	unsigned int cpu = mpg_this_cpu();
	unsigned int idx = cpu < nr_cpus_ ? cpu_map_[cpu] : 0;
	int node;

	if (idx && read_once(paths[idx - 1].active))
		return &paths[idx - 1];
	if (!idx)
		map_misses_.add(1);

	node = mpg_cpu_to_node(cpu);
	for (int same_node = 1; same_node >= 0; same_node--) {
		for (unsigned int c = 0; c < nr_cpus_; c++) {
			idx = cpu_map_[c];
			if (!idx || (same_node && mpg_cpu_to_node(c) != node))
				continue;
			if (read_once(paths[idx - 1].active))
				return &paths[idx - 1];
		}
	}
	return nullptr;
}

inline void Selector::start_io(PathSelectorState &state, unsigned int nr_bytes)
{
	switch (policy_) {
	case Policy::kQueueLength:
	case Policy::kHistoricalServiceTime:
		state.in_flight.add(1);
		break;
	case Policy::kServiceTime:
		state.in_flight_bytes.add(nr_bytes);
		break;
	case Policy::kRoundRobin:
	case Policy::kIoAffinity:
		break;
	}
}

inline void Selector::end_io(PathSelectorState &state, unsigned int nr_bytes, u64 start_ns)
{
	switch (policy_) {
	case Policy::kQueueLength:
		state.in_flight.sub(1);
		break;
	case Policy::kHistoricalServiceTime:
		hst_end_io(state, start_ns);
		break;
	case Policy::kServiceTime:
		state.in_flight_bytes.sub(nr_bytes);
		break;
	case Policy::kRoundRobin:
	case Policy::kIoAffinity:
		break;
	}
}

} // namespace mpath
