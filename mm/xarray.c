// SPDX-License-Identifier: MIT
/*
 * The radix tree behind the page cache (include/mm/xarray.h), after Linux's lib/xarray.c:
 * nodes of 64 slots, the root as tall as the largest index needs (grown on insert, shrunk
 * on erase), and per-node mark bitmaps where a bit set in an inner node means "some entry
 * below this slot has the mark", so marked searches (dirty pages, pages under writeback)
 * skip whole subtrees.
 */
#include "internal.h"

/* Mask of the index bits that select a slot at or below a node of @shift. */
static unsigned long node_span_mask(unsigned int shift)
{
	return shift + XA_CHUNK_SHIFT >= BITS_PER_LONG ? ~0UL :
	       (1UL << (shift + XA_CHUNK_SHIFT)) - 1;
}

/* The largest index a tree with @root can hold without growing. */
static unsigned long max_index(const struct xa_node *root)
{
	return root ? node_span_mask(root->shift) : 0;
}

static unsigned int slot_of(const struct xa_node *node, unsigned long index)
{
	return (index >> node->shift) & XA_CHUNK_MASK;
}

static struct xa_node *xa_node_alloc(gfp_t gfp)
{
	return kzalloc(sizeof(struct xa_node), gfp);
}

/* The leaf node holding @index, or NULL when the path to it does not exist. */
static struct xa_node *leaf_of(const struct xarray *xa, unsigned long index)
{
	struct xa_node *node = xa->xa_head;

	if (!node || index > max_index(node))
		return NULL;
	while (node && node->shift)
		node = node->slots[slot_of(node, index)];
	return node;
}

void *xa_load(const struct xarray *xa, unsigned long index)
{
	struct xa_node *leaf = leaf_of(xa, index);

	return leaf ? leaf->slots[index & XA_CHUNK_MASK] : NULL;
}

/* The smallest root shift whose tree holds @index. */
static unsigned int shift_for(unsigned long index)
{
	unsigned int shift = 0;

	while (index > node_span_mask(shift))
		shift += XA_CHUNK_SHIFT;
	return shift;
}

/*
 * Nodes an insert at @index needs. An empty tree gets a root of shift_for(index) and a
 * node per level below it. A tree too small grows new roots, each with the old tree in
 * slot 0; @index then lies beyond the old tree, so every level below the top is new.
 * Otherwise: the levels missing on the path down.
 */
static unsigned int nodes_needed(const struct xarray *xa, unsigned long index)
{
	struct xa_node *node = xa->xa_head;
	unsigned int shift = shift_for(index);

	if (!node)
		return 1 + shift / XA_CHUNK_SHIFT;
	if (shift > node->shift)
		return (shift - node->shift) / XA_CHUNK_SHIFT + shift / XA_CHUNK_SHIFT;
	while (node->shift) {
		struct xa_node *child = node->slots[slot_of(node, index)];

		if (!child)
			return node->shift / XA_CHUNK_SHIFT;
		node = child;
	}
	return 0;
}

int xa_insert(struct xarray *xa, unsigned long index, void *entry, gfp_t gfp)
{
	struct xa_node *pool[2 * (BITS_PER_LONG / XA_CHUNK_SHIFT + 1)], *node;
	unsigned int need, used = 0, i, m;

	BUG_ON(!entry);
	if (xa_load(xa, index))
		return -EEXIST;
	need = nodes_needed(xa, index);
	BUG_ON(need > ARRAY_SIZE(pool));
	for (i = 0; i < need; i++) {
		pool[i] = xa_node_alloc(gfp);
		if (!pool[i]) {
			while (i--)
				kfree(pool[i]);
			return -ENOMEM;
		}
	}

	if (!xa->xa_head) {
		xa->xa_head = pool[used++];
		xa->xa_head->shift = shift_for(index);
	}
	/* Grow: a new root whose slot 0 is the old one (index 0 stays where it was). */
	while (index > max_index(xa->xa_head)) {
		struct xa_node *old = xa->xa_head, *root = pool[used++];

		root->shift = old->shift + XA_CHUNK_SHIFT;
		root->slots[0] = old;
		root->count = 1;
		for (m = 0; m < XA_MAX_MARKS; m++)
			if (old->marks[m])
				root->marks[m] = 1;
		old->parent = root;
		old->offset = 0;
		xa->xa_head = root;
	}
	node = xa->xa_head;
	while (node->shift) {
		unsigned int off = slot_of(node, index);
		struct xa_node *child = node->slots[off];

		if (!child) {
			BUG_ON(used >= need);
			child = pool[used++];
			child->shift = node->shift - XA_CHUNK_SHIFT;
			child->parent = node;
			child->offset = off;
			node->slots[off] = child;
			node->count++;
		}
		node = child;
	}
	BUG_ON(used != need);
	node->slots[index & XA_CHUNK_MASK] = entry;
	node->count++;
	return 0;
}

/* Clear @mark for slot @off of @node and, where that empties a bitmap, in the ancestors. */
static void node_clear_mark(struct xa_node *node, unsigned int off, xa_mark_t mark)
{
	while (node) {
		node->marks[mark] &= ~(1ULL << off);
		if (node->marks[mark])
			return;
		off = node->offset;
		node = node->parent;
	}
}

/* Drop an empty @node from its parent (recursively), or shrink the root. */
static void delete_node(struct xarray *xa, struct xa_node *node)
{
	while (node && !node->count) {
		struct xa_node *parent = node->parent;
		xa_mark_t m;

		if (parent) {
			parent->slots[node->offset] = NULL;
			parent->count--;
			for (m = 0; m < XA_MAX_MARKS; m++)
				node_clear_mark(parent, node->offset, m);
		} else {
			xa->xa_head = NULL;
		}
		kfree(node);
		node = parent;
	}
	/* A root with only slot 0 used is one level too tall. */
	node = xa->xa_head;
	while (node && node->shift && node->count == 1 && node->slots[0]) {
		struct xa_node *child = node->slots[0];

		child->parent = NULL;
		child->offset = 0;
		xa->xa_head = child;
		kfree(node);
		node = child;
	}
}

void *xa_erase(struct xarray *xa, unsigned long index)
{
	struct xa_node *leaf = leaf_of(xa, index);
	unsigned int off = index & XA_CHUNK_MASK;
	void *entry;
	xa_mark_t m;

	if (!leaf || !leaf->slots[off])
		return NULL;
	entry = leaf->slots[off];
	for (m = 0; m < XA_MAX_MARKS; m++)
		if (leaf->marks[m] & (1ULL << off))
			node_clear_mark(leaf, off, m);
	leaf->slots[off] = NULL;
	leaf->count--;
	delete_node(xa, leaf);
	return entry;
}

void xa_set_mark(struct xarray *xa, unsigned long index, xa_mark_t mark)
{
	struct xa_node *node = leaf_of(xa, index);
	unsigned int off = index & XA_CHUNK_MASK;

	BUG_ON(mark >= XA_MAX_MARKS);
	if (!node || !node->slots[off])
		return;
	while (node) {
		if (node->marks[mark] & (1ULL << off))
			return;			/* the ancestors have it already */
		node->marks[mark] |= 1ULL << off;
		off = node->offset;
		node = node->parent;
	}
}

void xa_clear_mark(struct xarray *xa, unsigned long index, xa_mark_t mark)
{
	struct xa_node *node = leaf_of(xa, index);
	unsigned int off = index & XA_CHUNK_MASK;

	BUG_ON(mark >= XA_MAX_MARKS);
	if (node && (node->marks[mark] & (1ULL << off)))
		node_clear_mark(node, off, mark);
}

bool xa_get_mark(const struct xarray *xa, unsigned long index, xa_mark_t mark)
{
	struct xa_node *node = leaf_of(xa, index);

	BUG_ON(mark >= XA_MAX_MARKS);
	return node && (node->marks[mark] >> (index & XA_CHUNK_MASK)) & 1;
}

bool xa_marked(const struct xarray *xa, xa_mark_t mark)
{
	BUG_ON(mark >= XA_MAX_MARKS);
	return xa->xa_head && xa->xa_head->marks[mark];
}

/* The first slot >= @off of @node that holds something matching @filter, or XA_CHUNK_SIZE. */
static unsigned int next_slot(const struct xa_node *node, unsigned int off, xa_mark_t filter)
{
	u64 bits;

	if (filter == XA_PRESENT) {
		while (off < XA_CHUNK_SIZE && !node->slots[off])
			off++;
		return off;
	}
	bits = off < XA_CHUNK_SIZE ? node->marks[filter] >> off : 0;
	return bits ? off + __builtin_ctzll(bits) : XA_CHUNK_SIZE;
}

void *xa_find(const struct xarray *xa, unsigned long *indexp, unsigned long max,
	      xa_mark_t filter)
{
	struct xa_node *node = xa->xa_head;
	unsigned long index = *indexp;

	BUG_ON(filter != XA_PRESENT && filter >= XA_MAX_MARKS);
	if (!node || index > max || index > max_index(node))
		return NULL;
	for (;;) {
		unsigned int want = slot_of(node, index);
		unsigned int off = next_slot(node, want, filter);

		if (off == XA_CHUNK_SIZE) {
			/* Nothing left in this node: continue after it, in its parent. */
			unsigned long span = node_span_mask(node->shift);

			if (!node->parent || (index | span) == ~0UL)
				return NULL;
			index = (index | span) + 1;
			node = node->parent;
			if (index > max)
				return NULL;
		} else {
			if (off != want) {	/* skipped ahead: the first index of slot off */
				index = (index & ~node_span_mask(node->shift)) |
					((unsigned long)off << node->shift);
				if (index > max)
					return NULL;
			}
			if (!node->shift) {
				*indexp = index;
				return node->slots[off];
			}
			node = node->slots[off];
		}
	}
}

static unsigned long count_nodes(const struct xa_node *node)
{
	unsigned long n = 1;
	unsigned int i;

	if (!node->shift)
		return 1;
	for (i = 0; i < XA_CHUNK_SIZE; i++)
		if (node->slots[i])
			n += count_nodes(node->slots[i]);
	return n;
}

unsigned long xa_nodes(const struct xarray *xa)
{
	return xa->xa_head ? count_nodes(xa->xa_head) : 0;
}
