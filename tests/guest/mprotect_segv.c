/* SPDX-License-Identifier: MIT */
/*
 * mprotect() changes what user code may do to a range, page by page: a write to a read-only
 * page, any access to a PROT_NONE page, and a jump into a page without PROT_EXEC kill the
 * process with SIGSEGV; the data survives every change; the zero page never becomes writable.
 */
#include "util.h"

#define NPAGES	4

static int test_write_readonly(void)
{
	void *p = map_rw(NPAGES);
	int ok;

	if (!p)
		return TAP_FAIL;
	fill_pages(p, NPAGES, 1);
	ok = CHECK_EQ(mprotect(p, NPAGES * PAGE_SIZE, PROT_READ), 0, "mprotect(PROT_READ)");
	ok &= CHECK_KILLED(probe_write(p), SIGSEGV, "write to a PROT_READ page");
	ok &= CHECK_KILLED(probe_write((char *)p + NPAGES * PAGE_SIZE - 1), SIGSEGV,
			   "write to the last byte of a PROT_READ range");
	munmap(p, NPAGES * PAGE_SIZE);
	return ok;
}

static int test_read_readonly(void)
{
	void *p = map_rw(NPAGES);
	int ok;

	if (!p)
		return TAP_FAIL;
	fill_pages(p, NPAGES, 1);
	ok = CHECK_EQ(mprotect(p, NPAGES * PAGE_SIZE, PROT_READ), 0, "mprotect(PROT_READ)");
	ok &= CHECK_EXITED(probe_read((char *)p + PROBE_OFF), PROBE_BYTE,
			   "read of a PROT_READ page");
	if (ok)
		ok = CHECK_PAGES(p, NPAGES, 1, "PROT_READ pages");
	munmap(p, NPAGES * PAGE_SIZE);
	return ok;
}

static int test_back_to_rw(void)
{
	void *p = map_rw(NPAGES);
	int ok;

	if (!p)
		return TAP_FAIL;
	fill_pages(p, NPAGES, 1);
	ok = CHECK_EQ(mprotect(p, NPAGES * PAGE_SIZE, PROT_READ), 0, "mprotect(PROT_READ)");
	ok &= CHECK_EQ(mprotect(p, NPAGES * PAGE_SIZE, PROT_READ | PROT_WRITE), 0,
		       "mprotect(PROT_READ | PROT_WRITE)");
	ok &= CHECK_EXITED(probe_write(p), 0, "write after mprotect back to read-write");
	if (ok) {
		ok = CHECK_PAGES(p, NPAGES, 1, "data kept through the protection changes");
		fill_pages(p, NPAGES, 2);
		ok &= CHECK_PAGES(p, NPAGES, 2, "data written after mprotect back");
	}
	munmap(p, NPAGES * PAGE_SIZE);
	return ok;
}

static int test_prot_none(void)
{
	void *p = map_rw(NPAGES);
	int ok;

	if (!p)
		return TAP_FAIL;
	fill_pages(p, NPAGES, 1);
	ok = CHECK_EQ(mprotect(p, NPAGES * PAGE_SIZE, PROT_NONE), 0, "mprotect(PROT_NONE)");
	ok &= CHECK_KILLED(probe_read(p), SIGSEGV, "read of a PROT_NONE page");
	ok &= CHECK_KILLED(probe_write(p), SIGSEGV, "write to a PROT_NONE page");
	ok &= CHECK_EQ(mprotect(p, NPAGES * PAGE_SIZE, PROT_READ | PROT_WRITE), 0,
		       "mprotect(PROT_READ | PROT_WRITE)");
	ok &= CHECK_EXITED(probe_read((char *)p + PROBE_OFF), PROBE_BYTE, "read after PROT_NONE");
	if (ok)
		ok = CHECK_PAGES(p, NPAGES, 1, "data kept through PROT_NONE");
	munmap(p, NPAGES * PAGE_SIZE);
	return ok;
}

/* Protecting the middle of a mapping splits it: the ends keep their protection. */
static int test_split(void)
{
	char *p = map_rw(NPAGES);
	int ok;

	if (!p)
		return TAP_FAIL;
	fill_pages(p, NPAGES, 1);
	ok = CHECK_EQ(mprotect(p + PAGE_SIZE, 2 * PAGE_SIZE, PROT_READ), 0,
		      "mprotect(PROT_READ) of pages 1-2");
	ok &= CHECK_EXITED(probe_write(p + PAGE_SIZE - 1), 0, "write to page 0");
	ok &= CHECK_KILLED(probe_write(p + PAGE_SIZE), SIGSEGV, "write to page 1");
	ok &= CHECK_KILLED(probe_write(p + 3 * PAGE_SIZE - 1), SIGSEGV, "write to page 2");
	ok &= CHECK_EXITED(probe_write(p + 3 * PAGE_SIZE), 0, "write to page 3");
	ok &= CHECK_EXITED(probe_read(p + 2 * PAGE_SIZE + PROBE_OFF), PROBE_BYTE, "read of page 2");
	munmap(p, NPAGES * PAGE_SIZE);
	return ok;
}

/*
 * Read faults on a PROT_READ mapping map the zero page; making the mapping writable must not
 * make that shared page writable, or one write would change every zero page in the system.
 */
static int test_zero_page_stays_readonly(void)
{
	char *p = map_anon(NPAGES * PAGE_SIZE, PROT_READ, 0);
	int ok;

	if (!p)
		return TAP_FAIL;
	touch_pages(p, NPAGES, 0, 0);
	ok = CHECK_EQ(mprotect(p, NPAGES * PAGE_SIZE, PROT_READ | PROT_WRITE), 0,
		      "mprotect(PROT_READ | PROT_WRITE)");
	fill_pages(p, 1, 1);
	ok &= CHECK_PAGES(p, 1, 1, "page written after mprotect");
	ok &= CHECK_PAGES_AT(p, 1, NPAGES - 1, 0, "pages only read");
	ok &= fresh_memory_zero(NPAGES);
	munmap(p, NPAGES * PAGE_SIZE);
	return ok;
}

static const unsigned char ret42[] = RET42_CODE;

static int test_exec(void)
{
	void *p = map_rw(1);
	int ok;

	if (!p)
		return TAP_FAIL;
	memcpy(p, ret42, sizeof(ret42));
	ok = CHECK_EQ(mprotect(p, PAGE_SIZE, PROT_READ | PROT_EXEC), 0,
		      "mprotect(PROT_READ | PROT_EXEC)");
	ok &= CHECK_EXITED(probe_exec(p), 42, "call into a PROT_EXEC page");
	munmap(p, PAGE_SIZE);
	return ok;
}

static int test_no_exec(void)
{
	void *p = map_rw(1);
	int ok;

	if (!p)
		return TAP_FAIL;
	memcpy(p, ret42, sizeof(ret42));
	ok = CHECK_KILLED(probe_exec(p), SIGSEGV, "call into a read-write page");
	munmap(p, PAGE_SIZE);
	return ok;
}

static const struct tap_test tests[] = {
	{ "write to a PROT_READ page: SIGSEGV", test_write_readonly },
	{ "read of a PROT_READ page returns its data", test_read_readonly },
	{ "mprotect back to PROT_READ|PROT_WRITE: write works, data kept", test_back_to_rw },
	{ "read or write of a PROT_NONE page: SIGSEGV; data kept", test_prot_none },
	{ "mprotect of the middle pages leaves the ends writable", test_split },
	{ "the zero page stays read-only after mprotect(PROT_WRITE)",
	  test_zero_page_stays_readonly },
	{ "code in a PROT_READ|PROT_EXEC page runs", test_exec },
	{ "call into a page without PROT_EXEC: SIGSEGV", test_no_exec },
};

int main(void)
{
	return tap_run(tests, ARRAY_SIZE(tests));
}
