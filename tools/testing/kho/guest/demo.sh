# SPDX-License-Identifier: GPL-2.0
# The guest half of "make demo": a KHO handover, narrated, one screen per
# kernel.

# say LINE...: a paragraph of narration, one argument per line.
say() { echo; printf '### %s\n' "$@"; }
run() { printf '# %s\n' "$*"; sh -c "$*"; }

if [ "${kho_stage:-1}" = 2 ]; then
	say "This is the next kernel. It found the handover and reserved what it" \
	    "names; kho_test checked every byte of its 64 MiB, and reserve_mem=" \
	    "took the previous kernel's region instead of allocating a new one:"
	run 'dmesg | grep -E "kho: handover|kho_test: restored|reserve_mem:"'
	say "What was handed over, and what is still reserved for its users:"
	run 'kho status --incoming'
	say "The VMM takes its memfd back by token: same pages, no copy. It checks" \
	    "the size, the seals and every byte, then tells KHO it is done:"
	run 'kho-memfd retrieve 64M'
	run 'cat /sys/firmware/kho/memfds'
	say "pstore shows what the previous kernel wrote: token $kho_demo_token"
	run 'cat /sys/fs/pstore/pmsg-ramoops-0'
	say "That is KHO. Try it yourself with: make shell"
	poweroff -f
fi

say "This kernel was booted with kho_scratch=64M (the next kernel will be" \
    "loaded into this CMA region, so it never lands on memory we hand over)," \
    "kho_test.enable=1 (a driver that hands over 64 MiB) and a pstore region" \
    "reserved with reserve_mem=2M:4096:oops. A VMM keeps a guest's memory in" \
    "a 64 MiB memfd and asks /dev/kho to preserve it, as token 0x42:"
run 'kho-memfd hold 64M > /tmp/vmm.out &'
wait_holder /tmp/vmm.out
token=$(head -c 8 /dev/urandom | od -A n -t x1 | tr -d ' \n')
run "echo 'token $token' > /dev/pmsg0"
run 'kho status'

say "Activation asks every driver to write its state into one device tree," \
    "pins the memfd's pages and freezes it all:"
run 'kho activate'
run 'kho status'
say "While it is active, the handover cannot change:"
run 'echo 0x1000 > /sys/kernel/kho/dt_max'

say "Now load this same kernel with kexec_file_load() and execute it."
printf '# %s\n' 'kexec -s -l /boot/Image --initrd=/tmp/initrd --append="$(cat /proc/cmdline)"'
kexec_load 2 "kho_demo_token=$token"
run 'kexec -e'
poweroff -f
