# SPDX-License-Identifier: GPL-2.0
# Every way of damaging a handover (through /sys/kernel/debug/kho/corrupt):
# the next kernel reaches user space, logs exactly one line saying why it
# dropped the handover, is a normal boot, and reserves nothing of it. Each
# kernel checks the damage done by the one before, then damages the next.
# cmdline: kho_scratch=64M kho_test.enable=1
# timeout: 900
# kernels: test debian
# tier: full
# covers: corruption debian

kinds="bad_header compatible totalsize outside_ram unsorted overlap in_scratch truncated all_ram"

# The reason each kind must be dropped for.
reason()
{
	case $1 in
	bad_header)	echo "the DT has a bad header" ;;
	compatible)	echo "the DT root is not compatible with kho-v1" ;;
	totalsize)	echo "the DT is larger than its segment" ;;
	outside_ram)	echo "the tracker preserves pages outside the RAM this kernel maps" ;;
	unsorted)	echo "the tracker's leaves are not sorted" ;;
	overlap)	echo "the tracker preserves a page twice" ;;
	in_scratch)	echo "the tracker preserves pages of the scratch region" ;;
	truncated)	echo "a tracker block holds no leaf, or more than fit" ;;
	all_ram)	echo "the tracker leaves early boot no memory outside the scratch region" ;;
	esac
}

stage=${kho_stage:-0}
set -- $kinds
if [ "$stage" = 0 ]; then
	normal=$(meminfo MemTotal)
else
	normal=$kho_expect_memtotal
	shift $((stage - 1))
	kind=$1
	shift
	expect_log "kho: handover disabled" 1
	expect_log "kho: handover disabled: $(reason $kind)\$" 1
	[ -e /sys/firmware/kho/dt ] && fail "$kind: /sys/firmware/kho/dt exists"
	expect_log "kho_test: restored" 0
	expect_log "kho_test: ready: 1028 ranges" 1
	diff=$(($(meminfo MemTotal) - normal))
	[ ${diff#-} -le $((normal / 100)) ] ||
		fail "$kind: MemTotal $(meminfo MemTotal) kB, normal boot $normal kB"
	echo "kernel $((stage + 1)) dropped '$kind': $(reason $kind)"
fi
[ $# = 0 ] && pass

expect_write $KHO/active 1
expect_write /sys/kernel/debug/kho/corrupt $1
expect_eq corrupt "$(cat /sys/kernel/debug/kho/corrupt)" $1
kexec_load $((stage + 1)) "kho_expect_memtotal=$normal"
kexec -e
fail "kexec -e returned"
