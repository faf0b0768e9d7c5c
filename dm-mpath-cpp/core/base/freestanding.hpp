// SPDX-License-Identifier: GPL-2.0
//
// What a freestanding C++ core needs before anything else: the kernel has no
// libstdc++, so the few types and operators the core uses are defined here,
// and the seam (mpath_seam.h) gives the kernel's services.
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

} // namespace mpath
