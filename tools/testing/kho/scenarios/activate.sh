# SPDX-License-Identifier: GPL-2.0
# kho_scratch=64M: the scratch region is the CMA area "kho", the files have
# their modes, and activation exposes a DT that Debian's dtc and fdtdump read.
# cmdline: kho_scratch=64M kho_test.enable=1
# tier: gate

expect_mode $KHO/active 600
expect_mode $KHO/dt_max 600
expect_mode $KHO/scratch_phys 400
expect_mode $KHO/scratch_len 400
expect_eq dt_max "$(cat $KHO/dt_max)" 0xa00000
expect_eq scratch_len "$(cat $KHO/scratch_len)" 0x4000000

# What the CMA allocator itself reports about the area named "kho".
cma=/sys/kernel/debug/cma/kho
[ -d $cma ] || fail "no CMA area named kho"
phys=$(printf '0x%x' $(($(cat $cma/base_pfn) * 4096)))
expect_eq scratch_phys "$(cat $KHO/scratch_phys)" "$phys"
expect_eq "CMA pages" "$(cat $cma/count)" 16384
expect_log "kho: scratch region $(printf '0x%016x' $phys), 0x0000000004000000 bytes\$" 1

expect_eq active "$(cat $KHO/active)" 0
[ -e $KHO/dt ] && fail "$KHO/dt exists while inactive"
expect_write $KHO/active 1
expect_eq active "$(cat $KHO/active)" 1
expect_mode $KHO/dt 400
expect_log "kho_test: serialized 1028 ranges" 1

cat $KHO/dt > /tmp/dt.dtb
expect_eq "dt size" "$(stat -c %s /tmp/dt.dtb)" "$(stat -c %s $KHO/dt)"
dtc -I dtb -O dts -o /tmp/dt.dts /tmp/dt.dtb 2>/tmp/dtc.err ||
	fail "dtc cannot decode the DT: $(cat /tmp/dtc.err)"
cat /tmp/dt.dts
grep -q 'compatible = "kho-v1";' /tmp/dt.dts || fail "root is not kho-v1"
grep -q 'kho_test {' /tmp/dt.dts || fail "no kho_test node"
grep -q 'compatible = "kho-test-v1";' /tmp/dt.dts || fail "kho_test node has no compatible"
grep -q 'mem = ' /tmp/dt.dts || fail "kho_test node has no mem property"
fdtdump /tmp/dt.dtb > /tmp/dt.dump 2>&1 || fail "fdtdump rejects the DT"
grep -q 'kho-test-v1' /tmp/dt.dump || fail "fdtdump does not show kho_test"

expect_write $KHO/active 1
expect_log "kho_test: serialized 1028 ranges" 1
expect_write $KHO/active 0
expect_eq active "$(cat $KHO/active)" 0
[ -e $KHO/dt ] && fail "$KHO/dt still exists after abort"
expect_log "kho_test: handover aborted" 1
pass
