# SPDX-License-Identifier: GPL-2.0
# A RETRIEVE that fails loses nothing. Three memfds (hugetlb in 2 MiB
# pages, shmem, shmem sealed against writes) cross a kexec; the next
# kernel retrieves each with its 1st, 2nd, ... slab allocation failing
# (failslab through fail-nth) until one succeeds. Every failure is ENOMEM
# (or ENOSPC, shmem's errno for an inode it cannot allocate) with one line
# saying the memfd is not retrieved yet, the memfd stays
# waiting, and the RETRIEVE that succeeds gets every byte, size and seal,
# the hugetlb pages counted in their pool.
# cmdline: kho_scratch=64M hugepagesz=2M hugepages=8
# timeout: 300
# tier: gate
# covers: memfd hugetlb

sizes="4M,huge2M 8M 64K,ro"
if [ -z "$kho_stage" ]; then
	kho-memfd hold $sizes > /tmp/hold.out &
	wait_holder /tmp/hold.out
	expect_write $KHO/active 1
	kexec_load 2
	kexec -e
	fail "kexec -e returned"
fi
failslab=/sys/kernel/debug/failslab
[ -d $failslab ] ||
	fail "no $failslab: the kernel lacks FAILSLAB or FAULT_INJECTION_DEBUG_FS"
# GFP_KERNEL allocations too, and no stack dump for each.
expect_write $failslab/ignore-gfp-wait N
expect_write $failslab/verbose 0
out=$(KHO_MEMFD_FAULTS=1 kho-memfd retrieve $sizes) || fail "$out"
echo "$out"
expect_eq "memfds retrieved after injected failures" \
	"$(echo "$out" | grep -c 'RETRIEVE failed at each of its first')" 3
failures=$(echo "$out" | awk '/its first/ { n += $(NF - 8) } END { print n }')
expect_log "kho: memfd: memfd 0x4[234] of the handover is not retrieved yet: .*: -(12|28)\$" "$failures"
expect_eq "handed-over memfds" "$(cut -d' ' -f4 /sys/firmware/kho/memfds | sort -u)" retrieved
pass
