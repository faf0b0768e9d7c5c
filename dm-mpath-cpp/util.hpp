// SPDX-License-Identifier: GPL-2.0
//
// Small freestanding utilities for the core: no libstdc++ exists in the
// kernel, and the kernel's own helpers sit behind the seam (mpath_seam.h).
#pragma once

#include "mpath_seam.h"

using size_t = __SIZE_TYPE__;
using u64 = unsigned long long;

inline void *operator new(size_t, void *where) noexcept
{
	return where;
}

namespace mpath {

// Kernel errno values the core returns (include/uapi/asm-generic/errno-base.h).
enum : int {
	kEIO = 5,
	kENOMEM = 12,
	kEBUSY = 16,
	kEINVAL = 22,
	kENOTCONN = 107,
};

// Lockless accesses for state the I/O fast path reads without the target
// lock (the kernel's READ_ONCE/WRITE_ONCE/atomic_long_t live behind the seam;
// calling into the glue for each would cost a call per I/O).  GCC's atomic
// builtins compile to the same single instructions.
template <typename T>
inline T read_once(const T &v)
{
	return __atomic_load_n(&v, __ATOMIC_RELAXED);
}

template <typename T>
inline void write_once(T &v, T value)
{
	__atomic_store_n(&v, value, __ATOMIC_RELAXED);
}

template <typename T>
inline void write_once(T *&v, decltype(nullptr))
{
	__atomic_store_n(&v, static_cast<T *>(nullptr), __ATOMIC_RELAXED);
}

// Publication of a pointer whose target was set up before (release/acquire).
template <typename T>
inline T *load_acquire(T *const &p)
{
	return __atomic_load_n(&p, __ATOMIC_ACQUIRE);
}

template <typename T>
inline void store_release(T *&p, T *value)
{
	__atomic_store_n(&p, value, __ATOMIC_RELEASE);
}

// A counter updated from any CPU or interrupt without a lock.
class Counter {
public:
	unsigned long read() const { return __atomic_load_n(&value_, __ATOMIC_RELAXED); }
	unsigned long add(unsigned long n) { return __atomic_fetch_add(&value_, n, __ATOMIC_RELAXED); }
	void sub(unsigned long n) { __atomic_fetch_sub(&value_, n, __ATOMIC_RELAXED); }

private:
	unsigned long value_ = 0;
};

// A lock that is only ever tried, never waited for: whoever finds it taken
// skips its optional work (a statistics update) instead of spinning.
class TryLock {
public:
	bool try_lock() { return !__atomic_test_and_set(&taken_, __ATOMIC_ACQUIRE); }
	void unlock() { __atomic_clear(&taken_, __ATOMIC_RELEASE); }

private:
	bool taken_ = false;
};

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

// Reads table words the way dm_read_arg() and friends do, so every error
// message and boundary matches mainline.
struct ArgSpec {
	unsigned int min;
	unsigned int max;
	const char *error;
};

class ArgSet {
public:
	ArgSet(unsigned int argc, char **argv) : argc_(argc), argv_(argv) {}

	unsigned int count() const { return argc_; }
	char **words() const { return argv_; }

	// Next word, or nullptr when none is left.
	const char *shift()
	{
		if (!argc_)
			return nullptr;
		argc_--;
		return *argv_++;
	}

	void consume(unsigned int n)
	{
		n = n > argc_ ? argc_ : n;
		argc_ -= n;
		argv_ += n;
	}

	// A number within spec's bounds; on failure *error = spec.error.
	bool read(const ArgSpec &spec, unsigned int *value, const char **error)
	{
		return read_checked(spec, value, error, false);
	}

	// A count of words that must follow it.
	bool read_group(const ArgSpec &spec, unsigned int *value, const char **error)
	{
		return read_checked(spec, value, error, true);
	}

	// A sub-set over the next n words (without consuming them).
	ArgSet head(unsigned int n) const { return ArgSet(n, argv_); }

private:
	bool read_checked(const ArgSpec &spec, unsigned int *value, const char **error,
			  bool grouped)
	{
		const char *word = shift();

		if (!word || !mpg_parse_uint(word, value) || *value < spec.min ||
		    *value > spec.max || (grouped && argc_ < *value)) {
			*error = spec.error;
			return false;
		}
		return true;
	}

	unsigned int argc_;
	char **argv_;
};

// Appends formatted text to the status buffer like DMEMIT: stops writing once
// the buffer is full, so dm core sees a full buffer and retries bigger.
class Emitter {
public:
	Emitter(char *buf, unsigned int maxlen) : buf_(buf), maxlen_(maxlen)
	{
		if (maxlen)
			buf[0] = '\0';
	}

	template <typename... Args>
	void operator()(const char *fmt, Args... args)
	{
		if (len_ < maxlen_)
			len_ += mpg_scnprintf(buf_ + len_, maxlen_ - len_, fmt, args...);
	}

	// Text from a glue formatter: fn(buf, size) returns the length written.
	template <typename Fn>
	void append(Fn fn)
	{
		if (len_ < maxlen_)
			len_ += fn(buf_ + len_, maxlen_ - len_);
	}

private:
	char *buf_;
	unsigned int maxlen_;
	unsigned int len_ = 0;
};

inline bool word_is(const char *word, const char *name)
{
	return word && !mpg_strcasecmp(word, name);
}

} // namespace mpath
