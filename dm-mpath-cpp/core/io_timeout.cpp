// SPDX-License-Identifier: GPL-2.0
//
// The per-I/O latency timeout (not in mainline): a tick fails a path that
// holds an I/O older than the timeout.  Request mode finds the requests in
// flight in dm-rq's own tag set, at no cost per I/O; bio mode counts its
// bios in flight per path by the tick they were sent in.
#include "multipath.hpp"

namespace mpath {

// Starts, re-times or stops the check (0: off).
void Multipath::set_io_timeout(unsigned int msecs)
{
	{
		LockGuard guard(lock_);

		io_timeout_ms_.set(guard, msecs);
	}
	// Outside the lock: stopping waits for a running tick, which takes it.
	if (msecs)
		mpg_io_check_start(ctx_, io_check_period(msecs));
	else
		mpg_io_check_stop(ctx_);
}

// One tick, whose work grows with the number of paths and of I/Os in
// flight only: a path with an I/O outstanding for at least a whole timeout
// (sent before the last four ticks) is failed, so new I/O avoids it.  The
// late I/O itself is left to complete (or fail) from below: only then is it
// safe to complete it to the caller, whose pages the device may still touch.
bool Multipath::io_check()
{
	unsigned int timeout = io_timeout_ms_.read();
	LateRqCheck check = {this, 0};

	if (!timeout)
		return false;
	{
		LockGuard guard(lock_);

		check.tick = io_tick_.read() + 1;
		io_tick_.set(guard, check.tick);
	}
	// Without the lock: the walk takes the tag set's lock per request.
	mpg_rq_walk_started(ctx_, note_late_rq, &check);

	LockGuard guard(lock_);

	for (unsigned int g = 0; g < nr_groups_; g++) {
		for (unsigned int i = 0; i < groups_[g].nr_paths; i++) {
			Path &path = groups_[g].paths[i];
			bool late = path_has_late_io(guard, path, check.tick) || path.late_rq_found;

			path.late_rq_found = false;
			if (path.active.read() && late) {
				mpg_log(MP_LOG_WARN, "path %s: I/O outstanding for more than %u ms",
					mpg_dev_name(path.dev), timeout);
				path.timeouts++;
				fail_path(guard, path);
			}
		}
	}
	return true;
}

// Request mode: one started request of the map's queue.  Late if it was
// sent before the last four ticks; then its tick is cleared, so that each late
// request fails its path once, however long it stays stuck below us
// (multipathd reinstates a path whose checker still answers).  A request
// of another table of the same map carries that table's path and tick and
// is never judged here; the glue walks a table's queue only from its first
// map to its postsuspend, so this is the second line of defence.
void Multipath::note_late_rq(mpath_io *io, void *data)
{
	LateRqCheck *check = static_cast<LateRqCheck *>(data);
	Path *path = to_path(__atomic_load_n(&io->path, __ATOMIC_ACQUIRE));
	unsigned long sent;

	if (!path || !check->map->owns(path))
		return;
	sent = __atomic_load_n(&io->sent_tick, __ATOMIC_RELAXED);
	if (!sent || check->tick - sent < Path::kIoLateAge)
		return;
	// Lost to a completion and re-map of the same request: not late.
	if (!__atomic_compare_exchange_n(&io->sent_tick, &sent, 0, false, __ATOMIC_RELAXED,
					 __ATOMIC_RELAXED))
		return;
	path->late_rq_found = true;
}

// Is path one of this map's?  Compared as addresses only: a path of another
// table may be gone already.
bool Multipath::owns(const Path *path) const
{
	auto addr = reinterpret_cast<unsigned long>(path);

	for (unsigned int g = 0; g < nr_groups_; g++) {
		auto first = reinterpret_cast<unsigned long>(groups_[g].paths);

		if (addr >= first && addr < first + groups_[g].nr_paths * sizeof(Path))
			return true;
	}
	return false;
}

// Bio mode: is an I/O that was sent before the last four ticks still
// outstanding, and not one that failed the path before?  If so, the late
// I/Os are excused from now on: each fails its path once, however long it
// stays stuck below us (multipathd reinstates a path whose checker still
// answers).
bool Multipath::path_has_late_io(const Locked &held, Path &path, unsigned long tick)
{
	BioTicks *ticks = path.bio_ticks;
	unsigned long late[BioTicks::kSlots - Path::kIoLateAge];
	bool found = false;

	if (!ticks)
		return false;
	ticks->refresh_excused(held);
	// Slots of ticks tick-5 .. tick-7; the newer ones are young.  Only
	// completions still change an old slot.
	for (unsigned int age = Path::kIoLateAge; age < BioTicks::kSlots; age++) {
		unsigned int slot = (tick - age) % BioTicks::kSlots;
		unsigned long count = ticks->in_flight[slot].read();

		late[age - Path::kIoLateAge] = count;
		if (count > ticks->excused[slot])
			found = true;
	}
	if (!found)
		return false;
	for (unsigned int age = Path::kIoLateAge; age < BioTicks::kSlots; age++) {
		unsigned int slot = (tick - age) % BioTicks::kSlots;

		if (late[age - Path::kIoLateAge] > ticks->excused[slot])
			ticks->excused[slot] = late[age - Path::kIoLateAge];
	}
	ticks->has_excused = true;
	return true;
}

// An excused count only falls: by what the slot's count shows completed.  A
// slot that holds new I/O beside excused I/O that has ended keeps the count
// until the count drops, which may let one such new I/O go unnoticed for a
// while; it never fails a path twice for one I/O.  The counts are exact (a
// completion follows its own submission), so they never read below zero.
void BioTicks::refresh_excused(const Locked &)
{
	bool any = false;

	if (!has_excused)
		return;
	for (unsigned int slot = 0; slot < kSlots; slot++) {
		unsigned long count;

		if (!excused[slot])
			continue;
		count = in_flight[slot].read();
		if (count < excused[slot])
			excused[slot] = count;
		any |= excused[slot] != 0;
	}
	has_excused = any;
}

} // namespace mpath
