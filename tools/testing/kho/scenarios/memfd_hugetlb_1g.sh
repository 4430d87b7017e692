# SPDX-License-Identifier: GPL-2.0
# memfd_hugetlb_2m with a 1 GiB hugetlb memfd in one gigantic page, each
# kernel booted with hugepagesz=1G hugepages=1: each next kernel allocates
# its own gigantic page at boot outside the scratch region and the page
# handed over, finds the memfd's page outside its pool until RETRIEVE,
# gets every byte back mapped in a 1 GiB page, its pool then counting it,
# and hands it on; the third kernel's file map names the same page.
# cmdline: kho_scratch=64M hugepagesz=1G hugepages=1
# mem: 4G
# timeout: 900
# tier: full
# covers: memfd hugetlb chain

stage=${kho_stage:-1}
if [ "$stage" = 1 ]; then
	expect_hugetlb_pool 1048576 1 1 0
	kho-memfd hold 1G,huge1G > /tmp/hold.out &
	wait_holder /tmp/hold.out 300
	expect_hugetlb_pool 1048576 1 0 0
	expect_eq "preserved memfds" "$(cat $KHO/memfds)" "0x42 1073741824 262144"
	expect_write $KHO/active 1
	kexec_load 2
	kexec -e
	fail "kexec -e returned"
fi

expect_eq "handed-over memfds" "$(cat /sys/firmware/kho/memfds)" "0x42 1073741824 262144 waiting"
expect_hugetlb_pool 1048576 1 1 0
memfd_runs > /tmp/runs
expect_eq "folios of its file map" "$(grep -c ' 0x40000000$' /tmp/runs) of $(grep -c . /tmp/runs)" "1 of 1"
# The gigantic page of this kernel's pool: not in scratch, not the memfd's.
scratch=$(dmesg | sed -n 's/.*kho: handover: .* scratch region \(0x[0-9a-f]*\)+\(0x[0-9a-f]*\),.*/\1 \2/p')
[ -n "$scratch" ] || fail "no handover line with the scratch region"
set -- $scratch
pool_page=$(kho-memfd hugetlb-heads)
expect_eq "gigantic pages of the pool" "$(echo "$pool_page" | grep -c .)" 1
[ $((pool_page + 0x40000000)) -le $(($1)) ] || [ $((pool_page)) -ge $(($1 + $2)) ] ||
	fail "the pool's gigantic page $pool_page is in the scratch region $1+$2"
[ "$pool_page 0x40000000" != "$(cat /tmp/runs)" ] || fail "the pool's gigantic page is the memfd's"
runs=$(md5sum < /tmp/runs | cut -c1-32)
if [ "$stage" = 2 ]; then
	cat /sys/firmware/initrd > /tmp/initrd || fail "no /sys/firmware/initrd"
	out=$(kho-memfd retrieve -p /tmp/got -r /boot/Image /tmp/initrd \
		"$(next_cmdline kho_stage=3 kho_expect_runs=$runs)" 1G,huge1G)
	fail "kho-memfd did not kexec: $out"
fi

want=$(sed -n 's/.*kho_expect_runs=\([0-9a-f]*\).*/\1/p' /proc/cmdline)
expect_eq "file map of the third kernel (md5)" "$runs" "$want"
out=$(kho-memfd retrieve -p /tmp/got 1G,huge1G) || fail "kho-memfd retrieve: $out"
expect_pages_named /tmp/got 262144 /tmp/runs
case "$out" in
*"; 262144 pages of the first in huge folios, mapped in 1048576 kB pages"*) ;;
*) fail "the memfd did not come back in a 1 GiB hugetlb page: $out" ;;
esac
expect_hugetlb_pool 1048576 2 2 0
# Freed from the pool, the pages handed over go back to the page allocator.
echo 0 > /sys/kernel/mm/hugepages/hugepages-1048576kB/nr_hugepages
expect_hugetlb_pool 1048576 0 0 0
echo "$out; the pool's own page outside scratch; free in the pool once closed, then freed from it"
pass
