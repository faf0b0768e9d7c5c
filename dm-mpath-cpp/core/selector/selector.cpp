// SPDX-License-Identifier: GPL-2.0
//
// The selectors' table arguments, status text and the estimates of
// service-time and historical-service-time, as Linux 6.1 defines them
// (drivers/md/dm-ps-*.c).
#include "selector.hpp"

namespace mpath {

bool Selector::set_policy(const char *name)
{
	// Case-sensitive, like dm_get_path_selector() (features are not).
	for (unsigned int i = 0; name && i < sizeof(kInfo) / sizeof(kInfo[0]); i++) {
		if (!mpg_strcmp(name, kInfo[i].name)) {
			release();
			policy_ = static_cast<Policy>(i);
			return true;
		}
	}
	return false;
}

bool Selector::create(ArgSet args)
{
	if (policy_ == Policy::kIoAffinity) {
		nr_cpus_ = mpg_nr_cpu_ids();
		cpu_map_ = new unsigned int[nr_cpus_]();
		return cpu_map_ != nullptr;
	}
	turns_ = mpg_counters_alloc(1);
	if (!turns_)
		return false;
	if (policy_ != Policy::kHistoricalServiceTime)
		return true; // the others take no group arguments and ignore any

	// [<base_weight> [<threshold_multiplier>]]
	unsigned int base = kHstBaseWeight;
	unsigned int threshold = 0;

	if (args.count() > 2)
		return false;
	if (args.count() && (!mpg_parse_uint(args.words()[0], &base) || base >= kHstOne))
		return false;
	if (args.count() > 1 && !mpg_parse_uint(args.words()[1], &threshold))
		return false;
	set_hst_weights(base);
	hst_threshold_ = threshold;
	return true;
}

void Selector::release()
{
	delete[] cpu_map_;
	cpu_map_ = nullptr;
	mpg_counters_free(turns_);
	turns_ = nullptr;
	nr_cpus_ = 0;
	valid_count_ = 0;
}

// Weight of the history for a sample in each ~16 ms bucket: base^(i+1), so
// slower samples replace more of the estimate.
void Selector::set_hst_weights(unsigned int base)
{
	for (unsigned int i = 0; i < kHstWeights - 1; i++) {
		u64 result = kHstOne, x = base;

		for (unsigned int n = i + 1;;) {
			if (n & 1)
				result = (result * x + (1ULL << (kHstShift - 1))) >> kHstShift;
			n >>= 1;
			if (!n)
				break;
			x = (x * x + (1ULL << (kHstShift - 1))) >> kHstShift;
		}
		hst_weights_[i] = static_cast<unsigned int>(result);
	}
	hst_weights_[kHstWeights - 1] = 0;
}

// [<repeat_count>] (and service-time's [<relative_throughput>]).  Mainline
// deprecated repeat counts above 1; three selectors clamp them.
int Selector::add_repeat_count(PathSelectorState &state, ArgSet args, unsigned int max_args,
			       bool clamp, const char **error)
{
	static constexpr const char *kArgCount[] = {
		"round-robin ps: incorrect number of arguments",
		"queue-length ps: incorrect number of arguments",
		"service-time ps: incorrect number of arguments",
		"historical-service-time ps: incorrect number of arguments",
	};
	static constexpr const char *kRepeat[] = {
		"round-robin ps: invalid repeat count",
		"queue-length ps: invalid repeat count",
		"service-time ps: invalid repeat count",
		"historical-service-time ps: invalid repeat count",
	};

	if (args.count() > max_args) {
		*error = kArgCount[index()];
		return -kEINVAL;
	}
	if (args.count() && !mpg_parse_uint(args.words()[0], &state.repeat_count)) {
		*error = kRepeat[index()];
		return -kEINVAL;
	}
	if (clamp && state.repeat_count > 1) {
		mpg_selector_warn(name(), true, "repeat_count > 1 is deprecated, using 1 instead");
		state.repeat_count = 1;
	}
	return 0;
}

int Selector::add_io_affinity(PathSelectorState &state, unsigned int index, ArgSet args,
			      const char **error)
{
	unsigned int mapped = 0;
	int r;

	if (args.count() != 1) {
		*error = "io-affinity ps: invalid number of arguments";
		return -kEINVAL;
	}
	r = mpg_cpumask_parse(args.words()[0], &state.cpumask);
	if (r) {
		*error = r == -kENOMEM ? "io-affinity ps: Error allocating cpumask context"
				       : "io-affinity ps: invalid cpumask";
		return r == -kENOMEM ? r : -kEINVAL;
	}
	for (unsigned int cpu = mpg_cpumask_next(-1, state.cpumask); cpu != MPG_CPU_NONE;
	     cpu = mpg_cpumask_next(static_cast<int>(cpu), state.cpumask)) {
		if (cpu >= nr_cpus_) {
			mpg_selector_warn(name(), true, "Ignoring mapping for CPU %u. Max CPU is %u",
					  cpu, nr_cpus_);
			break;
		}
		if (cpu_map_[cpu]) {
			mpg_selector_warn(name(), false, "CPU mapping for %u exists. Ignoring.",
					  cpu);
			continue;
		}
		cpu_map_[cpu] = index + 1;
		mapped++;
	}
	if (!mapped) {
		*error = "io-affinity ps: No new/valid CPU mapping found";
		release_path(state);
		return -kEINVAL;
	}
	return 0;
}

int Selector::add_path(PathSelectorState &state, unsigned int index, ArgSet args,
		       const char **error)
{
	int r;

	switch (policy_) {
	case Policy::kRoundRobin:
	case Policy::kQueueLength:
		r = add_repeat_count(state, args, 1, true, error);
		break;
	case Policy::kHistoricalServiceTime:
		r = add_repeat_count(state, args, 1, false, error);
		state.hst = kHstOne;
		break;
	case Policy::kServiceTime:
		r = add_repeat_count(state, args, 2, true, error);
		if (!r && args.count() == 2 &&
		    (!mpg_parse_uint(args.words()[1], &state.relative_throughput) ||
		     state.relative_throughput > kStMaxThroughput)) {
			*error = "service-time ps: invalid relative_throughput value";
			r = -kEINVAL;
		}
		break;
	case Policy::kIoAffinity:
		r = add_io_affinity(state, index, args, error);
		break;
	default:
		r = -kEINVAL;
		break;
	}
	if (!r)
		valid_count_++;
	return r;
}

void Selector::release_path(PathSelectorState &state)
{
	if (state.cpumask) {
		mpg_cpumask_free(state.cpumask);
		state.cpumask = nullptr;
	}
}

void Selector::group_status(Emitter &emit) const
{
	if (policy_ == Policy::kHistoricalServiceTime)
		emit("2 %u %u ", hst_weights_[0], hst_threshold_);
	else
		emit("0 ");
}

void Selector::path_status(Emitter &emit, const PathSelectorState &state,
			   mpath_status_type type) const
{
	if (type == MP_STATUS_IMA)
		return;
	bool info = type == MP_STATUS_INFO;

	switch (policy_) {
	case Policy::kRoundRobin:
		if (!info)
			emit("%u ", state.repeat_count);
		break;
	case Policy::kQueueLength:
		if (info)
			emit("%d ", static_cast<int>(state.in_flight.read()));
		else
			emit("%u ", state.repeat_count);
		break;
	case Policy::kServiceTime:
		if (info)
			emit("%d %u ", static_cast<int>(state.in_flight_bytes.read()),
			     state.relative_throughput);
		else
			emit("%u %u ", state.repeat_count, state.relative_throughput);
		break;
	case Policy::kHistoricalServiceTime:
		if (info)
			emit("%llu %llu %llu ", read_once(state.hst),
			     static_cast<u64>(state.in_flight.read()), read_once(state.stale_after));
		else
			emit("0 ");
		break;
	case Policy::kIoAffinity:
		if (info)
			emit("%d ", static_cast<int>(map_misses_.read()));
		else
			emit.append([&state](char *buf, unsigned int size) {
				return mpg_cpumask_scnprintf(buf, size, state.cpumask);
			});
		break;
	}
}

// < 0: a is the better path for an I/O of `incoming` bytes.  The estimated
// service time is (in-flight bytes + incoming) / relative throughput.
long Selector::st_compare(const PathSelectorState &a, const PathSelectorState &b,
			  unsigned long incoming)
{
	unsigned long sz1 = a.in_flight_bytes.read(), sz2 = b.in_flight_bytes.read();
	long tp1 = a.relative_throughput, tp2 = b.relative_throughput;

	if (tp1 == tp2)
		return sz1 < sz2 ? -1 : sz1 > sz2;
	// Same load, or one path that should only be used as a last resort:
	// the higher throughput wins.
	if (sz1 == sz2 || !tp1 || !tp2)
		return tp2 - tp1;

	// Compare (sz1 + incoming) / tp1 with (sz2 + incoming) / tp2 by cross
	// multiplication; shift both down first if that could overflow.
	sz1 += incoming;
	sz2 += incoming;
	if (sz1 >= kStMaxInflight || sz2 >= kStMaxInflight) {
		sz1 >>= kStThroughputShift;
		sz2 >>= kStThroughputShift;
	}
	unsigned long st1 = sz1 * tp2, st2 = sz2 * tp1;

	if (st1 != st2)
		return st1 < st2 ? -1 : 1;
	return tp2 - tp1;
}

// < 0: a is the better path.  Mainline's rule: estimated latencies within the
// threshold count as equal (compare queue depth); an idle path whose estimate
// went stale gets tried; otherwise (1 + outstanding) * estimate decides,
// without letting a stale winner take more than its share.
long long Selector::hst_compare(const PathSelectorState &a, const PathSelectorState &b,
				u64 now) const
{
	u64 hst1 = read_once(a.hst), hst2 = read_once(b.hst);
	u64 out1 = a.in_flight.read(), out2 = b.in_flight.read();
	u64 stale1 = read_once(a.stale_after), stale2 = read_once(b.stale_after);
	long long depth = static_cast<long long>(out1 - out2);
	bool over_threshold, b_better;

	if (hst1 > hst2)
		over_threshold = hst1 > hst_threshold_ * hst2;
	else
		over_threshold = hst2 > hst_threshold_ * hst1;
	if (!over_threshold)
		return depth;

	if ((!out1 && stale1 < now) || (!out2 && stale2 < now) || (!out1 && !out2))
		return static_cast<long long>(!out2 * stale1 - !out1 * stale2);

	if (out1 == out2) {
		b_better = hst1 > hst2;
	} else {
		if (out1 >= kHstOne || out2 >= kHstOne) {
			hst1 >>= kHstShift;
			hst2 >>= kHstShift;
		}
		b_better = (1 + out1) * hst1 > (1 + out2) * hst2;
	}
	if (b_better)
		return stale2 < now ? depth : 1;
	return stale1 < now ? depth : -1;
}

void Selector::hst_end_io(PathSelectorState &state, u64 start_ns)
{
	state.in_flight.sub(1);
	if (!state.hst_lock.try_lock())
		return;

	// A completion that another one overtook is charged from that one's
	// end, as if the path served them one after the other.
	u64 now = mpg_now_ns();
	u64 start = static_cast<long long>(start_ns - state.last_finish) < 0 ? state.last_finish
									       : start_ns;
	u64 service = static_cast<long long>(now - start) < 0 ? 0 : now - start;
	u64 bucket = service >> kHstBucketShift;
	u64 weight = hst_weights_[bucket < kHstWeights - 1 ? bucket : kHstWeights - 1];
	u64 sample = service * kHstOne < kHstMax ? service * kHstOne : kHstMax;
	u64 estimate = (state.hst * weight + sample * (kHstOne - weight) +
			(1ULL << (kHstShift - 1))) >> kHstShift;

	state.last_finish = now;
	write_once(state.hst, estimate);
	// A path that finishes nothing within the valid paths' share of its
	// estimate is stale: its estimate is too optimistic.
	write_once(state.stale_after,
		   now + read_once(valid_count_) * (estimate >> kHstShift));
	state.hst_lock.unlock();
}

} // namespace mpath
