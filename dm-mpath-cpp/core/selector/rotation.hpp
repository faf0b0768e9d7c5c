// SPDX-License-Identifier: GPL-2.0
//
// What every policy but io-affinity shares: the count of usable paths in the
// group, and the turn that spreads ties over them.  Mainline breaks ties by
// moving the chosen path to the tail of a list under a spinlock; here a turn
// counter picks the valid path, kept per CPU in the glue's turn cache
// (mpg_next_turn), so that choosing a path writes no cache line another CPU
// uses.
#pragma once

#include "../base/atomic.hpp"
#include "../base/lock.hpp"

namespace mpath {

class Rotation {
public:
	Rotation() = default;
	Rotation(const Rotation &) = delete;
	Rotation &operator=(const Rotation &) = delete;

	// Table load: its own key into the turn cache.
	void init_turns() { turn_key_ = mpg_turn_key_new(); }
	void release() { valid_count_.init(0); }

	unsigned int valid_count() const { return valid_count_.read(); }
	// Table load.
	void path_added() { valid_count_.init(valid_count_.read() + 1); }
	void path_failed(const Locked &held) { valid_count_.set(held, valid_count_.read() - 1); }
	void path_reinstated(const Locked &held)
	{
		valid_count_.set(held, valid_count_.read() + 1);
	}

	// The valid path whose turn it is: this CPU's turn counter modulo the
	// number of valid paths, so that the valid paths take turns evenly, as
	// mainline's rotation of its valid-path list gives.  nullptr if no path
	// is valid.
	template <typename PathT>
	PathT *path_in_turn(PathT *paths, unsigned int nr) const
	{
		unsigned int valid = valid_count();
		unsigned long skip = 0;
		PathT *first = nullptr;

		if (valid > 1)
			skip = next_turn() % valid;
		for (unsigned int i = 0; i < nr; i++) {
			if (!paths[i].active.read())
				continue;
			if (!skip)
				return &paths[i];
			skip--;
			if (!first)
				first = &paths[i];
		}
		return first; // a path failed since valid_count_ was read
	}

	// The usable path that is better than every other by better(a, b);
	// the scan starts at the path in turn, so ties are shared.  With
	// is_ideal, the first path that nothing can beat ends the scan.
	template <typename PathT, typename Better, typename IsIdeal>
	PathT *best_of(PathT *paths, unsigned int nr, Better better, IsIdeal is_ideal) const
	{
		PathT *start = path_in_turn(paths, nr);
		PathT *best = nullptr;

		if (!start)
			return nullptr;
		for (unsigned int i = 0, idx = static_cast<unsigned int>(start - paths); i < nr;
		     i++, idx = idx + 1 < nr ? idx + 1 : 0) {
			PathT *p = &paths[idx];

			if (!p->active.read())
				continue;
			if (!best || better(*p, *best))
				best = p;
			if (is_ideal(*best))
				break;
		}
		return best;
	}

	template <typename PathT, typename Better>
	PathT *best_of(PathT *paths, unsigned int nr, Better better) const
	{
		return best_of(paths, nr, better, [](const PathT &) { return false; });
	}

private:
	// This CPU's next turn.  Where the cache does not hold it, the next of
	// the rotation's restarts: a new group starts at its first path, as
	// mainline's does, and rotations that keep evicting each other from a
	// slot still take turns instead of restarting alike.
	unsigned int next_turn() const
	{
		unsigned int turn;

		if (mpg_next_turn(turn_key_, &turn))
			return turn;
		turn = static_cast<unsigned int>(restarts_.add(1));
		mpg_start_turns(turn_key_, turn);
		return turn;
	}

	unsigned long long turn_key_ = 0;
	mutable Counter restarts_; // written only on a cache miss
	Lockless<unsigned int> valid_count_;
};

} // namespace mpath
