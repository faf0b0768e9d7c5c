// SPDX-License-Identifier: GPL-2.0
//
// The core's control entry points for the glue: construction, status,
// messages and suspend hooks.  The I/O entry points are in io.cpp.
#include "core.hpp"

using mpath::Multipath;
using mpath::to_core;

extern "C" {

int mpc_create(mpc_create_args *args, unsigned int argc, char **argv, mpc_core **core) noexcept
{
	Multipath *m;
	int r = Multipath::create(args, mpath::ArgSet(argc, argv), &m);

	if (!r)
		*core = reinterpret_cast<mpc_core *>(m);
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

} // extern "C"
