#!/bin/bash
# init (pid 1) of the UML test kernel; started by scripts/uml-run.sh, not by hand.
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
if [ -n "${UML_SCRIPT:-}" ]; then
	bash "$UML_SCRIPT" "${UML_ARGS[@]}"
	rc=$?
else
	rc=125
fi

# Leak check (UML_KMEMLEAK=1 or all). kmemleak only reports an object that
# (a) is at least 5 s old (jiffies_min_age) when a scan starts and (b) had the
# same checksum at the previous scan (an object seen for the first time, or
# changed since, stays gray for one more scan). Auto-scanning is off in this
# kernel, so: scan, wait 6 s, scan again, read the list. A leak made in the
# script's last moment is then old enough and checksummed once. Cost: ~7 s.
#
# UML 6.1 caveat: a clean run already lists 300-600 "leaks" (page-cache xarray
# nodes, dentries, inodes, maple nodes, ... of ordinary activity). Most
# likely cause (not verified by a patched build): UML's mem_init() sets
# max_low_pfn = totalram_pages() (a page count, not the top PFN), so kmemleak
# paints memblock allocations near the top of memory (the dentry and inode
# hash tables among them) black and never scans them. Hence, by
# default, only records whose backtrace has a module frame ("... [modname]")
# or an unresolved address (code of a module's freed init section or of an
# unloaded module) are printed; UML_KMEMLEAK_FILTER (extended regex on the
# whole record, lines joined by \n) replaces that choice, records matching
# UML_KMEMLEAK_EXCLUDE are dropped, UML_KMEMLEAK=all prints everything.
# Printed records carry a "kmemleak: " prefix, which uml-run.sh counts.
if [ "${UML_KMEMLEAK:-0}" != 0 ]; then
	kml=/sys/kernel/debug/kmemleak
	if [ -w $kml ]; then
		say "kmemleak: scanning (two scans, 6 s apart)"
		if echo scan > $kml; then
			sleep 6
			echo scan > $kml
			if [ "$UML_KMEMLEAK" = all ]; then
				KML_FILTER='' UML_KMEMLEAK_EXCLUDE=''
			else
				KML_FILTER=${UML_KMEMLEAK_FILTER:-'\+0x[0-9a-f]+/0x[0-9a-f]+ \[[A-Za-z0-9_]+\]\n|\] 0x[0-9a-f]+\n'}
			fi
			# vmalloc bookkeeping (vmap_area, vm_struct, the area's pages
			# array) shows up as leaked after a module's init vmallocs
			# (scsi_debug's store); a real vmalloc leak is still reported
			# through the area itself.
			# Scenarios insmod the module under test; records made under
			# modprobe belong to helper modules (scsi_debug leaves a 96-byte
			# object from its init whether or not our module ever loaded),
			# and records made by the boot task (swapper, kernel_init) are the
			# kernel's own (its freed __init code shows as unresolved
			# addresses, which the filter would otherwise count).
			KML_EXCLUDE=${UML_KMEMLEAK_EXCLUDE-'\] (alloc_vmap_area|__get_vm_area_node)[.+]|\] __kmalloc_node[.+][^\n]*\n[^\n]*\] __vmalloc_node_range[.+]|comm "modprobe"|comm "swapper|\] kernel_init[.+]'}
			export KML_FILTER KML_EXCLUDE
			awk '
				function flush() {
					if (rec == "") return
					n++
					if ((ENVIRON["KML_FILTER"] == "" || rec ~ ENVIRON["KML_FILTER"]) &&
					    (ENVIRON["KML_EXCLUDE"] == "" || rec !~ ENVIRON["KML_EXCLUDE"])) {
						m++; printf "%s", rec
					}
					rec = ""
				}
				/^unreferenced object/ { flush() }
				{ rec = rec "kmemleak: " $0 "\n" }
				END {
					flush()
					printf "uml-init: kmemleak: %d suspected leak(s), %d matching the filter (printed)\n", n, m
				}' $kml
		else
			say "kmemleak: scan failed (kmemleak disabled? see the boot log)"
		fi
	else
		say "kmemleak: $kml not available"
	fi
fi

say "script exited with status $rc"
echo "$rc" > /proc/exitcode
sync
exec /bin/busybox poweroff -f
