// SPDX-License-Identifier: GPL-2.0
#pragma once

#include "freestanding.hpp"

namespace mpath {

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

} // namespace mpath
