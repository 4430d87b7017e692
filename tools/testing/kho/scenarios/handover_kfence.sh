# SPDX-License-Identifier: GPL-2.0
# KFENCE samples every allocation it can (kfence.sample_interval=1), and one
# of kho_test's ranges is a kmalloc() buffer KFENCE served in a first boot:
# the next kernel, whose own KFENCE pool is elsewhere, gets it whole, and
# hands it on to a third. That one returns it (kho_test.forward=0), so the
# fourth allocates its ranges afresh; in a KHO boot arm64 allocates the
# KFENCE pool while memblock allocates from the scratch region only, so
# such a buffer lies in the region, and activation is refused with one line
# naming the node.
# cmdline: kho_scratch=64M kho_test.enable=1 kho_test.kfence=1 kfence.sample_interval=1
# needs: KFENCE
# timeout: 600
# kernels: test debian
# tier: full

stage=${kho_stage:-1}
case "$stage" in
1)	expect_log "kho_test: range 0 is a kmalloc\(\) buffer in KFENCE's pool" 1 ;;
2|3)	expect_log "kho: handover disabled" 0
	expect_log "kho_test: restored 1028 ranges, 67130856 bytes: ok" 1 ;;
4)	expect_log "kho: handover disabled" 0
	expect_log "kho_test: range 0 is a kmalloc\(\) buffer in KFENCE's pool" 1
	expect_write_error $KHO/active 1 "Invalid argument"
	expect_log "kho: node 'kho_test': mem entry 0, pages \[0x[0-9a-f]+-0x[0-9a-f]+\), overlaps the scratch region" 1
	expect_eq active "$(cat $KHO/active)" 0
	pass ;;
esac
expect_write $KHO/active 1
case "$stage" in
2)	kexec_load 3 "kho_test.forward=0" ;;
3)	kexec_load_without "kho_test.forward=*" 4 ;;
*)	kexec_load $((stage + 1)) ;;
esac
kexec -e
fail "kexec -e returned in kernel $stage"
