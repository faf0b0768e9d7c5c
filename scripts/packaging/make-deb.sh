#!/usr/bin/env bash
# Builds the Debian package dm-mpath-cpp-dkms (sources for DKMS, dkms.conf,
# the modprobe alias) from this tree with debhelper's dh-dkms, and prints
# the .deb's path.  Install it with: apt install ./dm-mpath-cpp-dkms_*.deb
set -euo pipefail
. "$(dirname "$0")/../common.sh"

version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$TOP/dkms.conf")
[ -n "$version" ] || die "no PACKAGE_VERSION in dkms.conf"
out=$CACHE/deb
build=$out/build/dm-mpath-cpp-$version
rm -rf "$out/build"
mkdir -p "$build"
cp -a "$TOP/Kbuild" "$TOP/Makefile" "$TOP/dkms.conf" "$TOP/include" "$TOP/dm-mpath-cpp" \
	"$TOP/kunit" "$TOP/scripts/packaging/dm-mpath-cpp.conf" "$build/"
cp -a "$TOP/scripts/packaging/debian" "$build/debian"
# The package version is the module's; the date that of the last commit.
when=$(git -C "$TOP" log -1 --format=%aD 2>/dev/null || date -R)
cat > "$build/debian/changelog" <<CHANGELOG
dm-mpath-cpp ($version-1) unstable; urgency=medium

  * Built from $(git -C "$TOP" describe --always --dirty 2>/dev/null || echo "a source tree").

 -- dm-mpath-cpp developers <dm-mpath-cpp@users.noreply.example>  $when
CHANGELOG
(cd "$build" && dpkg-buildpackage -b -us -uc >&2)
deb=$out/build/dm-mpath-cpp-dkms_${version}-1_all.deb
[ -f "$deb" ] || die "dpkg-buildpackage made no $deb"
mv "$deb" "$out/"
rm -rf "$out/build"
echo "$out/${deb##*/}"
