// SPDX-License-Identifier: GPL-2.0
/*
 * kho_test: a driver that takes part in every Kexec HandOver the way a real
 * one would. Booted with kho_test.enable=1, it allocates buffers, fills them
 * with a pattern derived from a seed, and serializes a node that names them:
 * a sub-page range, a multi-page range and two adjacent ranges.
 */

#define pr_fmt(fmt) "kho_test: " fmt

#include <linux/gfp.h>
#include <linux/init.h>
#include <linux/kexec_handover.h>
#include <linux/libfdt.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/notifier.h>
#include <linux/random.h>

#undef MODULE_PARAM_PREFIX
#define MODULE_PARAM_PREFIX "kho_test."

static bool kho_test_enable;
module_param_named(enable, kho_test_enable, bool, 0444);
MODULE_PARM_DESC(enable, "take part in KHO (default: no)");

static unsigned long long kho_test_seed;
module_param_named(seed, kho_test_seed, ullong, 0444);
MODULE_PARM_DESC(seed, "seed of the data pattern (default: random)");

#define KHO_TEST_COMPATIBLE	"kho-test-v1"

/* Orders of the blocks kho_test allocates. */
static const unsigned int kho_test_order[] = { 0, 2, 1 };

/* Where each handed-over range lies: block, offset in it, length. */
static const struct {
	unsigned int block;
	size_t offset;
	size_t len;
} kho_test_layout[] = {
	{ 0, 100, 1000 },			/* sub-page, unaligned */
	{ 1, 0, 3 * PAGE_SIZE + 512 },		/* multi-page */
	{ 2, 0, PAGE_SIZE },			/* two adjacent ranges */
	{ 2, PAGE_SIZE, PAGE_SIZE },
};

static struct kho_mem kho_test_mem[ARRAY_SIZE(kho_test_layout)];
static struct page *kho_test_pages[ARRAY_SIZE(kho_test_order)];

/* Byte stream of range @idx: xorshift64 seeded from the seed and the index. */
static void kho_test_fill(void *buf, size_t len, u64 seed, unsigned int idx)
{
	u64 x = seed ^ (0x9e3779b97f4a7c15ULL * (idx + 1));
	u8 *p = buf;
	size_t i;

	for (i = 0; i < len; i++) {
		if (i % sizeof(x) == 0) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
		}
		p[i] = x >> (8 * (i % sizeof(x)));
	}
}

static int kho_test_serialize(void *fdt)
{
	int err;

	err = fdt_begin_node(fdt, "kho_test");
	err = err ?: fdt_property_string(fdt, "compatible", KHO_TEST_COMPATIBLE);
	err = err ?: fdt_property(fdt, "seed", &kho_test_seed,
				  sizeof(kho_test_seed));
	err = err ?: fdt_property(fdt, KHO_MEM_PROP, kho_test_mem,
				  sizeof(kho_test_mem));
	err = err ?: fdt_end_node(fdt);
	return err ? kho_fdt_errno(err) : 0;
}

static int kho_test_notify(struct notifier_block *nb, unsigned long event,
			   void *fdt)
{
	int err;

	switch (event) {
	case KEXEC_KHO_DUMP:
		err = kho_test_serialize(fdt);
		if (err) {
			pr_err("cannot serialize: %d\n", err);
			return notifier_from_errno(err);
		}
		pr_info("serialized %zu ranges\n", ARRAY_SIZE(kho_test_mem));
		return NOTIFY_OK;
	case KEXEC_KHO_ABORT:
		pr_info("handover aborted\n");
		return NOTIFY_OK;
	}
	return NOTIFY_DONE;
}

static struct notifier_block kho_test_nb = {
	.notifier_call = kho_test_notify,
};

static void kho_test_free(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(kho_test_pages); i++) {
		if (kho_test_pages[i])
			__free_pages(kho_test_pages[i], kho_test_order[i]);
		kho_test_pages[i] = NULL;
	}
}

static int kho_test_alloc(void)
{
	unsigned int i, blk;
	void *buf;

	for (i = 0; i < ARRAY_SIZE(kho_test_pages); i++) {
		kho_test_pages[i] = alloc_pages(GFP_KERNEL, kho_test_order[i]);
		if (!kho_test_pages[i]) {
			kho_test_free();
			return -ENOMEM;
		}
	}

	for (i = 0; i < ARRAY_SIZE(kho_test_layout); i++) {
		blk = kho_test_layout[i].block;
		buf = page_address(kho_test_pages[blk]) + kho_test_layout[i].offset;
		kho_test_mem[i].addr = virt_to_phys(buf);
		kho_test_mem[i].len = kho_test_layout[i].len;
		kho_test_fill(buf, kho_test_mem[i].len, kho_test_seed, i);
	}
	return 0;
}

static int __init kho_test_init(void)
{
	int err;

	if (!kho_test_enable)
		return 0;

	if (!kho_test_seed)
		kho_test_seed = get_random_u64();

	err = kho_test_alloc();
	if (err)
		goto fail;

	err = register_kho_notifier(&kho_test_nb);
	if (err)
		goto free;

	pr_info("ready: %zu ranges, seed %#llx\n", ARRAY_SIZE(kho_test_mem),
		kho_test_seed);
	return 0;

free:
	kho_test_free();
fail:
	pr_err("cannot start: %d\n", err);
	return err;
}
module_init(kho_test_init);

MODULE_DESCRIPTION("Kexec HandOver test driver");
MODULE_LICENSE("GPL");
