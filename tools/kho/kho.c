// SPDX-License-Identifier: GPL-2.0
/*
 * kho: look at and drive Kexec HandOver from user space.
 *
 *   kho status [--incoming]      what this kernel hands over and, in a KHO
 *                                boot, what it was handed and what became of it
 *   kho dt [--incoming] [--totals] [FILE]
 *                                the KHO DT as text, "mem" decoded
 *   kho activate | abort         write /sys/kernel/kho/active, errno in words
 *
 * KHO DT properties are native-endian (the "mem" property is an array of
 * { u64 addr; u64 len; }), which dtc shows as byte-swapped big-endian cells;
 * this tool reads them as the kernel wrote them. Every offset of the blob is
 * checked before it is used: a damaged DT gets one line saying where.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define KHO_OUT_DT	"/sys/kernel/kho/dt"
#define KHO_IN_DT	"/sys/firmware/kho/dt"
#define KHO_ACTIVE	"/sys/kernel/kho/active"
#define KHO_DIR		"/sys/kernel/kho/"
#define KHO_IN_DIR	"/sys/firmware/kho/"
#define KPAGEFLAGS	"/proc/kpageflags"
#define KPF_RESERVED	32

#define FDT_MAGIC	0xd00dfeedU
#define FDT_BEGIN_NODE	1
#define FDT_END_NODE	2
#define FDT_PROP	3
#define FDT_NOP		4
#define FDT_END		9

struct kho_mem {
	uint64_t addr;
	uint64_t len;
};

struct blob {
	const unsigned char *data;
	size_t size;
	uint32_t off_struct, size_struct, off_strings, size_strings;
};

/* How print_dt() shows the DT. */
enum dt_view {
	DT_FULL,	/* every property, every "mem" entry */
	DT_TOTALS,	/* every property, "mem" as a count and a total */
	DT_NODES,	/* one line per node under the root */
};

/* A node under the root, as DT_NODES shows it. */
struct node_summary {
	char name[64];
	char compatible[64];
	uint64_t entries, bytes;
	uint64_t reserved;	/* bytes of pages still PG_reserved */
	struct kho_mem *mem;	/* its entries, while /proc/kpageflags is read */
	size_t nr_mem, max_mem;
};

/* /proc/kpageflags while the incoming DT is summed up, else -1. */
static int kpageflags = -1;
static long page_size;

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static void die(const char *what)
{
	fprintf(stderr, "kho: %s\n", what);
	exit(1);
}

/* Read all of @path; the sysfs files do not know their size in advance. */
static unsigned char *read_file(const char *path, size_t *size)
{
	size_t cap = 1 << 16, n = 0;
	unsigned char *buf = malloc(cap);
	ssize_t r;
	int fd;

	fd = open(path, O_RDONLY);
	if (fd < 0) {
		fprintf(stderr, "kho: %s: %s%s\n", path, strerror(errno),
			errno == ENOENT && !strcmp(path, KHO_OUT_DT) ?
			" (KHO is not active)" :
			errno == ENOENT && !strcmp(path, KHO_IN_DT) ?
			" (this kernel was not booted with a handover)" : "");
		exit(1);
	}
	while (buf) {
		if (n == cap)
			buf = realloc(buf, cap *= 2);
		if (!buf)
			break;
		r = read(fd, buf + n, cap - n);
		if (r < 0) {
			fprintf(stderr, "kho: %s: %s\n", path, strerror(errno));
			exit(1);
		}
		if (!r)
			break;
		n += r;
	}
	if (!buf)
		die("out of memory");
	close(fd);
	*size = n;
	return buf;
}

static void check_header(struct blob *b)
{
	const unsigned char *h = b->data;

	if (b->size < 40 || be32(h) != FDT_MAGIC)
		die("not a flattened device tree");
	if (be32(h + 4) > b->size)
		die("the DT is larger than the file");
	b->size = be32(h + 4);
	b->off_struct = be32(h + 8);
	b->off_strings = be32(h + 12);
	b->size_strings = be32(h + 32);
	b->size_struct = be32(h + 36);
	if (b->off_struct > b->size || b->size_struct > b->size - b->off_struct ||
	    b->off_strings > b->size ||
	    b->size_strings > b->size - b->off_strings)
		die("the DT's blocks lie outside it");
}

static void indent(int depth)
{
	while (depth-- > 0)
		putchar('\t');
}

/* Is @v a list of nonempty printable strings? */
static int printable(const unsigned char *v, uint32_t len)
{
	uint32_t i;

	if (!len || !v[0] || v[len - 1])
		return 0;
	for (i = 0; i + 1 < len; i++) {
		if (!v[i] ? !v[i + 1] : v[i] < 0x20 || v[i] > 0x7e)
			return 0;
	}
	return 1;
}

/* The bytes of [@addr, @end) in pages that are still PG_reserved. */
static uint64_t reserved_bytes(uint64_t addr, uint64_t end)
{
	uint64_t flags[512], pfn = addr / page_size, n = 0;
	size_t chunk, i;

	end = end / page_size + !!(end % page_size);
	/* Past the last page frame, the file ends: so does the count. */
	while (pfn < end) {
		chunk = end - pfn < 512 ? end - pfn : 512;
		if (pread(kpageflags, flags, chunk * 8, pfn * 8) !=
		    (ssize_t)(chunk * 8))
			break;
		for (i = 0; i < chunk; i++)
			n += flags[i] >> KPF_RESERVED & 1;
		pfn += chunk;
	}
	return n * page_size;
}

/* Add the "mem" property @v of @len bytes to @sum. */
static void count_mem(const unsigned char *v, uint32_t len,
		      struct node_summary *sum)
{
	struct kho_mem m;
	uint32_t i;

	for (i = 0; i + sizeof(m) <= len; i += sizeof(m)) {
		memcpy(&m, v + i, sizeof(m));
		sum->entries++;
		sum->bytes += m.len;
		if (kpageflags < 0 || !m.len)
			continue;
		if (sum->nr_mem == sum->max_mem) {
			sum->max_mem = sum->max_mem ? 2 * sum->max_mem : 64;
			sum->mem = realloc(sum->mem,
					   sum->max_mem * sizeof(*sum->mem));
			if (!sum->mem)
				die("out of memory");
		}
		sum->mem[sum->nr_mem++] = m;
	}
}

/*
 * Add the "kho-pages" property @v of @len bytes to @sum: pages the node
 * hands over outside "mem" entries (a memfd's folios and file map), which
 * the DT does not say where they are.
 */
static void count_pages(const unsigned char *v, uint32_t len,
			struct node_summary *sum)
{
	uint64_t pages;

	if (len != sizeof(pages))
		return;
	memcpy(&pages, v, sizeof(pages));
	sum->bytes += pages * page_size;
}

/* The end of @m, UINT64_MAX if it wraps. */
static uint64_t mem_end(const struct kho_mem *m)
{
	return m->addr + m->len < m->addr ? UINT64_MAX : m->addr + m->len;
}

static int by_addr(const void *a, const void *b)
{
	const struct kho_mem *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/*
 * The bytes of @sum's entries still reserved, each page once however the
 * entries overlap: sorted and merged first, so that a damaged DT costs
 * O(n log n) plus the pages it names, not the sum of its lengths.
 */
static void count_reserved(struct node_summary *sum)
{
	uint64_t start, end;
	size_t i;

	qsort(sum->mem, sum->nr_mem, sizeof(*sum->mem), by_addr);
	for (i = 0; i < sum->nr_mem; ) {
		start = sum->mem[i].addr;
		end = mem_end(&sum->mem[i]);
		while (++i < sum->nr_mem && sum->mem[i].addr <= end) {
			if (mem_end(&sum->mem[i]) > end)
				end = mem_end(&sum->mem[i]);
		}
		sum->reserved += reserved_bytes(start, end);
	}
	sum->nr_mem = 0;
}

/*
 * Print one property; add the bytes of a "mem" property, or of the pages
 * a "kho-pages" property counts, to *@bytes.
 */
static void print_prop(const char *name, const unsigned char *v, uint32_t len,
		       int depth, enum dt_view view, uint64_t *bytes)
{
	struct kho_mem m;
	uint64_t u;
	uint32_t i;

	if (!strcmp(name, "kho-pages") && len == sizeof(u)) {
		memcpy(&u, v, sizeof(u));
		*bytes += u * page_size;
	}

	indent(depth);
	if (!strcmp(name, "mem")) {
		if (len % sizeof(m)) {
			printf("mem = <%u bytes, not whole entries>;\n", len);
			return;
		}
		for (i = 0; i < len; i += sizeof(m)) {
			memcpy(&m, v + i, sizeof(m));
			*bytes += m.len;
		}
		printf("mem = %zu %s;\n", len / sizeof(m),
		       len == sizeof(m) ? "entry" : "entries");
		for (i = 0; view == DT_FULL && i < len; i += sizeof(m)) {
			memcpy(&m, v + i, sizeof(m));
			indent(depth + 1);
			printf("0x%016llx +0x%llx\n", (unsigned long long)m.addr,
			       (unsigned long long)m.len);
		}
		return;
	}
	if (printable(v, len)) {
		printf("%s = \"", name);
		for (i = 0; i + 1 < len; i++) {
			if (v[i])
				putchar(v[i]);
			else
				fputs("\", \"", stdout);
		}
		printf("\";\n");
	} else if (len == 8) {
		memcpy(&u, v, 8);
		printf("%s = 0x%llx;\n", name, (unsigned long long)u);
	} else if (len == 4) {
		uint32_t w;

		memcpy(&w, v, 4);
		printf("%s = 0x%x;\n", name, w);
	} else {
		printf("%s = [", name);
		for (i = 0; i < len; i++)
			printf("%s%02x", i ? " " : "", v[i]);
		printf("];\n");
	}
}

/* @bytes as a short human figure: "512 B", "1.5 MiB", ... */
static const char *human(uint64_t bytes)
{
	static const char *const unit[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	static char buf[4][32];
	static int next;
	char *out = buf[next++ % 4];
	double v = bytes;
	int u = 0;

	while (v >= 1024 && u < 4) {
		v /= 1024;
		u++;
	}
	snprintf(out, sizeof(buf[0]), u ? "%.1f %s" : "%.0f %s", v, unit[u]);
	return out;
}

static void print_node(const struct node_summary *sum)
{
	printf("    %-24s %-16s %6llu %-7s %10s", sum->name,
	       sum->compatible[0] ? sum->compatible : "-",
	       (unsigned long long)sum->entries,
	       sum->entries == 1 ? "entry" : "entries", human(sum->bytes));
	if (kpageflags >= 0)
		printf("  %10s still reserved", human(sum->reserved));
	printf("\n");
}

/*
 * Walk the structure block once. Each node ends with the bytes its "mem"
 * entries hand over, its subnodes' included. DT_NODES prints one line per
 * node under the root instead, and returns their number.
 */
static int print_dt(const struct blob *b, enum dt_view view)
{
	const unsigned char *s = b->data + b->off_struct;
	uint64_t bytes[64] = { 0 };
	uint32_t off = 0, tag, len, nameoff;
	struct node_summary sum = { 0 };
	const char *name;
	int depth = 0, nodes = 0;
	size_t n;

	for (;;) {
		if (off + 4 > b->size_struct)
			die("the DT's structure block ends before FDT_END");
		tag = be32(s + off);
		off += 4;
		switch (tag) {
		case FDT_BEGIN_NODE:
			n = strnlen((const char *)s + off, b->size_struct - off);
			if (off + n >= b->size_struct)
				die("a node name runs past the structure block");
			if (depth == 63)
				die("the DT nests too deep");
			if (view == DT_NODES && depth == 1) {
				free(sum.mem);
				memset(&sum, 0, sizeof(sum));
				snprintf(sum.name, sizeof(sum.name), "%s", s + off);
			} else if (view != DT_NODES) {
				indent(depth);
				printf("%s {\n", depth ? (const char *)s + off : "/");
			}
			bytes[++depth] = 0;
			off += (n + 4) & ~3U;
			break;
		case FDT_END_NODE:
			if (!depth)
				die("a node ends that never began");
			if (view == DT_NODES) {
				if (depth-- == 2) {
					count_reserved(&sum);
					print_node(&sum);
					nodes++;
				}
				break;
			}
			if (bytes[depth]) {
				indent(depth);
				printf("/* hands over %llu bytes */\n",
				       (unsigned long long)bytes[depth]);
			}
			bytes[depth - 1] += bytes[depth];
			indent(--depth);
			printf("};\n");
			break;
		case FDT_PROP:
			if (!depth || off + 8 > b->size_struct)
				die("a property lies outside a node or the block");
			len = be32(s + off);
			nameoff = be32(s + off + 4);
			off += 8;
			if (len > b->size_struct - off)
				die("a property runs past the structure block");
			if (nameoff >= b->size_strings ||
			    !memchr(b->data + b->off_strings + nameoff, 0,
				    b->size_strings - nameoff))
				die("a property name lies outside the strings block");
			name = (const char *)b->data + b->off_strings + nameoff;
			if (view != DT_NODES)
				print_prop(name, s + off, len, depth, view,
					   &bytes[depth]);
			else if (depth >= 2 && !strcmp(name, "mem"))
				count_mem(s + off, len, &sum);
			else if (depth >= 2 && !strcmp(name, "kho-pages"))
				count_pages(s + off, len, &sum);
			else if (depth == 2 && !strcmp(name, "compatible") &&
				 printable(s + off, len))
				snprintf(sum.compatible, sizeof(sum.compatible),
					 "%s", s + off);
			off += (len + 3) & ~3U;
			break;
		case FDT_NOP:
			break;
		case FDT_END:
			if (depth)
				die("the DT ends inside a node");
			free(sum.mem);
			return nodes;
		default:
			die("the DT has an unknown tag");
		}
	}
}

static int cmd_dt(int argc, char **argv)
{
	enum dt_view view = DT_FULL;
	const char *path = KHO_OUT_DT;
	struct blob b = { 0 };
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--incoming"))
			path = KHO_IN_DT;
		else if (!strcmp(argv[i], "--totals"))
			view = DT_TOTALS;
		else if (argv[i][0] == '-')
			die("usage: kho dt [--incoming] [--totals] [FILE]");
		else
			path = argv[i];
	}
	b.data = read_file(path, &b.size);
	check_header(&b);
	print_dt(&b, view);
	free((void *)b.data);
	return 0;
}

/* The first line of sysfs file @path, without its newline; NULL if none. */
static char *read_line(const char *path)
{
	static char line[256];
	FILE *f = fopen(path, "r");
	char *ok;

	if (!f)
		return NULL;
	ok = fgets(line, sizeof(line), f);
	fclose(f);
	if (!ok)
		return NULL;
	line[strcspn(line, "\n")] = 0;
	return line;
}

/* Print each line of the memfds file @path, indented; return their number. */
static int print_memfds(const char *path)
{
	unsigned long long token, size, pages;
	char line[256], state[32];
	FILE *f = fopen(path, "r");
	int n = 0, fields;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		fields = sscanf(line, "%llx %llu %llu %31s", &token, &size,
				&pages, state);
		if (fields < 3)
			continue;
		printf("    token %#-18llx %14llu bytes %10llu pages%s%s\n",
		       token, size, pages, fields == 4 ? " " : "",
		       fields == 4 ? state : "");
		n++;
	}
	fclose(f);
	return n;
}

/* The DT at @path, one line per node; "none" if it has none. */
static void print_nodes(const char *path)
{
	struct blob b = { 0 };

	b.data = read_file(path, &b.size);
	check_header(&b);
	printf("  DT         %zu bytes\n", b.size);
	printf("  nodes:\n");
	if (!print_dt(&b, DT_NODES))
		printf("    none\n");
	free((void *)b.data);
}

static void status_outgoing(void)
{
	unsigned long long phys, len, dt_max;
	char *v;

	v = read_line(KHO_DIR "active");
	if (!v) {
		fprintf(stderr, "kho: %sactive: %s\n", KHO_DIR,
			errno == ENOENT ? "this kernel has no KHO" :
			strerror(errno));
		exit(1);
	}
	printf("outgoing (this kernel):\n  active     %s\n",
	       strcmp(v, "1") ? "no" : "yes");
	phys = strtoull(read_line(KHO_DIR "scratch_phys") ?: "0", NULL, 0);
	len = strtoull(read_line(KHO_DIR "scratch_len") ?: "0", NULL, 0);
	dt_max = strtoull(read_line(KHO_DIR "dt_max") ?: "0", NULL, 0);
	if (len)
		printf("  scratch    0x%016llx +0x%llx (%s)\n", phys, len,
		       human(len));
	else
		printf("  scratch    none (boot with kho_scratch=<size>)\n");
	printf("  dt_max     %llu bytes\n", dt_max);
	if (access(KHO_OUT_DT, R_OK))
		printf("  DT         none until activation\n");
	else
		print_nodes(KHO_OUT_DT);
	printf("  memfds preserved:\n");
	if (print_memfds(KHO_DIR "memfds") <= 0)
		printf("    none\n");
}

static void status_incoming(void)
{
	if (access(KHO_IN_DT, R_OK)) {
		printf("incoming: none (this kernel was not booted with a handover)\n");
		return;
	}
	printf("incoming (handed to this kernel):\n");
	kpageflags = open(KPAGEFLAGS, O_RDONLY);
	print_nodes(KHO_IN_DT);
	if (kpageflags >= 0)
		close(kpageflags);
	kpageflags = -1;
	printf("  memfds handed over:\n");
	if (print_memfds(KHO_IN_DIR "memfds") <= 0)
		printf("    none\n");
}

static int cmd_status(int argc, char **argv)
{
	int incoming_only = argc == 2 && !strcmp(argv[1], "--incoming");

	if (argc > 1 && !incoming_only)
		die("usage: kho status [--incoming]");
	if (!incoming_only)
		status_outgoing();
	if (incoming_only || !access(KHO_IN_DT, R_OK))
		status_incoming();
	return 0;
}

/* What each errno of a write to /sys/kernel/kho/active means. */
static const char *active_errno(int err)
{
	switch (err) {
	case ENOMEM:
		return "no scratch region: boot with kho_scratch=<size>, or memory ran out";
	case ENOSPC:
		return "the DT outgrew /sys/kernel/kho/dt_max (raise it), or the scratch region is too small for the next kernel (see the kernel log)";
	case EBUSY:
		return "a kexec load or a kexec reboot is under way";
	case EINVAL:
		return "a driver wrote a DT that the next kernel would refuse (see the kernel log)";
	case EACCES:
	case EPERM:
		return "run as root";
	}
	return "see the kernel log";
}

static int cmd_active(const char *value)
{
	int fd, err = 0;

	fd = open(KHO_ACTIVE, O_WRONLY);
	if (fd < 0 || write(fd, value, 1) != 1)
		err = errno;
	if (fd >= 0)
		close(fd);
	if (!err)
		return 0;
	fprintf(stderr, "kho: %s: %s: %s\n", KHO_ACTIVE, strerror(err),
		err == ENOENT ? "this kernel has no KHO" : active_errno(err));
	return 1;
}

int main(int argc, char **argv)
{
	/* The pages a node's "kho-pages" counts, /proc/kpageflags' frames. */
	page_size = sysconf(_SC_PAGESIZE);
	if (argc >= 2 && !strcmp(argv[1], "status"))
		return cmd_status(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "dt"))
		return cmd_dt(argc - 1, argv + 1);
	if (argc == 2 && !strcmp(argv[1], "activate"))
		return cmd_active("1");
	if (argc == 2 && !strcmp(argv[1], "abort"))
		return cmd_active("0");
	fprintf(stderr, "usage: kho status [--incoming]\n"
			"       kho dt [--incoming] [--totals] [FILE]\n"
			"       kho activate | abort\n");
	return 2;
}
