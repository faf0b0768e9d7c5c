# Shared settings for the test-bed scripts. Source it; do not run it.
# shellcheck shell=bash

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# Everything built or downloaded lives here, outside the repository, and is reused.
CACHE=${DM_MPATH_CACHE:-$HOME/.cache/dm-mpath-cpp}
# The kernels the module supports, oldest first.  UML_KERNEL picks the one
# the UML bed runs (default: the oldest); 6.1 keeps the cache's original
# folder names, the others carry their version.
SUPPORTED_KERNELS=(6.1 6.12 7.2)
UML_KERNEL=${UML_KERNEL:-6.1}
case $UML_KERNEL in
6.1)	uml_suffix= ;;
6.12|7.2) uml_suffix=-$UML_KERNEL ;;
*)	printf 'UML_KERNEL=%s is not one of: %s\n' "$UML_KERNEL" "${SUPPORTED_KERNELS[*]}" >&2
	exit 1 ;;
esac
UML_SRC=$CACHE/linux-source-$UML_KERNEL
UML_OBJ=$CACHE/uml-build$uml_suffix
UML_MODS=$CACHE/uml-modules$uml_suffix
# The SMP debug kernel is always 6.1's.
SMP_SRC=$CACHE/linux-source-6.1
SMP_OBJ=$CACHE/smp-build
SMP_MODS=$CACHE/smp-modules
DEB_DIR=$CACHE/debian-kernel
MODULE_NAME=dm-mpath-cpp

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# The headers Debian's linux-headers-amd64 meta package points at.
debian_headers_dir() {
	local abi
	abi=$(dpkg-query -W -f='${Depends}' linux-headers-amd64 2>/dev/null |
	      grep -o 'linux-headers-[0-9][^ ,]*-amd64' | head -n1)
	[ -n "$abi" ] && echo "/usr/src/$abi"
}

# The C++ core as the userspace builds (fuzzers, core-bench) compile it: its
# sources relative to dm-mpath-cpp/core/, without runtime.cpp (operator
# new/delete onto the kernel allocator, kernel-only); the flags are those of
# the freestanding subset the module uses.  user_core_obj names an object;
# user_core_sources TREE lists them for another checkout.
user_core_sources() {
	(cd "$1/dm-mpath-cpp/core" &&
		find . -name '*.cpp' ! -name runtime.cpp -printf '%P\n' | sed 's/\.cpp$//' | sort)
}
mapfile -t USER_CORE < <(user_core_sources "$TOP")
user_core_obj() { echo "${1//\//_}.o"; }
USER_CXXFLAGS=(-std=gnu++20 -fno-exceptions -fno-rtti)

# apt-get and apt-cache options for another Debian suite (sid, trixie)
# without touching the host's apt configuration: a private sources list
# (deb or deb-src lines) and package lists under the cache, refreshed at
# most once a day.  Sets SUITE_APT_OPTS.
#   suite_apt_setup SUITE [deb|deb-src]
suite_apt_setup() {
	local suite=$1 kind=${2:-deb} state=$CACHE/apt-$1
	[ "$kind" = deb ] || state=$state-src
	mkdir -p "$state/lists/partial" "$state/cache/archives/partial"
	echo "$kind http://deb.debian.org/debian $suite main" > "$state/sources.list"
	SUITE_APT_OPTS=(-q -o Dir::Etc::SourceList="$state/sources.list"
		-o Dir::Etc::SourceParts=/dev/null -o Dir::State::Lists="$state/lists"
		-o Dir::Cache="$state/cache" -o APT::Sandbox::User=root)
	if [ -z "$(find "$state/lists" -maxdepth 1 \( -name '*_Packages*' -o -name '*_Sources*' \) \
		   -mtime -1 2>/dev/null)" ]; then
		apt-get "${SUITE_APT_OPTS[@]}" update >&2 || return 1
	fi
}

# Fetch .deb files of another suite into DIR.
#   suite_download SUITE DIR PACKAGE...
suite_download() {
	suite_apt_setup "$1" || return 1
	mkdir -p "$2"
	(cd "$2" && apt-get "${SUITE_APT_OPTS[@]}" download "${@:3}" >&2)
}

# The same for a source package (apt-get source --download-only).
#   suite_download_source SUITE DIR PACKAGE
suite_download_source() {
	suite_apt_setup "$1" deb-src || return 1
	mkdir -p "$2"
	(cd "$2" && apt-get "${SUITE_APT_OPTS[@]}" source --download-only "$3" >&2)
}

# The source tarball of a supported kernel: Debian 12 packages 6.1 and 6.12
# (scripts/deps.sh installs them); 7.2 comes from sid, unpacked in the cache.
kernel_source_tarball() {
	local v=$1 t
	case $v in
	6.1|6.12) t=/usr/src/linux-source-$v.tar.xz ;;
	7.2)	t=$CACHE/sid/linux-source-7.2/usr/src/linux-source-7.2.tar.xz
		if [ ! -f "$t" ]; then
			rm -rf "$CACHE/sid/linux-source-7.2"
			suite_download sid "$CACHE/sid" linux-source-7.2 || return 1
			dpkg-deb -x "$CACHE"/sid/linux-source-7.2_*.deb "$CACHE/sid/linux-source-7.2" || return 1
		fi ;;
	*)	return 1 ;;
	esac
	[ -f "$t" ] && echo "$t"
}
