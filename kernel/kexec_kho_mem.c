// SPDX-License-Identifier: GPL-2.0
/*
 * Kexec HandOver: the mem cache, the flat list of every range of memory the
 * KHO DT names in "mem" properties. The next kernel reserves these ranges
 * before it allocates anything outside the scratch region, so the list is
 * kept short: widened to whole pages, sorted by address, with overlapping
 * and adjacent ranges merged.
 *
 * Also what reads a KHO DT and its mem cache without trusting them: the
 * DT's validation, on both sides of a kexec, the next kernel's check that
 * the cache covers the DT, and its count of who uses each page. None of it
 * needs more of the kernel than libfdt and an allocator, and
 * tools/testing/kho/fuzz builds this file for the host as it is.
 */

#define pr_fmt(fmt) "kho: " fmt

#include <linux/kexec_handover.h>
#include <linux/libfdt.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <kunit/visibility.h>

#include "kexec_kho_internal.h"

/*
 * Characters dtc accepts in names: a DT that activation accepts must be
 * one that dtc and libfdt's fdt_check_full() accept too.
 */
#define KHO_DT_ALNUM		"abcdefghijklmnopqrstuvwxyz" \
				"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
#define KHO_DT_NODE_CHARS	KHO_DT_ALNUM ",._+-@"
#define KHO_DT_PROP_CHARS	KHO_DT_ALNUM ",._+*#?-"

static const char kho_dt_bad_prop_name[] =
	"a DT property name is too long or has a character dtc refuses";

/* Property names dtc gives a meaning that a KHO DT has no use for. */
static const char * const kho_dt_reserved_props[] = {
	"name", "phandle", "linux,phandle",
};

static bool kho_dt_node_name_ok(const char *name, int depth)
{
	size_t n = strlen(name);
	const char *at;

	/* The root's name is empty, every other node's is not. */
	if (!depth)
		return !n;
	if (!n || strspn(name, KHO_DT_NODE_CHARS) != n)
		return false;
	at = strchr(name, '@');
	return !at || !strchr(at + 1, '@');
}

/*
 * A property name must end within KHO_DT_PROP_NAME_MAX bytes of its start:
 * every later lookup by name then costs at most that much per property,
 * however many properties share one long string.
 */
static bool kho_dt_prop_name_ok(const char *strings, u32 strings_len,
				u32 nameoff)
{
	const char *name;
	size_t n, i;

	if (nameoff >= strings_len)
		return false;
	name = strings + nameoff;
	n = strnlen(name, min_t(size_t, strings_len - nameoff,
				KHO_DT_PROP_NAME_MAX + 1));
	if (!n || n > KHO_DT_PROP_NAME_MAX || n == strings_len - nameoff)
		return false;
	if (strspn(name, KHO_DT_PROP_CHARS) != n)
		return false;
	for (i = 0; i < ARRAY_SIZE(kho_dt_reserved_props); i++)
		if (!strcmp(name, kho_dt_reserved_props[i]))
			return false;
	return true;
}

/**
 * kho_dt_check() - is a KHO DT well formed?
 * @fdt: the DT
 * @len: the bytes it may take
 *
 * One pass over the structure block, in time linear in @len: the header is
 * valid (version 17, blocks aligned), the DT fits in @len, its memory
 * reserve map is empty, tags nest, one root node holds everything and
 * FDT_END follows it; node names are made of the characters dtc accepts,
 * with at most one '@'; property names are such strings of at most
 * KHO_DT_PROP_NAME_MAX characters, NUL-terminated inside the strings block,
 * and none is "name", "phandle" or "linux,phandle". Duplicate names
 * are not looked for: see kho_dt_check_unique().
 *
 * Return: NULL, or what is wrong, for the log.
 */
const char *kho_dt_check(const void *fdt, size_t len)
{
	const struct fdt_property *prop;
	const char *strings, *name;
	int off = 0, next, depth = 0;
	u64 rsv_addr, rsv_size;
	bool root = false;
	u32 strings_len;

	/* libfdt reads the blocks' words where they are: aligned. */
	if (len < sizeof(struct fdt_header) || fdt_check_header(fdt) ||
	    fdt_off_dt_struct(fdt) % FDT_TAGSIZE ||
	    fdt_off_mem_rsvmap(fdt) % sizeof(fdt64_t))
		return "the DT has a bad header";
	if (fdt_totalsize(fdt) > len)
		return "the DT is larger than its segment";
	if (fdt_version(fdt) < 17)
		return "the DT is older than version 17";
	/* A KHO DT reserves nothing: its reserve map is the terminator. */
	if (fdt_get_mem_rsv(fdt, 0, &rsv_addr, &rsv_size) ||
	    rsv_addr || rsv_size)
		return "the DT's memory reserve map is not empty";
	strings = (const char *)fdt + fdt_off_dt_strings(fdt);
	strings_len = fdt_size_dt_strings(fdt);

	for (;;) {
		switch (fdt_next_tag(fdt, off, &next)) {
		case FDT_BEGIN_NODE:
			if (!depth && root)
				return "the DT has a second root node";
			/* fdt_next_tag() found the name's NUL. */
			name = fdt_offset_ptr(fdt, off + FDT_TAGSIZE, 1);
			if (!kho_dt_node_name_ok(name, depth))
				return "a DT node name is empty or has a character dtc refuses";
			root = true;
			depth++;
			break;
		case FDT_END_NODE:
			if (!depth)
				return "a DT node ends that never began";
			depth--;
			break;
		case FDT_PROP:
			if (!depth)
				return "a DT property lies outside every node";
			prop = fdt_offset_ptr(fdt, off, sizeof(*prop));
			if (!kho_dt_prop_name_ok(strings, strings_len,
						 fdt32_to_cpu(prop->nameoff)))
				return kho_dt_bad_prop_name;
			break;
		case FDT_NOP:
			/* dtc wants the root first and FDT_END right after. */
			if (!depth)
				return "the DT has a NOP outside its root node";
			break;
		case FDT_END:
			if (next < 0)
				return "the DT structure is truncated or malformed";
			if (depth || !root)
				return "the DT ends inside a node or has no root";
			return NULL;
		default:
			return "the DT structure has an unknown tag";
		}
		if (next < 0)
			return "the DT structure is truncated or malformed";
		off = next;
	}
}
EXPORT_SYMBOL_IF_KUNIT(kho_dt_check);

/* A name in the DT, with the node it belongs to. */
struct kho_dt_name {
	int owner;
	bool is_prop;
	const char *name;
};

static int kho_dt_name_cmp(const void *a, const void *b)
{
	const struct kho_dt_name *x = a, *y = b;

	if (x->owner != y->owner)
		return x->owner < y->owner ? -1 : 1;
	if (x->is_prop != y->is_prop)
		return x->is_prop ? 1 : -1;
	return strcmp(x->name, y->name);
}

/* Name every node by its parent and every property by its node. */
static size_t kho_dt_collect_names(const void *fdt, struct kho_dt_name *names,
				   int *parents)
{
	const struct fdt_property *prop;
	int off = 0, next, depth = 0;
	size_t nr = 0;
	u32 nameoff;
	u32 tag;

	parents[0] = -1;
	do {
		tag = fdt_next_tag(fdt, off, &next);
		if (tag == FDT_BEGIN_NODE) {
			if (names) {
				names[nr].owner = parents[depth];
				names[nr].is_prop = false;
				names[nr].name = fdt_offset_ptr(fdt, off +
								FDT_TAGSIZE, 1);
			}
			parents[++depth] = off;
			nr++;
		} else if (tag == FDT_END_NODE) {
			depth--;
		} else if (tag == FDT_PROP) {
			if (names) {
				prop = fdt_offset_ptr(fdt, off, sizeof(*prop));
				nameoff = fdt32_to_cpu(prop->nameoff);
				names[nr].owner = parents[depth];
				names[nr].is_prop = true;
				names[nr].name = fdt_string(fdt, nameoff);
			}
			nr++;
		}
		off = next;
	} while (tag != FDT_END);
	return nr;
}

/**
 * kho_dt_check_unique() - does every name in a KHO DT occur once?
 * @fdt: a DT that passed kho_dt_check()
 *
 * No node may have two children or two properties of one name: dtc refuses
 * such a DT, and a lookup by name finds only the first. Sorts the names, in
 * O(n log n) for n nodes and properties.
 *
 * Return: 0; -EINVAL, with a log line naming the node; -ENOMEM.
 */
int kho_dt_check_unique(const void *fdt)
{
	struct kho_dt_name *names = NULL;
	int *parents, err = 0;
	size_t nr, i;

	/* Nodes and properties are each at least a tag: depth stays below. */
	parents = kvmalloc_array(fdt_size_dt_struct(fdt) / FDT_TAGSIZE + 1,
				 sizeof(*parents), GFP_KERNEL);
	if (!parents)
		return -ENOMEM;
	nr = kho_dt_collect_names(fdt, NULL, parents);
	names = kvmalloc_array(nr, sizeof(*names), GFP_KERNEL);
	if (!names) {
		err = -ENOMEM;
		goto free;
	}
	kho_dt_collect_names(fdt, names, parents);
	sort(names, nr, sizeof(*names), kho_dt_name_cmp, NULL);

	for (i = 1; i < nr; i++) {
		if (kho_dt_name_cmp(&names[i - 1], &names[i]))
			continue;
		pr_err("node '%s' has two %s named '%s'\n",
		       fdt_get_name(fdt, names[i].owner, NULL),
		       names[i].is_prop ? "properties" : "subnodes",
		       names[i].name);
		err = -EINVAL;
		break;
	}
	kvfree(names);
free:
	kvfree(parents);
	return err;
}
EXPORT_SYMBOL_IF_KUNIT(kho_dt_check_unique);

/**
 * kho_mem_iter_next() - step to the next node with a "mem" property
 * @fdt: a KHO DT
 * @it: the walk, zeroed to start at the root
 *
 * Return: true with @it->node, @it->prop and @it->len set, false after the
 * last node.
 */
bool kho_mem_iter_next(const void *fdt, struct kho_mem_iter *it)
{
	while (it->next >= 0 && it->depth >= 0) {
		it->node = it->next;
		it->prop = fdt_getprop(fdt, it->node, KHO_MEM_PROP, &it->len);
		it->next = fdt_next_node(fdt, it->node, &it->depth);
		if (it->prop)
			return true;
	}
	return false;
}

/**
 * kho_mem_pages() - the whole pages a "mem" entry names
 * @mem: the entry
 * @pages: set to @mem widened to page boundaries; length 0 for an entry of
 *	   length 0, which names nothing
 *
 * Return: false if @mem wraps around the address space.
 */
bool kho_mem_pages(const struct kho_mem *mem, struct kho_mem *pages)
{
	if (mem->addr + mem->len < mem->addr ||
	    mem->addr + mem->len > PAGE_ALIGN_DOWN(U64_MAX))
		return false;
	pages->addr = PAGE_ALIGN_DOWN(mem->addr);
	pages->len = mem->len ?
		     PAGE_ALIGN(mem->addr + mem->len) - pages->addr : 0;
	return true;
}

/**
 * kho_mem_iter_pages() - the pages entry @i of the current "mem" names
 * @it: a walk stopped at a node by kho_mem_iter_next()
 * @i: index of the entry in the property
 * @pages: see kho_mem_pages()
 *
 * Return: false if the entry wraps around the address space.
 */
bool kho_mem_iter_pages(const struct kho_mem_iter *it, int i,
			struct kho_mem *pages)
{
	struct kho_mem mem;

	/* Properties are only 4-byte aligned. */
	memcpy(&mem, it->prop + i * sizeof(mem), sizeof(mem));
	return kho_mem_pages(&mem, pages);
}

struct kho_mem_collector {
	struct kho_mem *cache;
	size_t nr;
	struct kho_mem scratch;
};

/* Widen each entry to whole pages; refuse one that wraps or touches scratch. */
static int kho_collect_mem(struct kho_mem_collector *c, const void *fdt,
			   const struct kho_mem_iter *it)
{
	struct kho_mem pages;
	int i;

	for (i = 0; i < it->len / sizeof(pages); i++) {
		if (!kho_mem_iter_pages(it, i, &pages)) {
			pr_err("node '%s': mem entry %d wraps around\n",
			       fdt_get_name(fdt, it->node, NULL), i);
			return -EINVAL;
		}
		if (!pages.len)
			continue;
		if (kho_mem_overlaps(&pages, &c->scratch)) {
			pr_err("node '%s': mem entry %d, pages [%#llx-%#llx), overlaps the scratch region\n",
			       fdt_get_name(fdt, it->node, NULL), i, pages.addr,
			       pages.addr + pages.len);
			return -EINVAL;
		}
		c->cache[c->nr++] = pages;
	}
	return 0;
}

static int kho_mem_cmp(const void *a, const void *b)
{
	const struct kho_mem *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return 0;
}

/* Merge sorted ranges that overlap or touch, in place; returns the count. */
static size_t kho_merge_mem(struct kho_mem *cache, size_t nr)
{
	size_t i, out = 0;
	u64 end;

	for (i = 0; i < nr; i++) {
		if (out && cache[i].addr <= cache[out - 1].addr + cache[out - 1].len) {
			end = max(cache[out - 1].addr + cache[out - 1].len,
				  cache[i].addr + cache[i].len);
			cache[out - 1].len = end - cache[out - 1].addr;
			continue;
		}
		cache[out++] = cache[i];
	}
	return out;
}

/**
 * kho_mem_cache_build() - list the memory a KHO DT hands over
 * @fdt: a finished KHO DT
 * @scratch_base: physical address of the scratch region
 * @scratch_size: its size in bytes
 * @cachep: where to store the mem cache, an array to free with kvfree()
 *	    (NULL when the DT names no memory)
 * @nrp: where to store its number of entries
 *
 * Collects the entries of every "mem" property, widens each to page
 * boundaries, sorts them by address and merges those that overlap or are
 * adjacent, however many entries a range bridges. Entries of length 0 name
 * nothing and are skipped. Runs in O(n log n) for n entries.
 *
 * Return: 0; -EINVAL, with a log line naming the node, for a "mem" property
 * that is not a whole number of entries, an entry that wraps around the
 * address space or one that overlaps the scratch region; -ENOMEM.
 */
int kho_mem_cache_build(const void *fdt, phys_addr_t scratch_base,
			phys_addr_t scratch_size, struct kho_mem **cachep,
			size_t *nrp)
{
	struct kho_mem_collector c = {
		.scratch = { scratch_base, scratch_size },
	};
	struct kho_mem_iter it = {};
	size_t count = 0;
	int err;

	*cachep = NULL;
	*nrp = 0;
	while (kho_mem_iter_next(fdt, &it)) {
		if (it.len % sizeof(struct kho_mem)) {
			pr_err("node '%s': mem property of %d bytes is not a whole number of entries\n",
			       fdt_get_name(fdt, it.node, NULL), it.len);
			return -EINVAL;
		}
		count += it.len / sizeof(struct kho_mem);
	}
	if (!count)
		return 0;

	c.cache = kvmalloc_array(count, sizeof(*c.cache),
				 GFP_KERNEL | __GFP_RETRY_MAYFAIL | __GFP_NOWARN);
	if (!c.cache) {
		pr_err("no memory for a mem cache of %zu entries\n", count);
		return -ENOMEM;
	}

	memset(&it, 0, sizeof(it));
	while (kho_mem_iter_next(fdt, &it)) {
		err = kho_collect_mem(&c, fdt, &it);
		if (err) {
			kvfree(c.cache);
			return err;
		}
	}

	sort(c.cache, c.nr, sizeof(*c.cache), kho_mem_cmp, NULL);
	*nrp = kho_merge_mem(c.cache, c.nr);
	*cachep = c.cache;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(kho_mem_cache_build);

static int kho_u64_cmp(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/*
 * Entries [a, b) with sorted starts and ends, swept over @ranges: @visit is
 * called for each longest run whose pages the same number of entries name.
 */
static void kho_mem_sweep(u64 *starts, u64 *ends, size_t n,
			  const struct kho_mem *ranges, size_t nr,
			  void (*visit)(const struct kho_mem *run,
					unsigned long users, void *arg),
			  void *arg)
{
	size_t s = 0, e = 0, i;
	struct kho_mem run;
	u64 end;

	sort(starts, n, sizeof(*starts), kho_u64_cmp, NULL);
	sort(ends, n, sizeof(*ends), kho_u64_cmp, NULL);
	for (i = 0; i < nr; i++) {
		run.addr = ranges[i].addr;
		end = ranges[i].addr + ranges[i].len;
		while (run.addr < end) {
			/* Entries [a, b) with a <= addr < b name the page. */
			while (s < n && starts[s] <= run.addr)
				s++;
			while (e < n && ends[e] <= run.addr)
				e++;
			run.len = end - run.addr;
			if (s < n && starts[s] - run.addr < run.len)
				run.len = starts[s] - run.addr;
			if (e < n && ends[e] - run.addr < run.len)
				run.len = ends[e] - run.addr;
			visit(&run, s - e, arg);
			run.addr += run.len;
		}
	}
}

/**
 * kho_mem_count_users() - how many "mem" entries name each page of some ranges
 * @fdt: a KHO DT whose "mem" properties are whole numbers of entries
 * @ranges: sorted, disjoint ranges
 * @nr: number of @ranges
 * @visit: called, in address order, for each longest run of @ranges whose
 *	   pages the same number of entries name (0 for pages none names)
 * @arg: passed to @visit
 *
 * Sweeps over the sorted starts and ends of the entries, widened to pages,
 * instead of walking the pages of each entry: many entries naming one large
 * range cost no more than one. Runs in O(n log n + m) for n entries and m
 * ranges, and calls @visit at most 2n + m times.
 *
 * Return: 0; -EINVAL for an entry that wraps around the address space;
 * -ENOMEM.
 */
int kho_mem_count_users(const void *fdt, const struct kho_mem *ranges,
			size_t nr,
			void (*visit)(const struct kho_mem *run,
				      unsigned long users, void *arg),
			void *arg)
{
	struct kho_mem_iter it = {};
	size_t count = 0, n = 0;
	struct kho_mem pages;
	u64 *starts, *ends;
	int j, err = 0;

	while (kho_mem_iter_next(fdt, &it))
		count += it.len / sizeof(pages);
	starts = kvmalloc_array(count ?: 1, 2 * sizeof(*starts), GFP_KERNEL);
	if (!starts)
		return -ENOMEM;
	ends = starts + (count ?: 1);

	memset(&it, 0, sizeof(it));
	while (kho_mem_iter_next(fdt, &it)) {
		for (j = 0; j < it.len / sizeof(pages); j++) {
			if (!kho_mem_iter_pages(&it, j, &pages)) {
				err = -EINVAL;
				goto free;
			}
			if (!pages.len)
				continue;
			starts[n] = pages.addr;
			ends[n++] = pages.addr + pages.len;
		}
	}
	kho_mem_sweep(starts, ends, n, ranges, nr, visit, arg);
free:
	kvfree(starts);
	return err;
}
EXPORT_SYMBOL_IF_KUNIT(kho_mem_count_users);

/**
 * kho_mem_count_entries() - how many of some entries name each page they name
 * @mem: the entries
 * @nr: number of @mem
 * @visit: called, in address order, for each longest run of pages that the
 *	   same number of entries name, that number being at least 1
 * @arg: passed to @visit
 *
 * kho_mem_count_users() for a list of entries instead of a DT: O(n log n)
 * for n entries plus the pages they name, however they overlap.
 *
 * Return: 0; -EINVAL for an entry that wraps around the address space;
 * -ENOMEM.
 */
int kho_mem_count_entries(const struct kho_mem *mem, size_t nr,
			  void (*visit)(const struct kho_mem *run,
					unsigned long users, void *arg),
			  void *arg)
{
	struct kho_mem *ranges;
	size_t i, n = 0;
	u64 *starts, *ends;
	int err = 0;

	ranges = kvmalloc_array(nr ?: 1, sizeof(*ranges) + 2 * sizeof(*starts),
				GFP_KERNEL);
	if (!ranges)
		return -ENOMEM;
	starts = (u64 *)(ranges + (nr ?: 1));
	ends = starts + (nr ?: 1);

	for (i = 0; i < nr; i++) {
		if (!kho_mem_pages(&mem[i], &ranges[n])) {
			err = -EINVAL;
			goto free;
		}
		if (!ranges[n].len)
			continue;
		starts[n] = ranges[n].addr;
		ends[n] = ranges[n].addr + ranges[n].len;
		n++;
	}
	sort(ranges, n, sizeof(*ranges), kho_mem_cmp, NULL);
	kho_mem_sweep(starts, ends, n, ranges, kho_merge_mem(ranges, n), visit,
		      arg);
free:
	kvfree(ranges);
	return err;
}
EXPORT_SYMBOL_IF_KUNIT(kho_mem_count_entries);

/**
 * kho_ranges_hold() - does a range of a sorted list hold another?
 * @ranges: sorted, disjoint ranges
 * @nr: number of @ranges
 * @r: the range to look for
 *
 * Return: true if one entry of @ranges holds all of @r, found in O(log @nr).
 */
bool kho_ranges_hold(const struct kho_mem *ranges, size_t nr,
		     const struct kho_mem *r)
{
	u64 start = r->addr, end = r->addr + r->len;
	size_t lo = 0, hi = nr, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (ranges[mid].addr + ranges[mid].len <= start)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < nr && ranges[lo].addr <= start &&
	       ranges[lo].addr + ranges[lo].len >= end;
}

/* Every "mem" entry of the DT, widened to pages, lies in the mem cache. */
static bool kho_cache_covers_dt(const void *fdt, const struct kho_mem *cache,
				size_t nr)
{
	struct kho_mem_iter it = {};
	struct kho_mem pages;
	int i;

	while (kho_mem_iter_next(fdt, &it)) {
		if (it.len % sizeof(pages))
			return false;
		for (i = 0; i < it.len / sizeof(pages); i++) {
			if (!kho_mem_iter_pages(&it, i, &pages) ||
			    (pages.len && !kho_ranges_hold(cache, nr, &pages)))
				return false;
		}
	}
	return true;
}

/**
 * kho_in_check() - is a handover well formed?
 * @fdt: the KHO DT
 * @dt_len: the size /chosen gives it
 * @cache: the mem cache
 * @nr: its number of entries
 * @scratch: the scratch region
 * @is_ram: tells whether a range lies in memory this kernel knows
 *
 * The DT must pass kho_dt_check() within @dt_len and have a "kho-v1" root;
 * each mem cache entry must be whole pages of RAM outside scratch, sorted
 * and not overlapping the one before; and the mem cache must hold every
 * range a "mem" property of the DT names. Runs in O(d + n + m log n) for a
 * DT of d bytes, n cache entries and m "mem" entries: the DT is checked in
 * one pass before anything is looked up in it by name.
 *
 * Return: NULL, or what is wrong, for the log.
 */
const char *kho_in_check(const void *fdt, u64 dt_len,
			 const struct kho_mem *cache, size_t nr,
			 const struct kho_mem *scratch,
			 bool (*is_ram)(u64 addr, u64 len))
{
	const char *why;
	size_t i;

	why = kho_dt_check(fdt, dt_len);
	if (why)
		return why;
	if (fdt_node_check_compatible(fdt, 0, KHO_FDT_COMPATIBLE))
		return "the DT root is not compatible with " KHO_FDT_COMPATIBLE;

	for (i = 0; i < nr; i++) {
		if (!cache[i].len || !PAGE_ALIGNED(cache[i].addr) ||
		    !PAGE_ALIGNED(cache[i].len) ||
		    cache[i].addr + cache[i].len < cache[i].addr)
			return "a mem cache entry is not whole pages";
		if (i && cache[i].addr < cache[i - 1].addr + cache[i - 1].len)
			return "the mem cache is not sorted, or has overlapping entries";
		if (kho_mem_overlaps(&cache[i], scratch))
			return "a mem cache entry lies in the scratch region";
		if (!is_ram(cache[i].addr, cache[i].len))
			return "a mem cache entry lies outside the RAM this kernel maps";
	}
	if (!kho_cache_covers_dt(fdt, cache, nr))
		return "the DT names memory the mem cache does not";
	return NULL;
}
EXPORT_SYMBOL_IF_KUNIT(kho_in_check);
