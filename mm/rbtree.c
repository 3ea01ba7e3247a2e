// SPDX-License-Identifier: MIT
/*
 * Red-black tree rebalancing after insert and erase (the textbook algorithm, with NULL
 * leaves counted black), in-order iteration, and an invariant checker for the tests.
 */
#include "internal.h"

static bool is_red(const struct rb_node *n)
{
	return n && n->rb_red;
}

/* Put @new where @old hangs from its parent (or at the root). */
static void rb_replace_child(struct rb_node *old, struct rb_node *new, struct rb_root *root)
{
	struct rb_node *parent = old->rb_parent;

	if (!parent)
		root->rb_node = new;
	else if (parent->rb_left == old)
		parent->rb_left = new;
	else
		parent->rb_right = new;
	if (new)
		new->rb_parent = parent;
}

/* x's right child takes x's place; x becomes its left child. */
static void rb_rotate_left(struct rb_node *x, struct rb_root *root)
{
	struct rb_node *y = x->rb_right;

	x->rb_right = y->rb_left;
	if (y->rb_left)
		y->rb_left->rb_parent = x;
	rb_replace_child(x, y, root);
	y->rb_left = x;
	x->rb_parent = y;
}

static void rb_rotate_right(struct rb_node *x, struct rb_root *root)
{
	struct rb_node *y = x->rb_left;

	x->rb_left = y->rb_right;
	if (y->rb_right)
		y->rb_right->rb_parent = x;
	rb_replace_child(x, y, root);
	y->rb_right = x;
	x->rb_parent = y;
}

void rb_insert_color(struct rb_node *node, struct rb_root *root)
{
	struct rb_node *parent, *gparent, *uncle;

	while ((parent = node->rb_parent) && parent->rb_red) {
		gparent = parent->rb_parent;	/* exists: a red node is never the root */
		if (parent == gparent->rb_left) {
			uncle = gparent->rb_right;
			if (is_red(uncle)) {
				parent->rb_red = uncle->rb_red = false;
				gparent->rb_red = true;
				node = gparent;
				continue;
			}
			if (node == parent->rb_right) {
				rb_rotate_left(parent, root);
				node = parent;
				parent = node->rb_parent;
			}
			parent->rb_red = false;
			gparent->rb_red = true;
			rb_rotate_right(gparent, root);
		} else {
			uncle = gparent->rb_left;
			if (is_red(uncle)) {
				parent->rb_red = uncle->rb_red = false;
				gparent->rb_red = true;
				node = gparent;
				continue;
			}
			if (node == parent->rb_left) {
				rb_rotate_right(parent, root);
				node = parent;
				parent = node->rb_parent;
			}
			parent->rb_red = false;
			gparent->rb_red = true;
			rb_rotate_left(gparent, root);
		}
	}
	root->rb_node->rb_red = false;
}

/* A black node was removed above @x (possibly NULL), whose parent is @parent: the path
 * through x is one black short. Recolour and rotate until it is not. */
static void rb_erase_fixup(struct rb_node *x, struct rb_node *parent, struct rb_root *root)
{
	struct rb_node *w;

	while (x != root->rb_node && !is_red(x)) {
		if (x == parent->rb_left) {
			w = parent->rb_right;
			if (is_red(w)) {
				w->rb_red = false;
				parent->rb_red = true;
				rb_rotate_left(parent, root);
				w = parent->rb_right;
			}
			if (!is_red(w->rb_left) && !is_red(w->rb_right)) {
				w->rb_red = true;
				x = parent;
				parent = x->rb_parent;
				continue;
			}
			if (!is_red(w->rb_right)) {
				w->rb_left->rb_red = false;
				w->rb_red = true;
				rb_rotate_right(w, root);
				w = parent->rb_right;
			}
			w->rb_red = parent->rb_red;
			parent->rb_red = false;
			w->rb_right->rb_red = false;
			rb_rotate_left(parent, root);
		} else {
			w = parent->rb_left;
			if (is_red(w)) {
				w->rb_red = false;
				parent->rb_red = true;
				rb_rotate_right(parent, root);
				w = parent->rb_left;
			}
			if (!is_red(w->rb_left) && !is_red(w->rb_right)) {
				w->rb_red = true;
				x = parent;
				parent = x->rb_parent;
				continue;
			}
			if (!is_red(w->rb_left)) {
				w->rb_right->rb_red = false;
				w->rb_red = true;
				rb_rotate_left(w, root);
				w = parent->rb_left;
			}
			w->rb_red = parent->rb_red;
			parent->rb_red = false;
			w->rb_left->rb_red = false;
			rb_rotate_right(parent, root);
		}
		x = root->rb_node;
		break;
	}
	if (x)
		x->rb_red = false;
}

void rb_erase(struct rb_node *z, struct rb_root *root)
{
	struct rb_node *x, *parent, *y;
	bool removed_red;

	if (!z->rb_left || !z->rb_right) {
		/* At most one child: it takes z's place. */
		x = z->rb_left ? z->rb_left : z->rb_right;
		parent = z->rb_parent;
		removed_red = z->rb_red;
		rb_replace_child(z, x, root);
	} else {
		/* Two children: z's successor y (no left child) takes z's place and colour. */
		y = z->rb_right;
		while (y->rb_left)
			y = y->rb_left;
		removed_red = y->rb_red;
		x = y->rb_right;
		if (y->rb_parent == z) {
			parent = y;
		} else {
			parent = y->rb_parent;
			rb_replace_child(y, x, root);
			y->rb_right = z->rb_right;
			y->rb_right->rb_parent = y;
		}
		rb_replace_child(z, y, root);
		y->rb_left = z->rb_left;
		y->rb_left->rb_parent = y;
		y->rb_red = z->rb_red;
	}
	if (!removed_red)
		rb_erase_fixup(x, parent, root);
}

struct rb_node *rb_first(const struct rb_root *root)
{
	struct rb_node *n = root->rb_node;

	while (n && n->rb_left)
		n = n->rb_left;
	return n;
}

struct rb_node *rb_last(const struct rb_root *root)
{
	struct rb_node *n = root->rb_node;

	while (n && n->rb_right)
		n = n->rb_right;
	return n;
}

struct rb_node *rb_next(const struct rb_node *node)
{
	const struct rb_node *n = node;

	if (n->rb_right) {
		n = n->rb_right;
		while (n->rb_left)
			n = n->rb_left;
		return (struct rb_node *)n;
	}
	while (n->rb_parent && n == n->rb_parent->rb_right)
		n = n->rb_parent;
	return n->rb_parent;
}

struct rb_node *rb_prev(const struct rb_node *node)
{
	const struct rb_node *n = node;

	if (n->rb_left) {
		n = n->rb_left;
		while (n->rb_right)
			n = n->rb_right;
		return (struct rb_node *)n;
	}
	while (n->rb_parent && n == n->rb_parent->rb_left)
		n = n->rb_parent;
	return n->rb_parent;
}

static int rb_check_node(const struct rb_node *n, const struct rb_node *parent)
{
	int l, r;

	if (!n)
		return 1;
	if (n->rb_parent != parent)
		return -1;
	if (n->rb_red && (is_red(n->rb_left) || is_red(n->rb_right)))
		return -1;
	l = rb_check_node(n->rb_left, n);
	r = rb_check_node(n->rb_right, n);
	if (l < 0 || l != r)
		return -1;
	return l + !n->rb_red;
}

int rb_check(const struct rb_root *root)
{
	if (is_red(root->rb_node))
		return -1;
	return rb_check_node(root->rb_node, NULL);
}
