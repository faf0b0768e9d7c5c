// SPDX-License-Identifier: GPL-2.0
/*
 * Path-group state machine harness.  Input: a table (first line; a leading
 * '!' makes it a bio_multipath target), then operations of two bytes each
 * (opcode, argument): path and group messages, I/O started (map), ended
 * (success, path error, other error), released or re-dispatched, pg_init
 * work and handler answers, suspend/resume, timers, clock and CPU changes,
 * and (7.2's interface, chosen by the table's length) the steps of a
 * DM_MPATH_PROBE_PATHS probe among all of these.
 * dm core and the glue are modelled as glue/target.c and dm-rq/dm-bio use the
 * core: which I/O may be mapped when, what happens to parked, requeued and
 * pushed-back I/O.
 *
 * Checked after every step: the invariants of fz_check_invariants()
 * (usable current path, nr_valid_paths, selector counts, pg_init count),
 * the per-path in-flight accounting against the I/O the harness has in
 * flight (never negative, never stale), that every I/O is in exactly one
 * place and ends exactly once, and that mapping picks a usable path of the
 * right group.  At the end every I/O must complete once paths and queueing
 * settle, and the target must be destroyed cleanly.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"

#define MAX_IO 24
#define STATUS_MAX 65536

enum io_where {
	IO_FREE,	/* slot unused */
	IO_QUEUED,	/* with dm core, to be mapped (new, requeued) */
	IO_HELD,	/* pushed back during a noflush suspend: mapped after resume */
	IO_INFLIGHT,	/* mapped onto a path */
	IO_PARKED,	/* bio parked in the target */
	IO_DONE,
};

struct hio {
	enum io_where where;
	struct mpath_io io;
	int path;	/* snapshot index while in flight */
	unsigned int maps;
};

enum phase { RUNNING, SUSPENDING, SUSPENDED };

struct run {
	struct fz_target *t;
	struct hio ios[MAX_IO];
	enum phase phase;
	int bio;
	unsigned int done;
	int probing;		/* between mpc_probe_start() and mpc_probe_end() */
	unsigned int probe_pos;
};

static const unsigned char statuses[] = {
	UG_STS_IOERR, UG_STS_TRANSPORT, UG_STS_TIMEOUT, UG_STS_MEDIUM, UG_STS_TARGET,
	UG_STS_NOSPC, UG_STS_RESOURCE, UG_STS_OFFLINE, UG_STS_PROTECTION, UG_STS_AGAIN,
};

static const int dh_results[] = {
	MP_DH_OK, MP_DH_OK, MP_DH_DEV_TEMP_BUSY, MP_DH_RETRY, MP_DH_IMM_RETRY,
	MP_DH_RES_TEMP_UNAVAIL, MP_DH_DEV_OFFLINED, MP_DH_NOSYS, 1 /* SCSI_DH_DEV_FAILED */,
};

/* Per-path accounting must match the I/O in flight. */
static void check_accounting(struct run *r)
{
	struct insp_state st;

	insp_snapshot(r->t->core, &st);
	for (unsigned int p = 0; p < st.nr_paths; p++) {
		const struct insp_path *ip = &st.paths[p];
		int policy = st.groups[ip->group].policy;
		unsigned long n = 0, ticked = 0, ticks = 0;

		for (int i = 0; i < MAX_IO; i++) {
			if (r->ios[i].where != IO_INFLIGHT || r->ios[i].path != (int)p)
				continue;
			n++;
			/* Counted on the path in bio mode only. */
			ticked += r->bio && r->ios[i].io.sent_tick != 0;
		}
		/* Request mode's I/O timeout has no account on the path. */
		if (ip->has_bio_ticks != r->bio)
			ug_bug("path %s: bio mode %d, bio tick account %d", ip->dev->name, r->bio,
			       ip->has_bio_ticks);
		for (int s = 0; s < INSP_TICK_SLOTS; s++) {
			if ((long)ip->in_flight_by_tick[s] < 0)
				ug_bug("path %s: tick slot %d count negative", ip->dev->name, s);
			ticks += ip->in_flight_by_tick[s];
		}
		if (ticks != ticked)
			ug_bug("path %s: %lu I/Os timed by the io timeout, %lu in flight with a slot",
			       ip->dev->name, ticks, ticked);
		if ((policy == 1 || policy == 3) && ip->in_flight != n)
			ug_bug("path %s: selector counts %ld in flight, %lu are", ip->dev->name,
			       (long)ip->in_flight, n);
		if (policy == 2 && ip->in_flight_bytes != n * 4096)
			ug_bug("path %s: selector counts %ld bytes in flight, %lu are",
			       ip->dev->name, (long)ip->in_flight_bytes, n * 4096);
	}
	for (int i = 0; i < MAX_IO; i++) {
		struct hio *h = &r->ios[i];

		if (h->maps && (h->where == IO_INFLIGHT) != (h->io.path != NULL))
			ug_bug("I/O %d: path %p but state %d", i, (void *)h->io.path, h->where);
	}
	insp_free(&st);
}

static void check_all(struct run *r)
{
	fz_check_invariants(r->t);
	check_accounting(r);
}

static struct hio *new_io(struct run *r)
{
	for (int i = 0; i < MAX_IO; i++) {
		if (r->ios[i].where == IO_FREE || r->ios[i].where == IO_DONE) {
			memset(&r->ios[i], 0, sizeof(r->ios[i]));
			r->ios[i].where = IO_QUEUED;
			r->ios[i].path = -1;
			/* dm core hands the target stale per-I/O memory. */
			memset(&r->ios[i].io, 0xa5, sizeof(r->ios[i].io));
			return &r->ios[i];
		}
	}
	return NULL;
}

static struct hio *nth_io(struct run *r, enum io_where where, unsigned int which)
{
	unsigned int n = 0;

	for (int i = 0; i < MAX_IO; i++)
		n += r->ios[i].where == where;
	if (!n)
		return NULL;
	which %= n;
	for (int i = 0; i < MAX_IO; i++)
		if (r->ios[i].where == where && !which--)
			return &r->ios[i];
	return NULL;
}

static void finish(struct run *r, struct hio *h)
{
	h->where = IO_DONE;
	r->done++;
}

/* Whether group g of a snapshot has a usable path. */
static int group_usable(const struct insp_state *st, unsigned int g)
{
	for (unsigned int i = 0; i < st->groups[g].nr_paths; i++)
		if (st->paths[st->groups[g].first_path + i].active)
			return 1;
	return 0;
}

/* dm core (or the glue's kick work) maps one I/O. */
static void map_io(struct run *r, struct hio *h)
{
	struct mpg_ctx *ctx = &r->t->ctx;
	struct insp_state before, after;
	struct request *clone = NULL;
	int ret, p;

	insp_snapshot(r->t->core, &before);
	ctx->cur_bio = h;
	ctx->cur_parked = ctx->cur_restored = 0;
	ctx->last_remap = NULL;
	fake_io_ctx = ctx;
	h->maps++;
	if (r->bio) {
		ret = mpc_map_bio(r->t->core, (struct bio *)h, &h->io);
	} else {
		fake_rq_started(ctx, &h->io);
		ret = mpc_map_rq(r->t->core, (struct request *)h, &h->io, &clone);
	}
	ctx->cur_bio = NULL;
	if (ctx->locked)
		ug_bug("map returned with the lock held");
	if (ret != MP_MAPIO_REMAPPED && h->io.path)
		ug_bug("map returned %d but left a path in the per-I/O data", ret);
	if (ret != MP_MAPIO_SUBMITTED && ctx->cur_parked)
		ug_bug("map returned %d but parked the bio", ret);

	switch (ret) {
	case MP_MAPIO_REMAPPED:
		insp_snapshot(r->t->core, &after);
		p = insp_path_index(&after, h->io.path);
		if (p < 0)
			ug_bug("mapped to a path that is not in the table");
		if (ctx->last_remap != after.paths[p].dev)
			ug_bug("per-I/O path and remapped device differ");
		if (!before.paths[p].active)
			ug_bug("mapped to failed path %s", after.paths[p].dev->name);
		if (!r->bio && clone != (struct request *)h)
			ug_bug("request remapped without its clone");
		if (after.current_group != (int)after.paths[p].group)
			ug_bug("mapped to group %u, current group is %d", after.paths[p].group + 1,
			       after.current_group + 1);
		/* A new group choice prefers a pending switch_group, then an
		 * enabled group; a disabled one only if no enabled one can. */
		if (before.current_group < 0) {
			unsigned int g = after.paths[p].group;

			if (before.next_group >= 0 && group_usable(&before, before.next_group) &&
			    g != (unsigned int)before.next_group)
				ug_bug("switch_group %d pending but mapped to group %u",
				       before.next_group + 1, g + 1);
			if (before.next_group < 0 && before.groups[g].bypassed) {
				for (unsigned int o = 0; o < before.nr_groups; o++)
					if (!before.groups[o].bypassed && group_usable(&before, o))
						ug_bug("mapped to disabled group %u while group %u "
						       "is usable", g + 1, o + 1);
			}
		} else if ((before.next_group < 0 || fz_iface >= MP_IFACE_7_2) && !before.queue_io &&
			   !before.pg_init_required &&
			   after.paths[p].group != (unsigned int)before.current_group &&
			   group_usable(&before, before.current_group)) {
			/* 7.2 also before a pending switch (one a probe holds back). */
			ug_bug("left group %d that still has a usable path", before.current_group + 1);
		}
		/* queue-length: a path with the fewest I/Os in flight. */
		if (before.groups[after.paths[p].group].policy == 1) {
			const struct insp_group *ig = &before.groups[after.paths[p].group];

			for (unsigned int i = 0; i < ig->nr_paths; i++) {
				const struct insp_path *o = &before.paths[ig->first_path + i];

				if (o->active && o->in_flight < before.paths[p].in_flight)
					ug_bug("queue-length chose %s with %lu in flight over %s with %lu",
					       after.paths[p].dev->name, before.paths[p].in_flight,
					       o->dev->name, o->in_flight);
			}
		}
		if (after.queue_io && after.has_hw_handler)
			ug_bug("I/O mapped while the group waits for pg_init");
		h->where = IO_INFLIGHT;
		h->path = p;
		insp_free(&after);
		break;
	case MP_MAPIO_SUBMITTED:
		if (!r->bio)
			ug_bug("request-based map returned SUBMITTED");
		if (ctx->cur_parked != 1)
			ug_bug("bio map returned SUBMITTED but parked it %d times", ctx->cur_parked);
		h->where = IO_PARKED;
		break;
	case MP_MAPIO_REQUEUE:
		if (r->bio) {
			/* Pushed back to dm core: only during a noflush suspend. */
			if (!ctx->noflush_suspending)
				ug_bug("bio pushed back outside a noflush suspend");
			h->where = IO_HELD;
		} else {
			h->where = IO_QUEUED;	/* no tag: blk-mq retries */
		}
		break;
	case MP_MAPIO_DELAY_REQUEUE:
		if (r->bio)
			ug_bug("bio map returned DELAY_REQUEUE");
		h->where = IO_QUEUED;
		break;
	case MP_MAPIO_KILL:
		finish(r, h);
		break;
	default:
		ug_bug("map returned %d", ret);
	}
	insp_free(&before);
}

/* An in-flight I/O completes on its path with status sts. */
static void end_io(struct run *r, struct hio *h, unsigned char sts)
{
	struct mpg_ctx *ctx = &r->t->ctx;
	unsigned char out = sts;
	int ret;

	ctx->cur_bio = h;
	ctx->cur_parked = ctx->cur_restored = 0;
	fake_io_ctx = ctx;
	if (r->bio)
		ret = mpc_end_io_bio(r->t->core, (struct bio *)h, &h->io, &out);
	else
		ret = mpc_end_io_rq(r->t->core, &h->io, sts);
	ctx->cur_bio = NULL;
	if (ctx->locked)
		ug_bug("end_io returned with the lock held");
	if (h->io.path)
		ug_bug("end_io left the path in the per-I/O data");
	h->path = -1;
	if ((!sts || !mpg_blk_path_error(sts)) && (ret != MP_ENDIO_DONE || out != sts))
		ug_bug("status %u is the caller's, but end_io returned %d (status %u)", sts, ret,
		       out);
	if (ret != MP_ENDIO_INCOMPLETE && ctx->cur_parked)
		ug_bug("end_io returned %d but parked the bio", ret);
	switch (ret) {
	case MP_ENDIO_DONE:
		if (sts && !out)
			ug_bug("an error completed as success");
		finish(r, h);
		break;
	case MP_ENDIO_INCOMPLETE:
		if (!r->bio)
			ug_bug("request end_io returned INCOMPLETE");
		if (ctx->cur_parked != 1 || ctx->cur_restored != 1)
			ug_bug("bio retried but parked %d / restored %d times", ctx->cur_parked,
			       ctx->cur_restored);
		h->where = IO_PARKED;
		break;
	case MP_ENDIO_REQUEUE:
		if (r->bio) {
			if (!ctx->noflush_suspending)
				ug_bug("bio requeued to dm core outside a noflush suspend");
			h->where = IO_HELD;
		} else {
			h->where = IO_QUEUED;
		}
		break;
	case MP_ENDIO_DELAY_REQUEUE:
		if (r->bio)
			ug_bug("bio end_io returned DELAY_REQUEUE");
		h->where = IO_QUEUED;
		break;
	default:
		ug_bug("end_io returned %d", ret);
	}
}

/* The glue's kick work (bio) re-maps every parked bio. */
static void run_kick(struct run *r)
{
	struct hio *batch[MAX_IO];
	int n = 0;

	if (!r->t->ctx.kick_pending)
		return;
	r->t->ctx.kick_pending = 0;
	if (!r->bio)
		return;	/* dm-rq re-runs its requeue list: QUEUED I/O */
	for (int i = 0; i < MAX_IO; i++)
		if (r->ios[i].where == IO_PARKED)
			batch[n++] = &r->ios[i];
	for (int i = 0; i < n; i++)
		map_io(r, batch[i]);
}

static void message(struct run *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void message(struct run *r, const char *fmt, ...)
{
	char text[64];
	va_list ap;

	if (r->phase == SUSPENDED)
		return;	/* glue/target.c answers -EBUSY without asking the core */
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	fz_message(r->t, text, 256);
}

static const char *path_name(struct run *r, unsigned int which)
{
	static char name[24];
	struct insp_state st;

	insp_snapshot(r->t->core, &st);
	if (!st.nr_paths)
		snprintf(name, sizeof(name), "8:16");
	else
		snprintf(name, sizeof(name), "%s", st.paths[which % st.nr_paths].dev->name);
	insp_free(&st);
	return name;
}

static struct mpg_dev *path_dev(struct run *r, unsigned int which)
{
	return fake_find_dev(path_name(r, which));
}

static unsigned int nr_where(struct run *r, enum io_where where)
{
	unsigned int n = 0;

	for (int i = 0; i < MAX_IO; i++)
		n += r->ios[i].where == where;
	return n;
}

static void presuspend(struct run *r, int noflush)
{
	if (r->phase != RUNNING)
		return;
	r->t->ctx.noflush_suspending = noflush;
	r->phase = SUSPENDING;
	mpc_presuspend(r->t->core);
	if (r->t->ctx.locked)
		ug_bug("presuspend left the lock held");
}

/* dm waits for in-flight I/O (bios parked in the target count), then
 * postsuspend.  If the I/O does not drain here, the suspend waits on. */
static void postsuspend(struct run *r)
{
	if (r->phase != SUSPENDING)
		return;
	for (int round = 0; round < 8; round++) {
		struct hio *h;

		run_kick(r);
		while ((h = nth_io(r, IO_INFLIGHT, 0)))
			end_io(r, h, 0);
	}
	if (nr_where(r, IO_INFLIGHT) || (r->bio && nr_where(r, IO_PARKED)))
		return;
	r->t->ctx.noflush_suspending = 0;
	mpc_flush_pg_init(r->t->core);
	run_kick(r);
	r->phase = SUSPENDED;
}

static void resume(struct run *r)
{
	if (r->phase == RUNNING)
		return;
	if (r->phase == SUSPENDING) {
		/* An interrupted suspend: dm undoes it without resume. */
		r->t->ctx.noflush_suspending = 0;
		r->phase = RUNNING;
	} else {
		mpc_resume(r->t->core);
		r->phase = RUNNING;
	}
	for (int i = 0; i < MAX_IO; i++)
		if (r->ios[i].where == IO_HELD)
			r->ios[i].where = IO_QUEUED;
}

static void dispatch(struct run *r, unsigned int which)
{
	struct hio *h;

	run_kick(r);
	if (r->phase != RUNNING)
		return;	/* a stopped request queue, or dm holding new bios */
	h = nth_io(r, IO_QUEUED, which);
	if (h)
		map_io(r, h);
}

/* multipathd's reload: a new table from the map's own text, loaded while
 * the old one is suspended with noflush; held I/O goes to the new one. */
static void probe_step(struct run *r, unsigned char arg);

static void reload(struct run *r)
{
	struct fz_target *nt;
	char *table;

	if (r->phase != RUNNING || !fz_text_round_trips(r->t))
		return;
	/* The probe's ioctl holds the live table: the swap waits for it. */
	while (r->probing)
		probe_step(r, 0);
	presuspend(r, 1);
	postsuspend(r);
	if (r->phase != SUSPENDED) {
		resume(r);
		return;
	}
	table = fz_status(r->t, MP_STATUS_TABLE, STATUS_MAX);
	nt = calloc(1, sizeof(*nt));
	if (fz_create(nt, table, r->t->bio_only)) {
		if (!fz_reload_may_refuse(r->t, nt->error))
			ug_bug("reload: the map's table text is refused: \"%s\": %s", table,
			       nt->error);
		/* The load fails: the old table is resumed. */
		free(table);
		free(nt);
		fake_io_ctx = &r->t->ctx;
		mpc_resume(r->t->core);
		r->phase = RUNNING;
		for (int i = 0; i < MAX_IO; i++)
			if (r->ios[i].where == IO_HELD)
				r->ios[i].where = IO_QUEUED;
		return;
	}
	free(table);
	if (nt->ctx.bio_mode != r->bio)
		ug_bug("reload changed the queue mode");
	fz_destroy(r->t);
	free(r->t);
	r->t = nt;
	fake_io_ctx = &nt->ctx;
	mpc_resume(nt->core);
	r->phase = RUNNING;
	for (int i = 0; i < MAX_IO; i++)
		if (r->ios[i].where == IO_HELD)
			r->ios[i].where = IO_QUEUED;
}

static int count_dev(struct mpg_dev *dev, void *data)
{
	if (!dev->refs)
		ug_bug("iterate_devices on a device the table does not hold");
	++*(unsigned int *)data;
	return 0;
}

/* dev is an active path of the table. */
static int is_usable_path(struct run *r, const struct mpg_dev *dev)
{
	struct insp_state st;
	int ok = 0;

	insp_snapshot(r->t->core, &st);
	for (unsigned int p = 0; p < st.nr_paths; p++)
		ok |= st.paths[p].dev == dev && st.paths[p].active;
	insp_free(&st);
	return ok;
}

/* The probe's answer: -ENOTCONN exactly when no usable path is left. */
static void check_probe_result(struct run *r, int ret)
{
	struct insp_state st;

	insp_snapshot(r->t->core, &st);
	if (ret != (st.nr_valid_paths ? 0 : -ENOTCONN))
		ug_bug("probe answered %d with %u usable paths", ret, st.nr_valid_paths);
	insp_free(&st);
}

/*
 * One step of a probe as the glue runs it: start (arg bit 0: it waited for
 * another), then one path read per step (bit 1: a path error), then end.
 */
static void probe_step(struct run *r, unsigned char arg)
{
	struct mpc_path *path;
	struct mpg_dev *dev;

	if (fz_iface < MP_IFACE_7_2)
		return;
	if (!r->probing) {
		if (mpc_probe_start(r->t->core, arg & 1, r->phase != RUNNING)) {
			r->probing = 1;
			r->probe_pos = 0;
		} else {
			check_probe_result(r, mpc_probe_end(r->t->core, 0, 0));
		}
		return;
	}
	dev = mpc_probe_next(r->t->core, &r->probe_pos, &path);
	if (dev) {
		if (!is_usable_path(r, dev))
			ug_bug("probe handed out a path that is not usable");
		if (arg & 2)
			mpc_probe_path_failed(r->t->core, path);
		return;
	}
	r->probing = 0;
	check_probe_result(r, mpc_probe_end(r->t->core, 1, 0));
}

static void op(struct run *r, unsigned char code, unsigned char arg)
{
	struct mpg_ctx *ctx = &r->t->ctx;
	struct hio *h;
	struct mpg_dev *dev;

	/* The top opcodes drive the probe; the others keep their meaning. */
	if (code >= 252) {
		probe_step(r, arg);
		check_all(r);
		return;
	}
	switch (code % 27) {
	case 0:
		message(r, "fail_path %s", path_name(r, arg));
		break;
	case 1:
		message(r, "reinstate_path %s", path_name(r, arg));
		break;
	case 2:
		message(r, "switch_group %u", arg % 5);
		break;
	case 3:
		message(r, "enable_group %u", arg % 5);
		break;
	case 4:
		message(r, "disable_group %u", arg % 5);
		break;
	case 5:
		message(r, arg & 1 ? "queue_if_no_path" : "fail_if_no_path");
		break;
	case 6:
	case 7:
		/* New I/O from above: dm core maps it at once if it may. */
		h = new_io(r);
		if (h && r->phase == RUNNING)
			map_io(r, h);
		break;
	case 8:
	case 9:
		h = nth_io(r, IO_INFLIGHT, arg);
		if (h)
			end_io(r, h, 0);
		break;
	case 10:
		h = nth_io(r, IO_INFLIGHT, arg);
		if (h)
			end_io(r, h, statuses[(arg >> 4) % sizeof(statuses)]);
		break;
	case 11:
		/* dm-rq drops a clone it could not dispatch and requeues. */
		h = nth_io(r, IO_INFLIGHT, arg);
		if (h && !r->bio) {
			mpc_release_rq(&h->io);
			if (h->io.path)
				ug_bug("release left the path in the per-I/O data");
			h->where = IO_QUEUED;
			h->path = -1;
		}
		break;
	case 12:
		dispatch(r, arg);
		break;
	case 13:
		presuspend(r, arg & 1);
		break;
	case 14:
		postsuspend(r);
		break;
	case 15:
		resume(r);
		break;
	case 16:
		/* A pg_init work item runs; its handler answers now or later. */
		ctx->dh_result = (arg & 0x80) ? -1 : dh_results[arg % 9];
		fake_run_activation(ctx, arg >> 3);
		break;
	case 17:
		fake_complete_activation(ctx, arg >> 4, dh_results[arg % 9]);
		break;
	case 18:
		if (ctx->io_check_period) {
			ug_now += ctx->io_check_period * 1000000ULL;
			if (!mpc_io_check(r->t->core))
				ctx->io_check_period = 0;	/* the timer is not re-armed */
		}
		break;
	case 19:
		if (ctx->nopath_timer_armed) {
			ctx->nopath_timer_armed = 0;
			mpc_nopath_timeout(r->t->core);
		}
		break;
	case 20: {
		struct insp_state st;
		unsigned int n = 0;

		(void)mpc_busy(r->t->core);
		/* dm core's iterate_devices: every path once (0 goes on). */
		mpc_iterate_devices(r->t->core, count_dev, &n);
		insp_snapshot(r->t->core, &st);
		if (n != st.nr_paths)
			ug_bug("iterate_devices visited %u devices, the table has %u paths", n,
			       st.nr_paths);
		insp_free(&st);
		break;
	}
	case 21: {
		struct mpg_dev *d = NULL;

		if (!mpc_ioctl_device(r->t->core, &d) && !is_usable_path(r, d))
			ug_bug("ioctl device is not a usable path");
		break;
	}
	case 22:
		free(fz_status(r->t, arg % 3 == 0 ? MP_STATUS_INFO :
				      arg % 3 == 1 ? MP_STATUS_TABLE : MP_STATUS_IMA, STATUS_MAX));
		break;
	case 23:
		dev = path_dev(r, arg);
		if (dev) {
			if (arg & 0x40)
				dev->dying = !dev->dying;
			else
				dev->busy = !dev->busy;
		}
		if (arg & 0x80)
			ctx->clone_result = ctx->clone_result == MP_CLONE_OK ? MP_CLONE_BUSY
									  : MP_CLONE_OK;
		break;
	case 24:
		ug_now += (unsigned long long)arg * arg * 10000ULL;
		ug_cpu = arg >> 5;
		break;
	case 25:
		if (arg & 1)
			message(r, "io_timeout_msecs %u", (arg >> 1) * 5);
		else
			message(r, "stats");
		break;
	case 26:
		reload(r);
		break;
	}
	check_all(r);
}

/* One round of everything that runs by itself: pg_init work and handler
 * answers (success), completions (success), the kick work, dm core's
 * (re)dispatch.  Returns whether I/O is still outstanding. */
static int settle_round(struct run *r)
{
	struct mpg_ctx *ctx = &r->t->ctx;
	struct hio *h;

	while (fake_run_activation(ctx, 0) || fake_complete_activation(ctx, 0, MP_DH_OK))
		;
	while ((h = nth_io(r, IO_INFLIGHT, 0)))
		end_io(r, h, 0);
	run_kick(r);
	for (int i = 0; i < MAX_IO; i++) {
		h = &r->ios[i];
		if (h->where == IO_QUEUED && h->maps < 1000)
			map_io(r, h);
	}
	check_all(r);
	return nr_where(r, IO_QUEUED) || nr_where(r, IO_INFLIGHT) || nr_where(r, IO_PARKED) ||
	       nr_where(r, IO_HELD);
}

/* Paths and settings settle: every I/O must now complete. */
static void drain(struct run *r)
{
	struct mpg_ctx *ctx = &r->t->ctx;
	struct insp_state st;
	int round;

	if (r->phase == SUSPENDING)
		postsuspend(r);
	resume(r);
	ctx->dh_result = MP_DH_OK;
	ctx->clone_result = MP_CLONE_OK;
	/* Every path comes back: waiting I/O must be woken without any
	 * other change (a parked bio is re-mapped only when kicked). */
	insp_snapshot(r->t->core, &st);
	for (unsigned int p = 0; p < st.nr_paths; p++) {
		struct mpg_dev *dev = (struct mpg_dev *)st.paths[p].dev;

		dev->dying = dev->busy = 0;
		message(r, "reinstate_path %s", dev->name);
	}
	insp_free(&st);
	for (round = 0; round < 32 && settle_round(r); round++)
		;
	if (round == 32 && nr_where(r, IO_PARKED) && !ctx->kick_pending) {
		insp_snapshot(r->t->core, &st);
		if (st.nr_valid_paths && !st.pg_init_in_progress)
			ug_bug("a parked bio is never re-mapped: paths are back, no kick");
		insp_free(&st);
	}
	/* Queueing off: what still waits must fail now. */
	message(r, "fail_if_no_path");
	check_all(r);
	for (round = 0; round < 64 && settle_round(r); round++)
		;
	for (int i = 0; i < MAX_IO; i++)
		if (r->ios[i].where != IO_FREE && r->ios[i].where != IO_DONE)
			ug_bug("I/O %d never completes (state %d, mapped %u times, kick pending %d)",
			       i, r->ios[i].where, r->ios[i].maps, ctx->kick_pending);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct run *r;
	const char *nl = memchr(data, '\n', size);
	char *table;
	int bio_only = 0;
	size_t len;

	if (!nl || size > 65536)
		return 0;
	len = (size_t)(nl - (const char *)data);
	table = malloc(len + 1);
	memcpy(table, data, len);
	table[len] = '\0';
	r = calloc(1, sizeof(*r));
	r->t = calloc(1, sizeof(*r->t));
	ug_world_reset();
	if (table[0] == '!')
		bio_only = 1;
	fz_iface = (enum mpath_interface)(len % (MP_IFACE_7_2 + 1));
	if (fz_create(r->t, table + bio_only, bio_only)) {
		free(table);
		free(r->t);
		free(r);
		return 0;
	}
	r->bio = r->t->ctx.bio_mode;
	check_all(r);
	for (const uint8_t *p = (const uint8_t *)nl + 1; p + 1 < data + size; p += 2)
		op(r, p[0], p[1]);
	/* A probe still running finishes its reads (no more path errors). */
	while (r->probing)
		probe_step(r, 0);
	drain(r);
	/* Removal: dm suspends (flush) before the destructor runs. */
	presuspend(r, 0);
	postsuspend(r);
	if (r->phase != SUSPENDED)
		ug_bug("final suspend did not complete");
	fz_destroy(r->t);
	free(r->t);
	free(table);
	free(r);
	return 0;
}
