# SPDX-License-Identifier: GPL-2.0
# Every bad write is refused with its errno and changes nothing.
# cmdline: kho_scratch=64M kho_test.enable=1
# tier: gate

expect_write_error $KHO/active 2 "Invalid argument"
expect_write_error $KHO/active "" "Invalid argument"
expect_eq active "$(cat $KHO/active)" 0
expect_log "kho_test: serialized" 0

expect_write_error $KHO/dt_max foo "Invalid argument"
expect_write_error $KHO/dt_max 0 "Invalid argument"
expect_write_error $KHO/dt_max 0x40000001 "Invalid argument"
expect_write_error $KHO/dt_max 99999999999999999999 "Invalid argument"
expect_eq dt_max "$(cat $KHO/dt_max)" 0xa00000
expect_write_error $KHO/scratch_len 0 "Permission denied"
expect_write_error $KHO/scratch_phys 0 "Permission denied"

# A DT buffer too small for kho_test's node: ENOSPC, and nothing changes.
expect_write $KHO/dt_max 256
expect_eq dt_max "$(cat $KHO/dt_max)" 0x100
expect_write_error $KHO/active 1 "No space left on device"
expect_eq active "$(cat $KHO/active)" 0
[ -e $KHO/dt ] && fail "$KHO/dt exists after a failed activation"
expect_log "kho: activation failed: the DT outgrew dt_max \(256 bytes\)" 1
expect_log "kho_test: handover aborted" 1

# A buffer larger than free memory: ENOMEM, one line, no OOM kill.
expect_write $KHO/dt_max 0x40000000
expect_write_error $KHO/active 1 "Cannot allocate memory"
expect_log "kho: activation failed: no memory for a DT of dt_max \(1073741824 bytes\)" 1
expect_eq active "$(cat $KHO/active)" 0
expect_log "kho_test: handover aborted" 1

# Room again: activation works, and dt_max is frozen while active.
expect_write $KHO/dt_max 0x10000
expect_write $KHO/active 1
expect_eq active "$(cat $KHO/active)" 1
expect_write_error $KHO/dt_max 0x20000 "Device or resource busy"
expect_eq dt_max "$(cat $KHO/dt_max)" 0x10000
expect_write_error $KHO/active 2 "Invalid argument"
expect_eq active "$(cat $KHO/active)" 1
expect_write $KHO/active 0
expect_write $KHO/dt_max 0x20000
expect_eq dt_max "$(cat $KHO/dt_max)" 0x20000
pass
