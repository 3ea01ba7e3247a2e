/* SPDX-License-Identifier: MIT */
/* Placement of the fault-trace region and the initrd at the top of guest RAM (layout.h). */
#include <errno.h>

#include <abi/layout.h>
#include "host/layout.h"

int ram_plan_make(struct ram_plan *p, u64 ram_size, u64 kernel_end, const char *initrd,
		  u64 initrd_size, u64 trace_size, struct errbuf *e)
{
	char ram[16], tr[16], want[16];
	u64 low = ALIGN_UP(MAX(kernel_end, (u64)BOOT_RESERVED_END), GUEST_PAGE_SIZE);
	u64 free, pages;

	p->ram_size = ram_size;
	p->kernel_end = kernel_end;
	p->initrd_gpa = p->initrd_size = p->trace_gpa = p->trace_size = 0;
	fmt_size(ram, sizeof(ram), ram_size);
	if (!IS_ALIGNED(trace_size, GUEST_PAGE_SIZE))
		return errf(e, -EINVAL, "--trace-size %llu: not a multiple of 4K",
			    (unsigned long long)trace_size);
	if (low > ram_size || trace_size > ram_size - low)
		return errf(e, -ENOSPC,
			    "--trace-size %s: does not fit in guest RAM: %s, of which the kernel "
			    "uses up to 0x%llx",
			    fmt_size(tr, sizeof(tr), trace_size), ram,
			    (unsigned long long)low);
	p->trace_size = trace_size;
	p->trace_gpa = trace_size ? ram_size - trace_size : 0;
	if (!initrd_size)
		return 0;
	free = ram_size - trace_size - low;
	pages = initrd_size > UINT64_MAX - GUEST_PAGE_SIZE ? UINT64_MAX :
		ALIGN_UP(initrd_size, GUEST_PAGE_SIZE);
	if (pages > free)
		return errf(e, -ENOSPC,
			    "--initrd %s: %llu bytes (%s) do not fit in guest RAM: %s, of which "
			    "%llu bytes are free between the kernel (ends 0x%llx) and %s",
			    initrd, (unsigned long long)initrd_size,
			    fmt_size(want, sizeof(want), pages), ram, (unsigned long long)free,
			    (unsigned long long)low,
			    trace_size ? "the fault trace" : "the end of RAM");
	p->initrd_size = initrd_size;
	p->initrd_gpa = ram_size - trace_size - pages;
	return 0;
}
