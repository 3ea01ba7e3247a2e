/* SPDX-License-Identifier: MIT */
/*
 * A radix tree of pointers indexed by unsigned long with three marks per entry (mm/xarray.c),
 * the subset of Linux's <linux/xarray.h> the page cache uses: 64 slots per node, the tree
 * as tall as the largest index needs, marks summarised upwards so that a marked search
 * skips unmarked subtrees. Entries are non-NULL pointers. Not locked: the caller serialises.
 */
#ifndef MM_XARRAY_H
#define MM_XARRAY_H

#include <kern/types.h>
#include <mm/page_alloc.h>

#ifndef BITS_PER_LONG
#define BITS_PER_LONG	64
#endif

#define XA_CHUNK_SHIFT	6
#define XA_CHUNK_SIZE	(1U << XA_CHUNK_SHIFT)
#define XA_CHUNK_MASK	(XA_CHUNK_SIZE - 1)
#define XA_MAX_MARKS	3

typedef unsigned int xa_mark_t;
#define XA_MARK_0	0U
#define XA_MARK_1	1U
#define XA_MARK_2	2U
#define XA_PRESENT	8U		/* xa_find(): any entry, marked or not */

struct xa_node {
	unsigned char shift;		/* index bits below this node's slots: 0 for leaves */
	unsigned char offset;		/* slot in the parent */
	unsigned char count;		/* non-NULL slots */
	struct xa_node *parent;		/* NULL for the root */
	void *slots[XA_CHUNK_SIZE];	/* entries (leaves) or child nodes */
	u64 marks[XA_MAX_MARKS];	/* bit n: slot n holds (a subtree with) a marked entry */
};

struct xarray {
	struct xa_node *xa_head;	/* the root node, or NULL when empty */
};

#define XARRAY_INIT	{ NULL }

static inline void xa_init(struct xarray *xa)
{
	xa->xa_head = NULL;
}

static inline bool xa_empty(const struct xarray *xa)
{
	return !xa->xa_head;
}

/* The entry at @index, or NULL. */
void *xa_load(const struct xarray *xa, unsigned long index);
/*
 * Store @entry (not NULL) at the empty @index. Return 0, -EEXIST (occupied: nothing
 * changes) or -ENOMEM (nothing changes). @gfp is for the node allocations.
 */
int xa_insert(struct xarray *xa, unsigned long index, void *entry, gfp_t gfp);
/* Remove the entry at @index (and its marks), freeing nodes left empty. Return it or NULL. */
void *xa_erase(struct xarray *xa, unsigned long index);

/* Set / clear / test @mark on the entry at @index (set and clear: no-op without entry). */
void xa_set_mark(struct xarray *xa, unsigned long index, xa_mark_t mark);
void xa_clear_mark(struct xarray *xa, unsigned long index, xa_mark_t mark);
bool xa_get_mark(const struct xarray *xa, unsigned long index, xa_mark_t mark);
/* True if some entry carries @mark. */
bool xa_marked(const struct xarray *xa, xa_mark_t mark);

/*
 * The first entry at an index in [*@indexp, @max] that has @filter (a mark, or XA_PRESENT
 * for any entry): store its index in *@indexp and return it. NULL if there is none
 * (*@indexp is then unspecified).
 */
void *xa_find(const struct xarray *xa, unsigned long *indexp, unsigned long max,
	      xa_mark_t filter);

/* Number of nodes of the tree (for tests and statistics). */
unsigned long xa_nodes(const struct xarray *xa);

/* Visit every entry with @filter in [start, max] in index order; @entry is the entry. */
#define xa_for_each_range(xa, index, entry, start, max, filter)			\
	for ((index) = (start);							\
	     ((entry) = xa_find((xa), &(index), (max), (filter))) != NULL;		\
	     (index)++)

#endif
