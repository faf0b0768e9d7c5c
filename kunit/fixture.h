/* SPDX-License-Identifier: GPL-2.0 */
/* Helpers of the KUnit suites: one target instance over fake glue. */
#ifndef MPATH_KUNIT_FIXTURE_H
#define MPATH_KUNIT_FIXTURE_H

#include <kunit/test.h>
#include "fake/fake_seam.h"

/* blk_status_t values used by the tests (include/linux/blk_types.h). */
#define STS_MEDIUM 7
#define STS_IOERR 10

struct fixture {
	struct mpg_ctx ctx;
	struct mpc_core *core;
	const char *error;
	char buf[512];
};

int fx_split(struct kunit *test, const char *text, char ***argv);
/*
 * Builds a target from table; 0 or the constructor's error (fx->error).
 * _on: as the dm-multipath of iface's kernel, with the fake behaving like
 * that kernel; otherwise 6.1's.
 */
int fx_create_on(struct kunit *test, struct fixture *fx, const char *table, int bio_only,
		 enum mpath_interface iface);
int fx_create(struct kunit *test, struct fixture *fx, const char *table, int bio_only);
/* create() that must succeed. */
struct fixture *fx_new_on(struct kunit *test, const char *table, int bio_only,
			  enum mpath_interface iface);
struct fixture *fx_new(struct kunit *test, const char *table, int bio_only);
/* Destroys the target and checks that every device reference was dropped. */
void fx_destroy(struct kunit *test, struct fixture *fx);
const char *fx_status(struct fixture *fx, enum mpath_status_type type);
int fx_message(struct kunit *test, struct fixture *fx, const char *text);
/*
 * Maps one request-mode I/O; returns the DM code, *dev the path used.  The
 * suites drive both units through one target (the core's decisions do not
 * depend on the unit): the fake's I/O mode follows the unit mapped last.
 */
int fx_map_rq(struct fixture *fx, struct mpath_io *io, const char **dev);
int fx_map_bio(struct fixture *fx, struct mpath_io *io);
/* Live allocations the core holds (kunit/counted_alloc.c). */
extern atomic_t fake_live_allocs;

#endif
