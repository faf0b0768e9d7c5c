// SPDX-License-Identifier: GPL-2.0
/* Helpers shared by the fuzz harnesses (fuzz_common.h). */
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"

unsigned int fz_module_io_timeout;
enum mpath_interface fz_iface = MP_IFACE_6_1;

static int k_isspace(unsigned char c)
{
	return (c >= 9 && c <= 13) || c == 32 || c == 160;
}

int fz_split_args(char *input, char ***argvp)
{
	char *start, *end = input, *out, **argv;
	unsigned int size = 16;
	int argc = 0;

	argv = malloc(size * sizeof(*argv));
	for (;;) {
		start = end;
		while (k_isspace(*start))
			start++;
		if (!*start)
			break;
		end = out = start;
		while (*end) {
			if (*end == '\\' && *(end + 1)) {
				*out++ = *(end + 1);
				end += 2;
				continue;
			}
			if (k_isspace(*end))
				break;
			*out++ = *end++;
		}
		if ((unsigned int)argc + 1 > size) {
			size *= 2;
			argv = realloc(argv, size * sizeof(*argv));
		}
		if (*end)
			end++;
		*out = '\0';
		argv[argc++] = start;
	}
	*argvp = argv;
	return argc;
}

static void check_no_activation(struct mpg_ctx *ctx, const char *when)
{
	for (unsigned int i = 0; i < ctx->nr_acts; i++)
		if (ctx->acts[i])
			ug_bug("%s: pg_init activation %u not freed", when, i);
}

int fz_create(struct fz_target *t, const char *table, int bio_only)
{
	struct mpc_create_args args;
	char *copy = strdup(table), **argv;
	int argc, r;

	memset(t, 0, sizeof(*t));
	fake_ctx_init(&t->ctx, 0);
	t->bio_only = bio_only;
	t->refs_before = fake_world_refs();
	argc = fz_split_args(copy, &argv);
	memset(&args, 0, sizeof(args));
	args.ctx = &t->ctx;
	args.iface = fz_iface;
	fake_set_kernel(fz_iface);
	args.bio_only = bio_only;
	args.io_timeout_ms = fz_module_io_timeout;
	fake_set_constructing(1);
	r = mpc_create(&args, (unsigned int)argc, argv, &t->core);
	fake_set_constructing(0);
	free(argv);
	free(copy);
	t->error = args.error;
	if (r > 0)
		ug_bug("constructor returned %d > 0", r);
	if (r) {
		t->core = NULL;
		if (fake_world_refs() != t->refs_before)
			ug_bug("refused table leaks %d device references: %s",
			       fake_world_refs() - t->refs_before, table);
		check_no_activation(&t->ctx, "refused table");
		if (t->ctx.locked)
			ug_bug("refused table left the lock held");
		return r;
	}
	if (bio_only && !args.bio_mode)
		ug_bug("bio_multipath built a request-based target");
	t->refs_held = fake_world_refs() - t->refs_before;
	t->ctx.bio_mode = args.bio_mode;
	t->ctx.core = t->core;
	mpc_start(t->core);
	return 0;
}

void fz_destroy(struct fz_target *t)
{
	int refs = fake_world_refs();

	fake_io_ctx = &t->ctx;
	mpc_flush_pg_init(t->core);
	mpc_destroy(t->core);
	t->core = NULL;
	if (refs - fake_world_refs() != t->refs_held)
		ug_bug("destroyed target dropped %d device references, it took %d",
		       refs - fake_world_refs(), t->refs_held);
	check_no_activation(&t->ctx, "destroyed target");
	fake_ctx_fini(&t->ctx);
}

char *fz_status(struct fz_target *t, enum mpath_status_type type, unsigned int maxlen)
{
	char *buf = malloc(maxlen ? maxlen : 1), *copy;
	size_t len;

	if (maxlen)
		memset(buf, 'X', maxlen);
	mpc_status(t->core, type, "multipath", "1.14.0", buf, maxlen);
	if (t->ctx.locked)
		ug_bug("status left the lock held");
	if (!maxlen) {
		free(buf);
		return NULL;
	}
	len = strnlen(buf, maxlen);
	if (len >= maxlen)
		ug_bug("status text not NUL-terminated within %u bytes", maxlen);
	copy = strdup(buf);
	free(buf);
	return copy;
}

int fz_message(struct fz_target *t, const char *text, unsigned int maxlen)
{
	char *copy = strdup(text), **argv, *result;
	int argc, r = 0;

	argc = fz_split_args(copy, &argv);
	/* dm core refuses empty messages and keeps "@..." ones for itself. */
	if (argc == 0 || argv[0][0] == '@') {
		free(argv);
		free(copy);
		return -22;
	}
	result = malloc(maxlen ? maxlen : 1);
	if (maxlen)
		result[0] = '\0';
	fake_io_ctx = &t->ctx;
	r = mpc_message(t->core, (unsigned int)argc, argv, result, maxlen);
	if (t->ctx.locked)
		ug_bug("message left the lock held");
	if (r == 1 && maxlen && strnlen(result, maxlen) >= maxlen)
		ug_bug("message result not NUL-terminated within %u bytes", maxlen);
	if (r > 1)
		ug_bug("message returned %d", r);
	free(result);
	free(argv);
	free(copy);
	return r;
}

int fz_text_round_trips(struct fz_target *t)
{
	struct insp_state st;
	int ok = 1;

	insp_snapshot(t->core, &st);
	for (const char *c = st.hw_handler; c && *c; c++)
		if (k_isspace((unsigned char)*c) || *c == '\\')
			ok = 0;
	insp_free(&st);
	return ok;
}

int fz_reload_may_refuse(struct fz_target *t, const char *error)
{
	struct insp_state st;
	int found = 0;

	if (!error || strcmp(error, "error attaching hardware handler"))
		return 0;
	insp_snapshot(t->core, &st);
	for (unsigned int p = 0; p < st.nr_paths; p++)
		found |= !st.paths[p].dev->scsi;
	insp_free(&st);
	return found;
}

void fz_check_invariants(struct fz_target *t)
{
	struct insp_state st;
	unsigned int active = 0;

	insp_snapshot(t->core, &st);
	if (t->ctx.locked)
		ug_bug("target lock held between operations");
	for (unsigned int g = 0; g < st.nr_groups; g++) {
		const struct insp_group *ig = &st.groups[g];
		unsigned int n = 0;

		for (unsigned int i = 0; i < ig->nr_paths; i++)
			n += st.paths[ig->first_path + i].active;
		if (ig->valid_count != n)
			ug_bug("group %u: selector counts %u usable paths, %u are", g + 1,
			       ig->valid_count, n);
		if (ig->num != g + 1)
			ug_bug("group %u numbered %u", g + 1, ig->num);
		active += n;
	}
	if (st.nr_valid_paths != active)
		ug_bug("nr_valid_paths %u but %u paths are active", st.nr_valid_paths, active);
	if (st.current_path == -2)
		ug_bug("current path is not a path of the table");
	if (st.current_path >= 0) {
		const struct insp_path *p = &st.paths[st.current_path];

		if (!p->active)
			ug_bug("current path %s is failed", p->dev->name);
		if (st.current_group >= 0 && p->group != (unsigned int)st.current_group)
			ug_bug("current path %s is in group %u, current group is %d",
			       p->dev->name, p->group + 1, st.current_group + 1);
	}
	if (st.pg_init_in_progress !=
	    fake_queued_activations(&t->ctx) + fake_pending_completions(&t->ctx))
		ug_bug("pg_init_in_progress %u, but %u activations queued and %u completing",
		       st.pg_init_in_progress, fake_queued_activations(&t->ctx),
		       fake_pending_completions(&t->ctx));
	if (!st.has_hw_handler && st.pg_init_in_progress)
		ug_bug("pg_init in progress without a hardware handler");
	if (st.pg_init_disabled)
		ug_bug("pg_init left disabled after a flush");
	if (st.io_timeout_ms && !t->ctx.io_check_period)
		ug_bug("io timeout %u ms but the check is stopped", st.io_timeout_ms);
	if (!st.io_timeout_ms && t->ctx.io_check_period)
		ug_bug("io timeout off but the check runs every %u ms", t->ctx.io_check_period);
	insp_free(&st);
}
