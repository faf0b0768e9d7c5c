#!/usr/bin/env bash
# Benchmark: our module side by side with Linux 6.1's own dm-multipath, in one
# boot of the UML test kernel and one boot of Debian's stock kernel in QEMU
# (TCG, 2 CPUs). A benchmark, not a test: it asserts nothing about speed.
#
#   scripts/bench.sh [uml|qemu|all|scale|storm]      (default all)
#
# Per bed: fio 4k random read and random write, queue depth 1 (psync) and 32
# (libaio), 1 and 2 jobs, over 2 and 4 null_blk paths, on a raw null_blk
# device, stock multipath (request-based), stock multipath queue_mode bio,
# our multipath (request-based) and our bio_multipath; every case repeated,
# the median reported. Then a failover-latency case per target (two
# scsi_debug paths, one path taken offline under a QD1 reader). The body runs
# in the guest: scripts/bench/guest.sh; the probe: scripts/bench/failover-probe.c.
#
# scale (not part of all): Debian's kernel in QEMU booted with
# possible_cpus=BENCH_SCALE_CPUS, M maps x 4 null_blk paths for each M of
# BENCH_SCALE_MAPS, stock, ours and ours with io_timeout_msecs side by side:
# memory per path (Percpu, Slab, Vmalloc), the time of control operations on
# every map, and the I/O-timeout tick's cost (scripts/bench/scale-guest.sh,
# report: scripts/bench/scale-report.pl, into docs/benchmarks-scale.* and the
# "## Scale" section of docs/benchmarks.md).
#
# storm (not part of all): a failover storm in Debian's kernel in QEMU:
# BENCH_STORM_LUNS scsi_debug LUNs through two hosts, one map each, fio
# with verify on some; every path of one host goes offline at once.  The
# time until every map has failed over, the uevents, the I/O errors, stock
# and ours (scripts/bench/storm-guest.sh; "## Failover storm" section).
#
# Prints a table (IOPS, ours/stock in the same mode, each target/raw) and
# writes docs/benchmarks.md, docs/benchmarks.png (chart) and
# docs/benchmarks-data.tsv (every run), with the machine, date and load.
#
# Environment (defaults in brackets):
#   BENCH_RUNTIME [3]        seconds per fio run
#   BENCH_RAMP [500ms]       fio ramp_time before each measured run
#   BENCH_REPEATS [3]        runs per case (median reported)
#   BENCH_PATHS ["2 4"]      path counts
#   BENCH_SELECTOR [round-robin]  path selector of every map
#   BENCH_TARGETS ["raw stock-rq stock-bio ours-rq ours-rq-iot ours-biotarget"]
#                            add ours-bio for our multipath with queue_mode bio;
#                            ours-rq-iot is ours rq with io_timeout_msecs 1000
#   BENCH_WORKLOADS          names {rr,rw}{1,32}x{1,2} (read/write, depth, jobs)
#   BENCH_FAILOVER [5]       failover trials per target, 0 for none
#   BENCH_PROFILE [10000]    I/Os per profiled case (function_graph durations
#                            of the target's hooks; QEMU only), 0 for none
#   BENCH_DOCS [1]           0: do not touch docs/ (results stay in BENCH_OUT)
#   BENCH_OUT                results folder [$CACHE/bench/<date-time>]
#   BENCH_SCALE_MAPS ["10 100 1000"]  scale: map counts
#   BENCH_SCALE_CPUS [64]    scale: possible CPUs of the guest (2 online)
#   BENCH_SCALE_BEFORE       scale: also a build of our module at this commit
#                            (target "before"), to compare with
#   BENCH_SCALE_BEFORE_MAPS [100]  scale: the largest map count "before" runs at
#   BENCH_SCALE_MEM [4096]   scale: guest memory, MiB
#   BENCH_SCALE_DEPTH        scale: dm_mq_queue_depth, each request-based map's
#                            tag set [dm-rq's default, 2048]
#   BENCH_STORM_LUNS [32], BENCH_STORM_ROUNDS [3], BENCH_STORM_FIO_MAPS [4]
#                            storm: LUNs (maps), rounds per target, maps with fio
# With the defaults a bed takes about 20 minutes on a 2-core machine.
set -euo pipefail
# shellcheck source=SCRIPTDIR/common.sh
. "$(dirname "$0")/common.sh"

beds=${1:-all}
case $beds in
all) beds="uml qemu" ;;
uml|qemu|scale|storm) ;;
*) die "usage: $0 [uml|qemu|all|scale|storm]" ;;
esac

runtime=${BENCH_RUNTIME:-3}
ramp=${BENCH_RAMP:-500ms}
repeats=${BENCH_REPEATS:-3}
paths=${BENCH_PATHS:-2 4}
selector=${BENCH_SELECTOR:-round-robin}
targets=${BENCH_TARGETS:-raw stock-rq stock-bio ours-rq ours-rq-iot ours-biotarget}
workloads=${BENCH_WORKLOADS:-rr1x1 rr1x2 rr32x1 rr32x2 rw1x1 rw1x2 rw32x1 rw32x2}
failover=${BENCH_FAILOVER:-5}
profile=${BENCH_PROFILE:-10000}
scale_maps=${BENCH_SCALE_MAPS:-10 100 1000}
scale_cpus=${BENCH_SCALE_CPUS:-64}
scale_before=${BENCH_SCALE_BEFORE:-}
scale_before_maps=${BENCH_SCALE_BEFORE_MAPS:-100}
scale_depth=${BENCH_SCALE_DEPTH:-}
storm_luns=${BENCH_STORM_LUNS:-32}
storm_rounds=${BENCH_STORM_ROUNDS:-3}
storm_fio_maps=${BENCH_STORM_FIO_MAPS:-4}
for v in "$runtime" "$repeats" "$failover" "$profile" "$scale_cpus" "$scale_before_maps" ${scale_depth:+"$scale_depth"} $scale_maps \
	 "$storm_luns" "$storm_rounds" "$storm_fio_maps"; do
	[[ $v =~ ^[0-9]+$ ]] || die "BENCH_RUNTIME, BENCH_REPEATS, BENCH_FAILOVER, BENCH_PROFILE, BENCH_SCALE_* and BENCH_STORM_* are whole numbers"
done
out=${BENCH_OUT:-$CACHE/bench/$(date +%Y%m%d-%H%M%S)}
mkdir -p "$out"
guest_args=("runtime=$runtime" "ramp=$ramp" "repeats=$repeats" "paths=$paths"
	    "selector=$selector" "targets=$targets" "workloads=$workloads" "failover=$failover"
	    "profile=$profile")

# --- what it needs --------------------------------------------------------------
"$TOP/scripts/deps.sh"
if ! command -v gnuplot >/dev/null; then
	log "installing gnuplot-nox (for the chart)"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends gnuplot-nox >&2 ||
		log "warning: no gnuplot; the chart will be missing"
fi
probe=$CACHE/bench/failover-probe
mkdir -p "$CACHE/bench"
gcc -O2 -Wall -static -o "$probe.tmp" "$TOP/scripts/bench/failover-probe.c" && mv "$probe.tmp" "$probe"

# Host facts for the record; the load average matters on a shared machine.
{
	echo "date	$(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "host_cpu	$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
	echo "host_cpus	$(nproc)"
	echo "host_mem	$(free -g | awk '/^Mem:/ { print $2 " GiB" }')"
	echo "host_os	$(. /etc/os-release && echo "$PRETTY_NAME"), host kernel $(uname -r)"
	echo "git	$(git -C "$TOP" describe --always --dirty 2>/dev/null || echo unknown)"
	echo "params	runtime=${runtime}s ramp=$ramp repeats=$repeats paths=$paths selector=$selector failover=$failover"
} > "$out/meta.tsv"
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

run_scale() {
	local ko before=() targets="stock ours ours-iot" src ops=$CACHE/bench/scale-ops
	ko=$(MODULE_OUT=$CACHE/module-amd64-bench "$TOP/scripts/beds/build-module.sh" amd64)/dm-mpath-cpp.ko
	if [ -n "$scale_before" ]; then
		# That commit's own tree and build script, in the cache.
		src=$CACHE/bench/before-src
		rm -rf "$src" && mkdir -p "$src"
		git -C "$TOP" archive "$scale_before" | tar -x -C "$src"
		before=(--file "$(MODULE_OUT=$CACHE/module-amd64-before \
			"$src/scripts/beds/build-module.sh" amd64)/dm-mpath-cpp.ko")
		targets="stock before ours before-iot ours-iot"
	fi
	echo "scale_before	${scale_before:-none}" >> "$out/meta.tsv"
	# no_hash_pointers: the percpu tracepoints' pointers pair each free
	# with its allocation.
	log "scale: booting with $scale_cpus possible CPUs (log: $out/scale.log)"
	gcc -O2 -Wall -static -o "$ops.tmp" "$TOP/scripts/bench/scale-ops.c" && mv "$ops.tmp" "$ops"
	# dm core's own memory is about 600 kB per request-based map here.
	QEMU_MEM=${BENCH_SCALE_MEM:-4096} QEMU_TIMEOUT=${BENCH_QEMU_TIMEOUT:-7200} \
		QEMU_APPEND="possible_cpus=$scale_cpus no_hash_pointers" \
		"$TOP/scripts/beds/qemu-debian.sh" --stock-multipath --module "$ko" "${before[@]}" \
		--file "$ops" "$TOP/scripts/bench/scale-guest.sh" /modules/dm-mpath-cpp.ko "$ops" \
		"maps=$scale_maps" "targets=$targets" "before_maps=$scale_before_maps" "depth=$scale_depth" \
		${before:+"before=${before[1]}"} > "$out/scale.log" 2>&1
}

run_storm() {
	local ko
	ko=$(MODULE_OUT=$CACHE/module-amd64-bench "$TOP/scripts/beds/build-module.sh" amd64)/dm-mpath-cpp.ko
	log "storm: booting (log: $out/storm.log)"
	QEMU_MEM=2048 QEMU_TIMEOUT=${BENCH_QEMU_TIMEOUT:-3600} \
		"$TOP/scripts/beds/qemu-debian.sh" --stock-multipath --module "$ko" \
		"$TOP/scripts/bench/storm-guest.sh" /modules/dm-mpath-cpp.ko "luns=$storm_luns" \
		"rounds=$storm_rounds" "fio_maps=$storm_fio_maps" > "$out/storm.log" 2>&1
}

run_bed() { # run_bed uml|qemu|scale|storm
	local bed=$1 t0=$SECONDS rc=0 ko
	echo "${bed}_load_before	$(loadavg)" >> "$out/meta.tsv"
	log "$bed: building the module"
	if [ "$bed" = uml ]; then
		"$TOP/scripts/beds/kernel-build.sh" uml
		# Compiled as the stock module is: the UML kernel sanitizes
		# (UBSAN) only objects that opt in, as our Kbuild does for tests.
		ko=$(MODULE_OUT=$CACHE/module-uml-bench "$TOP/scripts/beds/build-module.sh" uml \
			UBSAN_SANITIZE=n)/dm-mpath-cpp.ko
		log "$bed: booting (log: $out/uml.log)"
		UML_TIMEOUT=${BENCH_UML_TIMEOUT:-3600} "$TOP/scripts/beds/uml-run.sh" \
			"$TOP/scripts/bench/guest.sh" "$ko" "$probe" "${guest_args[@]}" > "$out/uml.log" 2>&1 || rc=$?
	elif [ "$bed" = scale ]; then
		run_scale || rc=$?
	elif [ "$bed" = storm ]; then
		run_storm || rc=$?
	else
		ko=$(MODULE_OUT=$CACHE/module-amd64-bench "$TOP/scripts/beds/build-module.sh" amd64)/dm-mpath-cpp.ko
		log "$bed: booting (log: $out/qemu.log)"
		QEMU_TIMEOUT=${BENCH_QEMU_TIMEOUT:-3600} "$TOP/scripts/beds/qemu-debian.sh" --stock-multipath \
			--module "$ko" --file "$probe" \
			"$TOP/scripts/bench/guest.sh" /modules/dm-mpath-cpp.ko "$probe" "${guest_args[@]}" \
			> "$out/qemu.log" 2>&1 || rc=$?
	fi
	echo "${bed}_load_after	$(loadavg)" >> "$out/meta.tsv"
	echo "${bed}_seconds	$((SECONDS - t0))" >> "$out/meta.tsv"
	# Result lines; a kernel message may share a console line, so cut at BENCH|.
	tr -d '\r' < "$out/$bed.log" | grep -ao 'BENCH|.*' > "$out/$bed.txt" || true
	grep '^BENCH|error|' "$out/$bed.txt" >&2 || true
	[ $rc = 0 ] || log "warning: $bed run ended with status $rc (see $out/$bed.log)"
	log "$bed: $(grep -c '^BENCH|\(iops\|scale\|storm\)|' "$out/$bed.txt") results in $((SECONDS - t0)) s"
}

for bed in $beds; do
	run_bed "$bed"
done

docs=()
[ "${BENCH_DOCS:-1}" = 0 ] || docs=(--docs "$TOP/docs")
if [ "$beds" = scale ] || [ "$beds" = storm ]; then
	perl "$TOP/scripts/bench/scale-report.pl" --results "$out" "${docs[@]}" | tee "$out/report.txt"
else
	perl "$TOP/scripts/bench/report.pl" --results "$out" "${docs[@]}" | tee "$out/report.txt"
fi
log "results in $out"
