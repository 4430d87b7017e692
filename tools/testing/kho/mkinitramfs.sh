#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the guest initramfs: Debian's arm64 busybox, kexec-tools, dtc,
# fdtdump and fdtget with the libraries they link, our static tools
# (kexec-file, kho, kho-memfd, guest-memory, from TOOLSDIR), the kernel image
# itself (so that the guest can kexec into it), the guest init and the
# scenario scripts.
#
# usage: mkinitramfs.sh DEBDIR IMAGE TOOLSDIR OUTDIR
set -euo pipefail

debdir=$(realpath "$1")
image=$(realpath "$2")
tools=$(realpath "$3")
out=$4
here=$(realpath "$(dirname "$0")")

mkdir -p "$out"
out=$(realpath "$out")
rm -rf "$out/debroot" "$out/root"
mkdir -p "$out/debroot" "$out/root"
for deb in "$debdir"/*_arm64.deb; do
	dpkg-deb -x "$deb" "$out/debroot"
done

root=$out/root
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,lib/aarch64-linux-gnu,proc,sys,dev,tmp,boot,scenarios}
cp "$out/debroot/bin/busybox" "$root/bin/busybox"
cp "$out/debroot/sbin/kexec" "$root/sbin/kexec"
cp "$tools/kexec-file" "$tools/kho" "$tools/kho-memfd" "$tools/guest-memory" \
	"$root/sbin/"
cp "$out/debroot/usr/bin/dtc" "$out/debroot/usr/bin/fdtdump" \
	"$out/debroot/usr/bin/fdtget" "$root/usr/bin/"

# The libraries the dynamic binaries need, found by walking DT_NEEDED.
find_lib()
{
	local d
	for d in lib/aarch64-linux-gnu usr/lib/aarch64-linux-gnu; do
		[ -e "$out/debroot/$d/$1" ] && { echo "$out/debroot/$d/$1"; return; }
	done
	echo "mkinitramfs: $1 not found in the arm64 packages" >&2
	exit 1
}
queue="$root/sbin/kexec $root/usr/bin/dtc $root/usr/bin/fdtdump $root/usr/bin/fdtget"
while [ -n "$queue" ]; do
	set -- $queue
	bin=$1
	shift
	queue="$*"
	for lib in $(readelf -d "$bin" | sed -n 's/.*Shared library: \[\(.*\)\]/\1/p'); do
		[ -e "$root/lib/aarch64-linux-gnu/$lib" ] && continue
		cp -L "$(find_lib "$lib")" "$root/lib/aarch64-linux-gnu/$lib"
		queue="$queue $root/lib/aarch64-linux-gnu/$lib"
	done
done
cp -L "$out/debroot/lib/ld-linux-aarch64.so.1" "$root/lib/"

cp "$image" "$root/boot/Image"
cp "$here/guest/init" "$root/init"
cp "$here"/scenarios/*.sh "$here"/guest/{demo,bench,bench_kexec,bench_memfd}.sh "$root/scenarios/"
chmod +x "$root/init"

(cd "$root" && find . -mindepth 1 | LC_ALL=C sort |
	cpio --quiet -o -H newc -R 0:0) > "$out/initrd.cpio.tmp"
mv "$out/initrd.cpio.tmp" "$out/initrd.cpio"
echo "  INITRD  $out/initrd.cpio ($(($(stat -c %s "$out/initrd.cpio") >> 20)) MiB)"
