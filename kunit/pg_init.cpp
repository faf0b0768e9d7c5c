// SPDX-License-Identifier: GPL-2.0
// The real core source, built into the KUnit module against fake glue.
#include "../dm-mpath-cpp/pg_init.cpp"
