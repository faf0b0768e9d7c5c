#!/usr/bin/env bash
# Builds scripts/bench/core-bench.c (the core's fast path in userspace, -O2,
# no sanitizers) in the cache and runs it:  core-bench.sh [IOS] [ROUNDS]
# A benchmark, not a test: prints ns per I/O, timeout off and on.
set -euo pipefail
# shellcheck source=SCRIPTDIR/../common.sh
. "$(dirname "$0")/../common.sh"

CXX=${CXX:-g++} CC=${CC:-gcc}
FUZZ=$TOP/scripts/fuzz
out=$CACHE/bench/core-bench
mkdir -p "$out"
flags=(-O2 -g -I"$TOP/include" -I"$TOP/kunit/fake" -I"$FUZZ")
objs=()
for f in "${USER_CORE[@]}"; do
	"$CXX" "${USER_CXXFLAGS[@]}" "${flags[@]}" -c "$TOP/dm-mpath-cpp/core/$f.cpp" \
		-o "$out/$(user_core_obj "$f")"
	objs+=("$out/$(user_core_obj "$f")")
done
# The inspector reads the core's private state (fuzz_common's invariants).
"$CXX" "${USER_CXXFLAGS[@]}" -fno-access-control "${flags[@]}" \
	-c "$FUZZ/inspect.cpp" -o "$out/inspect.o"
for f in "$TOP/kunit/fake/fake_seam.c" "$FUZZ/user_kernel_services.c" "$FUZZ/fuzz_common.c" \
	"$TOP/scripts/bench/core-bench.c"; do
	"$CC" -std=gnu11 "${flags[@]}" -c "$f" -o "$out/$(basename "$f" .c).o"
done
"$CXX" -o "$out/core-bench" "${objs[@]}" "$out"/{inspect,fake_seam,user_kernel_services,fuzz_common,core-bench}.o
log "host: $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo), load $(cut -d' ' -f1-3 /proc/loadavg)"
"$out/core-bench" "$@"
