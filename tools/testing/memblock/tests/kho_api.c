// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What the Kexec HandOver series adds to memblock: the KHO_SCRATCH flag and
 * allocation from scratch memory only, memblock_reserve_kho_mem(), which
 * merges a sorted list of handed-over ranges into memblock.reserved in one
 * pass, and memblock_reserved_make_room(), which moves its array out of
 * the scratch region.
 */
#include "kho_api.h"
#include <string.h>
#include <linux/errno.h>
#include <linux/kexec_handover.h>

#define FUNC_RESERVE_KHO	"memblock_reserve_kho_mem"
#define FUNC_SCRATCH_ONLY	"memblock_set_kho_scratch_only"

/* What the stub of KHO answers when memblock finds the scratch region full. */
static bool exhausted_drops;
static int exhausted_calls;
static phys_addr_t exhausted_start, exhausted_end;

bool kho_scratch_exhausted(phys_addr_t size, phys_addr_t start,
			   phys_addr_t end)
{
	exhausted_calls++;
	exhausted_start = start;
	exhausted_end = end;
	/* Dropping the handover ends scratch-only mode, as KHO does. */
	if (exhausted_drops)
		memblock_set_kho_scratch_only(false);
	return exhausted_drops;
}

/* Empty memblock, able to grow its arrays in the dummy memory. */
static struct memblock_region *growable_setup(void)
{
	struct memblock_region *orig = memblock.reserved.regions;

	reset_memblock_regions();
	memblock_set_bottom_up(false);
	memblock_allow_resize();
	dummy_physical_memory_init();
	return orig;
}

/* The grown array lives in the freed dummy memory: go back to @orig. */
static void growable_cleanup(struct memblock_region *orig)
{
	dummy_physical_memory_cleanup();
	memblock.reserved.regions = orig;
	memblock.reserved.cnt = INIT_MEMBLOCK_RESERVED_REGIONS;
}

static void assert_region(int i, phys_addr_t base, phys_addr_t size,
			  enum memblock_flags flags)
{
	struct memblock_region *r = &memblock.reserved.regions[i];

	ASSERT_EQ(r->base, base);
	ASSERT_EQ(r->size, size);
	ASSERT_EQ(r->flags, flags);
}

/*
 * Ranges below, between and above two reservations: inserted in address
 * order, flagged MEMBLOCK_RSRV_KHO, counted in total_size, and found by
 * memblock_is_kho_reserved() (which the other regions are not).
 */
static int memblock_reserve_kho_order_check(void)
{
	const struct kho_mem mem[] = {
		{ SZ_64K, SZ_64K }, { SZ_2M, SZ_128K }, { SZ_8M, SZ_4K },
	};
	int err;

	PREFIX_PUSH();

	reset_memblock_regions();
	memblock_reserve(SZ_1M, SZ_64K);
	memblock_reserve(SZ_4M, SZ_64K);

	err = memblock_reserve_kho_mem(mem, ARRAY_SIZE(mem));
	ASSERT_EQ(err, 0);

	ASSERT_EQ(memblock.reserved.cnt, 5);
	assert_region(0, SZ_64K, SZ_64K, MEMBLOCK_RSRV_KHO);
	assert_region(1, SZ_1M, SZ_64K, MEMBLOCK_NONE);
	assert_region(2, SZ_2M, SZ_128K, MEMBLOCK_RSRV_KHO);
	assert_region(3, SZ_4M, SZ_64K, MEMBLOCK_NONE);
	assert_region(4, SZ_8M, SZ_4K, MEMBLOCK_RSRV_KHO);
	ASSERT_EQ(memblock.reserved.total_size,
		  3 * SZ_64K + SZ_128K + SZ_4K);

	ASSERT_TRUE(memblock_is_kho_reserved(SZ_2M + SZ_64K));
	ASSERT_FALSE(memblock_is_kho_reserved(SZ_1M));
	ASSERT_FALSE(memblock_is_kho_reserved(SZ_8M + SZ_4K));

	test_pass_pop();

	return 0;
}

/*
 * Ranges that touch a reservation stay apart from it (their flags differ);
 * ranges that touch each other are joined.
 */
static int memblock_reserve_kho_join_check(void)
{
	const struct kho_mem mem[] = {
		{ SZ_1M - SZ_64K, SZ_64K },
		{ SZ_1M + SZ_64K, SZ_64K },
		{ SZ_1M + SZ_128K, SZ_64K },
	};
	int err;

	PREFIX_PUSH();

	reset_memblock_regions();
	memblock_reserve(SZ_1M, SZ_64K);

	err = memblock_reserve_kho_mem(mem, ARRAY_SIZE(mem));
	ASSERT_EQ(err, 0);

	ASSERT_EQ(memblock.reserved.cnt, 3);
	assert_region(0, SZ_1M - SZ_64K, SZ_64K, MEMBLOCK_RSRV_KHO);
	assert_region(1, SZ_1M, SZ_64K, MEMBLOCK_NONE);
	assert_region(2, SZ_1M + SZ_64K, SZ_128K, MEMBLOCK_RSRV_KHO);
	ASSERT_EQ(memblock.reserved.total_size, SZ_256K);

	test_pass_pop();

	return 0;
}

/*
 * A range that overlaps a reservation, even by one byte, fails the whole
 * list with -EBUSY and leaves memblock.reserved as it was.
 */
static int memblock_reserve_kho_busy_check(void)
{
	const struct kho_mem mem[] = {
		{ SZ_64K, SZ_4K }, { SZ_4M + SZ_64K - 1, SZ_4K },
	};
	struct memblock_region before[2];
	int err;

	PREFIX_PUSH();

	reset_memblock_regions();
	memblock_reserve(SZ_1M, SZ_64K);
	memblock_reserve(SZ_4M, SZ_64K);
	memcpy(before, memblock.reserved.regions, sizeof(before));

	err = memblock_reserve_kho_mem(mem, ARRAY_SIZE(mem));
	ASSERT_EQ(err, -EBUSY);

	ASSERT_EQ(memblock.reserved.cnt, 2);
	ASSERT_EQ(memblock.reserved.total_size, 2 * SZ_64K);
	ASSERT_EQ(memcmp(before, memblock.reserved.regions, sizeof(before)), 0);

	test_pass_pop();

	return 0;
}

/*
 * More ranges than the array holds: it grows through
 * memblock_double_array() first (its new copy reserved in the memory
 * memblock knows), then takes every range.
 */
static int memblock_reserve_kho_grow_check(void)
{
	const unsigned long nr = INIT_MEMBLOCK_RESERVED_REGIONS * 3;
	struct memblock_region *orig;
	struct kho_mem *mem;
	unsigned long i, kho = 0;
	int err;

	PREFIX_PUSH();

	orig = growable_setup();
	memblock_add(dummy_physical_memory_base(), MEM_SIZE);

	/* Separate ranges, which cannot join, far below the dummy memory. */
	mem = calloc(nr, sizeof(*mem));
	ASSERT_NE(mem, NULL);
	for (i = 0; i < nr; i++) {
		mem[i].addr = SZ_1M + i * SZ_8K;
		mem[i].len = SZ_4K;
	}

	err = memblock_reserve_kho_mem(mem, nr);
	ASSERT_EQ(err, 0);

	ASSERT_EQ(memblock.reserved.max, INIT_MEMBLOCK_RESERVED_REGIONS * 4);
	/* The ranges and the array's new copy. */
	ASSERT_EQ(memblock.reserved.cnt, nr + 1);
	for (i = 0; i < memblock.reserved.cnt; i++) {
		struct memblock_region *r = &memblock.reserved.regions[i];

		if (i)
			ASSERT_LT(r[-1].base + r[-1].size, r->base);
		if (r->flags != MEMBLOCK_RSRV_KHO)
			continue;
		ASSERT_EQ(r->base, mem[kho].addr);
		ASSERT_EQ(r->size, mem[kho].len);
		kho++;
	}
	ASSERT_EQ(kho, nr);

	free(mem);
	growable_cleanup(orig);

	test_pass_pop();

	return 0;
}

/*
 * An array grown in a range to avoid moves out of it, keeping its regions;
 * one outside the range with room enough stays where it is.
 */
static int memblock_reserved_make_room_check(void)
{
	struct memblock_region *orig;
	phys_addr_t base, array;
	unsigned long i, cnt;
	int err;

	PREFIX_PUSH();

	orig = growable_setup();
	base = dummy_physical_memory_base();
	memblock_add(base, SZ_16K);
	memblock_add(base + SZ_64K, SZ_16K);

	/* One reservation more than the static array holds: it grows, top-down. */
	for (i = 0; i <= INIT_MEMBLOCK_RESERVED_REGIONS; i++)
		memblock_reserve(SZ_1M + i * SZ_8K, SZ_4K);
	array = (phys_addr_t)memblock.reserved.regions;
	ASSERT_LE(base + SZ_64K, array);
	ASSERT_LT(array, base + SZ_64K + SZ_16K);
	cnt = memblock.reserved.cnt;

	err = memblock_reserved_make_room(1, base + SZ_64K, SZ_16K);
	ASSERT_EQ(err, 0);
	array = (phys_addr_t)memblock.reserved.regions;
	ASSERT_LE(base, array);
	ASSERT_LT(array, base + SZ_16K);
	ASSERT_EQ(memblock.reserved.max, INIT_MEMBLOCK_RESERVED_REGIONS * 4);
	/* The new copy replaced the old one among the reserved regions. */
	ASSERT_EQ(memblock.reserved.cnt, cnt);
	ASSERT_TRUE(memblock_is_reserved(SZ_1M + INIT_MEMBLOCK_RESERVED_REGIONS *
					 SZ_8K));

	err = memblock_reserved_make_room(1, base + SZ_64K, SZ_16K);
	ASSERT_EQ(err, 0);
	ASSERT_EQ((phys_addr_t)memblock.reserved.regions, array);

	growable_cleanup(orig);

	test_pass_pop();

	return 0;
}

static int memblock_reserve_kho_checks(void)
{
	prefix_reset();
	prefix_push(FUNC_RESERVE_KHO);
	test_print("Running %s tests...\n", FUNC_RESERVE_KHO);

	memblock_reserve_kho_order_check();
	memblock_reserve_kho_join_check();
	memblock_reserve_kho_busy_check();
	memblock_reserve_kho_grow_check();
	memblock_reserved_make_room_check();

	prefix_pop();

	return 0;
}

/*
 * In scratch-only mode, allocations come from the memory marked
 * KHO_SCRATCH, top-down and bottom-up. When it is full, memblock asks KHO:
 * an allocation fails if KHO keeps the handover, and is served from the
 * rest of memory if KHO drops it.
 */
static int memblock_scratch_only_check(void)
{
	phys_addr_t base, scratch, addr;
	int i, err;

	PREFIX_PUSH();

	setup_memblock();
	/* The dummy memory is not page aligned: align what is allocated. */
	base = memblock_start_of_DRAM();
	scratch = ALIGN(base, SZ_4K) + SZ_8K;
	err = memblock_mark_kho_scratch(scratch, SZ_8K);
	ASSERT_EQ(err, 0);
	ASSERT_EQ(memblock.memory.cnt, 3);
	ASSERT_EQ(memblock.memory.regions[1].base, scratch);
	ASSERT_EQ(memblock.memory.regions[1].flags, MEMBLOCK_KHO_SCRATCH);

	exhausted_calls = 0;
	exhausted_drops = false;
	memblock_set_kho_scratch_only(true);
	for (i = 0; i < 2; i++) {
		addr = memblock_phys_alloc(SZ_4K, SZ_4K);
		ASSERT_LE(scratch, addr);
		ASSERT_LE(addr + SZ_4K, scratch + SZ_8K);
	}
	ASSERT_EQ(exhausted_calls, 0);

	addr = memblock_phys_alloc(SZ_4K, SZ_4K);
	ASSERT_EQ(addr, 0);
	ASSERT_EQ(exhausted_calls, 1);
	/* The caller's limits, as given: KHO reads them. */
	ASSERT_EQ(exhausted_start, 0);
	ASSERT_EQ(exhausted_end, MEMBLOCK_ALLOC_ACCESSIBLE);

	/* One below the region cannot be served from it either. */
	addr = memblock_phys_alloc_range(SZ_4K, SZ_4K, base, scratch);
	ASSERT_EQ(addr, 0);
	ASSERT_EQ(exhausted_calls, 2);
	ASSERT_EQ(exhausted_start, base);
	ASSERT_EQ(exhausted_end, scratch);

	exhausted_drops = true;
	addr = memblock_phys_alloc(SZ_4K, SZ_4K);
	ASSERT_NE(addr, 0);
	ASSERT_TRUE(addr + SZ_4K <= scratch || addr >= scratch + SZ_8K);
	ASSERT_EQ(exhausted_calls, 3);

	/* Scratch-only mode ended with the handover: no more questions. */
	addr = memblock_phys_alloc(SZ_4K, SZ_4K);
	ASSERT_NE(addr, 0);
	ASSERT_EQ(exhausted_calls, 3);

	memblock_set_kho_scratch_only(false);
	test_pass_pop();

	return 0;
}

static int memblock_scratch_only_checks(void)
{
	prefix_reset();
	prefix_push(FUNC_SCRATCH_ONLY);
	test_print("Running %s tests...\n", FUNC_SCRATCH_ONLY);

	dummy_physical_memory_init();
	run_top_down(memblock_scratch_only_check);
	run_bottom_up(memblock_scratch_only_check);
	dummy_physical_memory_cleanup();

	prefix_pop();

	return 0;
}

int memblock_kho_checks(void)
{
	memblock_reserve_kho_checks();
	memblock_scratch_only_checks();

	return 0;
}
