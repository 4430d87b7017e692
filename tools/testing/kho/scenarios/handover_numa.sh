# SPDX-License-Identifier: GPL-2.0
# Two NUMA nodes of 1 GiB, one CPU each: the scratch region lies in one of
# them, the data kho_test hands over in either, and deferred struct page
# init runs a thread per node. The handover is whole in the next kernel,
# which sees both nodes again, and in the one after.
# cmdline: kho_scratch=64M kho_test.enable=1
# mem: 2G
# nodes: 2
# needs: NUMA
# timeout: 300
# kernels: test debian
# tier: full

stage=${kho_stage:-1}
nodes=$(ls -d /sys/devices/system/node/node[0-9]* 2>/dev/null | wc -l)
expect_eq "NUMA nodes in kernel $stage" "$nodes" 2
if [ "$stage" != 1 ]; then
	expect_log "kho: handover disabled" 0
	expect_log "kho_test: restored 1028 ranges, 67130856 bytes: ok" 1
	[ "$stage" = 3 ] && pass
fi
expect_write $KHO/active 1
kexec_load $((stage + 1))
kexec -e
fail "kexec -e returned in kernel $stage"
