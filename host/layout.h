/* SPDX-License-Identifier: MIT */
/*
 * Where the VMM puts what it loads above the kernel: the fault-trace region at the very top of
 * guest RAM and the initrd page-aligned just below it (include/abi/layout.h has the fixed low
 * addresses). A pure function of sizes, so host tests check the arithmetic.
 */
#ifndef HOST_LAYOUT_H
#define HOST_LAYOUT_H

#include "host/util.h"

#define GUEST_PAGE_SIZE		4096ULL

struct ram_plan {
	u64 ram_size;
	u64 kernel_end;		/* end of the kernel's highest segment (at least 1 MiB) */
	u64 initrd_gpa;		/* page-aligned; 0 when initrd_size is 0 */
	u64 initrd_size;	/* the file's size; the region ends at the next page boundary */
	u64 trace_gpa;		/* ram_size - trace_size; 0 when trace_size is 0 */
	u64 trace_size;		/* a multiple of GUEST_PAGE_SIZE; 0: no fault trace */
};

/*
 * ram_plan_make - place the fault trace (@trace_size bytes, a multiple of GUEST_PAGE_SIZE, 0
 * for none) at the top of @ram_size bytes of RAM, and the initrd (@initrd_size bytes, 0 for
 * none; the file @initrd, for messages) page-aligned directly below it, both above
 * @kernel_end rounded up to a page. Returns 0 with @p filled, -EINVAL for a @trace_size that
 * is not whole pages, or -ENOSPC when something does not fit; @e then names --trace-size or
 * --initrd and gives the sizes.
 */
int ram_plan_make(struct ram_plan *p, u64 ram_size, u64 kernel_end, const char *initrd,
		  u64 initrd_size, u64 trace_size, struct errbuf *e);

/* ram_plan_initrd_end - the end of the initrd's pages (what the reserve map covers). */
static inline u64 ram_plan_initrd_end(const struct ram_plan *p)
{
	return p->initrd_gpa + ALIGN_UP(p->initrd_size, GUEST_PAGE_SIZE);
}

#endif
