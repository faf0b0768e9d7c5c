// SPDX-License-Identifier: GPL-2.0
//
// Routing: which path the next I/O takes.  Mainline's group and path choice
// (choose_pgpath), the lockless steady state beside it, and the two callers
// that need a path outside map(): dm-rq's busy() and the ioctl device.
#include "multipath.hpp"

namespace mpath {

// Steady state: the current group is set up and nothing asks for a change,
// so its selector picks a path without the target lock.  nullptr sends the
// I/O to choose_path().
Path *Multipath::choose_path_fast(unsigned int nr_bytes)
{
	PathGroup *pg = current_pg_.acquire();

	if (!pg || next_pg_.read() || queue_io_.read() || pg_init_required_.read())
		return nullptr;
	return pg->selector.select(pg->paths, pg->nr_paths, nr_bytes);
}

// Group choice follows mainline: a pending switch_group first, then the
// current group while it has a usable path, then every enabled group in
// order, and the bypassed (disabled) ones only as a last resort.  7.2 tries
// the current group before the pending switch (which a probe may delay).
Path *Multipath::choose_path(const Locked &held, unsigned int nr_bytes)
{
	PathGroup *pg;
	Path *path;

	if (!nr_valid_paths_.read()) {
		queue_io_.set(held, false);
		goto failed;
	}

	pg = current_pg_.read();
	if (pg && since(MP_IFACE_7_2)) {
		path = choose_in_group(held, *pg, nr_bytes);
		if (path)
			return path;
	}

	pg = next_pg_.read();
	if (pg) {
		next_pg_.set(held, nullptr);
		path = choose_in_group(held, *pg, nr_bytes);
		if (path)
			return path;
	}

	pg = current_pg_.read();
	if (pg && !since(MP_IFACE_7_2)) {
		path = choose_in_group(held, *pg, nr_bytes);
		if (path)
			return path;
	}

	for (int want_bypassed = 0; want_bypassed <= 1; want_bypassed++) {
		for (unsigned int i = 0; i < nr_groups_; i++) {
			if (groups_[i].bypassed != static_cast<bool>(want_bypassed))
				continue;
			path = choose_in_group(held, groups_[i], nr_bytes);
			if (!path)
				continue;
			// A bypassed group's controller said it was busy: its
			// pg_init waits pg_init_delay_msecs, so we do not hammer it.
			if (want_bypassed)
				pg_init_delay_retry_ = true;
			return path;
		}
	}

failed:
	current_path_.set(held, nullptr);
	current_pg_.set(held, nullptr);
	return nullptr;
}

Path *Multipath::choose_in_group(const Locked &held, PathGroup &pg, unsigned int nr_bytes)
{
	Path *path = pg.selector.select(pg.paths, pg.nr_paths, nr_bytes);

	if (path) {
		current_path_.set(held, path);
		if (current_pg_.read() != &pg)
			switch_group(held, pg);
	}
	return path;
}

void Multipath::switch_group(const Locked &held, PathGroup &pg)
{
	// With a hardware handler I/O waits until pg_init activated the group.
	queue_io_.set(held, hw_handler_ != nullptr);
	pg_init_required_.set(held, hw_handler_ != nullptr);
	pg_init_count_ = 0;
	current_pg_.publish(held, &pg);
}

// dm-rq's question before dispatching: would mapping now only bounce off
// busy paths?  Mainline's answer, from the group the next I/O will use.
bool Multipath::busy()
{
	PathGroup *pg = current_pg_.acquire();
	PathGroup *next = next_pg_.read();
	bool has_active = false;

	if (pg_init_in_progress_.read())
		return true;
	if (!nr_valid_paths_.read()) {
		// Queueing in request mode: map() delays the requeue itself.
		LockGuard guard(lock_);

		if (queue_if_no_path_)
			return bio_mode_;
	}
	if (!current_path_.read() && next)
		pg = next;
	// Unknown group: choosing one here could start its initialisation.
	if (!pg)
		return false;

	for (unsigned int i = 0; i < pg->nr_paths; i++) {
		const Path &path = pg->paths[i];

		if (!path.active.read())
			continue;
		has_active = true;
		if (!mpg_dev_busy(path.dev))
			return false;
	}
	// Without a usable path here the next I/O picks another group.
	return has_active;
}

int Multipath::ioctl_device(mpg_dev **dev)
{
	int r;
	{
		LockGuard guard(lock_);
		Path *path = current_path_.read();

		if (!path || !queue_io_.read())
			path = choose_path(guard, 0);
		if (path && !queue_io_.read()) {
			*dev = path->dev;
			return 0;
		}
		// No path, or pg_init has not finished: -ENOTCONN makes the
		// caller retry (while queueing), after pg_init was started.
		r = path || queue_if_no_path_ ? -kENOTCONN : -kEIO;
		if (r == -kENOTCONN) {
			if (!current_pg_.read())
				choose_path(guard, 0);
			if (pg_init_required_.read())
				pg_init_all_paths(guard);
		}
	}
	if (r == -kENOTCONN)
		mpg_kick_waiting_io(ctx_);
	return r;
}

} // namespace mpath
