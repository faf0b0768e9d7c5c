#!/usr/bin/env bash
# Stacking: bio_multipath over bio-based dm devices (dm-linear, dm-flakey,
# dm-delay) that all lead to one loop device, and over another
# bio_multipath, under fio --verify with several jobs while paths fail and
# come back; request-based multipath over bio-based devices is refused.
#   stack.sh MODULE.ko
. "$(dirname "$0")/lib.sh"
ko=${1:?usage: stack.sh MODULE.ko}

work=$(mktemp -d)
cleanup() {
	dmsetup remove top 2>/dev/null
	dmsetup remove mid 2>/dev/null
	dmsetup remove rqmp 2>/dev/null
	for p in p_linear p_flakey p_delay; do dmsetup remove $p 2>/dev/null; done
	[ -n "${loop:-}" ] && losetup -d "$loop"
	rmmod dm-mpath-cpp 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT

modprobe dm-mod 2>/dev/null
modprobe dm-flakey && modprobe dm-delay
t_check "module loads" insmod "$ko" || { t_done; exit 1; }
truncate -s 64M "$work/disk"
loop=$(losetup --find --show "$work/disk") || { t_fail "loop device"; t_done; exit 1; }
size=$(blockdev --getsz "$loop")

t_check "path over dm-linear" dmsetup create p_linear --table "0 $size linear $loop 0"
t_check "path over dm-flakey (always up)" dmsetup create p_flakey \
	--table "0 $size flakey $loop 0 3600 0"
t_check "path over dm-delay (5 ms)" dmsetup create p_delay --table "0 $size delay $loop 0 5"
l=$(dev_majmin /dev/mapper/p_linear); f=$(dev_majmin /dev/mapper/p_flakey)
d=$(dev_majmin /dev/mapper/p_delay)

# --- request-based multipath needs blk-mq paths: dm core refuses the table ---
dmesg -c > /dev/null
t_refused "multipath (rq) over bio-based devices refused" dmsetup create rqmp \
	--table "0 $size multipath 0 0 1 1 round-robin 0 2 1 $l 1 $f 1"
t_check "the refusal is explained in the log" \
	sh -c 'dmesg | grep -q "table load rejected: including non-request-stackable devices"'

# --- bio_multipath over them, and another bio_multipath on top ---
t_check "bio_multipath over linear, flakey and delay" dmsetup create mid \
	--table "0 $size bio_multipath 0 0 1 1 round-robin 0 3 1 $l 1 $f 1 $d 1" || { t_done; exit 1; }
m=$(dev_majmin /dev/mapper/mid)
t_check "bio_multipath over bio_multipath and dm-linear" dmsetup create top \
	--table "0 $size bio_multipath 1 queue_if_no_path 0 1 1 queue-length 0 2 1 $m 1 $l 1" ||
	{ t_done; exit 1; }

if command -v fio >/dev/null; then
	(cd "$work" && exec fio --name=stack --filename=/dev/mapper/top --rw=randrw --bs=4k \
		--size=16M --loops=2 --numjobs=3 --offset_increment=16M --direct=1 --ioengine=psync \
		--verify=crc32c --do_verify=1 --verify_fatal=1 --eta=never \
		--output="$work/fio.log" 2>>"$work/fio.log") &
	fio_pid=$!
	# Path events at both levels while fio runs.
	cycles=0
	while kill -0 "$fio_pid" 2>/dev/null && [ $cycles -lt 20 ]; do
		dmsetup message mid 0 fail_path "$f"
		dmsetup message top 0 fail_path "$m"
		sleep 0.2
		dmsetup message mid 0 reinstate_path "$f"
		dmsetup message top 0 reinstate_path "$m"
		dmsetup message mid 0 fail_path "$l"
		sleep 0.2
		dmsetup message mid 0 reinstate_path "$l"
		cycles=$((cycles + 1))
	done
	wait "$fio_pid"; fio_rc=$?
	t_note "$cycles fail/reinstate cycles at each level during fio"
	t_eq "fio verify over the stack: exit status" 0 "$fio_rc" || t_note "$(cat "$work/fio.log")"
	t_eq "fio reports zero errors" "0" \
		"$(grep -o 'err= *[0-9]*' "$work/fio.log" | grep -o '[0-9]*' | sort -u | tr '\n' ' ' | sed 's/ $//')"
else
	t_skip "fio verify over the stack" "fio not installed"
fi
t_eq "all paths active at the end" "A A A" \
	"$(path_state mid "$l") $(path_state mid "$f") $(path_state mid "$d")"

# --- data written through the top reads back through every path ---
head -c $((1 << 20)) /dev/urandom > "$work/data"
t_check "write 1 MiB through the stack" \
	dd if="$work/data" of=/dev/mapper/top bs=64k oflag=direct status=none
for p in /dev/mapper/p_linear /dev/mapper/p_flakey /dev/mapper/p_delay "$loop"; do
	t_check "data reads back via $p" \
		cmp "$work/data" <(dd if="$p" bs=64k count=16 iflag=direct status=none)
done
t_done
