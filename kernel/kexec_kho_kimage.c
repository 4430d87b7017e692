// SPDX-License-Identifier: GPL-2.0
/*
 * Kexec HandOver and kexec_file_load(): an image loaded while KHO is active
 * carries a copy of the DT, every one of its segments lies
 * in the scratch region, the next kernel learns where from /chosen, and an
 * image whose handover went stale is refused at reboot.
 */

#define pr_fmt(fmt) "kho: " fmt

#include <linux/ioport.h>
#include <linux/kexec.h>
#include <linux/kexec_handover.h>
#include <linux/libfdt.h>
#include <linux/sizes.h>

#include "kexec_kho_internal.h"

/* The activation a kexec image loaded now carries; 0 when inactive. */
static u64 kho_current_generation(void)
{
	return kho_out.fdt ? kho_out.generation : 0;
}

static bool kho_kimage_wants_scratch(const struct kimage *image)
{
	return image->type != KEXEC_TYPE_CRASH && image->kho.generation;
}

/* A segment inside scratch, top down and 64 KiB aligned. */
static int kho_add_segment(struct kimage *image, const void *buf,
			   size_t bufsz, struct kho_mem *seg)
{
	struct kexec_buf kbuf = {
		.image = image,
		.buffer = (char *)buf,
		.bufsz = bufsz,
		.memsz = max_t(size_t, bufsz, 1),
		.buf_align = SZ_64K,
		.buf_min = kho_out.scratch_base,
		.buf_max = kho_out.scratch_base + kho_out.scratch_size - 1,
		.top_down = true,
		.mem = KEXEC_BUF_MEM_UNKNOWN,
	};
	int err;

	err = kexec_add_buffer(&kbuf);
	if (err)
		return err;
	seg->addr = kbuf.mem;
	seg->len = bufsz;
	return 0;
}

/**
 * kho_fill_kimage() - hand the current KHO state to a kexec image
 * @image: a kexec_file_load() image being prepared, before its first segment
 *
 * With KHO active, records the activation in @image, which from then on
 * places every segment in the scratch region, and adds the segment the next
 * kernel finds through /chosen: a copy of the DT. The tracker the DT points
 * to stays where it is, in preserved memory.
 * Crash images are left alone. Called with the kexec lock held, which keeps
 * the state from changing until the segments are copied.
 *
 * Return: 0, or the error of kexec_add_buffer().
 */
int kho_fill_kimage(struct kimage *image)
{
	struct kho_segments seg;
	int err;

	if (image->type == KEXEC_TYPE_CRASH || !kho_current_generation())
		return 0;

	seg.fdt = kho_out.fdt;
	seg.fdt_len = fdt_totalsize(kho_out.fdt);
	err = kho_corrupt_segments(&seg, kho_out.scratch_base);
	if (err)
		return err;

	image->kho.generation = kho_current_generation();
	err = kho_add_segment(image, seg.fdt, seg.fdt_len, &image->kho.fdt);
	if (err)
		pr_err("cannot place the handover in the scratch region: %d\n",
		       err);
	return err;
}

/**
 * kho_kimage_scratch() - where the segments of an image may go
 * @image: a kexec_file_load() image being prepared
 * @res: filled with the scratch region when the answer is true
 *
 * Return: true if @image carries a handover, so that its segments must be
 * placed in the scratch region and nowhere else.
 */
bool kho_kimage_scratch(const struct kimage *image, struct resource *res)
{
	if (!kho_kimage_wants_scratch(image))
		return false;

	*res = DEFINE_RES_MEM_NAMED(kho_out.scratch_base, kho_out.scratch_size,
				    "KHO scratch");
	return true;
}

static int kho_set_chosen_range(void *fdt, int chosen, const char *name,
				u64 addr, u64 size)
{
	return fdt_appendprop_addrrange(fdt, 0, chosen, name, addr, size);
}

/**
 * kho_add_chosen() - tell the next kernel where the handover is
 * @image: the kexec image the DT is for
 * @fdt: the DT being prepared for the next kernel
 * @chosen: offset of its /chosen node
 *
 * Deletes any linux,kho-* property inherited from an earlier handover
 * (linux,kho-mem too, which the format before the tracker wrote), then, if
 * @image carries one, adds linux,kho-dt and linux,kho-scratch: each an
 * (address, size) pair in the root's #address-cells and #size-cells.
 *
 * Return: 0, or a negative libfdt error.
 */
int kho_add_chosen(const struct kimage *image, void *fdt, int chosen)
{
	static const char * const props[] = {
		"linux,kho-dt", "linux,kho-scratch", "linux,kho-mem",
	};
	int i, err;

	for (i = 0; i < ARRAY_SIZE(props); i++) {
		err = fdt_delprop(fdt, chosen, props[i]);
		if (err && err != -FDT_ERR_NOTFOUND)
			return err;
	}
	if (!kho_kimage_wants_scratch(image))
		return 0;

	err = kho_set_chosen_range(fdt, chosen, props[0], image->kho.fdt.addr,
				   image->kho.fdt.len);
	err = err ?: kho_set_chosen_range(fdt, chosen, props[1],
					  kho_out.scratch_base,
					  kho_out.scratch_size);
	return err;
}

/**
 * kho_check_kimage() - may this image be executed?
 * @image: the kexec image about to replace this kernel
 *
 * An image carries the KHO state of the moment it was loaded. If KHO was
 * aborted, activated or activated again since, executing it would hand
 * stale or missing state to the next kernel. Called with the kexec lock held.
 *
 * Return: 0, or -ESTALE with a log line saying what to do.
 */
int kho_check_kimage(const struct kimage *image)
{
	if (image->kho.generation == kho_current_generation())
		return 0;

	if (!kho_current_generation())
		pr_err("the kexec image carries a handover that was aborted: load it again\n");
	else if (!image->kho.generation)
		pr_err("KHO was activated after the kexec image was loaded: load it again\n");
	else
		pr_err("the kexec image carries an earlier activation: load it again\n");
	return -ESTALE;
}
