#!/usr/bin/env bash
# Installs the Debian packages the build, the test beds and the tests need.
# Quick when everything is already there.
set -euo pipefail
. "$(dirname "$0")/common.sh"

# The newest package whose whole name matches REGEX (Debian 12's 6.12
# headers carry the ABI in the name).
newest_package() {
	apt-cache pkgnames | grep -E "^$1\$" | sort -V | tail -n1
}

headers_6_12=$(newest_package 'linux-headers-6\.12\.[0-9]+\+deb12-amd64')
headers_6_12=${headers_6_12:-linux-headers-6.12.117+deb12-amd64}

packages=(
	build-essential g++ make bc flex bison libelf-dev libssl-dev rsync
	linux-source-6.1 linux-headers-amd64 sparse
	linux-source-6.12 "$headers_6_12"
	busybox-static kmod dmsetup fio cpio gzip xz-utils util-linux
	qemu-system-x86 sg3-utils strace
	clang-14 libclang-rt-14-dev
	debhelper dh-dkms
)

missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
	log "all ${#packages[@]} packages present"
	exit 0
fi
log "installing: ${missing[*]}"
[ "$(id -u)" = 0 ] || die "need root to install packages"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >&2
apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
