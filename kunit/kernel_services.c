// SPDX-License-Identifier: GPL-2.0
/* The real kernel services, built into the KUnit module as well. */
#include <linux/atomic.h>

#include "fake_glue.h"

/* Allocations the core holds: the suites check it drops back after each test. */
atomic_t fake_live_allocs = ATOMIC_INIT(0);
#define mpg_count_alloc(ptr, delta)					\
	do {								\
		if (ptr)						\
			atomic_add(delta, &fake_live_allocs);		\
	} while (0)

#include "../dm-mpath-cpp/glue/kernel_services.c"
