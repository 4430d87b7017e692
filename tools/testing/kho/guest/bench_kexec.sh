# SPDX-License-Identifier: GPL-2.0
# The guest half of the kexec latency bench: a chain of kexecs, each with a
# zero-padded initrd of 16 or 128 MiB loaded in CMA or with KEXEC_FILE_NO_CMA,
# kho_bench_rounds times over. The host times each reboot from the serial
# console: from the kexec-file marker to the next kernel's first line. Each
# mode runs twice in a row, so that it reboots as often from a kernel that
# was itself loaded in CMA as from one that was not.

stage=${kho_stage:-0}
total=$((8 * ${kho_bench_rounds:-3}))
[ "$stage" -lt "$total" ] || pass

set -- 16:cma 16:cma 16:nocma 16:nocma 128:cma 128:cma 128:nocma 128:nocma
shift $((stage % 8))
mib=${1%:*}
mode=${1#*:}
flags=
[ "$mode" = nocma ] && flags=-n

padded_initrd /tmp/initrd "$mib"
kexec-file $flags -i /tmp/initrd -c "$(next_cmdline kho_stage=$((stage + 1)))" \
	/boot/Image || fail "kexec-file $flags failed"
echo "bench_kexec: initrd $mib MiB, $mode, $(kimage_info image copy_bytes) bytes to copy" \
	> /dev/console
kexec-file -e
fail "kexec-file -e returned"
