#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Configure the kernel: allnoconfig with the given fragments on top, then
# check that every option a fragment asks for is in the resulting .config
# (Kconfig drops silently what it cannot satisfy).
#
# usage: make-config.sh FRAGMENT...
set -euo pipefail
. "$(dirname "$0")/lib.sh"

kout=$KOUT
mkdir -p "$kout"
cat "$@" > "$kout/fragment.new"
if cmp -s "$kout/fragment.new" "$kout/fragment" && [ -f "$kout/.config" ]; then
	rm "$kout/fragment.new"
	exit 0
fi
kmake -s KCONFIG_ALLCONFIG="$kout/fragment.new" allnoconfig

bad=0
while read -r line; do
	case "$line" in
	CONFIG_*=n)	want="# ${line%=n} is not set" ;;
	CONFIG_*)	want=$line ;;
	*)		continue ;;
	esac
	if ! grep -qxF "$want" "$kout/.config"; then
		echo "config: $line requested but not set" >&2
		bad=1
	fi
done < "$kout/fragment.new"
if [ $bad != 0 ]; then
	# The .config no longer matches the fragments it was last made from.
	rm -f "$kout/fragment" "$kout/fragment.new"
	exit 1
fi
mv "$kout/fragment.new" "$kout/fragment"
