# Helpers for scenario scripts. Source it:  . "$(dirname "$0")/lib.sh"
# shellcheck shell=bash
#
# Scenarios run as root inside the UML test kernel (scripts/beds/uml-run.sh) or a
# QEMU VM, without udev (DM_DISABLE_UDEV=1). Nothing here depends on UML.
#
# Reporting (TAP-style, one line per check, details as "# " lines):
#   t_ok NAME                 ok N - NAME
#   t_fail NAME [DETAIL...]   not ok N - NAME, each DETAIL line as "# ..."
#   t_check NAME CMD [ARG...] runs CMD; ok if it exits 0, else not ok with
#                             the command, its status and its output
#   t_eq NAME EXPECTED ACTUAL string comparison; "# expected:/# actual:" on mismatch
#   t_skip NAME REASON        ok N - NAME # SKIP REASON
#   t_note TEXT...            "# TEXT" (diagnostics, not a test)
#   t_done                    prints the plan "1..N" and
#                             "# passed P failed F skipped S";
#                             returns 1 if anything failed, so a scenario
#                             that ends with `t_done` exits 1 on failures
# Each t_* returns 0 on ok/skip and 1 on failure, so
# `t_check ... || { t_done; exit 1; }` stops a scenario at the first failure
# when later steps depend on it. t_check runs CMD in a subshell (variables it
# sets are lost) with stdin untouched.
# Speed: in the debug UML kernel every fork+exec costs ~0.1 s and a dmsetup
# call ~0.2-0.5 s; avoid tight loops of external commands.
#
# Block device helpers:
#   wait_for COND TIMEOUT         poll COND every 0.1 s for up to TIMEOUT seconds;
#                                 COND is one shell string (eval'd) or a command
#                                 with arguments: wait_for test -b /dev/sda 5
#   blockdev_check DEV            fails unless DEV is a block device (without
#                                 udev, dd would silently write a plain file)
#   scsi_debug_paths N [P=V...]   load scsi_debug with N hosts over one shared
#                                 LUN and print its disks' /dev names, one per
#                                 line, in host order; extra module
#                                 parameters override the defaults
#   dev_majmin DEV                print major:minor (decimal) of a block device
#   path_state MAP PATH           print A or F for PATH (major:minor or device)
#                                 in MAP's multipath status line

T_N=0 T_PASS=0 T_FAIL=0 T_SKIP=0

_t_name() { local n=$*; n=${n//$'\n'/ }; printf '%s' "${n//#/\\#}"; }
# The same into $_T_NAME without a subshell (a fork costs ~0.1 s in UML; the
# differential test reports hundreds of cases).
_t_setname() { _T_NAME=${*//$'\n'/ }; _T_NAME=${_T_NAME//#/\\#}; }
_t_detail() { # prefix lines with "# " (stdin)
	sed 's/^/# /'
}

t_note() { printf '# %s\n' "$*"; }

t_ok() {
	T_N=$((T_N + 1)); T_PASS=$((T_PASS + 1))
	_t_setname "$1"
	printf 'ok %d - %s\n' "$T_N" "$_T_NAME"
	return 0
}

t_fail() {
	local name=$1; shift
	T_N=$((T_N + 1)); T_FAIL=$((T_FAIL + 1))
	_t_setname "$name"
	printf 'not ok %d - %s\n' "$T_N" "$_T_NAME"
	[ $# -gt 0 ] && printf '%s\n' "$@" | _t_detail
	return 1
}

t_skip() {
	T_N=$((T_N + 1)); T_SKIP=$((T_SKIP + 1))
	printf 'ok %d - %s # SKIP %s\n' "$T_N" "$(_t_name "$1")" "$(_t_name "${2:-}")"
	return 0
}

# _t_expect ok|fail NAME CMD...: runs CMD and reports whether it succeeded
# (ok) or was refused (fail) as expected.
_t_expect() {
	local want=$1 name=$2 out rc; shift 2
	out=$("$@" 2>&1); rc=$?
	if { [ "$want" = ok ] && [ $rc -eq 0 ]; } || { [ "$want" = fail ] && [ $rc -ne 0 ]; }; then
		t_ok "$name"
		return 0
	fi
	if [ "$want" = ok ]; then
		t_fail "$name" "command: ${*@Q}" "exit status: $rc"
	else
		t_fail "$name" "command succeeded but should have failed: ${*@Q}"
	fi
	[ -n "$out" ] && printf '%s\n' "$out" | sed 's/^/  /' | _t_detail
	return 1
}

t_check() { _t_expect ok "$@"; }

t_eq() {
	if [ "$2" = "$3" ]; then
		t_ok "$1"
	else
		t_fail "$1" "expected: $2" "actual:   $3"
	fi
}

t_done() {
	printf '1..%d\n' "$T_N"
	printf '# passed %d failed %d skipped %d\n' "$T_PASS" "$T_FAIL" "$T_SKIP"
	[ "$T_FAIL" -eq 0 ]
}

wait_for() {
	[ $# -ge 2 ] || { echo "usage: wait_for COND TIMEOUT_SECS" >&2; return 2; }
	local timeout=${!#} end now
	local cmd=("${@:1:$#-1}")
	# microseconds from bash itself (no dependence on date +%N)
	end=$(( ${EPOCHREALTIME/[.,]/} + timeout * 1000000 ))
	while :; do
		if [ ${#cmd[@]} -eq 1 ]; then eval "${cmd[0]}"; else "${cmd[@]}"; fi >/dev/null 2>&1 && return 0
		now=${EPOCHREALTIME/[.,]/}
		[ "$now" -ge "$end" ] && return 1
		sleep 0.1
	done
}

blockdev_check() {
	if [ -b "$1" ]; then return 0; fi
	if [ -e "$1" ]; then
		echo "$1 exists but is not a block device: $(ls -ld "$1")" >&2
	else
		echo "$1 does not exist" >&2
	fi
	return 1
}

# /dev names of the disks scsi_debug created, in host order.
_scsi_debug_disks() {
	local b h
	for b in /sys/bus/pseudo/drivers/scsi_debug/adapter*/host*/target*/*/block/*; do
		[ -e "$b" ] || continue
		h=${b#*/host}; h=${h%%/*}
		printf '%s /dev/%s\n' "$h" "${b##*/}"
	done | sort -n | cut -d' ' -f2
}

scsi_debug_paths() {
	local n=${1:?usage: scsi_debug_paths N [PARAM=VALUE...]} disks d; shift
	if [ -d /sys/module/scsi_debug ]; then
		echo "scsi_debug is already loaded" >&2; return 1
	fi
	# Later parameters win, so caller's overrides go last.
	modprobe scsi_debug add_host="$n" num_tgts=1 max_luns=1 vpd_use_hostno=0 delay=0 "$@" || return 1
	# shellcheck disable=SC2016  # expanded by wait_for's eval
	if ! wait_for '[ "$(_scsi_debug_disks | wc -l)" -ge '"$n"' ]' 30; then
		echo "scsi_debug: expected $n disks, found: $(_scsi_debug_disks | tr '\n' ' ')" >&2
		return 1
	fi
	disks=$(_scsi_debug_disks)
	for d in $disks; do
		wait_for test -b "$d" 10 || { blockdev_check "$d"; return 1; }
	done
	printf '%s\n' "$disks"
}

dev_majmin() {
	local d=${1:?usage: dev_majmin DEV} mm
	case $d in /*) ;; *) [ -e "$d" ] || d=/dev/$d ;; esac
	blockdev_check "$d" || return 1
	mm=$(stat -L -c '%t %T' "$d") || return 1
	# shellcheck disable=SC2086
	set -- $mm
	printf '%d:%d\n' "0x$1" "0x$2"
}

# Multipath status: ... <dev> <A|F> <fail count> [selector args] ... per path;
# major:minor tokens appear nowhere else, so the token after PATH is its state.
path_state() {
	local map=${1:?usage: path_state MAP MAJ:MIN|DEV} p=${2:?usage: path_state MAP MAJ:MIN|DEV} st
	case $p in *:*) ;; *) p=$(dev_majmin "$p") || return 1 ;; esac
	st=$(dmsetup status "$map") || return 1
	printf '%s\n' "$st" | awk -v p="$p" '
		{ for (i = 1; i < NF; i++) if ($i == p) { print $(i + 1); found = 1; exit } }
		END { exit !found }' || { echo "path $p not in status of $map: $st" >&2; return 1; }
}

# kernel_at_least MAJOR.MINOR: the running kernel is that version or later
# (which kernel's dm-multipath the module and the stock target follow).
kernel_at_least() {
	local want=${1:?usage: kernel_at_least MAJOR.MINOR} have
	have=$(uname -r | grep -Eo '^[0-9]+\.[0-9]+')
	[ "$(printf '%s\n%s\n' "$want" "$have" | sort -V | head -n1)" = "$want" ]
}

# t_refused NAME CMD [ARG...]: ok if CMD fails (bad input must be refused).
t_refused() { _t_expect fail "$@"; }

# mode_features MODE [queue_if_no_path]: for scenario MODE (rq, bio:
# multipath with queue_mode bio, biotarget: bio_multipath) sets $target,
# $features (table words) and $tfeatures (the words dmsetup table prints
# back, in mainline's order).
mode_features() {
	local ctr=() out=()
	if [ "${2:-}" = queue_if_no_path ]; then ctr+=(queue_if_no_path); out+=(queue_if_no_path); fi
	case $1 in
	rq)		target=multipath ;;
	bio)		target=multipath; ctr+=(queue_mode bio)
			# Before 7.2 bio mode implies retain_attached_hw_handler.
			kernel_at_least 7.2 || out+=(retain_attached_hw_handler)
			out+=(queue_mode bio) ;;
	biotarget)	target=bio_multipath ;;
	*)		echo "unknown mode $1" >&2; return 1 ;;
	esac
	features="${#ctr[@]}${ctr[*]:+ ${ctr[*]}}"
	tfeatures="${#out[@]}${out[*]:+ ${out[*]}}"
}

# setup_paths MODE KO N SIZE_MB: loads dm-mod and the module KO (or, for
# KO "stock", Linux's own dm-multipath and round-robin), makes N scsi_debug
# paths to one LUN and sets disks (/dev names), mm (major:minor) and
# sectors.  Prints a failed TAP line and returns 1 when it cannot.
setup_paths() {
	local mode=$1 ko=$2 n=$3 size=$4 found d
	disks=() mm=()
	modprobe dm-mod 2>/dev/null
	if [ "$ko" = stock ]; then
		t_check "[$mode] stock module loads" modprobe -a dm-multipath dm-round-robin || return 1
	else
		t_check "[$mode] module loads" insmod "$ko" || return 1
	fi
	found=$(scsi_debug_paths "$n" dev_size_mb="$size") && mapfile -t disks <<< "$found"
	[ ${#disks[@]} -eq "$n" ] || { t_fail "[$mode] $n scsi_debug paths"; return 1; }
	for d in "${disks[@]}"; do mm+=("$(dev_majmin "$d")"); done
	sectors=$(blockdev --getsz "${disks[0]}")
}

# teardown_map MAP: for EXIT traps: I/O waiting in the map fails, the map,
# the module and scsi_debug go.
teardown_map() {
	dmsetup resume "$1"
	dmsetup message "$1" 0 fail_if_no_path
	dmsetup remove "$1"
	rmmod dm-mpath-cpp
	rmmod scsi_debug
} 2>/dev/null

# At exit of a scenario with a background fio ($fio_pid) over map $map and a
# work folder $work: stop fio, remove the map, the module and the folder.
cleanup_fio_map() {
	[ -n "${fio_pid:-}" ] && kill "$fio_pid" 2>/dev/null
	teardown_map "$map"
	rm -rf "$work"
}
