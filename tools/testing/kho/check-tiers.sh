#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The tiers of the scenarios, checked: every scenario says "# tier: gate"
# or "# tier: full", names only known kernels, boot paths and capabilities,
# every capability of the capabilities file is covered by a gate scenario
# on the kernel and boot path it asks for, and every boot path the gate
# runs on runs on every CPU model. Prints what is wrong, one line each, and
# exits non-zero if anything is.
#
# usage: check-tiers.sh [SCENARIODIR]   (default: scenarios/ beside this)
set -uo pipefail

here=$(dirname "$0")
# The plan as make check makes it, whatever this shell's settings.
unset KHO_CPUS KHO_BOOTS VMTEST_SCENARIOS
[ $# -gt 0 ] && VMTEST_SCENARIOS=$1
. "$here/lib.sh"
vmtest_read_headers
kernels="test debian"
bad=0

complain()
{
	echo "check-tiers: $*"
	bad=1
}

capabilities=$(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$here/capabilities")
names=$(vmtest_names)
[ -n "$names" ] || complain "no scenario in $VMTEST_SCENARIOS"

for name in $names; do
	tier=${VMTEST_HEADERS["$name tier"]:-}
	case "$tier" in
	gate|full) ;;
	"gate "*)
		for k in ${tier#gate }; do
			case " ${VMTEST_HEADERS["$name kernels"]:-test} " in
			*" $k "*) ;;
			*) complain "$name: in the gate on kernel '$k', which it does not run on" ;;
			esac
		done
		;;
	gate*) complain "$name: tier '$tier' is neither gate, full nor gate KERNEL..." ;;
	'') complain "$name: no '# tier:' header (gate or full)" ;;
	*) complain "$name: tier '$tier' is neither gate nor full" ;;
	esac
	# A kernel without the option would skip it, and the gate shrink
	# without a word.
	case "$tier" in
	gate*) [ -z "${VMTEST_HEADERS["$name needs"]:-}" ] ||
		complain "$name: in the gate, but needs ${VMTEST_HEADERS["$name needs"]}, which a kernel may lack" ;;
	esac
	for k in ${VMTEST_HEADERS["$name kernels"]:-}; do
		case " $kernels " in *" $k "*) ;; *) complain "$name: unknown kernel '$k'" ;; esac
	done
	for b in ${VMTEST_HEADERS["$name boots"]:-}; do
		case " direct efi-dt efi-acpi " in
		*" $b "*) ;;
		*) complain "$name: unknown boot path '$b'" ;;
		esac
	done
	for c in ${VMTEST_HEADERS["$name covers"]:-}; do
		echo "$capabilities" | awk -v c="$c" '$1 == c { found = 1 } END { exit !found }' ||
			complain "$name: covers '$c', which the capabilities file does not list"
	done
done

# The gate's runs on each kernel, as run-vmtest.sh makes them.
plans=
for k in $kernels; do
	plans+=$(vmtest_plan "$k" gate | sed "s/^/$k /")$'\n'
done

for name in $names; do
	case "${VMTEST_HEADERS["$name tier"]:-}" in gate*) ;; *) continue ;; esac
	grep -q " $name\$" <<< "$plans" ||
		complain "$name: in the gate, but the gate runs it on no kernel and boot path"
done

while read -r cap kernel boot _; do
	found=
	while read -r k cpu b name; do
		[ -n "$name" ] || continue
		[ "$kernel" = any ] || [ "$kernel" = "$k" ] || continue
		[ "$boot" = any ] || [ "$boot" = "$b" ] || continue
		case " ${VMTEST_HEADERS["$name covers"]:-} " in
		*" $cap "*) found=$name; break ;;
		esac
	done <<< "$plans"
	[ -n "$found" ] ||
		complain "capability '$cap' has no gate scenario (kernel $kernel, boot $boot)"
done <<< "$capabilities"

for k in $kernels; do
	for b in $(vmtest_boots "$k"); do
		for cpu in "${VMTEST_CPUS[@]}"; do
			grep -q "^$k $cpu $b " <<< "$plans" ||
				complain "the gate runs nothing on $cpu with the $k kernel, $b boot"
		done
	done
done
exit $bad
