// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for what a kernel reads of a handover without trusting
 * it, built from kernel/kexec_kho_mem.c as it is (see include/).
 *
 * An input is a KHO DT followed by a mem cache: a little-endian u32 gives
 * the DT's length, the DT follows, and the rest is the cache, an array of
 * struct kho_mem. For every input:
 *  - kho_dt_check() refuses the DT with a reason, or libfdt's
 *    fdt_check_full() accepts it too;
 *  - the mem cache built from an accepted DT is refused with a log line, or
 *    is whole pages, sorted, merged, outside scratch, covers the DT and
 *    names only pages the DT names;
 *  - kho_in_check() refuses the given cache with a reason, or the cache is
 *    whole pages, sorted, outside scratch and holds every range of the DT;
 *  - kho_mem_count_users() visits the given cache's ranges in order, each
 *    exactly once, in at most 2n + m runs.
 * A property that does not hold aborts, which libFuzzer reports. With
 * KHO_FUZZ_ACCEPTED set to a directory, every DT that activation accepts
 * (kho_dt_check() and kho_dt_check_unique()) is written there, for dtc to
 * read.
 */

#include <assert.h>
#include <linux/kernel.h>
#include <linux/kexec_handover.h>
#include <libfdt.h>

#include "../../../../kernel/kexec_kho_internal.h"

unsigned long kho_fuzz_log_lines;

/* Debian's libfdt, whose symbols the Makefile renames: the tree has no fdt_check.c. */
int host_fdt_check_full(const void *fdt, size_t bufsize);

/* The scratch region of every input, and what counts as RAM. */
static const struct kho_mem scratch = { 0x80000000, 0x4000000 };
#define RAM_END		(1ULL << 40)

#define check(cond)							\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "property broken: %s (line %d)\n", \
				#cond, __LINE__);			\
			abort();					\
		}							\
	} while (0)

static bool fuzz_is_ram(u64 addr, u64 len)
{
	return addr + len >= addr && addr + len <= RAM_END;
}

/* Entries are whole pages, sorted, disjoint and outside scratch. */
static void check_cache_shape(const struct kho_mem *c, size_t nr, bool merged)
{
	size_t i;

	for (i = 0; i < nr; i++) {
		check(c[i].len && PAGE_ALIGNED(c[i].addr) &&
		      PAGE_ALIGNED(c[i].len));
		check(c[i].addr + c[i].len > c[i].addr);
		check(!kho_mem_overlaps(&c[i], &scratch));
		if (i && merged)
			check(c[i].addr > c[i - 1].addr + c[i - 1].len);
		else if (i)
			check(c[i].addr >= c[i - 1].addr + c[i - 1].len);
	}
}

/* Keep a copy of an accepted DT, named by a hash of its bytes. */
static void save_accepted(const void *fdt, size_t len)
{
	const char *dir = getenv("KHO_FUZZ_ACCEPTED");
	const uint8_t *p = fdt;
	uint64_t hash = 0xcbf29ce484222325ULL;
	char path[4096];
	FILE *f;
	size_t i;

	if (!dir)
		return;
	for (i = 0; i < len; i++)
		hash = (hash ^ p[i]) * 0x100000001b3ULL;
	snprintf(path, sizeof(path), "%s/%016llx.dtb", dir,
		 (unsigned long long)hash);
	f = fopen(path, "wb");
	if (!f)
		return;
	fwrite(fdt, 1, len, f);
	fclose(f);
}

/* Every entry of the DT's "mem" properties, in pages, lies in @c (linear scan). */
static void check_covers_dt(const void *fdt, const struct kho_mem *c,
			    size_t nr)
{
	struct kho_mem_iter it = {};
	struct kho_mem pages;
	size_t i;
	int j;

	while (kho_mem_iter_next(fdt, &it)) {
		for (j = 0; j < it.len / (int)sizeof(pages); j++) {
			check(kho_mem_iter_pages(&it, j, &pages));
			if (!pages.len)
				continue;
			for (i = 0; i < nr; i++)
				if (c[i].addr <= pages.addr &&
				    c[i].addr + c[i].len >= pages.addr + pages.len)
					break;
			check(i < nr);
		}
	}
}

struct runs {
	const struct kho_mem *ranges;
	size_t nr, at;
	u64 next;
	size_t visits;
	bool want_users;
};

/* Runs tile the ranges in order; with @want_users none is unnamed. */
static void visit_run(const struct kho_mem *run, unsigned long users,
		      void *arg)
{
	struct runs *r = arg;

	check(r->at < r->nr);
	if (r->next == r->ranges[r->at].addr + r->ranges[r->at].len) {
		r->at++;
		check(r->at < r->nr);
		r->next = r->ranges[r->at].addr;
	}
	check(run->addr == r->next && run->len);
	check(run->addr + run->len <= r->ranges[r->at].addr +
	      r->ranges[r->at].len);
	if (r->want_users)
		check(users);
	r->next += run->len;
	r->visits++;
}

static void check_count_users(const void *fdt, const struct kho_mem *c,
			      size_t nr, size_t entries, bool want_users)
{
	struct runs r = { c, nr, 0, nr ? c[0].addr : 0, 0, want_users };

	if (kho_mem_count_users(fdt, c, nr, visit_run, &r))
		return;
	if (nr)
		check(r.at == nr - 1 &&
		      r.next == c[nr - 1].addr + c[nr - 1].len);
	check(r.visits <= 2 * entries + nr);
}

/* How many "mem" entries the DT has; -1 if a property is not whole entries. */
static long count_entries(const void *fdt)
{
	struct kho_mem_iter it = {};
	long n = 0;

	while (kho_mem_iter_next(fdt, &it)) {
		if (it.len % sizeof(struct kho_mem))
			return -1;
		n += it.len / sizeof(struct kho_mem);
	}
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kho_mem *cache = NULL, *given;
	size_t dt_len, nr, given_nr;
	unsigned long lines;
	const char *why;
	long entries;
	void *fdt;
	int err;

	if (size < 4)
		return 0;
	dt_len = data[0] | data[1] << 8 | data[2] << 16 | (size_t)data[3] << 24;
	if (dt_len > size - 4)
		dt_len = size - 4;
	/* Own copies, aligned as the kernel's are, sized as given for ASan. */
	fdt = malloc(dt_len ?: 1);
	memcpy(fdt, data + 4, dt_len);
	given_nr = (size - 4 - dt_len) / sizeof(*given);
	given = malloc(given_nr * sizeof(*given) ?: 1);
	memcpy(given, data + 4 + dt_len, given_nr * sizeof(*given));

	why = kho_dt_check(fdt, dt_len);
	if (why) {
		check(*why);
		goto out;
	}
	check(host_fdt_check_full(fdt, dt_len) == 0);
	err = kho_dt_check_unique(fdt);
	check(err == 0 || err == -EINVAL);
	/* What activation accepts. */
	if (!err)
		save_accepted(fdt, fdt_totalsize(fdt));

	entries = count_entries(fdt);
	lines = kho_fuzz_log_lines;
	err = kho_mem_cache_build(fdt, scratch.addr, scratch.len, &cache, &nr);
	if (err) {
		check(err == -EINVAL && kho_fuzz_log_lines > lines);
	} else {
		check(entries >= 0);
		check_cache_shape(cache, nr, true);
		check_covers_dt(fdt, cache, nr);
		check_count_users(fdt, cache, nr, entries, true);
	}

	why = kho_in_check(fdt, dt_len, given, given_nr, &scratch, fuzz_is_ram);
	if (why) {
		check(*why);
	} else {
		check(entries >= 0);
		check_cache_shape(given, given_nr, false);
		check_covers_dt(fdt, given, given_nr);
		check_count_users(fdt, given, given_nr, entries, false);
	}
	free(cache);
out:
	free(given);
	free(fdt);
	return 0;
}
