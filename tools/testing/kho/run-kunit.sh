#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run the KHO KUnit suites in the arm64 test kernel under qemu and parse the
# KTAP output with the tree's kunit.py. Fails on any failed case, a crash,
# or a run that executed no test.
#
# usage: run-kunit.sh TREE IMAGE INITRD RESULTDIR
set -uo pipefail

here=$(dirname "$0")
tree=$1 image=$2 initrd=$3 results=$4
mkdir -p "$results"
log=$results/kunit.log

timeout 600 "$here/vm.sh" run "$image" "$initrd" \
	kunit.enable=1 kho_scenario=poweroff > "$log" 2>&1
rc=$?
[ $rc = 124 ] && echo "kunit: the kernel did not finish within 600 s"

python3 "$tree/tools/testing/kunit/kunit.py" parse --json="$results/kunit.json" \
	< "$log" | tee "$results/kunit.txt"
status=${PIPESTATUS[0]}

# "Testing complete. Ran N tests: passed: P, failed: F, crashed: C"
summary=$(grep 'Testing complete' "$results/kunit.txt" | tail -1 | sed 's/\x1b\[[0-9;]*m//g')
count() { echo "$summary" | sed -n "s/.*$1: \([0-9]*\).*/\1/p"; }
passed=$(count passed)
failed=$(( $(count failed || true) + $(count crashed || true) + 0 ))
passed=${passed:-0}
if [ "$status" != 0 ] || [ $rc != 0 ] || [ "$passed" = 0 ]; then
	[ "$failed" = 0 ] && failed=1
	echo "kunit: the run failed (parser status $status, qemu status $rc); serial log:"
	sed 's/^/# /' "$log"
fi
echo "kunit: $passed passed, $failed failed"
[ "$failed" = 0 ]
