// SPDX-License-Identifier: GPL-2.0
/*
 * Userspace seam for the fuzz harnesses: see user_glue.h.  Number parsing,
 * case folding and cpumask text follow the kernel's own code (vsscanf "%u%c",
 * the Latin-1 ctype table, bitmap_parse and "%*pb") so that what the core
 * accepts and prints here is what it accepts and prints in the kernel.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "user_glue.h"

int ug_verbose;
unsigned long long ug_now;
unsigned int ug_cpu;

static struct mpg_dev devs[UG_MAX_DEVS];
static unsigned int fail_nth, alloc_count;
static int constructing;
static int locks_held;	/* any ctx: sleeping services must see 0 */
struct mpg_ctx *ug_io_ctx;

void ug_bug(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "\n==== seam contract / invariant violated: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	abort();
}

static void might_sleep(const char *what)
{
	if (locks_held)
		ug_bug("%s called with the target lock held (sleeps in the kernel)", what);
}

static void assert_locked(struct mpg_ctx *ctx, const char *what)
{
	if (!ctx->locked)
		ug_bug("%s called without the target lock", what);
}

/* ---- allocation ---- */

void ug_fail_nth_alloc(unsigned int n)
{
	fail_nth = n;
	alloc_count = 0;
}

unsigned int ug_allocs_done(void)
{
	return alloc_count;
}

void ug_set_constructing(int on)
{
	constructing = on;
}

/* One allocating service call; 0 if it is to fail. */
static int alloc_ok(const char *what)
{
	might_sleep(what);
	if (!constructing)
		ug_bug("%s outside table construction (the I/O path never allocates)", what);
	alloc_count++;
	return !(fail_nth && alloc_count == fail_nth);
}

void *mpg_alloc(unsigned long size)
{
	if (!alloc_ok("mpg_alloc"))
		return NULL;
	return calloc(1, size ? size : 1);
}

void mpg_free(const void *ptr)
{
	free((void *)ptr);
}

char *mpg_strdup(const char *str)
{
	if (!alloc_ok("mpg_strdup"))
		return NULL;
	return strdup(str);
}

/*
 * Per-CPU counters: one copy per simulated CPU, the one of ug_cpu updated,
 * so an I/O ending on another CPU leaves a negative copy as in the kernel.
 */
struct mpg_counters {
	unsigned int nr;
	long val[][UG_NR_CPUS];
};

struct mpg_counters *mpg_counters_alloc(unsigned int nr)
{
	struct mpg_counters *c;

	if (!alloc_ok("mpg_counters_alloc"))
		return NULL;
	c = calloc(1, sizeof(*c) + nr * sizeof(c->val[0]));
	if (c)
		c->nr = nr;
	return c;
}

void mpg_counters_free(struct mpg_counters *counters)
{
	free(counters);
}

void mpg_counters_add(struct mpg_counters *counters, unsigned int idx, long delta)
{
	if (idx >= counters->nr)
		ug_bug("counter %u of %u", idx, counters->nr);
	counters->val[idx][mpg_this_cpu()] += delta;
}

void mpg_counters_inc2(struct mpg_counters *counters, unsigned int a, unsigned int b)
{
	if (a == b)
		ug_bug("counters_inc2 of counter %u twice", a);
	mpg_counters_add(counters, a, 1);
	mpg_counters_add(counters, b, 1);
}

long mpg_counters_fetch_inc(struct mpg_counters *counters, unsigned int idx)
{
	if (idx >= counters->nr)
		ug_bug("counter %u of %u", idx, counters->nr);
	return counters->val[idx][mpg_this_cpu()]++;
}

long mpg_counters_sum(const struct mpg_counters *counters, unsigned int idx)
{
	long sum = 0;

	if (idx >= counters->nr)
		ug_bug("counter %u of %u", idx, counters->nr);
	for (unsigned int cpu = 0; cpu < UG_NR_CPUS; cpu++)
		sum += counters->val[idx][cpu];
	return sum;
}

/* ---- text ---- */

/*
 * Every log line is formatted (so the sanitizers see its arguments used)
 * and reaches stderr only with verbose output: "mpath WHAT: TEXT".
 */
static void ug_vlog(const char *what, const char *fmt, va_list ap)
{
	char buf[512];

	vsnprintf(buf, sizeof(buf), fmt, ap);
	if (ug_verbose)
		fprintf(stderr, "mpath %s: %s\n", what, buf);
}

void mpg_log(enum mpath_log_level level, const char *fmt, ...)
{
	static const char *const levels[] = { "error", "warning", "info" };
	va_list ap;

	va_start(ap, fmt);
	ug_vlog(levels[level], fmt, ap);
	va_end(ap);
}

void mpg_selector_warn(const char *selector, int ratelimited, const char *fmt, ...)
{
	va_list ap;

	(void)ratelimited;
	va_start(ap, fmt);
	ug_vlog(selector, fmt, ap);
	va_end(ap);
}

static int vscnprintf_k(char *buf, unsigned long size, const char *fmt, va_list ap)
{
	int i = vsnprintf(buf, size, fmt, ap);

	if (i < 0)
		ug_bug("vsnprintf failed on \"%s\"", fmt);
	if ((unsigned long)i < size)
		return i;
	return size ? (int)size - 1 : 0;
}

int mpg_scnprintf(char *buf, unsigned long size, const char *fmt, ...)
{
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = vscnprintf_k(buf, size, fmt, ap);
	va_end(ap);
	return len;
}

/* The kernel's ctype (lib/ctype.c): Latin-1 letters and spaces count. */
static int k_isspace(unsigned char c)
{
	return (c >= 9 && c <= 13) || c == 32 || c == 160;
}

static int k_isdigit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static unsigned char k_tolower(unsigned char c)
{
	if ((c >= 'A' && c <= 'Z') || (c >= 192 && c <= 222 && c != 215))
		return c + 32;
	return c;
}

/* sscanf(str, "%u%c", value, &dummy) == 1, as lib/vsprintf.c does it: 0 or -EINVAL. */
int mpg_parse_uint(const char *str, unsigned int *value)
{
	const unsigned char *s = (const unsigned char *)str;
	unsigned long long v = 0;

	if (!*s)
		return -EINVAL;
	while (k_isspace(*s))
		s++;
	if (!k_isdigit(*s))
		return -EINVAL;
	while (k_isdigit(*s))
		v = v * 10 + (*s++ - '0');	/* wraps, like simple_strntoull */
	*value = (unsigned int)v;
	return *s == '\0' ? 0 : -EINVAL;
}

/* blk_path_error(): every error but these is the path's fault. */
int mpg_blk_path_error(unsigned char status)
{
	switch (status) {
	case UG_STS_NOTSUPP:
	case UG_STS_NOSPC:
	case UG_STS_TARGET:
	case UG_STS_RESV_CONFLICT:
	case UG_STS_MEDIUM:
	case UG_STS_PROTECTION:
		return 0;
	}
	return 1;
}

/* ---- time and CPUs ---- */

unsigned long long mpg_now_ns(void)
{
	return ug_now;
}

unsigned int mpg_this_cpu(void)
{
	return ug_cpu % UG_NR_CPUS;
}

unsigned int mpg_nr_cpu_ids(void)
{
	return UG_NR_CPUS;
}

int mpg_cpu_to_node(unsigned int cpu)
{
	return cpu / 3;
}

/*
 * struct cpumask of a distribution kernel (CPUMASK_OFFSTACK): nr_cpu_ids
 * bits.  Parsing is bitmap_parse(buf, UINT_MAX, bits, nr_cpu_ids).
 */
struct mpg_cpumask {
	unsigned int bits;
};

static int hex_to_bin(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = k_tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static int end_of_region(unsigned char c)
{
	return k_isspace(c) || c == ',';
}

static int bitmap_parse_k(const char *start, unsigned int *bits, unsigned int nmaskbits)
{
	const char *end = start + strcspn(start, "\n") - 1;
	int chunks = (nmaskbits + 31) / 32;	/* 1 */
	unsigned int chunk_val = 0;

	*bits = 0;
	for (int chunk = 0;; chunk++) {
		unsigned int ret = 0;
		int i, c;

		while (start <= end && end_of_region(*end))
			end--;
		if (start > end)
			break;
		if (!chunks--)
			return -EOVERFLOW;
		for (i = 0; i < 32; i += 4) {
			c = hex_to_bin(*end--);
			if (c < 0)
				return -EINVAL;
			ret |= (unsigned int)c << i;
			if (start > end || end_of_region(*end))
				goto out;
		}
		if (hex_to_bin(*end--) >= 0)
			return -EOVERFLOW;
out:
		chunk_val = ret;
		if (chunk == 0)
			*bits = chunk_val;
	}
	/* unset_bit = 32 >= nmaskbits: bits at or above nmaskbits overflow. */
	if (*bits >> nmaskbits)
		return -EOVERFLOW;
	return 0;
}

int mpg_cpumask_parse(const char *str, struct mpg_cpumask **mask)
{
	struct mpg_cpumask *m;

	if (!alloc_ok("mpg_cpumask_parse"))
		return -ENOMEM;
	m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	if (bitmap_parse_k(str, &m->bits, UG_NR_CPUS)) {
		free(m);
		return -EINVAL;
	}
	*mask = m;
	return 0;
}

void mpg_cpumask_free(struct mpg_cpumask *mask)
{
	free(mask);
}

unsigned int mpg_cpumask_next(int cpu, const struct mpg_cpumask *mask)
{
	for (unsigned int c = (unsigned int)(cpu + 1); c < UG_NR_CPUS; c++)
		if (mask->bits & (1U << c))
			return c;
	return MPG_CPU_NONE;
}

/* "%*pb " with nr_cpu_ids bits: one chunk of 6 bits, two hex digits. */
int mpg_cpumask_scnprintf(char *buf, unsigned long size, const struct mpg_cpumask *mask)
{
	return mpg_scnprintf(buf, size, "%0*x ", (UG_NR_CPUS + 3) / 4,
			     mask->bits & ((1U << UG_NR_CPUS) - 1));
}

/* ---- lock ---- */

unsigned long mpg_lock(struct mpg_ctx *ctx)
{
	if (ctx->locked)
		ug_bug("target lock taken twice (deadlock)");
	ctx->locked = 1;
	locks_held++;
	return 0x5a;
}

void mpg_unlock(struct mpg_ctx *ctx, unsigned long flags)
{
	if (!ctx->locked)
		ug_bug("target lock released but not held");
	if (flags != 0x5a)
		ug_bug("target lock released with flags it was not taken with");
	ctx->locked = 0;
	locks_held--;
}

/* ---- devices: "major:minor" like dm_get_device(), shared by name ---- */

void ug_world_reset(void)
{
	memset(devs, 0, sizeof(devs));
	ug_now = 1000000000ULL;
	ug_cpu = 0;
	fail_nth = alloc_count = 0;
	constructing = 0;
	locks_held = 0;
}

int ug_dev_refs(void)
{
	int refs = 0;

	for (int i = 0; i < UG_MAX_DEVS; i++)
		refs += devs[i].refs;
	return refs;
}

struct mpg_dev *ug_find_dev(const char *name)
{
	for (int i = 0; i < UG_MAX_DEVS; i++)
		if (devs[i].used && !strcmp(devs[i].name, name))
			return &devs[i];
	return NULL;
}

/* sscanf(name, "%u:%u%c") == 2 with the kernel's vsscanf rules. */
static int parse_devnum(const char *name, unsigned int *major, unsigned int *minor)
{
	const unsigned char *s = (const unsigned char *)name;
	unsigned long long v;

	for (int n = 0; n < 2; n++) {
		while (k_isspace(*s))
			s++;
		if (!k_isdigit(*s))
			return 0;
		for (v = 0; k_isdigit(*s); s++)
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

int mpg_get_device(struct mpg_ctx *ctx, const char *name, struct mpg_dev **dev)
{
	unsigned int major, minor;
	struct mpg_dev *d, *slot = NULL;
	char norm[24];

	(void)ctx;
	might_sleep("mpg_get_device");
	if (!parse_devnum(name, &major, &minor))
		return -ENODEV;
	if (major >= 4096 || minor >= (1U << 20))
		return -EOVERFLOW;
	if (major == 0)
		return -ENXIO;	/* no such device */
	snprintf(norm, sizeof(norm), "%u:%u", major, minor);
	d = ug_find_dev(norm);
	if (!d) {
		for (int i = 0; i < UG_MAX_DEVS && !slot; i++)
			if (!devs[i].used)
				slot = &devs[i];
		if (!slot)
			return -ENOMEM;
		d = slot;
		memset(d, 0, sizeof(*d));
		d->used = 1;
		memcpy(d->name, norm, sizeof(d->name));
		/* The major says what the device is (user_glue.h). */
		switch (major) {
		case 65:
			strcpy(d->dh_name, "alua");
			d->scsi = 1;
			break;
		case 66:
			strcpy(d->dh_name, "emc");
			d->scsi = 1;
			break;
		case 253:
		case 259:
			break;	/* dm, nvme: no SCSI handler layer */
		default:
			d->scsi = 1;
			break;
		}
	}
	d->refs++;
	*dev = d;
	return 0;
}

void mpg_put_device(struct mpg_ctx *ctx, struct mpg_dev *dev)
{
	(void)ctx;
	might_sleep("mpg_put_device");
	if (dev->refs <= 0)
		ug_bug("mpg_put_device on %s without a reference", dev->name);
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

int mpg_dev_dying(const struct mpg_dev *dev)
{
	return dev->dying;
}

/* ---- scsi_dh ---- */

char *mpg_dh_attached_name(struct mpg_dev *dev)
{
	if (!alloc_ok("mpg_dh_attached_name") || !dev->dh_name[0])
		return NULL;
	return strdup(dev->dh_name);
}

static int known_handler(const char *name)
{
	return !strcmp(name, "alua") || !strcmp(name, "emc") || !strcmp(name, "rdac") ||
	       !strcmp(name, "hp_sw");
}

int mpg_dh_attach(struct mpg_dev *dev, const char *name)
{
	might_sleep("mpg_dh_attach");
	if (!dev->scsi)
		return -ENODEV;
	if (!alloc_ok("mpg_dh_attach"))
		return -ENOMEM;
	if (dev->dh_name[0])
		return strcmp(dev->dh_name, name) ? -EBUSY : 0;
	if (!known_handler(name))
		return -EINVAL;
	snprintf(dev->dh_name, sizeof(dev->dh_name), "%s", name);
	return 0;
}

/* "<count>\0<arg>\0...": walk it as scsi_dh handlers do; alua takes 1 arg. */
int mpg_dh_set_params(struct mpg_dev *dev, const char *params)
{
	unsigned int count;
	const char *p = params;

	might_sleep("mpg_dh_set_params");
	if (mpg_parse_uint(p, &count))
		return -EINVAL;
	for (unsigned int i = 0; i < count; i++) {
		p += strlen(p) + 1;
		(void)strlen(p);	/* ASan: every counted word is there */
	}
	if (!strcmp(dev->dh_name, "alua") && count != 1)
		return -EINVAL;
	return 0;
}

/* ---- pg_init work ---- */

struct mpg_activation *mpg_activation_alloc(struct mpg_ctx *ctx, struct mpc_path *path)
{
	struct mpg_activation *act;

	if (!alloc_ok("mpg_activation_alloc") || ctx->nr_acts >= UG_MAX_ACTS)
		return NULL;
	act = calloc(1, sizeof(*act));
	if (!act)
		return NULL;
	act->ctx = ctx;
	act->path = path;
	ctx->acts[ctx->nr_acts++] = act;
	return act;
}

void mpg_activation_free(struct mpg_activation *act)
{
	if (!act)
		return;
	might_sleep("mpg_activation_free");
	if (act->completing)
		ug_bug("activation freed while its scsi_dh completion is pending");
	/* cancel_delayed_work_sync(): a queued run is dropped. */
	for (unsigned int i = 0; i < act->ctx->nr_acts; i++)
		if (act->ctx->acts[i] == act)
			act->ctx->acts[i] = NULL;
	free(act);
}

int mpg_activation_queue(struct mpg_activation *act, unsigned int delay_msecs)
{
	if (!act)
		ug_bug("mpg_activation_queue on a path without activation");
	if (act->queued)
		return 0;
	act->queued = 1;
	act->delay_msecs = delay_msecs;
	return 1;
}

unsigned int ug_queued_activations(const struct mpg_ctx *ctx)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < ctx->nr_acts; i++)
		n += ctx->acts[i] && ctx->acts[i]->queued;
	return n;
}

unsigned int ug_pending_completions(const struct mpg_ctx *ctx)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < ctx->nr_acts; i++)
		n += ctx->acts[i] ? ctx->acts[i]->completing : 0;
	return n;
}

static struct mpg_activation *nth_act(struct mpg_ctx *ctx, unsigned int which, int completing)
{
	unsigned int n = completing ? ug_pending_completions(ctx) : ug_queued_activations(ctx);

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

int ug_run_activation(struct mpg_ctx *ctx, unsigned int which)
{
	struct mpg_activation *act = nth_act(ctx, which, 0);

	if (!act)
		return 0;
	act->queued = 0;
	mpc_activate_path(ctx->core, act->path, act);
	return 1;
}

int ug_complete_activation(struct mpg_ctx *ctx, unsigned int which, int result)
{
	struct mpg_activation *act = nth_act(ctx, which, 1);

	if (!act)
		return 0;
	act->completing--;
	mpc_pg_init_done(ctx->core, act->path, result);
	return 1;
}

/* flush_workqueue(): every queued run runs (delayed ones included here). */
void mpg_activation_flush(void)
{
	/* No ctx: the harness flushes through mpg_pg_init_wait(). */
}

void mpg_dh_activate(struct mpg_activation *act, struct mpg_dev *dev)
{
	struct mpg_ctx *ctx = act->ctx;

	might_sleep("mpg_dh_activate");
	ctx->dh_activations++;
	/* A second activation while one is pending is legal: scsi_dh
	 * handlers queue the callbacks (alua_activate, rdac's list). */
	if (!dev->dh_name[0]) {
		/* No handler on the device: scsi_dh_activate() answers at once. */
		mpc_pg_init_done(ctx->core, act->path, MP_DH_NOSYS);
		return;
	}
	if (ctx->dh_result < 0) {
		act->completing++;	/* answered later by the harness */
		return;
	}
	mpc_pg_init_done(ctx->core, act->path, ctx->dh_result);
}

/*
 * wait_event(pg_init_wait, mpc_pg_init_idle()): the handler queue keeps
 * running while we wait, so run it; a wait that cannot end is a hang.
 */
void mpg_pg_init_wait(struct mpg_ctx *ctx)
{
	might_sleep("mpg_pg_init_wait");
	for (int round = 0; round < 10000 && !mpc_pg_init_idle(ctx->core); round++) {
		if (ug_run_activation(ctx, 0))
			continue;
		if (ug_complete_activation(ctx, 0, MP_DH_OK))
			continue;
		ug_bug("pg_init wait never ends: in progress but nothing queued or pending");
	}
	if (!mpc_pg_init_idle(ctx->core))
		ug_bug("pg_init wait never ends (10000 rounds)");
}

void mpg_pg_init_wake(struct mpg_ctx *ctx)
{
	(void)ctx;
}

/* ---- events, timers, kicks ---- */

void mpg_path_event(struct mpg_ctx *ctx, int failed, const struct mpg_dev *dev,
		    unsigned int nr_valid_paths)
{
	(void)failed;
	(void)dev;
	assert_locked(ctx, "mpg_path_event");
	ctx->path_events++;
	ctx->last_nr_valid = nr_valid_paths;
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
	assert_locked(ctx, "mpg_nopath_timer_arm");
	ctx->nopath_timer_armed = 1;
}

void mpg_nopath_timer_stop(struct mpg_ctx *ctx)
{
	/* del_timer_sync(): the timer function takes the target lock. */
	might_sleep("mpg_nopath_timer_stop");
	ctx->nopath_timer_armed = 0;
}

void mpg_io_check_start(struct mpg_ctx *ctx, unsigned int period_ms)
{
	if (!period_ms)
		ug_bug("mpg_io_check_start with period 0");
	ctx->io_check_period = period_ms;
}

void mpg_io_check_stop(struct mpg_ctx *ctx)
{
	might_sleep("mpg_io_check_stop");
	ctx->io_check_period = 0;
}

void mpg_kick_waiting_io(struct mpg_ctx *ctx)
{
	ctx->kick_pending = 1;
	ctx->kicks++;
}

void mpg_kick_waiting_io_lazily(struct mpg_ctx *ctx)
{
	ctx->kick_pending = 1;
	ctx->kicks++;
}

/* ---- I/O units: bios and requests are harness tokens ---- */

unsigned int mpg_bio_size(const struct bio *bio)
{
	(void)bio;
	return 4096;
}

void mpg_bio_remap(struct bio *bio, struct mpg_dev *dev)
{
	(void)bio;
	if (!dev->refs)
		ug_bug("bio remapped to %s, which the table does not hold", dev->name);
	ug_io_ctx->last_remap = dev;
}

void mpg_bio_park(struct mpg_ctx *ctx, struct bio *bio)
{
	assert_locked(ctx, "mpg_bio_park");
	if (!ctx->bio_mode)
		ug_bug("bio parked on a request-based target");
	if ((const void *)bio != ctx->cur_bio)
		ug_bug("parked a bio that is not the one being mapped or completed");
	ctx->cur_parked++;
}

void mpg_bio_restore(struct mpg_ctx *ctx, struct bio *bio)
{
	if ((const void *)bio != ctx->cur_bio)
		ug_bug("restored a bio that is not the one being completed");
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
	struct mpg_ctx *ctx = ug_io_ctx;
	enum mpath_clone_result r;

	if (ctx->bio_mode)
		ug_bug("request cloned on a bio-based target");
	if (!dev->refs)
		ug_bug("request cloned onto %s, which the table does not hold", dev->name);
	ctx->last_remap = dev;
	r = dev->dying ? MP_CLONE_DEAD : ctx->clone_result;
	if (r == MP_CLONE_OK)
		*clone = rq;
	return r;
}

/* ---- ctx ---- */

void ug_ctx_init(struct mpg_ctx *ctx, int bio_mode)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->bio_mode = bio_mode;
	ctx->clone_result = MP_CLONE_OK;
	ug_io_ctx = ctx;
}

void ug_ctx_fini(struct mpg_ctx *ctx)
{
	if (ctx->locked)
		ug_bug("target lock still held");
	for (unsigned int i = 0; i < ctx->nr_acts; i++)
		if (ctx->acts[i])
			ug_bug("activation %u not freed", i);
	ctx->nr_acts = 0;
}
