# SPDX-License-Identifier: GPL-2.0
# memfd_roundtrip with a 64 MiB memfd in transparent huge pages
# (shmem_enabled=always): the next kernel gets it back intact, on the very
# pages the previous kernel pinned, in the same 2 MiB folios: the file map
# lists 32 folios, every page is in a huge folio after RETRIEVE, and shmem
# counts them as huge pages again.
# cmdline: kho_scratch=64M
# needs: TRANSPARENT_HUGEPAGE
# timeout: 300
# kernels: test debian
# tier: full
# covers: memfd

if [ -z "$kho_stage" ]; then
	echo always > /sys/kernel/mm/transparent_hugepage/shmem_enabled
	kho-memfd hold 64M > /tmp/hold.out &
	wait_holder /tmp/hold.out
	expect_eq "huge pages" "$(meminfo ShmemHugePages)" 65536
	expect_eq "preserved memfds" "$(cat $KHO/memfds)" "0x42 67108864 16384"
	expect_write $KHO/active 1
	kexec_load 2
	kexec -e
	fail "kexec -e returned"
fi
expect_eq "handed-over memfds" "$(cat /sys/firmware/kho/memfds)" "0x42 67108864 16384 waiting"
memfd_runs > /tmp/runs
expect_eq "folios of its file map" "$(grep -c ' 0x200000$' /tmp/runs) of $(grep -c . /tmp/runs)" "32 of 32"
echo always > /sys/kernel/mm/transparent_hugepage/shmem_enabled
out=$(kho-memfd retrieve -p /tmp/got 64M) || fail "kho-memfd retrieve: $out"
expect_eq "handed-over memfds" "$(cat /sys/firmware/kho/memfds)" "0x42 67108864 16384 retrieved"
expect_pages_named /tmp/got 16384 /tmp/runs
case "$out" in
*"; 16384 pages of the first in huge folios"*) ;;
*) fail "not every page came back in a huge folio: $out" ;;
esac
echo "$out; every page is where its file map named it, in its 2 MiB folio"
pass
