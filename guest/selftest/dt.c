// SPDX-License-Identifier: MIT
/*
 * Self-test of the boot-time device tree parse: parsing the blob again gives the same
 * boot_info, memblock holds exactly those RAM ranges, this boot's command line holds the
 * `selftest` word, and a corrupted or truncated copy of the blob is refused.
 */
#include <kern/errno.h>
#include <mm/memblock.h>
#include <mm/slab.h>
#include <guest/bootinfo.h>
#include <guest/selftest.h>
#include <guest/setup.h>

int selftest_dt(void)
{
	static struct boot_info again;
	const struct boot_info *bi = &boot_info;
	const char *why = NULL;
	unsigned int i;
	u32 *copy;
	int ret;

	ST_ASSERT_EQ(dt_parse(__va(bi->fdt_pa), bi->fdt_size, &again, &why), 0);
	again.fdt_pa = bi->fdt_pa;
	ST_ASSERT(memcmp(&again, bi, sizeof(again)) == 0);

	ST_ASSERT(bi->nr_mem > 0 && bi->nr_cpus > 0);
	ST_ASSERT_EQ(boot_ram_size(bi), memblock_phys_mem_size());
	for (i = 0; i < bi->nr_mem; i++) {
		ST_ASSERT(memblock_is_memory(bi->mem[i].base));
		ST_ASSERT(memblock_is_memory(bi->mem[i].base + bi->mem[i].size - 1));
		ST_ASSERT(i == 0 || bi->mem[i].base > bi->mem[i - 1].base);
	}
	ST_ASSERT(!memblock_is_memory(bi->mem[bi->nr_mem - 1].base + bi->mem[bi->nr_mem - 1].size));
	ST_ASSERT(boot_cmdline.action == ACTION_SELFTEST);
	ST_ASSERT_STREQ(boot_cmdline.action_word, "selftest");

	copy = kmalloc(bi->fdt_size, GFP_KERNEL);
	ST_ASSERT(copy != NULL);
	memcpy(copy, __va(bi->fdt_pa), bi->fdt_size);
	ret = dt_parse(copy, bi->fdt_size / 2, &again, &why);	/* truncated */
	if (ret == 0) {
		kfree(copy);
		ST_ASSERT(!"a truncated blob was accepted");
	}
	copy[0] ^= 1;						/* bad magic */
	ret = dt_parse(copy, bi->fdt_size, &again, &why);
	kfree(copy);
	ST_ASSERT(ret == -EINVAL && why != NULL);
	return SELFTEST_PASS;
}
