// SPDX-License-Identifier: GPL-2.0
/*
 * failover-probe: time from a path going away to the next completed I/O.
 *
 *   failover-probe DEV WARMUP_MS AFTER_MS STATE_FILE [VALUE]
 *
 * Reads DEV with 4 KiB O_DIRECT preads at queue depth 1 (random offsets in
 * the first 64 MiB) for WARMUP_MS, then, with no I/O in flight, writes VALUE
 * (default "offline") to STATE_FILE (e.g. /sys/block/sdb/device/state),
 * issues the next read at once and keeps reading for AFTER_MS.
 *
 * Prints one line:
 *   failover_us=N base_us=N after_max_us=N ios=N errors=N
 * failover_us   from the return of the write to STATE_FILE to the completion
 *               of the first read issued after it (that read went to the
 *               path that just went away, failed there and was retried on
 *               another path by the multipath target)
 * base_us       median latency of the reads before the trigger
 * after_max_us  the longest read after the trigger (including the first)
 * errors        reads that failed (should be 0: the target retries)
 * Exit status 0 when the first read after the trigger succeeded.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static uint64_t rnd = 88172645463325252ull;

static off_t next_offset(void)
{
	rnd ^= rnd << 13;
	rnd ^= rnd >> 7;
	rnd ^= rnd << 17;
	return (off_t)(rnd % (64u * 256u)) * 4096;
}

/* One read; returns its latency in ns, counts a failure in *errors. */
static uint64_t one_read(int fd, void *buf, unsigned long *errors)
{
	uint64_t t0 = now_ns();
	ssize_t r = pread(fd, buf, 4096, next_offset());

	if (r != 4096)
		(*errors)++;
	return now_ns() - t0;
}

int main(int argc, char **argv)
{
	const char *value = argc > 5 ? argv[5] : "offline";
	unsigned long errors = 0, n = 0, cap = 1 << 20;
	uint64_t warm_ns, after_ns, end, t_trig, lat, first, max_after = 0;
	uint64_t *lats;
	char line[64];
	void *buf;
	int fd, sfd;

	if (argc < 5) {
		fprintf(stderr, "usage: %s DEV WARMUP_MS AFTER_MS STATE_FILE [VALUE]\n", argv[0]);
		return 2;
	}
	warm_ns = strtoull(argv[2], NULL, 10) * 1000000u;
	after_ns = strtoull(argv[3], NULL, 10) * 1000000u;
	fd = open(argv[1], O_RDONLY | O_DIRECT);
	if (fd < 0) {
		perror(argv[1]);
		return 2;
	}
	sfd = open(argv[4], O_WRONLY);
	if (sfd < 0) {
		perror(argv[4]);
		return 2;
	}
	lats = malloc(cap * sizeof(*lats));
	if (!lats || posix_memalign(&buf, 4096, 4096))
		return 2;

	end = now_ns() + warm_ns;
	while (now_ns() < end) {
		lat = one_read(fd, buf, &errors);
		if (n < cap)
			lats[n++] = lat;
	}

	/* sysfs wants the trailing newline (scsi's state attribute does) */
	snprintf(line, sizeof(line), "%s\n", value);
	if (write(sfd, line, strlen(line)) < 0) {
		perror("write state");
		return 2;
	}
	t_trig = now_ns();
	if (pread(fd, buf, 4096, next_offset()) != 4096)
		errors++;
	first = now_ns() - t_trig;
	max_after = first;
	end = now_ns() + after_ns;
	while (now_ns() < end) {
		lat = one_read(fd, buf, &errors);
		if (lat > max_after)
			max_after = lat;
	}

	qsort(lats, n, sizeof(*lats), cmp_u64);
	printf("failover_us=%llu base_us=%llu after_max_us=%llu ios=%lu errors=%lu\n",
	       (unsigned long long)(first / 1000),
	       (unsigned long long)(n ? lats[n / 2] / 1000 : 0),
	       (unsigned long long)(max_after / 1000), n, errors);
	return errors ? 1 : 0;
}
