/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Differences between the kernels the glue builds against, in one place.
 * Feature tests over version numbers: distribution kernels carry backports.
 * MP_HAVE_* come from Kbuild's probes (dm-mpath-cpp/glue/probes/) for what
 * a macro cannot show.
 */
#ifndef DM_MPATH_CPP_COMPAT_H
#define DM_MPATH_CPP_COMPAT_H

/* bio_integrity(): <linux/bio-integrity.h> since 6.12, included by this one. */
#include <linux/blk-integrity.h>
#include <linux/device-mapper.h>
#include <linux/dm-ioctl.h>
#include <linux/workqueue.h>

#include "mpath_seam.h"

/*
 * The kernel's own dm-multipath, which the targets reproduce: 7.2's comes
 * with DM_MPATH_PROBE_PATHS, 6.12's looks message paths up by number.
 */
#if defined(DM_MPATH_PROBE_PATHS)
#define MP_KERNEL_IFACE		MP_IFACE_7_2
#define MP_PROBE_PATHS		DM_MPATH_PROBE_PATHS
#define MP_TARGET_VERSION	{ 1, 15, 0 }
#define MP_TARGET_ATOMIC_WRITES	DM_TARGET_ATOMIC_WRITES
#elif defined(MP_HAVE_DM_DEVT_FROM_PATH)
#define MP_KERNEL_IFACE		MP_IFACE_6_12
#define MP_PROBE_PATHS		(~0U)	/* no such command */
#define MP_TARGET_VERSION	{ 1, 14, 0 }
#define MP_TARGET_ATOMIC_WRITES	0
#else
#define MP_KERNEL_IFACE		MP_IFACE_6_1
#define MP_PROBE_PATHS		(~0U)
#define MP_TARGET_VERSION	{ 1, 14, 0 }
#define MP_TARGET_ATOMIC_WRITES	0
#endif

/*
 * 7.2 warns about a workqueue that says neither WQ_PERCPU nor WQ_UNBOUND;
 * older kernels have no flag for per-CPU, their default.
 */
#ifdef MP_HAVE_WQ_PERCPU
#define MP_WQ_PERCPU	WQ_PERCPU
#else
#define MP_WQ_PERCPU	0
#endif

/*
 * prepare_ioctl: 7.2 passes the command, and a target may answer it itself
 * (*forward = false).  mp_prepare_ioctl() (target.c) takes it in one form.
 */
struct mp_ioctl {
	unsigned int cmd;	/* 0 where the kernel does not say */
	unsigned long arg;
	bool *forward;		/* NULL where the kernel always forwards */
};

int mp_prepare_ioctl(struct dm_target *ti, struct block_device **bdev,
		     const struct mp_ioctl *ioc);

#ifdef MP_HAVE_PREPARE_IOCTL_CMD
static inline int mp_prepare_ioctl_hook(struct dm_target *ti, struct block_device **bdev,
					unsigned int cmd, unsigned long arg, bool *forward)
{
	struct mp_ioctl ioc = { .cmd = cmd, .arg = arg, .forward = forward };

	return mp_prepare_ioctl(ti, bdev, &ioc);
}
#else
static inline int mp_prepare_ioctl_hook(struct dm_target *ti, struct block_device **bdev)
{
	struct mp_ioctl ioc = { 0 };

	return mp_prepare_ioctl(ti, bdev, &ioc);
}
#endif

/* A device number without opening the device (6.12's message lookup). */
#ifdef MP_HAVE_DM_DEVT_FROM_PATH
static inline int mp_devt_from_path(const char *path, dev_t *devt)
{
	return dm_devt_from_path(path, devt);
}
#else
/* Only MP_IFACE_6_12 and later ask for it. */
static inline int mp_devt_from_path(const char *path, dev_t *devt)
{
	return -EOPNOTSUPP;
}
#endif

#endif /* DM_MPATH_CPP_COMPAT_H */
