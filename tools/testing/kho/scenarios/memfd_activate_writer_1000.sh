# SPDX-License-Identifier: GPL-2.0
# memfd_activate_writer with 1000 activations and aborts.
# cmdline: kho_scratch=64M cma=256M
# timeout: 5400
# tier: full
# covers: memfd

activate_with_writer 1000
pass
