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

# capture_cmdline [PARAMS]: the command line of a capture kernel, which gets
# neither the reservations nor the stage of this one.
capture_cmdline()
{
	next_cmdline "$@" | sed -e 's/ *crashkernel=[^ ]*//g' -e 's/ *cma=[^ ]*//g'
}

# kexec_load STAGE [PARAMS]: load this kernel and initrd again, with
# kho_stage=STAGE and PARAMS added to the next kernel's command line.
kexec_load()
{
	kexec_load_without "" "$1" "$2"
}

# kexec_load_without PATTERNS STAGE [PARAMS]: kexec_load, leaving out the
# parameters of this kernel's command line that match one of the glob
# PATTERNS (those that PARAMS replace).
# kexec_initrd=FILE loads FILE as the initrd instead of this kernel's.
kexec_load_without()
{
	local c= w p out

	set -f	# PATTERNS are for case, not for the files of the guest
	for w in $(next_cmdline "kho_stage=$2"); do
		for p in $1; do
			case "$w" in $p) continue 2 ;; esac
		done
		c="$c $w"
	done
	set +f
	if [ -z "${kexec_initrd:-}" ]; then
		cat /sys/firmware/initrd > /tmp/initrd || fail "no /sys/firmware/initrd"
	fi
	out=$(kexec -s -l /boot/Image --initrd="${kexec_initrd:-/tmp/initrd}" \
		--append="$c $3" 2>&1) || fail "kexec -s -l: $out"
}

# kexec_exec_fails MESSAGE: kexec -e must fail, and the kernel log say why.
kexec_exec_fails()
{
	local out

	out=$(kexec -e 2>&1) && fail "kexec -e succeeded, want: $1"
	expect_log "kho: $1" 1
	echo "kexec -e refused: $out"
}

# fdt_hex NODE PROP: the bytes of property PROP of NODE in the DT this kernel
# booted with, as one big-endian hexadecimal number; fails if there is none.
# The DT is read from /sys/firmware/fdt: an ACPI boot has no
# /proc/device-tree, but its DT still carries /chosen.
fdt_hex()
{
	local bytes b hex=

	bytes=$(fdtget -t bx /sys/firmware/fdt "$1" "$2" 2>/dev/null) || return 1
	for b in $bytes; do
		hex=$hex$(printf %02x 0x$b)
	done
	echo "0x$hex"
}

# chosen_range NAME: the (address, size) pair of /chosen/NAME as two hex
# numbers, read with the root's #address-cells and #size-cells.
chosen_range()
{
	local ac sc hex

	hex=$(fdt_hex /chosen "$1") || fail "/chosen/$1 is missing"
	ac=$(($(fdt_hex / '#address-cells')))
	sc=$(($(fdt_hex / '#size-cells')))
	expect_eq "size of /chosen/$1" $(((${#hex} - 2) / 2)) $(((ac + sc) * 4))
	echo "${hex:0:$((ac * 8 + 2))} 0x${hex:$((ac * 8 + 2))}"
}

# expect_inside WHAT ADDR SIZE BASE LEN: [ADDR, ADDR+SIZE) lies in [BASE, BASE+LEN).
expect_inside()
{
	[ $(($2)) -ge $(($4)) ] && [ $(($2 + $3)) -le $(($4 + $5)) ] ||
		fail "$1 [$2, +$3) is outside [$4, +$5)"
}

# meminfo FIELD: FIELD of /proc/meminfo, in kB.
meminfo()
{
	sed -n "s/^$1: *\([0-9]*\) kB$/\1/p" /proc/meminfo
}

# wait_holder FILE [SECONDS]: wait until the kho-memfd hold writing to FILE
# is ready (filling a large memfd takes seconds under TCG), for at most
# SECONDS (60 unless given); fail if it says anything else.
wait_holder()
{
	local i=0

	while [ ! -s "$1" ] && [ $i -lt $((${2:-60} * 10)) ]; do
		sleep 0.1
		i=$((i + 1))
	done
	expect_eq "holder" "$(cat "$1")" ready
}

# memfd_runs: the folios of the handed-over memfds still waiting, from
# their file maps, "ADDRESS LENGTH" a line.
memfd_runs()
{
	awk '{ print $3, $4 }' /sys/kernel/debug/kho/memfd_folios
}

# expect_pages_named FILE COUNT RUNS: FILE (kho-memfd retrieve -p) lists,
# one per line, the pages of the retrieved memfd; they must be the COUNT
# pages of RUNS (memfd_runs, saved before the retrieve), in order: the
# memfd was rebuilt on the very pages the previous kernel pinned, nothing
# copied.
expect_pages_named()
{
	local a n o

	while read -r a n; do
		o=0
		while [ $o -lt $((n)) ]; do
			printf '0x%x\n' $((a + o))
			o=$((o + 4096))
		done
	done < "$3" > /tmp/want
	expect_eq "pages named" "$(wc -l < /tmp/want)" "$2"
	cmp -s "$1" /tmp/want || fail "the retrieved memfd's pages are not where its file map named them"
}

# expect_hugetlb_pool KB TOTAL FREE RESERVED: the hugetlb pool of KB kB
# pages counts TOTAL pages, FREE of them free, RESERVED reserved.
expect_hugetlb_pool()
{
	local d=/sys/kernel/mm/hugepages/hugepages-$1kB

	expect_eq "$1 kB pool" "$(cat $d/nr_hugepages) $(cat $d/free_hugepages) $(cat $d/resv_hugepages)" "$2 $3 $4"
}

# page_size: the kernel's page size in bytes.
page_size()
{
	echo $(($(awk '/^KernelPageSize/ { print $2; exit }' /proc/self/smaps) * 1024))
}

# mem_free: free memory in kB: MemFree of /proc/meminfo, with the per-CPU
# differences of the counters folded in, plus the free pages the per-CPU
# page lists hold. A page just freed waits in those lists, which grow to
# tens of MiB after a large free, and MemFree leaves it out.
mem_free()
{
	local pcp

	echo 1 > /proc/sys/vm/stat_refresh
	pcp=$(awk '$1 == "count:" { n += $2 } END { print n + 0 }' /proc/zoneinfo)
	echo $(($(meminfo MemFree) + pcp * $(page_size) / 1024))
}

# cma_free: CmaFree of /proc/meminfo, in kB, after folding the per-CPU
# differences of the counters into it (without, it is off by up to a few
# pages per CPU).
cma_free()
{
	echo 1 > /proc/sys/vm/stat_refresh
	meminfo CmaFree
}

# cma_block_kb: the size of the pageblocks whose migratetype is CMA, in kB,
# from /proc/pagetypeinfo (whose header names the CMA column).
cma_block_kb()
{
	awk '/^Pages per block:/ { per = $4 }
	     /^Number of blocks type/ { for (i = 1; i <= NF; i++) if ($i == "CMA") col = i }
	     col && /^Node .*, zone/ && !/type/ { n += $col }
	     END { print n * per * 4 }' /proc/pagetypeinfo
}

# scratch_unheld_pages: how many pages of the scratch region no memblock
# reservation covers. A CMA area is reserved whole; after a handover the
# free pages of the region are held reserved, so that none reached the page
# allocator as ordinary memory. A page an allocation shares with free
# bytes counts as covered, and so does the kernel's init section (between
# "Kernel code" and "Kernel data" in /proc/iomem), which free_initmem()
# gives back at the end of the boot: in a KHO boot it lies in the region.
scratch_unheld_pages()
{
	local page base end pos s e

	page=$(page_size)
	base=$(($(cat $KHO/scratch_phys)))
	end=$((base + $(cat $KHO/scratch_len)))
	{
		sed -n 's/^ *[0-9]*: 0x\([0-9a-f]*\)\.\.0x\([0-9a-f]*\) .*/\1 \2/p' \
			/sys/kernel/debug/memblock/reserved
		s=$(sed -n 's/^ *[0-9a-f]*-\([0-9a-f]*\) : Kernel code$/\1/p' /proc/iomem)
		e=$(sed -n 's/^ *\([0-9a-f]*\)-[0-9a-f]* : Kernel data$/\1/p' /proc/iomem)
		printf '%016x %016x\n' $((0x$s + 1)) $((0x$e - 1))
	} | sort | {
		unheld=0 pos=$base
		while read -r s e; do
			s=$((0x$s / page * page))
			e=$(((0x$e + page) / page * page))
			[ $e -le $pos ] && continue
			[ $s -ge $end ] && break
			[ $s -gt $pos ] && unheld=$((unheld + (s - pos) / page))
			pos=$e
		done
		[ $pos -lt $end ] && unheld=$((unheld + (end - pos) / page))
		echo $unheld
	}
}

# default_cma_kb: the size of the default CMA area (cma= or the kernel's
# CMA_SIZE_MBYTES), reserved before any other.
default_cma_kb()
{
	local mib

	case " $(cat /proc/cmdline) " in *" cma=0 "*) echo 0; return ;; esac
	mib=$(dmesg | sed -n 's/.*cma: Reserved \([0-9]*\) MiB at .*/\1/p' | head -1)
	[ -n "$mib" ] || fail "no default CMA area in the kernel log"
	echo $((mib * 1024))
}

# scratch_param_bytes: the size kho_scratch= on this kernel's command line
# asks for, in bytes.
scratch_param_bytes()
{
	local size

	size=$(sed -n 's/.*kho_scratch=\([0-9]*\)M.*/\1/p' /proc/cmdline)
	[ -n "$size" ] || fail "no kho_scratch=<N>M on the command line"
	echo $((size << 20))
}

# expect_scratch_cma: the scratch region is CMA memory, whole pageblocks
# of it (besides the default area), counted as such, and wholly reserved
# in memblock.
expect_scratch_cma()
{
	local total=$(($(meminfo CmaTotal)))

	expect_eq CmaTotal $total $(($(default_cma_kb) + $(cat $KHO/scratch_len) / 1024))
	expect_eq "kB in CMA pageblocks" "$(cma_block_kb)" $total
	[ "$(cma_free)" -le $total ] || fail "CmaFree $(cma_free) kB > CmaTotal $total kB"
	expect_eq "scratch pages memblock does not hold" "$(scratch_unheld_pages)" 0
}

# kimage_info FILE KEY: the value of KEY in /sys/kernel/debug/kexec/FILE
# (image or crash_image).
kimage_info()
{
	sed -n "s/^$2: //p" "/sys/kernel/debug/kexec/$1"
}

# segments_bytes FILE [KIND]: the sum of the sizes of the segments (of kind
# KIND, cma or copy, if given) of the image /sys/kernel/debug/kexec/FILE shows.
segments_bytes()
{
	local total=0 mem size kind

	while read -r mem size kind; do
		[ -z "$2" ] || [ "$kind" = "$2" ] || continue
		total=$((total + size))
	done <<-EOT
	$(kimage_info "$1" segment)
	EOT
	echo $total
}

# next_cmdline [PARAM...]: this kernel's command line without the scenario's
# stage parameters, plus kho_cpio_size (see padded_initrd) and PARAMs.
next_cmdline()
{
	local c

	c=$(sed -e 's/ *kho_stage=[^ ]*//g' -e 's/ *kho_expect_[a-z0-9]*=[^ ]*//g' \
		/proc/cmdline)
	case " $c " in
	*" kho_cpio_size="*) ;;
	*) [ -n "$kho_cpio_size" ] && c="$c kho_cpio_size=$kho_cpio_size" ;;
	esac
	echo "$c $*"
}

# padded_initrd FILE MIB: this guest's initramfs followed by zeros, MIB MiB
# in all (the kernel skips the zeros when it unpacks). The size of the
# initramfs itself travels on in kho_cpio_size, since a kernel booted with a
# padded initrd sees the padding in /sys/firmware/initrd.
padded_initrd()
{
	kho_cpio_size=${kho_cpio_size:-$(stat -c %s /sys/firmware/initrd)}
	[ "$kho_cpio_size" -le $(($2 << 20)) ] ||
		fail "the initramfs of $kho_cpio_size bytes is larger than $2 MiB"
	head -c "$kho_cpio_size" /sys/firmware/initrd > "$1" ||
		fail "no /sys/firmware/initrd"
	dd if=/dev/zero of="$1" bs=1 count=0 seek=$(($2 << 20)) 2>/dev/null ||
		fail "cannot pad $1 to $2 MiB"
	expect_eq "size of $1" "$(stat -c %s "$1")" $(($2 << 20))
}

# expect_reserved WHAT ADDR BYTES all|none: all or none of the pages of
# [ADDR, ADDR + BYTES) have KPF_RESERVED (bit 32) set in /proc/kpageflags;
# a page the page allocator was given back has it clear.
expect_reserved()
{
	local page n flags reserved want

	page=$(page_size)
	n=$((($2 % page + $3 + page - 1) / page))
	flags=$(dd if=/proc/kpageflags bs=8 skip=$(($2 / page)) count=$n 2>/dev/null |
		od -A n -t x8 -v | tr -s ' ' '\n' | grep .)
	expect_eq "$1: flags read" "$(echo "$flags" | grep -c .)" "$n"
	reserved=$(echo "$flags" | sed 's/.*\(.\)........$/\1/' | grep -c '[13579bdf]')
	case $4 in all) want=$n ;; none) want=0 ;; esac
	expect_eq "$1: reserved pages of $n" "$reserved" "$want"
}

# ramoops_region: where ramoops says its memory is, as 0x followed by
# lowercase hexadecimal digits.
ramoops_region()
{
	local a

	a=$(dmesg | sed -n 's/.*ramoops: using 0x[0-9a-f]*@\(0x[0-9a-f]*\),.*/\1/p')
	[ -n "$a" ] || fail "ramoops did not say where its memory is"
	printf '0x%x\n' $((a))
}

# boot_map_region: where tracing mapped the boot_map instance, as
# ramoops_region gives it.
boot_map_region()
{
	local a

	a=$(dmesg | sed -n 's/.*mapped boot instance boot_map at physical memory \(0x[0-9a-f]*\) .*/\1/p')
	[ -n "$a" ] || fail "tracing did not map the boot_map instance"
	printf '0x%x\n' $((a))
}

# activate_with_writer N [US]: activate and abort KHO N times while kho-memfd
# writes to a 256 MiB memfd that starts sparse (one page in 256) and whose
# holes it fills one each US (500) microseconds at first, so that folios are
# added, some in CMA, as activations pin them: every activation must
# succeed, none having to say it could not move a folio out of CMA, and
# some pages must have been migrated (else nothing was in CMA to move).
activate_with_writer()
{
	local out moved

	moved=$(sed -n 's/^pgmigrate_success //p' /proc/vmstat)
	out=$(KHO_MEMFD_ADD_US=${2:-500} kho-memfd cycles "$1" 256M,sparse) ||
		fail "$out"
	echo "$out"
	expect_log "could not move out of CMA" 0
	moved=$(($(sed -n 's/^pgmigrate_success //p' /proc/vmstat) - moved))
	echo "$moved pages migrated meanwhile"
	[ "$moved" -gt 0 ] || fail "no page was migrated: no folio was in CMA to move"
}
