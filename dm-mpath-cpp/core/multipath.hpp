// SPDX-License-Identifier: GPL-2.0
//
// The path-group core: priority groups, paths, selectors, failover and
// queueing, written once.  The I/O unit (a blk-mq request clone or a bio) is
// a template parameter of map() and end_io() (map_io.hpp); the units
// themselves are thin adapters (io/) that only know how to remap, park and retry their kind
// of I/O.
//
// Locking: every state field below is written under the target's spinlock
// (mpg_lock), taken irqsave because end_io runs in interrupt context.  The
// I/O fast path takes no lock: it reads current_pg_ (published with release
// semantics after the group is set up), the flags that force the slow path,
// and each path's `active` flag, and lets the group's selector pick a path
// with its atomic counters.  Groups and paths live as long as the target, so
// a stale read only ever sends one I/O to a path that has just changed state.
#pragma once

#include "base/args.hpp"
#include "base/atomic.hpp"
#include "base/emitter.hpp"
#include "base/lock.hpp"
#include "selector/selector.hpp"

namespace mpath {

struct PathGroup;

struct Path {
	mpg_dev *dev = nullptr;
	PathGroup *pg = nullptr;
	bool active = true; // read locklessly by the selectors
	unsigned int fail_count = 0;
	mpg_activation *activation = nullptr; // pg_init work, with a handler
	Selector::PathSlot selector_state;
	// Per-CPU counters that every I/O updates: first, for the I/O timeout,
	// the I/Os in flight by the check tick they were sent in (a ring; slot
	// = tick % kIoTickSlots), then the I/Os sent (stats message).
	static constexpr unsigned int kIoTickSlots = 8;
	static constexpr unsigned int kIosCounter = kIoTickSlots;
	static constexpr unsigned int kNrCounters = kIoTickSlots + 1;
	// An I/O is late from this many ticks after the one it was sent in.
	static constexpr unsigned int kIoLateAge = 5;
	mpg_counters *counters = nullptr;
	// I/O timeout, under the target lock: per tick slot, the late I/Os
	// that already failed this path and must not fail it again.
	unsigned long excused[kIoTickSlots] = {};
	bool has_excused = false;
	void refresh_excused_locked();
	// For the stats message.
	Counter errors;
	unsigned int timeouts = 0;   // under the target lock
	unsigned int reinstates = 0; // under the target lock
};

struct PathGroup {
	unsigned int num = 0; // 1-based, as in messages and status
	bool bypassed = false;
	Path *paths = nullptr;
	unsigned int nr_paths = 0;
	Selector selector;
};

class Multipath {
public:
	// pg_init_delay_msecs when the table does not set it (mainline's value).
	static constexpr unsigned int kPgInitDelayDefault = ~0U;
	static constexpr unsigned int kIoTimeoutMax = 600000;
	// The timeout check ticks four times per timeout, at most every 10 ms.
	static constexpr unsigned int io_check_period(unsigned int timeout_ms)
	{
		return timeout_ms / 4 > 10 ? timeout_ms / 4 : 10;
	}

	static int create(mpc_create_args *args, ArgSet as, Multipath **out);
	~Multipath();

	void status(mpath_status_type type, const char *target_name, const char *target_version,
		    char *result, unsigned int maxlen);
	int message(unsigned int argc, char **argv, char *result, unsigned int maxlen);
	// The target is set up (the glue knows the core): start periodic work.
	void start() { set_io_timeout(io_timeout_ms_); }
	bool io_check();
	void presuspend();
	void resume();
	void nopath_timeout();
	int iterate_devices(int (*fn)(mpg_dev *dev, void *data), void *data);
	int ioctl_device(mpg_dev **dev);
	// pg_init through the hardware handler (pg_init.cpp).
	void activate_path(Path &path, mpg_activation *act);
	void pg_init_done(Path &path, int result);
	bool pg_init_idle() const { return !read_once(pg_init_in_progress_); }
	void flush_pg_init();

	template <typename Unit>
	int map(Unit &unit, mpath_io &io);
	template <typename Unit>
	int end_io(Unit &unit, mpath_io &io, unsigned char *status);
	bool busy();

	mpg_ctx *ctx() const { return ctx_; }

private:
	Multipath(mpg_ctx *ctx, bool bio_only) : ctx_(ctx), bio_only_(bio_only), bio_mode_(bio_only)
	{}

	int parse_features(ArgSet &as, const char **error);
	int parse_hw_handler(ArgSet &as, const char **error);
	int setup_handler(Path &path, const char **error);
	int parse_group(ArgSet &as, PathGroup &pg, unsigned int nr_before, const char **error);
	bool has_path(const mpg_dev *dev, unsigned int nr_groups, const PathGroup &pg,
		      unsigned int nr_paths) const;
	static void release_group(mpg_ctx *ctx, PathGroup &pg);

	Path *choose_path_fast(unsigned int nr_bytes);
	Path *choose_path_locked(unsigned int nr_bytes);
	Path *choose_in_group_locked(PathGroup &pg, unsigned int nr_bytes);
	void switch_group_locked(PathGroup &pg);
	void fail_path_locked(Path &path);
	void fail_path(Path &path);
	void bypass_group(PathGroup &pg, bool bypassed);
	unsigned int pg_init_all_paths_locked();
	bool pg_init_limit_reached();
	int reinstate_path(Path &path);
	void set_queue_if_no_path(bool queue, bool save_old);
	void arm_nopath_timer_locked();
	void set_io_timeout(unsigned int msecs);
	bool path_has_late_io_locked(Path &path, unsigned long tick);
	void stats(char *result, unsigned int maxlen);
	int path_action(const char *dev_name, bool fail);
	int group_action(const char *num_str, int action);
	char group_state_locked(const PathGroup &pg) const;

	mpg_ctx *ctx_;
	PathGroup *groups_ = nullptr;
	unsigned int nr_groups_ = 0;
	PathGroup *current_pg_ = nullptr;
	PathGroup *next_pg_ = nullptr; // switch_group request, taken by the next I/O
	Path *current_path_ = nullptr;
	unsigned int nr_valid_paths_ = 0;

	// Mainline's MPATHF_QUEUE_IO: set until the first group is chosen.
	bool queue_io_ = true;
	bool queue_if_no_path_ = false;
	bool saved_queue_if_no_path_ = false; // across a flush suspend
	bool retain_attached_hw_handler_ = false;
	bool bio_only_; // the bio_multipath target
	bool bio_mode_;
	unsigned int pg_init_retries_ = 0;
	unsigned int pg_init_delay_msecs_ = kPgInitDelayDefault;
	unsigned int pg_init_count_ = 0;

	// Hardware handler (scsi_dh) and the pg_init state of mainline.
	char *hw_handler_ = nullptr;
	char *hw_handler_params_ = nullptr; // "<count>\0<arg>\0..." for scsi_dh
	bool pg_init_required_ = false;	    // the current group needs pg_init
	bool pg_init_delay_retry_ = false;  // wait pg_init_delay before the next
	bool pg_init_disabled_ = false;	    // suspending: start no new pg_init
	unsigned int pg_init_in_progress_ = 0;

	// Per-I/O latency timeout (not in mainline): a path with an I/O older
	// than io_timeout_ms_ is failed.  The check ticks every quarter of it;
	// io_tick_ counts the ticks.
	unsigned int io_timeout_ms_ = 0;
	bool io_timeout_in_table_ = false; // echoed only if the table/a message set it
	unsigned long io_tick_ = 0;
};

// The glue's opaque handle is the core object itself.
inline Multipath *to_core(mpc_core *core)
{
	return reinterpret_cast<Multipath *>(core);
}

} // namespace mpath
