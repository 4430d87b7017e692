# SPDX-License-Identifier: GPL-2.0
# A memfd nobody retrieves stays reserved (KPF_RESERVED on every page of
# its folios) and listed as waiting; FINISH gives every page back to the page
# allocator, with one line, and RETRIEVE gets ENOENT after it.
# cmdline: kho_scratch=64M
# timeout: 300
# tier: full
# covers: memfd

if [ -z "$kho_stage" ]; then
	kho-memfd hold 8388731 > /tmp/hold.out &
	wait_holder /tmp/hold.out
	expect_write $KHO/active 1
	kexec_load 2
	kexec -e
	fail "kexec -e returned"
fi
expect_eq "handed-over memfds" "$(cat /sys/firmware/kho/memfds)" "0x42 8388731 2049 waiting"
runs=$(memfd_runs)
[ -n "$runs" ] || fail "the memfd has no folio in its file map"
expect_eq "pages of the runs" "$(echo "$runs" | kho-memfd reserved)" "2049 of 2049 pages reserved"
out=$(kho-memfd finish) || fail "$out"
expect_log "kho: memfd: 1 memfds of the handover not retrieved were freed\$" 1
expect_eq "handed-over memfds" "$(cat /sys/firmware/kho/memfds)" "0x42 8388731 2049 freed"
expect_eq "pages of the runs" "$(echo "$runs" | kho-memfd reserved)" "0 of 2049 pages reserved"
out=$(kho-memfd retrieve 8388731 2>&1) && fail "RETRIEVE after FINISH succeeded"
echo "$(echo "$runs" | grep -c .) folios reserved while waiting, given back by FINISH"
pass
