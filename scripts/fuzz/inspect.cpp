// SPDX-License-Identifier: GPL-2.0
//
// Read-only view of the core's state (inspect.h).  Compiled with
// -fno-access-control: it reads Multipath's private members directly, so
// the core carries no test-only accessor.  It includes only multipath.hpp (no
// C++ library) and allocates through the glue-independent C allocator.
#include "inspect.h"
#include "../../dm-mpath-cpp/core/multipath.hpp"

extern "C" void *calloc(size_t n, size_t size) noexcept;
extern "C" void free(void *ptr) noexcept;

using mpath::BioTicks;
using mpath::Multipath;
using mpath::Path;
using mpath::PathGroup;

// The harnesses are single-threaded: the snapshot reads guarded fields
// between calls into the core, never during one.
extern "C" void insp_snapshot(mpc_core *core, insp_state *st) noexcept MP_NO_THREAD_SAFETY_ANALYSIS
{
	Multipath *m = mpath::to_core(core);
	unsigned int nr_paths = 0, p = 0;

	for (unsigned int g = 0; g < m->nr_groups_; g++)
		nr_paths += m->groups_[g].nr_paths;
	st->nr_groups = m->nr_groups_;
	st->nr_paths = nr_paths;
	st->groups = static_cast<insp_group *>(calloc(m->nr_groups_ + 1, sizeof(insp_group)));
	st->paths = static_cast<insp_path *>(calloc(nr_paths + 1, sizeof(insp_path)));
	st->current_group = st->next_group = st->current_path = -1;
	for (unsigned int g = 0; g < m->nr_groups_; g++) {
		const PathGroup &pg = m->groups_[g];
		insp_group &ig = st->groups[g];

		ig.bypassed = pg.bypassed;
		ig.nr_paths = pg.nr_paths;
		ig.first_path = p;
		ig.valid_count = pg.selector.rotation_.valid_count();
		ig.policy = pg.selector.index_;
		ig.num = pg.num;
		if (&pg == m->current_pg_.read())
			st->current_group = static_cast<int>(g);
		if (&pg == m->next_pg_.read())
			st->next_group = static_cast<int>(g);
		for (unsigned int i = 0; i < pg.nr_paths; i++, p++) {
			const Path &path = pg.paths[i];
			insp_path &ip = st->paths[p];

			ip.path = reinterpret_cast<mpc_path *>(const_cast<Path *>(&path));
			ip.dev = path.dev;
			ip.group = g;
			ip.active = path.active.read();
			ip.fail_count = path.fail_count;
			ip.has_activation = path.activation != nullptr;
			pg.selector.visit([&]<typename P>(const P &) {
				const auto &state =
					path.selector_state.template get<typename P::PathState>();

				if constexpr (requires { state.in_flight; })
					ip.in_flight = state.in_flight.read();
				if constexpr (requires { state.in_flight_bytes; })
					ip.in_flight_bytes = state.in_flight_bytes.read();
			});
			for (unsigned int s = 0; s < INSP_TICK_SLOTS && s < BioTicks::kSlots; s++)
				ip.in_flight_by_tick[s] =
					path.bio_ticks ? path.bio_ticks->in_flight[s].read() : 0;
			ip.has_bio_ticks = path.bio_ticks != nullptr;
			if (&path == m->current_path_.read())
				st->current_path = static_cast<int>(p);
		}
	}
	// A current path outside every group would be a dangling pointer.
	if (m->current_path_.read() && st->current_path < 0)
		st->current_path = -2;
	st->nr_valid_paths = m->nr_valid_paths_.read();
	st->queue_io = m->queue_io_.read();
	st->queue_if_no_path = m->queue_if_no_path_;
	st->saved_queue_if_no_path = m->saved_queue_if_no_path_;
	st->pg_init_required = m->pg_init_required_.read();
	st->pg_init_disabled = m->pg_init_disabled_;
	st->pg_init_in_progress = m->pg_init_in_progress_.read();
	st->pg_init_count = m->pg_init_count_;
	st->has_hw_handler = m->hw_handler_ != nullptr;
	st->hw_handler = m->hw_handler_;
	st->bio_mode = m->bio_mode_;
	st->io_timeout_ms = m->io_timeout_ms_.read();
}

extern "C" void insp_free(insp_state *st) noexcept
{
	free(st->groups);
	free(st->paths);
	st->groups = nullptr;
	st->paths = nullptr;
}

extern "C" int insp_path_index(const insp_state *st, const mpc_path *path) noexcept
{
	for (unsigned int i = 0; i < st->nr_paths; i++)
		if (st->paths[i].path == path)
			return static_cast<int>(i);
	return -1;
}
