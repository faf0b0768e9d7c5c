// SPDX-License-Identifier: GPL-2.0
//
// The per-I/O latency timeout (not in mainline): a tick counts the I/Os in
// flight per path by the tick they were sent in, and fails a path that holds
// one older than the timeout.
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

// One tick, whose work grows with the number of paths only: a path with an
// I/O sent at least four ticks ago (a whole timeout) that has not completed
// is failed, so new I/O avoids it.  The late I/O itself is left to complete
// (or fail) from below: only then is it safe to complete it to the caller,
// whose pages the device may still touch.
bool Multipath::io_check()
{
	unsigned int timeout = io_timeout_ms_.read();

	if (!timeout)
		return false;

	LockGuard guard(lock_);
	unsigned long tick = io_tick_.read() + 1;

	io_tick_.set(guard, tick);
	for (unsigned int g = 0; g < nr_groups_; g++) {
		for (unsigned int i = 0; i < groups_[g].nr_paths; i++) {
			Path &path = groups_[g].paths[i];

			if (path.active.read() && path_has_late_io(guard, path, tick)) {
				mpg_log(MP_LOG_WARN, "path %s: I/O outstanding for more than %u ms",
					mpg_dev_name(path.dev), timeout);
				path.timeouts++;
				fail_path(guard, path);
			}
		}
	}
	return true;
}

// Is an I/O that was sent at least five ticks ago (a whole timeout) still
// outstanding, and not one that failed the path before?  If so, the late
// I/Os are excused from now on: each fails its path once, however long it
// stays stuck below us (multipathd reinstates a path whose checker still
// answers).
bool Multipath::path_has_late_io(const Locked &held, Path &path, unsigned long tick)
{
	unsigned long late[Path::kIoTickSlots - Path::kIoLateAge];
	bool found = false;

	path.refresh_excused(held);
	// Slots of ticks tick-5 .. tick-7; the newer ones are young.  Only
	// completions still change an old slot.
	for (unsigned int age = Path::kIoLateAge; age < Path::kIoTickSlots; age++) {
		unsigned int slot = (tick - age) % Path::kIoTickSlots;
		unsigned long count = path.in_flight_by_tick[slot].read();

		late[age - Path::kIoLateAge] = count;
		if (count > path.excused[slot])
			found = true;
	}
	if (!found)
		return false;
	for (unsigned int age = Path::kIoLateAge; age < Path::kIoTickSlots; age++) {
		unsigned int slot = (tick - age) % Path::kIoTickSlots;

		if (late[age - Path::kIoLateAge] > path.excused[slot])
			path.excused[slot] = late[age - Path::kIoLateAge];
	}
	path.has_excused = true;
	return true;
}

// An excused count only falls: by what the slot's count shows completed.  A
// slot that holds new I/O beside excused I/O that has ended keeps the count
// until the count drops, which may let one such new I/O go unnoticed for a
// while; it never fails a path twice for one I/O.  The counts are exact (a
// completion follows its own submission), so they never read below zero.
void Path::refresh_excused(const Locked &)
{
	bool any = false;

	if (!has_excused)
		return;
	for (unsigned int slot = 0; slot < kIoTickSlots; slot++) {
		unsigned long count;

		if (!excused[slot])
			continue;
		count = in_flight_by_tick[slot].read();
		if (count < excused[slot])
			excused[slot] = count;
		any |= excused[slot] != 0;
	}
	has_excused = any;
}

} // namespace mpath
