/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The fake of the per-target kernel services (the mpg_* half of
 * mpath_seam.h that glue/target_services.c implements), one for every test
 * of the core: the KUnit suites and the userspace fuzz harnesses and
 * benchmark build it through port.h.  Everything is single-threaded and
 * deterministic: work items (kicks, pg_init activations, handler answers)
 * are recorded and run when the test says so, bios and requests are tokens
 * the fake never dereferences.
 *
 * Devices: "major:minor" (the kernel's sscanf rules) in one world shared by
 * every target, as a table reload holds the old and the new table's
 * references at once.  Any number that fits a dev_t exists except major 0
 * (-ENXIO).  Major 65 comes with scsi_dh_alua attached, 66 with scsi_dh_emc
 * (unless fake_dh_preset() says otherwise), 253 and 259 are not SCSI (no
 * handler layer: attaching fails, activation answers NOSYS), others are
 * SCSI disks with no handler attached.
 *
 * The fake checks the seam's contract, as lockdep and might_sleep would
 * in the kernel: the target lock is never taken twice, "Locked." services
 * are called with it held and sleeping ones without it, allocations happen
 * only while a table is constructed, device references balance.  A breach
 * aborts a userspace run and fails the KUnit test (port.h).
 */
#ifndef MPATH_FAKE_SEAM_H
#define MPATH_FAKE_SEAM_H

#include "mpath_seam.h"
#include "port.h"

#ifdef __cplusplus
extern "C" {
#endif

#define FAKE_MAX_DEVS 512
#define FAKE_MAX_EVENTS 32
#define FAKE_MAX_ACTS 1100
#define FAKE_MAX_STARTED 64

struct mpg_dev {
	char name[24];
	int used;		/* slot in use (the device exists) */
	int refs;		/* references held through mpg_get_device() */
	int busy;
	int dying;
	int scsi;		/* has a handler layer (else NOSYS activations) */
	char dh_name[16];	/* attached scsi_dh handler, "" if none */
	char dh_params[32];	/* last scsi_dh_set_params(): "count:arg,arg" */
};

/* A path's pg_init work. */
struct mpg_activation {
	struct mpg_ctx *ctx;
	struct mpc_path *path;
	struct mpg_dev *dev;
	int queued;		/* the work is queued */
	int completing;		/* scsi_dh_activate() calls whose answer is pending */
	unsigned int delay_msecs;
};

struct fake_event {
	int failed;
	char dev[24];
	unsigned int nr_valid;
};

struct mpg_ctx {
	struct mpc_core *core;	/* set by the test after mpc_create() */
	int bio_mode;
	fake_spinlock_t lock;
	int locked;
	unsigned int locks;	/* times the target lock was taken */
	int noflush_suspending;
	int dev_refs;		/* device references this target holds */

	/* Recorded for the test. */
	struct fake_event events[FAKE_MAX_EVENTS];	/* the first path events */
	unsigned int nr_events;
	unsigned int path_events;
	unsigned int last_nr_valid;	/* nr_valid_paths of the last path event */
	unsigned int table_events;
	unsigned int kicks;
	int kick_pending;
	unsigned int timer_arms;
	unsigned int timer_stops;
	int nopath_timer_armed;
	unsigned int io_check_period;	/* 0: the I/O timeout check is stopped */
	unsigned int parked;
	unsigned int restored;
	unsigned int pg_init_waits;

	/*
	 * Request mode: the per-I/O state of every request mapped so far,
	 * which mpg_rq_walk_started() yields as dm-rq's tag set would
	 * (the core skips those no longer on a path).
	 */
	struct mpath_io *started[FAKE_MAX_STARTED];
	unsigned int nr_started;

	/* The I/O units: what the last map did, what the next clone does. */
	const struct mpg_dev *last_remap;
	enum mpath_clone_result clone_result;	/* for devices not dying */
	/* Set by a test around one I/O call: only that bio may be parked. */
	const void *cur_bio;
	int cur_parked;
	int cur_restored;

	/* pg_init: what each scsi_dh activation answers (< 0: left pending). */
	int dh_result;
	unsigned int dh_activations;	/* scsi_dh_activate() calls */
	struct mpg_activation *acts[FAKE_MAX_ACTS];
	unsigned int nr_acts;
	/*
	 * Calls that touch the target after the core already reported
	 * pg_init idle, from a pg_init completion without the lock: a flush
	 * (suspend, destructor) could have returned and freed it by then.
	 */
	int in_pg_init_done;
	unsigned int calls_after_idle;
};

/* ---- the world ---- */
/* Forgets every device; the fake then behaves like 6.1's kernel. */
void fake_world_reset(void);
/* Which kernel's behaviour the fake follows where kernels differ (scsi_dh). */
void fake_set_kernel(enum mpath_interface iface);
enum mpath_interface fake_kernel(void);
/* The slot-th device created since the reset (NULL if none). */
struct mpg_dev *fake_dev(unsigned int slot);
/* Looks a device up by name without taking a reference (NULL if none). */
struct mpg_dev *fake_find_dev(const char *name);
/* References held on any device. */
int fake_world_refs(void);
/*
 * New devices from slot first_slot on come with handler name attached ("":
 * none), whatever their major; fake_dh_preset(NULL, 0) restores the rule
 * by major.
 */
void fake_dh_preset(const char *name, unsigned int first_slot);
/* Non-zero: what every scsi_dh_attach() answers. */
extern int fake_dh_attach_result;
/* The target whose I/O is being mapped (bios and requests carry none). */
extern struct mpg_ctx *fake_io_ctx;

/* ---- one target ---- */
void fake_ctx_init(struct mpg_ctx *ctx, int bio_mode);
/* A request of ctx is about to be mapped with per-I/O state io. */
void fake_rq_started(struct mpg_ctx *ctx, struct mpath_io *io);
/* After mpc_destroy() or a refused mpc_create(): what must be gone is. */
void fake_ctx_fini(struct mpg_ctx *ctx);
int fake_dev_refs(const struct mpg_ctx *ctx);

/* ---- pg_init work ---- */
unsigned int fake_queued_activations(const struct mpg_ctx *ctx);
unsigned int fake_pending_completions(const struct mpg_ctx *ctx);
/* Runs one queued activation (index among the queued ones); 0 if none. */
int fake_run_activation(struct mpg_ctx *ctx, unsigned int which);
/* Runs every queued activation; returns how many ran. */
unsigned int fake_run_activations(struct mpg_ctx *ctx);
/* Answers one pending scsi_dh activation with result; 0 if none. */
int fake_complete_activation(struct mpg_ctx *ctx, unsigned int which, int result);

/* ---- allocation ---- */
/*
 * Each allocating service asks first: it must be called while a table is
 * constructed and without the lock; 0 means "fail this one" (injection).
 */
int fake_alloc_ok(const char *what);
void fake_set_constructing(int on);
/* The n-th allocating call from now fails (0: none). */
void fake_fail_nth_alloc(unsigned int n);
unsigned int fake_allocs_done(void);	/* since fake_fail_nth_alloc() */
/* A service that may sleep in the kernel is called: not under the lock. */
void fake_might_sleep(const char *what);

#ifdef __cplusplus
}
#endif

#endif
