# SPDX-License-Identifier: GPL-2.0
# A memfd node whose shortest run is moved onto another of its runs (they
# add up to its size, but name pages that are not handed over to each
# alone) is refused at RETRIEVE with EINVAL and one line, before any page
# changes hands; it is listed malformed, and FINISH frees what it names.
# cmdline: kho_scratch=64M
# timeout: 300
# tier: full
# covers: corruption memfd

if [ -z "$kho_stage" ]; then
	kho-memfd hold 64M > /tmp/hold.out &
	wait_holder /tmp/hold.out
	expect_write $KHO/active 1
	expect_write /sys/kernel/debug/kho/corrupt memfd_shared
	kexec_load 2
	kexec -e
	fail "kexec -e returned"
fi
expect_log "kho: handover disabled" 0
expect_eq "handed-over memfds" "$(cat /sys/firmware/kho/memfds)" "0x42 67108864 16384 waiting"
out=$(kho-memfd retrieve 64M 2>&1) && fail "RETRIEVE of a damaged memfd succeeded"
case "$out" in
*"Invalid argument"*) ;;
*) fail "RETRIEVE of a damaged memfd: $out" ;;
esac
expect_log "kho: memfd: memfd 0x42 of the handover is not retrieved: a run is not memory handed over to it alone\$" 1
expect_eq "handed-over memfds" "$(cat /sys/firmware/kho/memfds)" "0x42 67108864 16384 malformed"
runs=$(memfd_runs)
expect_eq "pages of the runs" "$(echo "$runs" | kho-memfd reserved)" "16384 of 16384 pages reserved"
out=$(kho-memfd finish) || fail "$out"
expect_log "kho: memfd: 1 memfds of the handover not retrieved were freed\$" 1
expect_eq "handed-over memfds" "$(cat /sys/firmware/kho/memfds)" "0x42 67108864 16384 freed"
# The pages two runs name included: each reference is dropped.
expect_eq "pages of the runs" "$(echo "$runs" | kho-memfd reserved)" "0 of 16384 pages reserved"
pass
