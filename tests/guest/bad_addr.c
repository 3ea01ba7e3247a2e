/* SPDX-License-Identifier: MIT */
/*
 * User code touching memory it was not given dies with SIGSEGV: page 0, the low memory and
 * device addresses the kernel and its boot page tables use, the kernel half, non-canonical
 * addresses. The program's own image is mapped with the ELF permissions: text and rodata
 * are not writable, and the stack and data are not executable.
 */
#include "util.h"

/* Every address in @addr, read or written by a child, kills it with SIGSEGV. */
static int probe_addrs(const char *what, const unsigned long *addr, size_t n)
{
	char desc[96];
	int ok = 1;

	for (size_t i = 0; i < n; i++) {
		void *p = opaque(addr[i]);

		snprintf(desc, sizeof(desc), "read of %s address %p", what, p);
		ok &= CHECK_KILLED(probe_read(p), SIGSEGV, desc);
		snprintf(desc, sizeof(desc), "write to %s address %p", what, p);
		ok &= CHECK_KILLED(probe_write(p), SIGSEGV, desc);
	}
	return ok;
}

/* Page 0: nothing may ever be there, so that NULL pointers fault. */
static int test_null(void)
{
	static const unsigned long a[] = { 0, 8, PAGE_SIZE - 1 };

	return probe_addrs("NULL", a, ARRAY_SIZE(a));
}

/* The guest's boot GDT, page tables, stack and kernel image: identity mapped at boot. */
static int test_low(void)
{
	static const unsigned long a[] = { 0x1000, 0x2000, 0x7fff8, 0x100000, 0x200000 };

	return probe_addrs("low-memory", a, ARRAY_SIZE(a));
}

/* The MMIO hole below 4 GiB (virtio-mmio, IOAPIC, LAPIC in the guest). */
static int test_mmio(void)
{
	static const unsigned long a[] = { 0xc0000000, 0xd0000000, 0xfec00000, 0xfee00000 };

	return probe_addrs("device", a, ARRAY_SIZE(a));
}

/* The kernel half: its start, the direct map, the kernel image, the last page. */
static int test_kernel_half(void)
{
	static const unsigned long a[] = {
		0xffff800000000000, 0xffff888000000000, 0xffffffff80000000,
		0xffffffff80100000, 0xfffffffffffff000,
	};

	return probe_addrs("kernel", a, ARRAY_SIZE(a));
}

/* Not canonical with 4-level paging (the first is canonical, and unmapped, with 5-level). */
static int test_noncanonical(void)
{
	static const unsigned long a[] = {
		0x0000800000000000, 0x8000000000000000, 0xffff7ffffffff000,
	};

	return probe_addrs("non-canonical", a, ARRAY_SIZE(a));
}

static int test_exec_kernel(void)
{
	int ok;

	ok = CHECK_KILLED(probe_exec(opaque(0xffffffff80100000)), SIGSEGV,
			  "call into the kernel image");
	ok &= CHECK_KILLED(probe_exec(opaque(0x100000)), SIGSEGV, "call into low memory");
	ok &= CHECK_KILLED(probe_exec(opaque(0x8000000000000000)), SIGSEGV,
			   "call to a non-canonical address");
	return ok;
}

static const char rodata[] = "read-only data";

static int ret7(void)
{
	return 7;
}

static int test_image_readonly(void)
{
	int ok;

	ok = CHECK_EXITED(probe_exec((void *)ret7), 7, "call into .text");
	ok &= CHECK_KILLED(probe_write((void *)ret7), SIGSEGV, "write to .text");
	ok &= CHECK_EXITED(probe_read((void *)rodata), 'r', "read of .rodata");
	ok &= CHECK_KILLED(probe_write((void *)rodata), SIGSEGV, "write to .rodata");
	return ok;
}

static unsigned char data_code[16] = RET42_CODE;
static unsigned char bss_code[16];

/* Child: copy the code onto its stack and call it. */
static int exec_stack(void *arg)
{
	static const unsigned char code[] = RET42_CODE;
	volatile unsigned char buf[16];

	for (size_t i = 0; i < sizeof(code); i++)
		buf[i] = code[i];
	return __call((void *)buf);
}

static int test_no_exec(void)
{
	static const unsigned char code[] = RET42_CODE;
	int ok;

	memcpy(bss_code, code, sizeof(code));
	ok = CHECK_KILLED(probe_exec(data_code), SIGSEGV, "call into .data");
	ok &= CHECK_KILLED(probe_exec(bss_code), SIGSEGV, "call into .bss");
	ok &= CHECK_KILLED(run_child(exec_stack, NULL), SIGSEGV, "call into the stack");
	return ok;
}

static const struct tap_test tests[] = {
	{ "read or write of page 0: SIGSEGV", test_null },
	{ "read or write of the kernel's low memory: SIGSEGV", test_low },
	{ "read or write of the device range below 4 GiB: SIGSEGV", test_mmio },
	{ "read or write of the kernel half: SIGSEGV", test_kernel_half },
	{ "read or write of non-canonical addresses: SIGSEGV", test_noncanonical },
	{ "call into kernel, low or non-canonical addresses: SIGSEGV", test_exec_kernel },
	{ "the program's .text and .rodata are read-only", test_image_readonly },
	{ ".data, .bss and the stack are not executable", test_no_exec },
};

int main(void)
{
	return tap_run(tests, ARRAY_SIZE(tests));
}
