# SPDX-License-Identifier: GPL-2.0
# memfd_activate_writer with 1000 activations and aborts, the writer
# filling a hole every 8 ms so that it adds folios through most of them.
# cmdline: kho_scratch=64M cma=512M
# timeout: 5400
# tier: full
# covers: memfd

activate_with_writer 1000 8000
pass
