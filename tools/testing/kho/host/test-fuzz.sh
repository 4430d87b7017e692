#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The handover parsers under libFuzzer, ASan and UBSan: a short run from a
# fixed seed over the committed corpus, every property holding, and dtc
# accepting every DT that kho_dt_check() accepted (see ../fuzz/Makefile).
set -euo pipefail
: "${TREE:?}"

make -s -C "$(dirname "$0")/../fuzz" BUILD="$BUILD/fuzz" TREE="$TREE" check
