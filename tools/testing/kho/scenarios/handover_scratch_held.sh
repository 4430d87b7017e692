# SPDX-License-Identifier: GPL-2.0
# memblock's reserved array outgrows its place in the scratch region after
# the handover was reserved: a handover of about 2000 separate ranges makes
# the next kernel grow the array to 2048 entries while it allocates from
# scratch only, and a few reservations after the handover it doubles again,
# elsewhere, freeing the old copy in the region. Those pages must not reach
# the page allocator as ordinary memory: after memblock_free_all() every
# page of the region is still held in memblock, and the region is CMA
# memory, whole pageblocks of it. How many regions the next kernel reserves
# around the handover depends on the kernel, so odd kernels hand over 2012,
# 2020 and 2028 ranges and even ones check and return them. (Measured
# before the array was moved out of the region when the handover is
# reserved: without the second hold before memblock_free_all(), the kernel
# that got 2020 had 12 pages of the region free in memblock, the old
# array's.)
# cmdline: kho_scratch=64M kho_test.enable=1 kho_test.forward=0 kho_test.range_size=4096 kho_test.range_stride=8192 kho_test.ranges=2012
# boots: direct
# timeout: 600
# kernels: test debian
# tier: full

stage=${kho_stage:-1}
set -- 2012 2020 2028
ranges=$(eval echo "\${$(((stage + 1) / 2))}")

if [ $((stage % 2)) = 1 ]; then
	expect_log "kho_test: ready: $((ranges + 4)) ranges" 1
	expect_write $KHO/active 1
	kexec_load $((stage + 1))
	kexec -e
	fail "kexec -e returned in kernel $stage"
fi

expect_log "kho: handover disabled" 0
expect_log "kho_test: restored $((ranges + 4)) ranges, [0-9]+ bytes: ok" 1
expect_scratch_cma
echo "kernel $stage: $ranges ranges, the scratch region held whole"
[ "$stage" = 6 ] && pass
kexec_load_without "kho_test.ranges=*" $((stage + 1)) \
	"kho_test.ranges=$(eval echo "\${$((stage / 2 + 1))}")"
kexec -e
fail "kexec -e returned in kernel $stage"
