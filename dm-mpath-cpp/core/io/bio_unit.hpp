// SPDX-License-Identifier: GPL-2.0
//
// An I/O unit only says how its kind of I/O is remapped, waits for a path
// and is retried; every decision is made once, in map_io.hpp.
#pragma once

#include "../base/lock.hpp"

namespace mpath {

// A bio cloned by bio-based dm core.  Waiting I/O is parked in the target and
// re-mapped by the glue's worker; a retry restores the bio first.
class BioUnit {
public:
	static constexpr int kMapPushBack = MP_MAPIO_REQUEUE;
	// Bio-based dm core keeps no list of bios in flight that a target may
	// walk: the I/O timeout counts them on their path.
	static constexpr bool kCountsInFlight = true;

	explicit BioUnit(bio *b) : bio_(b) {}

	unsigned int bytes() const { return mpg_bio_size(bio_); }

	mpath_clone_result remap(mpg_dev *dev)
	{
		mpg_bio_remap(bio_, dev);
		return MP_CLONE_OK;
	}

	int wait_for_path(const Locked &, mpg_ctx *ctx)
	{
		mpg_bio_park(ctx, bio_);
		return MP_MAPIO_SUBMITTED;
	}

	int retry(const Locked &, mpg_ctx *ctx, unsigned char, bool have_path)
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

} // namespace mpath
