# SPDX-License-Identifier: GPL-2.0
# With KHO active, kexec_file_load places every segment of the next kernel in
# the scratch region, and /chosen tells the next kernel where the DT copy
# and the scratch region are: one (address, size) pair each. The tracker
# stays in preserved memory, outside the region, named by the DT's root.
# The scratch placement takes precedence over CMA, which could hold them all.
# cmdline: kho_scratch=64M kho_test.enable=1 cma=128M
# timeout: 300
# tier: full

case "$kho_stage" in
"")
	expect_write $KHO/active 1
	kexec_load 2 "kho_expect_scratch=$(cat $KHO/scratch_phys),$(cat $KHO/scratch_len)"
	expect_log "kexec: image loaded: 0 of [0-9]+ segments in CMA" 1
	expect_eq "CMA-backed segments" "$(kimage_info image cma_segments)" 0
	kexec -e
	fail "kexec -e returned"
	;;
2)
	base=${kho_expect_scratch%,*}
	len=${kho_expect_scratch#*,}
	set -- $(chosen_range linux,kho-scratch)
	expect_eq "scratch in /chosen" "$1 $2" "$(printf '0x%016x 0x%016x' $base $len)"
	set -- $(chosen_range linux,kho-dt)
	[ $(($2)) -gt 0 ] || fail "empty DT copy"
	expect_inside "DT copy" $1 $2 $base $len
	[ $(($1 % 65536)) = 0 ] || fail "DT copy at $1 is not 64 KiB aligned"
	[ -e /proc/device-tree/chosen/linux,kho-mem ] &&
		fail "/chosen still has linux,kho-mem"
	tracker=$(dtc -q -I dtb -O dts /sys/firmware/kho/dt |
		sed -n 's/^\tkho-tracker-v1 = <\(.*\)>;$/\1/p')
	[ -n "$tracker" ] || fail "the KHO DT's root has no kho-tracker-v1"
	expect_log "kho: handover: [0-9]+ regions reserved" 1

	# Where the loader put the kernel and the initrd.
	code=$(sed -n 's/^ *\([0-9a-f]*\)-\([0-9a-f]*\) : Kernel code$/0x\1 0x\2/p' /proc/iomem)
	[ -n "$code" ] || fail "no Kernel code in /proc/iomem"
	set -- $code
	expect_inside "kernel code" $1 $(($2 - $1 + 1)) $base $len
	start=$(fdt_hex /chosen linux,initrd-start)
	end=$(fdt_hex /chosen linux,initrd-end)
	expect_inside "initrd" $start $((end - start)) $base $len
	pass
	;;
esac
fail "unknown stage $kho_stage"
