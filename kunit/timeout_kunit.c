// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the per-I/O latency timeout (not in mainline): the table
 * feature and message, the tick that fails a path with a late I/O, and the
 * stats message.  Ticks are driven by hand (mpc_io_check()).
 */
#include <kunit/test.h>
#include <linux/kernel.h>
#include <linux/string.h>

#include "fixture.h"

static void test_io_timeout_tables(struct kunit *test)
{
	struct fixture *fx;

	/* Off: nothing echoed, no check running (mainline's text). */
	fx = fx_new(test, "1 queue_if_no_path 0 1 1 round-robin 0 1 0 8:16", 0);
	KUNIT_EXPECT_STREQ(test, fx_status(fx, MP_STATUS_TABLE),
			   "1 queue_if_no_path 0 1 1 round-robin 0 1 1 8:16 1 ");
	KUNIT_EXPECT_EQ(test, fx->ctx.io_check_period, 0U);
	fx_destroy(test, fx);

	/* Echoed after mainline's words; checked every quarter timeout. */
	fx = fx_new(test, "3 io_timeout_msecs 200 queue_if_no_path 0 1 1 round-robin 0 1 0 8:16", 0);
	KUNIT_EXPECT_STREQ(test, fx_status(fx, MP_STATUS_TABLE),
			   "3 queue_if_no_path io_timeout_msecs 200 0 1 1 round-robin 0 1 1 8:16 1 ");
	KUNIT_EXPECT_STREQ(test, fx_status(fx, MP_STATUS_INFO),
			   "2 1 0 0 1 1 E 0 1 0 8:16 A 0 ");
	KUNIT_EXPECT_EQ(test, fx->ctx.io_check_period, 50U);
	/* Changed and switched off by message. */
	KUNIT_EXPECT_EQ(test, fx_message(test, fx, "io_timeout_msecs 1000"), 0);
	KUNIT_EXPECT_EQ(test, fx->ctx.io_check_period, 250U);
	KUNIT_EXPECT_EQ(test, fx_message(test, fx, "io_timeout_msecs 0"), 0);
	KUNIT_EXPECT_EQ(test, fx->ctx.io_check_period, 0U);
	KUNIT_EXPECT_EQ(test, fx_message(test, fx, "io_timeout_msecs 600001"), -EINVAL);
	KUNIT_EXPECT_EQ(test, fx_message(test, fx, "io_timeout_msecs x"), -EINVAL);
	fx_destroy(test, fx);

	/* All of mainline's features and ours: ten words. */
	fx = fx_new(test, "10 queue_if_no_path pg_init_retries 3 pg_init_delay_msecs 9 retain_attached_hw_handler queue_mode bio io_timeout_msecs 5 0 1 1 round-robin 0 1 0 8:16",
		    0);
	KUNIT_EXPECT_STREQ(test, fx_status(fx, MP_STATUS_TABLE),
			   "10 queue_if_no_path pg_init_retries 3 pg_init_delay_msecs 9 retain_attached_hw_handler queue_mode bio io_timeout_msecs 5 0 1 1 round-robin 0 1 1 8:16 1 ");
	KUNIT_EXPECT_EQ(test, fx->ctx.io_check_period, 10U);
	fx_destroy(test, fx);

	fx = kunit_kzalloc(test, sizeof(*fx), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, fx);
	KUNIT_EXPECT_EQ(test, fx_create(test, fx, "2 io_timeout_msecs 600001 0 0 0", 0), -EINVAL);
	KUNIT_EXPECT_STREQ(test, fx->error, "io_timeout_msecs must be between 0 and 600000");
	KUNIT_EXPECT_EQ(test, fx_create(test, fx, "1 io_timeout_msecs 0 0 0", 0), -EINVAL);
	KUNIT_EXPECT_STREQ(test, fx->error, "Unrecognised multipath feature request");
	/* Nine or ten words without our feature: mainline's error. */
	KUNIT_EXPECT_EQ(test, fx_create(test, fx, "10 a a a a a a a a a a 0 0 0", 0), -EINVAL);
	KUNIT_EXPECT_STREQ(test, fx->error, "invalid number of feature args");
	KUNIT_EXPECT_EQ(test, fx_create(test, fx, "11 io_timeout_msecs 1 a a a a a a a a a 0 0 0", 0),
			-EINVAL);
	KUNIT_EXPECT_STREQ(test, fx->error, "invalid number of feature args");
}

/*
 * The two ways the check finds late I/O: request mode among the started
 * requests of dm-rq's tag set, bio mode by counts on the path.
 */
struct tmo_mode {
	const char *name;
	int bio;
};

static const struct tmo_mode tmo_modes[] = {
	{ "request", 0 },
	{ "bio", 1 },
};

static void tmo_mode_desc(const struct tmo_mode *mode, char *desc)
{
	strscpy(desc, mode->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(tmo_mode, tmo_modes, tmo_mode_desc);

static int tmo_bio(struct kunit *test)
{
	return ((const struct tmo_mode *)test->param_value)->bio;
}

static struct fixture *tmo_new(struct kunit *test, const char *table)
{
	return fx_new(test, table, tmo_bio(test));
}

/* Maps one I/O in the test's mode; *dev: the path it went down. */
static int tmo_map(struct kunit *test, struct fixture *fx, struct mpath_io *io, const char **dev)
{
	int r;

	if (!tmo_bio(test))
		return fx_map_rq(fx, io, dev);
	fx->ctx.last_remap = NULL;
	r = fx_map_bio(fx, io);
	*dev = r == MP_MAPIO_REMAPPED ? mpg_dev_name(fx->ctx.last_remap) : "";
	return r;
}

static int tmo_end(struct kunit *test, struct fixture *fx, struct mpath_io *io)
{
	unsigned char sts = 0;

	if (!tmo_bio(test))
		return mpc_end_io_rq(fx->core, io, 0);
	return mpc_end_io_bio(fx->core, (struct bio *)fx, io, &sts);
}

static void test_io_timeout_fails_late_path(struct kunit *test)
{
	struct fixture *fx = tmo_new(test,
		"3 queue_if_no_path io_timeout_msecs 200 0 1 1 round-robin 0 2 0 8:16 8:32");
	struct mpath_io late, io;
	const char *late_dev, *dev;
	int tick;

	KUNIT_EXPECT_EQ(test, tmo_map(test, fx, &late, &late_dev), MP_MAPIO_REMAPPED);
	KUNIT_EXPECT_NE(test, late.sent_tick, 0UL);
	/* I/O that completes in time never trips the check. */
	for (tick = 1; tick <= 4; tick++) {
		KUNIT_EXPECT_EQ(test, tmo_map(test, fx, &io, &dev), MP_MAPIO_REMAPPED);
		KUNIT_EXPECT_TRUE(test, mpc_io_check(fx->core));
		tmo_end(test, fx, &io);
		KUNIT_EXPECT_EQ_MSG(test, fx->ctx.nr_events, 0U, "tick %d", tick);
	}
	/* Five ticks (a timeout and a tick) after it was sent: path failed. */
	KUNIT_EXPECT_TRUE(test, mpc_io_check(fx->core));
	KUNIT_ASSERT_EQ(test, fx->ctx.nr_events, 1U);
	KUNIT_EXPECT_EQ(test, fx->ctx.events[0].failed, 1);
	KUNIT_EXPECT_STREQ(test, fx->ctx.events[0].dev, late_dev);
	/* New I/O avoids it; the late I/O is not completed by us. */
	KUNIT_EXPECT_EQ(test, tmo_map(test, fx, &io, &dev), MP_MAPIO_REMAPPED);
	KUNIT_EXPECT_STRNEQ(test, dev, late_dev);
	tmo_end(test, fx, &io);
	KUNIT_EXPECT_TRUE(test, mpc_io_check(fx->core));
	KUNIT_EXPECT_EQ(test, fx->ctx.nr_events, 1U);

	/* When it finally completes, it is accounted like any other. */
	KUNIT_EXPECT_EQ(test, tmo_end(test, fx, &late), MP_ENDIO_DONE);
	/* Round-robin sent I/Os 1, 3, 5 to the late path, 2, 4, 6 to the other. */
	KUNIT_EXPECT_EQ(test, fx_message(test, fx, "stats"), 1);
	{
		char expected[128];
		const char *other = strcmp(late_dev, "8:16") ? "8:16" : "8:32";

		scnprintf(expected, sizeof(expected),
			  "%s F ios=3 errors=0 timeouts=1 fails=1 reinstates=0\n", late_dev);
		KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(fx->buf, expected), "%s", fx->buf);
		scnprintf(expected, sizeof(expected),
			  "%s A ios=3 errors=0 timeouts=0 fails=0 reinstates=0\n", other);
		KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(fx->buf, expected), "%s", fx->buf);
	}

	/* Reinstated and idle: it stays. */
	KUNIT_EXPECT_EQ(test, fx_message(test, fx, "reinstate_path 8:16"), 0);
	KUNIT_EXPECT_EQ(test, fx_message(test, fx, "reinstate_path 8:32"), 0);
	for (tick = 0; tick < 10; tick++)
		KUNIT_EXPECT_TRUE(test, mpc_io_check(fx->core));
	KUNIT_EXPECT_EQ(test, fx->ctx.nr_events, 2U);
	/* Off: the check stops. */
	KUNIT_EXPECT_EQ(test, fx_message(test, fx, "io_timeout_msecs 0"), 0);
	KUNIT_EXPECT_FALSE(test, mpc_io_check(fx->core));
	fx_destroy(test, fx);
}

/*
 * An I/O stuck below the target fails its path once.  When the path is
 * reinstated (multipathd's checker still gets answers) while that I/O is
 * still outstanding, it must not fail the path again, however many ticks
 * it stays there: only new late I/O may.
 */
static void test_io_timeout_fails_once_per_io(struct kunit *test)
{
	struct fixture *fx = tmo_new(test,
		"3 queue_if_no_path io_timeout_msecs 200 0 1 1 round-robin 0 1 0 8:16");
	struct mpath_io stuck, io;
	unsigned long stuck_tick;
	const char *dev;
	int tick;

	KUNIT_EXPECT_EQ(test, tmo_map(test, fx, &stuck, &dev), MP_MAPIO_REMAPPED);
	stuck_tick = stuck.sent_tick;
	for (tick = 1; tick <= 5 && !fx->ctx.nr_events; tick++)
		KUNIT_EXPECT_TRUE(test, mpc_io_check(fx->core));
	KUNIT_ASSERT_EQ(test, fx->ctx.nr_events, 1U);
	KUNIT_EXPECT_EQ(test, fx_message(test, fx, "reinstate_path 8:16"), 0);
	/* A whole turn of the tick ring, and more, with no new I/O. */
	for (tick = 0; tick < 8 + 8; tick++)
		KUNIT_EXPECT_TRUE(test, mpc_io_check(fx->core));
	KUNIT_EXPECT_EQ(test, fx->ctx.nr_events, 2U);
	KUNIT_EXPECT_EQ(test, fx_message(test, fx, "stats"), 1);
	KUNIT_EXPECT_STREQ(test, fx->buf,
			   "8:16 A ios=1 errors=0 timeouts=1 fails=1 reinstates=1\n");

	/* I/O that completes in time, in every slot (the stuck one's too): nothing. */
	for (tick = 0; tick < 8; tick++) {
		KUNIT_EXPECT_EQ(test, tmo_map(test, fx, &io, &dev), MP_MAPIO_REMAPPED);
		tmo_end(test, fx, &io);
		KUNIT_EXPECT_TRUE(test, mpc_io_check(fx->core));
	}
	KUNIT_EXPECT_EQ(test, fx->ctx.nr_events, 2U);
	/* A new I/O stuck in the old one's slot (32 ticks later) is not excused. */
	for (tick = 0; tick < 3; tick++)
		KUNIT_EXPECT_TRUE(test, mpc_io_check(fx->core));
	KUNIT_EXPECT_EQ(test, tmo_map(test, fx, &io, &dev), MP_MAPIO_REMAPPED);
	KUNIT_EXPECT_EQ(test, io.sent_tick, stuck_tick + 32);
	for (tick = 1; tick <= 5; tick++)
		KUNIT_EXPECT_TRUE(test, mpc_io_check(fx->core));
	KUNIT_EXPECT_EQ(test, fx->ctx.nr_events, 3U);
	KUNIT_EXPECT_EQ(test, fx_message(test, fx, "reinstate_path 8:16"), 0);

	/* The stuck I/O ends at last; a new one stuck in its slot fails the path. */
	tmo_end(test, fx, &stuck);
	tmo_end(test, fx, &io);
	for (tick = 0; tick < 8; tick++)
		KUNIT_EXPECT_TRUE(test, mpc_io_check(fx->core));
	KUNIT_EXPECT_EQ(test, tmo_map(test, fx, &stuck, &dev), MP_MAPIO_REMAPPED);
	for (tick = 1; tick <= 5; tick++)
		KUNIT_EXPECT_TRUE(test, mpc_io_check(fx->core));
	KUNIT_EXPECT_EQ(test, fx->ctx.nr_events, 5U);
	tmo_end(test, fx, &stuck);
	KUNIT_EXPECT_EQ(test, fx_message(test, fx, "stats"), 1);
	KUNIT_EXPECT_STREQ(test, fx->buf,
			   "8:16 F ios=11 errors=0 timeouts=3 fails=3 reinstates=2\n");
	fx_destroy(test, fx);
}

static void test_stats_counts_errors(struct kunit *test)
{
	struct fixture *fx = fx_new(test, "0 0 1 1 round-robin 0 1 0 8:16", 0);
	struct mpath_io io;
	const char *dev;

	KUNIT_EXPECT_EQ(test, fx_map_rq(fx, &io, &dev), MP_MAPIO_REMAPPED);
	KUNIT_EXPECT_EQ(test, io.sent_tick, 0UL);
	mpc_end_io_rq(fx->core, &io, STS_MEDIUM);
	KUNIT_EXPECT_EQ(test, fx_message(test, fx, "stats"), 1);
	KUNIT_EXPECT_STREQ(test, fx->buf, "8:16 A ios=1 errors=1 timeouts=0 fails=0 reinstates=0\n");
	fx_destroy(test, fx);
}

/*
 * Request mode: the tables of one map share its tag set, so a table's check
 * may see another table's requests (the glue walks a table's queue only
 * until its postsuspend; this is the core's own rule).  It must leave them
 * alone: neither touch the other table's paths, which may be gone, nor
 * take a late request from that table's own check.
 */
static void test_io_timeout_ignores_other_tables_requests(struct kunit *test)
{
	static const char table[] =
		"3 queue_if_no_path io_timeout_msecs 200 0 1 1 round-robin 0 1 0 8:16";
	struct fixture *old_fx = fx_new(test, table, 0);
	struct fixture *new_fx = fx_new(test, table, 0);
	struct mpath_io late;
	const char *dev;
	int tick;

	KUNIT_EXPECT_EQ(test, fx_map_rq(old_fx, &late, &dev), MP_MAPIO_REMAPPED);
	fake_rq_started(&new_fx->ctx, &late);
	for (tick = 1; tick <= 8; tick++)
		KUNIT_EXPECT_TRUE(test, mpc_io_check(new_fx->core));
	KUNIT_EXPECT_EQ(test, new_fx->ctx.nr_events, 0U);
	KUNIT_EXPECT_NE(test, late.sent_tick, 0UL);
	for (tick = 1; tick <= 5; tick++)
		KUNIT_EXPECT_TRUE(test, mpc_io_check(old_fx->core));
	KUNIT_ASSERT_EQ(test, old_fx->ctx.nr_events, 1U);
	KUNIT_EXPECT_EQ(test, old_fx->ctx.events[0].failed, 1);
	KUNIT_EXPECT_EQ(test, mpc_end_io_rq(old_fx->core, &late, 0), MP_ENDIO_DONE);
	fx_destroy(test, new_fx);
	fx_destroy(test, old_fx);
}

static struct kunit_case io_timeout_cases[] = {
	KUNIT_CASE(test_io_timeout_tables),
	KUNIT_CASE_PARAM(test_io_timeout_fails_late_path, tmo_mode_gen_params),
	KUNIT_CASE_PARAM(test_io_timeout_fails_once_per_io, tmo_mode_gen_params),
	KUNIT_CASE(test_io_timeout_ignores_other_tables_requests),
	KUNIT_CASE(test_stats_counts_errors),
	{}
};

static struct kunit_suite io_timeout_suite = {
	.name = "dm-mpath-cpp-io-timeout",
	.test_cases = io_timeout_cases,
};
kunit_test_suite(io_timeout_suite);
