#!/usr/bin/env bash
# Scale benchmark body, run inside one boot of Debian's kernel by
# scripts/bench.sh scale (qemu-debian.sh --stock-multipath, booted with
# possible_cpus=N no_hash_pointers); not a test.
#
#   scale-guest.sh OUR.ko SCALE-OPS [KEY=VALUE...]
#
# KEY=VALUE (defaults in brackets): maps="10 100 1000" (map counts, each a
# separate run), paths=N [4] per map, targets="stock ours ours-iot" (ours-iot:
# ours with io_timeout_msecs; before and before-iot: the module given by
# before=), iot_ms=N [1000], tick_s=N [4] seconds of
# tracing the I/O-timeout tick, before=PATH (a second build of our module,
# run as target "before" when targets names it), depth=N dm_mq_queue_depth
# [dm-rq's default].
#
# Every map of a run has the same 4 null_blk paths (dm lets tables share a
# device), one priority group, round-robin.  Per target and map count:
#   BENCH|scale|TARGET|MAPS|PATHS|KEY|VALUE
# with KEY percpu_alloc_B (per-CPU memory the module's load and the maps'
# creation left allocated, every possible CPU's copy, from the percpu
# allocator's tracepoints), percpu_kB, slab_kB, vmalloc_kB (growth of
# /proc/meminfo's Percpu, Slab, VmallocUsed from before the module is loaded
# to after the maps are created, caches dropped, console quiet), left_kB (Percpu+Slab+Vmalloc still
# grown after the maps are removed and the module unloaded), create_ms,
# status_ms, table_ms (one dmsetup for every map), fail_ms, reinstate_ms
# (a message per map), reload_ms (noflush suspend, load, resume per map; these
# three from one scale-ops process), remove_ms; and for ours-iot tick_calls, tick_mean_ns, tick_median_ns over
# tick_s seconds (function_graph on the core's tick, mpc_io_check).
#   BENCH|info|KEY|VALUE
#   BENCH|error|TEXT
# shellcheck disable=SC2317  # the steps run through timed()
ko=${1:?usage: scale-guest.sh OUR.ko SCALE-OPS [KEY=VALUE...]}
ops=${2:?usage: scale-guest.sh OUR.ko SCALE-OPS [KEY=VALUE...]}
shift 2
maps="10 100 1000" paths=4 targets="stock ours ours-iot" iot_ms=1000 tick_s=4 before='' before_maps=100 depth=''
for kv in "$@"; do
	case $kv in
	maps=*|paths=*|targets=*|iot_ms=*|tick_s=*|before=*|before_maps=*|depth=*)
		printf -v "${kv%%=*}" '%s' "${kv#*=}" ;;
	*) echo "scale-guest.sh: unknown argument $kv" >&2; exit 2 ;;
	esac
done

say() { echo "bench: $*"; }
out() { local IFS='|'; echo "BENCH|$*"; }
now_ms() { local t=${EPOCHREALTIME/./}; echo $((t / 1000)); }
stock_rmmod=(dm_round_robin dm_multipath)
tracing=/sys/kernel/tracing
[ -e "$tracing"/trace ] || mount -t tracefs tracefs $tracing 2>/dev/null

cleanup() {
	dmsetup remove_all 2>/dev/null
	rmmod dm-mpath-cpp 2>/dev/null
	rmmod "${stock_rmmod[@]}" 2>/dev/null
	rmmod null_blk 2>/dev/null
} 2>/dev/null
trap cleanup EXIT

# dm-rq gives each request-based map a tag set of dm_mq_queue_depth
# requests, read when a map's queue is set up.  dm-mod is loaded by the
# time this runs, so a modprobe option would not take: the parameter is
# written.
modprobe dm-mod || { out error "modprobe dm-mod"; exit 1; }
if [ -n "$depth" ]; then
	echo "$depth" > /sys/module/dm_mod/parameters/dm_mq_queue_depth ||
		{ out error "dm_mq_queue_depth=$depth"; exit 1; }
fi
modprobe null_blk queue_mode=2 nr_devices="$paths" gb=1 ||
	{ out error "modprobe null_blk"; exit 1; }
for ((i = 0; i < paths; i++)); do
	for _ in $(seq 50); do [ -b /dev/nullb$i ] && break; sleep 0.1; done
	[ -b /dev/nullb$i ] || { out error "/dev/nullb$i missing"; exit 1; }
done
size=$(blockdev --getsz /dev/nullb0)
devs=() pgpaths=""
for ((i = 0; i < paths; i++)); do
	devs+=("$(cat /sys/block/nullb$i/dev)")
	pgpaths+=" ${devs[i]} 1"
done
possible=$(cat /sys/devices/system/cpu/possible)
out info kernel "$(uname -r)"
out info cpus_online "$(nproc)"
out info cpus_possible "$possible"
out info mem "$(awk '/^MemTotal/ { print $2 " kB" }' /proc/meminfo)"
out info tick_s "$tick_s"
out info queue_depth "$(cat /sys/module/dm_mod/parameters/dm_mq_queue_depth)"
out info dmsetup "$(dmsetup --version | tr '\n' ' ')"

# The console at the speed of a serial line would be timed too.
read -r printk_level _ < /proc/sys/kernel/printk
echo 1 > /proc/sys/kernel/printk

# "PERCPU SLAB VMALLOC" in kB, after dropping what can be dropped.
mem_now() {
	sync
	echo 3 > /proc/sys/vm/drop_caches
	sleep 1
	awk '/^Percpu:/ { p = $2 } /^Slab:/ { s = $2 } /^VmallocUsed:/ { v = $2 }
	     END { print p, s, v }' /proc/meminfo
}

# The per-CPU memory still allocated of what was allocated since
# pcpu_trace_start, in bytes (every possible CPU's copy), from the percpu
# allocator's tracepoints: exact, where meminfo's Percpu counts populated
# pages, which stay populated after a free (what one target frees, the
# next one reuses unseen).
pcpu_trace_start() {
	echo 0 > "$tracing"/tracing_on
	echo nop > "$tracing"/current_tracer
	echo 16384 > "$tracing"/buffer_size_kb
	echo > "$tracing"/trace
	echo 1 > "$tracing"/events/percpu/percpu_alloc_percpu/enable &&
		echo 1 > "$tracing"/events/percpu/percpu_free_percpu/enable &&
		echo 1 > "$tracing"/tracing_on
}
pcpu_trace_live() {
	echo 0 > "$tracing"/tracing_on
	echo 0 > "$tracing"/events/percpu/percpu_alloc_percpu/enable
	echo 0 > "$tracing"/events/percpu/percpu_free_percpu/enable
	# "percpu_alloc_percpu: call_site=.. size=8 .. ptr=0x.. bytes_alloc=512 .."
	# "percpu_free_percpu: base_addr=0x.. off=.. ptr=0x.."
	awk '/percpu_alloc_percpu:/ { p = ""; b = 0
		for (i = 1; i <= NF; i++) {
			if ($i ~ /^ptr=/) p = substr($i, 5)
			if ($i ~ /^bytes_alloc=/) b = substr($i, 13)
		}
		live[p] = b }
	     /percpu_free_percpu:/ { for (i = 1; i <= NF; i++) if ($i ~ /^ptr=/) delete live[substr($i, 5)] }
	     /LOST|ptrval/ { lost = 1 }
	     END { for (p in live) s += live[p]; if (lost) print -1; else print s + 0 }' "$tracing"/trace
	echo > "$tracing"/trace
}

load() { # load TARGET
	case $1 in
	stock) modprobe dm-multipath && modprobe dm-round-robin ;;
	before|before-iot) insmod "$before" ;;
	*) insmod "$ko" ;;
	esac
}
unload() { # unload TARGET
	case $1 in
	stock) rmmod "${stock_rmmod[@]}" ;;
	*) rmmod dm-mpath-cpp ;;
	esac
}

# tick_cost MAPS: the core's tick, traced for tick_s seconds.
tick_cost() {
	local t=$1 m=$2
	if ! grep -qw function_graph "$tracing"/available_tracers 2>/dev/null; then
		out error "no function_graph tracer: no tick cost"
		return
	fi
	echo 0 > "$tracing"/tracing_on
	echo nop > "$tracing"/current_tracer
	if ! echo mpc_io_check > "$tracing"/set_ftrace_filter; then
		out error "cannot trace mpc_io_check"
		return
	fi
	echo 16384 > "$tracing"/buffer_size_kb
	echo function_graph > "$tracing"/current_tracer
	echo > "$tracing"/trace
	echo 1 > "$tracing"/tracing_on
	sleep "$tick_s"
	echo 0 > "$tracing"/tracing_on
	# " 1)   2.100 us    |  mpc_io_check [dm_mpath_cpp]();"
	awk -F'|' 'match($1, /[0-9]+\.[0-9]+ us/) { print int(substr($1, RSTART, RLENGTH - 3) * 1000 + 0.5) }' \
		"$tracing"/trace | sort -n |
		awk -v pre="BENCH|scale|$t|$m|$paths" '{ v[NR] = $1; s += $1 }
			END { printf "%s|tick_calls|%d\n", pre, NR
			      if (NR) { printf "%s|tick_mean_ns|%d\n", pre, s / NR
					printf "%s|tick_median_ns|%d\n", pre, v[int((NR + 1) / 2)] } }'
	echo nop > "$tracing"/current_tracer
	echo > "$tracing"/set_ftrace_filter
}

# timed KEY COMMAND...: runs it, prints its time.
timed() {
	local key=$1 t0 rc=0
	shift
	t0=$(now_ms)
	"$@" > /dev/null 2> "$work_err" || rc=$?
	out scale "$cur_t" "$cur_m" "$paths" "$key" $(($(now_ms) - t0))
	[ $rc = 0 ] || out error "$cur_t $cur_m $key: status $rc: $(head -c 300 "$work_err" | tr '\n' ' ')"
}
work_err=$(mktemp)

table_of() { # table_of TARGET
	local feat=0
	[ "${1%-iot}" != "$1" ] && feat="2 io_timeout_msecs $iot_ms"
	echo "0 $size multipath $feat 0 1 1 round-robin 0 $paths 1$pgpaths"
}
create_all() { # one dmsetup for all maps: the kernel's work, not fork's
	local i tbl
	tbl=$(table_of "$cur_t")
	for ((i = 0; i < cur_m; i++)); do
		[ "$i" = 0 ] || printf ';'
		printf 'scale_%d,,,rw,%s' "$i" "$tbl"
	done | dmsetup create --concise
}
t0=$SECONDS
# Unmeasured: what the first maps of the boot create once (slab caches,
# per-CPU chunks) is not charged to the first target measured.
cur_t=stock cur_m=10
if ! { load stock && create_all && dmsetup remove_all && unload stock; }; then
	out error "warm-up with the stock target failed"
fi
for cur_m in $maps; do
	for cur_t in $targets; do
		[ "${cur_t#before}" = "$cur_t" ] || { [ -n "$before" ] && [ "$cur_m" -le "$before_maps" ]; } ||
			continue
		say "$cur_t: $cur_m maps x $paths paths"
		read -r p0 s0 v0 < <(mem_now)
		pcpu_trace_start || out error "no percpu tracepoints"
		load "$cur_t" || { out error "loading $cur_t"; continue; }
		timed create_ms create_all
		pcpu_alloc=$(pcpu_trace_live)
		out scale "$cur_t" "$cur_m" "$paths" percpu_alloc_B "$pcpu_alloc"
		[ "$pcpu_alloc" -ge 0 ] || out error "$cur_t $cur_m: percpu events lost"
		read -r p1 s1 v1 < <(mem_now)
		out scale "$cur_t" "$cur_m" "$paths" percpu_kB $((p1 - p0))
		out scale "$cur_t" "$cur_m" "$paths" slab_kB $((s1 - s0))
		out scale "$cur_t" "$cur_m" "$paths" vmalloc_kB $((v1 - v0))
		n=$(dmsetup ls --target multipath | grep -c '^scale_')
		[ "$n" = "$cur_m" ] || out error "$cur_t: $n maps of $cur_m"
		timed status_ms dmsetup status --target multipath
		timed table_ms dmsetup table --target multipath
		[ "${cur_t%-iot}" != "$cur_t" ] && tick_cost "$cur_t" "$cur_m"
		timed fail_ms "$ops" scale_ "$cur_m" message "fail_path ${devs[0]}"
		failed=$(dmsetup status --target multipath | grep -c " ${devs[0]} F ")
		[ "$failed" = "$cur_m" ] || out error "$cur_t: $failed of $cur_m maps show the path failed"
		timed reinstate_ms "$ops" scale_ "$cur_m" message "reinstate_path ${devs[0]}"
		timed reload_ms "$ops" scale_ "$cur_m" reload "$(table_of "$cur_t")"
		timed remove_ms dmsetup remove_all
		unload "$cur_t" || out error "unloading $cur_t"
		read -r p2 s2 v2 < <(mem_now)
		out scale "$cur_t" "$cur_m" "$paths" left_kB $((p2 + s2 + v2 - p0 - s0 - v0))
	done
done
echo "$printk_level" > /proc/sys/kernel/printk
# What the quiet console missed that the host's report scan must see.
dmesg | grep -E 'WARNING:|BUG:|Oops|Call Trace|UBSAN:|KASAN|general protection' | head -n 40
rm -f "$work_err"
say "all done in $((SECONDS - t0)) s"
exit 0
