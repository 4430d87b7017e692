/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kexec_file_load() images in CMA: each segment of a normal image is placed
 * in a physically contiguous allocation from the default CMA area and loaded
 * where it will run, so the relocation code copies nothing at reboot.
 */
#ifndef _LINUX_KEXEC_CMA_H
#define _LINUX_KEXEC_CMA_H

#include <linux/errno.h>
#include <linux/types.h>
#include <uapi/linux/kexec.h>

struct kexec_buf;
struct kexec_segment;
struct kimage;
struct page;

/**
 * struct kimage_cma - the CMA allocations a kexec image holds
 * @enabled: segments of this image may be placed in CMA
 * @placed: the slots that ever held an allocation, one bit each
 * @pages: first page of the allocation that backs segment i, or NULL
 * @nr_pages: length of that allocation in pages
 *
 * Slot i belongs to segment i. A slot at or above the image's segment count
 * belongs to a segment the loader dropped; it is released when that slot is
 * placed again, or with the image.
 */
struct kimage_cma {
	bool enabled;
	unsigned long placed;
	struct page *pages[KEXEC_SEGMENT_MAX];
	unsigned long nr_pages[KEXEC_SEGMENT_MAX];
};

#ifdef CONFIG_KEXEC_FILE_CMA
void kimage_cma_setup(struct kimage *image, unsigned long flags);
int kimage_cma_alloc(struct kexec_buf *kbuf);
void kimage_cma_release(struct kimage *image);
bool kimage_cma_drop(struct kimage *image, unsigned long nr_segments);
bool kimage_cma_backed(struct kimage *image, unsigned long mem,
		       unsigned long size);
int kimage_cma_load_segment(struct kimage *image,
			    struct kexec_segment *segment);
void *kimage_cma_map_segment(struct kimage *image, unsigned long mem,
			     unsigned long size);
void kimage_cma_report(struct kimage *image);
#else
static inline void kimage_cma_setup(struct kimage *image, unsigned long flags)
{
}

static inline int kimage_cma_alloc(struct kexec_buf *kbuf)
{
	return -EOPNOTSUPP;
}

static inline void kimage_cma_release(struct kimage *image)
{
}

static inline bool kimage_cma_drop(struct kimage *image,
				   unsigned long nr_segments)
{
	return false;
}

static inline bool kimage_cma_backed(struct kimage *image, unsigned long mem,
				     unsigned long size)
{
	return false;
}

static inline int kimage_cma_load_segment(struct kimage *image,
					  struct kexec_segment *segment)
{
	return -EOPNOTSUPP;
}

static inline void *kimage_cma_map_segment(struct kimage *image,
					   unsigned long mem,
					   unsigned long size)
{
	return NULL;
}

static inline void kimage_cma_report(struct kimage *image)
{
}
#endif /* CONFIG_KEXEC_FILE_CMA */

#endif /* _LINUX_KEXEC_CMA_H */
