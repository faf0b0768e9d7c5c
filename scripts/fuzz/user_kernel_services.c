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
 * Per-CPU counters: one copy per simulated CPU, the one of ug_cpu updated,
 * so an I/O ending on another CPU leaves a negative copy as in the kernel.
 */
struct mpg_counters {
	unsigned int nr;
	long val[][UG_NR_CPUS];
};

struct mpg_counters *mpg_counters_alloc(unsigned int nr)
{
	struct mpg_counters *c;

	if (!fake_alloc_ok("mpg_counters_alloc"))
		return NULL;
	c = calloc(1, sizeof(*c) + nr * sizeof(c->val[0]));
	if (c)
		c->nr = nr;
	return c;
}

void mpg_counters_free(struct mpg_counters *counters)
{
	free(counters);
}

void mpg_counters_add(struct mpg_counters *counters, unsigned int idx, long delta)
{
	if (idx >= counters->nr)
		ug_bug("counter %u of %u", idx, counters->nr);
	counters->val[idx][mpg_this_cpu()] += delta;
}

void mpg_counters_inc2(struct mpg_counters *counters, unsigned int a, unsigned int b)
{
	if (a == b)
		ug_bug("counters_inc2 of counter %u twice", a);
	mpg_counters_add(counters, a, 1);
	mpg_counters_add(counters, b, 1);
}

long mpg_counters_fetch_inc(struct mpg_counters *counters, unsigned int idx)
{
	if (idx >= counters->nr)
		ug_bug("counter %u of %u", idx, counters->nr);
	return counters->val[idx][mpg_this_cpu()]++;
}

long mpg_counters_sum(const struct mpg_counters *counters, unsigned int idx)
{
	long sum = 0;

	if (idx >= counters->nr)
		ug_bug("counter %u of %u", idx, counters->nr);
	for (unsigned int cpu = 0; cpu < UG_NR_CPUS; cpu++)
		sum += counters->val[idx][cpu];
	return sum;
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
}
