// SPDX-License-Identifier: MIT
/*
 * The VMA tree of an address space: a red-black tree ordered by address (VMAs never
 * overlap), O(log n) find_vma(), allocation and linking of VMAs, split_vma() and
 * vma_merge(), and validate_mm() for the tests.
 */
#include "internal.h"

static struct vm_area_struct *rb_to_vma(struct rb_node *n)
{
	return n ? rb_entry(n, struct vm_area_struct, vm_rb) : NULL;
}

struct vm_area_struct *vma_first(struct mm_struct *mm)
{
	return rb_to_vma(rb_first(&mm->mm_rb));
}

struct vm_area_struct *vma_last(struct mm_struct *mm)
{
	return rb_to_vma(rb_last(&mm->mm_rb));
}

struct vm_area_struct *vma_next(struct vm_area_struct *vma)
{
	return rb_to_vma(rb_next(&vma->vm_rb));
}

struct vm_area_struct *vma_prev(struct vm_area_struct *vma)
{
	return rb_to_vma(rb_prev(&vma->vm_rb));
}

struct vm_area_struct *find_vma(struct mm_struct *mm, unsigned long addr)
{
	struct rb_node *n = mm->mm_rb.rb_node;
	struct vm_area_struct *found = NULL;

	while (n) {
		struct vm_area_struct *vma = rb_to_vma(n);

		if (vma->vm_end > addr) {
			found = vma;
			if (vma->vm_start <= addr)
				break;
			n = n->rb_left;
		} else {
			n = n->rb_right;
		}
	}
	return found;
}

struct vm_area_struct *find_vma_prev(struct mm_struct *mm, unsigned long addr,
				     struct vm_area_struct **pprev)
{
	struct vm_area_struct *vma = find_vma(mm, addr);

	*pprev = vma ? vma_prev(vma) : vma_last(mm);
	return vma;
}

struct vm_area_struct *find_vma_intersection(struct mm_struct *mm, unsigned long start,
					     unsigned long end)
{
	struct vm_area_struct *vma = find_vma(mm, start);

	return vma && vma->vm_start < end ? vma : NULL;
}

void vma_link(struct mm_struct *mm, struct vm_area_struct *vma)
{
	struct rb_node **link = &mm->mm_rb.rb_node, *parent = NULL;

	while (*link) {
		struct vm_area_struct *cur = rb_to_vma(*link);

		parent = *link;
		BUG_ON(vma->vm_start < cur->vm_end && cur->vm_start < vma->vm_end);
		link = vma->vm_start < cur->vm_start ? &(*link)->rb_left : &(*link)->rb_right;
	}
	rb_link_node(&vma->vm_rb, parent, link);
	rb_insert_color(&vma->vm_rb, &mm->mm_rb);
	mm->map_count++;
}

void vma_unlink(struct mm_struct *mm, struct vm_area_struct *vma)
{
	rb_erase(&vma->vm_rb, &mm->mm_rb);
	mm->map_count--;
}

struct vm_area_struct *vm_area_alloc(struct mm_struct *mm)
{
	struct vm_area_struct *vma = kzalloc(sizeof(*vma), GFP_KERNEL);

	if (vma)
		vma->vm_mm = mm;
	return vma;
}

void vma_link_file(struct vm_area_struct *vma, struct file *file)
{
	get_file(file);
	vma->vm_file = file;
	list_add_tail(&vma->shared, &file_mapping(file)->i_mmap);
}

struct vm_area_struct *vm_area_dup(struct vm_area_struct *orig)
{
	struct vm_area_struct *vma = kmalloc(sizeof(*vma), GFP_KERNEL);

	if (vma) {
		*vma = *orig;
		memset(&vma->vm_rb, 0, sizeof(vma->vm_rb));
		if (orig->vm_file)
			vma_link_file(vma, orig->vm_file);
	}
	return vma;
}

void vm_area_free(struct vm_area_struct *vma)
{
	if (vma->vm_file) {
		list_del_init(&vma->shared);
		fput(vma->vm_file);
	}
	kfree(vma);
}

int split_vma(struct mm_struct *mm, struct vm_area_struct *vma, unsigned long addr,
	      int new_below)
{
	struct vm_area_struct *new;

	BUG_ON(!PAGE_ALIGNED(addr) || addr <= vma->vm_start || addr >= vma->vm_end);
	new = vm_area_dup(vma);
	if (!new)
		return -ENOMEM;
	/* Shrinking vma in place keeps the tree ordered: the new part is disjoint from it. */
	if (new_below) {
		new->vm_end = addr;
		vma->vm_start = addr;
		vma->vm_pgoff += (addr - new->vm_start) >> PAGE_SHIFT;
	} else {
		new->vm_start = addr;
		new->vm_pgoff += (addr - vma->vm_start) >> PAGE_SHIFT;
		vma->vm_end = addr;
	}
	vma_link(mm, new);
	return 0;
}

/* @a ends where @b starts and both map the same kind of thing contiguously. */
static bool can_merge(const struct vm_area_struct *a, const struct vm_area_struct *b)
{
	return a->vm_end == b->vm_start && a->vm_flags == b->vm_flags &&
	       a->vm_file == b->vm_file && a->vm_ops == b->vm_ops &&
	       a->anon_vma == b->anon_vma &&
	       a->vm_pgoff + vma_pages(a) == b->vm_pgoff;
}

int vma_modify_flags(struct mm_struct *mm, struct vm_area_struct *vma, unsigned long start,
		     unsigned long end, unsigned long newflags)
{
	if (start > vma->vm_start && split_vma(mm, vma, start, 1))
		return -ENOMEM;
	if (end < vma->vm_end && split_vma(mm, vma, end, 0))
		return -ENOMEM;
	vma->vm_flags = newflags;
	vma_set_page_prot(vma);
	return 0;
}

struct vm_area_struct *vma_merge(struct mm_struct *mm, struct vm_area_struct *vma)
{
	struct vm_area_struct *prev = vma_prev(vma), *next = vma_next(vma);

	if (next && can_merge(vma, next)) {
		vma_unlink(mm, next);
		vma->vm_end = next->vm_end;
		vm_area_free(next);
	}
	if (prev && can_merge(prev, vma)) {
		vma_unlink(mm, vma);
		prev->vm_end = vma->vm_end;
		vm_area_free(vma);
		vma = prev;
	}
	return vma;
}

int validate_mm(struct mm_struct *mm)
{
	struct vm_area_struct *vma, *prev = NULL;
	unsigned long pages = 0;
	int count = 0;

	if (rb_check(&mm->mm_rb) < 0) {
		printk("validate_mm: red-black invariants broken\n");
		return -EINVAL;
	}
	for_each_vma(mm, vma) {
		if (vma->vm_start >= vma->vm_end || !PAGE_ALIGNED(vma->vm_start) ||
		    !PAGE_ALIGNED(vma->vm_end) || vma->vm_end > TASK_SIZE ||
		    vma->vm_mm != mm) {
			printk("validate_mm: bad vma [%#lx, %#lx)\n", vma->vm_start, vma->vm_end);
			return -EINVAL;
		}
		if (prev && prev->vm_end > vma->vm_start) {
			printk("validate_mm: [%#lx, %#lx) overlaps [%#lx, %#lx)\n", prev->vm_start,
			       prev->vm_end, vma->vm_start, vma->vm_end);
			return -EINVAL;
		}
		if (find_vma(mm, vma->vm_start) != vma || find_vma(mm, vma->vm_end - 1) != vma) {
			printk("validate_mm: find_vma misses [%#lx, %#lx)\n", vma->vm_start,
			       vma->vm_end);
			return -EINVAL;
		}
		pages += vma_pages(vma);
		count++;
		prev = vma;
	}
	if (count != mm->map_count || pages != mm->total_vm) {
		printk("validate_mm: %d vmas / %lu pages, counters say %d / %lu\n", count, pages,
		       mm->map_count, mm->total_vm);
		return -EINVAL;
	}
	return 0;
}
