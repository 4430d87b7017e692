#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The vmtest verdict: a scenario passes only with its own PASS line, no FAIL
# line, no kernel report, and within its time limit.
set -u
. "$(dirname "$0")/../lib.sh"

dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
bad=0

# expect NAME RC WANT LOG-LINES...: WANT is "pass" or a substring of the reason.
expect()
{
	local name=$1 rc=$2 want=$3 why

	shift 3
	printf '%s\r\n' "[    0.000000] Booting Linux on physical CPU 0x0" "$@" > "$dir/log"
	why=$(vmtest_verdict "$name" "$dir/log" "$rc" 60)
	if [ "$want" = pass ]; then
		[ -z "$why" ] && return
	else
		case "$why" in *"$want"*) return ;; esac
	fi
	echo "FAIL: $name/$rc [$*]: verdict '$why', want '$want'"
	bad=1
}

expect s 0 pass "VMTEST: PASS s"
expect s 0 "no verdict" "VMTEST: PASS other"
expect s 0 "no verdict" "VMTEST: PASS s2"
expect s 0 "no verdict" "all fine"
expect s 124 "timed out after 60 s" "VMTEST: PASS s"
expect s 0 "dt is missing" "VMTEST: FAIL s: dt is missing" "VMTEST: PASS s"
expect s 0 "kernel report: [    1.0] WARNING: CPU: 0 PID: 1" \
	"[    1.0] WARNING: CPU: 0 PID: 1 at kernel/kexec_kho_out.c:10" "VMTEST: PASS s"
expect s 0 "kernel report" "[    2.0] BUG: sleeping function called" "VMTEST: PASS s"
expect s 0 "kernel report" "[    2.0] WARNING: possible circular locking dependency detected" "VMTEST: PASS s"
expect s 0 "kernel report" "[    2.0] list_add corruption. prev->next should be next" "VMTEST: PASS s"
expect s 0 "kernel report" "[    2.0] UBSAN: array-index-out-of-bounds in x.c" "VMTEST: PASS s"
expect s 0 "kernel report" "[    2.0] Kernel panic - not syncing: Oops" "VMTEST: PASS s"
# A crash the scenario announced is expected up to the capture kernel's boot.
expect s 0 pass "VMTEST: CRASH EXPECTED" "[    3.0] Internal error: Oops: 0000000096000046" \
	"[    3.0] Kernel panic - not syncing: sysrq triggered crash" \
	"[    0.000000] Booting Linux on physical CPU 0x0" "VMTEST: PASS s"
expect s 0 "kernel report: [    4.0] WARNING: x" "VMTEST: CRASH EXPECTED" \
	"[    3.0] Kernel panic - not syncing: sysrq triggered crash" \
	"[    0.000000] Booting Linux on physical CPU 0x0" "[    4.0] WARNING: x" "VMTEST: PASS s"
expect s 0 "kernel report: [    2.0] Oops" "[    2.0] Oops" "VMTEST: CRASH EXPECTED" \
	"[    0.000000] Booting Linux on physical CPU 0x0" "VMTEST: PASS s"
exit $bad
