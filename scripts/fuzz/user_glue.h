/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace implementation of the seam (mpath_seam.h) for the fuzz harnesses:
 * the C++ core is compiled unchanged and linked against these services
 * instead of the kernel glue.  Everything is single-threaded and
 * deterministic: devices are "major:minor" names in a per-run world, the
 * clock and the CPU are set by the harness, work items (kicks, pg_init
 * activations, handler completions) are recorded and run when the harness
 * says so.
 *
 * Devices: "major:minor" (kernel sscanf rules), any number that fits a
 * dev_t exists except major 0 (-ENXIO).  Major 65 comes with scsi_dh_alua
 * attached, 66 with scsi_dh_emc, 253 and 259 are not SCSI (no handler
 * layer: attaching fails, activation answers NOSYS), others are SCSI disks
 * with no handler attached.
 *
 * The fake also checks the seam's contract and aborts on a breach, like
 * lockdep/might_sleep would in the kernel: the target lock is never taken
 * twice, "Locked." services are called with it held, sleeping services
 * without it, allocations only while a table is constructed, device
 * references are balanced.
 */
#ifndef MPATH_USER_GLUE_H
#define MPATH_USER_GLUE_H

#include "mpath_seam.h"

#ifdef __cplusplus
extern "C" {
#endif

#define UG_NR_CPUS 6		/* mpg_nr_cpu_ids(); two NUMA nodes of three */
#define UG_MAX_DEVS 512
#define UG_MAX_ACTS 1100

/* blk_status_t values (include/linux/blk_types.h). */
enum {
	UG_STS_OK = 0,
	UG_STS_NOTSUPP = 1,
	UG_STS_TIMEOUT = 2,
	UG_STS_NOSPC = 3,
	UG_STS_TRANSPORT = 4,
	UG_STS_TARGET = 5,
	UG_STS_RESV_CONFLICT = 6,
	UG_STS_MEDIUM = 7,
	UG_STS_PROTECTION = 8,
	UG_STS_RESOURCE = 9,
	UG_STS_IOERR = 10,
	UG_STS_DM_REQUEUE = 11,
	UG_STS_AGAIN = 12,
	UG_STS_DEV_RESOURCE = 13,
	UG_STS_ZONE_RESOURCE = 14,
	UG_STS_OFFLINE = 15,
	UG_STS_DURATION_LIMIT = 16,
};

struct mpg_dev {
	char name[24];
	int used;		/* slot in use (the device exists) */
	int refs;		/* references held through mpg_get_device */
	int busy;
	int dying;
	char dh_name[16];	/* attached scsi_dh handler, "" if none */
	int scsi;		/* has a handler layer (else NOSYS activations) */
};

struct mpg_activation {
	struct mpg_ctx *ctx;
	struct mpc_path *path;
	int queued;		/* the work is queued */
	int completing;		/* scsi_dh_activate() calls whose answer is pending */
	unsigned int delay_msecs;
	int freed;
};

struct mpg_ctx {
	struct mpc_core *core;
	int bio_mode;
	int locked;
	int noflush_suspending;
	/* Work the harness runs later. */
	int kick_pending;
	unsigned int kicks;
	unsigned int table_events;
	unsigned int path_events;
	unsigned int last_nr_valid;	/* nr_valid_paths of the last path event */
	int nopath_timer_armed;
	unsigned int io_check_period;	/* 0: stopped */
	/* Result the next scsi_dh activations report (or -1: left pending). */
	int dh_result;
	unsigned int dh_activations;
	struct mpg_activation *acts[UG_MAX_ACTS];
	unsigned int nr_acts;
	/* Set by the harness around an I/O call: bio token being mapped/ended. */
	const void *cur_bio;
	int cur_parked;		/* mpg_bio_park() calls for cur_bio */
	int cur_restored;
	const struct mpg_dev *last_remap;
	enum mpath_clone_result clone_result;	/* for devices not dying */
};

/* ---- the world: devices, clock, CPU (shared by every ctx of a run) ---- */
void ug_world_reset(void);
/* References still held on any device. */
int ug_dev_refs(void);
/* Looks a device up by name without taking a reference (NULL if none). */
struct mpg_dev *ug_find_dev(const char *name);
extern unsigned long long ug_now;
/* The ctx whose I/O the harness is mapping (bios/requests carry none). */
extern struct mpg_ctx *ug_io_ctx;
extern unsigned int ug_cpu;

void ug_ctx_init(struct mpg_ctx *ctx, int bio_mode);
/* Frees what a ctx still holds (after mpc_destroy or a failed create). */
void ug_ctx_fini(struct mpg_ctx *ctx);

/* Runs one queued pg_init activation (index among queued ones); 0 if none. */
int ug_run_activation(struct mpg_ctx *ctx, unsigned int which);
unsigned int ug_queued_activations(const struct mpg_ctx *ctx);
/* Completes one pending scsi_dh activation with result; 0 if none. */
int ug_complete_activation(struct mpg_ctx *ctx, unsigned int which, int result);
unsigned int ug_pending_completions(const struct mpg_ctx *ctx);

/*
 * Allocation failure injection for the services that allocate (handler
 * names, activations, cpumasks, device lookups): the n-th such call from now
 * fails (0: none fails).  The core's own operator new is the sanitizer
 * runtime's and is not failed (clang before 17 has no -fcheck-new).
 */
void ug_fail_nth_alloc(unsigned int n);
unsigned int ug_allocs_done(void);	/* since the last ug_fail_nth_alloc() */
/* Allocations are legal only while constructing (mpc_create). */
void ug_set_constructing(int on);

/* Aborts with a message: a breach of the seam's contract or an invariant. */
void ug_bug(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
extern int ug_verbose;

#ifdef __cplusplus
}
#endif

#endif
