# SPDX-License-Identifier: GPL-2.0
# /chosen names a handover whose DT copy lies in a reserved-memory
# carve-out. The DT is freed when the handover is dropped, and the free
# would release the carve-out with it: the handover is refused before
# anything is reserved for it, and the carve-out stays reserved whole.
# No kexec: qemu boots the kernel with this /chosen.
# dt: / { reserved-memory { #address-cells = <2>; #size-cells = <2>; ranges; carveout@70000000 { reg = <0x0 0x70000000 0x0 0x100000>; }; }; chosen { linux,kho-dt = <0x0 0x70000000 0x0 0x10000>; linux,kho-scratch = <0x0 0x40000000 0x0 0x20000000>; }; };
# timeout: 120
# tier: full

expect_log "kho: handover disabled" 1
expect_log "kho: handover disabled: the DT overlaps a reserved-memory node\$" 1
grep -q '^ *[0-9]*: 0x0*70000000\.\.0x0*700fffff ' /sys/kernel/debug/memblock/reserved ||
	fail "the carve-out is no longer reserved whole: $(grep 0x0*700 /sys/kernel/debug/memblock/reserved)"
pass
