#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check-tiers.sh passes on the scenarios as they are, and fails, naming the
# capability, once the gate scenarios that cover any one capability leave
# the gate; and it refuses a scenario without a tier, in the gate on a
# kernel it does not run on, with an unknown capability, in the gate with
# "needs:" or on no boot path, and a boot path the gate runs on one CPU
# model only.
set -u
here=$(realpath "$(dirname "$0")/..")
. "$here/lib.sh"

dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
bad=0
fail() { echo "FAIL: $*"; bad=1; }

out=$("$here/check-tiers.sh" 2>&1) || fail "the scenarios as they are: $out"

# reset: a copy of the scenarios to damage.
reset()
{
	rm -rf "$dir/s"
	cp -r "$here/scenarios" "$dir/s"
}

# expect_complaint WHAT TEXT: check-tiers on the damaged copy fails saying TEXT.
expect_complaint()
{
	out=$("$here/check-tiers.sh" "$dir/s" 2>&1) && fail "$1: check-tiers passed"
	case "$out" in
	*"$2"*) ;;
	*) fail "$1: '$out'" ;;
	esac
}

caps=$(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$here/capabilities" | awk '{ print $1 }')
[ -n "$caps" ] || fail "no capability listed"
for cap in $caps; do
	reset
	n=0
	for name in $(vmtest_names); do
		case "$(vmtest_header "$name" tier)" in gate*) ;; *) continue ;; esac
		case " $(vmtest_header "$name" covers) " in *" $cap "*) ;; *) continue ;; esac
		sed -i 's/^# tier: gate.*/# tier: full/' "$dir/s/$name.sh"
		n=$((n + 1))
	done
	[ $n -gt 0 ] || fail "no gate scenario covers $cap"
	expect_complaint "$cap's $n gate scenario(s) moved to full" \
		"capability '$cap' has no gate scenario"
done

reset
first=$(vmtest_names | head -1)
sed -i '/^# tier: /d' "$dir/s/$first.sh"
expect_complaint "a scenario without a tier" "$first: no '# tier:' header"

reset
sed -i 's/^# tier: .*/&\n# covers: teleportation/' "$dir/s/$first.sh"
expect_complaint "an unknown capability" "$first: covers 'teleportation'"

reset
sed -i 's/^# tier: .*/# tier: gate debian/' "$dir/s/$first.sh"
expect_complaint "in the gate on a kernel it does not run on" \
	"$first: in the gate on kernel 'debian'"
gate=$(for name in $(vmtest_names); do
	[ "$(vmtest_header "$name" tier)" = gate ] && echo "$name"
done | head -1)
reset
sed -i 's/^# tier: .*/&\n# needs: KFENCE/' "$dir/s/$gate.sh"
expect_complaint "a gate scenario that needs an option" "$gate: in the gate, but needs KFENCE"

reset
sed -i 's/^# tier: .*/&\n# boots: efi-dt/' "$dir/s/$gate.sh"
expect_complaint "a gate scenario on a boot path its kernel lacks" \
	"$gate: in the gate, but the gate runs it on no kernel"

# The Debian-options kernel's gate down to one scenario: one CPU model.
reset
kept=
for name in $(vmtest_names); do
	case " $(vmtest_header "$name" kernels) " in *" debian "*) ;; *) continue ;; esac
	[ "$(vmtest_header "$name" tier)" = gate ] || continue
	[ -z "$kept" ] && kept=$name && continue
	sed -i 's/^# tier: gate$/# tier: gate test/' "$dir/s/$name.sh"
done
expect_complaint "one gate scenario on the debian kernel" \
	"with the debian kernel, efi-dt boot"
exit $bad
