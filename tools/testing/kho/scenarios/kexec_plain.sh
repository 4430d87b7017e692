# SPDX-License-Identifier: GPL-2.0
# A plain kexec with KHO inactive: kexec -s -l, kexec -e, and the second
# kernel reaches user space.
# cmdline: kho_scratch=64M kho_test.enable=1
# boots: direct efi-dt efi-acpi
# timeout: 300
# kernels: test debian
# tier: gate
# covers: uefi_dt uefi_acpi debian
# smp: 2

case "$kho_stage" in
"")
	expect_eq active "$(cat $KHO/active)" 0
	kexec_load 2
	# The default 16 MiB of CMA holds some segments, not all: the report
	# counts the others.
	expect_eq "bytes to copy" "$(kimage_info image copy_bytes)" \
		"$(segments_bytes image copy)"
	echo "kernel 1: kexec -e"
	kexec -e
	fail "kexec -e returned"
	;;
2)
	grep -q "kho_stage=2" /proc/cmdline || fail "not booted by kexec"
	expect_eq active "$(cat $KHO/active)" 0
	expect_eq scratch_len "$(($(cat $KHO/scratch_len)))" "$(scratch_param_bytes)"
	echo "kernel 2: up"
	pass
	;;
esac
fail "unknown stage $kho_stage"
