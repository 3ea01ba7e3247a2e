/* SPDX-License-Identifier: MIT */
/*
 * Red-black trees (mm/rbtree.c) with Linux's interface: the caller walks down to the
 * insertion point itself, links the node there with rb_link_node() and rebalances with
 * rb_insert_color(); rb_erase() removes. Nodes are embedded in the caller's structures.
 */
#ifndef MM_RBTREE_H
#define MM_RBTREE_H

#include <kern/compiler.h>

struct rb_node {
	struct rb_node *rb_parent;
	struct rb_node *rb_left;
	struct rb_node *rb_right;
	bool rb_red;
};

struct rb_root {
	struct rb_node *rb_node;
};

#define RB_ROOT			((struct rb_root){ NULL })
#define rb_entry(ptr, type, member)	container_of(ptr, type, member)
#define rb_entry_safe(ptr, type, member)					\
	({ __typeof__(ptr) __p = (ptr); __p ? rb_entry(__p, type, member) : NULL; })

/* Hang @node, red and childless, at *@link below @parent (NULL for the root). */
static inline void rb_link_node(struct rb_node *node, struct rb_node *parent,
				struct rb_node **link)
{
	node->rb_parent = parent;
	node->rb_left = NULL;
	node->rb_right = NULL;
	node->rb_red = true;
	*link = node;
}

/* Restore the red-black invariants after rb_link_node(). O(log n). */
void rb_insert_color(struct rb_node *node, struct rb_root *root);
/* Remove @node from the tree. O(log n). */
void rb_erase(struct rb_node *node, struct rb_root *root);

/* In-order neighbours and ends; NULL past either end or for an empty tree. */
struct rb_node *rb_first(const struct rb_root *root);
struct rb_node *rb_last(const struct rb_root *root);
struct rb_node *rb_next(const struct rb_node *node);
struct rb_node *rb_prev(const struct rb_node *node);

/*
 * Check the invariants (root black, no red node with a red child, equal black height on
 * every path, parent links consistent). Return the black height, or -1 if broken.
 */
int rb_check(const struct rb_root *root);

#endif
