// SPDX-License-Identifier: GPL-2.0
#pragma once

#include "freestanding.hpp"

namespace mpath {

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

} // namespace mpath
