/* SPDX-License-Identifier: GPL-2.0 */
/*
 * reserve_mem regions across a Kexec HandOver: what mm/reserve_mem_kho.c
 * shows its KUnit suite.
 */
#ifndef _MM_RESERVE_MEM_KHO_H
#define _MM_RESERVE_MEM_KHO_H

#include <linux/kexec_handover.h>
#include <linux/memblock.h>

/**
 * struct reserve_mem_kho_region - a reserve_mem region as a handover names it
 * @name: the region's name, which is also its node's
 * @mem: its first byte and its size
 * @align: the alignment reserve_mem= asked for, at least a cache line
 */
struct reserve_mem_kho_region {
	char name[RESERVE_MEM_NAME_SIZE];
	struct kho_mem mem;
	u64 align;
};

#if IS_ENABLED(CONFIG_KUNIT)
bool reserve_mem_kho_name_ok(const char *name);
const char *reserve_mem_kho_check_node(const void *fdt, int node,
				       struct reserve_mem_kho_region *region);
const char *reserve_mem_kho_sharer(const void *fdt, int node,
				   const struct kho_mem *mem);
#endif

#endif /* _MM_RESERVE_MEM_KHO_H */
