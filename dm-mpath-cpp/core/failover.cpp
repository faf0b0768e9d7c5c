// SPDX-License-Identifier: GPL-2.0
//
// Failover and queueing: failing and reinstating paths, bypassing groups,
// queue_if_no_path with its timer, and what suspend and resume change.
#include "multipath.hpp"

namespace mpath {

void Multipath::fail_path(const Locked &held, Path &path)
{
	if (!path.active.read())
		return;
	path.active.set(held, false);
	path.pg->selector.path_failed(held);
	path.fail_count++;
	nr_valid_paths_.set(held, nr_valid_paths_.read() - 1);
	if (&path == current_path_.read())
		current_path_.set(held, nullptr);
	mpg_path_event(ctx_, 1, path.dev, nr_valid_paths_.read());
	arm_nopath_timer(held);
}

void Multipath::fail_path(Path &path)
{
	LockGuard guard(lock_);

	fail_path(guard, path);
}

int Multipath::reinstate_path(Path &path)
{
	bool kick = false;

	{
		LockGuard guard(lock_);

		if (path.active.read())
			return 0;
		path.active.set(guard, true);
		path.pg->selector.path_reinstated(guard);
		path.reinstates++;
		nr_valid_paths_.set(guard, nr_valid_paths_.read() + 1);
		if (nr_valid_paths_.read() == 1) {
			current_path_.set(guard, nullptr);
			kick = true;
		} else if (hw_handler_ && current_pg_.read() == path.pg &&
			   mpg_activation_queue(path.activation, 0)) {
			pg_init_in_progress_.set(guard, pg_init_in_progress_.read() + 1);
		}
		mpg_path_event(ctx_, 0, path.dev, nr_valid_paths_.read());
	}
	mpg_nopath_timer_stop(ctx_);
	if (kick)
		mpg_kick_waiting_io(ctx_);
	return 0;
}

void Multipath::bypass_group(PathGroup &pg, bool bypassed, bool by_message)
{
	{
		LockGuard guard(lock_);

		pg.bypassed = bypassed;
		drop_current_group(guard, by_message);
	}
	mpg_table_event(ctx_);
}

// The next I/O chooses a group afresh; may_wait: at the end of a running
// probe, which is still reading the current group's paths.
void Multipath::drop_current_group(const Locked &held, bool may_wait)
{
	if (may_wait && probing_) {
		switch_held_ = true;
		return;
	}
	current_path_.set(held, nullptr);
	current_pg_.set(held, nullptr);
}

// Queueing with no path left: bound the wait if the module parameter says so.
void Multipath::arm_nopath_timer(const Locked &)
{
	if (!nr_valid_paths_.read() && queue_if_no_path_)
		mpg_nopath_timer_arm(ctx_);
}

void Multipath::nopath_timeout()
{
	set_queue_if_no_path(false, false);
}

// save_old: remember the current setting so resume can restore it (a flush
// suspend turns queueing off so that waiting I/O fails and suspend finishes).
void Multipath::set_queue_if_no_path(bool queue, bool save_old)
{
	{
		LockGuard guard(lock_);

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
	LockGuard guard(lock_);

	if (saved_queue_if_no_path_) {
		queue_if_no_path_ = true;
		saved_queue_if_no_path_ = false;
	}
}

} // namespace mpath
