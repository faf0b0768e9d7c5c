// SPDX-License-Identifier: GPL-2.0
//
// io-affinity (dm-ps-io-affinity.c): each path serves the CPUs of its
// cpumask; an I/O takes the path of the CPU it is issued on, else one of a
// CPU on the same node, else any usable path.
#pragma once

#include "policy.hpp"

namespace mpath {

class IoAffinity : public PolicyBase {
public:
	static constexpr const char *kName = "io-affinity";
	static constexpr unsigned int kTableArgs = 1;
	static constexpr unsigned int kInfoArgs = 1;

	struct PathState {
		mpg_cpumask *cpumask = nullptr; // as the table gave it
	};

	bool create(ArgSet);
	void release();
	int add_path(PathState &state, unsigned int index, ArgSet args, const char **error);
	void release_path(PathState &state);

	template <typename PathT>
	PathT *select(const Rotation &, PathT *paths, unsigned int, unsigned int);

	void path_status(Emitter &emit, const PathState &state, bool info) const;

private:
	// CPU -> path index + 1 (0: no path for that CPU)
	unsigned int *cpu_map_ = nullptr;
	unsigned int nr_cpus_ = 0;
	Counter map_misses_;
};

template <typename PathT>
PathT *IoAffinity::select(const Rotation &, PathT *paths, unsigned int, unsigned int)
{
	unsigned int cpu = mpg_this_cpu();
	unsigned int idx = cpu < nr_cpus_ ? cpu_map_[cpu] : 0;
	int node;

	if (idx && paths[idx - 1].active.read())
		return &paths[idx - 1];
	if (!idx)
		map_misses_.add(1);

	node = mpg_cpu_to_node(cpu);
	for (int same_node = 1; same_node >= 0; same_node--) {
		for (unsigned int c = 0; c < nr_cpus_; c++) {
			idx = cpu_map_[c];
			if (!idx || (same_node && mpg_cpu_to_node(c) != node))
				continue;
			if (paths[idx - 1].active.read())
				return &paths[idx - 1];
		}
	}
	return nullptr;
}

} // namespace mpath
