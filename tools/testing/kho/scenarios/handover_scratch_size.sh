# SPDX-License-Identifier: GPL-2.0
# The scratch region's size. Kernel 1, with a 16 MiB region smaller than
# its own early boot took, refuses activation with ENOSPC and one line that
# gives the size needed. Kernel 2, booted by a plain kexec with a region
# just that large (and rodata=off: block mappings, few page tables), hands
# over. Kernel 3 maps its 8 GiB page by page (rodata=full), which takes
# 16 MiB of page tables more: it drops the handover with one line and boots
# normally. A kernel with KFENCE maps memory page by page whatever rodata=
# says unless KFENCE's pool is allocated early (arm64 keeps the linear map
# splittable for a late pool): kernels 1 and 2 ask for an early pool,
# kernel 3 for none.
# cmdline: kho_scratch=16M kho_test.enable=1 rodata=off kfence.sample_interval=100
# mem: 8G
# timeout: 300
# kernels: test debian
# tier: full

# kexec_with STAGE PARAMS: load this kernel, PARAMS replacing kho_scratch=
# rodata= and kfence.*.
kexec_with()
{
	kexec_load_without "kho_scratch=* rodata=* kfence.*" "$1" "$2"
	kexec -e
	fail "kexec -e returned"
}

case "$kho_stage" in
"")
	expect_write_error $KHO/active 1 "No space left on device"
	line="kho: cannot activate: the next kernel needs [0-9]+ MiB of scratch early in boot, the region has 16 MiB: boot with kho_scratch=[0-9]+M or kho_scratch=auto"
	expect_log "$line" 1
	expect_eq active "$(cat $KHO/active)" 0
	expect_log "kho_test: handover aborted" 1
	need=$(dmesg | sed -n 's/.*the next kernel needs \([0-9]*\) MiB.*/\1/p')
	echo "kernel 1: the next kernel needs $need MiB of scratch"
	kexec_with 2 "kho_scratch=$((need + 2))M rodata=off kfence.sample_interval=100"
	;;
2)
	expect_log "kho: handover" 0
	got=$(($(cat $KHO/scratch_len) >> 20))
	echo "kernel 2: scratch region of $got MiB"
	expect_write $KHO/active 1
	kexec_with 3 "rodata=full kfence.sample_interval=0 kho_expect_scratch=$got"
	;;
3)
	expect_log "kho: handover disabled: the scratch region of $kho_expect_scratch MiB is full \([0-9]+ MiB used, [0-9]+ bytes more asked for\): boot the previous kernel with a larger kho_scratch= or kho_scratch=auto" 1
	expect_log "kho: handover disabled" 1
	expect_log "kho: handover: " 0
	expect_log "kho_test: restored" 0
	[ -e /sys/firmware/kho/dt ] && fail "a dropped handover is in /sys/firmware/kho/dt"
	pass
	;;
esac
fail "unknown stage $kho_stage"
