// SPDX-License-Identifier: GPL-2.0
#pragma once

#include "freestanding.hpp"

namespace mpath {

// RAII holder of the target's spinlock (taken irqsave: end_io runs in
// interrupt context).
class LockGuard {
public:
	explicit LockGuard(mpg_ctx *ctx) : ctx_(ctx), flags_(mpg_lock(ctx)) {}
	~LockGuard() { mpg_unlock(ctx_, flags_); }
	LockGuard(const LockGuard &) = delete;
	LockGuard &operator=(const LockGuard &) = delete;

private:
	mpg_ctx *ctx_;
	unsigned long flags_;
};

} // namespace mpath
