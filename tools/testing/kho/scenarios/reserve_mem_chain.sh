# SPDX-License-Identifier: GPL-2.0
# pstore and the tracing boot instance, unmodified, keep their records across
# a chain of KHO kexecs (three kernels): each kernel's pmsg token and console
# line are in the next one's pstore, its trace marker and exec events in the
# next one's boot_map instance, and both reserve_mem regions are revived at
# the physical address the first kernel allocated them at.
# cmdline: kho_scratch=64M reserve_mem=2M:4096:oops reserve_mem=1M:64K:trace ramoops.mem_name=oops ramoops.record_size=0x10000 ramoops.console_size=0x40000 ramoops.pmsg_size=0x40000 trace_instance=boot_map@trace
# boots: direct efi-dt efi-acpi
# timeout: 300
# kernels: test debian
# tier: gate test
# covers: reserve_mem chain uefi_dt uefi_acpi debian

stage=${kho_stage:-1}
oops=$(ramoops_region)
trace=$(boot_map_region)
echo "kernel $stage: oops at $oops, trace at $trace"
expect_reserved oops "$oops" $((2 << 20)) all
expect_reserved trace "$trace" $((1 << 20)) all

if [ "$stage" = 1 ]; then
	expect_log "reserve_mem: " 0
else
	prev="kernel $((stage - 1))"
	expect_log "reserve_mem: oops revived from the previous kernel at $kho_expect_oops\$" 1
	expect_log "reserve_mem: trace revived from the previous kernel at $kho_expect_trace\$" 1
	expect_log "reserve_mem: .*not revived" 0
	expect_eq "oops region in kernel $stage" "$oops" "$kho_expect_oops"
	expect_eq "trace region in kernel $stage" "$trace" "$kho_expect_trace"
	grep -q "^token $kho_expect_token\$" /sys/fs/pstore/pmsg-ramoops-0 ||
		fail "$prev's pmsg token $kho_expect_token is not in pmsg-ramoops-0"
	grep -q "$prev console $kho_expect_token" /sys/fs/pstore/console-ramoops-0 ||
		fail "$prev's console line is not in console-ramoops-0"
	boot_map=/sys/kernel/tracing/instances/boot_map/trace
	grep -q "$prev marker $kho_expect_token" $boot_map ||
		fail "$prev's trace marker is not in the boot_map instance"
	grep -q "sched_process_exec: filename=/bin/true" $boot_map ||
		fail "$prev's exec events are not in the boot_map instance"
	echo "kernel $stage: $prev's token $kho_expect_token is in pmsg, console and trace"
fi
[ "$stage" = 3 ] && pass

token=$(head -c 8 /dev/urandom | od -A n -t x1 | tr -d ' \n')
echo "token $token" > /dev/pmsg0 || fail "cannot write to /dev/pmsg0"
echo "kernel $stage console $token" > /dev/kmsg
# Enabling an event empties the instance (6.12 does, seen here): enable it
# before the marker, and not on the command line, where it would empty what
# the previous kernel left.
expect_write /sys/kernel/tracing/instances/boot_map/events/sched/sched_process_exec/enable 1
expect_write /sys/kernel/tracing/instances/boot_map/trace_marker \
	"kernel $stage marker $token"
/bin/true
expect_write $KHO/active 1
kexec_load $((stage + 1)) \
	"kho_expect_oops=$oops kho_expect_trace=$trace kho_expect_token=$token"
kexec -e
fail "kexec -e returned in kernel $stage"
