# SPDX-License-Identifier: GPL-2.0
# kexec_file_load places the segments of a normal image in CMA: with a 64 MiB
# initrd the relocation copies nothing; with KEXEC_FILE_NO_CMA it copies
# every segment. A second load releases the first one's CMA pages, unknown
# flags are refused, and the next kernel boots with its initrd intact either
# way (kernel 2 from a NO_CMA load, kernel 3 from a CMA load). IMA's
# measurement list arrives both ways: each kernel adds one boot_aggregate
# entry to those it inherits, and a file measured after the load is in the
# next kernel's list, so IMA wrote its segment through kimage_map_segment()
# at reboot.
# cmdline: cma=256M
# timeout: 400
# kernels: test debian
# tier: gate test
# covers: kexec_cma debian

# expect_in_cma: every segment of the loaded image is in CMA, inside the
# default area, and the relocation copies nothing.
expect_in_cma()
{
	local n base len mem size kind

	n=$(kimage_info image segments)
	[ "$n" -ge 4 ] || fail "$n segments, want IMA buffer, kernel, initrd and DTB"
	expect_eq "CMA-backed segments" "$(kimage_info image cma_segments)" "$n"
	expect_eq "bytes to copy" "$(kimage_info image copy_bytes)" 0
	expect_eq "pages to copy" "$(kimage_info image copy_pages)" 0
	base=$(($(cat /sys/kernel/debug/cma/reserved/base_pfn) * 4096))
	len=$(($(cat /sys/kernel/debug/cma/reserved/count) * 4096))
	while read -r mem size kind; do
		expect_eq "kind of segment at $mem" "$kind" cma
		expect_inside "segment" "$mem" "$size" $base $len
	done <<-EOT
	$(kimage_info image segment)
	EOT
}

IMA_LIST=/sys/kernel/security/ima/ascii_runtime_measurements

# ima_measured NAME: the IMA list has an entry for NAME (the last field with
# the ima-ng template; ima-sig, Debian's default, adds an empty one).
ima_measured()
{
	grep -qE " $1( |\$)" $IMA_LIST
}

# expect_ima_boots N: the IMA measurement list has N boot_aggregate entries.
expect_ima_boots()
{
	[ -e $IMA_LIST ] || fail "no IMA measurement list"
	expect_eq "boot_aggregate entries" "$(grep -cE ' boot_aggregate( |$)' $IMA_LIST)" "$1"
}

# ima_probe N: measure a file named after kernel N, after the image was
# loaded (the first write of an IMA policy is allowed without
# CONFIG_IMA_WRITE_POLICY).
ima_probe()
{
	expect_write /sys/kernel/security/ima/policy "measure func=FILE_CHECK mask=MAY_READ"
	echo "loaded in kernel $1" > "/tmp/ima-probe-$1"
	cat "/tmp/ima-probe-$1" > /dev/null
	ima_measured "/tmp/ima-probe-$1" || fail "/tmp/ima-probe-$1 not measured"
}

# expect_ima_probes N...: the measurements of ima_probe N... arrived.
expect_ima_probes()
{
	local n

	for n in "$@"; do
		ima_measured "/tmp/ima-probe-$n" ||
			fail "the IMA list lacks kernel $n's measurement of /tmp/ima-probe-$n"
	done
}

case "$kho_stage" in
"")
	expect_ima_boots 1
	padded_initrd /tmp/initrd 64
	sum=$(md5sum < /tmp/initrd)
	sum=${sum%% *}
	c0=$(cma_free)
	expect_eq "image loaded at boot" "$(kimage_info image loaded)" 0
	expect_mode /sys/kernel/debug/kexec/image 400
	expect_write_error /sys/kernel/debug/kexec/image 1 "Invalid argument"

	out=$(kexec-file -f 0x20 -i /tmp/initrd /boot/Image 2>&1) &&
		fail "flag 0x20 accepted"
	case "$out" in
	*"Invalid argument"*) ;;
	*) fail "flag 0x20: '$out', want Invalid argument" ;;
	esac
	expect_eq "CmaFree after a refused load" "$(cma_free)" "$c0"

	next=$(next_cmdline kho_stage=2 kho_expect_md5=$sum)
	kexec-file -i /tmp/initrd -c "$next" /boot/Image || fail "CMA load failed"
	expect_in_cma
	n=$(kimage_info image segments)
	bytes=$(segments_bytes image)
	[ "$bytes" -gt $((64 << 20)) ] || fail "segments of $bytes bytes hold no 64 MiB initrd"
	expect_log "kexec: image loaded: $n of $n segments in CMA, 0 bytes \(0 pages\) to copy at reboot" 1
	c1=$(cma_free)
	expect_eq "CMA taken by the image (kB)" $((c0 - c1)) $((bytes / 1024))

	kexec-file -i /tmp/initrd -c "$next" /boot/Image || fail "second CMA load failed"
	expect_in_cma
	expect_eq "CmaFree after a second load" "$(cma_free)" "$c1"

	kexec-file -n -i /tmp/initrd -c "$next" /boot/Image || fail "NO_CMA load failed"
	expect_eq "CMA-backed segments with NO_CMA" "$(kimage_info image cma_segments)" 0
	bytes=$(segments_bytes image)
	expect_eq "bytes to copy with NO_CMA" "$(kimage_info image copy_bytes)" "$bytes"
	expect_eq "pages to copy with NO_CMA" "$(kimage_info image copy_pages)" $((bytes / 4096))
	expect_log "kexec: image loaded: 0 of $n segments in CMA, $bytes bytes \($((bytes / 4096)) pages\) to copy at reboot" 1
	expect_eq "CmaFree after replacing by a NO_CMA load" "$(cma_free)" "$c0"

	ima_probe 1
	echo "kernel 1: NO_CMA image, $bytes bytes to copy"
	kexec-file -e
	fail "kexec-file -e returned"
	;;
2|3)
	grep -q "kho_stage=$kho_stage" /proc/cmdline || fail "not booted by kexec"
	expect_eq "initrd size" "$(stat -c %s /sys/firmware/initrd)" $((64 << 20))
	sum=$(md5sum < /sys/firmware/initrd)
	expect_eq "initrd md5" "${sum%% *}" "$kho_expect_md5"
	expect_ima_boots "$kho_stage"
	if [ "$kho_stage" = 3 ]; then
		expect_ima_probes 1 2
		echo "kernel 3: up"
		pass
	fi

	c0=$(cma_free)
	cat /sys/firmware/initrd > /tmp/initrd
	next=$(next_cmdline kho_stage=3 kho_expect_md5=$kho_expect_md5)
	kexec-file -i /tmp/initrd -c "$next" /boot/Image || fail "CMA load failed"
	expect_in_cma
	kexec-file -u || fail "unload failed"
	expect_eq "image loaded after unload" "$(kimage_info image loaded)" 0
	expect_eq "CmaFree after unload" "$(cma_free)" "$c0"
	kexec-file -i /tmp/initrd -c "$next" /boot/Image || fail "CMA load failed"
	expect_in_cma
	expect_ima_probes 1
	ima_probe 2
	echo "kernel 2: CMA image, nothing to copy"
	kexec-file -e
	fail "kexec-file -e returned"
	;;
esac
fail "unknown stage $kho_stage"
