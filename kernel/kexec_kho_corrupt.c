// SPDX-License-Identifier: GPL-2.0
/*
 * Kexec HandOver, for tests only: /sys/kernel/debug/kho/corrupt damages the
 * handover the next kexec_file_load() image carries, in one chosen way, so
 * that tests can check that the next kernel drops it cleanly. The live DT
 * and mem cache are left alone: the image gets damaged copies.
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
};

static enum kho_corruption kho_corruption;
static void *kho_corrupt_fdt;
static struct kho_mem *kho_corrupt_cache;

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
 * Damage the first memfd node of @fdt: make its size one page more than its
 * runs, or move its shortest run onto another of its runs (they still add
 * up to the size, but name pages that are not handed over to each alone).
 */
static int kho_corrupt_memfd(void *fdt)
{
	int node, err, len, i, shortest = 0;
	struct kho_mem *run;
	const void *prop;
	u64 size;

	node = fdt_node_offset_by_compatible(fdt, 0, "kho-memfd-v1");
	if (node < 0) {
		pr_warn("corrupt: the DT has no memfd node\n");
		return -ENOENT;
	}
	if (kho_corruption == KHO_CORRUPT_MEMFD_SHARED) {
		run = fdt_getprop_w(fdt, node, KHO_MEM_PROP, &len);
		len = run ? len / sizeof(*run) : 0;
		if (len < 2) {
			pr_warn("corrupt: the first memfd node has fewer than two runs\n");
			return -ENOENT;
		}
		for (i = 1; i < len; i++)
			if (get_unaligned(&run[i].len) <
			    get_unaligned(&run[shortest].len))
				shortest = i;
		put_unaligned(get_unaligned(&run[!shortest].addr),
			      &run[shortest].addr);
		return 0;
	}
	prop = fdt_getprop(fdt, node, "size", NULL);
	if (!prop)
		return -ENOENT;
	size = get_unaligned((const u64 *)prop) + PAGE_SIZE;
	err = fdt_setprop_inplace(fdt, node, "size", &size, sizeof(size));
	return err ? kho_fdt_errno(err) : 0;
}

/* Damage a copy of the DT. */
static int kho_corrupt_dt(struct kho_segments *seg)
{
	char *compatible;
	int len, err = 0;

	kho_corrupt_fdt = kvmemdup(seg->fdt, seg->fdt_len, GFP_KERNEL);
	if (!kho_corrupt_fdt)
		return -ENOMEM;

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
		err = kho_corrupt_memfd(kho_corrupt_fdt);
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

/* Put @mem in its place in the sorted @c of *@nr entries, with room for it. */
static void kho_corrupt_insert(struct kho_mem *c, size_t *nr,
			       const struct kho_mem *mem)
{
	size_t i;

	for (i = *nr; i && c[i - 1].addr > mem->addr; i--)
		c[i] = c[i - 1];
	c[i] = *mem;
	(*nr)++;
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
 * Pages at the top of RAM, outside the scratch region, the mem cache and
 * what firmware reserved, that the DT does not name: the next kernel
 * reserves them from the cache and must free them.
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

/* Damage a copy of the mem cache, one entry larger for an extra range. */
static int kho_corrupt_mem_cache(struct kho_segments *seg, phys_addr_t scratch)
{
	size_t nr = seg->cache_len / sizeof(struct kho_mem);
	struct kho_mem *c, extra;
	int err = 0;

	if (nr < 2) {
		pr_warn("corrupt: the mem cache has fewer than 2 entries\n");
		return -EINVAL;
	}
	c = kvcalloc(nr + 1, sizeof(*c), GFP_KERNEL);
	if (!c)
		return -ENOMEM;
	memcpy(c, seg->cache, seg->cache_len);
	kho_corrupt_cache = c;

	switch (kho_corruption) {
	case KHO_CORRUPT_OUTSIDE_RAM:
		c[nr].addr = 1ULL << 46;
		c[nr].len = PAGE_SIZE;
		nr++;
		break;
	case KHO_CORRUPT_UNSORTED:
		swap(c[0], c[1]);
		break;
	case KHO_CORRUPT_OVERLAP:
		c[1].addr = c[0].addr;
		break;
	case KHO_CORRUPT_IN_SCRATCH:
		/* One page of scratch, in its place among the others. */
		extra = (struct kho_mem){ scratch, PAGE_SIZE };
		kho_corrupt_insert(c, &nr, &extra);
		break;
	case KHO_CORRUPT_NOMAP:
		err = kho_corrupt_find_nomap(&extra);
		if (!err)
			kho_corrupt_insert(c, &nr, &extra);
		break;
	case KHO_CORRUPT_UNNAMED:
		err = kho_corrupt_find_unnamed(c, nr, scratch, &extra);
		if (!err)
			kho_corrupt_insert(c, &nr, &extra);
		break;
	default:
		nr--;
		break;
	}
	if (err)
		return err;
	seg->cache = c;
	seg->cache_len = nr * sizeof(*c);
	return 0;
}

/**
 * kho_corrupt_segments() - damage what a kexec image is about to carry
 * @seg: the DT and mem cache to load; may be pointed at damaged copies
 * @scratch: base of the scratch region
 *
 * Return: 0, or an error that fails the load.
 */
int kho_corrupt_segments(struct kho_segments *seg, phys_addr_t scratch)
{
	kvfree(kho_corrupt_fdt);
	kho_corrupt_fdt = NULL;
	kvfree(kho_corrupt_cache);
	kho_corrupt_cache = NULL;

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
		return kho_corrupt_dt(seg);
	default:
		return kho_corrupt_mem_cache(seg, scratch);
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

	debugfs_create_file("corrupt", 0600, dir, NULL, &kho_corrupt_fops);
	return 0;
}
late_initcall(kho_corrupt_init);
