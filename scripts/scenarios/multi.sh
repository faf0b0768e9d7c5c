#!/usr/bin/env bash
# Waiting I/O moved to other paths, and bio_multipath twice in one table,
# over four scsi_debug paths to one LUN.
#   multi.sh MODULE.ko MODE      MODE: rq | bio | biotarget
. "$(dirname "$0")/lib.sh"
ko=${1:?usage: multi.sh MODULE.ko rq|bio|biotarget}
mode=${2:?usage: multi.sh MODULE.ko rq|bio|biotarget}
map=multi_$mode
mode_features "$mode" queue_if_no_path || exit 2

cleanup() {
	[ -n "${writer:-}" ] && kill "$writer" 2>/dev/null
	dmsetup resume "$map" 2>/dev/null
	dmsetup remove "$map" 2>/dev/null
	rmmod dm-mpath-cpp 2>/dev/null
	rmmod scsi_debug 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
work=$(mktemp -d)

modprobe dm-mod 2>/dev/null
t_check "[$mode] module loads" insmod "$ko" || { t_done; exit 1; }
disks=()
found=$(scsi_debug_paths 4 dev_size_mb=16) && mapfile -t disks <<< "$found"
[ ${#disks[@]} -eq 4 ] || { t_fail "[$mode] four scsi_debug paths"; t_done; exit 1; }
mm=()
for d in "${disks[@]}"; do mm+=("$(dev_majmin "$d")"); done
sectors=$(blockdev --getsz "${disks[0]}")
dev=/dev/mapper/$map
group() { echo "round-robin 0 2 1 $1 1 $2 1"; }

# Writes 1 MiB of a fresh pattern at byte offset $1 in the background.
start_writer() {
	head -c $((1 << 20)) /dev/urandom > "$work/pattern"
	dd if="$work/pattern" of="$dev" bs=64k seek=$(($1 / 65536)) oflag=direct status=none &
	writer=$!
	writer_offset=$1
}
finish_writer() {
	if wait_for "! kill -0 $writer" "$1"; then
		wait "$writer"; local rc=$?; writer=; return $rc
	fi
	return 124
}
pattern_on_disk() {	# read back through a path not used by the map
	cmp "$work/pattern" <(dd if="${disks[$1]}" bs=64k skip=$((writer_offset / 65536)) \
		count=16 iflag=direct status=none)
}
# part_on_disk DISK PART_OFFSET DISK_OFFSET LEN (bytes, multiples of 64 KiB):
# bytes PART_OFFSET.. of the pattern are on DISK at DISK_OFFSET.
part_on_disk() {
	cmp <(dd if="$work/pattern" bs=64k skip=$(($2 / 65536)) count=$(($4 / 65536)) status=none) \
		<(dd if="${disks[$1]}" bs=64k skip=$(($3 / 65536)) count=$(($4 / 65536)) \
			iflag=direct status=none)
}

# --- a new table whose paths are other devices onto the same data ---
t_check "[$mode] create map on paths 1-2" dmsetup create "$map" --table \
	"0 $sectors $target $features 0 1 1 $(group "${mm[0]}" "${mm[1]}")" || { t_done; exit 1; }
wait_for test -b "$dev" 5
dmsetup message "$map" 0 fail_path "${mm[0]}"
dmsetup message "$map" 0 fail_path "${mm[1]}"
start_writer $((2 << 20))
sleep 2
t_check "[$mode] write waits with no path" kill -0 "$writer"
t_check "[$mode] noflush suspend" timeout 30 dmsetup suspend --noflush "$map"
t_check "[$mode] load a table on paths 3-4" dmsetup reload "$map" --table \
	"0 $sectors $target $features 0 1 1 $(group "${mm[2]}" "${mm[3]}")"
t_check "[$mode] resume" dmsetup resume "$map"
finish_writer 20
t_eq "[$mode] the pushed-back write completed on the new paths" 0 $?
t_check "[$mode] data on disk is the written pattern" pattern_on_disk 0
dmsetup remove "$map"

# --- two bio_multipath targets in one table ---
if [ "$mode" = biotarget ]; then
	half=$((sectors / 2))
	t_check "[$mode] two targets in one table" dmsetup create "$map" --table \
"0 $half $target $features 0 1 1 $(group "${mm[0]}" "${mm[1]}")
$half $((sectors - half)) $target $features 0 1 1 $(group "${mm[2]}" "${mm[3]}")"
	wait_for test -b "$dev" 5
	t_eq "[$mode] table lists both targets" \
"0 $half $target $tfeatures 0 1 1 $(group "${mm[0]}" "${mm[1]}") 
$half $((sectors - half)) $target $tfeatures 0 1 1 $(group "${mm[2]}" "${mm[3]}") " \
		"$(dmsetup table "$map")"
	# A write across the boundary while the second target has no path.
	dmsetup message "$map" "$half" fail_path "${mm[2]}"
	dmsetup message "$map" "$half" fail_path "${mm[3]}"
	start_writer $((half * 512 - (512 << 10)))
	sleep 2
	t_check "[$mode] spanning write waits for the second target" kill -0 "$writer"
	t_check "[$mode] noflush suspend with a write across targets" \
		timeout 30 dmsetup suspend --noflush "$map"
	t_check "[$mode] resume" dmsetup resume "$map"
	sleep 1
	t_check "[$mode] still waiting after resume without a path" kill -0 "$writer"
	dmsetup message "$map" "$half" reinstate_path "${mm[3]}"
	finish_writer 20
	t_eq "[$mode] spanning write completed after reinstate" 0 $?
	# Each target addresses its paths from their sector 0, as dm-linear
	# does: the first half of the write ends the LUN's first half, the
	# second half starts the LUN (one LUN under all four paths here).
	for i in 0 1; do
		t_check "[$mode] data before the boundary is right, through path $((i + 1))" \
			part_on_disk "$i" 0 $((half * 512 - (512 << 10))) $((512 << 10))
	done
	for i in 2 3; do
		t_check "[$mode] data after the boundary starts the second target's path $((i + 1))" \
			part_on_disk "$i" $((512 << 10)) 0 $((512 << 10))
	done
	dmsetup message "$map" "$half" fail_path "${mm[3]}"
	dmsetup message "$map" "$half" fail_if_no_path
	t_refused "[$mode] first half still works, second half fails without queueing" \
		sh -c "dd if=$dev of=/dev/null bs=4k count=1 iflag=direct status=none &&
		       dd if=$dev of=/dev/null bs=4k skip=$((half / 8)) count=1 iflag=direct status=none"
	t_check "[$mode] first half still readable" \
		dd if="$dev" of=/dev/null bs=4k count=1 iflag=direct status=none
	dmsetup remove "$map"

	# --- a target that starts past sector 0 uses its paths from sector 0 ---
	# No queue_if_no_path here: I/O beyond a path's end must fail, not wait.
	paths4="0 0 1 1 round-robin 0 4 1 ${mm[0]} 1 ${mm[1]} 1 ${mm[2]} 1 ${mm[3]} 1"
	# (error: the one filler target every dm core has built in.)
	t_refused "[$mode] a target longer than its paths is refused" dmsetup create "$map" \
		--table "0 8192 error
8192 $((sectors + 8)) $target $paths4"
	t_check "[$mode] ... because its paths are too small for it" sh -c \
		"dmesg | tail -n 20 | grep -q 'too small for target: start=0, len=$((sectors + 8)), dev_size=$sectors'"
	t_check "[$mode] error + a whole-LUN target at sector 8192" dmsetup create "$map" --table \
		"0 8192 error
8192 $sectors $target $paths4" || { t_done; exit 1; }
	wait_for test -b "$dev" 5
	head -c $((1 << 20)) /dev/urandom > "$work/pattern"
	# conv=fsync: an empty flush reaches the target at sector 8192 too.
	t_check "[$mode] write the map's last MiB, then flush" dd if="$work/pattern" of="$dev" bs=64k \
		seek=$(((8192 + sectors) * 512 / 65536 - 16)) oflag=direct conv=fsync status=none
	for i in 0 1 2 3; do
		t_check "[$mode] the LUN's last MiB holds it, through path $((i + 1))" \
			part_on_disk "$i" 0 $((sectors * 512 - (1 << 20))) $((1 << 20))
	done
	t_check "[$mode] read back through the map" cmp "$work/pattern" \
		<(dd if="$dev" bs=64k skip=$(((8192 + sectors) * 512 / 65536 - 16)) count=16 \
			iflag=direct status=none)
	t_eq "[$mode] no path failed" "" \
		"$(dmsetup status "$map" | grep -o ' F [0-9]*' | tr -d '\n')"
fi
t_done
