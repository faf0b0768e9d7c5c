// SPDX-License-Identifier: GPL-2.0
//
// The control side of PolicySet: choosing a policy, its arguments, its
// paths and its status.  Instantiated once, here, for the core's Selector.
#include "selector.hpp"

namespace mpath {

template <typename... Policies>
bool PolicySet<Policies...>::set_policy(const char *name)
{
	return name && set_policy_from<0>(name);
}

// Case-sensitive, like dm_get_path_selector() (features are not).
template <typename... Policies>
template <unsigned int I>
bool PolicySet<Policies...>::set_policy_from(const char *name)
{
	if constexpr (I == kCount) {
		return false;
	} else {
		if (!text::equal(name, Nth<I>::kName))
			return set_policy_from<I + 1>(name);
		release();
		policy_.template emplace<Nth<I>>();
		index_ = I;
		return true;
	}
}

template <typename... Policies>
bool PolicySet<Policies...>::create(ArgSet args)
{
	rotation_.init_turns();
	return visit([&](auto &p) { return p.create(args); });
}

template <typename... Policies>
void PolicySet<Policies...>::release()
{
	visit([](auto &p) { p.release(); });
	rotation_.release();
}

template <typename... Policies>
int PolicySet<Policies...>::add_path(PathSlot &slot, unsigned int index, ArgSet args,
				     const char **error)
{
	return visit([&]<typename P>(P &p) {
		auto &state = slot.state_.template emplace<typename P::PathState>();
		int r;

		slot.filled_ = true;
		r = p.add_path(state, index, args, error);
		if (!r)
			rotation_.path_added();
		return r;
	});
}

template <typename... Policies>
void PolicySet<Policies...>::release_path(PathSlot &slot)
{
	if (!slot.filled_)
		return;
	visit([&]<typename P>(P &p) {
		p.release_path(slot.state_.template get<typename P::PathState>());
	});
	slot.filled_ = false;
}

template <typename... Policies>
void PolicySet<Policies...>::path_status(Emitter &emit, const PathSlot &slot,
					 mpath_status_type type) const
{
	if (type == MP_STATUS_IMA)
		return;
	visit([&]<typename P>(const P &p) {
		p.path_status(emit, slot.state_.template get<typename P::PathState>(),
			      type == MP_STATUS_INFO);
	});
}

template class PolicySet<RoundRobin, QueueLength, ServiceTime, HistoricalServiceTime, IoAffinity>;

} // namespace mpath
