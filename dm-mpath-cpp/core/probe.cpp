// SPDX-License-Identifier: GPL-2.0
//
// DM_MPATH_PROBE_PATHS, the ioctl of Linux 7.2's target: after a path error
// user space (QEMU's SG_IO retry) asks which paths of the current group
// still work.  The glue reads a block from each path this hands it and
// reports path errors back; the decisions are mainline's
// probe_active_paths().
#include "multipath.hpp"

namespace mpath {

bool Multipath::probe_start(bool waited, bool suspended)
{
	LockGuard guard(lock_);
	PathGroup *pg = current_pg_.read();

	// The probe waited for has just looked at this very group.
	if (waited && pg == probed_pg_)
		return false;
	// Nothing to probe yet, or a group still being initialised: I/O will
	// choose and set one up, and may probe again if it fails.
	if (!pg || suspended || queue_io_.read())
		return false;
	probing_ = true;
	probed_pg_ = pg;
	return true;
}

mpg_dev *Multipath::probe_next(unsigned int *pos, Path **path)
{
	LockGuard guard(lock_);
	PathGroup *pg = probed_pg_;

	while (pg && pg == current_pg_.read() && *pos < pg->nr_paths) {
		Path &p = pg->paths[(*pos)++];

		if (p.active.read()) {
			*path = &p;
			return p.dev;
		}
	}
	return nullptr;
}

int Multipath::probe_end(bool started, int r)
{
	LockGuard guard(lock_);

	if (started) {
		probing_ = false;
		if (switch_held_) {
			switch_held_ = false;
			drop_current_group(guard, false);
		}
	}
	if (!r && !nr_valid_paths_.read())
		r = -kENOTCONN;
	return r;
}

} // namespace mpath
