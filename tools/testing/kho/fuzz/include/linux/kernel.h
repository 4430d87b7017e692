/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What kernel/kexec_kho_mem.c takes from the kernel, for the host: the
 * fuzzer builds that file unchanged against these headers and the tree's
 * own libfdt.
 */
#ifndef _KHO_FUZZ_KERNEL_H
#define _KHO_FUZZ_KERNEL_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef uint8_t u8;
typedef uint32_t u32;
typedef uint32_t __u32;
typedef uint64_t u64;
typedef uint64_t __u64;
typedef uint64_t phys_addr_t;

#define U64_MAX		UINT64_MAX
#define SZ_1M		0x00100000
#define SZ_1G		0x40000000

#define PAGE_SHIFT	12
#define PAGE_SIZE	(1UL << PAGE_SHIFT)
#define ALIGN_DOWN(x, a)	((x) & ~((__typeof__(x))(a) - 1))
#define ALIGN(x, a)	ALIGN_DOWN((x) + (a) - 1, (a))
#define PAGE_ALIGN(x)	ALIGN((x), PAGE_SIZE)
#define PAGE_ALIGN_DOWN(x)	ALIGN_DOWN((x), PAGE_SIZE)
#define PAGE_ALIGNED(x)	(!((x) & (PAGE_SIZE - 1)))

#define __aligned(x)	__attribute__((aligned(x)))

/* Like the kernel's, undefined for 0: callers test the word first. */
static inline unsigned long __ffs64(u64 word)
{
	return __builtin_ctzll(word);
}

#define min(a, b)	((a) < (b) ? (a) : (b))
#define max(a, b)	((a) > (b) ? (a) : (b))
#define min_t(t, a, b)	min((t)(a), (t)(b))
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* The fuzzer counts log lines: every refusal must say why. */
extern unsigned long kho_fuzz_log_lines;
#define pr_err(fmt, ...)	(kho_fuzz_log_lines++)
#define pr_warn(fmt, ...)	(kho_fuzz_log_lines++)
#define pr_info(fmt, ...)	((void)0)

#define GFP_KERNEL		0
#define __GFP_RETRY_MAYFAIL	0
#define __GFP_NOWARN		0

static inline void *kvmalloc_array(size_t n, size_t size, int gfp)
{
	if (size && n > SIZE_MAX / size)
		return NULL;
	return malloc(n * size ? n * size : 1);
}

static inline void kvfree(const void *p)
{
	free((void *)p);
}

static inline void sort(void *base, size_t num, size_t size,
			int (*cmp)(const void *, const void *), void *swap)
{
	/* The kernel's takes an empty NULL array, qsort() does not. */
	if (num)
		qsort(base, num, size, cmp);
}

#endif /* _KHO_FUZZ_KERNEL_H */
