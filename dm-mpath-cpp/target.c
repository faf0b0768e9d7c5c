// SPDX-License-Identifier: GPL-2.0
/*
 * dm-mpath-cpp: device-mapper multipath targets whose logic lives in a C++
 * core (core.hpp).  This file is the kernel side: it registers the targets,
 * owns the per-target kernel objects (lock, parked bios, work items) and
 * offers them to the core through mpath_seam.h.
 *
 *   multipath      request-based (blk-mq clones), or bio-based with the
 *                  feature "queue_mode bio"; a drop-in for Linux 6.1's target
 *   bio_multipath  bio-based only; may appear several times in one table
 */
#include <linux/bio.h>
#include <linux/blk-integrity.h>	/* bio_integrity(): linux/bio-integrity.h since 6.12 */
#include <linux/blk-mq.h>
#include <linux/blkdev.h>
#include <linux/delay.h>
#include <linux/device-mapper.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/timer.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <scsi/scsi_dh.h>

#include "mpath_seam.h"

#define DM_MSG_PREFIX "multipath"

/* From drivers/md/dm-uevent.h, which linux-headers packages do not ship. */
enum dm_uevent_type {
	DM_UEVENT_PATH_FAILED,
	DM_UEVENT_PATH_REINSTATED,
};
void dm_path_uevent(enum dm_uevent_type event_type, struct dm_target *ti,
		    const char *path, unsigned int nr_valid_paths);
/* From drivers/md/dm-rq.h (exported by dm-mod, not in linux/device-mapper.h). */
void dm_mq_kick_requeue_list(struct mapped_device *md);

static_assert(MP_MAPIO_SUBMITTED == DM_MAPIO_SUBMITTED);
static_assert(MP_MAPIO_REMAPPED == DM_MAPIO_REMAPPED);
static_assert(MP_MAPIO_REQUEUE == DM_MAPIO_REQUEUE);
static_assert(MP_MAPIO_DELAY_REQUEUE == DM_MAPIO_DELAY_REQUEUE);
static_assert(MP_MAPIO_KILL == DM_MAPIO_KILL);
static_assert(MP_ENDIO_DONE == DM_ENDIO_DONE);
static_assert(MP_ENDIO_INCOMPLETE == DM_ENDIO_INCOMPLETE);
static_assert(MP_ENDIO_REQUEUE == DM_ENDIO_REQUEUE);
static_assert(MP_ENDIO_DELAY_REQUEUE == DM_ENDIO_DELAY_REQUEUE);
static_assert(sizeof(blk_status_t) == sizeof(unsigned char));
static_assert((int)MP_DH_OK == (int)SCSI_DH_OK);
static_assert((int)MP_DH_DEV_TEMP_BUSY == (int)SCSI_DH_DEV_TEMP_BUSY);
static_assert((int)MP_DH_RETRY == (int)SCSI_DH_RETRY);
static_assert((int)MP_DH_IMM_RETRY == (int)SCSI_DH_IMM_RETRY);
static_assert((int)MP_DH_RES_TEMP_UNAVAIL == (int)SCSI_DH_RES_TEMP_UNAVAIL);
static_assert((int)MP_DH_DEV_OFFLINED == (int)SCSI_DH_DEV_OFFLINED);
static_assert((int)MP_DH_NOSYS == (int)SCSI_DH_NOSYS);

struct mpg_ctx {
	struct dm_target *ti;
	struct mpc_core *core;
	bool bio_mode;
	spinlock_t lock;		/* the core's state and parked_bios */
	struct bio_list parked_bios;	/* bio mode: I/O waiting for a path */
	struct work_struct kick_work;	/* re-maps parked_bios */
	struct work_struct event_work;	/* dm_table_event() needs process context */
	struct mutex message_lock;	/* serialises messages */
	struct timer_list nopath_timer;	/* queue_if_no_path_timeout_secs */
	struct timer_list io_timer;	/* io timeout check, every io_period_ms */
	unsigned int io_period_ms;
	wait_queue_head_t pg_init_wait;	/* suspend waits for pg_init to end */
};

/* One path's pg_init (scsi_dh activation), run on handler_wq. */
struct mpg_activation {
	struct delayed_work work;
	struct mpg_ctx *ctx;
	struct mpc_path *path;
};

/*
 * What a bio-mode retry must undo: the lower device may have advanced the
 * iterator, changed flags or chained splits onto the clone.  The same fields
 * as dm core's private dm_bio_record(), which out-of-tree code cannot reach.
 */
struct mpg_bio_record {
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
struct mpg_bio_io {
	struct mpath_io io;
	struct mpg_bio_record record;
};

static unsigned long queue_if_no_path_timeout_secs;
module_param(queue_if_no_path_timeout_secs, ulong, 0644);
MODULE_PARM_DESC(queue_if_no_path_timeout_secs, "No available paths queue IO timeout in seconds");

static unsigned int io_timeout_msecs;
module_param(io_timeout_msecs, uint, 0644);
MODULE_PARM_DESC(io_timeout_msecs,
		 "Fail a path with an I/O outstanding longer than this, for tables without the io_timeout_msecs feature (0 = off, max 600000)");

#ifdef CONFIG_DM_DEBUG
/*
 * Test hook of debug kernels: the end of every pg_init (its wake-up of a
 * suspend waiting for it) is held back this long, to widen the window in
 * which a destructor racing with it could free the target
 * (scripts/scenarios/pg-init-race.sh).  Busy-waits: 0 outside tests.
 */
static unsigned int debug_pg_init_end_delay_ms;
module_param(debug_pg_init_end_delay_ms, uint, 0644);
MODULE_PARM_DESC(debug_pg_init_end_delay_ms, "Test hook (DM_DEBUG kernels): delay at the end of each pg_init, in ms");
#endif

/* Re-maps parked bios; WQ_MEM_RECLAIM so it runs under memory pressure. */
static struct workqueue_struct *kick_wq;
/* Runs pg_init; ordered like mainline's kmpath_handlerd. */
static struct workqueue_struct *handler_wq;

static struct mpg_bio_io *bio_io(struct bio *bio)
{
	return dm_per_bio_data(bio, sizeof(struct mpg_bio_io));
}

static void bio_record(struct mpg_bio_record *rec, struct bio *bio)
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

/* ---- services for the core ---- */

unsigned long mpg_lock(struct mpg_ctx *ctx)
	__acquires(&ctx->lock)
{
	unsigned long flags;

	spin_lock_irqsave(&ctx->lock, flags);
	return flags;
}

void mpg_unlock(struct mpg_ctx *ctx, unsigned long flags)
	__releases(&ctx->lock)
{
	spin_unlock_irqrestore(&ctx->lock, flags);
}

int mpg_get_device(struct mpg_ctx *ctx, const char *name, struct mpg_dev **dev)
{
	struct dm_dev *d;
	int r = dm_get_device(ctx->ti, name, dm_table_get_mode(ctx->ti->table), &d);

	if (!r)
		*dev = (struct mpg_dev *)d;
	return r;
}

void mpg_put_device(struct mpg_ctx *ctx, struct mpg_dev *dev)
{
	dm_put_device(ctx->ti, (struct dm_dev *)dev);
}

const char *mpg_dev_name(const struct mpg_dev *dev)
{
	return ((const struct dm_dev *)dev)->name;
}

static struct request_queue *dev_queue(const struct mpg_dev *dev)
{
	return bdev_get_queue(((const struct dm_dev *)dev)->bdev);
}

int mpg_dev_busy(const struct mpg_dev *dev)
{
	return blk_lld_busy(dev_queue(dev));
}

int mpg_dev_dying(const struct mpg_dev *dev)
{
	return blk_queue_dying(dev_queue(dev));
}

char *mpg_dh_attached_name(struct mpg_dev *dev)
{
	return (char *)scsi_dh_attached_handler_name(dev_queue(dev), GFP_KERNEL);
}

int mpg_dh_attach(struct mpg_dev *dev, const char *name)
{
	int r = scsi_dh_attach(dev_queue(dev), name);

	if (r == -EBUSY)
		DMINFO("retaining handler on device %pg", ((struct dm_dev *)dev)->bdev);
	return r;
}

int mpg_dh_set_params(struct mpg_dev *dev, const char *params)
{
	return scsi_dh_set_params(dev_queue(dev), params);
}

static void activation_work_fn(struct work_struct *work)
{
	struct mpg_activation *act = container_of(to_delayed_work(work),
						  struct mpg_activation, work);

	mpc_activate_path(act->ctx->core, act->path, act);
}

struct mpg_activation *mpg_activation_alloc(struct mpg_ctx *ctx, struct mpc_path *path)
{
	struct mpg_activation *act = kzalloc(sizeof(*act), GFP_KERNEL);

	if (act) {
		INIT_DELAYED_WORK(&act->work, activation_work_fn);
		act->ctx = ctx;
		act->path = path;
	}
	return act;
}

void mpg_activation_free(struct mpg_activation *act)
{
	if (act) {
		cancel_delayed_work_sync(&act->work);
		kfree(act);
	}
}

int mpg_activation_queue(struct mpg_activation *act, unsigned int delay_msecs)
{
	return queue_delayed_work(handler_wq, &act->work, msecs_to_jiffies(delay_msecs));
}

void mpg_activation_flush(void)
{
	flush_workqueue(handler_wq);
}

static void activation_done(void *data, int result)
{
	struct mpg_activation *act = data;

	mpc_pg_init_done(act->ctx->core, act->path, result);
}

void mpg_dh_activate(struct mpg_activation *act, struct mpg_dev *dev)
{
	scsi_dh_activate(dev_queue(dev), activation_done, act);
}

void mpg_pg_init_wait(struct mpg_ctx *ctx)
{
	/* Uninterruptible like mainline: a stuck handler shows as a hung task. */
	wait_event(ctx->pg_init_wait, mpc_pg_init_idle(ctx->core));
}

void mpg_pg_init_wake(struct mpg_ctx *ctx)
{
#ifdef CONFIG_DM_DEBUG
	unsigned int delay = READ_ONCE(debug_pg_init_end_delay_ms);

	if (delay)
		mdelay(delay);
#endif
	wake_up(&ctx->pg_init_wait);
}

void mpg_path_event(struct mpg_ctx *ctx, int failed, const struct mpg_dev *dev,
		    unsigned int nr_valid_paths)
{
	const char *name = mpg_dev_name(dev);

	lockdep_assert_held(&ctx->lock);
	DMWARN("%s: %s path %s.", dm_table_device_name(ctx->ti->table),
	       failed ? "Failing" : "Reinstating", name);
	dm_path_uevent(failed ? DM_UEVENT_PATH_FAILED : DM_UEVENT_PATH_REINSTATED,
		       ctx->ti, name, nr_valid_paths);
	schedule_work(&ctx->event_work);
}

void mpg_table_event(struct mpg_ctx *ctx)
{
	schedule_work(&ctx->event_work);
}

int mpg_noflush_suspending(struct mpg_ctx *ctx)
{
	return dm_noflush_suspending(ctx->ti);
}

void mpg_nopath_timer_arm(struct mpg_ctx *ctx)
{
	unsigned long timeout = READ_ONCE(queue_if_no_path_timeout_secs) * HZ;

	lockdep_assert_held(&ctx->lock);
	if (timeout)
		mod_timer(&ctx->nopath_timer, jiffies + timeout);
}

void mpg_nopath_timer_stop(struct mpg_ctx *ctx)
{
	del_timer_sync(&ctx->nopath_timer);
}

static void nopath_timer_fn(struct timer_list *t)
{
	struct mpg_ctx *ctx = from_timer(ctx, t, nopath_timer);

	DMWARN("queue_if_no_path timeout on %s, failing queued IO",
	       dm_table_device_name(ctx->ti->table));
	mpc_nopath_timeout(ctx->core);
}

void mpg_io_check_start(struct mpg_ctx *ctx, unsigned int period_ms)
{
	WRITE_ONCE(ctx->io_period_ms, period_ms);
	mod_timer(&ctx->io_timer, jiffies + msecs_to_jiffies(period_ms));
}

void mpg_io_check_stop(struct mpg_ctx *ctx)
{
	del_timer_sync(&ctx->io_timer);
}

static void io_timer_fn(struct timer_list *t)
{
	struct mpg_ctx *ctx = from_timer(ctx, t, io_timer);

	if (mpc_io_check(ctx->core))
		mod_timer(&ctx->io_timer, jiffies + msecs_to_jiffies(READ_ONCE(ctx->io_period_ms)));
}

void mpg_kick_waiting_io_lazily(struct mpg_ctx *ctx)
{
	if (ctx->bio_mode)
		queue_work(kick_wq, &ctx->kick_work);
	else
		dm_table_run_md_queue_async(ctx->ti->table);
}

void mpg_kick_waiting_io(struct mpg_ctx *ctx)
{
	if (ctx->bio_mode) {
		queue_work(kick_wq, &ctx->kick_work);
	} else {
		/* Requests waiting on dm-rq's delayed requeue list: now. */
		dm_mq_kick_requeue_list(dm_table_get_md(ctx->ti->table));
		dm_table_run_md_queue_async(ctx->ti->table);
	}
}

unsigned int mpg_bio_size(const struct bio *bio)
{
	return bio->bi_iter.bi_size;
}

void mpg_bio_remap(struct bio *bio, struct mpg_dev *dev)
{
	bio->bi_status = BLK_STS_OK;
	bio_set_dev(bio, ((struct dm_dev *)dev)->bdev);
	bio->bi_opf |= REQ_FAILFAST_TRANSPORT;
}

void mpg_bio_park(struct mpg_ctx *ctx, struct bio *bio)
{
	lockdep_assert_held(&ctx->lock);
	bio_list_add(&ctx->parked_bios, bio);
}

void mpg_bio_restore(struct mpg_ctx *ctx, struct bio *bio)
{
	struct mpg_bio_record *rec = &bio_io(bio)->record;

	bio->bi_bdev = rec->bdev;
	bio->bi_flags = rec->flags;
	bio->bi_iter = rec->iter;
	atomic_set(&bio->__bi_remaining, rec->remaining);
	bio->bi_end_io = rec->end_io;
#ifdef CONFIG_BLK_DEV_INTEGRITY
	bio->bi_integrity = rec->integrity;
#endif
}

unsigned int mpg_rq_bytes(const struct request *rq)
{
	return blk_rq_bytes(rq);
}

enum mpath_clone_result mpg_rq_clone(struct request *rq, struct mpg_dev *dev,
				     struct request **clone)
{
	struct request_queue *q = bdev_get_queue(((struct dm_dev *)dev)->bdev);
	struct request *c;

	/* NOWAIT: mapping must never sleep; blk-mq retries on -EBUSY. */
	c = blk_mq_alloc_request(q, rq->cmd_flags | REQ_NOMERGE, BLK_MQ_REQ_NOWAIT);
	if (IS_ERR(c))
		return blk_queue_dying(q) ? MP_CLONE_DEAD : MP_CLONE_BUSY;

	/* dm-rq's setup_clone() attaches the original's bios. */
	c->bio = NULL;
	c->biotail = NULL;
	c->cmd_flags |= REQ_FAILFAST_TRANSPORT;
	*clone = c;
	return MP_CLONE_OK;
}

/* ---- work ---- */

static void kick_work_fn(struct work_struct *work)
{
	struct mpg_ctx *ctx = container_of(work, struct mpg_ctx, kick_work);
	struct bio_list bios;
	struct blk_plug plug;
	unsigned long flags;
	struct bio *bio;

	spin_lock_irqsave(&ctx->lock, flags);
	bios = ctx->parked_bios;
	bio_list_init(&ctx->parked_bios);
	spin_unlock_irqrestore(&ctx->lock, flags);

	blk_start_plug(&plug);
	while ((bio = bio_list_pop(&bios))) {
		struct mpg_bio_io *pb = bio_io(bio);

		mpg_bio_restore(ctx, bio);
		switch (mpc_map_bio(ctx->core, bio, &pb->io)) {
		case DM_MAPIO_REMAPPED:
			submit_bio_noacct(bio);
			break;
		case DM_MAPIO_SUBMITTED:	/* parked again */
			break;
		case DM_MAPIO_REQUEUE:		/* back to dm core (noflush suspend) */
			bio->bi_status = BLK_STS_DM_REQUEUE;
			bio_endio(bio);
			break;
		default:
			bio->bi_status = BLK_STS_IOERR;
			bio_endio(bio);
			break;
		}
	}
	blk_finish_plug(&plug);
}

static void event_work_fn(struct work_struct *work)
{
	struct mpg_ctx *ctx = container_of(work, struct mpg_ctx, event_work);

	dm_table_event(ctx->ti->table);
}

/* ---- target callbacks ---- */

static int mp_ctr_common(struct dm_target *ti, unsigned int argc, char **argv,
			 bool bio_only)
{
	struct mpc_create_args args = {
		.bio_only = bio_only,
		.io_timeout_ms = READ_ONCE(io_timeout_msecs),
	};
	struct mpg_ctx *ctx;
	int r;

	ctx = kzalloc(sizeof(*ctx), GFP_KERNEL);
	if (!ctx) {
		ti->error = "can't allocate multipath";
		return -EINVAL;
	}
	ctx->ti = ti;
	spin_lock_init(&ctx->lock);
	bio_list_init(&ctx->parked_bios);
	INIT_WORK(&ctx->kick_work, kick_work_fn);
	INIT_WORK(&ctx->event_work, event_work_fn);
	mutex_init(&ctx->message_lock);
	timer_setup(&ctx->nopath_timer, nopath_timer_fn, 0);
	timer_setup(&ctx->io_timer, io_timer_fn, 0);
	init_waitqueue_head(&ctx->pg_init_wait);

	args.ctx = ctx;
	r = mpc_create(&args, argc, argv, &ctx->core);
	if (r) {
		del_timer_sync(&ctx->nopath_timer);
		del_timer_sync(&ctx->io_timer);
		/* Without a reason of ours, dm core's "Unknown error" stays. */
		if (args.error)
			ti->error = (char *)args.error;
		mutex_destroy(&ctx->message_lock);
		kfree(ctx);
		return r;
	}

	ctx->bio_mode = args.bio_mode;
	if (!bio_only)
		dm_table_set_type(ti->table, ctx->bio_mode ? DM_TYPE_BIO_BASED :
							     DM_TYPE_REQUEST_BASED);
	ti->num_flush_bios = 1;
	ti->num_discard_bios = 1;
	ti->num_write_zeroes_bios = 1;
	ti->per_io_data_size = ctx->bio_mode ? sizeof(struct mpg_bio_io) :
					       sizeof(struct mpath_io);
	ti->private = ctx;
	mpc_start(ctx->core);
	return 0;
}

static int mp_ctr(struct dm_target *ti, unsigned int argc, char **argv)
{
	return mp_ctr_common(ti, argc, argv, false);
}

static int bio_mp_ctr(struct dm_target *ti, unsigned int argc, char **argv)
{
	return mp_ctr_common(ti, argc, argv, true);
}

static void mp_dtr(struct dm_target *ti)
{
	struct mpg_ctx *ctx = ti->private;

	del_timer_sync(&ctx->nopath_timer);
	del_timer_sync(&ctx->io_timer);
	mpc_flush_pg_init(ctx->core);
	flush_work(&ctx->kick_work);
	flush_work(&ctx->event_work);
	/* dm core suspended the device first: nothing may still be parked. */
	WARN_ON(!bio_list_empty(&ctx->parked_bios));
	mpc_destroy(ctx->core);
	mutex_destroy(&ctx->message_lock);
	kfree(ctx);
}

static int mp_map_bio(struct dm_target *ti, struct bio *bio)
{
	struct mpg_ctx *ctx = ti->private;
	struct mpg_bio_io *pb = bio_io(bio);

	/*
	 * Paths are addressed like dm-linear's device: sector 0 of a path is
	 * the target's first sector, which is what iterate_devices tells dm
	 * core (so it checks the path is large enough).  multipath is a
	 * singleton at sector 0: this changes nothing for it.  An empty flush
	 * carries no sector to remap (as in dm-linear).  Before the record,
	 * so that a retry keeps the remapped sector.
	 */
	if (bio_sectors(bio))
		bio->bi_iter.bi_sector = dm_target_offset(ti, bio->bi_iter.bi_sector);
	bio_record(&pb->record, bio);
	return mpc_map_bio(ctx->core, bio, &pb->io);
}

static int mp_end_io_bio(struct dm_target *ti, struct bio *bio, blk_status_t *error)
{
	struct mpg_ctx *ctx = ti->private;
	unsigned char status = (__force unsigned char)*error;
	int r = mpc_end_io_bio(ctx->core, bio, &bio_io(bio)->io, &status);

	*error = (__force blk_status_t)status;
	return r;
}

static int mp_clone_and_map_rq(struct dm_target *ti, struct request *rq,
			       union map_info *map_context, struct request **clone)
{
	struct mpg_ctx *ctx = ti->private;

	return mpc_map_rq(ctx->core, rq, map_context->ptr, clone);
}

static void mp_release_clone_rq(struct request *clone, union map_info *map_context)
{
	/*
	 * With a map_context dm-rq is still in the map method: it could not
	 * dispatch the clone (BLK_STS_RESOURCE from the path's queue, or no
	 * memory for setup_clone) and requeues the original.  Undo what
	 * mpc_map_rq() counted on the path, as mainline's
	 * multipath_release_clone() does.
	 */
	if (map_context)
		mpc_release_rq(map_context->ptr);
	blk_mq_free_request(clone);
}

static int mp_rq_end_io(struct dm_target *ti, struct request *clone,
			blk_status_t error, union map_info *map_context)
{
	struct mpg_ctx *ctx = ti->private;

	return mpc_end_io_rq(ctx->core, map_context->ptr, (__force unsigned char)error);
}

static int mp_busy(struct dm_target *ti)
{
	struct mpg_ctx *ctx = ti->private;

	return mpc_busy(ctx->core);
}

static void mp_presuspend(struct dm_target *ti)
{
	struct mpg_ctx *ctx = ti->private;

	mpc_presuspend(ctx->core);
}

static void mp_postsuspend(struct dm_target *ti)
{
	struct mpg_ctx *ctx = ti->private;

	mutex_lock(&ctx->message_lock);
	mpc_flush_pg_init(ctx->core);
	flush_work(&ctx->kick_work);
	flush_work(&ctx->event_work);
	mutex_unlock(&ctx->message_lock);
}

static void mp_resume(struct dm_target *ti)
{
	struct mpg_ctx *ctx = ti->private;

	mpc_resume(ctx->core);
}

static void mp_status(struct dm_target *ti, status_type_t type,
		      unsigned int status_flags, char *result, unsigned int maxlen)
{
	struct mpg_ctx *ctx = ti->private;
	enum mpath_status_type t;
	char version[32];

	switch (type) {
	case STATUSTYPE_INFO:
		t = MP_STATUS_INFO;
		break;
	case STATUSTYPE_TABLE:
		t = MP_STATUS_TABLE;
		break;
	default:
		t = MP_STATUS_IMA;
		break;
	}
	scnprintf(version, sizeof(version), "%u.%u.%u", ti->type->version[0],
		  ti->type->version[1], ti->type->version[2]);
	mpc_status(ctx->core, t, ti->type->name, version, result, maxlen);
}

static int mp_message(struct dm_target *ti, unsigned int argc, char **argv,
		      char *result, unsigned int maxlen)
{
	struct mpg_ctx *ctx = ti->private;
	int r;

	mutex_lock(&ctx->message_lock);
	r = dm_suspended(ti) ? -EBUSY : mpc_message(ctx->core, argc, argv, result, maxlen);
	mutex_unlock(&ctx->message_lock);
	return r;
}

static int mp_prepare_ioctl(struct dm_target *ti, struct block_device **bdev)
{
	struct mpg_ctx *ctx = ti->private;
	struct mpg_dev *dev;
	int r = mpc_ioctl_device(ctx->core, &dev);

	if (r)
		return r;
	*bdev = ((struct dm_dev *)dev)->bdev;
	/* Pass ioctls through only if the sizes match exactly. */
	return ti->len != bdev_nr_sectors(*bdev) ? 1 : 0;
}

struct iterate_args {
	struct dm_target *ti;
	iterate_devices_callout_fn fn;
	void *data;
};

static int iterate_one(struct mpg_dev *dev, void *data)
{
	struct iterate_args *a = data;

	return a->fn(a->ti, (struct dm_dev *)dev, 0, a->ti->len, a->data);
}

static int mp_iterate_devices(struct dm_target *ti, iterate_devices_callout_fn fn,
			      void *data)
{
	struct mpg_ctx *ctx = ti->private;
	struct iterate_args a = { .ti = ti, .fn = fn, .data = data };

	return mpc_iterate_devices(ctx->core, iterate_one, &a);
}

static struct target_type multipath_target = {
	.name = "multipath",
	.version = { 1, 14, 0 },
	.features = DM_TARGET_SINGLETON | DM_TARGET_IMMUTABLE |
		    DM_TARGET_PASSES_INTEGRITY,
	.module = THIS_MODULE,
	.ctr = mp_ctr,
	.dtr = mp_dtr,
	.clone_and_map_rq = mp_clone_and_map_rq,
	.release_clone_rq = mp_release_clone_rq,
	.rq_end_io = mp_rq_end_io,
	.map = mp_map_bio,
	.end_io = mp_end_io_bio,
	.presuspend = mp_presuspend,
	.postsuspend = mp_postsuspend,
	.resume = mp_resume,
	.status = mp_status,
	.message = mp_message,
	.prepare_ioctl = mp_prepare_ioctl,
	.iterate_devices = mp_iterate_devices,
	.busy = mp_busy,
};

static struct target_type bio_multipath_target = {
	.name = "bio_multipath",
	.version = { 1, 0, 0 },
	.features = DM_TARGET_PASSES_INTEGRITY,
	.module = THIS_MODULE,
	.ctr = bio_mp_ctr,
	.dtr = mp_dtr,
	.map = mp_map_bio,
	.end_io = mp_end_io_bio,
	.presuspend = mp_presuspend,
	.postsuspend = mp_postsuspend,
	.resume = mp_resume,
	.status = mp_status,
	.message = mp_message,
	.prepare_ioctl = mp_prepare_ioctl,
	.iterate_devices = mp_iterate_devices,
};

static int __init dm_mpath_cpp_init(void)
{
	int r;

	kick_wq = alloc_workqueue("kmpath_cppd", WQ_MEM_RECLAIM, 0);
	if (!kick_wq)
		return -ENOMEM;
	handler_wq = alloc_ordered_workqueue("kmpath_cpp_handlerd", WQ_MEM_RECLAIM);
	if (!handler_wq) {
		r = -ENOMEM;
		goto bad_wq;
	}

	r = dm_register_target(&multipath_target);
	if (r) {
		if (r == -EEXIST)
			DMERR("target \"multipath\" is already registered, most likely by the stock dm-multipath module: unload it first (modprobe -r dm-multipath)");
		else
			DMERR("registering target \"multipath\" failed: %d", r);
		goto bad_wq;
	}
	r = dm_register_target(&bio_multipath_target);
	if (r) {
		DMERR("registering target \"bio_multipath\" failed: %d", r);
		goto bad_mp;
	}
	DMINFO("dm-mpath-cpp: targets multipath %u.%u.%u and bio_multipath %u.%u.%u ready",
	       multipath_target.version[0], multipath_target.version[1],
	       multipath_target.version[2], bio_multipath_target.version[0],
	       bio_multipath_target.version[1], bio_multipath_target.version[2]);
	return 0;

bad_mp:
	dm_unregister_target(&multipath_target);
bad_wq:
	if (handler_wq)
		destroy_workqueue(handler_wq);
	destroy_workqueue(kick_wq);
	return r;
}

static void __exit dm_mpath_cpp_exit(void)
{
	dm_unregister_target(&bio_multipath_target);
	dm_unregister_target(&multipath_target);
	destroy_workqueue(handler_wq);
	destroy_workqueue(kick_wq);
}

module_init(dm_mpath_cpp_init);
module_exit(dm_mpath_cpp_exit);

MODULE_DESCRIPTION(DM_NAME " multipath targets with a C++ path-group core");
MODULE_AUTHOR("dm-mpath-cpp developers");
MODULE_LICENSE("GPL");
