// SPDX-License-Identifier: GPL-2.0
/*
 * kho_test: a driver that takes part in every Kexec HandOver the way a real
 * one would. Booted with kho_test.enable=1, it fills buffers with a pattern
 * derived from a seed and serializes a node that names them: a sub-page
 * range, a multi-page range, two adjacent ranges and kho_test.ranges ranges
 * of kho_test.range_size bytes. In the next kernel it claims them, checks
 * every byte and prints one verdict line; then it hands the same data on
 * (kho_test.forward=1, the default), so that a chain of kexecs checks data
 * that crossed every kernel, or returns the memory. With kho_test.kfence=1
 * the sub-page range is a kmalloc() buffer that KFENCE served instead.
 */

#define pr_fmt(fmt) "kho_test: " fmt

#include <linux/gfp.h>
#include <linux/delay.h>
#include <linux/init.h>
#include <linux/kexec_handover.h>
#include <linux/kfence.h>
#include <linux/libfdt.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/notifier.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/unaligned.h>

#undef MODULE_PARAM_PREFIX
#define MODULE_PARAM_PREFIX "kho_test."

static bool kho_test_enable;
module_param_named(enable, kho_test_enable, bool, 0444);
MODULE_PARM_DESC(enable, "take part in KHO (default: no)");

static unsigned long long kho_test_seed;
module_param_named(seed, kho_test_seed, ullong, 0444);
MODULE_PARM_DESC(seed, "seed of the data pattern (default: random)");

static unsigned int kho_test_nr_bulk = 1024;
module_param_named(ranges, kho_test_nr_bulk, uint, 0444);
MODULE_PARM_DESC(ranges, "number of bulk ranges (default: 1024)");

static unsigned int kho_test_bulk_size = SZ_64K;
module_param_named(range_size, kho_test_bulk_size, uint, 0444);
MODULE_PARM_DESC(range_size, "bytes in each bulk range (default: 65536)");

static unsigned int kho_test_bulk_stride;
module_param_named(range_stride, kho_test_bulk_stride, uint, 0444);
MODULE_PARM_DESC(range_stride, "bytes allocated for each bulk range, from its start; larger than range_size leaves gaps (default: range_size)");

static bool kho_test_kfence;
module_param_named(kfence, kho_test_kfence, bool, 0444);
MODULE_PARM_DESC(kfence, "make the sub-page range a kmalloc() buffer from KFENCE's pool (default: no)");

static bool kho_test_panic;
module_param_named(panic, kho_test_panic, bool, 0444);
MODULE_PARM_DESC(panic, "panic while serializing, to test kdump during activation (default: no)");

static bool kho_test_forward = true;
module_param_named(forward, kho_test_forward, bool, 0444);
MODULE_PARM_DESC(forward, "hand restored data on to the next kernel (default: yes)");

#define KHO_TEST_COMPATIBLE	"kho-test-v1"

/* The shaped ranges: block of pages, offset in it, length. */
static const struct {
	unsigned int order;
	size_t offset;
	size_t len;
} kho_test_shapes[] = {
	{ 0, 100, 1000 },			/* sub-page, unaligned */
	{ 2, 0, 3 * PAGE_SIZE + 512 },		/* multi-page */
	{ 1, 0, PAGE_SIZE },			/* two adjacent ranges... */
	{ 1, PAGE_SIZE, PAGE_SIZE },		/* ...of one block */
};

static struct kho_mem *kho_test_mem;

/* No RAM at physical address 0 on the machines KHO is tested on. */
static const struct kho_mem kho_test_bogus = { .addr = 0, .len = PAGE_SIZE };
static unsigned int kho_test_nr;

/* Byte stream of range @idx: xorshift64 words from the seed and the index. */
static u64 kho_test_word(u64 *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

static u64 kho_test_stream(unsigned int idx)
{
	return kho_test_seed ^ (0x9e3779b97f4a7c15ULL * (idx + 1));
}

static void kho_test_fill(u8 *buf, size_t len, unsigned int idx)
{
	u64 x = kho_test_stream(idx), w;
	size_t i;

	for (i = 0; i + 8 <= len; i += 8)
		put_unaligned_le64(kho_test_word(&x), buf + i);
	for (w = kho_test_word(&x); i < len; i++, w >>= 8)
		buf[i] = w;
}

/* Offset of the first byte that differs from the pattern, or @len. */
static size_t kho_test_check(const u8 *buf, size_t len, unsigned int idx)
{
	u64 x = kho_test_stream(idx), w;
	size_t i;

	for (i = 0; i + 8 <= len; i += 8)
		if (get_unaligned_le64(buf + i) != kho_test_word(&x))
			break;
	for (w = kho_test_word(&x); i < len; i++, w >>= 8)
		if (buf[i] != (u8)w)
			return i;
	return len;
}

static int kho_test_serialize(void *fdt)
{
	int err;

	err = fdt_begin_node(fdt, "kho_test");
	err = err ?: fdt_property_string(fdt, "compatible", KHO_TEST_COMPATIBLE);
	err = err ?: fdt_property(fdt, "seed", &kho_test_seed,
				  sizeof(kho_test_seed));
	err = err ?: fdt_property(fdt, KHO_MEM_PROP, kho_test_mem,
				  kho_test_nr * sizeof(*kho_test_mem));
	err = err ?: fdt_end_node(fdt);
	return err ? kho_fdt_errno(err) : 0;
}

static int kho_test_notify(struct notifier_block *nb, unsigned long event,
			   void *fdt)
{
	int err;

	switch (event) {
	case KEXEC_KHO_DUMP:
		if (kho_test_panic)
			panic("kho_test: panic during activation, as asked\n");
		err = kho_test_serialize(fdt);
		if (err) {
			pr_err("cannot serialize: %d\n", err);
			return notifier_from_errno(err);
		}
		pr_info("serialized %u ranges\n", kho_test_nr);
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

/* KFENCE serves one kmalloc() per sample interval: try 10000 times. */
static void *kho_test_kfence_alloc(size_t len)
{
	unsigned int tries;
	void *buf;

	if (!IS_ENABLED(CONFIG_KFENCE)) {
		pr_err("kho_test.kfence=1 needs CONFIG_KFENCE\n");
		return NULL;
	}
	for (tries = 0; tries < 10000; tries++) {
		buf = kmalloc(len, GFP_KERNEL);
		if (!buf || is_kfence_address(buf))
			return buf;
		kfree(buf);
		usleep_range(1000, 2000);
	}
	pr_err("KFENCE served none of %u allocations\n", tries);
	return NULL;
}

/* Free the first @nr ranges kho_test_alloc() allocated, and the list. */
static void kho_test_free(unsigned int nr)
{
	unsigned int i, nr_shapes = ARRAY_SIZE(kho_test_shapes);
	void *buf;

	for (i = 0; i < nr; i++) {
		buf = phys_to_virt(kho_test_mem[i].addr);
		if (i >= nr_shapes)
			free_pages_exact(buf, kho_test_bulk_stride);
		else if (!i && kho_test_kfence)
			kfree(buf);
		else if (!kho_test_shapes[i].offset)
			free_pages((unsigned long)buf, kho_test_shapes[i].order);
	}
	kvfree(kho_test_mem);
	kho_test_mem = NULL;
	kho_test_nr = 0;
}

/* Allocate and fill the ranges. They live as long as the kernel does. */
static int kho_test_alloc(void)
{
	unsigned int i, nr_shapes = ARRAY_SIZE(kho_test_shapes);
	struct page *page = NULL;
	void *buf;

	kho_test_bulk_stride = max(kho_test_bulk_stride, kho_test_bulk_size);
	kho_test_nr = nr_shapes + kho_test_nr_bulk;
	kho_test_mem = kvcalloc(kho_test_nr, sizeof(*kho_test_mem), GFP_KERNEL);
	if (!kho_test_mem)
		return -ENOMEM;

	for (i = 0; i < kho_test_nr; i++) {
		if (i >= nr_shapes) {
			buf = alloc_pages_exact(kho_test_bulk_stride, GFP_KERNEL);
			kho_test_mem[i].len = kho_test_bulk_size;
		} else if (!i && kho_test_kfence) {
			buf = kho_test_kfence_alloc(kho_test_shapes[i].len);
			kho_test_mem[i].len = kho_test_shapes[i].len;
			if (buf)
				pr_info("range 0 is a kmalloc() buffer in KFENCE's pool\n");
		} else {
			/* A range at offset 0 starts a new block. */
			if (!kho_test_shapes[i].offset || !page)
				page = alloc_pages(GFP_KERNEL,
						   kho_test_shapes[i].order);
			buf = page ? page_address(page) +
				     kho_test_shapes[i].offset : NULL;
			kho_test_mem[i].len = kho_test_shapes[i].len;
		}
		if (!buf) {
			kho_test_free(i);
			return -ENOMEM;
		}
		kho_test_mem[i].addr = virt_to_phys(buf);
		kho_test_fill(buf, kho_test_mem[i].len, i);
	}
	return 0;
}

/*
 * Claim and check what the previous kernel handed over. Returns the number
 * of ranges restored, or a negative error once the verdict is printed.
 */
static int kho_test_restore(const void *fdt, int node)
{
	const struct kho_mem *mem;
	unsigned int i, nr;
	u64 bytes = 0;
	size_t bad;
	const void *seed;
	void *buf;
	int len;

	seed = fdt_getprop(fdt, node, "seed", &len);
	if (!seed || len != sizeof(kho_test_seed)) {
		pr_err("restored 0 ranges, 0 bytes: FAILED: no seed\n");
		return -EINVAL;
	}
	memcpy(&kho_test_seed, seed, sizeof(kho_test_seed));
	mem = fdt_getprop(fdt, node, KHO_MEM_PROP, &len);
	if (!mem || !len || len % sizeof(*mem)) {
		pr_err("restored 0 ranges, 0 bytes: FAILED: no mem property\n");
		return -EINVAL;
	}
	nr = len / sizeof(*mem);
	kho_test_mem = kvmalloc_array(nr, sizeof(*mem), GFP_KERNEL);
	if (!kho_test_mem)
		return -ENOMEM;
	memcpy(kho_test_mem, mem, len);
	kho_test_nr = nr;

	/* On a failure, what was handed over stays reserved: nothing is lost. */
	for (i = 0; i < nr; i++) {
		buf = kho_claim_mem(&kho_test_mem[i]);
		if (!buf) {
			pr_err("restored %u ranges, %llu bytes: FAILED: range %u was not handed over\n",
			       i, bytes, i);
			return -EINVAL;
		}
		bad = kho_test_check(buf, kho_test_mem[i].len, i);
		if (bad != kho_test_mem[i].len) {
			pr_err("restored %u ranges, %llu bytes: FAILED: range %u differs at byte %zu\n",
			       i, bytes, i, bad);
			return -EIO;
		}
		bytes += kho_test_mem[i].len;
	}
	pr_info("restored %u ranges, %llu bytes: ok\n", nr, bytes);

	/* Memory that was not handed over must be refused. */
	if (kho_claim_mem(&kho_test_bogus))
		pr_err("claim of memory not handed over: FAILED: granted\n");
	return nr;
}

static void kho_test_return(void)
{
	unsigned int i;

	for (i = 0; i < kho_test_nr; i++)
		kho_return_mem(&kho_test_mem[i]);
	pr_info("returned %u ranges\n", kho_test_nr);
	kvfree(kho_test_mem);
	kho_test_mem = NULL;
	kho_test_nr = 0;
}

static int __init kho_test_init(void)
{
	const void *fdt = kho_get_fdt();
	int node = -1, err;

	if (!kho_test_enable)
		return 0;

	if (fdt)
		node = fdt_node_offset_by_compatible(fdt, 0, KHO_TEST_COMPATIBLE);
	if (node >= 0) {
		err = kho_test_restore(fdt, node);
		if (err < 0)
			return err;
		if (!kho_test_forward) {
			kho_test_return();
			return 0;
		}
	} else {
		if (!kho_test_seed)
			kho_test_seed = get_random_u64();
		err = kho_test_alloc();
		if (err) {
			pr_err("cannot allocate the test data: %d\n", err);
			return err;
		}
	}

	err = register_kho_notifier(&kho_test_nb);
	if (err) {
		pr_err("cannot register: %d\n", err);
		return err;
	}
	pr_info("ready: %u ranges, seed %#llx\n", kho_test_nr, kho_test_seed);
	return 0;
}
module_init(kho_test_init);

MODULE_DESCRIPTION("Kexec HandOver test driver");
MODULE_LICENSE("GPL");
