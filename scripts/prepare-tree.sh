#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Turn the pristine tree SRC into the working tree DEST: apply patches/series
# to pristine copies of the files it touches, lay the overlay (new files of
# kernel/, include/, lib/, Documentation/, tools/testing/memblock/ and the
# KUnit suites of kunit/) on top, and copy into DEST only what changed, so
# that an incremental kernel build recompiles only what an edit touched.
# Files that an earlier run put in DEST and that are gone from the overlay
# or the series are restored.
#
# usage: prepare-tree.sh REPO SRC DEST
set -euo pipefail

repo=$(realpath "$1")
src=$(realpath "$2")
dest=$3
overlay_dirs="kernel include lib mm drivers arch Documentation tools/testing/memblock"

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT

if [ ! -d "$dest" ]; then
	echo "  TREE    $dest (hard-linked copy of $src)"
	cp -al "$src" "$dest.tmp"
	mv "$dest.tmp" "$dest"
fi
dest=$(realpath "$dest")

# Patched copies of the upstream files the series touches.
while read -r p; do
	case "$p" in ''|'#'*) continue ;; esac
	for f in $(sed -n 's|^+++ b/||p' "$repo/patches/$p"); do
		[ -e "$stage/$f" ] && continue
		if [ ! -e "$src/$f" ]; then
			echo "error: $p creates $f; new files belong in the overlay" >&2
			exit 1
		fi
		mkdir -p "$stage/$(dirname "$f")"
		cp "$src/$f" "$stage/$f"
	done
	if ! patch -d "$stage" -p1 -s --no-backup-if-mismatch -F0 \
	     < "$repo/patches/$p"; then
		echo "error: patches/$p does not apply" >&2
		exit 1
	fi
done < "$repo/patches/series"

# The overlay, and the KUnit suites at the path they have in the tree.
for d in $overlay_dirs; do
	[ -d "$repo/$d" ] || continue
	mkdir -p "$stage/$(dirname "$d")"
	cp -r "$repo/$d" "$stage/$(dirname "$d")/"
done
[ -d "$repo/kunit" ] && (cd "$repo/kunit" && find . -type f ! -name .kunitconfig \
	-exec cp --parents {} "$stage/" \;)

(cd "$stage" && find . -type f | sed 's|^\./||' | sort) > "$stage.manifest"

# Restore what an earlier run changed and this one no longer does.
if [ -f "$dest/.kho-manifest" ]; then
	comm -23 "$dest/.kho-manifest" "$stage.manifest" | while read -r f; do
		if [ -e "$src/$f" ]; then
			cp "$src/$f" "$dest/$f.tmp" && mv "$dest/$f.tmp" "$dest/$f"
		else
			rm -f "$dest/$f"
		fi
		echo "  RESTORE $f"
	done
fi

rsync -rc --itemize-changes "$stage/" "$dest/" | sed -n 's/^>f[^ ]* /  UPDATE  /p'
mv "$stage.manifest" "$dest/.kho-manifest"
