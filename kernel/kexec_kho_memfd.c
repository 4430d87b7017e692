// SPDX-License-Identifier: GPL-2.0
/*
 * Kexec HandOver, memfds: /dev/kho preserves a process's memfds under
 * tokens; activation pins their pages and hands them to the next kernel.
 */

/**
 * DOC: memfds across a kexec
 *
 * A process (a VMM, say) preserves memfds through /dev/kho, each under a
 * token of its choosing; the preservations last as long as its open file
 * of /dev/kho, and freeze each memfd's size and seals (shmem_freeze_size()).
 * At KEXEC_KHO_DUMP the folios each preserved memfd has are pinned
 * long-term, which moves them out of CMA and so out of the scratch region;
 * its holes stay holes. Its *file map* (the index, address and order of
 * each folio) is written in pages of its own, and the folios and those
 * pages go to the tracker, at their orders. Each memfd becomes a node
 * "memfd-<token>" of the KHO DT, compatible "kho-memfd-v2", with its token,
 * size, seals, number of folios, the address of its file map and the pages
 * it takes ("kho-pages"): O(1) bytes, whatever its size. KEXEC_KHO_ABORT
 * drops the pins and frees the file maps; so does the end of a session,
 * after it has aborted the activation.
 *
 * The next kernel walks each file map at subsys_initcall, while it can ask
 * the tracker, and checks it (kho_file_map_check(), which the host fuzzer
 * builds too): a memfd whose map is not sound holds nothing, and its pages
 * are freed with the others nobody names. A RETRIEVE checks
 * that every folio of the memfd is reserved for it alone before it touches
 * any, and does all that can fail (the new file, its accounting, the charge
 * of the whole memfd to the caller's memory cgroup) before the first folio
 * changes hands: a failed RETRIEVE leaves the memfd waiting. Then it makes
 * each folio one of its order again and inserts it into the new shmem file,
 * or hugetlb file for a hugetlb memfd (its node has "hugetlb-order"), whose
 * pool then counts its pages: nothing is copied, and large folios stay
 * large. PRESERVE moves the memfd's folios out of CMA, and activation those
 * added since, trying again a move that loses a race. FINISH
 * frees, cleared, the pages of every memfd nobody retrieved, in time
 * linear in their pages.
 */

#define pr_fmt(fmt) "kho: memfd: " fmt

#include <linux/bsearch.h>
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/file.h>
#include <linux/hugetlb.h>
#include <linux/memfd.h>
#include <linux/unaligned.h>
#include <linux/kexec_handover.h>
#include <linux/libfdt.h>
#include <linux/memcontrol.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/notifier.h>
#include <linux/seq_file.h>
#include <linux/shmem_fs.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/sprintf.h>
#include <linux/sysfs.h>
#include <linux/uaccess.h>
#include <uapi/linux/kho.h>

#include "kexec_kho_internal.h"

#define KHO_MEMFD_COMPATIBLE	"kho-memfd-v2"
/* The format before the file map, which this kernel refuses by name. */
#define KHO_MEMFD_V1_COMPATIBLE	"kho-memfd-v1"

/* Tries of a pin that loses a migration race, a millisecond more each. */
#define KHO_PIN_TRIES		10

/* Pages charged at a time, as mem_cgroup_try_charge_pages()'s unsigned int. */
#define KHO_CHARGE_PAGES	BIT(30)

/* Small folios RETRIEVE puts into the page cache under one lock. */
#define KHO_MEMFD_INSERT_BATCH	32

/**
 * struct kho_memfd - a memfd preserved through /dev/kho
 * @list: in kho_memfds
 * @session: the open file of /dev/kho that preserved it
 * @token: what the next kernel retrieves it by
 * @file: the memfd, referenced
 * @map: while dumped, the first page of its file map, whose folios are
 *	 pinned
 * @last: the page of @map being filled
 * @nr_folios: number of folios in @map
 * @pages: pages the handover takes for it: its folios' and its map's
 */
struct kho_memfd {
	struct list_head list;
	struct file *session;
	u64 token;
	struct file *file;
	struct kho_memfd_map *map;
	struct kho_memfd_map *last;
	u64 nr_folios;
	u64 pages;
};

/* Guards kho_memfds and kho_memfd_dumped; never held around KHO calls. */
static DEFINE_MUTEX(kho_memfd_lock);
static LIST_HEAD(kho_memfds);
/* The handover holds the memfds' pages: between a dump and an abort. */
static bool kho_memfd_dumped;

static struct kho_memfd *kho_memfd_find(u64 token)
{
	struct kho_memfd *m;

	list_for_each_entry(m, &kho_memfds, list)
		if (m->token == token)
			return m;
	return NULL;
}

/* Stop (or allow) changes of the size and seals of a memfd of either kind. */
static int kho_memfd_freeze(struct file *file, bool freeze)
{
	if (is_file_hugepages(file))
		return hugetlbfs_freeze_size(file, freeze);
	return shmem_freeze_size(file, freeze);
}

/* The seals of a memfd of either kind, as memfd_add_seals() keeps them. */
static unsigned int *kho_memfd_seals(struct file *file)
{
#ifdef CONFIG_HUGETLBFS
	if (is_file_hugepages(file))
		return &HUGETLBFS_I(file_inode(file))->seals;
#endif
	return &SHMEM_I(file_inode(file))->seals;
}

/*
 * Copy the argument of an ioctl: its first field, a u32, must be the size
 * of the struct this kernel knows.
 */
static int kho_memfd_copy_arg(void *arg, size_t size, void __user *uarg)
{
	u32 usize;

	if (get_user(usize, (u32 __user *)uarg))
		return -EFAULT;
	if (usize != size)
		return -EINVAL;
	return copy_from_user(arg, uarg, size) ? -EFAULT : 0;
}

/*
 * memfd_pin_folios() of @file's bytes @start to @end (inclusive, inside
 * the file), which moves out of CMA, and so out of the scratch region, the
 * folios there. A migration that loses a race with a writer holding one of
 * them for a moment (-ENOMEM) is tried again, a little later each time,
 * up to KHO_PIN_TRIES times in all.
 */
static long kho_memfd_pin_range(struct file *file, u64 token, loff_t start,
				loff_t end, struct folio **folios,
				unsigned int max, pgoff_t *offset)
{
	unsigned int try;
	long got;

	for (try = 1; ; try++) {
		got = memfd_pin_folios(file, start, end, folios, max, offset);
		if (got != -ENOMEM || try == KHO_PIN_TRIES)
			break;
		msleep(try);
	}
	if (got == -ENOMEM)
		pr_err("memfd %#llx: could not move out of CMA its folios at bytes %#llx-%#llx (%u tries)\n",
		       token, start, end, try);
	return got;
}

/*
 * Move out of CMA (and ZONE_MOVABLE) the folios @file has there now, at
 * PRESERVE, so that activation has only the folios added since to move.
 * Costs a page cache lookup per folio, and a migration per folio moved.
 */
static int kho_memfd_migrate(struct file *file, u64 token)
{
	loff_t size = i_size_read(file_inode(file));
	pgoff_t index = 0, first[PAGEVEC_SIZE], offset;
	unsigned int i, nr, nr_first;
	struct folio_batch fbatch;
	struct folio *folio;
	loff_t start;
	long got;

	folio_batch_init(&fbatch);
	while ((nr = filemap_get_folios(file->f_mapping, &index, (pgoff_t)-1,
					&fbatch))) {
		nr_first = 0;
		for (i = 0; i < nr; i++) {
			folio = fbatch.folios[i];
			if (!folio_is_longterm_pinnable(folio))
				first[nr_first++] = folio->index;
		}
		/* A reference of ours would fail their migration. */
		folio_batch_release(&fbatch);
		for (i = 0; i < nr_first; i++) {
			start = (loff_t)first[i] << PAGE_SHIFT;
			if (start >= size)
				continue;
			/* Its first page, or what of it lies before the end. */
			got = kho_memfd_pin_range(file, token, start,
						  min_t(loff_t, start + PAGE_SIZE,
							size) - 1,
						  &folio, 1, &offset);
			if (got < 0)
				return got;
			if (got)
				unpin_folio(folio);
		}
		cond_resched();
	}
	return 0;
}

static long kho_memfd_preserve(struct file *session, void __user *uarg)
{
	struct kho_preserve_fd arg;
	struct kho_memfd *m;
	struct file *file;
	int err;

	err = kho_memfd_copy_arg(&arg, sizeof(arg), uarg);
	if (err)
		return err;
	file = fget(arg.fd);
	if (!file)
		return -EBADF;
	err = -EINVAL;
	if (!shmem_file_is_memfd(file) && !hugetlbfs_file_is_memfd(file))
		goto put;
	err = -ENOMEM;
	m = kzalloc(sizeof(*m), GFP_KERNEL);
	if (!m)
		goto put;
	/*
	 * -EEXIST if another token holds this file. The inode lock is taken
	 * outside kho_memfd_lock: whoever holds an inode must not stall
	 * every other user of /dev/kho, nor the activation.
	 */
	err = kho_memfd_freeze(file, true);
	if (err)
		goto free;
	/* Frozen: no hole can appear; folios added from now on move at activation. */
	err = kho_memfd_migrate(file, arg.token);
	if (err)
		goto unfreeze;

	mutex_lock(&kho_memfd_lock);
	err = -EBUSY;
	if (kho_memfd_dumped)
		goto unlock;
	err = -EEXIST;
	if (kho_memfd_find(arg.token))
		goto unlock;
	m->session = session;
	m->token = arg.token;
	m->file = file;
	list_add_tail(&m->list, &kho_memfds);
	mutex_unlock(&kho_memfd_lock);
	return 0;

unlock:
	mutex_unlock(&kho_memfd_lock);
unfreeze:
	kho_memfd_freeze(file, false);
free:
	kfree(m);
put:
	fput(file);
	return err;
}

/* Unpreserved, off the list: let its size change again and drop it. */
static void kho_memfd_free(struct kho_memfd *m)
{
	kho_memfd_freeze(m->file, false);
	fput(m->file);
	kfree(m);
}

static long kho_memfd_unpreserve(struct file *session, void __user *uarg)
{
	struct kho_unpreserve_fd arg;
	struct kho_memfd *m;
	int err;

	err = kho_memfd_copy_arg(&arg, sizeof(arg), uarg);
	if (err)
		return err;
	if (arg.reserved)
		return -EINVAL;

	mutex_lock(&kho_memfd_lock);
	m = kho_memfd_find(arg.token);
	if (!m || m->session != session)
		err = -ENOENT;
	else if (kho_memfd_dumped)
		err = -EBUSY;
	else
		list_del(&m->list);
	mutex_unlock(&kho_memfd_lock);
	if (!err)
		kho_memfd_free(m);
	return err;
}

/* Drop the pins of @m's folios and free its file map. */
static void kho_memfd_unpin(struct kho_memfd *m)
{
	struct kho_memfd_map *map, *next;
	u64 i;

	for (map = m->map; map; map = next) {
		for (i = 0; i < map->nr; i++)
			unpin_folio(pfn_folio(PHYS_PFN(map->folio[i].phys &
						       ~KHO_MEMFD_ORDER_MASK)));
		next = map->next ? phys_to_virt(map->next) : NULL;
		free_page((unsigned long)map);
		cond_resched();
	}
	m->map = NULL;
	m->last = NULL;
	m->nr_folios = 0;
	m->pages = 0;
}

/* Append a pinned @folio to @m's file map; it stays pinned, unpinned on error. */
static int kho_memfd_record(struct kho_memfd *m, struct folio *folio)
{
	struct kho_memfd_map *map = m->last;
	int err;

	if (!map || map->nr == KHO_MEMFD_MAP_FOLIOS) {
		map = (void *)get_zeroed_page(GFP_KERNEL);
		err = map ? kho_preserve_folio(virt_to_folio(map)) : -ENOMEM;
		if (err) {
			free_page((unsigned long)map);
			unpin_folio(folio);
			return err;
		}
		if (m->last)
			m->last->next = virt_to_phys(map);
		else
			m->map = map;
		m->last = map;
		m->pages++;
	}
	err = kho_preserve_folio(folio);
	if (err) {
		unpin_folio(folio);
		return err;
	}
	map->folio[map->nr].index = folio->index;
	map->folio[map->nr].phys = PFN_PHYS(folio_pfn(folio)) |
				   folio_order(folio);
	map->nr++;
	m->nr_folios++;
	m->pages += folio_nr_pages(folio);
	return 0;
}

/* Has a memfd of shmem pages swapped out? Hugetlb pages never are. */
static bool kho_memfd_swapped(struct kho_memfd *m)
{
	return shmem_file(m->file) &&
	       READ_ONCE(SHMEM_I(file_inode(m->file))->swapped);
}

/*
 * Bring back what is swapped out of @m below page @end: only the folios in
 * the page cache are walked. Costs a lookup per page of the file, and only
 * when something is swapped out.
 */
static int kho_memfd_swap_in(struct kho_memfd *m, pgoff_t end)
{
	struct inode *inode = file_inode(m->file);
	struct folio *folio;
	pgoff_t index;
	int err;

	if (!kho_memfd_swapped(m))
		return 0;
	for (index = 0; index < end; index++) {
		err = shmem_get_folio(inode, index, 0, &folio, SGP_NOALLOC);
		if (err)
			return err;
		if (folio) {
			index = folio_next_index(folio) - 1;
			folio_unlock(folio);
			folio_put(folio);
		}
		cond_resched();
	}
	return 0;
}

/*
 * Pin the folios @m has, moving out of CMA and the scratch region those
 * there, and list them in its file map; its holes stay holes. Each stretch
 * of folios without a hole is pinned as a whole, so that memfd_pin_folios()
 * allocates nothing.
 */
static int kho_memfd_pin(struct kho_memfd *m)
{
	struct address_space *mapping = m->file->f_mapping;
	loff_t size = i_size_read(file_inode(m->file));
	pgoff_t end = DIV_ROUND_UP(size, PAGE_SIZE), index = 0, first, offset;
	struct folio *pinned[PAGEVEC_SIZE];
	struct folio_batch fbatch;
	unsigned int nr;
	long got, i;
	int err;

	err = kho_memfd_swap_in(m, end);
	if (err)
		return err;
	folio_batch_init(&fbatch);
	while (index < end) {
		if (!filemap_get_folios(mapping, &index, end - 1, &fbatch))
			break;
		first = folio_index(fbatch.folios[0]);
		folio_batch_release(&fbatch);
		index = first;
		nr = filemap_get_folios_contig(mapping, &index, end - 1,
					       &fbatch);
		folio_batch_release(&fbatch);
		if (!nr) {
			/* Gone since: size and holes are frozen, but look again. */
			index = first + 1;
			continue;
		}
		got = kho_memfd_pin_range(m->file, m->token,
					  (loff_t)first << PAGE_SHIFT,
					  min_t(loff_t, (loff_t)index << PAGE_SHIFT,
						size) - 1,
					  pinned, nr, &offset);
		if (got <= 0)
			return got ?: -EIO;
		for (i = 0; i < got; i++) {
			err = kho_memfd_record(m, pinned[i]);
			if (err) {
				unpin_folios(pinned + i + 1, got - i - 1);
				return err;
			}
		}
		index = folio_next_index(pinned[got - 1]);
		cond_resched();
	}
	/*
	 * A folio swapped out after kho_memfd_swap_in() looked is a hole to
	 * the walk: refuse rather than hand over zeros in its place.
	 */
	if (kho_memfd_swapped(m)) {
		pr_err("memfd %#llx was swapped out while pinned: activate again\n",
		       m->token);
		return -EAGAIN;
	}
	return 0;
}

static int kho_memfd_dump_one(void *fdt, struct kho_memfd *m)
{
	u64 size = i_size_read(file_inode(m->file));
	u32 seals = *kho_memfd_seals(m->file);
	u64 map = m->map ? virt_to_phys(m->map) : 0;
	u32 huge_order = 0;
	char name[32];
	int err;

	if (is_file_hugepages(m->file))
		huge_order = huge_page_order(hstate_file(m->file));

	snprintf(name, sizeof(name), "memfd-%016llx", m->token);
	err = fdt_begin_node(fdt, name);
	err = err ?: fdt_property_string(fdt, "compatible", KHO_MEMFD_COMPATIBLE);
	err = err ?: fdt_property(fdt, "token", &m->token, sizeof(m->token));
	err = err ?: fdt_property(fdt, "size", &size, sizeof(size));
	err = err ?: fdt_property(fdt, "seals", &seals, sizeof(seals));
	err = err ?: fdt_property(fdt, "folios", &m->nr_folios,
				  sizeof(m->nr_folios));
	err = err ?: fdt_property(fdt, "map", &map, sizeof(map));
	err = err ?: fdt_property(fdt, KHO_PAGES_PROP, &m->pages,
				  sizeof(m->pages));
	if (huge_order)
		err = err ?: fdt_property(fdt, "hugetlb-order", &huge_order,
					  sizeof(huge_order));
	err = err ?: fdt_end_node(fdt);
	return err ? kho_fdt_errno(err) : 0;
}

static void kho_memfd_abort(void)
{
	struct kho_memfd *m, *tmp;

	list_for_each_entry_safe(m, tmp, &kho_memfds, list) {
		kho_memfd_unpin(m);
		/*
		 * Its session ended while this activation could not abort:
		 * rare enough to take its inode lock under kho_memfd_lock.
		 */
		if (!m->session) {
			list_del(&m->list);
			kho_memfd_free(m);
		}
	}
	kho_memfd_dumped = false;
}

static int kho_memfd_dump(void *fdt)
{
	struct kho_memfd *m;
	int err = 0;

	list_for_each_entry(m, &kho_memfds, list) {
		err = kho_memfd_pin(m);
		if (err) {
			pr_err("cannot pin the pages of memfd %#llx: %d\n",
			       m->token, err);
			break;
		}
		err = kho_memfd_dump_one(fdt, m);
		if (err)
			break;
	}
	if (err)
		kho_memfd_abort();
	else
		kho_memfd_dumped = true;
	return err;
}

static int kho_memfd_notify(struct notifier_block *nb, unsigned long event,
			    void *fdt)
{
	int err = 0;

	mutex_lock(&kho_memfd_lock);
	switch (event) {
	case KEXEC_KHO_DUMP:
		err = kho_memfd_dump(fdt);
		break;
	case KEXEC_KHO_ABORT:
		kho_memfd_abort();
		break;
	}
	mutex_unlock(&kho_memfd_lock);
	return err ? notifier_from_errno(err) : NOTIFY_OK;
}

static struct notifier_block kho_memfd_nb = {
	.notifier_call = kho_memfd_notify,
};

/**
 * struct kho_memfd_in - a memfd the previous kernel handed over
 * @token: its token
 * @size: its size
 * @seals: its seals
 * @map: physical address of the first page of its file map, 0 for none
 * @nr_folios: number of folios its file map lists
 * @huge_order: the order of its huge pages if it is a hugetlb memfd, else 0
 * @why: why it cannot be retrieved, NULL if it can
 * @held: its file map was sound: its pages are reserved for it
 * @done: retrieved, or freed by FINISH
 * @retrieved: retrieved
 */
struct kho_memfd_in {
	u64 token;
	u64 size;
	u32 seals;
	u64 map;
	u64 nr_folios;
	u32 huge_order;
	const char *why;
	bool held;
	bool done;
	bool retrieved;
};

static struct kho_memfd_in *kho_memfds_in;
static int kho_nr_memfds_in;

static bool kho_memfd_get(const void *fdt, int node, const char *name,
			  void *val, int size)
{
	const void *prop;
	int len;

	prop = fdt_getprop(fdt, node, name, &len);
	if (!prop || len != size)
		return false;
	memcpy(val, prop, size);
	return true;
}

/* Read and check the properties of one kho-memfd-v2 node. */
static void __init kho_memfd_parse(const void *fdt, int node,
				   struct kho_memfd_in *in)
{
	if (!kho_memfd_get(fdt, node, "token", &in->token, 8) ||
	    !kho_memfd_get(fdt, node, "size", &in->size, 8) ||
	    !kho_memfd_get(fdt, node, "seals", &in->seals, 4) ||
	    !kho_memfd_get(fdt, node, "folios", &in->nr_folios, 8) ||
	    !kho_memfd_get(fdt, node, "map", &in->map, 8)) {
		in->why = "its token, size, seals, folios or map is missing or of the wrong size";
		return;
	}
	if (in->size > MAX_LFS_FILESIZE) {
		in->why = "its size is larger than a file can be";
		return;
	}
	if (fdt_getprop(fdt, node, "hugetlb-order", NULL) &&
	    (!kho_memfd_get(fdt, node, "hugetlb-order", &in->huge_order, 4) ||
	     !in->huge_order || in->huge_order > KHO_TRACKER_MAX_ORDER ||
	     in->size % (PAGE_SIZE << in->huge_order))) {
		in->why = "its hugetlb-order is not a u32 order its size is a multiple of";
		return;
	}
	if (in->seals & ~(F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW |
			  F_SEAL_WRITE | F_SEAL_FUTURE_WRITE | F_SEAL_EXEC))
		in->why = "it has seals this kernel does not know";
}

/*
 * Check @in's file map against the tracker (kho_file_map_check()); with
 * @extra, list the map's pages and its folios there. Returns how many
 * entries it would list, or sets @in->why.
 */
static size_t __init kho_memfd_walk(struct kho_memfd_in *in,
				    struct kho_mem *extra)
{
	return kho_file_map_check(in->map, in->nr_folios, in->size,
				  in->huge_order, kho_tracker_holds, extra,
				  &in->why);
}

/*
 * Join each of the @nr entries of @extra that starts where the one before
 * ends to it: a memfd's small folios mostly lie one after the other, and
 * the users of its pages are then counted over a few long entries rather
 * than one per folio. Returns how many are left.
 */
static size_t __init kho_memfd_join(struct kho_mem *extra, size_t nr)
{
	size_t i, n = 0;

	for (i = 0; i < nr; i++) {
		if (n && extra[n - 1].addr + extra[n - 1].len == extra[i].addr)
			extra[n - 1].len += extra[i].len;
		else
			extra[n++] = extra[i];
	}
	return n;
}

static int kho_memfd_in_cmp(const void *a, const void *b)
{
	const struct kho_memfd_in *x = a, *y = b;

	return x->token < y->token ? -1 : x->token > y->token;
}

/* Sorted by token, in O(n log n): memfds that share a token are refused. */
static void __init kho_memfd_refuse_duplicates(void)
{
	int i;

	sort(kho_memfds_in, kho_nr_memfds_in, sizeof(*kho_memfds_in),
	     kho_memfd_in_cmp, NULL);
	for (i = 1; i < kho_nr_memfds_in; i++) {
		if (kho_memfds_in[i - 1].token != kho_memfds_in[i].token)
			continue;
		kho_memfds_in[i - 1].why = "another memfd has its token";
		kho_memfds_in[i].why = kho_memfds_in[i - 1].why;
	}
}

/* Is @node of @fdt compatible with exactly @compatible? */
static bool kho_memfd_node(const void *fdt, int node, const char *compatible)
{
	const char *prop;
	int len;

	prop = fdt_getprop(fdt, node, "compatible", &len);
	return prop && len == strlen(compatible) + 1 &&
	       !memcmp(prop, compatible, len);
}

/**
 * kho_memfd_scan() - take in the memfds a KHO DT hands over
 * @fdt: the KHO DT this kernel was booted with
 * @extra: set to an array, to free with kvfree(), of the memory the valid
 *	   memfds hold: their folios and the pages of their file maps
 * @nr: set to its number of entries
 *
 * Called at subsys_initcall, while the tracker can still be asked, before
 * the users of the memory handed over are counted: what no valid memfd
 * holds is freed then. A malformed memfd (or a kho-memfd-v1 node, of the
 * format before the file map) is listed with why it cannot be retrieved,
 * and holds nothing.
 *
 * Return: 0 or -ENOMEM.
 */
int __init kho_memfd_scan(const void *fdt, struct kho_mem **extra,
			  size_t *nr)
{
	struct kho_memfd_in *in;
	size_t count = 0, i;
	int node, n = 0;

	*extra = NULL;
	*nr = 0;
	fdt_for_each_subnode(node, fdt, 0)
		n += kho_memfd_node(fdt, node, KHO_MEMFD_COMPATIBLE) ||
		     kho_memfd_node(fdt, node, KHO_MEMFD_V1_COMPATIBLE);
	kho_memfds_in = kvcalloc(n, sizeof(*kho_memfds_in), GFP_KERNEL);
	if (n && !kho_memfds_in)
		return -ENOMEM;
	fdt_for_each_subnode(node, fdt, 0) {
		in = &kho_memfds_in[kho_nr_memfds_in];
		if (kho_memfd_node(fdt, node, KHO_MEMFD_COMPATIBLE)) {
			kho_memfd_parse(fdt, node, in);
		} else if (kho_memfd_node(fdt, node, KHO_MEMFD_V1_COMPATIBLE)) {
			kho_memfd_get(fdt, node, "token", &in->token, 8);
			kho_memfd_get(fdt, node, "size", &in->size, 8);
			in->why = "it is a kho-memfd-v1 node, of the format before the file map";
		} else {
			continue;
		}
		kho_nr_memfds_in++;
	}
	kho_memfd_refuse_duplicates();

	for (in = kho_memfds_in; in < kho_memfds_in + n; in++)
		if (!in->why)
			count += kho_memfd_walk(in, NULL);
	*extra = kvmalloc_array(count ?: 1, sizeof(**extra), GFP_KERNEL);
	if (!*extra)
		return -ENOMEM;
	for (in = kho_memfds_in; in < kho_memfds_in + n; in++) {
		if (in->why)
			continue;
		count = kho_memfd_join(*extra + *nr,
				       kho_memfd_walk(in, *extra + *nr));
		/*
		 * A driver may claim and write what a "mem" entry names: its
		 * map would change under RETRIEVE, its folios be shared.
		 */
		for (i = 0; i < count && !in->why; i++)
			if (kho_mem_named(&(*extra)[*nr + i]))
				in->why = "its file map or a folio is memory a mem entry names";
		if (in->why)
			continue;
		*nr += count;
		in->held = true;
	}
	return 0;
}

/**
 * kho_memfd_unheld() - the users of the memory handed over were not counted
 *
 * Called when kho_memfd_scan() succeeded but the count that follows it
 * failed: the memfds' pages stay reserved with memblock's counts, and no
 * memfd may be retrieved or freed from them.
 */
void __init kho_memfd_unheld(void)
{
	struct kho_memfd_in *in;

	for (in = kho_memfds_in; in < kho_memfds_in + kho_nr_memfds_in; in++) {
		in->held = false;
		in->why = "the kernel could not count who uses the memory handed over";
	}
}

/* The memfd handed over as @token, not retrieved or freed yet; O(log n). */
static struct kho_memfd_in *kho_memfd_in_find(u64 token)
{
	struct kho_memfd_in key = { .token = token }, *in;

	in = bsearch(&key, kho_memfds_in, kho_nr_memfds_in, sizeof(key),
		     kho_memfd_in_cmp);
	return in && !in->done ? in : NULL;
}

/* The seals memfd_add_seals() would leave, with what they imply. */
static void kho_memfd_set_seals(struct file *file, u32 seals)
{
	struct inode *inode = file_inode(file);

	*kho_memfd_seals(file) = seals;
	if (seals & F_SEAL_EXEC)
		inode->i_mode &= ~0111;
	/* A new file has no mapping yet: this cannot fail. */
	if (seals & F_SEAL_WRITE)
		WARN_ON_ONCE(mapping_deny_writable(file->f_mapping));
}

/* Is every page of the block reserved for its one user, still unclaimed? */
static bool kho_memfd_owns(phys_addr_t addr, unsigned long pages)
{
	unsigned long pfn;

	for (pfn = PHYS_PFN(addr); pfn < PHYS_PFN(addr) + pages; pfn++) {
		struct page *page = pfn_to_page(pfn);

		if (!PageReserved(page) || page_ref_count(page) != 1)
			return false;
		/* A 1 GiB folio is 262144 pages. */
		if (!(pfn % KHO_RESCHED_PAGES))
			cond_resched();
	}
	return true;
}

/* The first page of a file map that kho_memfd_walk() accepted, if any. */
static const struct kho_memfd_map *kho_memfd_first(const struct kho_memfd_in *in)
{
	return in->map ? phys_to_virt(in->map) : NULL;
}

/* The next page of a file map that kho_memfd_walk() accepted. */
static const struct kho_memfd_map *kho_memfd_next(const struct kho_memfd_map *map)
{
	return map->next ? phys_to_virt(map->next) : NULL;
}

/*
 * Drop @in's reference to each page of its folios and of its file map,
 * clearing and freeing the pages it held alone. Linear in its pages.
 */
static void kho_memfd_put(const struct kho_memfd_in *in, u64 from)
{
	const struct kho_memfd_map *map, *next;
	unsigned long pfn, end;
	unsigned int order;
	u64 i, seen = 0;

	for (map = kho_memfd_first(in); map; map = next) {
		for (i = 0; i < map->nr; i++, seen++) {
			if (seen < from)
				continue;
			pfn = PHYS_PFN(kho_memfd_folio(&map->folio[i], &order));
			for (end = pfn + (1UL << order); pfn < end; pfn++) {
				struct page *page = pfn_to_page(pfn);

				if (WARN_ON_ONCE(!page_ref_count(page)))
					continue;
				if (!(pfn % KHO_RESCHED_PAGES))
					cond_resched();
				if (!page_ref_dec_and_test(page))
					continue;
				clear_highpage(page);
				free_reserved_page(page);
			}
		}
		next = kho_memfd_next(map);
		if (page_ref_dec_and_test(virt_to_page(map)))
			free_reserved_page(virt_to_page(map));
		cond_resched();
	}
}

/* A new memfd of @in's kind (shmem or hugetlb) and size, without pages. */
static struct file *kho_memfd_setup(const struct kho_memfd_in *in)
{
	struct file *file;

	if (in->huge_order)
		file = hugetlb_file_setup("memfd:kho", in->size, VM_NORESERVE,
					  HUGETLB_ANONHUGE_INODE,
					  in->huge_order + PAGE_SHIFT);
	else
		file = shmem_file_setup("memfd:kho", in->size, VM_NORESERVE);
	if (IS_ERR(file))
		return file;
	file->f_mode |= FMODE_LSEEK | FMODE_PREAD | FMODE_PWRITE;
	file->f_flags |= O_LARGEFILE;
	return file;
}

/*
 * Give back @pages that kho_memfd_charge() charged to @memcg, in pieces
 * mem_cgroup_cancel_charge() takes.
 */
static void kho_memfd_uncharge(struct mem_cgroup *memcg, u64 pages)
{
	unsigned int n;

	for (; pages; pages -= n) {
		n = min_t(u64, pages, KHO_CHARGE_PAGES);
		mem_cgroup_cancel_charge(memcg, n);
	}
}

/*
 * Charge @memcg for a memfd's @pages at once, before any of them changes
 * hands, without reclaim: the cgroup has room for them now, or the memfd
 * is not retrieved. Nothing is reclaimed for it and no task is OOM-killed.
 */
static int kho_memfd_charge(struct mem_cgroup *memcg, u64 pages)
{
	u64 done;
	int err;

	for (done = 0; done < pages; done += KHO_CHARGE_PAGES) {
		err = mem_cgroup_try_charge_pages(memcg, GFP_NOWAIT,
						  min_t(u64, pages - done,
							KHO_CHARGE_PAGES));
		if (err) {
			kho_memfd_uncharge(memcg, done);
			return err;
		}
	}
	return 0;
}

/*
 * Count @in's folios as memory the kernel manages, or stop: a call per
 * stretch of folios in one zone.
 */
static void kho_memfd_manage(const struct kho_memfd_in *in, bool manage)
{
	const struct kho_memfd_map *map;
	struct zone *zone = NULL, *here;
	unsigned long pages = 0;
	phys_addr_t first = 0, addr;
	unsigned int order;
	u64 i;

	for (map = kho_memfd_first(in); map; map = kho_memfd_next(map)) {
		for (i = 0; i < map->nr; i++) {
			addr = kho_memfd_folio(&map->folio[i], &order);
			here = page_zone(phys_to_page(addr));
			if (pages && here != zone) {
				kho_manage_pages(first, pages, manage);
				pages = 0;
			}
			if (!pages) {
				zone = here;
				first = addr;
			}
			pages += 1UL << order;
		}
		cond_resched();
	}
	if (pages)
		kho_manage_pages(first, pages, manage);
}

/* Folios of a shmem memfd on their way into its file, with their offsets. */
struct kho_memfd_batch {
	unsigned int nr;
	struct folio *folio[KHO_MEMFD_INSERT_BATCH];
	pgoff_t index[KHO_MEMFD_INSERT_BATCH];
};

/* Put the folios gathered in @batch into @file, which takes them. */
static void kho_memfd_insert_batch(struct file *file,
				   struct kho_memfd_batch *batch)
{
	if (!batch->nr)
		return;
	shmem_insert_folios(file, batch->folio, batch->index, batch->nr);
	batch->nr = 0;
}

/*
 * Adopt the folio of @in's map entry @f for @file: a hugetlb folio goes
 * in at once, a shmem folio, with the charge kho_memfd_charge() took for
 * it from @memcg, joins @batch, inserted when full.
 */
static void kho_memfd_insert(const struct kho_memfd_in *in, struct file *file,
			     struct mem_cgroup *memcg,
			     struct kho_memfd_batch *batch,
			     const struct kho_memfd_folio *f)
{
	struct folio *folio;
	unsigned int order;
	phys_addr_t addr;

	addr = kho_memfd_folio(f, &order);
	if (in->huge_order) {
		folio = kho_adopt_huge_page(addr, order);
		hugetlb_insert_folio(file, folio, f->index);
		folio_put(folio);
		return;
	}
	folio = kho_adopt_folio(addr, order);
	if (memcg)
		mem_cgroup_commit_charge(folio, memcg);
	batch->folio[batch->nr] = folio;
	batch->index[batch->nr++] = f->index;
	if (batch->nr == KHO_MEMFD_INSERT_BATCH)
		kho_memfd_insert_batch(file, batch);
}

/*
 * A memfd built on @in's folios, adopted in place with their orders: a
 * shmem file charged to the caller's memory cgroup, or a hugetlb file
 * whose pool counts them (HugePages_Total) from now on. Whatever can fail
 * is done before any folio changes hands, so that an error changes
 * nothing: -EINVAL, with @in->why set, if a folio is not handed over to
 * @in alone or this kernel has no hugetlb pool of its page size; the
 * error of the file's setup or accounting, with *@why_now set, leaves @in
 * waiting to be retrieved again.
 */
static struct file *kho_memfd_rebuild(struct kho_memfd_in *in,
				      const char **why_now)
{
	const struct kho_memfd_map *map, *first;
	struct kho_memfd_batch batch = { .nr = 0 };
	struct mem_cgroup *memcg = NULL;
	u64 i, done = 0, pages = 0;
	unsigned int order;
	phys_addr_t addr;
	struct file *file;
	int err;

	if (in->huge_order && !size_to_hstate(PAGE_SIZE << in->huge_order)) {
		in->why = "this kernel has no hugetlb pool of its page size";
		return ERR_PTR(-EINVAL);
	}
	first = kho_memfd_first(in);
	/* Check every folio before any page changes hands. */
	for (map = first; map; map = kho_memfd_next(map)) {
		for (i = 0; i < map->nr; i++) {
			addr = kho_memfd_folio(&map->folio[i], &order);
			if (!kho_memfd_owns(addr, 1UL << order)) {
				in->why = "a folio is not memory handed over to it alone";
				return ERR_PTR(-EINVAL);
			}
			pages += 1UL << order;
		}
		cond_resched();
	}
	file = kho_memfd_setup(in);
	if (IS_ERR(file)) {
		*why_now = "cannot set up its file";
		return file;
	}
	/* The commit limit and its heuristic compare with managed memory. */
	kho_memfd_manage(in, true);
	/* Hugetlb pages are the pool's, not charged to a cgroup. */
	if (!in->huge_order) {
		err = shmem_insert_prepare(file, pages);
		if (err) {
			*why_now = "no room under the commit limit";
			goto unmanage;
		}
		memcg = get_mem_cgroup_from_mm(current->mm);
		err = memcg ? kho_memfd_charge(memcg, pages) : 0;
		if (err) {
			*why_now = "no room under the memory cgroup's limit";
			goto cancel;
		}
	}

	/* Nothing fails from here on: every folio changes hands. */
	for (map = first; map; map = kho_memfd_next(map)) {
		for (i = 0; i < map->nr; i++, done++)
			kho_memfd_insert(in, file, memcg, &batch,
					 &map->folio[i]);
		cond_resched();
	}
	kho_memfd_insert_batch(file, &batch);
	mem_cgroup_put(memcg);
	/* Only the file map's pages are left to free. */
	kho_memfd_put(in, done);
	kho_memfd_set_seals(file, in->seals);
	return file;

cancel:
	mem_cgroup_put(memcg);
	shmem_insert_cancel(file, pages);
unmanage:
	kho_memfd_manage(in, false);
	fput(file);
	return ERR_PTR(err);
}

static long kho_memfd_retrieve(void __user *uarg)
{
	const char *why_now = NULL;
	struct kho_retrieve_fd arg;
	struct kho_memfd_in *in;
	struct file *file;
	int err, fd;

	err = kho_memfd_copy_arg(&arg, sizeof(arg), uarg);
	if (err)
		return err;
	mutex_lock(&kho_memfd_lock);
	in = kho_memfd_in_find(arg.token);
	err = -ENOENT;
	if (!in)
		goto unlock;
	err = -EINVAL;
	if (in->why) {
		pr_warn("memfd %#llx of the handover is not retrieved: %s\n",
			arg.token, in->why);
		goto unlock;
	}
	fd = get_unused_fd_flags(O_CLOEXEC);
	err = fd;
	if (fd < 0)
		goto unlock;
	err = -EFAULT;
	if (put_user(fd, &((struct kho_retrieve_fd __user *)uarg)->fd))
		goto put_fd;
	file = kho_memfd_rebuild(in, &why_now);
	err = PTR_ERR_OR_ZERO(file);
	if (err && in->why) {
		pr_warn("memfd %#llx of the handover is not retrieved: %s\n",
			arg.token, in->why);
		goto put_fd;
	}
	if (err) {
		/* Nothing changed hands: it waits to be retrieved again. */
		pr_warn("memfd %#llx of the handover is not retrieved yet: %s: %d\n",
			arg.token, why_now, err);
		goto put_fd;
	}
	in->done = true;
	in->retrieved = true;
	fd_install(fd, file);
	mutex_unlock(&kho_memfd_lock);
	return 0;

put_fd:
	put_unused_fd(fd);
unlock:
	mutex_unlock(&kho_memfd_lock);
	return err;
}

static long kho_memfd_finish(void __user *uarg)
{
	struct kho_memfd_in *in;
	struct kho_finish arg;
	int err, n = 0;

	err = kho_memfd_copy_arg(&arg, sizeof(arg), uarg);
	if (err)
		return err;
	mutex_lock(&kho_memfd_lock);
	for (in = kho_memfds_in; in < kho_memfds_in + kho_nr_memfds_in; in++) {
		if (in->done)
			continue;
		/* Cleared: a guest's memory must not reach the next user as it is. */
		if (in->held)
			kho_memfd_put(in, 0);
		in->done = true;
		n++;
	}
	mutex_unlock(&kho_memfd_lock);
	if (n)
		pr_info("%d memfds of the handover not retrieved were freed\n", n);
	return 0;
}

static long kho_memfd_ioctl(struct file *session, unsigned int cmd,
			    unsigned long arg)
{
	switch (cmd) {
	case KHO_IOC_PRESERVE_FD:
		return kho_memfd_preserve(session, (void __user *)arg);
	case KHO_IOC_UNPRESERVE_FD:
		return kho_memfd_unpreserve(session, (void __user *)arg);
	case KHO_IOC_RETRIEVE_FD:
		return kho_memfd_retrieve((void __user *)arg);
	case KHO_IOC_FINISH:
		return kho_memfd_finish((void __user *)arg);
	}
	return -ENOTTY;
}

static bool kho_memfd_session_holds(struct file *session)
{
	struct kho_memfd *m;

	list_for_each_entry(m, &kho_memfds, list)
		if (m->session == session)
			return true;
	return false;
}

/*
 * The end of a session unpreserves its memfds. While KHO is active they are
 * pinned and named in the DT a loaded image carries: abort the activation
 * first, which makes that image stale.
 */
static int kho_memfd_release(struct inode *inode, struct file *session)
{
	struct kho_memfd *m, *tmp;
	LIST_HEAD(ended);
	int err;

	mutex_lock(&kho_memfd_lock);
	while (kho_memfd_dumped && kho_memfd_session_holds(session)) {
		mutex_unlock(&kho_memfd_lock);
		pr_warn("/dev/kho closed with memfds preserved while KHO is active: aborting the activation\n");
		err = kho_out_store_active(&kho_out, "0");
		/* A kexec load or reboot holds the kexec lock: it ends soon. */
		while (err == -EBUSY) {
			msleep(20);
			err = kho_out_store_active(&kho_out, "0");
		}
		mutex_lock(&kho_memfd_lock);
		if (err) {
			pr_err("cannot abort the activation: %d; the memfds stay pinned until it is aborted\n",
			       err);
			/* Orphans, which the next abort forgets. */
			list_for_each_entry(m, &kho_memfds, list)
				if (m->session == session)
					m->session = NULL;
			mutex_unlock(&kho_memfd_lock);
			return 0;
		}
	}
	list_for_each_entry_safe(m, tmp, &kho_memfds, list)
		if (m->session == session)
			list_move(&m->list, &ended);
	mutex_unlock(&kho_memfd_lock);
	list_for_each_entry_safe(m, tmp, &ended, list)
		kho_memfd_free(m);
	return 0;
}

static const struct file_operations kho_memfd_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = kho_memfd_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.release = kho_memfd_release,
};

static struct miscdevice kho_memfd_dev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "kho",
	.fops = &kho_memfd_fops,
	.mode = 0600,
};

/* Room left at the end of a memfds page for its last line, "... N more". */
#define KHO_MEMFDS_MORE_ROOM	32

/*
 * Append a line to the memfds page @buf, which holds @len bytes, unless it
 * would leave no room for the "... N more" line: count it in *@more then.
 */
static __printf(4, 5)
ssize_t kho_memfds_line(char *buf, ssize_t len, unsigned long *more,
			const char *fmt, ...)
{
	char line[96];
	va_list args;
	int n;

	va_start(args, fmt);
	n = vscnprintf(line, sizeof(line), fmt, args);
	va_end(args);
	if (*more || len + n > PAGE_SIZE - KHO_MEMFDS_MORE_ROOM) {
		(*more)++;
		return len;
	}
	memcpy(buf + len, line, n);
	return len + n;
}

static ssize_t kho_memfds_end(char *buf, ssize_t len, unsigned long more)
{
	if (more)
		len += sysfs_emit_at(buf, len, "... %lu more\n", more);
	return len;
}

/*
 * /sys/kernel/kho/memfds: "token size pages" per preserved memfd, as many
 * as one page holds, then "... N more".
 */
static ssize_t memfds_show(struct kobject *kobj, struct kobj_attribute *attr,
			   char *buf)
{
	unsigned long more = 0;
	struct kho_memfd *m;
	ssize_t len = 0;
	loff_t size;

	mutex_lock(&kho_memfd_lock);
	list_for_each_entry(m, &kho_memfds, list) {
		size = i_size_read(file_inode(m->file));
		len = kho_memfds_line(buf, len, &more, "%#llx %lld %lld\n",
				      m->token, size,
				      DIV_ROUND_UP(size, PAGE_SIZE));
	}
	mutex_unlock(&kho_memfd_lock);
	return kho_memfds_end(buf, len, more);
}

static struct kobj_attribute kho_memfd_attr = __ATTR_RO_MODE(memfds, 0400);

/*
 * /sys/firmware/kho/memfds: "token size pages state" per handed-over memfd,
 * state one of waiting, retrieved, freed (by FINISH or a failed rebuild)
 * and malformed; as many as one page holds, then "... N more".
 */
static ssize_t memfds_in_show(struct kobject *kobj,
			      struct kobj_attribute *attr, char *buf)
{
	unsigned long more = 0;
	struct kho_memfd_in *in;
	ssize_t len = 0;

	mutex_lock(&kho_memfd_lock);
	for (in = kho_memfds_in; in < kho_memfds_in + kho_nr_memfds_in; in++)
		len = kho_memfds_line(buf, len, &more, "%#llx %llu %llu %s\n",
				      in->token, in->size,
				      DIV_ROUND_UP(in->size, PAGE_SIZE),
				      in->retrieved ? "retrieved" :
				      in->done ? "freed" :
				      in->why ? "malformed" : "waiting");
	mutex_unlock(&kho_memfd_lock);
	return kho_memfds_end(buf, len, more);
}

static struct kobj_attribute kho_memfd_in_attr =
	__ATTR(memfds, 0400, memfds_in_show, NULL);

/*
 * <debugfs>/kho/memfd_folios: "token index address bytes" for each folio of
 * each handed-over memfd still waiting, in file order: where a VMM's guest
 * memory lies before it is retrieved.
 */
static int kho_memfd_folios_show(struct seq_file *seq, void *v)
{
	const struct kho_memfd_map *map;
	struct kho_memfd_in *in;
	unsigned int order;
	phys_addr_t addr;
	u64 i;

	mutex_lock(&kho_memfd_lock);
	for (in = kho_memfds_in; in < kho_memfds_in + kho_nr_memfds_in; in++) {
		if (!in->held || in->done)
			continue;
		for (map = kho_memfd_first(in); map; map = kho_memfd_next(map)) {
			for (i = 0; i < map->nr; i++) {
				addr = kho_memfd_folio(&map->folio[i], &order);
				seq_printf(seq, "%#llx %#llx %pa %#lx\n",
					   in->token, map->folio[i].index,
					   &addr, PAGE_SIZE << order);
			}
		}
	}
	mutex_unlock(&kho_memfd_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(kho_memfd_folios);

static void __init kho_memfd_debugfs(void)
{
	/* The damage knob may have made the directory. */
	struct dentry *dir = debugfs_lookup("kho", NULL);

	if (dir) {
		debugfs_create_file("memfd_folios", 0400, dir, NULL,
				    &kho_memfd_folios_fops);
		dput(dir);
		return;
	}
	dir = debugfs_create_dir("kho", NULL);
	debugfs_create_file("memfd_folios", 0400, dir, NULL,
			    &kho_memfd_folios_fops);
}

static int __init kho_memfd_init(void)
{
	struct kobject *kobj = kho_out_kobj();
	int err;

	if (!kobj)
		return 0;
	if (kho_in_kobj()) {
		err = sysfs_create_file(kho_in_kobj(), &kho_memfd_in_attr.attr);
		if (err)
			return err;
		kho_memfd_debugfs();
	}
	err = register_kho_notifier(&kho_memfd_nb);
	if (err)
		return err;
	err = sysfs_create_file(kobj, &kho_memfd_attr.attr);
	err = err ?: misc_register(&kho_memfd_dev);
	if (err) {
		pr_err("cannot create /dev/kho: %d\n", err);
		unregister_kho_notifier(&kho_memfd_nb);
	}
	return err;
}
late_initcall_sync(kho_memfd_init);
