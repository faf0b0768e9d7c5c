#!/usr/bin/env bash
# Benchmark body, run inside one boot of a test kernel by scripts/bench.sh
# (through uml-run.sh or qemu-debian.sh --stock-multipath); not a test.
#
#   guest.sh OUR.ko PROBE [KEY=VALUE...]
#
# KEY=VALUE (defaults in brackets): runtime=SECONDS [3], ramp=TIME [500ms],
# repeats=N [3], paths="2 4", selector=NAME [round-robin],
# targets="raw stock-rq stock-bio ours-rq ours-biotarget" (also: ours-bio,
# our multipath with queue_mode bio; ours-rq-iot, our multipath with
# io_timeout_msecs 1000: the timeout's cost), workloads="rr1x1 ..." (see below),
# failover=N [5] trials per target (0: none), profile=N [10000] I/Os per
# profiled case (0: none; needs the function_graph tracer, which UML lacks).
#
# Output (to stdout, parsed by bench.sh; everything else is commentary):
#   BENCH|info|KEY|VALUE
#   BENCH|iops|TARGET|PATHS|WORKLOAD|ROUND|IOPS
#   BENCH|failover|TARGET|TRIAL|failover_us=.. base_us=.. after_max_us=.. ios=.. errors=..
#   BENCH|profile|TARGET|PATHS|WORKLOAD|ROUND|ROLE|FUNCTION|CALLS|MEDIAN_NS|MEAN_NS
#   BENCH|error|TEXT
# Workload names: {rr,rw}{1,32}x{1,2}: 4k random read/write, queue depth 1
# (psync) or 32 (libaio), 1 or 2 jobs.
#
# Throughput: null_blk (queue_mode=2: blk-mq, no data store) devices as paths;
# the raw case is fio on one null_blk device. Rounds: every round runs every
# case once; the stock and our module both register "multipath", so a round
# loads one, runs its cases, removes its maps, unloads it, loads the other;
# which goes first alternates between rounds (and so does the order of a
# module's targets), so drift of a loaded machine falls on all alike.
# Failover: two scsi_debug paths to one LUN, one priority group each
# (failover policy: all I/O on the first); failover-probe reads at queue
# depth 1, takes the first path offline between two reads and times the next
# read (see failover-probe.c).
# Profile: where an I/O's time goes, hook by hook (see the section below).
ko=${1:?usage: guest.sh OUR.ko PROBE [KEY=VALUE...]}
probe=${2:?usage: guest.sh OUR.ko PROBE [KEY=VALUE...]}
shift 2
runtime=3 ramp=500ms repeats=3 paths="2 4" selector=round-robin failover=5 profile=10000
targets="raw stock-rq stock-bio ours-rq ours-biotarget"
workloads="rr1x1 rr1x2 rr32x1 rr32x2 rw1x1 rw1x2 rw32x1 rw32x2"
for kv in "$@"; do
	case $kv in
	runtime=*|ramp=*|repeats=*|paths=*|selector=*|failover=*|profile=*|targets=*|workloads=*)
		printf -v "${kv%%=*}" '%s' "${kv#*=}" ;;
	*) echo "guest.sh: unknown argument $kv" >&2; exit 2 ;;
	esac
done

say() { echo "bench: $*"; }
out() { local IFS='|'; echo "BENCH|$*"; }
stock_mods=(dm-multipath dm-round-robin dm-queue-length dm-service-time)
# Unloaded with rmmod, selectors first: modprobe -r would take dm-mod along
# where it is a module, and our module needs it.
stock_rmmod=(dm_round_robin dm_queue_length dm_service_time dm_multipath)
work=$(mktemp -d)

# shellcheck disable=SC2317  # run from the EXIT trap
cleanup() {
	local m
	for m in $(dmsetup ls 2>/dev/null | awk '/^bench_/ { print $1 }'); do
		dmsetup remove "$m"
	done
	rmmod dm-mpath-cpp 2>/dev/null
	rmmod "${stock_rmmod[@]}" 2>/dev/null
	rmmod null_blk scsi_debug 2>/dev/null
	rm -rf "$work"
} 2>/dev/null
trap cleanup EXIT

modprobe dm-mod 2>/dev/null
ncpu=$(nproc)
out info kernel "$(uname -r)"
out info cpus "$ncpu"
out info cpu "$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
out info mem "$(awk '/^MemTotal/ { print $2 " kB" }' /proc/meminfo)"
out info fio "$(fio --version)"
out info params "runtime=$runtime ramp=$ramp repeats=$repeats paths=$paths selector=$selector"

# --- throughput ---------------------------------------------------------------
need_paths=0
for p in $paths; do [ "$p" -gt "$need_paths" ] && need_paths=$p; done
[ "$need_paths" -ge 1 ] || need_paths=1
if ! modprobe null_blk queue_mode=2 nr_devices="$need_paths" gb=16 submit_queues="$ncpu"; then
	out error "modprobe null_blk failed"; exit 1
fi
for ((i = 0; i < need_paths; i++)); do
	for _ in $(seq 50); do [ -b /dev/nullb$i ] && break; sleep 0.1; done
	[ -b /dev/nullb$i ] || { out error "/dev/nullb$i missing"; exit 1; }
done
size=$(blockdev --getsz /dev/nullb0)

# Workload WORKLOAD's queue depth, and the fio engine for a depth.
depth_of() { local qd=${1:2}; echo "${qd%x*}"; }
engine_for() { if [ "$1" -gt 1 ]; then echo libaio; else echo psync; fi; }

# fio_run DEV: all workloads one after the other in one fio process (each
# its own stonewalled group; starting fio costs seconds in the debug UML);
# prints "WORKLOAD IOPS" (read + write) per workload that ran.
fio_run() {
	local dev=$1 w rw qd jobs eng
	{
		echo "[global]"
		echo "filename=$dev"
		printf '%s\n' direct=1 bs=4k thread group_reporting time_based norandommap \
			randrepeat=0 size=1g "runtime=$runtime" "ramp_time=$ramp"
		for w in $workloads; do
			case $w in rr*) rw=randread ;; rw*) rw=randwrite ;; *) continue ;; esac
			qd=$(depth_of "$w"); jobs=${w##*x}
			eng=$(engine_for "$qd")
			printf '[%s]\nstonewall\nnew_group\nrw=%s\nioengine=%s\niodepth=%s\nnumjobs=%s\n' \
				"$w" "$rw" "$eng" "$qd" "$jobs"
		done
	} > "$work/jobs.fio"
	fio --minimal "$work/jobs.fio" 2>"$work/fio.err" |
		awk -F';' 'NF > 49 { printf "%s %d\n", $3, $8 + $49 + 0.5 }'
}

# table TARGET N: the table of a map over the first N null_blk paths.
table() {
	local t=$1 n=$2 feat=0 tgt=multipath devs="" i
	case $t in
	*-bio) feat="2 queue_mode bio" ;;
	*-biotarget) tgt=bio_multipath ;;
	*-iot) feat="2 io_timeout_msecs 1000" ;;
	esac
	for ((i = 0; i < n; i++)); do devs+=" $(cat /sys/block/nullb$i/dev) 1"; done
	echo "0 $size $tgt $feat 0 1 1 $selector 0 $n 1$devs"
}

run_cases() { # run_cases ROUND TARGET...: every workload on every path count
	local r=$1 t p w dev iops; shift
	for t in "$@"; do
		for p in $paths; do
			if [ "$t" = raw ]; then
				dev=/dev/nullb0
				[ "$p" = "${paths%% *}" ] || continue	# independent of paths
				p=1
			else
				dev=/dev/mapper/bench_$t
				if ! dmsetup create "bench_$t" --table "$(table "$t" "$p")"; then
					out error "create $t over $p paths failed: $(table "$t" "$p")"
					continue
				fi
				[ -b "$dev" ] || { out error "$dev is not a block device"; dmsetup remove "bench_$t"; continue; }
			fi
			fio_run "$dev" > "$work/res"
			for w in $workloads; do
				iops=$(awk -v w="$w" '$1 == w { print $2 }' "$work/res")
				if [ -n "$iops" ]; then
					out iops "$t" "$p" "$w" "$r" "$iops"
				else
					out error "fio $t $p $w round $r: $(head -c 300 "$work/fio.err" | tr '\n' ' ')"
				fi
			done
			[ "$t" = raw ] || dmsetup remove "bench_$t"
		done
	done
}

want() { case " $targets " in *" $1 "*) return 0 ;; esac; return 1; }
stock_targets=() our_targets=()
for t in stock-rq stock-bio; do want $t && stock_targets+=("$t"); done
for t in ours-rq ours-rq-iot ours-bio ours-biotarget; do want $t && our_targets+=("$t"); done

load() { # load stock|ours
	if [ "$1" = stock ]; then modprobe -a "${stock_mods[@]}"; else insmod "$ko"; fi
}
unload() {
	if [ "$1" = stock ]; then rmmod "${stock_rmmod[@]}"; else rmmod dm-mpath-cpp; fi
}
side() { # side stock|ours ROUND [RUNNER]: RUNNER ROUND TARGET... [run_cases]
	local -a list=("${our_targets[@]}") rev=() i
	local runner=${3:-run_cases}
	[ "$1" = stock ] && list=("${stock_targets[@]}")
	[ ${#list[@]} -gt 0 ] || return 0
	# Within a module too, the order alternates between rounds.
	if (($2 % 2 == 0)); then
		for ((i = ${#list[@]} - 1; i >= 0; i--)); do rev+=("${list[i]}"); done
		list=("${rev[@]}")
	fi
	load "$1" || { out error "loading the $1 module failed"; return 1; }
	say "round $2: $1 module: ${list[*]}"
	"$runner" "$2" "${list[@]}"
	unload "$1" || out error "unloading the $1 module failed"
}
# both_sides ROUND [RUNNER]: the stock and our module, first one or the other
# in alternate rounds.
both_sides() {
	if (($1 % 2)); then
		side stock "$@"; side ours "$@"
	else
		side ours "$@"; side stock "$@"
	fi
}

t0=$SECONDS
for ((r = 1; r <= repeats; r++)); do
	say "round $r of $repeats ($((SECONDS - t0)) s so far)"
	want raw && run_cases "$r" raw
	both_sides "$r"
done
say "throughput done in $((SECONDS - t0)) s"

# --- where the time goes ---------------------------------------------------------
# The function_graph tracer times the target's hooks (children included: the
# clone's allocation is in clone_and_map) and dm core's entry points around
# them: the first path count, random read at depth 1 and 32, one job, N I/Os.
# Every traced call adds the tracer's own cost to whatever encloses it, the
# same for every target, so compare targets, not absolute figures.
tracing=/sys/kernel/tracing
[ -e "$tracing"/trace ] || mount -t tracefs tracefs $tracing 2>/dev/null
# shellcheck disable=SC2317  # called through side()
prof_funcs() { # prof_funcs TARGET: ROLE:FUNCTION, dm core's and the target's
	case $1 in
	stock-rq) echo submit:dm_mq_queue_rq map:multipath_clone_and_map alloc:blk_mq_alloc_request \
		complete:dm_softirq_done end_io:multipath_end_io release:multipath_release_clone ;;
	stock-bio) echo submit:dm_submit_bio map:multipath_map_bio complete:clone_endio \
		end_io:multipath_end_io_bio ;;
	ours-rq|ours-rq-iot) echo submit:dm_mq_queue_rq map:mp_clone_and_map_rq alloc:blk_mq_alloc_request \
		complete:dm_softirq_done end_io:mp_rq_end_io release:mp_release_clone_rq ;;
	ours-bio|ours-biotarget) echo submit:dm_submit_bio map:mp_map_bio complete:clone_endio \
		end_io:mp_end_io_bio ;;
	esac
}
# prof_cases ROUND TARGET...: per function, calls and median / mean ns
# (blk_mq_alloc_request: the clone's allocation, inside the map hook)
# shellcheck disable=SC2317  # called through side()
prof_cases() {
	local r=$1 t w p=${paths%% *} rf; shift
	for t in "$@"; do
		dmsetup create "bench_$t" --table "$(table "$t" "$p")" || { out error "create $t for the profile"; continue; }
		for w in $prof_workloads; do
			echo 0 > "$tracing"/tracing_on
			echo nop > "$tracing"/current_tracer
			if ! prof_funcs "$t" | tr ' ' '\n' | cut -d: -f2 > "$tracing"/set_ftrace_filter; then
				out error "profile $t: cannot trace $(prof_funcs "$t")"; break
			fi
			echo function_graph > "$tracing"/current_tracer
			echo 1 > "$tracing"/options/funcgraph-tail
			echo > "$tracing"/trace
			echo 1 > "$tracing"/tracing_on
			prof_fio "/dev/mapper/bench_$t" "$w" 2> "$work/fio.err" ||
				out error "profile fio $t $w: $(head -c 300 "$work/fio.err" | tr '\n' ' ')"
			echo 0 > "$tracing"/tracing_on
			# " 1) + 12.345 us   |  } /* dm_mq_queue_rq [dm_mod] */" or
			# " 0)   2.100 us    |  mp_map_bio [dm_mpath_cpp]();"
			awk -F'|' 'match($1, /[0-9]+\.[0-9]+ us/) {
				d = substr($1, RSTART, RLENGTH - 3); n = $2
				if (n ~ /\/\*/) { sub(/.*\/\* */, "", n); sub(/ *\*\/.*/, "", n) }
				else sub(/\(.*/, "", n)
				sub(/ *\[.*/, "", n); gsub(/[ {}]/, "", n)
				printf "%s %d\n", n, d * 1000 + 0.5 }' "$tracing"/trace > "$work/prof"
			for rf in $(prof_funcs "$t"); do
				awk -v f="${rf#*:}" '$1 == f { print $2 }' "$work/prof" | sort -n |
					awk -v pre="BENCH|profile|$t|$p|$w|$r|${rf%%:*}|${rf#*:}" '{ v[NR] = $1; s += $1 }
						END { if (NR) printf "%s|%d|%d|%d\n", pre, NR, v[int((NR + 1) / 2)], s / NR
						      else print pre "|0|0|0" }'
			done
		done
		echo nop > "$tracing"/current_tracer
		echo > "$tracing"/set_ftrace_filter
		dmsetup remove "bench_$t"
	done
}
# shellcheck disable=SC2317  # called through side()
prof_fio() { # prof_fio DEV WORKLOAD: a fixed number of I/Os
	local qd
	qd=$(depth_of "$2")
	fio --name=prof --filename="$1" --direct=1 --bs=4k --rw=randread --norandommap \
		--randrepeat=0 --size=1g --number_ios="$profile" --ioengine="$(engine_for "$qd")" \
		--iodepth="$qd" --output=/dev/null
}
prof_workloads="rr1x1 rr32x1"
if [ "$profile" -gt 0 ]; then
	t1=$SECONDS
	if grep -qw function_graph "$tracing"/available_tracers 2>/dev/null; then
		# Room for every event of a case ("N (expanded: M)" before first use).
		prof_buf=$(sed 's/.*expanded: *\([0-9]*\).*/\1/' "$tracing"/buffer_size_kb)
		echo 16384 > "$tracing"/buffer_size_kb
		for ((r = 1; r <= repeats; r++)); do
			both_sides "$r" prof_cases
		done
		echo "$prof_buf" > "$tracing"/buffer_size_kb
	else
		out info profile "no function_graph tracer in this kernel"
	fi
	say "profile done in $((SECONDS - t1)) s"
fi
rmmod null_blk

# --- failover latency -----------------------------------------------------------
if [ "$failover" -gt 0 ]; then
	t1=$SECONDS
	modprobe scsi_debug add_host=2 num_tgts=1 max_luns=1 vpd_use_hostno=0 delay=0 dev_size_mb=64
	disks=()
	for _ in $(seq 100); do
		mapfile -t disks < <(for b in /sys/bus/pseudo/drivers/scsi_debug/adapter*/host*/target*/*/block/*; do
			[ -e "$b" ] || continue
			h=${b#*/host}; printf '%s %s\n' "${h%%/*}" "${b##*/}"
		done | sort -n | cut -d' ' -f2)
		[ ${#disks[@]} -ge 2 ] && [ -b "/dev/${disks[0]}" ] && [ -b "/dev/${disks[1]}" ] && break
		sleep 0.1
	done
	if [ ${#disks[@]} -lt 2 ]; then
		out error "scsi_debug paths missing: ${disks[*]}"
	else
		a=${disks[0]} b=${disks[1]}
		fsize=$(blockdev --getsz "/dev/$a")
		ma=$(cat "/sys/block/$a/dev") mb=$(cat "/sys/block/$b/dev")
		# The kernel logs each rejected I/O and failed path; at the
		# console's speed (UML: a host write) that would be timed too.
		read -r printk_level _ < /proc/sys/kernel/printk
		dmesg -c >/dev/null
		echo 3 > /proc/sys/kernel/printk
		ftable() { # ftable TARGET
			local feat=0 tgt=multipath
			case $1 in
			*-bio) feat="2 queue_mode bio" ;;
			*-biotarget) tgt=bio_multipath ;;
			esac
			echo "0 $fsize $tgt $feat 0 2 1 round-robin 0 1 1 $ma 1 round-robin 0 1 1 $mb 1"
		}
		fo_side() { # fo_side stock|ours TARGET...
			local s=$1 t i k res order; shift
			[ $# -gt 0 ] || return 0
			load "$s" || { out error "loading the $s module failed"; return 1; }
			# Trials interleaved, the targets' order reversed every other
			# trial, so that none is always the first after the load.
			for ((i = 1; i <= failover; i++)); do
				order=("$@")
				if ((i % 2 == 0)); then
					order=()
					for ((k = $#; k >= 1; k--)); do order+=("${!k}"); done
				fi
				for t in "${order[@]}"; do
					echo running > "/sys/block/$a/device/state"
					dmsetup create bench_fo --table "$(ftable "$t")" || { out error "create failover map $t"; continue; }
					res=$("$probe" /dev/mapper/bench_fo 300 200 "/sys/block/$a/device/state" offline 2>&1)
					out failover "$t" "$i" "$res"
					dmsetup remove bench_fo
				done
			done
			echo running > "/sys/block/$a/device/state"
			unload "$s"
		}
		fo_side stock "${stock_targets[@]}"
		fo_side ours "${our_targets[@]}"
		echo "$printk_level" > /proc/sys/kernel/printk
		# What the quiet console missed that the host's report scan must see.
		dmesg | grep -E 'WARNING:|BUG:|Oops|Call Trace|UBSAN:|KASAN|general protection' | head -n 40
	fi
	rmmod scsi_debug
	say "failover done in $((SECONDS - t1)) s"
fi
say "all done in $((SECONDS - t0)) s"
exit 0
