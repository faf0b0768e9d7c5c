// SPDX-License-Identifier: GPL-2.0
//
// `dmsetup message`: mainline's messages, word for word, and the two of this
// target (stats, io_timeout_msecs).
#include "multipath.hpp"

namespace mpath {

enum GroupAction { kDisable, kEnable, kSwitch };

// Caller serialises messages and has checked the device is not suspended.
int Multipath::message(unsigned int argc, char **argv, char *result, unsigned int maxlen)
{
	if (argc == 1 && word_is(argv[0], "stats")) {
		stats(result, maxlen);
		return 1; // dm core then hands the text to the caller
	}
	if (argc == 2 && word_is(argv[0], "io_timeout_msecs")) {
		unsigned int msecs;

		if (mpg_parse_uint(argv[1], &msecs) || msecs > kIoTimeoutMax) {
			mpg_log(MP_LOG_WARN, "io_timeout_msecs must be between 0 and %u",
				kIoTimeoutMax);
			return -kEINVAL;
		}
		{
			LockGuard guard(lock_);

			io_timeout_in_table_ = true;
		}
		set_io_timeout(msecs);
		return 0;
	}
	if (argc == 1) {
		if (word_is(argv[0], "queue_if_no_path")) {
			set_queue_if_no_path(true, false);
			LockGuard guard(lock_);
			arm_nopath_timer(guard);
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

// Every path on the named device.  6.1 opens the device (dm_get_device())
// and compares it; 6.12 and later only look its number up and compare that.
int Multipath::path_action(const char *dev_name, bool fail)
{
	mpg_dev *dev = nullptr;
	unsigned int devt = 0;
	bool by_devt = since(MP_IFACE_6_12);
	int r = by_devt ? mpg_devt_from_path(dev_name, &devt)
			: mpg_get_device(ctx_, dev_name, &dev);

	if (r) {
		mpg_log(MP_LOG_WARN, "message: error getting device %s", dev_name);
		return r;
	}

	r = -kEINVAL;
	for (unsigned int g = 0; g < nr_groups_; g++) {
		for (unsigned int i = 0; i < groups_[g].nr_paths; i++) {
			Path &path = groups_[g].paths[i];

			if (by_devt ? mpg_dev_devt(path.dev) != devt : path.dev != dev)
				continue;
			if (fail) {
				fail_path(path);
				r = 0;
			} else {
				r = reinstate_path(path);
			}
		}
	}
	if (dev)
		mpg_put_device(ctx_, dev);
	return r;
}

int Multipath::group_action(const char *num_str, int action)
{
	unsigned int num;

	if (!num_str || mpg_parse_uint(num_str, &num) || !num || !nr_groups_ || num > nr_groups_) {
		mpg_log(MP_LOG_WARN, "invalid PG number supplied to %s",
			action == kSwitch ? "switch_pg_num" : "bypass_pg");
		return -kEINVAL;
	}

	{
		PathGroup &pg = groups_[num - 1];

		if (action != kSwitch) {
			bypass_group(pg, action == kDisable, true);
			return 0;
		}
		LockGuard guard(lock_);

		for (unsigned int i = 0; i < nr_groups_; i++)
			groups_[i].bypassed = false;
		if (probing_) {
			switch_held_ = true;
		} else {
			if (current_pg_.read() != &pg)
				current_path_.set(guard, nullptr);
			current_pg_.set(guard, nullptr);
		}
		next_pg_.set(guard, &pg);
	}
	mpg_table_event(ctx_);
	return 0;
}

// Per-path counters, one line per path, for `dmsetup message MAP 0 stats`.
void Multipath::stats(char *result, unsigned int maxlen)
{
	Emitter emit(result, maxlen);
	LockGuard guard(lock_);

	for (unsigned int g = 0; g < nr_groups_; g++) {
		for (unsigned int i = 0; i < groups_[g].nr_paths; i++) {
			const Path &p = groups_[g].paths[i];

			emit("%s %s ios=%lu errors=%lu timeouts=%u fails=%u reinstates=%u\n",
			     mpg_dev_name(p.dev), p.active.read() ? "A" : "F",
			     mpg_io_counts_read(groups_[g].ios, i), p.errors.read(), p.timeouts,
			     p.fail_count, p.reinstates);
		}
	}
}

} // namespace mpath
