/* SPDX-License-Identifier: MIT */
/*
 * The guest kernel loader: validate an x86-64 ELF executable against the boot contract
 * (include/abi/layout.h) as a pure function over a buffer, then copy its segments into
 * guest RAM at their physical addresses.
 */
#ifndef HOST_LOADER_H
#define HOST_LOADER_H

#include "host/util.h"

#define ELF_MAX_PHDRS		64	/* more program headers than this is not our kernel */
#define ELF_MAX_SEGS		16	/* PT_LOAD segments with a non-zero p_memsz */
#define KERNEL_WINDOW_SIZE	(2ULL << 30)	/* [KERNEL_VIRT_BASE, +2 GiB) -> [0, 2 GiB) */

struct elf_segment {
	unsigned int phdr;	/* index in the program header table, for messages */
	u64 paddr;		/* guest-physical load address */
	u64 memsz;		/* bytes in memory; [filesz, memsz) is zeroed (bss) */
	u64 filesz;
	u64 offset;		/* file offset of the filesz bytes */
	bool exec;		/* PF_X */
};

struct elf_image {
	u64 entry;		/* e_entry: a KERNEL_VIRT_BASE address */
	u64 end;		/* physical end of the highest segment */
	unsigned int nr_segs;
	struct elf_segment segs[ELF_MAX_SEGS];
};

/*
 * elf_check - accept @buf[0..len) only if it is a little-endian ELF64 ET_EXEC for
 * EM_X86_64 whose PT_LOAD segments each lie in [KERNEL_LOAD_MIN, @load_end) physically
 * (so clear of the VMM's data below BOOT_RESERVED_END), inside the kernel window, with
 * p_vaddr = KERNEL_VIRT_BASE + p_paddr, p_filesz <= p_memsz, file data inside the file,
 * without overlapping one another; and whose entry point is inside an executable one.
 * Returns 0 with @img filled, or -ENOEXEC with @e saying what is wrong (the caller
 * prefixes the file name).
 */
int elf_check(const void *buf, size_t len, u64 load_end, struct elf_image *img,
	      struct errbuf *e);

struct vm;

/*
 * elf_load - copy the segments of @img (checked by elf_check against this VM's RAM) from
 * @buf into guest RAM and zero their bss. Returns 0, or -EFAULT if a segment is not in RAM.
 */
int elf_load(struct vm *vm, const void *buf, const struct elf_image *img, struct errbuf *e);

#endif
