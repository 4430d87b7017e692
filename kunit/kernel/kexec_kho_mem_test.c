// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suites for the KHO mem cache builder: hand-made cases with known
 * answers, the errors it must report, and random inputs of 100k ranges
 * checked against a brute-force model that marks every named page in a
 * bitmap; and the check of a memfd's file map, on a sound map and on each
 * kind of damage.
 */

#include <kunit/test.h>
#include <linux/bitmap.h>
#include <linux/kexec_handover.h>
#include <linux/libfdt.h>
#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/prandom.h>
#include <linux/vmalloc.h>

#include "kexec_kho_internal.h"

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

#define P		PAGE_SIZE
#define SCRATCH_BASE	SZ_1G
#define SCRATCH_SIZE	SZ_64M
#define MAX_RANGES	8

/* A DT of @size bytes, its root node begun; @kv for one too big for kmalloc. */
static void *begin_fdt(struct kunit *test, size_t size, bool kv)
{
	void *fdt;
	int err;

	fdt = kv ? kvmalloc(size, GFP_KERNEL) : kunit_kzalloc(test, size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, fdt);
	err = fdt_create(fdt, size);
	err = err ?: fdt_finish_reservemap(fdt);
	err = err ?: fdt_begin_node(fdt, "");
	err = err ?: fdt_property_string(fdt, "compatible", KHO_FDT_COMPATIBLE);
	KUNIT_ASSERT_EQ(test, err, 0);
	return fdt;
}

/* Close the root node and the DT, given the result of the nodes written. */
static void end_fdt(struct kunit *test, void *fdt, int err)
{
	err = err ?: fdt_end_node(fdt);
	err = err ?: fdt_finish(fdt);
	KUNIT_ASSERT_EQ(test, err, 0);
}

/* Build a KHO DT whose nodes n0, n1, ... each hold @per_node of @mem. */
static void *build_fdt(struct kunit *test, const struct kho_mem *mem,
		       size_t nr, size_t per_node)
{
	size_t size = nr * sizeof(*mem) + (nr / per_node + 1) * 64 + SZ_4K;
	char name[24];
	int err = 0;
	size_t i, n;
	void *fdt;

	fdt = begin_fdt(test, size, true);
	for (i = 0; !err && i < nr; i += n) {
		n = min(per_node, nr - i);
		snprintf(name, sizeof(name), "n%zu", i / per_node);
		err = fdt_begin_node(fdt, name);
		err = err ?: fdt_property(fdt, KHO_MEM_PROP, mem + i,
					  n * sizeof(*mem));
		err = err ?: fdt_end_node(fdt);
	}
	end_fdt(test, fdt, err);
	return fdt;
}

static int build_cache(struct kunit *test, const void *fdt,
		       struct kho_mem **cache, size_t *nr)
{
	return kho_mem_cache_build(fdt, SCRATCH_BASE, SCRATCH_SIZE, cache, nr);
}

struct mem_case {
	const char *name;
	struct kho_mem in[MAX_RANGES];
	struct kho_mem out[MAX_RANGES];
};

#define SCRATCH_END	(SCRATCH_BASE + SCRATCH_SIZE)

static const struct mem_case mem_cases[] = {
	{ "sub-page range widens to its page",
	  { { 0x10064, 1000 } }, { { 0x10000, P } } },
	{ "range crossing a page boundary covers both pages",
	  { { 0x10ff0, 0x20 } }, { { 0x10000, 2 * P } } },
	{ "unsorted disjoint ranges come out sorted",
	  { { 8 * P, P }, { 2 * P, P }, { 5 * P, 2 * P } },
	  { { 2 * P, P }, { 5 * P, 2 * P }, { 8 * P, P } } },
	{ "adjacent pages merge",
	  { { 4 * P, P }, { 5 * P, P } }, { { 4 * P, 2 * P } } },
	{ "sub-page ranges in one page merge",
	  { { 3 * P + 10, 20 }, { 3 * P + 3000, 20 } }, { { 3 * P, P } } },
	{ "overlapping ranges merge",
	  { { 2 * P, 3 * P }, { 4 * P, 3 * P } }, { { 2 * P, 5 * P } } },
	{ "a range bridging many entries merges them all",
	  { { 0x100000, P }, { 0x100000 + 2 * P, P },
	    { 0x100000 + 4 * P, P }, { 0x100000 + 6 * P, P },
	    { 0x100000 + P / 2, 6 * P } },
	  { { 0x100000, 7 * P } } },
	{ "a range inside another disappears",
	  { { 2 * P, 10 * P }, { 4 * P, P } }, { { 2 * P, 10 * P } } },
	{ "duplicates merge", { { 6 * P, P }, { 6 * P, P } }, { { 6 * P, P } } },
	{ "a one-page gap is kept",
	  { { 2 * P, P }, { 4 * P, P } }, { { 2 * P, P }, { 4 * P, P } } },
	{ "zero-length entries name nothing",
	  { { 2 * P, 0 }, { 9 * P, 1 } }, { { 9 * P, P } } },
	{ "ranges touching scratch from outside are fine",
	  { { SCRATCH_BASE - 100, 100 }, { SCRATCH_END, 1 } },
	  { { SCRATCH_BASE - P, P }, { SCRATCH_END, P } } },
};

static void mem_case_desc(const struct mem_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(mem, mem_cases, mem_case_desc);

static size_t nr_ranges(const struct kho_mem *mem)
{
	size_t n = 0;

	while (n < MAX_RANGES && (mem[n].addr || mem[n].len))
		n++;
	return n;
}

static void kho_mem_known_answers(struct kunit *test)
{
	const struct mem_case *c = test->param_value;
	size_t in = nr_ranges(c->in), want = nr_ranges(c->out), nr, i;
	struct kho_mem *cache;
	void *fdt;

	/* Spread the input over two nodes when there are several entries. */
	fdt = build_fdt(test, c->in, in, max_t(size_t, in / 2, 1));
	KUNIT_ASSERT_EQ(test, build_cache(test, fdt, &cache, &nr), 0);
	KUNIT_EXPECT_EQ(test, nr, want);
	for (i = 0; i < min(nr, want); i++) {
		KUNIT_EXPECT_EQ_MSG(test, cache[i].addr, c->out[i].addr, "entry %zu", i);
		KUNIT_EXPECT_EQ_MSG(test, cache[i].len, c->out[i].len, "entry %zu", i);
	}
	kvfree(cache);
	kvfree(fdt);
}

static void kho_mem_no_mem_property(struct kunit *test)
{
	struct kho_mem *cache = (void *)1;
	size_t nr = 1;
	void *fdt;

	fdt = build_fdt(test, NULL, 0, 1);
	KUNIT_EXPECT_EQ(test, build_cache(test, fdt, &cache, &nr), 0);
	KUNIT_EXPECT_EQ(test, nr, 0);
	KUNIT_EXPECT_NULL(test, cache);
	kvfree(fdt);
}

static void expect_rejected(struct kunit *test, const struct kho_mem *mem,
			    size_t nr)
{
	struct kho_mem *cache = NULL;
	size_t cache_nr = 0;
	void *fdt;

	fdt = build_fdt(test, mem, nr, nr);
	KUNIT_EXPECT_EQ(test, build_cache(test, fdt, &cache, &cache_nr), -EINVAL);
	KUNIT_EXPECT_NULL(test, cache);
	kvfree(fdt);
}

static void kho_mem_rejects_scratch(struct kunit *test)
{
	const struct kho_mem inside = { SCRATCH_BASE + SZ_1M, P };
	const struct kho_mem first_byte[] = { { 0, P }, { SCRATCH_BASE - 1, 2 } };
	const struct kho_mem last_byte = { SCRATCH_END - 1, 1 };
	const struct kho_mem around = { SCRATCH_BASE - P, SCRATCH_SIZE + 2 * P };

	expect_rejected(test, &inside, 1);
	expect_rejected(test, first_byte, ARRAY_SIZE(first_byte));
	expect_rejected(test, &last_byte, 1);
	expect_rejected(test, &around, 1);
}

static void kho_mem_rejects_wrap(struct kunit *test)
{
	const struct kho_mem wrap = { U64_MAX - P, 2 * P };
	const struct kho_mem top = { U64_MAX - 10, 5 };

	expect_rejected(test, &wrap, 1);
	expect_rejected(test, &top, 1);
}

static void kho_mem_rejects_partial_entry(struct kunit *test)
{
	const struct kho_mem good = { 2 * P, P };
	struct kho_mem *cache = NULL;
	void *fdt;
	size_t nr;
	int err;

	fdt = begin_fdt(test, SZ_4K, false);
	err = fdt_begin_node(fdt, "good");
	err = err ?: fdt_property(fdt, KHO_MEM_PROP, &good, sizeof(good));
	err = err ?: fdt_end_node(fdt);
	err = err ?: fdt_begin_node(fdt, "short");
	err = err ?: fdt_property(fdt, KHO_MEM_PROP, &good, sizeof(good) - 4);
	err = err ?: fdt_end_node(fdt);
	end_fdt(test, fdt, err);

	KUNIT_EXPECT_EQ(test, build_cache(test, fdt, &cache, &nr), -EINVAL);
	KUNIT_EXPECT_NULL(test, cache);
}

/* Nodes nest: properties of grandchildren count as much as the root's. */
static void kho_mem_nested_nodes(struct kunit *test)
{
	const struct kho_mem a = { 10 * P, P }, b = { 11 * P, P }, c = { 30 * P, 1 };
	struct kho_mem *cache;
	void *fdt;
	size_t nr;
	int err;

	fdt = begin_fdt(test, SZ_4K, false);
	err = fdt_property(fdt, KHO_MEM_PROP, &c, sizeof(c));
	err = err ?: fdt_begin_node(fdt, "child");
	err = err ?: fdt_begin_node(fdt, "grandchild");
	err = err ?: fdt_property(fdt, KHO_MEM_PROP, &a, sizeof(a));
	err = err ?: fdt_end_node(fdt);
	err = err ?: fdt_end_node(fdt);
	err = err ?: fdt_begin_node(fdt, "sibling");
	err = err ?: fdt_property(fdt, KHO_MEM_PROP, &b, sizeof(b));
	err = err ?: fdt_end_node(fdt);
	end_fdt(test, fdt, err);

	KUNIT_ASSERT_EQ(test, build_cache(test, fdt, &cache, &nr), 0);
	KUNIT_ASSERT_EQ(test, nr, 2);
	KUNIT_EXPECT_EQ(test, cache[0].addr, 10 * P);
	KUNIT_EXPECT_EQ(test, cache[0].len, 2 * P);
	KUNIT_EXPECT_EQ(test, cache[1].addr, 30 * P);
	KUNIT_EXPECT_EQ(test, cache[1].len, P);
	kvfree(cache);
}

#define MODEL_BASE	(4ULL * SZ_1G)
#define MODEL_PAGES	(16UL << 20)	/* a 64 GiB window */
#define MODEL_RANGES	100000

/* A random range: mostly small, some adjacent to the last, a few bridges. */
static struct kho_mem random_range(struct rnd_state *rnd,
				   const struct kho_mem *prev)
{
	u32 kind = prandom_u32_state(rnd) % 1000;
	struct kho_mem m;
	u64 len;

	if (kind < 500)
		len = 1 + prandom_u32_state(rnd) % (P - 1);
	else if (kind < 800)
		len = prandom_u32_state(rnd) % (4 * P) + 1;
	else if (kind < 990)
		len = prandom_u32_state(rnd) % (64 * P) + 1;
	else
		len = (256 + prandom_u32_state(rnd) % 4096) * P;

	if (prev && prandom_u32_state(rnd) % 10 == 0 &&
	    prev->addr + prev->len < MODEL_BASE + (MODEL_PAGES - 8192) * P)
		m.addr = prev->addr + prev->len;
	else
		m.addr = MODEL_BASE +
			 (u64)(prandom_u32_state(rnd) % (MODEL_PAGES - 8192)) * P +
			 prandom_u32_state(rnd) % P;
	m.len = len;
	return m;
}

static void kho_mem_matches_page_model(struct kunit *test)
{
	unsigned long *want, *got;
	struct rnd_state rnd;
	struct kho_mem *in, *cache;
	size_t i, nr;
	u64 first, last;
	void *fdt;

	prandom_seed_state(&rnd, 0x6b686f);
	in = vmalloc(array_size(MODEL_RANGES, sizeof(*in)));
	want = vzalloc(BITS_TO_LONGS(MODEL_PAGES) * sizeof(long));
	got = vzalloc(BITS_TO_LONGS(MODEL_PAGES) * sizeof(long));
	KUNIT_ASSERT_TRUE(test, in && want && got);

	for (i = 0; i < MODEL_RANGES; i++) {
		in[i] = random_range(&rnd, i ? &in[i - 1] : NULL);
		first = (in[i].addr - MODEL_BASE) / P;
		last = (in[i].addr + in[i].len - 1 - MODEL_BASE) / P;
		bitmap_set(want, first, last - first + 1);
	}

	fdt = build_fdt(test, in, MODEL_RANGES, 997);
	KUNIT_ASSERT_EQ(test, build_cache(test, fdt, &cache, &nr), 0);
	KUNIT_EXPECT_GT(test, nr, 1000);

	for (i = 0; i < nr; i++) {
		KUNIT_ASSERT_TRUE_MSG(test, PAGE_ALIGNED(cache[i].addr) &&
				      PAGE_ALIGNED(cache[i].len) && cache[i].len,
				      "entry %zu not whole pages", i);
		KUNIT_ASSERT_GE(test, cache[i].addr, MODEL_BASE);
		KUNIT_ASSERT_LE(test, cache[i].addr + cache[i].len,
				MODEL_BASE + MODEL_PAGES * P);
		/* Sorted, and neither overlapping nor adjacent. */
		if (i)
			KUNIT_ASSERT_GT_MSG(test, cache[i].addr,
					    cache[i - 1].addr + cache[i - 1].len,
					    "entries %zu and %zu", i - 1, i);
		bitmap_set(got, (cache[i].addr - MODEL_BASE) / P, cache[i].len / P);
	}
	KUNIT_EXPECT_TRUE_MSG(test, bitmap_equal(want, got, MODEL_PAGES),
			      "the mem cache does not name exactly the pages named in the DT");

	kvfree(cache);
	kvfree(fdt);
	vfree(got);
	vfree(want);
	vfree(in);
}

#define MAX_RUNS	16

struct users_log {
	struct kho_mem runs[MAX_RUNS];
	unsigned long users[MAX_RUNS];
	size_t nr;
	size_t visits;
};

static void log_users(const struct kho_mem *run, unsigned long users,
		      void *arg)
{
	struct users_log *log = arg;

	if (log->nr < MAX_RUNS) {
		log->runs[log->nr] = *run;
		log->users[log->nr++] = users;
	}
	log->visits++;
}

/* Overlapping entries, a repeated one, a sub-page one and a page of none. */
static void kho_mem_counts_users(struct kunit *test)
{
	const u64 b = SCRATCH_BASE + SCRATCH_SIZE;
	const struct kho_mem mem[] = {
		{ b + P, 3 * P }, { b + 2 * P, P }, { b + 2 * P + 8, 8 },
		{ b + 10 * P + 100, 100 }, { b + 30 * P, 0 },
	};
	const struct kho_mem ranges[] = {
		{ b, 6 * P }, { b + 10 * P, P }, { b + 20 * P, P },
	};
	const struct { u64 addr, len; unsigned long users; } want[] = {
		{ b, P, 0 }, { b + P, P, 1 }, { b + 2 * P, P, 3 },
		{ b + 3 * P, P, 1 }, { b + 4 * P, 2 * P, 0 },
		{ b + 10 * P, P, 1 }, { b + 20 * P, P, 0 },
	};
	struct users_log *log;
	void *fdt;
	size_t i;

	log = kunit_kzalloc(test, sizeof(*log), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, log);
	fdt = build_fdt(test, mem, ARRAY_SIZE(mem), 2);
	KUNIT_ASSERT_EQ(test, kho_mem_count_users(fdt, NULL, 0, ranges,
						  ARRAY_SIZE(ranges),
						  log_users, log), 0);
	kvfree(fdt);

	KUNIT_ASSERT_EQ(test, log->nr, ARRAY_SIZE(want));
	for (i = 0; i < ARRAY_SIZE(want); i++) {
		KUNIT_EXPECT_EQ_MSG(test, log->runs[i].addr, want[i].addr,
				    "run %zu", i);
		KUNIT_EXPECT_EQ_MSG(test, log->runs[i].len, want[i].len,
				    "run %zu", i);
		KUNIT_EXPECT_EQ_MSG(test, log->users[i], want[i].users,
				    "run %zu", i);
	}
}

#define SHARED_ENTRIES	100000
#define SHARED_PAGES	4096

/*
 * Entries that all name one large range: counted in one run, where a walk
 * over each entry's pages would take SHARED_ENTRIES * SHARED_PAGES steps.
 */
static void kho_mem_counts_shared_range_once(struct kunit *test)
{
	const struct kho_mem range = {
		SCRATCH_BASE + SCRATCH_SIZE, SHARED_PAGES * P
	};
	struct kho_mem *mem;
	struct users_log *log;
	void *fdt;
	size_t i;

	log = kunit_kzalloc(test, sizeof(*log), GFP_KERNEL);
	mem = kvmalloc_array(SHARED_ENTRIES, sizeof(*mem), GFP_KERNEL);
	KUNIT_ASSERT_TRUE(test, log && mem);
	for (i = 0; i < SHARED_ENTRIES; i++)
		mem[i] = range;
	fdt = build_fdt(test, mem, SHARED_ENTRIES, 1000);
	kvfree(mem);
	KUNIT_ASSERT_EQ(test, kho_mem_count_users(fdt, NULL, 0, &range, 1, log_users,
						  log), 0);
	kvfree(fdt);

	KUNIT_EXPECT_EQ(test, log->visits, 1);
	KUNIT_EXPECT_EQ(test, log->runs[0].len, range.len);
	KUNIT_EXPECT_EQ(test, log->users[0], SHARED_ENTRIES);
}

/* The same entries as kho_mem_counts_users, counted from a list. */
static void kho_mem_counts_entries(struct kunit *test)
{
	const u64 b = SCRATCH_BASE + SCRATCH_SIZE;
	const struct kho_mem mem[] = {
		{ b + 10 * P + 100, 100 }, { b + 2 * P, P }, { b + P, 3 * P },
		{ b + 30 * P, 0 }, { b + 2 * P + 8, 8 },
	};
	const struct { u64 addr, len; unsigned long users; } want[] = {
		{ b + P, P, 1 }, { b + 2 * P, P, 3 }, { b + 3 * P, P, 1 },
		{ b + 10 * P, P, 1 },
	};
	const struct kho_mem wraps = { -P, 2 * P };
	struct users_log *log;
	size_t i;

	log = kunit_kzalloc(test, sizeof(*log), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, log);
	KUNIT_ASSERT_EQ(test, kho_mem_count_entries(mem, ARRAY_SIZE(mem),
						    log_users, log), 0);
	KUNIT_ASSERT_EQ(test, log->nr, ARRAY_SIZE(want));
	for (i = 0; i < ARRAY_SIZE(want); i++) {
		KUNIT_EXPECT_EQ_MSG(test, log->runs[i].addr, want[i].addr,
				    "run %zu", i);
		KUNIT_EXPECT_EQ_MSG(test, log->runs[i].len, want[i].len,
				    "run %zu", i);
		KUNIT_EXPECT_EQ_MSG(test, log->users[i], want[i].users,
				    "run %zu", i);
	}

	KUNIT_EXPECT_EQ(test, kho_mem_count_entries(&wraps, 1, log_users, log),
			-EINVAL);
}

/* kho_mem_counts_shared_range_once, for a list of entries. */
static void kho_mem_counts_shared_entries_once(struct kunit *test)
{
	const struct kho_mem range = {
		SCRATCH_BASE + SCRATCH_SIZE, SHARED_PAGES * P
	};
	struct kho_mem *mem;
	struct users_log *log;
	size_t i;

	log = kunit_kzalloc(test, sizeof(*log), GFP_KERNEL);
	mem = kvmalloc_array(SHARED_ENTRIES, sizeof(*mem), GFP_KERNEL);
	KUNIT_ASSERT_TRUE(test, log && mem);
	for (i = 0; i < SHARED_ENTRIES; i++)
		mem[i] = range;
	KUNIT_EXPECT_EQ(test, kho_mem_count_entries(mem, SHARED_ENTRIES,
						    log_users, log), 0);
	kvfree(mem);

	KUNIT_EXPECT_EQ(test, log->visits, 1);
	KUNIT_EXPECT_EQ(test, log->runs[0].len, range.len);
	KUNIT_EXPECT_EQ(test, log->users[0], SHARED_ENTRIES);
}

/*
 * Entries whose addresses differ in every byte the radix sort looks at,
 * listed from the highest down, each twice: counted in address order.
 */
static void kho_mem_counts_entries_far_apart(struct kunit *test)
{
	const unsigned int nr = 16;
	struct users_log *log;
	struct kho_mem *mem;
	unsigned int i;

	log = kunit_kzalloc(test, sizeof(*log), GFP_KERNEL);
	mem = kunit_kcalloc(test, 2 * nr, sizeof(*mem), GFP_KERNEL);
	KUNIT_ASSERT_TRUE(test, log && mem);
	for (i = 0; i < nr; i++) {
		/* Every byte above the page offset changes between entries. */
		mem[i].addr = (u64)(nr - i) * 0x0101010101010000ULL / 16;
		mem[i].addr &= PAGE_MASK;
		mem[i].len = P;
		mem[nr + i] = mem[i];
	}
	KUNIT_ASSERT_EQ(test, kho_mem_count_entries(mem, 2 * nr, log_users,
						    log), 0);
	KUNIT_ASSERT_EQ(test, log->nr, nr);
	for (i = 0; i < nr; i++) {
		KUNIT_EXPECT_EQ_MSG(test, log->runs[i].addr,
				    mem[nr - 1 - i].addr, "run %u", i);
		KUNIT_EXPECT_EQ_MSG(test, log->runs[i].len, P, "run %u", i);
		KUNIT_EXPECT_EQ_MSG(test, log->users[i], 2, "run %u", i);
	}
}

/* The largest folio of the page cache, and where the test's folios lie. */
#define FILE_MAP_BIG		MAX_PAGECACHE_ORDER
#define FILE_MAP_FOLIO(n)	((phys_addr_t)SZ_1G + (n) * SZ_64M)

/* The blocks of order @order at @phys the file map tests' tracker holds. */
struct file_map_block {
	phys_addr_t phys;
	unsigned int order;
};

static struct file_map_block file_map_blocks[5];

static bool file_map_holds(phys_addr_t phys, unsigned int order)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(file_map_blocks); i++)
		if (file_map_blocks[i].phys == phys &&
		    file_map_blocks[i].order == order)
			return true;
	return false;
}

/*
 * A sound file map of two pages, @map[0] with a folio of FILE_MAP_BIG at
 * index 0 and one of order 0 after it, @map[1] with one of order 0 past a
 * hole; the tracker holds the pages and the folios, which nobody touches.
 * Sets the count and size its node would give.
 */
static void file_map_build(struct kho_memfd_map *map[2], u64 *nr_folios,
			   u64 *size)
{
	memset(map[0], 0, PAGE_SIZE);
	memset(map[1], 0, PAGE_SIZE);
	map[0]->next = virt_to_phys(map[1]);
	map[0]->nr = 2;
	map[0]->folio[0].phys = FILE_MAP_FOLIO(0) | FILE_MAP_BIG;
	map[0]->folio[1].index = 1 << FILE_MAP_BIG;
	map[0]->folio[1].phys = FILE_MAP_FOLIO(1);
	map[1]->nr = 1;
	map[1]->folio[0].index = (1 << FILE_MAP_BIG) + 2;
	map[1]->folio[0].phys = FILE_MAP_FOLIO(2);
	file_map_blocks[0] = (struct file_map_block){ virt_to_phys(map[0]), 0 };
	file_map_blocks[1] = (struct file_map_block){ virt_to_phys(map[1]), 0 };
	file_map_blocks[2] = (struct file_map_block){
		FILE_MAP_FOLIO(0), FILE_MAP_BIG
	};
	file_map_blocks[3] = (struct file_map_block){ FILE_MAP_FOLIO(1), 0 };
	file_map_blocks[4] = (struct file_map_block){ FILE_MAP_FOLIO(2), 0 };
	*nr_folios = 3;
	/* The last folio's index is the file's last page. */
	*size = ((1 << FILE_MAP_BIG) + 2) * P + 1;
}

/* The map refused for @want, for a memfd of @huge_order (0: shmem). */
static void expect_huge_file_map_refused(struct kunit *test, u64 map,
					 u64 nr_folios, u64 size,
					 unsigned int huge_order,
					 const char *want)
{
	const char *why = NULL;

	KUNIT_EXPECT_EQ(test, kho_file_map_check(map, nr_folios, size,
						 huge_order, file_map_holds,
						 NULL, &why),
			0);
	KUNIT_EXPECT_STREQ(test, why ?: "(accepted)", want);
}

static void expect_file_map_refused(struct kunit *test, u64 map,
				    u64 nr_folios, u64 size, const char *want)
{
	expect_huge_file_map_refused(test, map, nr_folios, size, 0, want);
}

/* Two zeroed pages for a file map; the physical address of the first. */
static phys_addr_t file_map_alloc(struct kunit *test,
				  struct kho_memfd_map *map[2])
{
	map[0] = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
	map[1] = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_TRUE(test, map[0] && map[1]);
	/* kmalloc() aligns a power of two to itself. */
	KUNIT_ASSERT_TRUE(test, PAGE_ALIGNED(map[0]) && PAGE_ALIGNED(map[1]));
	return virt_to_phys(map[0]);
}

static const char file_map_page_lost[] =
	"a page of its file map is not handed over";
static const char file_map_too_many[] =
	"its file map lists more folios than it says, or a page of none";
static const char file_map_disorder[] =
	"its folios are not in file order within its size";
static const char file_map_folio_lost[] = "a folio is not handed over as such";
static const char file_map_too_few[] =
	"its file map lists fewer folios than it says";

/* A sound file map: its pages and folios listed in its order. */
static void kho_mem_file_map_sound(struct kunit *test)
{
	struct kho_memfd_map *map[2];
	struct kho_mem extra[5];
	const char *why = NULL;
	u64 nr_folios, size;
	phys_addr_t first;

	first = file_map_alloc(test, map);
	file_map_build(map, &nr_folios, &size);

	KUNIT_EXPECT_EQ(test, kho_file_map_check(first, nr_folios, size,
						 0, file_map_holds, NULL, &why),
			5);
	KUNIT_EXPECT_EQ(test, kho_file_map_check(first, nr_folios, size,
						 0, file_map_holds, extra, &why),
			5);
	KUNIT_EXPECT_NULL(test, why);
	KUNIT_EXPECT_EQ(test, extra[0].addr, first);
	KUNIT_EXPECT_EQ(test, extra[0].len, P);
	KUNIT_EXPECT_EQ(test, extra[1].addr, FILE_MAP_FOLIO(0));
	KUNIT_EXPECT_EQ(test, extra[1].len, P << FILE_MAP_BIG);
	KUNIT_EXPECT_EQ(test, extra[2].addr, FILE_MAP_FOLIO(1));
	KUNIT_EXPECT_EQ(test, extra[2].len, P);
	KUNIT_EXPECT_EQ(test, extra[3].addr, virt_to_phys(map[1]));
	KUNIT_EXPECT_EQ(test, extra[3].len, P);
	KUNIT_EXPECT_EQ(test, extra[4].addr, FILE_MAP_FOLIO(2));
	KUNIT_EXPECT_EQ(test, extra[4].len, P);

	/* A memfd of holes only has no map. */
	KUNIT_EXPECT_EQ(test, kho_file_map_check(0, 0, size, 0, file_map_holds,
						 NULL, &why), 0);
	KUNIT_EXPECT_NULL(test, why);
	expect_file_map_refused(test, 0, 1, size, file_map_too_few);
}

/*
 * A hugetlb memfd's map lists folios of its huge order only: the sound map
 * with a small folio is refused as one, its big folio alone accepted, and
 * refused for a memfd of another order.
 */
static void kho_mem_file_map_hugetlb(struct kunit *test)
{
	struct kho_memfd_map *map[2];
	const char *why = NULL;
	u64 nr_folios, size;
	phys_addr_t first;

	first = file_map_alloc(test, map);

	file_map_build(map, &nr_folios, &size);
	expect_huge_file_map_refused(test, first, nr_folios, size,
				     FILE_MAP_BIG, file_map_disorder);

	/* Only the big folio, in a file of its size. */
	map[0]->next = 0;
	map[0]->nr = 1;
	size = P << FILE_MAP_BIG;
	KUNIT_EXPECT_EQ(test, kho_file_map_check(first, 1, size, FILE_MAP_BIG,
						 file_map_holds, NULL, &why),
			2);
	KUNIT_EXPECT_NULL(test, why);
	expect_huge_file_map_refused(test, first, 1, size, FILE_MAP_BIG + 1,
				     file_map_disorder);
}

/* Each kind of damage, on a map built anew, refused for what it is. */
static void kho_mem_file_map_damaged(struct kunit *test)
{
	struct kho_memfd_map *map[2];
	u64 nr_folios, size;
	phys_addr_t first;

	first = file_map_alloc(test, map);

	file_map_build(map, &nr_folios, &size);
	file_map_blocks[1].order = 1;
	expect_file_map_refused(test, first, nr_folios, size,
				file_map_page_lost);
	file_map_build(map, &nr_folios, &size);
	expect_file_map_refused(test, first + 8, nr_folios, size,
				file_map_page_lost);

	file_map_build(map, &nr_folios, &size);
	map[1]->nr = 0;
	expect_file_map_refused(test, first, nr_folios, size,
				file_map_too_many);
	file_map_build(map, &nr_folios, &size);
	map[0]->nr = KHO_MEMFD_MAP_FOLIOS + 1;
	expect_file_map_refused(test, first, U64_MAX, size, file_map_too_many);
	file_map_build(map, &nr_folios, &size);
	expect_file_map_refused(test, first, nr_folios - 1, size,
				file_map_too_many);
	expect_file_map_refused(test, first, nr_folios + 1, size,
				file_map_too_few);

	/* Swapped, overlapping, misaligned, past the end, too large. */
	file_map_build(map, &nr_folios, &size);
	swap(map[0]->folio[0], map[0]->folio[1]);
	expect_file_map_refused(test, first, nr_folios, size,
				file_map_disorder);
	file_map_build(map, &nr_folios, &size);
	map[0]->folio[1].index = 1;
	expect_file_map_refused(test, first, nr_folios, size,
				file_map_disorder);
	file_map_build(map, &nr_folios, &size);
	map[0]->folio[0].index = 1;
	expect_file_map_refused(test, first, nr_folios, size,
				file_map_disorder);
	file_map_build(map, &nr_folios, &size);
	expect_file_map_refused(test, first, nr_folios, size - 1,
				file_map_disorder);
	file_map_build(map, &nr_folios, &size);
	map[0]->folio[0].phys += 1;
	file_map_blocks[2].order = FILE_MAP_BIG + 1;
	expect_file_map_refused(test, first, nr_folios, size,
				file_map_disorder);

	/* A loop repeats a folio, out of order, if the count lets it. */
	file_map_build(map, &nr_folios, &size);
	map[1]->next = first;
	expect_file_map_refused(test, first, nr_folios, size,
				file_map_too_many);
	expect_file_map_refused(test, first, 2 * nr_folios, size,
				file_map_disorder);

	file_map_build(map, &nr_folios, &size);
	file_map_blocks[2].order = FILE_MAP_BIG - 1;
	expect_file_map_refused(test, first, nr_folios, size,
				file_map_folio_lost);
}

static struct kunit_case kho_mem_cases[] = {
	KUNIT_CASE_PARAM(kho_mem_known_answers, mem_gen_params),
	KUNIT_CASE(kho_mem_no_mem_property),
	KUNIT_CASE(kho_mem_rejects_scratch),
	KUNIT_CASE(kho_mem_rejects_wrap),
	KUNIT_CASE(kho_mem_rejects_partial_entry),
	KUNIT_CASE(kho_mem_nested_nodes),
	KUNIT_CASE_SLOW(kho_mem_matches_page_model),
	KUNIT_CASE(kho_mem_counts_users),
	KUNIT_CASE(kho_mem_counts_shared_range_once),
	KUNIT_CASE(kho_mem_counts_entries),
	KUNIT_CASE(kho_mem_counts_shared_entries_once),
	KUNIT_CASE(kho_mem_counts_entries_far_apart),
	KUNIT_CASE(kho_mem_file_map_sound),
	KUNIT_CASE(kho_mem_file_map_damaged),
	KUNIT_CASE(kho_mem_file_map_hugetlb),
	{}
};

static struct kunit_suite kho_mem_suite = {
	.name = "kho_mem_cache",
	.test_cases = kho_mem_cases,
};

kunit_test_suite(kho_mem_suite);

MODULE_DESCRIPTION("KUnit tests for the Kexec HandOver mem cache");
MODULE_LICENSE("GPL");
