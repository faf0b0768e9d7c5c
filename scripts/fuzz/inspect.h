/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Read-only view of a core instance's state for the harnesses' invariants.
 * inspect.cpp is compiled with -fno-access-control so the core needs no
 * accessor of its own; nothing here changes state.
 */
#ifndef MPATH_FUZZ_INSPECT_H
#define MPATH_FUZZ_INSPECT_H

#include "mpath_seam.h"

#ifdef __cplusplus
extern "C" {
#endif

#define INSP_TICK_SLOTS 8

struct insp_path {
	struct mpc_path *path;
	const struct mpg_dev *dev;
	unsigned int group;	/* index */
	int active;
	unsigned int fail_count;
	int has_activation;
	unsigned long in_flight;	/* queue-length, historical-service-time */
	unsigned long in_flight_bytes;	/* service-time */
	unsigned long in_flight_by_tick[INSP_TICK_SLOTS];
	int has_bio_ticks;
};

struct insp_group {
	int bypassed;
	unsigned int nr_paths;
	unsigned int first_path;	/* index into paths[] */
	unsigned int valid_count;	/* the selector's count of usable paths */
	int policy;			/* 0 rr, 1 ql, 2 st, 3 hst, 4 io-affinity */
	unsigned int num;
};

struct insp_state {
	unsigned int nr_groups;
	unsigned int nr_paths;
	struct insp_group *groups;	/* nr_groups entries */
	struct insp_path *paths;	/* nr_paths entries, group after group */
	int current_group;		/* index, -1 if none */
	int next_group;			/* index, -1 if none */
	int current_path;		/* index into paths[], -1 if none */
	unsigned int nr_valid_paths;
	int queue_io;
	int queue_if_no_path;
	int saved_queue_if_no_path;
	int pg_init_required;
	int pg_init_disabled;
	unsigned int pg_init_in_progress;
	unsigned int pg_init_count;
	int has_hw_handler;
	const char *hw_handler;		/* NULL if none */
	int bio_mode;
	unsigned int io_timeout_ms;
};

/* Fills st (arrays malloc'ed); insp_free() releases them. */
void insp_snapshot(struct mpc_core *core, struct insp_state *st) MPATH_NOEXCEPT;
void insp_free(struct insp_state *st) MPATH_NOEXCEPT;
/* Index of a path in a snapshot by its handle, -1 if none. */
int insp_path_index(const struct insp_state *st, const struct mpc_path *path) MPATH_NOEXCEPT;

#ifdef __cplusplus
}
#endif

#endif
