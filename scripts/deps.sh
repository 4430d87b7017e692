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
	libelf-dev cpio python3 ccache rsync patch kmod
	qemu-efi-aarch64 liburcu-dev clang libclang-rt-14-dev"
guest_pkgs="busybox-static kexec-tools device-tree-compiler"

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

# The guest programs and every package they depend on (mkinitramfs takes
# only the libraries the programs link).
mkdir -p "$debdir"
[ -f "$debdir/.complete" ] && exit 0
closure=$(apt-cache depends --recurse --no-recommends --no-suggests \
	--no-conflicts --no-breaks --no-replaces --no-enhances --no-pre-depends \
	$(printf '%s:arm64 ' $guest_pkgs) | sed -n 's/^\([^ <]*\):arm64$/\1/p' | sort -u)
# One apt-get for them all: each run reads the package lists again.
fetch=
for p in $guest_pkgs $closure; do
	ls "$debdir/${p}_"*_arm64.deb >/dev/null 2>&1 || fetch="$fetch $p:arm64"
done
[ -z "$fetch" ] || (cd "$debdir" && apt-get download -q $fetch)
touch "$debdir/.complete"
