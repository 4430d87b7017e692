# SPDX-License-Identifier: GPL-2.0
#
# Helpers of the scenario scripts, sourced by the guest init. A scenario ends
# with pass or fail; the verdict goes to the console, where the host reads it.

KHO=/sys/kernel/kho

pass()
{
	echo "VMTEST: PASS $kho_scenario" > /dev/console
	poweroff -f
}

fail()
{
	echo "VMTEST: FAIL $kho_scenario: $*" > /dev/console
	poweroff -f
}

# expect_eq WHAT GOT WANT
expect_eq()
{
	[ "$2" = "$3" ] || fail "$1: got '$2', want '$3'"
}

# expect_write FILE VALUE: the write must succeed.
expect_write()
{
	local out

	out=$( { echo "$2" > "$1"; } 2>&1 ) || fail "echo $2 > $1: $out"
}

# expect_write_error FILE VALUE MESSAGE: the write must fail with the errno
# whose strerror() is MESSAGE.
expect_write_error()
{
	local out

	out=$( { echo "$2" > "$1"; } 2>&1 ) &&
		fail "echo $2 > $1 succeeded, want: $3"
	case "$out" in
	*"$3"*) ;;
	*) fail "echo $2 > $1: '$out', want: $3" ;;
	esac
}

# expect_log PATTERN [COUNT]: the kernel log has COUNT (default: at least
# one) lines matching the extended regular expression PATTERN.
expect_log()
{
	local n

	n=$(dmesg | grep -cE "$1")
	if [ -z "$2" ]; then
		[ "$n" -gt 0 ] || fail "no kernel log line matches '$1'"
	else
		[ "$n" = "$2" ] || fail "$n kernel log lines match '$1', want $2"
	fi
}

# expect_mode FILE MODE
expect_mode()
{
	[ -e "$1" ] || fail "$1 is missing"
	expect_eq "mode of $1" "$(stat -c %a "$1")" "$2"
}

# kexec_load STAGE [kexec options]: load this kernel and initrd again, with
# kho_stage=STAGE on the next kernel's command line.
kexec_load()
{
	local stage=$1 cmdline out

	shift
	cat /sys/firmware/initrd > /tmp/initrd || fail "no /sys/firmware/initrd"
	cmdline=$(sed 's/ *kho_stage=[^ ]*//g' /proc/cmdline)
	out=$(kexec -s -l /boot/Image --initrd=/tmp/initrd \
		--append="$cmdline kho_stage=$stage" "$@" 2>&1) ||
		fail "kexec -s -l: $out"
}
