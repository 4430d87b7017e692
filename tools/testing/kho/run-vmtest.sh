#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run the end-to-end scenarios of one kernel: each boots the kernel with the
# command line its header names (# cmdline:), runs scenarios/NAME.sh as the
# guest's init, and passes if the guest printed "VMTEST: PASS NAME" within
# the time limit (# timeout:, default 180 s) and no kernel log shows a
# warning, bug, lockdep or list-debug report. A "# mem:" header sets the
# guest's memory (default 1G), "# nodes:" the NUMA nodes it is split into
# (default 1), "# smp:" its CPUs (default 1, at least one per node: one
# guest per host CPU runs fastest; the scenarios that take secondary CPUs
# through kexec, a crash or a race ask for 2), "# dt:" DT source added to
# the DT of a direct boot (see vm.sh). Which scenarios run, on which CPU
# models and boot paths, is vmtest_plan's (lib.sh) for KERNEL and the tier
# VMTEST_TIER (gate or full, the default); NAMEs pick scenarios whatever
# their tier and kernels. A
# scenario whose "# needs:" header names a kernel option (say KFENCE) that
# the kernel's .config, next to IMAGE, does not set is not run, and a
# comment line says so.
#
# VMTEST_JOBS guests (default: one per CPU) run at once, as long as their
# memory adds up to no more than the host's less 2 GiB, the longest first
# (by their last run's duration, else their time limit), so that no long
# run is left alone at the end; each writes its serial log to
# RESULTDIR/NAME-CPU-BOOT.log. Results are printed as the runs end; a
# failing one prints its last 40 serial lines and the path of
# its log, and the summary names every failure. VMTEST_NAME names the
# summary line (default: vmtest). VMTEST_SCRATCH replaces the headers'
# kho_scratch=64M, which is too small for a kernel with Debian's whole
# configuration.
#
# usage: run-vmtest.sh KERNEL IMAGE INITRD RESULTDIR [NAME...]
set -uo pipefail

here=$(dirname "$0")
. "$here/lib.sh"
kernel=$1 image=$2 initrd=$3 results=$4
shift 4
tier=${VMTEST_TIER:-full}
slots=${VMTEST_JOBS:-$(nproc)}
case "$tier" in
gate|full) ;;
*) echo "run-vmtest: tier '$tier' is neither gate nor full" >&2; exit 2 ;;
esac
case "$slots" in
''|0|*[!0-9]*) echo "run-vmtest: VMTEST_JOBS '$slots' is not a number of guests" >&2; exit 2 ;;
esac
budget=$(($(sed -n 's/^MemTotal: *\([0-9]*\) kB/\1/p' /proc/meminfo) / 1024 - 2048))

# The kernel options a scenario needs and the kernel lacks.
missing_options()
{
	local opt

	for opt in $(vmtest_header "$1" needs); do
		grep -qx "CONFIG_$opt=y" "$(dirname "$image")/.config" ||
			echo "CONFIG_$opt"
	done
}

# run_one CPU BOOT NAME: boot scenario NAME and write its duration and its
# verdict ("pass", or "fail: why") to its log's .verdict file. Told to
# stop, it stops its guest first.
run_one()
{
	local cpu=$1 boot=$2 name=$3 guest= log cmdline limit mem nodes smp start rc why

	trap '[ -n "$guest" ] && kill -TERM "$guest"; exit 143' TERM
	log=$results/$name-$cpu-$boot.log
	cmdline=${VMTEST_HEADERS["$name cmdline"]:-}
	[ -n "${VMTEST_SCRATCH:-}" ] &&
		cmdline=$(echo "$cmdline" | sed "s/kho_scratch=64M/kho_scratch=$VMTEST_SCRATCH/")
	limit=${VMTEST_HEADERS["$name timeout"]:-180}
	mem=${VMTEST_HEADERS["$name mem"]:-${KHO_MEM:-1G}}
	nodes=${VMTEST_HEADERS["$name nodes"]:-1}
	smp=${VMTEST_HEADERS["$name smp"]:-1}
	start=$(date +%s)
	KHO_DT=${VMTEST_HEADERS["$name dt"]:-} KHO_SMP=$smp \
	KHO_CPU=$cpu KHO_BOOT=$boot KHO_MEM=$mem KHO_NODES=$nodes \
		timeout "$limit" "$here/vm.sh" run "$image" "$initrd" \
		"kho_scenario=$name $cmdline" > "$log" 2>&1 &
	guest=$!
	wait $guest
	rc=$?
	why=$(vmtest_verdict "$name" "$log" $rc "$limit")
	{
		echo "$(($(date +%s) - start))"
		if [ -z "$why" ]; then echo pass; else echo "fail: $why"; fi
	} > "$log.verdict.tmp"
	mv "$log.verdict.tmp" "$log.verdict"
}

# mem_mib NAME: the guest memory of scenario NAME in MiB.
mem_mib()
{
	local mem

	mem=${VMTEST_HEADERS["$1 mem"]:-${KHO_MEM:-1G}}
	echo $(($(numfmt --from=iec "$mem") >> 20))
}

runs=()
not_run=()
while read -r cpu boot name; do
	[ -n "$name" ] || continue
	missing=$(missing_options "$name")
	if [ -z "$missing" ]; then
		runs+=("$cpu $boot $name")
	else
		case " ${not_run[*]} " in
		*"# $name is not run"*) ;;
		*) not_run+=("# $name is not run: this kernel lacks $(echo $missing)") ;;
		esac
	fi
done < <(vmtest_plan "$kernel" "$tier" "$@")

# expected_secs CPU BOOT NAME: how long the run is expected to take.
expected_secs()
{
	local verdict=$results/$3-$1-$2.log.verdict

	if [ -s "$verdict" ]; then
		head -1 "$verdict"
	else
		echo "${VMTEST_HEADERS["$3 timeout"]:-180}"
	fi
}

mkdir -p "$results"
mapfile -t runs < <(for run in "${runs[@]}"; do
	echo "$(expected_secs $run) $run"
done | sort -k1,1nr -s | cut -d' ' -f2-)

passed=0 failed=0 finished=0 used=0 next=0
failures=()
declare -A running=() run_mem=()
# Interrupted: the runs still going stop their guests.
trap '[ ${#running[@]} = 0 ] || kill -TERM "${!running[@]}" 2>/dev/null' EXIT
echo "TAP version 13"
echo "1..${#runs[@]}"
for line in "${not_run[@]}"; do
	echo "$line"
done

# report PID: print the result of the run that process PID made.
report()
{
	local cpu boot name what log secs why

	read -r cpu boot name <<< "${running[$1]}"
	what="$name on $cpu"
	[ "$boot" = direct ] || what="$what, $boot"
	log=$results/$name-$cpu-$boot.log
	secs=$(head -1 "$log.verdict" 2>/dev/null)
	case "$(sed -n 2p "$log.verdict" 2>/dev/null)" in
	pass)	why= ;;
	"fail: "*) why=$(sed -n '2s/^fail: //p' "$log.verdict") ;;
	*)	why="the run ended without a verdict" ;;
	esac
	finished=$((finished + 1))
	if [ -z "$why" ]; then
		passed=$((passed + 1))
		echo "ok $finished - $what (${secs} s)"
	else
		failed=$((failed + 1))
		failures+=("$what")
		echo "not ok $finished - $what: $why"
		echo "# ---- last 40 serial lines of $what (whole log: $log) ----"
		tail -40 "$log" | tr -d '\r' | sed 's/^/# /'
		echo "# ---- end of $what ----"
	fi
	used=$((used - run_mem[$1]))
	unset "running[$1]" "run_mem[$1]"
}

while [ $next -lt ${#runs[@]} ] || [ ${#running[@]} -gt 0 ]; do
	if [ $next -lt ${#runs[@]} ] && [ ${#running[@]} -lt "$slots" ]; then
		read -r cpu boot name <<< "${runs[$next]}"
		mem=$(mem_mib "$name")
		# A guest too big to share the host waits until it can run alone.
		if [ ${#running[@]} = 0 ] || [ $((used + mem)) -le $budget ]; then
			rm -f "$results/$name-$cpu-$boot.log.verdict"
			run_one "$cpu" "$boot" "$name" &
			running[$!]=${runs[$next]}
			run_mem[$!]=$mem
			used=$((used + mem))
			next=$((next + 1))
			continue
		fi
	fi
	wait -n -p pid "${!running[@]}"
	report "$pid"
done

echo "${VMTEST_NAME:-vmtest}: $passed passed, $failed failed"
for what in "${failures[@]}"; do
	echo "# failed: $what"
done
[ $failed = 0 ]
