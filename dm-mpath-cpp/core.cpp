// SPDX-License-Identifier: GPL-2.0
//
// Path and group state transitions of the core: choosing a path, failing and
// reinstating paths, queue_if_no_path, suspend/resume, messages.
#include "core.hpp"

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

void Multipath::fail_path_locked(Path &path)
{
	if (!path.active)
		return;
	write_once(path.active, false);
	path.pg->selector.path_failed();
	path.fail_count++;
	write_once(nr_valid_paths_, nr_valid_paths_ - 1);
	if (&path == current_path_)
		write_once(current_path_, nullptr);
	mpg_path_event(ctx_, 1, path.dev, nr_valid_paths_);
	arm_nopath_timer_locked();
}

// Queueing with no path left: bound the wait if the module parameter says so.
void Multipath::arm_nopath_timer_locked()
{
	if (!nr_valid_paths_ && queue_if_no_path_)
		mpg_nopath_timer_arm(ctx_);
}

void Multipath::nopath_timeout()
{
	set_queue_if_no_path(false, false);
}

int Multipath::reinstate_path(Path &path)
{
	bool kick = false;

	{
		LockGuard guard(ctx_);

		if (path.active)
			return 0;
		write_once(path.active, true);
		path.pg->selector.path_reinstated();
		path.reinstates++;
		write_once(nr_valid_paths_, nr_valid_paths_ + 1);
		if (nr_valid_paths_ == 1) {
			write_once(current_path_, nullptr);
			kick = true;
		} else if (hw_handler_ && current_pg_ == path.pg &&
			   mpg_activation_queue(path.activation, 0)) {
			pg_init_in_progress_++;
		}
		mpg_path_event(ctx_, 0, path.dev, nr_valid_paths_);
	}
	mpg_nopath_timer_stop(ctx_);
	if (kick)
		mpg_kick_waiting_io(ctx_);
	return 0;
}

// save_old: remember the current setting so resume can restore it (a flush
// suspend turns queueing off so that waiting I/O fails and suspend finishes).
void Multipath::set_queue_if_no_path(bool queue, bool save_old)
{
	{
		LockGuard guard(ctx_);

		if (save_old) {
			if (queue_if_no_path_ && saved_queue_if_no_path_)
				mpg_log(MP_LOG_ERR, "QIFNP disabled but saved as enabled, saving "
						    "again loses state, not saving!");
			else
				saved_queue_if_no_path_ = queue_if_no_path_;
		} else if (!queue && saved_queue_if_no_path_) {
			saved_queue_if_no_path_ = false;
		}
		queue_if_no_path_ = queue;
	}
	// I/O that was waiting for a path now fails (or is pushed back).  For
	// a flush suspend (save_old) in request mode, dm-rq stops the queue
	// right after: kicking the requeue list would only race with that, so
	// the waiting request stays held, as the stock target leaves it.
	if (!queue) {
		if (save_old)
			mpg_kick_waiting_io_lazily(ctx_);
		else
			mpg_kick_waiting_io(ctx_);
	}
}

void Multipath::presuspend()
{
	// Request mode keeps waiting requests across a noflush suspend (dm-rq
	// holds them); bio mode hands them back to dm core instead.
	if (bio_mode_ || !mpg_noflush_suspending(ctx_))
		set_queue_if_no_path(false, true);
}

void Multipath::resume()
{
	LockGuard guard(ctx_);

	if (saved_queue_if_no_path_) {
		queue_if_no_path_ = true;
		saved_queue_if_no_path_ = false;
	}
}

int Multipath::path_action(const char *dev_name, bool fail)
{
	mpg_dev *dev;
	int r = mpg_get_device(ctx_, dev_name, &dev);

	if (r) {
		mpg_log(MP_LOG_WARN, "message: error getting device %s", dev_name);
		return r;
	}

	r = -kEINVAL;
	for (unsigned int g = 0; g < nr_groups_; g++) {
		for (unsigned int i = 0; i < groups_[g].nr_paths; i++) {
			Path &path = groups_[g].paths[i];

			if (path.dev != dev)
				continue;
			if (fail) {
				fail_path(path);
				r = 0;
			} else {
				r = reinstate_path(path);
			}
		}
	}
	mpg_put_device(ctx_, dev);
	return r;
}

enum GroupAction { kDisable, kEnable, kSwitch };

int Multipath::group_action(const char *num_str, int action)
{
	unsigned int num;

	if (!num_str || !mpg_parse_uint(num_str, &num) || !num || !nr_groups_ || num > nr_groups_) {
		mpg_log(MP_LOG_WARN, "invalid PG number supplied to %s",
			action == kSwitch ? "switch_pg_num" : "bypass_pg");
		return -kEINVAL;
	}

	{
		PathGroup &pg = groups_[num - 1];

		if (action != kSwitch) {
			bypass_group(pg, action == kDisable);
			return 0;
		}
		LockGuard guard(ctx_);

		for (unsigned int i = 0; i < nr_groups_; i++)
			groups_[i].bypassed = false;
		if (current_pg_ != &pg)
			write_once(current_path_, nullptr);
		write_once(current_pg_, nullptr);
		write_once(next_pg_, &pg);
	}
	mpg_table_event(ctx_);
	return 0;
}

void Multipath::bypass_group(PathGroup &pg, bool bypassed)
{
	{
		LockGuard guard(ctx_);

		pg.bypassed = bypassed;
		write_once(current_path_, nullptr);
		write_once(current_pg_, nullptr);
	}
	mpg_table_event(ctx_);
}

void Multipath::fail_path(Path &path)
{
	LockGuard guard(ctx_);

	fail_path_locked(path);
}

// Caller serialises messages and has checked the device is not suspended.
int Multipath::message(unsigned int argc, char **argv, char *result, unsigned int maxlen)
{
	if (argc == 1 && word_is(argv[0], "stats")) {
		stats(result, maxlen);
		return 1; // dm core then hands the text to the caller
	}
	if (argc == 2 && word_is(argv[0], "io_timeout_msecs")) {
		unsigned int msecs;

		if (!mpg_parse_uint(argv[1], &msecs) || msecs > kIoTimeoutMax) {
			mpg_log(MP_LOG_WARN, "io_timeout_msecs must be between 0 and %u",
				kIoTimeoutMax);
			return -kEINVAL;
		}
		{
			LockGuard guard(ctx_);

			io_timeout_in_table_ = true;
		}
		set_io_timeout(msecs);
		return 0;
	}
	if (argc == 1) {
		if (word_is(argv[0], "queue_if_no_path")) {
			set_queue_if_no_path(true, false);
			LockGuard guard(ctx_);
			arm_nopath_timer_locked();
			return 0;
		}
		if (word_is(argv[0], "fail_if_no_path")) {
			set_queue_if_no_path(false, false);
			mpg_nopath_timer_stop(ctx_);
			return 0;
		}
	}

	if (argc != 2) {
		mpg_log(MP_LOG_WARN,
			"Invalid multipath message arguments. Expected 2 arguments, got %u.", argc);
		return -kEINVAL;
	}

	if (word_is(argv[0], "disable_group"))
		return group_action(argv[1], kDisable);
	if (word_is(argv[0], "enable_group"))
		return group_action(argv[1], kEnable);
	if (word_is(argv[0], "switch_group"))
		return group_action(argv[1], kSwitch);
	if (word_is(argv[0], "reinstate_path"))
		return path_action(argv[1], false);
	if (word_is(argv[0], "fail_path"))
		return path_action(argv[1], true);

	mpg_log(MP_LOG_WARN, "Unrecognised multipath message received: %s", argv[0]);
	return -kEINVAL;
}

int Multipath::iterate_devices(int (*fn)(mpg_dev *dev, void *data), void *data)
{
	int r = 0;

	for (unsigned int g = 0; g < nr_groups_ && !r; g++)
		for (unsigned int i = 0; i < groups_[g].nr_paths && !r; i++)
			r = fn(groups_[g].paths[i].dev, data);
	return r;
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

// Starts, re-times or stops the check (0: off).
void Multipath::set_io_timeout(unsigned int msecs)
{
	write_once(io_timeout_ms_, msecs);
	if (msecs)
		mpg_io_check_start(ctx_, io_check_period(msecs));
	else
		mpg_io_check_stop(ctx_);
}

// One tick: a path with an I/O sent at least four ticks ago (a whole
// timeout) that has not completed is failed, so new I/O avoids it.  The late
// I/O itself is left to complete (or fail) from below: only then is it safe
// to complete it to the caller, whose pages the device may still touch.
bool Multipath::io_check()
{
	unsigned int timeout = read_once(io_timeout_ms_);

	if (!timeout)
		return false;

	LockGuard guard(ctx_);
	unsigned long tick = io_tick_ + 1;

	write_once(io_tick_, tick);
	for (unsigned int g = 0; g < nr_groups_; g++) {
		for (unsigned int i = 0; i < groups_[g].nr_paths; i++) {
			Path &path = groups_[g].paths[i];

			if (path.active && path_has_late_io_locked(path, tick)) {
				mpg_log(MP_LOG_WARN, "path %s: I/O outstanding for more than %u ms",
					mpg_dev_name(path.dev), timeout);
				path.timeouts++;
				fail_path_locked(path);
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
bool Multipath::path_has_late_io_locked(Path &path, unsigned long tick)
{
	long late[Path::kIoTickSlots - Path::kIoLateAge];
	bool found = false;

	path.refresh_excused_locked();
	// Slots of ticks tick-5 .. tick-7; the newer ones are young.  Only
	// completions still change an old slot, so its sum can only be too
	// high by I/Os late anyway, never too low.
	for (unsigned int age = Path::kIoLateAge; age < Path::kIoTickSlots; age++) {
		unsigned int slot = (tick - age) % Path::kIoTickSlots;
		long sum = mpg_counters_sum(path.counters, slot);

		late[age - Path::kIoLateAge] = sum;
		if (sum > static_cast<long>(path.excused[slot]))
			found = true;
	}
	if (!found)
		return false;
	for (unsigned int age = Path::kIoLateAge; age < Path::kIoTickSlots; age++) {
		unsigned int slot = (tick - age) % Path::kIoTickSlots;
		long sum = late[age - Path::kIoLateAge];

		if (sum > static_cast<long>(path.excused[slot]))
			path.excused[slot] = static_cast<unsigned long>(sum);
	}
	path.has_excused = true;
	return true;
}

// An excused count only falls: by what the slot's sum shows completed.  A
// slot that holds new I/O beside excused I/O that has ended keeps the count
// until the sum drops, which may let one such new I/O go unnoticed for a
// while; it never fails a path twice for one I/O.
void Path::refresh_excused_locked()
{
	bool any = false;

	if (!has_excused)
		return;
	for (unsigned int slot = 0; slot < kIoTickSlots; slot++) {
		long sum;

		if (!excused[slot])
			continue;
		sum = mpg_counters_sum(counters, slot);
		if (sum < static_cast<long>(excused[slot]))
			excused[slot] = sum > 0 ? static_cast<unsigned long>(sum) : 0;
		any |= excused[slot] != 0;
	}
	has_excused = any;
}

// Per-path counters, one line per path, for `dmsetup message MAP 0 stats`.
void Multipath::stats(char *result, unsigned int maxlen)
{
	Emitter emit(result, maxlen);
	LockGuard guard(ctx_);

	for (unsigned int g = 0; g < nr_groups_; g++) {
		for (unsigned int i = 0; i < groups_[g].nr_paths; i++) {
			const Path &p = groups_[g].paths[i];
			long ios = mpg_counters_sum(p.counters, Path::kIosCounter);

			emit("%s %s ios=%lu errors=%lu timeouts=%u fails=%u reinstates=%u\n",
			     mpg_dev_name(p.dev), p.active ? "A" : "F",
			     static_cast<unsigned long>(ios), p.errors.read(), p.timeouts,
			     p.fail_count, p.reinstates);
		}
	}
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

} // namespace mpath
