// SPDX-License-Identifier: GPL-2.0
#pragma once

#include "freestanding.hpp"
#include "text.hpp"

namespace mpath {

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

		if (!word || mpg_parse_uint(word, value) || *value < spec.min ||
		    *value > spec.max || (grouped && argc_ < *value)) {
			*error = spec.error;
			return false;
		}
		return true;
	}

	unsigned int argc_;
	char **argv_;
};

inline bool word_is(const char *word, const char *name)
{
	return word && text::equal_nocase(word, name);
}

} // namespace mpath
