# SPDX-License-Identifier: GPL-2.0
# Each bad input of /dev/kho's outgoing side gets its errno and changes
# nothing (see kho-memfd bad and bad-active); RETRIEVE on a normal boot
# gets ENOENT.
# cmdline: kho_scratch=64M
# timeout: 120
# tier: gate
# covers: memfd

out=$(kho-memfd bad) || fail "$out"
echo "$out"
out=$(kho-memfd bad-active) || fail "$out"
echo "$out"
expect_eq active "$(cat $KHO/active)" 0
out=$(kho-memfd retrieve 8388731 2>&1) && fail "RETRIEVE on a normal boot succeeded"
case "$out" in
*"No such file or directory"*) ;;
*) fail "RETRIEVE on a normal boot: $out" ;;
esac
pass
