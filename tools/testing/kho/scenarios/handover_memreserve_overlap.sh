# SPDX-License-Identifier: GPL-2.0
# /chosen names a handover whose DT copy lies in a /memreserve/ entry of
# the boot DT. The DT is freed when the handover is dropped, and the free
# would release the entry with it: the handover is refused before
# anything is reserved for it, and the entry stays reserved whole.
# No kexec: qemu boots the kernel with this DT.
# dt: /memreserve/ 0x70000000 0x100000; / { chosen { linux,kho-dt = <0x0 0x70000000 0x0 0x10000>; linux,kho-scratch = <0x0 0x40000000 0x0 0x20000000>; }; };
# timeout: 120
# tier: full

expect_log "kho: handover disabled" 1
expect_log "kho: handover disabled: the DT overlaps a /memreserve/ entry\$" 1
grep -q '^ *[0-9]*: 0x0*70000000\.\.0x0*700fffff ' /sys/kernel/debug/memblock/reserved ||
	fail "the /memreserve/ entry is no longer reserved whole: $(grep 0x0*700 /sys/kernel/debug/memblock/reserved)"
pass
