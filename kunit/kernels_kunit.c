// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of what the kernels' dm-multipath do differently
 * (enum mpath_interface): each case builds the same table as 6.1's, 6.12's
 * and 7.2's target and checks each kernel's answer, whatever kernel runs
 * the tests.
 */
#include <kunit/test.h>
#include <linux/string.h>

#include "fixture.h"

static const enum mpath_interface all_kernels[] = { MP_IFACE_6_1, MP_IFACE_6_12, MP_IFACE_7_2 };

/* The table text iface's target gives back for table. */
static void expect_table(struct kunit *test, const char *table, enum mpath_interface iface,
			 const char *want)
{
	struct fixture *fx = fx_new_on(test, table, 0, iface);

	KUNIT_EXPECT_STREQ_MSG(test, fx_status(fx, MP_STATUS_TABLE), want, "kernel %d: %s",
			       iface, table);
	fx_destroy(test, fx);
}

/* 7.2 accepts retain_attached_hw_handler, and then forgets it. */
static void test_retain_feature(struct kunit *test)
{
	static const char *const tables[] = {
		"1 retain_attached_hw_handler 0 1 1 round-robin 0 1 0 8:16",
		"3 retain_attached_hw_handler queue_mode bio 0 1 1 round-robin 0 1 0 8:16",
		"2 queue_mode bio 0 1 1 round-robin 0 1 0 8:16",
	};
	static const char *const before[] = {
		"1 retain_attached_hw_handler 0 1 1 round-robin 0 1 1 8:16 1 ",
		"3 retain_attached_hw_handler queue_mode bio 0 1 1 round-robin 0 1 1 8:16 1 ",
		/* Bio mode implies it before 7.2, and says so. */
		"3 retain_attached_hw_handler queue_mode bio 0 1 1 round-robin 0 1 1 8:16 1 ",
	};
	static const char *const since_7_2[] = {
		"0 0 1 1 round-robin 0 1 1 8:16 1 ",
		"2 queue_mode bio 0 1 1 round-robin 0 1 1 8:16 1 ",
		"2 queue_mode bio 0 1 1 round-robin 0 1 1 8:16 1 ",
	};

	for (unsigned int k = 0; k < ARRAY_SIZE(all_kernels); k++) {
		for (unsigned int i = 0; i < ARRAY_SIZE(tables); i++) {
			enum mpath_interface iface = all_kernels[k];

			expect_table(test, tables[i], iface,
				     iface >= MP_IFACE_7_2 ? since_7_2[i] : before[i]);
		}
	}
}

/* An attached handler: adopted by 7.2 without being asked, else left alone. */
static void test_attached_handler(struct kunit *test)
{
	const char *table = "0 0 1 1 round-robin 0 1 0 8:16";

	fake_dh_preset("alua", 0);
	expect_table(test, table, MP_IFACE_6_1, "0 0 1 1 round-robin 0 1 1 8:16 1 ");
	expect_table(test, table, MP_IFACE_6_12, "0 0 1 1 round-robin 0 1 1 8:16 1 ");
	expect_table(test, table, MP_IFACE_7_2, "0 1 alua 1 1 round-robin 0 1 1 8:16 1 ");
	fake_dh_preset(NULL, 0);
}

/*
 * A table handler on a path that is not SCSI (253:x, a dm device): the load
 * fails before 7.2; 7.2 drops the handler for the whole map, so no I/O
 * waits for a pg_init that cannot run.
 */
static void test_handler_on_non_scsi(struct kunit *test)
{
	const char *table = "0 1 alua 1 1 round-robin 0 2 0 8:16 253:0";
	struct fixture *fx = kunit_kzalloc(test, sizeof(*fx), GFP_KERNEL);
	struct mpath_io io = {};
	const char *dev;

	KUNIT_ASSERT_NOT_NULL(test, fx);
	KUNIT_EXPECT_EQ(test, fx_create_on(test, fx, table, 0, MP_IFACE_6_12), -ENODEV);
	KUNIT_EXPECT_STREQ(test, fx->error, "error attaching hardware handler");

	fx = fx_new_on(test, table, 0, MP_IFACE_7_2);
	KUNIT_EXPECT_STREQ(test, fx_status(fx, MP_STATUS_TABLE),
			   "0 0 1 1 round-robin 0 2 1 8:16 1 253:0 1 ");
	KUNIT_EXPECT_EQ(test, fx_map_rq(fx, &io, &dev), MP_MAPIO_REMAPPED);
	KUNIT_EXPECT_EQ(test, fx->ctx.dh_activations, 0U);
	mpc_end_io_rq(fx->core, &io, 0);
	fx_destroy(test, fx);
}

/*
 * fail_path/reinstate_path name a device: 6.1 opens it (a name must be a
 * device dm_get_device() finds, and the target holds a reference for the
 * message), 6.12 and later only compare its number.
 */
static void test_message_lookup(struct kunit *test)
{
	const char *table = "0 0 1 1 round-robin 0 2 0 8:16 8:32";

	for (unsigned int k = 0; k < ARRAY_SIZE(all_kernels); k++) {
		enum mpath_interface iface = all_kernels[k];
		struct fixture *fx = fx_new_on(test, table, 0, iface);
		int refs = fake_world_refs();

		/* The same device under another spelling of its number. */
		KUNIT_EXPECT_EQ(test, fx_message(test, fx, "fail_path 008:0032"), 0);
		KUNIT_EXPECT_STREQ(test, fx_status(fx, MP_STATUS_INFO),
				   "2 1 0 0 1 1 E 0 2 0 8:16 A 0 8:32 F 1 ");
		KUNIT_EXPECT_EQ(test, fx_message(test, fx, "reinstate_path 8:32"), 0);
		/* A device that is not a path of the map. */
		KUNIT_EXPECT_EQ(test, fx_message(test, fx, "fail_path 8:48"), -EINVAL);
		/* Not a device number, and no such block device. */
		KUNIT_EXPECT_EQ(test, fx_message(test, fx, "fail_path sdq"),
				iface >= MP_IFACE_6_12 ? -ENOENT : -ENODEV);
		KUNIT_EXPECT_EQ(test, fake_world_refs(), refs);
		/* 6.1 created 8:48 to open it; 6.12 never looked. */
		KUNIT_EXPECT_EQ(test, fake_find_dev("8:48") != NULL, iface == MP_IFACE_6_1);
		fx_destroy(test, fx);
	}
}

/* One probe as the glue runs it; failing: the paths whose read fails. */
static int probe(struct fixture *fx, int waited, int suspended, const char *failing,
		 char *probed, size_t len)
{
	int started = mpc_probe_start(fx->core, waited, suspended);
	struct mpc_path *path;
	struct mpg_dev *dev;
	unsigned int pos = 0;

	probed[0] = '\0';
	while (started && (dev = mpc_probe_next(fx->core, &pos, &path))) {
		strlcat(probed, mpg_dev_name(dev), len);
		strlcat(probed, " ", len);
		if (strstr(failing, mpg_dev_name(dev)))
			mpc_probe_path_failed(fx->core, path);
	}
	return mpc_probe_end(fx->core, started, 0);
}

/* DM_MPATH_PROBE_PATHS: which paths it reads, what it fails and answers. */
static void test_probe_paths(struct kunit *test)
{
	struct fixture *fx = fx_new_on(test, "0 0 1 1 round-robin 0 3 0 8:16 8:32 8:48", 0,
				       MP_IFACE_7_2);
	struct mpath_io io = {};
	const char *dev;
	char probed[64];

	/* No group chosen yet: nothing to probe, paths are left. */
	KUNIT_EXPECT_EQ(test, probe(fx, 0, 0, "", probed, sizeof(probed)), 0);
	KUNIT_EXPECT_STREQ(test, probed, "");

	KUNIT_EXPECT_EQ(test, fx_map_rq(fx, &io, &dev), MP_MAPIO_REMAPPED);
	mpc_end_io_rq(fx->core, &io, 0);
	KUNIT_EXPECT_EQ(test, fx_message(test, fx, "fail_path 8:48"), 0);
	/* Every active path of the current group, the failing one failed. */
	KUNIT_EXPECT_EQ(test, probe(fx, 0, 0, "8:32", probed, sizeof(probed)), 0);
	KUNIT_EXPECT_STREQ(test, probed, "8:16 8:32 ");
	KUNIT_EXPECT_STREQ(test, fx_status(fx, MP_STATUS_INFO),
			   "2 0 0 0 1 1 A 0 3 0 8:16 A 0 8:32 F 1 8:48 F 1 ");
	/* A probe that waited for one of the same group does not read again. */
	KUNIT_EXPECT_EQ(test, probe(fx, 1, 0, "", probed, sizeof(probed)), 0);
	KUNIT_EXPECT_STREQ(test, probed, "");
	/* Nor while suspended. */
	KUNIT_EXPECT_EQ(test, probe(fx, 0, 1, "", probed, sizeof(probed)), 0);
	KUNIT_EXPECT_STREQ(test, probed, "");
	/* The last path fails: no usable path is left. */
	KUNIT_EXPECT_EQ(test, probe(fx, 0, 0, "8:16", probed, sizeof(probed)), -ENOTCONN);
	KUNIT_EXPECT_STREQ(test, probed, "8:16 ");
	KUNIT_EXPECT_EQ(test, probe(fx, 1, 0, "", probed, sizeof(probed)), -ENOTCONN);
	fx_destroy(test, fx);
}

/*
 * A group switch by message while a probe runs waits for its end; I/O and
 * the status keep the current group meanwhile (7.2 names it first).
 */
static void test_probe_holds_switch(struct kunit *test)
{
	struct fixture *fx = fx_new_on(test, "0 0 2 1 round-robin 0 1 0 8:16 round-robin 0 1 0 8:32",
				       0, MP_IFACE_7_2);
	struct mpath_io io = {};
	struct mpc_path *path;
	unsigned int pos = 0;
	const char *dev;

	KUNIT_EXPECT_EQ(test, fx_map_rq(fx, &io, &dev), MP_MAPIO_REMAPPED);
	mpc_end_io_rq(fx->core, &io, 0);
	KUNIT_ASSERT_EQ(test, mpc_probe_start(fx->core, 0, 0), 1);
	KUNIT_EXPECT_EQ(test, fx_message(test, fx, "switch_group 2"), 0);
	KUNIT_EXPECT_STREQ(test, fx_status(fx, MP_STATUS_INFO),
			   "2 0 0 0 2 1 A 0 1 0 8:16 A 0 E 0 1 0 8:32 A 0 ");
	KUNIT_EXPECT_EQ(test, fx_map_rq(fx, &io, &dev), MP_MAPIO_REMAPPED);
	KUNIT_EXPECT_STREQ(test, dev, "8:16");
	mpc_end_io_rq(fx->core, &io, 0);
	/* The probe still reads the group it started on. */
	KUNIT_EXPECT_STREQ(test, mpg_dev_name(mpc_probe_next(fx->core, &pos, &path)), "8:16");
	KUNIT_EXPECT_EQ(test, mpc_probe_end(fx->core, 1, 0), 0);
	/* Then the switch happens. */
	KUNIT_EXPECT_STREQ(test, fx_status(fx, MP_STATUS_INFO),
			   "2 0 0 0 2 2 E 0 1 0 8:16 A 0 E 0 1 0 8:32 A 0 ");
	KUNIT_EXPECT_EQ(test, fx_map_rq(fx, &io, &dev), MP_MAPIO_REMAPPED);
	KUNIT_EXPECT_STREQ(test, dev, "8:32");
	mpc_end_io_rq(fx->core, &io, 0);
	fx_destroy(test, fx);
}

static struct kunit_case kernels_cases[] = {
	KUNIT_CASE(test_retain_feature),
	KUNIT_CASE(test_attached_handler),
	KUNIT_CASE(test_handler_on_non_scsi),
	KUNIT_CASE(test_message_lookup),
	KUNIT_CASE(test_probe_paths),
	KUNIT_CASE(test_probe_holds_switch),
	{}
};

static struct kunit_suite kernels_suite = {
	.name = "dm-mpath-cpp-kernels",
	.test_cases = kernels_cases,
};
kunit_test_suite(kernels_suite);
