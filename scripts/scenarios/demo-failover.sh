#!/usr/bin/env bash
# The demo, narrated: a multipath map over two paths to one disk, data
# written, a path pulled while a reader keeps going.
#   demo.sh MODULE.ko
ko=${1:?usage: demo.sh MODULE.ko}
. "$(dirname "$0")/lib.sh"
say() { printf '\n\033[1m>>> %s\033[0m\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }

say "Kernel: $(uname -r) (Debian's stock kernel). Loading dm-mpath-cpp."
run insmod "$ko" || exit 1
dmsetup targets | grep multipath

say "Two SCSI paths (scsi_debug hosts 0 and 1) to the same LUN:"
found=$(scsi_debug_paths 2 dev_size_mb=64) || exit 1
mapfile -t disks <<< "$found"
a=$(dev_majmin "${disks[0]}"); b=$(dev_majmin "${disks[1]}")
for d in "${disks[@]}"; do echo "  $d ($(dev_majmin "$d")), WWID $(cat /sys/block/${d##*/}/device/wwid 2>/dev/null)"; done

say "Create the map: round-robin over both paths, queue_if_no_path."
size=$(blockdev --getsz "${disks[0]}")
run dmsetup create mpatha --table "0 $size multipath 1 queue_if_no_path 0 1 1 round-robin 0 2 1 $a 1 $b 1" || exit 1
run dmsetup table mpatha
run dmsetup status mpatha

say "Write 32 MiB of random data through the map, keep a checksum."
head -c $((32 << 20)) /dev/urandom > /tmp/data
run dd if=/tmp/data of=/dev/mapper/mpatha bs=1M oflag=direct status=none
echo "  written: $(md5sum < /tmp/data | cut -d' ' -f1)"

say "Read it back in a loop while path ${disks[0]} ($a) goes offline."
( for i in 1 2 3 4 5 6; do
	sum=$(dd if=/dev/mapper/mpatha bs=1M count=32 iflag=direct status=none | md5sum | cut -d' ' -f1)
	echo "  reader pass $i: $sum"
  done ) &
reader=$!
sleep 1
run sh -c "echo offline > /sys/block/${disks[0]##*/}/device/state"
wait $reader
run dmsetup status mpatha
echo "  path $a is now '$(path_state mpatha "$a")' (F = failed); I/O kept going on $b."

say "Bring the path back and reinstate it (multipathd would do this)."
run sh -c "echo running > /sys/block/${disks[0]##*/}/device/state"
run dmsetup message mpatha 0 reinstate_path "$a"
run dmsetup status mpatha
sum=$(dd if=/dev/mapper/mpatha bs=1M count=32 iflag=direct status=none | md5sum | cut -d' ' -f1)
if [ "$sum" = "$(md5sum < /tmp/data | cut -d' ' -f1)" ]; then
	say "Data intact after failover and reinstate: $sum"
else
	say "DATA MISMATCH: $sum"; exit 1
fi
dmsetup remove mpatha
rmmod dm-mpath-cpp
