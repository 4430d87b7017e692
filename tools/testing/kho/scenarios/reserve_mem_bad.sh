# SPDX-License-Identifier: GPL-2.0
# reserve_mem regions the next kernel must not revive: a malformed node (no
# start, then a size its mem entry does not have), a region the next command
# line asks another size for, one it no longer names, and a dropped handover.
# Each gets a fresh region and one log line; the old range goes back to the
# page allocator. pstore never shows a record of an older kernel than the
# previous one; after the dropped handover it may show the previous kernel's,
# intact, as after a kexec without KHO.
# cmdline: kho_scratch=64M reserve_mem=2M:4096:oops reserve_mem=1M:64K:trace reserve_mem=1M:4096:gone ramoops.mem_name=oops ramoops.record_size=0x10000 ramoops.console_size=0x40000 ramoops.pmsg_size=0x40000 trace_instance=boot_map@trace
# timeout: 300
# tier: full
# covers: reserve_mem

stage=${kho_stage:-1}
oops=$(ramoops_region)
trace=$(boot_map_region)
echo "kernel $stage: oops at $oops, trace at $trace"

# expect_not_revived NAME OLD-ADDR SIZE NEW-ADDR: NAME was allocated anew,
# and the SIZE bytes at OLD-ADDR are free.
expect_not_revived()
{
	expect_log "reserve_mem: $1 revived" 0
	[ "$2" != "$4" ] || fail "$1 is at $2 again"
	expect_reserved "the old $1" "$2" "$3" none
}

# expect_no_token TOKEN...: pstore's pmsg records hold none of the TOKENs,
# and nothing but whole token lines. (The console records would hold them
# all: they show the previous kernel's command line.)
expect_no_token()
{
	local pmsg t

	pmsg=$(cat /sys/fs/pstore/pmsg-ramoops-* 2>/dev/null)
	for t in "$@"; do
		case "$pmsg" in *"$t"*) fail "pstore's pmsg shows the token $t" ;; esac
	done
	! echo "$pmsg" | grep -qvE '^(token [0-9a-f]{16})?$' ||
		fail "pmsg-ramoops holds garbled lines"
}

m="reserve_mem: oops not revived: its node in the handover is malformed"
case $stage in
1)
	expect_log "reserve_mem: " 0
	;;
2)
	expect_log "$m: its start, size or align is missing or not a u64; allocating it anew\$" 1
	expect_not_revived oops "$kho_expect_oops" $((2 << 20)) "$oops"
	expect_no_token $(echo "$kho_expect_tokens" | tr , " ")
	expect_log "reserve_mem: trace revived from the previous kernel at $kho_expect_trace\$" 1
	expect_log "reserve_mem: gone revived from the previous kernel at 0x[0-9a-f]+\$" 1
	expect_log "reserve_mem: " 3
	;;
3)
	expect_log "$m: its mem entry is not its start and size; allocating it anew\$" 1
	expect_not_revived oops "$kho_expect_oops" $((2 << 20)) "$oops"
	expect_no_token $(echo "$kho_expect_tokens" | tr , " ")
	expect_log "reserve_mem: trace not revived: the previous kernel's had size 0x100000 and alignment 0x10000, this one asks for 0x200000 and 0x10000; allocating it anew, the old memory is freed\$" 1
	expect_not_revived trace "$kho_expect_trace" $((1 << 20)) "$trace"
	gone=$(dmesg | sed -n 's/.*reserve_mem: gone not revived: no reserve_mem= names it; its 0x100000 bytes at \(0x[0-9a-f]*\) are freed$/\1/p')
	[ -n "$gone" ] || fail "no line says that gone was freed"
	expect_reserved "the old gone" "$gone" $((1 << 20)) none
	expect_log "reserve_mem: " 3
	;;
4)
	expect_log "kho: handover disabled: the DT has a bad header\$" 1
	expect_log "reserve_mem: " 0
	expect_no_token $(echo "${kho_expect_tokens%,*}" | tr , ' ')
	echo "kernel 4: pmsg shows \"$(cat /sys/fs/pstore/pmsg-ramoops-* 2>/dev/null)\""
	pass
	;;
esac

token=$(head -c 8 /dev/urandom | od -A n -t x1 | tr -d ' \n')
echo "token $token" > /dev/pmsg0 || fail "cannot write to /dev/pmsg0"
expect_write $KHO/active 1
case $stage in
1)	damage=rmem_nostart drop= params= ;;
2)	damage=rmem_size drop="reserve_mem=*:trace reserve_mem=*:gone"
	params="reserve_mem=2M:64K:trace" ;;
3)	damage=bad_header drop= params= ;;
esac
expect_write /sys/kernel/debug/kho/corrupt $damage
tokens=${kho_expect_tokens:+$kho_expect_tokens,}$token
kexec_load_without "$drop" $((stage + 1)) \
	"$params kho_expect_oops=$oops kho_expect_trace=$trace kho_expect_tokens=$tokens"
kexec -e
fail "kexec -e returned in kernel $stage"
