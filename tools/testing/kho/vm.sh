#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot the test kernel in qemu-system-aarch64 (virt machine, TCG).
#
# usage: vm.sh shell IMAGE INITRD [KERNEL-PARAMETER...]
#        vm.sh run   IMAGE INITRD [KERNEL-PARAMETER...]
# "shell" is interactive; "run" reads nothing and writes the serial console
# to standard output. KHO_CPU picks the CPU model (default cortex-a72),
# KHO_MEM the memory size (default 1G).
set -euo pipefail

mode=$1 image=$2 initrd=$3
shift 3

args=(-M virt -cpu "${KHO_CPU:-cortex-a72}" -smp 2 -m "${KHO_MEM:-1G}"
      -no-reboot -kernel "$image" -initrd "$initrd"
      -append "console=ttyAMA0 retain_initrd panic=-1 $*")

case $mode in
shell)	exec qemu-system-aarch64 -nographic "${args[@]}" ;;
run)	exec qemu-system-aarch64 -display none -monitor none -serial stdio \
		"${args[@]}" < /dev/null ;;
*)	echo "usage: vm.sh shell|run IMAGE INITRD [PARAM...]" >&2; exit 2 ;;
esac
