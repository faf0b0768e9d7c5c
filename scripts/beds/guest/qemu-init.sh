#!/bin/sh
# /init of the QEMU test initramfs built by qemu-debian.sh (busybox sh, so a
# broken bash or library set still gets us as far as the exit marker).
# Mounts the basics, runs /scenario.sh (written by the host script), prints
# DM_MPATH_CPP_EXIT=<status> on the console and powers off.

export PATH=/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root
# No udev in here: dmsetup must create the /dev/mapper nodes itself.
export DM_DISABLE_UDEV=1

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
# What udev would add: bash process substitution needs /dev/fd.
ln -sf /proc/self/fd /dev/fd
ln -sf /proc/self/fd/0 /dev/stdin
ln -sf /proc/self/fd/1 /dev/stdout
ln -sf /proc/self/fd/2 /dev/stderr
# Without a /dev/console in the archive the kernel gave us no stdio at all.
exec </dev/console >/dev/console 2>&1
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
mount -t debugfs debugfs /sys/kernel/debug

# tmpfs over a directory, keeping what the archive put there (--file /tmp/x).
mount_tmpfs_keep() {
	mkdir -p "$1" /.tmpfs-new
	mount -t tmpfs -o mode=1777 tmpfs /.tmpfs-new
	cp -a "$1"/. /.tmpfs-new/
	mount --move /.tmpfs-new "$1"
	rmdir /.tmpfs-new
}
mount_tmpfs_keep /run
mount_tmpfs_keep /tmp

# Built into the UML test kernel, modules here: preload them so scenarios
# behave the same on both beds (no udev to load sd_mod for new SCSI disks,
# no loop nodes before loop.ko, our insmod'ed target needs dm-mod's symbols).
for m in dm-mod sd_mod loop configfs; do
	modprobe "$m" || echo "init: modprobe $m failed"
done
mount -t configfs configfs /sys/kernel/config

# The boot was quiet (errors only); let warnings through from here on so that
# WARN(), oops headers and call traces reach the console the host scans.
echo 5 > /proc/sys/kernel/printk

cd /tmp || cd /
/bin/bash /scenario.sh </dev/null
rc=$?

echo "DM_MPATH_CPP_EXIT=$rc"
# Setting the same tty modes again uses TCSADRAIN: the marker is on the wire
# before the reboot cuts everything.  A reset, not a power-off: kernels
# without ACPI (the SMP debug kernel) can only halt, and QEMU runs with
# -no-reboot, so a reset ends it either way.
stty -F /dev/console "$(stty -F /dev/console -g)" 2>/dev/null
sync
reboot -f
