# SPDX-License-Identifier: GPL-2.0
# The guest half of the memfd bench: a chain of kexecs, one per entry of
# kho_bench_memfd (SIZE:MODE,..., MODE 4k, frag, thp, h2m or h1g (hugetlb
# memfds of 2 MiB and 1 GiB pages, their pool sized just before), SIZE 0
# for a kexec with no memfd). Each kernel retrieves what the previous one preserved and
# reports the time, then preserves the next entry's memfd and kexecs with
# kho-memfd kexec, which reports the activation time. The host times the
# blackout from the serial console: from kho-memfd's reboot line (in the
# kernel log) to this script's first line. The last kernel times memcpy() of
# each size, kho_bench_copies times (default 1).

echo "bench_memfd: user space" > /dev/console
stage=${kho_stage:-0}
set -f
set -- $(echo "$kho_bench_memfd" | tr , ' ')
set +f
[ $# -gt 0 ] || fail "no kho_bench_memfd="

# The kho-memfd SIZE of a bench entry SIZE:MODE.
memfd_size()
{
	case ${1#*:} in
	h2m)	echo "${1%:*},huge2M" ;;
	h1g)	echo "${1%:*},huge1G" ;;
	*)	echo "${1%:*}" ;;
	esac
}

if [ "$stage" -gt 0 ]; then
	eval "prev=\${$stage}"
	size=$(memfd_size "$prev")
	if [ "${prev%:*}" != 0 ]; then
		echo "bench_memfd: retrieve $prev" > /dev/console
		KHO_MEMFD_TIMES=1 KHO_MEMFD_TOUCH=1 kho-memfd retrieve "$size" > /dev/console 2>&1 ||
			fail "kho-memfd retrieve $size failed"
	fi
fi
if [ "$stage" -ge $# ]; then
	for round in $(seq "${kho_bench_copies:-1}"); do
		for size in $(echo "$kho_bench_memfd" | tr , '\n' | sed 's/:.*//' | sort -u); do
			[ "$size" = 0 ] && continue
			echo "bench_memfd: copy $size:- $(kho-memfd copy "$size")" > /dev/console
		done
	done
	pass
fi

eval "next=\${$((stage + 1))}"
size=$(memfd_size "$next")
thp=/sys/kernel/mm/transparent_hugepage/shmem_enabled
frag=
# Huge pages the memfds retrieved left free in their pools go back first.
for pool in /sys/kernel/mm/hugepages/hugepages-*; do
	echo 0 > $pool/nr_hugepages
done
bytes=$(( $(echo "${next%:*}" | sed 's/K$/*1024/; s/M$/*1048576/; s/G$/*1073741824/') ))
case ${next#*:} in
h2m|h1g)
	[ -e $thp ] && echo never > $thp
	pool=/sys/kernel/mm/hugepages/hugepages-$([ ${next#*:} = h2m ] && echo 2048 || echo 1048576)kB
	pages=$((bytes / ($([ ${next#*:} = h2m ] && echo 2097152 || echo 1073741824))))
	echo $pages > $pool/nr_hugepages
	[ "$(cat $pool/free_hugepages)" = $pages ] ||
		fail "only $(cat $pool/free_hugepages) of $pages huge pages in $pool" ;;
thp)	[ -e $thp ] || fail "this kernel has no TRANSPARENT_HUGEPAGE (make bench FLAVOUR=bench)"
	echo always > $thp ;;
frag)	[ -e $thp ] && echo never > $thp
	# Scattered over twice its size: every other page of a filler.
	frag=$((bytes * 2)) ;;
*)	[ -e $thp ] && echo never > $thp ;;
esac
[ "${next%:*}" = 0 ] && size=
cat /sys/firmware/initrd > /tmp/initrd || fail "no /sys/firmware/initrd"
echo "bench_memfd: preserve $next" > /dev/console
env KHO_MEMFD_TIMES=1 KHO_MEMFD_TOUCH=1 ${frag:+KHO_MEMFD_FRAGMENT=$frag} kho-memfd kexec /boot/Image /tmp/initrd \
	"$(next_cmdline kho_stage=$((stage + 1)))" $size > /dev/console 2>&1
fail "kho-memfd kexec returned"
