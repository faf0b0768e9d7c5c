#!/usr/bin/env bash
# I/O waiting for a path across suspends, as dm_noflush_suspending() asks:
#   - noflush suspend while I/O waits: the I/O is pushed back to dm core,
#     neither completes nor fails, and the suspend finishes;
#   - resume without a path: the I/O waits in the target again;
#   - a new table over working paths: the I/O completes, data is right;
#   - flush suspend while I/O waits: the I/O fails, the suspend finishes and
#     queue_if_no_path comes back at resume.
#   suspend.sh MODULE.ko MODE      MODE: rq | bio | biotarget
. "$(dirname "$0")/lib.sh"
ko=${1:?usage: suspend.sh MODULE.ko rq|bio|biotarget}
mode=${2:?usage: suspend.sh MODULE.ko rq|bio|biotarget}
map=susp_$mode

mode_features "$mode" queue_if_no_path || exit 2
qfeat=$tfeatures

cleanup() {
	[ -n "${writer:-}" ] && kill "$writer" 2>/dev/null
	dmsetup resume "$map" 2>/dev/null
	dmsetup message "$map" 0 fail_if_no_path 2>/dev/null
	dmsetup remove "$map" 2>/dev/null
	rmmod dm-mpath-cpp 2>/dev/null
	modprobe -r dm-round-robin dm-multipath 2>/dev/null
	rmmod scsi_debug 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
work=$(mktemp -d)

# "stock": the same steps against Linux's own target.
setup_paths "$mode" "$ko" 2 16 || { t_done; exit 1; }
a=${mm[0]} b=${mm[1]}
table="0 $sectors $target $features 0 1 1 round-robin 0 2 1 $a 1 $b 1"
dev=/dev/mapper/$map
t_check "[$mode] create map" dmsetup create "$map" --table "$table" || { t_done; exit 1; }
wait_for test -b "$dev" 5

# Starts a 1 MiB direct write of a fresh pattern at offset 2 MiB.
make_pattern() { head -c $((1 << 20)) /dev/urandom > "$work/pattern"; }
write_pattern() {
	dd if="$work/pattern" of="$dev" bs=64k seek=32 oflag=direct status=none 2>"$work/dd.err" &
	writer=$!
}
start_writer() { make_pattern && write_pattern; }
running() { kill -0 "$writer" 2>/dev/null; }
finish_writer() {	# exit status of the writer, or 124 if still running after $1 s
	if wait_for "! kill -0 $writer" "$1"; then
		wait "$writer"; local rc=$?; writer=; return $rc
	fi
	return 124
}
on_disk_is_pattern() {
	cmp "$work/pattern" <(dd if="${disks[1]}" bs=64k skip=32 count=16 iflag=direct status=none)
}

dmsetup message "$map" 0 fail_path "$a"
dmsetup message "$map" 0 fail_path "$b"
start_writer
sleep 2
t_check "[$mode] no path + queue_if_no_path: the write waits" running

# --- noflush suspend: pushed back, not failed ---
t_check "[$mode] noflush suspend finishes while I/O waits" timeout 30 dmsetup suspend --noflush "$map"
sleep 1
t_check "[$mode] suspended: the write neither completed nor failed" running
t_refused "[$mode] messages refused while suspended" dmsetup message "$map" 0 reinstate_path "$a"
# Bio mode, like mainline, turns queueing off for any suspend (the pushed
# back I/O sits in dm core) and restores it at resume.
if [ "$mode" = rq ]; then
	t_eq "[$mode] queue_if_no_path kept across noflush suspend" \
		"0 $sectors $target $qfeat 0 1 1 round-robin 0 2 1 $a 1 $b 1 " "$(dmsetup table "$map")"
fi

# --- resume without a path: waits again ---
t_check "[$mode] resume" dmsetup resume "$map"
t_eq "[$mode] queue_if_no_path after resume" \
	"0 $sectors $target $qfeat 0 1 1 round-robin 0 2 1 $a 1 $b 1 " "$(dmsetup table "$map")"
sleep 2
t_check "[$mode] resumed without a path: the write still waits" running

# --- noflush suspend, new table over working paths, resume: completes ---
t_check "[$mode] noflush suspend again" timeout 30 dmsetup suspend --noflush "$map"
t_check "[$mode] load a new table (paths active again)" dmsetup reload "$map" --table "$table"
t_check "[$mode] resume onto the new table" dmsetup resume "$map"
finish_writer 20
t_eq "[$mode] the pushed-back write completed successfully" 0 $?
t_check "[$mode] data on disk is the written pattern" on_disk_is_pattern

# --- flush suspend while I/O waits: fails it, queueing back at resume ---
dmsetup message "$map" 0 fail_path "$a"
dmsetup message "$map" 0 fail_path "$b"
start_writer
sleep 2
t_check "[$mode] write waits again" running
t_check "[$mode] flush suspend finishes while I/O waits" timeout 30 dmsetup suspend "$map"
if [ "$mode" = rq ]; then
	# dm-rq holds the requeued request outside its in-flight count, so the
	# suspend finishes without failing it; Linux 6.1 does the same.
	sleep 1
	t_check "[$mode] the waiting request is held across the flush suspend" running
else
	finish_writer 10
	rc=$?
	t_check "[$mode] flush suspend failed the waiting write" test "$rc" -ne 0 -a "$rc" -ne 124
fi
t_check "[$mode] resume after flush suspend" dmsetup resume "$map"
t_eq "[$mode] queue_if_no_path restored at resume" \
	"0 $sectors $target $qfeat 0 1 1 round-robin 0 2 1 $a 1 $b 1 " "$(dmsetup table "$map")"
if [ "$mode" = rq ]; then
	t_check "[$mode] the request still waits after resume" running
	dmsetup message "$map" 0 fail_if_no_path
	finish_writer 10
	rc=$?
	t_check "[$mode] fail_if_no_path fails the waiting write" test "$rc" -ne 0 -a "$rc" -ne 124
	dmsetup message "$map" 0 queue_if_no_path
fi

# --- queue_if_no_path_timeout_secs: waiting I/O fails after the timeout ---
param=/sys/module/dm_mpath_cpp/parameters/queue_if_no_path_timeout_secs
[ "$ko" = stock ] && param=/sys/module/dm_multipath/parameters/queue_if_no_path_timeout_secs
# The timer runs from the fail_path: 3 s leave a loaded debug kernel time
# to start the writer (the pattern is made before).
t_check "[$mode] set queue_if_no_path_timeout_secs=3" sh -c "echo 3 > $param"
make_pattern
dmsetup message "$map" 0 reinstate_path "$a"
dmsetup message "$map" 0 fail_path "$a"
write_pattern
sleep 1
t_check "[$mode] write waits before the timeout" running
finish_writer 15
rc=$?
t_check "[$mode] the waiting write failed after the timeout" test "$rc" -ne 0 -a "$rc" -ne 124
t_refused "[$mode] queueing turned off by the timeout" \
	sh -c "dmsetup table $map | grep -qw queue_if_no_path"
echo 0 > "$param"
t_done
