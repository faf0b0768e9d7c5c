// SPDX-License-Identifier: GPL-2.0
/*
 * The per-I/O cost of the core's fast path, timeout off and on, measured
 * in userspace: the C++ core built with -O2 over the fuzz harnesses' glue
 * (scripts/fuzz/user_glue.c), a request-based and a bio-based map over 2 or
 * 4 paths with round-robin, and a loop of map + end_io with no device
 * below.  What one I/O costs the target itself, without the noise of a VM;
 * the glue's stand-ins (per-CPU counters, clone) cost about what the
 * kernel's do.
 *
 *   core-bench [IOS] [ROUNDS]     (defaults 2000000 and 9)
 *
 * Rounds alternate off and on; the median of each is printed, with the
 * difference in ns per I/O.  Built and run by scripts/bench/core-bench.sh.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fuzz_common.h"

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* ns per map + end_io, over ios I/Os on a fresh map of table. */
static double run(const char *table, int bio, unsigned long ios)
{
	struct fz_target t;
	struct mpath_io io;
	struct request *clone;
	char token;
	double t0, t1;

	if (fz_create(&t, table, bio)) {
		fprintf(stderr, "core-bench: table refused (%s): %s\n", t.error, table);
		exit(2);
	}
	mpc_resume(t.core);
	fake_io_ctx = &t.ctx;
	memset(&io, 0, sizeof(io));
	t0 = now_ns();
	for (unsigned long i = 0; i < ios; i++) {
		unsigned char sts = 0;

		t.ctx.cur_bio = &token;
		if ((bio ? mpc_map_bio(t.core, (struct bio *)&token, &io) :
			   mpc_map_rq(t.core, (struct request *)&token, &io, &clone)) !=
		    MP_MAPIO_REMAPPED) {
			fprintf(stderr, "core-bench: I/O %lu not remapped\n", i);
			exit(2);
		}
		if ((bio ? mpc_end_io_bio(t.core, (struct bio *)&token, &io, &sts) :
			   mpc_end_io_rq(t.core, &io, 0)) != MP_ENDIO_DONE) {
			fprintf(stderr, "core-bench: I/O %lu not done\n", i);
			exit(2);
		}
	}
	t1 = now_ns();
	t.ctx.cur_bio = NULL;
	fz_destroy(&t);
	return (t1 - t0) / ios;
}

int main(int argc, char **argv)
{
	unsigned long ios = argc > 1 ? strtoul(argv[1], NULL, 0) : 2000000;
	unsigned int rounds = argc > 2 ? strtoul(argv[2], NULL, 0) : 9;
	/* One priority group's paths: count, then the table's path list. */
	static const struct {
		unsigned int count;
		const char *table;
	} paths[] = {
		{ 2, "2 1 8:0 1 8:16 1" },
		{ 4, "4 1 8:0 1 8:16 1 8:32 1 8:48 1" },
	};
	static const char *const features[] = { "0", "2 io_timeout_msecs 1000" };
	double res[2][64];
	char table[256];

	if (!ios || !rounds || rounds > 64) {
		fprintf(stderr, "usage: core-bench [IOS] [ROUNDS<=64]\n");
		return 2;
	}
	printf("mode     paths  timeout off (ns/IO)  on (ns/IO)  on - off  on/off  (median of %u rounds of %lu I/Os)\n",
	       rounds, ios);
	for (int bio = 0; bio < 2; bio++)
		for (unsigned int p = 0; p < sizeof(paths) / sizeof(paths[0]); p++) {
			double med[2];

			for (unsigned int r = 0; r < rounds; r++)
				for (unsigned int k = 0; k < 2; k++) {
					/* alternate which goes first */
					unsigned int f = (r + k) % 2;

					snprintf(table, sizeof(table), "%s 0 1 1 round-robin 0 %s",
						 features[f], paths[p].table);
					res[f][r] = run(table, bio, ios);
				}
			for (unsigned int f = 0; f < 2; f++) {
				qsort(res[f], rounds, sizeof(double), cmp_double);
				med[f] = res[f][rounds / 2];
			}
			printf("%-7s  %5u  %19.1f  %10.1f  %+8.1f  %6.3f\n", bio ? "bio" : "request",
			       paths[p].count, med[0], med[1], med[1] - med[0], med[1] / med[0]);
		}
	return 0;
}
