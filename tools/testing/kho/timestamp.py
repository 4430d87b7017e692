#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# Copy standard input to RAW unchanged and to STAMPED with each line
# prefixed by the host's monotonic clock in seconds, taken as it arrives.
#
# usage: timestamp.py RAW STAMPED
import sys
import time

with open(sys.argv[1], 'wb') as raw, open(sys.argv[2], 'w') as stamped:
    for line in iter(sys.stdin.buffer.readline, b''):
        now = time.monotonic()
        raw.write(line)
        text = line.decode('utf-8', 'replace').rstrip('\r\n')
        stamped.write(f'{now:.6f} {text}\n')
