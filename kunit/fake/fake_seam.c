// SPDX-License-Identifier: GPL-2.0
/* The fake per-target kernel services: see fake_seam.h. */
#include "fake_seam.h"

#ifdef __KERNEL__
atomic_t fake_breaches = ATOMIC_INIT(0);
#endif

struct mpg_ctx *fake_io_ctx;
int fake_dh_attach_result;

static struct mpg_dev devs[FAKE_MAX_DEVS];
static unsigned int nr_devs;
static char preset_dh[16];
static int preset_on;
static unsigned int preset_first;
static unsigned int fail_nth, alloc_count;
static int constructing;
static int locks_held;	/* any target: sleeping services must see 0 */

/* ---- contract ---- */

void fake_might_sleep(const char *what)
{
	if (locks_held)
		fake_breach("%s called with the target lock held (sleeps in the kernel)", what);
}

static void assert_locked(struct mpg_ctx *ctx, const char *what)
{
	if (!ctx->locked)
		fake_breach("%s called without the target lock", what);
}

void fake_fail_nth_alloc(unsigned int n)
{
	fail_nth = n;
	alloc_count = 0;
}

unsigned int fake_allocs_done(void)
{
	return alloc_count;
}

void fake_set_constructing(int on)
{
	constructing = on;
}

int fake_alloc_ok(const char *what)
{
	fake_might_sleep(what);
	if (!constructing)
		fake_breach("%s outside table construction (the I/O path never allocates)", what);
	alloc_count++;
	return !(fail_nth && alloc_count == fail_nth);
}

/* The target is used by a pg_init completion: is it still safe to? */
static void pg_init_touch(struct mpg_ctx *ctx)
{
	if (ctx->in_pg_init_done && !ctx->locked && mpc_pg_init_idle(ctx->core))
		ctx->calls_after_idle++;
}

/* ---- lock ---- */

unsigned long mpg_lock(struct mpg_ctx *ctx)
{
	unsigned long flags;

	if (ctx->locked)
		fake_breach("target lock taken twice (deadlock)");
	fake_spin_lock(&ctx->lock, flags);
	ctx->locked = 1;
	ctx->locks++;
	locks_held++;
	return flags;
}

void mpg_unlock(struct mpg_ctx *ctx, unsigned long flags)
{
	if (!ctx->locked)
		fake_breach("target lock released but not held");
	ctx->locked = 0;
	locks_held--;
	fake_spin_unlock(&ctx->lock, flags);
}

/* ---- the world's devices ---- */

/* The kernel the fake behaves like, where kernels differ. */
static enum mpath_interface world_iface;

void fake_set_kernel(enum mpath_interface iface)
{
	world_iface = iface;
}

enum mpath_interface fake_kernel(void)
{
	return world_iface;
}

void fake_world_reset(void)
{
	world_iface = MP_IFACE_6_1;
	memset(devs, 0, sizeof(devs));
	nr_devs = 0;
	fail_nth = alloc_count = 0;
	constructing = 0;
	locks_held = 0;
}

struct mpg_dev *fake_dev(unsigned int slot)
{
	return slot < nr_devs ? &devs[slot] : NULL;
}

struct mpg_dev *fake_find_dev(const char *name)
{
	for (unsigned int i = 0; i < nr_devs; i++)
		if (!strcmp(devs[i].name, name))
			return &devs[i];
	return NULL;
}

int fake_world_refs(void)
{
	int refs = 0;

	for (unsigned int i = 0; i < nr_devs; i++)
		refs += devs[i].refs;
	return refs;
}

void fake_dh_preset(const char *name, unsigned int first_slot)
{
	preset_on = name != NULL;
	fake_snprintf(preset_dh, sizeof(preset_dh), "%s", name ? name : "");
	preset_first = first_slot;
}

static int is_space(unsigned char c)
{
	return (c >= 9 && c <= 13) || c == 32 || c == 160; /* lib/ctype.c */
}

static int is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

/* sscanf(name, "%u:%u%c") == 2 with the kernel's vsscanf rules. */
static int parse_devnum(const char *name, unsigned int *major, unsigned int *minor)
{
	const unsigned char *s = (const unsigned char *)name;
	unsigned long long v;

	for (int n = 0; n < 2; n++) {
		while (is_space(*s))
			s++;
		if (!is_digit(*s))
			return 0;
		for (v = 0; is_digit(*s); s++)
			v = v * 10 + (*s - '0');
		if (n == 0) {
			*major = (unsigned int)v;
			if (*s++ != ':')
				return 0;
		} else {
			*minor = (unsigned int)v;
		}
	}
	return *s == '\0';
}

static void new_device(struct mpg_dev *d, const char *name, unsigned int major)
{
	memset(d, 0, sizeof(*d));
	d->used = 1;
	fake_snprintf(d->name, sizeof(d->name), "%s", name);
	d->scsi = major != 253 && major != 259;	/* dm, nvme: no SCSI handler layer */
	if (preset_on) {
		if ((unsigned int)(d - devs) >= preset_first)
			fake_snprintf(d->dh_name, sizeof(d->dh_name), "%s", preset_dh);
	} else if (major == 65) {
		fake_snprintf(d->dh_name, sizeof(d->dh_name), "alua");
	} else if (major == 66) {
		fake_snprintf(d->dh_name, sizeof(d->dh_name), "emc");
	}
}

/* Like dm_get_device(): "major:minor" names only; same name, same device. */
int mpg_get_device(struct mpg_ctx *ctx, const char *name, struct mpg_dev **dev)
{
	unsigned int major, minor;
	struct mpg_dev *d;
	char norm[24];

	fake_might_sleep("mpg_get_device");
	if (!parse_devnum(name, &major, &minor))
		return -ENODEV;
	if (major >= 4096 || minor >= (1U << 20))
		return -EOVERFLOW;
	if (major == 0)
		return -ENXIO;	/* no such device */
	fake_snprintf(norm, sizeof(norm), "%u:%u", major, minor);
	d = fake_find_dev(norm);
	if (!d) {
		if (nr_devs == FAKE_MAX_DEVS)
			return -ENOMEM;
		d = &devs[nr_devs++];
		new_device(d, norm, major);
	}
	d->refs++;
	ctx->dev_refs++;
	*dev = d;
	return 0;
}

void mpg_put_device(struct mpg_ctx *ctx, struct mpg_dev *dev)
{
	fake_might_sleep("mpg_put_device");
	if (dev->refs <= 0 || ctx->dev_refs <= 0)
		fake_breach("mpg_put_device on %s without a reference", dev->name);
	dev->refs--;
	ctx->dev_refs--;
}

const char *mpg_dev_name(const struct mpg_dev *dev)
{
	return dev->name;
}

/*
 * Like dm_devt_from_path(): "major:minor" (-EOVERFLOW past dev_t), and no
 * block device paths here (lookup_bdev()'s -ENOENT).  Opens nothing.
 */
int mpg_devt_from_path(const char *path, unsigned int *devt)
{
	unsigned int major, minor;

	fake_might_sleep("mpg_devt_from_path");
	if (!parse_devnum(path, &major, &minor))
		return -ENOENT;
	if (major >= 4096 || minor >= (1U << 20))
		return -EOVERFLOW;
	*devt = major << 20 | minor;
	return 0;
}

unsigned int mpg_dev_devt(const struct mpg_dev *dev)
{
	unsigned int major, minor;

	if (!parse_devnum(dev->name, &major, &minor))
		fake_breach("device %s has no number", dev->name);
	return major << 20 | minor;
}

int mpg_dev_busy(const struct mpg_dev *dev)
{
	return dev->busy;
}

/* ---- scsi_dh ---- */

/* Before 7.2 scsi_dh answers NULL for a non-SCSI device and for no memory. */
int mpg_dh_attached_name(struct mpg_dev *dev, char **name)
{
	int errors = world_iface >= MP_IFACE_7_2;

	*name = NULL;
	if (!dev->scsi)
		return errors ? -ENODEV : 0;
	if (!fake_alloc_ok("mpg_dh_attached_name"))
		return errors ? -ENOMEM : 0;
	if (!dev->dh_name[0])
		return 0;
	/* The core frees it with mpg_free(), as the glue's kstrdup(). */
	*name = fake_strdup(dev->dh_name);
	fake_count_alloc(*name, 1);
	return 0;
}

static int known_handler(const char *name)
{
	return !strcmp(name, "alua") || !strcmp(name, "emc") || !strcmp(name, "rdac") ||
	       !strcmp(name, "hp_sw");
}

/* Like scsi_dh_attach(): the same handler again is fine, another is -EBUSY. */
int mpg_dh_attach(struct mpg_dev *dev, const char *name)
{
	fake_might_sleep("mpg_dh_attach");
	if (fake_dh_attach_result)
		return fake_dh_attach_result;
	if (!dev->scsi)
		return -ENODEV;
	if (!fake_alloc_ok("mpg_dh_attach"))
		return -ENOMEM;
	if (dev->dh_name[0])
		return strcmp(dev->dh_name, name) ? -EBUSY : 0;
	if (!known_handler(name))
		return -EINVAL;
	fake_snprintf(dev->dh_name, sizeof(dev->dh_name), "%s", name);
	return 0;
}

/*
 * "<count>\0<arg>\0...": walked as scsi_dh handlers do, and kept as
 * "count:arg,arg" for the tests; scsi_dh_alua takes exactly one argument.
 */
int mpg_dh_set_params(struct mpg_dev *dev, const char *params)
{
	const char *p = params;
	char *kept = dev->dh_params;
	unsigned int count;

	fake_might_sleep("mpg_dh_set_params");
	if (mpg_parse_uint(p, &count))
		return -EINVAL;
	fake_snprintf(kept, sizeof(dev->dh_params), "%u:", count);
	for (unsigned int i = 0; i < count; i++) {
		size_t len = strlen(kept);

		p += strlen(p) + 1;
		fake_snprintf(kept + len, sizeof(dev->dh_params) - len, "%s%s", i ? "," : "", p);
	}
	if (!strcmp(dev->dh_name, "alua") && count != 1)
		return -EINVAL;
	return 0;
}

/* ---- pg_init work ---- */

struct mpg_activation *mpg_activation_alloc(struct mpg_ctx *ctx, struct mpc_path *path,
					    struct mpg_dev *dev)
{
	struct mpg_activation *act;

	if (!fake_alloc_ok("mpg_activation_alloc") || ctx->nr_acts >= FAKE_MAX_ACTS)
		return NULL;
	act = fake_zalloc(sizeof(*act));
	if (!act)
		return NULL;
	act->ctx = ctx;
	act->path = path;
	act->dev = dev;
	ctx->acts[ctx->nr_acts++] = act;
	return act;
}

void mpg_activation_free(struct mpg_activation *act)
{
	if (!act)
		return;
	fake_might_sleep("mpg_activation_free");
	if (act->completing)
		fake_breach("activation freed while its scsi_dh completion is pending");
	/* cancel_delayed_work_sync(): a queued run is dropped. */
	for (unsigned int i = 0; i < act->ctx->nr_acts; i++)
		if (act->ctx->acts[i] == act)
			act->ctx->acts[i] = NULL;
	fake_free(act);
}

int mpg_activation_queue(struct mpg_activation *act, unsigned int delay_msecs)
{
	if (!act) {
		fake_breach("mpg_activation_queue on a path without activation");
		return 0;
	}
	if (act->queued)
		return 0;
	act->queued = 1;
	act->delay_msecs = delay_msecs;
	return 1;
}

/* flush_workqueue(): the tests flush through mpg_pg_init_wait(). */
void mpg_activation_flush(void)
{
}

unsigned int fake_queued_activations(const struct mpg_ctx *ctx)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < ctx->nr_acts; i++)
		n += ctx->acts[i] && ctx->acts[i]->queued;
	return n;
}

unsigned int fake_pending_completions(const struct mpg_ctx *ctx)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < ctx->nr_acts; i++)
		n += ctx->acts[i] ? ctx->acts[i]->completing : 0;
	return n;
}

static struct mpg_activation *nth_act(struct mpg_ctx *ctx, unsigned int which, int completing)
{
	unsigned int n = completing ? fake_pending_completions(ctx) : fake_queued_activations(ctx);

	if (!n)
		return NULL;
	which %= n;
	for (unsigned int i = 0; i < ctx->nr_acts; i++) {
		struct mpg_activation *a = ctx->acts[i];
		unsigned int units;

		if (!a)
			continue;
		units = completing ? (unsigned int)a->completing : (unsigned int)a->queued;
		if (which < units)
			return a;
		which -= units;
	}
	return NULL;
}

static void pg_init_done(struct mpg_ctx *ctx, struct mpg_activation *act, int result)
{
	int nested = ctx->in_pg_init_done;

	ctx->in_pg_init_done = 1;
	mpc_pg_init_done(ctx->core, act->path, result);
	ctx->in_pg_init_done = nested;
}

/* scsi_dh_activate() as the glue's work calls it. */
static void dh_activate(struct mpg_activation *act)
{
	struct mpg_ctx *ctx = act->ctx;
	struct mpg_dev *dev = act->dev;

	fake_might_sleep("scsi_dh_activate");
	ctx->dh_activations++;
	/*
	 * A second activation while one is pending is legal: scsi_dh
	 * handlers queue the callbacks (alua_activate, rdac's list).
	 */
	if (!dev->dh_name[0]) {
		/* No handler on the device: scsi_dh_activate() answers at once. */
		pg_init_done(ctx, act, MP_DH_NOSYS);
		return;
	}
	if (ctx->dh_result < 0) {
		act->completing++;	/* answered later by the test */
		return;
	}
	pg_init_done(ctx, act, ctx->dh_result);
}

/* The glue's activation work, as glue/target_services.c runs it. */
static void run_activation(struct mpg_ctx *ctx, struct mpg_activation *act)
{
	act->queued = 0;
	ctx->in_pg_init_done = 1;
	if (mpc_activate_path(ctx->core, act->path, act->dev->dying))
		dh_activate(act);
	ctx->in_pg_init_done = 0;
}

int fake_run_activation(struct mpg_ctx *ctx, unsigned int which)
{
	struct mpg_activation *act = nth_act(ctx, which, 0);

	if (!act)
		return 0;
	run_activation(ctx, act);
	return 1;
}

unsigned int fake_run_activations(struct mpg_ctx *ctx)
{
	unsigned int n = 0;

	/* Each queued one once, in order; one that queues itself again waits. */
	for (unsigned int i = 0; i < ctx->nr_acts; i++) {
		struct mpg_activation *act = ctx->acts[i];

		if (!act || !act->queued)
			continue;
		run_activation(ctx, act);
		n++;
	}
	return n;
}

int fake_complete_activation(struct mpg_ctx *ctx, unsigned int which, int result)
{
	struct mpg_activation *act = nth_act(ctx, which, 1);

	if (!act)
		return 0;
	act->completing--;
	pg_init_done(ctx, act, result);
	return 1;
}

/*
 * wait_event(pg_init_wait, mpc_pg_init_idle()): the handler queue keeps
 * running while we wait, so run it; a wait that cannot end is a hang.
 */
void mpg_pg_init_wait(struct mpg_ctx *ctx)
{
	fake_might_sleep("mpg_pg_init_wait");
	ctx->pg_init_waits++;
	for (int round = 0; round < 10000 && !mpc_pg_init_idle(ctx->core); round++) {
		if (fake_run_activation(ctx, 0))
			continue;
		if (fake_complete_activation(ctx, 0, MP_DH_OK))
			continue;
		fake_breach("pg_init wait never ends: in progress but nothing queued or pending");
		return;
	}
	if (!mpc_pg_init_idle(ctx->core))
		fake_breach("pg_init wait never ends (10000 rounds)");
}

void mpg_pg_init_wake(struct mpg_ctx *ctx)
{
	pg_init_touch(ctx);
}

/* ---- events, timers, kicks ---- */

void mpg_path_event(struct mpg_ctx *ctx, int failed, const struct mpg_dev *dev,
		    unsigned int nr_valid_paths)
{
	assert_locked(ctx, "mpg_path_event");
	if (ctx->nr_events < FAKE_MAX_EVENTS) {
		struct fake_event *ev = &ctx->events[ctx->nr_events++];

		ev->failed = failed;
		fake_snprintf(ev->dev, sizeof(ev->dev), "%s", dev->name);
		ev->nr_valid = nr_valid_paths;
	}
	ctx->path_events++;
	ctx->last_nr_valid = nr_valid_paths;
}

void mpg_table_event(struct mpg_ctx *ctx)
{
	pg_init_touch(ctx);
	ctx->table_events++;
}

int mpg_noflush_suspending(struct mpg_ctx *ctx)
{
	return ctx->noflush_suspending;
}

void mpg_nopath_timer_arm(struct mpg_ctx *ctx)
{
	assert_locked(ctx, "mpg_nopath_timer_arm");
	ctx->timer_arms++;
	ctx->nopath_timer_armed = 1;
}

void mpg_nopath_timer_stop(struct mpg_ctx *ctx)
{
	/* del_timer_sync(): the timer function takes the target lock. */
	fake_might_sleep("mpg_nopath_timer_stop");
	ctx->timer_stops++;
	ctx->nopath_timer_armed = 0;
}

void mpg_io_check_start(struct mpg_ctx *ctx, unsigned int period_ms)
{
	if (!period_ms)
		fake_breach("mpg_io_check_start with period 0");
	ctx->io_check_period = period_ms;
}

void mpg_io_check_stop(struct mpg_ctx *ctx)
{
	fake_might_sleep("mpg_io_check_stop");
	ctx->io_check_period = 0;
}

void fake_rq_started(struct mpg_ctx *ctx, struct mpath_io *io)
{
	unsigned int i;

	for (i = 0; i < ctx->nr_started; i++)
		if (ctx->started[i] == io)
			return;
	if (ctx->nr_started == FAKE_MAX_STARTED)
		fake_breach("more than %d requests started", FAKE_MAX_STARTED);
	else
		ctx->started[ctx->nr_started++] = io;
}

void mpg_rq_walk_started(struct mpg_ctx *ctx, mpg_started_io_fn *fn, void *data)
{
	unsigned int i;

	if (ctx->locked)
		fake_breach("the started requests walked with the target lock held");
	if (ctx->bio_mode)
		return;
	for (i = 0; i < ctx->nr_started; i++)
		fn(ctx->started[i], data);
}

void mpg_kick_waiting_io(struct mpg_ctx *ctx)
{
	pg_init_touch(ctx);
	ctx->kick_pending = 1;
	ctx->kicks++;
}

void mpg_kick_waiting_io_lazily(struct mpg_ctx *ctx)
{
	mpg_kick_waiting_io(ctx);
}

/* ---- I/O units: bios and requests are tokens ---- */

unsigned int mpg_bio_size(const struct bio *bio)
{
	(void)bio;
	return 4096;
}

void mpg_bio_remap(struct bio *bio, struct mpg_dev *dev)
{
	(void)bio;
	if (!dev->refs)
		fake_breach("bio remapped to %s, which the table does not hold", dev->name);
	fake_io_ctx->last_remap = dev;
}

void mpg_bio_park(struct mpg_ctx *ctx, struct bio *bio)
{
	assert_locked(ctx, "mpg_bio_park");
	if (!ctx->bio_mode)
		fake_breach("bio parked on a request-based target");
	if (ctx->cur_bio && (const void *)bio != ctx->cur_bio)
		fake_breach("parked a bio that is not the one being mapped or completed");
	ctx->parked++;
	ctx->cur_parked++;
}

void mpg_bio_restore(struct mpg_ctx *ctx, struct bio *bio)
{
	if (ctx->cur_bio && (const void *)bio != ctx->cur_bio)
		fake_breach("restored a bio that is not the one being completed");
	ctx->restored++;
	ctx->cur_restored++;
}

unsigned int mpg_rq_bytes(const struct request *rq)
{
	(void)rq;
	return 4096;
}

enum mpath_clone_result mpg_rq_clone(struct request *rq, struct mpg_dev *dev,
				     struct request **clone)
{
	struct mpg_ctx *ctx = fake_io_ctx;
	enum mpath_clone_result r;

	if (ctx->bio_mode)
		fake_breach("request cloned on a bio-based target");
	if (!dev->refs)
		fake_breach("request cloned onto %s, which the table does not hold", dev->name);
	ctx->last_remap = dev;
	r = dev->dying ? MP_CLONE_DEAD : ctx->clone_result;
	if (r == MP_CLONE_OK)
		*clone = rq;
	return r;
}

/* ---- one target ---- */

void fake_ctx_init(struct mpg_ctx *ctx, int bio_mode)
{
	memset(ctx, 0, sizeof(*ctx));
	fake_spin_init(&ctx->lock);
	ctx->bio_mode = bio_mode;
	ctx->clone_result = MP_CLONE_OK;
	fake_io_ctx = ctx;
}

int fake_dev_refs(const struct mpg_ctx *ctx)
{
	return ctx->dev_refs;
}

void fake_ctx_fini(struct mpg_ctx *ctx)
{
	if (ctx->locked)
		fake_breach("target lock still held");
	for (unsigned int i = 0; i < ctx->nr_acts; i++)
		if (ctx->acts[i])
			fake_breach("activation %u not freed", i);
	ctx->nr_acts = 0;
	if (fake_io_ctx == ctx)
		fake_io_ctx = NULL;
}
