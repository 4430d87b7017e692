# SPDX-License-Identifier: GPL-2.0
# The guest half of "make bench": one handover of the ranges kho_test was
# told to make; the host reads the timings from the kernel logs.

case "$kho_stage" in
"")
	# A million ranges make a 16 MiB mem property.
	expect_write $KHO/dt_max 0x8000000
	expect_write $KHO/active 1
	kexec_load 2
	kexec -e
	fail "kexec -e returned"
	;;
2)
	expect_log "kho_test: restored [0-9]+ ranges, [0-9]+ bytes: ok" 1
	pass
	;;
esac
fail "unknown stage $kho_stage"
