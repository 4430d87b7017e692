# SPDX-License-Identifier: GPL-2.0
# A 1 GiB memfd on scattered pages (free memory fragmented by punching every
# other page of another memfd first, as hours of churn leave it) hands over
# with a DT under 64 KiB and a tracker under 1 MiB, and comes back whole. The
# next kernel's memblock array of reserved regions (its size, when the
# handover is reserved) and what early boot took of the scratch region are
# at most 10% above those of a handover of a 1 GiB memfd filled in a fresh
# kernel, from large free blocks: the first kernel hands that one to the
# second, which retrieves it and hands the fragmented one to a third.
# cmdline: kho_scratch=128M
# mem: 4G
# timeout: 1500
# tier: full
# covers: memfd

# tracker_bytes: the tracker this kernel built at activation, in bytes.
tracker_bytes()
{
	local pages

	pages=$(dmesg | sed -n 's/.*kho: tracker of \([0-9]*\) pages for .*/\1/p' | tail -1)
	[ -n "$pages" ] || fail "no tracker line in the log"
	echo $((pages * $(page_size)))
}

# early_boot: "ARRAY SCRATCH REGIONS": the size of memblock's reserved array
# once the handover is reserved, the pages early boot took of the scratch
# region, and the regions the handover took of the array.
early_boot()
{
	local array regions

	array=$(dmesg | sed -n "s/.*kho: handover: .*, memblock's reserved array [0-9]* of \([0-9]*\)$/\1/p")
	regions=$(dmesg | sed -n 's/.*kho: handover: \([0-9]*\) regions reserved .*/\1/p')
	set -- $(dmesg | sed -n 's/.*kho: scratch region: \([0-9]*\) of \([0-9]*\) pages free$/\1 \2/p')
	[ $# = 2 ] && [ -n "$array" ] && [ -n "$regions" ] || fail "no handover or scratch line in the log"
	echo "$array $(($2 - $1)) $regions"
}

# within_10 WHAT A B: A (fragmented) is at most 10% above B (not
# fragmented first): fragmentation costs the next kernel's early boot
# nothing more. (A memfd filled in a fresh kernel is not contiguous either:
# its pages come in clusters of large free blocks, each a region.)
within_10()
{
	[ $(($2 * 10)) -le $(($3 * 11)) ] ||
		fail "$1: fragmented $2, not fragmented $3: more than 10% above"
	echo "$1: fragmented $2, not fragmented $3"
}

case "$kho_stage" in
"")
	# Filled in a fresh kernel: its pages come from large free blocks.
	kho-memfd hold 1G > /tmp/hold.out &
	wait_holder /tmp/hold.out 200
	expect_write $KHO/active 1
	kexec_load 2
	kexec -e
	fail "kexec -e returned"
	;;
2)
	memfd_runs > /tmp/runs
	set -- $(early_boot)
	echo "not fragmented first: $(kho-memfd runs < /tmp/runs) runs of pages, $3 regions reserved; memblock's reserved array of $1, $2 pages of scratch taken early"
	out=$(kho-memfd retrieve 1G) || fail "$out"
	KHO_MEMFD_FRAGMENT=2G kho-memfd hold 1G > /tmp/hold.out &
	wait_holder /tmp/hold.out 400
	expect_write $KHO/active 1
	dt=$(wc -c < $KHO/dt)
	[ $dt -lt 65536 ] || fail "a DT of $dt bytes for a memfd"
	tracker=$(tracker_bytes)
	[ $tracker -lt 1048576 ] || fail "a tracker of $tracker bytes"
	echo "fragmented 1 GiB memfd: DT $dt bytes, tracker $tracker bytes"
	kexec_load 3 "kho_plain=$1,$2"
	kexec -e
	fail "kexec -e returned"
	;;
3)
	memfd_runs > /tmp/runs
	runs=$(kho-memfd runs < /tmp/runs)
	[ $runs -gt 100000 ] || fail "the memfd lies in $runs runs: memory was not fragmented"
	set -- $(early_boot) ${kho_plain%,*} ${kho_plain#*,}
	echo "fragmented: $runs runs of pages, $3 regions reserved"
	within_10 "memblock's reserved array" $1 $4
	within_10 "pages of scratch taken early" $2 $5
	out=$(kho-memfd retrieve 1G) || fail "$out"
	pass
	;;
esac
fail "unknown stage $kho_stage"
