# SPDX-License-Identifier: GPL-2.0
# Once kho_test has returned the memory it was handed, nothing of the
# handover stays held: MemTotal and MemFree are within 1% of those of a
# normal boot of the same configuration.
# cmdline: kho_scratch=64M kho_test.enable=1
# timeout: 400
# kernels: test debian
# tier: full

# within WHAT GOT WANT: GOT is within 1% of WANT.
within()
{
	local diff=$(($2 - $3))

	[ ${diff#-} -le $(($3 / 100)) ] || fail "$1: $2 kB, normal boot $3 kB"
}

case "$kho_stage" in
"")
	expect_write $KHO/active 1
	kexec_load 2 "kho_test.forward=0"
	kexec -e
	fail "kexec -e returned"
	;;
2)
	expect_log "kho_test: restored 1028 ranges, 67130856 bytes: ok" 1
	expect_log "kho_test: returned 1028 ranges" 1
	sleep 1
	echo "kernel 2: MemTotal $(meminfo MemTotal) kB, free $(mem_free) kB"
	kexec_load 3 "kho_test.enable=0 kho_expect_mem=$(meminfo MemTotal),$(mem_free)"
	kexec -e
	fail "kexec -e returned"
	;;
3)
	# A normal boot: no handover, kho_test idle.
	[ -e /sys/firmware/kho/dt ] && fail "kernel 3 was handed state"
	sleep 1
	echo "kernel 3: MemTotal $(meminfo MemTotal) kB, free $(mem_free) kB"
	within MemTotal ${kho_expect_mem%,*} $(meminfo MemTotal)
	within "MemFree (with per-cpu lists)" ${kho_expect_mem#*,} $(mem_free)
	pass
	;;
esac
fail "unknown stage $kho_stage"
