#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make check and make check-full: build the kernels and the guests, then run
# every test layer (lint, KUnit, end-to-end scenarios on the test and the
# Debian-options kernel, host tests), even when an earlier one fails, with
# the scenarios of TIER (gate or full, see lib.sh), and end with the time
# of each step, the failures by name and the sum of the layers' results as
# "N passed, N failed". A layer that ends without its own summary line
# counts as one failure.
#
# usage: check.sh TIER MAKE
set -uo pipefail

tier=$1 make=$2
total_passed=0 total_failed=0
status=0
start=$(date +%s)
log=$(mktemp)
trap 'rm -f "$log"' EXIT
times=()
failures=()

# Without the test kernel no layer can run: say so in the summary's terms.
# The Debian-options kernel is built here too, so that the layers' times
# are those of their tests; if it does not build, vmtest-debian says so.
for flavour in test debian; do
	echo "==== make initramfs FLAVOUR=$flavour"
	step_start=$(date +%s)
	if ! $make -s --no-print-directory initramfs FLAVOUR=$flavour > "$log" 2>&1; then
		tail -50 "$log"
		if [ $flavour = test ]; then
			echo "the kernel or the initramfs does not build"
			echo "0 passed, 1 failed"
			exit 1
		fi
	fi
	tail -2 "$log"
	times+=("build $flavour: $(($(date +%s) - step_start)) s")
done

for layer in lint kunit vmtest vmtest-debian hostcheck; do
	echo "==== make $layer TIER=$tier"
	layer_start=$(date +%s)
	$make -s --no-print-directory "$layer" TIER="$tier" 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	line=$(grep -E "^$layer: [0-9]+ passed, [0-9]+ failed" "$log" | tail -1)
	if [ -n "$line" ]; then
		p=$(echo "$line" | sed -E 's/.*: ([0-9]+) passed.*/\1/')
		f=$(echo "$line" | sed -E 's/.* ([0-9]+) failed.*/\1/')
	else
		p=0 f=1
		failures+=("$layer: ended without a summary")
	fi
	[ $rc != 0 ] && [ "$f" = 0 ] && f=1 && failures+=("$layer: exit status $rc")
	[ "$f" != 0 ] && status=1
	# The layers' own failure lines: vmtest's "# failed: WHAT" (its
	# "not ok" lines go on with the reason), kunit.py's "[FAILED] WHAT",
	# the others' "not ok [N] - WHAT".
	case $layer in
	vmtest*) not_ok= ;;
	*) not_ok='s/^not ok \([0-9]* \)\{0,1\}- //p' ;;
	esac
	while read -r what; do
		failures+=("$layer: $what")
	done < <(sed 's/\x1b\[[0-9;]*m//g' "$log" | sed -n -e 's/^# failed: //p' \
		-e 's/.*\[\(FAILED\|CRASHED\)\] \(.*[^ =]\)[ =]*$/\2/p' \
		${not_ok:+-e "$not_ok"} | sort -u)
	total_passed=$((total_passed + p))
	total_failed=$((total_failed + f))
	times+=("$layer: $p passed, $f failed in $(($(date +%s) - layer_start)) s")
	echo "==== ${times[-1]}"
done

echo "==== check ($tier tier)"
for t in "${times[@]}"; do
	echo "$t"
done
for what in "${failures[@]}"; do
	echo "failed: $what"
done
echo "check: $(($(date +%s) - start)) s"
echo "$total_passed passed, $total_failed failed"
exit $status
