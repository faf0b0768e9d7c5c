// SPDX-License-Identifier: GPL-2.0
//
// Storage for one object of one of several types, chosen at run time: a
// group's selector policy, and each path's state for that policy.  The size
// is the largest type's, not the sum (a path carries one policy's state).
// The owner knows which type it holds; OneOf itself records nothing.
#pragma once

#include "../base/freestanding.hpp"

namespace mpath {

template <typename T, typename... Rest>
constexpr size_t max_size_of()
{
	if constexpr (sizeof...(Rest) == 0)
		return sizeof(T);
	else
		return sizeof(T) > max_size_of<Rest...>() ? sizeof(T) : max_size_of<Rest...>();
}

template <typename... Ts>
class OneOf {
public:
	static_assert((__has_trivial_destructor(Ts) && ...),
		      "OneOf never runs destructors: release resources explicitly");

	template <typename T>
	T &emplace()
	{
		return *new (bytes_) T();
	}

	// The caller guarantees that a T was emplaced last: the bytes hold a
	// live T, so the cast only names it (launder: it may be a new object
	// in the same storage).
	template <typename T>
	T &get()
	{
		return *__builtin_launder(reinterpret_cast<T *>(bytes_));
	}

	template <typename T>
	const T &get() const
	{
		return *__builtin_launder(reinterpret_cast<const T *>(bytes_));
	}

private:
	alignas(Ts...) unsigned char bytes_[max_size_of<Ts...>()] = {};
};

} // namespace mpath
