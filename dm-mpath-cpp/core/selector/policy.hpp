// SPDX-License-Identifier: GPL-2.0
//
// What a path selector policy is.  Each policy is a type, in its own header
// like mainline's dm-ps-<name>.c, with:
//
//   kName, kTableArgs, kInfoArgs   its name and status word counts
//   kTimesIo                       it wants each I/O's dispatch time
//   PathState                      what it keeps about one path
//   create(args), release()        the group's selector arguments
//   add_path(state, index, args, error), release_path(state)
//   select(rotation, paths, nr, nr_bytes)   lockless choice of a path
//   start_io(state, bytes), end_io(state, bytes, start_ns, rotation)
//   group_status(emit), path_status(emit, state, info)
//
// PolicyBase gives the defaults most policies keep.  The policies are bound
// together at compile time (selector.hpp): no virtual call on the I/O path.
#pragma once

#include "../base/args.hpp"
#include "../base/emitter.hpp"
#include "rotation.hpp"

namespace mpath {

struct PolicyBase {
	static constexpr bool kTimesIo = false;

	// Most policies take no group arguments, and ignore any.
	bool create(ArgSet) { return true; }
	void release() {}
	template <typename State>
	void release_path(State &)
	{}
	template <typename State>
	void start_io(State &, unsigned int)
	{}
	template <typename State>
	void end_io(State &, unsigned int, u64, const Rotation &)
	{}
	void group_status(Emitter &emit) const { emit("0 "); }
};

// A path's state for the policy its group runs.
template <typename State, typename PathT>
inline const State &state_of(const PathT &path)
{
	return path.selector_state.template get<State>();
}

// [<repeat_count>] (and service-time's [<relative_throughput>]).  Mainline
// deprecated repeat counts above 1; three selectors clamp them.
template <typename Policy>
int read_repeat_count(unsigned int &repeat_count, ArgSet args, unsigned int max_args, bool clamp,
		      const char **error)
{
	if (args.count() > max_args) {
		*error = Policy::kArgCountError;
		return -kEINVAL;
	}
	if (args.count() && mpg_parse_uint(args.words()[0], &repeat_count)) {
		*error = Policy::kRepeatCountError;
		return -kEINVAL;
	}
	if (clamp && repeat_count > 1) {
		mpg_selector_warn(Policy::kName, true,
				  "repeat_count > 1 is deprecated, using 1 instead");
		repeat_count = 1;
	}
	return 0;
}

} // namespace mpath
