/* SPDX-License-Identifier: GPL-2.0 */
/* The host has no scheduler to yield to. */
#ifndef _KHO_FUZZ_SCHED_H
#define _KHO_FUZZ_SCHED_H

#include <linux/kernel.h>

static inline int cond_resched(void)
{
	return 0;
}

#endif /* _KHO_FUZZ_SCHED_H */
