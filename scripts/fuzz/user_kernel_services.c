// SPDX-License-Identifier: GPL-2.0
/*
 * The target-independent kernel services (glue/kernel_services.c) in
 * userspace, for the fuzz harnesses and core-bench: see
 * user_kernel_services.h.  Number parsing,
 * case folding and cpumask text follow the kernel's own code (vsscanf "%u%c",
 * the Latin-1 ctype table, bitmap_parse and "%*pb") so that what the core
 * accepts and prints here is what it accepts and prints in the kernel.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "user_kernel_services.h"

int ug_verbose;
unsigned long long ug_now;
unsigned int ug_cpu;


void ug_bug(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "\n==== seam contract / invariant violated: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	abort();
}

/* ---- allocation: legal and failed as the fake's contract says ---- */

void *mpg_alloc(unsigned long size)
{
	if (!fake_alloc_ok("mpg_alloc"))
		return NULL;
	return calloc(1, size ? size : 1);
}

void mpg_free(const void *ptr)
{
	free((void *)ptr);
}

char *mpg_strdup(const char *str)
{
	if (!fake_alloc_ok("mpg_strdup"))
		return NULL;
	return strdup(str);
}

/*
 * Per-CPU I/O counts as in the kernel: a 16-bit copy per simulated CPU,
 * read as signed, that carries into the total.  The carry is small here so
 * that the fuzzers and the benchmark take it often.
 */
#define UG_IO_CARRY 8

struct mpg_io_counts {
	unsigned int nr;
	struct {
		long total;
		uint16_t local[UG_NR_CPUS];
	} c[];
};

struct mpg_io_counts *mpg_io_counts_alloc(unsigned int nr)
{
	struct mpg_io_counts *counts;

	if (!nr)
		ug_bug("mpg_io_counts_alloc(0)");
	if (!fake_alloc_ok("mpg_io_counts_alloc"))
		return NULL;
	counts = calloc(1, sizeof(*counts) + nr * sizeof(counts->c[0]));
	if (counts)
		counts->nr = nr;
	return counts;
}

void mpg_io_counts_free(struct mpg_io_counts *counts)
{
	free(counts);
}

void mpg_io_counts_inc(struct mpg_io_counts *counts, unsigned int idx)
{
	uint16_t *local;

	if (idx >= counts->nr)
		ug_bug("I/O count %u of %u", idx, counts->nr);
	local = &counts->c[idx].local[mpg_this_cpu()];
	if ((int16_t)++*local >= UG_IO_CARRY) {
		counts->c[idx].total += UG_IO_CARRY;
		*local -= UG_IO_CARRY;
	}
}

unsigned long mpg_io_counts_read(const struct mpg_io_counts *counts, unsigned int idx)
{
	long sum;

	if (idx >= counts->nr)
		ug_bug("I/O count %u of %u", idx, counts->nr);
	sum = counts->c[idx].total;
	for (unsigned int cpu = 0; cpu < UG_NR_CPUS; cpu++)
		sum += (int16_t)counts->c[idx].local[cpu];
	return (unsigned long)sum;
}

/*
 * The per-CPU turn cache, with two slots per simulated CPU so that
 * rotations collide often.
 */
#define UG_TURN_SLOTS 2

static struct {
	unsigned long long key[UG_TURN_SLOTS];
	unsigned int turn[UG_TURN_SLOTS];
} ug_turns[UG_NR_CPUS];
static unsigned long long ug_turn_keys;

unsigned long long mpg_turn_key_new(void)
{
	return ++ug_turn_keys;
}

int mpg_next_turn(unsigned long long key, unsigned int *turn)
{
	unsigned int cpu = mpg_this_cpu();
	unsigned int slot = (unsigned int)(key % UG_TURN_SLOTS);

	if (ug_turns[cpu].key[slot] != key)
		return 0;
	*turn = ug_turns[cpu].turn[slot]++;
	return 1;
}

void mpg_start_turns(unsigned long long key, unsigned int turn)
{
	unsigned int cpu = mpg_this_cpu();
	unsigned int slot = (unsigned int)(key % UG_TURN_SLOTS);

	ug_turns[cpu].key[slot] = key;
	ug_turns[cpu].turn[slot] = turn + 1;
}

/* ---- text ---- */

/*
 * Every log line is formatted (so the sanitizers see its arguments used)
 * and reaches stderr only with verbose output: "mpath WHAT: TEXT".
 */
static void ug_vlog(const char *what, const char *fmt, va_list ap)
{
	char buf[512];

	vsnprintf(buf, sizeof(buf), fmt, ap);
	if (ug_verbose)
		fprintf(stderr, "mpath %s: %s\n", what, buf);
}

void mpg_log(enum mpath_log_level level, const char *fmt, ...)
{
	static const char *const levels[] = { "error", "warning", "info" };
	va_list ap;

	va_start(ap, fmt);
	ug_vlog(levels[level], fmt, ap);
	va_end(ap);
}

void mpg_selector_warn(const char *selector, int ratelimited, const char *fmt, ...)
{
	va_list ap;

	(void)ratelimited;
	va_start(ap, fmt);
	ug_vlog(selector, fmt, ap);
	va_end(ap);
}

static int vscnprintf_k(char *buf, unsigned long size, const char *fmt, va_list ap)
{
	int i = vsnprintf(buf, size, fmt, ap);

	if (i < 0)
		ug_bug("vsnprintf failed on \"%s\"", fmt);
	if ((unsigned long)i < size)
		return i;
	return size ? (int)size - 1 : 0;
}

int mpg_scnprintf(char *buf, unsigned long size, const char *fmt, ...)
{
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = vscnprintf_k(buf, size, fmt, ap);
	va_end(ap);
	return len;
}

/* The kernel's ctype (lib/ctype.c): Latin-1 letters and spaces count. */
static int k_isspace(unsigned char c)
{
	return (c >= 9 && c <= 13) || c == 32 || c == 160;
}

static int k_isdigit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static unsigned char k_tolower(unsigned char c)
{
	if ((c >= 'A' && c <= 'Z') || (c >= 192 && c <= 222 && c != 215))
		return c + 32;
	return c;
}

/* sscanf(str, "%u%c", value, &dummy) == 1, as lib/vsprintf.c does it: 0 or -EINVAL. */
int mpg_parse_uint(const char *str, unsigned int *value)
{
	const unsigned char *s = (const unsigned char *)str;
	unsigned long long v = 0;

	if (!*s)
		return -EINVAL;
	while (k_isspace(*s))
		s++;
	if (!k_isdigit(*s))
		return -EINVAL;
	while (k_isdigit(*s))
		v = v * 10 + (*s++ - '0');	/* wraps, like simple_strntoull */
	*value = (unsigned int)v;
	return *s == '\0' ? 0 : -EINVAL;
}

/* blk_path_error(): every error but these is the path's fault. */
int mpg_blk_path_error(unsigned char status)
{
	switch (status) {
	case UG_STS_NOTSUPP:
	case UG_STS_NOSPC:
	case UG_STS_TARGET:
	case UG_STS_RESV_CONFLICT:
	case UG_STS_MEDIUM:
	case UG_STS_PROTECTION:
		return 0;
	}
	return 1;
}

/* ---- time and CPUs ---- */

unsigned long long mpg_now_ns(void)
{
	return ug_now;
}

unsigned int mpg_this_cpu(void)
{
	return ug_cpu % UG_NR_CPUS;
}

unsigned int mpg_nr_cpu_ids(void)
{
	return UG_NR_CPUS;
}

int mpg_cpu_to_node(unsigned int cpu)
{
	return cpu / 3;
}

/*
 * struct cpumask of a distribution kernel (CPUMASK_OFFSTACK): nr_cpu_ids
 * bits.  Parsing is bitmap_parse(buf, UINT_MAX, bits, nr_cpu_ids).
 */
struct mpg_cpumask {
	unsigned int bits;
};

static int hex_to_bin(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = k_tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static int end_of_region(unsigned char c)
{
	return k_isspace(c) || c == ',';
}

static int bitmap_parse_k(const char *start, unsigned int *bits, unsigned int nmaskbits)
{
	const char *end = start + strcspn(start, "\n") - 1;
	int chunks = (nmaskbits + 31) / 32;	/* 1 */
	unsigned int chunk_val = 0;

	*bits = 0;
	for (int chunk = 0;; chunk++) {
		unsigned int ret = 0;
		int i, c;

		while (start <= end && end_of_region(*end))
			end--;
		if (start > end)
			break;
		if (!chunks--)
			return -EOVERFLOW;
		for (i = 0; i < 32; i += 4) {
			c = hex_to_bin(*end--);
			if (c < 0)
				return -EINVAL;
			ret |= (unsigned int)c << i;
			if (start > end || end_of_region(*end))
				goto out;
		}
		if (hex_to_bin(*end--) >= 0)
			return -EOVERFLOW;
out:
		chunk_val = ret;
		if (chunk == 0)
			*bits = chunk_val;
	}
	/* unset_bit = 32 >= nmaskbits: bits at or above nmaskbits overflow. */
	if (*bits >> nmaskbits)
		return -EOVERFLOW;
	return 0;
}

int mpg_cpumask_parse(const char *str, struct mpg_cpumask **mask)
{
	struct mpg_cpumask *m;

	if (!fake_alloc_ok("mpg_cpumask_parse"))
		return -ENOMEM;
	m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	if (bitmap_parse_k(str, &m->bits, UG_NR_CPUS)) {
		free(m);
		return -EINVAL;
	}
	*mask = m;
	return 0;
}

void mpg_cpumask_free(struct mpg_cpumask *mask)
{
	free(mask);
}

unsigned int mpg_cpumask_next(int cpu, const struct mpg_cpumask *mask)
{
	for (unsigned int c = (unsigned int)(cpu + 1); c < UG_NR_CPUS; c++)
		if (mask->bits & (1U << c))
			return c;
	return MPG_CPU_NONE;
}

/* "%*pb " with nr_cpu_ids bits: one chunk of 6 bits, two hex digits. */
int mpg_cpumask_scnprintf(char *buf, unsigned long size, const struct mpg_cpumask *mask)
{
	return mpg_scnprintf(buf, size, "%0*x ", (UG_NR_CPUS + 3) / 4,
			     mask->bits & ((1U << UG_NR_CPUS) - 1));
}

void ug_world_reset(void)
{
	fake_world_reset();
	ug_now = 1000000000ULL;
	ug_cpu = 0;
	memset(ug_turns, 0, sizeof(ug_turns));
	ug_turn_keys = 0;
}
