# SPDX-License-Identifier: GPL-2.0
# A chain of three kernels with the same three memfds: the VMM preserves
# them and kexecs (kho-memfd kexec), the second kernel retrieves and checks
# them and hands them on the same way (kho-memfd retrieve -r), writing to
# the first until the kexec each time; the third gets every byte back.
# cmdline: kho_scratch=64M
# timeout: 600
# tier: full
# covers: memfd chain

sizes="16M 4K,ro,nx 8388731"
stage=${kho_stage:-1}
if [ "$stage" -gt 1 ]; then
	expect_eq "handed-over memfds" "$(cat /sys/firmware/kho/memfds)" \
		"0x42 16777216 4096 waiting
0x43 4096 1 waiting
0x44 8388731 2049 waiting"
fi
cat /sys/firmware/initrd > /tmp/initrd || fail "no /sys/firmware/initrd"
next="$(next_cmdline kho_stage=$((stage + 1)))"
case $stage in
1)	kho-memfd kexec /boot/Image /tmp/initrd "$next" $sizes ;;
2)	kho-memfd retrieve -r /boot/Image /tmp/initrd "$next" $sizes ;;
3)	out=$(kho-memfd retrieve $sizes) || fail "$out"
	echo "$out"
	pass ;;
esac
fail "kho-memfd did not kexec"
