// SPDX-License-Identifier: GPL-2.0
//
// The string functions the core needs, with the kernel's semantics
// (lib/string.c, lib/ctype.c), so that what a table may say does not depend
// on which build links the core: the module, KUnit or the fuzzers.
#pragma once

namespace mpath::text {

constexpr unsigned long length(const char *s)
{
	unsigned long n = 0;

	while (s[n])
		n++;
	return n;
}

constexpr bool equal(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

// The kernel's tolower(): ASCII and Latin-1 capitals (lib/ctype.c).
constexpr unsigned char to_lower(unsigned char c)
{
	if ((c >= 'A' && c <= 'Z') || (c >= 192 && c <= 222 && c != 215))
		return c + 32;
	return c;
}

// strcasecmp() == 0
constexpr bool equal_nocase(const char *a, const char *b)
{
	unsigned char c1, c2;

	do {
		c1 = to_lower(static_cast<unsigned char>(*a++));
		c2 = to_lower(static_cast<unsigned char>(*b++));
	} while (c1 == c2 && c1);
	return c1 == c2;
}

static_assert(equal_nocase("Queue_If_No_Path", "queue_if_no_path"));
static_assert(equal_nocase("\xc9", "\xe9") && !equal_nocase("\xd7", "\xf7"));
static_assert(!equal("round-robin", "Round-robin") && length("bio") == 3);

} // namespace mpath::text
