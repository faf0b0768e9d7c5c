#!/usr/bin/env bash
# The scenarios for the SMP debug kernel (qemu-debian.sh --smp-debug-kernel):
# first proof that its bug finders are really on, then basic, suspend and
# multi in each I/O mode and the concurrency stress in each mode.  The
# host script fails the run on any kernel report.
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
done

# No kmemleak scan here: under TCG with KASAN two scans of the guest take
# longer than all the scenarios; the UML runs of the test command scan.
exit $rc
