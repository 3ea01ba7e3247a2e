// SPDX-License-Identifier: MIT
/*
 * Self-test of the direct map: a kernel variable read through __va(__pa(&var)) is the same
 * memory, and the first and last usable (unreserved) pages of RAM can be written and read
 * back through it (their contents are restored).
 */
#include <mm/memblock.h>
#include <mm/page_alloc.h>
#include <guest/bootinfo.h>
#include <guest/selftest.h>
#include <guest/setup.h>

static u64 alias_word;
static u64 saved[PAGE_SIZE / 8];

static bool usable(u64 pa)
{
	return !bootmem_overlaps_reserved(pa, PAGE_SIZE) && !memblock_is_reserved(pa) &&
	       !memblock_is_reserved(pa + PAGE_SIZE - 1);
}

static int check_page(u64 pa)
{
	volatile u64 *p = __va(pa);
	unsigned int i;
	int ret = SELFTEST_PASS;

	for (i = 0; i < PAGE_SIZE / 8; i++)
		saved[i] = p[i];
	for (i = 0; i < PAGE_SIZE / 8; i++)
		p[i] = (pa + i * 8) ^ 0xa5a5a5a5a5a5a5a5ULL;
	for (i = 0; i < PAGE_SIZE / 8; i++)
		if (p[i] != ((pa + i * 8) ^ 0xa5a5a5a5a5a5a5a5ULL))
			ret = SELFTEST_FAIL;
	for (i = 0; i < PAGE_SIZE / 8; i++)
		p[i] = saved[i];
	if (ret != SELFTEST_PASS)
		printk("# page at 0x%lx did not read back what was written\n", pa);
	return ret;
}

int selftest_direct_map(void)
{
	const struct boot_info *bi = &boot_info;
	volatile u64 *alias = __va(__pa(&alias_word));
	u64 first = 0, last = 0, pa;
	unsigned int i;

	*alias = 0x0123456789abcdefULL;
	ST_ASSERT_EQ(READ_ONCE(alias_word), 0x0123456789abcdefULL);
	WRITE_ONCE(alias_word, 42);
	ST_ASSERT_EQ(*alias, 42);

	for (i = 0; i < bi->nr_mem && !first; i++)
		for (pa = bi->mem[i].base; pa < bi->mem[i].base + bi->mem[i].size; pa += PAGE_SIZE)
			if (usable(pa)) {
				first = pa;
				break;
			}
	for (i = bi->nr_mem; i-- > 0 && !last; )
		for (pa = bi->mem[i].base + bi->mem[i].size; pa > bi->mem[i].base; )
			if (usable(pa -= PAGE_SIZE)) {
				last = pa;
				break;
			}
	ST_ASSERT(first && last && first <= last);
	printk("# first usable page 0x%lx, last 0x%lx\n", first, last);
	ST_ASSERT_EQ(check_page(first), SELFTEST_PASS);
	ST_ASSERT_EQ(check_page(last), SELFTEST_PASS);
	return SELFTEST_PASS;
}
