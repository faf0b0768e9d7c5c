#!/usr/bin/env bash
# multipath-tools 0.9.4 (Debian 12) drives the target on Debian's stock
# kernel, with udevd, over scsi_debug paths to one LUN (2, then 4 paths).
# Needs qemu-debian.sh --with-multipath-tools.
#   multipathd.sh MODULE.ko|stock MODPROBE_CONF [MODES]
# MODULE.ko is installed where DKMS puts it, with MODPROBE_CONF (our
# scripts/packaging/dm-mpath-cpp.conf) in /etc/modprobe.d: requests for the
# stock dm-multipath must load it even when the stock module is installed
# too (qemu-debian.sh --stock-multipath).  "stock" runs the same checks on
# Linux's own target as reference (no install; MODPROBE_CONF ignored).
# MODES: "rq bio" (default): one pass per map type, bio through
# features "2 queue_mode bio" in multipath.conf.  Each pass: multipath -v2,
# multipath -ll, multipathd with a path offlined and back, fail/reinstate
# path commands, two more paths, reconfigure, all paths gone with
# no_path_retry queue and then with no_path_retry 3, fio --verify=crc32c
# running through the path events; and no reload loop: multipathd's map_loads
# counter and log stay quiet after each event, and reconfigure finds the
# map unchanged (what it parses back from our table equals what it wants).
# scsi_debug gives the port of SCSI host N the ALUA state N % 3 (optimized,
# non-optimized, standby; scsi_dh_alua fails I/O sent to a standby port), so
# paths are grouped by priority as for any ALUA array: the two hosts added
# later (2: standby, 3: optimized) join groups of their own and group 1.
. "$(dirname "$0")/lib.sh"
usage="usage: multipathd.sh MODULE.ko|stock MODPROBE_CONF [MODES]"
ko=${1:?$usage}
conf=${2:?$usage}
modes=${3:-rq bio}
abi=$(uname -r)
map=mpatha
dev=/dev/mapper/$map
work=$(mktemp -d)
log=$work/multipathd.log
# Checker period while paths are up; a quiet window spans three of them.
max_poll=4
quiet=$((3 * max_poll))
# udevd runs here: libdevmapper waits for its rules instead of making nodes.
unset DM_DISABLE_UDEV

cleanup() {
	touch "$work/stop"
	for p in /sys/block/sd*/device/state; do echo running > "$p"; done
	[ -n "${fio_pid:-}" ] && wait "$fio_pid"
	multipathd shutdown
	[ -n "${mpd_pid:-}" ] && wait "$mpd_pid"
	multipath -F
	[ -n "${udevd_pid:-}" ] && kill "$udevd_pid"
	rm -rf "$work"
} >/dev/null 2>&1
trap cleanup EXIT

# --- helpers ------------------------------------------------------------------
write_conf() {	# write_conf NO_PATH_RETRY [FEATURES]
	local feat=
	[ -z "${2:-}" ] || feat="features \"$2\""
	cat > /etc/multipath.conf <<-EOF
	defaults {
		find_multipaths off
		user_friendly_names yes
		path_grouping_policy group_by_prio
		failback immediate
		polling_interval 2
		max_polling_interval $max_poll
		no_path_retry $1
		$feat
	}
	blacklist {
		devnode "^(ram|loop|nullb|zram|sr)[0-9]*"
	}
	EOF
}
# dm / checker / device state of one path as multipathd shows it.
mpd_path() { multipathd show paths raw format "%d %t %T %o" | awk -v d="$1" '$1 == d { print $2, $3, $4 }'; }
# A column of "multipathd show maps stats" for our map.
map_stat() {
	multipathd show maps stats | awk -v m="$map" -v c="$1" '
		NR == 1 { for (i = 1; i <= NF; i++) if ($i == c) col = i; next }
		$1 == m { print $col }'
}
# Kernel view: A or F for every path of the map, in table order.
kstates() { dmsetup status "$map" | awk '{ for (i = 1; i < NF; i++) if ($i ~ /^[0-9]+:[0-9]+$/) printf "%s", $(i + 1) }'; }
paths_active() { [ "$(kstates)" = "$(printf "%${1}s" | tr ' ' A)" ]; }
all_failed() { [ "$(kstates)" = "$(printf "%${1}s" | tr ' ' F)" ]; }
# The map's state of each named disk, in that order: multipathd may regroup
# a failed path by its new priority (0.11 does), which reorders the status.
kstates_of() {
	local d
	for d; do
		dmsetup status "$map" | awk -v dev="$(cat "/sys/block/$d/dev")" '
			{ for (i = 1; i < NF; i++) if ($i == dev) { printf "%s", $(i + 1); exit } }'
	done
}
cur_group() { dmsetup status "$map" | awk '{ print $9 }'; }
queueing() { dmsetup table "$map" | grep -q queue_if_no_path; }
ll_active() { multipath -ll "$map" 2>/dev/null | grep -c 'active ready running'; }
disks() { _scsi_debug_disks | sed 's|/dev/||'; }
set_state() {	# set_state offline|running DISK...
	local s=$1 d; shift
	for d in "$@"; do echo "$s" > "/sys/block/$d/device/state"; done
}
log_mark() { wc -l < "$log"; }
log_since() { tail -n +$(($1 + 1)) "$log"; }

# table_settled: the map's table is the same before and after three checker
# periods (polling_interval 2).
table_settled() {
	local before
	before=$(dmsetup table "$map")
	sleep 6
	[ "$(dmsetup table "$map")" = "$before" ]
}
# no_reload NAME: over a quiet window, multipathd reloads nothing: its map_loads
# counter stays put and its log has no reload decision.
no_reload() {
	local name=$1 before after mark reloads
	before=$(map_stat map_loads); mark=$(log_mark)
	sleep "$quiet"
	after=$(map_stat map_loads)
	reloads=$(log_since "$mark" | grep -E 'set ACT_RELOAD|reload \[|reloaded|load table' || true)
	if [ "$before" = "$after" ] && [ -z "$reloads" ]; then
		t_ok "$name: no reload in ${quiet} s"
	else
		t_fail "$name: no reload in ${quiet} s" "map_loads $before -> $after" "$reloads" \
			"table:  $(dmsetup table "$map")" "status: $(dmsetup status "$map")"
	fi
}

start_multipathd() {
	multipathd -d -s -v3 >> "$log" 2>&1 &
	mpd_pid=$!
	t_check "[$mode] multipathd runs" wait_for "multipathd show daemon | grep -qE 'idle|running'" 60
}
stop_multipathd() {
	multipathd shutdown >/dev/null 2>&1
	wait_for "! kill -0 $mpd_pid" 60 || kill "$mpd_pid"
	wait "$mpd_pid" 2>/dev/null
	mpd_pid=
}

# fio --verify=crc32c over and over until $work/stop exists; a fresh random
# seed each run, so a block left from an earlier run fails verification.
fio_loop() {
	local n=0
	cd "$work" || return 1
	while [ ! -e "$work/stop" ]; do
		n=$((n + 1))
		fio --name=verify --filename="$dev" --rw=randwrite --bs=16k --size=16M \
			--direct=1 --ioengine=psync --randrepeat=0 --verify=crc32c \
			--do_verify=1 --verify_fatal=1 --eta=never \
			--output="$work/fio.$n.log" 2>>"$work/fio.$n.log" ||
			echo "fio run $n: exit status $?" >> "$work/fio.errors"
	done
	echo "$n" > "$work/fio.runs"
}
start_fio() {
	rm -f "$work"/stop "$work"/fio.*
	fio_loop &
	fio_pid=$!
}
stop_fio() {
	local errs
	touch "$work/stop"
	if ! wait_for "! kill -0 $fio_pid" 180; then
		t_fail "[$mode] fio loop ends" "$(tail -n 20 "$work"/fio.*.log)"
		return 1
	fi
	wait "$fio_pid"; fio_pid=
	errs=$(cat "$work"/fio.*.log | grep -o 'err= *[0-9]*' | grep -o '[0-9]*' | sort -u | tr '\n' ' ')
	t_note "[$mode] fio: $(cat "$work/fio.runs") verified runs of 16 MiB across the path events"
	t_eq "[$mode] fio --verify=crc32c: every run passed, zero errors" "0 " \
		"$(cat "$work/fio.errors" 2>/dev/null)$errs" ||
		t_note "$(grep -hiE 'err|verify|bad' "$work"/fio.*.log | head -n 20)"
}

command -v multipathd >/dev/null ||
	{ t_fail "multipath-tools in the guest" "boot with qemu-debian.sh --with-multipath-tools"; t_done; exit 1; }

# --- install, as DKMS and the modprobe configuration would ------------------
mkdir -p /etc/multipath /etc/modprobe.d
if [ "$ko" = stock ]; then
	t_note "reference run: Linux's own dm-multipath"
	want_mod=dm_multipath other_mod=dm_mpath_cpp
else
	mkdir -p "/lib/modules/$abi/updates/dkms"
	cp "$ko" "/lib/modules/$abi/updates/dkms/dm-mpath-cpp.ko"
	cp "$conf" /etc/modprobe.d/dm-mpath-cpp.conf
	depmod -a
	stock=$(find "/lib/modules/$abi/kernel" -name 'dm-multipath.ko*' | head -n1)
	t_note "stock module installed too: ${stock:-no}"
	t_eq "modprobe dm-multipath resolves to our module" \
		"/lib/modules/$abi/updates/dkms/dm-mpath-cpp.ko" \
		"$(modprobe --show-depends dm-multipath 2>&1 | awk 'END { print $2 }')"
	t_eq "modprobe dm_multipath too" \
		"/lib/modules/$abi/updates/dkms/dm-mpath-cpp.ko" \
		"$(modprobe --show-depends dm_multipath 2>&1 | awk 'END { print $2 }')"
	want_mod=dm_mpath_cpp other_mod=dm_multipath
fi

# --- udev, the handler, two paths ---------------------------------------------
/lib/systemd/systemd-udevd --daemon >/dev/null 2>&1
udevd_pid=$(pidof systemd-udevd)
t_check "udevd runs" test -n "$udevd_pid" || { t_done; exit 1; }
udevadm trigger --action=add
udevadm settle --timeout=60
modprobe scsi_dh_alua
found=$(scsi_debug_paths 2 dev_size_mb=64 2>"$work/scsi_debug.err")
t_eq "two scsi_debug paths" 2 "$(printf '%s\n' "$found" | grep -c /dev/sd)" ||
	{ t_note "$(cat "$work/scsi_debug.err")"; t_done; exit 1; }
udevadm settle --timeout=60
t_eq "the kernel attached alua to both paths" "alua alua" \
	"$(cat /sys/block/sd[ab]/device/dh_state | tr '\n' ' ' | sed 's/ $//')"

# dm core asks modprobe for "dm-multipath" when a table names the target.
a=$(dev_majmin /dev/sda)
if [ "$ko" != stock ]; then
	t_check "target multipath is not registered yet" sh -c '! dmsetup targets | grep -q "^multipath "'
	t_check "a multipath table loads the target on demand" dmsetup create autoload \
		--table "0 8 multipath 0 0 1 1 round-robin 0 1 1 $a 1"
	dmsetup remove autoload
else
	# What multipathd.service runs before it starts.
	t_check "modprobe dm-multipath" modprobe dm-multipath
fi
t_check "the module serving it is $want_mod" test -d "/sys/module/$want_mod"
t_check "and $other_mod is not loaded" test ! -d "/sys/module/$other_mod"

# --- one pass per map type ------------------------------------------------------
for mode in $modes; do
	case $mode in
	rq)	features= ;;
	bio)	features="2 queue_mode bio" ;;
	*)	t_fail "unknown mode $mode"; continue ;;
	esac
	write_conf queue "$features"

	# --- map creation (multipathd not running yet) ---
	created=$(multipath -v2 2>&1)
	t_check "[$mode] multipath -v2 creates the map" wait_for test -b "$dev" 30 ||
		{ t_note "$created"; break; }
	table=$(dmsetup table "$map")
	t_note "[$mode] table: $table"
	t_check "[$mode] the map is multipath-tools' (uuid mpath-)" \
		sh -c "dmsetup info -c --noheadings -o uuid $map | grep -q '^mpath-'"
	t_check "[$mode] the table names the alua handler (1 alua)" \
		sh -c "echo '$table' | grep -q ' 1 alua '"
	dm=$(basename "$(readlink -f "$dev")")
	if [ "$mode" = bio ]; then
		t_check "[$mode] the table asks for queue_mode bio" sh -c "echo '$table' | grep -q 'queue_mode bio'"
		t_check "[$mode] the map is bio-based (no blk-mq queue)" test ! -e "/sys/block/$dm/mq"
	else
		t_check "[$mode] the map is request-based (blk-mq queue)" test -d "/sys/block/$dm/mq"
	fi
	t_eq "[$mode] multipath -ll: 2 paths active ready running" 2 "$(ll_active)" ||
		t_note "$(multipath -ll 2>&1)"

	# --- multipathd takes over ---
	start_multipathd || break
	t_check "[$mode] multipathd turns queueing on (no_path_retry queue)" wait_for queueing 60
	start_fio
	read -r p1 p2 < <(disks | tr '\n' ' ')

	# A path offlined: failed by I/O or the checker, shown failed; back.
	set_state offline "$p1"
	t_check "[$mode] offlined $p1 is failed in the map" wait_for "[ \"\$(kstates_of $p1 $p2)\" = FA ]" 60
	t_check "[$mode] multipathd shows $p1 failed" \
		wait_for "mpd_path $p1 | grep -q '^failed faulty offline'" 60 || t_note "$(mpd_path "$p1")"
	t_check "[$mode] multipath -ll shows $p1 failed" \
		sh -c "multipath -ll $map 2>/dev/null | grep ' $p1 ' | grep -q failed"
	set_state running "$p1"
	t_check "[$mode] $p1 running again: reinstated" wait_for "paths_active 2" 60
	t_check "[$mode] multipathd shows $p1 active" \
		wait_for "[ \"\$(mpd_path $p1)\" = 'active ready running' ]" 60 || t_note "$(mpd_path "$p1")"
	t_check "[$mode] failback to $p1's group (failback immediate)" wait_for "[ \"\$(cur_group)\" = 1 ]" 60 ||
		t_note "$(dmsetup status "$map")"
	no_reload "[$mode] after the path event"

	# Operator commands.
	t_check "[$mode] multipathd fail path $p2" multipathd fail path "$p2"
	t_check "[$mode] $p2 failed in the map" wait_for "[ \"\$(kstates_of $p1 $p2)\" = AF ]" 30
	t_check "[$mode] multipathd reinstate path $p2" multipathd reinstate path "$p2"
	t_check "[$mode] $p2 active in the map" wait_for "paths_active 2" 30

	# Two more paths to the LUN: multipathd adds them (uevents).
	echo 2 > /sys/bus/pseudo/drivers/scsi_debug/add_host
	t_check "[$mode] two more paths: the map has 4 active" wait_for "paths_active 4" 90 ||
		t_note "$(dmsetup status "$map")"
	udevadm settle --timeout=60
	# A new path may fail its first I/O (a fresh scsi_debug host answers
	# with a unit attention) until the checker reinstates it, and its ALUA
	# priority may settle after it was added, which makes multipathd
	# regroup once. Wait for both before the quiet window, which is there
	# to catch reload loops, and a loop does not settle.
	t_check "[$mode] multipath -ll: 4 paths active ready running" \
		wait_for "[ \"\$(ll_active)\" = 4 ]" 60 || t_note "$(multipath -ll 2>&1)"
	t_check "[$mode] the table settles after the new paths" wait_for table_settled 90 ||
		t_note "$(dmsetup table "$map")"
	no_reload "[$mode] after adding paths"

	# reconfigure: multipathd re-reads the map and must find it unchanged.
	mark=$(log_mark)
	t_check "[$mode] multipathd reconfigure" multipathd reconfigure
	t_check "[$mode] reconfigure finds the map unchanged (set ACT_NOTHING)" wait_for \
		"log_since $mark | grep -q '$map: set ACT_NOTHING (map unchanged)'" 60 ||
		t_note "$(log_since "$mark" | grep -E "$map: set ACT_|$map: .*change" | head -n 5)"
	wait_for "multipathd show daemon | grep -qE 'idle|running'" 60
	no_reload "[$mode] after reconfigure"

	# All paths gone with no_path_retry queue: I/O waits, then goes on.
	mapfile -t all < <(disks)
	set_state offline "${all[@]}"
	t_check "[$mode] all 4 paths offline: all failed" wait_for "all_failed 4" 90
	dd if="$dev" of=/dev/null bs=4k count=1 skip=100 iflag=direct status=none &
	dd_pid=$!
	sleep $((3 * 2))	# three checker periods (polling_interval 2)
	t_check "[$mode] no_path_retry queue: still queueing" queueing
	t_check "[$mode] no_path_retry queue: I/O waits" kill -0 "$dd_pid"
	set_state running "${all[@]}"
	t_check "[$mode] paths back: all 4 reinstated" wait_for "paths_active 4" 90
	t_check "[$mode] the waiting read completes" wait_for "! kill -0 $dd_pid" 60
	wait "$dd_pid"; t_eq "[$mode] and succeeds" 0 $?
	stop_fio

	# no_path_retry 3: queueing stops after 3 checker periods without paths.
	write_conf 3 "$features"
	mark=$(log_mark)
	multipathd reconfigure >/dev/null
	wait_for "log_since $mark | grep -q '$map: set ACT_'" 60
	wait_for "multipathd show daemon | grep -qE 'idle|running'" 60
	t_check "[$mode] no_path_retry 3: queueing while paths are up" queueing
	mark=$(log_mark)
	set_state offline "${all[@]}"
	t_check "[$mode] all paths offline again: all failed" wait_for "all_failed 4" 90
	start=$SECONDS
	dd if="$dev" of=/dev/null bs=4k count=1 skip=200 iflag=direct status=none 2>/dev/null &
	dd_pid=$!
	t_check "[$mode] no_path_retry 3: queueing disabled after the retries" \
		wait_for "! queueing" 90
	t_check "[$mode] multipathd logged recovery mode and disabling" sh -c \
		"tail -n +$((mark + 1)) $log | grep -q 'Entering recovery mode: max_retries=3' &&
		 tail -n +$((mark + 1)) $log | grep -q '$map: Disable queueing'"
	t_check "[$mode] the waiting read ends" wait_for "! kill -0 $dd_pid" 60
	wait "$dd_pid"; rc=$?
	t_check "[$mode] with an error (EIO)" test "$rc" -ne 0
	t_note "[$mode] read failed after $((SECONDS - start)) s"
	t_refused "[$mode] new I/O fails at once" \
		dd if="$dev" of=/dev/null bs=4k count=1 iflag=direct status=none
	set_state running "${all[@]}"
	t_check "[$mode] paths back: reinstated" wait_for "paths_active 4" 90
	t_check "[$mode] queueing restored" wait_for queueing 60
	t_check "[$mode] I/O works again" dd if="$dev" of=/dev/null bs=4k count=16 iflag=direct status=none

	# The extra paths go away: multipathd drops them from the map.
	echo -2 > /sys/bus/pseudo/drivers/scsi_debug/add_host
	t_check "[$mode] two paths removed: the map keeps 2 active" wait_for "paths_active 2" 90 ||
		t_note "$(dmsetup status "$map")"
	no_reload "[$mode] after removing paths"

	stop_multipathd
	t_check "[$mode] multipath -f removes the map" multipath -f "$map"
	wait_for "! test -e $dev" 30
done

t_check "the module serving the maps is still $want_mod" test -d "/sys/module/$want_mod"
# Every reload multipathd did, for the record: each one follows an event
# above (queueing set on start, a path added or removed).
t_note "multipathd reloads: $(grep -c 'reload \[' "$log")"
grep -E 'set ACT_RELOAD|reload \[' "$log" | head -n 20 | sed 's/^/#   /'
t_done
