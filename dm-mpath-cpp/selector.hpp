// SPDX-License-Identifier: GPL-2.0
//
// Path selectors: each is a self-contained policy with the table grammar,
// status text and selection rule of the mainline selector of the same name.
// A group picks its policy by name at table load; selection dispatches with a
// switch over the policies (inlined), not through a table of function pointers.
#pragma once

#include "util.hpp"

namespace mpath {

struct Path;
struct PathGroup;

// Per-path selector state; what each policy keeps about a path.
struct PathSelectorState {
	unsigned int repeat_count;
};

// round-robin: every I/O goes to the next usable path of the group.
struct RoundRobin {
	static constexpr const char *kName = "round-robin";
	static constexpr unsigned int kTableArgs = 1;
	static constexpr unsigned int kInfoArgs = 0;

	static int add_path(PathSelectorState &state, ArgSet args, const char **error)
	{
		unsigned int repeat_count = 1;

		if (args.count() > 1) {
			*error = "round-robin ps: incorrect number of arguments";
			return -kEINVAL;
		}
		if (args.count() == 1 && !mpg_parse_uint(args.words()[0], &repeat_count)) {
			*error = "round-robin ps: invalid repeat count";
			return -kEINVAL;
		}
		if (repeat_count > 1) {
			mpg_log(MP_LOG_WARN, "repeat_count > 1 is deprecated, using 1 instead");
			repeat_count = 1;
		}
		state.repeat_count = repeat_count;
		return 0;
	}

	static void path_table_status(Emitter &emit, const PathSelectorState &state)
	{
		emit("%u ", state.repeat_count);
	}

	unsigned int cursor = 0;
};

enum class Policy : unsigned char {
	kRoundRobin,
};

// The selector of one priority group.
class Selector {
public:
	// Resolves a selector name as users write it; false if unknown.
	bool init(const char *name)
	{
		if (word_is(name, RoundRobin::kName)) {
			policy_ = Policy::kRoundRobin;
			return true;
		}
		return false;
	}

	// Selectors of Linux 6.1 that this module does not offer yet.
	static bool is_mainline_name(const char *name)
	{
		return word_is(name, "queue-length") || word_is(name, "service-time") ||
		       word_is(name, "historical-service-time") || word_is(name, "io-affinity");
	}

	const char *name() const { return RoundRobin::kName; }
	unsigned int table_args() const { return RoundRobin::kTableArgs; }
	unsigned int info_args() const { return RoundRobin::kInfoArgs; }

	int add_path(PathSelectorState &state, ArgSet args, const char **error)
	{
		switch (policy_) {
		case Policy::kRoundRobin:
			return RoundRobin::add_path(state, args, error);
		}
		return -kEINVAL;
	}

	// Group-level status word(s).
	void group_status(Emitter &emit) const { emit("0 "); }

	void path_status(Emitter &emit, const PathSelectorState &state,
			 mpath_status_type type) const
	{
		if (type == MP_STATUS_TABLE)
			RoundRobin::path_table_status(emit, state);
	}

	// Picks the next usable path among paths[0..nr); nullptr if none.
	// Caller holds the target lock.
	template <typename PathT>
	PathT *select(PathT *paths, unsigned int nr)
	{
		for (unsigned int i = 0; i < nr; i++) {
			unsigned int idx = (rr_.cursor + i) % nr;

			if (paths[idx].active) {
				rr_.cursor = (idx + 1) % nr;
				return &paths[idx];
			}
		}
		return nullptr;
	}

private:
	Policy policy_ = Policy::kRoundRobin;
	RoundRobin rr_;
};

} // namespace mpath
