#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install what building and testing KHO needs from Debian's archive, and
# fetch the arm64 user space the guest runs (busybox, kexec-tools, dtc and
# the libraries they link). Idempotent: does nothing when all is present.
#
# usage: deps.sh DEBDIR
set -euo pipefail

debdir=$1
host_pkgs="linux-source-6.12 gcc-aarch64-linux-gnu libc6-dev-arm64-cross
	qemu-system-arm device-tree-compiler libfdt-dev bc bison flex libssl-dev
	libelf-dev cpio python3 ccache rsync patch kmod clang llvm
	libclang-rt-14-dev"
guest_pkgs="busybox-static kexec-tools device-tree-compiler libfdt1 libyaml-0-2
	libc6 zlib1g liblzma5"

missing=
for p in $host_pkgs; do
	dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
done
if [ -n "$missing" ] || ! dpkg --print-foreign-architectures | grep -qx arm64; then
	export DEBIAN_FRONTEND=noninteractive
	dpkg --add-architecture arm64
	apt-get update -q
	[ -n "$missing" ] && apt-get install -y -q --no-install-recommends $missing
fi

mkdir -p "$debdir"
for p in $guest_pkgs; do
	ls "$debdir/${p}_"*_arm64.deb >/dev/null 2>&1 && continue
	(cd "$debdir" && apt-get download -q "$p:arm64" 2>/dev/null) || {
		apt-get update -q && (cd "$debdir" && apt-get download -q "$p:arm64")
	}
done
