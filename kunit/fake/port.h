/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the fake seam needs from its environment, for its two builds: the
 * KUnit module (kernel) and the userspace fuzz harnesses and benchmark.
 */
#ifndef MPATH_FAKE_PORT_H
#define MPATH_FAKE_PORT_H

#ifdef __KERNEL__
#include <linux/atomic.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/printk.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>

/* A real spinlock, so lockdep and DEBUG_ATOMIC_SLEEP watch the core too. */
typedef spinlock_t fake_spinlock_t;
#define fake_spin_init(l) spin_lock_init(l)
#define fake_spin_lock(l, flags) spin_lock_irqsave(l, flags)
#define fake_spin_unlock(l, flags) spin_unlock_irqrestore(l, flags)
#define fake_zalloc(size) kzalloc(size, GFP_KERNEL)
#define fake_free(ptr) kfree(ptr)
#define fake_strdup(str) kstrdup(str, GFP_KERNEL)
#define fake_snprintf scnprintf

/* A breach of the seam's contract: counted, and fails the test. */
extern atomic_t fake_breaches;
#define fake_breach(fmt, ...)						\
	do {								\
		atomic_inc(&fake_breaches);				\
		pr_err("fake seam: contract violated: " fmt "\n", ##__VA_ARGS__); \
	} while (0)
/* Allocations the core holds: the suites check the count drops back. */
extern atomic_t fake_live_allocs;
#define fake_count_alloc(ptr, delta)					\
	do {								\
		if (ptr)						\
			atomic_add(delta, &fake_live_allocs);		\
	} while (0)

#else /* userspace */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef int fake_spinlock_t;
#define fake_spin_init(l) (*(l) = 0)
#define fake_spin_lock(l, flags) ((void)(l), (flags) = 0x5a)
#define fake_spin_unlock(l, flags) ((void)(l), (void)(flags))
#define fake_zalloc(size) calloc(1, size)
#define fake_free(ptr) free(ptr)
#define fake_strdup(str) strdup(str)
#define fake_snprintf snprintf

/* Aborts: the sanitizers and the fuzzer report where. */
void ug_bug(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
#define fake_breach(fmt, ...) ug_bug(fmt, ##__VA_ARGS__)
/* LeakSanitizer finds what the core leaks. */
#define fake_count_alloc(ptr, delta) do { } while (0)
#endif

#endif
