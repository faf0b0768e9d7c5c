#!/usr/bin/env bash
# Build (or reuse) the UML 6.1 test kernel and its modules in the cache folder.
# The build is keyed on the config fragment: change the fragment, get a rebuild.
set -euo pipefail
. "$(dirname "$0")/common.sh"

TARBALL=/usr/src/linux-source-6.1.tar.xz
[ -f "$TARBALL" ] || die "$TARBALL missing (apt-get install linux-source-6.1)"

stamp=$UML_OBJ/.dm-mpath-cpp-stamp
want=$( (sha1sum "$TARBALL" | cut -c1-40; sha1sum "$TOP/scripts/uml-config.fragment" | cut -c1-40) | sha1sum | cut -c1-40)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -x "$UML_OBJ/linux" ]; then
	log "UML kernel up to date in $UML_OBJ"
	exit 0
fi

mkdir -p "$CACHE"
if [ ! -f "$UML_SRC/Makefile" ]; then
	log "unpacking $TARBALL"
	tar -C "$CACHE" -xf "$TARBALL"
fi

mkdir -p "$UML_OBJ"
log "configuring UML kernel in $UML_OBJ"
make -s -C "$UML_SRC" ARCH=um O="$UML_OBJ" defconfig
"$UML_SRC/scripts/kconfig/merge_config.sh" -m -O "$UML_OBJ" "$UML_OBJ/.config" \
	"$TOP/scripts/uml-config.fragment" >/dev/null
make -s -C "$UML_SRC" ARCH=um O="$UML_OBJ" olddefconfig

# Every line of the fragment must have survived olddefconfig, or the test
# kernel silently lacks something the tests rely on.
missing=0
while IFS= read -r line; do
	case "$line" in ''|'#'*) continue ;; esac
	key=${line%%=*}; val=${line#*=}
	if [ "$val" = n ]; then
		grep -q "^$key=" "$UML_OBJ/.config" && { log "config: $key should be off"; missing=1; }
	else
		grep -qx "$line" "$UML_OBJ/.config" || { log "config: $line not set"; missing=1; }
	fi
done < "$TOP/scripts/uml-config.fragment"
[ $missing = 0 ] || die "UML config fragment not applied"

log "building UML kernel (-j$(nproc))"
make -s -C "$UML_SRC" ARCH=um O="$UML_OBJ" -j"$(nproc)" all
rm -rf "$UML_MODS"
make -s -C "$UML_SRC" ARCH=um O="$UML_OBJ" INSTALL_MOD_PATH="$UML_MODS" modules_install
echo "$want" > "$stamp"
log "UML kernel ready: $UML_OBJ/linux"
