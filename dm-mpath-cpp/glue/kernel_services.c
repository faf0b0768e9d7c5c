// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel services for the C++ core that do not depend on a target instance:
 * memory, per-CPU counters, logging, formatting and parsing, time and CPU
 * masks.  Numbers are parsed and printed by the kernel's own sscanf/scnprintf
 * so the core accepts and prints exactly what mainline does.
 */
#include <linux/blk_types.h>
#include <linux/blkdev.h>
#include <linux/cpumask.h>
#include <linux/device-mapper.h>
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

/* The core's handle is the per-CPU array of nr longs itself. */
static long __percpu *to_percpu(const struct mpg_counters *counters)
{
	return (long __percpu __force *)counters;
}

struct mpg_counters *mpg_counters_alloc(unsigned int nr)
{
	might_sleep();
	return (struct mpg_counters __force *)__alloc_percpu_gfp(nr * sizeof(long),
								 __alignof__(long), GFP_KERNEL);
}

void mpg_counters_free(struct mpg_counters *counters)
{
	free_percpu(to_percpu(counters));
}

void mpg_counters_add(struct mpg_counters *counters, unsigned int idx, long delta)
{
	/* Safe against interrupts and migration: end_io may run in hardirq. */
	this_cpu_add(to_percpu(counters)[idx], delta);
}

void mpg_counters_inc2(struct mpg_counters *counters, unsigned int a, unsigned int b)
{
	this_cpu_inc(to_percpu(counters)[a]);
	this_cpu_inc(to_percpu(counters)[b]);
}

long mpg_counters_fetch_inc(struct mpg_counters *counters, unsigned int idx)
{
	return this_cpu_inc_return(to_percpu(counters)[idx]) - 1;
}

long mpg_counters_sum(const struct mpg_counters *counters, unsigned int idx)
{
	long sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += READ_ONCE(*per_cpu_ptr(to_percpu(counters) + idx, cpu));
	return sum;
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
