// SPDX-License-Identifier: GPL-2.0
//
// Clang's thread-safety analysis (-Wthread-safety): the clang build of the
// fuzz harnesses checks that every field marked MP_GUARDED_BY is touched
// with its lock held and that MP_REQUIRES functions are called with it.
// GCC (the kernel build) ignores the annotations; the Locked token
// (lock.hpp) carries the same rule for functions there.
#pragma once

#if defined(__clang__)
#define MP_TSA(x) __attribute__((x))
#else
#define MP_TSA(x)
#endif

#define MP_CAPABILITY(name) MP_TSA(capability(name))
#define MP_SCOPED_CAPABILITY MP_TSA(scoped_lockable)
#define MP_GUARDED_BY(lock) MP_TSA(guarded_by(lock))
#define MP_REQUIRES(...) MP_TSA(requires_capability(__VA_ARGS__))
#define MP_EXCLUDES(...) MP_TSA(locks_excluded(__VA_ARGS__))
#define MP_ACQUIRE(...) MP_TSA(acquire_capability(__VA_ARGS__))
#define MP_RELEASE(...) MP_TSA(release_capability(__VA_ARGS__))
// For code that runs before the target is visible to any other context
// (table load) or after it no longer is: say why at each use.
#define MP_NO_THREAD_SAFETY_ANALYSIS MP_TSA(no_thread_safety_analysis)
