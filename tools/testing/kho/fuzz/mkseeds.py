#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# Write the seed corpus of fuzz_handover: a handover shaped like kho_test's
# (a node of 1028 ranges, one of them sub-page, and a nested node) with the
# tracker the kernel builds for it (also written one leaf a block), an
# empty handover, one with folios that a memfd node accounts for in
# "kho-pages" (right, one page short, overflowing, not a u64), then one copy per way the
# kernel's damage knob (/sys/kernel/debug/kho/corrupt) or a hostile writer
# breaks one. Each file is a little-endian u32 DT length, the DT, then the
# pages of the tracker: page i is the page at physical address
# FUZZ_PAGES + i * PAGE, as fuzz_handover.c maps them, and the DT root's
# kho-tracker-v1 gives the address of the first block.
#
# Then memfds with a file map (kho-memfd-v2: size, folios, map), whose
# pages follow the tracker's: a good one of a few pages, with order-0 and
# order-9 folios, its pages and folios in the tracker and in its
# "kho-pages"; one whose pages are full; two memfds; and one copy per way
# a file map can be wrong: a page not preserved, a folio preserved at
# another order, folios out of order, an index past the size, a loop, a
# page of none or of more than fit, a count short or long, an order above
# MAX_PAGECACHE_ORDER. Each keeps the tracker as the DT accounts for it,
# so that the fuzzer reaches the file map's check.
#
# usage: mkseeds.py DIR
import os
import struct
import sys

PAGE_SHIFT = 12
PAGE = 1 << PAGE_SHIFT
SCRATCH = (0x80000000, 0x4000000)
# Where the fuzzer maps the input's pages (KHO_FUZZ_PAGES).
FUZZ_PAGES = 0x100000000

# The tracker's format: kernel/kexec_kho_internal.h.
TRACKER_MAGIC = 0x316b7274206f686b
MAX_ORDER = 20
LEAF_BITS = PAGE * 8
BLOCK_HEADER = struct.Struct('<QQIIQ')
LEAF = struct.Struct('<QQII')
LEAVES = (PAGE - BLOCK_HEADER.size) // LEAF.size


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


class Tracker:
    """Preserved pages as the kernel's kho_preserved_*() record them."""

    def __init__(self):
        # (order, leaf index) -> the page of bits
        self.bits = {}

    def add(self, pfn, order):
        index, bit = divmod(pfn >> order, LEAF_BITS)
        page = self.bits.setdefault((order, index), bytearray(PAGE))
        page[bit // 8] |= 1 << (bit % 8)

    def add_range(self, addr, length):
        """The fewest naturally aligned blocks, as the buddy allocator."""
        pfn, end = addr // PAGE, (addr + length) // PAGE
        while pfn < end:
            order = MAX_ORDER
            if pfn:
                order = min(order, (pfn & -pfn).bit_length() - 1)
            while pfn + (1 << order) > end:
                order -= 1
            self.add(pfn, order)
            pfn += 1 << order

    def layout(self, per_block=LEAVES):
        """Blocks of leaves sorted by order, then first frame, at most
        @per_block to a block; the blocks take the first pages of the
        window, the pages of bits the next ones."""
        keys = sorted(self.bits)
        nr_blocks = -(-len(keys) // per_block)
        leaves = [[FUZZ_PAGES + (nr_blocks + i) * PAGE,
                   index * LEAF_BITS << order, order, 0]
                  for i, (order, index) in enumerate(keys)]
        blocks = []
        for b in range(nr_blocks):
            chunk = leaves[b * per_block:(b + 1) * per_block]
            nxt = FUZZ_PAGES + (b + 1) * PAGE if b + 1 < nr_blocks else 0
            blocks.append({'magic': TRACKER_MAGIC, 'next': nxt,
                           'page_shift': PAGE_SHIFT, 'nr': len(chunk),
                           'reserved': 0, 'leaf': chunk})
        return Layout(blocks, [self.bits[k] for k in keys])


class Layout:
    """A written tracker, to damage before it is turned into pages."""

    def __init__(self, blocks, bits):
        self.blocks = blocks
        self.bits = bits

    def first(self):
        return FUZZ_PAGES if self.blocks else 0

    def pages(self):
        out = b''
        for b in self.blocks:
            page = BLOCK_HEADER.pack(b['magic'], b['next'], b['page_shift'],
                                     b['nr'], b['reserved'])
            page += b''.join(LEAF.pack(*leaf) for leaf in b['leaf'])
            out += page + b'\0' * (PAGE - len(page))
        return out + b''.join(bytes(b) for b in self.bits)


def tracker_of(entries, extra=()):
    """The tracker of what @entries name, and of the ranges of @extra."""
    t = Tracker()
    for addr, length in cache_of(entries):
        t.add_range(addr, length)
    for addr, length in extra:
        t.add_range(addr, length)
    return t


# Folios a memfd node hands over outside "mem" entries, as (pfn, order),
# and the page of its file map: its "kho-pages" counts them.
MEMFD_FOLIOS = [(0x50000, 2), (0x50008, 0), (0x50009, 0), (0x50100, 0)]
MEMFD_PAGES = sum(1 << order for _, order in MEMFD_FOLIOS)


# A memfd's file map: kernel/kexec_kho_internal.h.
MAP_HEADER = struct.Struct('<QQ')
MAP_FOLIO = struct.Struct('<QQ')
MAP_FOLIOS = (PAGE - MAP_HEADER.size) // MAP_FOLIO.size
# The kernel's on arm64 with 4 KiB pages and THP (include/linux/pagemap.h).
MAX_PAGECACHE_ORDER = 9


class FileMap:
    """A memfd of @size bytes whose file map has @pages, each a list of
    (index, pfn, order); @folios is what its node says, by default the
    folios listed; @counts gives the count some pages say, by default
    their folios. @loop points the last page back at the first,
    @unpreserved are pages of the map the tracker leaves out, @preserve
    gives the blocks, as (pfn, order), the tracker has for a folio;
    @huge_order makes it a hugetlb memfd's, with "hugetlb-order"."""

    def __init__(self, pages, size, folios=None, counts=None, loop=False,
                 unpreserved=(), preserve=None, huge_order=0):
        self.pages = pages
        self.huge_order = huge_order
        self.size = size
        self.folios = (sum(len(p) for p in pages) if folios is None
                       else folios)
        self.counts = counts or {}
        self.loop = loop
        self.unpreserved = unpreserved
        self.preserve = preserve or (lambda pfn, order: [(pfn, order)])
        self.addrs = []

    def track(self, tracker):
        for k, addr in enumerate(self.addrs):
            if k not in self.unpreserved:
                tracker.add(addr // PAGE, 0)
        for page in self.pages:
            for _, pfn, order in page:
                for block in self.preserve(pfn, order):
                    tracker.add(*block)

    def raw(self):
        out = b''
        for k, page in enumerate(self.pages):
            if k + 1 < len(self.addrs):
                nxt = self.addrs[k + 1]
            else:
                nxt = self.addrs[0] if self.loop else 0
            raw = MAP_HEADER.pack(nxt, self.counts.get(k, len(page)))
            raw += b''.join(MAP_FOLIO.pack(index, pfn * PAGE | order)
                            for index, pfn, order in page)
            out += raw + b'\0' * (PAGE - len(raw))
        return out


# Folios of order 0 and 9 across three pages of a file map, and the size
# of the file they fill up to its last page.
FILE_MAP = [
    [(0, 0x50000, 9), (512, 0x50400, 0), (514, 0x50401, 0)],
    [(1024, 0x50600, 9), (1600, 0x50402, 0)],
    [(2048, 0x50800, 9), (2560, 0x50403, 0)],
]
FILE_SIZE = 2561 * PAGE - 100
# A small handover around the memfds, so that their seeds stay small.
MEMFD_ENTRIES = [(0x40000000, 0x10000), (0x40100000, 100)]


def preserved_pages(tracker):
    return sum(bin(int.from_bytes(bits, 'little')).count('1') << order
               for (order, _), bits in tracker.bits.items())


def file_map_seed(path, files, entries=MEMFD_ENTRIES):
    """A handover of @entries and of the memfds @files, their file maps in
    the pages after the tracker's, which preserves them; the memfds'
    kho-pages account for every page it preserves that no entry names."""
    first = 0
    while True:
        at = first
        for f in files:
            f.addrs = [FUZZ_PAGES + (at + k) * PAGE
                       for k in range(len(f.pages))]
            at += len(f.pages)
        tracker = tracker_of(entries)
        for f in files:
            f.track(tracker)
        layout = tracker.layout()
        pages = layout.pages()
        if len(pages) // PAGE == first:
            break
        first = len(pages) // PAGE
    named = sum(n for _, n in cache_of(entries)) // PAGE
    extra = preserved_pages(tracker) - named
    nodes = []
    for token, f in enumerate(files, 0x42):
        nodes.append([('token', struct.pack('<Q', token)),
                      ('size', struct.pack('<Q', f.size)),
                      ('seals', struct.pack('<I', 0)),
                      ('folios', struct.pack('<Q', f.folios)),
                      ('map', struct.pack('<Q', f.addrs[0] if f.pages
                                          else 0)),
                      ('kho-pages', struct.pack('<Q', extra))])
        if f.huge_order:
            nodes[-1].append(('hugetlb-order',
                              struct.pack('<I', f.huge_order)))
        extra = 0
    write(path, handover(entries, layout.first(), files=nodes).blob(),
          pages + b''.join(f.raw() for f in files))


def handover(entries, tracker=0, second_root=False, long_names=0,
             memfds=(), files=()):
    """@memfds: the raw kho-pages of each memfd node; @files: the
    properties of each memfd node with a file map, after its compatible."""
    f = Fdt()
    f.begin('')
    f.prop('compatible', b'kho-v1\0')
    f.prop('kho-tracker-v1', struct.pack('<Q', tracker))
    if entries:
        f.begin('kho_test')
        f.prop('compatible', b'kho-test-v1\0')
        f.prop('seed', struct.pack('<Q', 0x6b686f))
        f.prop('mem', mem(entries[:-1]))
        f.begin('sub')
        f.prop('mem', mem(entries[-1:]))
        f.end()
        f.end()
    for token, pages in enumerate(memfds, 1):
        f.begin('memfd-%016x' % token)
        f.prop('compatible', b'kho-memfd-v2\0')
        f.prop('token', struct.pack('<Q', token))
        f.prop('kho-pages', pages)
        f.end()
    for props in files:
        token = struct.unpack('<Q', dict(props)['token'])[0]
        f.begin('memfd-%016x' % token)
        f.prop('compatible', b'kho-memfd-v2\0')
        for name, value in props:
            f.prop(name, value)
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


def write(path, fdt_blob, pages):
    with open(path, 'wb') as out:
        out.write(struct.pack('<I', len(fdt_blob)) + fdt_blob + pages)


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    base = 0x40000000
    entries = [(base + i * 0x10000, 0x10000) for i in range(1024)]
    entries += [(base + 0x5000000 + i * 3 * PAGE, 2 * PAGE) for i in range(3)]
    entries += [(base + 0x6000100, 100)]
    tracker = tracker_of(entries)
    good_layout = tracker.layout()
    good_pages = good_layout.pages()
    good = handover(entries, good_layout.first()).blob()
    write(f'{out}/good', good, good_pages)
    # One leaf a block: walks that cross blocks, within an order and not.
    chained = tracker.layout(per_block=1)
    write(f'{out}/good_chained', handover(entries, chained.first()).blob(),
          chained.pages())
    write(f'{out}/empty', handover([]).blob(), b'')
    # Folios no entry names, which a node's kho-pages accounts for.
    memfd = tracker_of(entries)
    for pfn, order in MEMFD_FOLIOS:
        memfd.add(pfn, order)
    memfd_layout = memfd.layout()
    for name, memfds in (('memfd', [MEMFD_PAGES]),
                         ('memfd_short', [MEMFD_PAGES - 1]),
                         ('memfd_overflow', [1 << 63, 1 << 63])):
        write(f'{out}/{name}',
              handover(entries, memfd_layout.first(),
                       memfds=[struct.pack('<Q', n) for n in memfds]).blob(),
              memfd_layout.pages())
    write(f'{out}/memfd_u32',
          handover(entries, memfd_layout.first(),
                   memfds=[struct.pack('<I', MEMFD_PAGES)]).blob(),
          memfd_layout.pages())

    def damaged(name, layout):
        write(f'{out}/{name}', handover(entries, layout.first()).blob(),
              layout.pages())

    damaged('outside_ram', tracker_of(entries, [(1 << 46, PAGE)]).layout())
    swapped = tracker.layout()
    leaf = swapped.blocks[0]['leaf']
    leaf[0], leaf[1] = leaf[1], leaf[0]
    damaged('unsorted', swapped)
    # The first page named, once at order 0 and once in an order-1 block.
    overlap = tracker_of(entries)
    pfn = entries[0][0] // PAGE
    overlap.add(pfn, 0)
    overlap.add(pfn & ~1, 1)
    damaged('overlap', overlap.layout())
    damaged('in_scratch', tracker_of(entries, [(SCRATCH[0], PAGE)]).layout())
    truncated = tracker.layout()
    truncated.blocks[0]['nr'] = LEAVES + 1
    damaged('truncated', truncated)
    damaged('unnamed',
            tracker_of(entries, [(0x7ff00000, 16 * PAGE)]).layout())
    loop = tracker.layout()
    loop.blocks[0]['next'] = loop.first()
    damaged('loop', loop)
    magic = tracker.layout()
    magic.blocks[0]['magic'] ^= 1
    damaged('bad_magic', magic)
    shift = tracker.layout()
    shift.blocks[0]['page_shift'] = 16
    damaged('page_shift', shift)
    in_scratch = tracker.layout()
    in_scratch.blocks[0]['leaf'][0][0] = SCRATCH[0]
    damaged('bits_in_scratch', in_scratch)
    misaligned = tracker.layout()
    misaligned.blocks[0]['leaf'][0][1] += 1
    damaged('misaligned', misaligned)

    bad = bytearray(good)
    bad[0:4] = struct.pack('>I', 0xdeadbeef)
    write(f'{out}/bad_header', bytes(bad), good_pages)
    write(f'{out}/compatible', good.replace(b'kho-v1', b'kho-v9'),
          good_pages)
    write(f'{out}/totalsize',
          handover(entries, good_layout.first()).blob(PAGE), good_pages)
    write(f'{out}/second_root',
          handover(entries, good_layout.first(), second_root=True).blob(),
          good_pages)
    write(f'{out}/long_names',
          handover(entries, good_layout.first(), long_names=50).blob(),
          good_pages)
    # Memfds with a file map, good and damaged.
    file_map_seed(f'{out}/file_map', [FileMap(FILE_MAP, FILE_SIZE)])
    full = [[(i, 0x60000 + i, 0) for i in range(MAP_FOLIOS)],
            [(512, 0x60200, 9)]]
    file_map_seed(f'{out}/file_map_full', [FileMap(full, 1024 * PAGE)])
    # A page that says it holds a folio more than fit, which the next
    # page's header would be.
    file_map_seed(f'{out}/file_map_overfull',
                  [FileMap(full, 1024 * PAGE, counts={0: MAP_FOLIOS + 1})])
    file_map_seed(f'{out}/file_map_two',
                  [FileMap(FILE_MAP, FILE_SIZE),
                   FileMap([[(3, 0x60000, 0)]], 4 * PAGE)])
    file_map_seed(f'{out}/file_map_none', [FileMap([], 0)])
    file_map_seed(f'{out}/file_map_page_unpreserved',
                  [FileMap(FILE_MAP, FILE_SIZE, unpreserved={1})])

    def halves(pfn, order):
        if (pfn, order) != (0x50600, 9):
            return [(pfn, order)]
        return [(pfn, 8), (pfn + 256, 8)]

    file_map_seed(f'{out}/file_map_folio_order',
                  [FileMap(FILE_MAP, FILE_SIZE, preserve=halves)])
    unordered = [list(p) for p in FILE_MAP]
    unordered[0][0], unordered[0][1] = unordered[0][1], unordered[0][0]
    file_map_seed(f'{out}/file_map_unordered',
                  [FileMap(unordered, FILE_SIZE)])
    file_map_seed(f'{out}/file_map_past_size',
                  [FileMap(FILE_MAP, 2560 * PAGE)])
    # A loop, found by its count; and with a count for two laps, by its
    # first folio listed again, out of order.
    file_map_seed(f'{out}/file_map_loop',
                  [FileMap(FILE_MAP, FILE_SIZE, loop=True)])
    file_map_seed(f'{out}/file_map_loop_counted',
                  [FileMap(FILE_MAP, FILE_SIZE, loop=True, folios=14)])
    file_map_seed(f'{out}/file_map_page_of_none',
                  [FileMap(FILE_MAP[:2] + [[]] + FILE_MAP[2:], FILE_SIZE)])
    file_map_seed(f'{out}/file_map_count_short',
                  [FileMap(FILE_MAP, FILE_SIZE, folios=6)])
    file_map_seed(f'{out}/file_map_count_long',
                  [FileMap(FILE_MAP, FILE_SIZE, folios=8)])
    too_large = FILE_MAP[:2] + [[(2048, 0x50800, 9),
                                 (3072, 0x50c00, MAX_PAGECACHE_ORDER + 1)]]
    file_map_seed(f'{out}/file_map_order_max',
                  [FileMap(too_large, 4096 * PAGE)])
    # A hugetlb memfd's map: 2 MiB folios only; one of order 0 is refused.
    huge = [[(0, 0x50000, 9), (1024, 0x50600, 9)], [(2048, 0x50800, 9)]]
    file_map_seed(f'{out}/file_map_hugetlb',
                  [FileMap(huge, 2560 * PAGE, huge_order=9)])
    file_map_seed(f'{out}/file_map_hugetlb_small',
                  [FileMap(FILE_MAP, 2560 * PAGE, huge_order=9)])

    shared = [(base, 0x100000)] * 1000 + [(base, 100)]
    shared_layout = tracker_of(shared).layout()
    write(f'{out}/shared_range',
          handover(shared, shared_layout.first()).blob(),
          shared_layout.pages())


main()
