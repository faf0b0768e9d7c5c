#!/usr/bin/env bash
# Hardware handler (scsi_dh_alua) over two scsi_debug paths to one LUN that
# claims implicit ALUA, one path per priority group: attaching the handler,
# pg_init on every group switch (I/O held until it is done), failover
# between groups by a failed path and by an offlined device under fio.
#   handler.sh MODULE.ko|stock MODE     MODE: rq | bio (multipath queue_mode bio)
# "stock" runs the same checks against Linux's own dm-multipath as reference.
. "$(dirname "$0")/lib.sh"
ko=${1:?usage: handler.sh MODULE.ko|stock rq|bio}
mode=${2:?usage: handler.sh MODULE.ko|stock rq|bio}
map=alua_$mode

mode_features "$mode" || exit 2

cleanup() {
	dmsetup remove "$map" 2>/dev/null
	if [ "$ko" = stock ]; then modprobe -r dm-round-robin dm-multipath; else rmmod dm-mpath-cpp; fi
	rmmod scsi_debug 2>/dev/null
	[ -n "${work:-}" ] && rm -rf "$work"
} 2>/dev/null
trap cleanup EXIT

modprobe dm-mod 2>/dev/null
if [ "$ko" = stock ]; then
	t_check "[$mode] stock dm-multipath loads" modprobe dm-round-robin || { t_done; exit 1; }
else
	t_check "[$mode] module loads" insmod "$ko" || { t_done; exit 1; }
fi
# Bio mode takes no handler words: it uses the handler the kernel attached
# when the disk appeared, which needs scsi_dh_alua loaded first.
[ "$mode" = bio ] && modprobe scsi_dh_alua
disks=()
found=$(scsi_debug_paths 2 dev_size_mb=16 2>/tmp/scsi_debug.err) && mapfile -t disks <<< "$found"
[ ${#disks[@]} -eq 2 ] || { t_fail "[$mode] two scsi_debug paths" "$(cat /tmp/scsi_debug.err)"; t_done; exit 1; }
a=$(dev_majmin "${disks[0]}"); b=$(dev_majmin "${disks[1]}")
sectors=$(blockdev --getsz "${disks[0]}")
dev=/dev/mapper/$map
work=$(mktemp -d)
groups="2 1 round-robin 0 1 1 $a 1 round-robin 0 1 1 $b 1"
# dmsetup status for: queue_io, pg_init_count, current group, then group 1's
# state, its path's state and fail count, and the same for group 2.
st() { printf '0 %s multipath 2 %s %s 0 2 %s %s 0 1 0 %s %s %s %s 0 1 0 %s %s %s ' \
	"$sectors" "$1" "$2" "$3" "$4" "$a" "$5" "$6" "$7" "$b" "$8" "$9"; }
rd() { dd if="$dev" of=/dev/null bs=4k count=16 iflag=direct status=none; }

# --- the handler is attached, its arguments accepted ---
ctr="$features 2 alua 1 $groups"	# bio mode ignores the handler words (logged)
t_check "[$mode] create map with the alua handler" dmsetup create "$map" \
	--table "0 $sectors multipath $ctr" || { t_done; exit 1; }
t_check "[$mode] map node is a block device" wait_for test -b "$dev" 5
t_eq "[$mode] scsi_dh attached alua" "alua alua" \
	"$(cat "/sys/block/${disks[0]##*/}/device/dh_state" "/sys/block/${disks[1]##*/}/device/dh_state" | tr '\n' ' ' | sed 's/ $//')"
t_eq "[$mode] dmsetup table names the handler" \
	"0 $sectors multipath $tfeatures 1 alua $groups " "$(dmsetup table "$map")"
t_eq "[$mode] status before I/O: I/O held, no pg_init yet" \
	"$(st 1 0 1 E A 0 E A 0)" "$(dmsetup status "$map")"

# --- the first I/O triggers pg_init of group 1, then flows ---
head -c $((1 << 20)) /dev/urandom > "$work/data"
t_check "[$mode] write through the map" dd if="$work/data" of="$dev" bs=64k oflag=direct status=none
t_eq "[$mode] group 1 initialised once" "$(st 0 1 1 A A 0 E A 0)" "$(dmsetup status "$map")"

# --- switch_group: pg_init of group 2, data still right ---
t_check "[$mode] switch_group 2" dmsetup message "$map" 0 switch_group 2
t_check "[$mode] data reads back after the switch" \
	cmp "$work/data" <(dd if="$dev" bs=64k count=16 iflag=direct status=none)
t_eq "[$mode] group 2 active and initialised" "$(st 0 1 2 E A 0 A A 0)" "$(dmsetup status "$map")"

# --- a failed path moves I/O to the other group, through its pg_init ---
t_check "[$mode] fail_path of group 2" dmsetup message "$map" 0 fail_path "$b"
t_check "[$mode] I/O continues on group 1" rd
t_eq "[$mode] group 1 active again" "$(st 0 1 1 A A 0 E F 1)" "$(dmsetup status "$map")"
t_check "[$mode] reinstate_path" dmsetup message "$map" 0 reinstate_path "$b"

# --- SG_IO is passed to the current path (prepare_ioctl), refused with none ---
if command -v sg_inq >/dev/null; then
	product() { sg_inq "$dev" 2>&1 | awk -F': *' '/Product identification/ { sub(/ +$/, "", $2); print $2 }'; }
	t_eq "[$mode] SG_IO INQUIRY through the map reaches the LUN" scsi_debug "$(product)"
	# Which path carried it: the SCSI devices count the commands sent to them.
	cmds() { cat "/sys/block/${disks[0]##*/}/device/iorequest_cnt" \
		     "/sys/block/${disks[1]##*/}/device/iorequest_cnt"; }
	t_check "[$mode] fail_path of group 1" dmsetup message "$map" 0 fail_path "$a"
	mapfile -t before < <(cmds)
	t_eq "[$mode] and through the other group's path" scsi_debug "$(product)"
	mapfile -t after < <(cmds)
	t_eq "[$mode] which is the one that carried it" "0 1" \
		"$(( after[0] != before[0] )) $(( after[1] != before[1] ))"
	t_check "[$mode] fail_path of group 2" dmsetup message "$map" 0 fail_path "$b"
	t_refused "[$mode] SG_IO refused with no valid path" sg_inq "$dev"
	t_check "[$mode] reinstate both paths" eval \
		"dmsetup message $map 0 reinstate_path $a && dmsetup message $map 0 reinstate_path $b"
	t_check "[$mode] I/O flows again" rd
else
	t_skip "[$mode] SG_IO through the map" "sg3-utils not installed"
fi

# --- an offlined device under fio --verify ---
if command -v fio >/dev/null; then
	(cd "$work" && exec fio --name=verify --filename="$dev" --rw=randwrite --bs=4k \
		--size=8M --direct=1 --ioengine=psync --verify=crc32c --do_verify=1 \
		--verify_fatal=1 --eta=never --output="$work/fio.log" 2>>"$work/fio.log") &
	fio_pid=$!
	sleep 1
	echo offline > "/sys/block/${disks[0]##*/}/device/state"
	wait "$fio_pid"; fio_rc=$?
	t_eq "[$mode] fio verify while group 1's path goes offline: exit status" 0 "$fio_rc" ||
		t_note "$(cat "$work/fio.log")"
	t_eq "[$mode] offlined path failed, group 2 took over" "F A" \
		"$(path_state "$map" "$a") $(path_state "$map" "$b")"
	echo running > "/sys/block/${disks[0]##*/}/device/state"
	t_check "[$mode] reinstate the path" dmsetup message "$map" 0 reinstate_path "$a"
else
	t_skip "[$mode] fio verify while a path goes offline" "fio not installed"
fi

# --- a handler that does not exist, or is not the attached one ---
dmsetup remove "$map"
if [ "$mode" = rq ]; then
	if kernel_at_least 7.2; then
		# 7.2 always adopts the attached handler: the table's is ignored,
		# and retain_attached_hw_handler is accepted but never printed.
		t_check "[$mode] unknown handler: the attached alua adopted instead" \
			dmsetup create "$map" --table "0 $sectors multipath $features 1 nosuch $groups"
		t_eq "[$mode] the table names alua" \
			"0 $sectors multipath $tfeatures 1 alua $groups " "$(dmsetup table "$map")"
		dmsetup remove "$map"
		retained="0 $sectors multipath $tfeatures 1 alua $groups "
	else
		t_refused "[$mode] unknown handler refused" dmsetup create "$map" \
			--table "0 $sectors multipath $features 1 nosuch $groups"
		retained="0 $sectors multipath 1 retain_attached_hw_handler 1 alua $groups "
	fi
	t_check "[$mode] retain_attached_hw_handler adopts alua" dmsetup create "$map" \
		--table "0 $sectors multipath 1 retain_attached_hw_handler 0 $groups"
	t_eq "[$mode] and names it" "$retained" "$(dmsetup table "$map")"
	t_check "[$mode] which initialises groups" rd
	t_eq "[$mode] pg_init counted" "$(st 0 1 1 A A 0 E A 0)" "$(dmsetup status "$map")"
fi
t_done
