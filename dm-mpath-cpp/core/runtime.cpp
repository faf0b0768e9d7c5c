// SPDX-License-Identifier: GPL-2.0
//
// The C++ runtime pieces a freestanding kernel module needs.  Allocation goes
// to the kernel allocator through the glue; it is only used while a table is
// constructed (process context, may sleep), never for I/O.
#include "base/freestanding.hpp"

void *operator new(size_t size) noexcept
{
	return mpg_alloc(size);
}
void *operator new[](size_t size) noexcept
{
	return mpg_alloc(size);
}
void operator delete(void *ptr) noexcept
{
	mpg_free(ptr);
}
void operator delete[](void *ptr) noexcept
{
	mpg_free(ptr);
}
void operator delete(void *ptr, size_t) noexcept
{
	mpg_free(ptr);
}
void operator delete[](void *ptr, size_t) noexcept
{
	mpg_free(ptr);
}
