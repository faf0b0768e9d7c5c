// SPDX-License-Identifier: GPL-2.0
/*
 * The KUnit module's copy of the core allocates through these (Kbuild
 * renames mpg_alloc to counted_mpg_alloc and so on, for that copy only):
 * each asks the fake's contract first (only while a table is constructed,
 * never under the lock), then calls the real service and counts what the
 * core holds, so that the suites see a leak as a count that does not drop
 * back.  The module's own code carries no test hook.
 */
#include "fake/fake_seam.h"

atomic_t fake_live_allocs = ATOMIC_INIT(0);

void *counted_mpg_alloc(unsigned long size);
void counted_mpg_free(const void *ptr);
char *counted_mpg_strdup(const char *str);
struct mpg_io_counts *counted_mpg_io_counts_alloc(unsigned int nr);
void counted_mpg_io_counts_free(struct mpg_io_counts *counts);
int counted_mpg_cpumask_parse(const char *str, struct mpg_cpumask **mask);
void counted_mpg_cpumask_free(struct mpg_cpumask *mask);

void *counted_mpg_alloc(unsigned long size)
{
	void *ptr = fake_alloc_ok("mpg_alloc") ? mpg_alloc(size) : NULL;

	fake_count_alloc(ptr, 1);
	return ptr;
}

void counted_mpg_free(const void *ptr)
{
	fake_count_alloc(ptr, -1);
	mpg_free(ptr);
}

char *counted_mpg_strdup(const char *str)
{
	char *copy = fake_alloc_ok("mpg_strdup") ? mpg_strdup(str) : NULL;

	fake_count_alloc(copy, 1);
	return copy;
}

struct mpg_io_counts *counted_mpg_io_counts_alloc(unsigned int nr)
{
	struct mpg_io_counts *c = fake_alloc_ok("mpg_io_counts_alloc") ? mpg_io_counts_alloc(nr) : NULL;

	fake_count_alloc(c, 1);
	return c;
}

void counted_mpg_io_counts_free(struct mpg_io_counts *counts)
{
	fake_count_alloc(counts, -1);
	mpg_io_counts_free(counts);
}

int counted_mpg_cpumask_parse(const char *str, struct mpg_cpumask **mask)
{
	int r = fake_alloc_ok("mpg_cpumask_parse") ? mpg_cpumask_parse(str, mask) : -ENOMEM;

	if (!r)
		fake_count_alloc(*mask, 1);
	return r;
}

void counted_mpg_cpumask_free(struct mpg_cpumask *mask)
{
	fake_count_alloc(mask, -1);
	mpg_cpumask_free(mask);
}
