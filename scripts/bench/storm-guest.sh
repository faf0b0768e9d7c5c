#!/usr/bin/env bash
# Failover-storm benchmark body, run inside one boot of Debian's kernel by
# scripts/bench.sh storm (qemu-debian.sh --stock-multipath); not a test.
#
#   storm-guest.sh OUR.ko [KEY=VALUE...]
#
# KEY=VALUE (defaults in brackets): luns=N [32] scsi_debug LUNs, each seen
# through two hosts; fio_maps=N [4] maps that run fio with verify through
# the storm; rounds=N [2] per target (stock and ours alternate); settle_s=N
# [3] seconds of fio before the storm.
#
# One map per LUN, two priority groups of one path each (host 0's path
# first, host 1's second).  With fio writing and verifying on fio_maps maps
# and every map reading, every path of host 0 is taken offline at once.
# Per target and round:
#   BENCH|storm|TARGET|ROUND|KEY|VALUE
# KEY failover_ms (from the first path taken offline until every map's
# status shows its host-0 path failed and host 1's group in use),
# reads_ms (until a direct read issued to every map after the storm has
# completed), uevents (kernel uevents during the storm: /sys/kernel/
# uevent_seqnum), read_errors (of those reads), fio_errors (fio's error
# count, verify included), fio_status (fio's exit status).
#   BENCH|info|KEY|VALUE
#   BENCH|error|TEXT
ko=${1:?usage: storm-guest.sh OUR.ko [KEY=VALUE...]}
shift
luns=32 fio_maps=4 rounds=2 settle_s=3
for kv in "$@"; do
	case $kv in
	luns=*|fio_maps=*|rounds=*|settle_s=*) printf -v "${kv%%=*}" '%s' "${kv#*=}" ;;
	*) echo "storm-guest.sh: unknown argument $kv" >&2; exit 2 ;;
	esac
done

out() { local IFS='|'; echo "BENCH|$*"; }
now_ms() { local t=${EPOCHREALTIME/./}; echo $((t / 1000)); }
stock_rmmod=(dm_round_robin dm_multipath)
work=$(mktemp -d)

# shellcheck disable=SC2317  # run from the EXIT trap
cleanup() {
	dmsetup remove_all 2>/dev/null
	rmmod dm-mpath-cpp 2>/dev/null
	rmmod "${stock_rmmod[@]}" 2>/dev/null
	rmmod scsi_debug 2>/dev/null
	rm -rf "$work"
} 2>/dev/null
trap cleanup EXIT

modprobe dm-mod
# One store for all LUNs (scsi_debug's default): each fio map writes its
# own slice of it.
slice_mb=4
store_mb=$((slice_mb * (fio_maps + 1)))
modprobe scsi_debug add_host=2 num_tgts=1 max_luns="$luns" vpd_use_hostno=0 delay=0 \
	dev_size_mb="$store_mb" || { out error "modprobe scsi_debug"; exit 1; }

# host0[k], host1[k]: LUN k's disk through each host.
host0=() host1=()
for _ in $(seq 200); do
	host0=() host1=()
	for b in /sys/bus/pseudo/drivers/scsi_debug/adapter*/host*/target*/*/block/*; do
		[ -e "$b" ] || continue
		h=${b#*/host}; h=${h%%/*}
		l=${b%/block/*}; l=${l##*:}
		[ -b "/dev/${b##*/}" ] || continue
		printf '%s %s %s\n' "$h" "$l" "${b##*/}"
	done | sort -n -k1,1 -k2,2 > "$work/disks"
	first=$(awk 'NR == 1 { print $1 }' "$work/disks")
	mapfile -t host0 < <(awk -v h="$first" '$1 == h { print $3 }' "$work/disks")
	mapfile -t host1 < <(awk -v h="$first" '$1 != h { print $3 }' "$work/disks")
	[ ${#host0[@]} = "$luns" ] && [ ${#host1[@]} = "$luns" ] && break
	sleep 0.1
done
if [ ${#host0[@]} != "$luns" ] || [ ${#host1[@]} != "$luns" ]; then
	out error "scsi_debug disks: ${#host0[@]} and ${#host1[@]} of $luns"
	exit 1
fi
size=$(blockdev --getsz "/dev/${host0[0]}")
out info kernel "$(uname -r)"
out info cpus "$(nproc)"
out info luns "$luns"
out info fio_maps "$fio_maps"

read -r printk_level _ < /proc/sys/kernel/printk
echo 1 > /proc/sys/kernel/printk

load() {
	if [ "$1" = stock ]; then modprobe dm-multipath && modprobe dm-round-robin; else insmod "$ko"; fi
}
unload() {
	if [ "$1" = stock ]; then rmmod "${stock_rmmod[@]}"; else rmmod dm-mpath-cpp; fi
}
set_state() { # set_state running|offline DISK...
	local s=$1 d
	shift
	for d in "$@"; do echo "$s" > "/sys/block/$d/device/state"; done
}

# all_failed_over: every map's status shows group 1's path failed and
# group 2 the current one: "... E 0 1 0 8:16 F 1 A 0 1 0 8:32 A 0".
all_failed_over() {
	dmsetup status --target multipath | awk -v n="$luns" '
		/^storm_/ { total++; if ($0 ~ / [0-9]+:[0-9]+ F [0-9]+ A 0 1 0 [0-9]+:[0-9]+ A [0-9]+ *$/) ok++ }
		END { exit !(total == n && ok == n) }'
}

storm() { # storm TARGET ROUND
	local t=$1 r=$2 k seq0 t0 t1 t2 fio_pid fio_rc=0 errs=0 ma mb dd_pids=()
	load "$t" || { out error "load $t"; return 1; }
	set_state running "${host0[@]}" "${host1[@]}"
	for ((k = 0; k < luns; k++)); do
		ma=$(cat "/sys/block/${host0[k]}/dev") mb=$(cat "/sys/block/${host1[k]}/dev")
		dmsetup create "storm_$k" --table \
			"0 $size multipath 0 0 2 1 round-robin 0 1 1 $ma 1 round-robin 0 1 1 $mb 1" ||
			{ out error "create storm_$k ($t)"; unload "$t"; return 1; }
	done
	{
		echo "[global]"
		printf '%s\n' direct=1 bs=4k ioengine=libaio iodepth=8 rw=randwrite verify=crc32c \
			verify_backlog=64 verify_fatal=1 time_based runtime=$((settle_s + 40)) \
			size="${slice_mb}m"
		for ((k = 0; k < fio_maps && k < luns; k++)); do
			printf '[m%d]\nfilename=/dev/mapper/storm_%d\noffset=%dm\n' "$k" "$k" $((k * slice_mb))
		done
	} > "$work/storm.fio"
	fio --eta=never --output="$work/fio.out" --output-format=terse "$work/storm.fio" \
		2> "$work/fio.err" &
	fio_pid=$!
	sleep "$settle_s"

	seq0=$(cat /sys/kernel/uevent_seqnum)
	t0=$(now_ms)
	set_state offline "${host0[@]}"
	# A read on every map, so that every map meets its offline path.
	for ((k = 0; k < luns; k++)); do
		dd if="/dev/mapper/storm_$k" of=/dev/null bs=4k count=1 skip=$((k + 1)) iflag=direct \
			2> "$work/dd.$k" &
		dd_pids+=($!)
	done
	until all_failed_over || (($(now_ms) - t0 > 60000)); do
		sleep 0.01
	done
	t1=$(now_ms)
	all_failed_over || out error "$t round $r: not every map failed over: $(dmsetup status --target multipath | head -3 | tr '\n' ' ')"
	wait "${dd_pids[@]}"
	t2=$(now_ms)
	for ((k = 0; k < luns; k++)); do
		grep -q "1+0 records in" "$work/dd.$k" || errs=$((errs + 1))
	done
	# uevents of the storm only, before fio's end adds none.
	out storm "$t" "$r" uevents $(($(cat /sys/kernel/uevent_seqnum) - seq0))
	out storm "$t" "$r" failover_ms $((t1 - t0))
	out storm "$t" "$r" reads_ms $((t2 - t0))
	out storm "$t" "$r" read_errors "$errs"
	# fio runs on past the storm, on host 1's paths, and ends by itself.
	wait "$fio_pid" || fio_rc=$?
	# terse v3: one line per job, field 5 its error count (verify included)
	out storm "$t" "$r" fio_errors "$(awk -F';' '{ e += $5 } END { print e + 0 }' "$work/fio.out")"
	out storm "$t" "$r" fio_status "$fio_rc"
	n=$(grep -c ';' "$work/fio.out")
	[ "$n" = "$fio_maps" ] || out error "fio ($t round $r): $n job reports of $fio_maps"
	[ -s "$work/fio.err" ] && out error "fio ($t round $r): $(head -c 300 "$work/fio.err" | tr '\n' ' ')"
	dmsetup remove_all || out error "remove ($t)"
	set_state running "${host0[@]}"
	unload "$t" || out error "unload $t"
}

t0=$SECONDS
for ((r = 1; r <= rounds; r++)); do
	if ((r % 2)); then order="stock ours"; else order="ours stock"; fi
	for t in $order; do
		echo "bench: storm $t round $r"
		storm "$t" "$r"
	done
done
echo "$printk_level" > /proc/sys/kernel/printk
dmesg | grep -E 'WARNING:|BUG:|Oops|Call Trace|UBSAN:|KASAN|general protection' | head -n 40
echo "bench: all done in $((SECONDS - t0)) s"
exit 0
