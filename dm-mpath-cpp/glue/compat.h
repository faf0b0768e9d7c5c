/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Differences between the kernels the glue builds against, in one place.
 * Feature tests over version numbers: distribution kernels carry backports.
 */
#ifndef DM_MPATH_CPP_COMPAT_H
#define DM_MPATH_CPP_COMPAT_H

/* bio_integrity(): <linux/bio-integrity.h> since 6.12, included by this one. */
#include <linux/blk-integrity.h>

#endif /* DM_MPATH_CPP_COMPAT_H */
