# SPDX-License-Identifier: GPL-2.0
# Leaks and locks under churn: 1000 activations, each aborted, with
# kho_test and a preserved 4 MiB memfd (pinned and unpinned each time)
# taking part, then 100 holders of a memfd started and killed; every tenth
# activation, a kexec image is loaded while active and unloaded before the
# abort (a load hashes the whole image, half a second under TCG: one per
# cycle would take nine minutes per CPU model).
# Then kmemleak finds nothing unreferenced since the loop began, lockdep
# (on in every test kernel) reports nothing, and the free memory is within
# 1% of where it started. Free memory is MemFree plus the pages on the
# per-CPU free lists, which kexec's page allocations fill by up to 70 MiB
# here and MemFree does not count.
# cmdline: kho_scratch=64M kho_test.enable=1 kmemleak=on
# needs: DEBUG_KMEMLEAK
# timeout: 900
# tier: full

CYCLES=1000
LEAKS=/sys/kernel/debug/kmemleak

# free_kb: free memory in kB once the page cache is dropped, so that only
# what the loop holds counts.
free_kb()
{
	sync
	echo 3 > /proc/sys/vm/drop_caches
	mem_free
}

# Forget what the boot left: only what the loop leaks counts.
expect_log "kmemleak: Kernel memory leak detector initialized" 1
expect_write $LEAKS scan
expect_write $LEAKS clear
kho-memfd hold 4M > /tmp/hold.out &
holder=$!
wait_holder /tmp/hold.out
before=$(free_kb)
start=$(date +%s)
i=0
while [ $i -lt $CYCLES ]; do
	echo 1 > $KHO/active || fail "cycle $i: activation failed"
	[ -e $KHO/dt ] || fail "cycle $i: no DT while active"
	if [ $((i % 10)) = 0 ]; then
		out=$(kexec -s -l /boot/Image --append="kho_churn=$i" 2>&1) ||
			fail "cycle $i: kexec -s -l: $out"
		out=$(kexec -s -u 2>&1) || fail "cycle $i: kexec -s -u: $out"
	fi
	echo 0 > $KHO/active || fail "cycle $i: abort failed"
	[ -e $KHO/dt ] && fail "cycle $i: a DT after the abort"
	i=$((i + 1))
done
echo "$CYCLES cycles in $(($(date +%s) - start)) s"
expect_log "kho: activation failed" 0
i=0
while [ $i -lt 100 ]; do
	rm -f /tmp/churn.out
	KHO_MEMFD_TOKEN=0x100 kho-memfd hold 64K > /tmp/churn.out &
	pid=$!
	wait_holder /tmp/churn.out
	kill -9 $pid
	wait $pid 2>/dev/null
	i=$((i + 1))
done
expect_eq "preserved memfds" "$(cat $KHO/memfds)" "0x42 4194304 1024"

# kmemleak reports only objects older than 5 s.
sleep 6
expect_write $LEAKS scan
report=$(cat $LEAKS) || fail "cannot read $LEAKS"
[ -z "$report" ] || fail "kmemleak: $(echo "$report" | head -30)"

after=$(free_kb)
diff=$((after - before))
echo "free memory: $before kB before, $after kB after"
[ ${diff#-} -le $((before / 100)) ] ||
	fail "free memory $after kB after $CYCLES cycles, $before kB before"
kill $holder
pass
