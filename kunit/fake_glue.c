// SPDX-License-Identifier: GPL-2.0
/* Fake per-target kernel services for the core's unit tests. */
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/string.h>

#include "fake_glue.h"

const struct mpg_dev *fake_last_remap;
enum mpath_clone_result fake_clone_result;

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
	return flags;
}

void mpg_unlock(struct mpg_ctx *ctx, unsigned long flags)
	__releases(&ctx->lock)
{
	spin_unlock_irqrestore(&ctx->lock, flags);
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
	scnprintf(free_slot->name, sizeof(free_slot->name), "%u:%u", major, minor);
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

void mpg_kick_waiting_io(struct mpg_ctx *ctx)
{
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
