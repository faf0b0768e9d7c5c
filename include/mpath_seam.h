/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The seam between the C glue (which alone includes kernel headers) and the
 * C++ path-group core.  Both languages read this file, so it holds only plain
 * C: opaque handle types, a few constants mirrored from the kernel (checked
 * by static assertions in the glue), and the functions each side calls.
 *
 *   mpg_*  implemented by the glue, called by the core  (kernel services)
 *   mpc_*  implemented by the core, called by the glue  (target logic)
 *
 * A call that can fail returns 0 or a negative errno; a question (busy,
 * dying, noflush_suspending, a path error, "was the work queued")
 * returns non-zero for yes.
 */
#ifndef MPATH_SEAM_H
#define MPATH_SEAM_H

#ifdef __cplusplus
extern "C" {
#define MPATH_NOEXCEPT noexcept
#else
#define MPATH_NOEXCEPT
#endif

/* Kernel objects, opaque to the core. */
struct bio;
struct request;
struct mpg_dev;		/* a struct dm_dev: one path's block device */
struct mpg_ctx;		/* glue's per-target state: lock, parked I/O, work */
struct mpg_cpumask;	/* a struct cpumask (io-affinity selector) */
struct mpg_activation;	/* glue's delayed work that runs a path's pg_init */

/* Core objects, opaque to the glue. */
struct mpc_core;	/* one multipath target instance */
struct mpc_path;

/* Values of DM_MAPIO_* / DM_ENDIO_* (device-mapper.h), asserted in the glue. */
enum mpath_dm_code {
	MP_ENDIO_DONE = 0,
	MP_ENDIO_INCOMPLETE = 1,
	MP_ENDIO_REQUEUE = 2,
	MP_ENDIO_DELAY_REQUEUE = 3,
	MP_MAPIO_SUBMITTED = 0,
	MP_MAPIO_REMAPPED = 1,
	MP_MAPIO_REQUEUE = 2,
	MP_MAPIO_DELAY_REQUEUE = 3,
	MP_MAPIO_KILL = 4,
};

/* blk_status_t values the core needs to produce; asserted in the glue. */
enum mpath_blk_status {
	MP_STS_RESOURCE = 9,
	MP_STS_IOERR = 10,
};

/* Outcome of cloning a request onto a path's queue. */
enum mpath_clone_result {
	MP_CLONE_OK,
	MP_CLONE_BUSY,		/* no tag right now: let blk-mq retry */
	MP_CLONE_DEAD,		/* the path's queue is dying */
};

/* scsi_dh activation results (SCSI_DH_* of scsi_dh.h), asserted in the glue. */
enum mpath_dh_result {
	MP_DH_OK = 0,
	MP_DH_DEV_TEMP_BUSY = 2,
	MP_DH_RETRY = 10,
	MP_DH_IMM_RETRY = 11,
	MP_DH_RES_TEMP_UNAVAIL = 13,
	MP_DH_DEV_OFFLINED = 14,
	MP_DH_NOSYS = 16,
};

enum mpath_status_type {
	MP_STATUS_INFO,
	MP_STATUS_TABLE,
	MP_STATUS_IMA,
};

enum mpath_log_level {
	MP_LOG_ERR,
	MP_LOG_WARN,
	MP_LOG_INFO,
};

/*
 * Per-I/O state, reserved by dm core for every I/O (the blk-mq request pdu in
 * request mode, the clone bio's front pad in bio mode), so mapping an I/O
 * never allocates.
 */
struct mpath_io {
	struct mpc_path *path;	/* path the I/O went down; NULL if none */
	unsigned long long start_ns;	/* dispatch time, for selectors that time I/O */
	/*
	 * io timeout: the check tick the I/O was sent in; 0 if untracked, or
	 * (request mode) once it has failed its path.
	 */
	unsigned long sent_tick;
	unsigned int nr_bytes;
};

/* ---- kernel services for the core (glue.c) ---- */

void *mpg_alloc(unsigned long size) MPATH_NOEXCEPT;	/* process context, zeroed */
void mpg_free(const void *ptr) MPATH_NOEXCEPT;
void mpg_log(enum mpath_log_level level, const char *fmt, ...) MPATH_NOEXCEPT
	__attribute__((format(printf, 2, 3)));
/*
 * A path selector's warning, as mainline's dm-ps-<selector>.c prints it:
 * "device-mapper: multipath <selector>: ...".  ratelimited: like its
 * DMWARN_LIMIT (one rate limit per selector), else like its DMWARN.
 */
void mpg_selector_warn(const char *selector, int ratelimited, const char *fmt, ...) MPATH_NOEXCEPT
	__attribute__((format(printf, 3, 4)));
int mpg_scnprintf(char *buf, unsigned long size, const char *fmt, ...) MPATH_NOEXCEPT
	__attribute__((format(printf, 3, 4)));
/*
 * The kernel's "%u%c" sscanf idiom, so numbers parse exactly as in
 * mainline's dm_read_arg(): 0, or -EINVAL if str is not one number.
 */
int mpg_parse_uint(const char *str, unsigned int *value) MPATH_NOEXCEPT;
char *mpg_strdup(const char *str) MPATH_NOEXCEPT;	/* free with mpg_free */

/* Time and CPUs, for the selectors. */
unsigned long long mpg_now_ns(void) MPATH_NOEXCEPT;		/* ktime_get_ns() */
unsigned int mpg_this_cpu(void) MPATH_NOEXCEPT;			/* a hint: may migrate */
unsigned int mpg_nr_cpu_ids(void) MPATH_NOEXCEPT;
int mpg_cpu_to_node(unsigned int cpu) MPATH_NOEXCEPT;
/* cpumask_parse() into a new mask; -EINVAL or -ENOMEM on failure. */
int mpg_cpumask_parse(const char *str, struct mpg_cpumask **mask) MPATH_NOEXCEPT;
void mpg_cpumask_free(struct mpg_cpumask *mask) MPATH_NOEXCEPT;
/*
 * Next set CPU after cpu (-1 to start), MPG_CPU_NONE when done.  A mask
 * may name CPUs at or above mpg_nr_cpu_ids() (cpumask_parse() accepts
 * every bit of NR_CPUS on kernels without CPUMASK_OFFSTACK).
 */
#define MPG_CPU_NONE (~0U)
unsigned int mpg_cpumask_next(int cpu, const struct mpg_cpumask *mask) MPATH_NOEXCEPT;
/* "%*pb " of the mask, as mainline's io-affinity status prints it. */
int mpg_cpumask_scnprintf(char *buf, unsigned long size,
			  const struct mpg_cpumask *mask) MPATH_NOEXCEPT;

/*
 * Per-path I/O counts (the stats message).  Each CPU counts in a 16-bit
 * copy and carries every 2^14 counts into a shared total: 2 bytes per
 * possible CPU and counter, and an increment writes no shared cache line
 * but once in 2^14.  A read sums the copies: exact once I/O is quiet.
 */
struct mpg_io_counts;
struct mpg_io_counts *mpg_io_counts_alloc(unsigned int nr) MPATH_NOEXCEPT; /* process context */
void mpg_io_counts_free(struct mpg_io_counts *counts) MPATH_NOEXCEPT;
void mpg_io_counts_inc(struct mpg_io_counts *counts, unsigned int idx) MPATH_NOEXCEPT;
unsigned long mpg_io_counts_read(const struct mpg_io_counts *counts,
				 unsigned int idx) MPATH_NOEXCEPT;

/*
 * The turns of the rotations (a group's path choice) live in a small
 * per-CPU cache shared by every map, so that their memory does not grow
 * with paths or groups.  A rotation's key is a number no other rotation
 * had since the module loaded (mpg_turn_key_new).  mpg_next_turn gives
 * this CPU's next turn of key and returns nonzero; it returns 0 when key is
 * not in this CPU's cache (first use here, or evicted by another rotation),
 * and mpg_start_turns(key, turn) then caches key with turn + 1 next.
 */
unsigned long long mpg_turn_key_new(void) MPATH_NOEXCEPT;
int mpg_next_turn(unsigned long long key, unsigned int *turn) MPATH_NOEXCEPT;
void mpg_start_turns(unsigned long long key, unsigned int turn) MPATH_NOEXCEPT;

unsigned long mpg_lock(struct mpg_ctx *ctx) MPATH_NOEXCEPT;
void mpg_unlock(struct mpg_ctx *ctx, unsigned long flags) MPATH_NOEXCEPT;

int mpg_get_device(struct mpg_ctx *ctx, const char *name, struct mpg_dev **dev) MPATH_NOEXCEPT;
void mpg_put_device(struct mpg_ctx *ctx, struct mpg_dev *dev) MPATH_NOEXCEPT;
const char *mpg_dev_name(const struct mpg_dev *dev) MPATH_NOEXCEPT;
/*
 * A device number from "MAJ:MIN" or a block device's path, without opening
 * it (dm_devt_from_path(); the messages of MP_IFACE_6_12 and later).
 */
int mpg_devt_from_path(const char *path, unsigned int *devt) MPATH_NOEXCEPT;
unsigned int mpg_dev_devt(const struct mpg_dev *dev) MPATH_NOEXCEPT;	/* bd_dev */
/* The path's low-level driver is busy (blk_lld_busy), for dm-rq's busy(). */
int mpg_dev_busy(const struct mpg_dev *dev) MPATH_NOEXCEPT;

/*
 * Hardware handlers (scsi_dh).  An activation of a non-SCSI path completes
 * at once with MP_DH_NOSYS.
 */
/*
 * The handler attached to dev (mpg_free), NULL if none; -ENODEV: dev is not
 * SCSI (only kernels whose scsi_dh says so, 7.2), -ENOMEM.
 */
int mpg_dh_attached_name(struct mpg_dev *dev, char **name) MPATH_NOEXCEPT;
/* scsi_dh_attach(); on -EBUSY (another handler attached) logs that it stays. */
int mpg_dh_attach(struct mpg_dev *dev, const char *name) MPATH_NOEXCEPT;
int mpg_dh_set_params(struct mpg_dev *dev, const char *params) MPATH_NOEXCEPT;
/*
 * Per-path pg_init work on dev; its run asks mpc_activate_path() and, if
 * told to, calls scsi_dh_activate(), whose answer reaches
 * mpc_pg_init_done() (maybe at once).  Process context.
 */
struct mpg_activation *mpg_activation_alloc(struct mpg_ctx *ctx, struct mpc_path *path,
					    struct mpg_dev *dev) MPATH_NOEXCEPT;
/* Cancels a pending run and waits for a running one, then frees. */
void mpg_activation_free(struct mpg_activation *act) MPATH_NOEXCEPT;
/* Queues a run after delay_msecs; 0 if one is already queued. Any context. */
int mpg_activation_queue(struct mpg_activation *act, unsigned int delay_msecs) MPATH_NOEXCEPT;
/* Waits for every queued run to have started (flush of the handler queue). */
void mpg_activation_flush(void) MPATH_NOEXCEPT;
/* Sleeps until mpc_pg_init_idle(); woken by mpg_pg_init_wake(). */
void mpg_pg_init_wait(struct mpg_ctx *ctx) MPATH_NOEXCEPT;
void mpg_pg_init_wake(struct mpg_ctx *ctx) MPATH_NOEXCEPT;

/* Raise PATH_FAILED / PATH_REINSTATED (uevent, log line, dm event). Locked. */
void mpg_path_event(struct mpg_ctx *ctx, int failed, const struct mpg_dev *dev,
		    unsigned int nr_valid_paths) MPATH_NOEXCEPT;
/* Bump the dm event counter from process context (group state changes). */
void mpg_table_event(struct mpg_ctx *ctx) MPATH_NOEXCEPT;
int mpg_noflush_suspending(struct mpg_ctx *ctx) MPATH_NOEXCEPT;
/*
 * queue_if_no_path_timeout_secs: arm (if the parameter is set) or stop the
 * timer that ends queueing when no path came back.  Arming is done locked;
 * stopping waits for a running expiry, so it is done unlocked.
 */
void mpg_nopath_timer_arm(struct mpg_ctx *ctx) MPATH_NOEXCEPT;
void mpg_nopath_timer_stop(struct mpg_ctx *ctx) MPATH_NOEXCEPT;
/*
 * The per-map I/O timeout check: calls mpc_io_check() every period_ms while
 * it returns non-zero.  start may be called again to change the period;
 * stop waits for a running check (not with the target lock held).
 */
void mpg_io_check_start(struct mpg_ctx *ctx, unsigned int period_ms) MPATH_NOEXCEPT;
void mpg_io_check_stop(struct mpg_ctx *ctx) MPATH_NOEXCEPT;
/*
 * Request mode: calls fn with the per-I/O state of every request of this
 * map's own queue that dm-rq has started (each one it is mapping or has in
 * flight on a path), from dm-rq's tag set, so the I/O path keeps no list of
 * its own.  Nothing in bio mode.  Called by the I/O timeout check only.
 */
typedef void (mpg_started_io_fn)(struct mpath_io *io, void *data);
void mpg_rq_walk_started(struct mpg_ctx *ctx, mpg_started_io_fn *fn, void *data) MPATH_NOEXCEPT;
/*
 * Re-run I/O waiting for a path: parked bios, delay-requeued requests.  Any
 * context, the target lock held or not.
 */
void mpg_kick_waiting_io(struct mpg_ctx *ctx) MPATH_NOEXCEPT;
/*
 * The same, except that requests on dm-rq's delayed requeue list keep their
 * delay (a suspend that is about to stop the queue: see presuspend).
 */
void mpg_kick_waiting_io_lazily(struct mpg_ctx *ctx) MPATH_NOEXCEPT;

/* Bio unit. */
unsigned int mpg_bio_size(const struct bio *bio) MPATH_NOEXCEPT;
void mpg_bio_remap(struct bio *bio, struct mpg_dev *dev) MPATH_NOEXCEPT;
/* Park a bio until a path comes back or queueing stops. Locked. */
void mpg_bio_park(struct mpg_ctx *ctx, struct bio *bio) MPATH_NOEXCEPT;
/* Undo a failed attempt (device, sector, size, flags) before retrying. */
void mpg_bio_restore(struct mpg_ctx *ctx, struct bio *bio) MPATH_NOEXCEPT;

/* Request unit. */
unsigned int mpg_rq_bytes(const struct request *rq) MPATH_NOEXCEPT;
enum mpath_clone_result mpg_rq_clone(struct request *rq, struct mpg_dev *dev,
				     struct request **clone) MPATH_NOEXCEPT;

int mpg_blk_path_error(unsigned char status) MPATH_NOEXCEPT;

/* ---- the core, for the glue (core/entry.cpp) ---- */

/*
 * Which kernel's dm-multipath the target reproduces, oldest first.  The glue
 * passes the one it was built against; the core follows any of them.
 */
enum mpath_interface {
	MP_IFACE_6_1,	/* 1.14.0 */
	MP_IFACE_6_12,	/* 1.14.0; messages look paths up by device number */
	/*
	 * 1.15.0: retain_attached_hw_handler has no effect, handlers only on
	 * SCSI paths, the current group before a pending switch,
	 * DM_MPATH_PROBE_PATHS.
	 */
	MP_IFACE_7_2,
};

struct mpc_create_args {
	struct mpg_ctx *ctx;
	enum mpath_interface iface;
	int bio_only;		/* the bio_multipath target: no request mode */
	unsigned int io_timeout_ms;	/* module parameter: default io timeout */
	/* out */
	int bio_mode;
	const char *error;	/* for ti->error */
};

int mpc_create(struct mpc_create_args *args, unsigned int argc, char **argv,
	       struct mpc_core **core) MPATH_NOEXCEPT;
void mpc_destroy(struct mpc_core *core) MPATH_NOEXCEPT;
/* After mpc_create() succeeded and the glue stored the core. */
void mpc_start(struct mpc_core *core) MPATH_NOEXCEPT;
void mpc_status(struct mpc_core *core, enum mpath_status_type type,
		const char *target_name, const char *target_version,
		char *result, unsigned int maxlen) MPATH_NOEXCEPT;
/* result/maxlen: text for the caller (stats); then the return value is 1. */
int mpc_message(struct mpc_core *core, unsigned int argc, char **argv,
		char *result, unsigned int maxlen) MPATH_NOEXCEPT;
/* One tick of the I/O timeout check; non-zero: keep ticking. */
int mpc_io_check(struct mpc_core *core) MPATH_NOEXCEPT;
void mpc_presuspend(struct mpc_core *core) MPATH_NOEXCEPT;
/* The nopath timer expired: stop queueing so waiting I/O fails. */
void mpc_nopath_timeout(struct mpc_core *core) MPATH_NOEXCEPT;
void mpc_resume(struct mpc_core *core) MPATH_NOEXCEPT;
int mpc_iterate_devices(struct mpc_core *core,
			int (*fn)(struct mpg_dev *dev, void *data), void *data) MPATH_NOEXCEPT;
/* Device for ioctls (SG_IO...): the current path, else any usable one. */
int mpc_ioctl_device(struct mpc_core *core, struct mpg_dev **dev) MPATH_NOEXCEPT;

int mpc_map_bio(struct mpc_core *core, struct bio *bio, struct mpath_io *io) MPATH_NOEXCEPT;
int mpc_end_io_bio(struct mpc_core *core, struct bio *bio, struct mpath_io *io,
		   unsigned char *status) MPATH_NOEXCEPT;
int mpc_map_rq(struct mpc_core *core, struct request *rq, struct mpath_io *io,
	       struct request **clone) MPATH_NOEXCEPT;
int mpc_end_io_rq(struct mpc_core *core, struct mpath_io *io,
		  unsigned char status) MPATH_NOEXCEPT;
/* dm-rq dropped a clone mpc_map_rq() made: undo the path's accounting. */
void mpc_release_rq(struct mpath_io *io) MPATH_NOEXCEPT;
/*
 * A path's pg_init work runs: non-zero if the glue is to activate it now
 * (dev_dying: its queue is being torn down); else pg_init of that path is
 * over already.  Then its scsi_dh activation completes.
 */
int mpc_activate_path(struct mpc_core *core, struct mpc_path *path, int dev_dying) MPATH_NOEXCEPT;
void mpc_pg_init_done(struct mpc_core *core, struct mpc_path *path, int result) MPATH_NOEXCEPT;
int mpc_pg_init_idle(struct mpc_core *core) MPATH_NOEXCEPT;
/* postsuspend and destruction: let running pg_init finish, start no more. */
void mpc_flush_pg_init(struct mpc_core *core) MPATH_NOEXCEPT;
/* dm-rq asks whether to hold back dispatch (mainline's multipath_busy). */
int mpc_busy(struct mpc_core *core) MPATH_NOEXCEPT;

/*
 * DM_MPATH_PROBE_PATHS (7.2's interface): a one-block read from every active
 * path of the current group fails those that answer with a path error.  The
 * glue runs one probe at a time, waited: it had to wait for another.
 * start: non-zero if the current group is to be probed (else the probe is
 * skipped: none, suspended, being initialised, or the probe waited for
 * covered it); until end, group switches by message are held back.
 * next: the next active path of that group after *pos (0 first), NULL when
 * done or when the group is no longer the current one.
 * end: after start, whatever it said; the ioctl's result from r, the first
 * error of a read (not its status), or -ENOTCONN if no usable path is left.
 */
int mpc_probe_start(struct mpc_core *core, int waited, int suspended) MPATH_NOEXCEPT;
struct mpg_dev *mpc_probe_next(struct mpc_core *core, unsigned int *pos,
			       struct mpc_path **path) MPATH_NOEXCEPT;
void mpc_probe_path_failed(struct mpc_core *core, struct mpc_path *path) MPATH_NOEXCEPT;
int mpc_probe_end(struct mpc_core *core, int started, int r) MPATH_NOEXCEPT;

#ifdef __cplusplus
}
#endif

#endif /* MPATH_SEAM_H */
