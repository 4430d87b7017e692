# SPDX-License-Identifier: GPL-2.0
# A 16 GiB memfd with 64 MiB written (a page in every 256) in an 8 GiB
# guest: activation pins what it has and allocates nothing for its holes,
# and the next kernel gives it back with the same data, the same holes
# (SEEK_DATA, SEEK_HOLE) and the same st_blocks.
# cmdline: kho_scratch=128M
# mem: 8G
# timeout: 600
# tier: full
# covers: memfd

if [ -z "$kho_stage" ]; then
	kho-memfd hold 16G,sparse > /tmp/hold.out &
	wait_holder /tmp/hold.out
	before=$(meminfo Shmem)
	expect_write $KHO/active 1
	after=$(meminfo Shmem)
	[ $((after - before)) -lt 16384 ] ||
		fail "activation took $((after - before)) kB of shmem for the holes"
	dt=$(wc -c < $KHO/dt)
	[ $dt -lt 65536 ] || fail "a DT of $dt bytes for a memfd"
	expect_eq "preserved memfds" "$(cat $KHO/memfds)" "0x42 17179869184 4194304"
	kexec_load 2
	kexec -e
	fail "kexec -e returned"
fi
expect_eq "handed-over memfds" "$(cat /sys/firmware/kho/memfds)" "0x42 17179869184 4194304 waiting"
expect_eq "folios of its file map" "$(grep -c . /sys/kernel/debug/kho/memfd_folios)" 16384
out=$(kho-memfd retrieve 16G,sparse) || fail "$out"
echo "$out: 16384 pages of data, the same holes and st_blocks"
pass
