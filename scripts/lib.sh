# SPDX-License-Identifier: GPL-2.0
#
# Shared by the build scripts. The Makefile exports TREE, KOUT and JOBS.

# How to run kbuild on the working tree.
kmake()
{
	make -C "$TREE" O="$KOUT" ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- \
		CC="ccache aarch64-linux-gnu-gcc" -j"$JOBS" "$@"
}
