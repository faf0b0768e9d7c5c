// SPDX-License-Identifier: GPL-2.0
//
// Routing: which path the next I/O takes.  Mainline's group and path choice
// (choose_pgpath), the lockless steady state beside it, and the two callers
// that need a path outside map(): dm-rq's busy() and the ioctl device.
#include "multipath.hpp"

namespace mpath {

// Steady state: the current group is set up and nothing asks for a change,
// so its selector picks a path without the target lock.  nullptr sends the
// I/O to choose_path_locked().
Path *Multipath::choose_path_fast(unsigned int nr_bytes)
{
	PathGroup *pg = load_acquire(current_pg_);

	if (!pg || read_once(next_pg_) || read_once(queue_io_) || read_once(pg_init_required_))
		return nullptr;
	return pg->selector.select(pg->paths, pg->nr_paths, nr_bytes);
}

// Group choice follows mainline: a pending switch_group first, then the
// current group while it has a usable path, then every enabled group in
// order, and the bypassed (disabled) ones only as a last resort.
Path *Multipath::choose_path_locked(unsigned int nr_bytes)
{
	Path *path;

	if (!nr_valid_paths_) {
		write_once(queue_io_, false);
		goto failed;
	}

	if (next_pg_) {
		PathGroup *pg = next_pg_;

		write_once(next_pg_, nullptr);
		path = choose_in_group_locked(*pg, nr_bytes);
		if (path)
			return path;
	}

	if (current_pg_) {
		path = choose_in_group_locked(*current_pg_, nr_bytes);
		if (path)
			return path;
	}

	for (int want_bypassed = 0; want_bypassed <= 1; want_bypassed++) {
		for (unsigned int i = 0; i < nr_groups_; i++) {
			if (groups_[i].bypassed != static_cast<bool>(want_bypassed))
				continue;
			path = choose_in_group_locked(groups_[i], nr_bytes);
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
	write_once(current_path_, nullptr);
	write_once(current_pg_, nullptr);
	return nullptr;
}

Path *Multipath::choose_in_group_locked(PathGroup &pg, unsigned int nr_bytes)
{
	Path *path = pg.selector.select(pg.paths, pg.nr_paths, nr_bytes);

	if (path) {
		write_once(current_path_, path);
		if (current_pg_ != &pg)
			switch_group_locked(pg);
	}
	return path;
}

void Multipath::switch_group_locked(PathGroup &pg)
{
	// With a hardware handler I/O waits until pg_init activated the group.
	write_once(queue_io_, hw_handler_ != nullptr);
	write_once(pg_init_required_, hw_handler_ != nullptr);
	pg_init_count_ = 0;
	store_release(current_pg_, &pg);
}

// dm-rq's question before dispatching: would mapping now only bounce off
// busy paths?  Mainline's answer, from the group the next I/O will use.
bool Multipath::busy()
{
	PathGroup *pg = load_acquire(current_pg_);
	PathGroup *next = read_once(next_pg_);
	bool has_active = false;

	if (read_once(pg_init_in_progress_))
		return true;
	if (!read_once(nr_valid_paths_)) {
		// Queueing in request mode: map() delays the requeue itself.
		LockGuard guard(ctx_);

		if (queue_if_no_path_)
			return bio_mode_;
	}
	if (!read_once(current_path_) && next)
		pg = next;
	// Unknown group: choosing one here could start its initialisation.
	if (!pg)
		return false;

	for (unsigned int i = 0; i < pg->nr_paths; i++) {
		const Path &path = pg->paths[i];

		if (!read_once(path.active))
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
		LockGuard guard(ctx_);
		Path *path = current_path_;

		if (!path || !queue_io_)
			path = choose_path_locked(0);
		if (path && !queue_io_) {
			*dev = path->dev;
			return 0;
		}
		// No path, or pg_init has not finished: -ENOTCONN makes the
		// caller retry (while queueing), after pg_init was started.
		r = path || queue_if_no_path_ ? -kENOTCONN : -kEIO;
		if (r == -kENOTCONN) {
			if (!current_pg_)
				choose_path_locked(0);
			if (pg_init_required_)
				pg_init_all_paths_locked();
		}
	}
	if (r == -kENOTCONN)
		mpg_kick_waiting_io(ctx_);
	return r;
}

} // namespace mpath
