// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of hardware handlers: attaching or retaining a scsi_dh
 * handler at table load, and pg_init on a group switch (I/O held, retries
 * and delays, the effect of each handler answer).  The fake handler answers
 * each activation at once with ctx.dh_result.
 */
#include <kunit/test.h>
#include <linux/string.h>

#include "fixture.h"

static void test_handler_tables(struct kunit *test)
{
	struct fixture *fx;

	/* Handler attached by the table, its arguments passed to scsi_dh. */
	fx = fx_new(test, "0 3 emc 1 0 1 1 round-robin 0 2 0 8:16 8:32", 0);
	KUNIT_EXPECT_STREQ(test, fx_status(fx, MP_STATUS_TABLE),
			   "0 1 emc 1 1 round-robin 0 2 1 8:16 1 8:32 1 ");
	KUNIT_EXPECT_STREQ(test, fx_status(fx, MP_STATUS_INFO),
			   "2 1 0 0 1 1 E 0 2 0 8:16 A 0 8:32 A 0 ");
	KUNIT_EXPECT_STREQ(test, fake_dev(0)->dh_name, "emc");
	KUNIT_EXPECT_STREQ(test, fake_dev(1)->dh_params, "2:1,0");
	fx_destroy(test, fx);

	/* scsi_dh_alua takes one argument: two refuse the table. */
	KUNIT_EXPECT_EQ(test, fx_create(test, fx, "0 3 alua a b 1 1 round-robin 0 1 0 8:16", 0),
			-EINVAL);
	KUNIT_EXPECT_STREQ(test, fx->error, "unable to set hardware handler parameters");

	/* Another handler already attached: kept, and named in the table. */
	fake_dh_preset("emc", 0);
	KUNIT_EXPECT_EQ(test, fx_create(test, fx, "0 2 alua x 1 1 round-robin 0 1 0 8:16", 0), 0);
	KUNIT_EXPECT_STREQ(test, fx_status(fx, MP_STATUS_TABLE),
			   "0 1 emc 1 1 round-robin 0 1 1 8:16 1 ");
	/* The parameters were meant for alua: not given to emc. */
	KUNIT_EXPECT_STREQ(test, fake_dev(0)->dh_params, "");
	fx_destroy(test, fx);

	/* retain_attached_hw_handler adopts the attached one without a table handler. */
	fake_dh_preset("alua", 0);
	KUNIT_EXPECT_EQ(test, fx_create(test, fx,
			"1 retain_attached_hw_handler 0 1 1 round-robin 0 1 0 8:16", 0), 0);
	KUNIT_EXPECT_STREQ(test, fx_status(fx, MP_STATUS_TABLE),
			   "1 retain_attached_hw_handler 1 alua 1 1 round-robin 0 1 1 8:16 1 ");
	fx_destroy(test, fx);

	/* Without it, an attached handler is left alone and not used. */
	fake_dh_preset("alua", 0);
	KUNIT_EXPECT_EQ(test, fx_create(test, fx, "0 0 1 1 round-robin 0 1 0 8:16", 0), 0);
	KUNIT_EXPECT_STREQ(test, fx_status(fx, MP_STATUS_TABLE),
			   "0 0 1 1 round-robin 0 1 1 8:16 1 ");
	fx_destroy(test, fx);

	/* Bio mode ignores handler words but uses what is attached. */
	fake_dh_preset("alua", 0);
	KUNIT_EXPECT_EQ(test, fx_create(test, fx,
			"2 queue_mode bio 2 emc 1 1 1 round-robin 0 1 0 8:16", 0), 0);
	KUNIT_EXPECT_STREQ(test, fx_status(fx, MP_STATUS_TABLE),
			   "3 retain_attached_hw_handler queue_mode bio 1 alua 1 1 round-robin 0 1 1 8:16 1 ");
	fx_destroy(test, fx);

	/*
	 * Only the second path has a handler: adopted, and the first path
	 * gets pg_init work too (it reports what it finds when activated).
	 */
	fake_dh_preset("alua", 1);
	KUNIT_EXPECT_EQ(test, fx_create(test, fx,
			"1 retain_attached_hw_handler 0 1 1 round-robin 0 2 0 8:16 8:32", 0), 0);
	fake_dh_preset("alua", 0);
	KUNIT_EXPECT_STREQ(test, fx_status(fx, MP_STATUS_TABLE),
			   "1 retain_attached_hw_handler 1 alua 1 1 round-robin 0 2 1 8:16 1 8:32 1 ");
	{
		struct mpath_io io;
		const char *dev;

		KUNIT_EXPECT_EQ(test, fx_map_rq(fx, &io, &dev), MP_MAPIO_DELAY_REQUEUE);
		KUNIT_EXPECT_EQ(test, fake_queued_activations(&fx->ctx), 2U);
		KUNIT_EXPECT_EQ(test, fake_run_activations(&fx->ctx), 2U);
	}
	fx_destroy(test, fx);

	/* scsi_dh refusing the handler refuses the table, leaking nothing. */
	fake_dh_preset("", 0);
	fake_dh_attach_result = -EINVAL;
	KUNIT_EXPECT_EQ(test, fx_create(test, fx, "0 1 alua 1 1 round-robin 0 1 0 8:16", 0),
			-EINVAL);
	KUNIT_EXPECT_STREQ(test, fx->error, "error attaching hardware handler");
	fake_dh_attach_result = 0;
}

static const char *alua_two_paths = "0 1 alua 1 1 round-robin 0 2 0 8:16 8:32";

static void test_pg_init_holds_io(struct kunit *test)
{
	struct fixture *fx = fx_new(test, alua_two_paths, 0);
	struct mpath_io io;
	const char *dev;

	/* Switching to the group starts pg_init on its paths; I/O waits. */
	KUNIT_EXPECT_EQ(test, fx_map_rq(fx, &io, &dev), MP_MAPIO_DELAY_REQUEUE);
	KUNIT_EXPECT_EQ(test, fake_queued_activations(&fx->ctx), 2U);
	KUNIT_EXPECT_EQ(test, fx_map_bio(fx, &io), MP_MAPIO_SUBMITTED);
	KUNIT_EXPECT_EQ(test, fx->ctx.parked, 1U);
	KUNIT_EXPECT_EQ(test, mpc_busy(fx->core), 1);
	KUNIT_EXPECT_STREQ(test, fx_status(fx, MP_STATUS_INFO),
			   "2 1 1 0 1 1 A 0 2 0 8:16 A 0 8:32 A 0 ");
	/* Only one pg_init at a time. */
	KUNIT_EXPECT_EQ(test, fx_map_rq(fx, &io, &dev), MP_MAPIO_DELAY_REQUEUE);
	KUNIT_EXPECT_STREQ(test, fx_status(fx, MP_STATUS_INFO),
			   "2 1 1 0 1 1 A 0 2 0 8:16 A 0 8:32 A 0 ");

	/* Both paths activated: waiting I/O is kicked and now flows. */
	KUNIT_EXPECT_EQ(test, fake_run_activations(&fx->ctx), 2U);
	KUNIT_EXPECT_EQ(test, fx->ctx.dh_activations, 2U);
	KUNIT_EXPECT_EQ(test, fx->ctx.kicks, 1U);
	KUNIT_EXPECT_EQ(test, mpc_busy(fx->core), 0);
	KUNIT_EXPECT_EQ(test, fx_map_rq(fx, &io, &dev), MP_MAPIO_REMAPPED);
	KUNIT_EXPECT_STREQ(test, fx_status(fx, MP_STATUS_INFO),
			   "2 0 1 0 1 1 A 0 2 0 8:16 A 0 8:32 A 0 ");
	mpc_end_io_rq(fx->core, &io, 0);

	/* A reinstated path of the current group is activated again. */
	KUNIT_EXPECT_EQ(test, fx_message(test, fx, "fail_path 8:32"), 0);
	KUNIT_EXPECT_EQ(test, fx_message(test, fx, "reinstate_path 8:32"), 0);
	KUNIT_EXPECT_EQ(test, fake_queued_activations(&fx->ctx), 1U);
	KUNIT_EXPECT_EQ(test, fake_run_activations(&fx->ctx), 1U);
	KUNIT_EXPECT_TRUE(test, mpc_pg_init_idle(fx->core));
	mpc_flush_pg_init(fx->core);
	KUNIT_EXPECT_EQ(test, fx->ctx.pg_init_waits, 0U);
	fx_destroy(test, fx);
}

static void test_pg_init_retries(struct kunit *test)
{
	struct fixture *fx = fx_new(test,
		"4 pg_init_retries 2 pg_init_delay_msecs 500 1 alua 1 1 round-robin 0 2 0 8:16 8:32",
		0);
	struct mpath_io io;
	const char *dev;
	int round;

	fx->ctx.dh_result = MP_DH_RETRY;
	KUNIT_EXPECT_EQ(test, fx_map_rq(fx, &io, &dev), MP_MAPIO_DELAY_REQUEUE);
	KUNIT_EXPECT_EQ(test, fx->ctx.acts[0]->delay_msecs, 0U);
	/* Each "retry later" answer starts pg_init again after the delay. */
	for (round = 2; round <= 3; round++) {
		KUNIT_EXPECT_EQ(test, fake_run_activations(&fx->ctx), 2U);
		KUNIT_EXPECT_EQ(test, fake_queued_activations(&fx->ctx), 2U);
		KUNIT_EXPECT_EQ(test, fx->ctx.acts[0]->delay_msecs, 500U);
		KUNIT_EXPECT_EQ(test, fx_map_rq(fx, &io, &dev), MP_MAPIO_DELAY_REQUEUE);
	}
	KUNIT_EXPECT_STREQ(test, fx_status(fx, MP_STATUS_INFO),
			   "2 1 3 0 1 1 A 0 2 0 8:16 A 0 8:32 A 0 ");
	/* pg_init_retries used up: the paths fail, the I/O gets its error. */
	KUNIT_EXPECT_EQ(test, fake_run_activations(&fx->ctx), 2U);
	KUNIT_EXPECT_EQ(test, fake_queued_activations(&fx->ctx), 0U);
	KUNIT_EXPECT_EQ(test, fx->ctx.nr_events, 2U);
	KUNIT_EXPECT_EQ(test, fx_map_rq(fx, &io, &dev), MP_MAPIO_KILL);
	fx_destroy(test, fx);
}

static void test_pg_init_answers(struct kunit *test)
{
	const char *two_groups = "0 1 alua 2 1 round-robin 0 1 0 8:16 round-robin 0 1 0 8:32";
	struct fixture *fx = fx_new(test, two_groups, 0);
	struct mpath_io io;
	const char *dev;

	/* A busy controller: its group is bypassed, the other one is used. */
	fx->ctx.dh_result = MP_DH_DEV_TEMP_BUSY;
	KUNIT_EXPECT_EQ(test, fx_map_rq(fx, &io, &dev), MP_MAPIO_DELAY_REQUEUE);
	KUNIT_EXPECT_EQ(test, fake_run_activations(&fx->ctx), 1U);
	KUNIT_EXPECT_EQ(test, fx->ctx.table_events, 1U);
	KUNIT_EXPECT_EQ(test, fx->ctx.nr_events, 0U);
	fx->ctx.dh_result = MP_DH_OK;
	KUNIT_EXPECT_EQ(test, fx_map_rq(fx, &io, &dev), MP_MAPIO_DELAY_REQUEUE);
	KUNIT_EXPECT_EQ(test, fake_run_activations(&fx->ctx), 1U);
	KUNIT_EXPECT_EQ(test, fx_map_rq(fx, &io, &dev), MP_MAPIO_REMAPPED);
	KUNIT_EXPECT_STREQ(test, dev, "8:32");
	KUNIT_EXPECT_STREQ(test, fx_status(fx, MP_STATUS_INFO),
			   "2 0 1 0 2 2 D 0 1 0 8:16 A 0 A 0 1 0 8:32 A 0 ");
	mpc_end_io_rq(fx->core, &io, 0);
	fx_destroy(test, fx);

	/* No handler on the device although the table wants one: path failed. */
	fx = fx_new(test, two_groups, 0);
	fx->ctx.dh_result = MP_DH_NOSYS;
	KUNIT_EXPECT_EQ(test, fx_map_rq(fx, &io, &dev), MP_MAPIO_DELAY_REQUEUE);
	KUNIT_EXPECT_EQ(test, fake_run_activations(&fx->ctx), 1U);
	KUNIT_ASSERT_EQ(test, fx->ctx.nr_events, 1U);
	KUNIT_EXPECT_STREQ(test, fx->ctx.events[0].dev, "8:16");
	fx_destroy(test, fx);

	/* A dying queue is not activated: its path fails. */
	fx = fx_new(test, two_groups, 0);
	fake_dev(0)->dying = 1;
	KUNIT_EXPECT_EQ(test, fx_map_rq(fx, &io, &dev), MP_MAPIO_DELAY_REQUEUE);
	KUNIT_EXPECT_EQ(test, fake_run_activations(&fx->ctx), 1U);
	KUNIT_EXPECT_EQ(test, fx->ctx.dh_activations, 0U);
	KUNIT_EXPECT_EQ(test, fx->ctx.nr_events, 1U);
	fake_dev(0)->dying = 0;
	/* The second group takes over after its own pg_init. */
	KUNIT_EXPECT_EQ(test, fx_map_rq(fx, &io, &dev), MP_MAPIO_DELAY_REQUEUE);
	KUNIT_EXPECT_EQ(test, fake_run_activations(&fx->ctx), 1U);
	KUNIT_EXPECT_EQ(test, fx_map_rq(fx, &io, &dev), MP_MAPIO_REMAPPED);
	KUNIT_EXPECT_STREQ(test, dev, "8:32");
	mpc_end_io_rq(fx->core, &io, 0);
	fx_destroy(test, fx);
}

/*
 * The last completion of a pg_init ends it: once the core reads as idle, a
 * suspend or the destructor (mpc_flush_pg_init) may return and the target
 * be freed, so nothing after that point may touch it.  The fake counts
 * kicks, wake-ups and events made while idle and unlocked.
 */
static void test_pg_init_done_last_touch(struct kunit *test)
{
	struct fixture *fx = fx_new(test, alua_two_paths, 0);
	struct mpath_io io;
	const char *dev;

	/* Both paths answer OK: the last one kicks the held I/O. */
	KUNIT_EXPECT_EQ(test, fx_map_rq(fx, &io, &dev), MP_MAPIO_DELAY_REQUEUE);
	KUNIT_EXPECT_EQ(test, fake_run_activations(&fx->ctx), 2U);
	KUNIT_EXPECT_EQ(test, fx->ctx.kicks, 1U);
	KUNIT_EXPECT_TRUE(test, mpc_pg_init_idle(fx->core));
	KUNIT_EXPECT_EQ(test, fx->ctx.calls_after_idle, 0U);

	/* A path that fails before its activation runs ends pg_init too. */
	KUNIT_EXPECT_EQ(test, fx_message(test, fx, "fail_path 8:32"), 0);
	KUNIT_EXPECT_EQ(test, fx_message(test, fx, "reinstate_path 8:32"), 0);
	KUNIT_EXPECT_EQ(test, fx_message(test, fx, "fail_path 8:32"), 0);
	KUNIT_EXPECT_EQ(test, fake_run_activations(&fx->ctx), 1U);
	KUNIT_EXPECT_EQ(test, fx->ctx.dh_activations, 2U);
	KUNIT_EXPECT_TRUE(test, mpc_pg_init_idle(fx->core));
	KUNIT_EXPECT_EQ(test, fx->ctx.calls_after_idle, 0U);

	/* Retries used up: the failing paths end it. */
	fx->ctx.dh_result = MP_DH_IMM_RETRY;
	KUNIT_EXPECT_EQ(test, fx_message(test, fx, "switch_group 1"), 0);
	KUNIT_EXPECT_EQ(test, fx_map_rq(fx, &io, &dev), MP_MAPIO_DELAY_REQUEUE);
	KUNIT_EXPECT_EQ(test, fake_run_activations(&fx->ctx), 1U);
	KUNIT_EXPECT_TRUE(test, mpc_pg_init_idle(fx->core));
	KUNIT_EXPECT_EQ(test, fx->ctx.calls_after_idle, 0U);
	fx_destroy(test, fx);
}

/*
 * Mainline sets MPATHF_PG_INIT_DELAY_RETRY when it has to fall back to a
 * bypassed group, so that a busy controller is not asked again at once:
 * the next pg_init waits pg_init_delay_msecs (2000 ms by default).
 */
static void test_pg_init_delay_after_bypass(struct kunit *test)
{
	static const struct {
		const char *table;
		unsigned int delay;
	} cases[] = {
		{ "0 1 alua 1 1 round-robin 0 2 0 8:16 8:32", 2000 },
		{ "2 pg_init_delay_msecs 300 1 alua 1 1 round-robin 0 2 0 8:16 8:32", 300 },
		{ "0 1 alua 2 1 round-robin 0 1 0 8:16 round-robin 0 1 0 8:32", 2000 },
	};
	unsigned int c;

	for (c = 0; c < ARRAY_SIZE(cases); c++) {
		struct fixture *fx = fx_new(test, cases[c].table, 0);
		struct mpath_io io;
		const char *dev;
		unsigned int i, acts;

		fx->ctx.dh_result = MP_DH_DEV_TEMP_BUSY;
		/* First pg_init: at once.  Every group answers busy. */
		acts = 0;
		do {
			KUNIT_EXPECT_EQ(test, fx_map_rq(fx, &io, &dev), MP_MAPIO_DELAY_REQUEUE);
			for (i = 0; i < fx->ctx.nr_acts; i++)
				if (fx->ctx.acts[i]->queued)
					KUNIT_EXPECT_EQ_MSG(test, fx->ctx.acts[i]->delay_msecs, 0U,
							    "%s", cases[c].table);
			acts += fake_run_activations(&fx->ctx);
		} while (acts < 2);
		KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(fx_status(fx, MP_STATUS_INFO), " D "),
					  "%s: %s", cases[c].table, fx->buf);
		/* Only bypassed groups are left: the next pg_init is delayed. */
		KUNIT_EXPECT_EQ(test, fx_map_rq(fx, &io, &dev), MP_MAPIO_DELAY_REQUEUE);
		KUNIT_EXPECT_NE(test, fake_queued_activations(&fx->ctx), 0U);
		for (i = 0; i < fx->ctx.nr_acts; i++)
			if (fx->ctx.acts[i]->queued)
				KUNIT_EXPECT_EQ_MSG(test, fx->ctx.acts[i]->delay_msecs,
						    cases[c].delay, "%s", cases[c].table);
		/* The controller is back: the group is used and no longer bypassed. */
		fx->ctx.dh_result = MP_DH_OK;
		fake_run_activations(&fx->ctx);
		KUNIT_EXPECT_EQ(test, fx_map_rq(fx, &io, &dev), MP_MAPIO_REMAPPED);
		mpc_end_io_rq(fx->core, &io, 0);
		fx_destroy(test, fx);
	}
}

static struct kunit_case pg_init_cases[] = {
	KUNIT_CASE(test_handler_tables),
	KUNIT_CASE(test_pg_init_holds_io),
	KUNIT_CASE(test_pg_init_retries),
	KUNIT_CASE(test_pg_init_answers),
	KUNIT_CASE(test_pg_init_done_last_touch),
	KUNIT_CASE(test_pg_init_delay_after_bypass),
	{}
};

static struct kunit_suite pg_init_suite = {
	.name = "dm-mpath-cpp-pg-init",
	.test_cases = pg_init_cases,
};
kunit_test_suite(pg_init_suite);
