#!/usr/bin/env bash
# Every allocation of a table load fails in turn: each fault-injection point
# the load passes (dm core, the block layer, scsi_dh, this target) is failed
# once, through /proc/thread-self/fail-nth, until a load passes them all.
# Expected: each failed load is refused with an errno and a reason in the
# log ("(null)" would mean the constructor failed without one and the glue
# overwrote dm core's "Unknown error"), nothing leaks (uml-run.sh with
# UML_KMEMLEAK=1), no kernel report, and the map works afterwards.
#   ctr-faults.sh MODULE.ko
. "$(dirname "$0")/lib.sh"
ko=${1:?usage: ctr-faults.sh MODULE.ko}
mpdiff=$(dirname "$0")/../diff/mpdiff.pl
dbg=/sys/kernel/debug

cleanup() {
	local f
	for f in failslab fail_page_alloc; do echo Y > "$dbg/$f/ignore-gfp-wait"; done
	dmsetup remove mpdiff
	rmmod dm-mpath-cpp
	rmmod scsi_debug
} 2>/dev/null
trap cleanup EXIT

[ -w /proc/self/fail-nth ] || { t_skip "table loads under fault injection" "no fail-nth"; t_done; exit 0; }
# By default both skip allocations that may sleep: the constructor's are.
for f in failslab fail_page_alloc; do echo N > "$dbg/$f/ignore-gfp-wait"; done
setup_paths rq "$ko" 2 8 || { t_done; exit 1; }
a=${mm[0]} b=${mm[1]}
modprobe scsi_dh_alua 2>/dev/null

cases=(
	"rq, handler, two groups|0 1 alua 2 1 round-robin 0 1 1 $a 1 service-time 0 1 2 $b 1 1"
	"rq, io timeout, historical-service-time|3 queue_if_no_path io_timeout_msecs 100 0 1 1 historical-service-time 0 2 1 $a 0 $b 0"
	"bio, handler args ignored, queue-length|2 queue_mode bio 2 alua x 1 1 queue-length 0 2 1 $a 1 $b 1"
	"bio_multipath, io-affinity|@TABLE 0 $sectors bio_multipath 1 queue_if_no_path 0 1 1 io-affinity 0 1 1 $a 1"
)
for c in "${cases[@]}"; do
	name=${c%%|*} table=${c#*|}
	target=multipath
	case $table in @TABLE*) target=$(cut -d' ' -f4 <<<"$table") ;; esac
	if ! out=$(perl "$mpdiff" faults "$sectors" "$table" 2>&1); then
		t_fail "[$name] loads with each fault point failed in turn" "$out"
		continue
	fi
	points=$(sed -n 's/^points //p' <<<"$out")
	refused=$(grep -c '^[0-9]* E' <<<"$out")
	t_note "$name: $points fault points, $refused loads refused, the rest passed with a fallback"
	t_check "[$name] the load passes every point once none fails" test "${points:-0}" -gt 0
	t_check "[$name] refused loads give an errno" \
		test "$(grep -cvE '^([0-9]+ (E[A-Z0-9]+ .*|ok)|points [0-9]+|log: .*)$' <<<"$out")" = 0
	t_check "[$name] the target's refusals are in the log" \
		grep -qE "^log: .*: $target: " <<<"$out"
	t_eq "[$name] every refusal has a reason (no \"(null)\")" "" \
		"$(grep -F '(null)' <<<"$out" | head -n 3)"
done
t_eq "no map left behind" "No devices found" "$(dmsetup ls)"
t_check "a map loads and carries I/O afterwards" dmsetup create mpdiff \
	--table "0 $sectors multipath 0 0 1 1 round-robin 0 2 1 $a 1 $b 1"
wait_for test -b /dev/mapper/mpdiff 5
t_check "read through it" dd if=/dev/mapper/mpdiff of=/dev/null bs=64k count=16 iflag=direct status=none
t_done
