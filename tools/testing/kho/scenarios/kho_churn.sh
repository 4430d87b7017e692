# SPDX-License-Identifier: GPL-2.0
# Leaks and locks under churn: 1000 activations, each aborted, with
# kho_test taking part, and a kexec image loaded and unloaded between
# them. kmemleak then finds nothing unreferenced since the loop began,
# lockdep (on in every test kernel) reports nothing, and MemFree is within
# 1% of where it started.
# cmdline: kho_scratch=64M kho_test.enable=1 kmemleak=on
# needs: DEBUG_KMEMLEAK
# timeout: 1500

CYCLES=1000
LEAKS=/sys/kernel/debug/kmemleak

settle()
{
	sync
	echo 3 > /proc/sys/vm/drop_caches
}

# Forget what the boot left: only what the loop leaks counts.
echo scan > $LEAKS
echo clear > $LEAKS
settle
before=$(meminfo MemFree)
start=$(date +%s)
i=0
while [ $i -lt $CYCLES ]; do
	echo 1 > $KHO/active || fail "cycle $i: activation failed"
	[ -e $KHO/dt ] || fail "cycle $i: no DT while active"
	out=$(kexec -s -l /boot/Image --append="kho_churn=$i" 2>&1) ||
		fail "cycle $i: kexec -s -l: $out"
	out=$(kexec -s -u 2>&1) || fail "cycle $i: kexec -s -u: $out"
	echo 0 > $KHO/active || fail "cycle $i: abort failed"
	[ -e $KHO/dt ] && fail "cycle $i: a DT after the abort"
	i=$((i + 1))
done
echo "$CYCLES cycles in $(($(date +%s) - start)) s"
expect_log "kho: activation failed" 0

# kmemleak reports only objects older than 5 s.
sleep 6
echo scan > $LEAKS
report=$(cat $LEAKS)
[ -z "$report" ] || fail "kmemleak: $(echo "$report" | head -30)"

settle
after=$(meminfo MemFree)
diff=$((after - before))
echo "MemFree: $before kB before, $after kB after"
[ ${diff#-} -le $((before / 100)) ] ||
	fail "MemFree $after kB after $CYCLES cycles, $before kB before"
pass
