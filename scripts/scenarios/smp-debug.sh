#!/usr/bin/env bash
# The scenarios for the SMP debug kernel (qemu-debian.sh --smp-debug-kernel):
# first proof that its bug finders are really on, then the scenario suite of
# the UML runs (basic, suspend, multi, concurrency stress, fault injection in
# each I/O mode; hardware handler and I/O timeout in both modes of
# multipath; stacking; the end of pg_init racing table destruction).  The host script fails the run on any kernel report.
#   smp-debug.sh MODULE.ko [STRESS_SECONDS]
. "$(dirname "$0")/lib.sh"
ko=${1:?usage: smp-debug.sh MODULE.ko [STRESS_SECONDS]}
seconds=${2:-30}
dir=$(dirname "$0")

t_eq "two CPUs online" 2 "$(grep -c '^processor' /proc/cpuinfo)"
t_check "lockdep is on" test -r /proc/lockdep
t_check "KASAN is on" eval "dmesg | grep -q 'KernelAddressSanitizer initialized'"
t_check "preemption is on (atomic-sleep checks see atomic context)" \
	eval "uname -v | grep -q PREEMPT"
t_done
rc=$?

for mode in rq bio biotarget; do
	bash "$dir/basic.sh" "$ko" "$mode" || rc=1
	bash "$dir/suspend.sh" "$ko" "$mode" || rc=1
	bash "$dir/multi.sh" "$ko" "$mode" || rc=1
	bash "$dir/stress.sh" "$ko" "$mode" "$seconds" || rc=1
	bash "$dir/faults.sh" "$ko" "$mode" || rc=1
done
for mode in rq bio; do
	bash "$dir/handler.sh" "$ko" "$mode" || rc=1
	bash "$dir/timeout.sh" "$ko" "$mode" || rc=1
done
bash "$dir/stack.sh" "$ko" || rc=1
# Request mode only: in bio mode the kick that completes the read runs in
# the same worker pool as the held-back pg_init end, so it cannot overlap.
bash "$dir/pg-init-race.sh" "$ko" rq || rc=1

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
