# SPDX-License-Identifier: GPL-2.0
# A default CMA area at a fixed address (cma=size@base) is not used: the next
# kernel would declare it again over its own image. The image is loaded the
# ordinary way and boots.
# cmdline: cma=64M@0x70000000
# timeout: 300
# tier: full
# covers: kexec_cma

case "$kho_stage" in
"")
	expect_eq "CmaTotal" "$(meminfo CmaTotal)" 65536
	kexec_load 2
	n=$(kimage_info image segments)
	expect_eq "CMA-backed segments" "$(kimage_info image cma_segments)" 0
	expect_eq "bytes to copy" "$(kimage_info image copy_bytes)" "$(segments_bytes image)"
	expect_log "kexec: image loaded: 0 of $n segments in CMA" 1
	kexec -e
	fail "kexec -e returned"
	;;
2)
	expect_eq "CmaTotal" "$(meminfo CmaTotal)" 65536
	echo "kernel 2: up, with its fixed CMA area"
	pass
	;;
esac
fail "unknown stage $kho_stage"
