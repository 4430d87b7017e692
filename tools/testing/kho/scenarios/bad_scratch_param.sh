# SPDX-License-Identifier: GPL-2.0
# A malformed kho_scratch= is reported once and ignored: no scratch region.
# cmdline: kho_scratch=64Q
# tier: gate

expect_log "kho: kho_scratch=64Q: not a size, KHO is unavailable" 1
expect_eq scratch_len "$(cat $KHO/scratch_len)" 0x0
expect_write_error $KHO/active 1 "Cannot allocate memory"
pass
