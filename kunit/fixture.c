// SPDX-License-Identifier: GPL-2.0
/* Helpers of the KUnit suites: one target instance over fake glue. */
#include <kunit/test.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "fixture.h"

int fx_split(struct kunit *test, const char *text, char ***argv)
{
	int argc;

	*argv = argv_split(GFP_KERNEL, text, &argc);
	KUNIT_ASSERT_NOT_NULL(test, *argv);
	return argc;
}

/* The fake found no breach of the seam's contract, and nothing is left. */
static void fx_check_contract(struct kunit *test, struct fixture *fx)
{
	fake_ctx_fini(&fx->ctx);
	KUNIT_EXPECT_EQ_MSG(test, atomic_xchg(&fake_breaches, 0), 0,
			    "the core broke the seam's contract (see the log)");
}

int fx_create_on(struct kunit *test, struct fixture *fx, const char *table, int bio_only,
		 enum mpath_interface iface)
{
	struct mpc_create_args args = { .ctx = &fx->ctx, .iface = iface, .bio_only = bio_only };
	char **argv;
	int argc, r;

	/* A fresh world of devices when no target holds one. */
	if (!fake_world_refs())
		fake_world_reset();
	fake_set_kernel(iface);
	fake_ctx_init(&fx->ctx, 0);
	fx->core = NULL;
	argc = fx_split(test, table, &argv);
	fake_set_constructing(1);
	r = mpc_create(&args, argc, argv, &fx->core);
	fake_set_constructing(0);
	argv_free(argv);
	fx->error = args.error;
	fx->ctx.core = fx->core;
	fx->ctx.bio_mode = args.bio_mode;
	if (!r)
		mpc_start(fx->core);
	if (r) {
		fx->core = NULL;
		KUNIT_EXPECT_EQ_MSG(test, fake_dev_refs(&fx->ctx), 0, "leak: %s", table);
		fx_check_contract(test, fx);
	}
	return r;
}

int fx_create(struct kunit *test, struct fixture *fx, const char *table, int bio_only)
{
	return fx_create_on(test, fx, table, bio_only, MP_IFACE_6_1);
}

struct fixture *fx_new_on(struct kunit *test, const char *table, int bio_only,
			  enum mpath_interface iface)
{
	struct fixture *fx = kunit_kzalloc(test, sizeof(*fx), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, fx);
	KUNIT_ASSERT_EQ_MSG(test, fx_create_on(test, fx, table, bio_only, iface), 0, "%s: %s",
			    table, fx->error);
	return fx;
}

struct fixture *fx_new(struct kunit *test, const char *table, int bio_only)
{
	return fx_new_on(test, table, bio_only, MP_IFACE_6_1);
}

void fx_destroy(struct kunit *test, struct fixture *fx)
{
	mpc_destroy(fx->core);
	fx->core = NULL;
	KUNIT_EXPECT_EQ(test, fake_dev_refs(&fx->ctx), 0);
	fx_check_contract(test, fx);
	/* A flush may free the target as soon as pg_init reads as idle. */
	KUNIT_EXPECT_EQ_MSG(test, fx->ctx.calls_after_idle, 0U,
			    "pg_init completion used the target after reporting idle");
}

const char *fx_status(struct fixture *fx, enum mpath_status_type type)
{
	mpc_status(fx->core, type, "multipath", "1.14.0", fx->buf, sizeof(fx->buf));
	return fx->buf;
}

int fx_message(struct kunit *test, struct fixture *fx, const char *text)
{
	char **argv;
	int argc = fx_split(test, text, &argv);
	int r = mpc_message(fx->core, argc, argv, fx->buf, sizeof(fx->buf));

	argv_free(argv);
	return r;
}

/* Maps one request-mode I/O; returns the DM code, *dev the path used. */
int fx_map_rq(struct fixture *fx, struct mpath_io *io, const char **dev)
{
	struct request *clone = NULL;
	int r;

	fake_io_ctx = &fx->ctx;
	fx->ctx.bio_mode = 0;
	fx->ctx.last_remap = NULL;
	fake_rq_started(&fx->ctx, io);
	r = mpc_map_rq(fx->core, (struct request *)fx, io, &clone);
	*dev = r == MP_MAPIO_REMAPPED ? mpg_dev_name(fx->ctx.last_remap) : "";
	return r;
}

int fx_map_bio(struct fixture *fx, struct mpath_io *io)
{
	fake_io_ctx = &fx->ctx;
	fx->ctx.bio_mode = 1;
	return mpc_map_bio(fx->core, (struct bio *)fx, io);
}
