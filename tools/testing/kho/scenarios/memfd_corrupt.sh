# SPDX-License-Identifier: GPL-2.0
# A damaged memfd node (its size 0, which leaves every folio of its file map
# outside the file) is found malformed when the kernel takes the handover
# in: it holds nothing, its pages go back to the page allocator, and
# RETRIEVE refuses it with EINVAL and one line.
# cmdline: kho_scratch=64M
# timeout: 300
# tier: gate
# covers: corruption memfd

if [ -z "$kho_stage" ]; then
	kho-memfd hold 8388731 > /tmp/hold.out &
	wait_holder /tmp/hold.out
	expect_write $KHO/active 1
	expect_write /sys/kernel/debug/kho/corrupt memfd_size
	kexec_load 2
	kexec -e
	fail "kexec -e returned"
fi
expect_log "kho: handover disabled" 0
expect_eq "handed-over memfds" "$(cat /sys/firmware/kho/memfds)" "0x42 0 0 malformed"
[ -s /sys/kernel/debug/kho/memfd_folios ] && fail "a malformed memfd lists folios"
out=$(kho-memfd retrieve 8388731 2>&1) && fail "RETRIEVE of a damaged memfd succeeded"
case "$out" in
*"Invalid argument"*) ;;
*) fail "RETRIEVE of a damaged memfd: $out" ;;
esac
expect_log "kho: memfd: memfd 0x42 of the handover is not retrieved: its folios are not in file order within its size\$" 1
expect_eq "handed-over memfds" "$(cat /sys/firmware/kho/memfds)" "0x42 0 0 malformed"
pass
