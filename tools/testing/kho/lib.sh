# SPDX-License-Identifier: GPL-2.0
#
# Shared by the test harness's scripts on the host.

# Reports of the kernel's debug checks: any of them fails a scenario.
KHO_SPLATS='WARNING:|BUG:|BUG kmalloc|Oops|Kernel panic|Call trace:|'
KHO_SPLATS+='possible circular locking|possible recursive locking|'
KHO_SPLATS+='inconsistent lock state|list_add corruption|'
KHO_SPLATS+='list_del corruption|UBSAN:|KASAN:|kernel BUG|'
KHO_SPLATS+='INFO: task .* blocked|hung_task|soft lockup|rcu_sched self-detected|'
KHO_SPLATS+='rcu_sched detected stalls'

# A scenario that crashes the kernel on purpose prints this line first: the
# reports from there up to the capture kernel's first line are expected.
KHO_CRASH_MARK='VMTEST: CRASH EXPECTED'
KHO_BOOT_LINE='Booting Linux on physical CPU'

# vmtest_splat LOG: the first kernel report in LOG outside an expected crash.
vmtest_splat()
{
	sed "/$KHO_CRASH_MARK/,/$KHO_BOOT_LINE/d" "$1" | grep -m1 -E "$KHO_SPLATS"
}

# vmtest_verdict NAME LOG QEMU-STATUS LIMIT: print why scenario NAME failed,
# judging by its serial LOG, or nothing if it passed.
vmtest_verdict()
{
	local name=$1 log=$2 rc=$3 limit=$4 splat

	if [ "$rc" = 124 ]; then
		echo "timed out after $limit s"
	elif grep -q "VMTEST: FAIL" "$log"; then
		grep -m1 "VMTEST: FAIL" "$log" | tr -d '\r' | sed 's/.*VMTEST: FAIL //'
	elif splat=$(vmtest_splat "$log"); then
		echo "kernel report: $(echo "$splat" | tr -d '\r')"
	elif ! tr -d '\r' < "$log" | grep -qx "VMTEST: PASS $name"; then
		echo "no verdict (qemu exit status $rc)"
	fi
}

# The scenarios, their headers and the runs a tier makes of them. A
# scenario's header (its first comment lines) says where it runs:
#   # tier: gate|full     gate: in make check, on one CPU model; full: only
#                         in make check-full, which runs every scenario on
#                         every CPU model. "gate KERNEL..." keeps it in the
#                         gate on those of its kernels only.
#   # kernels: test debian   the kernels it runs on (default: test)
#   # boots: direct efi-dt efi-acpi   the boot paths (default: direct),
#                         among those of the kernel (vmtest_boots)
#   # covers: CAPABILITY...  what it shows for the gate (see capabilities)
VMTEST_SCENARIOS=${VMTEST_SCENARIOS:-$(dirname "${BASH_SOURCE[0]}")/scenarios}
VMTEST_CPUS=(${KHO_CPUS:-cortex-a72 max})

# vmtest_files: the scenarios' files (lib.sh is their helpers).
vmtest_files()
{
	local f

	for f in "$VMTEST_SCENARIOS"/*.sh; do
		[ -f "$f" ] && [ "$(basename "$f")" != lib.sh ] && echo "$f"
	done
}

# vmtest_read_headers: read the header of every scenario into
# VMTEST_HEADERS, once per directory of scenarios (here, as this file is
# sourced: a command substitution's subshell would read them each time).
declare -A VMTEST_HEADERS=()
VMTEST_HEADERS_OF=
vmtest_read_headers()
{
	local name key value

	[ "$VMTEST_HEADERS_OF" = "$VMTEST_SCENARIOS" ] && return
	VMTEST_HEADERS=()
	while IFS=$'\t' read -r name key value; do
		VMTEST_HEADERS["$name $key"]=$value
	done < <(awk 'FNR == 1 { name = FILENAME; sub(/.*\//, "", name)
			sub(/\.sh$/, "", name); header = 1 }
		!/^#/ { header = 0 }
		header && /^# [a-z]+: / { key = $2; sub(/:$/, "", key)
			value = $0; sub(/^# [a-z]+: /, "", value)
			sub(/[ \t]+$/, "", value)
			print name "\t" key "\t" value }' /dev/null $(vmtest_files))
	VMTEST_HEADERS_OF=$VMTEST_SCENARIOS
}
vmtest_read_headers

# vmtest_header NAME KEY: the value of header KEY of scenario NAME.
vmtest_header()
{
	vmtest_read_headers
	echo "${VMTEST_HEADERS["$1 $2"]:-}"
}

# vmtest_names: every scenario, in the order of their file names.
vmtest_names()
{
	local f

	for f in $(vmtest_files); do
		basename "$f" .sh
	done
}

# vmtest_boots KERNEL: the boot paths a kernel runs its scenarios on, or
# KHO_BOOTS if set. The test kernel has neither EFI nor ACPI.
vmtest_boots()
{
	if [ -n "${KHO_BOOTS:-}" ]; then
		echo "$KHO_BOOTS"
	elif [ "$1" = test ]; then
		echo direct
	else
		echo direct efi-dt efi-acpi
	fi
}

# vmtest_in_gate NAME KERNEL: whether scenario NAME is in the gate on KERNEL.
vmtest_in_gate()
{
	local tier=${VMTEST_HEADERS["$1 tier"]:-}

	case "$tier" in
	gate) return 0 ;;
	"gate "*) case " ${tier#gate } " in *" $2 "*) return 0 ;; esac ;;
	esac
	return 1
}

# vmtest_plan KERNEL TIER [NAME...]: the runs, one "CPU BOOT NAME" line
# each. Without NAMEs: the scenarios of TIER (gate, or full for all) whose
# "kernels:" header names KERNEL. In the gate each scenario runs on one CPU
# model, the models taken in turn along the scenarios of each boot path and
# the turn shifted by one from a boot path to the next, so that every boot
# path with two gate scenarios runs on both models; in the full tier every
# scenario runs on every model.
vmtest_plan()
{
	local kernel=$1 tier=$2 names=() name boot b=0 k cpu wanted

	shift 2
	if [ $# -gt 0 ]; then
		names=("$@")
	else
		for name in $(vmtest_names); do
			wanted=${VMTEST_HEADERS["$name kernels"]:-}
			case " ${wanted:-test} " in *" $kernel "*) ;; *) continue ;; esac
			[ "$tier" = full ] || vmtest_in_gate "$name" "$kernel" || continue
			names+=("$name")
		done
	fi
	for boot in $(vmtest_boots "$kernel"); do
		k=0
		for name in "${names[@]}"; do
			wanted=${VMTEST_HEADERS["$name boots"]:-}
			case " ${wanted:-direct} " in *" $boot "*) ;; *) continue ;; esac
			if [ "$tier" = full ]; then
				for cpu in "${VMTEST_CPUS[@]}"; do
					echo "$cpu $boot $name"
				done
			else
				echo "${VMTEST_CPUS[(k + b) % ${#VMTEST_CPUS[@]}]} $boot $name"
			fi
			k=$((k + 1))
		done
		b=$((b + 1))
	done
}
