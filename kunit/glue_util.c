// SPDX-License-Identifier: GPL-2.0
/* The real kernel services, built into the KUnit module as well. */
#include "../dm-mpath-cpp/glue_util.c"
