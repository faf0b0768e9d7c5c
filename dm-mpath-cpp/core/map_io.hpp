// SPDX-License-Identifier: GPL-2.0
//
// The one decision point of both I/O units: Multipath::map() and end_io(),
// instantiated for each unit by entry.cpp.  Mainline writes this logic twice
// (multipath_map_bio/multipath_clone_and_map, multipath_end_io[_bio]).
#pragma once

#include "multipath.hpp"

namespace mpath {

// The I/O mapped to io.path completed, or will not be issued after all.
template <typename Unit>
inline void end_path_io(mpath_io &io)
{
	Path *path = to_path(io.path);

	if (path) {
		path->pg->selector.end_io(path->selector_state, io.nr_bytes, io.start_ns);
		if (Unit::kCountsInFlight && io.sent_tick && path->bio_ticks)
			path->bio_ticks->in_flight[io.sent_tick % BioTicks::kSlots].sub(1);
		// The I/O timeout's walk of started requests may read it meanwhile.
		__atomic_store_n(&io.path, nullptr, __ATOMIC_RELAXED);
	}
}

// The I/O timeout's record of an I/O sent down path: in request mode only
// in the I/O itself, which the check finds among dm-rq's started requests;
// a bio can only be counted on its path.
template <typename Unit>
MP_ALWAYS_INLINE void track_path_io(mpath_io &io, Path &path, unsigned long tick)
{
	__atomic_store_n(&io.sent_tick, tick, __ATOMIC_RELAXED);
	if (Unit::kCountsInFlight && tick && path.bio_ticks)
		path.bio_ticks->in_flight[tick % BioTicks::kSlots].add(1);
	// Last, with release: whoever sees the path sees this I/O's tick.
	__atomic_store_n(&io.path, to_handle(&path), __ATOMIC_RELEASE);
}

// Maps one I/O: picks a path, or waits for one, or pushes the I/O back to dm
// core during a noflush suspend, or fails it.
template <typename Unit>
MP_ALWAYS_INLINE int Multipath::map(Unit &unit, mpath_io &io)
{
	unsigned int nr_bytes = unit.bytes();
	Path *path = choose_path_fast(nr_bytes);

	__atomic_store_n(&io.path, nullptr, __ATOMIC_RELAXED);
	io.nr_bytes = nr_bytes;
	if (!path) {
		LockGuard guard(lock_);

		path = choose_path(guard, nr_bytes);
		if (!path) {
			if (queue_if_no_path_)
				return unit.wait_for_path(guard, ctx_);
			if (mpg_noflush_suspending(ctx_))
				return Unit::kMapPushBack;
			return MP_MAPIO_KILL;
		}
		// The group's hardware handler must activate it first.
		if (queue_io_.read() || pg_init_required_.read()) {
			pg_init_all_paths(guard);
			return unit.wait_for_path(guard, ctx_);
		}
	}

	switch (unit.remap(path->dev)) {
	case MP_CLONE_OK: {
		Selector &selector = path->pg->selector;

		io.start_ns = selector.times_io() ? mpg_now_ns() : 0;
		selector.start_io(path->selector_state, nr_bytes);
		mpg_io_counts_inc(path->pg->ios, path->index);
		track_path_io<Unit>(io, *path, io_timeout_ms_.read() ? io_tick_.read() : 0);
		return MP_MAPIO_REMAPPED;
	}
	case MP_CLONE_BUSY:
		return MP_MAPIO_REQUEUE;
	case MP_CLONE_DEAD:
		break;
	}
	LockGuard guard(lock_);
	fail_path(guard, *path);
	return MP_MAPIO_DELAY_REQUEUE;
}

// Completes one I/O: a path error fails the path and retries the I/O on
// another path (or waits, or pushes back); other errors go to the caller.
template <typename Unit>
MP_ALWAYS_INLINE int Multipath::end_io(Unit &unit, mpath_io &io, unsigned char *status)
{
	Path *path = to_path(io.path);

	if (path && *status)
		path->errors.add(1);
	end_path_io<Unit>(io);
	if (!*status || !mpg_blk_path_error(*status))
		return MP_ENDIO_DONE;

	LockGuard guard(lock_);

	if (path)
		fail_path(guard, *path);
	if (!nr_valid_paths_.read() && !queue_if_no_path_) {
		if (mpg_noflush_suspending(ctx_))
			return MP_ENDIO_REQUEUE;
		Unit::final_error(status);
		return MP_ENDIO_DONE;
	}
	// Retried with no path left: forget the current group now, as
	// mainline's retry through choose_pgpath() does (a parked bio is not
	// re-mapped until a path comes back).
	if (!nr_valid_paths_.read())
		choose_path(guard, 0);
	return unit.retry(guard, ctx_, *status, nr_valid_paths_.read() > 0);
}

} // namespace mpath
