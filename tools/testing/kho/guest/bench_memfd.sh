# SPDX-License-Identifier: GPL-2.0
# The guest half of the memfd bench: a chain of kexecs, one per entry of
# kho_bench_memfd (SIZE:MODE,..., MODE 4k, frag or thp, SIZE 0 for a kexec with
# no memfd). Each kernel retrieves what the previous one preserved and
# reports the time, then preserves the next entry's memfd and kexecs with
# kho-memfd kexec, which reports the activation time. The host times the
# blackout from the serial console: from kho-memfd's reboot line (in the
# kernel log) to this script's first line. The last kernel times memcpy() of each size.

echo "bench_memfd: user space" > /dev/console
stage=${kho_stage:-0}
set -f
set -- $(echo "$kho_bench_memfd" | tr , ' ')
set +f
[ $# -gt 0 ] || fail "no kho_bench_memfd="

if [ "$stage" -gt 0 ]; then
	eval "prev=\${$stage}"
	size=${prev%:*}
	if [ "$size" != 0 ]; then
		echo "bench_memfd: retrieve $prev" > /dev/console
		KHO_MEMFD_TIMES=1 kho-memfd retrieve "$size" > /dev/console 2>&1 ||
			fail "kho-memfd retrieve $size failed"
	fi
fi
if [ "$stage" -ge $# ]; then
	for size in $(echo "$kho_bench_memfd" | tr , '\n' | sed 's/:.*//' | sort -u); do
		[ "$size" = 0 ] && continue
		echo "bench_memfd: copy $size:- $(kho-memfd copy "$size")" > /dev/console
	done
	pass
fi

eval "next=\${$((stage + 1))}"
size=${next%:*}
thp=/sys/kernel/mm/transparent_hugepage/shmem_enabled
frag=
case ${next#*:} in
thp)	[ -e $thp ] || fail "this kernel has no TRANSPARENT_HUGEPAGE (make bench FLAVOUR=debian)"
	echo always > $thp ;;
frag)	[ -e $thp ] && echo never > $thp
	# Scattered over twice its size: every other page of a filler.
	frag=$(( $(echo "$size" | sed 's/K$/*1024/; s/M$/*1048576/; s/G$/*1073741824/') * 2 )) ;;
*)	[ -e $thp ] && echo never > $thp ;;
esac
[ "$size" = 0 ] && size=
cat /sys/firmware/initrd > /tmp/initrd || fail "no /sys/firmware/initrd"
echo "bench_memfd: preserve $next" > /dev/console
env KHO_MEMFD_TIMES=1 ${frag:+KHO_MEMFD_FRAGMENT=$frag} kho-memfd kexec /boot/Image /tmp/initrd \
	"$(next_cmdline kho_stage=$((stage + 1)))" $size > /dev/console 2>&1
fail "kho-memfd kexec returned"
