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
 * the cache covers the DT, and its count of who uses each page; the checks
 * of the tracker the DT points to, and of a memfd's file map against it.
 * None of it needs more of the kernel than libfdt and an allocator, and
 * tools/testing/kho/fuzz builds this file for the host as it is.
 */

#define pr_fmt(fmt) "kho: " fmt

#include <linux/kexec_handover.h>
#include <linux/libfdt.h>
#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/sched.h>
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

/* Values of the scratch space kho_sort_u64() needs besides its input. */
#define KHO_SORT_SPACE(n)	((n) + 256)

/*
 * Sort @n values in O(n), whatever they are: a radix sort by bytes, least
 * significant first, that skips the bytes all values share (the low 12 and
 * the high bits of physical addresses). A memfd of small pages hands over
 * millions of folios, whose comparison sort would take seconds of the
 * next kernel's boot. @space holds KHO_SORT_SPACE(@n) values.
 */
static void kho_sort_u64(u64 *values, size_t n, u64 *space)
{
	u64 *from = values, *to = space, *count = space + n, *sorted;
	u64 diff = 0, c, sum;
	unsigned int shift, digit;
	size_t i;

	for (i = 1; i < n; i++)
		diff |= values[i] ^ values[0];
	for (shift = 0; shift < 64; shift += 8) {
		if (!((diff >> shift) & 0xff))
			continue;
		memset(count, 0, 256 * sizeof(*count));
		for (i = 0; i < n; i++)
			count[(from[i] >> shift) & 0xff]++;
		for (sum = 0, digit = 0; digit < 256; digit++) {
			c = count[digit];
			count[digit] = sum;
			sum += c;
		}
		for (i = 0; i < n; i++)
			to[count[(from[i] >> shift) & 0xff]++] = from[i];
		sorted = to;
		to = from;
		from = sorted;
	}
	if (from != values)
		memcpy(values, from, n * sizeof(*values));
}

/*
 * Entries [a, b) with their starts and ends, sorted here with @space of
 * KHO_SORT_SPACE(@n) values, swept over @ranges: @visit is called for each
 * longest run whose pages the same number of entries name.
 */
static void kho_mem_sweep(u64 *starts, u64 *ends, size_t n, u64 *space,
			  const struct kho_mem *ranges, size_t nr,
			  void (*visit)(const struct kho_mem *run,
					unsigned long users, void *arg),
			  void *arg)
{
	size_t s = 0, e = 0, i;
	struct kho_mem run;
	u64 end;

	kho_sort_u64(starts, n, space);
	kho_sort_u64(ends, n, space);
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
 * @extra: more entries, named outside the DT (a memfd's folios); may be NULL
 * @nr_extra: number of @extra
 * @ranges: sorted, disjoint ranges
 * @nr: number of @ranges
 * @visit: called, in address order, for each longest run of @ranges whose
 *	   pages the same number of entries name (0 for pages none names)
 * @arg: passed to @visit
 *
 * Sweeps over the sorted starts and ends of the entries, widened to pages,
 * instead of walking the pages of each entry: many entries naming one large
 * range cost no more than one. Runs in O(n + m) for n entries and m ranges
 * (the starts and ends are radix-sorted), and calls @visit at most 2n + m
 * times.
 *
 * Return: 0; -EINVAL for an entry that wraps around the address space;
 * -ENOMEM.
 */
int kho_mem_count_users(const void *fdt, const struct kho_mem *extra,
			size_t nr_extra, const struct kho_mem *ranges,
			size_t nr,
			void (*visit)(const struct kho_mem *run,
				      unsigned long users, void *arg),
			void *arg)
{
	struct kho_mem_iter it = {};
	size_t count = nr_extra, n = 0, i;
	struct kho_mem pages;
	u64 *starts, *ends;
	int j, err = 0;

	while (kho_mem_iter_next(fdt, &it))
		count += it.len / sizeof(pages);
	starts = kvmalloc_array(2 * count + KHO_SORT_SPACE(count),
				sizeof(*starts), GFP_KERNEL);
	if (!starts)
		return -ENOMEM;
	ends = starts + count;

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
	for (i = 0; i < nr_extra; i++) {
		if (!kho_mem_pages(&extra[i], &pages)) {
			err = -EINVAL;
			goto free;
		}
		if (!pages.len)
			continue;
		starts[n] = pages.addr;
		ends[n++] = pages.addr + pages.len;
	}
	kho_mem_sweep(starts, ends, n, ends + count, ranges, nr, visit, arg);
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
	u64 *starts, *ends, *space;
	int err = 0;

	ranges = kvmalloc_array(nr ?: 1, sizeof(*ranges) + 2 * sizeof(*starts),
				GFP_KERNEL);
	space = kvmalloc_array(KHO_SORT_SPACE(nr), sizeof(*space), GFP_KERNEL);
	if (!ranges || !space) {
		err = -ENOMEM;
		goto free;
	}
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
	kho_mem_sweep(starts, ends, n, space, ranges, kho_merge_mem(ranges, n),
		      visit, arg);
free:
	kvfree(space);
	kvfree(ranges);
	return err;
}
EXPORT_SYMBOL_IF_KUNIT(kho_mem_count_entries);

/* The first of the sorted, disjoint @ranges that ends after @addr. */
static size_t kho_ranges_find(const struct kho_mem *ranges, size_t nr,
			      u64 addr)
{
	size_t lo = 0, hi = nr, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (ranges[mid].addr + ranges[mid].len <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/**
 * kho_ranges_overlap() - does a range of a sorted list share a byte with another?
 * @ranges: sorted, disjoint ranges
 * @nr: number of @ranges
 * @r: the range to look for
 *
 * Return: true if an entry of @ranges overlaps @r, found in O(log @nr).
 */
bool kho_ranges_overlap(const struct kho_mem *ranges, size_t nr,
			const struct kho_mem *r)
{
	size_t i = kho_ranges_find(ranges, nr, r->addr);

	return i < nr && kho_mem_overlaps(&ranges[i], r);
}
EXPORT_SYMBOL_IF_KUNIT(kho_ranges_overlap);

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
	size_t i = kho_ranges_find(ranges, nr, r->addr);

	return i < nr && ranges[i].addr <= r->addr &&
	       ranges[i].addr + ranges[i].len >= r->addr + r->len;
}

/* Frames past this would overflow a physical address of 52 bits. */
#define KHO_TRACKER_PFN_LIMIT	(1ULL << (52 - PAGE_SHIFT))

/* Is @phys a whole page of RAM outside @scratch? */
static bool kho_tracker_page_ok(u64 phys, const struct kho_mem *scratch,
				bool (*is_ram)(u64 addr, u64 len))
{
	const struct kho_mem page = { phys, PAGE_SIZE };

	return phys && PAGE_ALIGNED(phys) && !kho_mem_overlaps(&page, scratch) &&
	       is_ram(phys, PAGE_SIZE);
}

/* Does leaf @b come after leaf @a, as the format wants? */
static bool kho_tracker_leaf_after(const struct kho_tracker_leaf *a,
				   const struct kho_tracker_leaf *b)
{
	return b->order > a->order ||
	       (b->order == a->order && b->first_pfn > a->first_pfn);
}

/**
 * kho_tracker_check() - is a tracker's structure sound?
 * @phys: physical address of its first block, 0 for an empty tracker
 * @scratch: the scratch region
 * @is_ram: tells whether a range lies in memory this kernel maps
 * @nr_pages: set to the number of pages the tracker itself takes
 *
 * Each block and each page of bits must be a page of RAM outside scratch;
 * each block must have a good header and hold at least one leaf; the
 * leaves must be strictly sorted by order, then by first frame, across
 * all blocks, which also refuses a list of blocks that loops. The bits are
 * not read: kho_tracker_next() checks what they say. Runs in time linear
 * in the number of leaves.
 *
 * Return: NULL, or what is wrong, for the log.
 */
const char *kho_tracker_check(u64 phys, const struct kho_mem *scratch,
			      bool (*is_ram)(u64 addr, u64 len),
			      size_t *nr_pages)
{
	const struct kho_tracker_leaf *leaf, *prev = NULL;
	const struct kho_tracker_block *block;
	size_t pages = 0;
	unsigned int i;

	for (; phys; phys = block->next) {
		if (!kho_tracker_page_ok(phys, scratch, is_ram))
			return "a tracker block is not a page of RAM outside scratch";
		block = phys_to_virt(phys);
		if (block->magic != KHO_TRACKER_MAGIC || block->reserved)
			return "a tracker block has a bad header";
		if (block->page_shift != PAGE_SHIFT)
			return "the tracker was written by a kernel with another page size";
		if (!block->nr || block->nr > KHO_TRACKER_LEAVES)
			return "a tracker block holds no leaf, or more than fit";
		pages++;
		for (i = 0; i < block->nr; i++) {
			leaf = &block->leaf[i];
			if (leaf->order > KHO_TRACKER_MAX_ORDER || leaf->reserved ||
			    leaf->first_pfn >= KHO_TRACKER_PFN_LIMIT ||
			    leaf->first_pfn %
			    ((u64)KHO_TRACKER_LEAF_BITS << leaf->order))
				return "a tracker leaf has a bad order or first page";
			if (prev && !kho_tracker_leaf_after(prev, leaf))
				return "the tracker's leaves are not sorted";
			if (!kho_tracker_page_ok(leaf->bitmap, scratch, is_ram))
				return "a tracker leaf's bits are not RAM outside scratch";
			prev = leaf;
			pages++;
		}
	}
	*nr_pages = pages;
	return NULL;
}
EXPORT_SYMBOL_IF_KUNIT(kho_tracker_check);

/**
 * kho_tracker_pages() - list the pages a tracker takes
 * @phys: its first block, which kho_tracker_check() accepted
 * @pages: filled with one entry per page, blocks and pages of bits, in
 *	   the order of the list; may be NULL to count them
 *
 * Return: the number of pages.
 */
size_t kho_tracker_pages(u64 phys, struct kho_mem *pages)
{
	const struct kho_tracker_block *block;
	size_t nr = 0;
	unsigned int i;

	for (; phys; phys = block->next) {
		block = phys_to_virt(phys);
		if (pages)
			pages[nr] = (struct kho_mem){ phys, PAGE_SIZE };
		nr++;
		for (i = 0; i < block->nr; i++, nr++)
			if (pages)
				pages[nr] = (struct kho_mem){
					block->leaf[i].bitmap, PAGE_SIZE
				};
	}
	return nr;
}
EXPORT_SYMBOL_IF_KUNIT(kho_tracker_pages);

/* Move @c to its order's next set bit, at or after the current one. */
static void kho_tracker_seek(struct kho_tracker_cursor *c)
{
	const struct kho_tracker_leaf *leaf;
	const u64 *bits;
	u64 word;

	for (;;) {
		if (c->leaf == c->block->nr) {
			if (!c->block->next)
				break;
			c->block = phys_to_virt(c->block->next);
			c->leaf = 0;
		}
		leaf = &c->block->leaf[c->leaf];
		if (leaf->order != c->order)
			break;
		bits = phys_to_virt(leaf->bitmap);
		while (c->bit < KHO_TRACKER_LEAF_BITS) {
			word = bits[c->bit / 64] >> (c->bit % 64);
			if (word) {
				c->bit += __ffs64(word);
				c->bits = bits;
				c->addr = (leaf->first_pfn +
					   ((u64)c->bit << c->order)) << PAGE_SHIFT;
				return;
			}
			c->bit = ALIGN(c->bit + 1, 64);
		}
		c->leaf++;
		c->bit = 0;
	}
	c->addr = U64_MAX;
}

/*
 * The number of set bits from @c's, at a set bit, to the next clear one in
 * its leaf: a stretch of contiguous blocks, taken a word at a time.
 */
static unsigned long kho_tracker_stretch(const struct kho_tracker_cursor *c)
{
	const u64 *bits = c->bits;
	unsigned long bit = c->bit;
	u64 clear;

	while (bit < KHO_TRACKER_LEAF_BITS) {
		/* The bits shifted in from the top read as set: beyond this word. */
		clear = ~bits[bit / 64] >> (bit % 64);
		if (clear)
			return bit + __ffs64(clear) - c->bit;
		bit = ALIGN(bit + 1, 64);
	}
	return bit - c->bit;
}

/**
 * kho_tracker_iter_start() - start a walk over what a tracker preserves
 * @it: the walk
 * @phys: the tracker's first block, which kho_tracker_check() accepted
 */
void kho_tracker_iter_start(struct kho_tracker_iter *it, u64 phys)
{
	const struct kho_tracker_block *block;
	struct kho_tracker_cursor *c;
	unsigned int i;

	memset(it, 0, sizeof(*it));
	for (; phys; phys = block->next) {
		block = phys_to_virt(phys);
		for (i = 0; i < block->nr; i++) {
			/* Sorted: each order's leaves follow one another. */
			if (it->nr && it->cur[it->nr - 1].order ==
			    block->leaf[i].order)
				continue;
			c = &it->cur[it->nr++];
			c->block = block;
			c->leaf = i;
			c->order = block->leaf[i].order;
			kho_tracker_seek(c);
		}
	}
}
EXPORT_SYMBOL_IF_KUNIT(kho_tracker_iter_start);

/**
 * kho_tracker_next() - the next run of pages a tracker preserves
 * @it: the walk, started with kho_tracker_iter_start()
 * @run: set to the run: the longest range of adjacent preserved blocks,
 *	 of any orders
 *
 * Runs come in address order. A block that overlaps the one before, which
 * a sound tracker never has, ends the walk and sets @it->why. Each call
 * costs the blocks of its run times the number of orders in use, plus the
 * words of bits skipped.
 *
 * Return: true if @run was set; false at the end of the walk or on an
 * overlap.
 */
bool kho_tracker_next(struct kho_tracker_iter *it, struct kho_mem *run)
{
	struct kho_tracker_cursor *c, *first;
	unsigned long stretch;
	unsigned int i;
	u64 len;

	while (!it->why) {
		first = NULL;
		for (i = 0; i < it->nr; i++) {
			c = &it->cur[i];
			if (c->addr != U64_MAX && (!first || c->addr < first->addr))
				first = c;
		}
		if (!first)
			break;
		if (it->run.len && first->addr < it->run.addr + it->run.len) {
			it->why = "the tracker preserves a page twice";
			break;
		}
		/* A block of another order inside it is found next, as twice. */
		stretch = kho_tracker_stretch(first);
		len = (u64)stretch * (PAGE_SIZE << first->order);
		if (it->run.len && first->addr != it->run.addr + it->run.len) {
			*run = it->run;
			it->run = (struct kho_mem){ first->addr, len };
			first->bit += stretch;
			kho_tracker_seek(first);
			return true;
		}
		if (!it->run.len)
			it->run.addr = first->addr;
		it->run.len += len;
		first->bit += stretch;
		kho_tracker_seek(first);
	}
	if (it->why || !it->run.len)
		return false;
	*run = it->run;
	it->run.len = 0;
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(kho_tracker_next);

/**
 * kho_tracker_test_near() - does a tracker preserve a block? Ask near the last
 * @leaves: the tracker's leaves, in its order (by order, then first frame)
 * @nr: number of @leaves
 * @pfn: the frame of the block's first page
 * @order: its order
 * @hint: index of the leaf to look at first (any value, @nr for none); set
 *	  to that of the leaf that covers the block, if one does
 *
 * A file map lists folios that mostly share a leaf with the folio before:
 * with the previous answer's @hint, most of them cost O(1).
 *
 * Return: true if the bit of the block of 2^@order pages at @pfn is set,
 * found in O(1) in @hint's leaf, else in O(log @nr).
 */
bool kho_tracker_test_near(const struct kho_tracker_leaf *const *leaves,
			   size_t nr, u64 pfn, unsigned int order,
			   size_t *hint)
{
	u64 span = (u64)KHO_TRACKER_LEAF_BITS << order;
	u64 first = pfn - pfn % span;
	size_t lo = *hint, hi = nr, mid;
	const u64 *bits;
	u64 bit;

	if (order > KHO_TRACKER_MAX_ORDER || pfn % (1ULL << order))
		return false;
	if (lo >= nr || leaves[lo]->order != order ||
	    leaves[lo]->first_pfn != first) {
		lo = 0;
		while (lo < hi) {
			mid = lo + (hi - lo) / 2;
			if (leaves[mid]->order < order ||
			    (leaves[mid]->order == order &&
			     leaves[mid]->first_pfn < first))
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo == nr || leaves[lo]->order != order ||
		    leaves[lo]->first_pfn != first)
			return false;
		*hint = lo;
	}
	bits = phys_to_virt(leaves[lo]->bitmap);
	bit = (pfn - first) >> order;
	return bits[bit / 64] & (1ULL << (bit % 64));
}

/**
 * kho_tracker_test() - does a tracker preserve a block?
 * @leaves: the tracker's leaves, in its order (by order, then first frame)
 * @nr: number of @leaves
 * @pfn: the frame of the block's first page
 * @order: its order
 *
 * Return: true if the bit of the block of 2^@order pages at @pfn is set,
 * found in O(log @nr).
 */
bool kho_tracker_test(const struct kho_tracker_leaf *const *leaves,
		      size_t nr, u64 pfn, unsigned int order)
{
	size_t hint = nr;

	return kho_tracker_test_near(leaves, nr, pfn, order, &hint);
}
EXPORT_SYMBOL_IF_KUNIT(kho_tracker_test);

/**
 * kho_file_map_check() - is a memfd's file map sound?
 * @map: physical address of the first page of the file map, 0 for none
 * @nr_folios: the number of folios the memfd's node says the map lists
 * @size: the file's size in bytes
 * @huge_order: the order of every folio of a hugetlb memfd, 0 for shmem
 * @holds: tells whether the previous kernel preserved the 2^@order pages
 *	   at @phys as one block of that order (kho_tracker_holds())
 * @extra: filled, in the map's order, with each page of the map followed
 *	   by its folios; may be NULL to count them
 * @why: set to what is wrong, for the log, if the map is not sound; left
 *	 alone otherwise
 *
 * Each page of the map must be preserved as a page of its own and list 1
 * to KHO_MEMFD_MAP_FOLIOS folios, no more in all than @nr_folios, and
 * exactly as many by the last page. Each folio must be preserved as such,
 * at its order: @huge_order, or at most MAX_PAGECACHE_ORDER for a memfd
 * of shmem; its index must be a multiple
 * of its size and below the end of the file; the folios must come in
 * strictly increasing file order, without overlap, across all pages. A
 * map whose pages loop lists a folio again, out of order: the check ends
 * there. A page of the map is read only once @holds accepted it. The work
 * is linear: one call of @holds and one phys_to_virt() per page of the
 * map read, one call of @holds per folio.
 *
 * Return: the number of entries listed in @extra (or that would be), 0
 * with *@why set if the map is not sound.
 */
size_t kho_file_map_check(u64 map, u64 nr_folios, u64 size,
			  unsigned int huge_order,
			  bool (*holds)(phys_addr_t phys, unsigned int order),
			  struct kho_mem *extra, const char **why)
{
	/* Rounded up without the overflow of DIV_ROUND_UP() near 2^64. */
	u64 pages = size / PAGE_SIZE + !!(size % PAGE_SIZE);
	const struct kho_memfd_folio *f;
	const struct kho_memfd_map *page;
	u64 phys, next = 0, seen = 0, i;
	unsigned int order;
	phys_addr_t addr;
	size_t nr = 0;

	for (phys = map; phys; phys = page->next) {
		if (!PAGE_ALIGNED(phys) || !holds(phys, 0)) {
			*why = "a page of its file map is not handed over";
			return 0;
		}
		page = phys_to_virt(phys);
		if (!page->nr || page->nr > KHO_MEMFD_MAP_FOLIOS ||
		    page->nr > nr_folios - seen) {
			*why = "its file map lists more folios than it says, or a page of none";
			return 0;
		}
		if (extra)
			extra[nr] = (struct kho_mem){ phys, PAGE_SIZE };
		nr++;
		for (i = 0; i < page->nr; i++) {
			f = &page->folio[i];
			addr = kho_memfd_folio(f, &order);
			if ((huge_order ? order != huge_order :
					  order > MAX_PAGECACHE_ORDER) ||
			    f->index < next || f->index % (1ULL << order) ||
			    f->index >= pages) {
				*why = "its folios are not in file order within its size";
				return 0;
			}
			if (!holds(addr, order)) {
				*why = "a folio is not handed over as such";
				return 0;
			}
			next = f->index + (1ULL << order);
			if (extra)
				extra[nr] = (struct kho_mem){
					addr, PAGE_SIZE << order
				};
			nr++;
		}
		seen += page->nr;
		cond_resched();
	}
	if (seen != nr_folios) {
		*why = "its file map lists fewer folios than it says";
		return 0;
	}
	return nr;
}
EXPORT_SYMBOL_IF_KUNIT(kho_file_map_check);

/**
 * kho_in_check_dt() - is a handed-over DT well formed?
 * @fdt: the KHO DT
 * @dt_len: the size /chosen gives it
 * @tracker: set to the physical address of its tracker, 0 for none
 * @nr_mem: set to the number of "mem" entries it holds
 * @extra: set to the sum of its nodes' KHO_PAGES_PROP: the pages the
 *	   tracker preserves that no "mem" entry names
 *
 * The DT must pass kho_dt_check() within @dt_len, have a "kho-v1" root
 * whose KHO_TRACKER_PROP is one u64, only "mem" properties of whole
 * entries and KHO_PAGES_PROP properties of one u64 that add up without
 * overflow. Runs in time linear in the size of the DT.
 *
 * Return: NULL, or what is wrong, for the log.
 */
const char *kho_in_check_dt(const void *fdt, u64 dt_len, u64 *tracker,
			    size_t *nr_mem, u64 *extra)
{
	struct kho_mem_iter it = {};
	int len, node, depth = 0;
	const void *prop;
	const char *why;
	u64 pages;

	why = kho_dt_check(fdt, dt_len);
	if (why)
		return why;
	if (fdt_node_check_compatible(fdt, 0, KHO_FDT_COMPATIBLE))
		return "the DT root is not compatible with " KHO_FDT_COMPATIBLE;
	prop = fdt_getprop(fdt, 0, KHO_TRACKER_PROP, &len);
	if (!prop || len != sizeof(*tracker))
		return "the DT root has no " KHO_TRACKER_PROP " of 8 bytes (another format?)";
	memcpy(tracker, prop, sizeof(*tracker));

	*nr_mem = 0;
	while (kho_mem_iter_next(fdt, &it)) {
		if (it.len % sizeof(struct kho_mem))
			return "a mem property is not a whole number of entries";
		*nr_mem += it.len / sizeof(struct kho_mem);
	}

	*extra = 0;
	for (node = 0; node >= 0; node = fdt_next_node(fdt, node, &depth)) {
		prop = fdt_getprop(fdt, node, KHO_PAGES_PROP, &len);
		if (!prop)
			continue;
		if (len != sizeof(pages))
			return "a " KHO_PAGES_PROP " property is not one u64";
		memcpy(&pages, prop, sizeof(pages));
		if (pages > U64_MAX - *extra)
			return "the " KHO_PAGES_PROP " properties add up past 2^64";
		*extra += pages;
	}
	return NULL;
}
EXPORT_SYMBOL_IF_KUNIT(kho_in_check_dt);

/* Too large for an early boot stack; the check runs once, in early boot. */
static struct kho_tracker_iter kho_tracker_check_iter;

/**
 * kho_in_check_tracker() - does a tracker preserve what its DT names?
 * @fdt: a KHO DT that kho_in_check_dt() accepted
 * @tracker: its tracker
 * @scratch: the scratch region
 * @is_ram: tells whether a range lies in memory this kernel maps
 * @named: room for as many entries as kho_in_check_dt() counted
 * @extra: the pages kho_in_check_dt() found the DT's nodes account for
 *	   outside "mem" entries
 *
 * The tracker must be sound (kho_tracker_check()), preserve only RAM
 * outside scratch, preserve every page the "mem" entries of the DT name,
 * and as many more as @extra: not one page more, which nobody would
 * claim, nor less. What the extra pages are (a memfd's folios) is checked
 * once the kernel runs, by their owners. @named is left holding the pages
 * the DT names, sorted and merged. Runs in O(n log n + t) for n entries
 * and a tracker of t words.
 *
 * Return: NULL, or what is wrong, for the log.
 */
const char *kho_in_check_tracker(const void *fdt, u64 tracker,
				 const struct kho_mem *scratch,
				 bool (*is_ram)(u64 addr, u64 len),
				 struct kho_mem *named, u64 extra)
{
	struct kho_tracker_iter *it = &kho_tracker_check_iter;
	u64 preserved = 0, in_dt = 0;
	struct kho_mem_iter mi = {};
	size_t nr = 0, i = 0, pages;
	struct kho_mem run;
	const char *why;
	int j;

	why = kho_tracker_check(tracker, scratch, is_ram, &pages);
	if (why)
		return why;

	while (kho_mem_iter_next(fdt, &mi)) {
		for (j = 0; j < mi.len / sizeof(run); j++) {
			if (!kho_mem_iter_pages(&mi, j, &named[nr]))
				return "a mem entry wraps around";
			if (named[nr].len)
				nr++;
		}
	}
	sort(named, nr, sizeof(*named), kho_mem_cmp, NULL);
	nr = kho_merge_mem(named, nr);

	kho_tracker_iter_start(it, tracker);
	while (kho_tracker_next(it, &run)) {
		if (kho_mem_overlaps(&run, scratch))
			return "the tracker preserves pages of the scratch region";
		if (!is_ram(run.addr, run.len))
			return "the tracker preserves pages outside the RAM this kernel maps";
		preserved += run.len >> PAGE_SHIFT;
		/* The entries that start before this run ends lie in it. */
		for (; i < nr && named[i].addr < run.addr + run.len; i++) {
			if (named[i].addr < run.addr ||
			    named[i].addr + named[i].len > run.addr + run.len)
				return "the DT names memory the tracker does not preserve";
			in_dt += named[i].len >> PAGE_SHIFT;
		}
	}
	if (it->why)
		return it->why;
	if (i != nr)
		return "the DT names memory the tracker does not preserve";
	if (preserved != in_dt + extra)
		return "the tracker preserves other pages than the DT accounts for";
	return NULL;
}
EXPORT_SYMBOL_IF_KUNIT(kho_in_check_tracker);
