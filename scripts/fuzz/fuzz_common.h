/* SPDX-License-Identifier: GPL-2.0 */
/* Helpers shared by the fuzz harnesses: dm's argument splitting, building
 * and tearing down a target as the glue does, status text, invariants. */
#ifndef MPATH_FUZZ_COMMON_H
#define MPATH_FUZZ_COMMON_H

#include <stddef.h>

#include "inspect.h"
#include "user_kernel_services.h"

/* dm_split_args() of drivers/md/dm-table.c: splits text in place. */
int fz_split_args(char *text, char ***argv);

struct fz_target {
	struct mpg_ctx ctx;
	struct mpc_core *core;
	const char *error;
	int bio_only;
	int refs_before;	/* device references before the constructor ran */
	int refs_held;		/* references the constructor took */
};

/* The module parameter io_timeout_msecs the constructor gets. */
extern unsigned int fz_module_io_timeout;
/* The kernel whose dm-multipath the targets follow (and the fake with them). */
extern enum mpath_interface fz_iface;

/* The constructor as glue/target.c calls it; 0 or its error.  A refusal must
 * leave no device reference and no activation behind. */
int fz_create(struct fz_target *t, const char *table, int bio_only);
/* mp_dtr(): flush pg_init, destroy; every reference must be dropped. */
void fz_destroy(struct fz_target *t);
/* Status text into a heap buffer of exactly maxlen bytes (ASan sees any
 * overrun); returns a malloc'ed copy of the text, which must fit. */
char *fz_status(struct fz_target *t, enum mpath_status_type type, unsigned int maxlen);
/* One message as dm core sends it (none while suspended: glue says EBUSY). */
int fz_message(struct fz_target *t, const char *text, unsigned int maxlen);

/*
 * Whether the table text reads back word for word.  The one free-text word
 * is a handler name in a table without paths: no handler ever checks it
 * (mainline neither) and it is printed raw, so an escaped blank or a
 * backslash in it reads back as other words.
 */
int fz_text_round_trips(struct fz_target *t);

/*
 * A handler adopted from a path (retain_attached_hw_handler) is named in
 * the table text; loaded again, it is attached to every path, which fails
 * on a path without a SCSI handler layer that was parsed before the
 * adoption.  Mainline prints and refuses the same: whether error, from
 * loading t's text again, is that case.
 */
int fz_reload_may_refuse(struct fz_target *t, const char *error);

/* Invariants that hold between any two operations. */
void fz_check_invariants(struct fz_target *t);

#endif
