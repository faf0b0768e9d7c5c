// SPDX-License-Identifier: GPL-2.0
//
// The core's entry points for the glue (the mpc_* half of mpath_seam.h), all
// in one place: each turns the opaque handles back into core objects and
// calls one method.  The I/O entry points instantiate the decision point
// (map_io.hpp) with their unit.
#include "io/bio_unit.hpp"
#include "io/rq_unit.hpp"
#include "map_io.hpp"

using mpath::Multipath;
using mpath::to_core;

extern "C" {

// ---- construction, status, messages, suspend

int mpc_create(mpc_create_args *args, unsigned int argc, char **argv, mpc_core **core) noexcept
{
	Multipath *m;
	int r = Multipath::create(args, mpath::ArgSet(argc, argv), &m);

	if (!r)
		*core = mpath::to_handle(m);
	return r;
}

void mpc_destroy(mpc_core *core) noexcept
{
	delete to_core(core);
}

void mpc_start(mpc_core *core) noexcept
{
	to_core(core)->start();
}

void mpc_status(mpc_core *core, mpath_status_type type, const char *target_name,
		const char *target_version, char *result, unsigned int maxlen) noexcept
{
	to_core(core)->status(type, target_name, target_version, result, maxlen);
}

int mpc_message(mpc_core *core, unsigned int argc, char **argv, char *result,
		unsigned int maxlen) noexcept
{
	return to_core(core)->message(argc, argv, result, maxlen);
}

int mpc_io_check(mpc_core *core) noexcept
{
	return to_core(core)->io_check();
}

void mpc_presuspend(mpc_core *core) noexcept
{
	to_core(core)->presuspend();
}

void mpc_nopath_timeout(mpc_core *core) noexcept
{
	to_core(core)->nopath_timeout();
}

void mpc_resume(mpc_core *core) noexcept
{
	to_core(core)->resume();
}

int mpc_iterate_devices(mpc_core *core, int (*fn)(mpg_dev *dev, void *data), void *data) noexcept
{
	return to_core(core)->iterate_devices(fn, data);
}

int mpc_busy(mpc_core *core) noexcept
{
	return to_core(core)->busy();
}

int mpc_ioctl_device(mpc_core *core, mpg_dev **dev) noexcept
{
	return to_core(core)->ioctl_device(dev);
}

int mpc_probe_start(mpc_core *core, int waited, int suspended) noexcept
{
	return to_core(core)->probe_start(waited, suspended);
}

mpg_dev *mpc_probe_next(mpc_core *core, unsigned int *pos, mpc_path **path) noexcept
{
	mpath::Path *p = nullptr;
	mpg_dev *dev = to_core(core)->probe_next(pos, &p);

	*path = dev ? mpath::to_handle(p) : nullptr;
	return dev;
}

void mpc_probe_path_failed(mpc_core *core, mpc_path *path) noexcept
{
	to_core(core)->probe_failed(*mpath::to_path(path));
}

int mpc_probe_end(mpc_core *core, int started, int r) noexcept
{
	return to_core(core)->probe_end(started, r);
}

// ---- I/O

int mpc_map_bio(mpc_core *core, bio *bio, mpath_io *io) noexcept
{
	mpath::BioUnit unit(bio);

	return to_core(core)->map(unit, *io);
}

int mpc_end_io_bio(mpc_core *core, bio *bio, mpath_io *io, unsigned char *status) noexcept
{
	mpath::BioUnit unit(bio);

	return to_core(core)->end_io(unit, *io, status);
}

int mpc_map_rq(mpc_core *core, request *rq, mpath_io *io, request **clone) noexcept
{
	mpath::RqUnit unit(rq, clone);

	return to_core(core)->map(unit, *io);
}

int mpc_end_io_rq(mpc_core *core, mpath_io *io, unsigned char status) noexcept
{
	mpath::RqUnit unit(nullptr, nullptr);

	return to_core(core)->end_io(unit, *io, &status);
}

void mpc_release_rq(mpath_io *io) noexcept
{
	mpath::end_path_io<mpath::RqUnit>(*io);
}

// ---- pg_init (the hardware handler's work and answers)

int mpc_activate_path(mpc_core *core, mpc_path *path, int dev_dying) noexcept
{
	return to_core(core)->activate_path(*mpath::to_path(path), dev_dying);
}

void mpc_pg_init_done(mpc_core *core, mpc_path *path, int result) noexcept
{
	to_core(core)->pg_init_done(*mpath::to_path(path), result);
}

int mpc_pg_init_idle(mpc_core *core) noexcept
{
	return to_core(core)->pg_init_idle();
}

void mpc_flush_pg_init(mpc_core *core) noexcept
{
	to_core(core)->flush_pg_init();
}

} // extern "C"
