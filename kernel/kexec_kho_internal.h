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

/**
 * struct kho_out - the outgoing side of one KHO instance
 * @chain: notifiers called with KEXEC_KHO_DUMP and KEXEC_KHO_ABORT
 * @lock: serializes activation, abort and changes of @dt_max
 * @fdt: the finished DT while active, NULL otherwise
 * @mem_cache: while active, every range the DT hands over (see
 *	       kho_mem_cache_build())
 * @mem_cache_nr: number of entries of @mem_cache
 * @generation: number of the current activation, counted from 1
 * @dt_max: size of the buffer the DT is built in
 * @scratch_base: physical address of the scratch region
 * @scratch_size: its size; activation needs one
 * @scratch_needed: what the next kernel takes of the scratch region early
 *		    in boot besides the DT and the mem cache, 0 if unknown
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
	struct kho_mem *mem_cache;
	size_t mem_cache_nr;
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
int kho_mem_count_users(const void *fdt, const struct kho_mem *ranges,
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
 * @fdt: the DT to load
 * @fdt_len: its length in bytes
 * @cache: the mem cache to load
 * @cache_len: its length in bytes
 */
struct kho_segments {
	const void *fdt;
	size_t fdt_len;
	const void *cache;
	size_t cache_len;
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

bool kho_ranges_hold(const struct kho_mem *ranges, size_t nr,
		     const struct kho_mem *r);
bool kho_inherited_scratch(phys_addr_t *base, phys_addr_t *size);
phys_addr_t kho_early_size(void);
const char *kho_in_check(const void *fdt, u64 dt_len,
			 const struct kho_mem *cache, size_t nr,
			 const struct kho_mem *scratch,
			 bool (*is_ram)(u64 addr, u64 len));

#endif /* _KERNEL_KEXEC_KHO_INTERNAL_H */
