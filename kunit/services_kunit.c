// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the per-CPU services whose memory does not grow with the
 * paths: the I/O counts and the turn cache.
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

/* A rotation that keeps its slot takes consecutive turns. */
static void test_turns_consecutive(struct kunit *test)
{
	static char key;
	unsigned int first, i, bad = 0;

	migrate_disable();
	first = mpg_next_turn(&key);
	for (i = 1; i <= 100; i++)
		bad += mpg_next_turn(&key) != first + i;
	migrate_enable();
	KUNIT_EXPECT_EQ(test, bad, 0U);
}

/*
 * More rotations than the cache has slots, taking turns one after another:
 * they keep taking each other's slots, and each must still spread its
 * choice between two paths (a turn counter carried over from the slot's
 * last user would give one rotation the same parity every time).
 */
static void test_turns_shared_slots(struct kunit *test)
{
	enum { KEYS = 64, ROUNDS = 200 };
	static char keys[KEYS];
	unsigned int *odd = kunit_kzalloc(test, KEYS * sizeof(*odd), GFP_KERNEL);
	unsigned int k, r;

	KUNIT_ASSERT_NOT_NULL(test, odd);
	migrate_disable();
	for (r = 0; r < ROUNDS; r++)
		for (k = 0; k < KEYS; k++)
			odd[k] += mpg_next_turn(&keys[k]) & 1;
	migrate_enable();
	/* Even chance per turn: outside 25%..75% of 200 is below 1e-12. */
	for (k = 0; k < KEYS; k++) {
		KUNIT_EXPECT_GE_MSG(test, odd[k], ROUNDS / 4U, "rotation %u", k);
		KUNIT_EXPECT_LE_MSG(test, odd[k], 3U * ROUNDS / 4, "rotation %u", k);
	}
}

static struct kunit_case services_cases[] = {
	KUNIT_CASE(test_io_counts),
	KUNIT_CASE(test_turns_consecutive),
	KUNIT_CASE(test_turns_shared_slots),
	{}
};

static struct kunit_suite services_suite = {
	.name = "dm-mpath-cpp-services",
	.test_cases = services_cases,
};
kunit_test_suite(services_suite);
