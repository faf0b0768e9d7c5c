#!/bin/bash
# init (pid 1) of the UML test kernel; started by scripts/beds/uml-run.sh, not by hand.
#
# The root file system is the host's / over hostfs, read-only. uml-run.sh puts
# UML_RUN_ENV=<host file> on the kernel command line; that file (bash syntax)
# sets UML_SCRIPT, UML_ARGS, UML_CWD, UML_MODS, UML_KMEMLEAK and any variables
# passed with UML_PASS_ENV. We prepare a usable system, run
# `bash UML_SCRIPT UML_ARGS...` in UML_CWD, hand its status to the host through
# /proc/exitcode and power off.
#
# Writable inside: /tmp, /run, /dev/shm, /var/tmp (tmpfs), /dev (devtmpfs).
# The host's /tmp is hidden by the tmpfs; it stays readable at /run/host-tmp,
# and the script's and working directory's top folder under /tmp (or the
# script file itself when it sits directly in /tmp) is bind-mounted back at
# its usual path, read-only.

export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root TERM=${TERM:-dumb} LANG=C.UTF-8
umask 022

say() { echo "uml-init: $*"; }
# uml-run.sh reads this line as the proof that user space started.
say "user space started"

# Every fork+exec costs ~0.1 s in this debug UML: use builtins where we can
# and the static busybox (cheaper to exec than util-linux) for mounting.
bb=/bin/busybox
mnt() { # TYPE DIR [OPTIONS]
	[ -d "$2" ] || $bb mkdir -p "$2"
	$bb mount -t "$1" ${3:+-o "$3"} "$1" "$2" || say "warning: mount -t $1 $2 failed"
}
mounted() {
	local dir
	while read -r _ dir _; do [ "$dir" = "$1" ] && return 0; done < /proc/mounts
	return 1
}

# The kernel mounts nothing but / and devtmpfs; /proc, /sys as seen through
# hostfs are the host's, so mount our own proc before looking at anything.
mnt proc /proc
mounted /sys || mnt sysfs /sys
mounted /dev || mnt devtmpfs /dev
# udev would make these; bash process substitution <(...) needs /dev/fd.
[ -e /dev/fd ] || $bb ln -s /proc/self/fd /dev/fd
for i in 0:stdin 1:stdout 2:stderr; do
	[ -e "/dev/${i#*:}" ] || $bb ln -s "/proc/self/fd/${i%%:*}" "/dev/${i#*:}"
done

# Read our parameters before /tmp (where uml-run.sh keeps them) is covered.
if [ -r "${UML_RUN_ENV:-}" ]; then
	# shellcheck disable=SC1090
	. "$UML_RUN_ENV"
else
	say "error: parameter file UML_RUN_ENV='${UML_RUN_ENV:-}' not readable"
fi

mnt tmpfs /run mode=755
$bb mkdir /run/host-tmp && $bb mount --bind /tmp /run/host-tmp
mnt tmpfs /tmp mode=1777
mnt tmpfs /var/tmp mode=1777
mnt tmpfs /dev/shm mode=1777
mnt devpts /dev/pts
mnt debugfs /sys/kernel/debug
mnt configfs /sys/kernel/config

# Make a host path under /tmp visible again at the same place.
expose() {
	local p=$1 rel first
	case $p in /tmp/?*) ;; *) return 0 ;; esac
	rel=${p#/tmp/}; first=${rel%%/*}
	[ -e "/tmp/$first" ] && return 0
	if [ -d "/run/host-tmp/$first" ]; then
		$bb mkdir "/tmp/$first"
	elif [ -e "/run/host-tmp/$first" ]; then
		: > "/tmp/$first"
	else
		return 0
	fi
	$bb mount --bind "/run/host-tmp/$first" "/tmp/$first" || say "warning: cannot expose /tmp/$first"
}
expose "${UML_SCRIPT:-}"
expose "${UML_CWD:-}"

if [ -n "${UML_MODS:-}" ] && [ -d "$UML_MODS/lib/modules" ]; then
	$bb mount --bind "$UML_MODS/lib/modules" /lib/modules ||
		say "warning: cannot bind $UML_MODS/lib/modules over /lib/modules"
else
	say "warning: no module tree (UML_MODS='${UML_MODS:-}')"
fi

# No udev in here: libdevmapper must create /dev/mapper nodes itself.
export DM_DISABLE_UDEV=1
unset UML_RUN_ENV mem uml_dir  # the last two are UML options init got as env

cd "${UML_CWD:-/}" 2>/dev/null || { say "warning: cannot cd to '${UML_CWD:-}', using /"; cd /; }
read -r kver < /proc/sys/kernel/osrelease
say "kernel $kver; running ${UML_SCRIPT:-?} ${UML_ARGS[*]:-}"
# Shortly before uml-run.sh's timeout, list the processes: which command
# of the script (or of its clean-up) never returned.
if [ "${UML_TIMEOUT:-0}" -gt 20 ]; then
	(
		sleep $((UML_TIMEOUT - 15))
		say "watchdog: still running after $((UML_TIMEOUT - 15)) s:"
		# shellcheck disable=SC2009  # kernel threads ([name]) are noise
		ps -eo pid,ppid,stat,etime,args | grep -v '\[.*\]$'
	) &
	watchdog=$!
fi
if [ -n "${UML_SCRIPT:-}" ]; then
	bash "$UML_SCRIPT" "${UML_ARGS[@]}"
	rc=$?
else
	rc=125
fi

# Leak check (UML_KMEMLEAK=1 or all): see kmemleak-check.sh.  Filter and
# exclusion are set with UML_KMEMLEAK_FILTER / UML_KMEMLEAK_EXCLUDE.
if [ "${UML_KMEMLEAK:-0}" != 0 ]; then
	[ -z "${UML_KMEMLEAK_FILTER+x}" ] || export KMEMLEAK_FILTER=$UML_KMEMLEAK_FILTER
	[ -z "${UML_KMEMLEAK_EXCLUDE+x}" ] || export KMEMLEAK_EXCLUDE=$UML_KMEMLEAK_EXCLUDE
	bash "$(dirname "$0")/kmemleak-check.sh" uml-init "$UML_KMEMLEAK"
fi

[ -n "${watchdog:-}" ] && kill "$watchdog" 2>/dev/null
say "script exited with status $rc"
echo "$rc" > /proc/exitcode
sync
exec /bin/busybox poweroff -f
