# SPDX-License-Identifier: GPL-2.0
# A mem cache that lists more than the DT names (a 64K-page kernel's whole
# blocks before a 4K-page one, or a damaged cache): the next kernel
# reserves the extra pages with the rest, finds that no "mem" entry names
# them, frees them and says how many. The handover itself is kept.
# cmdline: kho_scratch=64M kho_test.enable=1
# timeout: 300
# kernels: test debian
# tier: full

case "$kho_stage" in
"")
	expect_write $KHO/active 1
	expect_write /sys/kernel/debug/kho/corrupt unnamed
	kexec_load 2 "kho_expect_memtotal=$(meminfo MemTotal)"
	kexec -e
	fail "kexec -e returned"
	;;
2)
	expect_log "kho: handover disabled" 0
	expect_log "kho: 16 pages the mem cache listed and the DT does not name were freed, the first at 0x[0-9a-f]+\$" 1
	expect_log "kho_test: restored 1028 ranges, [0-9]+ bytes: ok" 1
	first=$(dmesg | sed -n 's/.*does not name were freed, the first at \(0x[0-9a-f]*\)$/\1/p')
	page=$(page_size)
	expect_reserved "the 16 pages" "$first" $((16 * page)) none
	pass
	;;
esac
fail "unknown stage $kho_stage"
