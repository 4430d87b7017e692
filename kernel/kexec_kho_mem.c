// SPDX-License-Identifier: GPL-2.0
/*
 * Kexec HandOver: the mem cache, the flat list of every range of memory the
 * KHO DT names in "mem" properties. The next kernel reserves these ranges
 * before it allocates anything outside the scratch region, so the list is
 * kept short: widened to whole pages, sorted by address, with overlapping
 * and adjacent ranges merged.
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
