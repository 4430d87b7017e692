/* SPDX-License-Identifier: GPL-2.0 */
/* <errno.h> includes <linux/errno.h>: this one, given -I include. */
#include <asm/errno.h>
