#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench: hand over BENCH_SIZES ranges (kho_test ranges of 16 bytes,
# one per 8 KiB so that none merge; default 1k, 10k, 100k and 1M) and
# report how long the old kernel takes to build the mem cache and the new
# one to check and reserve it, and how that cost grows with the number of
# ranges. Not part of make check: the million-range run needs a 9 GiB guest
# and a few minutes.
#
# usage: bench.sh IMAGE INITRD RESULTDIR
set -uo pipefail

here=$(dirname "$0")
. "$here/lib.sh"
image=$1 initrd=$2 results=$3
mkdir -p "$results"
table=$results/bench.tsv
echo -e "ranges\tentries\tbuild_us\treserve_cycles\ttimer_mhz" > "$table"

for n in ${BENCH_SIZES:-1000 10000 100000 1000000}; do
	mem=$(( (n * 8 / 1024 / 1024) + 2 ))G
	log=$results/bench-$n.log
	echo "bench: $n ranges, a $mem guest"
	KHO_MEM=$mem timeout 1800 "$here/vm.sh" run "$image" "$initrd" \
		kho_scenario=bench kho_scratch=256M kho_test.enable=1 \
		kho_test.ranges=$n kho_test.range_size=16 \
		kho_test.range_stride=8192 > "$log" 2>&1
	why=$(vmtest_verdict bench "$log" $? 1800)
	if [ -n "$why" ]; then
		echo "bench: $n ranges failed: $why (log: $log)"
		exit 1
	fi
	entries=$(sed -n 's/.*kho: mem cache of \([0-9]*\) entries built in.*/\1/p' "$log" | head -1)
	build=$(sed -n 's/.*kho: mem cache of [0-9]* entries built in \([0-9]*\) us.*/\1/p' "$log" | head -1)
	cycles=$(sed -n 's/.*kho: handover: [0-9]* ranges reserved in \([0-9]*\) cycles.*/\1/p' "$log" | head -1)
	mhz=$(sed -n 's/.*arch_timer: cp15 timer(s) running at \([0-9.]*\)MHz.*/\1/p' "$log" | head -1)
	echo -e "$n\t$entries\t$build\t$cycles\t$mhz" >> "$table"
done

python3 - "$table" <<'PY'
import math, sys
rows = [l.split('\t') for l in open(sys.argv[1]).read().split('\n')[1:] if l]
pts = [(int(r[0]), int(r[1]), int(r[2]), int(r[3]) / float(r[4])) for r in rows]
print(f"{'ranges':>9} {'entries':>9} {'build (ms)':>11} {'reserve (ms)':>13}")
for n, e, b, r in pts:
    print(f"{n:>9} {e:>9} {b / 1000:>11.2f} {r / 1000:>13.2f}")
def slope(col):
    xs = [math.log(p[1]) for p in pts]
    ys = [math.log(max(p[col], 1)) for p in pts]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)
print(f"growth exponent (log-log fit over entries): build {slope(2):.2f}, reserve {slope(3):.2f}")
PY
