#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make check: build the kernel and the guest, then run every test layer
# (lint, KUnit, end-to-end scenarios, host tests), even when an earlier one
# fails, and end with the sum of their results as "N passed, N failed". A
# layer that ends without its own summary line counts as one failure.
#
# usage: check.sh MAKE
set -uo pipefail

make=$1
total_passed=0 total_failed=0
status=0
start=$(date +%s)
log=$(mktemp)
trap 'rm -f "$log"' EXIT

# Without a kernel no layer can run: say so in the summary's terms.
echo "==== make initramfs"
if ! $make -s --no-print-directory initramfs > "$log" 2>&1; then
	tail -50 "$log"
	echo "the kernel or the initramfs does not build"
	echo "0 passed, 1 failed"
	exit 1
fi
tail -2 "$log"

for layer in lint kunit vmtest vmtest-debian hostcheck; do
	echo "==== make $layer"
	layer_start=$(date +%s)
	$make -s --no-print-directory "$layer" 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	line=$(grep -E "^$layer: [0-9]+ passed, [0-9]+ failed" "$log" | tail -1)
	if [ -n "$line" ]; then
		p=$(echo "$line" | sed -E 's/.*: ([0-9]+) passed.*/\1/')
		f=$(echo "$line" | sed -E 's/.* ([0-9]+) failed.*/\1/')
	else
		p=0 f=1
	fi
	[ $rc != 0 ] && [ "$f" = 0 ] && f=1
	[ "$f" != 0 ] && status=1
	total_passed=$((total_passed + p))
	total_failed=$((total_failed + f))
	echo "==== $layer: $p passed, $f failed in $(($(date +%s) - layer_start)) s"
done

echo "check: $(($(date +%s) - start)) s"
echo "$total_passed passed, $total_failed failed"
exit $status
