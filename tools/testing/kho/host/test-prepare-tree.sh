#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# prepare-tree.sh: patches and overlay land in the working tree, an edit
# updates only the file it touched, and what leaves the overlay or the
# series is restored from the pristine tree.
set -u
prepare=$(realpath "$(dirname "$0")/../../../../scripts/prepare-tree.sh")

dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cd "$dir"
bad=0
fail() { echo "FAIL: $*"; bad=1; }

mkdir -p src/kernel src/lib repo/kernel repo/kunit/lib repo/patches
printf 'obj-y += a.o\n' > src/kernel/Makefile
printf 'int upstream;\n' > src/lib/old.c
cat > repo/patches/0001-hook.patch <<'PATCH'
Subject: kernel: add a hook

Overlay: kernel/new.c
---
--- a/kernel/Makefile
+++ b/kernel/Makefile
@@ -1 +1,2 @@
 obj-y += a.o
+obj-y += new.o
PATCH
echo 0001-hook.patch > repo/patches/series
printf 'int new;\n' > repo/kernel/new.c
printf 'int test;\n' > repo/kunit/lib/new_test.c
printf 'CONFIG_X=y\n' > repo/kunit/.kunitconfig

"$prepare" repo src tree > out 2>&1 || fail "first run: $(cat out)"
grep -qx 'obj-y += new.o' tree/kernel/Makefile || fail "patch not applied"
grep -qx 'obj-y += new.o' src/kernel/Makefile && fail "pristine tree modified"
cmp -s repo/kernel/new.c tree/kernel/new.c || fail "overlay file missing"
cmp -s repo/kunit/lib/new_test.c tree/lib/new_test.c || fail "KUnit suite not beside its code"
[ -e tree/.kunitconfig ] && fail ".kunitconfig copied into the tree"

touch -d @1000000000 tree/kernel/Makefile tree/kernel/new.c
printf 'int new2;\n' > repo/kernel/new.c
"$prepare" repo src tree > out 2>&1 || fail "second run: $(cat out)"
cmp -s repo/kernel/new.c tree/kernel/new.c || fail "edit not copied"
[ "$(stat -c %Y tree/kernel/Makefile)" = 1000000000 ] || fail "unchanged file rewritten"
[ "$(stat -c %Y tree/kernel/new.c)" != 1000000000 ] || fail "changed file kept its time"

rm repo/kernel/new.c
: > repo/patches/series
"$prepare" repo src tree > out 2>&1 || fail "third run: $(cat out)"
[ -e tree/kernel/new.c ] && fail "file removed from the overlay still in the tree"
cmp -s src/kernel/Makefile tree/kernel/Makefile || fail "unpatched file not restored"

cat > repo/patches/0002-bad.patch <<'PATCH'
--- a/kernel/Makefile
+++ b/kernel/Makefile
@@ -1 +1,2 @@
 obj-y += nothere.o
+obj-y += new.o
PATCH
echo 0002-bad.patch > repo/patches/series
"$prepare" repo src tree > out 2>&1 && fail "a patch that does not apply was accepted"
grep -q "patches/0002-bad.patch does not apply" out || fail "no clear error: $(cat out)"

cat > repo/patches/0003-create.patch <<'PATCH'
--- a/kernel/created.c
+++ b/kernel/created.c
@@ -0,0 +1 @@
+int created;
PATCH
echo 0003-create.patch > repo/patches/series
"$prepare" repo src tree > out 2>&1 && fail "a patch creating a file was accepted"
grep -q "new files belong in the overlay" out || fail "no clear error: $(cat out)"
exit $bad
