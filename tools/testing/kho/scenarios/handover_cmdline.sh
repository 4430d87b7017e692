# SPDX-License-Identifier: GPL-2.0
# Command lines that boot on a plain kexec boot with a handover: a chain of
# kernels, each booted with other parameters. memblock=debug, nokaslr with
# rodata=off, kfence.sample_interval=1, and a mem= that ends right above
# the scratch region keep the handover whole (kho_test verifies its data in
# each); a mem= that ends inside the scratch region, and then one that ends
# below it, drop it with one log line and boot normally.
# cmdline: kho_scratch=64M kho_test.enable=1
# timeout: 900
# kernels: test debian
# tier: full

# kexec_next STAGE PARAMS: load this kernel with this scenario's parameters
# replaced by PARAMS.
kexec_next()
{
	expect_write $KHO/active 1
	kexec_load_without "mem=* memblock=* nokaslr rodata=* kfence.*" "$1" "$2"
	echo "kernel $stage: kexec into $2"
	kexec -e
	fail "kexec -e returned in kernel $stage"
}

# mem_to OFFSET: a mem= that keeps the memory below the scratch region's
# start plus OFFSET MiB (negative: below the start).
mem_to()
{
	local ram scratch

	ram=0x$(sed -n 's/^\([0-9a-f]*\)-[0-9a-f]* : System RAM$/\1/p' /proc/iomem | head -1)
	scratch=$(cat $KHO/scratch_phys)
	echo "mem=$((((scratch - ram) >> 20) + $1))M"
}

kept()
{
	expect_log "kho: handover: [0-9]+ regions reserved" 1
	expect_log "kho: handover disabled" 0
	expect_log "kho_test: restored 1028 ranges, 67130856 bytes: ok" 1
	for p in $1; do
		grep -qw "$p" /proc/cmdline || fail "kernel $stage: no $p"
	done
}

dropped()
{
	grep -qw "$1" /proc/cmdline || fail "kernel $stage: no $1"
	expect_log "kho: handover disabled: the scratch region is not all in the memory this kernel uses" 1
	expect_log "kho: handover: " 0
	expect_log "kho_test: restored" 0
	[ -e /sys/firmware/kho/dt ] && fail "kernel $stage: a dropped handover is in /sys/firmware/kho/dt"
	expect_eq "kernel $stage: scratch_len" "$(($(cat $KHO/scratch_len)))" "$(scratch_param_bytes)"
}

stage=${kho_stage:-1}
case "$stage" in
1)	kexec_next 2 "memblock=debug" ;;
2)	kept "memblock=debug"
	expect_log "memblock_reserve: "
	kexec_next 3 "nokaslr rodata=off" ;;
3)	kept "nokaslr rodata=off"
	kexec_next 4 "kfence.sample_interval=1" ;;
4)	kept "kfence.sample_interval=1"
	kexec_next 5 "$(mem_to $(($(cat $KHO/scratch_len) >> 20)))" ;;
5)	kept "$(sed -n 's/.*\(mem=[0-9]*M\).*/\1/p' /proc/cmdline)"
	kexec_next 6 "$(mem_to $(($(cat $KHO/scratch_len) >> 21)))" ;;
6)	dropped "$(sed -n 's/.*\(mem=[0-9]*M\).*/\1/p' /proc/cmdline)"
	kexec_next 7 "$(mem_to -64)" ;;
7)	dropped "$(sed -n 's/.*\(mem=[0-9]*M\).*/\1/p' /proc/cmdline)"
	pass ;;
esac
fail "unknown stage $stage"
