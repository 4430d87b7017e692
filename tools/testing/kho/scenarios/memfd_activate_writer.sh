# SPDX-License-Identifier: GPL-2.0
# Activation cannot fail transiently: 100 activations and aborts with a
# writer adding folios to a 256 MiB memfd and writing to them, in a guest
# whose CMA area (512 MiB of 1 GiB) takes many of them; every one succeeds.
# memfd_activate_writer_1000 does 1000.
# cmdline: kho_scratch=64M cma=512M
# timeout: 900
# tier: gate
# covers: memfd

activate_with_writer 100
pass
