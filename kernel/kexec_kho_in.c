// SPDX-License-Identifier: GPL-2.0
/*
 * Kexec HandOver, incoming side: find the handover the previous kernel left
 * in /chosen, check it and its tracker, keep early allocations inside its
 * scratch region until the memory it preserves is reserved, and let
 * drivers take their state and memory back. A handover that fails any
 * check is dropped with one log line, and the kernel boots as if there had
 * been none.
 */

#define pr_fmt(fmt) "kho: " fmt

#include <linux/init.h>
#include <linux/cma.h>
#include <linux/efi.h>
#include <linux/highmem.h>
#include <linux/initrd.h>
#include <linux/io.h>
#include <linux/kexec_handover.h>
#include <linux/kobject.h>
#include <linux/libfdt.h>
#include <linux/memblock.h>
#include <linux/mm.h>
#include <linux/of.h>
#include <linux/of_fdt.h>
#include <linux/page-isolation.h>
#include <linux/pgalloc_tag.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/timex.h>
#include <linux/sysfs.h>
#include <asm/early_ioremap.h>
#include <asm/sections.h>
#include <kunit/visibility.h>

#include "../mm/internal.h"
#include "kexec_kho_internal.h"

/**
 * struct kho_in - the handover this kernel was booted with
 * @dt: where the previous kernel put its copy of the KHO DT
 * @scratch: the scratch region, reused for the next handover
 * @found: /chosen named a handover that passed the early checks
 * @checked: and it lies in the memory this kernel keeps
 * @fdt: the KHO DT, once the handover is accepted (a KHO boot)
 * @tracker: physical address of its tracker's first block
 * @leaves: while the tracker is kept, its leaves in order
 * @nr_leaves: number of @leaves
 * @ranges: the memory handed over, merged: what drivers may claim
 * @nr_ranges: number of entries of @ranges
 * @early: what early boot took, see kho_early_size()
 */
static struct kho_in {
	struct kho_mem dt;
	struct kho_mem scratch;
	bool found;
	bool checked;
	const void *fdt;
	u64 tracker;
	const struct kho_tracker_leaf **leaves;
	size_t nr_leaves;
	struct kho_mem *ranges;
	size_t nr_ranges;
	phys_addr_t early;
} kho_in;

static int __init kho_read_chosen(const void *fdt, int chosen,
				  const char *name, struct kho_mem *range)
{
	const __be32 *prop;
	int len;

	prop = fdt_getprop(fdt, chosen, name, &len);
	if (!prop)
		return -ENOENT;
	if (len != (dt_root_addr_cells + dt_root_size_cells) * sizeof(*prop))
		return -EINVAL;
	range->addr = of_read_number(prop, dt_root_addr_cells);
	range->len = of_read_number(prop + dt_root_addr_cells,
				    dt_root_size_cells);
	return 0;
}

/*
 * memblock_is_region_memory() wants the range inside one region, which
 * memblock_is_map_memory() then finds: NOMAP memory (firmware's, or a
 * no-map reserved-memory node) is memory to memblock, but not mapped.
 */
static bool __init kho_is_ram(u64 addr, u64 len)
{
	return addr + len > addr && memblock_is_region_memory(addr, len) &&
	       memblock_is_map_memory(addr);
}

/*
 * What can be checked while the early DT is scanned, before memblock knows
 * the memory this kernel will use: an EFI boot learns it later, from the
 * EFI memory map, and mem= trims it later still.
 */
static const char * __init kho_check_layout(void)
{
	const struct kho_mem text = {
		__pa_symbol(_text), __pa_symbol(_end) - __pa_symbol(_text)
	};
	const struct kho_mem initrd = { phys_initrd_start, phys_initrd_size };
	u64 block = PAGE_SIZE << pageblock_order;

	if (!IS_ALIGNED(kho_in.scratch.addr | kho_in.scratch.len, block) ||
	    !kho_in.scratch.len ||
	    kho_in.scratch.addr + kho_in.scratch.len < kho_in.scratch.addr)
		return "the scratch region is not whole pageblocks";
	if (!kho_mem_overlaps(&text, &kho_in.scratch))
		return "this kernel does not lie in the scratch region";
	if (!PAGE_ALIGNED(kho_in.dt.addr) ||
	    kho_in.dt.len < sizeof(struct fdt_header) ||
	    kho_in.dt.len > KHO_DT_MAX_LIMIT ||
	    kho_in.dt.addr + kho_in.dt.len < kho_in.dt.addr)
		return "the DT segment is not page aligned";
	/*
	 * It is reserved now and freed if a later check fails: it must not
	 * take the kernel or the initrd with it.
	 */
	if (kho_mem_overlaps(&text, &kho_in.dt) ||
	    kho_mem_overlaps(&initrd, &kho_in.dt))
		return "the DT overlaps the kernel or the initrd";
	return NULL;
}

/* Does [@addr, @addr + @len) overlap the DT? */
static bool __init kho_overlaps_handover(u64 addr, u64 len)
{
	const struct kho_mem r = { addr, len };

	return kho_mem_overlaps(&r, &kho_in.dt);
}

/*
 * Walk the ranges the reserved-memory nodes of @fdt place, taken as 6.12's
 * early_init_fdt_scan_reserved_mem() takes them: none if
 * /reserved-memory's cells differ from the root's, and only nodes whose
 * status is okay; no-map ones too if @nomap. Adds their sizes to *@bytes
 * and returns whether one overlaps the DT.
 */
static bool __init kho_firmware_ranges(const void *fdt, bool nomap,
				       phys_addr_t *bytes)
{
	const int cells = dt_root_addr_cells + dt_root_size_cells;
	const __be32 *reg, *prop;
	int node, parent, len;
	const char *status;
	bool hit = false;
	u64 addr, size;

	if (!fdt)
		return false;
	parent = fdt_path_offset(fdt, "/reserved-memory");
	if (parent < 0)
		return false;
	prop = fdt_getprop(fdt, parent, "#address-cells", &len);
	if (!prop || len != sizeof(*prop) ||
	    be32_to_cpup(prop) != dt_root_addr_cells)
		return false;
	prop = fdt_getprop(fdt, parent, "#size-cells", &len);
	if (!prop || len != sizeof(*prop) ||
	    be32_to_cpup(prop) != dt_root_size_cells)
		return false;

	fdt_for_each_subnode(node, fdt, parent) {
		status = fdt_getprop(fdt, node, "status", NULL);
		if ((status && strcmp(status, "okay") && strcmp(status, "ok")) ||
		    (!nomap && fdt_getprop(fdt, node, "no-map", NULL)))
			continue;
		reg = fdt_getprop(fdt, node, "reg", &len);
		for (; reg && len >= cells * (int)sizeof(*reg);
		     len -= cells * sizeof(*reg), reg += cells) {
			addr = of_read_number(reg, dt_root_addr_cells);
			size = of_read_number(reg + dt_root_addr_cells,
					      dt_root_size_cells);
			*bytes += size;
			hit |= kho_overlaps_handover(addr, size);
		}
	}
	return hit;
}

/*
 * The DT is freed when a check fails: it must not overlap what someone
 * else reserved, or the free would release that too. Reservations made
 * before /chosen is scanned (the boot DT's own) are in memblock already;
 * /memreserve/ entries and reserved-memory nodes are reserved after it,
 * from the same DT. NOMAP memory from the EFI memory map is refused by
 * kho_check_ram().
 */
static const char * __init kho_check_firmware(const void *fdt)
{
	phys_addr_t bytes = 0;
	bool hit = false;
	u64 addr, len;
	int i, n;

	if (memblock_is_region_reserved(kho_in.dt.addr, kho_in.dt.len))
		return "the DT overlaps the boot DT or an earlier reservation";
	n = fdt_num_mem_rsv(fdt);
	for (i = 0; i < n && !hit; i++)
		if (!fdt_get_mem_rsv(fdt, i, &addr, &len))
			hit = kho_overlaps_handover(addr, len);
	if (hit)
		return "the DT overlaps a /memreserve/ entry";
	if (kho_firmware_ranges(fdt, true, &bytes))
		return "the DT overlaps a reserved-memory node";
	return NULL;
}

/* The part of [@base, @base + @size) that lies in the scratch region. */
static struct kho_mem __init kho_in_scratch(phys_addr_t base,
					    phys_addr_t size)
{
	phys_addr_t start = max(base, kho_in.scratch.addr);
	phys_addr_t end = min(base + size,
			      kho_in.scratch.addr + kho_in.scratch.len);

	return (struct kho_mem){ start, start < end ? end - start : 0 };
}

/* How many bytes of the scratch region memblock holds reserved. */
static phys_addr_t __init kho_scratch_reserved(void)
{
	struct memblock_region *r;
	phys_addr_t bytes = 0;

	for_each_reserved_mem_region(r)
		bytes += kho_in_scratch(r->base, r->size).len;
	return bytes;
}

/* What needs the memory this kernel keeps, after the EFI map and mem=. */
static const char * __init kho_check_ram(void)
{
	const struct fdt_header *hdr;
	u32 magic, totalsize;

	if (!kho_is_ram(kho_in.scratch.addr, kho_in.scratch.len))
		return "the scratch region is not all in the memory this kernel uses (mem=?)";
	if (!kho_is_ram(kho_in.dt.addr, kho_in.dt.len))
		return "the DT segment is not in the memory this kernel maps";

	/* Only now is the DT known to be RAM that may be mapped. */
	hdr = early_memremap(kho_in.dt.addr, sizeof(*hdr));
	if (!hdr)
		return "the DT cannot be mapped";
	magic = fdt_magic(hdr);
	totalsize = fdt_totalsize(hdr);
	early_memunmap((void *)hdr, sizeof(*hdr));
	if (magic != FDT_MAGIC)
		return "the DT has a bad header";
	if (totalsize > kho_in.dt.len)
		return "the DT is larger than its segment";
	return NULL;
}

#ifdef CONFIG_EFI
/* Reserve again the part of [@addr, @addr + @len) in the DT. */
static void __init kho_reserve_again(u64 addr, u64 len)
{
	u64 start = max(addr, kho_in.dt.addr);
	u64 end = min(addr + len, kho_in.dt.addr + kho_in.dt.len);

	if (start < end)
		memblock_reserve(start, end - start);
}

/*
 * efi_init() reads the EFI memory map after /chosen was scanned: it keeps
 * the map itself and the ACPI tables reserved, and what firmware keeps for
 * itself NOMAP. The DT must overlap none of it. Once the handover is
 * dropped (kho_in.found false), put back what the free of the DT released
 * of it.
 */
static const char * __init kho_check_efi(void)
{
	struct kho_mem range = {
		efi.memmap.phys_map, efi.memmap.nr_map * efi.memmap.desc_size
	};
	const char *why = NULL;
	efi_memory_desc_t *md;

	if (!efi_enabled(EFI_MEMMAP))
		return NULL;
	if (kho_overlaps_handover(range.addr, range.len)) {
		why = "the DT overlaps the EFI memory map";
		if (!kho_in.found)
			kho_reserve_again(range.addr, range.len);
	}
	for_each_efi_memory_desc(md) {
		switch (md->type) {
		case EFI_LOADER_CODE:
		case EFI_LOADER_DATA:
		case EFI_BOOT_SERVICES_CODE:
		case EFI_BOOT_SERVICES_DATA:
		case EFI_CONVENTIONAL_MEMORY:
			continue;
		}
		range.addr = md->phys_addr;
		range.len = md->num_pages << EFI_PAGE_SHIFT;
		if (!kho_overlaps_handover(range.addr, range.len))
			continue;
		if (!why)
			why = "the DT overlaps firmware memory (EFI memory map)";
		if (!kho_in.found)
			kho_reserve_again(range.addr, range.len);
	}
	return why;
}
#else
static const char * __init kho_check_efi(void)
{
	return NULL;
}
#endif

/* Forget a handover found in /chosen before its memory was reserved. */
static void __init kho_drop_reserved(void)
{
	memblock_set_kho_scratch_only(false);
	memblock_phys_free(kho_in.dt.addr, kho_in.dt.len);
	kho_in.found = false;
}

/**
 * kho_scan_chosen() - look for a handover in the boot DT
 * @fdt: the flattened DT this kernel was booted with
 *
 * Called while the early DT is scanned. If /chosen names a handover that
 * passes the checks possible this early, reserves its DT and confines
 * memblock allocations to its scratch region until
 * kho_reserve_handover() has run. On an EFI boot memblock holds no memory
 * yet: allocations fail until kho_check_memory() marks the scratch region
 * again in the memory the EFI memory map gives.
 */
void __init kho_scan_chosen(const void *fdt)
{
	const char *why = "/chosen holds a partial or malformed handover";
	struct kho_mem old_cache;
	int chosen, found = 0, err[3];

	chosen = fdt_path_offset(fdt, "/chosen");
	if (chosen < 0)
		return;

	err[0] = kho_read_chosen(fdt, chosen, "linux,kho-dt", &kho_in.dt);
	err[1] = kho_read_chosen(fdt, chosen, "linux,kho-scratch",
				 &kho_in.scratch);
	err[2] = kho_read_chosen(fdt, chosen, "linux,kho-mem", &old_cache);
	found = (err[0] != -ENOENT) + (err[1] != -ENOENT) + (err[2] != -ENOENT);
	if (!found)
		return;
	if (err[2] != -ENOENT)
		why = "/chosen has linux,kho-mem: a handover of the format before kho-tracker-v1";
	else if (found == 2 && !err[0] && !err[1])
		why = kho_check_layout() ?: kho_check_firmware(fdt);
	if (why) {
		pr_warn("handover disabled: %s\n", why);
		return;
	}

	memblock_reserve(kho_in.dt.addr, kho_in.dt.len);
	memblock_mark_kho_scratch(kho_in.scratch.addr, kho_in.scratch.len);
	memblock_set_kho_scratch_only(true);
	kho_in.found = true;
}

/**
 * kho_check_memory() - check a handover against the memory this kernel keeps
 *
 * Called once memblock holds the memory this kernel will use (the EFI
 * memory map read, mem= and the linear map's limits applied) and before
 * anything is allocated from it. efi_init() rebuilds memblock's memory
 * from the EFI memory map, which loses the scratch flag: mark the region
 * again. A handover whose scratch region or DT is not in that memory is
 * dropped with one log line, and the boot goes on as a normal one;
 * allocating only from a scratch region that mem= removed would leave
 * nothing to allocate from.
 */
void __init kho_check_memory(void)
{
	const char *why;

	if (!kho_in.found)
		return;

	why = kho_check_ram();
	if (why) {
		pr_warn("handover disabled: %s\n", why);
		kho_drop_reserved();
		return;
	}
	why = kho_check_efi();
	if (why) {
		pr_warn("handover disabled: %s\n", why);
		kho_drop_reserved();
		/* Put back what the free released of firmware's. */
		kho_check_efi();
		return;
	}
	memblock_mark_kho_scratch(kho_in.scratch.addr, kho_in.scratch.len);
	kho_in.checked = true;
}

/*
 * memblock.reserved's array grew in the scratch region if the handover
 * named more ranges than it held. A later growth would free that copy in
 * the region after kho_hold_scratch() held the region's free memory, and
 * those pages would reach the page allocator as ordinary memory: move the
 * array out now, with room for the ranges the hold adds, so that it
 * neither grows during the hold nor ever returns to the region.
 */
static void __init kho_move_reserved_array(void)
{
	phys_addr_t start, end;
	unsigned long nr = 1;
	int err;
	u64 i;

	for_each_free_mem_range(i, NUMA_NO_NODE, MEMBLOCK_KHO_SCRATCH,
				&start, &end, NULL)
		nr += !!kho_in_scratch(start, end - start).len;
	err = memblock_reserved_make_room(nr, kho_in.scratch.addr,
					  kho_in.scratch.len);
	if (err)
		pr_warn("cannot move memblock's reserved array out of the scratch region: %d\n",
			err);
}

/**
 * kho_hold_scratch() - keep memblock out of the free part of the scratch region
 *
 * Called when the handover has been reserved and again right before
 * memblock_free_all(). For the rest of the boot memblock must leave the
 * scratch region alone, as it leaves a CMA area alone in a kernel booted
 * without a handover: what it allocated there (the memmap, per-CPU areas)
 * would stay pinned in the region the next handover needs. Every whole free
 * page of the region is reserved with MEMBLOCK_RSRV_KHO, which tells it from
 * what was allocated there, and kho_release_scratch() gives it to the page
 * allocator. The second call catches what was freed in the region since
 * the first (an old copy of memblock's reserved array): no page of the
 * region may reach memblock_free_all() free, or it would be freed as
 * movable memory, or with DEFERRED_STRUCT_PAGE_INIT not even be initialised
 * when kho_release_scratch() runs.
 */
void __init kho_hold_scratch(void)
{
	phys_addr_t start, end;
	struct kho_mem range;
	bool grown = false;
	int err;
	u64 i;

	if (!kho_in.fdt)
		return;

	for (;;) {
		range.len = 0;
		for_each_free_mem_range(i, NUMA_NO_NODE, MEMBLOCK_KHO_SCRATCH,
					&start, &end, NULL) {
			range = kho_in_scratch(start, end - start);
			/* A free range may share a page with an allocation. */
			start = PAGE_ALIGN(range.addr);
			end = PAGE_ALIGN_DOWN(range.addr + range.len);
			range.addr = start;
			range.len = start < end ? end - start : 0;
			if (range.len)
				break;
		}
		if (!range.len)
			return;
		/*
		 * Reserving changes what the iterator walks: look again. When
		 * memblock's array grows, the new array may take part of the
		 * range (-EBUSY): look again once.
		 */
		err = memblock_reserve_kho_mem(&range, 1);
		if (err == -EBUSY && !grown) {
			grown = true;
			continue;
		}
		if (err) {
			pr_warn("cannot hold the free scratch region: %d\n", err);
			return;
		}
		grown = false;
	}
}

/*
 * How many bytes firmware set aside in the DT this kernel booted with: the
 * reserved-memory nodes that name their place and keep it mapped. memblock
 * reserves them, but they are not early boot's, and a next kernel does not
 * put them in its scratch region. A node without "reg" is an allocation
 * and counts. /memreserve/ entries are left alone: a kexec_file_load()
 * image adds its initrd there, which the next kernel does put in scratch.
 */
static phys_addr_t __init kho_firmware_reserved(void)
{
	phys_addr_t bytes = 0;

	kho_firmware_ranges(initial_boot_params, false, &bytes);
	return bytes;
}

/*
 * What early boot took before kho_reserve_handover(): in a KHO boot, what
 * lies in the scratch region (this kernel, its initrd, what memblock gave
 * out in scratch-only mode) but the DT, which the next handover replaces;
 * in a first boot every reservation but firmware's reserved-memory
 * carve-outs. What firmware reserved through the EFI
 * memory map is not memory to memblock at all.
 */
static void __init kho_measure_early(void)
{
	phys_addr_t reserved, firmware;

	if (!kho_in.found) {
		reserved = memblock_reserved_size();
		firmware = kho_firmware_reserved();
		/* Overlapping or partly absent carve-outs: keep the kernel. */
		kho_in.early = reserved > firmware ? reserved - firmware : 0;
		kho_in.early = max_t(phys_addr_t, kho_in.early,
				     __pa_symbol(_end) - __pa_symbol(_text));
		return;
	}
	kho_in.early = kho_scratch_reserved() -
		       kho_in_scratch(kho_in.dt.addr, kho_in.dt.len).len;
}

/**
 * kho_early_size() - how much memory this kernel's early boot took
 *
 * The next kernel allocates from the scratch region alone until it has
 * reserved its handover, so the region must hold at least as much.
 *
 * Return: the bytes measured when kho_reserve_handover() ran.
 */
phys_addr_t __init kho_early_size(void)
{
	return kho_in.early;
}

/**
 * kho_scratch_exhausted() - memblock found no room in the scratch region
 * @size: the size of the allocation that failed
 * @start: the lowest address the allocation may have
 * @end: the address it must end below
 *
 * Called by memblock when an allocation fails in scratch-only mode, once
 * kho_check_memory() has accepted the handover. The memory handed over is
 * not reserved yet, so nothing stops the allocation from being served from
 * it but the handover itself: drop the handover with one log line, which
 * ends scratch-only mode, and let memblock try again, so that this kernel
 * boots normally. The line tells a full region from one that lies outside
 * the addresses the allocation may have (a DMA pool limited to low memory,
 * say), which no size of kho_scratch= would mend.
 *
 * Return: true if memblock may retry outside the scratch region.
 */
bool __init kho_scratch_exhausted(phys_addr_t size, phys_addr_t start,
				  phys_addr_t end)
{
	/* Before kho_check_memory(), an EFI boot knows no memory at all. */
	if (!kho_in.found || !kho_in.checked)
		return false;

	/* memblock_alloc_range_nid() passes its callers' limits as they are. */
	if (end <= MEMBLOCK_ALLOC_NOLEAKTRACE)
		end = memblock_get_current_limit();
	if (kho_in_scratch(start, end - start).len < size)
		pr_warn("handover disabled: an early allocation of %llu bytes must lie in [%pa-%pa), and too little of the scratch region %#llx+%#llx does\n",
			(u64)size, &start, &end, kho_in.scratch.addr,
			kho_in.scratch.len);
	else
		pr_warn("handover disabled: the scratch region of %llu MiB is full (%llu MiB used, %llu bytes more asked for): boot the previous kernel with a larger kho_scratch= or kho_scratch=auto\n",
			kho_in.scratch.len >> 20,
			DIV_ROUND_UP_ULL(kho_scratch_reserved(), SZ_1M),
			(u64)size);
	kho_drop_reserved();
	return true;
}

/* Pages of the tracker and regions to reserve, sorted, while they are built. */
static struct kho_mem *kho_regions __initdata;
static size_t kho_nr_regions __initdata;

/* Walks of the tracker, too large for the stack. */
static struct kho_tracker_iter kho_walk __initdata;

/* Where kho_gap_is_free() is in memblock's arrays and the tracker's pages. */
struct kho_gap_cursor {
	unsigned long memory;
	unsigned long reserved;
	size_t page;
};

/* Move *@i past the regions of @type that end at or before @addr. */
static const struct memblock_region * __init
kho_region_from(struct memblock_type *type, unsigned long *i, u64 addr)
{
	while (*i < type->cnt &&
	       type->regions[*i].base + type->regions[*i].size <= addr)
		(*i)++;
	return *i < type->cnt ? &type->regions[*i] : NULL;
}

/*
 * May the gap between two runs be reserved with them? Only if it is free
 * RAM this kernel maps, outside scratch and the tracker's own pages (the
 * first @nr_pages entries of @kho_regions, sorted), so that freeing it
 * later frees nobody else's memory. Gaps come in address order: @c walks
 * memblock's arrays and the tracker's pages once for all of them.
 */
static bool __init kho_gap_is_free(struct kho_gap_cursor *c, u64 addr,
				   u64 len, size_t nr_pages)
{
	const struct kho_mem gap = { addr, len };
	const struct memblock_region *r;

	if (len >= KHO_RUN_GAP || kho_mem_overlaps(&gap, &kho_in.scratch))
		return false;
	r = kho_region_from(&memblock.memory, &c->memory, addr);
	if (!r || r->base > addr || r->base + r->size < addr + len ||
	    (r->flags & MEMBLOCK_NOMAP))
		return false;
	r = kho_region_from(&memblock.reserved, &c->reserved, addr);
	if (r && r->base < addr + len)
		return false;
	while (c->page < nr_pages &&
	       kho_regions[c->page].addr + kho_regions[c->page].len <= addr)
		c->page++;
	return c->page == nr_pages || kho_regions[c->page].addr >= addr + len;
}

/*
 * Walk the tracker's runs, joined across free gaps narrower than
 * KHO_RUN_GAP, into @out from index @nr_pages on (or only count them if
 * @out is NULL). Returns the number of regions and adds their bytes to
 * *@bytes.
 */
static size_t __init kho_join_runs(u64 tracker, struct kho_mem *out,
				   size_t nr_pages, u64 *bytes)
{
	struct kho_gap_cursor cursor = {};
	struct kho_mem run, cur = {};
	size_t nr = 0;

	kho_tracker_iter_start(&kho_walk, tracker);
	while (kho_tracker_next(&kho_walk, &run)) {
		if (cur.len && kho_gap_is_free(&cursor, cur.addr + cur.len,
					       run.addr - cur.addr - cur.len,
					       nr_pages)) {
			cur.len = run.addr + run.len - cur.addr;
			continue;
		}
		if (cur.len) {
			if (out)
				out[nr_pages + nr] = cur;
			nr++;
			*bytes += cur.len;
		}
		cur = run;
	}
	if (cur.len) {
		if (out)
			out[nr_pages + nr] = cur;
		nr++;
		*bytes += cur.len;
	}
	return nr;
}

static int __init kho_mem_cmp_addr(const void *a, const void *b)
{
	const struct kho_mem *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/* Free memory outside the scratch region. */
static phys_addr_t __init kho_free_outside_scratch(void)
{
	phys_addr_t start, end, bytes = 0;
	u64 i;

	for_each_free_mem_range(i, NUMA_NO_NODE, MEMBLOCK_NONE, &start, &end,
				NULL)
		bytes += end - start - kho_in_scratch(start, end - start).len;
	return bytes;
}

/*
 * Reserve the tracker's pages and what it preserves, as few regions as
 * fragmentation allows: runs closer than KHO_RUN_GAP with only free RAM
 * between them are one region, whose free pages kho_count_users() gives
 * back once the page allocator runs. Costs two walks of the tracker and a
 * sort of its pages and of the regions; memblock's array grows by the
 * regions, never by the pages.
 */
/*
 * List the tracker's own pages, sorted, in @kho_regions, once its
 * structure is sound: before its bits are walked, so that leaves sharing
 * a page of bits cannot make the walk long. Sets *@nr_pages.
 */
static const char * __init kho_list_tracker_pages(u64 tracker,
						  size_t *nr_pages)
{
	const char *why;
	size_t i;

	why = kho_tracker_check(tracker, &kho_in.scratch, kho_is_ram, nr_pages);
	if (why)
		return why;
	kho_regions = memblock_alloc(*nr_pages * sizeof(*kho_regions) ?: 1,
				     SMP_CACHE_BYTES);
	if (!kho_regions)
		return "no room in the scratch region for the tracker's pages";
	kho_nr_regions = *nr_pages;
	kho_tracker_pages(tracker, kho_regions);
	sort(kho_regions, *nr_pages, sizeof(*kho_regions), kho_mem_cmp_addr,
	     NULL);
	for (i = 1; i < *nr_pages; i++)
		if (kho_regions[i].addr == kho_regions[i - 1].addr)
			return "the tracker uses a page twice";
	return NULL;
}

static const char * __init kho_reserve_tracked(u64 tracker, size_t nr_pages)
{
	phys_addr_t need, free = kho_free_outside_scratch();
	struct kho_mem *regions;
	u64 bytes = 0;
	size_t nr, i;
	int err;

	nr = kho_join_runs(tracker, NULL, nr_pages, &bytes);
	/* The next walk fills what this one counted: same tracker, same gaps. */
	regions = memblock_alloc((nr_pages + nr) * sizeof(*regions) ?: 1,
				 SMP_CACHE_BYTES);
	if (!regions)
		return "no room in the scratch region for the regions to reserve";
	memcpy(regions, kho_regions, nr_pages * sizeof(*regions));
	memblock_free(kho_regions, nr_pages * sizeof(*kho_regions) ?: 1);
	kho_regions = regions;
	kho_nr_regions = nr_pages + nr;
	bytes = 0;
	kho_join_runs(tracker, kho_regions, nr_pages, &bytes);
	bytes += (u64)nr_pages * PAGE_SIZE;

	/*
	 * Early boot goes on outside the scratch region once the handover is
	 * reserved, and first allocates this kernel's memmap there.
	 */
	need = (memblock_phys_mem_size() >> PAGE_SHIFT) * sizeof(struct page) +
	       SZ_16M;
	if (bytes > free || free - bytes < need)
		return "the tracker leaves early boot no memory outside the scratch region";

	sort(kho_regions, kho_nr_regions, sizeof(*kho_regions),
	     kho_mem_cmp_addr, NULL);
	for (i = 1; i < kho_nr_regions; i++)
		if (kho_regions[i].addr < kho_regions[i - 1].addr +
		    kho_regions[i - 1].len)
			return "the tracker preserves its own pages";
	err = memblock_reserve_kho_mem(kho_regions, kho_nr_regions);
	if (err == -EBUSY)
		return "the tracker preserves memory this kernel reserved";
	if (err)
		return "no memory to reserve what the tracker preserves";
	return NULL;
}

/**
 * kho_reserve_handover() - reserve the memory handed over
 *
 * Called as soon as memblock can grow, with the linear map in place.
 * Checks the DT and its tracker, reserves what the tracker preserves and
 * the tracker itself, and ends scratch-only allocation. On any failure the
 * handover is dropped with one log line and nothing stays reserved.
 */
void __init kho_reserve_handover(void)
{
	const void *fdt = phys_to_virt(kho_in.dt.addr);
	struct kho_mem *named = NULL;
	const char *why;
	cycles_t start;
	size_t nr_mem, nr_pages;
	u64 tracker, extra;

	kho_measure_early();
	if (!kho_in.found)
		return;
	kho_in.found = false;

	/* No clock runs this early: count the cycles of the architecture. */
	start = get_cycles();
	why = kho_in_check_dt(fdt, kho_in.dt.len, &tracker, &nr_mem, &extra);
	if (!why)
		why = kho_list_tracker_pages(tracker, &nr_pages);
	if (!why && nr_mem) {
		named = memblock_alloc(nr_mem * sizeof(*named), SMP_CACHE_BYTES);
		if (!named)
			why = "no room in the scratch region to sort the DT's mem entries";
	}
	if (!why)
		why = kho_in_check_tracker(fdt, tracker, &kho_in.scratch,
					   kho_is_ram, named, extra);
	if (named)
		memblock_free(named, nr_mem * sizeof(*named));
	if (!why)
		why = kho_reserve_tracked(tracker, nr_pages);
	if (kho_regions)
		memblock_free(kho_regions,
			      kho_nr_regions * sizeof(*kho_regions) ?: 1);
	kho_regions = NULL;

	memblock_set_kho_scratch_only(false);
	if (why) {
		pr_warn("handover disabled: %s\n", why);
		memblock_phys_free(kho_in.dt.addr, kho_in.dt.len);
		return;
	}

	kho_in.fdt = fdt;
	kho_in.tracker = tracker;
	kho_move_reserved_array();
	kho_hold_scratch();
	pr_info("handover: %zu regions reserved in %llu cycles, scratch region %#llx+%#llx, memblock's reserved array %lu of %lu\n",
		kho_nr_regions, (u64)(get_cycles() - start),
		kho_in.scratch.addr, kho_in.scratch.len,
		memblock.reserved.cnt, memblock.reserved.max);
}

/*
 * Does @cma hold the pageblock at *@pfn? A reserved-memory CMA pool that
 * early boot placed in the scratch region is a CMA area of its own, which
 * sets up and counts its pageblocks when it is activated.
 */
static int __init kho_cma_area_holds(struct cma *cma, void *pfn)
{
	phys_addr_t addr = PFN_PHYS(*(unsigned long *)pfn);

	return addr >= cma_get_base(cma) &&
	       addr - cma_get_base(cma) < cma_get_size(cma);
}

/**
 * kho_release_scratch() - give the scratch region back as CMA memory
 *
 * Called right after memblock_free_all(). The scratch region's free pages
 * were held reserved until then, so memblock_free_all() initialised their
 * struct pages (also with DEFERRED_STRUCT_PAGE_INIT, whose deferred pass
 * only sees free ranges) and did not free them. Make every scratch
 * pageblock MIGRATE_CMA, which keeps unmovable allocations out of the
 * region so that it is free again for the next handover, count the region
 * as CMA memory (but for a CMA area placed there, which does both itself
 * when it is activated), and free the held pages. If a larger region
 * replaced it (kho_scratch_replaced()), only free them, as ordinary
 * memory. Like a CMA area's, they stay
 * reserved in memblock: the deferred pass would free them again.
 */
void __init kho_release_scratch(void)
{
	const struct kho_mem *scratch = &kho_in.scratch;
	unsigned long pfn, start_pfn = PHYS_PFN(scratch->addr);
	unsigned long end_pfn = PHYS_PFN(scratch->addr + scratch->len);
	bool replaced = kho_scratch_replaced();
	unsigned long freed = 0;
	struct memblock_region *r;

	if (!kho_in.fdt)
		return;

	for (pfn = start_pfn; pfn < end_pfn; pfn += pageblock_nr_pages) {
		if (cma_for_each_area(kho_cma_area_holds, &pfn))
			continue;
		/*
		 * A larger region replaced it: its pages are ordinary memory.
		 * The deferred struct page pass marks movable only the ranges
		 * it frees, not these, which memblock holds.
		 */
		if (replaced) {
			set_pageblock_migratetype(pfn_to_page(pfn),
						  MIGRATE_MOVABLE);
			continue;
		}
		set_pageblock_migratetype(pfn_to_page(pfn), MIGRATE_CMA);
		page_zone(pfn_to_page(pfn))->cma_pages += pageblock_nr_pages;
		totalcma_pages += pageblock_nr_pages;
	}

	for_each_reserved_mem_region(r) {
		struct kho_mem held = kho_in_scratch(r->base, r->size);

		if (!(r->flags & MEMBLOCK_RSRV_KHO))
			continue;
		for (pfn = PFN_UP(held.addr);
		     pfn < PFN_DOWN(held.addr + held.len); pfn++) {
			free_reserved_page(pfn_to_page(pfn));
			freed++;
		}
	}
	pr_info("scratch region: %lu of %lu pages free%s\n", freed,
		end_pfn - start_pfn,
		replaced ? ", given back as ordinary memory" : "");
}

/**
 * kho_inherited_scratch() - the scratch region of a KHO boot
 * @base: set to its physical address
 * @size: set to its size
 *
 * Return: true in a KHO boot, where the next handover reuses the region.
 */
bool __init kho_inherited_scratch(phys_addr_t *base, phys_addr_t *size)
{
	if (!kho_in.fdt)
		return false;
	*base = kho_in.scratch.addr;
	*size = kho_in.scratch.len;
	return true;
}

/**
 * is_kho_boot() - was this kernel handed state by the one before?
 *
 * Return: true if it was booted with a handover that passed every check.
 */
bool is_kho_boot(void)
{
	return kho_in.fdt;
}
EXPORT_SYMBOL_GPL(is_kho_boot);

/**
 * kho_get_fdt() - the KHO DT this kernel was handed
 *
 * Drivers find their node in it by "compatible".
 *
 * Return: the DT, or NULL on a normal boot.
 */
const void *kho_get_fdt(void)
{
	return kho_in.fdt;
}
EXPORT_SYMBOL_GPL(kho_get_fdt);

/* The pages of @mem, if they were handed over; length 0 if not. */
static struct kho_mem kho_handed_over(const struct kho_mem *mem)
{
	struct kho_mem pages;

	if (!kho_mem_pages(mem, &pages) || !pages.len ||
	    !kho_ranges_hold(kho_in.ranges, kho_in.nr_ranges, &pages))
		pages.len = 0;
	return pages;
}

/**
 * kho_claim_mem() - take over memory the previous kernel handed over
 * @mem: an entry of a "mem" property of the caller's node
 *
 * Return: the kernel address of @mem->addr, or NULL, with a warning, if KHO
 * did not hand that memory over.
 */
void *kho_claim_mem(const struct kho_mem *mem)
{
	if (!kho_handed_over(mem).len) {
		pr_warn("claim of [0x%llx+0x%llx) refused: not handed over\n",
			mem->addr, mem->len);
		return NULL;
	}
	return phys_to_virt(mem->addr);
}
EXPORT_SYMBOL_GPL(kho_claim_mem);

/**
 * kho_return_mem() - drop this user's reference to handed-over memory
 * @mem: an entry of a "mem" property, claimed or not
 *
 * Each page starts with one reference per "mem" entry that names it; a
 * page whose last reference goes returns to the page allocator.
 */
void kho_return_mem(const struct kho_mem *mem)
{
	struct kho_mem pages = kho_handed_over(mem);
	unsigned long pfn;

	if (!pages.len) {
		pr_warn("return of [0x%llx+0x%llx) refused: not handed over\n",
			mem->addr, mem->len);
		return;
	}
	for (pfn = PHYS_PFN(pages.addr); pfn < PHYS_PFN(pages.addr + pages.len);
	     pfn++) {
		struct page *page = pfn_to_page(pfn);

		if (WARN_ON_ONCE(!page_ref_count(page)))
			continue;
		if (page_ref_dec_and_test(page))
			free_reserved_page(page);
	}
}
EXPORT_SYMBOL_GPL(kho_return_mem);

/* Drop @users references to each page of @run; clear the pages freed. */
static void kho_put_cleared(const struct kho_mem *run, unsigned long users,
			    void *arg)
{
	unsigned long pfn;

	for (pfn = PHYS_PFN(run->addr); pfn < PHYS_PFN(run->addr + run->len);
	     pfn++) {
		struct page *page = pfn_to_page(pfn);

		if (WARN_ON_ONCE(page_ref_count(page) < users))
			continue;
		if (!page_ref_sub_and_test(page, users))
			continue;
		clear_highpage(page);
		free_reserved_page(page);
	}
}

/**
 * kho_return_mem_cleared() - kho_return_mem() for many entries, clearing
 * @mem: entries of "mem" properties, claimed or not
 * @nr: number of @mem
 *
 * For memory whose old contents a later boot could take for its own: the
 * records of a persistent region, say, which a region allocated afresh in
 * the same place would otherwise find valid. Pages the last reference
 * leaves are cleared before they are freed; pages another entry still
 * names are left as they are. Costs O(n log n) for n entries plus the
 * pages they name, however they overlap; entries of length 0 name nothing.
 *
 * Return: 0; -EINVAL, with a warning and nothing returned, if KHO did not
 * hand over one of @mem; -ENOMEM.
 */
int kho_return_mem_cleared(const struct kho_mem *mem, size_t nr)
{
	size_t i;

	for (i = 0; i < nr; i++) {
		if (mem[i].len && !kho_handed_over(&mem[i]).len) {
			pr_warn("return of [0x%llx+0x%llx) refused: not handed over\n",
				mem[i].addr, mem[i].len);
			return -EINVAL;
		}
	}
	return kho_mem_count_entries(mem, nr, kho_put_cleared, NULL);
}
EXPORT_SYMBOL_GPL(kho_return_mem_cleared);

/**
 * kho_mem_handed_over() - did the previous kernel hand this memory over?
 * @mem: an entry of a "mem" property
 *
 * Return: true if every page of @mem was handed over (and @mem is not
 * empty).
 */
bool kho_mem_handed_over(const struct kho_mem *mem)
{
	return kho_handed_over(mem).len;
}

/**
 * kho_may_adopt_pages() - could kho_adopt_pages() take these pages?
 * @mem: whole pages of one "mem" entry
 *
 * Stops at the first page that fails, so that checking memory other
 * entries name too costs O(1), however large it is.
 *
 * Return: true if @mem is whole pages that KHO handed over to this entry
 * alone, none of them returned or adopted yet.
 */
bool kho_may_adopt_pages(const struct kho_mem *mem)
{
	struct kho_mem pages = kho_handed_over(mem);
	unsigned long pfn;

	if (!pages.len || pages.addr != mem->addr || pages.len != mem->len)
		return false;
	for (pfn = PHYS_PFN(mem->addr); pfn < PHYS_PFN(mem->addr + mem->len);
	     pfn++) {
		struct page *page = pfn_to_page(pfn);

		if (!PageReserved(page) || page_ref_count(page) != 1)
			return false;
	}
	return true;
}

/**
 * kho_adopt_pages() - make handed-over pages ordinary pages of the caller's
 * @mem: whole pages of one "mem" entry, which no other entry names
 *
 * Each page becomes as if just allocated: not reserved, counted as managed
 * memory, with the one reference its entry held, now the caller's.
 *
 * Return: 0; -EINVAL, with nothing changed, if kho_may_adopt_pages() says
 * no.
 */
int kho_adopt_pages(const struct kho_mem *mem)
{
	unsigned long pfn;

	if (!kho_may_adopt_pages(mem))
		return -EINVAL;
	for (pfn = PHYS_PFN(mem->addr); pfn < PHYS_PFN(mem->addr + mem->len);
	     pfn++) {
		struct page *page = pfn_to_page(pfn);

		/* As free_reserved_page() does before it frees the page. */
		clear_page_tag_ref(page);
		ClearPageReserved(page);
		adjust_managed_page_count(page, 1);
	}
	return 0;
}

/* Pages reserved with the handover that no "mem" entry names, freed. */
static unsigned long kho_unnamed_pages __initdata;
static phys_addr_t kho_first_unnamed __initdata;

/*
 * Each page starts with one reference per "mem" entry that names it,
 * instead of memblock's one; a page no entry names is freed.
 */
static void __init kho_set_users(const struct kho_mem *run,
				 unsigned long users, void *arg)
{
	unsigned long pfn;

	for (pfn = PHYS_PFN(run->addr); pfn < PHYS_PFN(run->addr + run->len);
	     pfn++) {
		if (!(pfn % KHO_RESCHED_PAGES))
			cond_resched();
		if (users) {
			set_page_count(pfn_to_page(pfn), users);
		} else {
			if (!kho_unnamed_pages++)
				kho_first_unnamed = PFN_PHYS(pfn);
			free_reserved_page(pfn_to_page(pfn));
		}
	}
}

/*
 * The parts of a MEMBLOCK_RSRV_KHO region outside the scratch region, into
 * @ranges (if not NULL); returns how many. kho_hold_scratch() reserves with
 * the same flag inside the region, and memblock joins a hold with a mem
 * cache entry that touches the region.
 */
static size_t __init kho_outside_scratch(const struct memblock_region *r,
					 struct kho_mem *ranges)
{
	const u64 start = kho_in.scratch.addr;
	const u64 end = start + kho_in.scratch.len;
	const u64 r_end = r->base + r->size;
	size_t nr = 0;

	if (r->base < start) {
		if (ranges)
			ranges[nr] = (struct kho_mem){
				r->base, min(r_end, start) - r->base
			};
		nr++;
	}
	if (r_end > end) {
		if (ranges)
			ranges[nr] = (struct kho_mem){
				max(r->base, end), r_end - max(r->base, end)
			};
		nr++;
	}
	return nr;
}

/* What kho_reserve_tracked() reserved, sorted. */
static int __init kho_cache_reserved(struct kho_mem **rangesp, size_t *nrp)
{
	struct memblock_region *r;
	struct kho_mem *ranges;
	size_t nr = 0;

	for_each_reserved_mem_region(r)
		if (r->flags & MEMBLOCK_RSRV_KHO)
			nr += kho_outside_scratch(r, NULL);
	ranges = kvmalloc_array(nr ?: 1, sizeof(*ranges), GFP_KERNEL);
	if (!ranges)
		return -ENOMEM;
	nr = 0;
	for_each_reserved_mem_region(r)
		if (r->flags & MEMBLOCK_RSRV_KHO)
			nr += kho_outside_scratch(r, ranges + nr);
	*rangesp = ranges;
	*nrp = nr;
	return 0;
}

/*
 * Count the users of every page reserved with the handover, and free those
 * no "mem" entry and no memfd names: the tracker's own pages, and the free
 * pages between runs that kho_reserve_tracked() reserved with them.
 */
static int __init kho_count_users(const struct kho_mem *extra, size_t nr_extra)
{
	struct kho_mem *reserved;
	size_t nr;
	int err;

	err = kho_cache_reserved(&reserved, &nr);
	if (err)
		return err;
	err = kho_mem_count_users(kho_in.fdt, extra, nr_extra, reserved, nr,
				  kho_set_users, NULL);
	kvfree(reserved);
	if (kho_unnamed_pages)
		pr_info("%lu pages of the tracker and between the runs handed over freed, the first at %pa\n",
			kho_unnamed_pages, &kho_first_unnamed);
	return err;
}

static ssize_t kho_in_dt_read(struct file *file, struct kobject *kobj,
			      struct bin_attribute *attr, char *buf, loff_t pos,
			      size_t count)
{
	return memory_read_from_buffer(buf, count, &pos, kho_in.fdt,
				       fdt_totalsize(kho_in.fdt));
}

static struct bin_attribute kho_in_dt_attr = __BIN_ATTR(dt, 0400,
							kho_in_dt_read, NULL, 0);

static struct kobject *kho_in_kobject;

/**
 * kho_in_kobj() - /sys/firmware/kho, for the files of KHO's other parts
 *
 * Return: its kobject, or NULL on a normal boot or before subsys_initcall.
 */
struct kobject *kho_in_kobj(void)
{
	return kho_in_kobject;
}

/* List the tracker's leaves for kho_tracker_holds(), while it is kept. */
static int __init kho_index_leaves(void)
{
	const struct kho_tracker_block *block;
	size_t nr = 0;
	unsigned int i;
	u64 phys;

	for (phys = kho_in.tracker; phys; phys = block->next) {
		block = phys_to_virt(phys);
		nr += block->nr;
	}
	kho_in.leaves = kvmalloc_array(nr ?: 1, sizeof(*kho_in.leaves),
				       GFP_KERNEL);
	if (!kho_in.leaves)
		return -ENOMEM;
	for (phys = kho_in.tracker; phys; phys = block->next) {
		block = phys_to_virt(phys);
		for (i = 0; i < block->nr; i++)
			kho_in.leaves[kho_in.nr_leaves++] = &block->leaf[i];
	}
	return 0;
}

/**
 * kho_mem_named() - does a "mem" entry of the DT name part of a range?
 * @r: the range
 *
 * Return: true if a page of @r is in the memory the DT's "mem" entries
 * name, which drivers may claim and write; found in O(log n).
 */
bool kho_mem_named(const struct kho_mem *r)
{
	return kho_ranges_overlap(kho_in.ranges, kho_in.nr_ranges, r);
}

/**
 * kho_tracker_holds() - did the previous kernel preserve this block?
 * @phys: physical address of the block's first page
 * @order: its order
 *
 * Only while the handover is being taken in, at subsys_initcall: the
 * tracker's pages are freed then.
 *
 * Return: true if the tracker preserves the 2^@order pages at @phys as one
 * block of that order.
 */
bool __init kho_tracker_holds(phys_addr_t phys, unsigned int order)
{
	/* Boot is single-threaded here: the leaf of the last block asked. */
	static size_t hint __initdata;

	return PAGE_ALIGNED(phys) &&
	       kho_tracker_test_near(kho_in.leaves, kho_in.nr_leaves,
				     PHYS_PFN(phys), order, &hint);
}

/**
 * kho_manage_pages() - count handed-over pages as memory the kernel manages
 * @phys: physical address of the first page
 * @pages: how many, all in one zone
 * @manage: true to count them, false to undo an earlier count
 *
 * Pages handed over are reserved, outside MemTotal and their zone's
 * managed pages, until a user adopts them (kho_adopt_folio()). A user
 * counts them first, in as few calls as their zones allow, so that what
 * compares a size with the memory the kernel manages (a file's
 * overcommit accounting) sees them, and undoes it if it then gives up.
 */
void kho_manage_pages(phys_addr_t phys, unsigned long pages, bool manage)
{
	adjust_managed_page_count(phys_to_page(phys),
				  manage ? (long)pages : -(long)pages);
}

/**
 * kho_adopt_huge_page() - make a block of handed-over pages a compound page
 * @phys: physical address of its first page, which kho_tracker_holds()
 *	  accepted with @order
 * @order: its order, which may exceed MAX_PAGE_ORDER
 *
 * The caller checked that every page is reserved with the one reference
 * of its single user, and counted them as managed memory
 * (kho_manage_pages()). The pages become a compound page of @order, as
 * the page allocator returns one: not reserved, with one reference, now
 * the caller's; hugetlb_insert_folio() takes it as it is.
 *
 * Context: may sleep (a 1 GiB page is 262144 struct pages).
 * Return: the compound page, as a folio.
 */
struct folio *kho_adopt_huge_page(phys_addr_t phys, unsigned int order)
{
	unsigned long pfn = PHYS_PFN(phys), i;
	struct page *head = pfn_to_page(pfn);

	for (i = 0; i < 1UL << order; i++) {
		struct page *page = pfn_to_page(pfn + i);

		/* As free_reserved_page() does before it frees the page. */
		clear_page_tag_ref(page);
		ClearPageReserved(page);
		if (i)
			set_page_count(page, 0);
		if (!(i % KHO_RESCHED_PAGES))
			cond_resched();
	}
	if (order)
		prep_compound_page(head, order);
	return page_folio(head);
}

/**
 * kho_adopt_folio() - make a block of handed-over pages a folio of the caller's
 * @phys: physical address of its first page, which kho_tracker_holds()
 *	  accepted with @order
 * @order: the folio's order
 *
 * As kho_adopt_huge_page(), for a folio of the page cache or anonymous
 * memory: a large one is rmappable, as a newly allocated one.
 *
 * Return: the folio.
 */
struct folio *kho_adopt_folio(phys_addr_t phys, unsigned int order)
{
	return page_rmappable_folio(&kho_adopt_huge_page(phys, order)->page);
}

static int __init kho_in_init(void)
{
	struct kho_mem *extra = NULL;
	struct kobject *kobj;
	size_t nr_extra = 0;
	int err;

	if (!kho_in.fdt)
		return 0;

	/* The DT was checked when reserved; the index of ranges comes from it. */
	err = kho_mem_cache_build(kho_in.fdt, kho_in.scratch.addr,
				  kho_in.scratch.len, &kho_in.ranges,
				  &kho_in.nr_ranges);
	if (err) {
		pr_err("cannot index the memory handed over: %d\n", err);
		return err;
	}
	err = kho_index_leaves();
	err = err ?: kho_memfd_scan(kho_in.fdt, &extra, &nr_extra);
	err = err ?: kho_count_users(extra, nr_extra);
	if (err)
		kho_memfd_unheld();
	kvfree(extra);
	/* Its pages were freed with the others that nobody names. */
	kvfree(kho_in.leaves);
	kho_in.leaves = NULL;
	kho_in.nr_leaves = 0;
	if (err) {
		/* Nothing was counted: the memory stays reserved, unclaimed. */
		pr_err("cannot count the users of the memory handed over: %d\n",
		       err);
		kvfree(kho_in.ranges);
		kho_in.ranges = NULL;
		kho_in.nr_ranges = 0;
		return err;
	}

	kobj = kobject_create_and_add("kho", firmware_kobj);
	if (!kobj)
		return -ENOMEM;
	kho_in_dt_attr.size = fdt_totalsize(kho_in.fdt);
	err = sysfs_create_bin_file(kobj, &kho_in_dt_attr);
	if (err)
		kobject_put(kobj);
	else
		kho_in_kobject = kobj;
	return err;
}
subsys_initcall(kho_in_init);
