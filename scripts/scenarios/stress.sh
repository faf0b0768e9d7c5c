#!/usr/bin/env bash
# Concurrency stress: fio --verify from four jobs at once while a chaos loop
# fails and reinstates paths, offlines SCSI devices, switches and disables
# groups, toggles queueing, reloads the table during noflush suspends and
# suspends/resumes the device, all in random order.  Meant for the SMP
# debug kernel (lockdep, KASAN, DEBUG_ATOMIC_SLEEP find what the loop
# provokes); the host script fails the run on any kernel report.
# Zero fio errors, zero mismatches, no hang.
#   stress.sh MODULE.ko MODE [SECONDS]    MODE: rq | bio | biotarget
. "$(dirname "$0")/lib.sh"
ko=${1:?usage: stress.sh MODULE.ko MODE [SECONDS]}
mode=${2:?usage: stress.sh MODULE.ko MODE [SECONDS]}
seconds=${3:-60}
map=stress_$mode

mode_features "$mode" queue_if_no_path || exit 2

trap cleanup_fio_map EXIT
work=$(mktemp -d)

setup_paths "$mode" "$ko" 3 32 || { t_done; exit 1; }
dev=/dev/mapper/$map
tables=(
	"0 $sectors $target $features 0 2 1 round-robin 0 2 1 ${mm[0]} 1 ${mm[1]} 1 service-time 0 1 2 ${mm[2]} 1 1"
	"0 $sectors $target $features 0 2 2 queue-length 0 1 1 ${mm[1]} 1 round-robin 0 2 1 ${mm[2]} 1 ${mm[0]} 1"
)
t_check "[$mode] create map" dmsetup create "$map" --table "${tables[0]}" || { t_done; exit 1; }
wait_for test -b "$dev" 5

(cd "$work" && exec fio --name=stress --filename="$dev" --rw=randrw --bs=4k --size=6M \
	--numjobs=4 --offset_increment=6M --direct=1 --ioengine=libaio --iodepth=8 \
	--time_based --runtime="$seconds" --verify=crc32c --do_verify=1 --verify_fatal=1 \
	--eta=never --output="$work/fio.log" 2>>"$work/fio.log") &
fio_pid=$!

# Chaos until fio's time is up.  Every operation leaves at least one path
# usable by the time it returns, except the short all-failed moments that
# queue_if_no_path rides out.
path_of() { echo "${mm[$1]}"; }
state_of() { echo "/sys/block/${disks[$1]##*/}/device/state"; }
ops=0 refused=0
end=$((SECONDS + seconds))
while [ $SECONDS -lt $end ] && kill -0 "$fio_pid" 2>/dev/null; do
	p=$((RANDOM % 3))
	case $((RANDOM % 9)) in
	0) dmsetup message "$map" 0 fail_path "$(path_of $p)" ;;
	1) dmsetup message "$map" 0 reinstate_path "$(path_of $p)" ;;
	2) dmsetup message "$map" 0 switch_group $((RANDOM % 2 + 1)) ;;
	3) dmsetup message "$map" 0 disable_group $((RANDOM % 2 + 1))
	   dmsetup message "$map" 0 enable_group $((RANDOM % 2 + 1)) ;;
	4) echo offline > "$(state_of $p)"; sleep 0.$((RANDOM % 5))
	   echo running > "$(state_of $p)" ;;
	5) dmsetup suspend --noflush "$map"
	   dmsetup load "$map" --table "${tables[RANDOM % 2]}"
	   dmsetup resume "$map" ;;
	6) dmsetup suspend --noflush "$map"; dmsetup resume "$map" ;;
	7) # A flush suspend fails waiting I/O in bio mode: only with a path.
	   for i in 0 1 2; do dmsetup message "$map" 0 reinstate_path "$(path_of $i)"; done
	   dmsetup suspend "$map"; dmsetup resume "$map" ;;
	*) dmsetup message "$map" 0 fail_if_no_path
	   dmsetup message "$map" 0 queue_if_no_path ;;
	esac >/dev/null 2>&1 || refused=$((refused + 1))
	ops=$((ops + 1))
	# Bring every path back now and then, so I/O keeps moving.
	if [ $((ops % 8)) = 0 ]; then
		for i in 0 1 2; do
			echo running > "$(state_of $i)"
			dmsetup message "$map" 0 reinstate_path "$(path_of $i)" >/dev/null 2>&1
		done
	fi
done
t_note "[$mode] $ops chaos operations in ${seconds} s ($refused refused, e.g. reinstating a path that is up or offline)"
for i in 0 1 2; do
	echo running > "$(state_of $i)"
	dmsetup message "$map" 0 reinstate_path "$(path_of $i)" >/dev/null 2>&1
done
t_check "[$mode] map is resumed" dmsetup resume "$map"

# fio must finish on its own shortly after its runtime: I/O is never lost.
wait_for '! kill -0 '"$fio_pid" $((seconds + 120))
if kill -0 "$fio_pid" 2>/dev/null; then
	t_fail "[$mode] fio finished" "still running $((seconds + 120)) s after start"
	t_note "$(dmsetup status "$map")"
else
	wait "$fio_pid"
	t_eq "[$mode] fio --verify exit status" 0 "$?" || t_note "$(tail -n 30 "$work/fio.log")"
	t_eq "[$mode] fio reported no error" "" "$(grep -E 'err= *[1-9]|verify failed|bad magic' "$work/fio.log")"
fi
t_eq "[$mode] every path back" "A A A" \
	"$(path_state "$map" "${mm[0]}") $(path_state "$map" "${mm[1]}") $(path_state "$map" "${mm[2]}")"
t_check "[$mode] data reads back through the map" \
	dd if="$dev" of=/dev/null bs=64k iflag=direct status=none
t_check "[$mode] map removed" dmsetup remove "$map"
t_check "[$mode] module unloads" rmmod dm-mpath-cpp
t_done
