/* SPDX-License-Identifier: MIT */
/*
 * Host tests of gpa_to_host() (host/kvm.c), the one guest-physical -> host translation:
 * ranges at the edges of RAM, empty ranges, and lengths or addresses that overflow; and
 * of ram_alloc(), which backs guest RAM.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "host/kvm.h"
#include "mm_test.h"

#define SIZE	(1ULL << 20)

static struct vm vm;

static bool test_inside(void)
{
	CHECK(gpa_to_host(&vm, 0, 1) == vm.ram);
	CHECK(gpa_to_host(&vm, 0, SIZE) == vm.ram);
	CHECK(gpa_to_host(&vm, 0x1234, 16) == vm.ram + 0x1234);
	CHECK(gpa_to_host(&vm, SIZE - 1, 1) == vm.ram + SIZE - 1);
	CHECK(gpa_to_host(&vm, SIZE - 4096, 4096) == vm.ram + SIZE - 4096);
	return true;
}

static bool test_past_the_end(void)
{
	CHECK(!gpa_to_host(&vm, SIZE - 1, 2));
	CHECK(!gpa_to_host(&vm, SIZE, 1));
	CHECK(!gpa_to_host(&vm, 0, SIZE + 1));
	CHECK(!gpa_to_host(&vm, SIZE + 4096, 4096));
	CHECK(!gpa_to_host(&vm, 1ULL << 32, 1));
	return true;
}

static bool test_zero_length(void)
{
	CHECK(!gpa_to_host(&vm, 0, 0));
	CHECK(!gpa_to_host(&vm, 4096, 0));
	CHECK(!gpa_to_host(&vm, SIZE, 0));
	CHECK(!gpa_to_host(&vm, UINT64_MAX, 0));
	return true;
}

static bool test_overflow(void)
{
	CHECK(!gpa_to_host(&vm, UINT64_MAX, 1));
	CHECK(!gpa_to_host(&vm, UINT64_MAX - 1, 2));		/* ends exactly at 2^64 */
	CHECK(!gpa_to_host(&vm, UINT64_MAX, 2));		/* wraps to 1 */
	CHECK(!gpa_to_host(&vm, 1, UINT64_MAX));		/* wraps to 0 */
	CHECK(!gpa_to_host(&vm, 0x10, UINT64_MAX - 0xf));	/* wraps to exactly 0 */
	CHECK(!gpa_to_host(&vm, 0, UINT64_MAX));
	CHECK(!gpa_to_host(&vm, SIZE - 1, UINT64_MAX));
	return true;
}

static bool test_no_ram(void)
{
	struct vm empty = { 0 };

	CHECK(!gpa_to_host(&empty, 0, 1));
	CHECK(!gpa_to_host(&empty, 0, 0));
	return true;
}

static bool test_ram_alloc(void)
{
	struct vm v = { 0 };
	struct errbuf e;
	u8 *p;

	CHECK(ram_alloc(&v, 16ULL << 20, &e) == 0);
	CHECK(v.ram && v.ram_size == 16ULL << 20);
	p = gpa_to_host(&v, 0, v.ram_size);
	CHECK(p && p[0] == 0 && p[v.ram_size - 1] == 0);	/* zero-filled ... */
	p[v.ram_size - 1] = 0x5a;				/* ... and writable */
	CHECK(*(u8 *)gpa_to_host(&v, v.ram_size - 1, 1) == 0x5a);
	munmap(v.ram, v.ram_size);
	/* An impossible size fails with a message, not a crash. */
	CHECK(ram_alloc(&v, 1ULL << 62, &e) < 0 && strstr(e.msg, "guest RAM"));
	return true;
}

int main(void)
{
	vm.ram = malloc(SIZE);
	vm.ram_size = SIZE;
	tap_plan(6);
	TAP_RUN(test_inside);
	TAP_RUN(test_past_the_end);
	TAP_RUN(test_zero_length);
	TAP_RUN(test_overflow);
	TAP_RUN(test_no_ram);
	TAP_RUN(test_ram_alloc);
	free(vm.ram);
	return tap_finish();
}
