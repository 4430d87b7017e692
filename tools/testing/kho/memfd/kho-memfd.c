// SPDX-License-Identifier: GPL-2.0
/*
 * kho-memfd: what a VMM does with /dev/kho, for the memfd scenarios and
 * the memfd benchmark.
 *
 *   kho-memfd hold SIZE...
 *	create one memfd per SIZE, fill each with a pattern seeded by its
 *	token (0x42 for the first, 0x43 for the second, ...), seal it, preserve
 *	it, print "ready" and wait to be killed
 *   kho-memfd kexec KERNEL INITRD CMDLINE [SIZE...]
 *	hold, keep writing to the first memfd through a mapping, activate KHO,
 *	load KERNEL and INITRD with kexec_file_load() and reboot into them;
 *	CMDLINE gets kho_expect_gen=G, the writer's generation at activation.
 *	Without a SIZE, the same kexec with no memfd.
 *   kho-memfd retrieve [-p FILE] [-r KERNEL INITRD CMDLINE] SIZE...
 *	retrieve each memfd by token and check its size, seals, flags and every
 *	byte, that it is writable unless sealed, and that a second RETRIEVE
 *	fails (and before, that an unknown token or a struct of a wrong size
 *	fails); with kho_expect_gen=G on this kernel's command line, the first
 *	memfd must show the writer's pages of a generation after G. Then close
 *	them all and FINISH, or with -r hand them on as kexec does. With -p,
 *	write the physical address of each page of the first memfd to FILE,
 *	and say how many of them are in huge folios (KPF_THP, or KPF_HUGE
 *	for hugetlb) and the KernelPageSize of its mapping. When the first
 *	memfd is a hugetlb one, the pool of its page size must count its pages
 *	after RETRIEVE, in use and reserving nothing, and as free pages once
 *	closed.
 *	With KHO_MEMFD_FAULTS, each RETRIEVE is made to fail at its 1st,
 *	2nd, ... fault-injection point (/proc/thread-self/fail-nth) until it
 *	succeeds: each failure must be ENOMEM or ENOSPC and leave the memfd
 *	waiting, and at least one must have been injected.
 *   kho-memfd cycles N SIZE...
 *	hold, keep writing to the first memfd through a mapping (filling
 *	the holes of a sparse one at first, one each half millisecond or
 *	KHO_MEMFD_ADD_US microseconds), and
 *	activate and abort KHO N times: each activation must succeed
 *   kho-memfd bad
 *	every bad input of the outgoing side, and its errno
 *   kho-memfd bad-active
 *	F_ADD_SEALS while preserved, PRESERVE, UNPRESERVE and a hole while
 *	KHO is active: EBUSY; then abort KHO, and both work
 *   kho-memfd finish
 *	KHO_IOC_FINISH
 *   kho-memfd reserved
 *	read "ADDRESS LENGTH" lines and print how many of their pages have
 *	KPF_RESERVED in /proc/kpageflags, as "RESERVED of PAGES pages reserved"
 *   kho-memfd runs
 *	read "ADDRESS LENGTH" lines and print how many runs of physically
 *	contiguous memory they make, in their order
 *   kho-memfd hugetlb-heads
 *	the physical address of the first page of each hugetlb page, free or
 *	in use, one per line
 *   kho-memfd copy SIZE
 *	the time memcpy() takes to copy SIZE bytes (in passes of at most
 *	1 GiB), what preserving a memfd of that size saves
 *
 * A SIZE is a number of bytes with an optional K, M or G suffix; ",ro"
 * after it adds F_SEAL_WRITE to the F_SEAL_SHRINK | F_SEAL_GROW every memfd
 * gets, and then ",nx" makes it with MFD_NOEXEC_SEAL (mode 0666 and
 * F_SEAL_EXEC); ",sparse" writes only the first page of every 256, leaving
 * the rest holes, whose place (SEEK_DATA, SEEK_HOLE) and count (st_blocks)
 * are checked too; ",huge2M" or ",huge1G" makes it a hugetlb memfd
 * (MFD_HUGETLB) of that page size. With KHO_MEMFD_FRAGMENT=SIZE in the environment, hold
 * first fills a memfd of SIZE that it keeps and punches every other page
 * of it, so that the memfds it then fills take scattered pages: free memory
 * as hours of churn leave it. KHO_MEMFD_TOKEN in the environment replaces
 * 0x42 as the
 * first token. With KHO_MEMFD_TOUCH, fill and check only the first word
 * of each page (the benchmark's large memfds). With KHO_MEMFD_TIMES in the environment, the time each step
 * takes goes to stderr as "time WHAT SECONDS", for the benchmark. Exits 0
 * when every check holds, 1 with a line saying which did not.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <linux/reboot.h>

#include "../../../../include/uapi/linux/kho.h"

/* Linux 6.3's, newer than the C library's headers. */
#ifndef MFD_NOEXEC_SEAL
#define MFD_NOEXEC_SEAL	0x0008U
#endif
#ifndef F_SEAL_EXEC
#define F_SEAL_EXEC	0x0020
#endif
/* <linux/memfd.h>: the log2 of a hugetlb memfd's page size goes here. */
#define MFD_HUGE_SHIFT	26

#define TOKEN		0x42
#define MAX_MEMFDS	16
#define SEALS		(F_SEAL_SHRINK | F_SEAL_GROW)
/* A ",sparse" memfd has data in one page of every SPARSE_STRIDE. */
#define SPARSE_STRIDE	256

struct vm_memfd {
	uint64_t token;
	long size;
	int seals;
	bool sparse;
	int huge_shift;	/* log2 of its hugetlb page size, 0 for shmem */
	int fd;
};

static struct vm_memfd memfds[MAX_MEMFDS];
static int nr_memfds;
static long page_size;
static int dev;

/* The writer's generation: the first word of each page of memfds[0]. */
static volatile uint64_t generation;

static void fail(const char *what)
{
	printf("FAIL %s: %s\n", what, strerror(errno));
	exit(1);
}

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

static void report_time(const char *what, double start)
{
	if (getenv("KHO_MEMFD_TIMES"))
		fprintf(stderr, "time %s %.6f\n", what, now() - start);
}

/* Word @i of the memfd preserved as @token. */
static uint64_t pattern(uint64_t token, uint64_t i)
{
	return (token * 0x9e3779b97f4a7c15ULL) ^ (i * 0x100000001b3ULL);
}

static void parse_sizes(char **arg, int n)
{
	const char *first = getenv("KHO_MEMFD_TOKEN");
	char *end;
	int i;

	if (n > MAX_MEMFDS) {
		printf("FAIL at most %d sizes, please\n", MAX_MEMFDS);
		exit(2);
	}
	for (i = 0; i < n; i++) {
		struct vm_memfd *m = &memfds[i];

		m->token = (first ? strtoull(first, NULL, 0) : TOKEN) + i;
		m->seals = SEALS;
		m->size = strtol(arg[i], &end, 0);
		switch (*end) {
		case 'G':
			m->size <<= 10;
			/* fall through */
		case 'M':
			m->size <<= 10;
			/* fall through */
		case 'K':
			m->size <<= 10;
			end++;
		}
		if (!strncmp(end, ",ro", 3)) {
			m->seals |= F_SEAL_WRITE;
			end += 3;
		}
		if (!strncmp(end, ",nx", 3)) {
			m->seals |= F_SEAL_EXEC;
			end += 3;
		}
		if (!strcmp(end, ",sparse")) {
			m->sparse = true;
			end += 7;
		}
		if (!strcmp(end, ",huge2M") || !strcmp(end, ",huge1G")) {
			m->huge_shift = end[6] == 'M' ? 21 : 30;
			end += 7;
		}
		if (*end || m->size <= 0) {
			printf("FAIL bad size '%s'\n", arg[i]);
			exit(2);
		}
	}
	nr_memfds = n;
}

static void *map(struct vm_memfd *m, int prot)
{
	void *p = mmap(NULL, m->size, prot, MAP_SHARED, m->fd, 0);

	if (p == MAP_FAILED)
		fail("mmap");
	return p;
}

/* Page @page of sparse @m, as it is written: its pattern. */
static void sparse_page(struct vm_memfd *m, long page, uint64_t *w)
{
	long i, words = page_size / 8;

	for (i = 0; i < words; i++)
		w[i] = pattern(m->token, page * words + i);
}

/* A sparse memfd's pages of data: a page in every SPARSE_STRIDE. */
static long sparse_pages(struct vm_memfd *m)
{
	long pages = (m->size + page_size - 1) / page_size;

	return (pages + SPARSE_STRIDE - 1) / SPARSE_STRIDE;
}

static void fill_sparse(struct vm_memfd *m)
{
	uint64_t *w = malloc(page_size);
	long page;

	if (!w)
		fail("malloc");
	for (page = 0; page * page_size < m->size; page += SPARSE_STRIDE) {
		sparse_page(m, page, w);
		if (pwrite(m->fd, w, page_size, page * page_size) != page_size)
			fail("pwrite");
	}
	free(w);
}

/*
 * The number of bytes of sparse @m that differ from what fill_sparse()
 * wrote, and its data where it should have holes, or holes where data:
 * every hole is read through SEEK_DATA and SEEK_HOLE, not touched. Also
 * its block count, which must be its pages of data.
 */
static long differing_sparse(struct vm_memfd *m)
{
	uint64_t *w = malloc(page_size), *got = malloc(page_size);
	off_t data, hole, at = 0;
	long n = 0, page = 0;
	struct stat st;

	if (!w || !got)
		fail("malloc");
	while ((data = lseek(m->fd, at, SEEK_DATA)) >= 0) {
		hole = lseek(m->fd, data, SEEK_HOLE);
		if (data != page * page_size || hole != data + page_size) {
			printf("FAIL memfd %#llx: data at [%lld, %lld), want a page at %ld\n",
			       (unsigned long long)m->token, (long long)data,
			       (long long)hole, page * page_size);
			exit(1);
		}
		sparse_page(m, page, w);
		if (pread(m->fd, got, page_size, data) != page_size)
			fail("pread");
		n += memcmp(w, got, page_size) != 0;
		page += SPARSE_STRIDE;
		at = hole;
	}
	if (page / SPARSE_STRIDE != sparse_pages(m)) {
		printf("FAIL memfd %#llx: %ld pages of data, want %ld\n",
		       (unsigned long long)m->token, page / SPARSE_STRIDE,
		       sparse_pages(m));
		exit(1);
	}
	if (fstat(m->fd, &st) || st.st_blocks != sparse_pages(m) * page_size / 512) {
		printf("FAIL memfd %#llx: %lld blocks, want %ld\n",
		       (unsigned long long)m->token, (long long)st.st_blocks,
		       sparse_pages(m) * page_size / 512);
		exit(1);
	}
	free(w);
	free(got);
	return n;
}

/*
 * Take SIZE of memory (KHO_MEMFD_FRAGMENT) in a memfd kept open, then give
 * every other page back: what is filled next lands on scattered pages.
 */
static void fragment(void)
{
	const char *env = getenv("KHO_MEMFD_FRAGMENT");
	struct vm_memfd filler = { 0 };
	char *p;
	long i;

	if (!env)
		return;
	parse_sizes((char **)&env, 1);
	filler = memfds[0];
	filler.fd = memfd_create("filler", 0);
	if (filler.fd < 0 || ftruncate(filler.fd, filler.size))
		fail("filler memfd");
	p = map(&filler, PROT_READ | PROT_WRITE);
	for (i = 0; i < filler.size; i += page_size)
		p[i] = 1;
	munmap(p, filler.size);
	for (i = page_size; i < filler.size; i += 2 * page_size)
		if (fallocate(filler.fd, FALLOC_FL_PUNCH_HOLE |
			      FALLOC_FL_KEEP_SIZE, i, page_size))
			fail("fallocate");
}

/*
 * With KHO_MEMFD_TOUCH, the benchmark's: fill and check only the first two
 * words of each page (the first is the writer's after a kexec), which still
 * faults in every page, in a fraction of the time TCG takes to write a
 * pattern into every word.
 */
static bool touch_only(void)
{
	return getenv("KHO_MEMFD_TOUCH");
}

static void fill(struct vm_memfd *m)
{
	long i, words_per_page = page_size / 8;
	uint64_t *w;

	if (m->sparse) {
		fill_sparse(m);
		return;
	}
	w = map(m, PROT_READ | PROT_WRITE);
	if (touch_only()) {
		for (i = 0; i + 1 < m->size / 8; i += words_per_page) {
			w[i] = pattern(m->token, i);
			w[i + 1] = pattern(m->token, i + 1);
		}
		munmap(w, m->size);
		return;
	}

	for (i = 0; i < m->size / 8; i++)
		w[i] = pattern(m->token, i);
	for (i = m->size & ~7L; i < m->size; i++)
		((unsigned char *)w)[i] = pattern(m->token, i / 8) >> (i % 8 * 8);
	munmap(w, m->size);
}

/*
 * The number of bytes of @m that differ from its pattern. With @gen, the
 * first word of each page is the writer's instead: the pages are a prefix of
 * generation G + 1 and the rest of generation G (the writer was stopped in
 * the middle of a pass), and G + 1 is stored in *@gen.
 */
static long differing(struct vm_memfd *m, uint64_t *gen)
{
	long i, words_per_page = page_size / 8, n = 0;
	bool touch = touch_only();
	const uint64_t *w;
	uint64_t last;

	if (m->sparse)
		return differing_sparse(m);
	w = map(m, PROT_READ);
	last = w[0];

	for (i = 0; i < m->size / 8; i++) {
		if (gen && i % words_per_page == 0) {
			/* w[0], then once w[0] - 1 for the rest. */
			n += w[i] != last && (last != w[0] || w[i] != w[0] - 1);
			last = w[i];
			continue;
		}
		n += w[i] != pattern(m->token, i);
		/* Past the first two words of the page: on to the next. */
		if (touch && i % words_per_page)
			i += words_per_page - 1 - i % words_per_page;
	}
	for (i = m->size & ~7L; i < m->size && !touch; i++)
		n += ((const unsigned char *)w)[i] !=
		     (unsigned char)(pattern(m->token, i / 8) >> (i % 8 * 8));
	if (gen)
		*gen = w[0];
	munmap((void *)w, m->size);
	return n;
}

static int expect_errno(const char *what, int ret, int want)
{
	if (ret == -1 && errno == want)
		return 0;
	printf("FAIL %s: %s, want %s\n", what,
	       ret == -1 ? strerror(errno) : "success", strerror(want));
	return 1;
}

static void preserve(struct vm_memfd *m)
{
	struct kho_preserve_fd p = { .size = sizeof(p), .fd = m->fd,
				     .token = m->token };

	if (ioctl(dev, KHO_IOC_PRESERVE_FD, &p))
		fail("KHO_IOC_PRESERVE_FD");
}

static void hold(void)
{
	struct vm_memfd want[MAX_MEMFDS];
	int i, n = nr_memfds;
	double start;

	/* fragment() parses its own size into memfds[0]. */
	memcpy(want, memfds, sizeof(want));
	fragment();
	memcpy(memfds, want, sizeof(want));
	nr_memfds = n;
	start = now();

	for (i = 0; i < nr_memfds; i++) {
		struct vm_memfd *m = &memfds[i];

		m->fd = memfd_create("vm", MFD_ALLOW_SEALING |
				     (m->seals & F_SEAL_EXEC ? MFD_NOEXEC_SEAL : 0) |
				     (m->huge_shift ? MFD_HUGETLB |
				      m->huge_shift << MFD_HUGE_SHIFT : 0));
		if (m->fd < 0 || ftruncate(m->fd, m->size))
			fail("memfd");
		fill(m);
		/* What the next kernel must find: data, holes, st_blocks. */
		if (m->sparse && differing_sparse(m))
			fail("a sparse memfd as filled");
		if (fcntl(m->fd, F_ADD_SEALS, m->seals))
			fail("F_ADD_SEALS");
	}
	report_time("fill", start);
	start = now();
	for (i = 0; i < nr_memfds; i++)
		preserve(&memfds[i]);
	report_time("preserve", start);
}

static void wait_forever(const char *line)
{
	printf("%s\n", line);
	fflush(stdout);
	for (;;)
		pause();
}

static void *writer(void *arg)
{
	struct vm_memfd *m = arg;
	uint64_t *w = map(m, PROT_READ | PROT_WRITE);
	long i;

	for (;;) {
		generation++;
		for (i = 0; i < m->size / page_size; i++)
			w[i * page_size / 8] = generation;
	}
	return NULL;
}

/*
 * The writer of kho-memfd cycles: as writer(), but its first pass over a
 * sparse memfd fills a hole every half millisecond (KHO_MEMFD_ADD_US), so
 * that folios keep being added (some in CMA) while activations pin them.
 */
static void *adding_writer(void *arg)
{
	const char *pace = getenv("KHO_MEMFD_ADD_US");
	struct vm_memfd *m = arg;
	uint64_t *w = map(m, PROT_READ | PROT_WRITE);
	long i, pages = m->size / page_size;
	useconds_t us = pace ? strtoul(pace, NULL, 0) : 500;

	for (;;) {
		generation++;
		for (i = 0; i < pages; i++) {
			w[i * page_size / 8] = generation;
			if (generation == 1 && m->sparse && i % SPARSE_STRIDE)
				usleep(us);
		}
	}
	return NULL;
}

static void write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY);

	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		fail(path);
	close(fd);
}

/*
 * Mark the reboot in the kernel log, which reaches the console before the
 * kexec: the benchmark's blackout starts at this line.
 */
static void log_reboot(void)
{
	static const char line[] = "<6>kho-memfd: reboot(LINUX_REBOOT_CMD_KEXEC)\n";
	int fd = open("/dev/kmsg", O_WRONLY);

	if (fd >= 0 && write(fd, line, sizeof(line) - 1) < 0)
		perror("/dev/kmsg");
	if (fd >= 0)
		close(fd);
}

/*
 * Keep writing to the first memfd, activate KHO, load the next kernel and
 * reboot into it while the writer runs.
 */
static void kexec_while_writing(const char *kernel, const char *initrd,
				const char *cmdline)
{
	int kernel_fd, initrd_fd;
	uint64_t at_activation;
	pthread_t thread;
	char *line;
	double start;

	if (nr_memfds && (memfds[0].seals & F_SEAL_WRITE ||
			  memfds[0].size < page_size)) {
		printf("FAIL the first memfd is written to: at least a page, not ,ro\n");
		exit(2);
	}
	if (nr_memfds && pthread_create(&thread, NULL, writer, &memfds[0]))
		fail("pthread_create");
	while (nr_memfds && generation < 2)
		usleep(1000);
	start = now();
	write_file("/sys/kernel/kho/active", "1");
	report_time("activate", start);
	at_activation = generation;
	kernel_fd = open(kernel, O_RDONLY);
	initrd_fd = open(initrd, O_RDONLY);
	if (kernel_fd < 0 || initrd_fd < 0)
		fail("the kernel or the initrd");
	if (asprintf(&line, "%s kho_expect_gen=%llu", cmdline,
		     (unsigned long long)at_activation) < 0)
		fail("asprintf");
	if (syscall(SYS_kexec_file_load, kernel_fd, initrd_fd,
		    strlen(line) + 1, line, 0UL))
		fail("kexec_file_load");
	/* Proof that the pages were written to while KHO was active. */
	while (nr_memfds && generation < at_activation + 2)
		usleep(1000);
	if (nr_memfds)
		printf("kexec: writer at generation %llu, %llu at activation\n",
		       (unsigned long long)generation,
		       (unsigned long long)at_activation);
	fflush(stdout);
	sync();
	log_reboot();
	reboot(LINUX_REBOOT_CMD_KEXEC);
	fail("reboot(LINUX_REBOOT_CMD_KEXEC)");
}

/*
 * hold, keep writing to the first memfd, and activate and abort KHO @n
 * times: every activation must succeed while folios are written to (and,
 * in a sparse memfd, added).
 */
static void activate_cycles(long n)
{
	long i, failed = 0;
	pthread_t thread;
	double start;
	int fd;

	if (memfds[0].seals & F_SEAL_WRITE) {
		printf("FAIL the first memfd is written to: not ,ro\n");
		exit(2);
	}
	if (pthread_create(&thread, NULL, adding_writer, &memfds[0]))
		fail("pthread_create");
	while (generation < 1)
		usleep(1000);
	start = now();
	for (i = 0; i < n; i++) {
		fd = open("/sys/kernel/kho/active", O_WRONLY);
		if (fd < 0)
			fail("/sys/kernel/kho/active");
		if (write(fd, "1", 1) == 1) {
			write_file("/sys/kernel/kho/active", "0");
		} else {
			printf("activation %ld failed: %s\n", i + 1, strerror(errno));
			failed++;
		}
		close(fd);
	}
	printf("%ld activations and aborts with a writer running (generation %llu): %ld failed, %.1f s\n",
	       n, (unsigned long long)generation, failed, now() - start);
	if (failed)
		exit(1);
}

/* This kernel's kho_expect_gen=, or 0 if it has none. */
static uint64_t expected_generation(void)
{
	char line[4096], *p;
	FILE *f = fopen("/proc/cmdline", "r");

	if (!f || !fgets(line, sizeof(line), f))
		fail("/proc/cmdline");
	fclose(f);
	p = strstr(line, "kho_expect_gen=");
	return p ? strtoull(p + strlen("kho_expect_gen="), NULL, 0) : 0;
}

/* The KernelPageSize, in KiB, of the mapping at @p of this process. */
static long kernel_page_kb(const void *p)
{
	FILE *f = fopen("/proc/self/smaps", "r");
	unsigned long start, end;
	char line[256];
	long kb = -1;
	bool in = false;

	if (!f)
		fail("/proc/self/smaps");
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx ", &start, &end) == 2)
			in = start <= (uintptr_t)p && (uintptr_t)p < end;
		else if (in && sscanf(line, "KernelPageSize: %ld kB", &kb) == 1)
			break;
	}
	fclose(f);
	return kb;
}

/*
 * The physical address of each page of @m, one per line; return how many
 * are in huge folios (KPF_THP, or KPF_HUGE for hugetlb), while @m holds
 * them, and the KernelPageSize of its mapping in *@kb.
 */
static long write_pages(struct vm_memfd *m, const char *path, long *kb)
{
	const unsigned char *p = map(m, PROT_READ);
	FILE *out = fopen(path, "w");
	int pm = open("/proc/self/pagemap", O_RDONLY);
	int kpf = open("/proc/kpageflags", O_RDONLY);
	uint64_t e, pfn, flags;
	long i, huge = 0;

	if (!out || pm < 0 || kpf < 0)
		fail("pagemap");
	for (i = 0; i < (m->size + page_size - 1) / page_size; i++) {
		(void)*(volatile const unsigned char *)(p + i * page_size);
		if (pread(pm, &e, 8, ((uintptr_t)p / page_size + i) * 8) != 8)
			fail("pagemap read");
		pfn = e & ((1ULL << 55) - 1);
		if (pread(kpf, &flags, 8, pfn * 8) != 8)
			fail("/proc/kpageflags read");
		huge += (flags >> 22 | flags >> 17) & 1;  /* KPF_THP, KPF_HUGE */
		fprintf(out, "0x%llx\n", (unsigned long long)(pfn * page_size));
	}
	fclose(out);
	close(pm);
	close(kpf);
	*kb = kernel_page_kb(p);
	munmap((void *)p, m->size);
	return huge;
}

/* The counters of a hugetlb pool, as its sysfs directory gives them. */
struct pool {
	long total, free, resv;
};

static long pool_counter(int shift, const char *name)
{
	char path[96];
	long val = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/kernel/mm/hugepages/hugepages-%ldkB/%s",
		 1L << (shift - 10), name);
	f = fopen(path, "r");
	if (!f || fscanf(f, "%ld", &val) != 1)
		fail(path);
	fclose(f);
	return val;
}

static struct pool pool_read(int shift)
{
	return (struct pool){ pool_counter(shift, "nr_hugepages"),
			      pool_counter(shift, "free_hugepages"),
			      pool_counter(shift, "resv_hugepages") };
}

/* Fail unless the pool of @shift's page size reads as @want. */
static void pool_expect(const char *when, int shift, struct pool want)
{
	struct pool got = pool_read(shift);

	if (got.total == want.total && got.free == want.free &&
	    got.resv == want.resv)
		return;
	printf("FAIL hugetlb pool %s: total %ld, free %ld, reserved %ld; want %ld, %ld, %ld\n",
	       when, got.total, got.free, got.resv, want.total, want.free,
	       want.resv);
	exit(1);
}

/* Huge pages of hugetlb memfds of @shift's page size among memfds[]. */
static long pool_pages(int shift)
{
	long n = 0;
	int i;

	for (i = 0; i < nr_memfds; i++)
		if (memfds[i].huge_shift == shift)
			n += memfds[i].size >> shift;
	return n;
}

/* Is the memfd handed over as @token listed "waiting" by this kernel? */
static bool waiting(uint64_t token)
{
	FILE *f = fopen("/sys/firmware/kho/memfds", "r");
	unsigned long long t;
	char state[16];
	bool found = false;

	if (!f)
		fail("/sys/firmware/kho/memfds");
	while (fscanf(f, "%llx %*s %*s %15s", &t, state) == 2)
		if (t == token && !strcmp(state, "waiting"))
			found = true;
	fclose(f);
	return found;
}

/*
 * RETRIEVE @m with its Nth fault-injection point failing (fail-nth), for
 * N = 1, 2, ... until one succeeds: each failure must be ENOMEM or ENOSPC
 * and leave the memfd waiting; the success gets every byte (which
 * check_memfd() then checks).
 */
static int retrieve_failing(struct vm_memfd *m, struct kho_retrieve_fd *r)
{
	int nth, ret, err, failed = 0;
	char n[16];
	int fd;

	fd = open("/proc/thread-self/fail-nth", O_RDWR);
	if (fd < 0)
		fail("/proc/thread-self/fail-nth");
	for (nth = 1; nth < 10000; nth++) {
		snprintf(n, sizeof(n), "%d", nth);
		if (pwrite(fd, n, strlen(n), 0) < 0)
			fail("fail-nth");
		ret = ioctl(dev, KHO_IOC_RETRIEVE_FD, r);
		err = errno;
		if (pwrite(fd, "0", 1, 0) < 0)
			fail("fail-nth");
		if (!ret)
			break;
		if (err != ENOMEM && err != ENOSPC) {
			errno = err;
			printf("FAIL memfd %#llx: RETRIEVE with failure point %d failing: %s, not ENOMEM or ENOSPC\n",
			       (unsigned long long)m->token, nth, strerror(err));
			exit(1);
		}
		if (!waiting(m->token)) {
			printf("FAIL memfd %#llx: not waiting after a RETRIEVE failed at failure point %d\n",
			       (unsigned long long)m->token, nth);
			exit(1);
		}
		failed++;
	}
	close(fd);
	if (ret)
		fail("KHO_IOC_RETRIEVE_FD never succeeded");
	/* A RETRIEVE that nothing could fail proves nothing here. */
	if (!failed) {
		printf("FAIL memfd %#llx: no failure was injected into RETRIEVE\n",
		       (unsigned long long)m->token);
		exit(1);
	}
	printf("memfd %#llx: RETRIEVE failed at each of its first %d failure points, the memfd still waiting, then succeeded\n",
	       (unsigned long long)m->token, failed);
	return r->fd;
}

static int retrieve(struct vm_memfd *m)
{
	struct kho_retrieve_fd r = { .size = sizeof(r), .token = m->token };

	if (getenv("KHO_MEMFD_FAULTS"))
		return retrieve_failing(m, &r);
	if (ioctl(dev, KHO_IOC_RETRIEVE_FD, &r))
		fail("KHO_IOC_RETRIEVE_FD");
	return r.fd;
}

static void check_memfd(struct vm_memfd *m, uint64_t expect_gen)
{
	struct kho_retrieve_fd again = { .size = sizeof(again),
					 .token = m->token };
	unsigned char *p, b;
	uint64_t gen;
	struct stat st;
	long n, last;

	if (fstat(m->fd, &st) || st.st_size != m->size) {
		printf("FAIL memfd %#llx: size %lld, want %ld\n",
		       (unsigned long long)m->token, (long long)st.st_size,
		       m->size);
		exit(1);
	}
	if (fcntl(m->fd, F_GET_SEALS) != m->seals) {
		printf("FAIL memfd %#llx: seals %#x, want %#x\n",
		       (unsigned long long)m->token, fcntl(m->fd, F_GET_SEALS),
		       m->seals);
		exit(1);
	}
	if ((st.st_mode & 0777) != (m->seals & F_SEAL_EXEC ? 0666 : 0777)) {
		printf("FAIL memfd %#llx: mode %o\n", (unsigned long long)m->token,
		       st.st_mode & 0777);
		exit(1);
	}
	if (!(fcntl(m->fd, F_GETFD) & FD_CLOEXEC)) {
		printf("FAIL memfd %#llx: not close-on-exec\n",
		       (unsigned long long)m->token);
		exit(1);
	}
	n = differing(m, expect_gen ? &gen : NULL);
	if (n) {
		printf("FAIL memfd %#llx: %ld bytes differ\n",
		       (unsigned long long)m->token, n);
		exit(1);
	}
	if (expect_gen && gen <= expect_gen) {
		printf("FAIL memfd %#llx: written up to generation %llu, not after %llu\n",
		       (unsigned long long)m->token, (unsigned long long)gen,
		       (unsigned long long)expect_gen);
		exit(1);
	}
	if (expect_gen)
		generation = gen;
	if (!ioctl(dev, KHO_IOC_RETRIEVE_FD, &again) || errno != ENOENT) {
		printf("FAIL a second RETRIEVE: %s, want ENOENT\n",
		       strerror(errno));
		exit(1);
	}
	if (m->seals & F_SEAL_WRITE) {
		if (mmap(NULL, m->size, PROT_WRITE, MAP_SHARED, m->fd, 0) !=
		    MAP_FAILED || errno != EPERM) {
			printf("FAIL memfd %#llx: sealed against writes, yet writable\n",
			       (unsigned long long)m->token);
			exit(1);
		}
		return;
	}
	if (m->sparse) {
		/* Writable, and the write lands; no hole is touched. */
		if (pread(m->fd, &b, 1, 0) != 1)
			fail("pread");
		b ^= 0xff;
		if (pwrite(m->fd, &b, 1, 0) != 1 || differing(m, NULL) != 1) {
			printf("FAIL memfd %#llx: a write is lost\n",
			       (unsigned long long)m->token);
			exit(1);
		}
		b ^= 0xff;
		if (pwrite(m->fd, &b, 1, 0) != 1)
			fail("pwrite");
		return;
	}
	/* Writable, and the write lands in the file, where it is checked. */
	last = touch_only() ? 8 : m->size - 1;
	p = map(m, PROT_READ | PROT_WRITE);
	p[last] ^= 0xff;
	munmap(p, m->size);
	if (differing(m, expect_gen ? &gen : NULL) != 1) {
		printf("FAIL memfd %#llx: a write through a mapping is lost\n",
		       (unsigned long long)m->token);
		exit(1);
	}
	p = map(m, PROT_READ | PROT_WRITE);
	p[last] ^= 0xff;
	munmap(p, m->size);
}

/* The bad input of the incoming side, before anything is retrieved. */
static void bad_retrieve(void)
{
	struct kho_retrieve_fd r = { .size = sizeof(r), .token = 0x99999 };
	struct kho_finish f = { .size = sizeof(f) + 4 };
	int n = 0;

	n += expect_errno("RETRIEVE of an unknown token",
			  ioctl(dev, KHO_IOC_RETRIEVE_FD, &r), ENOENT);
	r.size = sizeof(r) - 4;
	r.token = TOKEN;
	n += expect_errno("RETRIEVE with a short struct",
			  ioctl(dev, KHO_IOC_RETRIEVE_FD, &r), EINVAL);
	n += expect_errno("FINISH with a long struct",
			  ioctl(dev, KHO_IOC_FINISH, &f), EINVAL);
	if (n)
		exit(1);
}

static void retrieve_all(int argc, char **argv)
{
	const char *pages = NULL, *kernel = NULL, *initrd = NULL;
	const char *cmdline = NULL;
	struct kho_finish f = { .size = sizeof(f) };
	uint64_t expect_gen = expected_generation();
	int i, shift;
	struct pool pool = { 0 };
	long huge = 0, kb = 0;
	double start;

	while (argc > 1 && argv[0][0] == '-') {
		if (!strcmp(argv[0], "-p")) {
			pages = argv[1];
			argc -= 2;
			argv += 2;
		} else if (!strcmp(argv[0], "-r") && argc > 3) {
			kernel = argv[1];
			initrd = argv[2];
			cmdline = argv[3];
			argc -= 4;
			argv += 4;
		} else {
			exit(2);
		}
	}
	parse_sizes(argv, argc);
	bad_retrieve();
	shift = memfds[0].huge_shift;
	/*
	 * A hugetlb memfd's pages join its pool at RETRIEVE, in use, and its
	 * mappings reserve nothing for them.
	 */
	if (shift)
		pool = pool_read(shift);
	start = now();
	for (i = 0; i < nr_memfds; i++)
		memfds[i].fd = retrieve(&memfds[i]);
	report_time("retrieve", start);
	start = now();
	for (i = 0; i < nr_memfds; i++)
		check_memfd(&memfds[i], i ? 0 : expect_gen);
	report_time("check", start);
	if (shift)
		pool_expect("after RETRIEVE", shift,
			    (struct pool){ pool.total + pool_pages(shift),
					   pool.free, pool.resv });
	if (pages)
		huge = write_pages(&memfds[0], pages, &kb);
	printf("retrieved: %d memfds, sizes and seals kept, every byte intact",
	       nr_memfds);
	if (pages)
		printf("; %ld pages of the first in huge folios, mapped in %ld kB pages",
		       huge, kb);
	if (expect_gen)
		printf("; the first written up to generation %llu",
		       (unsigned long long)generation);
	if (shift)
		printf("; hugetlb pool %ld -> %ld pages, %ld free, %ld reserved",
		       pool.total, pool.total + pool_pages(shift), pool.free,
		       pool.resv);
	printf("\n");
	if (kernel) {
		for (i = 0; i < nr_memfds; i++)
			preserve(&memfds[i]);
		kexec_while_writing(kernel, initrd, cmdline);
	}
	for (i = 0; i < nr_memfds; i++)
		close(memfds[i].fd);
	if (ioctl(dev, KHO_IOC_FINISH, &f))
		fail("KHO_IOC_FINISH");
	/* Closed, their huge pages are free pages of the pool. */
	if (shift)
		pool_expect("after close and FINISH", shift,
			    (struct pool){ pool.total + pool_pages(shift),
					   pool.free + pool_pages(shift),
					   pool.resv });
}

/*
 * The physical address of each hugetlb page of the kernel, free or not,
 * one per line (KPF_HUGE and KPF_COMPOUND_HEAD in /proc/kpageflags).
 */
static void hugetlb_heads(void)
{
	int kpf = open("/proc/kpageflags", O_RDONLY);
	uint64_t flags[512];
	ssize_t got;
	off_t pfn = 0;
	int i;

	if (kpf < 0)
		fail("/proc/kpageflags");
	while ((got = pread(kpf, flags, sizeof(flags), pfn * 8)) > 0) {
		for (i = 0; i < got / 8; i++)
			if ((flags[i] >> 17 & 1) && (flags[i] >> 15 & 1))
				printf("0x%llx\n", (unsigned long long)
				       (pfn + i) * page_size);
		pfn += got / 8;
	}
	close(kpf);
}

/*
 * More memfds than /sys/kernel/kho/memfds has room for in its page: it lists
 * what fits and ends with "... N more".
 */
static void many_memfds(void)
{
	struct kho_preserve_fd p = { .size = sizeof(p) };
	int i, lines = 0, more = -1, nr = 300;
	char line[128];
	FILE *f;

	for (i = 0; i < nr; i++) {
		p.fd = memfd_create("many", 0);
		p.token = 0x1000 + i;
		if (p.fd < 0 || ftruncate(p.fd, 4096) ||
		    ioctl(dev, KHO_IOC_PRESERVE_FD, &p))
			fail("preserving many memfds");
	}
	f = fopen("/sys/kernel/kho/memfds", "r");
	if (!f)
		fail("/sys/kernel/kho/memfds");
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "... %d more", &more) == 1)
			break;
		lines++;
	}
	fclose(f);
	if (more <= 0 || lines + more != nr) {
		printf("FAIL /sys/kernel/kho/memfds with %d memfds: %d lines, then %d more\n",
		       nr, lines, more);
		exit(1);
	}
}

/*
 * A hugetlb memfd is preserved, its size and seals frozen as a shmem one's;
 * a file of a mounted hugetlbfs is not a memfd.
 */
static int bad_hugetlb(void)
{
	struct kho_preserve_fd p = { .size = sizeof(p), .token = 0x77 };
	struct kho_unpreserve_fd u = { .size = sizeof(u), .token = 0x77 };
	long huge = 2 << 20;
	int n = 0;

	p.fd = memfd_create("huge", MFD_HUGETLB | MFD_ALLOW_SEALING);
	if (p.fd < 0 || ftruncate(p.fd, 2 * huge))
		fail("memfd_create(MFD_HUGETLB)");
	if (ioctl(dev, KHO_IOC_PRESERVE_FD, &p))
		fail("KHO_IOC_PRESERVE_FD of a hugetlb memfd");
	n += expect_errno("ftruncate of a preserved hugetlb memfd",
			  ftruncate(p.fd, huge), EBUSY);
	n += expect_errno("a hole in a preserved hugetlb memfd",
			  fallocate(p.fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
				    0, huge), EBUSY);
	n += expect_errno("fallocate past the end of a hugetlb memfd",
			  fallocate(p.fd, 0, 0, 4 * huge), EBUSY);
	n += expect_errno("F_ADD_SEALS to a preserved hugetlb memfd",
			  fcntl(p.fd, F_ADD_SEALS, F_SEAL_GROW), EBUSY);
	if (ioctl(dev, KHO_IOC_UNPRESERVE_FD, &u))
		fail("KHO_IOC_UNPRESERVE_FD of a hugetlb memfd");
	if (ftruncate(p.fd, huge) || fcntl(p.fd, F_ADD_SEALS, F_SEAL_GROW))
		fail("ftruncate and F_ADD_SEALS once unpreserved");
	close(p.fd);

	if ((mkdir("/tmp/hugetlbfs", 0700) && errno != EEXIST) ||
	    mount("none", "/tmp/hugetlbfs", "hugetlbfs", 0, NULL))
		fail("mount hugetlbfs");
	p.fd = open("/tmp/hugetlbfs/file", O_RDWR | O_CREAT, 0600);
	if (p.fd < 0)
		fail("a file of hugetlbfs");
	n += expect_errno("a file of a mounted hugetlbfs",
			  ioctl(dev, KHO_IOC_PRESERVE_FD, &p), EINVAL);
	close(p.fd);
	umount("/tmp/hugetlbfs");
	return n;
}

static void bad(void)
{
	struct kho_preserve_fd p = { .size = sizeof(p), .token = TOKEN };
	struct kho_unpreserve_fd u = { .size = sizeof(u), .token = 0x99 };
	int mfd, pipefd[2], file, n = 0;

	mfd = memfd_create("vm", 0);
	if (mfd < 0 || ftruncate(mfd, 1 << 20) || pipe(pipefd))
		fail("setup");
	file = open("/init", O_RDONLY);
	p.fd = mfd;
	if (ioctl(dev, KHO_IOC_PRESERVE_FD, &p))
		fail("KHO_IOC_PRESERVE_FD");
	n += expect_errno("the same token again", ioctl(dev, KHO_IOC_PRESERVE_FD, &p), EEXIST);
	p.token = TOKEN + 1;
	n += expect_errno("the same memfd again", ioctl(dev, KHO_IOC_PRESERVE_FD, &p), EEXIST);
	p.fd = pipefd[0];
	n += expect_errno("a pipe", ioctl(dev, KHO_IOC_PRESERVE_FD, &p), EINVAL);
	p.fd = file;
	n += expect_errno("a file of the rootfs", ioctl(dev, KHO_IOC_PRESERVE_FD, &p), EINVAL);
	n += bad_hugetlb();
	p.fd = 999;
	n += expect_errno("a closed fd", ioctl(dev, KHO_IOC_PRESERVE_FD, &p), EBADF);
	p.size = sizeof(p) - 4;
	n += expect_errno("a short struct", ioctl(dev, KHO_IOC_PRESERVE_FD, &p), EINVAL);
	u.reserved = 1;
	n += expect_errno("a nonzero reserved field", ioctl(dev, KHO_IOC_UNPRESERVE_FD, &u), EINVAL);
	u.reserved = 0;
	n += expect_errno("an unknown token", ioctl(dev, KHO_IOC_UNPRESERVE_FD, &u), ENOENT);
	n += expect_errno("ftruncate of a preserved memfd", ftruncate(mfd, 2 << 20), EBUSY);
	n += expect_errno("a hole in a preserved memfd",
			  fallocate(mfd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, 4096), EBUSY);
	n += expect_errno("fallocate past the end", fallocate(mfd, 0, 0, 2 << 20), EBUSY);
	n += expect_errno("a write past the end", pwrite(mfd, "x", 1, 1 << 20), EBUSY);
	if (ftruncate(mfd, 1 << 20))
		n += expect_errno("ftruncate to the same size", -1, 0);
	u.token = TOKEN;
	if (ioctl(dev, KHO_IOC_UNPRESERVE_FD, &u))
		fail("KHO_IOC_UNPRESERVE_FD");
	if (ftruncate(mfd, 2 << 20))
		fail("ftruncate once unpreserved");
	if (n)
		exit(1);
	many_memfds();
	printf("bad input: every errno as expected\n");
}

/* PRESERVE and UNPRESERVE while KHO is active, then after the abort. */
static void bad_while_active(void)
{
	struct kho_preserve_fd p = { .size = sizeof(p), .token = TOKEN + 1 };
	struct kho_unpreserve_fd u = { .size = sizeof(u), .token = TOKEN };
	char *size = "1M";
	int n = 0;

	parse_sizes(&size, 1);
	hold();
	p.fd = memfd_create("late", 0);
	if (p.fd < 0 || ftruncate(p.fd, 4096))
		fail("memfd");
	write_file("/sys/kernel/kho/active", "1");
	n += expect_errno("F_ADD_SEALS of a preserved memfd",
			  fcntl(memfds[0].fd, F_ADD_SEALS, F_SEAL_WRITE), EBUSY);
	n += expect_errno("PRESERVE while KHO is active",
			  ioctl(dev, KHO_IOC_PRESERVE_FD, &p), EBUSY);
	n += expect_errno("UNPRESERVE while KHO is active",
			  ioctl(dev, KHO_IOC_UNPRESERVE_FD, &u), EBUSY);
	n += expect_errno("a hole while KHO is active",
			  fallocate(memfds[0].fd, FALLOC_FL_PUNCH_HOLE |
				    FALLOC_FL_KEEP_SIZE, 0, 4096), EBUSY);
	write_file("/sys/kernel/kho/active", "0");
	if (ioctl(dev, KHO_IOC_UNPRESERVE_FD, &u))
		fail("UNPRESERVE once KHO is aborted");
	if (ioctl(dev, KHO_IOC_PRESERVE_FD, &p))
		fail("PRESERVE once KHO is aborted");
	if (n)
		exit(1);
	printf("while KHO is active: F_ADD_SEALS, PRESERVE, UNPRESERVE and a hole get EBUSY\n");
}

static void finish(void)
{
	struct kho_finish f = { .size = sizeof(f) };

	if (ioctl(dev, KHO_IOC_FINISH, &f))
		fail("KHO_IOC_FINISH");
}

/* Of the pages of the "ADDRESS LENGTH" lines read, how many are reserved. */
static void count_reserved(void)
{
	unsigned long long addr, len, pfn, end, flags, pages = 0, reserved = 0;
	int fd = open("/proc/kpageflags", O_RDONLY);

	if (fd < 0)
		fail("/proc/kpageflags");
	while (scanf("%llx %llx", &addr, &len) == 2) {
		end = (addr + len + page_size - 1) / page_size;
		for (pfn = addr / page_size; pfn < end; pfn++) {
			if (pread(fd, &flags, 8, pfn * 8) != 8)
				fail("/proc/kpageflags read");
			reserved += flags >> 32 & 1;	/* KPF_RESERVED */
			pages++;
		}
	}
	printf("%llu of %llu pages reserved\n", reserved, pages);
}

static void count_runs(void)
{
	unsigned long long addr, len, end = ~0ULL, runs = 0;

	while (scanf("%llx %llx", &addr, &len) == 2) {
		runs += addr != end;
		end = addr + len;
	}
	printf("%llu\n", runs);
}

static void copy(const char *size)
{
	long chunk, done;
	char *src, *dst;
	double start;

	parse_sizes((char **)&size, 1);
	chunk = memfds[0].size < (1L << 30) ? memfds[0].size : 1L << 30;
	src = malloc(chunk);
	dst = malloc(chunk);
	if (!src || !dst)
		fail("malloc");
	/* Fault both in first: the copy alone is timed. */
	memset(src, 1, chunk);
	memset(dst, 2, chunk);
	start = now();
	for (done = 0; done < memfds[0].size; done += chunk)
		memcpy(dst, src, chunk < memfds[0].size - done ?
				 chunk : memfds[0].size - done);
	printf("copy %ld %.6f\n", memfds[0].size, now() - start);
	/* Read the copy, so that it cannot be left out. */
	if (dst[chunk - 1] != 1)
		fail("memcpy");
}

int main(int argc, char **argv)
{
	page_size = sysconf(_SC_PAGESIZE);
	dev = open("/dev/kho", O_RDWR);
	if (dev < 0)
		fail("/dev/kho");
	if (argc >= 3 && !strcmp(argv[1], "hold")) {
		parse_sizes(argv + 2, argc - 2);
		hold();
		wait_forever("ready");
	} else if (argc >= 5 && !strcmp(argv[1], "kexec")) {
		parse_sizes(argv + 5, argc - 5);
		hold();
		kexec_while_writing(argv[2], argv[3], argv[4]);
	} else if (argc >= 4 && !strcmp(argv[1], "cycles")) {
		parse_sizes(argv + 3, argc - 3);
		hold();
		activate_cycles(strtol(argv[2], NULL, 0));
	} else if (argc >= 3 && !strcmp(argv[1], "retrieve")) {
		retrieve_all(argc - 2, argv + 2);
	} else if (argc == 2 && !strcmp(argv[1], "bad")) {
		bad();
	} else if (argc == 2 && !strcmp(argv[1], "bad-active")) {
		bad_while_active();
	} else if (argc == 2 && !strcmp(argv[1], "finish")) {
		finish();
	} else if (argc == 2 && !strcmp(argv[1], "reserved")) {
		count_reserved();
	} else if (argc == 2 && !strcmp(argv[1], "runs")) {
		count_runs();
	} else if (argc == 2 && !strcmp(argv[1], "hugetlb-heads")) {
		hugetlb_heads();
	} else if (argc == 3 && !strcmp(argv[1], "copy")) {
		copy(argv[2]);
	} else {
		return 2;
	}
	return 0;
}
