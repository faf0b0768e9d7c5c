#!/usr/bin/env bash
# Runs every test: builds (every supported kernel, W=1, sparse), KUnit and
# the UML scenarios on the debug kernels, and the scenarios on Debian's
# stock kernel in QEMU.  Ends with one line "N passed, N failed, N skipped"; exits
# non-zero on any failure.
set -uo pipefail
. "$(dirname "$0")/common.sh"

# --all-kernels: the whole UML suite on every supported kernel (the default
# runs it on the oldest and a subset on the others).
kernel_level=subset
case ${1:-} in
'') ;;
--all-kernels) kernel_level=full ;;
*) die "usage: $0 [--all-kernels]" ;;
esac

pass=0 fail=0 skip=0
logs=$CACHE/test-logs
mkdir -p "$logs"
t0=$SECONDS

result() {	# result ok|fail NAME [DETAIL FILE]
	if [ "$1" = ok ]; then
		pass=$((pass + 1)); echo "ok - $2"
	else
		fail=$((fail + 1)); echo "not ok - $2"
		[ -n "${3:-}" ] && [ -f "$3" ] && tail -n 40 "$3" | sed 's/^/#   /'
	fi
}

phase() { log "=== $* (at $((SECONDS - t0)) s)"; }

# Counts the TAP lines a scenario printed.  Kernel messages share the
# console and may land in front of a TAP line, so matches are not anchored
# and the total is checked against the scenario's own closing summary
# ("# passed P failed F skipped S", one per scenario script).  A bad exit
# status without a failed line (crash, timeout, kernel report) is a failure.
count_tap() {	# count_tap NAME LOGFILE EXIT_STATUS
	local name=$1 file=$2 rc=$3 all p f s sp sf ss
	all=$(grep -Eo '(not )?ok [0-9]+ - ' "$file" | wc -l)
	f=$(grep -Eo 'not ok [0-9]+ - ' "$file" | wc -l)
	s=$(grep -cE 'ok [0-9]+ - .*# SKIP' "$file" || true)
	p=$((all - f - s))
	read -r sp sf ss < <(grep -Eo 'passed [0-9]+ failed [0-9]+ skipped [0-9]+' "$file" |
		awk '{ p += $2; f += $4; s += $6 } END { print p + 0, f + 0, s + 0 }')
	grep -E 'not ok [0-9]+ - |^# ' "$file" | grep -v '^# passed' | sed 's/^/  /'
	pass=$((pass + p)); skip=$((skip + s)); fail=$((fail + f))
	log "$name: $p passed, $f failed, $s skipped (exit $rc)"
	if [ "$rc" != 0 ] && [ "$f" = 0 ]; then
		result fail "$name ran to a clean end (exit status $rc)" "$file"
	elif [ "$all" = 0 ]; then
		result fail "$name ran at least one test" "$file"
	elif [ "$sp $sf $ss" != "$p $f $s" ]; then
		result fail "$name: TAP lines ($p/$f/$s) match its summary ($sp/$sf/$ss)" "$file"
	fi
}

phase "dependencies"
scripts_dir=$TOP/scripts beds=$TOP/scripts/beds checks=$TOP/scripts/checks
"$scripts_dir/deps.sh" || { result fail "install dependencies"; echo "$pass passed, $fail failed"; exit 1; }

phase "UML test kernel"
if "$beds/kernel-build.sh" uml > "$logs/uml-kernel.log" 2>&1; then
	result ok "UML kernel built or reused"
else
	result fail "UML kernel built or reused" "$logs/uml-kernel.log"
fi

# A UML that cannot start user space (as on AMX hosts without the patch)
# must be told apart from a kernel report: an init that exits at once.
if UML_CMDLINE="init=/bin/false" "$beds/uml-run.sh" /bin/true > "$logs/uml-no-userspace.log" 2>&1; then
	result fail "uml-run: a UML without user space fails the run" "$logs/uml-no-userspace.log"
elif [ "$(grep -c '^uml-run: UML could not start user space on this host' "$logs/uml-no-userspace.log")" = 1 ] &&
     ! grep -q 'kernel report' "$logs/uml-no-userspace.log"; then
	result ok "uml-run: a UML without user space is named as such, not as a kernel report"
else
	result fail "uml-run: a UML without user space is named as such, not as a kernel report" \
		"$logs/uml-no-userspace.log"
fi

# The UML kernel's FP register transfers use exactly the host's XSAVE area
# (CPUID leaf 0xD), whatever its size: 2696 bytes hard-coded would be
# refused on AMX hosts (scripts/beds/kernel-patches/).
if "$checks/uml-xstate-check.sh" > "$logs/uml-xstate.log" 2>&1; then
	result ok "UML: $(tail -n 1 "$logs/uml-xstate.log")"
else
	result fail "UML: FP register transfers of the host's XSAVE size" "$logs/uml-xstate.log"
fi

phase "SMP debug kernel (x86_64, for QEMU -smp 2)"
if "$beds/kernel-build.sh" smp > "$logs/smp-kernel.log" 2>&1; then
	result ok "SMP debug kernel built or reused"
else
	result fail "SMP debug kernel built or reused" "$logs/smp-kernel.log"
fi

phase "module builds"
build() {	# build NAME TARGET [make args]
	local name=$1 target=$2; shift 2
	if "$beds/build-module.sh" "$target" "$@" > "$logs/build-$name.log" 2>&1 &&
	   ! grep -Ei 'warning|error' "$logs/build-$name.log" | grep -v 'Skipping BTF' | grep -q .; then
		result ok "build $name: no warnings"
	else
		result fail "build $name: no warnings" "$logs/build-$name.log"
		return 1
	fi
}
# Rebuild from scratch so every warning shows up in this run.
rm -rf "$CACHE/module-amd64" "$CACHE/module-uml" "$CACHE/module-smp"
build "amd64 W=1" amd64 W=1
build "amd64 sparse (C=2)" amd64 C=2
amd64_ok=$?
build "uml W=1" uml W=1
uml_ok=$?
build "smp W=1" smp W=1
smp_ok=$?

# probe_build NAME: the module's sources plus one C++ object NAME.cpp (read
# from stdin), built against Debian's headers in $CACHE/NAME, log in
# $logs/build-NAME.log; the build's status.
probe_build() {
	local dir=$CACHE/$1
	rm -rf "$dir" && mkdir -p "$dir"
	cp -r "$TOP/Kbuild" "$TOP/include" "$TOP/dm-mpath-cpp" "$dir/"
	cat > "$dir/dm-mpath-cpp/core/$1.cpp"
	echo "dm-mpath-cpp-y += dm-mpath-cpp/core/$1.o" >> "$dir/Kbuild"
	make -C "$(debian_headers_dir)" M="$dir" modules > "$logs/build-$1.log" 2>&1
}

# The names of a module's allocated sections that occur more than once:
# the module loader gives each a file under /sys/module/*/sections and
# refuses the module when one repeats.
repeated_alloc_sections() {
	readelf -SW "$1" | sed -n 's/^ *\[ *[0-9]*\] //p' |
		awk 'NF == 10 && $7 ~ /A/ { print $1 }' | sort | uniq -d
}
loadable_sections() {	# loadable_sections NAME KO...
	local name=$1 repeats
	shift
	repeats=$(for ko; do repeated_alloc_sections "$ko"; done | tr '\n' ' ')
	if [ -z "$repeats" ]; then
		result ok "$name: no allocated section name repeats (the loader refuses one)"
	else
		result fail "$name: allocated sections repeat: $repeats"
	fi
}

# The build must refuse C++ objects that need static constructors.
ctor_probe() {
	local log=$logs/build-ctor_probe.log
	if probe_build ctor_probe <<'PROBE'; then
struct Probe {
	Probe();
	int v;
};
Probe::Probe() : v(1) {}
Probe probe_object;
PROBE
		result fail "build refuses static constructors (probe object accepted)" "$log"
	elif grep -q "has static constructors" "$log"; then
		result ok "build refuses static constructors"
	else
		result fail "build refuses static constructors (failed for another reason)" "$log"
	fi
	rm -rf "$CACHE/ctor_probe"
}
ctor_probe

# g++ 13 and later put an inline function's __patchable_function_entries in
# its COMDAT group; two such groups must still give the .ko one section of
# that name.  The probe's two groups hold a same-named section each, as that
# g++ makes them, whatever g++ builds here.
group_probe() {
	local log=$logs/build-group_probe.log ko=$CACHE/group_probe/dm-mpath-cpp.ko
	if ! probe_build group_probe <<'PROBE'; then
asm(".pushsection .rodata.group_probe,\"aG\",@progbits,group_probe_a,comdat\n"
    ".byte 1\n.popsection\n"
    ".pushsection .rodata.group_probe,\"aG\",@progbits,group_probe_b,comdat\n"
    ".byte 2\n.popsection\n");
PROBE
		result fail "COMDAT groups with a same-named section: the module builds" "$log"
	elif [ -z "$(repeated_alloc_sections "$ko")" ] &&
	     [ "$(readelf -SW "$ko" | grep -c '\] \.rodata\.group_probe ')" = 1 ]; then
		result ok "COMDAT groups with a same-named section: one section in the .ko"
	else
		readelf -SW "$ko" > "$log.sections" 2>&1
		result fail "COMDAT groups with a same-named section: one section in the .ko" \
			"$log.sections"
	fi
	rm -rf "$CACHE/group_probe"
}
group_probe
amd64_ko=$CACHE/module-amd64/dm-mpath-cpp.ko
uml_dir=$CACHE/module-uml

# Forward progress, from the object code: nothing reachable from the I/O
# path allocates in a way that may sleep, or sleeps.
io_path_check() {	# io_path_check NAME KO
	if perl "$checks/io-path-check.pl" "$2" > "$logs/io-path-$1.log" 2>&1; then
		result ok "$1: I/O path reaches no sleeping allocation or wait"
		sed 's/^/  # /' "$logs/io-path-$1.log" | grep -E 'I/O path:|control:'
	else
		result fail "$1: I/O path reaches no sleeping allocation or wait" "$logs/io-path-$1.log"
	fi
}
[ $amd64_ok = 0 ] && io_path_check amd64 "$amd64_ko"
[ $uml_ok = 0 ] && io_path_check uml "$uml_dir/dm-mpath-cpp.ko"
[ $amd64_ok = 0 ] && loadable_sections amd64 "$amd64_ko"
[ $uml_ok = 0 ] && loadable_sections uml "$uml_dir"/*.ko

# The Debian package: dh-dkms puts the sources, dkms.conf and the modprobe
# alias where DKMS and modprobe look for them.
deb_check() {
	local log=$logs/deb.log deb list info
	if ! deb=$("$TOP/scripts/packaging/make-deb.sh" 2> "$log"); then
		result fail "Debian package dm-mpath-cpp-dkms builds" "$log"
		return
	fi
	result ok "Debian package dm-mpath-cpp-dkms builds"
	list=$(dpkg-deb -c "$deb" | awk '{ print $NF }')
	info=$(dpkg-deb -I "$deb")
	if grep -qx './usr/src/dm-mpath-cpp-[0-9.]*/dkms.conf' <<< "$list" &&
	   grep -qx './usr/src/dm-mpath-cpp-[0-9.]*/dm-mpath-cpp/glue/compat.h' <<< "$list" &&
	   grep -qx './etc/modprobe.d/dm-mpath-cpp.conf' <<< "$list" &&
	   grep -q '^ Depends: dkms' <<< "$info"; then
		result ok "the package holds the DKMS sources and the modprobe alias, depends on dkms"
	else
		result fail "the package holds the DKMS sources and the modprobe alias, depends on dkms" "$log"
	fi
}
deb_check

phase "fuzzing (the core in userspace: libFuzzer, ASan, UBSan)"
"$scripts_dir/fuzz.sh" smoke 60 > "$logs/fuzz.log" 2>&1
count_tap "fuzz smoke" "$logs/fuzz.log" $?

# The runs of our module (SCRIPT:MODE) that the SMP debug kernel's suite
# takes over from UML 6.1 in the default run, to fit CI's time: those whose
# bugs would be races, in the modes whose I/O code differs (biotarget
# shares bio's except for multi's several targets).  With --all-kernels
# both beds run everything.
SMP_RUNS=(suspend.sh:rq suspend.sh:bio multi.sh:rq multi.sh:bio multi.sh:biotarget
	  stress.sh:rq stress.sh:bio faults.sh:rq faults.sh:bio handler.sh:rq handler.sh:bio
	  timeout.sh:rq timeout.sh:bio stack.sh: pg-init-race.sh:rq)
smp_takes() {	# smp_takes SCRIPT:MODE
	local run
	[ "$kernel_level" = full ] && return 1
	[ "$smp_ok" = 0 ] || return 1
	for run in "${SMP_RUNS[@]}"; do
		[ "$run" = "$1" ] && return 0
	done
	return 1
}

# The UML scenarios on one kernel: every one (full; on 6.1 less those the
# SMP debug kernel runs), or the subset that the kernels after the first
# get in the default run (KUnit, basic and suspend in request and bio
# mode, the probe ioctl, differential).  Case names carry the kernel for all but 6.1.
uml_scenarios() {	# uml_scenarios KERNEL full|subset
	local k=$1 level=$2 tag=uml dir ko mode
	[ "$k" = 6.1 ] || tag=uml-$k
	dir=$CACHE/module-$tag ko=$dir/dm-mpath-cpp.ko
	# One scenario run: uml_run NAME [ENV=VALUE...] SCRIPT ARGS...
	uml_run() {
		local name=$1 envs=(UML_KERNEL="$k"); shift
		while [[ $1 == *=* ]]; do envs+=("$1"); shift; done
		[ "$k" = 6.1 ] && [ "${2:-}" = "$ko" ] && smp_takes "$1:${3:-}" && return
		local file=${name//[()]/}
		file=$logs/${file// /-}.log
		env "${envs[@]}" "$beds/uml-run.sh" "$TOP/scripts/scenarios/$1" "${@:2}" > "$file" 2>&1
		count_tap "$name" "$file" $?
	}
	phase "KUnit (UML $k)"
	uml_run "$tag kunit" UML_KMEMLEAK=1 kunit.sh "$dir"

	phase "scenarios (UML $k debug kernel)"
	[ "$k" = 6.1 ] && smp_takes stack.sh: &&
		log "left to the SMP debug kernel: ${SMP_RUNS[*]}"
	# The subset leaves out biotarget, whose I/O code is bio's.
	local modes=(rq bio biotarget)
	[ "$level" = full ] || modes=(rq bio)
	for mode in "${modes[@]}"; do
		uml_run "$tag basic $mode" UML_KMEMLEAK=1 basic.sh "$ko" "$mode"
	done
	for mode in "${modes[@]}"; do
		uml_run "$tag suspend $mode" UML_KMEMLEAK=1 suspend.sh "$ko" "$mode"
		[ "$level" = full ] && uml_run "$tag multi $mode" UML_KMEMLEAK=1 multi.sh "$ko" "$mode"
	done
	# DM_MPATH_PROBE_PATHS (7.2 and later; a skip before), the stock
	# target as reference.
	if kernel_newer_or_same "$k" 7.2; then
		for mode in rq bio biotarget; do
			uml_run "$tag probe-paths $mode" UML_KMEMLEAK=1 probe-paths.sh "$ko" "$mode"
		done
		for mode in rq bio; do
			uml_run "$tag probe-paths $mode (stock target)" probe-paths.sh stock "$mode"
		done
	fi
	if [ "$level" = full ]; then
		# The same suspend scenario against Linux's own target: proves the
		# expectations above are mainline behaviour, not ours (7.2's stock
		# target races in the request-mode flush case: scripts/diff/
		# known-differences-7.2).
		for mode in rq bio; do
			[ "$mode" = rq ] && kernel_newer_or_same "$k" 7.2 && continue
			uml_run "$tag suspend $mode (stock target)" suspend.sh stock "$mode"
		done
		# Hardware handler (scsi_dh_alua) and pg_init, with the stock target
		# as reference in request mode.
		for mode in rq bio; do
			uml_run "$tag handler $mode" UML_KMEMLEAK=1 handler.sh "$ko" "$mode"
		done
		uml_run "$tag handler rq (stock target)" handler.sh stock rq
		# Forward progress: allocation failures injected under fio --verify.
		for mode in rq bio biotarget; do
			uml_run "$tag faults $mode" UML_KMEMLEAK=1 faults.sh "$ko" "$mode"
		done
		# Every allocation of a table load failed in turn (fail-nth).
		uml_run "$tag ctr-faults" UML_KMEMLEAK=1 ctr-faults.sh "$ko"
		# Per-I/O latency timeout: a stalled then slow path, timeout off and on.
		for mode in rq bio; do
			uml_run "$tag timeout $mode" UML_KMEMLEAK=1 timeout.sh "$ko" "$mode"
		done
		uml_run "$tag stack" UML_KMEMLEAK=1 stack.sh "$ko"
		uml_run "$tag conflict" conflict.sh "$ko"
	fi
	# The same corpus against the stock target and ours in one boot,
	# compared byte for byte (about 3 minutes).
	uml_run "$tag differential" UML_TIMEOUT=900 differential.sh "$ko"
}

# Kernel version order: kernel_newer_or_same A B (A >= B).
kernel_newer_or_same() { [ "$(printf '%s\n%s\n' "$1" "$2" | sort -V | head -n1)" = "$2" ]; }

if [ $uml_ok = 0 ]; then
	uml_scenarios 6.1 full
else
	result fail "UML scenarios (no UML build)"
fi

# The scenarios on Debian's kernel of one version in QEMU: all modes of
# basic, suspend and multi (6.1, or every kernel with --all-kernels), the
# probe ioctl (7.2 and later), and multipathd.  Case names carry the kernel
# for all but 6.1.
qemu_scenarios() {	# qemu_scenarios KERNEL MODULE.ko
	local k=$1 ko=$2 tag=qemu sc=$TOP/scripts/scenarios mpt_modes="rq bio"
	[ "$k" = 6.1 ] || tag=qemu-$k
	# After the first kernel, multipathd drives request mode only, unless
	# --all-kernels.
	[ "$k" = 6.1 ] || [ "$kernel_level" = full ] || mpt_modes=rq
	if [ "$k" = 6.1 ] || [ "$kernel_level" = full ]; then
		"$beds/qemu-debian.sh" --kernel "$k" --module "$ko" \
			--file "$sc/lib.sh" --file "$sc/basic.sh" --file "$sc/suspend.sh" \
			--file "$sc/multi.sh" "$sc/all-modes.sh" /modules/dm-mpath-cpp.ko \
			> "$logs/$tag-basic.log" 2>&1
		count_tap "$tag basic" "$logs/$tag-basic.log" $?
	fi
	if kernel_newer_or_same "$k" 7.2; then
		# The guest has no perl: the ioctl goes through a static helper.
		if gcc -static -O2 -Wall -Werror -o "$CACHE/map-ioctl" "$sc/tools/map-ioctl.c" \
			> "$logs/map-ioctl.log" 2>&1; then
			QEMU_APPEND="MAP_IOCTL=$CACHE/map-ioctl" "$beds/qemu-debian.sh" --kernel "$k" \
				--stock-multipath --module "$ko" --file "$sc/lib.sh" \
				--file "$sc/probe-paths.sh" --file "$CACHE/map-ioctl" \
				"$sc/all-modes.sh" --also-stock /modules/dm-mpath-cpp.ko probe-paths.sh \
				> "$logs/$tag-probe-paths.log" 2>&1
			count_tap "$tag probe-paths" "$logs/$tag-probe-paths.log" $?
		else
			result fail "the static map-ioctl helper builds" "$logs/map-ioctl.log"
		fi
	fi
	# That release's multipath-tools and udev drive the module (installed
	# as DKMS would, with the modprobe alias; the stock dm-multipath.ko is
	# in the image too and must not be the one loaded).
	"$beds/qemu-debian.sh" --kernel "$k" --with-multipath-tools --stock-multipath \
		--module "$ko" --file "$sc/lib.sh" --file "$TOP/scripts/packaging/dm-mpath-cpp.conf" \
		"$sc/multipathd.sh" /modules/dm-mpath-cpp.ko \
		"$TOP/scripts/packaging/dm-mpath-cpp.conf" "$mpt_modes" > "$logs/$tag-multipathd.log" 2>&1
	count_tap "$tag multipathd" "$logs/$tag-multipathd.log" $?
}

phase "scenarios (Debian stock kernel, QEMU)"
[ $amd64_ok = 0 ] && qemu_scenarios 6.1 "$amd64_ko"

phase "scenarios (SMP debug kernel, QEMU -smp 2)"
if [ $smp_ok = 0 ]; then
	# Preemption, lockdep, DEBUG_ATOMIC_SLEEP, KASAN, UBSAN, kmemleak: any
	# report fails the run.  multipath-tools' layer brings sg3-utils (SG_IO
	# in handler.sh).
	# The default run: SMP_RUNS; --all-kernels: the whole suite.
	smp_runs=("${SMP_RUNS[@]}")
	[ "$kernel_level" = full ] && smp_runs=()
	QEMU_TIMEOUT=3600 "$beds/qemu-debian.sh" --smp-debug-kernel --with-multipath-tools \
		--module "$CACHE/module-smp/dm-mpath-cpp.ko" --file "$TOP/scripts/scenarios" \
		--file "$TOP/scripts/beds/guest/kmemleak-check.sh" "$TOP/scripts/scenarios/smp-debug.sh" \
		/modules/dm-mpath-cpp.ko "${smp_runs[@]}" > "$logs/qemu-smp-debug.log" 2>&1
	count_tap "qemu smp debug" "$logs/qemu-smp-debug.log" $?
fi

# The other supported kernels: each one's UML bed and the module built
# against it and against Debian's amd64 kernel of that version (W=1,
# sparse, the I/O path check), then the subset of the UML scenarios.  The
# whole UML suite on every kernel: scripts/test-all.sh --all-kernels.
for k in "${SUPPORTED_KERNELS[@]:1}"; do
	phase "Linux $k: UML kernel and module builds"
	export UML_KERNEL=$k
	if "$beds/kernel-build.sh" uml > "$logs/uml-$k-kernel.log" 2>&1; then
		result ok "UML $k kernel built or reused"
	else
		result fail "UML $k kernel built or reused" "$logs/uml-$k-kernel.log"
		unset UML_KERNEL
		continue
	fi
	# 6.12's UML carries the XSAVE-size patch too; 7.2's sizes it itself.
	if "$checks/uml-xstate-check.sh" > "$logs/uml-$k-xstate.log" 2>&1; then
		result ok "UML $k: $(tail -n 1 "$logs/uml-$k-xstate.log")"
	else
		result fail "UML $k: FP register transfers of the host's XSAVE size" \
			"$logs/uml-$k-xstate.log"
	fi
	rm -rf "$CACHE/module-uml-$k" "$CACHE/module-amd64-$k"
	build "amd64 $k W=1" "amd64-$k" W=1
	amd64_k_ok=$?
	if checker=$("$beds/sparse.sh" "$k" 2> "$logs/sparse-$k.log"); then
		build "amd64 $k sparse (C=2)" "amd64-$k" C=2 CHECK="$checker" &&
			io_path_check "amd64 $k" "$CACHE/module-amd64-$k/dm-mpath-cpp.ko"
	else
		result fail "sparse for $k" "$logs/sparse-$k.log"
	fi
	build "uml $k W=1" uml W=1
	k_ok=$?
	unset UML_KERNEL
	if [ $k_ok = 0 ]; then
		uml_scenarios "$k" "$kernel_level"
	else
		result fail "UML $k scenarios (no UML build)"
	fi
	# Debian's own kernel of that version in QEMU, driven by that
	# release's multipath-tools (Debian 13's 0.11 on 6.12, sid's 0.15
	# on 7.2); on 7.2 also the probe ioctl, ours and the stock target's.
	# --all-kernels adds the basic, suspend and multi scenarios there.
	if [ $amd64_k_ok = 0 ]; then
		phase "scenarios (Debian's $k kernel, QEMU)"
		qemu_scenarios "$k" "$CACHE/module-amd64-$k/dm-mpath-cpp.ko"
	fi
done

# --all-kernels: the Debian package as an admin installs it, in a Debian 12
# and a Debian 13 VM booted into each of their kernels.
if [ "$kernel_level" = full ]; then
	for release in bookworm trixie; do
		phase "the Debian package installed on $release (QEMU)"
		install_log=$logs/install-$release.log
		"$TOP/scripts/packaging/install-test.sh" "$release" > "$install_log" 2>&1
		rc=$? p=$(grep -c '^ok - ' "$install_log") f=$(grep -c '^not ok - ' "$install_log")
		grep '^not ok - ' "$install_log" | sed 's/^/  /'
		pass=$((pass + p)) fail=$((fail + f))
		log "install on $release: $p passed, $f failed (exit $rc)"
		if [ "$rc" != 0 ] && [ "$f" = 0 ]; then
			result fail "install on $release ran to a clean end (exit status $rc)" "$install_log"
		fi
	done
fi

log "logs in $logs; total $((SECONDS - t0)) s"
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" = 0 ]
