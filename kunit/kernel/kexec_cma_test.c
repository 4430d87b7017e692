// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for kexec_file_load() images in CMA: where kexec_add_buffer()
 * puts a segment, what loading and mapping it give, what the relocation list
 * is left with, and that every way an image lets go of its segments gives the
 * CMA area back whole. The images are private; the default CMA area is the
 * system's own.
 */

#include <kunit/test.h>
#include <linux/cma.h>
#include <linux/dma-map-ops.h>
#include <linux/kexec.h>
#include <linux/mm.h>
#include <linux/vmalloc.h>
#include <linux/vmstat.h>

#include "kexec_internal.h"

#define SEG_PAGES	4
#define SEG_BYTES	(3 * PAGE_SIZE + 100)

struct kexec_cma_test {
	struct kimage *image;
	unsigned char *data;
	unsigned long cma_free;
	phys_addr_t cma_base;
	unsigned long cma_size;
};

/* Free CMA pages, exactly: the per-CPU differences of the counter included. */
static unsigned long cma_free_pages(void)
{
	unsigned long n = 0;
	struct zone *zone;

	for_each_populated_zone(zone)
		n += zone_page_state_snapshot(zone, NR_FREE_CMA_PAGES);
	return n;
}

static int kexec_cma_test_init(struct kunit *test)
{
	struct kexec_cma_test *t;
	struct cma *cma = dev_get_cma_area(NULL);
	size_t i;

	if (!cma)
		kunit_skip(test, "no default CMA area");

	t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, t);
	t->data = kunit_kmalloc(test, SEG_BYTES, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, t->data);
	for (i = 0; i < SEG_BYTES; i++)
		t->data[i] = i * 7 + 1;

	t->image = do_kimage_alloc_init();
	KUNIT_ASSERT_NOT_NULL(test, t->image);
	t->image->file_mode = 1;
	t->cma_base = cma_get_base(cma);
	t->cma_size = cma_get_size(cma);
	t->cma_free = cma_free_pages();
	test->priv = t;
	return 0;
}

static void kexec_cma_test_exit(struct kunit *test)
{
	struct kexec_cma_test *t = test->priv;

	if (t && t->image)
		kimage_free(t->image);
}

static struct kexec_buf test_kbuf(struct kexec_cma_test *t)
{
	struct kexec_buf kbuf = {
		.image = t->image,
		.buffer = t->data,
		.bufsz = SEG_BYTES,
		.mem = KEXEC_BUF_MEM_UNKNOWN,
		.memsz = SEG_PAGES * PAGE_SIZE,
		.buf_align = PAGE_SIZE,
		.buf_min = 0,
		.buf_max = ULONG_MAX,
	};

	return kbuf;
}

static bool in_cma_area(struct kexec_cma_test *t, unsigned long mem,
			unsigned long size)
{
	return mem >= t->cma_base && mem + size <= t->cma_base + t->cma_size;
}

/* The number of source pages in the relocation list. */
static unsigned long copied_pages(struct kimage *image)
{
	kimage_entry_t *ptr, entry;
	unsigned long n = 0;

	for (ptr = &image->head; (entry = *ptr) && !(entry & IND_DONE);
	     ptr = (entry & IND_INDIRECTION) ?
		   boot_phys_to_virt(entry & PAGE_MASK) : ptr + 1)
		n += !!(entry & IND_SOURCE);
	return n;
}

/* The segment's memory holds the buffer, then zeros. */
static void expect_contents(struct kunit *test, struct kimage *image,
			    struct kexec_segment *seg)
{
	struct kexec_cma_test *t = test->priv;
	unsigned char *p;
	size_t i;

	p = kimage_map_segment(image, seg->mem, seg->memsz);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_EQ(test, memcmp(p, t->data, SEG_BYTES), 0);
	for (i = SEG_BYTES; i < seg->memsz; i++)
		if (p[i])
			break;
	KUNIT_EXPECT_EQ(test, i, seg->memsz);
	kimage_unmap_segment(p);
}

static void kexec_cma_test_placed_in_cma(struct kunit *test)
{
	struct kexec_cma_test *t = test->priv;
	struct kexec_buf kbuf = test_kbuf(t);
	struct kexec_segment *seg = &t->image->segment[0];

	kimage_cma_setup(t->image, 0);
	KUNIT_ASSERT_EQ(test, kexec_add_buffer(&kbuf), 0);
	KUNIT_EXPECT_TRUE(test, in_cma_area(t, kbuf.mem, kbuf.memsz));
	KUNIT_EXPECT_TRUE(test, kimage_cma_backed(t->image, seg->mem, seg->memsz));
	KUNIT_EXPECT_EQ(test, cma_free_pages(), t->cma_free - SEG_PAGES);

	KUNIT_ASSERT_EQ(test, kimage_load_segment(t->image, seg), 0);
	kimage_terminate(t->image);
	KUNIT_EXPECT_EQ(test, copied_pages(t->image), 0);
	KUNIT_EXPECT_EQ(test, t->image->head, (kimage_entry_t)IND_DONE);
	expect_contents(test, t->image, seg);

	kimage_free(t->image);
	t->image = NULL;
	KUNIT_EXPECT_EQ(test, cma_free_pages(), t->cma_free);
}

static void kexec_cma_test_no_cma_flag(struct kunit *test)
{
	struct kexec_cma_test *t = test->priv;
	struct kexec_buf kbuf = test_kbuf(t);
	struct kexec_segment *seg = &t->image->segment[0];

	kimage_cma_setup(t->image, KEXEC_FILE_NO_CMA);
	KUNIT_ASSERT_EQ(test, kexec_add_buffer(&kbuf), 0);
	KUNIT_EXPECT_FALSE(test, kimage_cma_backed(t->image, seg->mem, seg->memsz));
	KUNIT_EXPECT_EQ(test, cma_free_pages(), t->cma_free);

	KUNIT_ASSERT_EQ(test, kimage_load_segment(t->image, seg), 0);
	kimage_terminate(t->image);
	KUNIT_EXPECT_EQ(test, copied_pages(t->image), SEG_PAGES);
	expect_contents(test, t->image, seg);
}

static void kexec_cma_test_crash_image(struct kunit *test)
{
	struct kexec_cma_test *t = test->priv;
	struct kexec_buf kbuf = test_kbuf(t);

	t->image->type = KEXEC_TYPE_CRASH;
	kimage_cma_setup(t->image, 0);
	KUNIT_EXPECT_EQ(test, kimage_cma_alloc(&kbuf), -EOPNOTSUPP);
	KUNIT_EXPECT_EQ(test, kbuf.mem, (unsigned long)KEXEC_BUF_MEM_UNKNOWN);
	KUNIT_EXPECT_EQ(test, cma_free_pages(), t->cma_free);
}

static void kexec_cma_test_out_of_bounds(struct kunit *test)
{
	struct kexec_cma_test *t = test->priv;
	struct kexec_buf kbuf = test_kbuf(t);

	kimage_cma_setup(t->image, 0);
	kbuf.buf_max = t->cma_base - 1;
	KUNIT_EXPECT_EQ(test, kimage_cma_alloc(&kbuf), -ERANGE);
	kbuf.buf_max = ULONG_MAX;
	kbuf.buf_min = t->cma_base + t->cma_size;
	KUNIT_EXPECT_EQ(test, kimage_cma_alloc(&kbuf), -ERANGE);
	KUNIT_EXPECT_EQ(test, kbuf.mem, (unsigned long)KEXEC_BUF_MEM_UNKNOWN);
	KUNIT_EXPECT_EQ(test, cma_free_pages(), t->cma_free);
}

/* A segment already placed over the whole area: CMA must not double-book. */
static void kexec_cma_test_overlap(struct kunit *test)
{
	struct kexec_cma_test *t = test->priv;
	struct kexec_buf kbuf = test_kbuf(t);

	kimage_cma_setup(t->image, 0);
	t->image->segment[0].mem = t->cma_base;
	t->image->segment[0].memsz = t->cma_size;
	t->image->nr_segments = 1;
	KUNIT_EXPECT_EQ(test, kimage_cma_alloc(&kbuf), -ERANGE);
	KUNIT_EXPECT_EQ(test, cma_free_pages(), t->cma_free);
	t->image->nr_segments = 0;
}

/* The arm64 loader drops segments to retry elsewhere; nothing may leak. */
static void kexec_cma_test_dropped_segment(struct kunit *test)
{
	struct kexec_cma_test *t = test->priv;
	struct kexec_buf kbuf = test_kbuf(t);

	kimage_cma_setup(t->image, 0);
	KUNIT_ASSERT_EQ(test, kexec_add_buffer(&kbuf), 0);
	kbuf = test_kbuf(t);
	KUNIT_ASSERT_EQ(test, kexec_add_buffer(&kbuf), 0);
	KUNIT_EXPECT_EQ(test, cma_free_pages(), t->cma_free - 2 * SEG_PAGES);

	t->image->nr_segments = 0;
	kbuf = test_kbuf(t);
	KUNIT_ASSERT_EQ(test, kexec_add_buffer(&kbuf), 0);
	KUNIT_EXPECT_EQ(test, cma_free_pages(), t->cma_free - SEG_PAGES);

	kimage_free(t->image);
	t->image = NULL;
	KUNIT_EXPECT_EQ(test, cma_free_pages(), t->cma_free);
}

/* A layout that failed with CMA is redone without it, holding nothing. */
static void kexec_cma_test_drop(struct kunit *test)
{
	struct kexec_cma_test *t = test->priv;
	struct kexec_buf kbuf = test_kbuf(t);

	kimage_cma_setup(t->image, 0);
	KUNIT_EXPECT_FALSE(test, kimage_cma_drop(t->image, 0));
	KUNIT_ASSERT_EQ(test, kexec_add_buffer(&kbuf), 0);
	KUNIT_ASSERT_TRUE(test, kimage_cma_backed(t->image, kbuf.mem, kbuf.memsz));
	/* A segment placed before the loader ran is not the loader's doing. */
	KUNIT_EXPECT_FALSE(test, kimage_cma_drop(t->image, 1));
	KUNIT_EXPECT_EQ(test, cma_free_pages(), t->cma_free - SEG_PAGES);

	KUNIT_EXPECT_TRUE(test, kimage_cma_drop(t->image, 0));
	KUNIT_EXPECT_EQ(test, t->image->nr_segments, 0);
	KUNIT_EXPECT_EQ(test, cma_free_pages(), t->cma_free);

	kbuf = test_kbuf(t);
	KUNIT_ASSERT_EQ(test, kexec_add_buffer(&kbuf), 0);
	KUNIT_EXPECT_FALSE(test, kimage_cma_backed(t->image, kbuf.mem, kbuf.memsz));
	KUNIT_EXPECT_EQ(test, cma_free_pages(), t->cma_free);
	KUNIT_EXPECT_FALSE(test, kimage_cma_drop(t->image, 0));
}

static struct kunit_case kexec_cma_test_cases[] = {
	KUNIT_CASE(kexec_cma_test_placed_in_cma),
	KUNIT_CASE(kexec_cma_test_no_cma_flag),
	KUNIT_CASE(kexec_cma_test_crash_image),
	KUNIT_CASE(kexec_cma_test_out_of_bounds),
	KUNIT_CASE(kexec_cma_test_overlap),
	KUNIT_CASE(kexec_cma_test_dropped_segment),
	KUNIT_CASE(kexec_cma_test_drop),
	{}
};

static struct kunit_suite kexec_cma_test_suite = {
	.name = "kexec_cma",
	.init = kexec_cma_test_init,
	.exit = kexec_cma_test_exit,
	.test_cases = kexec_cma_test_cases,
};

kunit_test_suite(kexec_cma_test_suite);

MODULE_DESCRIPTION("KUnit tests for kexec_file_load() images in CMA");
MODULE_LICENSE("GPL");
