// SPDX-License-Identifier: MIT
/*
 * Self-test of exec's ELF validation in the kernel build (tests/unit/test_guest_elf.c
 * covers every rule): a minimal static executable passes with its segment and entry
 * described, and copies broken in the ways exec must refuse fail with ENOEXEC.
 */
#include <kern/errno.h>
#include <kern/string.h>
#include <guest/elf.h>
#include <guest/selftest.h>

#define USER_MIN	0x10000UL
#define USER_MAX	0x7ffffffff000UL

static union {
	u8 bytes[4096];
	struct {
		Elf64_Ehdr eh;
		Elf64_Phdr ph[2];
	};
} f;

static void build(void)
{
	memset(&f, 0, sizeof(f));
	memcpy(f.eh.e_ident, "\x7f" "ELF\x02\x01\x01", 7);
	f.eh.e_type = ET_EXEC;
	f.eh.e_machine = EM_X86_64;
	f.eh.e_version = 1;
	f.eh.e_entry = 0x401000;
	f.eh.e_phoff = sizeof(Elf64_Ehdr);
	f.eh.e_ehsize = sizeof(Elf64_Ehdr);
	f.eh.e_phentsize = sizeof(Elf64_Phdr);
	f.eh.e_phnum = 1;
	f.ph[0] = (Elf64_Phdr){ .p_type = PT_LOAD, .p_flags = PF_R | PF_X, .p_offset = 0,
				.p_vaddr = 0x400000, .p_filesz = 0x2000, .p_memsz = 0x3000,
				.p_align = 0x1000 };
}

static int check(void)
{
	struct elf_image img;
	const char *why;

	return elf_check(f.bytes, sizeof(f.bytes), 0x2000, USER_MIN, USER_MAX, &img, &why);
}

int selftest_elf(void)
{
	struct elf_image img;
	const char *why = NULL;

	build();
	ST_ASSERT_EQ(elf_check(f.bytes, sizeof(f.bytes), 0x2000, USER_MIN, USER_MAX, &img, &why),
		     0);
	ST_ASSERT_EQ(img.nr_segments, 1);
	ST_ASSERT_EQ(img.entry, 0x401000);
	ST_ASSERT_EQ(img.end, 0x403000);
	ST_ASSERT_EQ(img.phdr_vaddr, 0x400040);	/* the segment carries the headers */

	f.eh.e_ident[0] = 0;
	ST_ASSERT_EQ(check(), -ENOEXEC);
	build();
	f.eh.e_type = ET_DYN;
	ST_ASSERT_EQ(check(), -ENOEXEC);
	build();
	f.eh.e_phnum = 2;
	f.ph[1] = (Elf64_Phdr){ .p_type = PT_INTERP, .p_filesz = 1, .p_memsz = 1 };
	ST_ASSERT_EQ(check(), -ENOEXEC);
	build();
	f.ph[0].p_vaddr = 0xffffffff80000000UL;		/* the kernel half */
	ST_ASSERT_EQ(check(), -ENOEXEC);
	build();
	f.ph[0].p_filesz = 0x2001;			/* past the end of the file */
	ST_ASSERT_EQ(check(), -ENOEXEC);
	build();
	f.eh.e_entry = 0x403000;			/* outside the segment */
	ST_ASSERT_EQ(check(), -ENOEXEC);
	return SELFTEST_PASS;
}
