#!/usr/bin/env bash
# Runs the core's KUnit suites (loaded as a module) and reports each test
# case as one TAP line, read from debugfs.
#   kunit.sh MODULE_DIR
. "$(dirname "$0")/lib.sh"
dir=${1:?usage: kunit.sh MODULE_DIR}
suites=(dm-mpath-cpp-core dm-mpath-cpp-selectors dm-mpath-cpp-pg-init dm-mpath-cpp-io-timeout
	dm-mpath-cpp-fuzz dm-mpath-cpp-kernels dm-mpath-cpp-services)

t_check "kunit module loads" insmod "$dir/dm-mpath-cpp-kunit.ko" || { t_done; exit 1; }
for suite in "${suites[@]}"; do
	results=/sys/kernel/debug/kunit/$suite/results
	if [ ! -r "$results" ]; then
		t_fail "kunit results of $suite in debugfs" "missing $results"
		continue
	fi
	# Test cases are the indented "ok N - name" lines; diagnostics come before.
	diag=()
	while IFS= read -r line; do
		if [[ $line =~ ^\ {4}(not\ )?ok\ [0-9]+\ (-\ )?(.*)$ ]]; then
			if [ -z "${BASH_REMATCH[1]}" ]; then
				t_ok "kunit: ${BASH_REMATCH[3]}"
			else
				t_fail "kunit: ${BASH_REMATCH[3]}" "${diag[@]}"
			fi
			diag=()
		elif [[ $line == '    # '* ]]; then
			diag+=("${line#    # }")
			# The fuzz suite's figures.
			[[ $line == *' tables: '* ]] && t_note "${line#    # }"
		fi
	done < "$results"
	grep -q '^    ok \|^    not ok ' "$results" ||
		t_fail "kunit suite $suite ran no test case" "$(cat "$results")"
	# A case whose log overflowed KUnit's buffer loses its own result line;
	# the suite's verdict (printed apart from the logs) still counts.
	if grep -qE "^not ok [0-9]+ (- )?$suite\$" "$results"; then
		t_fail "kunit suite $suite" "$(cat "$results")"
	elif ! grep -qE "^ok [0-9]+ (- )?$suite\$" "$results"; then
		t_fail "kunit suite $suite: no verdict" "$(cat "$results")"
	fi
done
rmmod dm-mpath-cpp-kunit
t_done
