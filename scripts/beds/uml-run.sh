#!/usr/bin/env bash
# Boot the UML test kernel and run one scenario script inside it.
#
#   scripts/beds/uml-run.sh SCRIPT [ARGS...]
#
# SCRIPT is a host path (made absolute here); the host root file system is the
# UML root (hostfs, read-only), so repository files appear at the same paths.
# Inside, scripts/beds/guest/uml-init.sh prepares the system and runs `bash SCRIPT ARGS`
# in the caller's working directory.
#
# Exit status: SCRIPT's exit status, except
#   1   the kernel printed a report (KASAN, UBSAN, lockdep, BUG, WARNING, Oops,
#       hung task, kmemleak, ...) although SCRIPT exited 0 (a non-zero script
#       status is kept as it is); the report lines are printed under a header;
#   124 timeout (every UML process is killed, after the blocked tasks, held
#       locks and the running task were dumped to the console);
#   125 UML did not run the script to its end (panic, init failure);
#       if it could not even start user space (a host the UML kernel cannot
#       run processes on, see scripts/beds/kernel-patches/), one line says so and
#       the kernel's panic is not counted as a report.
# A UML process that aborts after the kernel printed "System halted" gets the
# script's status, with a log line (UML's own teardown; see below).
#
# Environment:
#   UML_MEM=1G          guest memory (mem=)
#   UML_TIMEOUT=600     seconds before the UML is killed
#   UML_KMEMLEAK=1      scan for leaks after the script (adds ~7 s). On this UML
#                       kernel kmemleak lists hundreds of false positives, so
#                       only records with a module frame count (see
#                       uml-init.sh); UML_KMEMLEAK=all counts every record,
#                       UML_KMEMLEAK_FILTER / UML_KMEMLEAK_EXCLUDE=REGEX pick
#                       records yourself
#   UML_CMDLINE=...     extra kernel command-line words (KEY=val words become
#                       environment variables of init and thus of SCRIPT)
#   UML_PASS_ENV="A B"  host environment variables to pass into SCRIPT
#   UML_REPORT_IGNORE=  extended regex; a kernel report (its header line and
#                       the console lines up to the next report, at most 80)
#                       that matches it is not counted (for tests that
#                       provoke a warning on purpose)
#   UML_KEEP=1          keep the temporary folder (console log, env file)
# Console output goes to stdout as it happens; host-side messages go to stderr.
set -uo pipefail
# shellcheck source-path=SCRIPTDIR source=common.sh
. "$(dirname "$0")/../common.sh"

[ $# -ge 1 ] || die "usage: $0 SCRIPT [ARGS...]"
script=$(realpath -e -- "$1") || die "no such script: $1"
shift
kernel=$UML_OBJ/linux
[ -x "$kernel" ] || die "no UML kernel at $kernel (run scripts/beds/kernel-build.sh uml)"
[ -n "$(find "$UML_MODS/lib/modules" -mindepth 1 -maxdepth 1 -type d 2>/dev/null)" ] || die "no modules installed under $UML_MODS/lib/modules"
mem=${UML_MEM:-1G}
timeout=${UML_TIMEOUT:-600}
case $timeout in ''|*[!0-9]*) die "UML_TIMEOUT must be whole seconds" ;; esac

tmp=$(mktemp -d /tmp/uml-run.XXXXXX) || die "mktemp failed"
umid=dmmp-$$-${tmp##*.}
pid='' teepid=''

# Every process of this UML (kernel, its userspace-process hosts, helper
# threads/processes) shares the session the kernel opens with setsid() at
# start-up; the kernel's pid is the session id.
uml_pids() { [ -n "$pid" ] && ps -e -o pid=,sid= | awk -v s="$pid" '$2 == s { print $1 }'; }
kill_uml() {
	local _ p
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		p=$(uml_pids)
		[ -z "$p" ] && return 0
		# shellcheck disable=SC2086
		kill -KILL $p 2>/dev/null
		sleep 0.2
	done
	log "warning: UML processes still alive: $(uml_pids | tr '\n' ' ')"
	return 1
}
# shellcheck disable=SC2317  # called through the trap
cleanup() {
	kill_uml && [ -n "$pid" ] && wait "$pid" 2>/dev/null
	[ -n "$teepid" ] && kill "$teepid" 2>/dev/null
	if [ "${UML_KEEP:-0}" = 1 ]; then log "kept $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# What init needs, in a file it reads before it hides /tmp under a tmpfs.
# Sourced by bash inside UML, so everything is %q-quoted.
{
	printf 'UML_SCRIPT=%q\n' "$script"
	printf 'UML_ARGS=('; printf '%q ' "$@"; printf ')\n'
	printf 'UML_CWD=%q\n' "$PWD"
	printf 'UML_MODS=%q\n' "$UML_MODS"
	printf 'UML_KMEMLEAK=%q\n' "${UML_KMEMLEAK:-0}"
	printf 'UML_TIMEOUT=%q\n' "$timeout"
	printf 'UML_KMEMLEAK_FILTER=%q\n' "${UML_KMEMLEAK_FILTER:-}"
	[ -n "${UML_KMEMLEAK_EXCLUDE+x}" ] && printf 'UML_KMEMLEAK_EXCLUDE=%q\n' "$UML_KMEMLEAK_EXCLUDE"
	for v in ${UML_PASS_ENV:-}; do
		[ -n "${!v+x}" ] && printf 'export %s=%q\n' "$v" "${!v}"
	done
} > "$tmp/env"
chmod 755 "$tmp"; chmod 644 "$tmp/env"

# quiet keeps the boot short; loglevel=5 then lets KERN_WARNING through, or
# WARN() splats and lockdep reports (pr_warn) would never reach the console.
# shellcheck disable=SC2054  # con0=fd:0,fd:1 is one word
cmdline=(mem="$mem" uml_dir="$tmp" umid="$umid"
	root=/dev/root rootfstype=hostfs rootflags=/ ro
	init="$TOP/scripts/beds/guest/uml-init.sh" con=null con0=fd:0,fd:1 quiet loglevel=5
	UML_RUN_ENV="$tmp/env")
# shellcheck disable=SC2206
[ -n "${UML_CMDLINE:-}" ] && cmdline+=($UML_CMDLINE)

console=$tmp/console.log
mkfifo "$tmp/fifo"
tee "$console" < "$tmp/fifo" &
teepid=$!
start=$SECONDS
# cwd in the temp folder and no core dumps: a panicking UML abort()s.
(cd "$tmp" && ulimit -c 0 && exec "$kernel" "${cmdline[@]}") </dev/null >"$tmp/fifo" 2>&1 &
pid=$!

timed_out=0
while kill -0 "$pid" 2>/dev/null; do
	if [ $((SECONDS - start)) -ge "$timeout" ]; then
		timed_out=1
		break
	fi
	sleep 0.2
done
if [ $timed_out = 1 ]; then
	# Where is it stuck? Through the UML management console, which answers
	# from the UML's interrupt handler even when every task is stuck: the
	# blocked tasks with their stacks, the locks each task holds, and the
	# registers and stack of what the CPU is running (sysrq w, d, p; "t"
	# for all tasks is unreliable on UML 6.1: its stack walker faults).
	mconsole=$tmp/$umid/mconsole
	if [ -S "$mconsole" ]; then
		log "timeout: dumping the UML's state (sysrq w, d, p)"
		for key in w d p; do
			"$TOP/scripts/beds/uml-mconsole.pl" "$mconsole" sysrq "$key" >/dev/null || break
		done
		sleep 3
	fi
	kill_uml
	wait "$pid" 2>/dev/null
	status=124
else
	wait "$pid" 2>/dev/null; status=$?
	kill_uml     # normally nothing left; make sure
fi
wait "$teepid" 2>/dev/null; teepid=
elapsed=$((SECONDS - start))

no_userspace=0
if [ $timed_out = 1 ]; then
	log "TIMEOUT: UML killed after ${timeout}s (UML_TIMEOUT); $script did not finish"
elif ! grep -q 'uml-init: user space started' "$console"; then
	# init never ran a line: the UML could not start its first process.
	# Say why in one line; the panic that follows is the UML's, not a
	# report about the code under test.  (No "| grep -q" pipes here:
	# with pipefail, grep's early exit fails the writer with SIGPIPE.)
	no_userspace=1
	why=$(awk '{ sub(/\r$/, ""); sub(/^\[ *[0-9.]*\] /, "") }
		/userspace - |XSAVE|ptrace|default registers|start_userspace|No working init|Attempted to kill init/ {
			print; found = 1; exit }
		END { if (!found) print "no output from init" }' "$console")
	hint=
	grep -qw amx_tile /proc/cpuinfo && hint=" (this host has AMX: an 11008-byte XSAVE area)"
	echo "uml-run: UML could not start user space on this host$hint: $why -- a test-bed failure, not a report about the module"
	status=125
elif ! grep -q '^uml-init: script exited with status' "$console"; then
	log "UML ended (host status $status) without running $script to its end (panic? init failure?)"
	status=125
elif [ "$status" = 134 ] && grep -q $'reboot: System halted\r\\?$' "$console"; then
	# SIGABRT after "System halted": kernel_halt() had shut every device
	# down and printed that line; UML's machine_halt() (its exit calls,
	# killing the host processes) then aborted. Seen twice in 2026-11 after
	# handler.sh, whose checks had all passed; the cause is not known. The
	# script's status, handed over through /proc/exitcode, is lost with it.
	script_status=$(tr -d '\r' < "$console" | sed -n 's/^uml-init: script exited with status \([0-9]*\)$/\1/p' | tail -n 1)
	log "UML aborted after the kernel halted (UML teardown); the script's status $script_status stands"
	status=${script_status:-125}
fi

# Kernel reports. Kernel lines carry a printk timestamp ("[   12.345678] "),
# which keeps script output that merely contains "WARNING:" from counting;
# the stamp may sit mid-line when console and script output interleave.
# kmemleak records are printed by uml-init.sh with a "kmemleak: " prefix.
# A report is its header line up to the next header (at most 80 lines).
# Known reports of the UML arch itself are dropped, each named here:
#  - "suspicious RCU usage" with force_flush_all in the trace: UML 6.1's
#    fork_handler -> force_flush_all walks the VMA maple tree without
#    mmap_read_lock; printed once per boot (once per call site), at the first
#    fork of a new process. Not ours; lockdep stays enabled after it.
# dm core's "dm_put_device call missing" (a target's destructor left a device
# reference, which dm core then puts itself) is a report too: kmemleak-check.sh
# leaves those references to it.
REPORT_HDR='\[ *[0-9]+\.[0-9]+\] (.*[^A-Za-z])?(BUG: |WARNING: |UBSAN:|Oops|kernel BUG|Kernel panic|blocked for more than|possible circular locking|possible recursive locking|inconsistent lock state|ODEBUG: |INFO: task |INFO: lockdep|detected stall|dm_put_device call missing)|^kmemleak: unreferenced object'
REPORT_IGNORE=${UML_REPORT_IGNORE:-}
export REPORT_HDR REPORT_IGNORE
tr -d '\r' < "$console" | awk '
	{ line[NR] = $0; if ($0 ~ ENVIRON["REPORT_HDR"]) hdr[++nh] = NR }
	END {
		ign = ENVIRON["REPORT_IGNORE"]
		for (k = 1; k <= nh; k++) {
			s = hdr[k]; e = (k < nh) ? hdr[k + 1] - 1 : NR
			if (e > s + 80) e = s + 80
			blk = ""
			for (i = s; i <= e; i++) blk = blk line[i] "\n"
			if (line[s] ~ /suspicious RCU usage/ && blk ~ /force_flush_all/) {
				known++; continue
			}
			if (ign != "" && blk ~ ign) { ignored++; continue }
			n++
			heads = heads line[s] "\n"
			if (n <= 5) blocks = blocks "---- report " n " (console lines " s "-" e ")\n" blk
		}
		if (known) printf "uml-run: ignored %d known UML-arch report(s) (force_flush_all RCU splat)\n", known > "/dev/stderr"
		if (ignored) printf "uml-run: ignored %d report(s) matching UML_REPORT_IGNORE\n", ignored > "/dev/stderr"
		if (n) {
			print "=============== uml-run: " n " kernel report(s) in the console output ==============="
			printf "%s", heads
			printf "%s", blocks
			if (n > 5) print "---- (only the first 5 reports shown in full)"
			print "==============================================================================="
			exit 1
		}
	}' > "$tmp/reports"
report_rc=$?
if [ $report_rc != 0 ] && [ $no_userspace = 0 ]; then
	cat "$tmp/reports"
	log "kernel reports found (see above)"
	[ "$status" = 0 ] && status=1
fi

log "uml-run: $(basename "$script") finished with status $status in ${elapsed}s"
exit "$status"
