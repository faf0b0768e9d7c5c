#!/usr/bin/env bash
# Soak: fio --verify=crc32c runs through the map while paths fail and come
# back many times (four times by message, then once by offlining a
# scsi_debug device until fio's I/O failed the path, at most 5 s), followed by noflush suspend / table reload /
# resume cycles (what multipathd does on every reload).  Zero fio errors,
# zero mismatches, no kernel report (uml-run.sh scans for hung tasks etc.).
#   soak-cycles.sh MODULE.ko MODE [PATH_CYCLES] [RELOAD_CYCLES]
#   MODE: rq | bio | biotarget; defaults 500 and 50 (the issue's figures)
. "$(dirname "$0")/lib.sh"
ko=${1:?usage: soak-cycles.sh MODULE.ko MODE [PATH_CYCLES] [RELOAD_CYCLES]}
mode=${2:?usage: soak-cycles.sh MODULE.ko MODE [PATH_CYCLES] [RELOAD_CYCLES]}
path_cycles=${3:-500}
reload_cycles=${4:-50}
map=soak_$mode

mode_features "$mode" queue_if_no_path || exit 2

trap cleanup_fio_map EXIT
work=$(mktemp -d)

setup_paths "$mode" "$ko" 3 16 || { t_done; exit 1; }
dev=/dev/mapper/$map
# Reloads alternate between two tables over the same LUN.
table_a="0 $sectors $target $features 0 1 1 round-robin 0 3 1 ${mm[0]} 1 ${mm[1]} 1 ${mm[2]} 1"
table_b="0 $sectors $target $features 0 2 1 queue-length 0 2 1 ${mm[1]} 1 ${mm[2]} 1 service-time 0 1 2 ${mm[0]} 1 1"
t_check "[$mode] create map" dmsetup create "$map" --table "$table_a" || { t_done; exit 1; }
wait_for test -b "$dev" 5

# fio, run after run (each writes its area and verifies it), until the stop
# file appears; every run's exit status is kept.
start_fio() {	# name
	rm -f "$work/stop"
	(
		n=0
		while [ ! -e "$work/stop" ]; do
			n=$((n + 1))
			(cd "$work" && exec fio --name=soak --filename="$dev" --rw=randrw --bs=4k \
				--size=8M --loops=4 --numjobs=2 --offset_increment=8M --direct=1 --ioengine=psync \
				--verify=crc32c --do_verify=1 --verify_fatal=1 --eta=never \
				--output="$work/fio-$1-$n.log" 2>>"$work/fio-$1-$n.log")
			echo $? >> "$work/fio-$1.rc"
		done
	) &
	fio_pid=$!
}
stop_fio() {	# name
	touch "$work/stop"
	wait "$fio_pid"
	fio_pid=
	t_note "$1: $(wc -l < "$work/fio-$1.rc") fio runs"
	t_eq "[$mode] $1: every fio run exits 0" "0" "$(sort -u "$work/fio-$1.rc" | tr '\n' ' ' | sed 's/ $//')" ||
		t_note "$(tail -n 30 "$(ls -t "$work"/fio-"$1"-*.log | head -1)")"
	t_eq "[$mode] $1: fio reports zero errors" "0" \
		"$(cat "$work"/fio-"$1"-*.log | grep -o 'err= *[0-9]*' | grep -o '[0-9]*' | sort -u | tr '\n' ' ' | sed 's/ $//')"
	t_check "[$mode] $1: no verify failure" sh -c "! grep -qi 'verify.*fail\|bad magic\|crc32c.*wanted' '$work'/fio-$1-*.log"
}

# Sum of the paths' fail counts in the status line.
fail_counts() {
	dmsetup status "$map" | awk '{ for (i = 1; i < NF - 1; i++)
		if ($i ~ /^[0-9]+:[0-9]+$/ && ($(i + 1) == "A" || $(i + 1) == "F")) n += $(i + 2) }
		END { print n + 0 }'
}

# --- path cycles: four by message, then one by offlining the device ---
# Only cycles in which the path really failed count; an offlined device
# that saw no I/O within 5 s is put back and the cycle repeated.
start_fio paths
by_msg=0 by_offline=0 missed=0
t0=$SECONDS
for ((i = 0; by_msg + by_offline < path_cycles && i < 2 * path_cycles; i++)); do
	p=${mm[$((i % 3))]} sysdev=/sys/block/${disks[$((i % 3))]##*/}/device/state
	if ((i % 5)); then
		dmsetup message "$map" 0 fail_path "$p" && by_msg=$((by_msg + 1))
	else
		# fio's next I/O on the offline device fails the path.
		echo offline > "$sysdev"
		if wait_for "[ \"\$(path_state $map $p)\" = F ]" 5; then
			by_offline=$((by_offline + 1))
		else
			missed=$((missed + 1))
		fi
		echo running > "$sysdev"
	fi
	dmsetup message "$map" 0 reinstate_path "$p"
done
failed=$(fail_counts)
t_note "path cycles: $by_msg by message, $by_offline by offlining ($missed offline windows" \
	"without I/O), in $((SECONDS - t0)) s; paths failed $failed times"
t_eq "[$mode] every path cycle done" "$path_cycles" "$((by_msg + by_offline))"
t_check "[$mode] each failure counted once in the status" test "$failed" -ge "$path_cycles"
t_eq "[$mode] all paths active at the end" "A A A" \
	"$(path_state "$map" "${mm[0]}") $(path_state "$map" "${mm[1]}") $(path_state "$map" "${mm[2]}")"
stop_fio paths

# --- noflush suspend / reload / resume cycles ---
start_fio reloads
ok_cycles=0
t0=$SECONDS
for ((i = 0; i < reload_cycles; i++)); do
	if ((i % 2)); then t=$table_a; else t=$table_b; fi
	dmsetup suspend --noflush "$map" && dmsetup reload "$map" --table "$t" &&
		dmsetup resume "$map" && ok_cycles=$((ok_cycles + 1))
done
t_note "reload cycles: $ok_cycles in $((SECONDS - t0)) s"
t_eq "[$mode] every reload cycle done" "$reload_cycles" "$ok_cycles"
stop_fio reloads
t_done
