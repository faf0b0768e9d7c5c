// SPDX-License-Identifier: GPL-2.0
/* Compiles if prepare_ioctl is told the command (7.2: targets may answer it). */
#include <linux/device-mapper.h>

static int probe(struct dm_target *ti, struct block_device **bdev,
		 unsigned int cmd, unsigned long arg, bool *forward)
{
	return 0;
}

struct target_type mp_probe_target = { .prepare_ioctl = probe };
