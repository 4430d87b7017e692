# SPDX-License-Identifier: GPL-2.0
# Activate, abort, then load and kexec: the next kernel gets no handover.
# cmdline: kho_scratch=64M kho_test.enable=1
# timeout: 300

case "$kho_stage" in
"")
	expect_write $KHO/active 1
	expect_write $KHO/active 0
	kexec_load 2
	kexec -e
	fail "kexec -e returned"
	;;
2)
	for p in linux,kho-dt linux,kho-scratch linux,kho-mem; do
		[ -e /proc/device-tree/chosen/$p ] && fail "/chosen/$p after an abort"
	done
	pass
	;;
esac
fail "unknown stage $kho_stage"
