// SPDX-License-Identifier: GPL-2.0
/*
 * Kexec HandOver, for tests only: /sys/kernel/debug/kho/corrupt damages the
 * handover the next kexec_file_load() image carries, in one chosen way, so
 * that tests can check that the next kernel drops it cleanly. The live DT
 * and tracker are left alone: the image gets a damaged copy of the DT,
 * which may point to a damaged copy of the tracker.
 */

#define pr_fmt(fmt) "kho: " fmt

#include <linux/debugfs.h>
#include <linux/init.h>
#include <linux/kexec_handover.h>
#include <linux/libfdt.h>
#include <linux/memblock.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/unaligned.h>

#include "kexec_kho_internal.h"

enum kho_corruption {
	KHO_CORRUPT_NONE,
	KHO_CORRUPT_BAD_HEADER,
	KHO_CORRUPT_COMPATIBLE,
	KHO_CORRUPT_TOTALSIZE,
	KHO_CORRUPT_OUTSIDE_RAM,
	KHO_CORRUPT_UNSORTED,
	KHO_CORRUPT_OVERLAP,
	KHO_CORRUPT_IN_SCRATCH,
	KHO_CORRUPT_TRUNCATED,
	KHO_CORRUPT_NOMAP,
	KHO_CORRUPT_UNNAMED,
	KHO_CORRUPT_RMEM_NOSTART,
	KHO_CORRUPT_RMEM_SIZE,
	KHO_CORRUPT_MEMFD_SIZE,
	KHO_CORRUPT_MEMFD_SHARED,
	KHO_CORRUPT_MEMFD_MAP,
	KHO_CORRUPT_ALL_RAM,
};

static const char * const kho_corruption_names[] = {
	[KHO_CORRUPT_NONE] = "none",
	[KHO_CORRUPT_BAD_HEADER] = "bad_header",
	[KHO_CORRUPT_COMPATIBLE] = "compatible",
	[KHO_CORRUPT_TOTALSIZE] = "totalsize",
	[KHO_CORRUPT_OUTSIDE_RAM] = "outside_ram",
	[KHO_CORRUPT_UNSORTED] = "unsorted",
	[KHO_CORRUPT_OVERLAP] = "overlap",
	[KHO_CORRUPT_IN_SCRATCH] = "in_scratch",
	[KHO_CORRUPT_TRUNCATED] = "truncated",
	[KHO_CORRUPT_NOMAP] = "nomap",
	[KHO_CORRUPT_UNNAMED] = "unnamed",
	[KHO_CORRUPT_RMEM_NOSTART] = "rmem_nostart",
	[KHO_CORRUPT_RMEM_SIZE] = "rmem_size",
	[KHO_CORRUPT_MEMFD_SIZE] = "memfd_size",
	[KHO_CORRUPT_MEMFD_SHARED] = "memfd_shared",
	[KHO_CORRUPT_MEMFD_MAP] = "memfd_map",
	[KHO_CORRUPT_ALL_RAM] = "all_ram",
};

static enum kho_corruption kho_corruption;
static void *kho_corrupt_fdt;
/* Kept until the next load: the next kernel reads it where it is. */
static struct kho_preserved kho_corrupt_tracker;

/*
 * Damage the first reserve_mem node of @fdt: drop its start, or make its
 * size one page more than its mem entry's.
 */
static int kho_corrupt_reserve_mem(void *fdt)
{
	const void *prop;
	int node, err;
	u64 size;

	node = fdt_node_offset_by_compatible(fdt, 0, RESERVE_MEM_KHO_COMPATIBLE);
	if (node < 0) {
		pr_warn("corrupt: the DT has no reserve_mem node\n");
		return -ENOENT;
	}
	if (kho_corruption == KHO_CORRUPT_RMEM_NOSTART) {
		err = fdt_nop_property(fdt, node, "start");
	} else {
		prop = fdt_getprop(fdt, node, "size", NULL);
		if (!prop)
			return -ENOENT;
		size = get_unaligned((const u64 *)prop) + PAGE_SIZE;
		err = fdt_setprop_inplace(fdt, node, "size", &size,
					  sizeof(size));
	}
	return err ? kho_fdt_errno(err) : 0;
}

/*
 * Damage the first memfd node of @fdt: make its size 0, which leaves its
 * folios outside the file; point its file map at the scratch region, which
 * is not handed over; or add a second node, of the next token, with the
 * same file map and no pages of its own: two memfds then name the same
 * folios, and the tracker still preserves what the DT accounts for.
 */
static int kho_corrupt_memfd(void *fdt, size_t room)
{
	static const char * const copied[] = { "size", "seals", "folios", "map" };
	int node, twin, err, len, i;
	const void *prop;
	const u64 none = 0;
	char name[32];
	u64 token, value;

	node = fdt_node_offset_by_compatible(fdt, 0, "kho-memfd-v2");
	if (node < 0) {
		pr_warn("corrupt: the DT has no memfd node\n");
		return -ENOENT;
	}
	if (kho_corruption == KHO_CORRUPT_MEMFD_SIZE) {
		err = fdt_setprop_inplace(fdt, node, "size", &none,
					  sizeof(none));
		return err ? kho_fdt_errno(err) : 0;
	}
	if (kho_corruption == KHO_CORRUPT_MEMFD_MAP) {
		value = kho_out.scratch_base;
		err = fdt_setprop_inplace(fdt, node, "map", &value,
					  sizeof(value));
		return err ? kho_fdt_errno(err) : 0;
	}

	prop = fdt_getprop(fdt, node, "token", &len);
	if (!prop || len != sizeof(token))
		return -ENOENT;
	token = get_unaligned((const u64 *)prop) + 1;
	strscpy(name, fdt_get_name(fdt, node, NULL), sizeof(name));
	err = fdt_open_into(fdt, fdt, room);
	twin = err ?: fdt_add_subnode(fdt, 0, "memfd-twin");
	if (twin < 0)
		return kho_fdt_errno(twin);
	err = fdt_setprop_string(fdt, twin, "compatible", "kho-memfd-v2");
	err = err ?: fdt_setprop(fdt, twin, "token", &token, sizeof(token));
	for (i = 0; !err && i < ARRAY_SIZE(copied); i++) {
		/* Each property added to the twin moves the first node. */
		node = fdt_subnode_offset(fdt, 0, name);
		prop = node < 0 ? NULL : fdt_getprop(fdt, node, copied[i], &len);
		if (!prop || len > sizeof(value))
			return -ENOENT;
		/* Copied out: adding the property moves what follows it. */
		memcpy(&value, prop, len);
		err = fdt_setprop(fdt, twin, copied[i], &value, len);
	}
	err = err ?: fdt_setprop(fdt, twin, KHO_PAGES_PROP, &none,
				 sizeof(none));
	err = err ?: fdt_pack(fdt);
	return err ? kho_fdt_errno(err) : 0;
}

/* Damage a copy of the DT. */
static int kho_corrupt_dt(struct kho_segments *seg)
{
	char *compatible;
	int len, err = 0;
	size_t room;

	/* Room for a memfd node more. */
	room = seg->fdt_len + SZ_4K;
	kho_corrupt_fdt = kvzalloc(room, GFP_KERNEL);
	if (!kho_corrupt_fdt)
		return -ENOMEM;
	memcpy(kho_corrupt_fdt, seg->fdt, seg->fdt_len);

	switch (kho_corruption) {
	case KHO_CORRUPT_BAD_HEADER:
		fdt_set_magic(kho_corrupt_fdt, 0xdeadbeef);
		break;
	case KHO_CORRUPT_COMPATIBLE:
		compatible = fdt_getprop_w(kho_corrupt_fdt, 0, "compatible",
					   &len);
		if (compatible && len > 1)
			compatible[len - 2] = '9';
		break;
	case KHO_CORRUPT_RMEM_NOSTART:
	case KHO_CORRUPT_RMEM_SIZE:
		err = kho_corrupt_reserve_mem(kho_corrupt_fdt);
		break;
	case KHO_CORRUPT_MEMFD_SIZE:
	case KHO_CORRUPT_MEMFD_SHARED:
	case KHO_CORRUPT_MEMFD_MAP:
		err = kho_corrupt_memfd(kho_corrupt_fdt, room);
		seg->fdt_len = fdt_totalsize(kho_corrupt_fdt);
		break;
	default:
		fdt_set_totalsize(kho_corrupt_fdt, seg->fdt_len + PAGE_SIZE);
		break;
	}
	if (err)
		return err;
	seg->fdt = kho_corrupt_fdt;
	return 0;
}

/* Does @mem overlap one of the @nr entries of @c? */
static bool kho_corrupt_overlaps(const struct kho_mem *c, size_t nr,
				 const struct kho_mem *mem)
{
	size_t i;

	for (i = 0; i < nr; i++)
		if (kho_mem_overlaps(&c[i], mem))
			return true;
	return false;
}

/* A page of memory that is not mapped (NOMAP), for the next kernel to refuse. */
static int kho_corrupt_find_nomap(struct kho_mem *mem)
{
	struct memblock_region *r;

	for_each_mem_region(r) {
		if (memblock_is_nomap(r) && r->size >= PAGE_SIZE) {
			mem->addr = PAGE_ALIGN(r->base);
			mem->len = PAGE_SIZE;
			if (mem->addr + PAGE_SIZE <= r->base + r->size)
				return 0;
		}
	}
	pr_warn("corrupt: no NOMAP memory to name\n");
	return -ENOENT;
}

#define KHO_CORRUPT_UNNAMED_PAGES	16

/*
 * Pages at the top of RAM, outside the scratch region, what the DT names
 * and what firmware reserved: a tracker that preserves them preserves
 * memory nobody would claim.
 */
static int kho_corrupt_find_unnamed(const struct kho_mem *c, size_t nr,
				    phys_addr_t scratch, struct kho_mem *mem)
{
	const struct kho_mem region = { scratch, kho_out.scratch_size };
	phys_addr_t len = KHO_CORRUPT_UNNAMED_PAGES * PAGE_SIZE;
	struct memblock_region *r;
	phys_addr_t end;

	for_each_mem_region(r) {
		if (memblock_is_nomap(r))
			continue;
		end = ALIGN_DOWN(r->base + r->size, SZ_64K);
		for (; end >= r->base + len; end -= SZ_64K) {
			*mem = (struct kho_mem){ end - len, len };
			if (!kho_mem_overlaps(mem, &region) &&
			    !kho_corrupt_overlaps(c, nr, mem) &&
			    !memblock_is_region_reserved(mem->addr, mem->len))
				return 0;
		}
	}
	pr_warn("corrupt: no free place for %u unnamed pages\n",
		KHO_CORRUPT_UNNAMED_PAGES);
	return -ENOENT;
}

/* Add to @p the damage the kind asks for before the tracker is sealed. */
static int kho_corrupt_add(struct kho_preserved *p, const struct kho_mem *c,
			   size_t nr, phys_addr_t scratch)
{
	unsigned long pfn = PHYS_PFN(c[0].addr);
	struct kho_mem extra;
	int err;

	switch (kho_corruption) {
	case KHO_CORRUPT_OUTSIDE_RAM:
		return kho_preserved_add(p, PHYS_PFN(1ULL << 46), 0);
	case KHO_CORRUPT_OVERLAP:
		/* One of the two is new and overlaps what is there. */
		return kho_preserved_add(p, pfn, 0) ?:
		       kho_preserved_add(p, pfn & ~1UL, 1);
	case KHO_CORRUPT_IN_SCRATCH:
		return kho_preserved_add(p, PHYS_PFN(scratch), 0);
	case KHO_CORRUPT_NOMAP:
		err = kho_corrupt_find_nomap(&extra);
		return err ?: kho_preserved_add_range(p, &extra);
	case KHO_CORRUPT_UNNAMED:
		err = kho_corrupt_find_unnamed(c, nr, scratch, &extra);
		return err ?: kho_preserved_add_range(p, &extra);
	default:
		return 0;
	}
}

/*
 * A tracker that preserves all the RAM this kernel maps outside the scratch
 * region, and the DT's root accounting for what its nodes do not: sound in
 * every other way, it would leave the next kernel's early boot no memory.
 */
static int kho_corrupt_all_ram(struct kho_preserved *p,
			       const struct kho_mem *c, size_t nr,
			       phys_addr_t scratch)
{
	const struct kho_mem region = { scratch, kho_out.scratch_size };
	struct memblock_region *r;
	struct kho_mem part[2];
	u64 pages = 0, named = 0, tracker, extra;
	size_t i, nr_mem;
	int err;

	for_each_mem_region(r) {
		if (memblock_is_nomap(r))
			continue;
		part[0].addr = PAGE_ALIGN(r->base);
		part[0].len = min_t(u64, region.addr,
				    PAGE_ALIGN_DOWN(r->base + r->size));
		part[1].addr = max_t(u64, part[0].addr,
				     region.addr + region.len);
		part[1].len = PAGE_ALIGN_DOWN(r->base + r->size);
		for (i = 0; i < ARRAY_SIZE(part); i++) {
			if (part[i].len <= part[i].addr)
				continue;
			part[i].len -= part[i].addr;
			err = kho_preserved_add_range(p, &part[i]);
			if (err)
				return err;
			pages += part[i].len >> PAGE_SHIFT;
		}
	}
	/* What its nodes account for, as the next kernel sums it. */
	if (kho_in_check_dt(kho_corrupt_fdt, fdt_totalsize(kho_corrupt_fdt),
			    &tracker, &nr_mem, &extra))
		return -EINVAL;
	for (i = 0; i < nr; i++)
		named += c[i].len >> PAGE_SHIFT;
	pages -= named + extra;
	err = fdt_open_into(kho_corrupt_fdt, kho_corrupt_fdt,
			    fdt_totalsize(kho_corrupt_fdt) + SZ_4K);
	err = err ?: fdt_setprop(kho_corrupt_fdt, 0, KHO_PAGES_PROP, &pages,
				 sizeof(pages));
	return err ? kho_fdt_errno(err) : 0;
}

/*
 * Build a damaged copy of the tracker for the copy of the DT: with a block
 * the DT does not account for, or its list of leaves out of order or
 * longer than a block holds.
 */
static int kho_corrupt_track(struct kho_segments *seg, phys_addr_t scratch)
{
	struct kho_preserved *p = &kho_corrupt_tracker;
	struct kho_tracker_block *block;
	struct kho_mem *c;
	u64 first;
	size_t nr;
	int err;

	/* Room for a property more. */
	kho_corrupt_fdt = kvzalloc(seg->fdt_len + SZ_4K, GFP_KERNEL);
	if (!kho_corrupt_fdt)
		return -ENOMEM;
	memcpy(kho_corrupt_fdt, seg->fdt, seg->fdt_len);
	err = kho_mem_cache_build(seg->fdt, scratch, kho_out.scratch_size, &c,
				  &nr);
	if (err)
		return err;
	if (!nr) {
		pr_warn("corrupt: the DT hands over no memory\n");
		return -ENOENT;
	}
	kho_preserved_init(p);
	if (kho_corruption == KHO_CORRUPT_ALL_RAM)
		err = kho_corrupt_all_ram(p, c, nr, scratch);
	else
		err = kho_preserved_clone(p, &kho_out.preserved) ?:
		      kho_corrupt_add(p, c, nr, scratch);
	err = err ?: kho_preserved_seal(p);
	kvfree(c);
	if (err)
		return err;

	block = phys_to_virt(p->first);
	if (kho_corruption == KHO_CORRUPT_UNSORTED) {
		if (block->nr < 2) {
			pr_warn("corrupt: the tracker has fewer than two leaves\n");
			return -ENOENT;
		}
		swap(block->leaf[0], block->leaf[1]);
	} else if (kho_corruption == KHO_CORRUPT_TRUNCATED) {
		block->nr = KHO_TRACKER_LEAVES + 1;
	}
	first = p->first;
	err = fdt_setprop_inplace(kho_corrupt_fdt, 0, KHO_TRACKER_PROP, &first,
				  sizeof(first));
	if (err)
		return kho_fdt_errno(err);
	seg->fdt = kho_corrupt_fdt;
	seg->fdt_len = fdt_totalsize(kho_corrupt_fdt);
	return 0;
}

/**
 * kho_corrupt_segments() - damage what a kexec image is about to carry
 * @seg: the DT to load; may be pointed at a damaged copy
 * @scratch: base of the scratch region
 *
 * Return: 0, or an error that fails the load.
 */
int kho_corrupt_segments(struct kho_segments *seg, phys_addr_t scratch)
{
	kvfree(kho_corrupt_fdt);
	kho_corrupt_fdt = NULL;
	kho_preserved_destroy(&kho_corrupt_tracker);

	switch (kho_corruption) {
	case KHO_CORRUPT_NONE:
		return 0;
	case KHO_CORRUPT_BAD_HEADER:
	case KHO_CORRUPT_COMPATIBLE:
	case KHO_CORRUPT_TOTALSIZE:
	case KHO_CORRUPT_RMEM_NOSTART:
	case KHO_CORRUPT_RMEM_SIZE:
	case KHO_CORRUPT_MEMFD_SIZE:
	case KHO_CORRUPT_MEMFD_SHARED:
	case KHO_CORRUPT_MEMFD_MAP:
		return kho_corrupt_dt(seg);
	default:
		return kho_corrupt_track(seg, scratch);
	}
}

static ssize_t kho_corrupt_read(struct file *file, char __user *ubuf,
				size_t count, loff_t *pos)
{
	const char *name = kho_corruption_names[kho_corruption];
	char buf[32];
	int len;

	len = scnprintf(buf, sizeof(buf), "%s\n", name);
	return simple_read_from_buffer(ubuf, count, pos, buf, len);
}

static ssize_t kho_corrupt_write(struct file *file, const char __user *ubuf,
				 size_t count, loff_t *pos)
{
	char buf[32];
	int kind;

	if (count >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	buf[count] = '\0';

	kind = sysfs_match_string(kho_corruption_names, buf);
	if (kind < 0)
		return kind;
	kho_corruption = kind;
	return count;
}

static const struct file_operations kho_corrupt_fops = {
	.read = kho_corrupt_read,
	.write = kho_corrupt_write,
	.llseek = default_llseek,
};

static int __init kho_corrupt_init(void)
{
	struct dentry *dir = debugfs_create_dir("kho", NULL);

	kho_preserved_init(&kho_corrupt_tracker);
	debugfs_create_file("corrupt", 0600, dir, NULL, &kho_corrupt_fops);
	return 0;
}
late_initcall(kho_corrupt_init);
