# SPDX-License-Identifier: GPL-2.0
# /chosen names a handover in the format before the tracker (with
# linux,kho-mem, the mem cache): this kernel does not read it, says so in
# one line naming the format, and boots normally. No kexec: qemu boots the
# kernel with this /chosen.
# dt: / { chosen { linux,kho-dt = <0x0 0x7e000000 0x0 0x10000>; linux,kho-scratch = <0x0 0x40000000 0x0 0x20000000>; linux,kho-mem = <0x0 0x7e100000 0x0 0x1000>; }; };
# timeout: 120
# tier: full
# kernels: test

expect_log "kho: handover disabled" 1
expect_log "kho: handover disabled: /chosen has linux,kho-mem: a handover of the format before kho-tracker-v1\$" 1
[ -e /sys/firmware/kho/dt ] && fail "a dropped handover is in /sys/firmware/kho/dt"
pass
