// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for the check a kernel makes of the handover it was booted
 * with: a good handover and its tracker pass, and each way of damaging
 * either is caught with its own reason.
 */

#include <kunit/test.h>
#include <linux/kexec_handover.h>
#include <linux/libfdt.h>
#include <linux/mm.h>

#include "kexec_kho_internal.h"

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

#define P		PAGE_SIZE
/*
 * What the "previous kernel" preserved lies above the guest's real RAM;
 * the tracker itself is in real pages, which test_is_ram() accepts too.
 */
#define RAM_START	(64ULL * SZ_1G)
#define RAM_END		(68ULL * SZ_1G)
#define DT_SIZE		SZ_4K

static const struct kho_mem scratch = { 66ULL * SZ_1G, SZ_64M };

/* Handed over by the "previous kernel" of every case. */
static const struct kho_mem handed[] = {
	{ RAM_START + 0x64, 1000 },
	{ RAM_START + 8 * P, 3 * P + 512 },
	{ RAM_START + 16 * P, P },
	{ RAM_START + 17 * P, P },
	{ 67ULL * SZ_1G, 100 * P },
};

static bool test_is_ram(u64 addr, u64 len)
{
	if (addr >= RAM_START && addr + len <= RAM_END)
		return true;
	return addr + len > addr && pfn_valid(PHYS_PFN(addr)) &&
	       pfn_valid(PHYS_PFN(addr + len - 1));
}

struct in_ctx {
	void *fdt;
	struct kho_preserved p;
	struct kho_mem *named;
};

/* Seal the tracker again and point the DT at it. */
static void track(struct kunit *test, struct in_ctx *ctx)
{
	u64 first;

	KUNIT_ASSERT_EQ(test, kho_preserved_seal(&ctx->p), 0);
	first = ctx->p.first;
	KUNIT_ASSERT_EQ(test, fdt_setprop_inplace(ctx->fdt, 0, KHO_TRACKER_PROP,
						  &first, sizeof(first)), 0);
}

/* Preserve one more block, which the DT does not name. */
static void track_more(struct kunit *test, struct in_ctx *ctx, u64 addr,
		       unsigned int order)
{
	KUNIT_ASSERT_EQ(test, kho_preserved_add(&ctx->p, PHYS_PFN(addr), order),
			0);
	track(test, ctx);
}

static int in_init(struct kunit *test)
{
	struct kho_mem *cache;
	struct in_ctx *ctx;
	const u64 none = 0;
	size_t nr, i;
	int err;

	ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ctx);
	ctx->fdt = kunit_kzalloc(test, DT_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ctx->fdt);
	ctx->named = kunit_kcalloc(test, ARRAY_SIZE(handed), sizeof(*ctx->named),
				   GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ctx->named);
	kho_preserved_init(&ctx->p);
	test->priv = ctx;

	err = fdt_create(ctx->fdt, DT_SIZE);
	err = err ?: fdt_finish_reservemap(ctx->fdt);
	err = err ?: fdt_begin_node(ctx->fdt, "");
	err = err ?: fdt_property_string(ctx->fdt, "compatible",
					 KHO_FDT_COMPATIBLE);
	err = err ?: fdt_property(ctx->fdt, KHO_TRACKER_PROP, &none,
				  sizeof(none));
	err = err ?: fdt_begin_node(ctx->fdt, "a");
	err = err ?: fdt_property(ctx->fdt, KHO_MEM_PROP, handed, 3 * sizeof(*handed));
	err = err ?: fdt_end_node(ctx->fdt);
	err = err ?: fdt_begin_node(ctx->fdt, "b");
	err = err ?: fdt_property(ctx->fdt, KHO_MEM_PROP, handed + 3,
				  2 * sizeof(*handed));
	err = err ?: fdt_end_node(ctx->fdt);
	err = err ?: fdt_end_node(ctx->fdt);
	err = err ?: fdt_finish(ctx->fdt);
	KUNIT_ASSERT_EQ(test, err, 0);

	KUNIT_ASSERT_EQ(test, kho_mem_cache_build(ctx->fdt, scratch.addr,
						  scratch.len, &cache, &nr), 0);
	KUNIT_ASSERT_EQ(test, nr, 4);
	for (i = 0; i < nr && !err; i++)
		err = kho_preserved_add_range(&ctx->p, &cache[i]);
	kvfree(cache);
	KUNIT_ASSERT_EQ(test, err, 0);
	track(test, ctx);
	return 0;
}

static void in_exit(struct kunit *test)
{
	struct in_ctx *ctx = test->priv;

	kho_preserved_destroy(&ctx->p);
}

static const char *check_fdt(struct in_ctx *ctx, const void *fdt, u64 len)
{
	u64 tracker, extra;
	const char *why;
	size_t nr_mem;

	why = kho_in_check_dt(fdt, len, &tracker, &nr_mem, &extra);
	if (why)
		return why;
	if (nr_mem > ARRAY_SIZE(handed))
		return "more mem entries than the test expects";
	return kho_in_check_tracker(fdt, tracker, &scratch, test_is_ram,
				    ctx->named, extra);
}

static const char *check(struct in_ctx *ctx)
{
	return check_fdt(ctx, ctx->fdt, DT_SIZE);
}

static void expect_reason(struct kunit *test, struct in_ctx *ctx,
			  const char *want)
{
	const char *why = check(ctx);

	KUNIT_ASSERT_NOT_NULL_MSG(test, why, "accepted, want: %s", want);
	KUNIT_EXPECT_STREQ(test, why, want);
}

static void kho_in_accepts_good_handover(struct kunit *test)
{
	struct in_ctx *ctx = test->priv;

	KUNIT_EXPECT_NULL(test, check(ctx));
	/* A DT smaller than its segment is fine. */
	KUNIT_EXPECT_NULL(test, check_fdt(ctx, ctx->fdt, SZ_64K));
	/* The sorted, merged pages the DT names are left in @named. */
	KUNIT_EXPECT_EQ(test, ctx->named[0].addr, RAM_START);
	KUNIT_EXPECT_EQ(test, ctx->named[0].len, P);
	KUNIT_EXPECT_EQ(test, ctx->named[1].len, 4 * P);
}

static void kho_in_rejects_bad_header(struct kunit *test)
{
	struct in_ctx *ctx = test->priv;

	((struct fdt_header *)ctx->fdt)->magic = cpu_to_fdt32(0xdeadbeef);
	expect_reason(test, ctx, "the DT has a bad header");
}

static void kho_in_rejects_short_segment(struct kunit *test)
{
	struct in_ctx *ctx = test->priv;

	KUNIT_EXPECT_STREQ(test, check_fdt(ctx, ctx->fdt,
					   fdt_totalsize(ctx->fdt) - 1),
			   "the DT is larger than its segment");
}

static void kho_in_rejects_wrong_compatible(struct kunit *test)
{
	struct in_ctx *ctx = test->priv;
	char *compat;
	int len;

	compat = (char *)fdt_getprop(ctx->fdt, 0, "compatible", &len);
	KUNIT_ASSERT_NOT_NULL(test, compat);
	compat[len - 2] = '2';
	expect_reason(test, ctx, "the DT root is not compatible with kho-v1");
}

static void kho_in_rejects_missing_tracker(struct kunit *test)
{
	struct in_ctx *ctx = test->priv;

	KUNIT_ASSERT_EQ(test, fdt_nop_property(ctx->fdt, 0, KHO_TRACKER_PROP),
			0);
	expect_reason(test, ctx,
		      "the DT root has no " KHO_TRACKER_PROP " of 8 bytes (another format?)");
}

static void kho_in_rejects_partial_entries(struct kunit *test)
{
	struct in_ctx *ctx = test->priv;
	const u64 none = 0;
	void *fdt;
	int err;

	fdt = kunit_kzalloc(test, DT_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, fdt);
	err = fdt_create(fdt, DT_SIZE);
	err = err ?: fdt_finish_reservemap(fdt);
	err = err ?: fdt_begin_node(fdt, "");
	err = err ?: fdt_property_string(fdt, "compatible",
					 KHO_FDT_COMPATIBLE);
	err = err ?: fdt_property(fdt, KHO_TRACKER_PROP, &none, sizeof(none));
	err = err ?: fdt_begin_node(fdt, "a");
	err = err ?: fdt_property(fdt, KHO_MEM_PROP, handed,
				  sizeof(*handed) + 8);
	err = err ?: fdt_end_node(fdt);
	err = err ?: fdt_end_node(fdt);
	err = err ?: fdt_finish(fdt);
	KUNIT_ASSERT_EQ(test, err, 0);

	KUNIT_EXPECT_STREQ(test, check_fdt(ctx, fdt, DT_SIZE),
			   "a mem property is not a whole number of entries");
}

static void kho_in_rejects_untracked(struct kunit *test)
{
	struct in_ctx *ctx = test->priv;
	int node;

	/* The DT names less than the tracker, then more. */
	node = fdt_path_offset(ctx->fdt, "/b");
	KUNIT_ASSERT_GE(test, node, 0);
	KUNIT_ASSERT_EQ(test, fdt_nop_property(ctx->fdt, node, KHO_MEM_PROP), 0);
	expect_reason(test, ctx, "the tracker preserves other pages than the DT accounts for");
}

static void kho_in_rejects_unsorted_leaves(struct kunit *test)
{
	struct in_ctx *ctx = test->priv;
	struct kho_tracker_block *block = phys_to_virt(ctx->p.first);

	KUNIT_ASSERT_GE(test, block->nr, 2);
	swap(block->leaf[0], block->leaf[1]);
	expect_reason(test, ctx, "the tracker's leaves are not sorted");
}

static void kho_in_rejects_looping_blocks(struct kunit *test)
{
	struct in_ctx *ctx = test->priv;
	struct kho_tracker_block *block = phys_to_virt(ctx->p.first);

	block->next = ctx->p.first;
	expect_reason(test, ctx, "the tracker's leaves are not sorted");
	block->next = 0;
}

static void kho_in_rejects_bad_blocks(struct kunit *test)
{
	struct in_ctx *ctx = test->priv;
	struct kho_tracker_block *block = phys_to_virt(ctx->p.first);
	u32 nr = block->nr;

	block->magic++;
	expect_reason(test, ctx, "a tracker block has a bad header");
	block->magic--;
	block->page_shift++;
	expect_reason(test, ctx,
		      "the tracker was written by a kernel with another page size");
	block->page_shift--;
	block->nr = 0;
	expect_reason(test, ctx, "a tracker block holds no leaf, or more than fit");
	block->nr = KHO_TRACKER_LEAVES + 1;
	expect_reason(test, ctx, "a tracker block holds no leaf, or more than fit");
	block->nr = nr;
	block->leaf[0].first_pfn += 1;
	expect_reason(test, ctx, "a tracker leaf has a bad order or first page");
	block->leaf[0].first_pfn -= 1;
	block->leaf[0].order = KHO_TRACKER_MAX_ORDER + 1;
	expect_reason(test, ctx, "a tracker leaf has a bad order or first page");
}

static void kho_in_rejects_tracker_outside_ram(struct kunit *test)
{
	struct in_ctx *ctx = test->priv;
	struct kho_tracker_block *block = phys_to_virt(ctx->p.first);
	const u64 outside = RAM_END;
	u64 bits = block->leaf[0].bitmap;

	block->leaf[0].bitmap = scratch.addr;
	expect_reason(test, ctx,
		      "a tracker leaf's bits are not RAM outside scratch");
	block->leaf[0].bitmap = bits + 8;
	expect_reason(test, ctx,
		      "a tracker leaf's bits are not RAM outside scratch");
	block->leaf[0].bitmap = bits;
	KUNIT_ASSERT_EQ(test, fdt_setprop_inplace(ctx->fdt, 0, KHO_TRACKER_PROP,
						  &outside, sizeof(outside)), 0);
	expect_reason(test, ctx,
		      "a tracker block is not a page of RAM outside scratch");
}

static void kho_in_rejects_twice(struct kunit *test)
{
	struct in_ctx *ctx = test->priv;

	track_more(test, ctx, RAM_START + 8 * P, 1);
	expect_reason(test, ctx, "the tracker preserves a page twice");
}

static void kho_in_rejects_scratch(struct kunit *test)
{
	struct in_ctx *ctx = test->priv;

	track_more(test, ctx, scratch.addr + scratch.len - P, 0);
	expect_reason(test, ctx, "the tracker preserves pages of the scratch region");
}

static void kho_in_rejects_outside_ram(struct kunit *test)
{
	struct in_ctx *ctx = test->priv;

	track_more(test, ctx, RAM_END, 0);
	expect_reason(test, ctx, "the tracker preserves pages outside the RAM this kernel maps");
}

static void kho_in_rejects_unnamed(struct kunit *test)
{
	struct in_ctx *ctx = test->priv;

	track_more(test, ctx, RAM_START + 64 * P, 0);
	expect_reason(test, ctx, "the tracker preserves other pages than the DT accounts for");
}

static void kho_in_rejects_empty_tracker(struct kunit *test)
{
	struct in_ctx *ctx = test->priv;
	const u64 none = 0;

	KUNIT_ASSERT_EQ(test, fdt_setprop_inplace(ctx->fdt, 0, KHO_TRACKER_PROP,
						  &none, sizeof(none)), 0);
	expect_reason(test, ctx, "the DT names memory the tracker does not preserve");
}

/* Set the root's kho-pages, as a memfd node would. */
static void account(struct kunit *test, struct in_ctx *ctx, u64 pages)
{
	KUNIT_ASSERT_EQ(test, fdt_open_into(ctx->fdt, ctx->fdt, DT_SIZE), 0);
	KUNIT_ASSERT_EQ(test, fdt_setprop(ctx->fdt, 0, KHO_PAGES_PROP, &pages,
					  sizeof(pages)), 0);
}

static void kho_in_accepts_accounted_pages(struct kunit *test)
{
	struct in_ctx *ctx = test->priv;

	/* A folio of 4 pages and a page, outside what "mem" entries name. */
	track_more(test, ctx, RAM_START + 64 * P, 2);
	track_more(test, ctx, RAM_START + 128 * P, 0);
	account(test, ctx, 5);
	KUNIT_EXPECT_NULL(test, check(ctx));
	account(test, ctx, 4);
	expect_reason(test, ctx, "the tracker preserves other pages than the DT accounts for");
	account(test, ctx, U64_MAX);
	expect_reason(test, ctx, "the tracker preserves other pages than the DT accounts for");
}

static void kho_in_rejects_bad_accounting(struct kunit *test)
{
	struct in_ctx *ctx = test->priv;
	const u32 short_pages = 1;
	u64 pages = U64_MAX;

	KUNIT_ASSERT_EQ(test, fdt_open_into(ctx->fdt, ctx->fdt, DT_SIZE), 0);
	KUNIT_ASSERT_EQ(test, fdt_setprop(ctx->fdt, 0, KHO_PAGES_PROP,
					  &short_pages, sizeof(short_pages)), 0);
	expect_reason(test, ctx, "a " KHO_PAGES_PROP " property is not one u64");
	KUNIT_ASSERT_EQ(test, fdt_setprop(ctx->fdt, 0, KHO_PAGES_PROP, &pages,
					  sizeof(pages)), 0);
	KUNIT_ASSERT_EQ(test, fdt_setprop(ctx->fdt, fdt_path_offset(ctx->fdt, "/a"),
					  KHO_PAGES_PROP, &pages, sizeof(pages)), 0);
	expect_reason(test, ctx, "the " KHO_PAGES_PROP " properties add up past 2^64");
}

#define LONG_NAME_LEN	2000
#define LONG_NAME_USES	100

/*
 * Many properties that all point at one long name: each lookup by name
 * would scan it whole. The DT is refused before any lookup.
 */
static void kho_in_rejects_long_shared_name(struct kunit *test)
{
	struct in_ctx *ctx = test->priv;
	size_t size = LONG_NAME_LEN + LONG_NAME_USES * 64 + SZ_4K;
	char *name, node[16];
	void *fdt;
	int err, i;

	name = kunit_kzalloc(test, LONG_NAME_LEN + 1, GFP_KERNEL);
	fdt = kunit_kzalloc(test, size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, name);
	KUNIT_ASSERT_NOT_NULL(test, fdt);
	memset(name, 'a', LONG_NAME_LEN);

	err = fdt_create(fdt, size);
	err = err ?: fdt_finish_reservemap(fdt);
	err = err ?: fdt_begin_node(fdt, "");
	err = err ?: fdt_property_string(fdt, "compatible",
					 KHO_FDT_COMPATIBLE);
	for (i = 0; !err && i < LONG_NAME_USES; i++) {
		snprintf(node, sizeof(node), "n%d", i);
		err = fdt_begin_node(fdt, node);
		/* The sequential-write API stores the name once. */
		err = err ?: fdt_property_u32(fdt, name, i);
		err = err ?: fdt_end_node(fdt);
	}
	err = err ?: fdt_end_node(fdt);
	err = err ?: fdt_finish(fdt);
	KUNIT_ASSERT_EQ(test, err, 0);
	KUNIT_ASSERT_LT(test, fdt_size_dt_strings(fdt), 2 * LONG_NAME_LEN);

	KUNIT_EXPECT_STREQ(test, check_fdt(ctx, fdt, size),
			   "a DT property name is too long or has a character dtc refuses");
}

/* A node ends after the root did, and a sibling of the root follows. */
static void kho_in_rejects_second_root(struct kunit *test)
{
	struct in_ctx *ctx = test->priv;
	void *fdt;
	int err;

	fdt = kunit_kzalloc(test, DT_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, fdt);
	err = fdt_create(fdt, DT_SIZE);
	err = err ?: fdt_finish_reservemap(fdt);
	err = err ?: fdt_begin_node(fdt, "");
	err = err ?: fdt_property_string(fdt, "compatible",
					 KHO_FDT_COMPATIBLE);
	err = err ?: fdt_end_node(fdt);
	err = err ?: fdt_begin_node(fdt, "sibling");
	err = err ?: fdt_property(fdt, KHO_MEM_PROP, handed, sizeof(handed));
	err = err ?: fdt_end_node(fdt);
	err = err ?: fdt_finish(fdt);
	KUNIT_ASSERT_EQ(test, err, 0);

	KUNIT_EXPECT_STREQ(test, check_fdt(ctx, fdt, DT_SIZE),
			   "the DT has a second root node");
}

/* A NOP where FDT_END should be: dtc wants FDT_END right after the root. */
static void kho_in_rejects_missing_end(struct kunit *test)
{
	struct in_ctx *ctx = test->priv;
	fdt32_t *end;

	end = (fdt32_t *)((char *)ctx->fdt + fdt_off_dt_struct(ctx->fdt) +
			  fdt_size_dt_struct(ctx->fdt)) - 1;
	KUNIT_ASSERT_EQ(test, fdt32_to_cpu(*end), FDT_END);
	*end = cpu_to_fdt32(FDT_NOP);
	expect_reason(test, ctx, "the DT has a NOP outside its root node");
}

static struct kunit_case kho_in_cases[] = {
	KUNIT_CASE(kho_in_accepts_good_handover),
	KUNIT_CASE(kho_in_rejects_bad_header),
	KUNIT_CASE(kho_in_rejects_short_segment),
	KUNIT_CASE(kho_in_rejects_wrong_compatible),
	KUNIT_CASE(kho_in_rejects_missing_tracker),
	KUNIT_CASE(kho_in_rejects_partial_entries),
	KUNIT_CASE(kho_in_rejects_untracked),
	KUNIT_CASE(kho_in_rejects_unsorted_leaves),
	KUNIT_CASE(kho_in_rejects_looping_blocks),
	KUNIT_CASE(kho_in_rejects_bad_blocks),
	KUNIT_CASE(kho_in_rejects_tracker_outside_ram),
	KUNIT_CASE(kho_in_rejects_twice),
	KUNIT_CASE(kho_in_rejects_scratch),
	KUNIT_CASE(kho_in_rejects_outside_ram),
	KUNIT_CASE(kho_in_rejects_unnamed),
	KUNIT_CASE(kho_in_rejects_empty_tracker),
	KUNIT_CASE(kho_in_accepts_accounted_pages),
	KUNIT_CASE(kho_in_rejects_bad_accounting),
	KUNIT_CASE(kho_in_rejects_long_shared_name),
	KUNIT_CASE(kho_in_rejects_second_root),
	KUNIT_CASE(kho_in_rejects_missing_end),
	{}
};

static struct kunit_suite kho_in_suite = {
	.name = "kho_in_check",
	.init = in_init,
	.exit = in_exit,
	.test_cases = kho_in_cases,
};

kunit_test_suite(kho_in_suite);

MODULE_DESCRIPTION("KUnit tests for the Kexec HandOver incoming checks");
MODULE_LICENSE("GPL");
