#!/usr/bin/env bash
# Build (or reuse) a debug test kernel from linux-source-6.1 in the cache.
#   kernel-build.sh uml   the UML kernel (KUnit, UML scenarios)
#   kernel-build.sh smp   an x86_64 SMP kernel for QEMU -smp 2 (lockdep,
#                         DEBUG_ATOMIC_SLEEP with preemption, KASAN)
# A build is keyed on the source, its config fragment and its patches
# (scripts/beds/kernel-patches/): change one, get a rebuild.  Every fragment
# line must survive olddefconfig.
set -euo pipefail
. "$(dirname "$0")/../common.sh"

flavour=${1:?usage: kernel-build.sh uml|smp}
case $flavour in
uml)	arch=um obj=$UML_OBJ mods=$UML_MODS base=defconfig image=linux
	fragment=$TOP/scripts/beds/uml-config.fragment
	patches=("$TOP"/scripts/beds/kernel-patches/uml-6.1-*.patch) ;;
smp)	arch=x86_64 obj=$SMP_OBJ mods=$SMP_MODS base=tinyconfig image=arch/x86/boot/bzImage
	fragment=$TOP/scripts/beds/smp-config.fragment
	patches=() ;;
*)	die "unknown kernel flavour $flavour" ;;
esac

TARBALL=/usr/src/linux-source-6.1.tar.xz
[ -f "$TARBALL" ] || die "$TARBALL missing (apt-get install linux-source-6.1)"

stamp=$obj/.dm-mpath-cpp-stamp
want=$(sha1sum "$TARBALL" "$fragment" ${patches[@]+"${patches[@]}"} | cut -c1-40 | sha1sum | cut -c1-40)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -f "$obj/$image" ]; then
	log "$flavour kernel up to date in $obj"
	exit 0
fi

mkdir -p "$CACHE"
if [ ! -f "$UML_SRC/Makefile" ]; then
	log "unpacking $TARBALL"
	tar -C "$CACHE" -xf "$TARBALL"
fi

# The patches touch only files of their own architecture (arch/x86/um for
# UML), so the one source tree serves both flavours.  Applied once each:
# a patch that reverses cleanly is in already.
for p in ${patches[@]+"${patches[@]}"}; do
	if patch -d "$UML_SRC" -p1 -R --dry-run -s -f < "$p" >/dev/null 2>&1; then
		continue
	fi
	log "applying $(basename "$p")"
	patch -d "$UML_SRC" -p1 -N -s < "$p" || die "$(basename "$p") does not apply"
done

mkdir -p "$obj"
log "configuring the $flavour kernel in $obj"
make -s -C "$UML_SRC" ARCH=$arch O="$obj" $base
"$UML_SRC/scripts/kconfig/merge_config.sh" -m -O "$obj" "$obj/.config" "$fragment" >/dev/null
make -s -C "$UML_SRC" ARCH=$arch O="$obj" olddefconfig

missing=0
while IFS= read -r line; do
	case "$line" in ''|'#'*) continue ;; esac
	key=${line%%=*}; val=${line#*=}
	if [ "$val" = n ]; then
		grep -q "^$key=" "$obj/.config" && { log "config: $key should be off"; missing=1; }
	else
		grep -qx "$line" "$obj/.config" || { log "config: $line not set"; missing=1; }
	fi
done < "$fragment"
[ $missing = 0 ] || die "$flavour config fragment not applied"

log "building the $flavour kernel (-j$(nproc))"
make -s -C "$UML_SRC" ARCH=$arch O="$obj" -j"$(nproc)" all
rm -rf "$mods"
make -s -C "$UML_SRC" ARCH=$arch O="$obj" INSTALL_MOD_PATH="$mods" modules_install
echo "$want" > "$stamp"
log "$flavour kernel ready: $obj/$image"
