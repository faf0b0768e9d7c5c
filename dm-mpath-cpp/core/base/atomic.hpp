// SPDX-License-Identifier: GPL-2.0
#pragma once

#include "freestanding.hpp"
#include "lock.hpp"

namespace mpath {

// A field written only with the target lock held and read without it (the
// I/O fast path, busy(), the timers): each access is one untorn load or
// store, so a reader sees the old value or the new one, never a mix.  The
// kernel's READ_ONCE/WRITE_ONCE live behind the seam, and a call into the
// glue per access would cost a call per I/O; GCC's atomic builtins compile
// to the same single instructions.
template <typename T>
class Lockless {
public:
	constexpr Lockless() = default;
	constexpr explicit Lockless(T value) : value_(value) {}
	Lockless(const Lockless &) = delete;
	Lockless &operator=(const Lockless &) = delete;

	T read() const { return __atomic_load_n(&value_, __ATOMIC_RELAXED); }
	void set(const Locked &, T value) { __atomic_store_n(&value_, value, __ATOMIC_RELAXED); }
	// A pointer to something set up before: a reader that loads it with
	// acquire() sees that set-up.
	void publish(const Locked &, T value)
	{
		__atomic_store_n(&value_, value, __ATOMIC_RELEASE);
	}
	T acquire() const { return __atomic_load_n(&value_, __ATOMIC_ACQUIRE); }
	// Table load: no other context can see the target yet.
	void init(T value) { value_ = value; }

private:
	T value_{};
};

// State a lock of its own protects (not the target lock), read by others
// locklessly: historical-service-time's estimate, under its TryLock.
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

// A counter updated from any CPU or interrupt without a lock.
class Counter {
public:
	unsigned long read() const { return __atomic_load_n(&value_, __ATOMIC_RELAXED); }
	unsigned long add(unsigned long n)
	{
		return __atomic_fetch_add(&value_, n, __ATOMIC_RELAXED);
	}
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
