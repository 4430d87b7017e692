# SPDX-License-Identifier: GPL-2.0
# FINISH frees 16 GiB of a memfd nobody retrieved without a soft lockup or
# an RCU stall on this PREEMPT_NONE kernel: a hugetlb memfd of sixteen
# 1 GiB pages is handed over, and the next kernel clears and frees its
# pages, 262144 a folio, rescheduling as it goes. Soft lockups panic
# (softlockup_panic=1) after 4 s (watchdog_thresh=2), RCU stalls are
# reported after 3 s: either fails the scenario.
# cmdline: kho_scratch=64M softlockup_panic=1 watchdog_thresh=2 rcupdate.rcu_cpu_stall_timeout=3 hugepagesz=1G hugepages=16
# mem: 20G
# needs: SOFTLOCKUP_DETECTOR
# timeout: 900
# tier: full
# covers: memfd

if [ -z "$kho_stage" ]; then
	kho-memfd hold 16G,huge1G > /tmp/hold.out &
	wait_holder /tmp/hold.out 600
	expect_eq "preserved memfds" "$(cat $KHO/memfds)" "0x42 17179869184 4194304"
	expect_write $KHO/active 1
	# The next kernel has no pool to allocate: the memfd's pages are its.
	kexec_load_without "hugepages=*" 2
	kexec -e
	fail "kexec -e returned"
fi
expect_eq "handed-over memfds" "$(cat /sys/firmware/kho/memfds)" "0x42 17179869184 4194304 waiting"
before=$(meminfo MemFree)
start=$(cut -d' ' -f1 /proc/uptime)
kho-memfd finish || fail "FINISH failed"
end=$(cut -d' ' -f1 /proc/uptime)
expect_log "1 memfds of the handover not retrieved were freed"
freed=$(($(meminfo MemFree) - before))
[ $freed -ge $((16 * 1024 * 1024 - 65536)) ] || fail "FINISH freed $freed kB, not 16 GiB"
echo "FINISH freed $((freed >> 10)) MiB in $(echo "$end $start" | awk '{ printf "%.1f", $1 - $2 }') s, the lockup and stall detectors silent"
pass
