#!/usr/bin/env bash
# Builds scripts/bench/core-bench.c (the core's fast path in userspace, -O2,
# no sanitizers) in the cache and runs it:  core-bench.sh [IOS] [ROUNDS]
# A benchmark, not a test: prints ns per I/O, timeout off and on.
#   CORE_BENCH_BEFORE=COMMIT  also builds the core, its fake glue and its
#                             userspace kernel services at COMMIT (with this
#                             tree's core-bench.c) and runs the two in turn,
#                             CORE_BENCH_RUNS times each (default 3)
set -euo pipefail
# shellcheck source=SCRIPTDIR/../common.sh
. "$(dirname "$0")/../common.sh"

CXX=${CXX:-g++} CC=${CC:-gcc}
before=${CORE_BENCH_BEFORE:-}
runs=${CORE_BENCH_RUNS:-3}
out=$CACHE/bench/core-bench
mkdir -p "$out"

# build_bench SRC DIR: core-bench over the sources of the tree at SRC.
build_bench() {
	local src=$1 dir=$2 f core=()
	local fuzz=$src/scripts/fuzz
	local flags=(-O2 -g -I"$src/include" -I"$src/kunit/fake" -I"$fuzz")
	local objs=()
	mkdir -p "$dir"
	mapfile -t core < <(user_core_sources "$src")
	for f in "${core[@]}"; do
		"$CXX" "${USER_CXXFLAGS[@]}" "${flags[@]}" -c "$src/dm-mpath-cpp/core/$f.cpp" \
			-o "$dir/$(user_core_obj "$f")"
		objs+=("$dir/$(user_core_obj "$f")")
	done
	# The inspector reads the core's private state (fuzz_common's invariants).
	"$CXX" "${USER_CXXFLAGS[@]}" -fno-access-control "${flags[@]}" \
		-c "$fuzz/inspect.cpp" -o "$dir/inspect.o"
	for f in "$src/kunit/fake/fake_seam.c" "$fuzz/user_kernel_services.c" \
		"$fuzz/fuzz_common.c" "$TOP/scripts/bench/core-bench.c"; do
		"$CC" -std=gnu11 "${flags[@]}" -c "$f" -o "$dir/$(basename "$f" .c).o"
	done
	"$CXX" -o "$dir/core-bench" "${objs[@]}" \
		"$dir"/{inspect,fake_seam,user_kernel_services,fuzz_common,core-bench}.o
}

build_bench "$TOP" "$out"
log "host: $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo), load $(cut -d' ' -f1-3 /proc/loadavg)"
if [ -z "$before" ]; then
	"$out/core-bench" "$@"
	exit
fi
rev=$(git -C "$TOP" rev-parse --short "$before")
rm -rf "$out/before-src" && mkdir -p "$out/before-src"
git -C "$TOP" archive "$rev" | tar -x -C "$out/before-src"
build_bench "$out/before-src" "$out/before"
here="this tree ($(git -C "$TOP" describe --always --dirty))"
for ((i = 1; i <= runs; i++)); do
	log "run $i of $runs: core at $rev"
	"$out/before/core-bench" "$@"
	log "run $i of $runs: core of $here"
	"$out/core-bench" "$@"
done
