# SPDX-License-Identifier: GPL-2.0
# A driver panics while KHO activation calls it (kho_test.panic=1): the
# crash kernel loaded before still takes over, since no driver runs with
# the kexec lock held, which __crash_kexec() only tries.
# cmdline: crashkernel=256M kho_scratch=64M kho_test.enable=1 kho_test.panic=1
# timeout: 300
# tier: full
# smp: 2

case "$kho_stage" in
"")
	cat /sys/firmware/initrd > /tmp/initrd
	out=$(kexec -p -s /boot/Image --initrd=/tmp/initrd \
		--append="$(capture_cmdline | sed -e 's/ *kho_test\.[a-z]*=[^ ]*//g' \
			-e 's/ *kho_scratch=[^ ]*//g') kho_stage=2" 2>&1) ||
		fail "kexec -p -s: $out"
	echo "VMTEST: CRASH EXPECTED" > /dev/console
	echo 1 > $KHO/active
	fail "activation returned"
	;;
2)
	[ -e /proc/vmcore ] || fail "no /proc/vmcore: not a capture kernel"
	echo "capture kernel: up"
	pass
	;;
esac
fail "unknown stage $kho_stage"
