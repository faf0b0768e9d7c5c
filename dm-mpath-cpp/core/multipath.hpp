// SPDX-License-Identifier: GPL-2.0
//
// The path-group core: priority groups, paths, selectors, failover and
// queueing, written once.  The I/O unit (a blk-mq request clone or a bio) is
// a template parameter of map() and end_io() (map_io.hpp); the units
// themselves are thin adapters (io/) that only know how to remap, park and
// retry their kind of I/O.
//
// Locking, in the types: state is changed only under the target's spinlock
// (TargetLock; functions that need it take a `const Locked &`, and the clang
// build checks MP_GUARDED_BY fields).  The I/O fast path takes no lock: it
// reads the Lockless fields (current_pg_ is published with release semantics
// after the group is set up), and lets the group's selector pick a path with
// its atomic counters.  Groups and paths live as long as the target, so a
// stale read only ever sends one I/O to a path that has just changed state.
#pragma once

#include "base/args.hpp"
#include "base/atomic.hpp"
#include "base/emitter.hpp"
#include "base/lock.hpp"
#include "selector/selector.hpp"

namespace mpath {

struct PathGroup;

// The I/O timeout's account of a path in bio mode (request mode finds its
// I/O in flight in dm-rq's tag set, and has none): the bios in flight by the
// check tick they were sent in, a ring (slot = tick % kSlots) written only
// while the timeout is on.  Shared counters rather than per-CPU ones, so
// that neither their memory nor the tick's work grows with the number of
// CPUs; apart from the path, so that their writes do not share a line with
// what every CPU's path choice reads.
struct BioTicks {
	static constexpr unsigned int kSlots = 8;
	Counter in_flight[kSlots];

	// Under the target lock: per slot, the late bios that already failed
	// the path and must not fail it again.
	unsigned long excused[kSlots] = {};
	bool has_excused = false;
	void refresh_excused(const Locked &);
};

struct Path {
	// Set by the table load, constant after.
	mpg_dev *dev = nullptr;
	PathGroup *pg = nullptr;
	mpg_activation *activation = nullptr; // pg_init work, with a handler
	BioTicks *bio_ticks = nullptr;	      // bio mode only, in pg->bio_ticks
	unsigned int index = 0;		      // in pg->paths, and of its count in pg->ios

	// I/O timeout: an I/O is late from this many check ticks after the one
	// it was sent in.
	static constexpr unsigned int kIoLateAge = 5;

	// Read by the selectors without the lock.
	Lockless<bool> active{true};
	// Lockless: the selector's accounting, and the error count.
	Selector::PathSlot selector_state;
	Counter errors;

	// Under the target lock (Multipath::lock_; the analysis cannot name
	// another object's lock, so these are not annotated).
	unsigned int fail_count = 0;
	unsigned int timeouts = 0;
	unsigned int reinstates = 0;
	// I/O timeout, request mode: the check found a late request on it
	// (written and read by the check only).
	bool late_rq_found = false;
};

struct PathGroup {
	// Set by the table load, constant after.
	unsigned int num = 0; // 1-based, as in messages and status
	Path *paths = nullptr;
	unsigned int nr_paths = 0;
	Selector selector;
	// The I/Os sent to each path, for the stats message.
	mpg_io_counts *ios = nullptr;
	// Bio mode: the paths' I/O timeout accounts.
	BioTicks *bio_ticks = nullptr;
	// Under the target lock.
	bool bypassed = false;
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
		    char *result, unsigned int maxlen) MP_EXCLUDES(lock_);
	int message(unsigned int argc, char **argv, char *result, unsigned int maxlen)
		MP_EXCLUDES(lock_);
	// The target is set up (the glue knows the core): start periodic work.
	void start() { set_io_timeout(io_timeout_ms_.read()); }
	bool io_check() MP_EXCLUDES(lock_);
	void presuspend() MP_EXCLUDES(lock_);
	void resume() MP_EXCLUDES(lock_);
	void nopath_timeout() MP_EXCLUDES(lock_);
	int iterate_devices(int (*fn)(mpg_dev *dev, void *data), void *data);
	int ioctl_device(mpg_dev **dev) MP_EXCLUDES(lock_);
	// pg_init through the hardware handler (pg_init.cpp).
	bool activate_path(Path &path, bool dev_dying) MP_EXCLUDES(lock_);
	void pg_init_done(Path &path, int result) MP_EXCLUDES(lock_);
	bool pg_init_idle() const { return !pg_init_in_progress_.read(); }
	void flush_pg_init() MP_EXCLUDES(lock_);
	// DM_MPATH_PROBE_PATHS (probe.cpp); the glue runs one probe at a time.
	bool probe_start(bool waited, bool suspended) MP_EXCLUDES(lock_);
	mpg_dev *probe_next(unsigned int *pos, Path **path) MP_EXCLUDES(lock_);
	void probe_failed(Path &path) MP_EXCLUDES(lock_) { fail_path(path); }
	int probe_end(bool started, int r) MP_EXCLUDES(lock_);

	template <typename Unit>
	int map(Unit &unit, mpath_io &io) MP_EXCLUDES(lock_);
	template <typename Unit>
	int end_io(Unit &unit, mpath_io &io, unsigned char *status) MP_EXCLUDES(lock_);
	bool busy() MP_EXCLUDES(lock_);

	mpg_ctx *ctx() const { return ctx_; }

private:
	Multipath(mpg_ctx *ctx, mpath_interface iface, bool bio_only)
	    : ctx_(ctx), iface_(iface), bio_only_(bio_only), bio_mode_(bio_only), lock_(ctx)
	{}

	// What the kernels' dm-multipath do differently (mpath_interface).
	bool since(mpath_interface iface) const { return iface_ >= iface; }

	// Table load (table.cpp): the target is not yet visible to any other
	// context, so it sets fields without the lock.
	int parse_features(ArgSet &as, const char **error) MP_NO_THREAD_SAFETY_ANALYSIS;
	int parse_hw_handler(ArgSet &as, const char **error);
	int setup_handler(Path &path, const char **error);
	int parse_group(ArgSet &as, PathGroup &pg, unsigned int nr_before, const char **error);
	bool has_path(const mpg_dev *dev, unsigned int nr_groups, const PathGroup &pg,
		      unsigned int nr_paths) const;
	static void release_group(mpg_ctx *ctx, PathGroup &pg);

	// Routing (route.cpp).
	Path *choose_path_fast(unsigned int nr_bytes);
	Path *choose_path(const Locked &, unsigned int nr_bytes) MP_REQUIRES(lock_);
	Path *choose_in_group(const Locked &, PathGroup &pg, unsigned int nr_bytes)
		MP_REQUIRES(lock_);
	void switch_group(const Locked &, PathGroup &pg) MP_REQUIRES(lock_);

	// Failover and queueing (failover.cpp).
	void fail_path(const Locked &, Path &path) MP_REQUIRES(lock_);
	void fail_path(Path &path) MP_EXCLUDES(lock_); // takes the lock
	int reinstate_path(Path &path) MP_EXCLUDES(lock_);
	// by_message: a probe may hold the switch back (pg_init's may not).
	void bypass_group(PathGroup &pg, bool bypassed, bool by_message) MP_EXCLUDES(lock_);
	void drop_current_group(const Locked &, bool may_wait) MP_REQUIRES(lock_);
	void set_queue_if_no_path(bool queue, bool save_old) MP_EXCLUDES(lock_);
	void arm_nopath_timer(const Locked &) MP_REQUIRES(lock_);

	// pg_init (pg_init.cpp).
	unsigned int pg_init_all_paths(const Locked &) MP_REQUIRES(lock_);
	bool pg_init_limit_reached() MP_EXCLUDES(lock_);

	// The I/O timeout (io_timeout.cpp).
	void set_io_timeout(unsigned int msecs) MP_EXCLUDES(lock_);
	bool path_has_late_io(const Locked &, Path &path, unsigned long tick) MP_REQUIRES(lock_);
	struct LateRqCheck {
		Multipath *map;
		unsigned long tick;
	};
	static void note_late_rq(mpath_io *io, void *check);
	bool owns(const Path *path) const;

	// Messages and status (messages.cpp, status.cpp).
	void stats(char *result, unsigned int maxlen) MP_EXCLUDES(lock_);
	int path_action(const char *dev_name, bool fail) MP_EXCLUDES(lock_);
	int group_action(const char *num_str, int action) MP_EXCLUDES(lock_);
	char group_state(const Locked &, const PathGroup &pg) const MP_REQUIRES(lock_);

	// ---- Configuration: set by the table load, constant after.
	mpg_ctx *ctx_;
	mpath_interface iface_;
	PathGroup *groups_ = nullptr;
	unsigned int nr_groups_ = 0;
	bool bio_only_; // the bio_multipath target
	bool bio_mode_;
	bool retain_attached_hw_handler_ = false; // before 7.2's interface
	unsigned int pg_init_retries_ = 0;
	unsigned int pg_init_delay_msecs_ = kPgInitDelayDefault;
	// Hardware handler (scsi_dh).
	char *hw_handler_ = nullptr;
	char *hw_handler_params_ = nullptr; // "<count>\0<arg>\0..." for scsi_dh

	// ---- The lock, and what only it protects.
	TargetLock lock_;
	bool queue_if_no_path_ MP_GUARDED_BY(lock_) = false;
	bool saved_queue_if_no_path_ MP_GUARDED_BY(lock_) = false; // across a flush suspend

	// ---- Routing: written under the lock, read by the lockless fast path.
	Lockless<PathGroup *> current_pg_;
	Lockless<PathGroup *> next_pg_; // switch_group request, taken by the next I/O
	Lockless<Path *> current_path_;
	Lockless<unsigned int> nr_valid_paths_;
	// Mainline's MPATHF_QUEUE_IO: set until the first group is chosen,
	// and while a group's pg_init runs.
	Lockless<bool> queue_io_{true};
	Lockless<bool> pg_init_required_; // the current group needs pg_init

	// ---- pg_init, as mainline keeps it.
	Lockless<unsigned int> pg_init_in_progress_;
	unsigned int pg_init_count_ MP_GUARDED_BY(lock_) = 0;
	bool pg_init_delay_retry_ MP_GUARDED_BY(lock_) = false; // wait pg_init_delay first
	bool pg_init_disabled_ MP_GUARDED_BY(lock_) = false;	// suspending: start none

	// ---- Per-I/O latency timeout (not in mainline): a path with an I/O
	// older than io_timeout_ms_ is failed.  The check ticks every quarter
	// of it; io_tick_ counts the ticks, from 1 (0 marks untracked I/O).
	Lockless<unsigned int> io_timeout_ms_;
	Lockless<unsigned long> io_tick_{1};
	// Echoed in the table text only if a table or a message set it.
	bool io_timeout_in_table_ MP_GUARDED_BY(lock_) = false;

	// ---- DM_MPATH_PROBE_PATHS (7.2's interface): while a probe runs, a
	// group switch by message waits for its end (mainline's
	// MPATHF_DELAY_PG_SWITCH and MPATHF_NEED_PG_SWITCH).
	bool probing_ MP_GUARDED_BY(lock_) = false;
	bool switch_held_ MP_GUARDED_BY(lock_) = false;
	PathGroup *probed_pg_ MP_GUARDED_BY(lock_) = nullptr; // the last probe's group
};

// The glue's opaque handle is the core object itself.
inline Multipath *to_core(mpc_core *core)
{
	// mpc_core is never defined: the handle is a Multipath made by mpc_create().
	return reinterpret_cast<Multipath *>(core);
}

inline Path *to_path(mpc_path *path)
{
	// mpc_path is never defined: the handle is a Path the core handed out.
	return reinterpret_cast<Path *>(path);
}

inline mpc_path *to_handle(Path *path)
{
	// The glue keeps it opaque and hands it back as is (to_path()).
	return reinterpret_cast<mpc_path *>(path);
}

inline mpc_core *to_handle(Multipath *core)
{
	// Likewise: the glue hands it back to every mpc_* call (to_core()).
	return reinterpret_cast<mpc_core *>(core);
}

} // namespace mpath
