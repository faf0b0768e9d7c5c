#!/usr/bin/env bash
# Differential test: the same corpus against Linux's own dm-multipath and
# against our module, in one boot of the UML kernel, compared byte for byte.
#
#   scripts/beds/uml-run.sh scripts/scenarios/differential.sh OUR.ko
#   scripts/beds/uml-run.sh scripts/scenarios/differential.sh stock   # stock on
#                          both sides: shows the harness is deterministic
#   DIFF_ONLY=REGEX        run only the cases whose name matches
#   DIFF_DMSETUP=1         run commands and read table/status through dmsetup
#                          instead of the ioctls (slow, ~4x; for checking
#                          that both ways agree). Pass it into UML with
#                          UML_PASS_ENV="DIFF_ONLY DIFF_DMSETUP".
#   DIFF_DUMP=1            print both transcripts (lines "first| ...",
#                          "second| ...") before the results
#
# Corpus (scripts/diff/): `tables` (one table per line: create, observe,
# remove) and `scenarios/*.scn` (multi-step cases, each run as request-based
# map and again with `queue_mode bio` added to its features, unless the
# file says `modes rq`); the engine is scripts/diff/mpdiff.pl, whose header
# and scripts/diff/README describe the formats.
#
# First run: stock dm-multipath + the five stock selectors (modprobe).
# Second run: OUR.ko (insmod), after the stock modules are unloaded. Both
# runs use the same four scsi_debug paths (one LUN, scsi_dh_alua attached),
# the same map name, and start every case with I/O from zeroed blocks.
#
# Compared per step of every case (the step's transcript):
#   - the command's result: ok or the errno name of the failing ioctl (as
#     dmsetup would issue it: create = create+load+resume, remove on error);
#   - kernel log lines from the step that start with "device-mapper:" (dm
#     core's table/ioctl lines carrying ti->error, the target's and the
#     selectors' lines), read from /dev/kmsg. Normalised: printk timestamps
#     dropped (not part of the record text), the dm device's own major:minor
#     (in "table: 254:1: multipath: ..." or "254:0: Failing path") becomes
#     @DM, a "device-mapper: multipath <selector>:" prefix becomes
#     "device-mapper: multipath:". Ignored: KERN_DEBUG lines (the stock
#     target's DMDEBUG tracing of internal state, CONFIG_DM_DEBUG), module
#     load chatter ("version ... loaded", "targets ... ready"), and lines of
#     other subsystems (SCSI errors of an offline path);
#   - uevents: every "change" uevent with DM_ACTION (PATH_FAILED,
#     PATH_REINSTATED), with all its DM_* variables (DM_TARGET, DM_ACTION,
#     DM_SEQNUM, DM_PATH, DM_NR_VALID_PATHS, DM_NAME, DM_UUID), in order;
#     read from a NETLINK_KOBJECT_UEVENT socket (no udevd, no uevent helper);
#   - after the step: state (ACTIVE/SUSPENDED), live/inactive tables, open
#     count, event number, `dmsetup table`, `dmsetup status` and IMA status
#     lines of the live table, table and status of an inactive table;
#   - I/O (dd through /dev/dm-N, 4 KiB direct I/O): exit status, dd's error
#     text, bytes read, md5 of the data and which written block each 4 KiB
#     block holds (writes put a tag per block).
# Each step ends with a 30-50 ms settle (dm-mpath raises its events from a
# work item) and a marker written to /dev/kmsg and as a synthetic uevent;
# the step's log is everything before the markers, so nothing leaks into the
# next step.
#
# Output: TAP through lib.sh, one line per case: ok when identical, not ok
# with the unified diff (--- stock, +++ ours) when not, or ok with
# "# documented difference: REASON" when the case is listed in
# scripts/diff/known-differences (or known-differences-<kernel major.minor>).
. "$(dirname "$0")/lib.sh"
ko=${1:?usage: differential.sh OUR.ko|stock}
top=$(cd "$(dirname "$0")/../.." && pwd)
diffdir=$top/scripts/diff
engine=(perl "$diffdir/mpdiff.pl")
selectors=(dm-round-robin dm-queue-length dm-service-time dm-historical-service-time dm-io-affinity)
work=$(mktemp -d)
second=ours
[ "$ko" = stock ] && second=stock

cleanup() {
	dmsetup remove mpdiff 2>/dev/null
	rmmod dm-mpath-cpp 2>/dev/null
	modprobe -r "${selectors[@]}" dm-multipath 2>/dev/null
	rmmod scsi_debug 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT

load_stock() { modprobe -a dm-multipath "${selectors[@]}"; }
unload_stock() { modprobe -r "${selectors[@]}" dm-multipath; }
ms() { echo $(( (${EPOCHREALTIME/[.,]/} - $1) / 1000 )); }

t0=${EPOCHREALTIME/[.,]/}
modprobe dm-mod 2>/dev/null
# Attached to the scsi_debug disks (they claim implicit ALUA) as on a distro.
modprobe scsi_dh_alua 2>/dev/null
disks=()
found=$(scsi_debug_paths 4 dev_size_mb=8) && mapfile -t disks <<< "$found"
[ ${#disks[@]} -eq 4 ] || { t_fail "four scsi_debug paths" "found: ${disks[*]}"; t_done; exit 1; }
t_note "setup: $(ms "$t0") ms"
if corpus=$("${engine[@]}" check --diffdir "$diffdir" 2>&1); then
	t_ok "corpus parses"; t_note "$corpus"
else
	t_fail "corpus parses" "$corpus"; t_done; exit 1
fi

run_engine() {	# run_engine NAME
	local s=${EPOCHREALTIME/[.,]/} extra=()
	[ "${DIFF_DMSETUP:-0}" = 1 ] && extra+=(--dmsetup)
	[ -n "${DIFF_ONLY:-}" ] && extra+=(--only "$DIFF_ONLY")
	"${engine[@]}" run --out "$work/$1" --diffdir "$diffdir" --paths "${disks[*]}" "${extra[@]}" \
		2>"$work/$1.err"
	local rc=$?
	t_note "$1 run: $(ms "$s") ms"
	[ $rc -eq 0 ] || { t_fail "$1 run completes" "exit status $rc" "$(cat "$work/$1.err")"; return 1; }
}

t_check "stock dm-multipath and its selectors load" load_stock || { t_done; exit 1; }
run_engine first || { t_done; exit 1; }

# The ioctl reader prints what dmsetup prints: one map read both ways.
p=()
for d in "${disks[@]}"; do p+=("$(dev_majmin "$d")"); done
tab="1 queue_if_no_path 0 2 1 round-robin 0 2 1 ${p[0]} 1 ${p[1]} 1 round-robin 0 1 1 ${p[2]} 1"
if dmsetup create mpdiff-check --table "0 $(blockdev --getsz "${disks[0]}") multipath $tab" &&
   dmsetup message mpdiff-check 0 fail_path "${p[1]}"; then
	t_eq "ioctl reader and dmsetup agree on table and status" \
		"table: $(dmsetup table mpdiff-check)"$'\n'"status: $(dmsetup status mpdiff-check)" \
		"$("${engine[@]}" observe mpdiff-check | grep -E '^(table|status): ')"
	dmsetup remove mpdiff-check
else
	t_fail "ioctl reader and dmsetup agree on table and status" "cannot create the map"
fi
t_check "stock modules unload" unload_stock || { t_done; exit 1; }

if [ "$second" = stock ]; then
	t_check "stock dm-multipath loads again" load_stock || { t_done; exit 1; }
else
	t_check "our module loads" insmod "$ko" || { t_done; exit 1; }
fi
run_engine second || { t_done; exit 1; }
if [ "$second" = stock ]; then
	t_check "stock modules unload" unload_stock
else
	t_check "our module unloads" rmmod dm-mpath-cpp
fi

# --- compare
tc=${EPOCHREALTIME/[.,]/}
if [ "${DIFF_DUMP:-0}" = 1 ]; then
	sed 's/^/first| /' "$work/first"
	sed 's/^/second| /' "$work/second"
fi
mkdir "$work/cmp"
"${engine[@]}" compare "$work/first" "$work/second" "$work/cmp" stock "$second" ||
	{ t_fail "compare transcripts"; t_done; exit 1; }
# Every kernel's list, then this kernel's own (known-differences-6.12...).
declare -A known=()
kv=$(uname -r | grep -Eo '^[0-9]+\.[0-9]+')
while read -r name reason; do
	case $name in ''|'#'*) continue ;; esac
	known[$name]=${reason:-listed}
done < <(cat "$diffdir/known-differences" "$diffdir/known-differences-$kv" 2>/dev/null)
same=0 total=0 documented=0
while read -r verdict name file; do
	total=$((total + 1))
	if [ "$verdict" = same ]; then
		same=$((same + 1)); t_ok "$name"
	elif [ -n "${known[$name]:-}" ]; then
		documented=$((documented + 1))
		t_ok "$name # documented difference: ${known[$name]}"
	else
		t_fail "$name" "$(< "$file")"
	fi
done < "$work/cmp/result"
t_note "compare and report: $(ms "$tc") ms"
t_note "first = stock, second = $second: $same of $total cases identical, $documented documented differences, $((total - same - documented)) differences; $(ms "$t0") ms in all"
t_done
