// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for reserve_mem regions across a Kexec HandOver: which names
 * can be handed over, which handed-over nodes give reserve_mem= a region and
 * which are refused with a reason, and when a node shares its bytes.
 */

#include <kunit/test.h>
#include <linux/kexec_handover.h>
#include <linux/libfdt.h>
#include <linux/sizes.h>

#include "reserve_mem_kho.h"

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

#define DT_SIZE		SZ_4K
#define START		(SZ_1G + SZ_2M)

/* A reserve_mem node as a test case has it; NULL properties are left out. */
struct rmem_node {
	const char *name;
	const u64 *start;
	const u64 *size;
	const u64 *align;
	const struct kho_mem *mem;
	int mem_len;
	int size_len;
};

static const u64 good_start = START, good_size = SZ_2M, good_align = SZ_4K;
static const struct kho_mem good_mem = { START, SZ_2M };

static int rmem_u64(void *fdt, const char *name, const u64 *val, int len)
{
	return val ? fdt_property(fdt, name, val, len ?: sizeof(*val)) : 0;
}

static int rmem_add(void *fdt, const struct rmem_node *n)
{
	int err;

	err = fdt_begin_node(fdt, n->name);
	err = err ?: fdt_property_string(fdt, "compatible",
					 RESERVE_MEM_KHO_COMPATIBLE);
	err = err ?: rmem_u64(fdt, "start", n->start, 0);
	err = err ?: rmem_u64(fdt, "size", n->size, n->size_len);
	err = err ?: rmem_u64(fdt, "align", n->align, 0);
	if (!err && n->mem)
		err = fdt_property(fdt, KHO_MEM_PROP, n->mem,
				   n->mem_len ?: sizeof(*n->mem));
	return err ?: fdt_end_node(fdt);
}

/* A KHO DT holding @nr nodes; the offset of the first is in *@first. */
static void *rmem_dt(struct kunit *test, const struct rmem_node *nodes,
		     int nr, int *first)
{
	void *fdt = kunit_kzalloc(test, DT_SIZE, GFP_KERNEL);
	int err, i;

	KUNIT_ASSERT_NOT_NULL(test, fdt);
	err = fdt_create(fdt, DT_SIZE);
	err = err ?: fdt_finish_reservemap(fdt);
	err = err ?: fdt_begin_node(fdt, "");
	err = err ?: fdt_property_string(fdt, "compatible", KHO_FDT_COMPATIBLE);
	for (i = 0; !err && i < nr; i++)
		err = rmem_add(fdt, &nodes[i]);
	err = err ?: fdt_end_node(fdt);
	err = err ?: fdt_finish(fdt);
	KUNIT_ASSERT_EQ(test, err, 0);
	*first = fdt_first_subnode(fdt, 0);
	KUNIT_ASSERT_GE(test, *first, 0);
	return fdt;
}

static void rmem_name_ok(struct kunit *test)
{
	KUNIT_EXPECT_TRUE(test, reserve_mem_kho_name_ok("oops"));
	KUNIT_EXPECT_TRUE(test, reserve_mem_kho_name_ok("t,b_1.A+b-"));
	KUNIT_EXPECT_TRUE(test, reserve_mem_kho_name_ok("fifteen_chars_x"));
	KUNIT_EXPECT_FALSE(test, reserve_mem_kho_name_ok(""));
	KUNIT_EXPECT_FALSE(test, reserve_mem_kho_name_ok("sixteen_chars_xy"));
	KUNIT_EXPECT_FALSE(test, reserve_mem_kho_name_ok("oops@1000"));
	KUNIT_EXPECT_FALSE(test, reserve_mem_kho_name_ok("my oops"));
	KUNIT_EXPECT_FALSE(test, reserve_mem_kho_name_ok("a/b"));
}

static void rmem_good_node(struct kunit *test)
{
	const struct rmem_node n = {
		"oops", &good_start, &good_size, &good_align, &good_mem,
	};
	struct reserve_mem_kho_region r;
	const void *fdt;
	int node;

	fdt = rmem_dt(test, &n, 1, &node);
	KUNIT_EXPECT_NULL(test, reserve_mem_kho_check_node(fdt, node, &r));
	KUNIT_EXPECT_STREQ(test, r.name, "oops");
	KUNIT_EXPECT_EQ(test, r.mem.addr, START);
	KUNIT_EXPECT_EQ(test, r.mem.len, SZ_2M);
	KUNIT_EXPECT_EQ(test, r.align, SZ_4K);
}

struct rmem_bad_case {
	const char *desc;
	struct rmem_node node;
	const char *why;
};

static const u64 zero, cache_line = SMP_CACHE_BYTES / 2, odd_align = 3 * SZ_4K;
static const u64 off_start = START + SMP_CACHE_BYTES, huge_size = -SZ_1G;
static const struct kho_mem two_mem[] = { { START, SZ_1M }, { START + SZ_1M, SZ_1M } };
static const struct kho_mem short_mem = { START, SZ_1M };

static const char bad_name[] = "its name is not one reserve_mem= hands over";
static const char bad_u64[] = "its start, size or align is missing or not a u64";
static const char bad_mem[] = "its mem property is not one entry";
static const char bad_size[] = "its size is 0 or wraps";
static const char bad_align[] =
	"its align is under a cache line, not a power of two, or not its start's";
static const char bad_entry[] = "its mem entry is not its start and size";

static const struct rmem_bad_case rmem_bad_cases[] = {
	{ "name too long for reserve_mem",
	  { "sixteen_chars_xy", &good_start, &good_size, &good_align, &good_mem },
	  bad_name },
	{ "unit address in the name",
	  { "oops@40200000", &good_start, &good_size, &good_align, &good_mem },
	  bad_name },
	{ "no start", { "oops", NULL, &good_size, &good_align, &good_mem }, bad_u64 },
	{ "no size", { "oops", &good_start, NULL, &good_align, &good_mem }, bad_u64 },
	{ "no align", { "oops", &good_start, &good_size, NULL, &good_mem }, bad_u64 },
	{ "size of 4 bytes",
	  { "oops", &good_start, &good_size, &good_align, &good_mem, 0, 4 },
	  bad_u64 },
	{ "no mem", { "oops", &good_start, &good_size, &good_align, NULL }, bad_mem },
	{ "two mem entries",
	  { "oops", &good_start, &good_size, &good_align, two_mem, sizeof(two_mem) },
	  bad_mem },
	{ "size 0", { "oops", &good_start, &zero, &good_align, &good_mem }, bad_size },
	{ "size wraps",
	  { "oops", &good_start, &huge_size, &good_align, &good_mem }, bad_size },
	{ "alignment below a cache line",
	  { "oops", &good_start, &good_size, &cache_line, &good_mem }, bad_align },
	{ "alignment not a power of two",
	  { "oops", &good_start, &good_size, &odd_align, &good_mem }, bad_align },
	{ "start not aligned",
	  { "oops", &off_start, &good_size, &good_align, &good_mem }, bad_align },
	{ "size not the mem entry's",
	  { "oops", &good_start, &good_size, &good_align, &short_mem }, bad_entry },
};

KUNIT_ARRAY_PARAM_DESC(rmem_bad, rmem_bad_cases, desc);

static void rmem_bad_node(struct kunit *test)
{
	const struct rmem_bad_case *c = test->param_value;
	struct reserve_mem_kho_region r;
	const void *fdt;
	int node;

	fdt = rmem_dt(test, &c->node, 1, &node);
	KUNIT_EXPECT_STREQ(test, reserve_mem_kho_check_node(fdt, node, &r),
			   c->why);
}

static void rmem_sharer(struct kunit *test)
{
	static const struct kho_mem before = { START - SZ_4K, SZ_4K };
	static const struct kho_mem last_byte = { START + SZ_2M - 1, 1 };
	const struct rmem_node alone[] = {
		{ "oops", &good_start, &good_size, &good_align, &good_mem },
		{ "before", &good_start, &good_size, &good_align, &before },
	};
	const struct rmem_node shared[] = {
		{ "oops", &good_start, &good_size, &good_align, &good_mem },
		{ "before", &good_start, &good_size, &good_align, &before },
		{ "last", &good_start, &good_size, &good_align, &last_byte },
	};
	const void *fdt;
	int node;

	fdt = rmem_dt(test, alone, ARRAY_SIZE(alone), &node);
	KUNIT_EXPECT_NULL(test, reserve_mem_kho_sharer(fdt, node, &good_mem));

	fdt = rmem_dt(test, shared, ARRAY_SIZE(shared), &node);
	KUNIT_EXPECT_STREQ(test, reserve_mem_kho_sharer(fdt, node, &good_mem),
			   "last");
}

static struct kunit_case reserve_mem_kho_cases[] = {
	KUNIT_CASE(rmem_name_ok),
	KUNIT_CASE(rmem_good_node),
	KUNIT_CASE_PARAM(rmem_bad_node, rmem_bad_gen_params),
	KUNIT_CASE(rmem_sharer),
	{}
};

static struct kunit_suite reserve_mem_kho_suite = {
	.name = "reserve_mem_kho",
	.test_cases = reserve_mem_kho_cases,
};

kunit_test_suite(reserve_mem_kho_suite);

MODULE_DESCRIPTION("KUnit tests for reserve_mem regions across Kexec HandOver");
MODULE_LICENSE("GPL");
