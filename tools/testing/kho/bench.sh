#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench runs the parts named in BENCH (default: all three).
#
# ranges: hand over BENCH_SIZES ranges (kho_test ranges of 16 bytes, one per
# 8 KiB so that none merge; default 1k, 10k, 100k and 1M) and report how
# long the old kernel takes to build the tracker and the new one to check
# it and reserve what it preserves, and how that cost grows with the number
# of ranges.
#
# kexec: time each reboot of a chain of kexecs, from the kexec-file marker
# logged just before reboot(LINUX_REBOOT_CMD_KEXEC) to the next kernel's
# first line (earlycon prints it within its first milliseconds), as the host
# sees them arrive on the serial console: a 16 and a 128 MiB initrd, loaded
# in CMA and with KEXEC_FILE_NO_CMA, 2 * BENCH_ROUNDS (default 3) times
# each, interleaved. Each time is also split at the old kernel's last line
# ("Bye!", just before the jump): "shutdown" is the reboot up to there,
# "jump" the relocation and the next kernel's first steps. Under TCG the
# absolute times are inflated; the ratios are what carry over.
#
# memfd: preserve memfds of BENCH_MEMFD_SIZES (default 64M 256M 1G 4G) in
# 4 KiB pages, of BENCH_FRAG_SIZES (default 64M 256M 1G) in 4 KiB pages
# scattered over twice their size (kho-memfd's KHO_MEMFD_FRAGMENT), of
# BENCH_MEMFD_SIZES in hugetlb pages of 2 MiB (h2m) and 1 GiB (h1g) and, if
# the kernel has TRANSPARENT_HUGEPAGE (make bench FLAVOUR=bench), in
# THP (BENCH_MEMFD_MODES, default "4k frag h2m thp h1g", picks some), one
# kexec each with kho-memfd, in a
# BENCH_MEMFD_MEM (default 6G) guest, BENCH_MEMFD_REPEAT (default 1) times
# each, in rounds; report, as medians over the runs, the DT's and the tracker's
# bytes, the activation time, the next kernel's early-boot work for the
# handover (the check and reservation, in cycles of its timer), the blackout
# (from kho-memfd's reboot line to the next kernel's user space) less that
# of the same kexec with no memfd, the restore time (the RETRIEVEs), how
# each grows with the size, and the cost per GiB next to that of copying a
# GiB once with memcpy().
#
# Not part of make check: the million-range run needs a 9 GiB guest, and the
# whole takes several minutes.
#
# usage: bench.sh IMAGE INITRD RESULTDIR
set -uo pipefail

here=$(dirname "$0")
. "$here/lib.sh"
image=$1 initrd=$2 results=$3
mkdir -p "$results"

# timed_run PART MEM LIMIT PARAM...: run the guest's bench_PART in a MEM
# guest for at most LIMIT seconds, with PARAMs on its command line; its
# console goes to bench-PART.log and, each line stamped with the host's
# clock as it arrives, to bench-PART.stamped. Exits on failure.
timed_run()
{
	local part=$1 mem=$2 limit=$3 raw=$results/bench-$1.log status why

	shift 3
	KHO_MEM=$mem timeout "$limit" "$here/vm.sh" run "$image" "$initrd" \
		"kho_scenario=bench_$part" "$@" |
		python3 "$here/timestamp.py" "$raw" "$results/bench-$part.stamped"
	status=${PIPESTATUS[0]}
	why=$(vmtest_verdict "bench_$part" "$raw" "$status" "$limit")
	if [ -n "$why" ]; then
		echo "bench: $part failed: $why (log: $raw)"
		exit 1
	fi
}

kexec_bench()
{
	local rounds=${BENCH_ROUNDS:-3}

	echo "bench: kexec latency, $rounds rounds of 8 kexecs, a 2G guest"
	timed_run kexec 2G 1800 kho_bench_rounds=$rounds earlycon cma=512M
	python3 - "$results/bench-kexec.stamped" <<'PY'
import re, statistics, sys
times, copied, start, bye, cfg = {}, {}, None, None, None
for line in open(sys.argv[1]):
    stamp, _, text = line.partition(' ')
    m = re.search(r'bench_kexec: initrd (\d+) MiB, (\w+), (\d+) bytes to copy', text)
    if m:
        cfg = (int(m[1]), m[2])
        copied[cfg] = int(m[3])
    elif 'kexec-file: reboot(LINUX_REBOOT_CMD_KEXEC)' in text:
        start, bye = float(stamp), None
    elif re.search(r'\] Bye!$', text) and start is not None:
        bye = float(stamp)
    elif 'Booting Linux on physical CPU' in text and start is not None and bye:
        end = float(stamp)
        times.setdefault(cfg, []).append(((end - start) * 1000,
                                          (bye - start) * 1000,
                                          (end - bye) * 1000))
        start = None
med = lambda t, i: statistics.median(x[i] for x in t)
print(f"{'initrd':>7} {'mode':>6} {'copied (MiB)':>13} {'total (ms)':>11} "
      f"{'min':>7} {'max':>7} {'shutdown':>9} {'jump':>7} {'n':>3}")
for cfg in sorted(times):
    t = times[cfg]
    print(f"{cfg[0]:>4} MiB {cfg[1]:>6} {copied[cfg] / 2**20:>13.1f} {med(t, 0):>11.1f} "
          f"{min(x[0] for x in t):>7.1f} {max(x[0] for x in t):>7.1f} "
          f"{med(t, 1):>9.1f} {med(t, 2):>7.1f} {len(t):>3}")
for mib in sorted({c[0] for c in times}):
    cma, nocma = times.get((mib, 'cma')), times.get((mib, 'nocma'))
    if not cma or not nocma:
        sys.exit(f"bench: no timings for {mib} MiB in both modes")
    print(f"{mib} MiB initrd, NO_CMA/CMA medians: total {med(nocma, 0) / med(cma, 0):.2f}, "
          f"jump {med(nocma, 2) / med(cma, 2):.2f}; "
          f"{(med(nocma, 2) - med(cma, 2)) / (copied[(mib, 'nocma')] / 2**20):.2f} ms "
          f"more jump per copied MiB")
PY
}

memfd_bench()
{
	local sizes=${BENCH_MEMFD_SIZES:-64M 256M 1G 4G} modes="4k frag h2m"
	local frag_sizes=${BENCH_FRAG_SIZES:-64M 256M 1G}
	local mem=${BENCH_MEMFD_MEM:-6G} repeat=${BENCH_MEMFD_REPEAT:-1}
	local configs=0 mode size round

	grep -q '^CONFIG_TRANSPARENT_HUGEPAGE=y' "$KOUT/.config" 2>/dev/null &&
		modes="$modes thp"
	# 1 GiB pages only for sizes they divide.
	[ -z "$(echo $sizes | tr ' ' '\n' | grep -v G)" ] && modes="$modes h1g"
	modes=${BENCH_MEMFD_MODES:-$modes}
	# A kexec with no memfd after each one: the blackout's baseline and
	# its noise. Rounds one after the other, so that a disturbance of the
	# host lands on one run of a configuration, not on all of them.
	for round in $(seq "$repeat"); do
		for mode in $modes; do
			for size in $([ $mode = frag ] && echo $frag_sizes || echo $sizes); do
				configs="$configs,$size:$mode,0"
			done
		done
	done
	# The guest's command line holds 2048 bytes in all.
	if [ ${#configs} -gt 1536 ]; then
		echo "bench: kho_bench_memfd= of ${#configs} bytes does not fit on a command line: fewer sizes, modes or BENCH_MEMFD_REPEAT"
		exit 1
	fi
	echo "bench: memfds of $sizes ($modes; fragmented: $frag_sizes), $repeat times each, a $mem guest"
	grep -q '^CONFIG_TRANSPARENT_HUGEPAGE=y' "$KOUT/.config" 2>/dev/null ||
		echo "bench: no huge pages: this kernel has no TRANSPARENT_HUGEPAGE (make bench FLAVOUR=bench BENCH=memfd)"
	timed_run memfd "$mem" $((7200 * repeat)) kho_scratch=128M \
		"kho_bench_memfd=$configs" "kho_bench_copies=$repeat"
	python3 - "$results/bench-memfd.stamped" <<'PY'
import math, re, statistics, sys
act, black, restore, copy, dt, tracker, early = {}, {}, {}, {}, {}, {}, {}
cur, reboot, mhz = None, None, None
def nbytes(s):
    return int(s[:-1]) << {'K': 10, 'M': 20, 'G': 30}[s[-1]] if s[-1] in 'KMG' else int(s)
def add(d, k, v):
    d.setdefault(k, []).append(v)
for line in open(sys.argv[1]):
    stamp, _, text = line.partition(' ')
    m = re.search(r'bench_memfd: (preserve|retrieve) (\S+)', text)
    if m:
        cur = m[2]
    elif re.match(r'time activate ', text):
        add(act, cur, float(text.split()[2]))
    elif re.search(r'kho: tracker of \d+ pages', text):
        m = re.search(r'kho: tracker of (\d+) pages .* DT of (\d+) bytes', text)
        add(tracker, cur, int(m[1]) * 4096)
        add(dt, cur, int(m[2]))
    elif re.search(r'kho: handover: \d+ regions reserved in \d+ cycles', text):
        add(early, cur, int(re.search(r'reserved in (\d+) cycles', text)[1]))
    elif re.search(r'arch_timer: cp15 timer\(s\) running at ([0-9.]+)MHz', text):
        mhz = float(re.search(r'running at ([0-9.]+)MHz', text)[1])
    elif re.match(r'time retrieve ', text):
        add(restore, cur, float(text.split()[2]))
    elif 'kho-memfd: reboot(LINUX_REBOOT_CMD_KEXEC)' in text:
        reboot = float(stamp)
    elif 'bench_memfd: user space' in text and reboot is not None:
        add(black, cur, float(stamp) - reboot)
        reboot = None
    m = re.search(r'bench_memfd: copy (\S+):- copy (\d+) ([0-9.]+)', text)
    if m:
        add(copy, int(m[2]), float(m[3]))
runs = black.pop('0', None)
if not runs or len(runs) < 2:
    sys.exit('bench: too few kexecs without memfds to compare with')
base = statistics.median(runs)
noise = statistics.stdev(runs)
med = lambda d, k, default=0: statistics.median(d[k]) if k in d else default
print(f"blackout of a kexec with no memfd: median {base * 1000:.0f} ms, standard deviation "
      f"{noise * 1000:.0f} ms ({len(runs)} kexecs)")
print("each figure below is the median of the runs of its configuration; "
      "spread = (max - min) / median of the restore times")
print(f"{'size':>6} {'mode':>4} {'DT (B)':>7} {'tracker (B)':>12} {'activate (ms)':>14} "
      f"{'early boot (ms)':>16} {'added blackout (ms)':>20} {'restore (ms)':>13} "
      f"{'memcpy (ms)':>12} {'runs':>5} {'spread':>7}")
rows = []
for cfg in act:
    if cfg == '0' or cfg not in restore or cfg not in black:
        continue
    size, mode = cfg.split(':')
    b = nbytes(size)
    added = med(black, cfg) - base
    boot = med(early, cfg) / mhz / 1000 if mhz else float('nan')
    r = restore[cfg]
    rows.append((mode, b, med(act, cfg), added, med(restore, cfg), boot, med(tracker, cfg)))
    print(f"{size:>6} {mode:>4} {med(dt, cfg):>7.0f} {med(tracker, cfg):>12.0f} "
          f"{med(act, cfg) * 1000:>14.1f} {boot:>16.2f} {added * 1000:>20.1f} "
          f"{med(restore, cfg) * 1000:>13.1f} {med(copy, b, float('nan')) * 1000:>12.1f} "
          f"{len(r):>5} {(max(r) - min(r)) / statistics.median(r):>7.2f}")
def slope(pts):
    xs = [math.log(x) for x, _ in pts]
    ys = [math.log(max(y, 1e-3)) for _, y in pts]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)
gib = 2 ** 30
copied = {b: statistics.median(t) for b, t in copy.items()}
big = max(copied) if copied else None
if big:
    print(f"memcpy: {copied[big] / (big / gib) * 1000:.0f} ms per GiB ({big >> 20} MiB copied, "
          f"median of {len(copy[big])})")
# The guest's own memory scaling, which the exponents below inherit.
if len(copied) >= 2:
    print(f"memcpy: growth exponent (log-log over size) {slope(list(copied.items())):.2f}")
for mode in sorted({r[0] for r in rows}):
    r = [x for x in rows if x[0] == mode]
    if len(r) < 2:
        continue
    top = max(r, key=lambda x: x[1])
    # An added blackout within twice the noise has no meaningful exponent.
    above = [(x[1], x[3]) for x in r if x[3] > 2 * noise]
    added = (f"{slope(above):.2f} over the {len(above)} sizes above twice the noise"
             if len(above) >= 2 else "none: within twice the noise but at one size at most")
    print(f"{mode}: growth exponent (log-log over size): tracker {slope([(x[1], x[6]) for x in r]):.2f}, "
          f"activate {slope([(x[1], x[2]) for x in r]):.2f}, "
          f"early boot {slope([(x[1], x[5]) for x in r]):.2f}, "
          f"restore {slope([(x[1], x[4]) for x in r]):.2f}, added blackout {added}")
    print(f"{mode}: per GiB at {top[1] >> 20} MiB: activate {top[2] / (top[1] / gib) * 1000:.0f} ms, "
          f"added blackout {top[3] / (top[1] / gib) * 1000:.0f} ms, "
          f"restore {top[4] / (top[1] / gib) * 1000:.0f} ms")
PY
}

ranges_bench()
{
	local table=$results/bench.tsv n mem log why entries build cycles mhz

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
		entries=$(sed -n 's/.*kho: tracker of [0-9]* pages for \([0-9]*\) runs built in.*/\1/p' "$log" | head -1)
		build=$(sed -n 's/.*kho: tracker of [0-9]* pages for [0-9]* runs built in \([0-9]*\) us.*/\1/p' "$log" | head -1)
		cycles=$(sed -n 's/.*kho: handover: [0-9]* regions reserved in \([0-9]*\) cycles.*/\1/p' "$log" | head -1)
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
}

for part in ${BENCH:-ranges kexec memfd}; do
	case $part in
	ranges)	ranges_bench ;;
	kexec)	kexec_bench ;;
	memfd)	memfd_bench ;;
	*)	echo "bench: unknown part '$part' (ranges, kexec, memfd)" >&2; exit 2 ;;
	esac
done
