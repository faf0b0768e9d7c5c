#!/usr/bin/env bash
# Scenarios in each I/O mode, one after the other (one VM boot for all):
# basic.sh, suspend.sh and multi.sh unless named.  --also-stock then runs
# them against Linux's own dm-multipath too, which has no bio_multipath
# (no biotarget mode).
#   all-modes.sh [--also-stock] MODULE.ko [SCENARIO.sh...]
also_stock=0
[ "${1:-}" = --also-stock ] && { also_stock=1; shift; }
ko=${1:?usage: all-modes.sh [--also-stock] MODULE.ko [SCENARIO.sh...]}
shift
[ $# -gt 0 ] || set -- basic.sh suspend.sh multi.sh
rc=0
run() {	# run MODULE MODE...
	local module=$1 mode scenario
	shift
	for mode; do
		for scenario in "${scenarios[@]}"; do
			bash "$(dirname "$0")/$scenario" "$module" "$mode" || rc=1
		done
	done
}
scenarios=("$@")
run "$ko" rq bio biotarget
[ "$also_stock" = 0 ] || run stock rq bio
exit $rc
