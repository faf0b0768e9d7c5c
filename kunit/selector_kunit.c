// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the five path selectors through the core's entry points:
 * table arguments and errors, status text, which path each policy picks, the
 * accounting of dispatched and completed I/O, and the lockless fast path.
 */
#include <kunit/test.h>
#include <linux/kernel.h>
#include <linux/preempt.h>
#include <linux/string.h>

#include "fixture.h"

struct table_case {
	const char *table;
	const char *expected;	/* dmsetup table text, or the error */
};

static const struct table_case valid_tables[] = {
	{ "0 0 1 1 queue-length 0 2 1 8:16 1 8:32 5",
	  "0 0 1 1 queue-length 0 2 1 8:16 1 8:32 1 " },
	{ "0 0 1 1 queue-length 3 a b c 1 0 8:16", "0 0 1 1 queue-length 0 1 1 8:16 1 " },
	{ "0 0 1 1 service-time 0 2 2 8:16 1 0 8:32 0 100",
	  "0 0 1 1 service-time 0 2 2 8:16 1 0 8:32 0 100 " },
	{ "0 0 1 1 service-time 0 1 1 8:16 7", "0 0 1 1 service-time 0 1 2 8:16 1 1 " },
	{ "0 0 1 1 service-time 0 1 0 8:16", "0 0 1 1 service-time 0 1 2 8:16 1 1 " },
	{ "0 0 1 1 historical-service-time 0 1 0 8:16",
	  "0 0 1 1 historical-service-time 2 972 0 1 1 8:16 0 " },
	{ "0 0 1 1 historical-service-time 2 512 3 1 1 8:16 9",
	  "0 0 1 1 historical-service-time 2 512 3 1 1 8:16 0 " },
	{ "0 0 1 1 historical-service-time 1 0 1 0 8:16",
	  "0 0 1 1 historical-service-time 2 0 0 1 1 8:16 0 " },
	{ "0 0 1 1 io-affinity 0 1 1 8:16 1", "0 0 1 1 io-affinity 0 1 1 8:16 1 " },
	{ "0 0 2 1 queue-length 0 1 0 8:16 io-affinity 0 1 1 8:32 1",
	  "0 0 2 1 queue-length 0 1 1 8:16 1 io-affinity 0 1 1 8:32 1 " },
};

static const struct table_case bad_tables[] = {
	{ "0 0 1 1 queue-length 0 1 2 8:16 1 1", "queue-length ps: incorrect number of arguments" },
	{ "0 0 1 1 queue-length 0 1 1 8:16 1x", "queue-length ps: invalid repeat count" },
	{ "0 0 1 1 service-time 0 1 3 8:16 1 1 1",
	  "service-time ps: incorrect number of arguments" },
	{ "0 0 1 1 service-time 0 1 2 8:16 y 1", "service-time ps: invalid repeat count" },
	{ "0 0 1 1 service-time 0 1 2 8:16 1 101",
	  "service-time ps: invalid relative_throughput value" },
	{ "0 0 1 1 service-time 0 1 2 8:16 1 -1",
	  "service-time ps: invalid relative_throughput value" },
	{ "0 0 1 1 historical-service-time 0 1 2 8:16 1 1",
	  "historical-service-time ps: incorrect number of arguments" },
	{ "0 0 1 1 historical-service-time 0 1 1 8:16 z",
	  "historical-service-time ps: invalid repeat count" },
	{ "0 0 1 1 historical-service-time 1 1024 1 0 8:16", "path selector constructor failed" },
	{ "0 0 1 1 historical-service-time 2 1 x 1 0 8:16", "path selector constructor failed" },
	{ "0 0 1 1 historical-service-time 3 1 1 1 1 0 8:16", "path selector constructor failed" },
	{ "0 0 1 1 io-affinity 0 1 0 8:16", "io-affinity ps: invalid number of arguments" },
	{ "0 0 1 1 io-affinity 0 1 1 8:16 zz", "io-affinity ps: invalid cpumask" },
	{ "0 0 1 1 io-affinity 0 1 1 8:16 0", "io-affinity ps: No new/valid CPU mapping found" },
	/* CPU 0 is taken by the first path (the UML test kernel has one CPU). */
	{ "0 0 1 1 io-affinity 0 2 1 8:16 1 8:32 1",
	  "io-affinity ps: No new/valid CPU mapping found" },
	{ "0 0 1 1 round-robin 0 2 0 8:16 8:16", "duplicate path device" },
	{ "0 0 2 1 round-robin 0 1 0 8:16 queue-length 0 1 0 8:16", "duplicate path device" },
};

static void test_selector_tables(struct kunit *test)
{
	struct fixture *fx = kunit_kzalloc(test, sizeof(*fx), GFP_KERNEL);
	int i;

	KUNIT_ASSERT_NOT_NULL(test, fx);
	for (i = 0; i < ARRAY_SIZE(valid_tables); i++) {
		const struct table_case *c = &valid_tables[i];

		KUNIT_EXPECT_EQ_MSG(test, fx_create(test, fx, c->table, 0), 0, "%s: %s",
				    c->table, fx->error);
		if (!fx->core)
			continue;
		KUNIT_EXPECT_STREQ_MSG(test, fx_status(fx, MP_STATUS_TABLE), c->expected,
				       "table: %s", c->table);
		fx_destroy(test, fx);
	}
	for (i = 0; i < ARRAY_SIZE(bad_tables); i++) {
		const struct table_case *c = &bad_tables[i];
		int r = fx_create(test, fx, c->table, 0);

		KUNIT_EXPECT_LT_MSG(test, r, 0, "accepted: %s", c->table);
		if (!r) {
			fx_destroy(test, fx);
			continue;
		}
		KUNIT_EXPECT_STREQ_MSG(test, fx->error ? fx->error : "(none)", c->expected,
				       "table: %s", c->table);
	}
}

static void end_rq(struct fixture *fx, struct mpath_io *io)
{
	mpc_end_io_rq(fx->core, io, 0);
}

static void test_queue_length(struct kunit *test)
{
	struct fixture *fx = fx_new(test, "0 0 1 1 queue-length 0 2 0 8:16 8:32", 0);
	struct mpath_io io[4];
	const char *dev;

	KUNIT_EXPECT_STREQ(test, fx_status(fx, MP_STATUS_INFO),
			   "2 1 0 0 1 1 E 0 2 1 8:16 A 0 0 8:32 A 0 0 ");
	KUNIT_EXPECT_EQ(test, fx_map_rq(fx, &io[0], &dev), MP_MAPIO_REMAPPED);
	KUNIT_EXPECT_STREQ(test, dev, "8:16");
	KUNIT_EXPECT_EQ(test, fx_map_rq(fx, &io[1], &dev), MP_MAPIO_REMAPPED);
	KUNIT_EXPECT_STREQ(test, dev, "8:32");
	KUNIT_EXPECT_EQ(test, fx_map_rq(fx, &io[2], &dev), MP_MAPIO_REMAPPED);
	KUNIT_EXPECT_STREQ(test, fx_status(fx, MP_STATUS_INFO),
			   strcmp(dev, "8:16") ? "2 0 0 0 1 1 A 0 2 1 8:16 A 0 1 8:32 A 0 2 " :
						 "2 0 0 0 1 1 A 0 2 1 8:16 A 0 2 8:32 A 0 1 ");
	/* The least loaded path wins, wherever the scan starts. */
	end_rq(fx, &io[1]);
	end_rq(fx, &io[2]);
	KUNIT_EXPECT_EQ(test, fx_map_rq(fx, &io[1], &dev), MP_MAPIO_REMAPPED);
	KUNIT_EXPECT_STREQ(test, dev, "8:32");
	end_rq(fx, &io[0]);
	end_rq(fx, &io[1]);
	KUNIT_EXPECT_STREQ(test, fx_status(fx, MP_STATUS_INFO),
			   "2 0 0 0 1 1 A 0 2 1 8:16 A 0 0 8:32 A 0 0 ");

	/* dm-rq dropping a mapped clone gives its slot back. */
	KUNIT_EXPECT_EQ(test, fx_map_rq(fx, &io[0], &dev), MP_MAPIO_REMAPPED);
	mpc_release_rq(&io[0]);
	KUNIT_EXPECT_STREQ(test, fx_status(fx, MP_STATUS_INFO),
			   "2 0 0 0 1 1 A 0 2 1 8:16 A 0 0 8:32 A 0 0 ");
	/* A failed I/O is accounted once, then retried elsewhere. */
	KUNIT_EXPECT_EQ(test, fx_map_rq(fx, &io[0], &dev), MP_MAPIO_REMAPPED);
	KUNIT_EXPECT_EQ(test, mpc_end_io_rq(fx->core, &io[0], STS_IOERR), MP_ENDIO_REQUEUE);
	KUNIT_EXPECT_NULL(test, io[0].path);
	KUNIT_EXPECT_STREQ(test, fx_status(fx, MP_STATUS_INFO),
			   strcmp(dev, "8:16") ? "2 0 0 0 1 1 A 0 2 1 8:16 A 0 0 8:32 F 1 0 " :
						 "2 0 0 0 1 1 A 0 2 1 8:16 F 1 0 8:32 A 0 0 ");
	fx_destroy(test, fx);
}

static void test_service_time(struct kunit *test)
{
	struct fixture *fx;
	struct mpath_io io[4];
	const char *dev;
	int i;

	/* Throughput 0: only when no path with a positive one is left. */
	fx = fx_new(test, "0 0 1 1 service-time 0 2 2 8:16 1 0 8:32 1 1", 0);
	for (i = 0; i < 3; i++) {
		KUNIT_EXPECT_EQ(test, fx_map_rq(fx, &io[i], &dev), MP_MAPIO_REMAPPED);
		KUNIT_EXPECT_STREQ(test, dev, "8:32");
	}
	KUNIT_EXPECT_STREQ(test, fx_status(fx, MP_STATUS_INFO),
			   "2 0 0 0 1 1 A 0 2 2 8:16 A 0 0 0 8:32 A 0 12288 1 ");
	for (i = 0; i < 3; i++)
		end_rq(fx, &io[i]);
	KUNIT_EXPECT_EQ(test, fx_message(test, fx, "fail_path 8:32"), 0);
	KUNIT_EXPECT_EQ(test, fx_map_rq(fx, &io[0], &dev), MP_MAPIO_REMAPPED);
	KUNIT_EXPECT_STREQ(test, dev, "8:16");
	end_rq(fx, &io[0]);
	fx_destroy(test, fx);

	/*
	 * Throughputs 1 and 3: the estimate (in flight + 4 KiB) / throughput
	 * sends three 4 KiB I/Os to the faster path before one to the other.
	 */
	fx = fx_new(test, "0 0 1 1 service-time 0 2 2 8:16 1 1 8:32 1 3", 0);
	for (i = 0; i < 4; i++) {
		KUNIT_EXPECT_EQ(test, fx_map_rq(fx, &io[i], &dev), MP_MAPIO_REMAPPED);
		KUNIT_EXPECT_STREQ_MSG(test, dev, i < 3 ? "8:32" : "8:16", "I/O %d", i);
	}
	for (i = 0; i < 4; i++)
		end_rq(fx, &io[i]);
	KUNIT_EXPECT_STREQ(test, fx_status(fx, MP_STATUS_INFO),
			   "2 0 0 0 1 1 A 0 2 2 8:16 A 0 0 1 8:32 A 0 0 3 ");
	fx_destroy(test, fx);
}

static void test_historical_service_time(struct kunit *test)
{
	struct fixture *fx = fx_new(test, "0 0 1 1 historical-service-time 0 2 0 8:16 8:32", 0);
	unsigned long long hst, outstanding, stale;
	struct mpath_io io;
	const char *dev, *st;

	KUNIT_EXPECT_STREQ(test, fx_status(fx, MP_STATUS_INFO),
			   "2 1 0 0 1 1 E 2 972 0 2 3 8:16 A 0 1024 0 0 8:32 A 0 1024 0 0 ");
	KUNIT_EXPECT_EQ(test, fx_map_bio(fx, &io), MP_MAPIO_REMAPPED);
	KUNIT_EXPECT_NE(test, io.start_ns, 0ULL);
	dev = mpg_dev_name(fx->ctx.last_remap);
	st = fx_status(fx, MP_STATUS_INFO);
	KUNIT_EXPECT_NOT_NULL(test, strstr(st, strcmp(dev, "8:16") ? "8:32 A 0 1024 1 0 " :
								     "8:16 A 0 1024 1 0 "));
	/*
	 * A completion updates the estimate and marks the path fresh.  The
	 * I/O is made 2 ms old by its dispatch stamp: delays are not reliably
	 * calibrated on a loaded UML host.
	 */
	io.start_ns -= 2000000;
	{
		unsigned char sts = 0;

		KUNIT_EXPECT_EQ(test, mpc_end_io_bio(fx->core, (struct bio *)fx, &io, &sts),
				MP_ENDIO_DONE);
	}
	st = strstr(fx_status(fx, MP_STATUS_INFO), dev);
	KUNIT_ASSERT_NOT_NULL(test, st);
	KUNIT_ASSERT_EQ(test, sscanf(st + strlen(dev), " A 0 %llu %llu %llu", &hst, &outstanding,
				     &stale), 3);
	/* 52/1024 of a 2 ms (and a bit) sample, in ns with 10 fractional bits. */
	KUNIT_EXPECT_GE(test, hst, 2000000ULL * 52);
	KUNIT_EXPECT_LT(test, hst, 100000000ULL * 52);
	KUNIT_EXPECT_EQ(test, outstanding, 0ULL);
	KUNIT_EXPECT_GT(test, stale, 0ULL);
	fx_destroy(test, fx);
}

static void test_io_affinity(struct kunit *test)
{
	struct fixture *fx = fx_new(test,
		"0 0 1 1 io-affinity 0 1 1 8:16 1", 0);
	struct mpath_io io;
	const char *dev;

	KUNIT_EXPECT_EQ(test, fx_map_rq(fx, &io, &dev), MP_MAPIO_REMAPPED);
	KUNIT_EXPECT_STREQ(test, dev, "8:16");
	KUNIT_EXPECT_STREQ(test, fx_status(fx, MP_STATUS_INFO),
			   "2 0 0 0 1 1 A 0 1 1 8:16 A 0 0 ");
	end_rq(fx, &io);
	KUNIT_EXPECT_EQ(test, fx_message(test, fx, "fail_path 8:16"), 0);
	KUNIT_EXPECT_EQ(test, fx_map_rq(fx, &io, &dev), MP_MAPIO_KILL);
	fx_destroy(test, fx);
}

/* In steady state no I/O takes the target lock: not to map, not to end. */
static void test_lockless_fast_path(struct kunit *test)
{
	static const char *const tables[] = {
		"0 0 1 1 round-robin 0 2 0 8:16 8:32",
		"0 0 1 1 queue-length 0 2 0 8:16 8:32",
		"0 0 1 1 service-time 0 2 0 8:16 8:32",
		"0 0 1 1 historical-service-time 0 2 0 8:16 8:32",
		"0 0 1 1 io-affinity 0 1 1 8:16 1",
	};
	struct mpath_io io;
	const char *dev;
	int t, i;

	for (t = 0; t < ARRAY_SIZE(tables); t++) {
		struct fixture *fx = fx_new(test, tables[t], 0);
		unsigned int locks;

		/* The first I/O chooses the group, under the lock. */
		KUNIT_EXPECT_EQ(test, fx_map_rq(fx, &io, &dev), MP_MAPIO_REMAPPED);
		end_rq(fx, &io);
		locks = fx->ctx.locks;
		for (i = 0; i < 100; i++) {
			unsigned char sts = 0;

			KUNIT_EXPECT_EQ(test, fx_map_rq(fx, &io, &dev), MP_MAPIO_REMAPPED);
			end_rq(fx, &io);
			KUNIT_EXPECT_EQ(test, fx_map_bio(fx, &io), MP_MAPIO_REMAPPED);
			mpc_end_io_bio(fx->core, (struct bio *)fx, &io, &sts);
		}
		KUNIT_EXPECT_EQ_MSG(test, fx->ctx.locks, locks, "%s", tables[t]);
		fx_destroy(test, fx);
	}
}

/*
 * Round-robin takes the paths in turn, skipping a failed one.  The turn is
 * kept per CPU, so the test stays on one.
 */
static void test_round_robin_turns(struct kunit *test)
{
	static const char *const devs[] = { "8:16", "8:32", "8:48" };
	struct fixture *fx = fx_new(test, "0 0 1 1 round-robin 0 3 0 8:16 8:32 8:48", 0);
	const char *dev = "";
	struct mpath_io io;
	unsigned int first, i;

	/* No KUNIT_ASSERT until migrate_enable(): it would leave the test here. */
	migrate_disable();
	KUNIT_EXPECT_EQ(test, fx_map_rq(fx, &io, &dev), MP_MAPIO_REMAPPED);
	end_rq(fx, &io);
	for (first = 0; first < ARRAY_SIZE(devs) && strcmp(dev, devs[first]); first++)
		;
	if (first == ARRAY_SIZE(devs)) {
		KUNIT_FAIL(test, "first I/O went to %s", dev);
		goto out;
	}
	for (i = 1; i <= 7; i++) {
		KUNIT_EXPECT_EQ(test, fx_map_rq(fx, &io, &dev), MP_MAPIO_REMAPPED);
		KUNIT_EXPECT_STREQ(test, dev, devs[(first + i) % ARRAY_SIZE(devs)]);
		end_rq(fx, &io);
	}
	/* 8:32 failed: the turns go 8:16, 8:48, 8:16, ... */
	KUNIT_EXPECT_EQ(test, fx_message(test, fx, "fail_path 8:32"), 0);
	KUNIT_EXPECT_EQ(test, fx_map_rq(fx, &io, &dev), MP_MAPIO_REMAPPED);
	end_rq(fx, &io);
	for (i = 0; i < 6; i++) {
		const char *prev = dev;

		KUNIT_EXPECT_EQ(test, fx_map_rq(fx, &io, &dev), MP_MAPIO_REMAPPED);
		KUNIT_EXPECT_STRNEQ(test, dev, "8:32");
		KUNIT_EXPECT_STRNEQ(test, dev, prev);
		end_rq(fx, &io);
	}
out:
	migrate_enable();
	fx_destroy(test, fx);
}

/*
 * A new group's first I/O takes its first path, as mainline's does.  Then
 * more round-robin groups than the per-CPU turn cache has slots, one I/O
 * each in turn, keep evicting each other; each must still share its I/O
 * between its two paths (a rotation that restarted at the same turn after
 * every eviction would send all of it down one path).
 */
static void test_round_robin_shared_turns(struct kunit *test)
{
	enum { MAPS = 64, ROUNDS = 40 };
	struct fixture **fx = kunit_kcalloc(test, MAPS, sizeof(*fx), GFP_KERNEL);
	unsigned int *second = kunit_kcalloc(test, MAPS, sizeof(*second), GFP_KERNEL);
	struct mpath_io io;
	const char *dev;
	unsigned int m, r;

	KUNIT_ASSERT_NOT_NULL(test, fx);
	KUNIT_ASSERT_NOT_NULL(test, second);
	for (m = 0; m < MAPS; m++) {
		fx[m] = fx_new(test, "0 0 1 1 round-robin 0 2 1 8:16 1 8:32 1", 0);
		KUNIT_ASSERT_NOT_NULL(test, fx[m]);
	}
	migrate_disable();
	for (r = 0; r < ROUNDS; r++) {
		for (m = 0; m < MAPS; m++) {
			KUNIT_EXPECT_EQ(test, fx_map_rq(fx[m], &io, &dev), MP_MAPIO_REMAPPED);
			if (!r)
				KUNIT_EXPECT_STREQ(test, dev, "8:16");
			second[m] += !strcmp(dev, "8:32");
			end_rq(fx[m], &io);
		}
	}
	migrate_enable();
	for (m = 0; m < MAPS; m++) {
		KUNIT_EXPECT_GE_MSG(test, second[m], ROUNDS / 4U, "map %u", m);
		KUNIT_EXPECT_LE_MSG(test, second[m], 3U * ROUNDS / 4, "map %u", m);
		fx_destroy(test, fx[m]);
	}
}

static void test_busy(struct kunit *test)
{
	struct fixture *fx = fx_new(test, "1 queue_if_no_path 0 1 1 round-robin 0 2 0 8:16 8:32", 0);
	struct mpath_io io;
	const char *dev;

	/* No group chosen yet: do not guess, let mapping decide. */
	KUNIT_EXPECT_EQ(test, mpc_busy(fx->core), 0);
	KUNIT_EXPECT_EQ(test, fx_map_rq(fx, &io, &dev), MP_MAPIO_REMAPPED);
	end_rq(fx, &io);
	fake_dev(0)->busy = 1;
	KUNIT_EXPECT_EQ(test, mpc_busy(fx->core), 0);
	fake_dev(1)->busy = 1;
	KUNIT_EXPECT_EQ(test, mpc_busy(fx->core), 1);
	/* A failed path's business does not count. */
	fake_dev(1)->busy = 0;
	KUNIT_EXPECT_EQ(test, fx_message(test, fx, "fail_path 8:32"), 0);
	KUNIT_EXPECT_EQ(test, mpc_busy(fx->core), 1);
	/* Queueing without paths: request mode delays in map(), not here. */
	KUNIT_EXPECT_EQ(test, fx_message(test, fx, "fail_path 8:16"), 0);
	KUNIT_EXPECT_EQ(test, mpc_busy(fx->core), 0);
	fx_destroy(test, fx);
}

static struct kunit_case selector_cases[] = {
	KUNIT_CASE(test_selector_tables),
	KUNIT_CASE(test_queue_length),
	KUNIT_CASE(test_service_time),
	KUNIT_CASE(test_historical_service_time),
	KUNIT_CASE(test_io_affinity),
	KUNIT_CASE(test_lockless_fast_path),
	KUNIT_CASE(test_round_robin_turns),
	KUNIT_CASE(test_round_robin_shared_turns),
	KUNIT_CASE(test_busy),
	{}
};

static struct kunit_suite selector_suite = {
	.name = "dm-mpath-cpp-selectors",
	.test_cases = selector_cases,
};
kunit_test_suite(selector_suite);
