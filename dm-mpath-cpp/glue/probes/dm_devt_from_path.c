// SPDX-License-Identifier: GPL-2.0
/* Compiles if dm core can name a device number without opening it (6.12). */
#include <linux/device-mapper.h>

int (*mp_probe_fn)(const char *path, dev_t *dev_p) = dm_devt_from_path;
