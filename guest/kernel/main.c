// SPDX-License-Identifier: MIT
/*
 * start_kernel(): the guest kernel's boot, in order. Console, exception handling, the
 * device tree, the kernel's own page tables, the page allocator, the fault trace, the
 * scheduler, then the one action the command line asks for (self-tests, exit, crash,
 * poke), else init from the initramfs or the disk's ext2, else idle exit.
 */
#include <kern/printk.h>
#include <abi/layout.h>
#include <asm/exit.h>
#include <asm/paging.h>
#include <asm/serial.h>
#include <asm/traps.h>
#include <guest/blkdev.h>
#include <guest/bootinfo.h>
#include <guest/cmdline.h>
#include <guest/sched.h>
#include <guest/selftest.h>
#include <guest/setup.h>
#include <guest/virtio.h>
#include <mm/pagemap.h>

/* The boot page tables map [0, 4 GiB) one to one: the blob must lie there. */
#define BOOT_IDENTITY_END	(4ULL << 30)

struct boot_info boot_info;
struct cmdline boot_cmdline;

static void print_boot_info(const struct boot_info *bi)
{
	unsigned int i;

	for (i = 0; i < bi->nr_mem; i++)
		printk("memory: [mem 0x%016lx-0x%016lx] usable\n", bi->mem[i].base,
		       bi->mem[i].base + bi->mem[i].size - 1);
	for (i = 0; i < bi->nr_reserved; i++)
		printk("reserved: [mem 0x%016lx-0x%016lx]\n", bi->reserved[i].base,
		       bi->reserved[i].base + bi->reserved[i].size - 1);
	printk("cmdline: %s\n", bi->cmdline);
	printk("cpus: %u\n", bi->nr_cpus);
	if (bi->tsc_khz)
		printk("tsc: %u kHz\n", bi->tsc_khz);
	else
		printk("tsc: unknown (no tsc-khz in the device tree)\n");
	printk("dt: %u bytes at 0x%lx, serial at 0x%lx, exit device at 0x%lx\n", bi->fdt_size,
	       bi->fdt_pa, bi->serial_port, bi->exit_port);
}

static void __noreturn run_action(const struct cmdline *cl)
{
	switch (cl->action) {
	case ACTION_SELFTEST:
		arch_exit(run_selftests() ? 1 : 0);
	case ACTION_EXIT:
		printk("guest: exit status %d, as asked\n", cl->exit_status);
		arch_exit(cl->exit_status);
	case ACTION_CRASH:
		action_crash(cl->crash);
	case ACTION_POKE:
		action_poke(&boot_info, cl->poke_gpa, cl->poke_len);
	case ACTION_BLKTEST:
		action_blktest(cl->blktest);
	case ACTION_NONE:
		break;
	}
	if (boot_info.initrd_end > boot_info.initrd_start || blkdev_get_by_role("disk"))
		run_init(&boot_info, cl);	/* from the initramfs, else from the disk */
	if (cl->init) {
		printk("cmdline: error: init=%s, but there is no initramfs and no disk\n", cl->init);
		arch_exit(1);
	}
	printk("guest: idle, no action on the command line\n");
	arch_exit(0);
}

/* fault_around_bytes= and readahead_kb=: set mm's tunables before any file is opened. */
static void apply_mm_settings(const struct cmdline *cl)
{
	if (cl->fault_around_bytes)
		printk("mm: fault_around_bytes %lu\n",
		       set_fault_around_bytes(cl->fault_around_bytes));
	if (cl->has_readahead_kb)
		printk("mm: readahead_kb %lu\n",
		       (unsigned long)set_readahead_max_bytes(cl->readahead_kb * 1024) *
		       (PAGE_SIZE / 1024));
}

void start_kernel(u64 fdt_pa, u64 magic)
{
	char err[160];
	const char *why;

	serial_init();
	printk("guest: booting, kernel %s\n", GUEST_KERNEL_VERSION);
	trap_init();
	if (magic != BOOT_MAGIC)
		panic("boot: RSI is 0x%lx, not BOOT_MAGIC 0x%x: not started by ./vmm?", magic,
		      BOOT_MAGIC);
	if (fdt_pa > BOOT_IDENTITY_END - BOOT_FDT_MAX)
		panic("boot: device tree address 0x%lx in RDI is not identity mapped", fdt_pa);

	if (dt_parse((const void *)(uintptr_t)fdt_pa, BOOT_FDT_MAX, &boot_info, &why))
		panic("dt: %s", why);
	boot_info.fdt_pa = fdt_pa;
	print_boot_info(&boot_info);

	paging_init(&boot_info);
	bootmem_init(&boot_info);
	fault_trace_init(&boot_info);
	sched_init();
	devices_init(&boot_info);	/* interrupts, virtio disks (guest/drivers/) */

	if (cmdline_parse(&boot_cmdline, boot_info.cmdline, err, sizeof(err))) {
		printk("cmdline: error: %s\n", err);
		arch_exit(1);
	}
	apply_mm_settings(&boot_cmdline);
	run_action(&boot_cmdline);
}
