#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run the end-to-end scenarios: each boots the test kernel with the command
# line its header names (# cmdline:), runs scenarios/NAME.sh as the guest's
# init, and passes if the guest printed "VMTEST: PASS NAME" within the time
# limit (# timeout:, default 180 s) and no kernel log shows a warning, bug,
# lockdep or list-debug report. A "# mem:" header sets the guest's memory
# (default 1G), "# nodes:" the NUMA nodes it is split into (default 1),
# "# dt:" DT source added to the DT of a direct boot (see vm.sh).
# The serial log of a failing scenario is printed. Every scenario runs on
# each CPU model of KHO_CPUS (default: cortex-a72, and max, which has
# FEAT_LPA2 and so five page table levels), and on each boot path of
# KHO_BOOTS (see vm.sh; default: direct) that its # boots: header names
# (default: direct). A scenario whose "# needs:" header names a kernel
# option (say KFENCE) that the kernel's .config, next to IMAGE, does not
# set is not run, and a comment line says so. VMTEST_NAME names the summary
# line (default: vmtest). VMTEST_SCRATCH replaces the headers' kho_scratch=64M,
# which is too small for a kernel with Debian's whole configuration.
#
# usage: run-vmtest.sh IMAGE INITRD RESULTDIR [NAME...]
set -uo pipefail

here=$(dirname "$0")
. "$here/lib.sh"
image=$1 initrd=$2 results=$3
shift 3
names=("$@")
if [ ${#names[@]} = 0 ]; then
	for f in "$here"/scenarios/*.sh; do
		n=$(basename "$f" .sh)
		[ "$n" = lib ] || names+=("$n")
	done
fi

cpus=(${KHO_CPUS:-cortex-a72 max})
boots=(${KHO_BOOTS:-direct})

# The kernel options a scenario needs and the kernel lacks.
missing_options()
{
	local opt

	for opt in $(sed -n 's/^# needs: //p' "$here/scenarios/$1.sh"); do
		grep -qx "CONFIG_$opt=y" "$(dirname "$image")/.config" ||
			echo "CONFIG_$opt"
	done
}

# The runs: every scenario on every CPU, on the boot paths it names.
runs=()
runnable=()
not_run=()
for name in "${names[@]}"; do
	missing=$(missing_options "$name")
	if [ -z "$missing" ]; then
		runnable+=("$name")
	else
		not_run+=("# $name is not run: this kernel lacks $(echo $missing)")
	fi
done
for cpu in "${cpus[@]}"; do
	for boot in "${boots[@]}"; do
		for name in "${runnable[@]}"; do
			wanted=$(sed -n 's/^# boots: //p' "$here/scenarios/$name.sh")
			case " ${wanted:-direct} " in
			*" $boot "*) runs+=("$cpu $boot $name") ;;
			esac
		done
	done
done

mkdir -p "$results"
passed=0 failed=0 i=0
echo "TAP version 13"
echo "1..${#runs[@]}"
for line in "${not_run[@]}"; do
	echo "$line"
done
for run in "${runs[@]}"; do
	read -r cpu boot name <<< "$run"
	i=$((i + 1))
	script=$here/scenarios/$name.sh
	what="$name on $cpu"
	[ "$boot" = direct ] || what="$what, $boot"
	log=$results/$name-$cpu-$boot.log
	cmdline=$(sed -n 's/^# cmdline: //p' "$script")
	[ -n "${VMTEST_SCRATCH:-}" ] &&
		cmdline=$(echo "$cmdline" | sed "s/kho_scratch=64M/kho_scratch=$VMTEST_SCRATCH/")
	limit=$(sed -n 's/^# timeout: //p' "$script")
	mem=$(sed -n 's/^# mem: //p' "$script")
	nodes=$(sed -n 's/^# nodes: //p' "$script")
	start=$(date +%s)
	KHO_DT=$(sed -n 's/^# dt: //p' "$script") \
	KHO_CPU=$cpu KHO_BOOT=$boot KHO_MEM=${mem:-${KHO_MEM:-1G}} KHO_NODES=${nodes:-1} \
		timeout "${limit:-180}" "$here/vm.sh" run "$image" "$initrd" \
		"kho_scenario=$name $cmdline" > "$log" 2>&1
	rc=$?
	secs=$(($(date +%s) - start))

	why=$(vmtest_verdict "$name" "$log" $rc "${limit:-180}")
	if [ -z "$why" ]; then
		passed=$((passed + 1))
		echo "ok $i - $what (${secs} s)"
	else
		failed=$((failed + 1))
		echo "not ok $i - $what: $why"
		echo "# ---- serial log of $what ----"
		sed 's/^/# /' "$log"
		echo "# ---- end of $what ----"
	fi
done
echo "${VMTEST_NAME:-vmtest}: $passed passed, $failed failed"
[ $failed = 0 ]
