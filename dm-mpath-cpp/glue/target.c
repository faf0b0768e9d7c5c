// SPDX-License-Identifier: GPL-2.0
/*
 * dm-mpath-cpp: device-mapper multipath targets whose logic lives in a C++
 * core (../core/).  This file registers the targets and turns each dm
 * callback into one call of the core (mpath_seam.h).
 *
 *   multipath      request-based (blk-mq clones), or bio-based with the
 *                  feature "queue_mode bio"; a drop-in for the target of
 *                  the kernel it is built for (6.1, 6.12, 7.2: compat.h)
 *   bio_multipath  bio-based only; may appear several times in one table
 */
#include <linux/blk-mq.h>
#include <linux/blkdev.h>
#include <linux/module.h>
#include <linux/slab.h>

#include "glue.h"

static unsigned int io_timeout_msecs;
module_param(io_timeout_msecs, uint, 0644);
MODULE_PARM_DESC(io_timeout_msecs,
		 "Fail a path with an I/O outstanding longer than this, for tables without the io_timeout_msecs feature (0 = off, max 600000)");

static int mp_ctr_common(struct dm_target *ti, unsigned int argc, char **argv,
			 bool bio_only)
{
	struct mpc_create_args args = {
		.iface = MP_KERNEL_IFACE,
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
	mp_ctx_init(ctx, ti);

	args.ctx = ctx;
	r = mpc_create(&args, argc, argv, &ctx->core);
	if (r) {
		mp_ctx_stop_timers(ctx);
		/* Without a reason of ours, dm core's "Unknown error" stays. */
		if (args.error)
			ti->error = (char *)args.error;
		mp_ctx_fini(ctx);
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
	ti->per_io_data_size = ctx->bio_mode ? sizeof(struct mp_bio_io) :
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

	mp_ctx_stop_timers(ctx);
	mpc_flush_pg_init(ctx->core);
	mp_ctx_flush_work(ctx);
	/* dm core suspended the device first: nothing may still be parked. */
	WARN_ON(!bio_list_empty(&ctx->parked_bios));
	mpc_destroy(ctx->core);
	mp_ctx_fini(ctx);
	kfree(ctx);
}

static int mp_map_bio(struct dm_target *ti, struct bio *bio)
{
	struct mpg_ctx *ctx = ti->private;
	struct mp_bio_io *pb = mp_per_bio(bio);

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
	mp_record_bio(&pb->record, bio);
	return mpc_map_bio(ctx->core, bio, &pb->io);
}

static int mp_end_io_bio(struct dm_target *ti, struct bio *bio, blk_status_t *error)
{
	struct mpg_ctx *ctx = ti->private;
	unsigned char status = (__force unsigned char)*error;
	int r = mpc_end_io_bio(ctx->core, bio, &mp_per_bio(bio)->io, &status);

	*error = (__force blk_status_t)status;
	return r;
}

static int mp_clone_and_map_rq(struct dm_target *ti, struct request *rq,
			       union map_info *map_context, struct request **clone)
{
	struct mpg_ctx *ctx = ti->private;
	long io_offset = (char *)map_context->ptr - (char *)rq;

	/* Measured, not assumed: dm-rq's request layout is its own. */
	if (unlikely(READ_ONCE(ctx->rq_io_offset) != io_offset))
		WRITE_ONCE(ctx->rq_io_offset, io_offset);
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
	mp_ctx_flush_work(ctx);
	mutex_unlock(&ctx->message_lock);
	/*
	 * Nothing of this table is in flight now.  Its I/O timeout check
	 * walks the map's requests again only once it maps one, so a table
	 * replaced by the next one never walks that table's requests.
	 */
	WRITE_ONCE(ctx->rq_io_offset, 0);
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

/* Reads the first logical block of a path: its status, or an error. */
static int probe_read(struct block_device *bdev, blk_status_t *status)
{
	unsigned int size = bdev_logical_block_size(bdev);
	struct page *page;
	struct bio *bio;

	if (WARN_ON_ONCE(size > PAGE_SIZE))
		return -EINVAL;
	page = alloc_page(GFP_KERNEL);
	if (!page)
		return -ENOMEM;
	bio = bio_alloc(bdev, 1, REQ_OP_READ, GFP_KERNEL);
	if (!bio) {
		__free_page(page);
		return -ENOMEM;
	}
	bio->bi_iter.bi_sector = 0;
	__bio_add_page(bio, page, size, 0);
	submit_bio_wait(bio);
	*status = bio->bi_status;
	bio_put(bio);
	__free_page(page);
	return 0;
}

/* DM_MPATH_PROBE_PATHS: the core chooses the paths, this reads them. */
static int probe_paths(struct dm_target *ti)
{
	struct mpg_ctx *ctx = ti->private;
	bool waited = !mutex_trylock(&ctx->probe_lock);
	struct mpc_path *path;
	struct mpg_dev *dev;
	unsigned int pos = 0;
	blk_status_t status;
	int started, r = 0;

	if (waited)
		mutex_lock(&ctx->probe_lock);
	started = mpc_probe_start(ctx->core, waited, dm_suspended(ti));
	while (started && !r && !dm_suspended(ti) &&
	       (dev = mpc_probe_next(ctx->core, &pos, &path))) {
		r = probe_read(((struct dm_dev *)dev)->bdev, &status);
		if (!r && status && blk_path_error(status))
			mpc_probe_path_failed(ctx->core, path);
	}
	r = mpc_probe_end(ctx->core, started, r);
	mutex_unlock(&ctx->probe_lock);
	return r;
}

int mp_prepare_ioctl(struct dm_target *ti, struct block_device **bdev,
		     const struct mp_ioctl *ioc)
{
	struct mpg_ctx *ctx = ti->private;
	struct mpg_dev *dev;
	int r;

	/* The device-mapper commands are the target's own (7.2's interface). */
	if (ioc->forward && _IOC_TYPE(ioc->cmd) == DM_IOCTL) {
		*ioc->forward = false;
		return ioc->cmd == MP_PROBE_PATHS ? probe_paths(ti) : -ENOTTY;
	}
	r = mpc_ioctl_device(ctx->core, &dev);

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
	.version = MP_TARGET_VERSION,
	.features = DM_TARGET_SINGLETON | DM_TARGET_IMMUTABLE |
		    DM_TARGET_PASSES_INTEGRITY | MP_TARGET_ATOMIC_WRITES,
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
	.prepare_ioctl = mp_prepare_ioctl_hook,
	.iterate_devices = mp_iterate_devices,
	.busy = mp_busy,
};

static struct target_type bio_multipath_target = {
	.name = "bio_multipath",
	.version = { 1, 0, 0 },
	.features = DM_TARGET_PASSES_INTEGRITY | MP_TARGET_ATOMIC_WRITES,
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
	.prepare_ioctl = mp_prepare_ioctl_hook,
	.iterate_devices = mp_iterate_devices,
};

static int __init dm_mpath_cpp_init(void)
{
	int r;

	r = mp_workqueues_init();
	if (r)
		return r;

	r = dm_register_target(&multipath_target);
	if (r) {
		/* -EEXIST before Linux 6.12, -EBUSY since. */
		if (r == -EEXIST || r == -EBUSY)
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
	mp_workqueues_exit();
	return r;
}

static void __exit dm_mpath_cpp_exit(void)
{
	dm_unregister_target(&bio_multipath_target);
	dm_unregister_target(&multipath_target);
	mp_workqueues_exit();
}

module_init(dm_mpath_cpp_init);
module_exit(dm_mpath_cpp_exit);

MODULE_DESCRIPTION(DM_NAME " multipath targets with a C++ path-group core");
MODULE_AUTHOR("dm-mpath-cpp developers");
MODULE_LICENSE("GPL");
