# SPDX-License-Identifier: GPL-2.0
# A VMM's memory across one kexec: three memfds (64 MiB written to until
# the kexec, 4 KiB sealed against writes, 1 GiB) are preserved, and the VMM
# (kho-memfd kexec) activates KHO and loads and executes the next kernel
# with kexec_file_load() itself. The next kernel lists them waiting, gives
# back every byte, size and seal (the 64 MiB one written to after the
# activation), and once the VMM has closed them and FINISHed, free memory
# (MemFree and the per-CPU page lists) is within 1% of what the first
# kernel had before it made them.
# cmdline: kho_scratch=64M
# mem: 3G
# timeout: 900
# tier: full
# covers: memfd

sizes="64M 4K,ro,nx 1G"
if [ -z "$kho_stage" ]; then
	free=$(mem_free)
	cat /sys/firmware/initrd > /tmp/initrd || fail "no /sys/firmware/initrd"
	kho-memfd kexec /boot/Image /tmp/initrd \
		"$(next_cmdline kho_stage=2 kho_expect_free=$free)" $sizes
	fail "kho-memfd kexec returned"
fi
expect_eq "handed-over memfds" "$(cat /sys/firmware/kho/memfds)" \
	"0x42 67108864 16384 waiting
0x43 4096 1 waiting
0x44 1073741824 262144 waiting"
out=$(kho-memfd retrieve $sizes) || fail "$out"
echo "$out"
expect_eq "handed-over memfds" "$(cat /sys/firmware/kho/memfds | cut -d' ' -f4 | sort -u)" retrieved
free=$(mem_free)
echo "free memory ${free} kB after FINISH, ${kho_expect_free} kB before the memfds were made"
[ $(((free - kho_expect_free) * 100)) -le "$kho_expect_free" ] &&
[ $(((kho_expect_free - free) * 100)) -le "$kho_expect_free" ] ||
	fail "free memory ${free} kB is not within 1% of ${kho_expect_free} kB"
pass
