// SPDX-License-Identifier: GPL-2.0
//
// Priority-group initialisation through the hardware handler (scsi_dh), with
// mainline's rules: switching to a group holds its I/O (queue_io_) until
// every usable path of the group was activated; a handler's answer may retry
// the activation (pg_init_retries, pg_init_delay_msecs), bypass the group or
// fail the path.
#include "multipath.hpp"

namespace mpath {

namespace {
// Mainline's delay before retrying when the table sets none.
constexpr unsigned int kPgInitDelayMsecs = 2000;
} // namespace

// Starts pg_init on every usable path of the current group; returns how many
// activations are in flight.
unsigned int Multipath::pg_init_all_paths(const Locked &held)
{
	PathGroup *pg = current_pg_.read();
	unsigned int delay = 0;

	if (pg_init_in_progress_.read() || pg_init_disabled_)
		return 0;

	pg_init_count_++;
	pg_init_required_.set(held, false);
	if (!pg)
		return 0;

	if (pg_init_delay_retry_)
		delay = pg_init_delay_msecs_ != kPgInitDelayDefault ? pg_init_delay_msecs_
								    : kPgInitDelayMsecs;
	for (unsigned int i = 0; i < pg->nr_paths; i++) {
		Path &path = pg->paths[i];

		if (path.active.read() && mpg_activation_queue(path.activation, delay))
			pg_init_in_progress_.set(held, pg_init_in_progress_.read() + 1);
	}
	return pg_init_in_progress_.read();
}

// May pg_init be tried again?  If so it is marked as required.
bool Multipath::pg_init_limit_reached()
{
	LockGuard guard(lock_);

	if (pg_init_count_ <= pg_init_retries_ && !pg_init_disabled_) {
		pg_init_required_.set(guard, true);
		return false;
	}
	return true;
}

// The path's pg_init work runs (process context, no lock held): true if
// the glue is to activate it now (its answer comes to pg_init_done()), as
// mainline's activate_or_offline_path() decides.
bool Multipath::activate_path(Path &path, bool dev_dying)
{
	if (path.active.read() && !dev_dying)
		return true;
	pg_init_done(path, MP_DH_DEV_OFFLINED);
	return false;
}

// The handler's answer for one path.
void Multipath::pg_init_done(Path &path, int result)
{
	PathGroup &pg = *path.pg;
	bool delay_retry = false;

	switch (result) {
	case MP_DH_OK:
		break;
	case MP_DH_NOSYS:
		// No handler on this device: nothing to activate.
		if (!hw_handler_) {
			result = 0;
			break;
		}
		mpg_log(MP_LOG_ERR, "Could not failover the device: Handler scsi_dh_%s Error %d.",
			hw_handler_, result);
		fail_path(path); // rather than ping-pong between groups
		break;
	case MP_DH_DEV_TEMP_BUSY:
		// The controller is busy (firmware upgrade?): try another group.
		bypass_group(pg, true, false);
		break;
	case MP_DH_RETRY:
		delay_retry = true;
		[[fallthrough]];
	case MP_DH_IMM_RETRY:
	case MP_DH_RES_TEMP_UNAVAIL:
		if (pg_init_limit_reached())
			fail_path(path);
		result = 0;
		break;
	case MP_DH_DEV_OFFLINED:
	default:
		fail_path(path);
		break;
	}

	// Everything up to the wake-up happens under the lock: once pg_init
	// reads as idle, flush_pg_init() may return and the target be freed
	// as soon as it can take the lock (as in mainline).
	LockGuard guard(lock_);

	if (result) {
		if (&path == current_path_.read()) {
			mpg_log(MP_LOG_ERR, "Could not failover device. Error %d.", result);
			current_path_.set(guard, nullptr);
			current_pg_.set(guard, nullptr);
		}
	} else if (!pg_init_required_.read()) {
		pg.bypassed = false;
	}

	pg_init_in_progress_.set(guard, pg_init_in_progress_.read() - 1);
	if (pg_init_in_progress_.read())
		return; // other paths of the group are still activating

	if (pg_init_required_.read()) {
		pg_init_delay_retry_ = delay_retry;
		if (pg_init_all_paths(guard))
			return;
	}
	queue_io_.set(guard, false);
	mpg_kick_waiting_io(ctx_);
	mpg_pg_init_wake(ctx_);
}

// Suspend and destruction: no new pg_init, and the running ones finish.
// The lock is taken even when pg_init already reads as idle: the
// completion that ended it may still hold it, kicking and waking.
void Multipath::flush_pg_init()
{
	if (!hw_handler_)
		return;
	{
		LockGuard guard(lock_);

		if (!pg_init_in_progress_.read() || pg_init_disabled_)
			return;
		pg_init_disabled_ = true;
	}
	mpg_activation_flush();
	mpg_pg_init_wait(ctx_);

	LockGuard guard(lock_);
	pg_init_disabled_ = false;
}

} // namespace mpath
