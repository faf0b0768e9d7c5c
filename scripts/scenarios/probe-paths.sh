#!/usr/bin/env bash
# DM_MPATH_PROBE_PATHS, the block-device ioctl of Linux 7.2's target (QEMU
# issues it to retry SG_IO after a path error): it reads a block from every
# active path of the current group, fails those that do not answer, and
# returns -ENOTCONN when no usable path is left.  Other device-mapper
# commands on the map get -ENOTTY.
#   probe-paths.sh MODULE.ko|stock MODE     MODE: rq | bio | biotarget
# "stock" runs the same checks against Linux's own dm-multipath.
. "$(dirname "$0")/lib.sh"
ko=${1:?usage: probe-paths.sh MODULE.ko|stock rq|bio|biotarget}
mode=${2:?usage: probe-paths.sh MODULE.ko|stock rq|bio|biotarget}
map=probe_$mode

if ! kernel_at_least 7.2; then
	t_skip "[$mode] DM_MPATH_PROBE_PATHS" "Linux $(uname -r) has no such ioctl (7.2 and later)"
	t_done; exit 0
fi
[ "$ko" = stock ] && [ "$mode" = biotarget ] && { t_done; exit 0; }
mode_features "$mode" || exit 2

cleanup() {
	[ -n "${disks[0]:-}" ] && for d in "${disks[@]}"; do set_online "$d" running; done
	dmsetup remove "$map"
	if [ "$ko" = stock ]; then modprobe -r dm-round-robin dm-multipath; else rmmod dm-mpath-cpp; fi
	rmmod scsi_debug
} 2>/dev/null
trap cleanup EXIT

set_online() { echo "$2" > "/sys/block/${1#/dev/}/device/state"; }
# ioctl(2) on the map's block device: 0 or the errno name.  Guests without
# perl (QEMU) get the static tools/map-ioctl.c as MAP_IOCTL.
map_ioctl() {	# map_ioctl REQUEST
	if [ -n "${MAP_IOCTL:-}" ]; then
		"$MAP_IOCTL" "/dev/mapper/$map" "$1"
		return
	fi
	perl -e 'use POSIX ();
		open(my $fh, "<", $ARGV[0]) or die "open $ARGV[0]: $!\n";
		my %names = (POSIX::ENOTCONN() => "ENOTCONN", POSIX::ENOTTY() => "ENOTTY",
			     POSIX::EAGAIN() => "EAGAIN", POSIX::EIO() => "EIO");
		print defined(ioctl($fh, hex($ARGV[1]), 0)) ? "0\n" : ($names{$! + 0} // $! + 0) . "\n";' \
		"/dev/mapper/$map" "$1"
}
probe() { map_ioctl 0xfd12; }	# _IO(DM_IOCTL, DM_MPATH_PROBE_PATHS_CMD)

setup_paths "$mode" "$ko" 2 8 || { t_done; exit 1; }
a=${mm[0]} b=${mm[1]}
t_check "[$mode] map created" dmsetup create "$map" \
	--table "0 $sectors $target $features 0 1 1 round-robin 0 2 1 $a 1 $b 1" || { t_done; exit 1; }
t_check "[$mode] a read chooses the group" \
	dd if="/dev/mapper/$map" of=/dev/null bs=4096 count=1 iflag=direct status=none

t_eq "[$mode] probe with both paths working: 0" 0 "$(probe)"
t_eq "[$mode] both paths still active" "A A" "$(path_state "$map" "$a") $(path_state "$map" "$b")"
t_eq "[$mode] another device-mapper command on the map: ENOTTY" ENOTTY "$(map_ioctl 0xfd00)"

set_online "${disks[0]}" offline
t_eq "[$mode] probe with the first path offline: 0" 0 "$(probe)"
t_eq "[$mode] the probe failed the offline path only" "F A" \
	"$(path_state "$map" "$a") $(path_state "$map" "$b")"
t_check "[$mode] I/O goes on over the other path" \
	dd if="/dev/mapper/$map" of=/dev/null bs=4096 count=4 iflag=direct status=none

set_online "${disks[1]}" offline
t_eq "[$mode] probe with both paths offline: ENOTCONN" ENOTCONN "$(probe)"
t_eq "[$mode] both paths failed" "F F" "$(path_state "$map" "$a") $(path_state "$map" "$b")"
t_eq "[$mode] a probe with no usable path left: ENOTCONN" ENOTCONN "$(probe)"

set_online "${disks[0]}" running
set_online "${disks[1]}" running
dmsetup message "$map" 0 reinstate_path "$a"
dmsetup message "$map" 0 reinstate_path "$b"
t_check "[$mode] reads again after the paths came back" \
	dd if="/dev/mapper/$map" of=/dev/null bs=4096 count=4 iflag=direct status=none
t_eq "[$mode] probe after reinstating: 0" 0 "$(probe)"
t_done
