// SPDX-License-Identifier: GPL-2.0
//
// io-affinity's CPU map, arguments and status (dm-ps-io-affinity.c).
#include "io_affinity.hpp"

namespace mpath {

// Group arguments are ignored, as in mainline.
bool IoAffinity::create(ArgSet)
{
	nr_cpus_ = mpg_nr_cpu_ids();
	cpu_map_ = new unsigned int[nr_cpus_]();
	return cpu_map_ != nullptr;
}

void IoAffinity::release()
{
	delete[] cpu_map_;
	cpu_map_ = nullptr;
	nr_cpus_ = 0;
}

// <cpumask>
int IoAffinity::add_path(PathState &state, unsigned int index, ArgSet args, const char **error)
{
	unsigned int mapped = 0;
	int r;

	if (args.count() != 1) {
		*error = "io-affinity ps: invalid number of arguments";
		return -kEINVAL;
	}
	r = mpg_cpumask_parse(args.words()[0], &state.cpumask);
	if (r) {
		*error = r == -kENOMEM ? "io-affinity ps: Error allocating cpumask context"
				       : "io-affinity ps: invalid cpumask";
		return r == -kENOMEM ? r : -kEINVAL;
	}
	for (unsigned int cpu = mpg_cpumask_next(-1, state.cpumask); cpu != MPG_CPU_NONE;
	     cpu = mpg_cpumask_next(static_cast<int>(cpu), state.cpumask)) {
		if (cpu >= nr_cpus_) {
			mpg_selector_warn(kName, true, "Ignoring mapping for CPU %u. Max CPU is %u",
					  cpu, nr_cpus_);
			break;
		}
		if (cpu_map_[cpu]) {
			mpg_selector_warn(kName, false, "CPU mapping for %u exists. Ignoring.",
					  cpu);
			continue;
		}
		cpu_map_[cpu] = index + 1;
		mapped++;
	}
	if (!mapped) {
		*error = "io-affinity ps: No new/valid CPU mapping found";
		release_path(state);
		return -kEINVAL;
	}
	return 0;
}

void IoAffinity::release_path(PathState &state)
{
	if (state.cpumask) {
		mpg_cpumask_free(state.cpumask);
		state.cpumask = nullptr;
	}
}

void IoAffinity::path_status(Emitter &emit, const PathState &state, bool info) const
{
	if (info)
		emit("%d ", static_cast<int>(map_misses_.read()));
	else
		emit.append([&state](char *buf, unsigned int size) {
			return mpg_cpumask_scnprintf(buf, size, state.cpumask);
		});
}

} // namespace mpath
