# SPDX-License-Identifier: GPL-2.0
# A memfd preserved through /dev/kho by a process that stays alive across
# the activation comes back in the next kernel: size, seals, every byte, on
# the very pages the previous kernel pinned (no copy); listed waiting, then
# retrieved; a second RETRIEVE gets ENOENT and FINISH works. kho status
# shows the node (no "mem" entry, its pages counted from kho-pages) and the
# memfd on both sides; its pages are reserved while it waits.
# cmdline: kho_scratch=64M
# timeout: 300
# kernels: test debian
# tier: gate test
# covers: memfd debian

if [ -z "$kho_stage" ]; then
	kho-memfd hold 8388731 > /tmp/hold.out &
	wait_holder /tmp/hold.out
	expect_eq "preserved memfds" "$(cat $KHO/memfds)" "0x42 8388731 2049"
	expect_write $KHO/active 1
	kho status > /tmp/status || fail "kho status failed"
	cat /tmp/status
	grep -q '^  active     yes$' /tmp/status || fail "kho status: not active"
	grep -Eq '^    memfd-0000000000000042 +kho-memfd-v2 +0 entries +8\.0 MiB$' \
		/tmp/status || fail "kho status: no line for the memfd's node"
	grep -Eq '^    token 0x42 +8388731 bytes +2049 pages$' /tmp/status ||
		fail "kho status: no line for the preserved memfd"
	kexec_load 2
	kexec -e
	fail "kexec -e returned"
fi
expect_eq "handed-over memfds" "$(cat /sys/firmware/kho/memfds)" "0x42 8388731 2049 waiting"
# kho status --incoming LINE: its output has a line matching LINE (ERE).
expect_status_line()
{
	kho status --incoming > /tmp/status || fail "kho status --incoming failed"
	grep -Eq "^$1\$" /tmp/status || fail "kho status --incoming has no line '$1': $(cat /tmp/status)"
}
expect_status_line '    memfd-0000000000000042 +kho-memfd-v2 +0 entries +8\.0 MiB +0 B still reserved'
expect_status_line '    token 0x42 +8388731 bytes +2049 pages waiting'
memfd_runs > /tmp/runs
expect_eq "pages of its folios" "$(kho-memfd reserved < /tmp/runs)" "2049 of 2049 pages reserved"
out=$(kho-memfd retrieve -p /tmp/got 8388731) || fail "kho-memfd retrieve: $out"
expect_eq "handed-over memfds" "$(cat /sys/firmware/kho/memfds)" "0x42 8388731 2049 retrieved"
expect_status_line '    token 0x42 +8388731 bytes +2049 pages retrieved'
cat /tmp/status
expect_pages_named /tmp/got 2049 /tmp/runs
expect_eq "pages of its folios" "$(kho-memfd reserved < /tmp/runs)" "0 of 2049 pages reserved"
echo "$out; every page is where its file map named it"
pass
