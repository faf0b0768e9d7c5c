#!/usr/bin/env bash
# Per-I/O latency timeout: one path stops answering, then is slow for 6 s
# (dm-delay, 3 s per I/O) while fio runs; with io_timeout_msecs 200 the path
# is failed within the timeout plus one check interval (plus 100 ms for timer
# jitter), fio keeps running with zero errors, and the PATH_FAILED uevent
# reaches userspace.  The same run with the feature off shows the latency it
# saves.  Then one I/O stuck for 8 s on a path that a checker keeps
# reinstating fails the path once, and a slow one in flight while a new
# table is loaded is not judged by the new table's clock.
#   timeout.sh MODULE.ko MODE      MODE: rq | bio (multipath queue_mode bio)
# Paths, all to one loop device: a dm-linear one and a dm-delay one (bio
# mode); request mode needs blk-mq paths, so there each is a loop device
# with direct I/O over one of those.
. "$(dirname "$0")/lib.sh"
ko=${1:?usage: timeout.sh MODULE.ko rq|bio}
mode=${2:?usage: timeout.sh MODULE.ko rq|bio}
map=tmo_$mode
timeout_ms=200
jitter_ms=100

mode_features "$mode" queue_if_no_path || exit 2

work=$(mktemp -d)
loops=()
cleanup() {
	[ -n "${fio_pid:-}" ] && kill "$fio_pid" 2>/dev/null
	[ -n "${listener:-}" ] && kill "$listener" 2>/dev/null
	dmsetup message "$map" 0 fail_if_no_path 2>/dev/null
	dmsetup remove "$map" 2>/dev/null
	local l
	for l in "${loops[@]}"; do losetup -d "$l"; done
	dmsetup remove p_fast p_slow 2>/dev/null
	[ -n "${base:-}" ] && losetup -d "$base"
	rmmod dm-mpath-cpp 2>/dev/null
	rm -rf "$work"
} 2>/dev/null
trap cleanup EXIT

modprobe dm-mod 2>/dev/null
modprobe dm-delay
t_check "[$mode] module loads" insmod "$ko" || { t_done; exit 1; }
truncate -s 64M "$work/disk"
base=$(losetup --find --show "$work/disk")
size=$(blockdev --getsz "$base")
dmsetup create p_fast --table "0 $size linear $base 0"
dmsetup create p_slow --table "0 $size delay $base 0 0"
if [ "$mode" = rq ]; then
	for p in p_fast p_slow; do
		loops+=("$(losetup --find --show --direct-io=on "/dev/mapper/$p")")
	done
	a=$(dev_majmin "${loops[0]}"); b=$(dev_majmin "${loops[1]}")
else
	a=$(dev_majmin /dev/mapper/p_fast); b=$(dev_majmin /dev/mapper/p_slow)
fi
dev=/dev/mapper/$map

# PATH_FAILED/REINSTATED uevents, from the kernel's netlink socket (busybox
# runs the shell once per event, with the event's variables).
# shellcheck disable=SC2016  # expanded by that shell
busybox uevent sh -c '[ -z "$DM_ACTION" ] || echo "$DM_ACTION $DM_PATH"' > "$work/uevents" &
listener=$!

# run ON|OFF: fio through the map while path b turns slow; prints clat.
run() {
	local feat=$features extra='' t0
	if [ "$1" = on ]; then
		feat="$((${features%% *} + 2)) ${features#* } io_timeout_msecs $timeout_ms"
		extra="io_timeout_msecs $timeout_ms "
	fi
	dmsetup suspend p_slow && dmsetup reload p_slow --table "0 $size delay $base 0 0" &&
		dmsetup resume p_slow
	t_check "[$mode] $1: create map" dmsetup create "$map" \
		--table "0 $size $target $feat 0 1 1 round-robin 0 2 1 $a 1 $b 1" || return 1
	[ "$1" = on ] && t_check "[$mode] on: dmsetup table lists the feature after mainline's words" \
		sh -c "dmsetup table $map | grep -q ' ${extra}0 1 1 round-robin'"
	# Time-based, so the slow window always falls inside the run; data
	# integrity across path failures is verify's job in the other scenarios.
	(cd "$work" && exec fio --name=tmo --filename="$dev" --rw=randrw --bs=4k --size=4M \
		--time_based --runtime=25 --direct=1 --ioengine=psync --numjobs=2 \
		--offset_increment=4M --percentile_list=50:99:99.9 --eta=never \
		--output="$work/fio-$1.log" 2>>"$work/fio-$1.log") &
	fio_pid=$!
	# Once I/O flows (queue_io 0 in the status; fio starts slowly in UML).
	# shellcheck disable=SC2016  # expanded by wait_for's eval
	wait_for '[ "$(dmsetup status '"$map"' | cut -d" " -f5)" = 0 ]' 60
	sleep 1
	# Path b stops answering (its device suspends for the reload), then
	# stays slow for 6 s: every I/O on it takes 3 s.  Times come from the
	# kernel log's own clock: a marker once the suspend holds b's I/O (the
	# first held I/O went down at most a moment before), then the failure.
	t0=$(cut -d' ' -f1 /proc/uptime)
	dmsetup suspend p_slow
	echo "timeout.sh: $1: path $b stalled now" > /dev/kmsg
	dmsetup reload p_slow --table "0 $size delay $base 0 3000" && dmsetup resume p_slow
	if [ "$1" = on ]; then
		if wait_for "[ \"\$(path_state $map $b)\" = F ]" 10; then
			ms=$(dmesg | awk -v b="$b" '
				/timeout.sh: on: path .* stalled now/ { sub(/^\[ */, ""); t0 = $1 + 0 }
				t0 && index($0, "Failing path " b ".") { sub(/^\[ */, "");
					printf "%d", ($1 - t0) * 1000; exit }')
			period=$((timeout_ms / 4))	# the core checks 4 times per timeout
			bound=$((timeout_ms + period + jitter_ms))
			t_note "on: path $b failed $ms ms after it stalled (timeout $timeout_ms ms," \
				"check every $period ms)"
			# An I/O sent just after a check is found late 5 checks later:
			# the bound is the timeout plus one check interval, plus the
			# timer and scheduling jitter of a loaded UML kernel.
			t_check "[$mode] on: slow path failed within $bound ms (measured $ms ms)" \
				test "$ms" -le "$bound"
			t_check "[$mode] on: the log says why" sh -c \
				"dmesg | grep -q 'path $b: I/O outstanding for more than $timeout_ms ms'"
		else
			t_fail "[$mode] on: slow path failed" "$(dmsetup status "$map")"
		fi
	fi
	wait_for "[ \$(cut -d. -f1 /proc/uptime) -ge $(( ${t0%.*} + 6 )) ]" 10	# the slow window
	dmsetup suspend p_slow && dmsetup reload p_slow --table "0 $size delay $base 0 0" &&
		dmsetup resume p_slow
	dmsetup message "$map" 0 reinstate_path "$b"
	wait "$fio_pid"; local rc=$?; fio_pid=
	t_eq "[$mode] $1: fio exit status" 0 "$rc" || t_note "$(tail -n 20 "$work/fio-$1.log")"
	t_eq "[$mode] $1: fio reports zero errors" "0" \
		"$(grep -o 'err= *[0-9]*' "$work/fio-$1.log" | grep -o '[0-9]*' | sort -u | tr '\n' ' ' | sed 's/ $//')"
	t_note "$1: fio completion latency: $(grep -h -E '^ +clat .*max=' "$work/fio-$1.log" | sed 's/^ *//' | tr '\n' ';')"
	t_note "$1: fio clat percentiles (usec): $(grep -h -A2 'clat percentiles' "$work/fio-$1.log" | grep -o '[0-9.]*th=\[ *[0-9]*\]' | tr '\n' ' ')"
	t_note "$1: stats: $(dmsetup message "$map" 0 stats 2>&1 | tr '\n' ';')"
	dmsetup message "$map" 0 fail_if_no_path
	dmsetup remove "$map"
}

# slow_map CASE DELAY_MS TIMEOUT_MS: the map on the slow path alone, every
# I/O on it taking DELAY_MS, with io_timeout_msecs TIMEOUT_MS.
slow_map() {
	local feat="$((${features%% *} + 2)) ${features#* } io_timeout_msecs $3"
	dmsetup suspend p_slow && dmsetup reload p_slow --table "0 $size delay $base 0 $2" &&
		dmsetup resume p_slow
	t_check "[$mode] $1: create a map on the slow path alone" dmsetup create "$map" \
		--table "0 $size $target $feat 0 1 1 round-robin 0 1 1 $b 1" || return 1
	wait_for test -b "$dev" 5
}

# One I/O stuck below the map (8 s in dm-delay, as a SCSI command held
# until its own timeout) while a multipathd-like checker reinstates the
# path as soon as it is failed: the I/O fails its path once, not at every
# reinstatement.
stuck() {
	local reader checker rc marker failed_before
	slow_map stuck 8000 "$timeout_ms" || return 1
	failed_before=$(grep -c "^PATH_FAILED $b\$" "$work/uevents")
	marker="timeout.sh: stuck: one read ($mode)"
	echo "$marker" > /dev/kmsg
	dd if="$dev" of=/dev/null bs=4k count=1 iflag=direct status=none &
	reader=$!
	(
		while :; do
			sleep 0.2
			[ "$(path_state "$map" "$b" 2>/dev/null)" = F ] &&
				dmsetup message "$map" 0 reinstate_path "$b" 2>/dev/null
		done
	) &
	checker=$!
	if wait_for "! kill -0 $reader" 30; then
		wait "$reader"; rc=$?
	else
		rc=timeout
	fi
	kill "$checker"; wait "$checker" 2>/dev/null
	t_eq "[$mode] stuck: the read completed once the path answered" 0 "$rc"
	t_eq "[$mode] stuck: the late I/O failed its path once" 1 \
		"$(dmesg | sed -n "\|$marker|,\$p" | grep -c "path $b: I/O outstanding for more than")"
	sleep 1
	t_eq "[$mode] stuck: one PATH_FAILED uevent for it" 1 \
		$(($(grep -c "^PATH_FAILED $b\$" "$work/uevents") - failed_before))
	t_note "stuck: stats: $(dmsetup message "$map" 0 stats 2>&1 | tr '\n' ';')"
	dmsetup message "$map" 0 fail_if_no_path
	dmsetup remove "$map"
}

# A read slow but within the timeout (1 s of 2 s) on the only path while a
# new table is loaded into the map (dmsetup load, as multipathd does before
# it swaps tables): the new table's check starts at once, while the map's
# queue holds the old table's request.  The new table's ticks count from its
# own start, so judging that request by them would fail the old table's
# healthy path.  Neither table may fail it.
reload() {
	local reader rc marker
	slow_map reload 1000 2000 || return 1
	sleep 2	# a few of the old table's ticks (every 500 ms) first
	marker="timeout.sh: reload: one read ($mode)"
	echo "$marker" > /dev/kmsg
	dd if="$dev" of=/dev/null bs=4k count=1 iflag=direct status=none &
	reader=$!
	sleep 0.1
	t_check "[$mode] reload: a new table loaded while the read is in flight" \
		dmsetup load "$map" --table "$(dmsetup table "$map")"
	wait "$reader"; rc=$?
	t_eq "[$mode] reload: the read completed" 0 "$rc"
	sleep 1	# two more ticks of each table
	t_eq "[$mode] reload: the path stays active" A "$(path_state "$map" "$b")"
	t_eq "[$mode] reload: no timeout logged" 0 \
		"$(dmesg | sed -n "\|$marker|,\$p" | grep -c "I/O outstanding for more than")"
	dmsetup clear "$map"
	dmsetup remove "$map"
}

run off
run on
sleep 1
t_check "[$mode] PATH_FAILED uevent for the slow path reached userspace" \
	grep -q "^PATH_FAILED $b\$" "$work/uevents" || t_note "uevents: $(cat "$work/uevents")"
stuck
reload
t_refused "[$mode] bad timeout refused" dmsetup create "bad_$mode" \
	--table "0 $size $target 2 io_timeout_msecs 600001 0 1 1 round-robin 0 1 1 $a 1"
t_done
