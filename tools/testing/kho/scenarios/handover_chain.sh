# SPDX-License-Identifier: GPL-2.0
# A chain of three kexecs (four kernels): kho_test's data, handed on by each
# kernel, is verified in every one; all use the same scratch region; and the
# last one's /chosen holds exactly one (address, size) pair per property.
# cmdline: kho_scratch=64M kho_test.enable=1
# boots: direct efi-dt efi-acpi
# timeout: 600
# kernels: test debian
# tier: gate test
# covers: chain uefi_dt uefi_acpi debian

stage=${kho_stage:-1}
if [ "$stage" = 1 ]; then
	scratch="$(cat $KHO/scratch_phys),$(cat $KHO/scratch_len)"
else
	scratch=$kho_expect_scratch
	expect_log "kho_test: restored 1028 ranges, 67130856 bytes: ok" 1
	expect_log "kho: handover disabled" 0
	expect_eq "scratch in kernel $stage" \
		"$(cat $KHO/scratch_phys),$(cat $KHO/scratch_len)" "$scratch"
fi
echo "kernel $stage: scratch $scratch"

if [ "$stage" = 4 ]; then
	for p in linux,kho-dt linux,kho-scratch; do
		chosen_range $p > /dev/null
	done
	pass
fi

expect_write $KHO/active 1
kexec_load $((stage + 1)) "kho_expect_scratch=$scratch"
kexec -e
fail "kexec -e returned in kernel $stage"
