# SPDX-License-Identifier: GPL-2.0
# The example program of Documentation/kho/index.rst ("Preserving user
# memory"), built from that page, does what the page says across a kexec.
# cmdline: kho_scratch=64M
# timeout: 300
# tier: full
# covers: memfd

if [ -z "$kho_stage" ]; then
	guest-memory save &
	i=0
	until [ -n "$(cat $KHO/memfds)" ] || [ $i -gt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	expect_eq "preserved memfds" "$(cat $KHO/memfds)" "0x6775657374 268435456 65536"
	out=$(kho activate 2>&1) || fail "kho activate: $out"
	kexec_load 2
	kexec -e
	fail "kexec -e returned"
fi
kho status --incoming
expect_eq "guest-memory restore" "$(guest-memory restore)" "the guest was here"
expect_eq "handed-over memfds" "$(cat /sys/firmware/kho/memfds)" \
	"0x6775657374 268435456 65536 retrieved"
pass
