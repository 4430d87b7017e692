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
 * At KEXEC_KHO_DUMP every page of every preserved memfd is allocated and
 * pinned long-term, which moves it out of CMA and so out of the scratch
 * region, and each memfd becomes a node "memfd-<token>" of the KHO DT,
 * compatible "kho-memfd-v1", with its token, size, seals and its pages as
 * physically contiguous runs in file order. KEXEC_KHO_ABORT drops the pins;
 * so does the end of a session, after it has aborted the activation.
 *
 * The next kernel reads and checks those nodes at late_initcall_sync. A
 * RETRIEVE checks every run of the memfd before it touches any (handed over
 * to this entry alone), then adopts the pages and inserts them one by one
 * into a new shmem file: nothing is copied, and huge folios come back as
 * small pages. FINISH frees, cleared, the pages of every memfd nobody
 * retrieved, in O(n log n) for n runs plus the pages however the runs of a
 * damaged handover overlap.
 */

#define pr_fmt(fmt) "kho: memfd: " fmt

#include <linux/bsearch.h>
#include <linux/delay.h>
#include <linux/file.h>
#include <linux/memfd.h>
#include <linux/unaligned.h>
#include <linux/kexec_handover.h>
#include <linux/libfdt.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/notifier.h>
#include <linux/shmem_fs.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/sprintf.h>
#include <linux/sysfs.h>
#include <linux/uaccess.h>
#include <uapi/linux/kho.h>

#include "kexec_kho_internal.h"

#define KHO_MEMFD_COMPATIBLE	"kho-memfd-v1"

/**
 * struct kho_memfd - a memfd preserved through /dev/kho
 * @list: in kho_memfds
 * @session: the open file of /dev/kho that preserved it
 * @token: what the next kernel retrieves it by
 * @file: the memfd, referenced
 * @folios: its folios in file order, pinned while KHO is active
 * @nr_folios: number of @folios
 * @runs: its pages as physically contiguous runs, in file order
 * @nr_runs: number of @runs
 */
struct kho_memfd {
	struct list_head list;
	struct file *session;
	u64 token;
	struct file *file;
	struct folio **folios;
	long nr_folios;
	struct kho_mem *runs;
	size_t nr_runs;
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
	if (!shmem_file_is_memfd(file))
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
	err = shmem_freeze_size(file, true);
	if (err)
		goto free;

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
	shmem_freeze_size(file, false);
free:
	kfree(m);
put:
	fput(file);
	return err;
}

/* Unpreserved, off the list: let its size change again and drop it. */
static void kho_memfd_free(struct kho_memfd *m)
{
	shmem_freeze_size(m->file, false);
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

static void kho_memfd_unpin(struct kho_memfd *m)
{
	if (m->nr_folios > 0)
		unpin_folios(m->folios, m->nr_folios);
	kvfree(m->folios);
	kvfree(m->runs);
	m->folios = NULL;
	m->nr_folios = 0;
	m->runs = NULL;
	m->nr_runs = 0;
}

/*
 * Pin every page of @m (allocating those never written, moving out of CMA
 * and the scratch region those there) and list them as runs in file order.
 */
static int kho_memfd_pin(struct kho_memfd *m)
{
	loff_t size = i_size_read(file_inode(m->file));
	pgoff_t pages = DIV_ROUND_UP(size, PAGE_SIZE), next = 0, n;
	struct kho_mem *run;
	pgoff_t offset;
	long i;

	if (!size)
		return 0;
	/* Past 512 GiB the arrays are too large for kvmalloc: -ENOMEM. */
	m->folios = kvmalloc_array(pages, sizeof(*m->folios),
				   GFP_KERNEL | __GFP_NOWARN);
	m->runs = kvmalloc_array(pages, sizeof(*m->runs),
				 GFP_KERNEL | __GFP_NOWARN);
	if (!m->folios || !m->runs)
		return -ENOMEM;
	m->nr_folios = memfd_pin_folios(m->file, 0, size - 1, m->folios, pages,
					&offset);
	if (m->nr_folios < 0)
		return m->nr_folios;

	for (i = 0; i < m->nr_folios; i++) {
		struct folio *folio = m->folios[i];
		phys_addr_t addr;

		if (folio->index > next || folio->index + folio_nr_pages(folio) <= next)
			return -EIO;
		/* The tail of a large folio past the end is not the file's. */
		n = min_t(pgoff_t, folio->index + folio_nr_pages(folio), pages) - next;
		addr = PFN_PHYS(folio_pfn(folio) + next - folio->index);
		run = m->nr_runs ? &m->runs[m->nr_runs - 1] : NULL;
		if (run && run->addr + run->len == addr) {
			run->len += n << PAGE_SHIFT;
		} else {
			run = &m->runs[m->nr_runs++];
			run->addr = addr;
			run->len = n << PAGE_SHIFT;
		}
		next += n;
	}
	return next == pages ? 0 : -EIO;
}

static int kho_memfd_dump_one(void *fdt, struct kho_memfd *m)
{
	u64 size = i_size_read(file_inode(m->file));
	u32 seals = SHMEM_I(file_inode(m->file))->seals;
	char name[32];
	int err;

	snprintf(name, sizeof(name), "memfd-%016llx", m->token);
	err = fdt_begin_node(fdt, name);
	err = err ?: fdt_property_string(fdt, "compatible", KHO_MEMFD_COMPATIBLE);
	err = err ?: fdt_property(fdt, "token", &m->token, sizeof(m->token));
	err = err ?: fdt_property(fdt, "size", &size, sizeof(size));
	err = err ?: fdt_property(fdt, "seals", &seals, sizeof(seals));
	err = err ?: fdt_property(fdt, KHO_MEM_PROP, m->runs,
				  m->nr_runs * sizeof(*m->runs));
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
 * @runs: its pages, in file order, in the KHO DT
 * @nr_runs: number of @runs
 * @why: why it cannot be retrieved, NULL if it can
 * @done: retrieved, or freed by FINISH
 * @retrieved: retrieved
 */
struct kho_memfd_in {
	u64 token;
	u64 size;
	u32 seals;
	const struct kho_mem *runs;
	int nr_runs;
	const char *why;
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

/* Read and check one kho-memfd-v1 node. */
static void kho_memfd_parse(const void *fdt, int node, struct kho_memfd_in *in)
{
	u64 total = 0;
	int len, i;

	/* The runs first: FINISH frees them, however bad the rest is. */
	in->runs = fdt_getprop(fdt, node, KHO_MEM_PROP, &len);
	if (!in->runs)
		len = 0;
	in->nr_runs = len / sizeof(*in->runs);
	if (!kho_memfd_get(fdt, node, "token", &in->token, 8) ||
	    !kho_memfd_get(fdt, node, "size", &in->size, 8) ||
	    !kho_memfd_get(fdt, node, "seals", &in->seals, 4)) {
		in->why = "its token, size or seals is missing or of the wrong size";
		return;
	}
	if (in->size > MAX_LFS_FILESIZE) {
		in->why = "its size is larger than a file can be";
		return;
	}
	if (in->seals & ~(F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW |
			  F_SEAL_WRITE | F_SEAL_FUTURE_WRITE | F_SEAL_EXEC)) {
		in->why = "it has seals this kernel does not know";
		return;
	}
	for (i = 0; i < in->nr_runs; i++) {
		u64 addr = get_unaligned(&in->runs[i].addr);
		u64 n = get_unaligned(&in->runs[i].len);

		if (!n || !PAGE_ALIGNED(addr) || !PAGE_ALIGNED(n) ||
		    total + n < total) {
			in->why = "a run is empty or not whole pages";
			return;
		}
		total += n;
	}
	if (total != PAGE_ALIGN(in->size))
		in->why = "its runs do not add up to its size";
}

static int kho_memfd_in_cmp(const void *a, const void *b)
{
	const struct kho_memfd_in *x = a, *y = b;

	return x->token < y->token ? -1 : x->token > y->token;
}

/* Sorted by token, in O(n log n): memfds that share a token are refused. */
static void kho_memfd_refuse_duplicates(void)
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

/* Is @node of @fdt compatible with exactly "kho-memfd-v1"? */
static bool kho_memfd_node(const void *fdt, int node)
{
	const char *compatible;
	int len;

	compatible = fdt_getprop(fdt, node, "compatible", &len);
	return compatible && len == sizeof(KHO_MEMFD_COMPATIBLE) &&
	       !memcmp(compatible, KHO_MEMFD_COMPATIBLE, len);
}

static void kho_memfd_find_handed_over(void)
{
	const void *fdt = kho_get_fdt();
	int node, n = 0;

	if (!fdt)
		return;
	fdt_for_each_subnode(node, fdt, 0)
		n += kho_memfd_node(fdt, node);
	kho_memfds_in = kvcalloc(n, sizeof(*kho_memfds_in), GFP_KERNEL);
	if (!kho_memfds_in)
		return;
	fdt_for_each_subnode(node, fdt, 0) {
		if (kho_memfd_node(fdt, node))
			kho_memfd_parse(fdt, node,
					&kho_memfds_in[kho_nr_memfds_in++]);
	}
	kho_memfd_refuse_duplicates();
}

/* The memfd handed over as @token, not retrieved or freed yet; O(log n). */
static struct kho_memfd_in *kho_memfd_in_find(u64 token)
{
	struct kho_memfd_in key = { .token = token }, *in;

	in = bsearch(&key, kho_memfds_in, kho_nr_memfds_in, sizeof(key),
		     kho_memfd_in_cmp);
	return in && !in->done ? in : NULL;
}

static void kho_memfd_run(const struct kho_memfd_in *in, int i,
			  struct kho_mem *run)
{
	run->addr = get_unaligned(&in->runs[i].addr);
	run->len = get_unaligned(&in->runs[i].len);
}

/* The seals memfd_add_seals() would leave, with what they imply. */
static void kho_memfd_set_seals(struct file *file, u32 seals)
{
	struct inode *inode = file_inode(file);

	SHMEM_I(inode)->seals = seals;
	if (seals & F_SEAL_EXEC)
		inode->i_mode &= ~0111;
	/* A new file has no mapping yet: this cannot fail. */
	if (seals & F_SEAL_WRITE)
		WARN_ON_ONCE(mapping_deny_writable(file->f_mapping));
}

/*
 * A shmem file built on @in's pages, adopted in place. -EINVAL, with
 * @in->why set and nothing changed, if a run is not handed over to @in
 * alone; on another failure every page of @in goes back to the page
 * allocator: through the file for those it holds, directly for the others.
 */
static struct file *kho_memfd_rebuild(struct kho_memfd_in *in)
{
	unsigned long pfn, end;
	struct kho_mem run;
	struct file *file;
	pgoff_t index = 0;
	int i, err;

	/* Check every run before any page changes hands. */
	for (i = 0; i < in->nr_runs; i++) {
		kho_memfd_run(in, i, &run);
		if (!kho_may_adopt_pages(&run)) {
			in->why = "a run is not memory handed over to it alone";
			return ERR_PTR(-EINVAL);
		}
	}
	file = shmem_file_setup("memfd:kho", in->size, VM_NORESERVE);
	if (IS_ERR(file)) {
		err = PTR_ERR(file);
		file = NULL;
		i = 0;
		goto release;
	}
	file->f_mode |= FMODE_LSEEK | FMODE_PREAD | FMODE_PWRITE;
	file->f_flags |= O_LARGEFILE;

	for (i = 0; i < in->nr_runs; i++) {
		kho_memfd_run(in, i, &run);
		err = kho_adopt_pages(&run);
		if (err)
			goto release;
		end = PHYS_PFN(run.addr + run.len);
		for (pfn = PHYS_PFN(run.addr); pfn < end; pfn++) {
			struct folio *folio = page_folio(pfn_to_page(pfn));

			err = shmem_insert_folio(file, folio, index++);
			folio_put(folio);
			if (err) {
				/* The rest of this run is adopted already. */
				while (++pfn < end)
					put_page(pfn_to_page(pfn));
				i++;
				goto release;
			}
		}
		cond_resched();
	}
	kho_memfd_set_seals(file, in->seals);
	return file;

release:
	/* Each run was checked: no page is named twice, this is linear. */
	for (; i < in->nr_runs; i++) {
		kho_memfd_run(in, i, &run);
		kho_return_mem(&run);
		cond_resched();
	}
	if (file)
		fput(file);
	return ERR_PTR(err);
}

static long kho_memfd_retrieve(void __user *uarg)
{
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
	file = kho_memfd_rebuild(in);
	err = PTR_ERR(file);
	if (IS_ERR(file) && in->why) {
		pr_warn("memfd %#llx of the handover is not retrieved: %s\n",
			arg.token, in->why);
		goto put_fd;
	}
	if (IS_ERR(file)) {
		/* Its pages are freed: nothing is left to retrieve or finish. */
		in->done = true;
		pr_warn("memfd %#llx of the handover is lost: its rebuild failed: %d\n",
			arg.token, err);
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

/*
 * The runs handed over of the memfds not retrieved, in one array for
 * kho_return_mem_cleared(): a damaged handover can name the same memory in
 * many runs, and freeing run by run would cost their lengths' sum.
 */
static struct kho_mem *kho_memfd_unretrieved_runs(size_t *nr)
{
	struct kho_memfd_in *in;
	struct kho_mem *runs;
	size_t n = 0;
	int i;

	for (in = kho_memfds_in; in < kho_memfds_in + kho_nr_memfds_in; in++)
		if (!in->done)
			n += in->nr_runs;
	runs = kvmalloc_array(n ?: 1, sizeof(*runs), GFP_KERNEL);
	if (!runs)
		return NULL;
	*nr = 0;
	for (in = kho_memfds_in; in < kho_memfds_in + kho_nr_memfds_in; in++) {
		for (i = 0; !in->done && i < in->nr_runs; i++) {
			kho_memfd_run(in, i, &runs[*nr]);
			if (kho_mem_handed_over(&runs[*nr]))
				(*nr)++;
		}
	}
	return runs;
}

static long kho_memfd_finish(void __user *uarg)
{
	struct kho_memfd_in *in;
	struct kho_finish arg;
	struct kho_mem *runs;
	size_t nr;
	int err, n = 0;

	err = kho_memfd_copy_arg(&arg, sizeof(arg), uarg);
	if (err)
		return err;
	mutex_lock(&kho_memfd_lock);
	runs = kho_memfd_unretrieved_runs(&nr);
	err = -ENOMEM;
	if (!runs)
		goto unlock;
	/* Cleared: a guest's memory must not reach the next user as it is. */
	err = kho_return_mem_cleared(runs, nr);
	kvfree(runs);
	if (err)
		goto unlock;
	for (in = kho_memfds_in; in < kho_memfds_in + kho_nr_memfds_in; in++) {
		n += !in->done;
		in->done = true;
	}
unlock:
	mutex_unlock(&kho_memfd_lock);
	if (n)
		pr_info("%d memfds of the handover not retrieved were freed\n", n);
	return err;
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

static int __init kho_memfd_init(void)
{
	struct kobject *kobj = kho_out_kobj();
	int err;

	if (!kobj)
		return 0;
	kho_memfd_find_handed_over();
	if (kho_in_kobj()) {
		err = sysfs_create_file(kho_in_kobj(), &kho_memfd_in_attr.attr);
		if (err)
			return err;
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
