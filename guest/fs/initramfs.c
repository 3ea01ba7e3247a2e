// SPDX-License-Identifier: MIT
/*
 * Unpacking the initramfs: every entry of the cpio archive the VMM loaded (/chosen
 * linux,initrd-start/-end) becomes a directory or a regular file in the in-memory tree,
 * its data copied into freshly allocated pages. A later entry of the same name replaces a
 * file, as Linux does. Symbolic links, devices, FIFOs and sockets are skipped with a note;
 * hard links are unpacked as separate files.
 */
#include <kern/errno.h>
#include <kern/printk.h>
#include <kern/string.h>
#include <mm/slab.h>
#include <guest/cpio.h>
#include <guest/fs.h>

static void free_file_pages(struct inode *inode)
{
	unsigned long i;

	for (i = 0; i < inode->nr_pages; i++)
		__free_page(inode->pages[i]);
	kfree(inode->pages);
	inode->pages = NULL;
	inode->nr_pages = 0;
	inode->size = 0;
}

/* Give regular file @inode the @size bytes at @data. 0 or -ENOMEM. */
static int fill_file_pages(struct inode *inode, const void *data, size_t size)
{
	unsigned long nr = (size + PAGE_SIZE - 1) / PAGE_SIZE, i;
	struct page **pages = nr ? kzalloc(nr * sizeof(*pages), GFP_KERNEL) : NULL;

	if (nr && !pages)
		return -ENOMEM;
	for (i = 0; i < nr; i++) {
		size_t n = MIN(PAGE_SIZE, size - i * PAGE_SIZE);

		pages[i] = alloc_page(GFP_KERNEL | __GFP_ZERO);
		if (!pages[i]) {
			while (i--)
				__free_page(pages[i]);
			kfree(pages);
			return -ENOMEM;
		}
		memcpy(page_address(pages[i]), (const char *)data + i * PAGE_SIZE, n);
	}
	free_file_pages(inode);
	inode->pages = pages;
	inode->nr_pages = nr;
	inode->size = size;
	return 0;
}

/* Strip leading "/" and "./": archive names are relative to the root. */
static const char *skip_root(const char *name)
{
	for (;;) {
		if (*name == '/')
			name++;
		else if (name[0] == '.' && name[1] == '/')
			name += 2;
		else
			return name;
	}
}

/* Split @path at its last '/': the parent directory's entry and the last component. */
static int lookup_parent(const char *path, struct dentry **dir, const char **last)
{
	const char *slash = strrchr(path, '/');
	char *parent;
	int err;

	*last = slash ? slash + 1 : path;
	if (!slash)
		return path_lookup(NULL, "/", dir);
	parent = kmalloc(slash - path + 2, GFP_KERNEL);
	if (!parent)
		return -ENOMEM;
	parent[0] = '/';
	memcpy(parent + 1, path, slash - path);
	parent[slash - path + 1] = '\0';
	err = path_lookup(NULL, parent, dir);
	kfree(parent);
	return err;
}

/* Create or update one entry. 0, or -E* with @why set. */
static int unpack_entry(const struct cpio_entry *e, char *why, size_t whylen)
{
	const char *path = skip_root(e->name), *last;
	unsigned int type = e->mode & S_IFMT;
	struct dentry *dir, *d;
	struct inode *inode;
	size_t len;
	int err;

	if (!*path || !strcmp(path, "."))
		return 0;			/* the root itself */
	if (type != S_IFREG && type != S_IFDIR) {
		printk("initramfs: %s: skipped (file type 0%o not supported)\n", e->name, type);
		return 0;
	}
	err = lookup_parent(path, &dir, &last);
	if (err) {
		snprintf(why, whylen, "%s: parent directory: error %d (listed after its contents?)",
			 e->name, err);
		return err;
	}
	len = strlen(last);
	if (!len || !strcmp(last, ".") || !strcmp(last, "..") || len > NAME_MAX) {
		snprintf(why, whylen, "%s: bad name", e->name);
		return -EINVAL;
	}
	d = d_lookup(dir, last, len);
	if (d && (d->inode->mode & S_IFMT) != type) {
		snprintf(why, whylen, "%s: exists as another type", e->name);
		return -EEXIST;
	}
	inode = d ? d->inode : new_inode(type | (e->mode & 07777));
	if (!inode)
		goto nomem;
	inode->mode = type | (e->mode & 07777);
	inode->mtime = e->mtime;
	if (type == S_IFREG && fill_file_pages(inode, e->data, e->size))
		goto nomem;
	if (!d) {
		err = vfs_create(dir, last, len, inode, NULL);
		if (err) {
			snprintf(why, whylen, "%s: cannot create: error %d", e->name, err);
			return err;
		}
	}
	return 0;
nomem:
	snprintf(why, whylen, "%s: out of memory (%zu bytes)", e->name, e->size);
	return -ENOMEM;
}

int initramfs_unpack(const void *start, size_t size, char *why, size_t whylen)
{
	struct cpio_iter it;
	struct cpio_entry e;
	unsigned int files = 0;
	u64 bytes = 0;
	int ret;

	cpio_init(&it, start, size);
	while ((ret = cpio_next(&it, &e, why, whylen)) > 0) {
		ret = unpack_entry(&e, why, whylen);
		if (ret)
			return ret;
		files++;
		bytes += e.size;
	}
	if (ret)
		return ret;
	printk("initramfs: %u entries, %llu bytes of data\n", files, (unsigned long long)bytes);
	return 0;
}
