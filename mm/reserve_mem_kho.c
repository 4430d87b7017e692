// SPDX-License-Identifier: GPL-2.0
/*
 * reserve_mem regions across a Kexec HandOver.
 */

/**
 * DOC: reserve_mem across a Kexec HandOver
 *
 * reserve_mem=SIZE:ALIGN:NAME sets a region of memory aside that consumers
 * find by name (pstore's ramoops.mem_name=, the tracing boot instances of
 * trace_instance=INSTANCE@NAME) and read what the previous kernel left in it.
 * A normal boot allocates the region wherever memblock finds room, which after
 * a kexec is seldom where it was. KHO keeps it in place:
 *
 * - Out: at activation, each region becomes a node of the KHO DT named as the
 *   region, compatible with "reserve-mem-v1", with the u64 properties "start",
 *   "size" and "align" (native-endian, as every KHO property is) and one
 *   "mem" entry for the region.
 * - In: in a KHO boot, a reserve_mem= whose name, size and alignment equal
 *   those of a handed-over node takes the node's range instead of allocating.
 *   The range is reserved already: the handover reserved it.
 * - Every other node of that kind (mismatched, malformed, sharing memory with
 *   another node, or named by no reserve_mem=) revives nothing and its memory
 *   goes back to the page allocator, cleared, once the handover's memory is
 *   counted, with one log line each.
 *
 * A revived region is recorded like a fresh one, so the next handover names
 * it again and a chain of kernels keeps it at one address.
 */

#define pr_fmt(fmt) "reserve_mem: " fmt

#include <linux/init.h>
#include <linux/kexec_handover.h>
#include <linux/libfdt.h>
#include <linux/log2.h>
#include <linux/memblock.h>
#include <linux/mm.h>
#include <linux/notifier.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/unaligned.h>
#include <kunit/visibility.h>

#include "reserve_mem_kho.h"

/* dtc's characters for node names, less the '@' of a unit address. */
#define RESERVE_MEM_KHO_NAME_CHARS	"abcdefghijklmnopqrstuvwxyz" \
					"ABCDEFGHIJKLMNOPQRSTUVWXYZ" \
					"0123456789,._+-"

/* The regions of this kernel, fresh or revived: what activation hands on. */
static struct reserve_mem_kho_region reserve_mem_kho_out[RESERVE_MEM_MAX_ENTRIES];
static unsigned int reserve_mem_kho_nr_out;

/* The nodes of the handover that reserve_mem= revived, by offset. */
static int reserve_mem_kho_revived[RESERVE_MEM_MAX_ENTRIES] __initdata;
static unsigned int reserve_mem_kho_nr_revived __initdata;

/**
 * reserve_mem_kho_name_ok() - can a region of this name be handed over?
 * @name: a reserve_mem= name
 *
 * Return: true if @name fits reserve_mem's table and is a DT node name
 * without a unit address.
 */
VISIBLE_IF_KUNIT bool reserve_mem_kho_name_ok(const char *name)
{
	size_t n = strnlen(name, RESERVE_MEM_NAME_SIZE);

	return n && n < RESERVE_MEM_NAME_SIZE &&
	       strspn(name, RESERVE_MEM_KHO_NAME_CHARS) == n;
}
EXPORT_SYMBOL_IF_KUNIT(reserve_mem_kho_name_ok);

static bool reserve_mem_kho_get_u64(const void *fdt, int node,
				    const char *name, u64 *val)
{
	const u64 *prop;
	int len;

	prop = fdt_getprop(fdt, node, name, &len);
	if (!prop || len != sizeof(*prop))
		return false;
	*val = get_unaligned(prop);
	return true;
}

/**
 * reserve_mem_kho_check_node() - read a handed-over reserve_mem node
 * @fdt: the KHO DT
 * @node: offset of a node compatible with "reserve-mem-v1"
 * @region: filled in with the region @node describes
 *
 * Return: NULL if @node describes a region reserve_mem= could have made,
 * else why not.
 */
VISIBLE_IF_KUNIT const char *
reserve_mem_kho_check_node(const void *fdt, int node,
			   struct reserve_mem_kho_region *region)
{
	const struct kho_mem *mem;
	const char *name;
	u64 start, size;
	int len;

	name = fdt_get_name(fdt, node, NULL);
	if (!name || !reserve_mem_kho_name_ok(name))
		return "its name is not one reserve_mem= hands over";
	if (!reserve_mem_kho_get_u64(fdt, node, "start", &start) ||
	    !reserve_mem_kho_get_u64(fdt, node, "size", &size) ||
	    !reserve_mem_kho_get_u64(fdt, node, "align", &region->align))
		return "its start, size or align is missing or not a u64";
	mem = fdt_getprop(fdt, node, KHO_MEM_PROP, &len);
	if (!mem || len != sizeof(*mem))
		return "its mem property is not one entry";
	if (!size || start + size < start)
		return "its size is 0 or wraps";
	if (!is_power_of_2(region->align) || region->align < SMP_CACHE_BYTES ||
	    !IS_ALIGNED(start, region->align))
		return "its align is under a cache line, not a power of two, or not its start's";
	if (get_unaligned(&mem->addr) != start ||
	    get_unaligned(&mem->len) != size)
		return "its mem entry is not its start and size";
	strscpy(region->name, name);
	region->mem.addr = start;
	region->mem.len = size;
	return NULL;
}
EXPORT_SYMBOL_IF_KUNIT(reserve_mem_kho_check_node);

/**
 * reserve_mem_kho_sharer() - does another node name bytes of a region?
 * @fdt: the KHO DT
 * @node: offset of the region's node
 * @mem: the region
 *
 * Two consumers must not write to the same bytes. Sharing a page is fine:
 * each "mem" entry holds its own reference to the page. An entry of length
 * 0 names no bytes.
 *
 * Return: the name of the first other node with a "mem" entry that overlaps
 * @mem, or NULL. Linear in the size of @fdt.
 */
VISIBLE_IF_KUNIT const char *reserve_mem_kho_sharer(const void *fdt, int node,
						    const struct kho_mem *mem)
{
	const struct kho_mem *other_mem;
	int other, len, i;

	for (other = fdt_next_node(fdt, -1, NULL); other >= 0;
	     other = fdt_next_node(fdt, other, NULL)) {
		if (other == node)
			continue;
		other_mem = fdt_getprop(fdt, other, KHO_MEM_PROP, &len);
		if (!other_mem)
			continue;
		for (i = 0; i < len / (int)sizeof(*other_mem); i++) {
			u64 addr = get_unaligned(&other_mem[i].addr);
			u64 len = get_unaligned(&other_mem[i].len);

			if (len && addr < mem->addr + mem->len &&
			    mem->addr < addr + len)
				return fdt_get_name(fdt, other, NULL);
		}
	}
	return NULL;
}
EXPORT_SYMBOL_IF_KUNIT(reserve_mem_kho_sharer);

/*
 * Is @node a reserve_mem node? Its compatible must be exactly ours: a node
 * that another driver may also take for its own is none of ours to free.
 */
static bool __init reserve_mem_kho_is_node(const void *fdt, int node)
{
	const char *compatible;
	int len;

	compatible = fdt_getprop(fdt, node, "compatible", &len);
	return compatible && len == sizeof(RESERVE_MEM_KHO_COMPATIBLE) &&
	       !memcmp(compatible, RESERVE_MEM_KHO_COMPATIBLE, len);
}

/*
 * The reserve_mem node of the handover named @name: -ENOENT if there is
 * none, -EEXIST if there are two.
 */
static int __init reserve_mem_kho_find(const void *fdt, const char *name)
{
	int node, found = -ENOENT;

	fdt_for_each_subnode(node, fdt, 0) {
		if (!reserve_mem_kho_is_node(fdt, node) ||
		    strcmp(fdt_get_name(fdt, node, NULL), name))
			continue;
		if (found >= 0)
			return -EEXIST;
		found = node;
	}
	return found;
}

/*
 * Can the node @node of the handover (or -EEXIST, for two nodes) give
 * reserve_mem=@size:@align:@name its region? If not, say why in one line.
 */
static bool __init reserve_mem_kho_can_revive(const void *fdt, int node,
					      const char *name,
					      phys_addr_t size,
					      phys_addr_t align,
					      struct reserve_mem_kho_region *old)
{
	const char *why, *sharer;

	if (node == -EEXIST) {
		pr_warn("%s not revived: two nodes of the handover have its name; allocating it anew\n",
			name);
		return false;
	}
	why = reserve_mem_kho_check_node(fdt, node, old);
	if (why) {
		pr_warn("%s not revived: its node in the handover is malformed: %s; allocating it anew\n",
			name, why);
		return false;
	}
	if (old->mem.len != size || old->align != align) {
		pr_warn("%s not revived: the previous kernel's had size %#llx and alignment %#llx, this one asks for %#llx and %#llx; allocating it anew, the old memory is freed\n",
			name, old->mem.len, old->align, (u64)size, (u64)align);
		return false;
	}
	sharer = reserve_mem_kho_sharer(fdt, node, &old->mem);
	if (sharer) {
		pr_warn("%s not revived: node %.31s of the handover names memory of it too; allocating it anew\n",
			name, sharer);
		return false;
	}
	return true;
}

/**
 * kho_revive_reserve_mem() - take a reserve_mem region back from the handover
 * @name: the name reserve_mem= gives the region
 * @size: its size
 * @align: its alignment, at least SMP_CACHE_BYTES
 *
 * Called by reserve_mem= before it allocates. In a KHO boot, the handover
 * has a node of @name whose region has @size and @align and whose bytes no
 * other node names: that region is the answer, reserved already. Otherwise
 * the node, if any, is logged with the reason and freed later. Called only
 * while reserve_mem's table has room for the region.
 *
 * Return: the start of the revived region, or 0 to allocate one.
 */
phys_addr_t __init kho_revive_reserve_mem(const char *name, phys_addr_t size,
					  phys_addr_t align)
{
	struct reserve_mem_kho_region old;
	const void *fdt = kho_get_fdt();
	int node;

	if (!fdt)
		return 0;
	node = reserve_mem_kho_find(fdt, name);
	if (node == -ENOENT ||
	    !reserve_mem_kho_can_revive(fdt, node, name, size, align, &old))
		return 0;

	/* reserve_mem= adds the region to its table, which has room. */
	reserve_mem_kho_revived[reserve_mem_kho_nr_revived++] = node;
	pr_info("%s revived from the previous kernel at %#llx\n", name,
		old.mem.addr);
	return old.mem.addr;
}

/**
 * kho_record_reserve_mem() - hand a reserve_mem region on at activation
 * @name: its name
 * @start: its first byte
 * @size: its size
 * @align: its alignment
 *
 * Called by reserve_mem= for each region it adds to its table, which holds
 * RESERVE_MEM_MAX_ENTRIES at most.
 */
void __init kho_record_reserve_mem(const char *name, phys_addr_t start,
				   phys_addr_t size, phys_addr_t align)
{
	struct reserve_mem_kho_region *region;

	region = &reserve_mem_kho_out[reserve_mem_kho_nr_out++];
	strscpy(region->name, name);
	region->mem.addr = start;
	region->mem.len = size;
	region->align = align;
}

static int reserve_mem_kho_dump(void *fdt,
				const struct reserve_mem_kho_region *region)
{
	int err;

	err = fdt_begin_node(fdt, region->name);
	err = err ?: fdt_property_string(fdt, "compatible",
					 RESERVE_MEM_KHO_COMPATIBLE);
	err = err ?: fdt_property(fdt, "start", &region->mem.addr,
				  sizeof(region->mem.addr));
	err = err ?: fdt_property(fdt, "size", &region->mem.len,
				  sizeof(region->mem.len));
	err = err ?: fdt_property(fdt, "align", &region->align,
				  sizeof(region->align));
	err = err ?: fdt_property(fdt, KHO_MEM_PROP, &region->mem,
				  sizeof(region->mem));
	err = err ?: fdt_end_node(fdt);
	return err ? kho_fdt_errno(err) : 0;
}

static int reserve_mem_kho_notify(struct notifier_block *nb,
				  unsigned long event, void *fdt)
{
	const struct reserve_mem_kho_region *region;
	int err;

	if (event != KEXEC_KHO_DUMP)
		return NOTIFY_DONE;
	for (region = reserve_mem_kho_out;
	     region < reserve_mem_kho_out + reserve_mem_kho_nr_out; region++) {
		if (!reserve_mem_kho_name_ok(region->name)) {
			pr_warn("%s is not handed over: only names of letters, digits and ,._+- can be\n",
				region->name);
			continue;
		}
		err = reserve_mem_kho_dump(fdt, region);
		if (err) {
			pr_err("cannot hand %s over: %d\n", region->name, err);
			return notifier_from_errno(err);
		}
	}
	return NOTIFY_OK;
}

static struct notifier_block reserve_mem_kho_nb = {
	.notifier_call = reserve_mem_kho_notify,
};

static bool __init reserve_mem_kho_was_revived(int node)
{
	unsigned int i;

	for (i = 0; i < reserve_mem_kho_nr_revived; i++)
		if (reserve_mem_kho_revived[i] == node)
			return true;
	return false;
}

/*
 * Say why @node revived nothing, unless reserve_mem= said it already (a
 * region of its name exists: it was allocated anew).
 */
static void __init reserve_mem_kho_report(const void *fdt, int node)
{
	struct reserve_mem_kho_region old;
	const char *name = fdt_get_name(fdt, node, NULL);
	phys_addr_t start, size;
	const char *why;

	if (reserve_mem_find_by_name(name, &start, &size))
		return;
	why = reserve_mem_kho_check_node(fdt, node, &old);
	if (why)
		pr_warn("node %.31s of the handover revives nothing, it is malformed: %s; its memory is freed\n",
			name, why);
	else
		pr_info("%s not revived: no reserve_mem= names it; its %#llx bytes at %#llx are freed\n",
			name, old.mem.len, old.mem.addr);
}

/*
 * Visit the "mem" entries of the reserve_mem nodes that revived nothing:
 * counts them if @mem is NULL, else copies them there, and reports each of
 * the first RESERVE_MEM_MAX_ENTRIES such nodes and how many more there are.
 */
static size_t __init reserve_mem_kho_unrevived(const void *fdt,
					       struct kho_mem *mem)
{
	size_t n = 0, nodes = 0;
	const struct kho_mem *entries;
	int node, len, i;

	fdt_for_each_subnode(node, fdt, 0) {
		if (!reserve_mem_kho_is_node(fdt, node) ||
		    reserve_mem_kho_was_revived(node))
			continue;
		if (mem && nodes++ < RESERVE_MEM_MAX_ENTRIES)
			reserve_mem_kho_report(fdt, node);
		entries = fdt_getprop(fdt, node, KHO_MEM_PROP, &len);
		for (i = 0; entries && i < len / (int)sizeof(*entries); i++, n++) {
			if (!mem)
				continue;
			mem[n].addr = get_unaligned(&entries[i].addr);
			mem[n].len = get_unaligned(&entries[i].len);
		}
	}
	if (nodes > RESERVE_MEM_MAX_ENTRIES)
		pr_warn("%zu more nodes of the handover revive nothing; their memory is freed\n",
			nodes - RESERVE_MEM_MAX_ENTRIES);
	return n;
}

/*
 * Free, cleared, what the reserve_mem nodes that revived nothing name: a
 * region allocated in its place later must not find their records and take
 * them for the previous kernel's. One pass over all of them, so that their
 * cost is linear however many entries name the same pages.
 */
static void __init reserve_mem_kho_free_unrevived(const void *fdt)
{
	struct kho_mem *mem;
	size_t nr;
	int err;

	nr = reserve_mem_kho_unrevived(fdt, NULL);
	mem = kvmalloc_array(nr ?: 1, sizeof(*mem), GFP_KERNEL);
	if (!mem) {
		pr_err("cannot free what the handover's unrevived regions hold: %d\n",
		       -ENOMEM);
		return;
	}
	reserve_mem_kho_unrevived(fdt, mem);
	err = kho_return_mem_cleared(mem, nr);
	if (err)
		pr_err("cannot free what the handover's unrevived regions hold: %d\n",
		       err);
	kvfree(mem);
}

/*
 * After kho_in_init() has counted the users of each handed-over page (a
 * subsys_initcall): free what no reserve_mem= revived, and take part in the
 * next handover.
 */
static int __init reserve_mem_kho_init(void)
{
	const void *fdt = kho_get_fdt();
	int err;

	if (fdt)
		reserve_mem_kho_free_unrevived(fdt);
	if (!reserve_mem_kho_nr_out)
		return 0;
	err = register_kho_notifier(&reserve_mem_kho_nb);
	if (err)
		pr_err("cannot take part in the handover: %d\n", err);
	return err;
}
subsys_initcall_sync(reserve_mem_kho_init);
