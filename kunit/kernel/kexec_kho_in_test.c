// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for the check a kernel makes of the handover it was booted
 * with: a good handover passes, and each way of damaging one is caught with
 * its own reason.
 */

#include <kunit/test.h>
#include <linux/kexec_handover.h>
#include <linux/libfdt.h>
#include <linux/mm.h>

#include "kexec_kho_internal.h"

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

#define P		PAGE_SIZE
#define RAM_START	SZ_1G
#define RAM_END		(4ULL * SZ_1G)
#define DT_SIZE		SZ_4K

static const struct kho_mem scratch = { 2ULL * SZ_1G, SZ_64M };

/* Handed over by the "previous kernel" of every case. */
static const struct kho_mem handed[] = {
	{ RAM_START + 0x64, 1000 },
	{ RAM_START + 8 * P, 3 * P + 512 },
	{ RAM_START + 16 * P, P },
	{ RAM_START + 17 * P, P },
	{ 3ULL * SZ_1G, 100 * P },
};

static bool test_is_ram(u64 addr, u64 len)
{
	return addr >= RAM_START && addr + len <= RAM_END;
}

struct in_ctx {
	void *fdt;
	struct kho_mem *cache;
	size_t nr;
};

static int in_init(struct kunit *test)
{
	struct in_ctx *ctx;
	int err;

	ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ctx);
	ctx->fdt = kunit_kzalloc(test, DT_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ctx->fdt);

	err = fdt_create(ctx->fdt, DT_SIZE);
	err = err ?: fdt_finish_reservemap(ctx->fdt);
	err = err ?: fdt_begin_node(ctx->fdt, "");
	err = err ?: fdt_property_string(ctx->fdt, "compatible",
					 KHO_FDT_COMPATIBLE);
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
						  scratch.len, &ctx->cache,
						  &ctx->nr), 0);
	KUNIT_ASSERT_EQ(test, ctx->nr, 4);
	test->priv = ctx;
	return 0;
}

static void in_exit(struct kunit *test)
{
	struct in_ctx *ctx = test->priv;

	kvfree(ctx->cache);
}

static const char *check(struct in_ctx *ctx)
{
	return kho_in_check(ctx->fdt, DT_SIZE, ctx->cache, ctx->nr, &scratch,
			    test_is_ram);
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
	KUNIT_EXPECT_NULL(test, kho_in_check(ctx->fdt, SZ_64K, ctx->cache,
					     ctx->nr, &scratch, test_is_ram));
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

	KUNIT_EXPECT_STREQ(test, kho_in_check(ctx->fdt, fdt_totalsize(ctx->fdt) - 1,
					      ctx->cache, ctx->nr, &scratch,
					      test_is_ram),
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

static void kho_in_rejects_partial_pages(struct kunit *test)
{
	struct in_ctx *ctx = test->priv;

	ctx->cache[1].len -= 1;
	expect_reason(test, ctx, "a mem cache entry is not whole pages");
	ctx->cache[1].len += 1;
	ctx->cache[0].addr += 8;
	expect_reason(test, ctx, "a mem cache entry is not whole pages");
	ctx->cache[0].addr -= 8;
	ctx->cache[2].len = 0;
	expect_reason(test, ctx, "a mem cache entry is not whole pages");
}

static void kho_in_rejects_unsorted(struct kunit *test)
{
	struct in_ctx *ctx = test->priv;

	swap(ctx->cache[0], ctx->cache[2]);
	expect_reason(test, ctx,
		      "the mem cache is not sorted, or has overlapping entries");
}

static void kho_in_rejects_overlap(struct kunit *test)
{
	struct in_ctx *ctx = test->priv;

	ctx->cache[0].len = ctx->cache[1].addr - ctx->cache[0].addr + P;
	expect_reason(test, ctx,
		      "the mem cache is not sorted, or has overlapping entries");
}

static void kho_in_rejects_scratch(struct kunit *test)
{
	struct in_ctx *ctx = test->priv;

	ctx->cache[2].addr = scratch.addr + scratch.len - P;
	expect_reason(test, ctx, "a mem cache entry lies in the scratch region");
}

static void kho_in_rejects_outside_ram(struct kunit *test)
{
	struct in_ctx *ctx = test->priv;

	ctx->cache[2].addr = RAM_END - P;
	ctx->cache[2].len = 2 * P;
	expect_reason(test, ctx, "a mem cache entry lies outside the RAM this kernel maps");
}

static void kho_in_rejects_truncated_cache(struct kunit *test)
{
	struct in_ctx *ctx = test->priv;

	ctx->nr--;
	expect_reason(test, ctx, "the DT names memory the mem cache does not");
	ctx->nr++;
	ctx->cache[1].len -= P;
	expect_reason(test, ctx, "the DT names memory the mem cache does not");
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

	KUNIT_EXPECT_STREQ(test, kho_in_check(fdt, size, ctx->cache, ctx->nr,
					      &scratch, test_is_ram),
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

	KUNIT_EXPECT_STREQ(test, kho_in_check(fdt, DT_SIZE, ctx->cache,
					      ctx->nr, &scratch, test_is_ram),
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
	KUNIT_CASE(kho_in_rejects_partial_pages),
	KUNIT_CASE(kho_in_rejects_unsorted),
	KUNIT_CASE(kho_in_rejects_overlap),
	KUNIT_CASE(kho_in_rejects_scratch),
	KUNIT_CASE(kho_in_rejects_outside_ram),
	KUNIT_CASE(kho_in_rejects_truncated_cache),
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
