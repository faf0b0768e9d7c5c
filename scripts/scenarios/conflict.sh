#!/usr/bin/env bash
# Loading next to the stock dm-multipath fails cleanly.  UML only (the Debian
# VM deliberately has no stock dm-multipath.ko).
#   conflict.sh MODULE.ko
. "$(dirname "$0")/lib.sh"
ko=${1:?usage: conflict.sh MODULE.ko}

t_check "stock dm-multipath loads" modprobe dm-multipath || { t_done; exit 1; }
t_refused "our module refuses to load beside it" insmod "$ko"
t_check "the refusal is explained in the log" \
	sh -c 'dmesg | grep -q "target \"multipath\" is already registered"'
t_check "stock dm-multipath unloads" modprobe -r dm-multipath
t_check "our module then loads" insmod "$ko"
t_check "and unloads" rmmod dm-mpath-cpp
t_done
