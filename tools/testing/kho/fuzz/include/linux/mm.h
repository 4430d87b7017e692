/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The fuzzer's physical memory. The input supplies the pages of a window
 * that starts at KHO_FUZZ_PAGES; every other page of the address space
 * reads as zeros. fuzz_handover.c defines phys_to_virt() and counts its
 * calls: it bounds them to tell that a walk of the tracker is linear.
 */
#ifndef _KHO_FUZZ_MM_H
#define _KHO_FUZZ_MM_H

#include <linux/kernel.h>

#define KHO_FUZZ_PAGES	0x100000000ULL

extern unsigned long kho_fuzz_virt_calls;

void *phys_to_virt(phys_addr_t phys);

#endif /* _KHO_FUZZ_MM_H */
