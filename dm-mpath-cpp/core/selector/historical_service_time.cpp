// SPDX-License-Identifier: GPL-2.0
//
// historical-service-time's arguments, estimate and status, as Linux 6.1
// defines them (dm-ps-historical-service-time.c).
#include "historical_service_time.hpp"

namespace mpath {

// [<base_weight> [<threshold_multiplier>]]
bool HistoricalServiceTime::create(ArgSet args)
{
	unsigned int base = kBaseWeight;
	unsigned int threshold = 0;

	if (args.count() > 2)
		return false;
	if (args.count() && (mpg_parse_uint(args.words()[0], &base) || base >= kOne))
		return false;
	if (args.count() > 1 && mpg_parse_uint(args.words()[1], &threshold))
		return false;
	set_weights(base);
	threshold_ = threshold;
	return true;
}

// Weight of the history for a sample in each ~16 ms bucket: base^(i+1), so
// slower samples replace more of the estimate.
void HistoricalServiceTime::set_weights(unsigned int base)
{
	for (unsigned int i = 0; i < kWeights - 1; i++) {
		u64 result = kOne, x = base;

		for (unsigned int n = i + 1;;) {
			if (n & 1)
				result = (result * x + (1ULL << (kShift - 1))) >> kShift;
			n >>= 1;
			if (!n)
				break;
			x = (x * x + (1ULL << (kShift - 1))) >> kShift;
		}
		weights_[i] = static_cast<unsigned int>(result);
	}
	weights_[kWeights - 1] = 0;
}

// < 0: a is the better path.  Mainline's rule: estimated latencies within the
// threshold count as equal (compare queue depth); an idle path whose estimate
// went stale gets tried; otherwise (1 + outstanding) * estimate decides,
// without letting a stale winner take more than its share.
long long HistoricalServiceTime::compare(const PathState &a, const PathState &b, u64 now) const
{
	u64 hst1 = read_once(a.estimate), hst2 = read_once(b.estimate);
	u64 out1 = a.in_flight.read(), out2 = b.in_flight.read();
	u64 stale1 = read_once(a.stale_after), stale2 = read_once(b.stale_after);
	long long depth = static_cast<long long>(out1 - out2);
	bool over_threshold, b_better;

	if (hst1 > hst2)
		over_threshold = hst1 > threshold_ * hst2;
	else
		over_threshold = hst2 > threshold_ * hst1;
	if (!over_threshold)
		return depth;

	if ((!out1 && stale1 < now) || (!out2 && stale2 < now) || (!out1 && !out2))
		return static_cast<long long>(!out2 * stale1 - !out1 * stale2);

	if (out1 == out2) {
		b_better = hst1 > hst2;
	} else {
		if (out1 >= kOne || out2 >= kOne) {
			hst1 >>= kShift;
			hst2 >>= kShift;
		}
		b_better = (1 + out1) * hst1 > (1 + out2) * hst2;
	}
	if (b_better)
		return stale2 < now ? depth : 1;
	return stale1 < now ? depth : -1;
}

void HistoricalServiceTime::end_io(PathState &state, unsigned int, u64 start_ns,
				   const Rotation &rotation)
{
	state.in_flight.sub(1);
	if (!state.lock.try_lock())
		return;

	// A completion that another one overtook is charged from that one's
	// end, as if the path served them one after the other.
	u64 now = mpg_now_ns();
	u64 start = static_cast<long long>(start_ns - state.last_finish) < 0 ? state.last_finish
									     : start_ns;
	u64 service = static_cast<long long>(now - start) < 0 ? 0 : now - start;
	u64 bucket = service >> kBucketShift;
	u64 weight = weights_[bucket < kWeights - 1 ? bucket : kWeights - 1];
	u64 sample = service * kOne < kMax ? service * kOne : kMax;
	u64 estimate =
		(state.estimate * weight + sample * (kOne - weight) + (1ULL << (kShift - 1))) >>
		kShift;

	state.last_finish = now;
	write_once(state.estimate, estimate);
	// A path that finishes nothing within the valid paths' share of its
	// estimate is stale: its estimate is too optimistic.
	write_once(state.stale_after, now + rotation.valid_count() * (estimate >> kShift));
	state.lock.unlock();
}

void HistoricalServiceTime::path_status(Emitter &emit, const PathState &state, bool info) const
{
	if (info)
		emit("%llu %llu %llu ", read_once(state.estimate),
		     static_cast<u64>(state.in_flight.read()), read_once(state.stale_after));
	else
		emit("0 ");
}

} // namespace mpath
