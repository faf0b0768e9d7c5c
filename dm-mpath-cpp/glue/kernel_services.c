// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel services for the C++ core that do not depend on a target instance:
 * memory, per-CPU I/O counts and turns, logging, formatting and parsing,
 * time and CPU masks.  Numbers are parsed and printed by the kernel's own
 * sscanf/scnprintf so the core accepts and prints exactly what mainline does.
 */
#include <linux/blk_types.h>
#include <linux/blkdev.h>
#include <linux/cpumask.h>
#include <linux/device-mapper.h>
#include <linux/hash.h>
#include <linux/percpu.h>
#include <linux/ratelimit.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/topology.h>

#include "mpath_seam.h"

#define DM_MSG_PREFIX "multipath"

static_assert(MP_STS_RESOURCE == (__force int)BLK_STS_RESOURCE);
static_assert(MP_STS_IOERR == (__force int)BLK_STS_IOERR);

void *mpg_alloc(unsigned long size)
{
	/* Only table construction allocates: never from the I/O path. */
	might_sleep();
	return kzalloc(size, GFP_KERNEL);
}

void mpg_free(const void *ptr)
{
	kfree(ptr);
}

/*
 * A copy that reaches this carries into the total.  The copies are read as
 * signed, so an interrupt that carries between an increment and its carry
 * leaves the sum right.
 */
#define MPG_IO_CARRY (1 << 14)

struct mpg_io_counts {
	s16 __percpu *local;
	atomic_long_t total[];
};

struct mpg_io_counts *mpg_io_counts_alloc(unsigned int nr)
{
	struct mpg_io_counts *counts;

	might_sleep();
	counts = kzalloc(struct_size(counts, total, nr), GFP_KERNEL);
	if (!counts)
		return NULL;
	counts->local = __alloc_percpu_gfp(nr * sizeof(s16), __alignof__(s16), GFP_KERNEL);
	if (!counts->local) {
		kfree(counts);
		return NULL;
	}
	return counts;
}

void mpg_io_counts_free(struct mpg_io_counts *counts)
{
	if (!counts)
		return;
	free_percpu(counts->local);
	kfree(counts);
}

void mpg_io_counts_inc(struct mpg_io_counts *counts, unsigned int idx)
{
	/* Safe against interrupts and migration: each step is one this_cpu op. */
	if (unlikely(this_cpu_inc_return(counts->local[idx]) >= MPG_IO_CARRY)) {
		atomic_long_add(MPG_IO_CARRY, &counts->total[idx]);
		this_cpu_sub(counts->local[idx], MPG_IO_CARRY);
	}
}

unsigned long mpg_io_counts_read(const struct mpg_io_counts *counts, unsigned int idx)
{
	long sum = atomic_long_read(&counts->total[idx]);
	int cpu;

	for_each_possible_cpu(cpu)
		sum += READ_ONCE(*per_cpu_ptr(counts->local + idx, cpu));
	return sum;
}

#define MPG_TURN_BITS 5

struct mpg_turn_cache {
	u64 key[1 << MPG_TURN_BITS];	/* 0: empty; keys start at 1 */
	unsigned int turn[1 << MPG_TURN_BITS];
};

static DEFINE_PER_CPU(struct mpg_turn_cache, mpg_turns);
static atomic64_t mpg_turn_keys = ATOMIC64_INIT(0);

unsigned long long mpg_turn_key_new(void)
{
	return (u64)atomic64_inc_return(&mpg_turn_keys);
}

/*
 * Each step is one this_cpu op: an interrupt or a migration in between
 * costs at most one uneven turn, never a wrong memory access.
 */
int mpg_next_turn(unsigned long long key, unsigned int *turn)
{
	unsigned int slot = hash_64(key, MPG_TURN_BITS);

	if (unlikely(this_cpu_read(mpg_turns.key[slot]) != key))
		return 0;
	*turn = this_cpu_inc_return(mpg_turns.turn[slot]) - 1;
	return 1;
}

void mpg_start_turns(unsigned long long key, unsigned int turn)
{
	unsigned int slot = hash_64(key, MPG_TURN_BITS);

	this_cpu_write(mpg_turns.key[slot], key);
	this_cpu_write(mpg_turns.turn[slot], turn + 1);
}

void mpg_log(enum mpath_log_level level, const char *fmt, ...)
{
	struct va_format vaf;
	va_list args;

	va_start(args, fmt);
	vaf.fmt = fmt;
	vaf.va = &args;
	switch (level) {
	case MP_LOG_ERR:
		DMERR("%pV", &vaf);
		break;
	case MP_LOG_WARN:
		DMWARN("%pV", &vaf);
		break;
	default:
		DMINFO("%pV", &vaf);
		break;
	}
	va_end(args);
}

/* Each of mainline's selector modules has its DMWARN_LIMIT call site. */
static struct ratelimit_state selector_ratelimits[] = {
	RATELIMIT_STATE_INIT(selector_ratelimits[0], DEFAULT_RATELIMIT_INTERVAL,
			     DEFAULT_RATELIMIT_BURST),
	RATELIMIT_STATE_INIT(selector_ratelimits[1], DEFAULT_RATELIMIT_INTERVAL,
			     DEFAULT_RATELIMIT_BURST),
	RATELIMIT_STATE_INIT(selector_ratelimits[2], DEFAULT_RATELIMIT_INTERVAL,
			     DEFAULT_RATELIMIT_BURST),
	RATELIMIT_STATE_INIT(selector_ratelimits[3], DEFAULT_RATELIMIT_INTERVAL,
			     DEFAULT_RATELIMIT_BURST),
};
static const char *const selector_ratelimit_names[] = {
	"round-robin", "queue-length", "service-time", "io-affinity",
};
static_assert(ARRAY_SIZE(selector_ratelimits) == ARRAY_SIZE(selector_ratelimit_names));

void mpg_selector_warn(const char *selector, int ratelimited, const char *fmt, ...)
{
	struct ratelimit_state *rs = &selector_ratelimits[0];
	struct va_format vaf;
	va_list args;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(selector_ratelimit_names); i++)
		if (!strcmp(selector, selector_ratelimit_names[i]))
			rs = &selector_ratelimits[i];
	if (ratelimited && !__ratelimit(rs))
		return;
	va_start(args, fmt);
	vaf.fmt = fmt;
	vaf.va = &args;
	pr_warn(DM_NAME ": multipath %s: %pV\n", selector, &vaf);
	va_end(args);
}

int mpg_scnprintf(char *buf, unsigned long size, const char *fmt, ...)
{
	va_list args;
	int len;

	va_start(args, fmt);
	len = vscnprintf(buf, size, fmt, args);
	va_end(args);
	return len;
}

int mpg_parse_uint(const char *str, unsigned int *value)
{
	char dummy;

	return sscanf(str, "%u%c", value, &dummy) == 1 ? 0 : -EINVAL;
}

char *mpg_strdup(const char *str)
{
	return kstrdup(str, GFP_KERNEL);
}

int mpg_blk_path_error(unsigned char status)
{
	return blk_path_error((__force blk_status_t)status);
}

unsigned long long mpg_now_ns(void)
{
	return ktime_get_ns();
}

unsigned int mpg_this_cpu(void)
{
	/* Only a preference: a migration right after costs nothing but locality. */
	return raw_smp_processor_id();
}

unsigned int mpg_nr_cpu_ids(void)
{
	return nr_cpu_ids;
}

int mpg_cpu_to_node(unsigned int cpu)
{
	return cpu_to_node(cpu);
}

int mpg_cpumask_parse(const char *str, struct mpg_cpumask **mask)
{
	struct cpumask *m = kzalloc(cpumask_size(), GFP_KERNEL);

	if (!m)
		return -ENOMEM;
	if (cpumask_parse(str, m)) {
		kfree(m);
		return -EINVAL;
	}
	*mask = (struct mpg_cpumask *)m;
	return 0;
}

void mpg_cpumask_free(struct mpg_cpumask *mask)
{
	kfree(mask);
}

unsigned int mpg_cpumask_next(int cpu, const struct mpg_cpumask *mask)
{
	unsigned int next = cpumask_next(cpu, (const struct cpumask *)mask);

	return next < nr_cpumask_bits ? next : MPG_CPU_NONE;
}

int mpg_cpumask_scnprintf(char *buf, unsigned long size, const struct mpg_cpumask *mask)
{
	return scnprintf(buf, size, "%*pb ", cpumask_pr_args((const struct cpumask *)mask));
}
