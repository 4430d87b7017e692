# SPDX-License-Identifier: GPL-2.0
# A mem cache entry in memory the kernel does not map (a no-map
# reserved-memory node here, the EFI memory map's NOMAP regions on a UEFI
# machine) is memory to memblock but no RAM to hand over: claiming it
# would return an unmapped address. The next kernel drops the handover.
# cmdline: kho_scratch=64M kho_test.enable=1
# dt: / { reserved-memory { #address-cells = <2>; #size-cells = <2>; ranges; firmware@7f000000 { reg = <0x0 0x7f000000 0x0 0x100000>; no-map; }; }; };
# timeout: 300
# tier: full

case "$kho_stage" in
"")
	expect_write $KHO/active 1
	expect_write /sys/kernel/debug/kho/corrupt nomap
	kexec_load 2
	kexec -e
	fail "kexec -e returned"
	;;
2)
	expect_log "kho: handover disabled" 1
	expect_log "kho: handover disabled: the tracker preserves pages outside the RAM this kernel maps\$" 1
	expect_log "kho_test: restored" 0
	[ -e /sys/firmware/kho/dt ] && fail "/sys/firmware/kho/dt exists"
	pass
	;;
esac
fail "unknown stage $kho_stage"
