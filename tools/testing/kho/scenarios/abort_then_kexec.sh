# SPDX-License-Identifier: GPL-2.0
# Activate, abort, then load and kexec: the next kernel gets no handover
# and is a normal boot.
# cmdline: kho_scratch=64M kho_test.enable=1
# timeout: 300
# tier: gate

case "$kho_stage" in
"")
	expect_write $KHO/active 1
	expect_write $KHO/active 0
	kexec_load 2
	kexec -e
	fail "kexec -e returned"
	;;
2)
	for p in linux,kho-dt linux,kho-scratch; do
		fdt_hex /chosen $p > /dev/null && fail "/chosen/$p after an abort"
	done
	[ -e /sys/firmware/kho/dt ] && fail "/sys/firmware/kho/dt after an abort"
	expect_log "kho: handover" 0
	expect_log "kho_test: restored" 0
	pass
	;;
esac
fail "unknown stage $kho_stage"
