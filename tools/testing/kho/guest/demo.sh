# SPDX-License-Identifier: GPL-2.0
# The guest half of "make demo": a KHO activation, narrated.

# say LINE...: a paragraph of narration, one argument per line.
say() { echo; printf '### %s\n' "$@"; }
run() { printf '# %s\n' "$*"; sh -c "$*"; }

if [ "${kho_stage:-1}" = 2 ]; then
	say "This is the next kernel. It found the handover, reserved what it names," \
	    "and kho_test checked every byte of its 64 MiB. reserve_mem= took the" \
	    "region the previous kernel had instead of allocating a new one:"
	run 'dmesg | grep -E "kho: handover|kho_test: restored|reserve_mem:|ramoops: using"'
	say "So pstore shows what the previous kernel wrote, token $kho_demo_token:"
	run 'cat /sys/fs/pstore/pmsg-ramoops-0'
	say "That is KHO. Try it yourself with: make shell"
	poweroff -f
fi

say "This kernel was booted with kho_scratch=64M kho_test.enable=1, and with" \
    "reserve_mem=2M:4096:oops ramoops.mem_name=oops: pstore keeps its records" \
    "in a named region, which KHO will keep in place across the kexec." \
    "The scratch region is a CMA area reserved early in boot. The next kernel" \
    "will be loaded into it, so it can never land on memory we hand over."
run 'dmesg | grep -E "kho:|kho_test:|cma: Reserved"'
run 'ls -l /sys/kernel/kho/'
run 'cat /sys/kernel/kho/scratch_phys /sys/kernel/kho/scratch_len /sys/kernel/kho/dt_max'

say "Activating KHO asks every registered driver to serialize its state into" \
    "one device tree. kho_test is such a driver: it names 1028 ranges, 64 MiB."
run 'echo 1 > /sys/kernel/kho/active'
run 'cat /sys/kernel/kho/active'
run 'dmesg | grep kho_test:'

say "The device tree is now frozen and readable; Debian's dtc decodes it." \
    "The mem property holds (address, length) pairs of native 64-bit numbers;" \
    "dtc prints big-endian 32-bit cells, so on arm64 the bytes look swapped."
run 'dtc -I dtb -O dts /sys/kernel/kho/dt'

say "Bad input is refused with a precise error, and changes nothing:"
run 'echo 0x1000 > /sys/kernel/kho/dt_max'
run 'echo 2 > /sys/kernel/kho/active'

say "Writing 0 aborts: every driver is told, and the device tree is freed."
run 'echo 0 > /sys/kernel/kho/active'
run 'ls /sys/kernel/kho/'
run 'dmesg | tail -3'

say "Now a real handover. We write a random token to pstore's message log," \
    "activate KHO again, load this same kernel with kexec_file_load() and" \
    "execute it."
token=$(head -c 8 /dev/urandom | od -A n -t x1 | tr -d ' \n')
run "echo 'token $token' > /dev/pmsg0"
run 'echo 1 > /sys/kernel/kho/active'
printf '# %s\n' 'kexec -s -l /boot/Image --initrd=/tmp/initrd --append="$(cat /proc/cmdline)"'
kexec_load 2 "kho_demo_token=$token"
run 'kexec -e'
poweroff -f
