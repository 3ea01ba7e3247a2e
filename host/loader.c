/* SPDX-License-Identifier: MIT */
/* ELF validation (pure, over a buffer) and loading into guest RAM; contract in loader.h. */
#include <elf.h>
#include <errno.h>
#include <string.h>

#include <abi/layout.h>
#include "host/kvm.h"
#include "host/loader.h"

#define NOT_X86_64	"not an x86-64 ELF executable"

static int check_ehdr(const Elf64_Ehdr *eh, size_t len, struct errbuf *e)
{
	if (len < SELFMAG || memcmp(eh->e_ident, ELFMAG, SELFMAG))
		return errf(e, -ENOEXEC, "not an ELF file");
	if (len < EI_NIDENT)
		return errf(e, -ENOEXEC, "truncated ELF header");
	if (eh->e_ident[EI_CLASS] == ELFCLASS32)
		return errf(e, -ENOEXEC, NOT_X86_64 " (32-bit ELF)");
	if (eh->e_ident[EI_CLASS] != ELFCLASS64)
		return errf(e, -ENOEXEC, NOT_X86_64 " (ELF class %u)", eh->e_ident[EI_CLASS]);
	if (len < sizeof(*eh))
		return errf(e, -ENOEXEC, "truncated ELF header");
	if (eh->e_ident[EI_DATA] != ELFDATA2LSB)
		return errf(e, -ENOEXEC, NOT_X86_64 " (not little-endian)");
	if (eh->e_ident[EI_VERSION] != EV_CURRENT || eh->e_version != EV_CURRENT)
		return errf(e, -ENOEXEC, "unknown ELF version");
	if (eh->e_machine != EM_X86_64)
		return errf(e, -ENOEXEC, NOT_X86_64 " (e_machine %u)", eh->e_machine);
	if (eh->e_type == ET_DYN)
		return errf(e, -ENOEXEC, NOT_X86_64 " (ET_DYN: position-independent; link -no-pie)");
	if (eh->e_type != ET_EXEC)
		return errf(e, -ENOEXEC, NOT_X86_64 " (e_type %u)", eh->e_type);
	if (eh->e_ehsize != sizeof(Elf64_Ehdr))
		return errf(e, -ENOEXEC, "bad ELF header size %u", eh->e_ehsize);
	if (eh->e_phentsize != sizeof(Elf64_Phdr))
		return errf(e, -ENOEXEC, "bad program header size %u", eh->e_phentsize);
	if (!eh->e_phnum)
		return errf(e, -ENOEXEC, "no program headers");
	if (eh->e_phnum > ELF_MAX_PHDRS)
		return errf(e, -ENOEXEC, "%u program headers; at most %d", eh->e_phnum,
			    ELF_MAX_PHDRS);
	if (eh->e_phoff > len || (u64)eh->e_phnum * sizeof(Elf64_Phdr) > len - eh->e_phoff)
		return errf(e, -ENOEXEC, "truncated ELF file: program headers past its end");
	if (eh->e_phoff % 8)
		return errf(e, -ENOEXEC, "misaligned program header table");
	return 0;
}

/* Check one PT_LOAD header (index @i) and record it as a segment. */
static int check_load(const Elf64_Phdr *ph, unsigned int i, size_t len, u64 load_end,
		      struct elf_image *img, struct errbuf *e)
{
	u64 start = ph->p_paddr, end = ph->p_paddr + ph->p_memsz;
	u64 low = MAX((u64)KERNEL_LOAD_MIN, (u64)BOOT_RESERVED_END);
	char sz[16];
	unsigned int j;

	if (ph->p_filesz > ph->p_memsz)
		return errf(e, -ENOEXEC, "segment %u: p_filesz 0x%llx > p_memsz 0x%llx", i,
			    (unsigned long long)ph->p_filesz, (unsigned long long)ph->p_memsz);
	if (ph->p_offset > len || ph->p_filesz > len - ph->p_offset)
		return errf(e, -ENOEXEC, "truncated ELF file: segment %u data past its end", i);
	if (end < start)
		return errf(e, -ENOEXEC, "segment %u: address range wraps", i);
	if (start < low)
		return errf(e, -ENOEXEC,
			    "segment %u at 0x%llx: below 0x%llx (the VMM's boot data is there)",
			    i, (unsigned long long)start, (unsigned long long)low);
	if (end > load_end)
		return errf(e, -ENOEXEC, "segment %u [0x%llx, 0x%llx): outside guest RAM (%s)",
			    i, (unsigned long long)start, (unsigned long long)end,
			    fmt_size(sz, sizeof(sz), load_end));
	if (end > KERNEL_WINDOW_SIZE)
		return errf(e, -ENOEXEC, "segment %u [0x%llx, 0x%llx): above the 2 GiB kernel window",
			    i, (unsigned long long)start, (unsigned long long)end);
	if (ph->p_vaddr != KERNEL_VIRT_BASE + ph->p_paddr)
		return errf(e, -ENOEXEC, "segment %u: p_vaddr 0x%llx is not 0x%llx + p_paddr 0x%llx",
			    i, (unsigned long long)ph->p_vaddr, KERNEL_VIRT_BASE,
			    (unsigned long long)ph->p_paddr);
	for (j = 0; j < img->nr_segs; j++) {
		const struct elf_segment *s = &img->segs[j];

		if (start < s->paddr + s->memsz && s->paddr < end)
			return errf(e, -ENOEXEC, "segments %u and %u overlap", s->phdr, i);
	}
	if (img->nr_segs == ELF_MAX_SEGS)
		return errf(e, -ENOEXEC, "more than %d loadable segments", ELF_MAX_SEGS);
	img->segs[img->nr_segs++] = (struct elf_segment){
		.phdr = i,
		.paddr = start,
		.memsz = ph->p_memsz,
		.filesz = ph->p_filesz,
		.offset = ph->p_offset,
		.exec = ph->p_flags & PF_X,
	};
	return 0;
}

int elf_check(const void *buf, size_t len, u64 load_end, struct elf_image *img,
	      struct errbuf *e)
{
	const Elf64_Ehdr *eh = buf;
	const Elf64_Phdr *ph;
	unsigned int i;
	int err;

	memset(img, 0, sizeof(*img));
	err = check_ehdr(eh, len, e);
	if (err)
		return err;
	ph = (const Elf64_Phdr *)((const char *)buf + eh->e_phoff);
	for (i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type == PT_INTERP)
			return errf(e, -ENOEXEC, "dynamically linked (PT_INTERP); need static");
		if (ph[i].p_type != PT_LOAD || !ph[i].p_memsz)
			continue;
		err = check_load(&ph[i], i, len, load_end, img, e);
		if (err)
			return err;
	}
	if (!img->nr_segs)
		return errf(e, -ENOEXEC, "no loadable segments");
	for (i = 0; i < img->nr_segs; i++)
		img->end = MAX(img->end, img->segs[i].paddr + img->segs[i].memsz);
	for (i = 0; i < img->nr_segs; i++) {
		const struct elf_segment *s = &img->segs[i];
		u64 vstart = KERNEL_VIRT_BASE + s->paddr;

		if (s->exec && eh->e_entry >= vstart && eh->e_entry - vstart < s->memsz)
			break;
	}
	if (i == img->nr_segs)
		return errf(e, -ENOEXEC, "entry point 0x%llx is not in an executable segment",
			    (unsigned long long)eh->e_entry);
	img->entry = eh->e_entry;
	return 0;
}

int elf_load(struct vm *vm, const void *buf, const struct elf_image *img, struct errbuf *e)
{
	unsigned int i;

	for (i = 0; i < img->nr_segs; i++) {
		const struct elf_segment *s = &img->segs[i];
		u8 *dst = gpa_to_host(vm, s->paddr, s->memsz);

		if (!dst)
			return errf(e, -EFAULT, "segment %u [0x%llx, +0x%llx): not in guest RAM",
				    s->phdr, (unsigned long long)s->paddr,
				    (unsigned long long)s->memsz);
		memcpy(dst, (const u8 *)buf + s->offset, s->filesz);
		memset(dst + s->filesz, 0, s->memsz - s->filesz);
	}
	return 0;
}
