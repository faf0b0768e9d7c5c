#!/usr/bin/env bash
# Build (or reuse) a debug test kernel from Debian's kernel source in the cache.
#   kernel-build.sh uml   the UML kernel (KUnit, UML scenarios) of $UML_KERNEL
#                         (6.1 unless set; 6.12 and 7.2 are the other beds)
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
	src=$UML_SRC version=$UML_KERNEL
	fragment=$TOP/scripts/beds/uml-config.fragment
	# What one kernel needs on top (uml-config-VERSION.fragment).
	extra=$TOP/scripts/beds/uml-config-$UML_KERNEL.fragment
	patches=("$TOP"/scripts/beds/kernel-patches/uml-"$UML_KERNEL"-*.patch) ;;
smp)	arch=x86_64 obj=$SMP_OBJ mods=$SMP_MODS base=tinyconfig image=arch/x86/boot/bzImage
	src=$SMP_SRC version=6.1 extra=
	fragment=$TOP/scripts/beds/smp-config.fragment
	patches=() ;;
*)	die "unknown kernel flavour $flavour" ;;
esac
[ -f "${patches[0]:-}" ] || patches=()
fragments=("$fragment")
[ -n "$extra" ] && [ -f "$extra" ] && fragments+=("$extra")

TARBALL=$(kernel_source_tarball "$version") ||
	die "no linux-source-$version (run scripts/deps.sh)"

stamp=$obj/.dm-mpath-cpp-stamp
want=$(sha1sum "$TARBALL" "${fragments[@]}" ${patches[@]+"${patches[@]}"} | cut -c1-40 | sha1sum | cut -c1-40)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -f "$obj/$image" ]; then
	log "$flavour kernel up to date in $obj"
	exit 0
fi

mkdir -p "$CACHE"
if [ ! -f "$src/Makefile" ]; then
	log "unpacking $TARBALL"
	tar -C "$CACHE" -xf "$TARBALL"
	[ -f "$src/Makefile" ] || die "$TARBALL did not unpack to $src"
fi

# The patches touch only files of their own architecture (arch/x86/um for
# UML), so 6.1's source tree serves both flavours.  Applied once each:
# a patch that reverses cleanly is in already.
for p in ${patches[@]+"${patches[@]}"}; do
	if patch -d "$src" -p1 -R --dry-run -s -f < "$p" >/dev/null 2>&1; then
		continue
	fi
	log "applying $(basename "$p")"
	patch -d "$src" -p1 -N -s < "$p" || die "$(basename "$p") does not apply"
done

mkdir -p "$obj"
log "configuring the $flavour kernel in $obj"
make -s -C "$src" ARCH=$arch O="$obj" $base
"$src/scripts/kconfig/merge_config.sh" -m -O "$obj" "$obj/.config" "${fragments[@]}" >/dev/null
make -s -C "$src" ARCH=$arch O="$obj" olddefconfig

missing=0
while IFS= read -r line; do
	case "$line" in ''|'#'*) continue ;; esac
	key=${line%%=*}; val=${line#*=}
	if [ "$val" = n ]; then
		grep -q "^$key=" "$obj/.config" && { log "config: $key should be off"; missing=1; }
	else
		grep -qx "$line" "$obj/.config" || { log "config: $line not set"; missing=1; }
	fi
done < <(cat "${fragments[@]}")
[ $missing = 0 ] || die "$flavour config fragment not applied"

log "building the $flavour kernel (-j$(nproc))"
make -s -C "$src" ARCH=$arch O="$obj" -j"$(nproc)" all
rm -rf "$mods"
make -s -C "$src" ARCH=$arch O="$obj" INSTALL_MOD_PATH="$mods" modules_install
echo "$want" > "$stamp"
log "$flavour kernel ready: $obj/$image"
