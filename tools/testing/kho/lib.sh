# SPDX-License-Identifier: GPL-2.0
#
# Shared by the harness scripts. The Makefile exports TREE, KOUT and JOBS.

# How to run kbuild on the working tree.
kmake()
{
	make -C "$TREE" O="$KOUT" ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- \
		CC="ccache aarch64-linux-gnu-gcc" -j"$JOBS" "$@"
}

# Reports of the kernel's debug checks: any of them fails a scenario.
KHO_SPLATS='WARNING:|BUG:|BUG kmalloc|Oops|Kernel panic|Call trace:|'
KHO_SPLATS+='possible circular locking|possible recursive locking|'
KHO_SPLATS+='inconsistent lock state|list_add corruption|'
KHO_SPLATS+='list_del corruption|UBSAN:|KASAN:|kernel BUG|'
KHO_SPLATS+='INFO: task .* blocked|hung_task|soft lockup|rcu_sched self-detected'

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
