#!/usr/bin/env bash
# Data and failover through one map over two scsi_debug paths to one LUN.
#   basic.sh MODULE.ko MODE      MODE: rq | bio (multipath queue_mode bio) |
#                                      biotarget (the bio_multipath target)
# Runs inside the UML test kernel or the Debian QEMU VM.
. "$(dirname "$0")/lib.sh"
ko=${1:?usage: basic.sh MODULE.ko rq|bio|biotarget}
mode=${2:?usage: basic.sh MODULE.ko rq|bio|biotarget}
map=mpath_$mode

mode_features "$mode" || exit 2

cleanup() {
	dmsetup remove "$map" 2>/dev/null
	rmmod dm-mpath-cpp 2>/dev/null
	rmmod scsi_debug 2>/dev/null
	[ -n "${work:-}" ] && rm -rf "$work"
}
trap cleanup EXIT

modprobe dm-mod 2>/dev/null
t_check "[$mode] module loads" insmod "$ko" || { t_done; exit 1; }
disks=()
found=$(scsi_debug_paths 2 dev_size_mb=32 2>/tmp/scsi_debug.err) && mapfile -t disks <<< "$found"
if [ ${#disks[@]} -ne 2 ]; then
	t_fail "[$mode] two scsi_debug paths" "found: ${disks[*]}" "$(cat /tmp/scsi_debug.err)" \
		"$(ls -R /sys/bus/pseudo/drivers/scsi_debug/ 2>&1 | head -30)"
	t_done; exit 1
fi
a=$(dev_majmin "${disks[0]}"); b=$(dev_majmin "${disks[1]}")
sectors=$(blockdev --getsz "${disks[0]}")
dev=/dev/mapper/$map

# --- table and status text, exactly as mainline prints them ---
table="$features 0 1 1 round-robin 0 2 1 $a 1 $b 1"
t_check "[$mode] create map" dmsetup create "$map" --table "0 $sectors $target $table" ||
	{ t_done; exit 1; }
t_check "[$mode] map node is a block device" wait_for test -b "$dev" 5
t_eq "[$mode] dmsetup table" "0 $sectors $target $tfeatures 0 1 1 round-robin 0 2 1 $a 1 $b 1 " \
	"$(dmsetup table "$map")"
t_eq "[$mode] status before I/O" "0 $sectors $target 2 1 0 0 1 1 E 0 2 0 $a A 0 $b A 0 " \
	"$(dmsetup status "$map")"

# --- paths given by device name are shown as major:minor ---
t_check "[$mode] reload with /dev names" dmsetup reload "$map" --table \
	"0 $sectors $target $features 0 1 1 round-robin 0 2 1 ${disks[0]} 1 ${disks[1]} 1"
t_check "[$mode] resume" dmsetup resume "$map"
t_eq "[$mode] table after reload" "0 $sectors $target $tfeatures 0 1 1 round-robin 0 2 1 $a 1 $b 1 " \
	"$(dmsetup table "$map")"

# --- every selector of Linux 6.1 carries I/O and prints mainline's text ---
# (io-affinity with one path: its CPU mask "1" maps CPU 0 on any machine)
selector_cases=(
	"queue-length 0 2 1 $a 1 $b 1|A 0 2 1 $a A 0 0 $b A 0 0 "
	"service-time 0 2 2 $a 1 1 $b 1 4|A 0 2 2 $a A 0 0 1 $b A 0 0 4 "
	"historical-service-time 0 2 1 $a 0 $b 0|"
	"io-affinity 0 1 1 $a 1|"
	"round-robin 0 2 1 $a 1 $b 1|A 0 2 0 $a A 0 $b A 0 "
)
for c in "${selector_cases[@]}"; do
	group=${c%%|*} idle=${c#*|} sel=${c%% *}
	hst_group=; [ "$sel" = historical-service-time ] && hst_group="2 972 0 "
	t_check "[$mode] $sel: load" dmsetup reload "$map" --table \
		"0 $sectors $target $features 0 1 1 $group" || continue
	t_check "[$mode] $sel: resume" dmsetup resume "$map"
	t_eq "[$mode] $sel: dmsetup table" \
		"0 $sectors $target $tfeatures 0 1 1 ${sel} ${hst_group:-0 }${group#"$sel 0 "} " \
		"$(dmsetup table "$map")"
	t_check "[$mode] $sel: 1 MiB written and read back" sh -c \
		"dd if=/dev/urandom of=/tmp/sel.dat bs=64k count=16 status=none &&
		 dd if=/tmp/sel.dat of=$dev bs=64k oflag=direct status=none &&
		 dd if=$dev bs=64k count=16 iflag=direct status=none | cmp - /tmp/sel.dat"
	[ -n "$idle" ] && t_eq "[$mode] $sel: in-flight counters back to zero" \
		"0 $sectors $target 2 0 0 0 1 1 $idle" "$(dmsetup status "$map")"
done

# --- io-affinity: a CPU past the possible ones ends the mask, with a log line ---
# Only kernels whose masks have bits past nr_cpu_ids (no CPUMASK_OFFSTACK,
# NR_CPUS above the CPU count: the SMP debug kernel) can be given one.
ncpu=$(($(sed 's/.*[-,]//' /sys/devices/system/cpu/possible) + 1))
marker="basic.sh: io-affinity mask past CPU $((ncpu - 1)) ($mode)"
echo "$marker" > /dev/kmsg
t_refused "[$mode] io-affinity: a mask of CPU $ncpu only is refused" dmsetup create "aff_$mode" \
	--table "0 $sectors $target $features 0 1 1 io-affinity 0 1 1 $a $(printf '%x' $((1 << ncpu)))"
aff_log=$(dmesg | sed -n "\|$marker|,\$p")
if grep -q 'io-affinity ps: invalid cpumask' <<<"$aff_log"; then
	t_skip "[$mode] io-affinity: mainline's log line for CPU $ncpu" \
		"this kernel's cpumasks end at CPU $((ncpu - 1))"
else
	t_check "[$mode] io-affinity: mainline's log line for CPU $ncpu" grep -qF \
		"device-mapper: multipath io-affinity: Ignoring mapping for CPU $ncpu. Max CPU is $ncpu" \
		<<<"$aff_log"
fi

# --- data written through the map reads back the same everywhere ---
work=$(mktemp -d)
head -c $((4 << 20)) /dev/urandom > "$work/data"
t_check "[$mode] write 4 MiB through the map" \
	dd if="$work/data" of="$dev" bs=64k oflag=direct status=none
t_eq "[$mode] status after I/O" "0 $sectors $target 2 0 0 0 1 1 A 0 2 0 $a A 0 $b A 0 " \
	"$(dmsetup status "$map")"
for d in "$dev" "${disks[@]}"; do
	t_check "[$mode] data reads back identical via $d" \
		cmp -n $((4 << 20)) "$work/data" <(dd if="$d" bs=64k count=64 iflag=direct status=none)
done

# --- a medium error is the caller's: returned, and the path stays usable ---
sdbg=/sys/bus/pseudo/drivers/scsi_debug
echo 60000 > /sys/module/scsi_debug/parameters/medium_error_start
echo 8 > /sys/module/scsi_debug/parameters/medium_error_count
echo 2 > $sdbg/opts	# SDEBUG_OPT_MEDIUM_ERR: reads of sectors 60000-60007 fail
t_refused "[$mode] read of a bad sector returns the error" \
	dd if="$dev" of=/dev/null bs=4k skip=7500 count=1 iflag=direct status=none
t_eq "[$mode] a medium error fails no path" "0 $sectors $target 2 0 0 0 1 1 A 0 2 0 $a A 0 $b A 0 " \
	"$(dmsetup status "$map")"
echo 0 > $sdbg/opts
t_check "[$mode] the same sector reads again once the medium is good" \
	dd if="$dev" of=/dev/null bs=4k skip=7500 count=1 iflag=direct status=none

# --- fail_path / reinstate_path ---
t_check "[$mode] fail_path message" dmsetup message "$map" 0 fail_path "$a"
t_eq "[$mode] status with a failed path" "0 $sectors $target 2 0 0 0 1 1 A 0 2 0 $a F 1 $b A 0 " \
	"$(dmsetup status "$map")"
t_check "[$mode] I/O continues on the other path" \
	cmp -n $((4 << 20)) "$work/data" <(dd if="$dev" bs=64k count=64 iflag=direct status=none)
t_check "[$mode] reinstate_path message" dmsetup message "$map" 0 reinstate_path "$a"
t_eq "[$mode] path reinstated" "A" "$(path_state "$map" "$a")"
t_refused "[$mode] bad message refused" dmsetup message "$map" 0 fail_path 7:99

# --- a path goes offline under fio --verify ---
if command -v fio >/dev/null; then
	# From the scratch dir: fio writes its verify state file to the cwd.
	(cd "$work" && exec fio --name=verify --filename="$dev" --rw=randwrite --bs=4k \
		--size=16M --direct=1 --ioengine=psync --verify=crc32c --do_verify=1 \
		--verify_fatal=1 --eta=never --output="$work/fio.log" 2>>"$work/fio.log") &
	fio_pid=$!
	sleep 1
	echo offline > "/sys/block/${disks[0]##*/}/device/state"
	wait "$fio_pid"; fio_rc=$?
	t_eq "[$mode] fio verify while a path goes offline: exit status" 0 "$fio_rc" ||
		t_note "$(cat "$work/fio.log")"
	t_eq "[$mode] fio reports zero errors" "0" \
		"$(grep -o 'err= *[0-9]*' "$work/fio.log" | grep -o '[0-9]*' | sort -u | tr '\n' ' ' | sed 's/ $//')"
	t_eq "[$mode] offlined path shown failed" "F" "$(path_state "$map" "$a")"
	echo running > "/sys/block/${disks[0]##*/}/device/state"
	dmsetup message "$map" 0 reinstate_path "$a"
	t_eq "[$mode] path back after reinstate" "A" "$(path_state "$map" "$a")"
else
	t_skip "[$mode] fio verify while a path goes offline" "fio not installed"
fi

# --- no usable path ---
dmsetup message "$map" 0 fail_path "$a"
dmsetup message "$map" 0 fail_path "$b"
t_refused "[$mode] no path, no queue_if_no_path: read fails" \
	dd if="$dev" of=/dev/null bs=4k count=1 iflag=direct status=none
t_check "[$mode] queue_if_no_path message" dmsetup message "$map" 0 queue_if_no_path
dd if="$dev" of="$work/late" bs=64k count=16 iflag=direct status=none &
dd_pid=$!
sleep 2
t_check "[$mode] with queue_if_no_path the read waits" kill -0 "$dd_pid"
dmsetup message "$map" 0 reinstate_path "$b"
if wait_for "! kill -0 $dd_pid" 20; then
	wait "$dd_pid"
	t_eq "[$mode] waiting read completes after reinstate_path" 0 $?
	# fio rewrote the start of the disk: compare with a path read directly.
	t_check "[$mode] waiting read returned the right data" \
		cmp "$work/late" <(dd if="${disks[1]}" bs=64k count=16 iflag=direct status=none)
else
	t_fail "[$mode] waiting read completes after reinstate_path" "still blocked after 20 s"
	dmsetup message "$map" 0 fail_if_no_path
	wait "$dd_pid"
fi
dmsetup message "$map" 0 reinstate_path "$a"
dmsetup message "$map" 0 fail_if_no_path

# --- module lifetime ---
t_refused "[$mode] module unload refused while a map exists" rmmod dm-mpath-cpp
t_check "[$mode] remove map" dmsetup remove "$map"
t_check "[$mode] module unloads" rmmod dm-mpath-cpp
t_done
