/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The glue's own objects, shared by its two halves: target.c (the target
 * callbacks dm core calls) and target_services.c (the services the core
 * calls through mpath_seam.h).  The core never sees these definitions.
 */
#ifndef DM_MPATH_CPP_GLUE_H
#define DM_MPATH_CPP_GLUE_H

#include "compat.h"

#include <linux/bio.h>
#include <linux/device-mapper.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/timer.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include "mpath_seam.h"

#define DM_MSG_PREFIX "multipath"

struct mpg_ctx {
	struct dm_target *ti;
	struct mpc_core *core;
	bool bio_mode;
	spinlock_t lock;		/* the core's state and parked_bios */
	struct bio_list parked_bios;	/* bio mode: I/O waiting for a path */
	struct work_struct kick_work;	/* re-maps parked_bios */
	struct work_struct event_work;	/* dm_table_event() needs process context */
	struct mutex message_lock;	/* serialises messages */
	struct mutex probe_lock;	/* one DM_MPATH_PROBE_PATHS at a time */
	struct timer_list nopath_timer;	/* queue_if_no_path_timeout_secs */
	struct timer_list io_timer;	/* io timeout check, every io_period_ms */
	unsigned int io_period_ms;
	/*
	 * Request mode: where dm-rq keeps a request's per-I/O state (the
	 * mpath_io), from the request; 0 until a request is mapped, and again
	 * from postsuspend.  The same for every request of the map's queue
	 * (mp_clone_and_map_rq).
	 */
	long rq_io_offset;
	wait_queue_head_t pg_init_wait;	/* suspend waits for pg_init to end */
};

/* One path's pg_init (scsi_dh activation), run on handler_wq. */
struct mpg_activation {
	struct delayed_work work;
	struct mpg_ctx *ctx;
	struct mpc_path *path;
	struct mpg_dev *dev;
};

/*
 * What a bio-mode retry must undo: the lower device may have advanced the
 * iterator, changed flags or chained splits onto the clone.  The same fields
 * as dm core's private dm_bio_record(), which out-of-tree code cannot reach.
 */
struct mp_bio_record {
	struct block_device *bdev;
	unsigned long flags;
	struct bvec_iter iter;
	int remaining;
	bio_end_io_t *end_io;
#ifdef CONFIG_BLK_DEV_INTEGRITY
	struct bio_integrity_payload *integrity;
#endif
};

/* Bio mode's per-I/O data, in the clone's front pad reserved by dm core. */
struct mp_bio_io {
	struct mpath_io io;
	struct mp_bio_record record;
};

static inline struct mp_bio_io *mp_per_bio(struct bio *bio)
{
	return dm_per_bio_data(bio, sizeof(struct mp_bio_io));
}

static inline void mp_record_bio(struct mp_bio_record *rec, struct bio *bio)
{
	rec->bdev = bio->bi_bdev;
	rec->flags = bio->bi_flags;
	rec->iter = bio->bi_iter;
	rec->remaining = atomic_read(&bio->__bi_remaining);
	rec->end_io = bio->bi_end_io;
#ifdef CONFIG_BLK_DEV_INTEGRITY
	rec->integrity = bio_integrity(bio);
#endif
}

/* target_services.c: per-target kernel objects, and the module's workqueues. */
void mp_ctx_init(struct mpg_ctx *ctx, struct dm_target *ti);
/* Undoes mp_ctx_init() once the timers are stopped and the work is done. */
void mp_ctx_fini(struct mpg_ctx *ctx);
void mp_ctx_stop_timers(struct mpg_ctx *ctx);
void mp_ctx_flush_work(struct mpg_ctx *ctx);
int mp_workqueues_init(void);
void mp_workqueues_exit(void);

#endif /* DM_MPATH_CPP_GLUE_H */
