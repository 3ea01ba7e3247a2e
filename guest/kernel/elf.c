// SPDX-License-Identifier: MIT
/*
 * ELF executable validation for execve (guest/include/guest/elf.h): every field exec will
 * use is checked against the file and the user address range first, so that loading never
 * meets a surprise. Pure code with no kernel state, tested on the host.
 */
#include <kern/errno.h>
#include <kern/string.h>
/* By path, so that the host test build (which does not search guest/include) finds it. */
#include "../include/guest/elf.h"

static int refuse(const char **why, const char *reason)
{
	*why = reason;
	return -ENOEXEC;
}

/* Check one PT_LOAD and append it to @img. */
static int add_segment(const Elf64_Phdr *ph, u64 file_size, u64 user_min, u64 user_max,
		       struct elf_image *img, const char **why)
{
	struct elf_segment *s;

	if (ph->p_filesz > ph->p_memsz)
		return refuse(why, "a segment has p_filesz > p_memsz");
	if (ph->p_offset > file_size || ph->p_filesz > file_size - ph->p_offset)
		return refuse(why, "a segment runs past the end of the file");
	if (ph->p_vaddr % ELF_PAGE_SIZE != ph->p_offset % ELF_PAGE_SIZE)
		return refuse(why, "a segment's p_vaddr and p_offset differ modulo the page size");
	if (ph->p_align > 1 && (ph->p_align & (ph->p_align - 1)))
		return refuse(why, "a segment's p_align is not a power of two");
	if (ph->p_vaddr < user_min || ph->p_vaddr > user_max ||
	    ph->p_memsz > user_max - ph->p_vaddr)
		return refuse(why, "a segment lies outside the user address range");
	if (!ph->p_memsz)
		return 0;		/* nothing to map */
	if (img->nr_segments && ph->p_vaddr < img->end)
		return refuse(why, "segments overlap or are not in ascending order");
	if (img->nr_segments == ELF_MAX_LOAD)
		return refuse(why, "too many PT_LOAD segments");
	s = &img->seg[img->nr_segments++];
	s->vaddr = ph->p_vaddr;
	s->memsz = ph->p_memsz;
	s->offset = ph->p_offset;
	s->filesz = ph->p_filesz;
	s->flags = ph->p_flags & (PF_R | PF_W | PF_X);
	img->end = ph->p_vaddr + ph->p_memsz;
	return 0;
}

int elf_check(const void *buf, size_t len, u64 file_size, u64 user_min, u64 user_max,
	      struct elf_image *img, const char **why)
{
	const Elf64_Ehdr *eh = buf;
	Elf64_Phdr ph;
	u64 phsize;
	unsigned int i;
	int err;

	memset(img, 0, sizeof(*img));
	if (len > file_size)
		len = file_size;
	if (len < 4 || memcmp(eh->e_ident, "\x7f" "ELF", 4))
		return refuse(why, "not an ELF file");
	if (len < sizeof(*eh))
		return refuse(why, "truncated ELF header");
	if (eh->e_ident[4] != 2 || eh->e_ident[5] != 1 || eh->e_ident[6] != 1 ||
	    eh->e_version != 1)
		return refuse(why, "not a 64-bit little-endian ELF version 1 file");
	if (eh->e_machine != EM_X86_64)
		return refuse(why, "not an x86-64 program");
	if (eh->e_type == ET_DYN)
		return refuse(why, "position-independent (ET_DYN): only static ET_EXEC programs "
			      "run here (link with -static -no-pie)");
	if (eh->e_type != ET_EXEC)
		return refuse(why, "not an executable (e_type is not ET_EXEC)");
	if (eh->e_ehsize != sizeof(*eh) || eh->e_phentsize != sizeof(Elf64_Phdr))
		return refuse(why, "bad e_ehsize or e_phentsize");
	if (!eh->e_phnum || eh->e_phnum > ELF_MAX_PHNUM)
		return refuse(why, "no program headers, or too many");
	phsize = (u64)eh->e_phnum * sizeof(Elf64_Phdr);
	if (eh->e_phoff > len || phsize > len - eh->e_phoff)
		return refuse(why, "program headers are not within the first page of the file");

	img->entry = eh->e_entry;
	img->phoff = eh->e_phoff;
	img->phnum = eh->e_phnum;
	for (i = 0; i < eh->e_phnum; i++) {
		memcpy(&ph, (const u8 *)buf + eh->e_phoff + i * sizeof(ph), sizeof(ph));
		switch (ph.p_type) {
		case PT_INTERP:
			return refuse(why, "dynamically linked (PT_INTERP): only static programs "
				      "run here");
		case PT_GNU_STACK:
			img->exec_stack = ph.p_flags & PF_X;
			break;
		case PT_LOAD:
			err = add_segment(&ph, file_size, user_min, user_max, img, why);
			if (err)
				return err;
			/* The program headers, if this segment carries them (musl reads them). */
			if (eh->e_phoff >= ph.p_offset && eh->e_phoff - ph.p_offset < ph.p_filesz &&
			    phsize <= ph.p_filesz - (eh->e_phoff - ph.p_offset))
				img->phdr_vaddr = ph.p_vaddr + (eh->e_phoff - ph.p_offset);
			break;
		}
	}
	if (!img->nr_segments)
		return refuse(why, "no PT_LOAD segment");
	for (i = 0; i < img->nr_segments; i++)
		if ((img->seg[i].flags & PF_X) && img->entry >= img->seg[i].vaddr &&
		    img->entry < img->seg[i].vaddr + img->seg[i].memsz)
			return 0;
	return refuse(why, "the entry point is not in an executable segment");
}
