// SPDX-License-Identifier: MIT
/*
 * Self-test of kmalloc in the real guest: objects of many small sizes are aligned to
 * 16 bytes, writable over their whole size and disjoint (each keeps its own fill pattern
 * while all are live); kmalloc(0) is ZERO_SIZE_PTR; kzalloc zeroes.
 */
#include <mm/slab.h>
#include <guest/selftest.h>

#define NR_OBJECTS	96

int selftest_kmalloc(void)
{
	static u8 *objs[NR_OBJECTS];
	static size_t sizes[NR_OBJECTS];
	unsigned int i, j, bad = 0;
	u8 *z;

	for (i = 0; i < NR_OBJECTS; i++) {
		sizes[i] = 1 + (i * 37) % 3000;		/* 1 .. 3000, across the classes */
		objs[i] = kmalloc(sizes[i], GFP_KERNEL);
		ST_ASSERT(objs[i] != NULL && !ZERO_OR_NULL_PTR(objs[i]));
		ST_ASSERT(IS_ALIGNED((unsigned long)objs[i], 16));
		memset(objs[i], i, sizes[i]);
	}
	for (i = 0; i < NR_OBJECTS; i++)
		for (j = 0; j < sizes[i]; j++)
			if (objs[i][j] != (u8)i)
				bad++;
	for (i = 0; i < NR_OBJECTS; i++)
		kfree(objs[i]);
	ST_ASSERT_EQ(bad, 0);

	ST_ASSERT(kmalloc(0, GFP_KERNEL) == ZERO_SIZE_PTR);
	z = kzalloc(200, GFP_KERNEL);
	ST_ASSERT(z != NULL);
	for (i = 0; i < 200 && !z[i]; i++)
		;
	kfree(z);
	ST_ASSERT_EQ(i, 200);
	return SELFTEST_PASS;
}
