// SPDX-License-Identifier: MIT
/*
 * Host tests of the VMA layer: the red-black tree against a sorted-array model, find_vma,
 * split and merge, address search with the stack guard gap, bad arguments of mmap, munmap,
 * mprotect and madvise, and random mmap/munmap/mprotect sequences checked page by page
 * against a simple array model.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <kern/errno.h>
#include <mm/mm.h>
#include <mm/rbtree.h>
#include <mm/slab.h>
#include "mm_test.h"
#include "rambd.h"
#include "soft_mmu.h"

#define ARENA_SIZE	(32UL << 20)

static struct mm_struct *new_mm(void)
{
	unit_mm_boot(ARENA_SIZE);
	soft_mmu_reset();
	return mm_alloc();
}

/* ---- the red-black tree on its own ------------------------------------------------------ */
struct knode {
	struct rb_node rb;
	int key;
};

static void kinsert(struct rb_root *root, struct knode *n)
{
	struct rb_node **link = &root->rb_node, *parent = NULL;

	while (*link) {
		parent = *link;
		link = n->key < rb_entry(parent, struct knode, rb)->key ? &parent->rb_left :
									   &parent->rb_right;
	}
	rb_link_node(&n->rb, parent, link);
	rb_insert_color(&n->rb, root);
}

static bool test_rbtree_random(void)
{
	enum { N = 2000 };
	static struct knode nodes[N];
	static bool in[N];
	struct rb_root root = RB_ROOT;
	unsigned int step, count = 0;

	srand(11);
	for (step = 0; step < 20000; step++) {
		int i = rand() % N, prev = -1, seen = 0, h;
		struct rb_node *n;

		if (in[i]) {
			rb_erase(&nodes[i].rb, &root);
			in[i] = false;
			count--;
		} else {
			nodes[i].key = i;
			kinsert(&root, &nodes[i]);
			in[i] = true;
			count++;
		}
		if (step % 97 && step < 19990)
			continue;
		h = rb_check(&root);
		CHECKF(h >= 0, "step %u: invariants broken", step);
		for (n = rb_first(&root); n; n = rb_next(n)) {
			int k = rb_entry(n, struct knode, rb)->key;

			CHECK(k > prev && in[k]);
			prev = k;
			seen++;
		}
		CHECK(seen == (int)count);
		for (n = rb_last(&root); n; n = rb_prev(n))
			seen--;
		CHECK(seen == 0);
		/* Balanced: black height >= half the height, so height <= 2 log2(n + 1). */
		CHECK(count == 0 || (1u << (h - 1)) <= count + 1);
	}
	return true;
}

static bool test_rbtree_sequential(void)
{
	enum { N = 1024 };
	static struct knode nodes[N];
	struct rb_root root = RB_ROOT;
	int i, h;

	for (i = 0; i < N; i++) {
		nodes[i].key = i;
		kinsert(&root, &nodes[i]);
	}
	h = rb_check(&root);
	CHECK(h >= 0 && h <= 11);
	for (i = 0; i < N; i += 2)
		rb_erase(&nodes[i].rb, &root);
	CHECK(rb_check(&root) >= 0);
	CHECK(rb_entry(rb_first(&root), struct knode, rb)->key == 1);
	CHECK(rb_entry(rb_last(&root), struct knode, rb)->key == N - 1);
	for (i = 1; i < N; i += 2)
		rb_erase(&nodes[i].rb, &root);
	CHECK(root.rb_node == NULL && rb_first(&root) == NULL);
	return true;
}

/* ---- find_vma, split, merge -------------------------------------------------------------- */
#define A(n)	(0x10000000UL + (unsigned long)(n) * PAGE_SIZE)
#define ANON	(MAP_PRIVATE | MAP_ANONYMOUS)
#define FIXED	(MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED)
#define RW	(PROT_READ | PROT_WRITE)

static bool test_find_vma(void)
{
	struct mm_struct *mm = new_mm();
	struct vm_area_struct *vma, *prev;

	CHECK(mm);
	CHECK(find_vma(mm, 0) == NULL);
	CHECK(do_mmap(mm, NULL, A(10), 2 * PAGE_SIZE, PROT_READ, FIXED, 0) == A(10));
	CHECK(do_mmap(mm, NULL, A(20), 3 * PAGE_SIZE, RW, FIXED, 0) == A(20));
	CHECK(mm->map_count == 2 && mm->total_vm == 5);
	vma = find_vma(mm, 0);
	CHECK(vma && vma->vm_start == A(10) && vma->vm_end == A(12));
	CHECK(find_vma(mm, A(11) + 5) == vma);
	vma = find_vma(mm, A(12));
	CHECK(vma && vma->vm_start == A(20));
	CHECK(find_vma(mm, A(23)) == NULL);
	CHECK(find_vma_intersection(mm, A(12), A(20)) == NULL);
	CHECK(find_vma_intersection(mm, A(12), A(20) + 1) == vma);
	CHECK(find_vma_prev(mm, A(15), &prev) == vma && prev && prev->vm_start == A(10));
	CHECK(find_vma_prev(mm, A(30), &prev) == NULL && prev == vma);
	CHECK(validate_mm(mm) == 0);
	mmput(mm);
	return true;
}

static bool test_split_and_merge(void)
{
	struct mm_struct *mm = new_mm();
	struct vm_area_struct *vma;

	CHECK(mm);
	CHECK(do_mmap(mm, NULL, A(0), 8 * PAGE_SIZE, RW, FIXED, 0) == A(0));
	vma = find_vma(mm, A(0));
	CHECK(split_vma(mm, vma, A(3), 1) == 0);	/* new below: [0,3) new, vma [3,8) */
	CHECK(vma->vm_start == A(3) && vma->vm_pgoff == A(3) >> PAGE_SHIFT);
	CHECK(split_vma(mm, vma, A(5), 0) == 0);	/* new above: [5,8) */
	CHECK(mm->map_count == 3 && validate_mm(mm) == 0);
	CHECK(find_vma(mm, A(6))->vm_pgoff == A(5) >> PAGE_SHIFT);
	/* The pieces are compatible: merging one swallows both neighbours. */
	vma = vma_merge(mm, vma);
	CHECK(mm->map_count == 1 && vma->vm_start == A(0) && vma->vm_end == A(8));
	CHECK(validate_mm(mm) == 0);

	/* Adjacent mmaps with equal flags merge; different flags do not. */
	CHECK(do_mmap(mm, NULL, A(8), PAGE_SIZE, RW, FIXED, 0) == A(8));
	CHECK(mm->map_count == 1);
	CHECK(do_mmap(mm, NULL, A(9), PAGE_SIZE, PROT_READ, FIXED, 0) == A(9));
	CHECK(mm->map_count == 2);
	/* mprotect of the middle splits in three; restoring merges back. */
	CHECK(do_mprotect(mm, A(2), 2 * PAGE_SIZE, PROT_READ) == 0);
	CHECK(mm->map_count == 4 && validate_mm(mm) == 0);
	CHECK(!(find_vma(mm, A(2))->vm_flags & VM_WRITE));
	CHECK(do_mprotect(mm, A(2), 2 * PAGE_SIZE, RW) == 0);
	CHECK(mm->map_count == 2 && validate_mm(mm) == 0);
	/* munmap of the middle leaves two; mapping it again merges all three. */
	CHECK(do_munmap(mm, A(4), PAGE_SIZE) == 0);
	CHECK(mm->map_count == 3 && mm->total_vm == 9);
	CHECK(do_mmap(mm, NULL, A(4), PAGE_SIZE, RW, FIXED, 0) == A(4));
	CHECK(mm->map_count == 2 && validate_mm(mm) == 0);
	mmput(mm);
	return true;
}

static bool test_unmapped_area(void)
{
	struct mm_struct *mm = new_mm();
	unsigned long a, b, stack_lo, c;

	CHECK(mm);
	a = do_mmap(mm, NULL, 0, 4 * PAGE_SIZE, RW, ANON, 0);
	CHECK(!IS_ERR_VALUE(a) && a == mm->mmap_base - 4 * PAGE_SIZE);
	b = do_mmap(mm, NULL, 0, PAGE_SIZE, RW, ANON, 0);
	CHECK(b == a - PAGE_SIZE);		/* top-down; merged with a */
	CHECK(mm->map_count == 1);
	/* A free hint is taken as is; a busy one is not. */
	CHECK(do_mmap(mm, NULL, A(100), PAGE_SIZE, RW, ANON, 0) == A(100));
	c = do_mmap(mm, NULL, A(100), PAGE_SIZE, PROT_READ, ANON, 0);
	CHECK(c != A(100) && !IS_ERR_VALUE(c));
	/* An unaligned hint is rounded up. */
	CHECK(do_mmap(mm, NULL, A(200) + 1, PAGE_SIZE, RW, ANON, 0) == A(201));
	/* A stack right below mmap_base: the search keeps its guard gap free. */
	stack_lo = b - 0x100000;
	CHECK(do_munmap(mm, b, 5 * PAGE_SIZE) == 0);
	CHECK(do_mmap(mm, NULL, stack_lo, mm->mmap_base - stack_lo, RW,
		      FIXED | MAP_GROWSDOWN, 0) == stack_lo);
	c = do_mmap(mm, NULL, 0, PAGE_SIZE, RW, ANON, 0);
	CHECK(c + PAGE_SIZE + stack_guard_gap <= stack_lo);
	CHECK(c + PAGE_SIZE + stack_guard_gap == stack_lo);
	/* A hint inside the guard gap is refused. */
	CHECK(do_mmap(mm, NULL, stack_lo - PAGE_SIZE, PAGE_SIZE, PROT_READ, ANON, 0) !=
	      stack_lo - PAGE_SIZE);
	CHECK(validate_mm(mm) == 0);
	mmput(mm);
	return true;
}

static bool test_fixed_noreplace_and_replace(void)
{
	struct mm_struct *mm = new_mm();
	unsigned char v = 0;

	CHECK(mm);
	CHECK(do_mmap(mm, NULL, A(0), 4 * PAGE_SIZE, RW, FIXED, 0) == A(0));
	CHECK(umem_write8(mm, A(1), 0x77) == 0);
	CHECK(do_mmap(mm, NULL, A(3), 2 * PAGE_SIZE, RW,
		      ANON | MAP_FIXED_NOREPLACE, 0) == (unsigned long)-EEXIST);
	CHECK(umem_read8(mm, A(1), &v) == 0 && v == 0x77);
	CHECK(do_mmap(mm, NULL, A(4), 2 * PAGE_SIZE, RW, ANON | MAP_FIXED_NOREPLACE, 0) == A(4));
	/* MAP_FIXED over existing memory replaces it: fresh zeroes. */
	CHECK(do_mmap(mm, NULL, A(1), PAGE_SIZE, RW, FIXED, 0) == A(1));
	CHECK(umem_read8(mm, A(1), &v) == 0 && v == 0);
	CHECK(validate_mm(mm) == 0);
	mmput(mm);
	return true;
}

static bool test_bad_arguments(void)
{
	struct mm_struct *mm = new_mm();
	struct address_space mapping;
	struct file *wronly;

	CHECK(mm);
	CHECK(do_mmap(mm, NULL, 0, 0, RW, ANON, 0) == (unsigned long)-EINVAL);
	CHECK(do_mmap(mm, NULL, 0, PAGE_SIZE, 0x8, ANON, 0) == (unsigned long)-EINVAL);
	CHECK(do_mmap(mm, NULL, 0, PAGE_SIZE, RW, MAP_ANONYMOUS, 0) == (unsigned long)-EINVAL);
	CHECK(do_mmap(mm, NULL, 0, PAGE_SIZE, RW, MAP_ANONYMOUS | MAP_SHARED | MAP_PRIVATE, 0) ==
	      (unsigned long)-EINVAL);
	CHECK(do_mmap(mm, NULL, 0, PAGE_SIZE, RW, MAP_PRIVATE, 0) == (unsigned long)-EBADF);
	/* A file must be open for reading to be mapped (file mappings: test_mm_file_fault). */
	address_space_init(&mapping, NULL, NULL);
	wronly = unit_file_open(&mapping, FMODE_WRITE);
	CHECK(do_mmap(mm, wronly, 0, PAGE_SIZE, RW, MAP_PRIVATE, 0) == (unsigned long)-EACCES);
	fput(wronly);
	CHECK(do_mmap(mm, NULL, A(0) + 1, PAGE_SIZE, RW, FIXED, 0) == (unsigned long)-EINVAL);
	CHECK(do_mmap(mm, NULL, 0x1000, PAGE_SIZE, RW, FIXED, 0) == (unsigned long)-EPERM);
	CHECK(do_mmap(mm, NULL, TASK_SIZE - PAGE_SIZE, 2 * PAGE_SIZE, RW, FIXED, 0) ==
	      (unsigned long)-ENOMEM);
	CHECK(do_mmap(mm, NULL, 0, TASK_SIZE + 1, RW, ANON, 0) == (unsigned long)-ENOMEM);
	CHECK(do_mmap(mm, NULL, 0, -1UL, RW, ANON, 0) == (unsigned long)-ENOMEM);
	CHECK(do_mmap(mm, NULL, 0, PAGE_SIZE, RW, MAP_SHARED | MAP_ANONYMOUS | MAP_GROWSDOWN, 0) ==
	      (unsigned long)-EINVAL);
	CHECK(mm->map_count == 0);

	CHECK(do_munmap(mm, A(0) + 1, PAGE_SIZE) == -EINVAL);
	CHECK(do_munmap(mm, A(0), 0) == -EINVAL);
	CHECK(do_munmap(mm, TASK_SIZE - PAGE_SIZE, 2 * PAGE_SIZE) == -EINVAL);
	CHECK(do_munmap(mm, A(0), PAGE_SIZE) == 0);		/* nothing there: fine */

	CHECK(do_mmap(mm, NULL, A(0), 2 * PAGE_SIZE, RW, FIXED, 0) == A(0));
	CHECK(do_mprotect(mm, A(0) + 1, PAGE_SIZE, PROT_READ) == -EINVAL);
	CHECK(do_mprotect(mm, A(0), PAGE_SIZE, 0x10) == -EINVAL);
	CHECK(do_mprotect(mm, A(0), 3 * PAGE_SIZE, PROT_READ) == -ENOMEM);	/* hole */
	CHECK(find_vma(mm, A(0))->vm_flags & VM_WRITE);	/* nothing changed */
	CHECK(do_mprotect(mm, A(0), 0, PROT_READ) == 0);
	CHECK(do_mprotect(mm, A(0), -1UL, PROT_READ) == -ENOMEM);

	CHECK(do_madvise(mm, A(0), PAGE_SIZE, 99) == -EINVAL);
	CHECK(do_madvise(mm, A(0) + 1, PAGE_SIZE, MADV_DONTNEED) == -EINVAL);
	CHECK(do_madvise(mm, A(0), 3 * PAGE_SIZE, MADV_DONTNEED) == -ENOMEM);
	CHECK(do_madvise(mm, A(5), PAGE_SIZE, MADV_WILLNEED) == -ENOMEM);
	CHECK(do_madvise(mm, A(0), 2 * PAGE_SIZE, MADV_WILLNEED) == 0);
	CHECK(do_madvise(mm, A(0), 0, MADV_DONTNEED) == 0);
	CHECK(validate_mm(mm) == 0);
	mmput(mm);
	return true;
}

/*
 * Random mmap(MAP_FIXED)/munmap/mprotect over a 64-page window, checked against a per-page
 * model of the protection (-1: unmapped) after every operation: find_vma agrees on every
 * page, the tree is valid, and no two touching VMAs could have been merged.
 */
#define WIN	64

static bool check_against_model(struct mm_struct *mm, const int *model, unsigned int step)
{
	struct vm_area_struct *vma, *prev = NULL;
	unsigned int i;

	CHECKF(validate_mm(mm) == 0, "step %u", step);
	for (i = 0; i < WIN; i++) {
		vma = find_vma(mm, A(i));
		if (model[i] < 0) {
			CHECKF(!vma || vma->vm_start > A(i), "step %u page %u mapped", step, i);
			continue;
		}
		CHECKF(vma && vma->vm_start <= A(i), "step %u page %u unmapped", step, i);
		CHECKF((vma->vm_flags & VM_ACCESS_FLAGS) == (unsigned long)model[i],
		       "step %u page %u flags %#lx want %#x", step, i, vma->vm_flags, model[i]);
	}
	for_each_vma(mm, vma) {
		CHECKF(!prev || prev->vm_end != vma->vm_start || prev->vm_flags != vma->vm_flags,
		       "step %u: unmerged neighbours at %#lx", step, vma->vm_start);
		prev = vma;
	}
	return true;
}

static bool test_random_vma_ops(void)
{
	static const unsigned long prots[] = { PROT_NONE, PROT_READ, RW, PROT_READ | PROT_EXEC };
	struct mm_struct *mm = new_mm();
	int model[WIN];
	unsigned int step, i;

	CHECK(mm);
	for (i = 0; i < WIN; i++)
		model[i] = -1;
	srand(5);
	for (step = 0; step < 3000; step++) {
		unsigned int s = rand() % WIN, n = 1 + rand() % (WIN - s);
		unsigned long prot = prots[rand() % 4];
		int op = rand() % 3, err, want_err = 0;

		if (op == 0) {
			CHECK(do_mmap(mm, NULL, A(s), n * PAGE_SIZE, prot, FIXED, 0) == A(s));
			for (i = s; i < s + n; i++)
				model[i] = prot;
		} else if (op == 1) {
			CHECK(do_munmap(mm, A(s), n * PAGE_SIZE) == 0);
			for (i = s; i < s + n; i++)
				model[i] = -1;
		} else {
			for (i = s; i < s + n; i++)
				if (model[i] < 0)
					want_err = -ENOMEM;
			err = do_mprotect(mm, A(s), n * PAGE_SIZE, prot);
			CHECKF(err == want_err, "step %u: mprotect %d, want %d", step, err,
			       want_err);
			for (i = s; !err && i < s + n; i++)
				model[i] = prot;
		}
		if (!check_against_model(mm, model, step))
			return false;
	}
	mmput(mm);
	return true;
}

/* Teardown returns every page: VMAs, page tables, the pgd and the mm itself. */
static bool test_mmput_frees_everything(void)
{
	struct mm_struct *mm;
	unsigned long nfree;
	unsigned int i;

	unit_mm_boot(ARENA_SIZE);
	soft_mmu_reset();
	nfree = nr_free_pages();
	mm = mm_alloc();
	CHECK(mm);
	for (i = 0; i < 50; i++) {
		unsigned long a = do_mmap(mm, NULL, 0, (1 + i % 7) * PAGE_SIZE,
					  i % 2 ? RW : PROT_READ, ANON | MAP_POPULATE, 0);

		CHECK(!IS_ERR_VALUE(a));
	}
	CHECK(get_mm_rss(mm) > 0 && mm->nr_pgtables > 0);
	mmput(mm);
	CHECK(kmalloc_slab_pages() == 0);
	CHECK(nr_free_pages() == nfree);
	return true;
}

int main(void)
{
	tap_plan(9);
	TAP_RUN(test_rbtree_random);
	TAP_RUN(test_rbtree_sequential);
	TAP_RUN(test_find_vma);
	TAP_RUN(test_split_and_merge);
	TAP_RUN(test_unmapped_area);
	TAP_RUN(test_fixed_noreplace_and_replace);
	TAP_RUN(test_bad_arguments);
	TAP_RUN(test_random_vma_ops);
	TAP_RUN(test_mmput_frees_everything);
	unit_arena_destroy();
	return tap_finish();
}
