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

/* Visit every "mem" property; stop at the first callback that fails. */
static int kho_for_each_mem_prop(const void *fdt,
				 int (*fn)(const void *fdt, int node,
					   const void *prop, int len,
					   void *arg),
				 void *arg)
{
	int node, depth = 0, len, err;
	const void *prop;

	for (node = 0; node >= 0 && depth >= 0;
	     node = fdt_next_node(fdt, node, &depth)) {
		prop = fdt_getprop(fdt, node, KHO_MEM_PROP, &len);
		if (!prop)
			continue;
		err = fn(fdt, node, prop, len, arg);
		if (err)
			return err;
	}
	return 0;
}

static int kho_count_mem(const void *fdt, int node, const void *prop, int len,
			 void *arg)
{
	size_t *count = arg;

	if (len % sizeof(struct kho_mem)) {
		pr_err("node '%s': mem property of %d bytes is not a whole number of entries\n",
		       fdt_get_name(fdt, node, NULL), len);
		return -EINVAL;
	}
	*count += len / sizeof(struct kho_mem);
	return 0;
}

struct kho_mem_collector {
	struct kho_mem *cache;
	size_t nr;
	phys_addr_t scratch_start;
	phys_addr_t scratch_end;
};

/* Widen each entry to whole pages; refuse one that wraps or touches scratch. */
static int kho_collect_mem(const void *fdt, int node, const void *prop,
			   int len, void *arg)
{
	struct kho_mem_collector *c = arg;
	struct kho_mem mem;
	u64 start, end;
	int i;

	for (i = 0; i < len / sizeof(mem); i++) {
		/* Properties are only 4-byte aligned. */
		memcpy(&mem, prop + i * sizeof(mem), sizeof(mem));
		if (!mem.len)
			continue;
		if (mem.addr + mem.len < mem.addr ||
		    mem.addr + mem.len > PAGE_ALIGN_DOWN(U64_MAX)) {
			pr_err("node '%s': mem entry %d wraps around\n",
			       fdt_get_name(fdt, node, NULL), i);
			return -EINVAL;
		}
		start = PAGE_ALIGN_DOWN(mem.addr);
		end = PAGE_ALIGN(mem.addr + mem.len);
		if (start < c->scratch_end && end > c->scratch_start) {
			pr_err("node '%s': mem entry %d [%#llx-%#llx) overlaps the scratch region\n",
			       fdt_get_name(fdt, node, NULL), i, mem.addr,
			       mem.addr + mem.len);
			return -EINVAL;
		}
		c->cache[c->nr].addr = start;
		c->cache[c->nr].len = end - start;
		c->nr++;
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
		.scratch_start = scratch_base,
		.scratch_end = scratch_base + scratch_size,
	};
	size_t count = 0;
	int err;

	*cachep = NULL;
	*nrp = 0;
	err = kho_for_each_mem_prop(fdt, kho_count_mem, &count);
	if (err || !count)
		return err;

	c.cache = kvmalloc_array(count, sizeof(*c.cache),
				 GFP_KERNEL | __GFP_RETRY_MAYFAIL | __GFP_NOWARN);
	if (!c.cache) {
		pr_err("no memory for a mem cache of %zu entries\n", count);
		return -ENOMEM;
	}

	err = kho_for_each_mem_prop(fdt, kho_collect_mem, &c);
	if (err) {
		kvfree(c.cache);
		return err;
	}

	sort(c.cache, c.nr, sizeof(*c.cache), kho_mem_cmp, NULL);
	*nrp = kho_merge_mem(c.cache, c.nr);
	*cachep = c.cache;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(kho_mem_cache_build);
