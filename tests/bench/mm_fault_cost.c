// SPDX-License-Identifier: MIT
/*
 * make bench: the instruction cost of one anonymous fault in mm/, on the host build. Boots
 * an mm through the unit-test harness (arena, software MMU), prepares NR_FAULTS pages so
 * that each next access takes exactly one fault of the kind asked for, and makes those
 * accesses through the software MMU, which calls handle_user_addr_fault() as the guest's
 * #PF handler does. Run under `valgrind --tool=callgrind --collect-atstart=no
 * --toggle-collect=handle_user_addr_fault`: the client requests zero the counters before
 * the measured accesses and dump them after, so the dump holds exactly the NR_FAULTS faults.
 * Outside valgrind the requests do nothing and the program only checks the fault kinds.
 *
 *   mm_fault_cost anon-new|anon-zero|wp-copy|wp-reuse
 *
 * Prints `kind=K faults=N`; exits 1 with a message if a fault was not of the kind asked for.
 */
#include <stdio.h>
#include <string.h>
#include <valgrind/callgrind.h>
#include <mm/mm.h>
#include "mm_test.h"
#include "soft_mmu.h"

#define ARENA_SIZE	(64UL << 20)
#define BASE		0x40000000UL
#define NR_FAULTS	1024UL
#define FIXED		(MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED)
#define RW		(PROT_READ | PROT_WRITE)

/* Built without AddressSanitizer: mm_arch.h's poisoning hooks have nothing to do. */
void __asan_poison_memory_region(const volatile void *addr, size_t size) { }
void __asan_unpoison_memory_region(const volatile void *addr, size_t size) { }
int __asan_address_is_poisoned(const volatile void *addr) { return 0; }

static enum fault_kind last_kind;
static unsigned long wrong_kind;

static void record(const struct fault_trace_rec *rec)
{
	last_kind = rec->kind;
}

static int touch(struct mm_struct *mm, unsigned long addr, bool write)
{
	unsigned char v = 1;

	return write ? umem_write8(mm, addr, v) : umem_read8(mm, addr, &v);
}

/* Fault every page once; count the faults that were not of @kind. Return 0 or -1. */
static int measure(struct mm_struct *mm, bool write, enum fault_kind kind)
{
	unsigned long i, faults = soft_mmu_stats.faults;
	int ret = 0;

	CALLGRIND_ZERO_STATS;
	for (i = 0; i < NR_FAULTS && !ret; i++) {
		ret = touch(mm, BASE + i * PAGE_SIZE, write);
		wrong_kind += last_kind != kind;
	}
	CALLGRIND_DUMP_STATS_AT("measured faults");
	if (!ret && soft_mmu_stats.faults - faults != NR_FAULTS)
		ret = -1;
	return ret;
}

int main(int argc, char **argv)
{
	struct mm_struct *mm, *child = NULL;
	const char *kind = argc == 2 ? argv[1] : "";
	unsigned long i;
	int ret = 0;

	unit_mm_boot(ARENA_SIZE);
	soft_mmu_reset();
	unit_fault_trace_hook = record;
	mm = mm_alloc();
	if (!mm || do_mmap(mm, NULL, BASE, NR_FAULTS * PAGE_SIZE, RW, FIXED, 0) != BASE) {
		fprintf(stderr, "mm_fault_cost: cannot set up the mm\n");
		return 1;
	}
	if (!strcmp(kind, "anon-new")) {
		ret = measure(mm, true, FAULT_KIND_ANON_NEW);
	} else if (!strcmp(kind, "anon-zero")) {
		ret = measure(mm, false, FAULT_KIND_ANON_ZERO);
	} else if (!strcmp(kind, "wp-copy") || !strcmp(kind, "wp-reuse")) {
		for (i = 0; i < NR_FAULTS && !ret; i++)
			ret = touch(mm, BASE + i * PAGE_SIZE, true);
		child = ret ? NULL : dup_mm(mm);
		if (!child) {
			fprintf(stderr, "mm_fault_cost: fork failed\n");
			return 1;
		}
		if (!strcmp(kind, "wp-reuse")) {	/* the child exits: pages exclusive again */
			mmput(child);
			child = NULL;
			ret = measure(mm, true, FAULT_KIND_WP_REUSE);
		} else {				/* the child writes: copies */
			ret = measure(child, true, FAULT_KIND_WP_COPY);
		}
	} else {
		fprintf(stderr, "usage: mm_fault_cost anon-new|anon-zero|wp-copy|wp-reuse\n");
		return 2;
	}
	if (ret || wrong_kind) {
		fprintf(stderr, "mm_fault_cost: %s: access failed (%d) or %lu faults of another kind\n",
			kind, ret, wrong_kind);
		return 1;
	}
	printf("kind=%s faults=%lu\n", kind, NR_FAULTS);
	if (child)
		mmput(child);
	mmput(mm);
	return 0;
}
