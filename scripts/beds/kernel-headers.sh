#!/usr/bin/env bash
# Prints the folder to build the module against for Debian's amd64 kernel of
# a supported version, making it first if need be.
#   kernel-headers.sh 6.1|6.12|7.2
# 6.1 and 6.12: Debian 12's linux-headers packages (scripts/deps.sh).
# 7.2: sid's headers are made for sid's gcc-16, which Debian 12 lacks, so
# the tree is prepared here from sid's linux-source-7.2 with Debian's own
# configuration and Module.symvers, and this host's compiler: a module
# built against it loads into sid's kernel (same release, same symbol
# versions).  Cached, keyed on the source and the configuration.
set -euo pipefail
. "$(dirname "$0")/../common.sh"

version=${1:?usage: kernel-headers.sh 6.1|6.12|7.2}
case $version in
6.1)	dir=$(debian_headers_dir) || true ;;
6.12)	dir=$(ls -d /usr/src/linux-headers-6.12.*+deb12-amd64 2>/dev/null | sort -V | tail -n1) ;;
7.2)	dir= ;;
*)	die "unsupported kernel $version" ;;
esac
if [ "$version" != 7.2 ]; then
	[ -n "$dir" ] && [ -f "$dir/Makefile" ] || die "no linux-headers for $version (run scripts/deps.sh)"
	echo "$dir"
	exit 0
fi

debs=$CACHE/sid/debs
if ! ls "$debs"/linux-headers-7.2.*-amd64_*.deb >/dev/null 2>&1; then
	suite_apt_setup sid || die "cannot read sid's package lists"
	pkg=$(apt-cache "${SUITE_APT_OPTS[@]}" pkgnames linux-headers-7.2 |
		grep -E '^linux-headers-7\.2\.[0-9]+\+deb[0-9]+-amd64$' | sort -V | tail -n1) || true
	[ -n "$pkg" ] || die "no linux-headers-7.2 amd64 package in sid"
	suite_download sid "$debs" "$pkg" || die "apt-get download $pkg failed"
fi
deb=$(ls "$debs"/linux-headers-7.2.*-amd64_*.deb | sort -V | tail -n1)
tarball=$(kernel_source_tarball 7.2) || die "no linux-source-7.2"
src=$CACHE/linux-source-7.2
obj=$CACHE/headers-7.2
stamp=$obj/.dm-mpath-cpp-stamp
want=$(sha1sum "$tarball" "$deb" | cut -c1-40 | sha1sum | cut -c1-40)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
	echo "$obj"
	exit 0
fi
[ -f "$src/Makefile" ] || tar -C "$CACHE" -xf "$tarball"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
dpkg-deb -x "$deb" "$tmp"
hdr=$(ls -d "$tmp"/usr/src/linux-headers-7.2.*-amd64)
release=$(basename "$hdr"); release=${release#linux-headers-}
rm -rf "$obj"; mkdir -p "$obj"
cp "$hdr/.config" "$obj/.config"
log "preparing $release for module builds in $obj"
# Debian's release string, so that the module's vermagic matches the kernel.
make -s -C "$src" O="$obj" ARCH=x86_64 olddefconfig >&2
make -s -C "$src" O="$obj" ARCH=x86_64 LOCALVERSION= KERNELRELEASE="$release" \
	-j"$(nproc)" modules_prepare >&2
cp "$hdr/Module.symvers" "$obj/Module.symvers"
echo "$release" > "$obj/.kernelrelease"
echo "$want" > "$stamp"
echo "$obj"
