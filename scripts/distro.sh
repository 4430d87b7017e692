#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make distro: build Debian's own arm64 configuration of linux-source-6.12
# (config.arm64_none_cloud-arm64 of the arm64 linux-config-6.12 package,
# downloaded here, never committed) with the KHO series. Only what KHO and
# its scenarios need is added (KEXEC_FILE, KEXEC_KHO, TEST_KHO, the knob
# that damages a handover, CMA's debugfs files, IMA's list across kexec),
# and only what an Image-only build on a machine without pahole cannot do is
# dropped (BTF, and the debug info it needs). Module signing stays (the
# lockdown LSM selects it): kbuild makes a throwaway key with openssl.
# Debian's modules are not built: the guest needs none.
# The Makefile then runs the Debian-options kernel's scenarios on it.
#
# usage: KOUT=DIR distro.sh DEBDIR
set -euo pipefail
. "$(dirname "$0")/lib.sh"

debdir=$1 kout=$KOUT
flavour=cloud-arm64

mkdir -p "$debdir/config" "$kout"
if ! ls "$debdir"/config/linux-config-6.12_*_arm64.deb > /dev/null 2>&1; then
	(cd "$debdir/config" && apt-get download -q linux-config-6.12:arm64)
fi
deb=$(ls "$debdir"/config/linux-config-6.12_*_arm64.deb | tail -1)
rm -rf "$debdir/config/x"
dpkg-deb -x "$deb" "$debdir/config/x"
echo "  CONFIG  $(basename "$deb"): config.arm64_none_$flavour"
xzcat "$debdir/config/x/usr/src/linux-config-6.12/config.arm64_none_$flavour.xz" \
	> "$kout/.config.debian"

# Configure again when Debian's configuration or this script changed.
cat "$kout/.config.debian" "$0" > "$kout/.config.key"
if ! cmp -s "$kout/.config.key" "$kout/.config.done"; then
	cp "$kout/.config.debian" "$kout/.config"
	"$TREE/scripts/config" --file "$kout/.config" \
		--enable KEXEC_FILE --enable KEXEC_KHO --enable TEST_KHO \
		--enable CMA_DEBUGFS --enable RUNTIME_TESTING_MENU \
		--enable KEXEC_KHO_CORRUPT_TEST --enable IMA_KEXEC \
		--disable DEBUG_INFO_BTF \
		--disable DEBUG_INFO_DWARF_TOOLCHAIN_DEFAULT \
		--enable DEBUG_INFO_NONE
	kmake -s olddefconfig
	for opt in KEXEC_FILE KEXEC_KHO TEST_KHO DEFERRED_STRUCT_PAGE_INIT \
		   RANDOMIZE_BASE KFENCE EFI ACPI NUMA TRANSPARENT_HUGEPAGE; do
		grep -qx "CONFIG_$opt=y" "$kout/.config" ||
			{ echo "distro: CONFIG_$opt is not set" >&2; exit 1; }
	done
	mv "$kout/.config.key" "$kout/.config.done"
fi

start=$(date +%s)
kmake Image
cp "$kout/arch/arm64/boot/Image" "$kout/Image"
echo "distro: Image built in $(($(date +%s) - start)) s"
