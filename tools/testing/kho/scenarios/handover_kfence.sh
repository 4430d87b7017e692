# SPDX-License-Identifier: GPL-2.0
# KFENCE samples every allocation it can (kfence.sample_interval=1), and one
# of kho_test's ranges is a kmalloc() buffer KFENCE served in a first boot:
# the next kernel, whose own KFENCE pool is elsewhere, gets it whole, and
# hands it on to a third.
# cmdline: kho_scratch=64M kho_test.enable=1 kho_test.kfence=1 kfence.sample_interval=1
# needs: KFENCE
# timeout: 300

stage=${kho_stage:-1}
case "$stage" in
1)	expect_log "kho_test: range 0 is a kmalloc\(\) buffer in KFENCE's pool" 1 ;;
*)	expect_log "kho: handover disabled" 0
	expect_log "kho_test: restored 1028 ranges, 67130856 bytes: ok" 1
	[ "$stage" = 3 ] && pass ;;
esac
expect_write $KHO/active 1
kexec_load $((stage + 1))
kexec -e
fail "kexec -e returned in kernel $stage"
