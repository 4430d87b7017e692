#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# memblock's own simulator, tools/testing/memblock, built from the tree with
# the series (which patches mm/memblock.c) under ASan and UBSan, passes
# every test, with and without NUMA simulated.
set -euo pipefail
: "${TREE:?}"

sim=$TREE/tools/testing/memblock
# The simulator builds in the tree: leave it as make tree made it (make
# series compares the tree with the series).
trap 'make -s -C "$sim" clean' EXIT
for numa in 0 1; do
	make -s -C "$sim" clean
	make -s -C "$sim" -j"${JOBS:-2}" NUMA=$numa
	"$sim/main" -v > "$BUILD/memblock-numa$numa.log" 2>&1 ||
		{ tail -20 "$BUILD/memblock-numa$numa.log"; exit 1; }
	if grep -q '^not ok' "$BUILD/memblock-numa$numa.log"; then
		grep '^not ok' "$BUILD/memblock-numa$numa.log"
		exit 1
	fi
	echo "NUMA=$numa: $(grep -c '^ok' "$BUILD/memblock-numa$numa.log") tests passed"
done
