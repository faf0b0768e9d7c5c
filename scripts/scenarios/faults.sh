#!/usr/bin/env bash
# Forward progress under memory pressure: the kernel's fault injection
# (failslab, fail_page_alloc) fails a few percent of the allocations made by
# fio's tasks, sleeping or not, while fio --verify runs through the map.  A path whose command failed for lack of memory is
# failed like any path error and reinstated by a multipathd-like loop;
# queue_if_no_path covers the moments without paths.  Expected: fio ends in
# bounded time, with no error but ENOMEM from a syscall whose allocation was
# failed, no EIO, no data mismatch, no kernel report, no leak (uml-run.sh
# with UML_KMEMLEAK=1).
#   faults.sh MODULE.ko MODE [PERCENT]     MODE: rq | bio | biotarget
. "$(dirname "$0")/lib.sh"
ko=${1:?usage: faults.sh MODULE.ko MODE [PERCENT]}
mode=${2:?usage: faults.sh MODULE.ko MODE [PERCENT]}
percent=${3:-2}
map=faults_$mode
dbg=/sys/kernel/debug

mode_features "$mode" queue_if_no_path || exit 2

inject() {	# probability in percent (0 = off)
	local f
	for f in failslab fail_page_alloc; do
		echo 1 > "$dbg/$f/verbose"	# one log line per fault
		echo -1 > "$dbg/$f/times"
		echo 1 > "$dbg/$f/interval"
		echo Y > "$dbg/$f/task-filter"	# only fio's tasks (make-it-fail)
		echo N > "$dbg/$f/ignore-gfp-wait"
		echo "$1" > "$dbg/$f/probability"
	done
}
cleanup() {
	inject 0 2>/dev/null
	[ -n "${reinstater:-}" ] && kill "$reinstater" 2>/dev/null
	[ -n "${fio_pid:-}" ] && kill "$fio_pid" 2>/dev/null
	dmsetup message "$map" 0 fail_if_no_path 2>/dev/null
	dmsetup remove "$map" 2>/dev/null
	rmmod dm-mpath-cpp 2>/dev/null
	rmmod scsi_debug 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
work=$(mktemp -d)

[ -d "$dbg/failslab" ] || { t_skip "[$mode] fault injection" "no failslab in this kernel"; t_done; exit 0; }
modprobe dm-mod 2>/dev/null
t_check "[$mode] module loads" insmod "$ko" || { t_done; exit 1; }
disks=()
found=$(scsi_debug_paths 2 dev_size_mb=16) && mapfile -t disks <<< "$found"
[ ${#disks[@]} -eq 2 ] || { t_fail "[$mode] two scsi_debug paths"; t_done; exit 1; }
a=$(dev_majmin "${disks[0]}"); b=$(dev_majmin "${disks[1]}")
sectors=$(blockdev --getsz "${disks[0]}")
dev=/dev/mapper/$map
t_check "[$mode] create map" dmsetup create "$map" \
	--table "0 $sectors $target $features 0 1 1 round-robin 0 2 1 $a 1 $b 1" || { t_done; exit 1; }
wait_for test -b "$dev" 5

# What multipathd's checker would do: put failed paths back.
(
	while :; do
		sleep 1
		for p in "$a" "$b"; do
			[ "$(path_state "$map" "$p" 2>/dev/null)" = F ] &&
				dmsetup message "$map" 0 reinstate_path "$p" 2>/dev/null
		done
	done
) &
reinstater=$!

# Own session: when a fork fails, fio signals "pid 0", i.e. its group.
(echo 1 > /proc/self/make-it-fail && cd "$work" && exec setsid fio --name=faults --filename="$dev" --rw=randrw --bs=4k --size=8M \
	--loops=3 --numjobs=2 --offset_increment=8M --direct=1 --ioengine=psync --verify=crc32c \
	--do_verify=1 --verify_fatal=1 --eta=never --output="$work/fio.log" 2>>"$work/fio.log") &
fio_pid=$!
# fio's tasks carry make-it-fail from the start; injection starts once its
# jobs do I/O (loading fio under injection would just fail it).  Then every
# allocation of theirs may fail: in the syscalls, the block layer, dm core
# and this target.
# shellcheck disable=SC2016  # expanded by wait_for's eval
wait_for '[ "$(dmsetup status '"$map"' | cut -d" " -f5)" = 0 ]' 60	# queue_io 0: I/O went
sleep 2
inject "$percent"
t_note "failslab and fail_page_alloc at $percent% of the allocations of fio's tasks"
# Bounded: a hang shows as a timeout here (and as a hung task report).
if wait_for "! kill -0 $fio_pid" 240; then
	inject 0
	wait "$fio_pid"; fio_rc=$?; fio_pid=
	errs=$(grep -o 'err= *[0-9]*' "$work/fio.log" | grep -o '[0-9]*' | sort -u | tr '\n' ' ' | sed 's/ $//')
	t_note "fio exit status $fio_rc, error codes: $errs"
	# A syscall whose own allocation was failed returns ENOMEM to fio, which
	# stops there: the injected fault forced that on the caller.  Anything
	# else (EIO, a data mismatch) would be a lost or corrupted I/O.
	t_check "[$mode] fio saw no error but ENOMEM" sh -c "echo '$errs' | grep -qxE '(0|12)( (0|12))*'"
	t_check "[$mode] no EIO and no data mismatch" \
		sh -c "! grep -qiE 'input/output error|verify.*(fail|bad)|bad magic' '$work/fio.log'" ||
		t_note "$(tail -n 30 "$work/fio.log")"
else
	inject 0
	t_fail "[$mode] fio under fault injection finished within 240 s" "$(tail -n 20 "$work/fio.log")"
fi
injected=$(dmesg | grep -c 'FAULT_INJECTION: forcing a failure')
t_note "status after the run: $(dmsetup status "$map")"
t_check "[$mode] faults were injected ($injected logged, rate-limited)" test "$injected" -gt 0
kill "$reinstater"; wait "$reinstater" 2>/dev/null; reinstater=
dmsetup message "$map" 0 reinstate_path "$a"
dmsetup message "$map" 0 reinstate_path "$b"
t_check "[$mode] the map works after the run" \
	dd if="$dev" of=/dev/null bs=64k count=16 iflag=direct status=none
t_done
