#!/usr/bin/env bash
# Run a test scenario inside QEMU (TCG) on Debian's stock amd64 kernel, the one
# the installed linux-headers-amd64 belongs to, so our module is tested with a
# real distribution kernel.
#
#   qemu-debian.sh [--kernel VERSION] [--module FILE.ko]... [--file HOSTPATH]...
#                  [--stock-multipath] [--with-multipath-tools] [--smp-debug-kernel]
#                  SCENARIO.sh [ARGS...]
#
# --kernel VERSION  Debian's kernel of that version instead of Debian 12's
#                   default (6.1): 6.12 (Debian 12's backport, from its
#                   security suite) or 7.2 (sid's), the image matching the
#                   tree scripts/beds/kernel-headers.sh builds against
# --module FILE.ko  copied to /modules/ in the guest (the scenario insmods it)
# --file HOSTPATH   file or directory copied to the same absolute path
# --stock-multipath also put Debian's own dm-multipath and its path selectors
#                   into the initramfs (a separate cached image), for side-by-
#                   side runs such as scripts/bench.sh; off by default, since
#                   dm core may autoload the stock target
# --with-multipath-tools
#                   also unpack Debian's multipath-tools, kpartx, udev,
#                   sg3-utils and their libraries into the guest (downloaded
#                   once with apt-get download, never installed on the host),
#                   those of the kernel's release: Debian 12's for 6.1,
#                   Debian 13's for 6.12, sid's for 7.2; the scenario starts
#                   udevd itself
# --smp-debug-kernel boot our x86_64 debug kernel (scripts/beds/kernel-build.sh
#                   smp: preemption, lockdep, DEBUG_ATOMIC_SLEEP, KASAN,
#                   UBSAN, kmemleak) instead of Debian's, with its modules;
#                   the module must be built for it (build-module.sh smp)
# SCENARIO.sh       copied to its absolute host path, run by bash with ARGS,
#                   cwd /tmp, DM_DISABLE_UDEV=1
#
# The console goes to stdout. The exit status is the scenario's; 1 when the
# guest did not report one (timeout, panic) or the kernel logged a BUG, oops,
# WARNING or call trace. Environment: QEMU_TIMEOUT (seconds, default 900),
# QEMU_APPEND (extra kernel words; unknown KEY=val reach the scenario's env),
# QEMU_MEM (guest memory in MiB; default 1024, 2048 for the SMP debug kernel).
set -euo pipefail
# shellcheck source=SCRIPTDIR/common.sh
. "$(dirname "$0")/../common.sh"

# Modules the scenarios may modprobe; dependencies come along. The stock
# dm-multipath and its path selectors stay out: ours replaces the target and
# dm core must not be able to autoload the stock one.
GUEST_MODULES=(dm-mod scsi_debug sd_mod dm-flakey dm-delay loop null_blk
	       scsi_dh_alua configfs)
EXCLUDED_MODULES=(dm-multipath dm-round-robin dm-queue-length dm-service-time
		  dm-historical-service-time dm-io-affinity)
# Dynamically linked programs for the guest, besides busybox-static.
GUEST_PROGRAMS=(bash kmod dmsetup fio losetup)
KMOD_LINKS=(modprobe insmod rmmod lsmod depmod modinfo)
# --with-multipath-tools: the multipath-tools of the kernel's own Debian
# release and the libraries they need beyond those of GUEST_PROGRAMS
# (checked when the layer is built).  Debian 12's (6.1; also the SMP debug
# kernel) come from the host's suites, and the host fills in libraries.
MPT_PACKAGES_BOOKWORM=(multipath-tools kpartx udev dmsetup libdevmapper1.02.1 sg3-utils
	      sg3-utils-udev libsgutils2-1.46-2 libaio1 liburcu8 libedit2 libjson-c5
	      libsystemd0 libudev1 libkmod2 libacl1 libblkid1 libcap2 libselinux1
	      libpcre2-8-0 libbsd0 libmd0)
# Debian 13's (6.12) and sid's (7.2) bring their whole closure, C library
# included: the host's programs in the base image run on the newer one, and
# no library of the host may mix in.
MPT_PACKAGES_TRIXIE=(multipath-tools kpartx udev dmsetup libdevmapper1.02.1 sg3-utils
	      sg3-utils-udev libsgutils2-1.48 libaio1t64 liburcu8t64 libedit2 libjson-c5
	      libsystemd0 libsystemd-shared libudev1 libkmod2 libacl1 libblkid1 libmount1
	      libcap2 libcap-ng0 libselinux1 libpcre2-8-0 libbsd0 libmd0 libtinfo6
	      libaudit1 libcrypt1 libssl3t64 libpam0g libseccomp2 zlib1g libzstd1 libc6
	      libgcc-s1)
# 0.15 moved its libraries into packages of their own.
MPT_PACKAGES_SID=("${MPT_PACKAGES_TRIXIE[@]}" libmpathcmd0 libmpathpersist0 libmultipath0)
# Groups udev rules name (udevd warns about unknown ones).
MPT_GROUPS=(disk cdrom tape dialout kmem video audio input kvm render sgx lp floppy)
EXIT_MARKER=DM_MPATH_CPP_EXIT
# Kernel reports that fail a run even when the scenario passed.
# "[#1]" is the oops counter of every die() header (invalid opcode, ...).
# "dm_put_device call missing": dm core putting a device reference a target
# left at table destroy.
REPORT_RE='BUG:|Oops|WARNING:|Call Trace|general protection|Kernel panic|\[#[0-9]+\]|blocked for more than|UBSAN:|dm_put_device call missing'

usage() {
	awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0" >&2
	exit 2
}

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f s", b - a }'; }

modules=()
files=()
kernel=6.1
stock_mpath=0
with_mpt=0
smp_kernel=0
while [ $# -gt 0 ]; do
	case $1 in
	--kernel) [ $# -ge 2 ] || usage; kernel=$2; shift 2 ;;
	--module) [ $# -ge 2 ] || usage; modules+=("$2"); shift 2 ;;
	--file)   [ $# -ge 2 ] || usage; files+=("$2"); shift 2 ;;
	--stock-multipath) stock_mpath=1; shift ;;
	--with-multipath-tools) with_mpt=1; shift ;;
	--smp-debug-kernel) smp_kernel=1; shift ;;
	-h|--help) usage ;;
	--) shift; break ;;
	-*) usage ;;
	*) break ;;
	esac
done
[ $# -ge 1 ] || usage
scenario=$(realpath "$1")
shift
[ -f "$scenario" ] || die "no scenario $scenario"
for m in "${modules[@]}"; do
	[ -f "$m" ] || die "no module $m"
done
for f in "${files[@]}"; do
	[ -e "$f" ] || die "no file $f"
done
timeout_s=${QEMU_TIMEOUT:-900}
[[ $timeout_s =~ ^[0-9]+$ ]] || die "QEMU_TIMEOUT must be whole seconds"

command -v qemu-system-x86_64 >/dev/null ||
	die "qemu-system-x86_64 missing (apt-get install qemu-system-x86)"
for p in busybox cpio "${GUEST_PROGRAMS[@]}"; do
	command -v "$p" >/dev/null || die "$p missing on the host"
done

hdr=$("$TOP/scripts/beds/kernel-headers.sh" "$kernel") || die "no headers for Linux $kernel"
# Debian's headers folder is named after the release; the prepared 7.2
# tree records it.
if [ -f "$hdr/.kernelrelease" ]; then abi=$(cat "$hdr/.kernelrelease"); else abi=${hdr#/usr/src/linux-headers-}; fi
kpkg=linux-image-$abi
# Debian 12's own suites, or sid for 7.2.
kernel_suite=
[ "$kernel" = 7.2 ] && kernel_suite=sid
# multipath-tools of that release: Debian 12's from the host's suites.
case $kernel in
6.12)	mpt_suite=trixie; MPT_PACKAGES=("${MPT_PACKAGES_TRIXIE[@]}") ;;
7.2)	mpt_suite=sid; MPT_PACKAGES=("${MPT_PACKAGES_SID[@]}") ;;
*)	mpt_suite=; MPT_PACKAGES=("${MPT_PACKAGES_BOOKWORM[@]}") ;;
esac
kroot=$DEB_DIR/$abi
vmlinuz=$kroot/boot/vmlinuz-$abi
kstamp=$kroot/.complete
mem=1024
if [ "$smp_kernel" = 1 ]; then
	# Our own x86_64 debug kernel (scripts/beds/kernel-build.sh smp) instead.
	[ -f "$SMP_OBJ/.dm-mpath-cpp-stamp" ] || die "no SMP debug kernel (run scripts/beds/kernel-build.sh smp)"
	abi=$(cat "$SMP_OBJ/include/config/kernel.release")
	kroot=$SMP_MODS
	vmlinuz=$SMP_OBJ/arch/x86/boot/bzImage
	kstamp=$SMP_OBJ/.dm-mpath-cpp-stamp
	mem=2048	# KASAN's shadow takes an eighth
fi
if [ -n "${QEMU_MEM:-}" ]; then
	[[ $QEMU_MEM =~ ^[0-9]+$ ]] || die "QEMU_MEM must be whole MiB"
	mem=$QEMU_MEM
fi
base=$DEB_DIR/initramfs-$abi.cpio.gz
[ "$stock_mpath" = 0 ] || base=$DEB_DIR/initramfs-$abi-stock-multipath.cpio.gz

mkdir -p "$DEB_DIR"
# One preparer at a time; boots run in parallel once the cache is ready.
exec 9>"$DEB_DIR/.lock"
flock 9
# Leftovers of an interrupted preparation.
rm -rf "$DEB_DIR"/dl.* "$DEB_DIR"/stage.* "$DEB_DIR"/*.tmp

# --- kernel: Debian's image package, unpacked once ----------------------------
t=$(now)
if [ "$smp_kernel" = 1 ]; then
	log "SMP debug kernel $abi from $SMP_OBJ"
elif [ ! -f "$kroot/.complete" ]; then
	log "fetching $kpkg"
	dl=$(mktemp -d "$DEB_DIR/dl.XXXXXX")
	# Prefer the exact version of the installed headers; the ABI alone
	# is enough for vermagic, so fall back to the candidate.
	hver=$(dpkg-query -W -f='${Version}' "linux-headers-$abi" 2>/dev/null) || true
	if [ -n "$kernel_suite" ]; then
		# sid splits the image: the kernel and its modules are packages
		# of their own, which the image package depends on.
		suite_download "$kernel_suite" "$dl" "$kpkg" "linux-base-$abi" "linux-binary-$abi" "linux-modules-$abi" ||
			die "apt-get download $kpkg ($kernel_suite) failed"
	else
		# The signed image follows the unsigned one, which has the
		# same kernel and modules, by a few days.
		for want in "$kpkg=$hver" "$kpkg-unsigned=$hver" "$kpkg" "$kpkg-unsigned" ""; do
			[ -n "$want" ] || die "apt-get download $kpkg failed (apt-get update?)"
			(cd "$dl" && apt-get download -q -o APT::Sandbox::User=root "$want" >/dev/null 2>&1) &&
				break
		done
		kpkg=${want%%=*}
	fi
	rm -rf "$kroot"
	for deb in "$dl"/*.deb; do
		dpkg-deb -x "$deb" "$kroot.tmp"
	done
	# Usr-merged packages (sid): the layout of the others.
	if [ -d "$kroot.tmp/usr/lib/modules/$abi" ] && [ ! -d "$kroot.tmp/lib/modules/$abi" ]; then
		mkdir -p "$kroot.tmp/lib/modules" "$kroot.tmp/boot"
		mv "$kroot.tmp/usr/lib/modules/$abi" "$kroot.tmp/lib/modules/"
		[ -f "$kroot.tmp/lib/modules/$abi/vmlinuz" ] &&
			mv "$kroot.tmp/lib/modules/$abi/vmlinuz" "$kroot.tmp/boot/vmlinuz-$abi"
	fi
	kver=$(dpkg-deb -f "$dl"/"$kpkg"_*.deb Version)
	rm -rf "$dl"
	depmod -b "$kroot.tmp" "$abi"
	[ -f "$kroot.tmp/boot/vmlinuz-$abi" ] || die "$kpkg has no vmlinuz-$abi"
	mv "$kroot.tmp" "$kroot"
	echo "$kpkg $kver" > "$kroot/.complete"
	log "kernel $abi unpacked in $(since "$t")"
else
	log "kernel $abi cached in $kroot"
fi

# --- base initramfs: programs, libraries, modules -----------------------------
if [ "$stock_mpath" = 1 ]; then
	# Those this kernel has (Debian 12 builds neither HST nor io-affinity).
	for mod in "${EXCLUDED_MODULES[@]}"; do
		! modprobe -d "$kroot" -S "$abi" -R "$mod" >/dev/null 2>&1 || GUEST_MODULES+=("$mod")
	done
	EXCLUDED_MODULES=()
fi
programs=()
for p in "${GUEST_PROGRAMS[@]}"; do
	programs+=("$(command -v "$p")")
done
libs=$(for p in "${programs[@]}"; do
	ldd "$p" | awk '$3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }'
done | sort -u)
mapfile -t libs <<<"$libs"
# Rebuilt when this script, the kernel or a file copied from the host changes
# (not on every unrelated package installation).
key=$({ sha1sum "$0"; cat "$kstamp";
	stat -L -c '%n %s %Y' "$(command -v busybox)" "${programs[@]}" "${libs[@]}"; } |
      sha1sum | cut -c1-40)

# shellcheck disable=SC2317  # run by cached_layer
build_base() {
	local stage=$1 p lib mod rel
	mkdir -p "$stage"/{usr/bin,usr/sbin,usr/lib,usr/lib64,proc,sys,dev,run,tmp,root,etc,modules}
	ln -s usr/bin "$stage/bin"
	ln -s usr/sbin "$stage/sbin"
	ln -s usr/lib "$stage/lib"
	ln -s usr/lib64 "$stage/lib64"
	echo 'root:x:0:0:root:/root:/bin/bash' > "$stage/etc/passwd"
	echo 'root:x:0:' > "$stage/etc/group"
	# Without root we cannot mknod; /init then reopens its stdio itself.
	mknod -m 600 "$stage/dev/console" c 5 1 2>/dev/null || true

	cp "$(command -v busybox)" "$stage/usr/bin/busybox"
	busybox --list-full | while read -r p; do
		[ -e "$stage/$p" ] || ln -s /usr/bin/busybox "$stage/$p"
	done

	for p in "${programs[@]}"; do
		rm -f "$stage/usr/bin/${p##*/}" "$stage/usr/sbin/${p##*/}"
		cp "$p" "$stage/usr/bin/"
	done
	for lib in "${libs[@]}"; do
		mkdir -p "$stage$(dirname "$lib")"
		cp -L "$lib" "$stage$lib"
	done
	# kmod, not busybox, must answer to modprobe & co.
	for p in "${KMOD_LINKS[@]}"; do
		rm -f "$stage/usr/bin/$p" "$stage/usr/sbin/$p"
		ln -s /usr/bin/kmod "$stage/usr/sbin/$p"
	done

	mkdir -p "$stage/lib/modules/$abi"
	modprobe -d "$kroot" -S "$abi" --show-depends -a "${GUEST_MODULES[@]}" |
	awk '$1 == "insmod" { print $2 }' | sort -u | while read -r mod; do
		rel=${mod#"$kroot"/}
		mkdir -p "$stage/$(dirname "$rel")"
		cp "$mod" "$stage/$rel"
	done
	for p in modules.order modules.builtin modules.builtin.modinfo; do
		cp "$kroot/lib/modules/$abi/$p" "$stage/lib/modules/$abi/"
	done
	depmod -b "$stage" "$abi"
	for mod in "${EXCLUDED_MODULES[@]}"; do
		! modprobe -d "$stage" -S "$abi" -R "$mod" >/dev/null 2>&1 ||
			die "$mod slipped into the initramfs"
	done

	(cd "$stage" && find . -mindepth 1 | LC_ALL=C sort |
	 cpio --quiet -o -H newc -R 0:0) | gzip -1 > "$base.tmp"
	mv "$base.tmp" "$base"
}

# cached_layer WHAT ARCHIVE KEY BUILDER: ARCHIVE is reused while ARCHIVE.key
# holds KEY, else BUILDER STAGE makes it anew from a scratch folder.
cached_layer() {
	local what=$1 archive=$2 key=$3 builder=$4 t stage
	t=$(now)
	if [ -f "$archive" ] && [ "$(cat "$archive.key" 2>/dev/null)" = "$key" ]; then
		log "$what cached in $archive"
		return
	fi
	log "building $what"
	stage=$(mktemp -d "$DEB_DIR/stage.XXXXXX")
	"$builder" "$stage"
	rm -rf "$stage"
	echo "$key" > "$archive.key"
	log "$what built in $(since "$t") ($(du -h "$archive" | cut -f1))"
}

cached_layer "base initramfs" "$base" "$key" build_base
# --- multipath-tools layer (--with-multipath-tools) ---------------------------
mpt_debs=$DEB_DIR/multipath-tools-debs${mpt_suite:+-$mpt_suite}
# Per base image: its key is part of this layer's.
mpt=${base%.cpio.gz}-multipath-tools.cpio.gz

fetch_mpt_debs() {
	local dl
	if [ "$(cat "$mpt_debs/.complete" 2>/dev/null)" = "${MPT_PACKAGES[*]}" ]; then
		log "multipath-tools packages cached in $mpt_debs"
		return
	fi
	log "fetching ${#MPT_PACKAGES[@]} packages for multipath-tools${mpt_suite:+ ($mpt_suite)}"
	dl=$(mktemp -d "$DEB_DIR/dl.XXXXXX")
	if [ -n "$mpt_suite" ]; then
		suite_download "$mpt_suite" "$dl" "${MPT_PACKAGES[@]}" >/dev/null ||
			die "apt-get download of $mpt_suite's multipath-tools packages failed"
	else
		(cd "$dl" && apt-get download -q -o APT::Sandbox::User=root "${MPT_PACKAGES[@]}" >/dev/null) ||
			die "apt-get download of the multipath-tools packages failed (apt-get update?)"
	fi
	echo "${MPT_PACKAGES[*]}" > "$dl/.complete"
	rm -rf "$mpt_debs"
	mv "$dl" "$mpt_debs"
}

# The libraries FILE... load, as the loader resolves them.  Another suite's
# files go to that suite's loader, which must find them all in the layer.
# shellcheck disable=SC2317  # run by build_mpt
list_libraries() {
	local root=$1 libpath=$2 f loader
	shift 2
	loader=$root/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2
	for f; do
		# Not a dynamic ELF file (scripts, static): the loader says so.
		if [ -n "$mpt_suite" ]; then
			"$loader" --inhibit-cache --library-path "$libpath" --list "$f" 2>/dev/null || true
		else
			LD_LIBRARY_PATH=$libpath ldd "$f" 2>/dev/null || true
		fi
	done | awk '/not found/ { print "missing " $1; next }
		    $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' | sort -u
}

# An archive laid over the base one: the packages' files moved into /usr
# (the base image is usr-merged; a real /lib directory in a later archive
# would replace its /lib symlink) plus, from the host (Debian 12's suites
# only), every library they load that the packages do not bring.
# shellcheck disable=SC2317  # run by cached_layer
build_mpt() {
	local stage=$1 raw=$1/raw root=$1/root d f i libpath missing elf_files
	mkdir -p "$raw" "$root"/usr/{bin,sbin,lib,lib64} "$root/etc"
	for d in bin sbin lib lib64; do
		ln -s "usr/$d" "$root/$d"
	done
	for f in "$mpt_debs"/*.deb; do
		dpkg-deb -x "$f" "$raw"
	done
	for d in bin sbin lib lib64; do
		[ ! -d "$raw/$d" ] || cp -a "$raw/$d/." "$root/usr/$d/"
	done
	cp -a "$raw/usr/." "$root/usr/"
	cp -a "$raw/etc/." "$root/etc/"
	rm -rf "$raw" "$root"/usr/share/{doc,man,locale,lintian,bash-completion,zsh,i18n} \
		"$root"/usr/lib/x86_64-linux-gnu/gconv \
		"$root"/etc/init.d "$root"/usr/lib/systemd/system "$root"/usr/lib/systemd/network
	{
		echo 'root:x:0:'
		i=100
		for d in "${MPT_GROUPS[@]}"; do
			echo "$d:x:$i:"
			i=$((i + 1))
		done
	} > "$root/etc/group"

	# udev's RUNPATH names the systemd folder.
	libpath=$root/usr/lib/x86_64-linux-gnu:$root/usr/lib:$root/usr/lib/multipath
	libpath+=:$root/usr/lib/x86_64-linux-gnu/systemd
	mapfile -t elf_files < <(find "$root/usr" -type f \( -perm -u+x -o -name '*.so*' \))
	list_libraries "$root" "$libpath" "${elf_files[@]}" > "$stage/libs"
	missing=$(grep '^missing ' "$stage/libs" | cut -d' ' -f2 | tr '\n' ' ') || true
	while read -r f; do
		case $f in "$root"/*|missing\ *) continue ;; esac
		[ -e "$root$f" ] && continue
		if [ -n "$mpt_suite" ]; then
			missing+="$f "
			continue
		fi
		mkdir -p "$root$(dirname "$f")"
		cp -L "$f" "$root$f"
	done < "$stage/libs"
	[ -z "$missing" ] || die "libraries missing for multipath-tools: $missing(add their packages to MPT_PACKAGES)"

	(cd "$root" && find . -mindepth 1 ! -path ./bin ! -path ./sbin ! -path ./lib ! -path ./lib64 |
	 LC_ALL=C sort | cpio --quiet -o -H newc -R 0:0) | gzip -1 > "$mpt.tmp"
	mv "$mpt.tmp" "$mpt"
}

if [ "$with_mpt" = 1 ]; then
	fetch_mpt_debs
	mkey=$({ echo "$key"; cat "$mpt_debs/.complete"; ls "$mpt_debs"; } | sha1sum | cut -c1-40)
	cached_layer "multipath-tools layer" "$mpt" "$mkey" build_mpt
fi
exec 9>&-

# --- per-run overlay: /init, modules, files, scenario -------------------------
work=$(mktemp -d "${TMPDIR:-/tmp}/qemu-debian.XXXXXX")
boot_pid=
# shellcheck disable=SC2317 # run from the EXIT trap
cleanup() {
	local pid
	if [ -n "$boot_pid" ]; then
		pid=$(cat "$work/qemu.pid" 2>/dev/null) || true
		[ -z "$pid" ] || kill "$pid" 2>/dev/null || true
		# Let the console pipeline finish before its files go.
		wait "$boot_pid" 2>/dev/null || true
	fi
	rm -rf "$work"
}
trap cleanup EXIT
trap 'log "interrupted, stopping qemu"; exit 130' INT
trap 'log "terminated, stopping qemu"; exit 143' TERM

ov=$work/overlay
mkdir -p "$ov/modules"
install -m 755 "$TOP/scripts/beds/guest/qemu-init.sh" "$ov/init"
for m in "${modules[@]}"; do
	cp "$m" "$ov/modules/"
done
for f in "${files[@]}" "$scenario"; do
	f=$(realpath -s "$f")
	mkdir -p "$ov$(dirname "$f")"
	cp -RL "$f" "$ov$f"
done
{
	printf '# generated by qemu-debian.sh\nexec /bin/bash'
	printf ' %q' "$scenario" "$@"
	printf '\n'
} > "$ov/scenario.sh"
(cd "$ov" && find . -mindepth 1 | LC_ALL=C sort |
 cpio --quiet -o -H newc -R 0:0) | gzip -1 > "$work/overlay.cpio.gz"
# The kernel unpacks concatenated archives in order; later files win.
layers=("$base")
[ "$with_mpt" = 0 ] || layers+=("$mpt")
cat "${layers[@]}" "$work/overlay.cpio.gz" > "$work/initrd.cpio.gz"

# --- boot ---------------------------------------------------------------------
# 7.2: RDRAND seeds the kernel's RNG while it boots; seeded late, it flips
# the RNG-ready static key by live text patching, which TCG has let an int3
# escape from (an oops in urandom_read_iter).  Not for the others: the one
# SMP debug suite run with it took three times as long (cause not known).
cpu=qemu64
[ "$kernel" = 7.2 ] && [ "$smp_kernel" = 0 ] && cpu=qemu64,+rdrand
log "booting $abi under TCG (timeout ${timeout_s} s): $(basename "$scenario") $*"
t=$(now)
{
	rc=0
	timeout -k 10 "$timeout_s" qemu-system-x86_64 -accel tcg -cpu "$cpu" \
		-m "$mem" -smp 2 \
		-nographic -no-reboot -nic none -pidfile "$work/qemu.pid" \
		-kernel "$vmlinuz" -initrd "$work/initrd.cpio.gz" \
		-append "console=ttyS0 panic=-1 quiet ${QEMU_APPEND:-}" \
		</dev/null 2>&1 || rc=$?
	echo "$rc" > "$work/qemu.rc"
} | tee "$work/console.log" &
boot_pid=$!
# Waiting in the background keeps INT/TERM traps (and the qemu kill) prompt.
wait "$boot_pid" || true
boot_pid=
log "qemu finished in $(since "$t")"

qrc=$(cat "$work/qemu.rc" 2>/dev/null) || qrc=unknown
console=$(tr -d '\r' < "$work/console.log")
# Only kernel lines, recognised by their [seconds] stamp, count: a scenario
# may print these words itself.
reports=$(grep -aE "\[ *[0-9]+\.[0-9]{6}\].*($REPORT_RE)" <<<"$console" || true)
status=$(grep -aoE "$EXIT_MARKER=[0-9]+" <<<"$console" | tail -n1 | cut -d= -f2) || true

if [ -n "$reports" ]; then
	log "kernel reports on the console:"
	printf '%s\n' "$reports" >&2
fi
case $qrc in
124|137) die "qemu killed after QEMU_TIMEOUT=$timeout_s s without finishing" ;;
esac
[ -n "$status" ] ||
	die "no $EXIT_MARKER line from the guest (qemu status $qrc): panic or crash"
if [ -n "$reports" ]; then
	log "error: kernel reported problems (scenario status $status)"
	[ "$status" != 0 ] || status=1
fi
if [ "$status" = 0 ]; then
	log "scenario passed"
else
	log "scenario failed: status $status"
fi
exit "$status"
