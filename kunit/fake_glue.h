/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Fake per-target kernel services for testing the core: devices are names
 * with reference counts, events and kicks are recorded, and bios/requests are
 * opaque tokens the fakes never dereference.
 */
#ifndef MPATH_FAKE_GLUE_H
#define MPATH_FAKE_GLUE_H

#include <linux/atomic.h>
#include <linux/spinlock.h>
#include "mpath_seam.h"

#define FAKE_MAX_DEVS 16
#define FAKE_MAX_EVENTS 32
#define FAKE_MAX_ACTIVATIONS 16

struct mpg_dev {
	char name[16];
	int refs;
	int busy;
	int dying;
	char dh_name[16];	/* attached hardware handler, "" if none */
	char dh_params[32];	/* last scsi_dh_set_params(), count word only */
};

/* A path's pg_init work: queued until fake_run_activations(). */
struct mpg_activation {
	struct mpg_ctx *ctx;
	struct mpc_path *path;
	int queued;
	unsigned int delay_msecs;
};

struct fake_event {
	int failed;
	char dev[16];
	unsigned int nr_valid;
};

struct mpg_ctx {
	spinlock_t lock;
	struct mpg_dev devs[FAKE_MAX_DEVS];
	struct fake_event events[FAKE_MAX_EVENTS];
	unsigned int nr_events;
	unsigned int table_events;
	unsigned int kicks;
	unsigned int locks;		/* times the target lock was taken */
	int lock_held;
	/*
	 * pg_init completion: calls that touch the target after the core
	 * already reported pg_init idle without the lock held, so that a
	 * flush (suspend, destructor) could have returned and freed it.
	 */
	int in_pg_init_done;
	unsigned int calls_after_idle;
	unsigned int timer_arms;
	unsigned int timer_stops;
	unsigned int parked;
	unsigned int restored;
	int noflush_suspending;
	struct mpc_core *core;		/* for activations; set by the fixture */
	struct mpg_activation *acts[FAKE_MAX_ACTIVATIONS];
	unsigned int nr_acts;
	int dh_result;			/* what every scsi_dh activation answers */
	unsigned int dh_activations;	/* scsi_dh_activate() calls */
	unsigned int pg_init_waits;
	unsigned int io_check_period;	/* 0: the I/O timeout check is stopped */
};

/* Bios and requests carry no ctx: their fakes record here. */
extern const struct mpg_dev *fake_last_remap;
extern enum mpath_clone_result fake_clone_result;
/* Handler every new fake device has attached ("" for none); attach result. */
extern char fake_dh_attached[16];
extern int fake_dh_attach_result;
/* Only devices in this slot and after come with fake_dh_attached. */
extern int fake_dh_first_dev;

/* Live allocations made through mpg_alloc() and the cpumask parser. */
extern atomic_t fake_live_allocs;

void fake_ctx_init(struct mpg_ctx *ctx);
/* References still held on fake devices (0 after a clean destroy). */
int fake_dev_refs(const struct mpg_ctx *ctx);
/* Runs the queued pg_init work items; returns how many ran. */
unsigned int fake_run_activations(struct mpg_ctx *ctx);
/* How many pg_init work items are queued. */
unsigned int fake_queued_activations(const struct mpg_ctx *ctx);

#endif
