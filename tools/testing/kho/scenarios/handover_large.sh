# SPDX-License-Identifier: GPL-2.0
# A 16 GiB guest with its linear map in pages (rodata=full, Debian's
# default): kho_scratch=auto sizes the scratch region from this kernel's
# early boot, and the next kernel, whose page tables alone take 32 MiB of
# it, keeps the handover whole. Prints what early boot took of the region
# (Documentation/kho, "Sizing the scratch region").
# cmdline: kho_scratch=auto kho_test.enable=1 rodata=full
# mem: 16G
# timeout: 400
# kernels: test debian
# tier: full

case "$kho_stage" in
"")
	expect_log "kho: kho_scratch=auto: [0-9]+ MiB, 2 times the [0-9]+ MiB early boot took, plus 16 MiB" 1
	dmesg | sed -n 's/.*kho: \(kho_scratch=auto: .*\)/kernel 1: \1/p'
	expect_write $KHO/active 1
	kexec_load 2
	kexec -e
	fail "kexec -e returned"
	;;
2)
	expect_log "kho: handover: [0-9]+ regions reserved" 1
	expect_log "kho: handover disabled" 0
	expect_log "kho_test: restored 1028 ranges, 67130856 bytes: ok" 1
	free=$(dmesg | sed -n 's/.*kho: scratch region: \([0-9]*\) of \([0-9]*\) pages free/\1 \2/p')
	[ -n "$free" ] || fail "no scratch usage in the log"
	set -- $free
	echo "kernel 2: early boot took $(((($2 - $1) * 4096) >> 20)) MiB of the $((($2 * 4096) >> 20)) MiB scratch region"
	pass
	;;
esac
fail "unknown stage $kho_stage"
