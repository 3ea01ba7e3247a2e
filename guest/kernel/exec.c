// SPDX-License-Identifier: MIT
/*
 * execve: replace the calling process's program. Everything that can fail happens before
 * the point of no return, on a new address space that is not yet running: copy argv and
 * envp into the kernel, find the ELF file (in the initramfs, or on the mounted ext2) and
 * check it (guest/kernel/elf.c), map its PT_LOADs (an ext2 program's as private file
 * mappings of its page cache, as Linux's binfmt_elf: the text faults in lazily and is
 * shared between processes; an initramfs program's as anonymous copies), build the stack
 * (strings, argv, envp, auxv) the Linux ABI prescribes. Then the old address space goes,
 * close-on-exec descriptors close, and the task returns to the new entry point.
 */
#include <kern/errno.h>
#include <kern/printk.h>
#include <kern/string.h>
#include <mm/slab.h>
#include <asm/processor.h>
#include <guest/elf.h>
#include <guest/fs.h>
#include <guest/sched.h>
#include <guest/setup.h>
#include <guest/syscalls.h>
#include <guest/uapi.h>

#define STACK_INIT_SIZE	(128UL << 10)	/* the stack VMA at exec; it grows on demand */
#define ARG_MAX_BYTES	(64UL << 10)	/* argv + envp: strings and pointers */
#define AT_CLKTCK_HZ	100
#define PLATFORM	"x86_64"
#define NR_AUXV		18		/* pairs, AT_NULL included */

/* Where argv or envp come from: a user array, or (kernel_execve) a kernel one. */
struct arg_src {
	const char __user *const __user *user;
	const char *const *kernel;
};

struct binprm {
	char *filename;			/* the path as given (kmalloc'd) */
	struct inode *inode;
	struct file *file;		/* an ext2 program: open while it loads */
	bool write_denied;		/* deny_write_access(file) holds */
	struct elf_image img;
	char *strings;			/* argv strings then envp strings, each NUL-ended */
	size_t used;			/* bytes of strings */
	size_t budget;			/* what is left of ARG_MAX_BYTES */
	int argc, envc;
	struct mm_struct *mm;		/* the new address space */
	unsigned long sp;		/* the new program's initial stack pointer */
	const char *why;		/* why the ELF file was refused */
};

/* Append the strings of @src to b->strings; their count goes to *count. */
static int copy_strings(struct binprm *b, struct arg_src src, int *count)
{
	const char *p;
	long len, room;
	int i;

	*count = 0;
	if (!src.user && !src.kernel)
		return 0;		/* a NULL array is an empty one, as on Linux */
	for (i = 0;; i++) {
		if (src.kernel)
			p = src.kernel[i];
		else if (get_user(p, &src.user[i]))
			return -EFAULT;
		if (!p)
			break;
		if (b->budget <= sizeof(char *))
			return -E2BIG;
		b->budget -= sizeof(char *);	/* its pointer on the new stack */
		room = b->budget;
		if (src.kernel) {
			len = strnlen(p, room);
			if (len < room)
				memcpy(b->strings + b->used, p, len + 1);
		} else {
			len = strncpy_from_user(b->strings + b->used, p, room);
			if (len < 0)
				return len;
		}
		if (len >= room)
			return -E2BIG;
		b->used += len + 1;
		b->budget -= len + 1;
		(*count)++;
	}
	return 0;
}

/*
 * Write @len bytes to @addr of @mm (not the running mm), whose pages are present, private
 * and writable (faulted in for writing): copied from kernel memory @src, or read from
 * @inode at @file_off, or (both NULL) zeros. -EFAULT for a page that is missing or not
 * writable: a page-cache page mapped by a file VMA is never written here.
 */
static int copy_to_mm(struct mm_struct *mm, unsigned long addr, const void *src, size_t len,
		      const struct inode *inode, u64 file_off)
{
	size_t done = 0, n;
	pte_t *ptep;
	void *dst;

	while (done < len) {
		n = MIN(len - done, PAGE_SIZE - (addr + done) % PAGE_SIZE);
		ptep = follow_pte(mm, addr + done);
		if (!ptep)
			return -EFAULT;
		if (!pte_present(*ptep) || !pte_write(*ptep) || is_zero_pfn(pte_pfn(*ptep))) {
			pte_unmap_unlock(mm, ptep);
			return -EFAULT;
		}
		dst = (char *)page_address(pfn_to_page(pte_pfn(*ptep))) + (addr + done) % PAGE_SIZE;
		if (inode)
			inode_read(inode, file_off + done, dst, n);
		else if (src)
			memcpy(dst, (const char *)src + done, n);
		else
			memset(dst, 0, n);
		pte_unmap_unlock(mm, ptep);
		done += n;
	}
	return 0;
}

static unsigned long seg_prot(u32 flags)
{
	return (flags & PF_R ? PROT_READ : 0) | (flags & PF_W ? PROT_WRITE : 0) |
	       (flags & PF_X ? PROT_EXEC : 0);
}

/*
 * Can every PT_LOAD be a private file mapping? Only an ext2 program has a page cache to
 * map: the initramfs's ramfs inodes keep their bytes in inode->pages[], with no
 * address_space, so those programs are copied. And each page of a file mapping shows the
 * file at one offset, so a segment whose p_vaddr and p_offset differ modulo the page size
 * (elf_check() refuses those today), or two segments sharing a virtual page (each needs its
 * own bytes there), are copied too. So is a read-only segment whose bss starts inside its
 * last file page: the tail of that page must read as zeros, which needs a private copy the
 * program could not have written to (Linux leaves the file's bytes there).
 */
static bool can_map_file(const struct binprm *b)
{
	const struct elf_image *img = &b->img;
	unsigned int i;

	if (!b->file || !b->inode->i_mapping)
		return false;
	for (i = 0; i < img->nr_segments; i++) {
		const struct elf_segment *s = &img->seg[i];

		if (s->vaddr % PAGE_SIZE != s->offset % PAGE_SIZE)
			return false;
		if (i && ALIGN_DOWN(s->vaddr, PAGE_SIZE) <
			 PAGE_ALIGN(img->seg[i - 1].vaddr + img->seg[i - 1].memsz))
			return false;
		if (s->memsz > s->filesz && s->filesz && (s->vaddr + s->filesz) % PAGE_SIZE &&
		    !(s->flags & PF_W))
			return false;
	}
	return true;
}

/*
 * Linux's elf_map()/elf_load(): each PT_LOAD becomes a MAP_PRIVATE|MAP_FIXED mapping of
 * b->file with the segment's own protection (the VMA takes its own file reference), so its
 * pages fault in through filemap_fault() with readahead and fault-around, shared in the page
 * cache with every other process running the program. The bss: the tail of the last file
 * page is zeroed in a private copy (a write fault, as Linux's padzero() is), whole pages
 * beyond are anonymous memory.
 */
static int map_file_segments(struct binprm *b)
{
	const struct elf_image *img = &b->img;
	unsigned int i;
	int err;

	for (i = 0; i < img->nr_segments; i++) {
		const struct elf_segment *s = &img->seg[i];
		unsigned long off = s->vaddr % PAGE_SIZE, prot = seg_prot(s->flags);
		unsigned long start = s->vaddr - off, end = PAGE_ALIGN(s->vaddr + s->memsz);
		unsigned long zero = start, addr;

		if (s->filesz) {
			addr = do_mmap(b->mm, b->file, start, off + s->filesz, prot,
				       MAP_PRIVATE | MAP_FIXED, (s->offset - off) >> PAGE_SHIFT);
			if (IS_ERR_VALUE(addr))
				return (long)addr;
			zero = s->vaddr + s->filesz;
			if (s->memsz > s->filesz && zero % PAGE_SIZE) {
				err = mm_populate(b->mm, ALIGN_DOWN(zero, PAGE_SIZE), PAGE_SIZE);
				if (!err)
					err = copy_to_mm(b->mm, zero, NULL,
							 PAGE_SIZE - zero % PAGE_SIZE, NULL, 0);
				if (err)
					return err;
			}
			zero = PAGE_ALIGN(zero);
		}
		if (end > zero) {
			addr = do_mmap(b->mm, NULL, zero, end - zero, prot,
				       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, 0);
			if (IS_ERR_VALUE(addr))
				return (long)addr;
		}
	}
	return 0;
}

/*
 * The copy path: map every PT_LOAD read-write, fault it in, copy its file bytes (the rest
 * stays zero: the bss), then give each its own protection; a page two segments share gets
 * both.
 */
static int copy_segments(struct binprm *b)
{
	const struct elf_image *img = &b->img;
	unsigned long start, end, from, mapped = 0;
	unsigned int i;
	int err;

	for (i = 0; i < img->nr_segments; i++) {
		const struct elf_segment *s = &img->seg[i];

		start = ALIGN_DOWN(s->vaddr, PAGE_SIZE);
		end = PAGE_ALIGN(s->vaddr + s->memsz);
		from = MAX(start, mapped);
		if (from < end) {
			unsigned long addr = do_mmap(b->mm, NULL, from, end - from,
						     PROT_READ | PROT_WRITE,
						     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, 0);

			if (IS_ERR_VALUE(addr))
				return (long)addr;
			err = mm_populate(b->mm, from, end - from);
			if (err)
				return err;
		}
		err = copy_to_mm(b->mm, s->vaddr, NULL, s->filesz, b->inode, s->offset);
		if (err)
			return err;
		mapped = end;
	}
	for (i = 0; i < img->nr_segments; i++) {
		const struct elf_segment *s = &img->seg[i];
		unsigned long prot = seg_prot(s->flags);

		start = ALIGN_DOWN(s->vaddr, PAGE_SIZE);
		end = PAGE_ALIGN(s->vaddr + s->memsz);
		err = do_mprotect(b->mm, start, end - start, prot);
		if (!err && i && start < PAGE_ALIGN(img->seg[i - 1].vaddr + img->seg[i - 1].memsz))
			err = do_mprotect(b->mm, start, PAGE_SIZE,
					  prot | seg_prot(img->seg[i - 1].flags));
		if (err)
			return err;
	}
	return 0;
}

/* Map the program's segments into b->mm; the break starts at the page after the last. */
static int map_segments(struct binprm *b)
{
	int err = can_map_file(b) ? map_file_segments(b) : copy_segments(b);

	if (!err)
		b->mm->start_brk = b->mm->brk = PAGE_ALIGN(b->img.end);
	return err;
}

/* 16 bytes for AT_RANDOM: TSC-seeded splitmix64, not cryptographic. */
static void random_bytes(u8 out[16])
{
	static u64 state;
	unsigned int i;

	state += arch_rdtsc();
	for (i = 0; i < 2; i++) {
		u64 z = (state += 0x9e3779b97f4a7c15ULL);

		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
		z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
		z ^= z >> 31;
		memcpy(out + 8 * i, &z, 8);
	}
}

/*
 * The initial stack, from the top of user space down: 8 zero bytes, the file name, the
 * envp and argv strings, the platform string, 16 random bytes, the program headers when no
 * segment carries them, then (16-byte aligned) argc, argv[], NULL, envp[], NULL, auxv.
 */
static int setup_stack(struct binprm *b)
{
	const struct elf_image *img = &b->img;
	size_t fnlen = strlen(b->filename) + 1, phsize = 0, strsize, words, size;
	unsigned long top = STACK_TOP, strtop, str, execfn, platform, random, phdr, addr, err;
	unsigned long prot = PROT_READ | PROT_WRITE | (img->exec_stack ? PROT_EXEC : 0);
	u64 *w;
	char *buf;
	int ret, n;

	if (!img->phdr_vaddr)
		phsize = (size_t)img->phnum * sizeof(Elf64_Phdr);
	/* + 8: the program headers are 8-byte aligned below the random bytes. */
	strsize = 8 + fnlen + b->used + sizeof(PLATFORM) + 16 + phsize + 8;
	words = 1 + b->argc + 1 + b->envc + 1 + 2 * NR_AUXV;
	size = ALIGN_UP(ALIGN_UP(strsize, 16) + words * 8, 16);
	if (size > STACK_INIT_SIZE - PAGE_SIZE)
		return -E2BIG;

	addr = do_mmap(b->mm, NULL, top - STACK_INIT_SIZE, STACK_INIT_SIZE, prot,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_GROWSDOWN, 0);
	if (IS_ERR_VALUE(addr))
		return (long)addr;
	ret = mm_populate(b->mm, top - PAGE_ALIGN(size), PAGE_ALIGN(size));
	if (ret)
		return ret;
	buf = kzalloc(size, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	b->sp = top - size;
#define AT(a)	(buf + ((a) - b->sp))		/* kernel address of user address @a */

	strtop = top - 8;
	execfn = strtop - fnlen;
	memcpy(AT(execfn), b->filename, fnlen);
	str = execfn - b->used;			/* argv strings, then envp strings */
	memcpy(AT(str), b->strings, b->used);
	platform = str - sizeof(PLATFORM);
	memcpy(AT(platform), PLATFORM, sizeof(PLATFORM));
	random = platform - 16;
	random_bytes((u8 *)AT(random));
	phdr = img->phdr_vaddr;
	if (phsize) {
		phdr = ALIGN_DOWN(random - phsize, 8);
		inode_read(b->inode, img->phoff, AT(phdr), phsize);
	}

	w = (u64 *)buf;
	*w++ = b->argc;
	for (n = 0; n < b->argc; n++) {
		*w++ = str;
		str += strlen(AT(str)) + 1;
	}
	*w++ = 0;
	for (n = 0; n < b->envc; n++) {
		*w++ = str;
		str += strlen(AT(str)) + 1;
	}
	*w++ = 0;
	{
		const u64 auxv[2 * NR_AUXV] = {
			AT_PHDR, phdr, AT_PHENT, sizeof(Elf64_Phdr), AT_PHNUM, img->phnum,
			AT_PAGESZ, PAGE_SIZE, AT_BASE, 0, AT_FLAGS, 0, AT_ENTRY, img->entry,
			AT_UID, 0, AT_EUID, 0, AT_GID, 0, AT_EGID, 0, AT_PLATFORM, platform,
			AT_HWCAP, cpuid(1, 0).edx, AT_CLKTCK, AT_CLKTCK_HZ, AT_SECURE, 0,
			AT_RANDOM, random, AT_EXECFN, execfn, AT_NULL, 0,
		};

		memcpy(w, auxv, sizeof(auxv));
		w += ARRAY_SIZE(auxv);
	}
#undef AT
	BUG_ON((char *)w > buf + size - strsize);	/* the pointers stay below the strings */
	err = copy_to_mm(b->mm, b->sp, buf, size, NULL, 0);
	kfree(buf);
	b->mm->start_stack = b->sp;
	return err;
}

/* Find the program: in the initramfs tree, or open on the mounted ext2. */
static int lookup_binprm(struct binprm *b)
{
	const char *inner = ext2_vfs_path(AT_FDCWD, b->filename);
	struct dentry *d;
	int err;

	if (inner) {
		err = ext2_vfs_open(inner, O_RDONLY, 0, &b->file);
		if (!err)
			b->inode = b->file->inode;
		return err;
	}
	err = path_lookup(NULL, b->filename, &d);
	if (!err)
		b->inode = d->inode;
	return err;
}

/* Find, check and load the program into a new address space. */
static int prepare_binprm(struct binprm *b)
{
	const struct inode *inode;
	size_t len;
	void *head;
	int err = lookup_binprm(b);

	if (err)
		return err;
	inode = b->inode;
	if (!S_ISREG(inode->mode) || !(inode->mode & S_IXUGO))
		return -EACCES;
	/* Nobody may write the file while it runs, nor run it while it is written. */
	if (b->file) {
		err = deny_write_access(b->file);
		if (err)
			return err;
		b->write_denied = true;
	}
	if (!inode->size)
		return -ENOEXEC;
	len = MIN(inode->size, PAGE_SIZE);
	head = kmalloc(len, GFP_KERNEL);
	if (!head)
		return -ENOMEM;
	err = inode_read(inode, 0, head, len) == len ? 0 : -EIO;
	if (!err)
		err = elf_check(head, len, inode->size, MMAP_MIN_ADDR_DEFAULT, TASK_SIZE,
				&b->img, &b->why);
	kfree(head);
	if (err)
		return err;
	b->mm = mm_alloc();
	if (!b->mm)
		return -ENOMEM;
	err = map_segments(b);
	if (!err)
		err = setup_stack(b);
	return err;
}

void exe_file_put(struct task *t)
{
	if (!t->exe_file)
		return;
	allow_write_access(t->exe_file);
	fput(t->exe_file);
	t->exe_file = NULL;
}

void exe_file_dup(struct task *child, struct task *parent)
{
	child->exe_file = parent->exe_file;
	if (!child->exe_file)
		return;
	get_file(child->exe_file);
	BUG_ON(deny_write_access(child->exe_file));	/* the parent's denial holds */
}

/* The point of no return: current becomes the new program. */
static void exec_commit(struct binprm *b)
{
	struct task *t = current;
	struct mm_struct *old = t->mm;
	const char *base = strrchr(b->filename, '/');

	files_close_on_exec(t);
	exe_file_put(t);
	t->exe_file = b->file;		/* its reference and write denial move to the task */
	b->file = NULL;
	t->mm = b->mm;
	b->mm = NULL;
	write_cr3(mm_pgd_phys(t->mm));
	if (old)
		mmput(old);
	set_task_comm(t, base ? base + 1 : b->filename);
	t->clear_child_tid = 0;
	t->set_child_tid = NULL;
	start_thread(current_pt_regs(), b->img.entry, b->sp);
}

/* execve with @filename already in the kernel (kmalloc'd, consumed). */
static long do_execve(char *filename, struct arg_src argv, struct arg_src envp,
		      const char **why)
{
	struct binprm b = { .filename = filename, .budget = ARG_MAX_BYTES };
	int err;

	b.strings = kmalloc(ARG_MAX_BYTES, GFP_KERNEL);
	err = b.strings ? 0 : -ENOMEM;
	if (!err)
		err = copy_strings(&b, argv, &b.argc);
	if (!err)
		err = copy_strings(&b, envp, &b.envc);
	if (!err)
		err = prepare_binprm(&b);
	if (!err)
		exec_commit(&b);
	if (b.mm)
		mmput(b.mm);
	if (b.file && b.write_denied)
		allow_write_access(b.file);
	if (b.file)
		fput(b.file);
	if (why)
		*why = b.why;
	kfree(b.strings);
	kfree(filename);
	return err;
}

SYSCALL_DEFINE3(execve, const char __user *, path, const char __user *const __user *, argv,
		const char __user *const __user *, envp)
{
	char *filename;
	int err = getname(path, &filename);

	if (err)
		return err;
	return do_execve(filename, (struct arg_src){ .user = argv },
			 (struct arg_src){ .user = envp }, NULL);
}

int kernel_execve(const char *path, const char *const *argv, const char *const *envp)
{
	size_t len = strlen(path) + 1;
	char *filename = kmalloc(len, GFP_KERNEL);
	const char *why = NULL;
	long err;

	if (!filename)
		return -ENOMEM;
	memcpy(filename, path, len);
	err = do_execve(filename, (struct arg_src){ .kernel = argv },
			(struct arg_src){ .kernel = envp }, &why);
	if (err && why)
		printk("exec: %s: %s\n", path, why);
	return err;
}
