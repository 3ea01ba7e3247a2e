/* SPDX-License-Identifier: MIT */
/*
 * Checking a static x86-64 ELF executable before exec loads it (guest/kernel/elf.c). Pure
 * code: tests/unit/test_guest_elf.c includes it. Only ET_EXEC without an interpreter is
 * accepted (what `musl-gcc -static` builds); position-independent and dynamically linked
 * programs are refused with a reason.
 */
#ifndef GUEST_ELF_H
#define GUEST_ELF_H

#include <kern/types.h>

#define ELF_MAX_PHNUM		64	/* program headers in one file */
#define ELF_MAX_LOAD		16	/* PT_LOAD segments */
#define ELF_PAGE_SIZE		4096ULL

#define EI_NIDENT	16
#define ET_EXEC		2
#define ET_DYN		3
#define EM_X86_64	62
#define PT_LOAD		1
#define PT_INTERP	3
#define PT_PHDR		6
#define PT_GNU_STACK	0x6474e551
#define PF_X		1
#define PF_W		2
#define PF_R		4

typedef struct {
	u8 e_ident[EI_NIDENT];
	u16 e_type, e_machine;
	u32 e_version;
	u64 e_entry, e_phoff, e_shoff;
	u32 e_flags;
	u16 e_ehsize, e_phentsize, e_phnum, e_shentsize, e_shnum, e_shstrndx;
} Elf64_Ehdr;

typedef struct {
	u32 p_type, p_flags;
	u64 p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, p_align;
} Elf64_Phdr;

_Static_assert(sizeof(Elf64_Ehdr) == 64 && sizeof(Elf64_Phdr) == 56, "ELF64 layouts");

struct elf_segment {
	u64 vaddr, memsz;		/* where, in memory: [vaddr, vaddr + memsz) */
	u64 offset, filesz;		/* what the file holds for its start */
	u32 flags;			/* PF_R, PF_W, PF_X */
};

struct elf_image {
	u64 entry;
	u64 phoff;			/* program headers: file offset, count */
	u16 phnum;
	u64 phdr_vaddr;			/* where a PT_LOAD puts them in memory; 0: nowhere */
	unsigned int nr_segments;
	struct elf_segment seg[ELF_MAX_LOAD];	/* PT_LOADs, ascending, non-overlapping */
	u64 end;			/* end of the highest segment (the break starts above) */
	bool exec_stack;		/* PT_GNU_STACK asks for an executable stack */
};

/*
 * Check the executable whose first @len bytes are at @buf (the whole file is @file_size
 * bytes) and describe it in @img. Its segments must lie in [@user_min, @user_max).
 * Returns 0, or -ENOEXEC with a one-line reason in *why: not ELF, not 64-bit little-endian
 * x86-64, not ET_EXEC, an interpreter, header or program headers malformed or outside
 * @buf (they must be in the first @len bytes), a segment past the end of the file, with
 * p_filesz > p_memsz, misaligned (p_vaddr and p_offset disagree modulo the page size),
 * outside the user range, wrapping, overlapping or out of order, an entry point outside
 * every executable segment, or no PT_LOAD at all.
 */
int elf_check(const void *buf, size_t len, u64 file_size, u64 user_min, u64 user_max,
	      struct elf_image *img, const char **why);

#endif
