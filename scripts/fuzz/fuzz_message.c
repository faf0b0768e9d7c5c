// SPDX-License-Identifier: GPL-2.0
/*
 * Message parser harness.  Input: a table (first line; a leading '!' makes
 * it a bio_multipath target), then one message a line, split as dm core
 * splits them.  If the table is accepted, every message goes to the
 * message entry point (with result buffers of varying size), followed by
 * the invariant checks and the status text.  At the end the map's table
 * text must load again as itself, and destruction must be clean.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"

#define STATUS_MAX 65536

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz_target t, t2;
	char *text, *line, *next, *table, *table2;
	int bio_only = 0;
	unsigned int n = 0, sum = 0;

	if (size > 16384)
		return 0;
	text = malloc(size + 1);
	memcpy(text, data, size);
	text[size] = '\0';
	next = strchr(text, '\n');
	if (next)
		*next++ = '\0';
	line = text;
	if (*line == '!') {
		bio_only = 1;
		line++;
	}
	ug_world_reset();
	/* The kernel whose messages apply, chosen by the input. */
	for (size_t i = 0; i < size; i++)
		sum += data[i];
	fz_iface = (enum mpath_interface)(sum % (MP_IFACE_7_2 + 1));
	if (fz_create(&t, line, bio_only)) {
		free(text);
		return 0;
	}
	fz_check_invariants(&t);
	while (next && n++ < 256) {
		static const unsigned int sizes[] = { 4096, 1, 0, 17, 64, 200 };

		line = next;
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		fz_message(&t, line, sizes[n % 6]);
		fz_check_invariants(&t);
		free(fz_status(&t, MP_STATUS_INFO, STATUS_MAX));
	}

	table = fz_status(&t, MP_STATUS_TABLE, STATUS_MAX);
	if (fz_text_round_trips(&t)) {
		if (!fz_create(&t2, table, bio_only)) {
			table2 = fz_status(&t2, MP_STATUS_TABLE, STATUS_MAX);
			if (strcmp(table, table2))
				ug_bug("table text after messages changes when loaded again:\n"
				       "  first  \"%s\"\n  second \"%s\"", table, table2);
			fz_destroy(&t2);
			free(table2);
		} else if (!fz_reload_may_refuse(&t, t2.error)) {
			ug_bug("table text after messages is refused: \"%s\": %s", table, t2.error);
		}
	}
	free(table);
	fz_destroy(&t);
	free(text);
	return 0;
}
