// SPDX-License-Identifier: GPL-2.0
/*
 * kexec_file_load() images in CMA.
 *
 * At reboot, the relocation code copies every page of the next kernel, its
 * initrd and its DTB from where they were loaded to where they run, on one
 * CPU with the caches off. A segment that is loaded straight into a
 * contiguous allocation at its final address needs none of that: the pages
 * are already in place, and no device can have been told to use them.
 *
 * Each segment of a normal image is tried in the default CMA area first and
 * falls back to the ordinary placement when the area cannot serve it. Crash
 * images never use CMA: they live in the crashkernel region. An image that
 * carries a Kexec HandOver is placed in the KHO scratch region instead, which
 * kexec_locate_mem_hole() checks first.
 */

#define pr_fmt(fmt) "kexec: " fmt

#include <linux/cma.h>
#include <linux/debugfs.h>
#include <linux/dma-map-ops.h>
#include <linux/gfp.h>
#include <linux/highmem.h>
#include <linux/kexec.h>
#include <linux/seq_file.h>
#include <linux/vmalloc.h>

#include "kexec_internal.h"

/*
 * cma=size@base places the default area at a fixed address, where the next
 * kernel declares it again: over an image loaded into it. Mirrors the
 * parsing of early_cma().
 */
static bool kimage_cma_area_fixed __ro_after_init;

static int __init kimage_cma_parse(char *p)
{
	phys_addr_t size, base, limit;

	if (!p)
		return 0;
	size = memparse(p, &p);
	if (*p != '@')
		return 0;
	base = memparse(p + 1, &p);
	limit = *p == '-' ? memparse(p + 1, &p) : base + size;
	kimage_cma_area_fixed = base + size == limit;
	return 0;
}
early_param("cma", kimage_cma_parse);

/*
 * Only the area dma_contiguous_reserve() places at boot ("reserved") moves
 * out of the way of the next kernel's image. One from the DT
 * (shared-dma-pool) has a fixed address and carries its node's name.
 */
static struct cma *kimage_cma_area(void)
{
	struct cma *cma = dev_get_cma_area(NULL);

	if (!cma || kimage_cma_area_fixed || strcmp(cma_get_name(cma), "reserved"))
		return NULL;
	return cma;
}

/**
 * kimage_cma_setup - decide whether an image may use CMA
 * @image: a kexec_file_load() image whose type is known
 * @flags: the KEXEC_FILE_* flags of the load
 */
void kimage_cma_setup(struct kimage *image, unsigned long flags)
{
	image->cma.enabled = image->type == KEXEC_TYPE_DEFAULT &&
			     !(flags & KEXEC_FILE_NO_CMA);
}

/*
 * cma_release(), and cma_alloc() for the pages around the range it isolated,
 * free through the per-CPU page lists, where the pages count as neither free
 * nor CMA memory and may be handed to any movable allocation. Drain them, so
 * that the area is exactly what the images leave of it. Naming the zone
 * makes the drain wait for one already running instead of skipping it.
 */
static void kimage_cma_drain(struct page *page)
{
	drain_all_pages(page_zone(page));
}

static const char *kimage_name(struct kimage *image)
{
	return image->type == KEXEC_TYPE_CRASH ? "crash image" : "image";
}

static void kimage_cma_release_from(struct kimage *image, unsigned long first)
{
	struct kimage_cma *kc = &image->cma;
	struct page *released = NULL;
	unsigned long i;

	for (i = first; i < KEXEC_SEGMENT_MAX; i++) {
		if (!kc->pages[i])
			continue;
		cma_release(dev_get_cma_area(NULL), kc->pages[i],
			    kc->nr_pages[i]);
		released = kc->pages[i];
		kc->pages[i] = NULL;
		kc->nr_pages[i] = 0;
	}
	/* A CMA area lies in one zone: one drain serves every slot. */
	if (released)
		kimage_cma_drain(released);
}

/**
 * kimage_cma_alloc - place the next segment of an image in CMA
 * @kbuf: the segment, with its size, alignment and bounds
 *
 * Called by kexec_locate_mem_hole() for the segment kexec_add_buffer() is
 * about to add. First releases what slots of dropped segments still hold.
 *
 * Return: 0 with @kbuf->mem set when the segment is in CMA; a negative errno
 * when the caller must place it the ordinary way.
 */
int kimage_cma_alloc(struct kexec_buf *kbuf)
{
	struct kimage *image = kbuf->image;
	unsigned long i = image->nr_segments;
	unsigned long nr_pages = kbuf->memsz >> PAGE_SHIFT;
	struct cma *cma = kimage_cma_area();
	unsigned long start, end;
	struct page *page;
	int err = 0;

	kimage_cma_release_from(image, i);
	if (!image->cma.enabled || !cma || !nr_pages)
		return -EOPNOTSUPP;

	page = cma_alloc(cma, nr_pages, get_order(kbuf->buf_align), true);
	if (!page)
		return -ENOMEM;

	start = page_to_boot_pfn(page) << PAGE_SHIFT;
	end = start + kbuf->memsz - 1;
	if (start < kbuf->buf_min || end > kbuf->buf_max ||
	    kimage_is_destination_range(image, start, end)) {
		cma_release(cma, page, nr_pages);
		err = -ERANGE;
	} else {
		image->cma.pages[i] = page;
		image->cma.nr_pages[i] = nr_pages;
		image->cma.placed |= BIT(i);
		kbuf->mem = start;
	}
	kimage_cma_drain(page);
	return err;
}

/*
 * What the debugfs files show, for the normal and the crash image: a copy
 * taken at load, so that readers never take the kexec lock, which a crash
 * must find free.
 */
struct kimage_summary {
	const struct kimage *image;	/* the image described, or NULL */
	unsigned long nr_segments;
	unsigned long cma_segments;
	unsigned long copy_pages;
	struct {
		unsigned long mem;
		size_t memsz;
		bool cma;
	} segment[KEXEC_SEGMENT_MAX];
};

static struct kimage_summary kimage_summaries[KEXEC_TYPE_CRASH + 1];
static DEFINE_MUTEX(kimage_summary_lock);

/**
 * kimage_cma_release - release every CMA allocation of an image
 * @image: the image, on unload, replacement or a failed load
 *
 * Also forgets the summary of @image.
 */
void kimage_cma_release(struct kimage *image)
{
	kimage_cma_release_from(image, 0);

	mutex_lock(&kimage_summary_lock);
	if (kimage_summaries[image->type].image == image)
		kimage_summaries[image->type].image = NULL;
	mutex_unlock(&kimage_summary_lock);
}

/**
 * kimage_cma_drop - give up CMA for an image whose layout failed with it
 * @image: the image
 * @nr_segments: its segment count before the architecture's loader ran
 *
 * A segment in CMA can leave no room for the ones after it: the arm64
 * loader puts the initrd and the DTB above the kernel, and the default area
 * often sits at the top of memory. When the loader failed after placing a
 * segment of its own in CMA, release what it placed, forget its segments
 * and turn CMA off for the image, so that the caller can run the loader
 * again. Segments placed before the loader ran stay where they are.
 *
 * Return: true if the caller should run the loader again.
 */
bool kimage_cma_drop(struct kimage *image, unsigned long nr_segments)
{
	struct kimage_cma *kc = &image->cma;

	if (!kc->enabled || nr_segments >= BITS_PER_LONG ||
	    !(kc->placed >> nr_segments))
		return false;

	kimage_cma_release_from(image, nr_segments);
	image->nr_segments = nr_segments;
	kc->enabled = false;
	pr_info("%s: the layout failed with segments in CMA; retrying without CMA\n",
		kimage_name(image));
	return true;
}

/* The slot whose allocation holds [mem, mem + size), or -1. */
static int kimage_cma_slot(struct kimage *image, unsigned long mem,
			   unsigned long size)
{
	struct kimage_cma *kc = &image->cma;
	unsigned long start;
	int i;

	if (!size)
		return -1;
	for (i = 0; i < KEXEC_SEGMENT_MAX; i++) {
		if (!kc->pages[i])
			continue;
		start = page_to_boot_pfn(kc->pages[i]) << PAGE_SHIFT;
		if (mem >= start && mem - start < kc->nr_pages[i] << PAGE_SHIFT &&
		    size <= (kc->nr_pages[i] << PAGE_SHIFT) - (mem - start))
			return i;
	}
	return -1;
}

/**
 * kimage_cma_backed - whether a range of an image's memory is in CMA
 * @image: the image
 * @mem: boot physical address of the range
 * @size: length of the range in bytes
 *
 * Return: true if one CMA allocation of @image holds the whole range.
 */
bool kimage_cma_backed(struct kimage *image, unsigned long mem,
		       unsigned long size)
{
	return kimage_cma_slot(image, mem, size) >= 0;
}

/**
 * kimage_cma_load_segment - load a CMA-backed segment in place
 * @image: the image
 * @segment: a segment for which kimage_cma_backed() is true
 *
 * Copies the segment's buffer to its final address and clears the rest of
 * its memory, as kimage_load_segment() does for the pages it relocates.
 *
 * Return: 0, or -EINVAL if @segment is not in CMA.
 */
int kimage_cma_load_segment(struct kimage *image,
			    struct kexec_segment *segment)
{
	const unsigned char *buf = segment->kbuf;
	size_t bytes = segment->bufsz;
	size_t mbytes = segment->memsz;
	unsigned long maddr = segment->mem;

	if (!image->file_mode || !kimage_cma_backed(image, maddr, mbytes))
		return -EINVAL;

	while (mbytes) {
		size_t off = offset_in_page(maddr);
		size_t chunk = min_t(size_t, mbytes, PAGE_SIZE - off);
		size_t copy = min(bytes, chunk);
		char *ptr;

		ptr = kmap_local_page(boot_pfn_to_page(maddr >> PAGE_SHIFT));
		memcpy(ptr + off, buf, copy);
		memset(ptr + off + copy, 0, chunk - copy);
		kunmap_local(ptr);

		buf += copy;
		bytes -= copy;
		maddr += chunk;
		mbytes -= chunk;
		cond_resched();
	}
	return 0;
}

/**
 * kimage_cma_map_segment - map a CMA-backed range of an image
 * @image: the image
 * @mem: boot physical address of the range
 * @size: length of the range in bytes
 *
 * For kimage_map_segment(): the mapping is released with
 * kimage_unmap_segment().
 *
 * Return: the virtual address of @mem, or NULL (also when @mem is not page
 * aligned).
 */
void *kimage_cma_map_segment(struct kimage *image, unsigned long mem,
			     unsigned long size)
{
	unsigned long first = mem >> PAGE_SHIFT;
	unsigned long npages = PFN_UP(mem + size) - first;
	struct page **pages;
	unsigned long i;
	void *vaddr;

	/* kimage_unmap_segment() unmaps what vmap() returned, page aligned. */
	if (offset_in_page(mem) || !kimage_cma_backed(image, mem, size))
		return NULL;

	pages = kmalloc_array(npages, sizeof(*pages), GFP_KERNEL);
	if (!pages)
		return NULL;
	for (i = 0; i < npages; i++)
		pages[i] = boot_pfn_to_page(first + i);
	vaddr = vmap(pages, npages, VM_MAP, PAGE_KERNEL);
	kfree(pages);
	return vaddr;
}

/* The pages the relocation code will copy at reboot: one per source entry. */
static unsigned long kimage_copy_pages(struct kimage *image)
{
	unsigned long pages = 0;
	kimage_entry_t *ptr, entry;

	for (ptr = &image->head; (entry = *ptr) && !(entry & IND_DONE);
	     ptr = (entry & IND_INDIRECTION) ?
		   boot_phys_to_virt(entry & PAGE_MASK) : ptr + 1)
		if (entry & IND_SOURCE)
			pages++;
	return pages;
}

/**
 * kimage_cma_report - log what rebooting into a loaded image will copy
 * @image: an image whose load has completed
 *
 * Also records it for /sys/kernel/debug/kexec.
 */
void kimage_cma_report(struct kimage *image)
{
	struct kimage_summary *sum = &kimage_summaries[image->type];
	unsigned long i;

	mutex_lock(&kimage_summary_lock);
	sum->image = image;
	sum->nr_segments = image->nr_segments;
	sum->cma_segments = 0;
	sum->copy_pages = kimage_copy_pages(image);
	for (i = 0; i < image->nr_segments; i++) {
		struct kexec_segment *seg = &image->segment[i];

		sum->segment[i].mem = seg->mem;
		sum->segment[i].memsz = seg->memsz;
		sum->segment[i].cma = kimage_cma_backed(image, seg->mem,
							seg->memsz);
		sum->cma_segments += sum->segment[i].cma;
	}
	pr_info("%s loaded: %lu of %lu segments in CMA, %lu bytes (%lu pages) to copy at reboot\n",
		kimage_name(image), sum->cma_segments, sum->nr_segments,
		sum->copy_pages << PAGE_SHIFT, sum->copy_pages);
	mutex_unlock(&kimage_summary_lock);
}

#ifdef CONFIG_DEBUG_FS
static int kimage_cma_show(struct seq_file *m, void *v)
{
	struct kimage_summary *sum = m->private;
	unsigned long i;

	mutex_lock(&kimage_summary_lock);
	if (!sum->image) {
		seq_puts(m, "loaded: 0\n");
		goto out;
	}

	seq_puts(m, "loaded: 1\n");
	seq_printf(m, "segments: %lu\n", sum->nr_segments);
	seq_printf(m, "cma_segments: %lu\n", sum->cma_segments);
	seq_printf(m, "copy_bytes: %lu\n", sum->copy_pages << PAGE_SHIFT);
	seq_printf(m, "copy_pages: %lu\n", sum->copy_pages);
	for (i = 0; i < sum->nr_segments; i++)
		seq_printf(m, "segment: 0x%lx 0x%zx %s\n", sum->segment[i].mem,
			   sum->segment[i].memsz,
			   sum->segment[i].cma ? "cma" : "copy");
out:
	mutex_unlock(&kimage_summary_lock);
	return 0;
}

static int kimage_cma_open(struct inode *inode, struct file *file)
{
	return single_open(file, kimage_cma_show, inode->i_private);
}

static const struct file_operations kimage_cma_fops = {
	.owner		= THIS_MODULE,
	.open		= kimage_cma_open,
	.read		= seq_read,
	.llseek		= seq_lseek,
	.release	= single_release,
};

static int __init kimage_cma_debugfs_init(void)
{
	struct dentry *dir = debugfs_create_dir("kexec", NULL);

	debugfs_create_file("image", 0400, dir,
			    &kimage_summaries[KEXEC_TYPE_DEFAULT],
			    &kimage_cma_fops);
#ifdef CONFIG_CRASH_DUMP
	debugfs_create_file("crash_image", 0400, dir,
			    &kimage_summaries[KEXEC_TYPE_CRASH],
			    &kimage_cma_fops);
#endif
	return 0;
}
late_initcall(kimage_cma_debugfs_init);
#endif /* CONFIG_DEBUG_FS */
