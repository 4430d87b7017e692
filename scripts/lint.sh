#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Lint what the project adds to the kernel:
#  - scripts/checkpatch.pl --strict on every new source file and on every
#    mail of the series make series writes,
#  - scripts/kernel-doc on every new source file,
#  - a W=1 build of the KHO objects, which must print no warning,
#  - the files that include the KHO header, built with CONFIG_KEXEC_KHO off,
#  - that Kconfig does not offer the KUnit suites as modules,
#  - the scenarios' tiers: every capability keeps a gate scenario
#    (tools/testing/kho/check-tiers.sh).
# Prints one line per check and "lint: N passed, N failed".
#
# usage: lint.sh REPO   (TREE, KOUT and JOBS come from the Makefile)
set -uo pipefail
. "$(dirname "$0")/lib.sh"

repo=$(realpath "$1")
out=$KOUT/lint
mkdir -p "$out"
passed=0 failed=0

result()
{
	if [ "$1" = 0 ]; then
		passed=$((passed + 1))
		echo "ok - $2"
	else
		failed=$((failed + 1))
		echo "not ok - $2"
		sed 's/^/# /' "$3"
	fi
}

cd "$repo"
sources=$(git ls-files -co --exclude-standard kernel include lib mm drivers kunit \
	tools/kexec tools/testing/memblock |
	grep -E '\.[ch]$')

# checkpatch runs in the build directory: in a git checkout it leaves a
# cache of CamelCase names behind.
for f in $sources; do
	(cd "$out" && "$TREE/scripts/checkpatch.pl" --strict --no-tree --quiet \
		--show-types --ignore FILE_PATH_CHANGES -f "$repo/$f") \
		> "$out/log" 2>&1
	result $? "checkpatch $f" "$out/log"
	"$TREE/scripts/kernel-doc" -none -Wall "$f" > "$out/log" 2>&1 &&
		! grep -q . "$out/log"
	result $? "kernel-doc $f" "$out/log"
done

# The patches as they are mailed: hunks, new files and sign-off.
"$(dirname "$0")/mkseries.sh" --no-verify "$repo" "$TREE" "$out/series" > /dev/null
for p in "$out"/series/patches/*.patch; do
	# On standard input: checkpatch takes a file git tracks for a source.
	# CamelCase can only come from upstream names (kernel_kexec's Unlock).
	(cd "$out" && "$TREE/scripts/checkpatch.pl" --strict --no-tree --quiet \
		--show-types --ignore FILE_PATH_CHANGES,GIT_COMMIT_ID,CAMELCASE - \
		< "$p") > "$out/log" 2>&1
	result $? "checkpatch $(basename "$p")" "$out/log"
done

# W=1 on the objects built from the overlay (their paths in the tree).
objs=$(for f in $sources; do
	case "$f" in
	tools/*) ;;
	*.c) echo "${f#kunit/}" | sed 's/\.c$/.o/' ;;
	esac
done)
kmake -s W=1 $objs > "$out/log" 2>&1 && ! grep -q 'warning:' "$out/log"
result $? "W=1 build of$(echo $objs | sed 's/^/ /')" "$out/log"

# Drivers include the KHO API whether or not KHO is built, and the kexec core
# calls the CMA placement whether or not it is built: with both off, the
# upstream files that include them must still build.
nokho=$KOUT-nokho
mkdir -p "$nokho"
{
	grep -v -e KEXEC_KHO -e TEST_KHO -e KEXEC_FILE_CMA "$repo"/configs/base.config
	echo "# CONFIG_KEXEC_FILE_CMA is not set"
} > "$nokho/fragment"
(KOUT=$nokho; kmake -s KCONFIG_ALLCONFIG="$nokho/fragment" allnoconfig &&
	! grep -q '^CONFIG_KEXEC_KHO=y' "$nokho/.config" &&
	! grep -q '^CONFIG_KEXEC_FILE_CMA=y' "$nokho/.config" &&
	kmake -s arch/arm64/mm/init.o kernel/kexec_file.o kernel/kexec_core.o \
		drivers/of/fdt.o drivers/of/kexec.o mm/memblock.o) \
	> "$out/log" 2>&1 && ! grep -q 'warning:' "$out/log"
result $? "build with CONFIG_KEXEC_KHO and CONFIG_KEXEC_FILE_CMA off" "$out/log"

# The KUnit suites call libfdt, which 6.12 does not export to modules:
# Kconfig must not offer them as one.
modules=$KOUT-modules
mkdir -p "$modules"
{
	cat "$repo"/configs/base.config "$repo"/configs/kho.config
	echo "CONFIG_MODULES=y"
	echo "CONFIG_KUNIT=m"
	echo "CONFIG_KEXEC_KHO_KUNIT_TEST=m"
	echo "CONFIG_KEXEC_FILE_CMA_KUNIT_TEST=m"
} > "$modules/fragment"
(KOUT=$modules; kmake -s KCONFIG_ALLCONFIG="$modules/fragment" allnoconfig &&
	grep -q '^CONFIG_KEXEC_KHO=y' "$modules/.config" &&
	! grep -E '^CONFIG_(KEXEC_KHO|KEXEC_FILE_CMA)_KUNIT_TEST=m' "$modules/.config") \
	> "$out/log" 2>&1
result $? "the KUnit suites cannot be modules" "$out/log"

"$repo"/tools/testing/kho/check-tiers.sh > "$out/log" 2>&1
result $? "scenario tiers: every capability keeps a gate scenario" "$out/log"

echo "lint: $passed passed, $failed failed"
[ $failed = 0 ]
