# SPDX-License-Identifier: GPL-2.0
# A second memfd node with the file map of the first (the tracker still
# preserves what the DT accounts for, but two memfds name the same folios):
# each is refused at RETRIEVE with EINVAL and one line, before any page
# changes hands; both are listed malformed then, and FINISH frees what they
# name, each page once both references are dropped.
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
both()
{
	expect_eq "handed-over memfds" "$(cat /sys/firmware/kho/memfds)" "0x42 67108864 16384 $1
0x43 67108864 16384 $2"
}
both waiting waiting
runs=$(memfd_runs)
expect_eq "pages of the folios" "$(echo "$runs" | kho-memfd reserved)" "32768 of 32768 pages reserved"
for token in 0x42 0x43; do
	out=$(KHO_MEMFD_TOKEN=$token kho-memfd retrieve 64M 2>&1) &&
		fail "RETRIEVE of memfd $token, whose folios another names, succeeded"
	case "$out" in
	*"Invalid argument"*) ;;
	*) fail "RETRIEVE of memfd $token: $out" ;;
	esac
	expect_log "kho: memfd: memfd $token of the handover is not retrieved: a folio is not memory handed over to it alone\$" 1
done
both malformed malformed
expect_eq "pages of the folios" "$(echo "$runs" | kho-memfd reserved)" "32768 of 32768 pages reserved"
out=$(kho-memfd finish) || fail "$out"
expect_log "kho: memfd: 2 memfds of the handover not retrieved were freed\$" 1
both freed freed
# Each page two memfds name: both references are dropped.
expect_eq "pages of the folios" "$(echo "$runs" | kho-memfd reserved)" "0 of 32768 pages reserved"
pass
