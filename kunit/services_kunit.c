// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the per-CPU services whose memory does not grow with the
 * paths: the I/O counts and the turn cache (how the rotations share it is
 * tested with the selectors).
 */
#include <kunit/test.h>

#include "mpath_seam.h"

/* Counts cross the per-CPU carry (2^14) and stay exact, each on its own. */
static void test_io_counts(struct kunit *test)
{
	struct mpg_io_counts *counts = mpg_io_counts_alloc(3);
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, counts);
	for (i = 0; i < 40000; i++)
		mpg_io_counts_inc(counts, 1);
	mpg_io_counts_inc(counts, 2);
	KUNIT_EXPECT_EQ(test, mpg_io_counts_read(counts, 0), 0UL);
	KUNIT_EXPECT_EQ(test, mpg_io_counts_read(counts, 1), 40000UL);
	KUNIT_EXPECT_EQ(test, mpg_io_counts_read(counts, 2), 1UL);
	mpg_io_counts_free(counts);
}

/* A new key misses; once started, it takes consecutive turns. */
static void test_turns_consecutive(struct kunit *test)
{
	unsigned long long key = mpg_turn_key_new();
	unsigned int turn = 0, i, bad = 0;
	int hit;

	KUNIT_EXPECT_NE(test, key, 0ULL);
	KUNIT_EXPECT_NE(test, mpg_turn_key_new(), key);
	migrate_disable();
	hit = mpg_next_turn(key, &turn);
	mpg_start_turns(key, 7);
	for (i = 1; i <= 100; i++)
		bad += !mpg_next_turn(key, &turn) || turn != 7 + i;
	migrate_enable();
	KUNIT_EXPECT_EQ(test, hit, 0);
	KUNIT_EXPECT_EQ(test, bad, 0U);
}

/*
 * More keys than the cache has slots: an evicted key misses, it never
 * gets another key's turn.
 */
static void test_turns_evicted(struct kunit *test)
{
	enum { KEYS = 64 };
	unsigned long long keys[KEYS];
	unsigned int k, turn, hits = 0, wrong = 0;

	for (k = 0; k < KEYS; k++)
		keys[k] = mpg_turn_key_new();
	migrate_disable();
	for (k = 0; k < KEYS; k++)
		mpg_start_turns(keys[k], 1000 * k);
	for (k = 0; k < KEYS; k++) {
		if (!mpg_next_turn(keys[k], &turn))
			continue;
		hits++;
		wrong += turn != 1000 * k + 1;
	}
	migrate_enable();
	KUNIT_EXPECT_EQ(test, wrong, 0U);
	KUNIT_EXPECT_LE(test, hits, 32U);
	KUNIT_EXPECT_GT(test, hits, 0U);
}

static struct kunit_case services_cases[] = {
	KUNIT_CASE(test_io_counts),
	KUNIT_CASE(test_turns_consecutive),
	KUNIT_CASE(test_turns_evicted),
	{}
};

static struct kunit_suite services_suite = {
	.name = "dm-mpath-cpp-services",
	.test_cases = services_cases,
};
kunit_test_suite(services_suite);
