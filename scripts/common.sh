# Shared settings for the test-bed scripts. Source it; do not run it.
# shellcheck shell=bash

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# Everything built or downloaded lives here, outside the repository, and is reused.
CACHE=${DM_MPATH_CACHE:-$HOME/.cache/dm-mpath-cpp}
UML_SRC=$CACHE/linux-source-6.1
UML_OBJ=$CACHE/uml-build
UML_MODS=$CACHE/uml-modules
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
# the freestanding subset the module uses.  user_core_obj names an object.
mapfile -t USER_CORE < <(cd "$TOP/dm-mpath-cpp/core" &&
	find . -name '*.cpp' ! -name runtime.cpp -printf '%P\n' | sed 's/\.cpp$//' | sort)
user_core_obj() { echo "${1//\//_}.o"; }
USER_CXXFLAGS=(-std=gnu++20 -fno-exceptions -fno-rtti)
