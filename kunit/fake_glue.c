// SPDX-License-Identifier: GPL-2.0
/* Fake per-target kernel services for the core's unit tests. */
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "fake_glue.h"

const struct mpg_dev *fake_last_remap;
enum mpath_clone_result fake_clone_result;
char fake_dh_attached[16];
int fake_dh_attach_result;
int fake_dh_first_dev;

void fake_ctx_init(struct mpg_ctx *ctx)
{
	memset(ctx, 0, sizeof(*ctx));
	spin_lock_init(&ctx->lock);
	fake_last_remap = NULL;
	fake_clone_result = MP_CLONE_OK;
}

int fake_dev_refs(const struct mpg_ctx *ctx)
{
	int i, refs = 0;

	for (i = 0; i < FAKE_MAX_DEVS; i++)
		refs += ctx->devs[i].refs;
	return refs;
}

unsigned long mpg_lock(struct mpg_ctx *ctx)
	__acquires(&ctx->lock)
{
	unsigned long flags;

	spin_lock_irqsave(&ctx->lock, flags);
	ctx->locks++;
	ctx->lock_held = 1;
	return flags;
}

void mpg_unlock(struct mpg_ctx *ctx, unsigned long flags)
	__releases(&ctx->lock)
{
	ctx->lock_held = 0;
	spin_unlock_irqrestore(&ctx->lock, flags);
}

/* The target is used by a pg_init completion: is it still safe to? */
static void fake_pg_init_touch(struct mpg_ctx *ctx)
{
	if (ctx->in_pg_init_done && !ctx->lock_held && mpc_pg_init_idle(ctx->core))
		ctx->calls_after_idle++;
}

/* Like dm_get_device(): "major:minor" names only; same name, same device. */
int mpg_get_device(struct mpg_ctx *ctx, const char *name, struct mpg_dev **dev)
{
	unsigned int major, minor;
	struct mpg_dev *free_slot = NULL;
	char dummy;
	int i;

	if (sscanf(name, "%u:%u%c", &major, &minor, &dummy) != 2)
		return -ENODEV;
	for (i = 0; i < FAKE_MAX_DEVS; i++) {
		struct mpg_dev *d = &ctx->devs[i];

		if (d->refs && !strcmp(d->name, name)) {
			d->refs++;
			*dev = d;
			return 0;
		}
		if (!d->refs && !free_slot)
			free_slot = d;
	}
	if (!free_slot)
		return -ENOMEM;
	memset(free_slot, 0, sizeof(*free_slot));
	scnprintf(free_slot->name, sizeof(free_slot->name), "%u:%u", major, minor);
	if (free_slot - ctx->devs >= fake_dh_first_dev)
		strscpy(free_slot->dh_name, fake_dh_attached, sizeof(free_slot->dh_name));
	free_slot->refs = 1;
	*dev = free_slot;
	return 0;
}

void mpg_put_device(struct mpg_ctx *ctx, struct mpg_dev *dev)
{
	WARN_ON(dev->refs <= 0);
	dev->refs--;
}

const char *mpg_dev_name(const struct mpg_dev *dev)
{
	return dev->name;
}

int mpg_dev_busy(const struct mpg_dev *dev)
{
	return dev->busy;
}

void mpg_path_event(struct mpg_ctx *ctx, int failed, const struct mpg_dev *dev,
		    unsigned int nr_valid_paths)
{
	struct fake_event *ev;

	lockdep_assert_held(&ctx->lock);
	if (ctx->nr_events >= FAKE_MAX_EVENTS)
		return;
	ev = &ctx->events[ctx->nr_events++];
	ev->failed = failed;
	strscpy(ev->dev, dev->name, sizeof(ev->dev));
	ev->nr_valid = nr_valid_paths;
}

void mpg_table_event(struct mpg_ctx *ctx)
{
	fake_pg_init_touch(ctx);
	ctx->table_events++;
}

int mpg_noflush_suspending(struct mpg_ctx *ctx)
{
	return ctx->noflush_suspending;
}

void mpg_nopath_timer_arm(struct mpg_ctx *ctx)
{
	lockdep_assert_held(&ctx->lock);
	ctx->timer_arms++;
}

void mpg_nopath_timer_stop(struct mpg_ctx *ctx)
{
	ctx->timer_stops++;
}

void mpg_io_check_start(struct mpg_ctx *ctx, unsigned int period_ms)
{
	ctx->io_check_period = period_ms;
}

void mpg_io_check_stop(struct mpg_ctx *ctx)
{
	ctx->io_check_period = 0;
}

void mpg_kick_waiting_io_lazily(struct mpg_ctx *ctx)
{
	fake_pg_init_touch(ctx);
	ctx->kicks++;
}

void mpg_kick_waiting_io(struct mpg_ctx *ctx)
{
	fake_pg_init_touch(ctx);
	ctx->kicks++;
}

unsigned int mpg_bio_size(const struct bio *bio)
{
	return 4096;
}

void mpg_bio_remap(struct bio *bio, struct mpg_dev *dev)
{
	/* The token is not a bio: remember where it went instead. */
	fake_last_remap = dev;
}

void mpg_bio_park(struct mpg_ctx *ctx, struct bio *bio)
{
	lockdep_assert_held(&ctx->lock);
	ctx->parked++;
}

void mpg_bio_restore(struct mpg_ctx *ctx, struct bio *bio)
{
	ctx->restored++;
}

unsigned int mpg_rq_bytes(const struct request *rq)
{
	return 4096;
}

enum mpath_clone_result mpg_rq_clone(struct request *rq, struct mpg_dev *dev,
				     struct request **clone)
{
	fake_last_remap = dev;
	if (fake_clone_result == MP_CLONE_OK)
		*clone = rq;
	return fake_clone_result;
}

int mpg_dev_dying(const struct mpg_dev *dev)
{
	return dev->dying;
}

char *mpg_dh_attached_name(struct mpg_dev *dev)
{
	char *name = dev->dh_name[0] ? kstrdup(dev->dh_name, GFP_KERNEL) : NULL;

	/* The caller frees it with mpg_free(), as the real glue's kstrdup(). */
	if (name)
		atomic_inc(&fake_live_allocs);
	return name;
}

/* Like scsi_dh_attach(): the same handler again is fine, another is -EBUSY. */
int mpg_dh_attach(struct mpg_dev *dev, const char *name)
{
	if (fake_dh_attach_result)
		return fake_dh_attach_result;
	if (dev->dh_name[0] && strcmp(dev->dh_name, name))
		return -EBUSY;
	strscpy(dev->dh_name, name, sizeof(dev->dh_name));
	return 0;
}

int mpg_dh_set_params(struct mpg_dev *dev, const char *params)
{
	/* "<count>\0<arg>\0...": keep "count:arg1,arg2..." to check the layout. */
	const char *p = params;
	int count, i, len;
	char dummy;

	if (sscanf(p, "%d%c", &count, &dummy) != 1)
		return -EINVAL;
	len = scnprintf(dev->dh_params, sizeof(dev->dh_params), "%d:", count);
	for (i = 0; i < count; i++) {
		p += strlen(p) + 1;
		len += scnprintf(dev->dh_params + len, sizeof(dev->dh_params) - len, "%s%s",
				 i ? "," : "", p);
	}
	return 0;
}

struct mpg_activation *mpg_activation_alloc(struct mpg_ctx *ctx, struct mpc_path *path)
{
	struct mpg_activation *act;

	if (ctx->nr_acts >= FAKE_MAX_ACTIVATIONS)
		return NULL;
	act = kzalloc(sizeof(*act), GFP_KERNEL);
	if (!act)
		return NULL;
	act->ctx = ctx;
	act->path = path;
	ctx->acts[ctx->nr_acts++] = act;
	return act;
}

void mpg_activation_free(struct mpg_activation *act)
{
	unsigned int i;

	if (!act)
		return;
	for (i = 0; i < act->ctx->nr_acts; i++)
		if (act->ctx->acts[i] == act)
			act->ctx->acts[i] = NULL;
	kfree(act);
}

int mpg_activation_queue(struct mpg_activation *act, unsigned int delay_msecs)
{
	if (act->queued)
		return 0;
	act->queued = 1;
	act->delay_msecs = delay_msecs;
	return 1;
}

void mpg_activation_flush(void)
{
}

unsigned int fake_queued_activations(const struct mpg_ctx *ctx)
{
	unsigned int i, n = 0;

	for (i = 0; i < ctx->nr_acts; i++)
		n += ctx->acts[i] && ctx->acts[i]->queued;
	return n;
}

unsigned int fake_run_activations(struct mpg_ctx *ctx)
{
	unsigned int i, n = 0;

	for (i = 0; i < ctx->nr_acts; i++) {
		struct mpg_activation *act = ctx->acts[i];

		if (!act || !act->queued)
			continue;
		act->queued = 0;
		ctx->in_pg_init_done = 1;
		mpc_activate_path(ctx->core, act->path, act);
		ctx->in_pg_init_done = 0;
		n++;
	}
	return n;
}

/* The handler answers at once with ctx->dh_result. */
void mpg_dh_activate(struct mpg_activation *act, struct mpg_dev *dev)
{
	act->ctx->dh_activations++;
	mpc_pg_init_done(act->ctx->core, act->path, act->ctx->dh_result);
}

void mpg_pg_init_wait(struct mpg_ctx *ctx)
{
	/* Nothing runs concurrently in the tests: pg_init must be over. */
	WARN_ON(!mpc_pg_init_idle(ctx->core));
	ctx->pg_init_waits++;
}

void mpg_pg_init_wake(struct mpg_ctx *ctx)
{
	fake_pg_init_touch(ctx);
}
