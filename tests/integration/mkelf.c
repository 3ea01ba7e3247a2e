/* SPDX-License-Identifier: MIT */
/*
 * mkelf KIND OUT: write a deliberately broken kernel image for the VMM's bad-input tests.
 * Each KIND breaks exactly one rule of docs/boot.md's image contract:
 *   not-elf      random bytes
 *   elf32        an ELFCLASS32 header
 *   wrong-arch   EM_AARCH64
 *   not-exec     ET_DYN
 *   truncated    a valid header whose program headers lie past the end of the file
 *   outside-ram  a PT_LOAD segment at 4 GiB (beyond any RAM size)
 *   low-load     a PT_LOAD segment below 1 MiB (over VMM-placed data)
 *   overlap      two PT_LOAD segments that overlap
 *   bad-entry    e_entry outside every loaded segment
 */
#include <elf.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#define KVIRT 0xffffffff80000000ULL

struct image {
	Elf64_Ehdr eh;
	Elf64_Phdr ph[2];
	unsigned char code[64];
};

static void good(struct image *im)
{
	memset(im, 0, sizeof(*im));
	memcpy(im->eh.e_ident, ELFMAG, SELFMAG);
	im->eh.e_ident[EI_CLASS] = ELFCLASS64;
	im->eh.e_ident[EI_DATA] = ELFDATA2LSB;
	im->eh.e_ident[EI_VERSION] = EV_CURRENT;
	im->eh.e_type = ET_EXEC;
	im->eh.e_machine = EM_X86_64;
	im->eh.e_version = EV_CURRENT;
	im->eh.e_entry = KVIRT + 0x100000;
	im->eh.e_phoff = offsetof(struct image, ph);
	im->eh.e_ehsize = sizeof(Elf64_Ehdr);
	im->eh.e_phentsize = sizeof(Elf64_Phdr);
	im->eh.e_phnum = 1;
	im->ph[0].p_type = PT_LOAD;
	im->ph[0].p_flags = PF_R | PF_X;
	im->ph[0].p_offset = offsetof(struct image, code);
	im->ph[0].p_vaddr = KVIRT + 0x100000;
	im->ph[0].p_paddr = 0x100000;
	im->ph[0].p_filesz = sizeof(im->code);
	im->ph[0].p_memsz = sizeof(im->code);
	im->ph[0].p_align = 0x1000;
	memset(im->code, 0xf4, sizeof(im->code));	/* hlt */
}

int main(int argc, char **argv)
{
	struct image im;
	size_t len = sizeof(im);
	const char *kind;
	FILE *f;

	if (argc != 3) {
		fprintf(stderr, "usage: mkelf KIND OUT\n");
		return 2;
	}
	kind = argv[1];
	good(&im);
	if (!strcmp(kind, "not-elf")) {
		memset(&im, 0x42, sizeof(im));
	} else if (!strcmp(kind, "elf32")) {
		im.eh.e_ident[EI_CLASS] = ELFCLASS32;
	} else if (!strcmp(kind, "wrong-arch")) {
		im.eh.e_machine = EM_AARCH64;
	} else if (!strcmp(kind, "not-exec")) {
		im.eh.e_type = ET_DYN;
	} else if (!strcmp(kind, "truncated")) {
		len = sizeof(im.eh) + 8;
	} else if (!strcmp(kind, "outside-ram")) {
		im.ph[0].p_paddr = 0x100000000ULL;
		im.ph[0].p_vaddr = KVIRT + 0x100000000ULL;
		im.eh.e_entry = im.ph[0].p_vaddr;
	} else if (!strcmp(kind, "low-load")) {
		im.ph[0].p_paddr = 0x1000;
		im.ph[0].p_vaddr = KVIRT + 0x1000;
		im.eh.e_entry = im.ph[0].p_vaddr;
	} else if (!strcmp(kind, "overlap")) {
		im.eh.e_phnum = 2;
		im.ph[1] = im.ph[0];
		im.ph[1].p_paddr += 0x20;
		im.ph[1].p_vaddr += 0x20;
	} else if (!strcmp(kind, "bad-entry")) {
		im.eh.e_entry = KVIRT + 0x200000;
	} else if (strcmp(kind, "good")) {
		fprintf(stderr, "mkelf: %s: unknown kind\n", kind);
		return 2;
	}
	f = fopen(argv[2], "wb");
	if (!f || fwrite(&im, 1, len, f) != len || fclose(f)) {
		perror(argv[2]);
		return 1;
	}
	return 0;
}
