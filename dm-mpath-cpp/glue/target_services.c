// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel services the core calls (the mpg_* half of mpath_seam.h) that
 * belong to one target: its lock, path devices, hardware handler, events,
 * timers, the work that re-maps parked bios, and the I/O units' kernel side.
 * The target-independent services are in kernel_services.c.
 */
#include <linux/blk-mq.h>
#include <linux/blkdev.h>
#include <linux/delay.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <scsi/scsi_dh.h>

#include "glue.h"

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

static unsigned long queue_if_no_path_timeout_secs;
module_param(queue_if_no_path_timeout_secs, ulong, 0644);
MODULE_PARM_DESC(queue_if_no_path_timeout_secs, "No available paths queue IO timeout in seconds");

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

int mpg_devt_from_path(const char *path, unsigned int *devt)
{
	dev_t d;
	int r = mp_devt_from_path(path, &d);

	if (!r)
		*devt = d;
	return r;
}

unsigned int mpg_dev_devt(const struct mpg_dev *dev)
{
	return ((const struct dm_dev *)dev)->bdev->bd_dev;
}

static struct request_queue *dev_queue(const struct mpg_dev *dev)
{
	return bdev_get_queue(((const struct dm_dev *)dev)->bdev);
}

int mpg_dev_busy(const struct mpg_dev *dev)
{
	return blk_lld_busy(dev_queue(dev));
}

int mpg_dh_attached_name(struct mpg_dev *dev, char **name)
{
	/* Before 7.2: NULL also for a non-SCSI device or no memory. */
	const char *n = scsi_dh_attached_handler_name(dev_queue(dev), GFP_KERNEL);

	if (IS_ERR(n))
		return PTR_ERR(n);
	*name = (char *)n;
	return 0;
}

int mpg_dh_attach(struct mpg_dev *dev, const char *name)
{
	int r = scsi_dh_attach(dev_queue(dev), name);

	/* 7.2's target adopts an attached handler before it gets here. */
	if (r == -EBUSY && MP_KERNEL_IFACE < MP_IFACE_7_2)
		DMINFO("retaining handler on device %pg", ((struct dm_dev *)dev)->bdev);
	return r;
}

int mpg_dh_set_params(struct mpg_dev *dev, const char *params)
{
	return scsi_dh_set_params(dev_queue(dev), params);
}

static void activation_done(void *data, int result)
{
	struct mpg_activation *act = data;

	mpc_pg_init_done(act->ctx->core, act->path, result);
}

static void activation_work_fn(struct work_struct *work)
{
	struct mpg_activation *act = container_of(to_delayed_work(work),
						  struct mpg_activation, work);
	struct request_queue *q = dev_queue(act->dev);

	if (mpc_activate_path(act->ctx->core, act->path, blk_queue_dying(q)))
		scsi_dh_activate(q, activation_done, act);
}

struct mpg_activation *mpg_activation_alloc(struct mpg_ctx *ctx, struct mpc_path *path,
					    struct mpg_dev *dev)
{
	struct mpg_activation *act = kzalloc(sizeof(*act), GFP_KERNEL);

	if (act) {
		INIT_DELAYED_WORK(&act->work, activation_work_fn);
		act->ctx = ctx;
		act->path = path;
		act->dev = dev;
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
	timer_delete_sync(&ctx->nopath_timer);
}

static void nopath_timer_fn(struct timer_list *t)
{
	struct mpg_ctx *ctx = container_of(t, struct mpg_ctx, nopath_timer);

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
	timer_delete_sync(&ctx->io_timer);
}

struct mp_started_walk {
	struct request_queue *q;
	long io_offset;
	mpg_started_io_fn *fn;
	void *data;
};

static bool mp_started_rq(struct request *rq, void *priv)
{
	struct mp_started_walk *walk = priv;

	/*
	 * The iterator holds a reference, so rq is not freed meanwhile; it
	 * may complete, or be mapped again after a requeue (the core allows
	 * for both).
	 */
	if (rq->q == walk->q)
		walk->fn((struct mpath_io *)((char *)rq + walk->io_offset), walk->data);
	return true;
}

void mpg_rq_walk_started(struct mpg_ctx *ctx, mpg_started_io_fn *fn, void *data)
{
	struct mp_started_walk walk = {
		.io_offset = READ_ONCE(ctx->rq_io_offset),
		.fn = fn,
		.data = data,
	};
	struct blk_mq_tag_set *set;

	if (ctx->bio_mode || !walk.io_offset)
		return;
	walk.q = dm_disk(dm_table_get_md(ctx->ti->table))->queue;
	/* dm-rq sets it up at the map's first table load. */
	set = READ_ONCE(walk.q->tag_set);
	if (set)
		blk_mq_tagset_busy_iter(set, mp_started_rq, &walk);
}

static void io_timer_fn(struct timer_list *t)
{
	struct mpg_ctx *ctx = container_of(t, struct mpg_ctx, io_timer);

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
	struct mp_bio_record *rec = &mp_per_bio(bio)->record;

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
		struct mp_bio_io *pb = mp_per_bio(bio);

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


/* ---- per-target objects and the module's workqueues ---- */

void mp_ctx_init(struct mpg_ctx *ctx, struct dm_target *ti)
{
	ctx->ti = ti;
	spin_lock_init(&ctx->lock);
	bio_list_init(&ctx->parked_bios);
	INIT_WORK(&ctx->kick_work, kick_work_fn);
	INIT_WORK(&ctx->event_work, event_work_fn);
	mutex_init(&ctx->message_lock);
	mutex_init(&ctx->probe_lock);
	timer_setup(&ctx->nopath_timer, nopath_timer_fn, 0);
	timer_setup(&ctx->io_timer, io_timer_fn, 0);
	init_waitqueue_head(&ctx->pg_init_wait);
}

void mp_ctx_fini(struct mpg_ctx *ctx)
{
	mutex_destroy(&ctx->probe_lock);
	mutex_destroy(&ctx->message_lock);
}

void mp_ctx_stop_timers(struct mpg_ctx *ctx)
{
	timer_delete_sync(&ctx->nopath_timer);
	timer_delete_sync(&ctx->io_timer);
}

void mp_ctx_flush_work(struct mpg_ctx *ctx)
{
	flush_work(&ctx->kick_work);
	flush_work(&ctx->event_work);
}

int mp_workqueues_init(void)
{
	kick_wq = alloc_workqueue("kmpath_cppd", WQ_MEM_RECLAIM | MP_WQ_PERCPU, 0);
	if (!kick_wq)
		return -ENOMEM;
	handler_wq = alloc_ordered_workqueue("kmpath_cpp_handlerd", WQ_MEM_RECLAIM);
	if (!handler_wq) {
		destroy_workqueue(kick_wq);
		return -ENOMEM;
	}
	return 0;
}

void mp_workqueues_exit(void)
{
	destroy_workqueue(handler_wq);
	destroy_workqueue(kick_wq);
}
