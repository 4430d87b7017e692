# SPDX-License-Identifier: GPL-2.0
# A memfd node whose file map lies in the scratch region, which is not handed
# over, is found malformed when the kernel takes the handover in, before
# the map is read: it holds nothing, its folios go back to the page
# allocator, and RETRIEVE refuses it with EINVAL and one line.
# cmdline: kho_scratch=64M
# timeout: 300
# tier: full
# covers: corruption memfd

if [ -z "$kho_stage" ]; then
	kho-memfd hold 8388731 > /tmp/hold.out &
	wait_holder /tmp/hold.out
	expect_write $KHO/active 1
	expect_write /sys/kernel/debug/kho/corrupt memfd_map
	kexec_load 2 "kho_expect_memtotal=$(meminfo MemTotal)"
	kexec -e
	fail "kexec -e returned"
fi
expect_log "kho: handover disabled" 0
expect_eq "handed-over memfds" "$(cat /sys/firmware/kho/memfds)" "0x42 8388731 2049 malformed"
[ -s /sys/kernel/debug/kho/memfd_folios ] && fail "a malformed memfd lists folios"
out=$(kho-memfd retrieve 8388731 2>&1) && fail "RETRIEVE of a damaged memfd succeeded"
case "$out" in
*"Invalid argument"*) ;;
*) fail "RETRIEVE of a damaged memfd: $out" ;;
esac
expect_log "kho: memfd: memfd 0x42 of the handover is not retrieved: a page of its file map is not handed over\$" 1
# Its 8 MiB went back to the page allocator with the handover's other free pages.
diff=$(($(meminfo MemTotal) - kho_expect_memtotal))
[ ${diff#-} -le $((kho_expect_memtotal / 100)) ] ||
	fail "MemTotal $(meminfo MemTotal) kB, before $kho_expect_memtotal kB"
pass
