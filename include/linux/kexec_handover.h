/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kexec HandOver (KHO): pass structured state and ranges of memory from the
 * running kernel to the next one across kexec.
 *
 * Drivers register a notifier. When user space activates KHO, each notifier
 * is called with KEXEC_KHO_DUMP and a flattened device tree under
 * construction (the libfdt sequential-write API), and adds its own node. A
 * node may name memory that must survive the kexec in place with a "mem"
 * property: an array of struct kho_mem in native endianness.
 */
#ifndef _LINUX_KEXEC_HANDOVER_H
#define _LINUX_KEXEC_HANDOVER_H

#include <linux/errno.h>
#include <linux/types.h>

struct notifier_block;

/* Events of the KHO notifier chain. */
enum kho_event {
	KEXEC_KHO_DUMP = 0,	/* data: the void *fdt to write a node into */
	KEXEC_KHO_ABORT = 1,	/* data: NULL; drop what the dump recorded */
};

/**
 * struct kho_mem - a range of physical memory handed to the next kernel
 * @addr: physical address of the first byte
 * @len: length in bytes
 *
 * The element of every "mem" property; the layout is ABI.
 */
struct kho_mem {
	__u64 addr;
	__u64 len;
};

/**
 * struct kho_kimage - the handover a kexec image was loaded with
 * @generation: the activation whose state it carries; 0 for none
 * @fdt: where its copy of the KHO DT is loaded, and its size
 */
struct kho_kimage {
	u64 generation;
	struct kho_mem fdt;
};

struct folio;
struct kimage;
struct resource;

/* Root compatible of the KHO device tree, and name of the memory property. */
#define KHO_FDT_COMPATIBLE	"kho-v1"
#define KHO_MEM_PROP		"mem"
/* Compatible of the node that hands a reserve_mem= region on. */
#define RESERVE_MEM_KHO_COMPATIBLE	"reserve-mem-v1"

#ifdef CONFIG_KEXEC_KHO
int register_kho_notifier(struct notifier_block *nb);
int unregister_kho_notifier(struct notifier_block *nb);
bool kho_is_active(void);
int kho_fdt_errno(int fdt_err);
void kho_reserve_scratch(void);
int kho_fill_kimage(struct kimage *image);
bool kho_kimage_scratch(const struct kimage *image, struct resource *res);
int kho_add_chosen(const struct kimage *image, void *fdt, int chosen);
int kho_check_kimage(const struct kimage *image);
void kho_scan_chosen(const void *fdt);
void kho_check_memory(void);
bool kho_scratch_exhausted(phys_addr_t size, phys_addr_t start,
			   phys_addr_t end);
void kho_reserve_handover(void);
void kho_hold_scratch(void);
void kho_release_scratch(void);
bool is_kho_boot(void);
const void *kho_get_fdt(void);
void *kho_claim_mem(const struct kho_mem *mem);
void kho_return_mem(const struct kho_mem *mem);
int kho_return_mem_cleared(const struct kho_mem *mem, size_t nr);
phys_addr_t kho_revive_reserve_mem(const char *name, phys_addr_t size,
				   phys_addr_t align);
void kho_record_reserve_mem(const char *name, phys_addr_t start,
			    phys_addr_t size, phys_addr_t align);
int kho_preserve_folio(struct folio *folio);
#else
static inline int register_kho_notifier(struct notifier_block *nb)
{
	return -EINVAL;
}

static inline int unregister_kho_notifier(struct notifier_block *nb)
{
	return -EINVAL;
}

static inline bool kho_is_active(void)
{
	return false;
}

static inline int kho_fdt_errno(int fdt_err)
{
	return -EINVAL;
}

static inline void kho_reserve_scratch(void)
{
}

static inline int kho_fill_kimage(struct kimage *image)
{
	return 0;
}

static inline bool kho_kimage_scratch(const struct kimage *image,
				      struct resource *res)
{
	return false;
}

static inline int kho_add_chosen(const struct kimage *image, void *fdt,
				 int chosen)
{
	return 0;
}

static inline int kho_check_kimage(const struct kimage *image)
{
	return 0;
}

static inline void kho_scan_chosen(const void *fdt)
{
}

static inline void kho_check_memory(void)
{
}

static inline bool kho_scratch_exhausted(phys_addr_t size,
					 phys_addr_t start, phys_addr_t end)
{
	return false;
}

static inline void kho_reserve_handover(void)
{
}

static inline void kho_hold_scratch(void)
{
}

static inline void kho_release_scratch(void)
{
}

static inline bool is_kho_boot(void)
{
	return false;
}

static inline const void *kho_get_fdt(void)
{
	return NULL;
}

static inline void *kho_claim_mem(const struct kho_mem *mem)
{
	return NULL;
}

static inline void kho_return_mem(const struct kho_mem *mem)
{
}

static inline int kho_return_mem_cleared(const struct kho_mem *mem, size_t nr)
{
	return -EINVAL;
}

static inline phys_addr_t kho_revive_reserve_mem(const char *name,
						 phys_addr_t size,
						 phys_addr_t align)
{
	return 0;
}

static inline int kho_preserve_folio(struct folio *folio)
{
	return -EINVAL;
}

static inline void kho_record_reserve_mem(const char *name, phys_addr_t start,
					  phys_addr_t size, phys_addr_t align)
{
}
#endif /* CONFIG_KEXEC_KHO */

#endif /* _LINUX_KEXEC_HANDOVER_H */
