/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The target-independent kernel services of the seam (what
 * glue/kernel_services.c gives the core: allocation, per-CPU counters,
 * logging, text, time, CPUs, cpumasks) in userspace, for the fuzz harnesses
 * and core-bench; the per-target services are the fake's
 * (kunit/fake/fake_seam.h), as in the KUnit suites.  Number parsing and
 * cpumask text follow the kernel's own code (vsscanf "%u%c", bitmap_parse
 * and "%*pb") so that what the core accepts and prints here is what it
 * accepts and prints in the kernel.  The clock and the CPU are set by the
 * harness.
 */
#ifndef MPATH_USER_KERNEL_SERVICES_H
#define MPATH_USER_KERNEL_SERVICES_H

#include "fake_seam.h"

#ifdef __cplusplus
extern "C" {
#endif

#define UG_NR_CPUS 6		/* mpg_nr_cpu_ids(); two NUMA nodes of three */

/* blk_status_t values (include/linux/blk_types.h). */
enum {
	UG_STS_OK = 0,
	UG_STS_NOTSUPP = 1,
	UG_STS_TIMEOUT = 2,
	UG_STS_NOSPC = 3,
	UG_STS_TRANSPORT = 4,
	UG_STS_TARGET = 5,
	UG_STS_RESV_CONFLICT = 6,
	UG_STS_MEDIUM = 7,
	UG_STS_PROTECTION = 8,
	UG_STS_RESOURCE = 9,
	UG_STS_IOERR = 10,
	UG_STS_DM_REQUEUE = 11,
	UG_STS_AGAIN = 12,
	UG_STS_DEV_RESOURCE = 13,
	UG_STS_ZONE_RESOURCE = 14,
	UG_STS_OFFLINE = 15,
	UG_STS_DURATION_LIMIT = 16,
};

/* A new run: the fake's world (devices, allocation rules), clock and CPU. */
void ug_world_reset(void);
extern unsigned long long ug_now;
extern unsigned int ug_cpu;

/* Aborts with a message: a breach of the seam's contract or an invariant. */
void ug_bug(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
extern int ug_verbose;

#ifdef __cplusplus
}
#endif

#endif
