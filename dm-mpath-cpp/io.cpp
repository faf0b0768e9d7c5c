// SPDX-License-Identifier: GPL-2.0
//
// The two I/O units and the core's entry points for the glue.  A unit only
// says how its kind of I/O is remapped, waits for a path and is retried; all
// decisions are made once, in Multipath::map() and Multipath::end_io().
#include "core.hpp"

namespace mpath {
namespace {

// A bio cloned by bio-based dm core.  Waiting I/O is parked in the target and
// re-mapped by the glue's worker; a retry restores the bio first.
class BioUnit {
public:
	static constexpr int kMapPushBack = MP_MAPIO_REQUEUE;

	explicit BioUnit(bio *b) : bio_(b) {}

	unsigned int bytes() const { return mpg_bio_size(bio_); }

	mpath_clone_result remap(mpg_dev *dev)
	{
		mpg_bio_remap(bio_, dev);
		return MP_CLONE_OK;
	}

	int wait_for_path_locked(mpg_ctx *ctx)
	{
		mpg_bio_park(ctx, bio_);
		return MP_MAPIO_SUBMITTED;
	}

	int retry_locked(mpg_ctx *ctx, unsigned char, bool have_path)
	{
		mpg_bio_restore(ctx, bio_);
		mpg_bio_park(ctx, bio_);
		if (have_path)
			mpg_kick_waiting_io(ctx);
		return MP_ENDIO_INCOMPLETE;
	}

	static void final_error(unsigned char *status) { *status = MP_STS_IOERR; }

private:
	bio *bio_;
};

// A request of request-based dm core, cloned onto the chosen path's queue.
// dm-rq keeps waiting requests itself (delayed requeue), so nothing is parked.
class RqUnit {
public:
	static constexpr int kMapPushBack = MP_MAPIO_DELAY_REQUEUE;

	RqUnit(request *rq, request **clone) : rq_(rq), clone_(clone) {}

	unsigned int bytes() const { return mpg_rq_bytes(rq_); }

	mpath_clone_result remap(mpg_dev *dev) { return mpg_rq_clone(rq_, dev, clone_); }

	int wait_for_path_locked(mpg_ctx *) { return MP_MAPIO_DELAY_REQUEUE; }

	int retry_locked(mpg_ctx *, unsigned char status, bool)
	{
		return status == MP_STS_RESOURCE ? MP_ENDIO_DELAY_REQUEUE : MP_ENDIO_REQUEUE;
	}

	// The request completes with the error the path gave.
	static void final_error(unsigned char *) {}

private:
	request *rq_;
	request **clone_;
};

} // namespace
} // namespace mpath

using mpath::Multipath;
using mpath::to_core;

extern "C" {

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
	mpath::end_path_io(*io);
}

} // extern "C"
