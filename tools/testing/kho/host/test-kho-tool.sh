#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kho dt, built for the host under ASan and UBSan, on a KHO DT and on every
# truncation and 400 seeded byte corruptions of it: a good DT comes out with
# its mem entries decoded and totalled; a damaged one gets exit status 0 or
# 1 (one line saying what is wrong), never a crash or a sanitizer report.
set -u
here=$(dirname "$0")
# What a damaged DT leaves allocated at exit(1) is not a leak worth a report.
export ASAN_OPTIONS=detect_leaks=0
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
bad=0

gcc -O1 -g -Wall -Wextra -Werror -fsanitize=address,undefined \
	-fno-sanitize-recover=all -o "$dir/kho" "$here/../../../kho/kho.c" || exit 1

python3 - "$dir" <<'PY'
import random, struct, sys
d = sys.argv[1]
strings = b''
def name(s):
    global strings
    off = strings.find(s.encode() + b'\0')
    if off < 0:
        off = len(strings)
        strings += s.encode() + b'\0'
    return off
def prop(n, v):
    pad = b'\0' * (-len(v) % 4)
    return struct.pack('>III', 3, len(v), name(n)) + v + pad
def node(n, body):
    raw = n.encode() + b'\0'
    return struct.pack('>I', 1) + raw + b'\0' * (-len(raw) % 4) + body + struct.pack('>I', 2)
mem = lambda *e: b''.join(struct.pack('<QQ', a, l) for a, l in e)
body = prop('compatible', b'kho-v1\0')
body += node('kho_test', prop('compatible', b'kho-test-v1\0') +
             prop('mem', mem((0x80000000, 0x2000), (0x80001000, 0x3000))))
body += node('memfd-0000000000000042', prop('compatible', b'kho-memfd-v2\0') +
             prop('token', struct.pack('<Q', 0x42)) + prop('seals', struct.pack('<I', 3)) +
             prop('folios', struct.pack('<Q', 4)) + prop('map', struct.pack('<Q', 0x90000000)) +
             prop('kho-pages', struct.pack('<Q', 16)))
structure = node('', body) + struct.pack('>I', 9)
off_struct = 40 + 16
off_strings = off_struct + len(structure)
total = off_strings + len(strings)
hdr = struct.pack('>10I', 0xd00dfeed, total, off_struct, off_strings, 40, 17, 16, 0,
                  len(strings), len(structure))
dt = hdr + b'\0' * 16 + structure + strings
open(f'{d}/good.dtb', 'wb').write(dt)
for n in range(len(dt)):
    open(f'{d}/cut-{n}.dtb', 'wb').write(dt[:n])
rng = random.Random(12)
for i in range(400):
    b = bytearray(dt)
    b[rng.randrange(len(b))] = rng.randrange(256)
    open(f'{d}/flip-{i}.dtb', 'wb').write(bytes(b))
PY

out=$("$dir/kho" dt "$dir/good.dtb") || { echo "FAIL: kho dt on a good DT: $out"; exit 1; }
for want in '0x0000000080000000 +0x2000' '/* hands over 20480 bytes */' \
	    'token = 0x42;' 'seals = 0x3;' 'kho-pages = 0x10;' \
	    '/* hands over 65536 bytes */' '/* hands over 86016 bytes */'; do
	case "$out" in
	*"$want"*) ;;
	*) echo "FAIL: kho dt on a good DT does not show '$want':"; echo "$out"; bad=1 ;;
	esac
done

n=0
for f in "$dir"/cut-*.dtb "$dir"/flip-*.dtb; do
	"$dir/kho" dt "$f" > /dev/null 2> "$dir/err"
	rc=$?
	n=$((n + 1))
	if [ $rc -gt 1 ] || grep -q Sanitizer "$dir/err" ||
	   { [ $rc = 1 ] && [ "$(wc -l < "$dir/err")" != 1 ]; }; then
		echo "FAIL: kho dt $(basename "$f"): exit status $rc"
		cat "$dir/err"
		bad=1
	fi
done
echo "kho dt: a good DT decoded, $n damaged ones refused or shown without a fault"
exit $bad
