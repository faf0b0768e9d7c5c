// SPDX-License-Identifier: GPL-2.0
//
// An I/O unit only says how its kind of I/O is remapped, waits for a path
// and is retried; every decision is made once, in map_io.hpp.
#pragma once

#include "../base/lock.hpp"

namespace mpath {

// A request of request-based dm core, cloned onto the chosen path's queue.
// dm-rq keeps waiting requests itself (delayed requeue), so nothing is parked.
class RqUnit {
public:
	static constexpr int kMapPushBack = MP_MAPIO_DELAY_REQUEUE;
	// The I/O timeout finds requests in flight in dm-rq's tag set.
	static constexpr bool kCountsInFlight = false;

	RqUnit(request *rq, request **clone) : rq_(rq), clone_(clone) {}

	unsigned int bytes() const { return mpg_rq_bytes(rq_); }

	mpath_clone_result remap(mpg_dev *dev) { return mpg_rq_clone(rq_, dev, clone_); }

	int wait_for_path(const Locked &, mpg_ctx *) { return MP_MAPIO_DELAY_REQUEUE; }

	int retry(const Locked &, mpg_ctx *, unsigned char status, bool)
	{
		return status == MP_STS_RESOURCE ? MP_ENDIO_DELAY_REQUEUE : MP_ENDIO_REQUEUE;
	}

	// The request completes with the error the path gave.
	static void final_error(unsigned char *) {}

private:
	request *rq_;
	request **clone_;
};

} // namespace mpath
