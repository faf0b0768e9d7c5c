#!/usr/bin/env bash
# The demo: installs what it needs, builds the module against Debian's
# headers, boots Debian's stock kernel in QEMU, creates a multipath map and
# shows I/O surviving a path failure.
set -euo pipefail
. "$(dirname "$0")/common.sh"

"$TOP/scripts/deps.sh"
log "building dm-mpath-cpp.ko against $(debian_headers_dir)"
out=$("$TOP/scripts/beds/build-module.sh" amd64)
log "booting Debian's stock kernel in QEMU"
exec "$TOP/scripts/beds/qemu-debian.sh" --module "$out/dm-mpath-cpp.ko" \
	--file "$TOP/scripts/scenarios/lib.sh" \
	"$TOP/scripts/scenarios/demo-failover.sh" /modules/dm-mpath-cpp.ko
