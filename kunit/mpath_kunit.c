// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the C++ path-group core through its real entry points
 * (mpc_*), with fake kernel services (fake/fake_seam.c): table grammar and errors,
 * status text, path and group state, round-robin, queueing and retries for
 * both I/O units.
 */
#include <kunit/test.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "fixture.h"

struct table_case {
	const char *table;
	int bio_only;
	const char *expected;
};

static const struct table_case valid_tables[] = {
	{ "0 0 1 1 round-robin 0 2 1 8:16 1 8:32 1", 0,
	  "0 0 1 1 round-robin 0 2 1 8:16 1 8:32 1 " },
	{ "0 0 1 1 round-robin 0 1 0 8:16", 0, "0 0 1 1 round-robin 0 1 1 8:16 1 " },
	{ "0 0 1 1 round-robin 0 1 1 8:16 100", 0, "0 0 1 1 round-robin 0 1 1 8:16 1 " },
	{ "0 0 1 1 round-robin 0 1 1 8:16 0", 0, "0 0 1 1 round-robin 0 1 1 8:16 0 " },
	{ "1 QUEUE_IF_NO_PATH 0 1 1 round-robin 0 1 1 8:16 1", 0,
	  "1 queue_if_no_path 0 1 1 round-robin 0 1 1 8:16 1 " },
	{ "2 queue_mode bio 0 1 1 round-robin 0 1 1 8:16 1", 0,
	  "3 retain_attached_hw_handler queue_mode bio 0 1 1 round-robin 0 1 1 8:16 1 " },
	{ "2 queue_mode rq 0 1 1 round-robin 0 1 1 8:16 1", 0,
	  "0 0 1 1 round-robin 0 1 1 8:16 1 " },
	{ "6 pg_init_delay_msecs 100 queue_if_no_path pg_init_retries 5 retain_attached_hw_handler 0 1 1 round-robin 0 1 1 8:16 1",
	  0,
	  "6 queue_if_no_path pg_init_retries 5 pg_init_delay_msecs 100 retain_attached_hw_handler 0 1 1 round-robin 0 1 1 8:16 1 " },
	{ "0 0 2 2 round-robin 0 1 1 8:16 1 round-robin 0 2 1 8:32 1 8:48 1", 0,
	  "0 0 2 2 round-robin 0 1 1 8:16 1 round-robin 0 2 1 8:32 1 8:48 1 " },
	{ "0 0 0 0", 0, "0 0 0 0 " },
	{ "2 queue_mode bio 2 alua x 1 1 round-robin 0 1 1 8:16 1", 0,
	  "3 retain_attached_hw_handler queue_mode bio 0 1 1 round-robin 0 1 1 8:16 1 " },
	{ "0 0 1 1 round-robin 0 1 1 8:16 1", 1, "0 0 1 1 round-robin 0 1 1 8:16 1 " },
	{ "2 queue_mode bio 0 1 1 round-robin 0 1 1 8:16 1", 1,
	  "0 0 1 1 round-robin 0 1 1 8:16 1 " },
	/* mainline quirk kept: an initial group past the last one is ignored */
	{ "0 0 1 5 round-robin 0 1 1 8:16 1", 0, "0 0 1 1 round-robin 0 1 1 8:16 1 " },
};

static void test_valid_tables(struct kunit *test)
{
	struct fixture *fx = kunit_kzalloc(test, sizeof(*fx), GFP_KERNEL);
	int i;

	KUNIT_ASSERT_NOT_NULL(test, fx);
	for (i = 0; i < ARRAY_SIZE(valid_tables); i++) {
		const struct table_case *c = &valid_tables[i];

		KUNIT_EXPECT_EQ_MSG(test, fx_create(test, fx, c->table, c->bio_only), 0,
				    "%s: %s", c->table, fx->error);
		if (!fx->core)
			continue;
		KUNIT_EXPECT_STREQ_MSG(test, fx_status(fx, MP_STATUS_TABLE), c->expected,
				       "table: %s", c->table);
		fx_destroy(test, fx);
	}
}

static const struct table_case bad_tables[] = {
	{ "", 0, "invalid number of feature args" },
	{ "9 a a a a a a a a a 0 0 0", 0, "invalid number of feature args" },
	{ "2 queue_if_no_path", 0, "invalid number of feature args" },
	{ "1 bogus 0 0 0", 0, "Unrecognised multipath feature request" },
	{ "1 pg_init_retries 0 0 0", 0, "Unrecognised multipath feature request" },
	{ "2 pg_init_retries 0 0 0 0", 0, "pg_init_retries must be between 1 and 50" },
	{ "2 pg_init_retries 51 0 0 0", 0, "pg_init_retries must be between 1 and 50" },
	{ "2 pg_init_delay_msecs 60001 0 0 0", 0,
	  "pg_init_delay_msecs must be between 0 and 60000" },
	{ "2 queue_mode foo 0 0 0", 0, "Unknown 'queue_mode' requested" },
	{ "x 0 0 0", 0, "invalid number of feature args" },
	{ "0 2 alua", 0, "invalid number of hardware handler args" },
	{ "0 0", 0, "invalid number of priority groups" },
	{ "0 0 1025 1", 0, "invalid number of priority groups" },
	{ "0 0 1", 0, "invalid initial priority group number" },
	{ "0 0 1 0 round-robin 0 1 0 8:16", 0, "invalid initial priority group" },
	{ "0 0 0 1", 0, "invalid initial priority group" },
	{ "0 0 1 1 round-robin", 0, "not enough priority group arguments" },
	{ "0 0 1 1 queue-depth 0 1 0 8:16", 0, "unknown path selector type" },
	/* selector names are case-sensitive in mainline, features are not */
	{ "0 0 1 1 Round-Robin 0 1 0 8:16", 0, "unknown path selector type" },
	{ "0 0 1 1 round-robin 5 1 0 8:16", 0, "invalid number of path selector args" },
	{ "0 0 1 1 round-robin 0 0 0", 0, "invalid number of paths" },
	{ "0 0 1 1 round-robin 0 1025 0", 0, "invalid number of paths" },
	{ "0 0 1 1 round-robin 0 1 1025 8:16", 0, "invalid number of selector args" },
	{ "0 0 1 1 round-robin 0 2 0 8:16", 0, "not enough path parameters" },
	{ "0 0 1 1 round-robin 0 2 1 8:16 1 8:32", 0, "not enough path parameters" },
	{ "0 0 1 1 round-robin 0 1 0 /dev/nonexistent", 0, "error getting device" },
	{ "0 0 1 1 round-robin 0 2 0 8:16 sda", 0, "error getting device" },
	{ "0 0 1 1 round-robin 0 1 2 8:16 1 1", 0,
	  "round-robin ps: incorrect number of arguments" },
	{ "0 0 1 1 round-robin 0 1 1 8:16 x", 0, "round-robin ps: invalid repeat count" },
	{ "0 0 1 1 round-robin 0 1 1 8:16 -", 0, "round-robin ps: invalid repeat count" },
	{ "0 0 2 1 round-robin 0 1 0 8:16", 0, "priority group count mismatch" },
	{ "0 0 1 1 round-robin 0 1 0 8:16 round-robin 0 1 0 8:32", 0,
	  "priority group count mismatch" },
	/* a surplus group that is itself malformed reports its own error */
	{ "0 0 1 1 round-robin 0 1 0 8:16 round-robin 0 1 0 x", 0, "error getting device" },
	{ "2 queue_mode rq 0 1 1 round-robin 0 1 0 8:16", 1,
	  "bio_multipath is bio-based only: use target multipath for queue_mode rq" },
};

static void test_bad_tables(struct kunit *test)
{
	struct fixture *fx = kunit_kzalloc(test, sizeof(*fx), GFP_KERNEL);
	int i;

	KUNIT_ASSERT_NOT_NULL(test, fx);
	for (i = 0; i < ARRAY_SIZE(bad_tables); i++) {
		const struct table_case *c = &bad_tables[i];
		int r = fx_create(test, fx, c->table, c->bio_only);

		KUNIT_EXPECT_LT_MSG(test, r, 0, "accepted: %s", c->table);
		if (!r) {
			fx_destroy(test, fx);
			continue;
		}
		KUNIT_EXPECT_STREQ_MSG(test, fx->error ? fx->error : "(none)", c->expected,
				       "table: %s", c->table);
	}
}

static const char *two_paths = "0 0 1 1 round-robin 0 2 1 8:16 1 8:32 1";

static void test_round_robin(struct kunit *test)
{
	struct fixture *fx = fx_new(test, two_paths, 0);
	struct mpath_io io;
	const char *dev;
	int i;

	for (i = 0; i < 4; i++) {
		KUNIT_EXPECT_EQ(test, fx_map_rq(fx, &io, &dev), MP_MAPIO_REMAPPED);
		KUNIT_EXPECT_STREQ(test, dev, i % 2 ? "8:32" : "8:16");
		KUNIT_EXPECT_NOT_NULL(test, io.path);
		KUNIT_EXPECT_EQ(test, io.nr_bytes, 4096U);
	}
	fx_destroy(test, fx);
}

static void test_fail_reinstate(struct kunit *test)
{
	struct fixture *fx = fx_new(test, two_paths, 0);
	struct mpath_io io;
	const char *dev;
	int i;

	/* No I/O yet: no current group and mainline's queue_io flag still set. */
	KUNIT_EXPECT_STREQ(test, fx_status(fx, MP_STATUS_INFO),
			   "2 1 0 0 1 1 E 0 2 0 8:16 A 0 8:32 A 0 ");
	KUNIT_EXPECT_EQ(test, fx_map_rq(fx, &io, &dev), MP_MAPIO_REMAPPED);
	KUNIT_EXPECT_STREQ(test, fx_status(fx, MP_STATUS_INFO),
			   "2 0 0 0 1 1 A 0 2 0 8:16 A 0 8:32 A 0 ");

	KUNIT_EXPECT_EQ(test, fx_message(test, fx, "fail_path 8:16"), 0);
	KUNIT_EXPECT_STREQ(test, fx_status(fx, MP_STATUS_INFO),
			   "2 0 0 0 1 1 A 0 2 0 8:16 F 1 8:32 A 0 ");
	KUNIT_ASSERT_EQ(test, fx->ctx.nr_events, 1U);
	KUNIT_EXPECT_EQ(test, fx->ctx.events[0].failed, 1);
	KUNIT_EXPECT_STREQ(test, fx->ctx.events[0].dev, "8:16");
	KUNIT_EXPECT_EQ(test, fx->ctx.events[0].nr_valid, 1U);

	/* Failing a failed path changes nothing and raises no event. */
	KUNIT_EXPECT_EQ(test, fx_message(test, fx, "fail_path 8:16"), 0);
	KUNIT_EXPECT_EQ(test, fx->ctx.nr_events, 1U);

	for (i = 0; i < 3; i++) {
		KUNIT_EXPECT_EQ(test, fx_map_rq(fx, &io, &dev), MP_MAPIO_REMAPPED);
		KUNIT_EXPECT_STREQ(test, dev, "8:32");
	}

	KUNIT_EXPECT_EQ(test, fx_message(test, fx, "reinstate_path 8:16"), 0);
	KUNIT_EXPECT_STREQ(test, fx_status(fx, MP_STATUS_INFO),
			   "2 0 0 0 1 1 A 0 2 0 8:16 A 1 8:32 A 0 ");
	KUNIT_ASSERT_EQ(test, fx->ctx.nr_events, 2U);
	KUNIT_EXPECT_EQ(test, fx->ctx.events[1].failed, 0);
	KUNIT_EXPECT_EQ(test, fx->ctx.events[1].nr_valid, 2U);
	/* Paths were left, so reinstating needs no kick of waiting I/O. */
	KUNIT_EXPECT_EQ(test, fx->ctx.kicks, 0U);
	fx_destroy(test, fx);
}

static void test_no_path(struct kunit *test)
{
	struct fixture *fx = fx_new(test, two_paths, 0);
	struct mpath_io io;
	const char *dev;

	KUNIT_EXPECT_EQ(test, fx_message(test, fx, "fail_path 8:16"), 0);
	KUNIT_EXPECT_EQ(test, fx_message(test, fx, "fail_path 8:32"), 0);
	KUNIT_EXPECT_EQ(test, fx->ctx.events[1].nr_valid, 0U);

	/* No path, no queueing: fail the I/O (both units). */
	KUNIT_EXPECT_EQ(test, fx_map_rq(fx, &io, &dev), MP_MAPIO_KILL);
	KUNIT_EXPECT_EQ(test, fx_map_bio(fx, &io), MP_MAPIO_KILL);
	KUNIT_EXPECT_NULL(test, io.path);

	/* queue_if_no_path: requests wait in dm-rq, bios are parked. */
	KUNIT_EXPECT_EQ(test, fx_message(test, fx, "queue_if_no_path"), 0);
	KUNIT_EXPECT_EQ(test, fx_map_rq(fx, &io, &dev), MP_MAPIO_DELAY_REQUEUE);
	KUNIT_EXPECT_EQ(test, fx_map_bio(fx, &io), MP_MAPIO_SUBMITTED);
	KUNIT_EXPECT_EQ(test, fx->ctx.parked, 1U);
	KUNIT_EXPECT_STREQ(test, fx_status(fx, MP_STATUS_TABLE),
			   "1 queue_if_no_path 0 1 1 round-robin 0 2 1 8:16 1 8:32 1 ");

	/* The first path back kicks the waiting I/O. */
	KUNIT_EXPECT_EQ(test, fx_message(test, fx, "reinstate_path 8:32"), 0);
	KUNIT_EXPECT_EQ(test, fx->ctx.kicks, 1U);
	KUNIT_EXPECT_EQ(test, fx_map_rq(fx, &io, &dev), MP_MAPIO_REMAPPED);
	KUNIT_EXPECT_STREQ(test, dev, "8:32");

	/* Queueing off kicks too, so waiting I/O fails instead of hanging. */
	KUNIT_EXPECT_EQ(test, fx_message(test, fx, "fail_if_no_path"), 0);
	KUNIT_EXPECT_EQ(test, fx->ctx.kicks, 2U);
	fx_destroy(test, fx);
}

static void test_noflush_pushback(struct kunit *test)
{
	struct fixture *fx = fx_new(test, "0 0 1 1 round-robin 0 1 0 8:16", 0);
	struct mpath_io io;
	const char *dev;

	KUNIT_EXPECT_EQ(test, fx_message(test, fx, "fail_path 8:16"), 0);
	fx->ctx.noflush_suspending = 1;
	/* During a noflush suspend I/O goes back to dm core, never fails. */
	KUNIT_EXPECT_EQ(test, fx_map_bio(fx, &io), MP_MAPIO_REQUEUE);
	KUNIT_EXPECT_EQ(test, fx_map_rq(fx, &io, &dev), MP_MAPIO_DELAY_REQUEUE);
	fx_destroy(test, fx);
}

static void test_end_io(struct kunit *test)
{
	struct fixture *fx = fx_new(test, two_paths, 0);
	struct mpath_io io;
	unsigned char sts;
	const char *dev;

	/* A medium error is the caller's: the path stays usable. */
	KUNIT_EXPECT_EQ(test, fx_map_bio(fx, &io), MP_MAPIO_REMAPPED);
	sts = STS_MEDIUM;
	KUNIT_EXPECT_EQ(test, mpc_end_io_bio(fx->core, (struct bio *)fx, &io, &sts),
			MP_ENDIO_DONE);
	KUNIT_EXPECT_EQ(test, sts, STS_MEDIUM);
	KUNIT_EXPECT_EQ(test, fx->ctx.nr_events, 0U);

	/* A path error fails the path; the bio is restored and retried. */
	KUNIT_EXPECT_EQ(test, fx_map_bio(fx, &io), MP_MAPIO_REMAPPED);
	sts = STS_IOERR;
	KUNIT_EXPECT_EQ(test, mpc_end_io_bio(fx->core, (struct bio *)fx, &io, &sts),
			MP_ENDIO_INCOMPLETE);
	KUNIT_EXPECT_EQ(test, fx->ctx.nr_events, 1U);
	KUNIT_EXPECT_EQ(test, fx->ctx.restored, 1U);
	KUNIT_EXPECT_EQ(test, fx->ctx.parked, 1U);
	KUNIT_EXPECT_EQ(test, fx->ctx.kicks, 1U);

	/* Request unit: a path error requeues the original request. */
	KUNIT_EXPECT_EQ(test, fx_message(test, fx, "reinstate_path 8:32"), 0);
	KUNIT_EXPECT_EQ(test, fx_map_rq(fx, &io, &dev), MP_MAPIO_REMAPPED);
	KUNIT_EXPECT_STREQ(test, dev, "8:16");
	KUNIT_EXPECT_EQ(test, mpc_end_io_rq(fx->core, &io, STS_IOERR), MP_ENDIO_REQUEUE);
	KUNIT_ASSERT_EQ(test, fx->ctx.nr_events, 3U);
	KUNIT_EXPECT_EQ(test, fx->ctx.events[2].nr_valid, 1U);

	/* Last path gone, no queueing: the error reaches the caller. */
	KUNIT_EXPECT_EQ(test, fx_map_bio(fx, &io), MP_MAPIO_REMAPPED);
	sts = STS_IOERR;
	KUNIT_EXPECT_EQ(test, mpc_end_io_bio(fx->core, (struct bio *)fx, &io, &sts),
			MP_ENDIO_DONE);
	KUNIT_EXPECT_EQ(test, sts, STS_IOERR);
	KUNIT_EXPECT_EQ(test, fx_message(test, fx, "reinstate_path 8:16"), 0);
	KUNIT_EXPECT_EQ(test, fx_map_rq(fx, &io, &dev), MP_MAPIO_REMAPPED);
	KUNIT_EXPECT_EQ(test, mpc_end_io_rq(fx->core, &io, STS_IOERR), MP_ENDIO_DONE);
	fx_destroy(test, fx);
}

static void test_clone_failures(struct kunit *test)
{
	struct fixture *fx = fx_new(test, two_paths, 0);
	struct mpath_io io;
	const char *dev;

	fx->ctx.clone_result = MP_CLONE_BUSY;
	KUNIT_EXPECT_EQ(test, fx_map_rq(fx, &io, &dev), MP_MAPIO_REQUEUE);
	KUNIT_EXPECT_NULL(test, io.path);
	KUNIT_EXPECT_EQ(test, fx->ctx.nr_events, 0U);

	/* A dying queue fails its path. */
	fx->ctx.clone_result = MP_CLONE_DEAD;
	KUNIT_EXPECT_EQ(test, fx_map_rq(fx, &io, &dev), MP_MAPIO_DELAY_REQUEUE);
	KUNIT_EXPECT_EQ(test, fx->ctx.nr_events, 1U);
	fx->ctx.clone_result = MP_CLONE_OK;
	fx_destroy(test, fx);
}

static void test_groups(struct kunit *test)
{
	struct fixture *fx = fx_new(test,
		"0 0 2 1 round-robin 0 1 1 8:16 1 round-robin 0 1 1 8:32 1", 0);
	struct mpath_io io;
	const char *dev;

	KUNIT_EXPECT_EQ(test, fx_map_rq(fx, &io, &dev), MP_MAPIO_REMAPPED);
	KUNIT_EXPECT_STREQ(test, dev, "8:16");

	KUNIT_EXPECT_EQ(test, fx_message(test, fx, "switch_group 2"), 0);
	KUNIT_EXPECT_EQ(test, fx->ctx.table_events, 1U);
	/* Pending switch: status names the next group. */
	KUNIT_EXPECT_STREQ(test, fx_status(fx, MP_STATUS_INFO),
			   "2 0 0 0 2 2 E 0 1 0 8:16 A 0 E 0 1 0 8:32 A 0 ");
	KUNIT_EXPECT_EQ(test, fx_map_rq(fx, &io, &dev), MP_MAPIO_REMAPPED);
	KUNIT_EXPECT_STREQ(test, dev, "8:32");
	KUNIT_EXPECT_STREQ(test, fx_status(fx, MP_STATUS_INFO),
			   "2 0 0 0 2 2 E 0 1 0 8:16 A 0 A 0 1 0 8:32 A 0 ");

	/* Disabling the current group moves I/O to the other one. */
	KUNIT_EXPECT_EQ(test, fx_message(test, fx, "disable_group 2"), 0);
	KUNIT_EXPECT_EQ(test, fx_map_rq(fx, &io, &dev), MP_MAPIO_REMAPPED);
	KUNIT_EXPECT_STREQ(test, dev, "8:16");
	KUNIT_EXPECT_STREQ(test, fx_status(fx, MP_STATUS_INFO),
			   "2 0 0 0 2 1 A 0 1 0 8:16 A 0 D 0 1 0 8:32 A 0 ");

	/* Bypassed groups are still used when nothing else is left. */
	KUNIT_EXPECT_EQ(test, fx_message(test, fx, "fail_path 8:16"), 0);
	KUNIT_EXPECT_EQ(test, fx_map_rq(fx, &io, &dev), MP_MAPIO_REMAPPED);
	KUNIT_EXPECT_STREQ(test, dev, "8:32");
	KUNIT_EXPECT_EQ(test, fx_message(test, fx, "enable_group 2"), 0);
	KUNIT_EXPECT_STREQ(test, fx_status(fx, MP_STATUS_TABLE),
			   "0 0 2 1 round-robin 0 1 1 8:16 1 round-robin 0 1 1 8:32 1 ");
	fx_destroy(test, fx);
}

static void test_bad_messages(struct kunit *test)
{
	static const char *const bad[] = {
		"fail_path", "reinstate_path 8:16 x", "bogus 1", "queue_if_no_path 1",
		"switch_group 0", "switch_group 2", "switch_group x", "enable_group -1",
		"disable_group 1x", "fail_path 9:9",
	};
	struct fixture *fx = fx_new(test, two_paths, 0);
	int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++)
		KUNIT_EXPECT_EQ_MSG(test, fx_message(test, fx, bad[i]), -EINVAL, "%s", bad[i]);
	KUNIT_EXPECT_EQ(test, fx_message(test, fx, "fail_path /dev/sdz"), -ENODEV);
	KUNIT_EXPECT_EQ(test, fx->ctx.nr_events, 0U);
	KUNIT_EXPECT_EQ(test, fx->ctx.table_events, 0U);
	/* The lookups above took and released references on 9:9. */
	fx_destroy(test, fx);
}

static void test_suspend_resume(struct kunit *test)
{
	const char *table = "1 queue_if_no_path 0 1 1 round-robin 0 1 1 8:16 1";
	struct fixture *fx = fx_new(test, table, 0);

	/* Flush suspend: queueing off (waiting I/O fails), back at resume. */
	mpc_presuspend(fx->core);
	KUNIT_EXPECT_STREQ(test, fx_status(fx, MP_STATUS_TABLE),
			   "0 0 1 1 round-robin 0 1 1 8:16 1 ");
	KUNIT_EXPECT_EQ(test, fx->ctx.kicks, 1U);
	mpc_resume(fx->core);
	KUNIT_EXPECT_STREQ(test, fx_status(fx, MP_STATUS_TABLE),
			   "1 queue_if_no_path 0 1 1 round-robin 0 1 1 8:16 1 ");

	/* Noflush suspend in request mode keeps queueing. */
	fx->ctx.noflush_suspending = 1;
	mpc_presuspend(fx->core);
	KUNIT_EXPECT_STREQ(test, fx_status(fx, MP_STATUS_TABLE),
			   "1 queue_if_no_path 0 1 1 round-robin 0 1 1 8:16 1 ");
	fx_destroy(test, fx);
}

static void test_nopath_timer(struct kunit *test)
{
	const char *table = "1 queue_if_no_path 0 1 1 round-robin 0 2 1 8:16 1 8:32 1";
	struct fixture *fx = fx_new(test, table, 0);
	struct mpath_io io;
	const char *dev;

	/* Armed only when the last path fails while queueing. */
	KUNIT_EXPECT_EQ(test, fx->ctx.timer_arms, 0U);
	KUNIT_EXPECT_EQ(test, fx_message(test, fx, "fail_path 8:16"), 0);
	KUNIT_EXPECT_EQ(test, fx->ctx.timer_arms, 0U);
	KUNIT_EXPECT_EQ(test, fx_message(test, fx, "fail_path 8:32"), 0);
	KUNIT_EXPECT_EQ(test, fx->ctx.timer_arms, 1U);
	KUNIT_EXPECT_EQ(test, fx_map_rq(fx, &io, &dev), MP_MAPIO_DELAY_REQUEUE);

	/* Expiry ends queueing: waiting I/O is kicked and now fails. */
	mpc_nopath_timeout(fx->core);
	KUNIT_EXPECT_EQ(test, fx->ctx.kicks, 1U);
	KUNIT_EXPECT_EQ(test, fx_map_rq(fx, &io, &dev), MP_MAPIO_KILL);
	KUNIT_EXPECT_STREQ(test, fx_status(fx, MP_STATUS_TABLE),
			   "0 0 1 1 round-robin 0 2 1 8:16 1 8:32 1 ");

	/* queue_if_no_path again with no path: armed again; a path back stops it. */
	KUNIT_EXPECT_EQ(test, fx_message(test, fx, "queue_if_no_path"), 0);
	KUNIT_EXPECT_EQ(test, fx->ctx.timer_arms, 2U);
	KUNIT_EXPECT_EQ(test, fx_message(test, fx, "reinstate_path 8:16"), 0);
	KUNIT_EXPECT_EQ(test, fx->ctx.timer_stops, 1U);
	KUNIT_EXPECT_EQ(test, fx_message(test, fx, "fail_if_no_path"), 0);
	KUNIT_EXPECT_EQ(test, fx->ctx.timer_stops, 2U);
	fx_destroy(test, fx);
}

static void test_ima_status(struct kunit *test)
{
	struct fixture *fx = fx_new(test, two_paths, 0);

	KUNIT_EXPECT_STREQ(test, fx_status(fx, MP_STATUS_IMA),
			   "target_name=multipath,target_version=1.14.0,nr_priority_groups=1,pg_state_0=E,nr_pgpaths_0=2,path_selector_name_0=round-robin,path_name_0_0=8:16,is_active_0_0=A,fail_count_0_0=0,path_selector_status_0_0=,path_name_0_1=8:32,is_active_0_1=A,fail_count_0_1=0,path_selector_status_0_1=;");
	fx_destroy(test, fx);
}

static void test_status_truncation(struct kunit *test)
{
	struct fixture *fx = fx_new(test, two_paths, 0);
	char small[8];

	/* Like DMEMIT: fill the buffer, NUL-terminated, so dm retries bigger. */
	mpc_status(fx->core, MP_STATUS_TABLE, "multipath", "1.14.0", small, sizeof(small));
	KUNIT_EXPECT_STREQ(test, small, "0 0 1 1");
	fx_destroy(test, fx);
}

static struct kunit_case mpath_core_cases[] = {
	KUNIT_CASE(test_valid_tables),
	KUNIT_CASE(test_bad_tables),
	KUNIT_CASE(test_round_robin),
	KUNIT_CASE(test_fail_reinstate),
	KUNIT_CASE(test_no_path),
	KUNIT_CASE(test_noflush_pushback),
	KUNIT_CASE(test_end_io),
	KUNIT_CASE(test_clone_failures),
	KUNIT_CASE(test_groups),
	KUNIT_CASE(test_bad_messages),
	KUNIT_CASE(test_suspend_resume),
	KUNIT_CASE(test_nopath_timer),
	KUNIT_CASE(test_ima_status),
	KUNIT_CASE(test_status_truncation),
	{}
};

static struct kunit_suite mpath_core_suite = {
	.name = "dm-mpath-cpp-core",
	.test_cases = mpath_core_cases,
};
kunit_test_suite(mpath_core_suite);

MODULE_DESCRIPTION("KUnit tests for the dm-mpath-cpp path-group core");
MODULE_LICENSE("GPL");
