# SPDX-License-Identifier: GPL-2.0
# One hop with Debian's kexec-tools: kho_test's 64 MiB in 1028 ranges are
# verified in kernel 2, /sys/firmware/kho/dt there is byte-identical to
# /sys/kernel/kho/dt read in kernel 1, the scratch region is inherited, and
# a claim of memory that was not handed over is refused. In both kernels
# the scratch region is CMA memory, whole pageblocks of it, and counted in
# CmaTotal.
# cmdline: kho_scratch=64M kho_test.enable=1
# boots: direct efi-dt efi-acpi
# timeout: 300
# kernels: test debian
# tier: gate
# covers: handover uefi_dt uefi_acpi debian
# smp: 2

case "$kho_stage" in
"")
	[ -e /sys/firmware/kho/dt ] && fail "/sys/firmware/kho/dt on a normal boot"
	expect_scratch_cma
	expect_write $KHO/active 1
	hash=$(sha256sum $KHO/dt | cut -d' ' -f1)
	kexec_load 2 "kho_expect_dt=$hash kho_expect_scratch=$(cat $KHO/scratch_phys),$(cat $KHO/scratch_len)"
	kexec -e
	fail "kexec -e returned"
	;;
2)
	expect_log "kho: handover: [0-9]+ regions reserved" 1
	expect_log "kho_test: restored 1028 ranges, 67130856 bytes: ok" 1
	expect_log "kho: handover disabled" 0
	expect_log "kho: claim of \[0x0\+0x1000\) refused: not handed over" 1
	expect_log "claim of memory not handed over: FAILED" 0
	expect_log "kho_scratch=: [0-9]+ MiB fit in the inherited scratch region of [0-9]+ MiB, which the next handover reuses" 1
	[ -e /sys/firmware/kho/dt ] || fail "no /sys/firmware/kho/dt"
	expect_mode /sys/firmware/kho/dt 400
	expect_eq "DT hash" "$(sha256sum /sys/firmware/kho/dt | cut -d' ' -f1)" "$kho_expect_dt"
	expect_eq scratch "$(cat $KHO/scratch_phys),$(cat $KHO/scratch_len)" "$kho_expect_scratch"
	# Also after deferred struct page init, which frees pages as movable.
	expect_scratch_cma
	dtc -I dtb -O dts /sys/firmware/kho/dt > /dev/null 2>&1 || fail "dtc rejects /sys/firmware/kho/dt"
	pass
	;;
esac
fail "unknown stage $kho_stage"
