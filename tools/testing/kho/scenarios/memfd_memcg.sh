# SPDX-License-Identifier: GPL-2.0
# RETRIEVE charges the whole memfd to the caller's memory cgroup at once,
# without reclaim. From a cgroup whose memory.max (512 MiB) is smaller
# than the 2 GiB memfd it fails with ENOMEM and one line, before any page
# changes hands: no OOM kill, the memfd still waiting, MemTotal,
# Committed_AS and the cgroup's charge as before. From a cgroup with
# room the same RETRIEVE gets it back, and the cgroup is charged for it.
# cmdline: kho_scratch=64M
# needs: MEMCG
# kernels: debian
# mem: 4G
# timeout: 900
# tier: full
# covers: memfd

if [ -z "$kho_stage" ]; then
	KHO_MEMFD_TOUCH=1 kho-memfd hold 2G > /tmp/hold.out &
	# 2 GiB, a page fault each 4 KiB, takes a while under TCG.
	wait_holder /tmp/hold.out 600
	expect_write $KHO/active 1
	kexec_load 2
	kexec -e
	fail "kexec -e returned"
fi
cg=/sys/fs/cgroup
grep -q "^cgroup2 $cg " /proc/mounts || mount -t cgroup2 none $cg ||
	fail "cannot mount cgroup2 on $cg"
expect_write $cg/cgroup.subtree_control +memory
mkdir $cg/small $cg/large || fail "cannot make cgroups"
expect_write $cg/small/memory.max 512M
expect_write $cg/large/memory.max 3G

total=$(meminfo MemTotal) committed=$(meminfo Committed_AS)
out=$(sh -c "echo \$\$ > $cg/small/cgroup.procs &&
	     KHO_MEMFD_TOUCH=1 exec kho-memfd retrieve 2G") &&
	fail "RETRIEVE of 2 GiB succeeded under memory.max=512M"
# The refusal undid what it had counted: managed memory, the commit, the charge.
expect_eq "MemTotal after the refused RETRIEVE" "$(meminfo MemTotal)" "$total"
[ $(($(meminfo Committed_AS) - committed)) -lt 65536 ] ||
	fail "Committed_AS grew from $committed to $(meminfo Committed_AS) kB"
[ "$(cat $cg/small/memory.current)" -lt $((64 << 20)) ] ||
	fail "the small cgroup still holds $(cat $cg/small/memory.current) bytes"
echo "$out" | grep -q "^FAIL KHO_IOC_RETRIEVE_FD: Cannot allocate memory$" ||
	fail "RETRIEVE under memory.max=512M: $out"
expect_log "kho: memfd: memfd 0x42 of the handover is not retrieved yet: no room under the memory cgroup's limit: -12\$" 1
expect_eq "handed-over memfds" "$(cat /sys/firmware/kho/memfds)" "0x42 2147483648 524288 waiting"
expect_eq "OOM kills in the small cgroup" "$(sed -n 's/^oom_kill //p' $cg/small/memory.events)" 0
expect_log "invoked oom-killer|Out of memory" 0
expect_eq "memory charged to the small cgroup" \
	"$(($(cat $cg/small/memory.peak) < 512 << 20))" 1

out=$(sh -c "echo \$\$ > $cg/large/cgroup.procs &&
	     KHO_MEMFD_TOUCH=1 exec kho-memfd retrieve 2G") || fail "$out"
echo "$out"
peak=$(cat $cg/large/memory.peak)
[ "$peak" -ge $((2 << 30)) ] ||
	fail "memory.peak of the large cgroup is $peak: the memfd was not charged to it"
echo "the large cgroup's memory.peak: $peak bytes"
pass
