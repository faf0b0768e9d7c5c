// SPDX-License-Identifier: GPL-2.0
/*
 * Table parser harness.  Input: the target's parameter string (what follows
 * "<start> <len> multipath" in a table line), split as dm core splits it,
 * fed to the constructor of both targets (multipath and bio_multipath).
 * An accepted table is shown (info, table, IMA status, also into short
 * buffers) and destroyed; its table text must be accepted again and come
 * out the same (round trip).  Then each allocating service call of the
 * constructor is failed in turn: the refusal must be clean.  Leaks are
 * LeakSanitizer's; device references and activations are checked here.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"

#define STATUS_MAX 65536

static void show_all(struct fz_target *t, unsigned int seed)
{
	static const enum mpath_status_type types[] = { MP_STATUS_INFO, MP_STATUS_TABLE,
							MP_STATUS_IMA };

	for (unsigned int i = 0; i < 3; i++) {
		char *full = fz_status(t, types[i], STATUS_MAX);
		size_t len = strlen(full);
		unsigned int small = (unsigned int)(seed % (len + 2));
		char *part;

		if (len >= STATUS_MAX - 1)
			ug_bug("status text fills %u bytes", STATUS_MAX);
		/* Like DMEMIT: a short buffer holds a prefix of the text. */
		part = fz_status(t, types[i], small);
		if (part && strncmp(part, full, strlen(part)))
			ug_bug("truncated status is not a prefix: \"%s\" of \"%s\"", part, full);
		free(part);
		free(full);
		seed = seed * 1103515245u + 12345u;
	}
}

static void one_target(const char *text, int bio_only, unsigned int seed)
{
	struct fz_target t, t2;
	char *table, *table2;

	unsigned int allocs;

	ug_world_reset();
	fake_fail_nth_alloc(0);
	if (fz_create(&t, text, bio_only)) {
		if (!t.error)
			ug_bug("table refused without an error message");
		return;
	}
	allocs = fake_allocs_done();
	fz_check_invariants(&t);
	show_all(&t, seed);
	table = fz_status(&t, MP_STATUS_TABLE, STATUS_MAX);

	/* Round trip on the same devices (handlers stay attached, as in the
	 * kernel): the text must be accepted and come out the same. */
	if (fz_text_round_trips(&t)) {
		int r2 = fz_create(&t2, table, bio_only);

		if (r2 && fz_reload_may_refuse(&t, t2.error)) {
			fz_destroy(&t);
			free(table);
			goto alloc_failures;
		}
		if (r2)
			ug_bug("%s refuses its own table text \"%s\": %s",
			       bio_only ? "bio_multipath" : "multipath", table, t2.error);
		table2 = fz_status(&t2, MP_STATUS_TABLE, STATUS_MAX);
		if (strcmp(table, table2))
			ug_bug("table text changes when loaded again:\n  input  \"%s\"\n"
			       "  first  \"%s\"\n  second \"%s\"", text, table, table2);
		fz_destroy(&t2);
		free(table2);
	}
	fz_destroy(&t);
	free(table);

alloc_failures:
	/* Every allocating service call may fail: a clean refusal or a table. */
	for (unsigned int n = 1; n <= allocs && n <= 64; n++) {
		ug_world_reset();
		fake_fail_nth_alloc(n);
		if (!fz_create(&t, text, bio_only)) {
			show_all(&t, seed);
			fz_destroy(&t);
		}
	}
	fake_fail_nth_alloc(0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text;
	unsigned int seed = 0;

	if (size > 16384)
		return 0;
	text = malloc(size + 1);
	memcpy(text, data, size);
	text[size] = '\0';	/* an ioctl string ends at its first NUL */
	for (size_t i = 0; i < size; i++)
		seed = seed * 31 + data[i];
	/* The module parameter: off, set, or out of range (then off). */
	fz_module_io_timeout = seed % 3 == 0 ? 0 : seed % 3 == 1 ? 100 : 600001;
	fz_iface = (enum mpath_interface)(seed / 3 % (MP_IFACE_7_2 + 1));
	one_target(text, 0, seed);
	one_target(text, 1, seed);
	free(text);
	return 0;
}
