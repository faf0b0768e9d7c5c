#!/usr/bin/env bash
# libFuzzer harnesses of the C++ core, built as a userspace library with
# ASan + UBSan (scripts/fuzz/: userspace seam, harnesses, seed corpora).
#
#   scripts/fuzz.sh build              build into $CACHE/fuzz (outside the tree)
#   scripts/fuzz.sh smoke [SECONDS]    each harness runs its corpus, then
#                                      SECONDS (60) of fuzzing shared by the
#                                      harnesses; TAP lines, non-zero on a crash
#   scripts/fuzz.sh long [SECONDS]     SECONDS (3600) of fuzzing per harness
#   scripts/fuzz.sh run HARNESS FILE...  runs inputs once (reproduce a crash)
#
# New inputs found while fuzzing go to $CACHE/fuzz/work/HARNESS, crashes to
# $CACHE/fuzz/artifacts/HARNESS.  Keep a crash as a regression input:
# scripts/fuzz/corpus/HARNESS/regress-<what>.  FUZZ_JOBS=N runs N processes
# per harness in long mode (default 1).
set -uo pipefail
. "$(dirname "$0")/common.sh"

FUZZ=$TOP/scripts/fuzz
FAKE=$TOP/kunit/fake
OUT=$CACHE/fuzz
HARNESSES=(table message state)
CLANG=clang-14
CLANGXX=clang++-14

need_tools() {
	local rt
	if command -v "$CLANGXX" >/dev/null; then
		rt=$("$CLANG" -print-resource-dir)/lib/linux/libclang_rt.fuzzer-x86_64.a
		[ -f "$rt" ] && return 0
	fi
	log "installing clang-14 and libclang-rt-14-dev (libFuzzer, sanitizers)"
	[ "$(id -u)" = 0 ] || die "need root to install clang-14 libclang-rt-14-dev"
	export DEBIAN_FRONTEND=noninteractive
	if ! { apt-get update -q >&2 &&
	       apt-get install -y -q --no-install-recommends clang-14 libclang-rt-14-dev >&2; }; then
		die "apt-get install clang-14 libclang-rt-14-dev failed"
	fi
}

# shellcheck disable=SC2054  # the commas belong to -fsanitize=
CFLAGS_COMMON=(-g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer-no-link,address,undefined
	-fno-sanitize-recover=all -I"$TOP/include" -I"$FAKE" -I"$FUZZ")
# The core's lock annotations (base/thread_safety.hpp) are checked here.
CXXFLAGS=("${USER_CXXFLAGS[@]}" -Wall -Wno-format-security -Wthread-safety -Werror=thread-safety)
CFLAGS=(-std=gnu11 -Wall -Wextra)

build() {
	need_tools
	mkdir -p "$OUT/obj"
	local stamp sum
	sum=$( { find "$TOP/dm-mpath-cpp/core" -type f | sort | xargs cat; cat "$TOP/include/mpath_seam.h" \
		"$FUZZ"/*.c "$FUZZ"/*.h "$FUZZ"/*.cpp "$FAKE"/* "$0" "$TOP/scripts/common.sh"; "$CLANGXX" --version; } | sha1sum)
	stamp=$OUT/.stamp
	if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$sum" ] &&
	   [ -x "$OUT/fuzz_state" ]; then
		log "fuzz harnesses up to date in $OUT"
		return 0
	fi
	rm -f "$stamp"
	local f pids=() ok=1
	for f in "${USER_CORE[@]}"; do
		"$CLANGXX" "${CXXFLAGS[@]}" "${CFLAGS_COMMON[@]}" -c "$TOP/dm-mpath-cpp/core/$f.cpp" \
			-o "$OUT/obj/$(user_core_obj "$f")" & pids+=($!)
	done
	# The inspector reads the core's private state: no access control.
	"$CLANGXX" "${CXXFLAGS[@]}" "${CFLAGS_COMMON[@]}" -fno-access-control \
		-c "$FUZZ/inspect.cpp" -o "$OUT/obj/inspect.o" & pids+=($!)
	for f in "$FAKE/fake_seam.c" "$FUZZ"/{user_kernel_services,fuzz_common,fuzz_table,fuzz_message,fuzz_state}.c; do
		"$CLANG" "${CFLAGS[@]}" "${CFLAGS_COMMON[@]}" -c "$f" -o "$OUT/obj/$(basename "$f" .c).o" &
		pids+=($!)
	done
	for f in "${pids[@]}"; do wait "$f" || ok=0; done
	[ $ok = 1 ] || die "compiling the fuzz harnesses failed"
	local common=() h
	for f in "${USER_CORE[@]}"; do common+=("$OUT/obj/$(user_core_obj "$f")"); done
	for f in inspect fake_seam user_kernel_services fuzz_common; do common+=("$OUT/obj/$f.o"); done
	for h in "${HARNESSES[@]}"; do
		"$CLANGXX" -fsanitize=fuzzer,address,undefined "${common[@]}" "$OUT/obj/fuzz_$h.o" \
			-o "$OUT/fuzz_$h" || die "linking fuzz_$h failed"
	done
	echo "$sum" > "$stamp"
	log "fuzz harnesses built in $OUT"
}

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:detect_stack_use_after_return=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
LIBFUZZER_OPTS=(-timeout=10 -rss_limit_mb=2048 -print_final_stats=1)
DICT=(-dict="$FUZZ/mpath.dict")

tap_n=0 tap_pass=0 tap_fail=0 tap_skip=0
tap() {	# tap ok|fail TEXT [LOGFILE]
	tap_n=$((tap_n + 1))
	if [ "$1" = ok ]; then
		tap_pass=$((tap_pass + 1)); echo "ok $tap_n - $2"
	else
		tap_fail=$((tap_fail + 1)); echo "not ok $tap_n - $2"
		if [ -n "${3:-}" ] && [ -f "$3" ]; then
			grep -E '====|ERROR:|SUMMARY:|runtime error|Test unit written|#[0-9]+ 0x.* in ' "$3" |
				head -n 40 | sed 's/^/#   /'
		fi
	fi
}

# fuzz_one HARNESS SECONDS LOG: fuzzing from the repository corpus; new
# inputs go to the work corpus in the cache.
fuzz_one() {
	local h=$1 secs=$2 logf=$3 jobs=${4:-1}
	local work=$OUT/work/$h art=$OUT/artifacts/$h
	mkdir -p "$work" "$art"
	local extra=()
	[ "$jobs" -gt 1 ] && extra=(-jobs="$jobs" -workers="$jobs")
	(cd "$OUT" && "./fuzz_$h" "${LIBFUZZER_OPTS[@]}" -max_total_time="$secs" \
		-artifact_prefix="$art/" "${DICT[@]}" "${extra[@]}" "$work" "$FUZZ/corpus/$h") > "$logf" 2>&1
}

execs() {	# execs LOG...: executions run
	cat "$@" 2>/dev/null | grep -Eo 'stat::number_of_executed_units: [0-9]+' |
		awk '{ n += $2 } END { print n + 0 }'
}

smoke() {
	local total=${1:-60} h logs=$OUT/logs all=0
	local per=$((total / ${#HARNESSES[@]}))
	[ "$per" -ge 1 ] || per=1
	mkdir -p "$logs"
	if ! build > "$logs/build.log" 2>&1; then
		tap fail "fuzz harnesses build" "$logs/build.log"
		tail -n 20 "$logs/build.log" | sed 's/^/#   /'
		echo "# passed $tap_pass failed $tap_fail skipped $tap_skip"
		return 1
	fi
	tap ok "fuzz harnesses build (clang-14, ASan+UBSan)"
	for h in "${HARNESSES[@]}"; do
		local n
		n=$(find "$FUZZ/corpus/$h" -type f | wc -l)
		if (cd "$OUT" && "./fuzz_$h" "${LIBFUZZER_OPTS[@]}" -runs=0 "$FUZZ/corpus/$h") \
			> "$logs/$h-corpus.log" 2>&1; then
			tap ok "$h: corpus of $n inputs (regressions included) runs clean"
		else
			tap fail "$h: corpus of $n inputs (regressions included) runs clean" \
				"$logs/$h-corpus.log"
		fi
		if fuzz_one "$h" "$per" "$logs/$h-fuzz.log"; then
			n=$(execs "$logs/$h-fuzz.log")
			all=$((all + n))
			tap ok "$h: $per s of fuzzing, $n executions, no crash"
		else
			tap fail "$h: $per s of fuzzing found a crash (input in $OUT/artifacts/$h)" \
				"$logs/$h-fuzz.log"
		fi
	done
	echo "# fuzz executions: $all"
	echo "# passed $tap_pass failed $tap_fail skipped $tap_skip"
	[ "$tap_fail" = 0 ]
}

long() {
	local secs=${1:-3600} jobs=${FUZZ_JOBS:-1} h logs=$OUT/logs all=0 n
	build || return 1
	mkdir -p "$logs"
	for h in "${HARNESSES[@]}"; do
		log "fuzzing $h for $secs s ($jobs job(s)); log $logs/$h-long.log"
		rm -f "$OUT"/fuzz-*.log
		if fuzz_one "$h" "$secs" "$logs/$h-long.log" "$jobs"; then
			n=$(execs "$logs/$h-long.log" "$OUT"/fuzz-*.log)
			all=$((all + n))
			tap ok "$h: $secs s of fuzzing, $n executions, no crash"
		else
			tap fail "$h: crash (input in $OUT/artifacts/$h)" "$logs/$h-long.log"
		fi
	done
	echo "# fuzz executions: $all"
	echo "# passed $tap_pass failed $tap_fail skipped $tap_skip"
	[ "$tap_fail" = 0 ]
}

cmd=${1:-}
shift || true
case "$cmd" in
build) build ;;
smoke) smoke "$@" ;;
long) long "$@" ;;
run)
	h=${1:?harness}; shift
	build || exit 1
	"$OUT/fuzz_$h" "$@" ;;
*) echo "usage: $0 build | smoke [SECONDS] | long [SECONDS] | run HARNESS FILE..." >&2; exit 2 ;;
esac
