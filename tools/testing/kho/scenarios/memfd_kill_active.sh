# SPDX-License-Identifier: GPL-2.0
# The process holding /dev/kho dies while KHO is active with its memfd: the
# activation is aborted with one line, nothing stays preserved, and the
# image loaded meanwhile is refused at kexec -e with ESTALE. Killed while
# KHO is idle, it leaves nothing preserved or pinned either (free memory,
# the per-CPU page lists included, back within 1%).
# cmdline: kho_scratch=64M
# timeout: 180
# tier: full
# covers: memfd

free=$(mem_free)
kho-memfd hold 64M > /tmp/hold.out &
pid=$!
wait_holder /tmp/hold.out
expect_eq "preserved memfds" "$(cat $KHO/memfds)" "0x42 67108864 16384"
kill -9 $pid
wait $pid 2>/dev/null
expect_eq "preserved memfds once the idle holder died" "$(cat $KHO/memfds)" ""
# 64 MiB still pinned would be 7% of this guest's memory.
after=$(mem_free)
[ $(((free - after) * 100)) -le "$free" ] ||
	fail "free memory ${after} kB once the holder died, ${free} kB before: pages stay pinned"
echo "free memory ${after} kB once the idle holder died, ${free} kB before"

kho-memfd hold 8388731 > /tmp/hold2.out &
pid=$!
wait_holder /tmp/hold2.out
expect_write $KHO/active 1
kexec_load 2
kill -9 $pid
wait $pid 2>/dev/null
expect_log "kho: memfd: /dev/kho closed with memfds preserved while KHO is active: aborting the activation\$" 1
expect_eq active "$(cat $KHO/active)" 0
expect_eq "preserved memfds" "$(cat $KHO/memfds)" ""
kexec_exec_fails "the kexec image carries a handover that was aborted: load it again"
pass
