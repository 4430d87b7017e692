# SPDX-License-Identifier: GPL-2.0
# A tracker that preserves more than the DT names (16 free pages at the top
# of RAM): nobody would claim them, so the next kernel drops the handover
# before it reserves anything, with one line, and boots normally with the
# 16 pages free.
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
	expect_log "kho: handover disabled" 1
	expect_log "kho: handover disabled: the tracker preserves other pages than the DT accounts for\$" 1
	expect_log "kho_test: restored" 0
	[ -e /sys/firmware/kho/dt ] && fail "a dropped handover is in /sys/firmware/kho/dt"
	diff=$(($(meminfo MemTotal) - kho_expect_memtotal))
	[ ${diff#-} -le $((kho_expect_memtotal / 100)) ] ||
		fail "MemTotal $(meminfo MemTotal) kB, before $kho_expect_memtotal kB"
	pass
	;;
esac
fail "unknown stage $kho_stage"
