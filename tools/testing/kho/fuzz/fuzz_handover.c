// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for what a kernel reads of a handover without trusting
 * it, built from kernel/kexec_kho_mem.c as it is (see include/).
 *
 * An input is a KHO DT followed by the pages of its tracker: a
 * little-endian u32 gives the DT's length, the DT follows, and the rest is
 * cut into pages of PAGE_SIZE bytes (a partial page at the end is
 * dropped), page i at physical address KHO_FUZZ_PAGES + i * PAGE_SIZE.
 * phys_to_virt() maps that window to a copy of those pages and every other
 * address to a page of zeros. The DT root's "kho-tracker-v1" points at the
 * tracker's first block. A page the input leaves out reads as zeros,
 * and the pages are read-only. For every input:
 *  - kho_dt_check() refuses the DT with a reason, or libfdt's
 *    fdt_check_full() accepts it too;
 *  - the mem cache built from an accepted DT is refused with a log line, or
 *    is whole pages, sorted, merged, outside scratch, holds every entry of
 *    the DT (kho_ranges_hold() and kho_ranges_overlap() agreeing with a
 *    linear scan) and names only pages the DT names, which
 *    kho_mem_count_users() visits in order, each exactly once, in at most
 *    2n + m runs (and with the cache as extra entries, every page counted
 *    once more);
 *  - kho_in_check_dt() refuses the DT with a reason, or kho_dt_check()
 *    accepted it and it counted every "mem" entry and summed the nodes'
 *    "kho-pages", the pages preserved that no entry names;
 *  - kho_in_check_tracker() refuses the tracker with a reason, or:
 *    kho_tracker_check() accepts it; kho_tracker_pages() lists the pages
 *    it takes, each one of RAM outside scratch; a walk of it gives maximal
 *    runs of whole pages, sorted, outside scratch, in RAM, that hold every
 *    entry of the mem cache and "kho-pages" pages more, every bit's block
 *    once: the tracker preserves exactly what the DT accounts for (without
 *    "kho-pages", the runs are the mem cache, entry by entry); runs and the
 *    gaps between them are looked up among the cache and the tracker's
 *    pages as above; kho_tracker_test() finds the blocks the bits
 *    preserve, and no other;
 *  - either way, kho_in_check_tracker() calls phys_to_virt() at most
 *    3b + l + s times for b blocks, l leaves and s set bits, counted apart
 *    (see tracker_bound()): its work is linear;
 *  - once it accepted the tracker, every node compatible with
 *    "kho-memfd-v2" that has a u64 "size", "folios" and "map" has its
 *    file map checked by kho_file_map_check(), asking kho_tracker_test()
 *    over the tracker's leaves (as kho_tracker_holds() does). It accepts
 *    exactly the maps that a reading of the map and of the tracker's bits
 *    apart from it finds sound (read_file_map()), and then lists as many
 *    entries as it counted: the map's pages, distinct and page-aligned,
 *    and its folios, sorted by index without overlap, each index aligned
 *    to the folio's order and inside the file, as many as the node says,
 *    every page and folio preserved at its order by that reading of the
 *    bits. When it refuses, it gives a reason, the one that reading finds
 *    first. Either way it calls phys_to_virt() at most 2p + f times for
 *    the p pages and f folios of the map read apart (see
 *    check_file_map()): its work is linear.
 * A property that does not hold aborts, which libFuzzer reports. With
 * KHO_FUZZ_ACCEPTED set to a directory, every DT that activation accepts
 * (kho_dt_check() and kho_dt_check_unique()) is written there, for dtc to
 * read.
 */

#include <assert.h>
#include <sys/mman.h>
#include <linux/kernel.h>
#include <linux/kexec_handover.h>
#include <linux/mm.h>
#include <linux/pagemap.h>
#include <libfdt.h>

#include "../../../../kernel/kexec_kho_internal.h"

unsigned long kho_fuzz_log_lines;
unsigned long kho_fuzz_virt_calls;

/* Debian's libfdt, whose symbols the Makefile renames: the tree has no fdt_check.c. */
int host_fdt_check_full(const void *fdt, size_t bufsize);

/* The scratch region of every input, and what counts as RAM. */
static const struct kho_mem scratch = { 0x80000000, 0x4000000 };
#define RAM_END		(1ULL << 40)

#define check(cond)							\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "property broken: %s (line %d)\n", \
				#cond, __LINE__);			\
			abort();					\
		}							\
	} while (0)

/* The input's pages, and what every page outside them reads as. */
static const u8 *fuzz_pages;
static size_t fuzz_nr_pages;
/* Const: the reader only reads, and a write here faults. */
static const u8 fuzz_zero_page[PAGE_SIZE] __aligned(PAGE_SIZE);

/* Where the byte at @phys is: in the input's pages, or in the zero page. */
static const void *fuzz_map(u64 phys)
{
	u64 off = phys - KHO_FUZZ_PAGES;

	if (phys >= KHO_FUZZ_PAGES && off / PAGE_SIZE < fuzz_nr_pages)
		return fuzz_pages + off;
	return fuzz_zero_page + phys % PAGE_SIZE;
}

void *phys_to_virt(phys_addr_t phys)
{
	kho_fuzz_virt_calls++;
	return (void *)fuzz_map(phys);
}

static bool fuzz_is_ram(u64 addr, u64 len)
{
	return addr + len >= addr && addr + len <= RAM_END;
}

/* Entries are whole pages, sorted, merged and outside scratch. */
static void check_cache_shape(const struct kho_mem *c, size_t nr)
{
	size_t i;

	for (i = 0; i < nr; i++) {
		check(c[i].len && PAGE_ALIGNED(c[i].addr) &&
		      PAGE_ALIGNED(c[i].len));
		check(c[i].addr + c[i].len > c[i].addr);
		check(!kho_mem_overlaps(&c[i], &scratch));
		if (i)
			check(c[i].addr > c[i - 1].addr + c[i - 1].len);
	}
}

/* Keep a copy of an accepted DT, named by a hash of its bytes. */
static void save_accepted(const void *fdt, size_t len)
{
	const char *dir = getenv("KHO_FUZZ_ACCEPTED");
	const uint8_t *p = fdt;
	uint64_t hash = 0xcbf29ce484222325ULL;
	char path[4096];
	FILE *f;
	size_t i;

	if (!dir)
		return;
	for (i = 0; i < len; i++)
		hash = (hash ^ p[i]) * 0x100000001b3ULL;
	snprintf(path, sizeof(path), "%s/%016llx.dtb", dir,
		 (unsigned long long)hash);
	f = fopen(path, "wb");
	if (!f)
		return;
	fwrite(fdt, 1, len, f);
	fclose(f);
}

/* Does one of the @nr @ranges share a byte with @r? (a linear scan) */
static bool overlaps_any(const struct kho_mem *ranges, size_t nr,
			 const struct kho_mem *r)
{
	size_t i;

	for (i = 0; i < nr; i++)
		if (kho_mem_overlaps(&ranges[i], r))
			return true;
	return false;
}

/*
 * kho_ranges_hold() and kho_ranges_overlap() (binary searches) agree with
 * a linear scan of the sorted, disjoint @ranges for the non-empty @r;
 * returns whether one range holds @r.
 */
static bool check_lookup(const struct kho_mem *ranges, size_t nr,
			 const struct kho_mem *r)
{
	bool hold = false;
	size_t i;

	for (i = 0; i < nr; i++)
		hold |= ranges[i].addr <= r->addr &&
			ranges[i].addr + ranges[i].len >= r->addr + r->len;
	check(kho_ranges_hold(ranges, nr, r) == hold);
	check(kho_ranges_overlap(ranges, nr, r) == overlaps_any(ranges, nr, r));
	return hold;
}

/* Every entry of the DT's "mem" properties, in pages, lies in @c. */
static void check_covers_dt(const void *fdt, const struct kho_mem *c,
			    size_t nr)
{
	struct kho_mem_iter it = {};
	struct kho_mem pages;
	int j;

	while (kho_mem_iter_next(fdt, &it)) {
		for (j = 0; j < it.len / (int)sizeof(pages); j++) {
			check(kho_mem_iter_pages(&it, j, &pages));
			if (pages.len)
				check(check_lookup(c, nr, &pages));
		}
	}
}

struct runs {
	const struct kho_mem *ranges;
	size_t nr, at;
	u64 next;
	size_t visits;
	unsigned long min_users;
};

/* Runs tile the ranges in order, each named by at least @min_users. */
static void visit_run(const struct kho_mem *run, unsigned long users,
		      void *arg)
{
	struct runs *r = arg;

	check(r->at < r->nr);
	if (r->next == r->ranges[r->at].addr + r->ranges[r->at].len) {
		r->at++;
		check(r->at < r->nr);
		r->next = r->ranges[r->at].addr;
	}
	check(run->addr == r->next && run->len);
	check(run->addr + run->len <= r->ranges[r->at].addr +
	      r->ranges[r->at].len);
	check(users >= r->min_users);
	r->next += run->len;
	r->visits++;
}

/*
 * Count the users of the cache's pages among the DT's entries, then again
 * with the cache's own entries as extra users: every page has one more.
 */
static void check_count_users(const void *fdt, const struct kho_mem *c,
			      size_t nr, size_t entries)
{
	struct runs r = { c, nr, 0, nr ? c[0].addr : 0, 0, 1 };

	if (kho_mem_count_users(fdt, NULL, 0, c, nr, visit_run, &r))
		return;
	if (nr)
		check(r.at == nr - 1 &&
		      r.next == c[nr - 1].addr + c[nr - 1].len);
	check(r.visits <= 2 * entries + nr);

	r = (struct runs){ c, nr, 0, nr ? c[0].addr : 0, 0, 2 };
	check(!kho_mem_count_users(fdt, c, nr, c, nr, visit_run, &r));
	if (nr)
		check(r.at == nr - 1 &&
		      r.next == c[nr - 1].addr + c[nr - 1].len);
	check(r.visits <= 2 * (entries + nr) + nr);
}

/* How many "mem" entries the DT has; -1 if a property is not whole entries. */
static long count_entries(const void *fdt)
{
	struct kho_mem_iter it = {};
	long n = 0;

	while (kho_mem_iter_next(fdt, &it)) {
		if (it.len % sizeof(struct kho_mem))
			return -1;
		n += it.len / sizeof(struct kho_mem);
	}
	return n;
}

/*
 * Set *@sum to the sum of the DT's KHO_PAGES_PROP, walking every property
 * of every node (the first of the name in a node, as a lookup finds);
 * false if one is not one u64 or the sum overflows.
 */
static bool count_pages_props(const void *fdt, u64 *sum)
{
	int node, off, len, depth = 0;
	const char *name;
	const void *val;
	u64 pages;

	*sum = 0;
	for (node = 0; node >= 0; node = fdt_next_node(fdt, node, &depth)) {
		fdt_for_each_property_offset(off, fdt, node) {
			val = fdt_getprop_by_offset(fdt, off, &name, &len);
			if (strcmp(name, KHO_PAGES_PROP))
				continue;
			if (len != sizeof(pages))
				return false;
			memcpy(&pages, val, sizeof(pages));
			if (__builtin_add_overflow(*sum, pages, sum))
				return false;
			break;
		}
	}
	return true;
}

/**
 * struct tracker_count - a tracker as the input's pages hold it
 * @blocks: blocks in the list, each counted once even if the list loops
 * @leaves: leaves those blocks hold, at most KHO_TRACKER_LEAVES each
 * @bits: bits set in the leaves' pages, a page counted once per leaf
 * @pages: pages those bits preserve, for leaves of a valid order
 */
struct tracker_count {
	size_t blocks;
	size_t leaves;
	size_t bits;
	u64 pages;
};

/*
 * Count a tracker without the code under test: the bound on its work and
 * what an accepted tracker must preserve come from this. A block seen
 * before ends the walk: only the window's pages can chain to one another.
 */
static void count_tracker(u64 phys, struct tracker_count *t)
{
	const struct kho_tracker_block *block;
	const struct kho_tracker_leaf *leaf;
	bool *seen = calloc(fuzz_nr_pages ?: 1, sizeof(*seen));
	unsigned int i, nr, bits;
	const u64 *words;
	u64 page;
	size_t w;

	memset(t, 0, sizeof(*t));
	for (; phys; phys = block->next) {
		page = (phys - KHO_FUZZ_PAGES) / PAGE_SIZE;
		if (phys >= KHO_FUZZ_PAGES && page < fuzz_nr_pages) {
			if (seen[page])
				break;
			seen[page] = true;
		}
		/* As the reader, which refuses a block not page-aligned. */
		block = fuzz_map(phys & ~(PAGE_SIZE - 1));
		t->blocks++;
		nr = min_t(unsigned int, block->nr, KHO_TRACKER_LEAVES);
		t->leaves += nr;
		for (i = 0; i < nr; i++) {
			leaf = &block->leaf[i];
			if (!PAGE_ALIGNED(leaf->bitmap))
				continue;
			words = fuzz_map(leaf->bitmap);
			for (w = 0, bits = 0; w < PAGE_SIZE / sizeof(u64); w++)
				bits += __builtin_popcountll(words[w]);
			t->bits += bits;
			if (leaf->order <= KHO_TRACKER_MAX_ORDER)
				t->pages += (u64)bits << leaf->order;
		}
	}
	free(seen);
}

/*
 * The most phys_to_virt() calls kho_in_check_tracker() may make for a
 * tracker of @t's shape. kho_tracker_check() maps each block once, plus
 * one that a looping list revisits before its leaves are found out of
 * order; a refusal there ends the check. Past it, kho_tracker_iter_start()
 * maps each block again, and every block boundary is crossed once more,
 * by the one cursor whose order ends the block. A cursor maps its leaf's
 * page of bits once per seek: one seek per cursor at the start and one
 * per set bit found, and once more per leaf it moves to, of which the
 * first of each order is the cursor's start. Hence at most
 * 2b + (b - 1) + (l - c) + (c + s) < 3b + l + s for b blocks, l leaves,
 * c cursors (orders) and s set bits, which a sound tracker reaches but
 * for the 1; a walk that restarted per run or per bit would need a
 * product of them.
 */
static size_t tracker_bound(const struct tracker_count *t)
{
	return 3 * t->blocks + t->leaves + t->bits;
}

static int page_cmp(const void *a, const void *b)
{
	const struct kho_mem *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/*
 * Every page kho_tracker_pages() lists is one kho_tracker_check() checked.
 * Returns them sorted, a page two leaves share listed once, in *@nr: the
 * next kernel looks runs up among them.
 */
static struct kho_mem *check_tracker_pages(u64 tracker,
					   const struct tracker_count *t,
					   size_t nr_pages, size_t *nr)
{
	struct kho_mem *pages;
	size_t i, n = 0;

	check(nr_pages == t->blocks + t->leaves);
	check(kho_tracker_pages(tracker, NULL) == nr_pages);
	pages = malloc(nr_pages * sizeof(*pages) ?: 1);
	check(kho_tracker_pages(tracker, pages) == nr_pages);
	for (i = 0; i < nr_pages; i++) {
		check(pages[i].len == PAGE_SIZE && pages[i].addr &&
		      PAGE_ALIGNED(pages[i].addr));
		check(!kho_mem_overlaps(&pages[i], &scratch));
		check(fuzz_is_ram(pages[i].addr, pages[i].len));
	}
	qsort(pages, nr_pages, sizeof(*pages), page_cmp);
	for (i = 0; i < nr_pages; i++)
		if (!n || pages[i].addr != pages[n - 1].addr)
			pages[n++] = pages[i];
	*nr = n;
	return pages;
}

/*
 * What a tracker that kho_in_check_tracker() accepted preserves: maximal
 * runs of whole pages in RAM outside scratch, every page its bits stand
 * for once, holding each entry of the mem cache @cache of @nr entries
 * built from the same DT, and @extra pages more, which the DT accounts
 * for without naming them. Without such pages the runs are the cache.
 * Some runs, and the gaps between them, are looked up as the next kernel
 * does, among the cache and the tracker's own @own pages (@nr_own).
 */
static void check_tracker_runs(u64 tracker, const struct tracker_count *t,
			       const struct kho_mem *cache, size_t nr,
			       u64 extra, const struct kho_mem *own,
			       size_t nr_own)
{
	static struct kho_tracker_iter it;
	struct kho_mem run, prev = {}, gap;
	u64 pages = 0, named = 0;
	size_t i = 0, runs = 0;

	kho_tracker_iter_start(&it, tracker);
	while (kho_tracker_next(&it, &run)) {
		check(run.len && PAGE_ALIGNED(run.addr) &&
		      PAGE_ALIGNED(run.len));
		check(run.addr + run.len > run.addr);
		/* Adjacent blocks are one run: a page at least between runs. */
		if (prev.len)
			check(run.addr > prev.addr + prev.len);
		check(!kho_mem_overlaps(&run, &scratch));
		check(fuzz_is_ram(run.addr, run.len));
		/* Sorted both: the entries up to this run's end lie in it. */
		for (; i < nr && cache[i].addr < run.addr + run.len; i++) {
			check(cache[i].addr >= run.addr &&
			      cache[i].addr + cache[i].len <= run.addr + run.len);
			named += cache[i].len / PAGE_SIZE;
		}
		if (!extra)
			check(runs < nr && run.addr == cache[runs].addr &&
			      run.len == cache[runs].len);
		/* Linear oracles: a sample, past the first runs. */
		if (runs < 64 || !(runs % 64)) {
			check(check_lookup(cache, nr, &run) || extra);
			check_lookup(own, nr_own, &run);
			if (prev.len) {
				gap.addr = prev.addr + prev.len;
				gap.len = run.addr - gap.addr;
				check_lookup(cache, nr, &gap);
				check(!overlaps_any(cache, nr, &gap));
				check_lookup(own, nr_own, &gap);
			}
		}
		pages += run.len / PAGE_SIZE;
		prev = run;
		runs++;
	}
	check(!it.why);
	check(i == nr);
	check(pages == t->pages && pages == named + extra);
}

/*
 * The leaves of an accepted tracker of @nr_leaves leaves, in its order (by
 * order, then first frame), as kho_index_leaves() lists them for
 * kho_tracker_test(): an array to free.
 */
static const struct kho_tracker_leaf **collect_leaves(u64 tracker,
						      size_t nr_leaves)
{
	const struct kho_tracker_block *block;
	const struct kho_tracker_leaf **leaves;
	size_t n = 0;
	unsigned int i;

	leaves = malloc(nr_leaves * sizeof(*leaves) ?: 1);
	for (; tracker; tracker = block->next) {
		block = fuzz_map(tracker);
		for (i = 0; i < block->nr; i++) {
			check(n < nr_leaves);
			leaves[n++] = &block->leaf[i];
		}
	}
	check(n == nr_leaves);
	return leaves;
}

/* The first bit of @bits that is @set, KHO_TRACKER_LEAF_BITS if none. */
static u64 first_bit(const u64 *bits, bool set)
{
	u64 i;

	for (i = 0; i < KHO_TRACKER_LEAF_BITS; i++)
		if (!!(bits[i / 64] & (1ULL << (i % 64))) == set)
			break;
	return i;
}

/*
 * kho_tracker_test(), which the next kernel asks whether a block it adopts
 * was preserved at its order, against the bits of an accepted tracker: for
 * up to 64 leaves, the first set and first clear bit, a frame misaligned
 * for the order, an order too large, and the order's next window, which
 * only the next leaf can hold.
 */
static void check_tracker_test(u64 tracker, size_t nr_leaves)
{
	const struct kho_tracker_leaf **leaves, *l, *next;
	size_t n, i;
	u64 span, bit;
	bool want;

	leaves = collect_leaves(tracker, nr_leaves);
	n = nr_leaves;
	for (i = 0; i < n; i += n / 64 + 1) {
		l = leaves[i];
		span = (u64)KHO_TRACKER_LEAF_BITS << l->order;
		bit = first_bit(fuzz_map(l->bitmap), true);
		if (bit < KHO_TRACKER_LEAF_BITS)
			check(kho_tracker_test(leaves, n, l->first_pfn +
					       (bit << l->order), l->order));
		bit = first_bit(fuzz_map(l->bitmap), false);
		if (bit < KHO_TRACKER_LEAF_BITS)
			check(!kho_tracker_test(leaves, n, l->first_pfn +
						(bit << l->order), l->order));
		if (l->order)
			check(!kho_tracker_test(leaves, n, l->first_pfn + 1,
						l->order));
		check(!kho_tracker_test(leaves, n, l->first_pfn,
					KHO_TRACKER_MAX_ORDER + 1));
		next = i + 1 < n ? leaves[i + 1] : NULL;
		want = next && next->order == l->order &&
		       next->first_pfn == l->first_pfn + span &&
		       first_bit(fuzz_map(next->bitmap), true) == 0;
		check(kho_tracker_test(leaves, n, l->first_pfn + span,
				       l->order) == want);
	}
	free(leaves);
}

/*
 * The tracker's leaves while its memfds' file maps are checked: the next
 * kernel asks kho_tracker_test() over them through kho_tracker_holds(),
 * the fuzzer through fuzz_holds().
 */
static const struct kho_tracker_leaf **fuzz_leaves;
static size_t fuzz_nr_leaves;

/*
 * As kho_tracker_holds(), with a hint kept from one call to the next, and
 * from one input to the next: a stale hint must be found out.
 */
static bool fuzz_holds(phys_addr_t phys, unsigned int order)
{
	static size_t hint;

	return PAGE_ALIGNED(phys) &&
	       kho_tracker_test_near(fuzz_leaves, fuzz_nr_leaves,
				     phys / PAGE_SIZE, order, &hint);
}

/*
 * Is the block of 2^@order pages at @phys preserved at that order? Found
 * without kho_tracker_test(): a scan of every leaf, then the bit.
 */
static bool preserved(u64 phys, unsigned int order)
{
	const struct kho_tracker_leaf *l;
	u64 pfn = phys / PAGE_SIZE, bit;
	size_t i;

	if (!PAGE_ALIGNED(phys) || order > KHO_TRACKER_MAX_ORDER)
		return false;
	for (i = 0; i < fuzz_nr_leaves; i++) {
		l = fuzz_leaves[i];
		if (l->order != order || pfn < l->first_pfn ||
		    pfn - l->first_pfn >= (u64)KHO_TRACKER_LEAF_BITS << order ||
		    (pfn - l->first_pfn) % (1ULL << order))
			continue;
		bit = (pfn - l->first_pfn) >> order;
		return ((const u64 *)fuzz_map(l->bitmap))[bit / 64] >>
		       (bit % 64) & 1;
	}
	return false;
}

/**
 * struct file_map - a file map as the input's pages hold it, read without
 * the code under test
 * @why: what kho_file_map_check() must say is wrong, NULL if it is sound
 * @pages: pages of the map read: the walk stops after the first page it
 *	   reads a second time (a loop), at a page whose count is 0 or more
 *	   than fit, or at the last page
 * @folios: entries in those pages
 * @list: each page read, then its folios, in map order (in full only for
 *	  a sound map)
 * @index: per entry of @list, the folio's index, U64_MAX for a page
 * @nr: entries in @list
 * @room: room in @list and @index
 */
struct file_map {
	const char *why;
	size_t pages;
	size_t folios;
	struct kho_mem *list;
	u64 *index;
	size_t nr;
	size_t room;
};

static void file_map_add(struct file_map *m, u64 addr, u64 len, u64 index)
{
	if (m->nr == m->room) {
		m->room = 2 * m->room + 16;
		m->list = realloc(m->list, m->room * sizeof(*m->list));
		m->index = realloc(m->index, m->room * sizeof(*m->index));
	}
	m->list[m->nr] = (struct kho_mem){ addr, len };
	m->index[m->nr++] = index;
}

/* The first thing wrong with a file map is what it is refused for. */
static void file_map_fails(struct file_map *m, const char *why)
{
	if (!m->why)
		m->why = why;
}

/*
 * Read the file map at @phys of a memfd of @size bytes said to list
 * @nr_folios folios into @m, and decide whether it is sound, and if not
 * for what, checking in the order of the format: each page is preserved
 * at order 0, then lists 1 to KHO_MEMFD_MAP_FOLIOS folios, no more than
 * are left of @nr_folios; each folio then has an order up to
 * MAX_PAGECACHE_ORDER (exactly @huge_order for a hugetlb memfd), an index
 * aligned to it, past the folio before and
 * inside the file, then is preserved at that order; in the end the pages
 * list @nr_folios. Pages are told apart by their place in the window:
 * any page outside it reads as zeros, a count of 0. A page read again
 * lists a folio read before: the walk stops there.
 */
/* May a folio of @order be in the file map of a memfd of @huge_order? */
static bool order_fits(unsigned int order, unsigned int huge_order)
{
	return huge_order ? order == huge_order : order <= MAX_PAGECACHE_ORDER;
}

static void read_file_map(u64 phys, u64 nr_folios, u64 size,
			  unsigned int huge_order, struct file_map *m)
{
	u64 end = size / PAGE_SIZE + !!(size % PAGE_SIZE), next = 0, total = 0;
	bool *seen = calloc(fuzz_nr_pages ?: 1, sizeof(*seen)), again = false;
	const struct kho_memfd_folio *f;
	const struct kho_memfd_map *p;
	unsigned int order;
	u64 page, i;

	memset(m, 0, sizeof(*m));
	for (; phys && !again; phys = p->next) {
		page = (phys - KHO_FUZZ_PAGES) / PAGE_SIZE;
		if (phys >= KHO_FUZZ_PAGES && page < fuzz_nr_pages) {
			again = seen[page];
			seen[page] = true;
		}
		m->pages++;
		if (!preserved(phys, 0))
			file_map_fails(m, "a page of its file map is not handed over");
		p = fuzz_map(phys & ~(PAGE_SIZE - 1));
		if (!p->nr || p->nr > KHO_MEMFD_MAP_FOLIOS ||
		    total + p->nr > nr_folios)
			file_map_fails(m, "its file map lists more folios than it says, or a page of none");
		if (!p->nr || p->nr > KHO_MEMFD_MAP_FOLIOS)
			break;
		file_map_add(m, phys, PAGE_SIZE, U64_MAX);
		m->folios += p->nr;
		total += p->nr;
		for (i = 0; i < p->nr; i++) {
			f = &p->folio[i];
			order = f->phys % PAGE_SIZE;
			if (!order_fits(order, huge_order) || f->index < next ||
			    f->index % (1ULL << order) || f->index >= end) {
				file_map_fails(m, "its folios are not in file order within its size");
				continue;
			}
			if (!preserved(f->phys - order, order))
				file_map_fails(m, "a folio is not handed over as such");
			next = f->index + (1ULL << order);
			file_map_add(m, f->phys - order, PAGE_SIZE << order,
				     f->index);
		}
	}
	if (total != nr_folios)
		file_map_fails(m, "its file map lists fewer folios than it says");
	free(seen);
}

static int u64_cmp(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/*
 * kho_file_map_check() of one memfd node, whose file map read_file_map()
 * read into @m: it accepts the sound maps and only those, and refuses the
 * others for their first fault. When it accepts, it lists as many entries
 * as it counted, the map's pages and folios as @m has them: the pages
 * distinct and page-aligned, the folios sorted by index without overlap,
 * each index aligned to the folio's order and inside the file, the count
 * the node's, every page and folio preserved at its order as preserved()
 * finds. Its work is linear: it calls phys_to_virt() at most 2p + f times
 * for the p pages and f folios @m read.
 */
static void check_file_map(u64 map, u64 nr_folios, u64 size,
			   unsigned int huge_order, const struct file_map *m)
{
	u64 end = size / PAGE_SIZE + !!(size % PAGE_SIZE), next = 0;
	const char *why = NULL, *why_list = NULL;
	size_t n, i, nr_pages = 0, folios = 0;
	unsigned long calls, bound;
	struct kho_mem *list;
	unsigned int order;
	u64 *pages;

	/*
	 * Per page it reads: a call of fuzz_holds(), where
	 * kho_tracker_test_near() maps the leaf's bits if it finds the leaf,
	 * then phys_to_virt() of the page; per folio it reads, a call of fuzz_holds(). It follows
	 * the pages read_file_map() read, and stops at the latest where that
	 * stopped: at a page whose count is wrong, or at the first page it
	 * reads again, whose first folio comes before the last one read.
	 */
	bound = 2 * m->pages + m->folios;
	calls = kho_fuzz_virt_calls;
	n = kho_file_map_check(map, nr_folios, size, huge_order, fuzz_holds,
			       NULL, &why);
	calls = kho_fuzz_virt_calls - calls;
	if (calls > bound) {
		fprintf(stderr, "%lu phys_to_virt() calls for a file map of %zu pages, %zu folios\n",
			calls, m->pages, m->folios);
		check(calls <= bound);
	}
	if (why || m->why) {
		if (!why || !m->why || strcmp(why, m->why))
			fprintf(stderr, "file map refused for \"%s\", not \"%s\"\n",
				why ?: "", m->why ?: "");
		check(why && m->why && !strcmp(why, m->why));
		check(*why && !n);
		return;
	}

	/* Sized as counted: ASan finds an entry written past the count. */
	list = malloc(n * sizeof(*list) ?: 1);
	pages = malloc(n * sizeof(*pages) ?: 1);
	check(kho_file_map_check(map, nr_folios, size, huge_order, fuzz_holds,
				 list, &why_list) == n);
	check(!why_list && n == m->nr);
	for (i = 0; i < n; i++) {
		check(list[i].addr == m->list[i].addr &&
		      list[i].len == m->list[i].len);
		if (m->index[i] == U64_MAX) {
			check(list[i].addr && PAGE_ALIGNED(list[i].addr) &&
			      list[i].len == PAGE_SIZE);
			check(preserved(list[i].addr, 0));
			pages[nr_pages++] = list[i].addr;
			continue;
		}
		order = __builtin_ctzll(list[i].len / PAGE_SIZE);
		check(list[i].len == PAGE_SIZE << order &&
		      order_fits(order, huge_order));
		check(m->index[i] >= next && !(m->index[i] % (1ULL << order)) &&
		      m->index[i] < end);
		check(preserved(list[i].addr, order));
		next = m->index[i] + (1ULL << order);
		folios++;
	}
	check(folios == nr_folios);
	qsort(pages, nr_pages, sizeof(*pages), u64_cmp);
	for (i = 1; i < nr_pages; i++)
		check(pages[i] != pages[i - 1]);
	free(pages);
	free(list);
}

static bool get_u64(const void *fdt, int node, const char *name, u64 *val)
{
	const void *prop;
	int len;

	prop = fdt_getprop(fdt, node, name, &len);
	if (!prop || len != sizeof(*val))
		return false;
	memcpy(val, prop, sizeof(*val));
	return true;
}

/*
 * Every node compatible with exactly "kho-memfd-v2" that has a u64 size,
 * folios and map, and no "hugetlb-order" or a u32 one from 1 to
 * KHO_TRACKER_MAX_ORDER, at any depth: its file map checked against the
 * accepted tracker at @tracker, of @nr_leaves leaves.
 */
static void check_memfds(const void *fdt, u64 tracker, size_t nr_leaves)
{
	static const char compatible[] = "kho-memfd-v2";
	u64 size, folios, map;
	int node, depth = 0, len;
	struct file_map m;
	const char *prop;
	u32 huge_order;

	fuzz_leaves = collect_leaves(tracker, nr_leaves);
	fuzz_nr_leaves = nr_leaves;
	for (node = 0; node >= 0; node = fdt_next_node(fdt, node, &depth)) {
		prop = fdt_getprop(fdt, node, "compatible", &len);
		if (!prop || len != sizeof(compatible) ||
		    memcmp(prop, compatible, len))
			continue;
		if (!get_u64(fdt, node, "size", &size) ||
		    !get_u64(fdt, node, "folios", &folios) ||
		    !get_u64(fdt, node, "map", &map))
			continue;
		huge_order = 0;
		prop = fdt_getprop(fdt, node, "hugetlb-order", &len);
		if (prop && len != sizeof(huge_order))
			continue;
		if (prop)
			memcpy(&huge_order, prop, sizeof(huge_order));
		if (prop && (!huge_order || huge_order > KHO_TRACKER_MAX_ORDER))
			continue;
		read_file_map(map, folios, size, huge_order, &m);
		check_file_map(map, folios, size, huge_order, &m);
		free(m.list);
		free(m.index);
	}
	free(fuzz_leaves);
	fuzz_leaves = NULL;
	fuzz_nr_leaves = 0;
}

/* The next kernel's checks of the DT and of the tracker it points to. */
static void check_in(const void *fdt, size_t dt_len, bool dt_ok,
		     long entries, const struct kho_mem *cache, size_t nr,
		     int cache_err)
{
	struct kho_mem *named = NULL, *own;
	size_t nr_mem, nr_pages, nr_own;
	struct tracker_count t;
	u64 tracker, extra, sum;
	unsigned long calls;
	const char *why;

	why = kho_in_check_dt(fdt, dt_len, &tracker, &nr_mem, &extra);
	if (why) {
		check(*why);
		return;
	}
	check(dt_ok && entries >= 0 && nr_mem == (size_t)entries);
	check(count_pages_props(fdt, &sum) && sum == extra);

	/* Sized as the kernel sizes it, for ASan; NULL when empty, likewise. */
	if (nr_mem)
		named = malloc(nr_mem * sizeof(*named));
	count_tracker(tracker, &t);
	calls = kho_fuzz_virt_calls;
	why = kho_in_check_tracker(fdt, tracker, &scratch, fuzz_is_ram, named,
				   extra);
	calls = kho_fuzz_virt_calls - calls;
	free(named);
	if (calls > tracker_bound(&t)) {
		fprintf(stderr, "%lu phys_to_virt() calls for %zu blocks, %zu leaves, %zu bits\n",
			calls, t.blocks, t.leaves, t.bits);
		check(calls <= tracker_bound(&t));
	}
	if (why) {
		check(*why);
		return;
	}

	check(!kho_tracker_check(tracker, &scratch, fuzz_is_ram, &nr_pages));
	own = check_tracker_pages(tracker, &t, nr_pages, &nr_own);
	check_tracker_test(tracker, t.leaves);
	/* What the tracker preserves the cache also lists: it was built. */
	check(!cache_err);
	check_tracker_runs(tracker, &t, cache, nr, extra, own, nr_own);
	free(own);
	check_memfds(fdt, tracker, t.leaves);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kho_mem *cache = NULL;
	int err, cache_err = -EINVAL;
	size_t dt_len, nr = 0;
	unsigned long lines;
	long entries = -1;
	const char *why;
	u8 *pages = NULL;
	bool dt_ok;
	void *fdt;

	if (size < 4)
		return 0;
	dt_len = data[0] | data[1] << 8 | data[2] << 16 | (size_t)data[3] << 24;
	if (dt_len > size - 4)
		dt_len = size - 4;
	/*
	 * Own copies, sized as given for ASan: the DT aligned as an allocator
	 * aligns it, the pages on page boundaries, as the reader expects.
	 */
	fdt = malloc(dt_len ?: 1);
	memcpy(fdt, data + 4, dt_len);
	fuzz_nr_pages = (size - 4 - dt_len) / PAGE_SIZE;
	if (fuzz_nr_pages) {
		pages = aligned_alloc(PAGE_SIZE, fuzz_nr_pages * PAGE_SIZE);
		memcpy(pages, data + 4 + dt_len, fuzz_nr_pages * PAGE_SIZE);
		/* The next kernel only reads a handover: a write faults. */
		check(!mprotect(pages, fuzz_nr_pages * PAGE_SIZE, PROT_READ));
	}
	fuzz_pages = pages;

	why = kho_dt_check(fdt, dt_len);
	dt_ok = !why;
	if (why) {
		check(*why);
		goto next_kernel;
	}
	check(host_fdt_check_full(fdt, dt_len) == 0);
	err = kho_dt_check_unique(fdt);
	check(err == 0 || err == -EINVAL);
	/* What activation accepts. */
	if (!err)
		save_accepted(fdt, fdt_totalsize(fdt));

	entries = count_entries(fdt);
	lines = kho_fuzz_log_lines;
	cache_err = kho_mem_cache_build(fdt, scratch.addr, scratch.len, &cache,
					&nr);
	if (cache_err) {
		check(cache_err == -EINVAL && kho_fuzz_log_lines > lines);
	} else {
		check(entries >= 0);
		check_cache_shape(cache, nr);
		check_covers_dt(fdt, cache, nr);
		check_count_users(fdt, cache, nr, entries);
	}

next_kernel:
	check_in(fdt, dt_len, dt_ok, entries, cache, nr, cache_err);

	free(cache);
	if (pages)
		check(!mprotect(pages, fuzz_nr_pages * PAGE_SIZE,
				PROT_READ | PROT_WRITE));
	free(pages);
	free(fdt);
	return 0;
}
