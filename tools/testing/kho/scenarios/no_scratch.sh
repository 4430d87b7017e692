# SPDX-License-Identifier: GPL-2.0
# Without kho_scratch= every file is there, but KHO cannot be activated.
# cmdline: kho_test.enable=1
# tier: gate

for f in active dt_max scratch_phys scratch_len; do
	[ -e $KHO/$f ] || fail "$KHO/$f is missing"
done
[ -e $KHO/dt ] && fail "$KHO/dt exists while inactive"
expect_eq scratch_len "$(cat $KHO/scratch_len)" 0x0
expect_eq scratch_phys "$(cat $KHO/scratch_phys)" 0x0
expect_write_error $KHO/active 1 "Cannot allocate memory"
expect_log "kho: cannot activate: no scratch region, boot with kho_scratch=" 1
expect_eq active "$(cat $KHO/active)" 0
[ -e $KHO/dt ] && fail "$KHO/dt exists after a failed activation"
expect_log "kho_test: serialized" 0
pass
