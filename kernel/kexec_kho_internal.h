/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kexec HandOver: state shared between the KHO sources and their KUnit
 * suites. Not for drivers: they use <linux/kexec_handover.h>.
 */
#ifndef _KERNEL_KEXEC_KHO_INTERNAL_H
#define _KERNEL_KEXEC_KHO_INTERNAL_H

#include <linux/kexec_handover.h>
#include <linux/mutex.h>
#include <linux/notifier.h>
#include <linux/sizes.h>
#include <linux/types.h>
#include <linux/xarray.h>

/* Size of the DT buffer unless user space says otherwise. */
#define KHO_DT_MAX_DEFAULT	(10 * SZ_1M)
/* Smallest DT buffer that holds a header and the root node. */
#define KHO_DT_MAX_MIN		256
/* The DT is copied into scratch for the next kernel: keep it sane. */
#define KHO_DT_MAX_LIMIT	SZ_1G
/*
 * kho_scratch=auto: the next kernel, its initrd and what it allocates
 * early may outgrow this kernel's, and the DT and mem cache come on top.
 */
#define KHO_SCRATCH_AUTO_FACTOR	2
#define KHO_SCRATCH_AUTO_EXTRA	SZ_16M

/*
 * The tracker: which pages a handover preserves, and at which order, in
 * pages of preserved memory that the DT root's KHO_TRACKER_PROP points to.
 * Documentation/kho/tracker.rst gives the format; it is ABI between
 * kernels.
 */
#define KHO_TRACKER_PROP	"kho-tracker-v1"
/*
 * A node's pages that the tracker preserves and no "mem" entry names (a
 * memfd's folios and file map), counted so that the next kernel can tell
 * in early boot that the tracker preserves no more than the DT accounts
 * for: one u64.
 */
#define KHO_PAGES_PROP		"kho-pages"
#define KHO_TRACKER_MAGIC	0x316b7274206f686bULL	/* "kho trk1" */
/* Orders up to 1 GiB folios of 4 KiB pages, with room above. */
#define KHO_TRACKER_MAX_ORDER	20
#define KHO_TRACKER_LEAF_BITS	(PAGE_SIZE * 8)
/*
 * The next kernel reserves runs of preserved pages closer than this as
 * one region, and frees the pages between them once the page allocator
 * runs: its array of reserved regions does not grow with fragmentation.
 */
#define KHO_RUN_GAP		SZ_2M
/* Pages a loop over struct pages walks between two reschedules. */
#define KHO_RESCHED_PAGES	1024

/**
 * struct kho_tracker_leaf - one page of bits of a tracker
 * @bitmap: physical address of the page of bits
 * @first_pfn: the frame of the first page bit 0 stands for, a multiple
 *	       of KHO_TRACKER_LEAF_BITS << @order
 * @order: bit i set preserves the 2^@order pages at
 *	   @first_pfn + (i << @order)
 * @reserved: 0
 */
struct kho_tracker_leaf {
	__u64 bitmap;
	__u64 first_pfn;
	__u32 order;
	__u32 reserved;
};

/**
 * struct kho_tracker_block - one page of a tracker's list of leaves
 * @magic: KHO_TRACKER_MAGIC
 * @next: physical address of the next block, 0 for the last
 * @page_shift: PAGE_SHIFT of the kernel that wrote it
 * @nr: number of @leaf in use, at least 1
 * @reserved: 0
 * @leaf: sorted by order, then by first_pfn, across all blocks
 */
struct kho_tracker_block {
	__u64 magic;
	__u64 next;
	__u32 page_shift;
	__u32 nr;
	__u64 reserved;
	struct kho_tracker_leaf leaf[];
};

#define KHO_TRACKER_LEAVES						\
	((PAGE_SIZE - sizeof(struct kho_tracker_block)) /		\
	 sizeof(struct kho_tracker_leaf))

/**
 * struct kho_tracker_cursor - where a walk is in the leaves of one order
 * @block: the block of the leaf
 * @leaf: its index in @block
 * @order: the order walked
 * @bit: the next bit to look at in the leaf
 * @bits: the leaf's bits, once the walk found a set one there
 * @addr: the address of the block of the bit found, U64_MAX at the end
 */
struct kho_tracker_cursor {
	const struct kho_tracker_block *block;
	unsigned int leaf;
	unsigned int order;
	unsigned long bit;
	const u64 *bits;
	u64 addr;
};

/**
 * struct kho_tracker_iter - a walk over the runs a tracker preserves, in
 * address order; see kho_tracker_iter_start()
 * @why: what is wrong with the tracker, once the walk found it; else NULL
 * @nr: number of orders the tracker has leaves of
 * @cur: a cursor per order in use
 * @run: the run being gathered
 */
struct kho_tracker_iter {
	const char *why;
	unsigned int nr;
	struct kho_tracker_cursor cur[KHO_TRACKER_MAX_ORDER + 1];
	struct kho_mem run;
};

const char *kho_tracker_check(u64 phys, const struct kho_mem *scratch,
			      bool (*is_ram)(u64 addr, u64 len),
			      size_t *nr_pages);
size_t kho_tracker_pages(u64 phys, struct kho_mem *pages);
void kho_tracker_iter_start(struct kho_tracker_iter *it, u64 phys);
bool kho_tracker_next(struct kho_tracker_iter *it, struct kho_mem *run);
bool kho_tracker_test_near(const struct kho_tracker_leaf *const *leaves,
			   size_t nr, u64 pfn, unsigned int order,
			   size_t *hint);
bool kho_tracker_test(const struct kho_tracker_leaf *const *leaves,
		      size_t nr, u64 pfn, unsigned int order);
bool kho_tracker_holds(phys_addr_t phys, unsigned int order);
bool kho_mem_named(const struct kho_mem *r);
void kho_manage_pages(phys_addr_t phys, unsigned long pages, bool manage);
struct folio *kho_adopt_folio(phys_addr_t phys, unsigned int order);
struct folio *kho_adopt_huge_page(phys_addr_t phys, unsigned int order);

/**
 * struct kho_memfd_folio - one folio of a memfd's file map
 * @index: the page offset of the folio in the file, a multiple of its size
 * @phys: its physical address, or'ed with its order
 */
struct kho_memfd_folio {
	__u64 index;
	__u64 phys;
};

/**
 * struct kho_memfd_map - one page of a memfd's file map
 * @next: physical address of the next page, 0 for the last
 * @nr: number of @folio in use, at least 1
 * @folio: the folios, by increasing index across all pages
 *
 * A memfd node of the KHO DT (compatible "kho-memfd-v2") points to the
 * first page; Documentation/kho/index.rst gives the format, which is ABI
 * between kernels.
 */
struct kho_memfd_map {
	__u64 next;
	__u64 nr;
	struct kho_memfd_folio folio[];
};

#define KHO_MEMFD_MAP_FOLIOS						\
	((PAGE_SIZE - sizeof(struct kho_memfd_map)) /			\
	 sizeof(struct kho_memfd_folio))
#define KHO_MEMFD_ORDER_MASK	(PAGE_SIZE - 1)

/* The folio at @f of a file map: its address and order. */
static inline phys_addr_t kho_memfd_folio(const struct kho_memfd_folio *f,
					  unsigned int *order)
{
	*order = f->phys & KHO_MEMFD_ORDER_MASK;
	return f->phys & ~(phys_addr_t)KHO_MEMFD_ORDER_MASK;
}

size_t kho_file_map_check(u64 map, u64 nr_folios, u64 size,
			  unsigned int huge_order,
			  bool (*holds)(phys_addr_t phys, unsigned int order),
			  struct kho_mem *extra, const char **why);

#ifdef CONFIG_KEXEC_KHO_MEMFD
int kho_memfd_scan(const void *fdt, struct kho_mem **extra, size_t *nr);
void kho_memfd_unheld(void);
#else
static inline int kho_memfd_scan(const void *fdt, struct kho_mem **extra,
				 size_t *nr)
{
	*extra = NULL;
	*nr = 0;
	return 0;
}

static inline void kho_memfd_unheld(void)
{
}
#endif

/**
 * struct kho_preserved - the tracker an activation builds
 * @leaves: per order, the pages of bits by leaf index
 * @first: physical address of the first block, once sealed; 0 if empty
 * @nr_leaves: number of pages of bits
 * @nr_blocks: number of blocks, once sealed
 */
struct kho_preserved {
	struct xarray leaves[KHO_TRACKER_MAX_ORDER + 1];
	u64 first;
	unsigned long nr_leaves;
	unsigned long nr_blocks;
};

void kho_preserved_init(struct kho_preserved *p);
int kho_preserved_add(struct kho_preserved *p, unsigned long pfn,
		      unsigned int order);
int kho_preserved_add_range(struct kho_preserved *p,
			    const struct kho_mem *pages);
int kho_preserved_clone(struct kho_preserved *dst, struct kho_preserved *src);
int kho_preserved_seal(struct kho_preserved *p);
void kho_preserved_destroy(struct kho_preserved *p);

/**
 * struct kho_out - the outgoing side of one KHO instance
 * @chain: notifiers called with KEXEC_KHO_DUMP and KEXEC_KHO_ABORT
 * @lock: serializes activation, abort and changes of @dt_max
 * @fdt: the finished DT while active, NULL otherwise
 * @preserved: while active, the tracker of what the DT hands over
 * @generation: number of the current activation, counted from 1
 * @dt_max: size of the buffer the DT is built in
 * @scratch_base: physical address of the scratch region
 * @scratch_size: its size; activation needs one
 * @scratch_needed: what the next kernel takes of the scratch region early
 *		    in boot besides what the handover needs, 0 if unknown
 * @exclude_kexec: publish and withdraw the DT under the kexec lock, and
 *		   refuse a change of state (-EBUSY) while a kexec load or
 *		   reboot holds it
 * @publish: optional, makes the finished DT visible (called under @lock)
 * @unpublish: optional, undoes @publish before the DT is freed
 *
 * The kernel has one instance, behind /sys/kernel/kho; the KUnit suites
 * build their own.
 */
struct kho_out {
	struct blocking_notifier_head chain;
	struct mutex lock;	/* held by writers only, never across phases */
	void *fdt;
	struct kho_preserved preserved;
	u64 generation;
	size_t dt_max;
	phys_addr_t scratch_base;
	phys_addr_t scratch_size;
	phys_addr_t scratch_needed;
	bool exclude_kexec;
	int (*publish)(struct kho_out *out);
	void (*unpublish)(struct kho_out *out);
};

/* The system's instance, behind /sys/kernel/kho. */
extern struct kho_out kho_out;

void kho_out_init(struct kho_out *out, phys_addr_t scratch_base,
		  phys_addr_t scratch_size);
int kho_out_store_active(struct kho_out *out, const char *buf);
struct kobject *kho_out_kobj(void);
bool kho_mem_handed_over(const struct kho_mem *mem);
bool kho_may_adopt_pages(const struct kho_mem *mem);
int kho_adopt_pages(const struct kho_mem *mem);
struct kobject *kho_in_kobj(void);
int kho_out_store_dt_max(struct kho_out *out, const char *buf);
/**
 * struct kho_mem_iter - a walk over the nodes of a DT that have a "mem"
 * property; starts zeroed, see kho_mem_iter_next()
 * @next: node to look at next, 0 for the root
 * @depth: depth of @next below the root
 * @node: node of @prop
 * @prop: its "mem" property
 * @len: length of @prop in bytes
 */
struct kho_mem_iter {
	int next;
	int depth;
	int node;
	const void *prop;
	int len;
};

bool kho_mem_iter_next(const void *fdt, struct kho_mem_iter *it);
bool kho_mem_pages(const struct kho_mem *mem, struct kho_mem *pages);
bool kho_mem_iter_pages(const struct kho_mem_iter *it, int i,
			struct kho_mem *pages);

/* Do ranges @a and @b share a byte? */
static inline bool kho_mem_overlaps(const struct kho_mem *a,
				    const struct kho_mem *b)
{
	return a->addr < b->addr + b->len && a->addr + a->len > b->addr;
}

/* The Devicetree specification's longest property name. */
#define KHO_DT_PROP_NAME_MAX	31

const char *kho_dt_check(const void *fdt, size_t len);
int kho_dt_check_unique(const void *fdt);
int kho_mem_count_users(const void *fdt, const struct kho_mem *extra,
			size_t nr_extra, const struct kho_mem *ranges,
			size_t nr,
			void (*visit)(const struct kho_mem *run,
				      unsigned long users, void *arg),
			void *arg);
int kho_mem_count_entries(const struct kho_mem *mem, size_t nr,
			  void (*visit)(const struct kho_mem *run,
					unsigned long users, void *arg),
			  void *arg);
int kho_mem_cache_build(const void *fdt, phys_addr_t scratch_base,
			phys_addr_t scratch_size, struct kho_mem **cachep,
			size_t *nrp);

/**
 * struct kho_segments - what a kexec image carries of the handover
 * @fdt: the DT to load, which points to the tracker
 * @fdt_len: its length in bytes
 */
struct kho_segments {
	const void *fdt;
	size_t fdt_len;
};

#ifdef CONFIG_KEXEC_KHO_CORRUPT_TEST
int kho_corrupt_segments(struct kho_segments *seg, phys_addr_t scratch);
#else
static inline int kho_corrupt_segments(struct kho_segments *seg,
				       phys_addr_t scratch)
{
	return 0;
}
#endif

bool kho_ranges_overlap(const struct kho_mem *ranges, size_t nr,
			const struct kho_mem *r);
bool kho_ranges_hold(const struct kho_mem *ranges, size_t nr,
		     const struct kho_mem *r);
bool kho_inherited_scratch(phys_addr_t *base, phys_addr_t *size);
bool kho_scratch_replaced(void);
phys_addr_t kho_early_size(void);
const char *kho_in_check_dt(const void *fdt, u64 dt_len, u64 *tracker,
			    size_t *nr_mem, u64 *extra);
const char *kho_in_check_tracker(const void *fdt, u64 tracker,
				 const struct kho_mem *scratch,
				 bool (*is_ram)(u64 addr, u64 len),
				 struct kho_mem *named, u64 extra);

#endif /* _KERNEL_KEXEC_KHO_INTERNAL_H */
