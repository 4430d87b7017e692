# SPDX-License-Identifier: GPL-2.0
# A reusable CMA pool the DT confines to the lowest 256 MiB of memory (as
# on boards whose devices reach no higher), and a scratch region at the
# top of memory: the next kernel, allocating from the scratch region only,
# cannot place the pool. It drops the handover with a line that says so,
# rather than that the region is full, and boots as a normal boot would:
# the pool where the DT wants it, a new scratch region, nothing restored.
# cmdline: kho_scratch=64M kho_test.enable=1
# dt: / { reserved-memory { #address-cells = <2>; #size-cells = <2>; ranges; lowpool { compatible = "shared-dma-pool"; reusable; size = <0x0 0x400000>; alloc-ranges = <0x0 0x40000000 0x0 0x10000000>; }; }; };
# timeout: 300
# tier: full

case "$kho_stage" in
"")
	expect_write $KHO/active 1
	kexec_load 2
	kexec -e
	fail "kexec -e returned"
	;;
2)
	expect_log "kho: handover disabled: an early allocation of 4194304 bytes must lie in \[0x0*40000000-0x0*50000000\), and too little of the scratch region 0x[0-9a-f]+\+0x4000000 does" 1
	expect_log "kho: handover disabled" 1
	expect_log "kho_test: restored" 0
	[ -e /sys/firmware/kho/dt ] && fail "/sys/firmware/kho/dt after a dropped handover"
	pool=$(dmesg | sed -n 's/.*Reserved memory: created CMA memory pool at \(0x[0-9a-f]*\), size 4 MiB.*/\1/p')
	expect_inside "the CMA pool" $((pool)) 4194304 0x40000000 0x10000000
	expect_log "kho: scratch region 0x[0-9a-f]+, 0x0*4000000 bytes" 1
	pass
	;;
esac
fail "unknown stage $kho_stage"
