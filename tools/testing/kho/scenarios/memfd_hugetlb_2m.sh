# SPDX-License-Identifier: GPL-2.0
# A 64 MiB hugetlb memfd (MFD_HUGETLB, 2 MiB pages) through a chain of
# three kernels, each booted with hugepages=64. The first fills it from its
# pool and kexecs; each next kernel finds its 32 huge pages outside its
# pool until RETRIEVE, gets every byte back on the pages its file map
# names, mapped in 2 MiB pages, its pool then counting them in use
# (kho-memfd checks HugePages_Total, _Free and _Rsvd), and hands it on;
# the third kernel's file map names the very pages the second one's did,
# closing the memfd leaves them free pages of the pool, which gives them
# back to the page allocator when shrunk.
# cmdline: kho_scratch=64M hugepagesz=2M hugepages=64
# timeout: 600
# tier: gate
# covers: memfd hugetlb chain

stage=${kho_stage:-1}
if [ "$stage" = 1 ]; then
	expect_hugetlb_pool 2048 64 64 0
	kho-memfd hold 64M,huge2M > /tmp/hold.out &
	wait_holder /tmp/hold.out
	expect_hugetlb_pool 2048 64 32 0
	expect_eq "preserved memfds" "$(cat $KHO/memfds)" "0x42 67108864 16384"
	expect_write $KHO/active 1
	kexec_load 2
	kexec -e
	fail "kexec -e returned"
fi

expect_eq "handed-over memfds" "$(cat /sys/firmware/kho/memfds)" "0x42 67108864 16384 waiting"
# The handed-over pages are in no pool before RETRIEVE.
expect_hugetlb_pool 2048 64 64 0
memfd_runs > /tmp/runs
expect_eq "folios of its file map" "$(grep -c ' 0x200000$' /tmp/runs) of $(grep -c . /tmp/runs)" "32 of 32"
runs=$(md5sum < /tmp/runs | cut -c1-32)
if [ "$stage" = 2 ]; then
	cat /sys/firmware/initrd > /tmp/initrd || fail "no /sys/firmware/initrd"
	out=$(kho-memfd retrieve -p /tmp/got -r /boot/Image /tmp/initrd \
		"$(next_cmdline kho_stage=3 kho_expect_runs=$runs)" 64M,huge2M)
	fail "kho-memfd did not kexec: $out"
fi

want=$(sed -n 's/.*kho_expect_runs=\([0-9a-f]*\).*/\1/p' /proc/cmdline)
expect_eq "file map of the third kernel (md5)" "$runs" "$want"
out=$(kho-memfd retrieve -p /tmp/got 64M,huge2M) || fail "kho-memfd retrieve: $out"
expect_pages_named /tmp/got 16384 /tmp/runs
case "$out" in
*"; 16384 pages of the first in huge folios, mapped in 2048 kB pages"*) ;;
*) fail "the memfd did not come back in 2 MiB hugetlb pages: $out" ;;
esac
expect_hugetlb_pool 2048 96 96 0
# Freed from the pool, the pages handed over go back to the page allocator.
echo 0 > /sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages
expect_hugetlb_pool 2048 0 0 0
echo "$out; on the pages the second kernel had, free in the pool once closed, then freed from it"
pass
