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

# vmtest_verdict NAME LOG QEMU-STATUS LIMIT: print why scenario NAME failed,
# judging by its serial LOG, or nothing if it passed.
vmtest_verdict()
{
	local name=$1 log=$2 rc=$3 limit=$4

	if [ "$rc" = 124 ]; then
		echo "timed out after $limit s"
	elif grep -q "VMTEST: FAIL" "$log"; then
		grep -m1 "VMTEST: FAIL" "$log" | tr -d '\r' | sed 's/.*VMTEST: FAIL //'
	elif grep -qE "$KHO_SPLATS" "$log"; then
		echo "kernel report: $(grep -m1 -E "$KHO_SPLATS" "$log" | tr -d '\r')"
	elif ! tr -d '\r' < "$log" | grep -qx "VMTEST: PASS $name"; then
		echo "no verdict (qemu exit status $rc)"
	fi
}
