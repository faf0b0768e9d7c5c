// SPDX-License-Identifier: GPL-2.0
//
// service-time's arguments, estimate and status (dm-ps-service-time.c).
#include "service_time.hpp"

namespace mpath {

// [<repeat_count> [<relative_throughput>]]
int ServiceTime::add_path(PathState &state, unsigned int, ArgSet args, const char **error)
{
	int r = read_repeat_count<ServiceTime>(state.repeat_count, args, 2, true, error);

	if (!r && args.count() == 2 &&
	    (mpg_parse_uint(args.words()[1], &state.relative_throughput) ||
	     state.relative_throughput > kMaxThroughput)) {
		*error = "service-time ps: invalid relative_throughput value";
		r = -kEINVAL;
	}
	return r;
}

// < 0: a is the better path for an I/O of `incoming` bytes.
long ServiceTime::compare(const PathState &a, const PathState &b, unsigned long incoming)
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
	if (sz1 >= kMaxInflight || sz2 >= kMaxInflight) {
		sz1 >>= kThroughputShift;
		sz2 >>= kThroughputShift;
	}
	unsigned long st1 = sz1 * tp2, st2 = sz2 * tp1;

	if (st1 != st2)
		return st1 < st2 ? -1 : 1;
	return tp2 - tp1;
}

void ServiceTime::path_status(Emitter &emit, const PathState &state, bool info) const
{
	if (info)
		emit("%d %u ", static_cast<int>(state.in_flight_bytes.read()),
		     state.relative_throughput);
	else
		emit("%u %u ", state.repeat_count, state.relative_throughput);
}

} // namespace mpath
