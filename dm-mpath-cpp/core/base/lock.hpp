// SPDX-License-Identifier: GPL-2.0
//
// The target's spinlock as the core sees it.  The lock itself is the glue's
// (mpg_lock(), taken irqsave: end_io runs in interrupt context); TargetLock
// names it for the thread-safety analysis, LockGuard holds it for a scope,
// and Locked is the proof a caller holds it.
#pragma once

#include "freestanding.hpp"
#include "thread_safety.hpp"

namespace mpath {

class MP_CAPABILITY("target lock") TargetLock {
public:
	explicit TargetLock(mpg_ctx *ctx) : ctx_(ctx) {}
	TargetLock(const TargetLock &) = delete;
	TargetLock &operator=(const TargetLock &) = delete;

	unsigned long acquire() MP_ACQUIRE() { return mpg_lock(ctx_); }
	void release(unsigned long flags) MP_RELEASE() { mpg_unlock(ctx_, flags); }

private:
	mpg_ctx *ctx_;
};

// Only a LockGuard makes one: a function that takes `const Locked &` cannot
// be called without the lock held, in any build.
class Locked {
public:
	Locked(const Locked &) = delete;
	Locked &operator=(const Locked &) = delete;

private:
	friend class LockGuard;
	Locked() = default;
};

class MP_SCOPED_CAPABILITY LockGuard : public Locked {
public:
	explicit LockGuard(TargetLock &lock) MP_ACQUIRE(lock) : lock_(lock), flags_(lock.acquire())
	{}
	~LockGuard() MP_RELEASE() { lock_.release(flags_); }
	LockGuard(const LockGuard &) = delete;
	LockGuard &operator=(const LockGuard &) = delete;

private:
	TargetLock &lock_;
	unsigned long flags_;
};

} // namespace mpath
