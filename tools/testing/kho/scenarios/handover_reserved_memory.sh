# SPDX-License-Identifier: GPL-2.0
# A machine whose firmware sets memory aside in its DT. A static carve-out
# of 64 MiB is not early boot's: a 64 MiB scratch region is not refused
# for it. A reusable CMA pool of 4 MiB that names no place is allocated by
# the next kernel while it allocates from the scratch region only, so it
# lies there; it is counted in CmaTotal once, as its own area.
# cmdline: kho_scratch=64M kho_test.enable=1
# dt: / { reserved-memory { #address-cells = <2>; #size-cells = <2>; ranges; carveout@60000000 { reg = <0x0 0x60000000 0x0 0x4000000>; }; pool { compatible = "shared-dma-pool"; reusable; size = <0x0 0x400000>; }; }; };
# timeout: 300
# tier: full

scratch_kb=$(($(cat $KHO/scratch_len) / 1024))
case "$kho_stage" in
"")
	expect_log "OF: reserved mem: 0x0*60000000\.\.0x0*63ffffff \(65536 KiB\) map non-reusable carveout@60000000" 1
	expect_eq CmaTotal "$(($(meminfo CmaTotal)))" $((16384 + scratch_kb + 4096))
	expect_write $KHO/active 1
	kexec_load 2
	kexec -e
	fail "kexec -e returned"
	;;
2)
	expect_log "kho: handover disabled" 0
	expect_log "kho_test: restored 1028 ranges, 67130856 bytes: ok" 1
	pool=$(dmesg | sed -n 's/.*Reserved memory: created CMA memory pool at \(0x[0-9a-f]*\), size 4 MiB.*/\1/p')
	[ -n "$pool" ] || fail "no CMA pool created"
	expect_inside "the CMA pool" $((pool)) 4194304 \
		$(($(cat $KHO/scratch_phys))) $(($(cat $KHO/scratch_len)))
	# The pool's pageblocks are in the region: counted once.
	expect_scratch_cma
	pass
	;;
esac
fail "unknown stage $kho_stage"
