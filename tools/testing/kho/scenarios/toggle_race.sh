# SPDX-License-Identifier: GPL-2.0
# Two shells toggle active 200 times each: no crash, no leak, and a state
# that is consistent at the end.
# cmdline: kho_scratch=64M kho_test.enable=1 loglevel=4
# timeout: 600
# tier: full
# smp: 2

before=$(meminfo VmallocUsed)

toggle()
{
	i=0
	while [ $i -lt 200 ]; do
		echo 1 > $KHO/active || echo "shell $1: activation $i failed"
		echo 0 > $KHO/active || echo "shell $1: abort $i failed"
		i=$((i + 1))
	done
}
toggle a > /tmp/a.log 2>&1 &
toggle b > /tmp/b.log 2>&1 &
wait
[ -s /tmp/a.log ] && fail "$(head -3 /tmp/a.log)"
[ -s /tmp/b.log ] && fail "$(head -3 /tmp/b.log)"

state=$(cat $KHO/active)
case $state in
0) [ -e $KHO/dt ] && fail "active is 0 but dt exists" ;;
1) [ -e $KHO/dt ] || fail "active is 1 but dt is missing"
   dtc -I dtb -O dts $KHO/dt > /dev/null 2>&1 || fail "dt does not decode" ;;
*) fail "active reads '$state'" ;;
esac
dumps=$(dmesg | grep -c "kho_test: serialized")
aborts=$(dmesg | grep -c "kho_test: handover aborted")
[ "$dumps" -gt 0 ] || fail "no serialization in 400 activations"
expect_write $KHO/active 0
expect_eq "aborts after the last abort" "$(dmesg | grep -c "kho_test: handover aborted")" "$dumps"
[ -e $KHO/dt ] && fail "dt exists after the final abort"

# Each activation allocates a 10 MiB DT: a leak of even one would show.
after=$(meminfo VmallocUsed)
[ $((after - before)) -lt 2048 ] ||
	fail "VmallocUsed grew from $before kB to $after kB"
echo "toggle_race: $dumps activations, $aborts aborts, VmallocUsed $before -> $after kB"
pass
