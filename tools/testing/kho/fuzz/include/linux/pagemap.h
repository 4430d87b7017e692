/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The largest folio of the page cache, as in the arm64 kernels KHO runs,
 * with 4 KiB pages and THP: include/linux/pagemap.h makes it
 * min(MAX_XAS_ORDER, PREFERRED_MAX_PAGECACHE_ORDER), that is
 * min(XA_CHUNK_SHIFT * 2 - 1, HPAGE_PMD_ORDER) = min(11, 9).
 */
#ifndef _KHO_FUZZ_PAGEMAP_H
#define _KHO_FUZZ_PAGEMAP_H

#include <linux/kernel.h>

#define MAX_PAGECACHE_ORDER	9

#endif /* _KHO_FUZZ_PAGEMAP_H */
