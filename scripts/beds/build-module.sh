#!/usr/bin/env bash
# Build the module for one kernel in its own folder of the cache, so builds
# for different kernels never share objects.
#   scripts/beds/build-module.sh uml|amd64|amd64-VERSION|smp [make args...]
# prints the build folder.  amd64 is Debian 12's kernel (6.1), amd64-6.12 and
# amd64-7.2 Debian's kernels of those versions (kernel-headers.sh).
# uml is the UML bed of $UML_KERNEL (common.sh).
# MODULE_OUT=DIR builds in DIR instead (parallel builds of one target).
set -euo pipefail
. "$(dirname "$0")/../common.sh"

target=${1:?usage: build-module.sh uml|amd64|amd64-VERSION|smp [make args]}
shift
case $target in
uml)	kdir=$UML_OBJ; arch=(ARCH=um) target=uml$uml_suffix ;;
smp)	kdir=$SMP_OBJ; arch=() ;;
amd64)	kdir=$(debian_headers_dir) || true; arch=()
	[ -n "$kdir" ] && [ -d "$kdir" ] || die "linux-headers-amd64 is not installed" ;;
amd64-*) kdir=$("$TOP/scripts/beds/kernel-headers.sh" "${target#amd64-}") || exit 1; arch=() ;;
*)	die "unknown target $target" ;;
esac
[ -f "$kdir/Makefile" ] || die "no kernel build tree at $kdir"

out=${MODULE_OUT:-$CACHE/module-$target}
mkdir -p "$out"
rsync -a --delete --exclude='*.o' --exclude='*.ko' --exclude='.*.cmd' \
	--exclude='*.mod*' --exclude='modules.order' --exclude='Module.symvers' \
	--exclude=/kunit/core/ \
	"$TOP/Kbuild" "$TOP/include" "$TOP/dm-mpath-cpp" "$TOP/kunit" "$out/"
make -C "$kdir" "${arch[@]}" M="$out" -j"$(nproc)" "$@" modules >&2
echo "$out"
