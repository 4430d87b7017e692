// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suites for the outgoing side of Kexec HandOver: serialization
 * through the notifier chain, its failure paths, and the parsing of what
 * user space writes to /sys/kernel/kho. Each case builds a private KHO
 * instance, so the system's own is never touched.
 */

#include <kunit/test.h>
#include <linux/kexec_handover.h>
#include <linux/libfdt.h>
#include <linux/notifier.h>

#include "kexec_kho_internal.h"

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

#define TEST_SCRATCH_BASE	SZ_1G
#define TEST_SCRATCH_SIZE	SZ_64M
#define MAX_CALLS		16

enum test_behaviour {
	TEST_WRITE_NODE,	/* write a node, succeed */
	TEST_FAIL,		/* fail with -EIO before writing anything */
	TEST_WRITE_BLOB,	/* write a node with a 1 KiB property */
	TEST_LEAVE_OPEN,	/* begin a node and never end it */
	TEST_STOP,		/* write a node, stop the chain */
	TEST_SECOND_ROOT,	/* end the root, begin a sibling of it */
	TEST_DUP_NODE,		/* write two nodes of one name */
	TEST_DUP_MEM,		/* write a node with two "mem" properties */
	TEST_LONG_PROP,		/* a property name of 32 characters */
	TEST_BAD_NODE_NAME,	/* a node name with a '/' */
};

struct test_notifier {
	struct notifier_block nb;
	struct kunit *test;
	int id;
	enum test_behaviour behaviour;
	int dumps;
	int aborts;
	int *log;		/* ids in the order callbacks ran */
	int *nr_log;
};

struct test_ctx {
	struct kho_out out;
	struct test_notifier notifiers[4];
	int log[MAX_CALLS];
	int nr_log;
};

static int test_write_node(struct test_notifier *tn, void *fdt, size_t blob)
{
	char name[16];
	void *val;
	int err;

	snprintf(name, sizeof(name), "node%d", tn->id);
	err = fdt_begin_node(fdt, name);
	err = err ?: fdt_property_string(fdt, "compatible", "kho-kunit-v1");
	err = err ?: fdt_property(fdt, "id", &tn->id, sizeof(tn->id));
	if (!err && blob) {
		err = fdt_property_placeholder(fdt, "blob", blob, &val);
		if (!err)
			memset(val, 0xa5, blob);
	}
	err = err ?: fdt_end_node(fdt);
	return err ? notifier_from_errno(kho_fdt_errno(err)) : NOTIFY_OK;
}

/* DTs libfdt's sequential-write API builds without a complaint. */
static int test_write_invalid(struct test_notifier *tn, void *fdt)
{
	const struct kho_mem mem = { SZ_2G, PAGE_SIZE };
	int err = 0;

	switch (tn->behaviour) {
	case TEST_SECOND_ROOT:
		/* kho_out_dump() ends the sibling as if it were the root. */
		err = fdt_end_node(fdt);
		err = err ?: fdt_begin_node(fdt, "sibling");
		break;
	case TEST_DUP_NODE:
		err = fdt_begin_node(fdt, "dup");
		err = err ?: fdt_end_node(fdt);
		err = err ?: fdt_begin_node(fdt, "dup");
		err = err ?: fdt_end_node(fdt);
		break;
	case TEST_DUP_MEM:
		err = fdt_begin_node(fdt, "twice");
		err = err ?: fdt_property(fdt, KHO_MEM_PROP, &mem, sizeof(mem));
		err = err ?: fdt_property(fdt, KHO_MEM_PROP, &mem, sizeof(mem));
		err = err ?: fdt_end_node(fdt);
		break;
	case TEST_LONG_PROP:
		err = fdt_begin_node(fdt, "long");
		err = err ?: fdt_property_u32(fdt,
				"a-property-name-of-32-characters", 1);
		err = err ?: fdt_end_node(fdt);
		break;
	case TEST_BAD_NODE_NAME:
		err = fdt_begin_node(fdt, "a/b");
		err = err ?: fdt_end_node(fdt);
		break;
	default:
		break;
	}
	return err ? notifier_from_errno(kho_fdt_errno(err)) : NOTIFY_OK;
}

static int test_notify(struct notifier_block *nb, unsigned long event,
		       void *fdt)
{
	struct test_notifier *tn = container_of(nb, struct test_notifier, nb);

	if (event == KEXEC_KHO_ABORT) {
		KUNIT_EXPECT_NULL(tn->test, fdt);
		tn->aborts++;
		return NOTIFY_OK;
	}

	KUNIT_EXPECT_EQ(tn->test, event, KEXEC_KHO_DUMP);
	KUNIT_EXPECT_NOT_NULL(tn->test, fdt);
	tn->dumps++;
	if (*tn->nr_log < MAX_CALLS)
		tn->log[(*tn->nr_log)++] = tn->id;

	switch (tn->behaviour) {
	case TEST_WRITE_NODE:
		return test_write_node(tn, fdt, 0);
	case TEST_WRITE_BLOB:
		return test_write_node(tn, fdt, SZ_1K);
	case TEST_FAIL:
		return notifier_from_errno(-EIO);
	case TEST_LEAVE_OPEN:
		return fdt_begin_node(fdt, "open") ?
		       notifier_from_errno(-EINVAL) : NOTIFY_OK;
	case TEST_STOP:
		return test_write_node(tn, fdt, 0) == NOTIFY_OK ?
		       NOTIFY_STOP : notifier_from_errno(-EINVAL);
	default:
		return test_write_invalid(tn, fdt);
	}
	return NOTIFY_DONE;
}

static int test_init(struct kunit *test)
{
	struct test_ctx *ctx;
	int i;

	ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ctx);
	kho_out_init(&ctx->out, TEST_SCRATCH_BASE, TEST_SCRATCH_SIZE);
	for (i = 0; i < ARRAY_SIZE(ctx->notifiers); i++) {
		ctx->notifiers[i].nb.notifier_call = test_notify;
		ctx->notifiers[i].test = test;
		ctx->notifiers[i].id = i;
		ctx->notifiers[i].log = ctx->log;
		ctx->notifiers[i].nr_log = &ctx->nr_log;
	}
	test->priv = ctx;
	return 0;
}

static void test_exit(struct kunit *test)
{
	struct test_ctx *ctx = test->priv;

	/* Leave nothing allocated whatever the case did. */
	kho_out_store_active(&ctx->out, "0");
}

static void test_register(struct test_ctx *ctx, int id,
			  enum test_behaviour behaviour)
{
	ctx->notifiers[id].behaviour = behaviour;
	blocking_notifier_chain_register(&ctx->out.chain,
					 &ctx->notifiers[id].nb);
}

static void expect_each_aborted(struct kunit *test, struct test_ctx *ctx,
				int nr, int aborts)
{
	int i;

	for (i = 0; i < nr; i++)
		KUNIT_EXPECT_EQ_MSG(test, ctx->notifiers[i].aborts, aborts,
				    "notifier %d", i);
}

static void kho_out_dt_holds_every_node(struct kunit *test)
{
	struct test_ctx *ctx = test->priv;
	const void *fdt;
	const int *id;
	int i, node, len;

	for (i = 0; i < 3; i++)
		test_register(ctx, i, TEST_WRITE_NODE);

	KUNIT_ASSERT_EQ(test, kho_out_store_active(&ctx->out, "1"), 0);
	fdt = ctx->out.fdt;
	KUNIT_ASSERT_NOT_NULL(test, fdt);
	KUNIT_EXPECT_EQ(test, fdt_check_header(fdt), 0);
	KUNIT_EXPECT_LE(test, fdt_totalsize(fdt), ctx->out.dt_max);
	KUNIT_EXPECT_EQ(test, fdt_node_check_compatible(fdt, 0,
							KHO_FDT_COMPATIBLE), 0);

	for (i = 0; i < 3; i++) {
		char path[16];

		snprintf(path, sizeof(path), "/node%d", i);
		node = fdt_path_offset(fdt, path);
		KUNIT_ASSERT_GE_MSG(test, node, 0, "%s missing", path);
		KUNIT_EXPECT_EQ(test, fdt_node_check_compatible(fdt, node,
								"kho-kunit-v1"), 0);
		id = fdt_getprop(fdt, node, "id", &len);
		KUNIT_ASSERT_NOT_NULL(test, id);
		KUNIT_EXPECT_EQ(test, len, sizeof(*id));
		KUNIT_EXPECT_EQ(test, *id, i);
		KUNIT_EXPECT_EQ(test, ctx->notifiers[i].dumps, 1);
	}
	expect_each_aborted(test, ctx, 3, 0);
}

static void kho_out_calls_by_priority_then_registration(struct kunit *test)
{
	struct test_ctx *ctx = test->priv;
	static const int expected[] = { 2, 0, 3, 1 };
	int i;

	ctx->notifiers[1].nb.priority = -1;
	ctx->notifiers[2].nb.priority = 1;
	for (i = 0; i < 4; i++)
		test_register(ctx, i, TEST_WRITE_NODE);

	KUNIT_ASSERT_EQ(test, kho_out_store_active(&ctx->out, "1"), 0);
	KUNIT_ASSERT_EQ(test, ctx->nr_log, ARRAY_SIZE(expected));
	for (i = 0; i < ARRAY_SIZE(expected); i++)
		KUNIT_EXPECT_EQ_MSG(test, ctx->log[i], expected[i], "call %d", i);
}

static void kho_out_failing_notifier_aborts_all(struct kunit *test)
{
	struct test_ctx *ctx = test->priv;

	test_register(ctx, 0, TEST_WRITE_NODE);
	test_register(ctx, 1, TEST_FAIL);
	test_register(ctx, 2, TEST_WRITE_NODE);

	KUNIT_EXPECT_EQ(test, kho_out_store_active(&ctx->out, "1"), -EIO);
	KUNIT_EXPECT_NULL(test, ctx->out.fdt);
	/* The chain stops at the failure; everyone is told to abort. */
	KUNIT_EXPECT_EQ(test, ctx->notifiers[0].dumps, 1);
	KUNIT_EXPECT_EQ(test, ctx->notifiers[1].dumps, 1);
	KUNIT_EXPECT_EQ(test, ctx->notifiers[2].dumps, 0);
	expect_each_aborted(test, ctx, 3, 1);

	/* Once the culprit is fixed, the same instance activates. */
	ctx->notifiers[1].behaviour = TEST_WRITE_NODE;
	KUNIT_EXPECT_EQ(test, kho_out_store_active(&ctx->out, "1"), 0);
	KUNIT_EXPECT_NOT_NULL(test, ctx->out.fdt);
}

static void kho_out_full_dt_is_enospc(struct kunit *test)
{
	struct test_ctx *ctx = test->priv;

	test_register(ctx, 0, TEST_WRITE_NODE);
	test_register(ctx, 1, TEST_WRITE_BLOB);
	KUNIT_ASSERT_EQ(test, kho_out_store_dt_max(&ctx->out, "512"), 0);

	KUNIT_EXPECT_EQ(test, kho_out_store_active(&ctx->out, "1"), -ENOSPC);
	KUNIT_EXPECT_NULL(test, ctx->out.fdt);
	expect_each_aborted(test, ctx, 2, 1);

	/* A larger buffer fits the same notifiers. */
	KUNIT_ASSERT_EQ(test, kho_out_store_dt_max(&ctx->out, "0x1000"), 0);
	KUNIT_EXPECT_EQ(test, kho_out_store_active(&ctx->out, "1"), 0);
	KUNIT_EXPECT_NOT_NULL(test, ctx->out.fdt);
}

static void kho_out_open_node_is_rejected(struct kunit *test)
{
	struct test_ctx *ctx = test->priv;

	test_register(ctx, 0, TEST_WRITE_NODE);
	test_register(ctx, 1, TEST_LEAVE_OPEN);

	KUNIT_EXPECT_EQ(test, kho_out_store_active(&ctx->out, "1"), -EINVAL);
	KUNIT_EXPECT_NULL(test, ctx->out.fdt);
	expect_each_aborted(test, ctx, 2, 1);
}

static const enum test_behaviour invalid_dts[] = {
	TEST_SECOND_ROOT, TEST_DUP_NODE, TEST_DUP_MEM, TEST_LONG_PROP,
	TEST_BAD_NODE_NAME,
};

static void invalid_dt_desc(const enum test_behaviour *b, char *desc)
{
	static const char * const names[] = {
		[TEST_SECOND_ROOT] = "a second root",
		[TEST_DUP_NODE] = "two nodes of one name",
		[TEST_DUP_MEM] = "two mem properties in a node",
		[TEST_LONG_PROP] = "a property name of 32 characters",
		[TEST_BAD_NODE_NAME] = "a '/' in a node name",
	};

	strscpy(desc, names[*b], KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(invalid_dt, invalid_dts, invalid_dt_desc);

/* dtc and fdt_check_full() refuse these DTs: so must activation. */
static void kho_out_invalid_dt_is_refused(struct kunit *test)
{
	const enum test_behaviour *b = test->param_value;
	struct test_ctx *ctx = test->priv;

	test_register(ctx, 0, TEST_WRITE_NODE);
	test_register(ctx, 1, *b);

	KUNIT_EXPECT_EQ(test, kho_out_store_active(&ctx->out, "1"), -EINVAL);
	KUNIT_EXPECT_NULL(test, ctx->out.fdt);
	expect_each_aborted(test, ctx, 2, 1);
}

static void kho_out_notify_stop_is_refused(struct kunit *test)
{
	struct test_ctx *ctx = test->priv;

	test_register(ctx, 0, TEST_WRITE_NODE);
	test_register(ctx, 1, TEST_STOP);
	test_register(ctx, 2, TEST_WRITE_NODE);

	/* notifier_to_errno(NOTIFY_STOP) is 0: notifier 2 would be left out. */
	KUNIT_EXPECT_EQ(test, kho_out_store_active(&ctx->out, "1"), -EINVAL);
	KUNIT_EXPECT_NULL(test, ctx->out.fdt);
	KUNIT_EXPECT_EQ(test, ctx->notifiers[2].dumps, 0);
	expect_each_aborted(test, ctx, 3, 1);
}

static void kho_out_abort_after_success(struct kunit *test)
{
	struct test_ctx *ctx = test->priv;

	test_register(ctx, 0, TEST_WRITE_NODE);
	test_register(ctx, 1, TEST_WRITE_NODE);

	KUNIT_ASSERT_EQ(test, kho_out_store_active(&ctx->out, "1"), 0);
	/* Writing the current state again changes nothing. */
	KUNIT_EXPECT_EQ(test, kho_out_store_active(&ctx->out, "y"), 0);
	KUNIT_EXPECT_EQ(test, ctx->notifiers[0].dumps, 1);

	KUNIT_EXPECT_EQ(test, kho_out_store_active(&ctx->out, "0"), 0);
	KUNIT_EXPECT_NULL(test, ctx->out.fdt);
	expect_each_aborted(test, ctx, 2, 1);
	KUNIT_EXPECT_EQ(test, kho_out_store_active(&ctx->out, "n"), 0);
	expect_each_aborted(test, ctx, 2, 1);

	/* And the cycle can run again. */
	KUNIT_EXPECT_EQ(test, kho_out_store_active(&ctx->out, "1"), 0);
	KUNIT_EXPECT_EQ(test, ctx->notifiers[1].dumps, 2);
}

static void kho_out_no_scratch_is_enomem(struct kunit *test)
{
	struct test_ctx *ctx = test->priv;

	ctx->out.scratch_size = 0;
	test_register(ctx, 0, TEST_WRITE_NODE);

	KUNIT_EXPECT_EQ(test, kho_out_store_active(&ctx->out, "1"), -ENOMEM);
	KUNIT_EXPECT_NULL(test, ctx->out.fdt);
	KUNIT_EXPECT_EQ(test, ctx->notifiers[0].dumps, 0);
	KUNIT_EXPECT_EQ(test, kho_out_store_active(&ctx->out, "0"), 0);
}

static void kho_out_small_scratch_is_enospc(struct kunit *test)
{
	struct test_ctx *ctx = test->priv;

	/* The next kernel needs all of it, and the DT comes on top. */
	ctx->out.scratch_needed = ctx->out.scratch_size;
	test_register(ctx, 0, TEST_WRITE_NODE);
	test_register(ctx, 1, TEST_WRITE_NODE);

	KUNIT_EXPECT_EQ(test, kho_out_store_active(&ctx->out, "1"), -ENOSPC);
	KUNIT_EXPECT_NULL(test, ctx->out.fdt);
	KUNIT_EXPECT_EQ(test, ctx->out.preserved.first, 0);
	expect_each_aborted(test, ctx, 2, 1);

	/* 1 MiB less leaves room for the DT and the regions to reserve. */
	ctx->out.scratch_needed = ctx->out.scratch_size - SZ_1M;
	KUNIT_EXPECT_EQ(test, kho_out_store_active(&ctx->out, "1"), 0);
	KUNIT_EXPECT_NOT_NULL(test, ctx->out.fdt);
}

static void kho_out_register_unregister_idle(struct kunit *test)
{
	struct test_ctx *ctx = test->priv;
	struct notifier_block *nb = &ctx->notifiers[3].nb;

	test_register(ctx, 0, TEST_WRITE_NODE);
	test_register(ctx, 1, TEST_FAIL);
	KUNIT_EXPECT_EQ(test,
			blocking_notifier_chain_unregister(&ctx->out.chain,
							   &ctx->notifiers[1].nb),
			0);
	KUNIT_EXPECT_EQ(test, kho_out_store_active(&ctx->out, "1"), 0);
	KUNIT_EXPECT_EQ(test, ctx->notifiers[1].dumps, 0);

	/* The public API, on the system's chain: nothing is called here. */
	KUNIT_EXPECT_EQ(test, register_kho_notifier(nb), 0);
	KUNIT_EXPECT_EQ(test, unregister_kho_notifier(nb), 0);
	KUNIT_EXPECT_EQ(test, unregister_kho_notifier(nb), -ENOENT);
	KUNIT_EXPECT_EQ(test, ctx->notifiers[3].dumps, 0);
}

static void kho_out_dt_max_busy_while_active(struct kunit *test)
{
	struct test_ctx *ctx = test->priv;

	KUNIT_ASSERT_EQ(test, kho_out_store_active(&ctx->out, "1"), 0);
	KUNIT_EXPECT_EQ(test, kho_out_store_dt_max(&ctx->out, "0x2000"), -EBUSY);
	KUNIT_EXPECT_EQ(test, ctx->out.dt_max, KHO_DT_MAX_DEFAULT);
	/* A bad value is refused as such, active or not. */
	KUNIT_EXPECT_EQ(test, kho_out_store_dt_max(&ctx->out, "foo"), -EINVAL);
	KUNIT_ASSERT_EQ(test, kho_out_store_active(&ctx->out, "0"), 0);
	KUNIT_EXPECT_EQ(test, kho_out_store_dt_max(&ctx->out, "0x2000"), 0);
	KUNIT_EXPECT_EQ(test, ctx->out.dt_max, 0x2000);
}

struct active_case {
	const char *input;
	int err;
	bool active;
};

static const struct active_case active_cases[] = {
	{ "1\n", 0, true }, { "1", 0, true }, { "y", 0, true },
	{ "Y\n", 0, true }, { "on", 0, true }, { "true", 0, true },
	{ "0\n", 0, false }, { "n", 0, false }, { "off", 0, false },
	{ "false", 0, false },
	{ "2", -EINVAL, false }, { "", -EINVAL, false },
	{ "\n", -EINVAL, false }, { "-1", -EINVAL, false },
	{ "x", -EINVAL, false }, { "o", -EINVAL, false },
};

/* The input, quoted, with a newline shown as \n. */
static void input_desc(const char *input, char *desc)
{
	size_t len = strcspn(input, "\n");

	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "\"%.*s%s\"", (int)len, input,
		 input[len] ? "\\n" : "");
}

static void active_case_desc(const struct active_case *c, char *desc)
{
	input_desc(c->input, desc);
}

KUNIT_ARRAY_PARAM(active, active_cases, active_case_desc);

static void kho_out_parses_active(struct kunit *test)
{
	const struct active_case *c = test->param_value;
	struct test_ctx *ctx = test->priv;

	test_register(ctx, 0, TEST_WRITE_NODE);
	KUNIT_EXPECT_EQ(test, kho_out_store_active(&ctx->out, c->input), c->err);
	KUNIT_EXPECT_EQ(test, !!ctx->out.fdt, c->active);
	KUNIT_EXPECT_EQ(test, ctx->notifiers[0].dumps, c->active ? 1 : 0);
}

struct dt_max_case {
	const char *input;
	int err;
	size_t size;
};

static const struct dt_max_case dt_max_cases[] = {
	{ "4096", 0, 4096 }, { "4096\n", 0, 4096 }, { "0x2000", 0, 0x2000 },
	{ "0X2000\n", 0, 0x2000 }, { "01000", 0, 512 },
	{ "256", 0, KHO_DT_MAX_MIN }, { "0x40000000", 0, KHO_DT_MAX_LIMIT },
	{ "0", -EINVAL }, { "255", -EINVAL }, { "0x40000001", -EINVAL },
	{ "18446744073709551615", -EINVAL },
	{ "99999999999999999999999", -EINVAL }, { "-4096", -EINVAL },
	{ "foo", -EINVAL }, { "", -EINVAL }, { "4096 ", -EINVAL },
	{ "4k", -EINVAL }, { "0x", -EINVAL },
};

static void dt_max_case_desc(const struct dt_max_case *c, char *desc)
{
	input_desc(c->input, desc);
}

KUNIT_ARRAY_PARAM(dt_max, dt_max_cases, dt_max_case_desc);

static void kho_out_parses_dt_max(struct kunit *test)
{
	const struct dt_max_case *c = test->param_value;
	struct test_ctx *ctx = test->priv;

	KUNIT_EXPECT_EQ(test, kho_out_store_dt_max(&ctx->out, c->input), c->err);
	KUNIT_EXPECT_EQ(test, ctx->out.dt_max,
			c->err ? KHO_DT_MAX_DEFAULT : c->size);
}

static struct kunit_case kho_out_cases[] = {
	KUNIT_CASE(kho_out_dt_holds_every_node),
	KUNIT_CASE(kho_out_calls_by_priority_then_registration),
	KUNIT_CASE(kho_out_failing_notifier_aborts_all),
	KUNIT_CASE(kho_out_full_dt_is_enospc),
	KUNIT_CASE(kho_out_open_node_is_rejected),
	KUNIT_CASE(kho_out_notify_stop_is_refused),
	KUNIT_CASE_PARAM(kho_out_invalid_dt_is_refused, invalid_dt_gen_params),
	KUNIT_CASE(kho_out_abort_after_success),
	KUNIT_CASE(kho_out_no_scratch_is_enomem),
	KUNIT_CASE(kho_out_small_scratch_is_enospc),
	KUNIT_CASE(kho_out_register_unregister_idle),
	KUNIT_CASE(kho_out_dt_max_busy_while_active),
	{}
};

static struct kunit_suite kho_out_suite = {
	.name = "kho_out",
	.init = test_init,
	.exit = test_exit,
	.test_cases = kho_out_cases,
};

static struct kunit_case kho_out_sysfs_cases[] = {
	KUNIT_CASE_PARAM(kho_out_parses_active, active_gen_params),
	KUNIT_CASE_PARAM(kho_out_parses_dt_max, dt_max_gen_params),
	{}
};

static struct kunit_suite kho_out_sysfs_suite = {
	.name = "kho_out_sysfs",
	.init = test_init,
	.exit = test_exit,
	.test_cases = kho_out_sysfs_cases,
};

kunit_test_suites(&kho_out_suite, &kho_out_sysfs_suite);

MODULE_DESCRIPTION("KUnit tests for the outgoing side of Kexec HandOver");
MODULE_LICENSE("GPL");
