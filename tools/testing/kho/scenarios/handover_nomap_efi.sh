# SPDX-License-Identifier: GPL-2.0
# A mem cache entry in memory the kernel does not map: here a region the
# EFI memory map keeps for firmware (runtime services, ACPI tables), which
# arm64 marks NOMAP. It is memory to memblock but no RAM to hand over:
# claiming it would return an unmapped address. The next kernel drops the
# handover. (handover_nomap does the same with a no-map carve-out.)
# cmdline: kho_scratch=64M kho_test.enable=1
# boots: efi-dt efi-acpi
# timeout: 300
# kernels: test debian
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
