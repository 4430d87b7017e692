#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# Write the seed corpus of fuzz_handover: a handover shaped like kho_test's
# (a node of 1028 ranges, one of them sub-page, and a nested node) with the
# mem cache the kernel builds for it, then one copy per way the kernel's
# damage knob (/sys/kernel/debug/kho/corrupt) or a hostile writer breaks
# one. Each file is a little-endian u32 DT length, the DT, the mem cache.
#
# usage: mkseeds.py DIR
import os
import struct
import sys

PAGE = 4096
SCRATCH = (0x80000000, 0x4000000)


class Fdt:
    """A flattened DT, written the way libfdt's sequential-write API does."""

    def __init__(self):
        self.struct = b''
        self.strings = b''

    def tag(self, t):
        self.struct += struct.pack('>I', t)

    def begin(self, name):
        self.tag(1)
        raw = name.encode() + b'\0'
        self.struct += raw + b'\0' * (-len(raw) % 4)

    def end(self):
        self.tag(2)

    def name_offset(self, name):
        raw = name.encode() + b'\0'
        at = self.strings.find(raw)
        if at < 0:
            at = len(self.strings)
            self.strings += raw
        return at

    def prop(self, name, value):
        self.tag(3)
        self.struct += struct.pack('>II', len(value), self.name_offset(name))
        self.struct += value + b'\0' * (-len(value) % 4)

    def blob(self, totalsize_extra=0, magic=0xd00dfeed):
        body = self.struct + struct.pack('>I', 9)
        rsv = b'\0' * 16
        off_rsv = 40
        off_struct = off_rsv + len(rsv)
        off_strings = off_struct + len(body)
        total = off_strings + len(self.strings)
        hdr = struct.pack('>10I', magic, total + totalsize_extra, off_struct,
                          off_strings, off_rsv, 17, 16, 0,
                          len(self.strings), len(body))
        return hdr + rsv + body + self.strings


def mem(entries):
    return b''.join(struct.pack('<QQ', a, n) for a, n in entries)


def cache_of(entries):
    pages = sorted((a // PAGE * PAGE, -(-(a + n) // PAGE) * PAGE)
                   for a, n in entries if n)
    out = []
    for s, e in pages:
        if out and s <= out[-1][1]:
            out[-1][1] = max(out[-1][1], e)
        else:
            out.append([s, e])
    return [(s, e - s) for s, e in out]


def handover(entries, second_root=False, long_names=0):
    f = Fdt()
    f.begin('')
    f.prop('compatible', b'kho-v1\0')
    f.begin('kho_test')
    f.prop('compatible', b'kho-test-v1\0')
    f.prop('seed', struct.pack('<Q', 0x6b686f))
    f.prop('mem', mem(entries[:-1]))
    f.begin('sub')
    f.prop('mem', mem(entries[-1:]))
    f.end()
    f.end()
    for i in range(long_names):
        f.begin('n%d' % i)
        f.prop('a' * 2000, b'\0\0\0\1')
        f.end()
    f.end()
    if second_root:
        f.begin('sibling')
        f.prop('mem', mem(entries[:1]))
        f.end()
    return f


def write(path, fdt_blob, cache):
    with open(path, 'wb') as out:
        out.write(struct.pack('<I', len(fdt_blob)) + fdt_blob + mem(cache))


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    base = 0x40000000
    entries = [(base + i * 0x10000, 0x10000) for i in range(1024)]
    entries += [(base + 0x5000000 + i * 3 * PAGE, 2 * PAGE) for i in range(3)]
    entries += [(base + 0x6000100, 100)]
    cache = cache_of(entries)
    good = handover(entries).blob()
    write(f'{out}/good', good, cache)

    bad = bytearray(good)
    bad[0:4] = struct.pack('>I', 0xdeadbeef)
    write(f'{out}/bad_header', bytes(bad), cache)
    write(f'{out}/compatible', good.replace(b'kho-v1', b'kho-v9'), cache)
    write(f'{out}/totalsize', handover(entries).blob(PAGE), cache)
    write(f'{out}/outside_ram', good, cache + [(1 << 46, PAGE)])
    write(f'{out}/unsorted', good, [cache[1], cache[0]] + cache[2:])
    write(f'{out}/overlap', good, [cache[0], (cache[0][0], cache[1][1])] +
          cache[2:])
    write(f'{out}/in_scratch', good, sorted(cache + [(SCRATCH[0], PAGE)]))
    write(f'{out}/truncated', good, cache[:-1])
    write(f'{out}/unnamed', good, cache + [(0x7ff00000, 16 * PAGE)])
    write(f'{out}/second_root', handover(entries, second_root=True).blob(),
          cache)
    write(f'{out}/long_names', handover(entries, long_names=50).blob(), cache)
    shared = [(base, 0x100000)] * 1000 + [(base, 100)]
    write(f'{out}/shared_range', handover(shared).blob(), cache_of(shared))


main()
