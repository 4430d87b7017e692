# SPDX-License-Identifier: GPL-2.0
# /chosen names a DT copy beyond the end of RAM (as after a mem= that trims
# memory, or from a hostile loader): the handover is dropped with one line
# before the DT is ever mapped, and the kernel boots normally. No kexec:
# qemu boots the kernel with this /chosen.
# dt: / { chosen { linux,kho-dt = <0x1 0x0 0x0 0x10000>; linux,kho-scratch = <0x0 0x40000000 0x0 0x20000000>; }; };
# timeout: 120
# tier: gate

expect_log "kho: handover disabled" 1
expect_log "kho: handover disabled: the DT segment is not in the memory this kernel maps\$" 1
[ -e /sys/firmware/kho/dt ] && fail "a dropped handover is in /sys/firmware/kho/dt"
expect_log "kho_test: restored" 0
pass
