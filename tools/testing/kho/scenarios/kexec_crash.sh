# SPDX-License-Identifier: GPL-2.0
# Crash images never use CMA: with crashkernel= reserved and CMA on, 20
# cycles of loading and unloading a crash image (kexec -p -s, kexec -p -s -u)
# and a normal image (kexec -s -l, kexec -s -u) leave CmaFree exactly where
# it started, a crash image's segments lie in the crashkernel region, and a
# crash (sysrq c) boots the capture kernel.
# cmdline: crashkernel=256M cma=128M
# timeout: 600
# tier: full
# smp: 2

# crash_region: the crashkernel region of /proc/iomem as "START LENGTH".
crash_region()
{
	local r

	r=$(sed -n 's/^ *\([0-9a-f]*\)-\([0-9a-f]*\) : Crash kernel$/0x\1 0x\2/p' /proc/iomem)
	[ -n "$r" ] || fail "no Crash kernel in /proc/iomem"
	set -- $r
	echo "$1 $(($2 - $1 + 1))"
}

# expect_crash_image_in REGION-START REGION-LENGTH
expect_crash_image_in()
{
	local n mem size kind

	expect_eq "crash image loaded" "$(kimage_info crash_image loaded)" 1
	n=$(kimage_info crash_image segments)
	[ "$n" -ge 3 ] || fail "crash image of $n segments"
	expect_eq "CMA-backed crash segments" "$(kimage_info crash_image cma_segments)" 0
	while read -r mem size kind; do
		expect_eq "kind of crash segment at $mem" "$kind" copy
		expect_inside "crash segment" "$mem" "$size" "$1" "$2"
	done <<-EOT
	$(kimage_info crash_image segment)
	EOT
}

case "$kho_stage" in
"")
	cat /sys/firmware/initrd > /tmp/initrd
	set -- $(crash_region)
	region="$1 $2"
	c0=$(cma_free)
	[ "$c0" -gt 0 ] || fail "no free CMA"
	for i in $(seq 20); do
		out=$(kexec -p -s /boot/Image --initrd=/tmp/initrd \
			--append="$(capture_cmdline)" 2>&1) || fail "kexec -p -s: $out"
		expect_crash_image_in $region
		out=$(kexec -p -s -u 2>&1) || fail "kexec -p -s -u: $out"
		expect_eq "crash image after unload" "$(kimage_info crash_image loaded)" 0

		out=$(kexec -s -l /boot/Image --initrd=/tmp/initrd \
			--append="$(next_cmdline)" 2>&1) || fail "kexec -s -l: $out"
		n=$(kimage_info image segments)
		expect_eq "CMA-backed segments of the normal image" \
			"$(kimage_info image cma_segments)" "$n"
		[ "$(cma_free)" -lt "$c0" ] || fail "the normal image took no CMA"
		out=$(kexec -s -u 2>&1) || fail "kexec -s -u: $out"
		expect_eq "CmaFree after cycle $i" "$(cma_free)" "$c0"
	done
	expect_log "kexec: crash image loaded: 0 of [0-9]+ segments in CMA" 20
	echo "20 cycles: CmaFree stayed at $c0 kB"

	out=$(kexec -p -s /boot/Image --initrd=/tmp/initrd \
		--append="$(capture_cmdline kho_stage=2)" 2>&1) || fail "kexec -p -s: $out"
	expect_crash_image_in $region
	expect_eq "CmaFree with a crash image loaded" "$(cma_free)" "$c0"
	echo "VMTEST: CRASH EXPECTED" > /dev/console
	echo c > /proc/sysrq-trigger
	fail "the crash returned"
	;;
2)
	[ -e /proc/vmcore ] || fail "no /proc/vmcore: not a capture kernel"
	magic=$(head -c 4 /proc/vmcore | od -An -tx1 | tr -d ' \n')
	expect_eq "ELF magic of /proc/vmcore" "$magic" 7f454c46
	echo "capture kernel: up"
	pass
	;;
esac
fail "unknown stage $kho_stage"
