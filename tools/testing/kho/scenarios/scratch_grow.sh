# SPDX-License-Identifier: GPL-2.0
# The scratch region grows in a chain. With KHO active, kernel 1's 64 MiB
# region cannot take this kernel and a 64 MiB initrd: the load fails.
# Kernel 2, booted with kho_scratch=128M, replaces the 64 MiB region it
# inherited with a new one of 128 MiB (one line), all CMA, the old one
# given back as ordinary memory; the same load fits there, and kernel 3
# finds that region and its initrd intact. Kernel 3 asks for a region no
# zone can hold (kho_scratch=64G): one line says so, and the next handover
# would reuse the 128 MiB it inherited.
# cmdline: kho_scratch=64M
# timeout: 300
# kernels: test debian
# tier: full
# covers: chain

big=/tmp/big-initrd
case "$kho_stage" in
"")
	expect_write $KHO/active 1
	padded_initrd $big 64
	out=$(kexec -s -l /boot/Image --initrd=$big \
		--append="$(next_cmdline kho_stage=9)" 2>&1) &&
		fail "a 64 MiB initrd and the kernel fit in a 64 MiB scratch region"
	echo "kernel 1: a 64 MiB initrd does not fit in 64 MiB of scratch: $out"
	kexec_load_without "kho_scratch=*" 2 \
		"kho_scratch=128M kho_expect_old=$(cat $KHO/scratch_phys)"
	kexec -e
	fail "kexec -e returned"
	;;
2)
	expect_log "kho: handover: [0-9]+ regions reserved" 1
	expect_log "kho: scratch region grows from the inherited 64 MiB to 128 MiB at 0x[0-9a-f]+, which the next handover uses\$" 1
	expect_log "kho: scratch region: [0-9]+ of 16384 pages free, given back as ordinary memory\$" 1
	expect_eq "scratch size" "$(cat $KHO/scratch_len)" 0x8000000
	[ "$(cat $KHO/scratch_phys)" != "$kho_expect_old" ] ||
		fail "the new region is where the inherited one was"
	# The new region alone is CMA: CmaTotal does not count the old one.
	expect_scratch_cma
	expect_write $KHO/active 1
	padded_initrd $big 64
	sum=$(md5sum < $big)
	kexec_initrd=$big kexec_load_without "kho_scratch=*" 3 \
		"kho_scratch=64G kho_expect_md5=${sum%% *} kho_expect_scratch=$(cat $KHO/scratch_phys),$(cat $KHO/scratch_len)"
	echo "kernel 2: kernel and 64 MiB initrd loaded in 128 MiB of scratch"
	kexec -e
	fail "kexec -e returned"
	;;
3)
	expect_log "kho: handover: [0-9]+ regions reserved" 1
	expect_eq "initrd size" "$(stat -c %s /sys/firmware/initrd)" $((64 << 20))
	sum=$(md5sum < /sys/firmware/initrd)
	expect_eq "initrd md5" "${sum%% *}" "$kho_expect_md5"
	expect_eq scratch "$(cat $KHO/scratch_phys),$(cat $KHO/scratch_len)" "$kho_expect_scratch"
	expect_log "kho: cannot reserve 65536 MiB of scratch in one memory zone: -12; the next handover reuses the inherited region of 128 MiB\$" 1
	expect_scratch_cma
	pass
	;;
esac
fail "unknown stage $kho_stage"
