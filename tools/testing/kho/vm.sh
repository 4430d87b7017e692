#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot the test kernel in qemu-system-aarch64 (virt machine, TCG).
#
# usage: vm.sh shell IMAGE INITRD [KERNEL-PARAMETER...]
#        vm.sh run   IMAGE INITRD [KERNEL-PARAMETER...]
# "shell" is interactive; "run" reads nothing and writes the serial console
# to standard output. KHO_CPU picks the CPU model (default cortex-a72),
# KHO_MEM the memory size (default 1G), KHO_NODES the number of NUMA nodes
# the memory and the CPUs are split into (default 1), KHO_SMP the number of
# CPUs (default 2, at least one per node), KHO_BOOT the boot path:
#   direct    qemu loads the kernel and passes it its own DT (default)
#   efi-dt    edk2 (Debian's QEMU_EFI.fd) boots the kernel's EFI stub and
#             passes it the DT qemu made (-machine acpi=off)
#   efi-acpi  the same, but the firmware gives ACPI tables and no DT
# KHO_DT, on a direct boot, is DT source added to the DT qemu makes (say a
# /reserved-memory node a machine's firmware would have, or /memreserve/
# entries).
# The guest has no network card: nothing needs one, and qemu's default card
# needs an option ROM from a package the tests do not install.
set -euo pipefail

mode=$1 image=$2 initrd=$3
shift 3

firmware=/usr/share/qemu-efi-aarch64/QEMU_EFI.fd
case ${KHO_BOOT:-direct} in
direct)		machine=virt boot=() ;;
efi-dt)		machine=virt,acpi=off boot=(-bios "$firmware") ;;
efi-acpi)	machine=virt,acpi=on boot=(-bios "$firmware") ;;
*)		echo "vm.sh: unknown KHO_BOOT '$KHO_BOOT'" >&2; exit 2 ;;
esac

mem=${KHO_MEM:-1G} nodes=${KHO_NODES:-1} smp=${KHO_SMP:-2} numa=()
[ "$nodes" -gt "$smp" ] && smp=$nodes
if [ "$nodes" -gt 1 ]; then
	bytes=$(numfmt --from=iec "$mem")
	for ((n = 0; n < nodes; n++)); do
		numa+=(-object "memory-backend-ram,id=mem$n,size=$((bytes / nodes))"
		       -numa "node,nodeid=$n,cpus=$n,memdev=mem$n")
	done
fi

args=(-M "$machine" -cpu "${KHO_CPU:-cortex-a72}" -smp "$smp"
      -m "$mem" "${numa[@]}"
      -nic none -no-reboot "${boot[@]}" -kernel "$image" -initrd "$initrd"
      -append "console=ttyAMA0 retain_initrd panic=-1 $*")

case $mode in
shell)	opts=(-nographic) input=/dev/stdin ;;
run)	opts=(-display none -monitor none -serial stdio) input=/dev/null ;;
*)	echo "usage: vm.sh shell|run IMAGE INITRD [PARAM...]" >&2; exit 2 ;;
esac

[ -z "${KHO_DT:-}" ] &&
	exec qemu-system-aarch64 "${opts[@]}" "${args[@]}" < $input

if [ "${KHO_BOOT:-direct}" != direct ]; then
	echo "vm.sh: KHO_DT needs the direct boot" >&2
	exit 2
fi
dt=$(mktemp -d)
trap 'rm -rf "$dt"' EXIT
qemu-system-aarch64 -display none -monitor none -serial none "${args[@]}" \
	-M "$machine,dumpdtb=$dt/virt.dtb" > /dev/null
# /memreserve/ entries go right after the DT's version line, nodes at the end.
memreserve=$(grep -o '/memreserve/[^;]*;' <<< "$KHO_DT" || true)
dtc -q -I dtb -O dts "$dt/virt.dtb" | {
	read -r version
	echo "$version"
	echo "$memreserve"
	cat
	sed 's|/memreserve/[^;]*;||g' <<< "$KHO_DT"
} > "$dt/kho.dts"
dtc -q -I dts -O dtb -o "$dt/kho.dtb" "$dt/kho.dts"
qemu-system-aarch64 "${opts[@]}" "${args[@]}" -dtb "$dt/kho.dtb" < $input
