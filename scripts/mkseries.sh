#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make series: write the project as a patch series for the pristine tree,
# one mail per entry of patches/series, in the format of git format-patch.
# Each entry carries its hunks to upstream files and the new files its
# "Overlay:" line names (files or directories, at their path in the tree;
# a KUnit suite is named at its path in the tree, kunit/ dropped). Every
# overlay file must belong to exactly one patch.
#
# Then check the series: git am it onto a git repository of the pristine
# tree, compare the result with the working tree that make kernel builds,
# and build the kernel after each patch.
#
# usage: mkseries.sh [--no-verify] REPO SRC OUTDIR
set -euo pipefail

verify=1
if [ "$1" = --no-verify ]; then
	verify=0
	shift
fi
repo=$(realpath "$1")
src=$(realpath "$2")
out=$3
author="Kexec HandOver developers <kho-devel@example.org>"
overlay_dirs="kernel include lib mm drivers arch Documentation tools/testing/memblock"

rm -rf "$out/patches"
mkdir -p "$out/patches"
out=$(realpath "$out")
cd "$repo"

# Every overlay file, at its path in the tree, with where it lives here.
declare -A where owner
for f in $(git ls-files -co --exclude-standard $overlay_dirs kunit); do
	case "$f" in */.kunitconfig) continue ;; esac
	where[${f#kunit/}]=$f
done

mapfile -t series < <(grep -v -e '^#' -e '^$' patches/series)
n=${#series[@]}
i=0
for p in "${series[@]}"; do
	i=$((i + 1))
	subject=$(sed -n 's/^Subject: //p;/^Subject: /q' "patches/$p")
	body=$(awk 'NR == 1 { next } /^Overlay:/ { exit } { print }' "patches/$p" |
		sed -e '1{/^$/d}' -e '${/^$/d}')
	files=()
	for o in $(sed -n 's/^Overlay: *//p' "patches/$p" | tr '\n' ' '); do
		for f in "${!where[@]}"; do
			case "$f" in "$o"|"$o"/*) files+=("$f") ;; esac
		done
	done
	mapfile -t files < <(printf '%s\n' "${files[@]}" | grep . | sort -u)
	for f in "${files[@]}"; do
		if [ -n "${owner[$f]:-}" ]; then
			echo "mkseries: $f belongs to ${owner[$f]} and $p" >&2
			exit 1
		fi
		owner[$f]=$p
	done

	{
		echo "From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001"
		echo "From: $author"
		echo "Date: $(date -R -d @0)"
		echo "Subject: [PATCH $i/$n] $subject"
		echo
		echo "$body"
		echo
		echo "Signed-off-by: $author"
		echo "---"
		sed -n '/^--- a\//,$p' "patches/$p"
		for f in "${files[@]}"; do
			lines=$(wc -l < "${where[$f]}")
			echo "--- /dev/null"
			echo "+++ b/$f"
			echo "@@ -0,0 +1,$lines @@"
			sed 's/^/+/' "${where[$f]}"
		done
		echo "-- "
		echo "2.39.5"
		echo
	} > "$out/patches/$p"
done

for f in "${!where[@]}"; do
	if [ -z "${owner[$f]:-}" ]; then
		echo "mkseries: ${where[$f]} belongs to no patch" >&2
		exit 1
	fi
done
echo "  SERIES  $out/patches ($n patches)"
[ $verify = 1 ] || exit 0

# git am onto the pristine tree, kept as a repository between runs.
git_tree=$out/tree
if [ ! -d "$git_tree/.git" ]; then
	echo "  GIT     $git_tree (pristine tree, once)"
	rm -rf "$git_tree"
	cp -a "$src" "$git_tree"
	git -C "$git_tree" init -q
	git -C "$git_tree" add -A -f
	git -C "$git_tree" -c user.name=pristine -c user.email=pristine@localhost \
		commit -q -m "linux-source-6.12 $(cat "$src/.debian-version")"
	git -C "$git_tree" tag pristine
fi
git -C "$git_tree" am --abort >/dev/null 2>&1 || true
git -C "$git_tree" reset -q --hard pristine
git -C "$git_tree" clean -qfdx
git -C "$git_tree" -c user.name=kho -c user.email=kho@localhost \
	am -q "$out"/patches/*.patch
echo "  GIT AM  $n patches apply to the pristine tree"
if ! diff -r -q -x .git -x .kho-manifest "$git_tree" "$TREE"; then
	echo "mkseries: the series does not give the tree make kernel builds" >&2
	exit 1
fi
echo "  SAME    the series gives the tree make kernel builds ($TREE)"

# Build the tree after each patch, with the test kernel's options (KHO on
# as soon as it exists): the series bisects. One build directory, so that
# each build is incremental on the one before.
kbuild=$out/build
mkdir -p "$kbuild"
cat "$repo"/configs/{base,kho,debug,kunit,ima}.config > "$kbuild/fragment"
mapfile -t commits < <(git -C "$git_tree" rev-list --reverse pristine..HEAD)
tip=$(git -C "$git_tree" rev-parse HEAD)
all=$(date +%s)
for k in "${!commits[@]}"; do
	start=$(date +%s)
	git -C "$git_tree" checkout -q "${commits[$k]}"
	if ! { make -s -C "$git_tree" O="$kbuild" ARCH=arm64 \
		CROSS_COMPILE=aarch64-linux-gnu- CC="ccache aarch64-linux-gnu-gcc" \
		KCONFIG_ALLCONFIG="$kbuild/fragment" allnoconfig &&
	       make -s -C "$git_tree" O="$kbuild" ARCH=arm64 \
		CROSS_COMPILE=aarch64-linux-gnu- CC="ccache aarch64-linux-gnu-gcc" \
		-j"${JOBS:-2}" Image; } > "$kbuild/log" 2>&1; then
		tail -30 "$kbuild/log"
		echo "mkseries: the tree does not build after patch $((k + 1))" >&2
		git -C "$git_tree" checkout -q "$tip"
		exit 1
	fi
	grep -q 'CONFIG_KEXEC_KHO=y' "$kbuild/.config" && kho=on || kho=off
	echo "  BUILD   after patch $((k + 1))/$n, KHO $kho: $(($(date +%s) - start)) s"
done
git -C "$git_tree" checkout -q "$tip"
echo "  BUILD   every patch builds: $(($(date +%s) - all)) s"
