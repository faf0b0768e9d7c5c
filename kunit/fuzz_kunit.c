// SPDX-License-Identifier: GPL-2.0
/*
 * Random and mutated tables and messages through the real constructor and
 * message code: each table is accepted or refused with an error, nothing
 * leaks (device references and allocations are counted), an accepted
 * table's text is accepted again and reads back the same, and random
 * messages and I/O on it keep the target sane.  Seeded, so a failure
 * names the seed and iteration that reproduces it.
 */
#include <kunit/test.h>
#include <linux/atomic.h>
#include <linux/kernel.h>
#include <linux/prandom.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "fixture.h"

#define FUZZ_SEED 0x6d706174u
#define FUZZ_TABLES 3000
#define FUZZ_MAX_WORDS 48
#define FUZZ_OPS 24
#define FUZZ_MAX_IOS 8

static const char *const seed_tables[] = {
	"0 0 1 1 round-robin 0 2 1 8:0 1 8:16 1",
	"1 queue_if_no_path 0 2 1 round-robin 0 1 1 8:0 1000 service-time 0 1 2 8:16 100 4",
	"2 queue_mode bio 0 1 1 queue-length 0 2 1 8:0 1 8:16 1",
	"4 pg_init_retries 3 pg_init_delay_msecs 100 1 alua 2 1 round-robin 0 1 1 8:0 1 "
	"round-robin 0 1 1 8:16 1",
	"1 retain_attached_hw_handler 0 2 2 historical-service-time 0 1 1 8:0 1 "
	"historical-service-time 2 2 1000 2 1 8:16 1 8:32 1",
	"0 0 1 1 io-affinity 0 1 1 8:0 1",
	"3 queue_if_no_path queue_mode rq 0 3 3 round-robin 0 1 1 8:0 1 queue-length 0 1 1 "
	"8:16 1 service-time 0 2 2 8:32 1 1 8:48 5 2",
	"3 io_timeout_msecs 200 queue_if_no_path 0 1 1 round-robin 0 4 1 8:0 1 8:16 1 8:32 1 8:48 1",
};

/* Words a mutation may put anywhere: grammar words and edge values. */
static const char *const dictionary[] = {
	"0", "1", "2", "3", "8", "-1", "50", "51", "60001", "600001", "4294967296",
	"99999999999999999999", "0x10", "+1", "", "x", "queue_if_no_path",
	"retain_attached_hw_handler", "pg_init_retries", "pg_init_delay_msecs",
	"queue_mode", "io_timeout_msecs", "bio", "rq", "mq", "round-robin",
	"queue-length", "service-time", "historical-service-time", "io-affinity",
	"alua", "emc", "8:0", "8:16", "8:32", "8:48", "8:64", "/dev/nonexistent", "8:",
	":0", "1:2:3",
};

static const char *const message_words[] = {
	"fail_path", "reinstate_path", "queue_if_no_path", "fail_if_no_path",
	"switch_group", "enable_group", "disable_group", "io_timeout_msecs", "stats",
	"FAIL_PATH", "nosuch",
};

struct fuzz {
	struct kunit *test;
	struct rnd_state rnd;
	unsigned int iteration;
	unsigned int accepted, refused, messages, ios;
	char text[640];
	char copy[640];
	char words[FUZZ_MAX_WORDS][24];
	unsigned int nr_words;
};

static unsigned int pick(struct fuzz *fz, unsigned int n)
{
	return prandom_u32_state(&fz->rnd) % n;
}

static const char *any_word(struct fuzz *fz)
{
	return dictionary[pick(fz, ARRAY_SIZE(dictionary))];
}

static void split_seed(struct fuzz *fz, const char *table)
{
	const char *p = table;

	fz->nr_words = 0;
	while (*p && fz->nr_words < FUZZ_MAX_WORDS) {
		size_t len = strcspn(p, " ");

		if (len)
			strscpy(fz->words[fz->nr_words++], p,
				min(len + 1, sizeof(fz->words[0])));
		p += len;
		p += strspn(p, " ");
	}
}

/* One random edit of the word list. */
static void mutate(struct fuzz *fz)
{
	unsigned int i = fz->nr_words ? pick(fz, fz->nr_words) : 0;
	unsigned int j;

	switch (pick(fz, 8)) {
	case 6:
	case 7:
	case 0:		/* replace */
		if (fz->nr_words)
			strscpy(fz->words[i], any_word(fz), sizeof(fz->words[0]));
		break;
	case 1:		/* delete */
		if (fz->nr_words) {
			memmove(fz->words[i], fz->words[i + 1],
				(fz->nr_words - i - 1) * sizeof(fz->words[0]));
			fz->nr_words--;
		}
		break;
	case 2:		/* insert */
		if (fz->nr_words < FUZZ_MAX_WORDS) {
			memmove(fz->words[i + 1], fz->words[i],
				(fz->nr_words - i) * sizeof(fz->words[0]));
			strscpy(fz->words[i], any_word(fz), sizeof(fz->words[0]));
			fz->nr_words++;
		}
		break;
	case 3:		/* a number one off */
		if (fz->nr_words) {
			long v;

			if (!kstrtol(fz->words[i], 10, &v))
				scnprintf(fz->words[i], sizeof(fz->words[0]), "%ld",
					  v + (pick(fz, 2) ? 1 : -1));
		}
		break;
	case 4:		/* swap two words */
		j = fz->nr_words ? pick(fz, fz->nr_words) : 0;
		if (fz->nr_words) {
			char tmp[sizeof(fz->words[0])];

			memcpy(tmp, fz->words[i], sizeof(tmp));
			memcpy(fz->words[i], fz->words[j], sizeof(tmp));
			memcpy(fz->words[j], tmp, sizeof(tmp));
		}
		break;
	default:	/* truncate */
		fz->nr_words = i;
		break;
	}
}

static void join(struct fuzz *fz)
{
	unsigned int i, len = 0;

	fz->text[0] = '\0';
	for (i = 0; i < fz->nr_words; i++)
		len += scnprintf(fz->text + len, sizeof(fz->text) - len, "%s%s",
				 i ? " " : "", fz->words[i]);
}

/* Runs queued pg_init work until none is left, as the workqueue would. */
static void settle_pg_init(struct fixture *fx)
{
	unsigned int rounds = 0;

	while (fake_run_activations(&fx->ctx) && ++rounds < 64)
		;
}

struct fuzz_io {
	struct mpath_io io;
	int live;
};

static void end_io(struct fuzz *fz, struct fixture *fx, int bio_mode, struct fuzz_io *fio)
{
	static const unsigned char statuses[] = { 0, 0, 0, STS_IOERR, STS_MEDIUM };
	unsigned char sts = statuses[pick(fz, ARRAY_SIZE(statuses))];
	int r;

	if (bio_mode) {
		r = mpc_end_io_bio(fx->core, (struct bio *)fx, &fio->io, &sts);
		KUNIT_EXPECT_TRUE_MSG(fz->test, r == MP_ENDIO_DONE || r == MP_ENDIO_REQUEUE ||
				      r == MP_ENDIO_INCOMPLETE, "seed %u: end_io_bio %d",
				      fz->iteration, r);
	} else if (pick(fz, 8) == 0) {
		mpc_release_rq(&fio->io);	/* dm-rq dropped the clone */
	} else {
		r = mpc_end_io_rq(fx->core, &fio->io, sts);
		KUNIT_EXPECT_TRUE_MSG(fz->test, r == MP_ENDIO_DONE || r == MP_ENDIO_REQUEUE ||
				      r == MP_ENDIO_DELAY_REQUEUE, "seed %u: end_io_rq %d",
				      fz->iteration, r);
	}
	fio->live = 0;
}

static void map_io(struct fuzz *fz, struct fixture *fx, int bio_mode, struct fuzz_io *fio)
{
	const char *dev;
	int r;

	memset(&fio->io, 0, sizeof(fio->io));
	fio->io.nr_bytes = 4096;
	r = bio_mode ? fx_map_bio(fx, &fio->io) : fx_map_rq(fx, &fio->io, &dev);
	KUNIT_EXPECT_TRUE_MSG(fz->test, r == MP_MAPIO_REMAPPED || r == MP_MAPIO_SUBMITTED ||
			      r == MP_MAPIO_REQUEUE || r == MP_MAPIO_DELAY_REQUEUE ||
			      r == MP_MAPIO_KILL, "iteration %u: map %d", fz->iteration, r);
	/* Only a remapped I/O went down a path and comes back through end_io. */
	fio->live = r == MP_MAPIO_REMAPPED;
	fz->ios++;
}

static void random_message(struct fuzz *fz, struct fixture *fx)
{
	static const char *const args[] = { "8:0", "8:16", "8:32", "8:48", "0", "1", "2",
					    "3", "200", "-1", "x" };
	char msg[64];
	int r;

	switch (pick(fz, 3)) {
	case 0:
		scnprintf(msg, sizeof(msg), "%s", message_words[pick(fz, ARRAY_SIZE(message_words))]);
		break;
	case 1:
		scnprintf(msg, sizeof(msg), "%s %s",
			  message_words[pick(fz, ARRAY_SIZE(message_words))],
			  args[pick(fz, ARRAY_SIZE(args))]);
		break;
	default:
		scnprintf(msg, sizeof(msg), "%s %s %s",
			  message_words[pick(fz, ARRAY_SIZE(message_words))],
			  args[pick(fz, ARRAY_SIZE(args))], args[pick(fz, ARRAY_SIZE(args))]);
		break;
	}
	r = fx_message(fz->test, fx, msg);
	KUNIT_EXPECT_TRUE_MSG(fz->test, r == 0 || r == 1 || r == -EINVAL || r == -ENXIO ||
			      r == -ENODEV, "iteration %u: message '%s' returned %d",
			      fz->iteration, msg, r);
	fz->messages++;
}

/* Messages, I/O, suspend and pg_init in random order on an accepted table. */
static void exercise(struct fuzz *fz, struct fixture *fx, int bio_mode)
{
	struct fuzz_io ios[FUZZ_MAX_IOS] = {};
	unsigned int op, i;

	for (op = 0; op < FUZZ_OPS; op++) {
		struct fuzz_io *fio = &ios[pick(fz, FUZZ_MAX_IOS)];

		switch (pick(fz, 7)) {
		case 0:
		case 1:
			random_message(fz, fx);
			break;
		case 2:
			if (fio->live)
				end_io(fz, fx, bio_mode, fio);
			else
				map_io(fz, fx, bio_mode, fio);
			break;
		case 3:
			settle_pg_init(fx);
			break;
		case 4:
			fx->ctx.noflush_suspending = pick(fz, 2);
			mpc_presuspend(fx->core);
			settle_pg_init(fx);
			mpc_flush_pg_init(fx->core);
			mpc_resume(fx->core);
			fx->ctx.noflush_suspending = 0;
			break;
		case 5:
			mpc_io_check(fx->core);
			break;
		default:
			KUNIT_EXPECT_TRUE(fz->test, mpc_busy(fx->core) == 0 || mpc_busy(fx->core) == 1);
			fx_status(fx, MP_STATUS_INFO);
			break;
		}
	}
	for (i = 0; i < FUZZ_MAX_IOS; i++)
		if (ios[i].live)
			end_io(fz, fx, bio_mode, &ios[i]);
	settle_pg_init(fx);
}

static void fuzz_one(struct fuzz *fz, struct fixture *fx, struct fixture *again, int bio_only)
{
	int live = atomic_read(&fake_live_allocs);
	int r;

	r = fx_create(fz->test, fx, fz->text, bio_only);
	if (r) {
		fz->refused++;
		KUNIT_EXPECT_TRUE_MSG(fz->test, fx->error && fx->error[0],
				      "iteration %u: '%s' refused (%d) without an error", fz->iteration,
				      fz->text, r);
		KUNIT_EXPECT_EQ_MSG(fz->test, atomic_read(&fake_live_allocs), live,
				    "iteration %u: refused '%s' leaked memory", fz->iteration, fz->text);
		return;
	}
	fz->accepted++;
	/* The table text reads back the same when fed in again. */
	strscpy(fz->copy, fx_status(fx, MP_STATUS_TABLE), sizeof(fz->copy));
	r = fx_create(fz->test, again, fz->copy, bio_only);
	KUNIT_EXPECT_EQ_MSG(fz->test, r, 0, "iteration %u: '%s' accepted, its table '%s' not: %s",
			    fz->iteration, fz->text, fz->copy, again->error);
	if (!r) {
		KUNIT_EXPECT_STREQ_MSG(fz->test, fx_status(again, MP_STATUS_TABLE), fz->copy,
				       "iteration %u: '%s'", fz->iteration, fz->text);
		fx_destroy(fz->test, again);
	}
	exercise(fz, fx, bio_only || strstr(fz->copy, "queue_mode bio"));
	fx_destroy(fz->test, fx);
	KUNIT_EXPECT_EQ_MSG(fz->test, atomic_read(&fake_live_allocs), live,
			    "iteration %u: '%s' leaked memory", fz->iteration, fz->text);
}

static void test_fuzz_tables_and_messages(struct kunit *test)
{
	struct fixture *fx = kunit_kzalloc(test, sizeof(*fx), GFP_KERNEL);
	struct fixture *again = kunit_kzalloc(test, sizeof(*again), GFP_KERNEL);
	struct fuzz *fz = kunit_kzalloc(test, sizeof(*fz), GFP_KERNEL);
	unsigned int i, m;

	KUNIT_ASSERT_NOT_NULL(test, fx);
	KUNIT_ASSERT_NOT_NULL(test, again);
	KUNIT_ASSERT_NOT_NULL(test, fz);
	fz->test = test;
	prandom_seed_state(&fz->rnd, FUZZ_SEED);
	fake_dh_preset("", 0);

	/* Every seed is valid: otherwise mutations explore only refusals. */
	for (i = 0; i < ARRAY_SIZE(seed_tables); i++) {
		KUNIT_ASSERT_EQ_MSG(test, fx_create(test, fx, seed_tables[i], 0), 0, "seed %s: %s",
				    seed_tables[i], fx->error);
		fx_destroy(test, fx);
	}

	for (fz->iteration = 0; fz->iteration < FUZZ_TABLES; fz->iteration++) {
		split_seed(fz, seed_tables[pick(fz, ARRAY_SIZE(seed_tables))]);
		/* Mostly one edit: tables are dense, more edits rarely parse. */
		for (m = pick(fz, 4) ? 1 : 2 + pick(fz, 2); m; m--)
			mutate(fz);
		join(fz);
		fuzz_one(fz, fx, again, pick(fz, 4) == 0);
	}
	kunit_info(test, "%u tables: %u accepted, %u refused; %u messages, %u I/Os",
		   FUZZ_TABLES, fz->accepted, fz->refused, fz->messages, fz->ios);
	/* The mutations must reach both outcomes in quantity. */
	KUNIT_EXPECT_GT(test, fz->accepted, FUZZ_TABLES / 20);
	KUNIT_EXPECT_GT(test, fz->refused, FUZZ_TABLES / 10);
}

static struct kunit_case fuzz_cases[] = {
	KUNIT_CASE(test_fuzz_tables_and_messages),
	{}
};

static struct kunit_suite fuzz_suite = {
	.name = "dm-mpath-cpp-fuzz",
	.test_cases = fuzz_cases,
};
kunit_test_suite(fuzz_suite);
