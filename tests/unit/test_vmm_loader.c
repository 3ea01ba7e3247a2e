/* SPDX-License-Identifier: MIT */
/*
 * Host tests of the kernel loader (host/loader.c): crafted ELF images, each breaking one
 * rule of the boot contract, must be refused with the right message; a good one is
 * loaded byte for byte with its bss zeroed; truncations and random corruption of a good
 * image never crash the checker (ASan checks every read stays inside the buffer).
 */
#include <elf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <abi/layout.h>
#include "host/kvm.h"
#include "host/loader.h"
#include "mm_test.h"

#define RAM	(64ULL << 20)
#define MIB	(1ULL << 20)

/* A small kernel image: header, up to 4 program headers, then 256 bytes of "code". */
struct image {
	Elf64_Ehdr eh;
	Elf64_Phdr ph[4];
	u8 code[256];
};

static struct image im;
static struct elf_image img;
static struct errbuf e;

static void set_load(unsigned int i, u64 paddr, u64 filesz, u64 memsz, u32 flags)
{
	im.ph[i] = (Elf64_Phdr){
		.p_type = PT_LOAD,
		.p_flags = flags,
		.p_offset = offsetof(struct image, code),
		.p_vaddr = KERNEL_VIRT_BASE + paddr,
		.p_paddr = paddr,
		.p_filesz = filesz,
		.p_memsz = memsz,
		.p_align = 0x1000,
	};
}

/* The good image: one R+X segment at 1 MiB, 256 bytes of code and 8 KiB of bss. */
static void good(void)
{
	unsigned int i;

	memset(&im, 0, sizeof(im));
	memcpy(im.eh.e_ident, ELFMAG, SELFMAG);
	im.eh.e_ident[EI_CLASS] = ELFCLASS64;
	im.eh.e_ident[EI_DATA] = ELFDATA2LSB;
	im.eh.e_ident[EI_VERSION] = EV_CURRENT;
	im.eh.e_type = ET_EXEC;
	im.eh.e_machine = EM_X86_64;
	im.eh.e_version = EV_CURRENT;
	im.eh.e_entry = KERNEL_VIRT_BASE + MIB + 16;
	im.eh.e_phoff = offsetof(struct image, ph);
	im.eh.e_ehsize = sizeof(Elf64_Ehdr);
	im.eh.e_phentsize = sizeof(Elf64_Phdr);
	im.eh.e_phnum = 1;
	set_load(0, MIB, sizeof(im.code), sizeof(im.code) + 8192, PF_R | PF_X);
	for (i = 0; i < sizeof(im.code); i++)
		im.code[i] = i ^ 0x5a;
}

/* elf_check on an exact-size heap copy of @len bytes of the image (so ASan sees overreads). */
static int check_len(size_t len, u64 ram)
{
	void *copy = malloc(len ? len : 1);
	int err;

	memcpy(copy, &im, len);
	memset(&e, 0, sizeof(e));
	err = elf_check(copy, len, ram, &img, &e);
	free(copy);
	return err;
}

static int check(void)
{
	return check_len(sizeof(im), RAM);
}

/* The image is refused, and the message contains @what. */
static bool refused(const char *what)
{
	int err = check();

	if (err != -ENOEXEC || !strstr(e.msg, what)) {
		tap_diag("err %d, message \"%s\"; want \"%s\"", err, e.msg, what);
		return false;
	}
	return true;
}

static bool test_valid_image(void)
{
	good();
	CHECKF(check() == 0, "%s", e.msg);
	CHECK(img.entry == KERNEL_VIRT_BASE + MIB + 16);
	CHECK(img.nr_segs == 1);
	CHECK(img.segs[0].paddr == MIB && img.segs[0].filesz == 256);
	CHECK(img.segs[0].memsz == 256 + 8192 && img.segs[0].exec);
	CHECK(img.end == MIB + 256 + 8192);		/* what the initrd must stay above */
	return true;
}

static bool test_load_copies_and_zeroes_bss(void)
{
	struct vm vm = { .ram_size = 4 * MIB };
	u8 *ram = malloc(vm.ram_size);
	size_t i;

	good();
	CHECK(ram);
	vm.ram = ram;
	memset(ram, 0xaa, vm.ram_size);		/* what a reused page might hold */
	CHECK(elf_check(&im, sizeof(im), vm.ram_size, &img, &e) == 0);
	CHECK(elf_load(&vm, &im, &img, &e) == 0);
	CHECK(!memcmp(ram + MIB, im.code, sizeof(im.code)));
	for (i = sizeof(im.code); i < sizeof(im.code) + 8192; i++)
		CHECKF(ram[MIB + i] == 0, "bss byte %zu", i);
	CHECK(ram[MIB - 1] == 0xaa);				/* nothing before ... */
	CHECK(ram[MIB + sizeof(im.code) + 8192] == 0xaa);	/* ... or after */
	/* A segment that does not fit this VM's RAM is refused, not written. */
	vm.ram_size = MIB + 4096;
	CHECK(elf_load(&vm, &im, &img, &e) == -EFAULT);
	free(ram);
	return true;
}

static bool test_not_elf(void)
{
	good();
	memcpy(im.eh.e_ident, "\177ELG", 4);
	CHECK(refused("not an ELF file"));
	good();
	CHECK(check_len(0, RAM) == -ENOEXEC && strstr(e.msg, "not an ELF file"));
	CHECK(check_len(3, RAM) == -ENOEXEC && strstr(e.msg, "not an ELF file"));
	CHECK(check_len(10, RAM) == -ENOEXEC && strstr(e.msg, "truncated ELF header"));
	CHECK(check_len(sizeof(Elf64_Ehdr) - 1, RAM) == -ENOEXEC &&
	      strstr(e.msg, "truncated ELF header"));
	return true;
}

static bool test_wrong_class_and_data(void)
{
	good();
	im.eh.e_ident[EI_CLASS] = ELFCLASS32;
	CHECK(refused("not an x86-64 ELF executable (32-bit ELF)"));
	good();
	im.eh.e_ident[EI_CLASS] = 7;
	CHECK(refused("not an x86-64 ELF executable (ELF class 7)"));
	good();
	im.eh.e_ident[EI_DATA] = ELFDATA2MSB;
	CHECK(refused("not little-endian"));
	good();
	im.eh.e_version = 2;
	CHECK(refused("unknown ELF version"));
	return true;
}

static bool test_wrong_machine_and_type(void)
{
	good();
	im.eh.e_machine = EM_AARCH64;
	CHECK(refused("not an x86-64 ELF executable (e_machine 183)"));
	good();
	im.eh.e_machine = EM_386;
	CHECK(refused("e_machine 3"));
	good();
	im.eh.e_type = ET_DYN;
	CHECK(refused("ET_DYN"));
	good();
	im.eh.e_type = ET_REL;
	CHECK(refused("not an x86-64 ELF executable (e_type 1)"));
	return true;
}

static bool test_bad_headers(void)
{
	good();
	im.eh.e_ehsize = 52;
	CHECK(refused("bad ELF header size 52"));
	good();
	im.eh.e_phentsize = 32;
	CHECK(refused("bad program header size 32"));
	good();
	im.eh.e_phnum = 0;
	CHECK(refused("no program headers"));
	good();
	im.eh.e_phnum = ELF_MAX_PHDRS + 1;
	CHECK(refused("65 program headers"));
	good();
	im.eh.e_phoff = 65;
	CHECK(refused("misaligned"));
	return true;
}

static bool test_truncated(void)
{
	good();
	im.eh.e_phoff = sizeof(im) - sizeof(Elf64_Phdr) + 8;	/* table runs off the end */
	CHECK(refused("truncated ELF file: program headers past its end"));
	good();
	im.eh.e_phoff = UINT64_MAX - 7;
	CHECK(refused("truncated ELF file: program headers"));
	good();
	im.ph[0].p_offset = sizeof(im) - 100;			/* data runs off the end */
	CHECK(refused("truncated ELF file: segment 0 data past its end"));
	good();
	im.ph[0].p_offset = UINT64_MAX - 16;
	CHECK(refused("truncated ELF file: segment 0"));
	/* Every proper prefix of the image is refused (its code is its last byte). */
	good();
	{
		size_t len;

		for (len = 0; len < sizeof(im); len++)
			CHECKF(check_len(len, RAM) == -ENOEXEC, "length %zu accepted", len);
	}
	return true;
}

static bool test_segment_outside_ram(void)
{
	good();
	set_load(0, RAM - 4096, 256, 8192, PF_R | PF_X);
	im.eh.e_entry = KERNEL_VIRT_BASE + RAM - 4096;
	CHECK(refused("segment 0 [0x3fff000, 0x4001000): outside guest RAM (64M)"));
	set_load(0, RAM - 8192, 256, 8192, PF_R | PF_X);	/* ends exactly at the end */
	im.eh.e_entry = KERNEL_VIRT_BASE + RAM - 8192;
	CHECKF(check() == 0, "%s", e.msg);
	set_load(0, 4ULL << 30, 256, 4096, PF_R | PF_X);	/* at 4 GiB */
	CHECK(refused("outside guest RAM"));
	return true;
}

static bool test_segment_wraps(void)
{
	good();
	im.ph[0].p_paddr = UINT64_MAX - 4095;
	im.ph[0].p_vaddr = KERNEL_VIRT_BASE + im.ph[0].p_paddr;
	im.ph[0].p_memsz = 8192;
	CHECK(refused("segment 0: address range wraps"));
	return true;
}

static bool test_segment_below_load_min(void)
{
	good();
	set_load(0, 0xff000, 256, 4096, PF_R | PF_X);
	im.eh.e_entry = KERNEL_VIRT_BASE + 0xff000;
	CHECK(refused("segment 0 at 0xff000: below 0x100000"));
	set_load(0, 0xff000, 256, 0x2000, PF_R | PF_X);	/* straddles 1 MiB */
	CHECK(refused("below 0x100000"));
	set_load(0, 0, 256, 4096, PF_R | PF_X);
	CHECK(refused("segment 0 at 0x0: below"));
	set_load(0, BOOT_FDT_GPA, 256, 4096, PF_R | PF_X);	/* over the device tree */
	CHECK(refused("below"));
	return true;
}

static bool test_filesz_over_memsz(void)
{
	good();
	im.ph[0].p_memsz = 100;
	CHECK(refused("segment 0: p_filesz 0x100 > p_memsz 0x64"));
	return true;
}

static bool test_overlapping_segments(void)
{
	good();
	im.eh.e_phnum = 3;
	set_load(1, 2 * MIB, 16, 4096, PF_R);
	set_load(2, 2 * MIB + 4095, 16, 4096, PF_R | PF_W);	/* one byte into segment 1 */
	CHECK(refused("segments 1 and 2 overlap"));
	set_load(2, 2 * MIB + 4096, 16, 4096, PF_R | PF_W);	/* adjacent: fine */
	CHECKF(check() == 0 && img.nr_segs == 3, "%s", e.msg);
	set_load(2, MIB + 8192, 16, 4096, PF_R);		/* inside segment 0's bss */
	CHECK(refused("segments 0 and 2 overlap"));
	return true;
}

static bool test_vaddr_not_kernel_alias(void)
{
	good();
	im.ph[0].p_vaddr = MIB;		/* linked at its physical address */
	CHECK(refused("segment 0: p_vaddr 0x100000 is not 0xffffffff80000000 + p_paddr"));
	return true;
}

static bool test_segment_above_kernel_window(void)
{
	good();
	set_load(0, (2ULL << 30) - 4096, 256, 8192, PF_R | PF_X);
	im.eh.e_entry = KERNEL_VIRT_BASE + (2ULL << 30) - 4096;
	CHECK(check_len(sizeof(im), RAM_MAX_SIZE) == -ENOEXEC);
	CHECKF(strstr(e.msg, "above the 2 GiB kernel window"), "%s", e.msg);
	return true;
}

static bool test_entry_outside_segments(void)
{
	u64 end;

	good();
	end = KERNEL_VIRT_BASE + MIB + im.ph[0].p_memsz;
	im.eh.e_entry = end;				/* one past the end */
	CHECK(refused("entry point 0xffffffff80102100 is not in an executable segment"));
	im.eh.e_entry = end - 1;			/* the last byte */
	CHECKF(check() == 0, "%s", e.msg);
	im.eh.e_entry = MIB + 16;			/* the physical address */
	CHECK(refused("entry point 0x100010"));
	im.eh.e_entry = KERNEL_VIRT_BASE + MIB - 1;	/* just before */
	CHECK(refused("not in an executable segment"));
	/* Inside a segment, but not an executable one. */
	good();
	im.eh.e_phnum = 2;
	set_load(1, 2 * MIB, 16, 4096, PF_R | PF_W);
	im.eh.e_entry = KERNEL_VIRT_BASE + 2 * MIB;
	CHECK(refused("not in an executable segment"));
	return true;
}

static bool test_no_loadable_segments(void)
{
	good();
	im.ph[0].p_type = PT_NOTE;
	CHECK(refused("no loadable segments"));
	good();
	im.ph[0].p_memsz = im.ph[0].p_filesz = 0;	/* empty PT_LOAD: ignored */
	CHECK(refused("no loadable segments"));
	good();
	im.eh.e_phnum = 2;
	im.ph[1] = (Elf64_Phdr){ .p_type = PT_INTERP, .p_offset = 64, .p_filesz = 8 };
	CHECK(refused("dynamically linked"));
	return true;
}

/* Random single-byte corruption: the checker either refuses or accepts a sane image. */
static bool test_random_corruption(void)
{
	struct image orig;
	unsigned int seed = 12345, iter, i;

	good();
	im.eh.e_phnum = 2;
	set_load(1, 2 * MIB, 16, 4096, PF_R | PF_W);
	orig = im;
	for (iter = 0; iter < 20000; iter++) {
		size_t off;

		im = orig;
		seed = seed * 1103515245 + 12345;
		off = (seed >> 8) % (offsetof(struct image, code));
		((u8 *)&im)[off] ^= 1u << ((seed >> 4) & 7);
		if (iter & 1) {
			seed = seed * 1103515245 + 12345;
			((u8 *)&im)[(seed >> 8) % sizeof(Elf64_Ehdr)] = seed >> 24;
		}
		if (check())
			continue;
		for (i = 0; i < img.nr_segs; i++) {
			const struct elf_segment *s = &img.segs[i];

			CHECKF(s->paddr >= KERNEL_LOAD_MIN && s->paddr + s->memsz <= RAM &&
			       s->filesz <= s->memsz && s->offset + s->filesz <= sizeof(im),
			       "iteration %u accepted a bad segment %u", iter, i);
		}
	}
	return true;
}

int main(void)
{
	tap_plan(17);
	TAP_RUN(test_valid_image);
	TAP_RUN(test_load_copies_and_zeroes_bss);
	TAP_RUN(test_not_elf);
	TAP_RUN(test_wrong_class_and_data);
	TAP_RUN(test_wrong_machine_and_type);
	TAP_RUN(test_bad_headers);
	TAP_RUN(test_truncated);
	TAP_RUN(test_segment_outside_ram);
	TAP_RUN(test_segment_wraps);
	TAP_RUN(test_segment_below_load_min);
	TAP_RUN(test_filesz_over_memsz);
	TAP_RUN(test_overlapping_segments);
	TAP_RUN(test_vaddr_not_kernel_alias);
	TAP_RUN(test_segment_above_kernel_window);
	TAP_RUN(test_entry_outside_segments);
	TAP_RUN(test_no_loadable_segments);
	TAP_RUN(test_random_corruption);
	return tap_finish();
}
