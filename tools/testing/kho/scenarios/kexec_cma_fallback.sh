# SPDX-License-Identifier: GPL-2.0
# A CMA area at the top of memory, large enough for the kernel but not for
# the 64 MiB initrd: the arm64 loader wants the initrd above the kernel, so
# no layout with the kernel in CMA exists. The load falls back to the
# ordinary placement for the kernel, initrd and DTB (IMA's buffer, placed
# before them, may stay in CMA), says so in one line, holds no CMA page but
# those of the segments it reports in CMA, reports the others as copied, and
# the next kernel boots with its initrd intact.
# cmdline: cma=32M
# timeout: 300
# tier: full
# covers: kexec_cma

case "$kho_stage" in
"")
	padded_initrd /tmp/initrd 64
	sum=$(md5sum < /tmp/initrd)
	c0=$(cma_free)
	kexec-file -i /tmp/initrd -c "$(next_cmdline kho_stage=2 kho_expect_md5=${sum%% *})" \
		/boot/Image || fail "load failed"

	expect_log "kexec: image: the layout failed with segments in CMA; retrying without CMA" 1
	n=$(kimage_info image segments)
	cma=$(kimage_info image cma_segments)
	[ "$cma" -le 1 ] || fail "$cma of $n segments in CMA after the fallback"
	bytes=$(segments_bytes image copy)
	[ "$bytes" -ge $((64 << 20)) ] || fail "copied segments of $bytes bytes hold no 64 MiB initrd"
	expect_eq "bytes to copy" "$(kimage_info image copy_bytes)" "$bytes"
	expect_log "kexec: image loaded: $cma of $n segments in CMA, $bytes bytes" 1
	expect_eq "CMA held with the image loaded (kB)" $((c0 - $(cma_free))) \
		$(($(segments_bytes image cma) / 1024))

	echo "kernel 1: fell back, $bytes bytes to copy"
	kexec-file -e
	fail "kexec-file -e returned"
	;;
2)
	expect_eq "initrd size" "$(stat -c %s /sys/firmware/initrd)" $((64 << 20))
	sum=$(md5sum < /sys/firmware/initrd)
	expect_eq "initrd md5" "${sum%% *}" "$kho_expect_md5"
	echo "kernel 2: up"
	pass
	;;
esac
fail "unknown stage $kho_stage"
