// SPDX-License-Identifier: GPL-2.0
/* Compiles if workqueues have WQ_PERCPU (an enum value: #ifdef cannot tell). */
#include <linux/workqueue.h>

unsigned int mp_probe_flags = WQ_PERCPU;
