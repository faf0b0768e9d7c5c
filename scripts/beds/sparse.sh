#!/usr/bin/env bash
# Prints the sparse to check the module with for a kernel version.  7.2's
# Makefile wants a sparse that knows __typeof_unqual__ (0.6.5), newer than
# Debian 12's 0.6.4: it is built here from sid's source package (a few
# seconds), once, into the cache.
#   sparse.sh 6.1|6.12|7.2
set -euo pipefail
. "$(dirname "$0")/../common.sh"

version=${1:?usage: sparse.sh KERNEL_VERSION}
if [ "$version" != 7.2 ]; then
	command -v sparse || die "sparse is not installed (scripts/deps.sh)"
	exit 0
fi
dir=$CACHE/sparse-sid
bin=$(ls "$dir"/sparse-*/sparse 2>/dev/null | head -n1) || true
if [ -n "$bin" ] && [ -x "$bin" ]; then
	echo "$bin"
	exit 0
fi
rm -rf "$dir"; mkdir -p "$dir"
suite_download_source sid "$dir" sparse || die "cannot fetch sid's sparse source"
tar -C "$dir" -xzf "$(ls "$dir"/sparse_*.orig.tar.gz | head -n1)"
src=$(ls -d "$dir"/sparse-*/ | head -n1)
make -s -C "$src" -j"$(nproc)" sparse HAVE_LLVM=no HAVE_SQLITE=no HAVE_LIBXML=no HAVE_GTK=no >&2 ||
	die "building sparse failed"
echo "${src%/}/sparse"
