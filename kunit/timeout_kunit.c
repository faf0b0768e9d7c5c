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

static void test_io_timeout_fails_late_path(struct kunit *test)
{
	struct fixture *fx = fx_new(test,
		"3 queue_if_no_path io_timeout_msecs 200 0 1 1 round-robin 0 2 0 8:16 8:32", 0);
	struct mpath_io late, io;
	const char *late_dev, *dev;
	int tick;

	KUNIT_EXPECT_EQ(test, fx_map_rq(fx, &late, &late_dev), MP_MAPIO_REMAPPED);
	KUNIT_EXPECT_NE(test, late.tick_slot, 0U);
	/* I/O that completes in time never trips the check. */
	for (tick = 1; tick <= 4; tick++) {
		KUNIT_EXPECT_EQ(test, fx_map_rq(fx, &io, &dev), MP_MAPIO_REMAPPED);
		KUNIT_EXPECT_TRUE(test, mpc_io_check(fx->core));
		mpc_end_io_rq(fx->core, &io, 0);
		KUNIT_EXPECT_EQ_MSG(test, fx->ctx.nr_events, 0U, "tick %d", tick);
	}
	/* Five ticks (a timeout and a tick) after it was sent: path failed. */
	KUNIT_EXPECT_TRUE(test, mpc_io_check(fx->core));
	KUNIT_ASSERT_EQ(test, fx->ctx.nr_events, 1U);
	KUNIT_EXPECT_EQ(test, fx->ctx.events[0].failed, 1);
	KUNIT_EXPECT_STREQ(test, fx->ctx.events[0].dev, late_dev);
	/* New I/O avoids it; the late I/O is not completed by us. */
	KUNIT_EXPECT_EQ(test, fx_map_rq(fx, &io, &dev), MP_MAPIO_REMAPPED);
	KUNIT_EXPECT_STRNEQ(test, dev, late_dev);
	mpc_end_io_rq(fx->core, &io, 0);
	KUNIT_EXPECT_TRUE(test, mpc_io_check(fx->core));
	KUNIT_EXPECT_EQ(test, fx->ctx.nr_events, 1U);

	/* When it finally completes, it is accounted like any other. */
	KUNIT_EXPECT_EQ(test, mpc_end_io_rq(fx->core, &late, 0), MP_ENDIO_DONE);
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
	struct fixture *fx = fx_new(test,
		"3 queue_if_no_path io_timeout_msecs 200 0 1 1 round-robin 0 1 0 8:16", 0);
	struct mpath_io stuck, io;
	const char *dev;
	int tick;

	KUNIT_EXPECT_EQ(test, fx_map_rq(fx, &stuck, &dev), MP_MAPIO_REMAPPED);
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
		KUNIT_EXPECT_EQ(test, fx_map_rq(fx, &io, &dev), MP_MAPIO_REMAPPED);
		mpc_end_io_rq(fx->core, &io, 0);
		KUNIT_EXPECT_TRUE(test, mpc_io_check(fx->core));
	}
	KUNIT_EXPECT_EQ(test, fx->ctx.nr_events, 2U);
	/* A new I/O stuck in the old one's slot (sent at tick 32) is not excused. */
	for (tick = 0; tick < 3; tick++)
		KUNIT_EXPECT_TRUE(test, mpc_io_check(fx->core));
	KUNIT_EXPECT_EQ(test, fx_map_rq(fx, &io, &dev), MP_MAPIO_REMAPPED);
	KUNIT_EXPECT_EQ(test, io.tick_slot, stuck.tick_slot);
	for (tick = 1; tick <= 5; tick++)
		KUNIT_EXPECT_TRUE(test, mpc_io_check(fx->core));
	KUNIT_EXPECT_EQ(test, fx->ctx.nr_events, 3U);
	KUNIT_EXPECT_EQ(test, fx_message(test, fx, "reinstate_path 8:16"), 0);

	/* The stuck I/O ends at last; a new one stuck in its slot fails the path. */
	mpc_end_io_rq(fx->core, &stuck, 0);
	mpc_end_io_rq(fx->core, &io, 0);
	for (tick = 0; tick < 8; tick++)
		KUNIT_EXPECT_TRUE(test, mpc_io_check(fx->core));
	KUNIT_EXPECT_EQ(test, fx_map_rq(fx, &stuck, &dev), MP_MAPIO_REMAPPED);
	for (tick = 1; tick <= 5; tick++)
		KUNIT_EXPECT_TRUE(test, mpc_io_check(fx->core));
	KUNIT_EXPECT_EQ(test, fx->ctx.nr_events, 5U);
	mpc_end_io_rq(fx->core, &stuck, 0);
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
	KUNIT_EXPECT_EQ(test, io.tick_slot, 0U);
	mpc_end_io_rq(fx->core, &io, STS_MEDIUM);
	KUNIT_EXPECT_EQ(test, fx_message(test, fx, "stats"), 1);
	KUNIT_EXPECT_STREQ(test, fx->buf, "8:16 A ios=1 errors=1 timeouts=0 fails=0 reinstates=0\n");
	fx_destroy(test, fx);
}

static struct kunit_case io_timeout_cases[] = {
	KUNIT_CASE(test_io_timeout_tables),
	KUNIT_CASE(test_io_timeout_fails_late_path),
	KUNIT_CASE(test_io_timeout_fails_once_per_io),
	KUNIT_CASE(test_stats_counts_errors),
	{}
};

static struct kunit_suite io_timeout_suite = {
	.name = "dm-mpath-cpp-io-timeout",
	.test_cases = io_timeout_cases,
};
kunit_test_suite(io_timeout_suite);
