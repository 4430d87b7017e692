/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _LINUX_KEXEC_HANDOVER_H
#define _LINUX_KEXEC_HANDOVER_H

#include <linux/types.h>

/* What mm/memblock.c uses of Kexec HandOver, for memblock's simulator. */
struct kho_mem {
	__u64 addr;
	__u64 len;
};

#ifdef CONFIG_MEMBLOCK_KHO_SCRATCH
/* Defined by the tests of scratch-only allocation. */
bool kho_scratch_exhausted(phys_addr_t size, phys_addr_t start,
			   phys_addr_t end);
#else
static inline bool kho_scratch_exhausted(phys_addr_t size, phys_addr_t start,
					 phys_addr_t end)
{
	return false;
}
#endif

/* reserve_mem= allocates as it would without a handover. */
static inline phys_addr_t kho_revive_reserve_mem(const char *name,
						 phys_addr_t size,
						 phys_addr_t align)
{
	return 0;
}

static inline void kho_record_reserve_mem(const char *name, phys_addr_t start,
					  phys_addr_t size, phys_addr_t align)
{
}

#endif
