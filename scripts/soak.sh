#!/usr/bin/env bash
# The soak test: no lost or corrupted I/O over many failovers and reloads.
# In each I/O mode, in the UML debug kernel: 500 path fail/reinstate cycles
# and 50 noflush suspend/reload/resume cycles under fio --verify
# (scripts/scenarios/soak-cycles.sh).  Not part of
# scripts/test-all.sh (about 15 minutes per mode); run it before releases.
#   scripts/soak.sh [PATH_CYCLES [RELOAD_CYCLES]]
set -uo pipefail
. "$(dirname "$0")/common.sh"
ko=$CACHE/module-uml/dm-mpath-cpp.ko
[ -f "$ko" ] || die "build the module first: scripts/beds/build-module.sh uml"
logs=$CACHE/test-logs
mkdir -p "$logs"
rc=0
for mode in rq bio biotarget; do
	log "soak $mode"
	UML_TIMEOUT=3600 UML_KMEMLEAK=1 "$TOP/scripts/beds/uml-run.sh" "$TOP/scripts/scenarios/soak-cycles.sh" \
		"$ko" "$mode" "${1:-500}" "${2:-50}" > "$logs/soak-$mode.log" 2>&1 || rc=1
	grep -E '^not ok|^# (path|reload|passed)' "$logs/soak-$mode.log"
done
exit $rc
