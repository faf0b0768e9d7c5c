#!/usr/bin/env bash
# basic.sh, suspend.sh and multi.sh in each I/O mode, one after the other (one VM
# boot for all).
#   all-modes.sh MODULE.ko
rc=0
for mode in rq bio biotarget; do
	bash "$(dirname "$0")/basic.sh" "$1" "$mode" || rc=1
	bash "$(dirname "$0")/suspend.sh" "$1" "$mode" || rc=1
	bash "$(dirname "$0")/multi.sh" "$1" "$mode" || rc=1
done
exit $rc
