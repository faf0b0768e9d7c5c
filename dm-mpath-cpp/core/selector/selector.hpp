// SPDX-License-Identifier: GPL-2.0
//
// Path selectors: the five policies of Linux 6.1 with mainline's table
// grammar, error strings, clamps and status text.  The stock selectors are
// modules registered with dm-multipath.ko's exported registry, which a
// replacement target cannot use, so the core carries its own, one type per
// policy (policy.hpp says what a policy provides).
//
// A group picks its policy by name at table load.  PolicySet holds that
// policy and dispatches to it by its index: each call is a compare-and-branch
// over the policies that the compiler inlines, not a function pointer.
//
// Selection and the per-I/O hooks run without the target lock: counters are
// atomic and a path's `active` flag is read once.  A racing failover at worst
// sends one I/O down a path that has just failed; its error retries it, as in
// mainline.
#pragma once

#include "historical_service_time.hpp"
#include "io_affinity.hpp"
#include "one_of.hpp"
#include "queue_length.hpp"
#include "round_robin.hpp"
#include "service_time.hpp"

namespace mpath {

template <unsigned int I, typename T, typename... Rest>
struct NthType {
	using type = typename NthType<I - 1, Rest...>::type;
};

template <typename T, typename... Rest>
struct NthType<0, T, Rest...> {
	using type = T;
};

template <typename... Policies>
class PolicySet {
public:
	// One path's state, for the policy its group runs.
	class PathSlot {
	public:
		template <typename State>
		const State &get() const
		{
			return state_.template get<State>();
		}

	private:
		friend PolicySet;

		OneOf<typename Policies::PathState...> state_;
		bool filled_ = false; // add_path() made the group policy's state here
	};

	PolicySet() { policy_.template emplace<Nth<0>>(); }
	~PolicySet() { release(); }
	PolicySet(const PolicySet &) = delete;
	PolicySet &operator=(const PolicySet &) = delete;

	// Resolves a selector name as users write it; false if unknown.
	bool set_policy(const char *name);
	// The group's selector arguments (mainline's create()); false if refused.
	bool create(ArgSet args);
	// Frees what create() set up, so the group can be reused.
	void release();
	// Per-path arguments; index is the path's position in the group.
	int add_path(PathSlot &slot, unsigned int index, ArgSet args, const char **error);
	void release_path(PathSlot &slot);

	const char *name() const
	{
		return visit([](const auto &p) { return p.kName; });
	}
	unsigned int table_args() const
	{
		return visit([](const auto &p) { return p.kTableArgs; });
	}
	unsigned int info_args() const
	{
		return visit([](const auto &p) { return p.kInfoArgs; });
	}
	// The policy wants each I/O's dispatch time at completion.
	bool times_io() const
	{
		return visit([](const auto &p) { return p.kTimesIo; });
	}

	// Called under the target lock when a path changes state.
	void path_failed(const Locked &held) { rotation_.path_failed(held); }
	void path_reinstated(const Locked &held) { rotation_.path_reinstated(held); }

	void group_status(Emitter &emit) const
	{
		visit([&emit](const auto &p) { p.group_status(emit); });
	}
	void path_status(Emitter &emit, const PathSlot &slot, mpath_status_type type) const;

	// Picks a usable path among paths[0..nr) for an I/O of nr_bytes;
	// nullptr if none.  Lockless.
	template <typename PathT>
	PathT *select(PathT *paths, unsigned int nr, unsigned int nr_bytes)
	{
		return visit(
			[&]<typename P>(P &p) { return p.select(rotation_, paths, nr, nr_bytes); });
	}

	// Accounting of an I/O dispatched to / completed on a path.  Lockless.
	void start_io(PathSlot &slot, unsigned int nr_bytes)
	{
		visit([&]<typename P>(P &p) {
			p.start_io(slot.state_.template get<typename P::PathState>(), nr_bytes);
		});
	}
	void end_io(PathSlot &slot, unsigned int nr_bytes, u64 start_ns)
	{
		visit([&]<typename P>(P &p) {
			p.end_io(slot.state_.template get<typename P::PathState>(), nr_bytes,
				 start_ns, rotation_);
		});
	}

private:
	template <unsigned int I>
	using Nth = typename NthType<I, Policies...>::type;
	static constexpr unsigned int kCount = sizeof...(Policies);

	// f(policy) for the group's policy, as its own type.
	template <typename F>
	MP_ALWAYS_INLINE decltype(auto) visit(F &&f)
	{
		return visit_in(*this, f);
	}

	template <typename F>
	MP_ALWAYS_INLINE decltype(auto) visit(F &&f) const
	{
		return visit_in(*this, f);
	}

	// Self: PolicySet or const PolicySet, so both visits are one.
	template <unsigned int I = 0, typename Self, typename F>
	MP_ALWAYS_INLINE static decltype(auto) visit_in(Self &self, F &f)
	{
		if constexpr (I + 1 == kCount) {
			return f(self.policy_.template get<Nth<I>>());
		} else {
			if (self.index_ == I)
				return f(self.policy_.template get<Nth<I>>());
			return visit_in<I + 1>(self, f);
		}
	}

	template <unsigned int I>
	bool set_policy_from(const char *name);

	OneOf<Policies...> policy_;
	unsigned char index_ = 0;
	Rotation rotation_;
};

using Selector = PolicySet<RoundRobin, QueueLength, ServiceTime, HistoricalServiceTime, IoAffinity>;
extern template class PolicySet<RoundRobin, QueueLength, ServiceTime, HistoricalServiceTime,
				IoAffinity>;

} // namespace mpath
