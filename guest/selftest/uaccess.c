// SPDX-License-Identifier: MIT
/*
 * Self-test of copy_from_user, copy_to_user and strncpy_from_user on a real address space:
 * task 0 borrows a new mm for the test. Untouched pages are faulted in by the kernel-mode
 * #PF path, a read-only page refuses a store and stays as it was, a copy running into an
 * unmapped page stops there, and NULL, kernel, non-canonical, wrapping and past-the-limit
 * ranges are refused before any access.
 */
#include <kern/string.h>
#include <mm/mm.h>
#include <asm/paging.h>
#include <asm/uaccess.h>
#include <guest/sched.h>
#include <guest/selftest.h>

#define BASE	0x10000000UL	/* RW pages 0 and 1, nothing at page 2, RO page 3 */

static int uaccess_checks(struct mm_struct *mm)
{
	char buf[64], big[PAGE_SIZE + 16];
	char __user *u = (char __user *)BASE;
	unsigned long flt = current->faults.min_flt;

	/* Untouched memory: the copies fault the pages in (two pages, two faults). */
	ST_ASSERT_EQ(copy_to_user(u + PAGE_SIZE - 4, "0123456789", 10), 0);
	ST_ASSERT_EQ(current->faults.min_flt - flt, 2);
	memset(buf, 0, sizeof(buf));
	ST_ASSERT_EQ(copy_from_user(buf, u + PAGE_SIZE - 4, 10), 0);
	ST_ASSERT(!memcmp(buf, "0123456789", 10));

	/* Read-only page: a store is refused (every byte), a read works. */
	ST_ASSERT_EQ(copy_to_user(u + 3 * PAGE_SIZE, "x", 1), 1);
	ST_ASSERT_EQ(copy_from_user(buf, u + 3 * PAGE_SIZE, 8), 0);
	ST_ASSERT_EQ(buf[0], 0);

	/* Running into the hole at page 2: the copy stops at its start. */
	ST_ASSERT_EQ(copy_from_user(big, u + 2 * PAGE_SIZE - 8, 16), 8);
	ST_ASSERT_EQ(copy_to_user(u + 2 * PAGE_SIZE - 8, big, 16), 8);

	/* Refused ranges: nothing is accessed. */
	ST_ASSERT_EQ(copy_from_user(buf, NULL, 8), 8);
	ST_ASSERT_EQ(copy_to_user((void __user *)KERNEL_VIRT_BASE, buf, 8), 8);
	ST_ASSERT_EQ(copy_from_user(buf, (void __user *)PAGE_OFFSET_VIRT, 8), 8);
	ST_ASSERT_EQ(copy_from_user(buf, (void __user *)0x8000000000000000UL, 8), 8);
	ST_ASSERT_EQ(copy_from_user(buf, (void __user *)(USER_ADDR_LIMIT - 8), 16), 16);
	ST_ASSERT_EQ(copy_from_user(buf, (void __user *)-8UL, 16), 16);
	ST_ASSERT(!access_ok((void __user *)BASE, -1UL));
	ST_ASSERT(access_ok((void __user *)(USER_ADDR_LIMIT - 8), 8));

	/* Strings: the length, a string with no NUL in @count, one ending at the hole. */
	ST_ASSERT_EQ(copy_to_user(u, "hello", 6), 0);
	ST_ASSERT_EQ(strncpy_from_user(buf, u, sizeof(buf)), 5);
	ST_ASSERT_STREQ(buf, "hello");
	ST_ASSERT_EQ(strncpy_from_user(buf, u, 3), 3);	/* no NUL in 3 bytes */
	ST_ASSERT_EQ(copy_to_user(u + 2 * PAGE_SIZE - 8, "ab", 3), 0);
	ST_ASSERT_EQ(strncpy_from_user(buf, u + 2 * PAGE_SIZE - 8, sizeof(buf)), 2);
	ST_ASSERT_EQ(copy_to_user(u + 2 * PAGE_SIZE - 4, "abcd", 4), 0);
	ST_ASSERT_EQ(strncpy_from_user(buf, u + 2 * PAGE_SIZE - 4, sizeof(buf)), -EFAULT);
	ST_ASSERT_EQ(strncpy_from_user(buf, NULL, sizeof(buf)), -EFAULT);
	return SELFTEST_PASS;
}

int selftest_uaccess(void)
{
	struct task *t = current;
	struct mm_struct *mm = mm_alloc();
	unsigned long a;
	int ret;

	ST_ASSERT(mm && !t->mm);
	a = do_mmap(mm, NULL, BASE, 4 * PAGE_SIZE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, 0);
	ST_ASSERT_EQ(a, BASE);
	ST_ASSERT_EQ(do_munmap(mm, BASE + 2 * PAGE_SIZE, PAGE_SIZE), 0);
	ST_ASSERT_EQ(do_mprotect(mm, BASE + 3 * PAGE_SIZE, PAGE_SIZE, PROT_READ), 0);
	t->mm = mm;
	write_cr3(mm_pgd_phys(mm));
	ret = uaccess_checks(mm);
	t->mm = NULL;
	write_cr3(__pa(kernel_pml4));
	mmput(mm);
	return ret;
}
