#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make demo: boot the freshly built kernel in qemu and walk through a KHO
# activation, explaining each step.
#
# usage: demo.sh IMAGE INITRD
set -euo pipefail

cat <<'TEXT'

Kexec HandOver (KHO) demo
=========================
kexec replaces the running kernel with a new one without going through
firmware. KHO lets the old kernel hand state to the new one: small structured
metadata in a device tree, and whole ranges of memory that stay in place.

We now boot the kernel we just built in qemu-system-aarch64 (arm64 "virt"
machine, emulated: the boot takes a few seconds) and drive KHO the way an
operator would, from a shell. Lines starting with '#' are the commands.
TEXT

"$(dirname "$0")/vm.sh" run "$1" "$2" quiet kho_scratch=64M \
	kho_test.enable=1 reserve_mem=2M:4096:oops ramoops.mem_name=oops \
	ramoops.pmsg_size=0x10000 kho_scenario=demo |
	tr -d '\r' | sed -n '/^###/,$p'
