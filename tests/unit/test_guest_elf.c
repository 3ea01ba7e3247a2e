// SPDX-License-Identifier: MIT
/*
 * Host tests of exec's ELF validation (guest/kernel/elf.c, included here): a static
 * executable built field by field passes with its segments, entry and program-header
 * address described; each rule exec relies on refuses a file that breaks it with ENOEXEC
 * and a reason; real files are judged as the kernel must (this PIE test binary refused, a
 * static musl program from build/progs/ accepted); random corruption never yields an image
 * that breaks the rules. Headers are read from buffers of exactly their size (ASan).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guest/kernel/elf.c"
#include "mm_test.h"

#define USER_MIN	0x10000UL
#define USER_MAX	0x7ffffffff000UL
#define FILE_SIZE	0x10000UL

static union {
	unsigned char bytes[4096];
	struct {
		Elf64_Ehdr eh;
		Elf64_Phdr ph[ELF_MAX_PHNUM + 1];
	};
} f;
static struct elf_image img;
static const char *why;

/* A static executable: text RX at 0x400000 (with the headers), data RW with bss after. */
static void standard(void)
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
	f.eh.e_phnum = 3;
	f.ph[0] = (Elf64_Phdr){ .p_type = PT_LOAD, .p_flags = PF_R | PF_X, .p_offset = 0,
				.p_vaddr = 0x400000, .p_filesz = 0x2000, .p_memsz = 0x2000,
				.p_align = 0x1000 };
	f.ph[1] = (Elf64_Phdr){ .p_type = PT_LOAD, .p_flags = PF_R | PF_W, .p_offset = 0x2f30,
				.p_vaddr = 0x403f30, .p_filesz = 0x200, .p_memsz = 0x900,
				.p_align = 0x1000 };
	f.ph[2] = (Elf64_Phdr){ .p_type = PT_GNU_STACK, .p_flags = PF_R | PF_W };
}

static int check_len(size_t len, unsigned long file_size)
{
	unsigned char *copy = malloc(len);
	int ret;

	memcpy(copy, f.bytes, len);
	why = NULL;
	ret = elf_check(copy, len, file_size, USER_MIN, USER_MAX, &img, &why);
	free(copy);
	return ret;
}

static int check(void)
{
	return check_len(sizeof(f.bytes), FILE_SIZE);
}

/* The file is refused with a reason containing @word. */
static bool refused(const char *word)
{
	int ret = check();

	if (ret != -ENOEXEC || !why || !strstr(why, word)) {
		tap_diag("elf_check returned %d, why \"%s\" (want -ENOEXEC and \"%s\")", ret,
			 why ? why : "(none)", word);
		return false;
	}
	return true;
}

static bool test_static_executable(void)
{
	standard();
	CHECK(check() == 0);
	CHECK(img.entry == 0x401000 && img.phoff == 64 && img.phnum == 3);
	CHECK(img.nr_segments == 2);
	CHECK(img.seg[0].vaddr == 0x400000 && img.seg[0].memsz == 0x2000);
	CHECK(img.seg[0].flags == (PF_R | PF_X) && img.seg[0].offset == 0);
	CHECK(img.seg[1].vaddr == 0x403f30 && img.seg[1].filesz == 0x200);
	CHECK(img.seg[1].memsz == 0x900 && img.seg[1].flags == (PF_R | PF_W));
	CHECK(img.end == 0x404830);
	CHECK(img.phdr_vaddr == 0x400040);
	CHECK(!img.exec_stack);
	/* Headers no segment carries: exec puts them on the stack. */
	f.ph[0].p_offset = 0x1000;
	f.ph[0].p_vaddr = 0x401000;
	f.ph[0].p_filesz = f.ph[0].p_memsz = 0x1000;
	CHECK(check() == 0 && img.phdr_vaddr == 0);
	/* An executable stack, asked for. */
	standard();
	f.ph[2].p_flags |= PF_X;
	CHECK(check() == 0 && img.exec_stack);
	/* A segment with nothing in memory is ignored. */
	standard();
	f.ph[2] = (Elf64_Phdr){ .p_type = PT_LOAD, .p_vaddr = 0x10000 };
	CHECK(check() == 0 && img.nr_segments == 2);
	return true;
}

static bool test_not_elf(void)
{
	standard();
	f.eh.e_ident[1] = 'X';
	CHECK(refused("not an ELF"));
	standard();
	CHECK(check_len(3, 3) == -ENOEXEC);
	CHECK(check_len(63, 63) == -ENOEXEC && strstr(why, "truncated"));
	CHECK(check_len(64, 63) == -ENOEXEC);		/* the file is shorter than the buffer */
	return true;
}

static bool test_wrong_kind(void)
{
	standard();
	f.eh.e_ident[4] = 1;				/* 32-bit */
	CHECK(refused("64-bit"));
	standard();
	f.eh.e_ident[5] = 2;				/* big-endian */
	CHECK(refused("little-endian"));
	standard();
	f.eh.e_version = 0;
	CHECK(refused("version"));
	standard();
	f.eh.e_machine = 183;				/* aarch64 */
	CHECK(refused("x86-64"));
	standard();
	f.eh.e_type = ET_DYN;
	CHECK(refused("ET_DYN"));
	standard();
	f.eh.e_type = 1;				/* ET_REL */
	CHECK(refused("ET_EXEC"));
	standard();
	f.ph[2] = (Elf64_Phdr){ .p_type = PT_INTERP, .p_offset = 0x200, .p_filesz = 28 };
	return refused("PT_INTERP");
}

static bool test_bad_header_fields(void)
{
	standard();
	f.eh.e_ehsize = 52;
	CHECK(refused("e_ehsize"));
	standard();
	f.eh.e_phentsize = 32;
	CHECK(refused("e_phentsize"));
	standard();
	f.eh.e_phnum = 0;
	CHECK(refused("program headers"));
	standard();
	f.eh.e_phnum = ELF_MAX_PHNUM + 1;
	CHECK(refused("program headers"));
	standard();
	f.eh.e_phoff = sizeof(f.bytes) - 100;		/* runs past the buffer */
	CHECK(refused("first page"));
	standard();
	f.eh.e_phoff = ~0UL - 10;			/* wraps around */
	CHECK(refused("first page"));
	/* The headers are there, but the caller gave fewer bytes. */
	standard();
	CHECK(check_len(64 + 2 * 56, FILE_SIZE) == -ENOEXEC);
	CHECK(check_len(64 + 3 * 56, FILE_SIZE) == 0);
	return true;
}

static bool test_bad_segments(void)
{
	standard();
	f.ph[1].p_filesz = 0x1000;			/* more in the file than in memory */
	CHECK(refused("p_filesz > p_memsz"));
	standard();
	f.ph[1].p_offset = FILE_SIZE - 0x100;		/* runs past the end of the file */
	f.ph[1].p_vaddr = 0x403f00;
	CHECK(refused("end of the file"));
	standard();
	f.ph[1].p_offset = ~0UL - 0xff;			/* offset + filesz wraps */
	f.ph[1].p_vaddr = 0x403f00;
	CHECK(refused("end of the file"));
	standard();
	f.ph[1].p_vaddr = 0x403f38;			/* vaddr and offset disagree */
	CHECK(refused("modulo"));
	standard();
	f.ph[1].p_align = 0x1800;
	CHECK(refused("power of two"));
	standard();
	f.ph[0].p_vaddr = 0;				/* below mmap_min_addr */
	f.eh.e_entry = 0x1000;
	CHECK(refused("user address range"));
	standard();
	f.ph[1].p_vaddr = USER_MAX - 0x30;		/* ends above the user range */
	f.ph[1].p_offset = 0x2fd0;
	CHECK(refused("user address range"));
	standard();
	f.ph[1].p_vaddr = 0xffffffff80000f30UL;		/* the kernel half */
	CHECK(refused("user address range"));
	standard();
	f.ph[1].p_memsz = ~0UL;				/* vaddr + memsz wraps */
	CHECK(refused("user address range"));
	return true;
}

static bool test_segment_order(void)
{
	standard();
	f.ph[1].p_vaddr = 0x401f30;			/* overlaps the text */
	f.ph[1].p_offset = 0x2f30;
	CHECK(refused("overlap"));
	standard();
	f.ph[2] = f.ph[0];				/* a third segment below the second */
	f.ph[2].p_vaddr = 0x300000;
	CHECK(refused("overlap"));
	/* Two segments sharing a page but not a byte are fine. */
	standard();
	f.ph[1].p_vaddr = 0x402f30;
	f.ph[1].p_offset = 0x2f30;
	CHECK(check() == 0);
	return true;
}

static bool test_too_many_segments(void)
{
	int i;

	standard();
	for (i = 0; i < ELF_MAX_LOAD + 1; i++)
		f.ph[i] = (Elf64_Phdr){ .p_type = PT_LOAD, .p_flags = PF_R | PF_X,
					.p_offset = 0, .p_vaddr = 0x400000 + 0x10000 * i,
					.p_filesz = 0x100, .p_memsz = 0x100 };
	f.eh.e_phnum = ELF_MAX_LOAD;
	f.eh.e_entry = 0x400010;
	CHECK(check() == 0 && img.nr_segments == ELF_MAX_LOAD);
	f.eh.e_phnum = ELF_MAX_LOAD + 1;
	return refused("too many");
}

static bool test_entry_point(void)
{
	standard();
	f.eh.e_entry = 0x404000;			/* in the data segment: not executable */
	CHECK(refused("entry point"));
	standard();
	f.eh.e_entry = 0x402000;			/* just past the text */
	CHECK(refused("entry point"));
	standard();
	f.eh.e_entry = 0x401fff;
	CHECK(check() == 0);
	standard();
	f.ph[0].p_type = 0x70000000;			/* no PT_LOAD left executable */
	f.ph[1].p_type = 0x70000000;
	return refused("no PT_LOAD");
}

/* A real file: @path's first page, its size. -1: unreadable. */
static int check_file(const char *path)
{
	FILE *fp = fopen(path, "rb");
	long size;
	size_t n;

	if (!fp)
		return -1;
	fseek(fp, 0, SEEK_END);
	size = ftell(fp);
	rewind(fp);
	memset(&f, 0, sizeof(f));
	n = fread(f.bytes, 1, sizeof(f.bytes), fp);
	fclose(fp);
	return check_len(n, size);
}

static bool test_real_files(void)
{
	int ret = check_file("/proc/self/exe");

	/* This test is a dynamically linked PIE: refused. */
	CHECKF(ret == -ENOEXEC && why && (strstr(why, "ET_DYN") || strstr(why, "PT_INTERP")),
	       "this binary: %d, %s", ret, why ? why : "(none)");
	ret = check_file("build/progs/anon_zero");
	if (ret == -1) {
		tap_diag("build/progs/anon_zero not built: static-binary check skipped");
		return true;
	}
	CHECKF(ret == 0, "build/progs/anon_zero: %d, %s", ret, why ? why : "");
	CHECK(img.nr_segments >= 2 && img.phdr_vaddr);
	return true;
}

/* Random corruption: anything accepted obeys every rule exec relies on. */
static bool test_random_corruption(void)
{
	unsigned int seed = 777, i, k, s;
	unsigned char *b = f.bytes;

	for (i = 0; i < 200000; i++) {
		standard();
		for (k = 0; k < 1 + i % 3; k++) {
			seed = seed * 1103515245 + 12345;
			b[(seed >> 8) % (64 + 3 * 56)] ^= 1u << (seed >> 28 & 7);
		}
		if (check())
			continue;
		CHECKF(img.nr_segments >= 1 && img.nr_segments <= ELF_MAX_LOAD, "iteration %u", i);
		for (s = 0; s < img.nr_segments; s++) {
			const struct elf_segment *g = &img.seg[s];

			CHECKF(g->vaddr >= USER_MIN && g->memsz && g->memsz <= USER_MAX - g->vaddr,
			       "iteration %u: segment %u at %#lx", i, s, (unsigned long)g->vaddr);
			CHECKF(g->filesz <= g->memsz && g->offset <= FILE_SIZE &&
			       g->filesz <= FILE_SIZE - g->offset, "iteration %u", i);
			CHECKF(g->vaddr % 4096 == g->offset % 4096, "iteration %u", i);
			CHECKF(!s || g->vaddr >= img.seg[s - 1].vaddr + img.seg[s - 1].memsz,
			       "iteration %u", i);
		}
	}
	return true;
}

int main(void)
{
	tap_plan(10);
	TAP_RUN(test_static_executable);
	TAP_RUN(test_not_elf);
	TAP_RUN(test_wrong_kind);
	TAP_RUN(test_bad_header_fields);
	TAP_RUN(test_bad_segments);
	TAP_RUN(test_segment_order);
	TAP_RUN(test_too_many_segments);
	TAP_RUN(test_entry_point);
	TAP_RUN(test_real_files);
	TAP_RUN(test_random_corruption);
	return tap_finish();
}
