// SPDX-License-Identifier: GPL-2.0
/* The real target-independent kernel services, in the KUnit module too. */
#include "../dm-mpath-cpp/glue/kernel_services.c"
