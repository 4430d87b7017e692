/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kexec_kho_internal.h declares struct kho_preserved, the builder's
 * tracker, with an xarray per order: the builder is not built for the
 * host, so the struct only needs to be complete.
 */
#ifndef _KHO_FUZZ_XARRAY_H
#define _KHO_FUZZ_XARRAY_H

struct xarray {
	void *head;
};

#endif /* _KHO_FUZZ_XARRAY_H */
