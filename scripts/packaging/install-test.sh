#!/usr/bin/env bash
# The Debian package as an admin installs it: a Debian system image with
# Debian's kernels, multipath-tools and DKMS gets dm-mpath-cpp-dkms with
# `apt install ./...deb` (DKMS builds the module for every kernel in it),
# then boots once into each of its kernels under QEMU.  In each boot the
# udev-started multipathd must build the map of two scsi_debug paths with
# our module, not the stock one, and data written through it must read
# back while a path is offline.
#   install-test.sh bookworm|trixie
# bookworm (Debian 12) has its 6.1 kernel and the 6.12 one of its security
# suite; trixie (Debian 13) its 6.12 kernel.  The system image before the
# package (debootstrap plus packages, about 700 MB) is cached for a week.
# TAP on stdout, one plan for all boots; non-zero exit on any failure.
set -euo pipefail
. "$(dirname "$0")/../common.sh"

release=${1:?usage: install-test.sh bookworm|trixie}
case $release in
bookworm|trixie) ;;
*) die "unsupported release $release (bookworm or trixie)" ;;
esac
MIRROR=http://deb.debian.org/debian
# What an admin's multipath host has, plus what DKMS builds with.
PACKAGES=(systemd-sysv udev kmod multipath-tools dkms g++ make initramfs-tools
	  linux-image-amd64 linux-headers-amd64)
MARK=INSTALL-TEST

[ "$(id -u)" = 0 ] || die "needs root (debootstrap, chroot)"
command -v debootstrap >/dev/null || {
	log "installing debootstrap"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q debootstrap >&2
}
deb=$("$TOP/scripts/packaging/make-deb.sh" 2> "${TMPDIR:-/tmp}/install-test-make-deb.log") ||
	die "the package does not build (${TMPDIR:-/tmp}/install-test-make-deb.log)"

dir=$CACHE/install-vm/$release
base=$dir/base.tar
work=$(mktemp -d "${TMPDIR:-/tmp}/install-test.XXXXXX")
root=$work/root
mounted=()
cleanup() {
	local m
	for m in "${mounted[@]}"; do umount -l "$m" 2>/dev/null || true; done
	rm -rf "$work"
}
trap cleanup EXIT

in_root() { chroot "$root" env DEBIAN_FRONTEND=noninteractive LC_ALL=C "$@"; }
mount_api() {
	local m
	for m in proc sys dev; do
		mkdir -p "$root/$m"
		mount --rbind "/$m" "$root/$m"
		mounted=("$root/$m" "${mounted[@]}")
	done
}

# --- the system before the package ---------------------------------------------
build_base() {
	local t=$SECONDS headers image extra=()
	log "debootstrap $release into $root"
	debootstrap --variant=minbase "$release" "$root" "$MIRROR" >&2
	{
		echo "deb $MIRROR $release main"
		echo "deb $MIRROR $release-updates main"
		echo "deb http://deb.debian.org/debian-security $release-security main"
	} > "$root/etc/apt/sources.list"
	mount_api
	in_root apt-get update -q >&2
	if [ "$release" = bookworm ]; then
		# Debian 12's 6.12: the newest of its security suite; the signed
		# image follows the unsigned one by a few days.
		headers=$(in_root apt-cache pkgnames linux-headers-6.12. |
			grep -E '^linux-headers-6\.12\.[0-9]+\+deb12-amd64$' | sort -V | tail -n1)
		[ -n "$headers" ] || die "no linux-headers-6.12 in $release-security"
		image=linux-image-${headers#linux-headers-}
		in_root apt-cache policy "$image" | grep -q 'Candidate: [0-9]' || image=$image-unsigned
		extra=("$headers" "$image")
	fi
	in_root apt-get install -y -q --no-install-recommends "${PACKAGES[@]}" "${extra[@]}" >&2
	in_root apt-get clean
	for m in "${mounted[@]}"; do umount -l "$m"; done
	mounted=()
	mkdir -p "$dir"
	tar -C "$root" -cf "$base.tmp" .
	mv "$base.tmp" "$base"
	rm -rf "$root"
	log "system image built in $((SECONDS - t)) s"
}
if [ -z "$(find "$base" -mtime -7 2>/dev/null)" ]; then
	build_base
else
	log "system image cached in $base"
fi
mkdir -p "$root"
tar -C "$root" -xf "$base"
mapfile -t kernels < <(find "$root/lib/modules" -mindepth 1 -maxdepth 1 -printf '%f\n' | sort -V)
[ ${#kernels[@]} -ge 1 ] || die "no kernel in the image"

# --- the package, as an admin installs it --------------------------------------
mount_api
cp "$deb" "$root/tmp/"
in_root apt-get install -y -q "/tmp/${deb##*/}" > "$work/apt.log" 2>&1 ||
	{ cat "$work/apt.log" >&2; die "apt install of the package failed"; }
in_root dkms status >&2
for m in "${mounted[@]}"; do umount -l "$m"; done
mounted=()

# The checks each boot runs, and the unit that runs them once multipathd is up.
cat > "$root/usr/local/sbin/install-check" <<'CHECK'
#!/bin/bash
# Prints TAP lines prefixed with MARK, then powers the machine off.
MARK=INSTALL-TEST
k=$(uname -r)
n=0 failed=0
say() { echo "$MARK: $*" > /dev/ttyS0; }
check() {	# check NAME COMMAND...
	local name=$1; shift
	n=$((n + 1))
	if "$@" > /tmp/check.out 2>&1; then say "ok - [$k] $name"; return 0; fi
	failed=$((failed + 1)); say "not ok - [$k] $name"
	sed "s/^/$MARK: #   /" /tmp/check.out > /dev/ttyS0
	return 1
}
# What the later checks stand on: on failure, the diagnostics and the end.
check_or_stop() {
	check "$@" && return 0
	finish
}
finish() {
	if [ "$failed" != 0 ]; then
		{ systemctl status multipathd --no-pager; journalctl -b -u multipathd --no-pager | tail -n 30
		  dmsetup table; dmsetup status; multipath -ll; dmesg | tail -n 40; } 2>&1 |
			sed "s/^/$MARK: #   /" > /dev/ttyS0
	fi
	say "done $n $failed"
	systemctl poweroff --no-block
	exit 0
}
wait_for() { local i; for ((i = 0; i < $2; i++)); do eval "$1" && return 0; sleep 1; done; return 1; }
kstate() { dmsetup status mpatha | awk -v d="$(cat /sys/block/$1/dev)" '{ for (i = 1; i < NF; i++) if ($i == d) print $(i + 1) }'; }

# DKMS compresses the module as the kernel's own are (6.12: .ko.xz).
check_or_stop "dkms built the module for this kernel" \
	sh -c "modinfo -n dm_mpath_cpp | grep -q '^/lib/modules/$k/updates/dkms/dm-mpath-cpp\.ko'"
check "modprobe dm-multipath resolves to our module" \
	sh -c "modprobe -R dm-multipath | grep -qx dm_mpath_cpp"
check_or_stop "multipathd runs" systemctl is-active --quiet multipathd
check_or_stop "two scsi_debug paths" modprobe scsi_debug add_host=2 vpd_use_hostno=0 dev_size_mb=32
udevadm settle
check_or_stop "multipathd builds the map" wait_for "test -b /dev/mapper/mpatha" 120
check_or_stop "the map is multipath over two paths" \
	sh -c "dmsetup table mpatha | awk '\$3 == \"multipath\"' | grep -oE ' [0-9]+:[0-9]+' | wc -l | grep -qx 2"
check "our module serves it" sh -c "grep -q '^dm_mpath_cpp ' /proc/modules"
check "the stock dm_multipath is not loaded" sh -c "! grep -q '^dm_multipath ' /proc/modules"
head -c 4M /dev/urandom > /tmp/data
check "4 MiB written through the map" dd if=/tmp/data of=/dev/mapper/mpatha bs=1M oflag=direct
paths=$(ls /sys/block/dm-0/slaves)
p1=$(echo "$paths" | head -n1)
echo offline > "/sys/block/$p1/device/state"
check "read back with $p1 offline: equal" \
	sh -c "dd if=/dev/mapper/mpatha bs=1M count=4 iflag=direct 2>/dev/null | cmp - /tmp/data"
check "$p1 failed in the map" wait_for "[ \"\$(kstate $p1)\" = F ]" 60
echo running > "/sys/block/$p1/device/state"
check "$p1 reinstated by multipathd" wait_for "[ \"\$(kstate $p1)\" = A ]" 120
check "no I/O error in the kernel log" sh -c "! dmesg | grep -q 'I/O error, dev dm-'"
finish
CHECK
chmod 755 "$root/usr/local/sbin/install-check"
cat > "$root/etc/systemd/system/install-check.service" <<'UNIT'
[Unit]
Description=dm-mpath-cpp install test
After=multipathd.service systemd-udev-settle.service
Wants=multipathd.service

[Service]
Type=oneshot
ExecStart=/usr/local/sbin/install-check

[Install]
WantedBy=multi-user.target
UNIT
ln -s /etc/systemd/system/install-check.service "$root/etc/systemd/system/multi-user.target.wants/"
# Every disk with two paths, as on a SAN host (Debian's default
# find_multipaths "strict" waits for a WWID it knows); the virtio root
# disk stays out.
cat > "$root/etc/multipath.conf" <<'CONF'
defaults {
	find_multipaths off
	user_friendly_names yes
}
blacklist {
	devnode "^(ram|loop|vd|sr)[a-z0-9]*"
}
CONF
echo '/dev/vda / ext4 rw 0 1' > "$root/etc/fstab"
echo install-test > "$root/etc/hostname"

img=$work/disk.img
truncate -s 4G "$img"
mkfs.ext4 -q -F -d "$root" "$img"

# --- one boot into each kernel -------------------------------------------------
# No IDE hosts: scsi_debug gives the port of SCSI host N the ALUA state
# N % 3, and behind ata_piix's two hosts its paths would be hosts 2 and 3:
# a standby port, which fails I/O and which scsi_debug cannot activate.
# Hosts 0 and 1 are optimized and non-optimized, as in the QEMU bed.
append=modprobe.blacklist=ata_piix
total=0 failed=0
for k in "${kernels[@]}"; do
	log "booting $release's $k from the disk image"
	console=$work/console-$k.log
	timeout -k 10 1200 qemu-system-x86_64 -accel tcg -cpu qemu64,+rdrand -m 1024 -smp 2 \
		-nographic -no-reboot -nic none \
		-kernel "$root/boot/vmlinuz-$k" -initrd "$root/boot/initrd.img-$k" \
		-drive "file=$img,if=virtio,format=raw" \
		-append "root=/dev/vda rw console=ttyS0 panic=-1 quiet $append" \
		< /dev/null > "$console" 2>&1 || true
	# A kernel message may share a console line with ours.
	tr -d '\r' < "$console" | sed -n "s/.*$MARK: //p" | grep -v '^done ' | tee "$work/tap" || true
	done_line=$(tr -d '\r' < "$console" | sed -n "s/.*$MARK: done //p" | tail -n1)
	if [ -z "$done_line" ]; then
		echo "not ok - [$k] the checks ran to the end (console: $console)"
		tail -n 30 "$console" | sed 's/^/#   /'
		total=$((total + 1)) failed=$((failed + 1))
		trap - EXIT	# keep the console for a look
		continue
	fi
	total=$((total + ${done_line% *})) failed=$((failed + ${done_line#* }))
	# Every check's line reached the console (a lost "not ok" would hide).
	total=$((total + 1))
	if [ "$(grep -cE '^(not )?ok - ' "$work/tap")" = "${done_line% *}" ]; then
		echo "ok - [$k] the console shows all ${done_line% *} checks"
	else
		echo "not ok - [$k] the console shows all ${done_line% *} checks"
		failed=$((failed + 1))
	fi
	total=$((total + 1))
	if grep -aqE "\[ *[0-9]+\.[0-9]+\].*(BUG:|Oops|WARNING:|Call Trace)" "$console"; then
		echo "not ok - [$k] no kernel report"
		failed=$((failed + 1))
	else
		echo "ok - [$k] no kernel report"
	fi
done
echo "1..$total"
echo "# passed $((total - failed)) failed $failed skipped 0"
[ "$failed" = 0 ]
