// SPDX-License-Identifier: GPL-2.0
/*
 * Kexec HandOver, outgoing side: the notifier chain drivers serialize their
 * state through, the DT it is serialized into, /sys/kernel/kho, and the
 * scratch region reserved early in boot for the next kernel.
 */

#define pr_fmt(fmt) "kho: " fmt

#include <linux/cma.h>
#include <linux/init.h>
#include <linux/kexec_handover.h>
#include <linux/kmemleak.h>
#include <linux/kobject.h>
#include <linux/ktime.h>
#include <linux/libfdt.h>
#include <linux/log2.h>
#include <linux/memblock.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/string.h>
#include <linux/sysfs.h>
#include <kunit/visibility.h>

#include "kexec_internal.h"
#include "kexec_kho_internal.h"

static int kho_dt_publish(struct kho_out *out);
static void kho_dt_unpublish(struct kho_out *out);

struct kho_out kho_out = {
	.chain = BLOCKING_NOTIFIER_INIT(kho_out.chain),
	.lock = __MUTEX_INITIALIZER(kho_out.lock),
	.dt_max = KHO_DT_MAX_DEFAULT,
	.exclude_kexec = true,
	.publish = kho_dt_publish,
	.unpublish = kho_dt_unpublish,
};

static phys_addr_t kho_scratch_request __initdata;
static bool kho_scratch_auto __initdata;
/* The CMA area of the scratch region, unless it was inherited. */
static struct cma *kho_scratch_cma;

/**
 * kho_fdt_errno() - translate a libfdt error into an errno
 * @fdt_err: negative libfdt error code (-FDT_ERR_*)
 *
 * Notifier callbacks that write into the KHO DT return
 * notifier_from_errno(kho_fdt_errno(err)) when a libfdt call fails, so that
 * a DT that outgrew dt_max is reported to user space as -ENOSPC.
 *
 * Return: -ENOSPC for a full buffer, -EINVAL for any other libfdt error.
 */
int kho_fdt_errno(int fdt_err)
{
	return fdt_err == -FDT_ERR_NOSPACE ? -ENOSPC : -EINVAL;
}
EXPORT_SYMBOL_GPL(kho_fdt_errno);

/**
 * register_kho_notifier() - take part in the handover
 * @nb: notifier block; its callback receives enum kho_event
 *
 * On KEXEC_KHO_DUMP the callback adds its node(s) to the DT passed as data,
 * with the libfdt sequential-write API, and returns NOTIFY_OK, or an error
 * with notifier_from_errno(); NOTIFY_STOP fails the activation, since the
 * callbacks after it would not serialize. On KEXEC_KHO_ABORT it forgets
 * the dump. Callbacks run in order of priority, then of registration.
 *
 * Return: 0, or -EEXIST if @nb is registered already.
 */
int register_kho_notifier(struct notifier_block *nb)
{
	return blocking_notifier_chain_register(&kho_out.chain, nb);
}
EXPORT_SYMBOL_GPL(register_kho_notifier);

/**
 * unregister_kho_notifier() - stop taking part in the handover
 * @nb: notifier block given to register_kho_notifier()
 *
 * Return: 0, or -ENOENT if @nb was not registered.
 */
int unregister_kho_notifier(struct notifier_block *nb)
{
	return blocking_notifier_chain_unregister(&kho_out.chain, nb);
}
EXPORT_SYMBOL_GPL(unregister_kho_notifier);

/**
 * kho_is_active() - is a handover serialized and ready to be loaded?
 *
 * While it is, drivers must not change what they serialized.
 *
 * Return: true between a successful activation and the next abort.
 */
bool kho_is_active(void)
{
	return READ_ONCE(kho_out.fdt);
}
EXPORT_SYMBOL_GPL(kho_is_active);

/**
 * kho_preserved_init() - start an empty tracker
 * @p: the tracker
 */
void kho_preserved_init(struct kho_preserved *p)
{
	int order;

	memset(p, 0, sizeof(*p));
	for (order = 0; order <= KHO_TRACKER_MAX_ORDER; order++)
		xa_init(&p->leaves[order]);
}
EXPORT_SYMBOL_IF_KUNIT(kho_preserved_init);

/**
 * kho_preserved_add() - record a block of pages in a tracker
 * @p: the tracker, not sealed yet
 * @pfn: the frame of the block's first page, a multiple of 2^@order
 * @order: the block's order, at most KHO_TRACKER_MAX_ORDER
 *
 * Return: 0; -EINVAL for a block of a bad order or misaligned; -ENOMEM.
 */
int kho_preserved_add(struct kho_preserved *p, unsigned long pfn,
		      unsigned int order)
{
	unsigned long index, bit;
	unsigned long *bits;
	void *old;

	if (order > KHO_TRACKER_MAX_ORDER || pfn & ((1UL << order) - 1))
		return -EINVAL;
	index = (pfn >> order) / KHO_TRACKER_LEAF_BITS;
	bit = (pfn >> order) % KHO_TRACKER_LEAF_BITS;

	bits = xa_load(&p->leaves[order], index);
	if (!bits) {
		/* Unmovable, so never in CMA nor in the scratch region. */
		bits = (unsigned long *)get_zeroed_page(GFP_KERNEL);
		if (!bits)
			return -ENOMEM;
		old = xa_store(&p->leaves[order], index, bits, GFP_KERNEL);
		if (xa_is_err(old)) {
			free_page((unsigned long)bits);
			return xa_err(old);
		}
		p->nr_leaves++;
	}
	__set_bit(bit, bits);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(kho_preserved_add);

/**
 * kho_preserved_add_range() - record whole pages in a tracker
 * @p: the tracker, not sealed yet
 * @pages: page-aligned range
 *
 * Records the range as the fewest naturally aligned blocks, as the buddy
 * allocator would free it.
 *
 * Return: 0, -EINVAL or -ENOMEM.
 */
int kho_preserved_add_range(struct kho_preserved *p,
			    const struct kho_mem *pages)
{
	unsigned long pfn = PHYS_PFN(pages->addr);
	unsigned long end = PHYS_PFN(pages->addr + pages->len);
	unsigned int order;
	int err;

	while (pfn < end) {
		order = min_t(unsigned int, KHO_TRACKER_MAX_ORDER,
			      pfn ? __ffs(pfn) : KHO_TRACKER_MAX_ORDER);
		while (pfn + (1UL << order) > end)
			order--;
		err = kho_preserved_add(p, pfn, order);
		if (err)
			return err;
		pfn += 1UL << order;
		cond_resched();
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(kho_preserved_add_range);

/**
 * kho_preserved_clone() - copy what a tracker records
 * @dst: an empty tracker, not sealed
 * @src: the tracker to copy; it must not change meanwhile
 *
 * Return: 0, or -ENOMEM with @dst holding part of the copy, for
 * kho_preserved_destroy().
 */
int kho_preserved_clone(struct kho_preserved *dst, struct kho_preserved *src)
{
	unsigned long index;
	unsigned int order;
	void *bits, *copy, *old;

	for (order = 0; order <= KHO_TRACKER_MAX_ORDER; order++) {
		xa_for_each(&src->leaves[order], index, bits) {
			copy = (void *)__get_free_page(GFP_KERNEL);
			if (!copy)
				return -ENOMEM;
			memcpy(copy, bits, PAGE_SIZE);
			old = xa_store(&dst->leaves[order], index, copy,
				       GFP_KERNEL);
			if (xa_is_err(old)) {
				free_page((unsigned long)copy);
				return xa_err(old);
			}
			dst->nr_leaves++;
		}
	}
	return 0;
}

/* Free the blocks of a sealed tracker. */
static void kho_preserved_free_blocks(struct kho_preserved *p)
{
	struct kho_tracker_block *block;
	u64 next;

	for (next = p->first; next; ) {
		block = phys_to_virt(next);
		next = block->next;
		free_page((unsigned long)block);
	}
	p->first = 0;
	p->nr_blocks = 0;
}

/**
 * kho_preserved_seal() - write a tracker's list of leaves
 * @p: the tracker
 *
 * Writes the blocks the next kernel walks, the leaves sorted by order then
 * by first frame. The tracker must not change afterwards.
 *
 * Return: 0, with @p->first set (0 if nothing was recorded), or -ENOMEM.
 */
int kho_preserved_seal(struct kho_preserved *p)
{
	struct kho_tracker_block *block = NULL, *prev = NULL;
	struct kho_tracker_leaf *leaf;
	unsigned long index;
	unsigned int order;
	void *bits;

	kho_preserved_free_blocks(p);
	for (order = 0; order <= KHO_TRACKER_MAX_ORDER; order++) {
		xa_for_each(&p->leaves[order], index, bits) {
			if (!block || block->nr == KHO_TRACKER_LEAVES) {
				prev = block;
				block = (void *)get_zeroed_page(GFP_KERNEL);
				if (!block)
					goto nomem;
				block->magic = KHO_TRACKER_MAGIC;
				block->page_shift = PAGE_SHIFT;
				if (prev)
					prev->next = virt_to_phys(block);
				else
					p->first = virt_to_phys(block);
				p->nr_blocks++;
			}
			leaf = &block->leaf[block->nr++];
			leaf->bitmap = virt_to_phys(bits);
			leaf->first_pfn = (u64)index * KHO_TRACKER_LEAF_BITS
					  << order;
			leaf->order = order;
		}
	}
	return 0;

nomem:
	kho_preserved_free_blocks(p);
	return -ENOMEM;
}
EXPORT_SYMBOL_IF_KUNIT(kho_preserved_seal);

/**
 * kho_preserved_destroy() - free a tracker and what it holds
 * @p: the tracker
 */
void kho_preserved_destroy(struct kho_preserved *p)
{
	unsigned long index;
	unsigned int order;
	void *bits;

	kho_preserved_free_blocks(p);
	for (order = 0; order <= KHO_TRACKER_MAX_ORDER; order++) {
		xa_for_each(&p->leaves[order], index, bits)
			free_page((unsigned long)bits);
		xa_destroy(&p->leaves[order]);
	}
	p->nr_leaves = 0;
}
EXPORT_SYMBOL_IF_KUNIT(kho_preserved_destroy);

/**
 * kho_preserve_folio() - hand a folio to the next kernel, in place
 * @folio: a folio the caller keeps, pinned or its own, until the kexec or
 *	   the abort
 *
 * For KEXEC_KHO_DUMP notifiers, for memory no "mem" property names (a
 * memfd's folios): records the folio in the tracker at its order. The
 * caller's node accounts for it in its "kho-pages" property, and tells the
 * next kernel where it is.
 *
 * Return: 0; -EINVAL for a folio in the scratch region; -ENOMEM.
 */
int kho_preserve_folio(struct folio *folio)
{
	const struct kho_mem range = {
		PFN_PHYS(folio_pfn(folio)), folio_size(folio)
	};
	const struct kho_mem scratch = {
		kho_out.scratch_base, kho_out.scratch_size
	};

	lockdep_assert_held(&kho_out.lock);
	if (kho_mem_overlaps(&range, &scratch)) {
		pr_err("a folio at %#llx lies in the scratch region\n",
		       range.addr);
		return -EINVAL;
	}
	return kho_preserved_add(&kho_out.preserved, folio_pfn(folio),
				 folio_order(folio));
}
EXPORT_SYMBOL_GPL(kho_preserve_folio);

/* Call the notifiers and close the DT; says why in one line if that fails. */
static int kho_out_dump(struct kho_out *out, void *fdt)
{
	const char *what = "a notifier failed";
	int ret, err;

	ret = blocking_notifier_call_chain(&out->chain, KEXEC_KHO_DUMP, fdt);
	err = notifier_to_errno(ret);
	/* NOTIFY_STOP is no error, but the notifiers after it never ran. */
	if (!err && (ret & NOTIFY_STOP_MASK)) {
		what = "a notifier stopped the chain, leaving the later ones out";
		err = -EINVAL;
	}
	if (!err) {
		what = "cannot finish the DT";
		err = fdt_end_node(fdt);
		err = err ?: fdt_finish(fdt);
		err = err ? kho_fdt_errno(err) : 0;
	}
	/*
	 * libfdt's sequential-write API checks neither nesting nor names:
	 * the next kernel must get a DT that every parser accepts.
	 */
	if (!err) {
		what = kho_dt_check(fdt, fdt_totalsize(fdt));
		if (what) {
			err = -EINVAL;
		} else {
			what = "cannot check the names of the DT";
			err = kho_dt_check_unique(fdt);
		}
	}

	if (err == -ENOSPC)
		pr_err("activation failed: the DT outgrew dt_max (%zu bytes)\n",
		       out->dt_max);
	else if (err)
		pr_err("activation failed: %s: %d\n", what, err);
	return err;
}

/*
 * The next kernel reserves the tracker's pages and its runs, joined across
 * small gaps, with memblock's array of reserved regions grown to a power
 * of two above them (and some regions of its own), while the old array is
 * still there.
 */
#define KHO_RESERVED_ARRAY_BYTES(nr)					\
	(3 * roundup_pow_of_two((nr) + 256) *				\
	 sizeof(struct memblock_region) / 2)

/*
 * About how many regions the next kernel reserves for the sealed tracker
 * @p: runs closer than KHO_RUN_GAP are joined unless something lies between
 * them. Returns 0 without memory for the walk: the check is lost, not the
 * activation; -EINVAL, with a log line, for a tracker that preserves a page
 * twice, which the next kernel would refuse.
 */
static long kho_out_regions(const struct kho_preserved *p)
{
	struct kho_tracker_iter *it;
	struct kho_mem run;
	long regions = 0;
	u64 end = 0;

	it = kmalloc(sizeof(*it), GFP_KERNEL);
	if (!it)
		return 0;
	kho_tracker_iter_start(it, p->first);
	while (kho_tracker_next(it, &run)) {
		regions += !regions || run.addr - end >= KHO_RUN_GAP;
		end = run.addr + run.len;
		cond_resched();
	}
	/* A "mem" range over a folio preserved at another order, say. */
	if (it->why) {
		pr_err("activation failed: %s\n", it->why);
		regions = -EINVAL;
	}
	kfree(it);
	return regions;
}

/*
 * The next kernel allocates from the scratch region alone until it has
 * reserved the handover, and it needs room there for its DT copy, a sorted
 * copy of the DT's "mem" entries and memblock's array for the regions it
 * reserves: refuse a region that cannot hold what this kernel took.
 */
static int kho_out_check_scratch(struct kho_out *out, const void *fdt,
				 size_t nr_mem, size_t regions)
{
	u64 need = out->scratch_needed;

	if (!need)
		return 0;
	need += PAGE_ALIGN(fdt_totalsize(fdt)) +
		PAGE_ALIGN(nr_mem * sizeof(struct kho_mem)) +
		KHO_RESERVED_ARRAY_BYTES(regions + out->preserved.nr_leaves +
					 out->preserved.nr_blocks);
	if (need <= out->scratch_size)
		return 0;

	pr_err("cannot activate: the next kernel needs %llu MiB of scratch early in boot, the region has %llu MiB: boot with kho_scratch=%lluM or kho_scratch=auto\n",
	       DIV_ROUND_UP_ULL(need, SZ_1M), (u64)out->scratch_size >> 20,
	       DIV_ROUND_UP_ULL(need, SZ_1M));
	return -ENOSPC;
}

/*
 * Record in the tracker every page the DT's "mem" properties name, seal
 * it, point the DT root at it, and check that the next kernel can reserve
 * it from the scratch region.
 */
static int kho_out_track(struct kho_out *out, void *fdt)
{
	struct kho_mem_iter it = {};
	struct kho_mem *cache;
	size_t nr, i, nr_mem = 0;
	u64 start, first;
	long regions;
	int err;

	start = ktime_get_ns();
	err = kho_mem_cache_build(fdt, out->scratch_base, out->scratch_size,
				  &cache, &nr);
	if (err)
		return err;
	while (kho_mem_iter_next(fdt, &it))
		nr_mem += it.len / sizeof(struct kho_mem);

	for (i = 0; i < nr && !err; i++)
		err = kho_preserved_add_range(&out->preserved, &cache[i]);
	err = err ?: kho_preserved_seal(&out->preserved);
	if (err) {
		pr_err("activation failed: no memory for the tracker\n");
		goto free;
	}
	first = out->preserved.first;
	err = fdt_setprop_inplace(fdt, 0, KHO_TRACKER_PROP, &first,
				  sizeof(first));
	if (err) {
		err = kho_fdt_errno(err);
		pr_err("activation failed: cannot point the DT at the tracker: %d\n",
		       err);
		goto free;
	}
	pr_info("tracker of %lu pages for %zu runs built in %llu us, DT of %u bytes\n",
		out->preserved.nr_leaves + out->preserved.nr_blocks, nr,
		(ktime_get_ns() - start) / 1000, fdt_totalsize(fdt));
	regions = kho_out_regions(&out->preserved);
	err = regions < 0 ? regions :
	      kho_out_check_scratch(out, fdt, nr_mem, regions);
free:
	kvfree(cache);
	return err;
}

/*
 * Build the DT and the tracker. The notifiers run here, without the kexec
 * lock: nothing is published until kho_out_activate() takes it.
 */
static int kho_out_serialize(struct kho_out *out, void **fdtp)
{
	const u64 no_tracker = 0;
	void *fdt;
	int err;

	/* dt_max comes from user space: fail quietly, without the OOM killer. */
	fdt = kvmalloc(out->dt_max,
		       GFP_KERNEL | __GFP_RETRY_MAYFAIL | __GFP_NOWARN);
	if (!fdt)
		goto nomem;

	/* KHO_DT_MAX_MIN leaves room for this much. */
	err = fdt_create(fdt, out->dt_max);
	err = err ?: fdt_finish_reservemap(fdt);
	err = err ?: fdt_begin_node(fdt, "");
	err = err ?: fdt_property_string(fdt, "compatible", KHO_FDT_COMPATIBLE);
	/* Filled in by kho_out_track() once the notifiers have run. */
	err = err ?: fdt_property(fdt, KHO_TRACKER_PROP, &no_tracker,
				  sizeof(no_tracker));
	if (err) {
		err = kho_fdt_errno(err);
		pr_err("activation failed: cannot start the DT: %d\n", err);
		goto free;
	}

	kho_preserved_init(&out->preserved);
	err = kho_out_dump(out, fdt);
	if (!err)
		err = kho_out_track(out, fdt);
	if (err) {
		blocking_notifier_call_chain(&out->chain, KEXEC_KHO_ABORT, NULL);
		kho_preserved_destroy(&out->preserved);
		goto free;
	}

	*fdtp = fdt;
	return 0;

free:
	kvfree(fdt);
	return err;

nomem:
	pr_err("activation failed: no memory for a DT of dt_max (%zu bytes)\n",
	       out->dt_max);
	return -ENOMEM;
}

/* Tell every notifier to forget its dump, and free what activation built. */
static void kho_out_release(struct kho_out *out, void *fdt)
{
	blocking_notifier_call_chain(&out->chain, KEXEC_KHO_ABORT, NULL);
	kho_preserved_destroy(&out->preserved);
	kvfree(fdt);
}

/*
 * A kexec load copies the published DT and mem cache, and a kexec reboot
 * checks what its image carries: neither may see them change, so they are
 * published and withdrawn under the kexec lock. No driver runs with it
 * held: __crash_kexec() only tries the lock, and a panic in a notifier
 * would find kdump locked out.
 */
static bool kho_out_lock_kexec(struct kho_out *out)
{
	if (!out->exclude_kexec || kexec_trylock())
		return true;
	pr_warn("active: a kexec load or reboot is in progress, try again\n");
	return false;
}

static void kho_out_unlock_kexec(struct kho_out *out)
{
	if (out->exclude_kexec)
		kexec_unlock();
}

static int kho_out_abort(struct kho_out *out)
{
	void *fdt = out->fdt;

	if (!kho_out_lock_kexec(out))
		return -EBUSY;
	if (out->unpublish)
		out->unpublish(out);
	WRITE_ONCE(out->fdt, NULL);
	kho_out_unlock_kexec(out);

	kho_out_release(out, fdt);
	return 0;
}

static int kho_out_activate(struct kho_out *out)
{
	void *fdt;
	int err;

	if (!out->scratch_size) {
		pr_err("cannot activate: no scratch region, boot with kho_scratch=<size>\n");
		return -ENOMEM;
	}

	err = kho_out_serialize(out, &fdt);
	if (err)
		return err;

	if (!kho_out_lock_kexec(out)) {
		err = -EBUSY;
		goto release;
	}
	out->generation++;
	WRITE_ONCE(out->fdt, fdt);
	if (out->publish) {
		err = out->publish(out);
		if (err) {
			pr_err("cannot publish the DT: %d\n", err);
			WRITE_ONCE(out->fdt, NULL);
		}
	}
	kho_out_unlock_kexec(out);
	if (!err)
		return 0;

release:
	kho_out_release(out, fdt);
	return err;
}

/**
 * kho_out_init() - set up an idle KHO instance
 * @out: instance to set up
 * @scratch_base: physical address of its scratch region
 * @scratch_size: size of its scratch region, 0 for none
 */
void kho_out_init(struct kho_out *out, phys_addr_t scratch_base,
		  phys_addr_t scratch_size)
{
	memset(out, 0, sizeof(*out));
	BLOCKING_INIT_NOTIFIER_HEAD(&out->chain);
	mutex_init(&out->lock);
	out->dt_max = KHO_DT_MAX_DEFAULT;
	out->scratch_base = scratch_base;
	out->scratch_size = scratch_size;
}
EXPORT_SYMBOL_IF_KUNIT(kho_out_init);

/**
 * kho_out_store_active() - activate or abort as user space asked
 * @out: KHO instance
 * @buf: what was written to "active": a boolean as kstrtobool() reads it
 *
 * Writing the current state is a no-op. Activation calls every notifier
 * with KEXEC_KHO_DUMP; if one fails, or the DT outgrows dt_max, all of them
 * are called with KEXEC_KHO_ABORT and nothing stays allocated.
 *
 * Return: 0, -EINVAL for a value that is not a boolean, -ENOMEM without a
 * scratch region, -EBUSY while a kexec load or a kexec reboot is under way
 * (an image that is merely loaded does not stop a change), -ENOSPC
 * for a scratch region smaller than the next kernel needs (see
 * kho_early_size()), or the cause of a failed serialization (-ENOSPC for a
 * full DT, the failing notifier's errno otherwise).
 */
int kho_out_store_active(struct kho_out *out, const char *buf)
{
	bool active;
	int err = 0;

	if (kstrtobool(buf, &active)) {
		pr_warn("active: not a boolean, use 0 or 1\n");
		return -EINVAL;
	}

	mutex_lock(&out->lock);
	if (active != !!out->fdt)
		err = active ? kho_out_activate(out) : kho_out_abort(out);
	mutex_unlock(&out->lock);

	return err;
}
EXPORT_SYMBOL_IF_KUNIT(kho_out_store_active);

/**
 * kho_out_store_dt_max() - resize the buffer the DT is built in
 * @out: KHO instance
 * @buf: what was written to "dt_max": a number as kstrtoull() reads it
 *	 with base 0 (decimal, 0x hex or 0 octal)
 *
 * Return: 0, -EINVAL for a value that is not a number or lies outside
 * [KHO_DT_MAX_MIN, KHO_DT_MAX_LIMIT], -EBUSY while active.
 */
int kho_out_store_dt_max(struct kho_out *out, const char *buf)
{
	unsigned long long size;
	int err = 0;

	if (kstrtoull(buf, 0, &size)) {
		pr_warn("dt_max: not a number\n");
		return -EINVAL;
	}
	if (size < KHO_DT_MAX_MIN || size > KHO_DT_MAX_LIMIT) {
		pr_warn("dt_max: %llu is outside [%u, %u]\n", size,
			KHO_DT_MAX_MIN, KHO_DT_MAX_LIMIT);
		return -EINVAL;
	}

	mutex_lock(&out->lock);
	if (out->fdt) {
		pr_warn("dt_max: cannot resize while active\n");
		err = -EBUSY;
	} else {
		out->dt_max = size;
	}
	mutex_unlock(&out->lock);

	return err;
}
EXPORT_SYMBOL_IF_KUNIT(kho_out_store_dt_max);

static struct kobject *kho_kobj;

/**
 * kho_out_kobj() - /sys/kernel/kho, for the files of KHO's other parts
 *
 * Return: its kobject, or NULL before late_initcall or without KHO.
 */
struct kobject *kho_out_kobj(void)
{
	return kho_kobj;
}

static ssize_t dt_read(struct file *file, struct kobject *kobj,
		       struct bin_attribute *attr, char *buf, loff_t pos,
		       size_t count)
{
	/* The file exists only while the DT does: see kho_dt_unpublish(). */
	const void *fdt = kho_out.fdt;

	return memory_read_from_buffer(buf, count, &pos, fdt,
				       fdt_totalsize(fdt));
}

static struct bin_attribute bin_attr_dt = __BIN_ATTR(dt, 0400, dt_read,
						      NULL, 0);

static int kho_dt_publish(struct kho_out *out)
{
	bin_attr_dt.size = fdt_totalsize(out->fdt);
	return sysfs_create_bin_file(kho_kobj, &bin_attr_dt);
}

static void kho_dt_unpublish(struct kho_out *out)
{
	/* Waits for readers, which do not take out->lock. */
	sysfs_remove_bin_file(kho_kobj, &bin_attr_dt);
}

static ssize_t active_show(struct kobject *kobj, struct kobj_attribute *attr,
			   char *buf)
{
	return sysfs_emit(buf, "%d\n", kho_is_active());
}

static ssize_t active_store(struct kobject *kobj, struct kobj_attribute *attr,
			    const char *buf, size_t count)
{
	return kho_out_store_active(&kho_out, buf) ?: count;
}

static ssize_t dt_max_show(struct kobject *kobj, struct kobj_attribute *attr,
			   char *buf)
{
	return sysfs_emit(buf, "0x%zx\n", READ_ONCE(kho_out.dt_max));
}

static ssize_t dt_max_store(struct kobject *kobj, struct kobj_attribute *attr,
			    const char *buf, size_t count)
{
	return kho_out_store_dt_max(&kho_out, buf) ?: count;
}

static ssize_t scratch_phys_show(struct kobject *kobj,
				 struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "0x%llx\n", (u64)kho_out.scratch_base);
}

static ssize_t scratch_len_show(struct kobject *kobj,
				struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "0x%llx\n", (u64)kho_out.scratch_size);
}

static struct kobj_attribute active_attr = __ATTR(active, 0600, active_show,
						  active_store);
static struct kobj_attribute dt_max_attr = __ATTR(dt_max, 0600, dt_max_show,
						  dt_max_store);
static struct kobj_attribute scratch_phys_attr = __ATTR_RO_MODE(scratch_phys,
								0400);
static struct kobj_attribute scratch_len_attr = __ATTR_RO_MODE(scratch_len,
							       0400);

static struct attribute *kho_attrs[] = {
	&active_attr.attr,
	&dt_max_attr.attr,
	&scratch_phys_attr.attr,
	&scratch_len_attr.attr,
	NULL,
};

static const struct attribute_group kho_attr_group = {
	.attrs = kho_attrs,
};

static int __init kho_out_sysfs_init(void)
{
	int err;

	/*
	 * cma_activate_area() gives an area it cannot set up to the page
	 * allocator as ordinary memory: then there is no scratch region.
	 */
	if (kho_scratch_cma && !cma_get_size(kho_scratch_cma)) {
		pr_err("the scratch region's CMA area could not be activated, KHO is unavailable\n");
		kho_out.scratch_base = 0;
		kho_out.scratch_size = 0;
	}

	kho_kobj = kobject_create_and_add("kho", kernel_kobj);
	if (!kho_kobj)
		return -ENOMEM;

	err = sysfs_create_group(kho_kobj, &kho_attr_group);
	if (err) {
		kobject_put(kho_kobj);
		kho_kobj = NULL;
		return err;
	}

	return 0;
}
late_initcall(kho_out_sysfs_init);

static int __init kho_scratch_setup(char *arg)
{
	unsigned long long size;
	char *end;

	if (!arg)
		goto malformed;
	if (!strcmp(arg, "auto")) {
		kho_scratch_auto = true;
		return 0;
	}
	size = memparse(arg, &end);
	if (end == arg || *end)
		goto malformed;

	kho_scratch_request = size;
	kho_scratch_auto = false;
	return 0;

malformed:
	pr_err("kho_scratch=%s: not a size, KHO is unavailable\n", arg ?: "");
	return 0;
}
early_param("kho_scratch", kho_scratch_setup);

/*
 * A CMA area must lie in one zone, or cma_activate_area() gives it to the
 * page allocator as ordinary memory, and cma_declare_contiguous_nid() can
 * place one across a boundary (below 4 GiB plus its size of RAM, from the
 * top). Zones are known by now: try each, from the highest, from its top.
 */
static phys_addr_t __init kho_alloc_in_one_zone(phys_addr_t size)
{
	phys_addr_t addr, start, end;
	struct zone *zone;
	int z, nid;

	for (z = MAX_NR_ZONES - 1; z >= 0; z--) {
		for_each_online_node(nid) {
			zone = &NODE_DATA(nid)->node_zones[z];
			if (!populated_zone(zone))
				continue;
			start = PFN_PHYS(zone->zone_start_pfn);
			end = PFN_PHYS(zone_end_pfn(zone));
			addr = memblock_phys_alloc_range(size,
							 CMA_MIN_ALIGNMENT_BYTES,
							 start, end);
			if (addr) {
				/* As cma_declare_contiguous_nid() does. */
				kmemleak_ignore_phys(addr);
				return addr;
			}
		}
	}
	return 0;
}

/**
 * kho_reserve_scratch() - reserve the scratch region asked for on the command line
 *
 * Declares a CMA area named "kho" of kho_scratch= bytes (rounded up to the
 * CMA granule), in one memory zone, so that only movable memory lives there
 * while the system runs and the region is free for the next kernel when it
 * is loaded. After a KHO boot the inherited region serves instead, so that
 * handovers chain, unless kho_scratch= asks for more than it has: then a
 * new region of that size replaces it, and the inherited one becomes
 * ordinary memory (kho_release_scratch()); a chain is never stuck with its
 * first kernel's guess. kho_scratch=auto asks for KHO_SCRATCH_AUTO_FACTOR
 * times what this kernel's early boot took (kho_early_size()) plus
 * KHO_SCRATCH_AUTO_EXTRA. Architectures call it once memblock knows all
 * memory and the zones are sized, after kho_reserve_handover().
 */
void __init kho_reserve_scratch(void)
{
	phys_addr_t early = kho_early_size();
	const char *where = "in one memory zone";
	phys_addr_t base, size, inherited = 0;
	struct cma *cma;
	int err;

	kho_out.scratch_needed = early;
	if (kho_scratch_auto) {
		kho_scratch_request = early * KHO_SCRATCH_AUTO_FACTOR +
				      KHO_SCRATCH_AUTO_EXTRA;
		pr_info("kho_scratch=auto: %llu MiB, %d times the %llu MiB early boot took, plus %d MiB\n",
			DIV_ROUND_UP_ULL(kho_scratch_request, SZ_1M),
			KHO_SCRATCH_AUTO_FACTOR,
			DIV_ROUND_UP_ULL(early, SZ_1M),
			KHO_SCRATCH_AUTO_EXTRA / SZ_1M);
	}
	size = ALIGN(kho_scratch_request, CMA_MIN_ALIGNMENT_BYTES);
	if (kho_inherited_scratch(&kho_out.scratch_base, &kho_out.scratch_size)) {
		inherited = kho_out.scratch_size;
		if (size <= inherited) {
			if (size)
				pr_info("kho_scratch=: %llu MiB fit in the inherited scratch region of %llu MiB, which the next handover reuses\n",
					(u64)size >> 20, (u64)inherited >> 20);
			return;
		}
	}
	if (!size)
		return;

	base = kho_alloc_in_one_zone(size);
	if (!base) {
		err = -ENOMEM;
		goto fail;
	}
	err = cma_init_reserved_mem(base, size, 0, "kho", &cma);
	if (err) {
		memblock_phys_free(base, size);
		where = "as a CMA area";
		goto fail;
	}

	kho_scratch_cma = cma;
	kho_out.scratch_base = cma_get_base(cma);
	kho_out.scratch_size = cma_get_size(cma);
	if (inherited)
		pr_info("scratch region grows from the inherited %llu MiB to %llu MiB at %pa, which the next handover uses\n",
			(u64)inherited >> 20, (u64)kho_out.scratch_size >> 20,
			&kho_out.scratch_base);
	else
		pr_info("scratch region %pa, %pa bytes\n", &kho_out.scratch_base,
			&kho_out.scratch_size);
	return;

fail:
	if (inherited)
		pr_err("cannot reserve %llu MiB of scratch %s: %d; the next handover reuses the inherited region of %llu MiB\n",
		       (u64)size >> 20, where, err, (u64)inherited >> 20);
	else
		pr_err("cannot reserve %llu MiB of scratch %s: %d, KHO is unavailable\n",
		       (u64)size >> 20, where, err);
}

/**
 * kho_scratch_replaced() - does a new scratch region replace the inherited one?
 *
 * Return: true in a KHO boot whose kho_scratch= asked for more than the
 * inherited region has, and got it.
 */
bool __init kho_scratch_replaced(void)
{
	return kho_scratch_cma && is_kho_boot();
}
