#!/usr/bin/env bash
# The scenarios for the SMP debug kernel (qemu-debian.sh --smp-debug-kernel):
# first proof that its bug finders are really on, then the scenario suite of
# the UML runs (basic, suspend, multi, concurrency stress, fault injection in
# each I/O mode; hardware handler and I/O timeout in both modes of
# multipath; stacking; the end of pg_init racing table destruction), or the
# runs named as SCRIPT:MODE (stack.sh: has no mode).  The host script fails
# the run on any kernel report.
#   smp-debug.sh MODULE.ko [SCRIPT:MODE...]    (STRESS_SECONDS, default 30)
. "$(dirname "$0")/lib.sh"
ko=${1:?usage: smp-debug.sh MODULE.ko [SCRIPT:MODE...]}
shift
seconds=${STRESS_SECONDS:-30}
dir=$(dirname "$0")

t_eq "two CPUs online" 2 "$(grep -c '^processor' /proc/cpuinfo)"
t_check "lockdep is on" test -r /proc/lockdep
t_check "KASAN is on" eval "dmesg | grep -q 'KernelAddressSanitizer initialized'"
t_check "preemption is on (atomic-sleep checks see atomic context)" \
	eval "uname -v | grep -q PREEMPT"
t_done
rc=$?

runs=("$@")
if [ ${#runs[@]} = 0 ]; then
	for mode in rq bio biotarget; do
		runs+=("basic.sh:$mode" "suspend.sh:$mode" "multi.sh:$mode" \
		       "stress.sh:$mode" "faults.sh:$mode")
	done
	# Request mode only for the race: in bio mode the kick that completes
	# the read runs in the same worker pool as the held-back pg_init end,
	# so it cannot overlap.
	runs+=(handler.sh:rq timeout.sh:rq handler.sh:bio timeout.sh:bio stack.sh: \
	       pg-init-race.sh:rq)
fi
for run in "${runs[@]}"; do
	script=${run%%:*} mode=${run#*:}
	[ -f "$dir/$script" ] || { echo "smp-debug.sh: no scenario $script" >&2; rc=1; continue; }
	case $script in
	stress.sh) bash "$dir/$script" "$ko" "$mode" "$seconds" || rc=1 ;;
	*) bash "$dir/$script" "$ko" ${mode:+"$mode"} || rc=1 ;;
	esac
done

# Leaks, once for the whole run: a scan walks all of the guest's memory,
# KASAN's shadow included, which takes minutes under TCG.
T_N=0 T_PASS=0 T_FAIL=0 T_SKIP=0
start=$SECONDS
leaks=$(bash "$dir/../beds/guest/kmemleak-check.sh" smp-debug)
printf '%s\n' "$leaks"
t_note "kmemleak scans took $((SECONDS - start)) s"
t_eq "kmemleak: no leak from our module or unloaded code" 0 \
	"$(sed -n 's/.*suspected leak(s), \([0-9]*\) matching the filter.*/\1/p' <<<"$leaks")"
t_done || rc=1
exit $rc
