#!/usr/bin/env bash
# The end of a pg_init racing with the destruction of its table, on a map of
# two ALUA groups (scsi_debug, scsi_dh_alua): each round switches group,
# sends a read (which starts pg_init), then destroys the table while that
# pg_init is ending, by a noflush reload (odd rounds) or by removing the map
# (even rounds).  The module's debug hook holds the end of every pg_init
# back by a second, so the destructor runs inside that window: a target
# freed before its last pg_init completion is done with it shows as a KASAN
# use-after-free (the host script fails the run on any kernel report).
# Needs a kernel with CONFIG_DM_DEBUG (the hook) and preemption on more than
# one CPU (the SMP debug kernel), or the window never overlaps.
#   pg-init-race.sh MODULE.ko MODE [ROUNDS]     MODE: rq | bio
. "$(dirname "$0")/lib.sh"
ko=${1:?usage: pg-init-race.sh MODULE.ko rq|bio [ROUNDS]}
mode=${2:?usage: pg-init-race.sh MODULE.ko rq|bio [ROUNDS]}
rounds=${3:-6}
map=race_$mode
hook=/sys/module/dm_mpath_cpp/parameters/debug_pg_init_end_delay_ms

mode_features "$mode" || exit 2

cleanup() {
	[ -w "$hook" ] && echo 0 > "$hook"
	dmsetup remove "$map"
	rmmod dm-mpath-cpp
	rmmod scsi_debug
} 2>/dev/null
trap cleanup EXIT

modprobe dm-mod 2>/dev/null
# Bio mode uses the handler the kernel attached when the disk appeared.
modprobe scsi_dh_alua
setup_paths "$mode" "$ko" 2 16 || { t_done; exit 1; }
if [ ! -w "$hook" ]; then
	t_skip "[$mode] pg_init end racing table destruction" "no debug hook (CONFIG_DM_DEBUG off)"
	t_done; exit 0
fi
dev=/dev/mapper/$map
table="0 $sectors multipath $features 1 alua 2 1 round-robin 0 1 1 ${mm[0]} 1 round-robin 0 1 1 ${mm[1]} 1"
create() { dmsetup create "$map" --table "$table" && wait_for test -b "$dev" 5; }
t_check "[$mode] create a map of two ALUA groups" create || { t_done; exit 1; }
echo 1000 > "$hook"
reads=0 bad=0
for round in $(seq 1 "$rounds"); do
	dmsetup message "$map" 0 switch_group $((round % 2 + 1))
	# The read waits for the group's pg_init, which then ends (its last
	# second held back by the hook): the read completes meanwhile.
	dd if="$dev" of=/dev/null bs=4k count=1 iflag=direct status=none && reads=$((reads + 1))
	if [ $((round % 2)) = 1 ]; then
		dmsetup suspend --noflush "$map" && dmsetup reload "$map" --table "$table" &&
			dmsetup resume "$map" || bad=$((bad + 1))
	else
		dmsetup remove "$map" && create || bad=$((bad + 1))
	fi
	sleep 1.2	# the held-back end passes before the next round
done
echo 0 > "$hook"
t_eq "[$mode] $rounds reads, each after a group switch, completed" "$rounds" "$reads"
t_eq "[$mode] every reload and remove during a pg_init's end succeeded" 0 "$bad"
t_note "pg_init count of the last table: $(dmsetup status "$map" | cut -d' ' -f6)"
t_check "[$mode] the map still carries I/O" \
	dd if="$dev" of=/dev/null bs=64k count=16 iflag=direct status=none
t_done
