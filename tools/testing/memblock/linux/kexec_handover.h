/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _LINUX_KEXEC_HANDOVER_H
#define _LINUX_KEXEC_HANDOVER_H

#include <linux/types.h>

/*
 * The memblock simulator has no Kexec HandOver: what mm/memblock.c calls
 * of it, as a kernel built without it would.
 */
static inline bool kho_scratch_exhausted(phys_addr_t size, phys_addr_t start,
					 phys_addr_t end)
{
	return false;
}

#endif
