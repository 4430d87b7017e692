# SPDX-License-Identifier: GPL-2.0
# RAM from 1 GiB to 64 MiB above 4 GiB, and no default CMA area (which
# would sit right below 4 GiB): a scratch region of 128 MiB taken from the
# top of memory would straddle the boundary of ZONE_DMA and ZONE_NORMAL,
# and a CMA area across zones cannot be activated (its pages would go to
# the page allocator as ordinary memory while scratch_len still advertised
# them). The region lies in one zone, is CMA memory, and a handover
# through it works.
# cmdline: kho_scratch=128M kho_test.enable=1 cma=0
# mem: 3136M
# timeout: 300
# kernels: test debian
# tier: full

# Fail if [$1, $1 + $2) holds the first page of a zone but its own first.
expect_one_zone()
{
	local start page starts

	page=$(page_size)
	starts=$(sed -n 's/^ *start_pfn: *//p' /proc/zoneinfo)
	# ZONE_NORMAL starts at 4 GiB: the boundary the region must not cross.
	echo "$starts" | grep -qx "$(((1 << 32) / page))" ||
		fail "no zone starts at 4 GiB: $(echo $starts)"
	for start in $starts; do
		start=$((start * page))
		[ $start -gt $(($1)) ] && [ $start -lt $(($1 + $2)) ] &&
			fail "the scratch region $1+$2 straddles a zone starting at $(printf 0x%x $start)"
	done
	return 0
}

base=$(cat $KHO/scratch_phys)
len=$(cat $KHO/scratch_len)
case "$kho_stage" in
"")
	expect_log "CMA area kho could not be activated" 0
	expect_eq scratch_len $((len)) $((128 << 20))
	expect_one_zone $base $len
	expect_scratch_cma
	expect_write $KHO/active 1
	kexec_load 2
	kexec -e
	fail "kexec -e returned"
	;;
2)
	expect_log "kho: handover disabled" 0
	expect_log "kho_test: restored 1028 ranges, [0-9]+ bytes: ok" 1
	expect_one_zone $base $len
	expect_scratch_cma
	pass
	;;
esac
fail "unknown stage $kho_stage"
