# SPDX-License-Identifier: GPL-2.0
# A kexec without KHO active promises nothing about reserve_mem regions: the
# next kernel allocates them as a normal boot does, revives nothing and says
# nothing about it, and pstore and tracing come up on the fresh regions.
# cmdline: kho_scratch=64M reserve_mem=2M:4096:oops reserve_mem=1M:64K:trace ramoops.mem_name=oops ramoops.pmsg_size=0x40000 trace_instance=boot_map@trace
# timeout: 180
# tier: full
# covers: reserve_mem

stage=${kho_stage:-1}
oops=$(ramoops_region)
trace=$(boot_map_region)
echo "kernel $stage: oops at $oops, trace at $trace"
expect_log "reserve_mem: " 0
expect_reserved oops "$oops" $((2 << 20)) all
expect_reserved trace "$trace" $((1 << 20)) all
if [ "$stage" = 2 ]; then
	[ -e /sys/firmware/kho/dt ] && fail "a handover reached kernel 2"
	pass
fi

echo "token $(head -c 8 /dev/urandom | od -A n -t x1 | tr -d ' \n')" > /dev/pmsg0 ||
	fail "cannot write to /dev/pmsg0"
kexec_load 2
kexec -e
fail "kexec -e returned"
