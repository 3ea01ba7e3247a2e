/* SPDX-License-Identifier: MIT */
/* Boot steps of start_kernel() that live in their own files, and what they leave behind. */
#ifndef GUEST_SETUP_H
#define GUEST_SETUP_H

#include <kern/types.h>
#include <guest/bootinfo.h>
#include <guest/cmdline.h>

#define GUEST_KERNEL_VERSION	"0.1"

/* The kernel image's bounds (guest/guest.ld); virtual addresses at KERNEL_VIRT_BASE. */
extern char _text[], _etext[], _data[], _edata[], __bss_start[], _end[];
extern char __start_rodata[], __end_rodata[];

extern struct cmdline boot_cmdline;

/*
 * The C entry point, called by head.S on the kernel stack with the boot contract's RDI
 * (the device tree's physical address) and RSI (BOOT_MAGIC). Never returns: it ends in the
 * exit device, with the status the command line's action gives (docs/guest.md).
 */
void start_kernel(u64 fdt_pa, u64 magic) __noreturn;

/*
 * Give memblock the RAM and every range the kernel must not hand out (page 0, the kernel
 * image, the device tree blob, the reserve map, the initrd and the fault-trace region),
 * then build the page allocator (mem_init()).
 */
void bootmem_init(const struct boot_info *bi);

/* True if [pa, pa + len) overlaps a range that bootmem_init() reserved. */
bool bootmem_overlaps_reserved(u64 pa, u64 len);

/* True if [pa, pa + len) lies inside one RAM range of @bi. */
bool boot_range_is_ram(const struct boot_info *bi, u64 pa, u64 len);

/* Find the fault-trace region in @bi and start recording (guest/kernel/fault_trace.c). */
void fault_trace_init(const struct boot_info *bi);
/* The ABI's enum fault_type for an mm/ record's fault_kind and vm_fault_t result. */
u16 fault_trace_type(u32 kind, u32 result);
/* Record a #PF that mm/ refused before handle_mm_fault() (so it traced nothing): type
 * FT_ERROR, result VM_FAULT_SIGSEGV or VM_FAULT_SIGBUS (or OOM for SIGKILL). */
void fault_trace_refused(unsigned long address, unsigned long error_code, u64 start_tsc,
			 int sig);
/* For self-tests: how many records this CPU's ring holds (*count) of how many it can
 * (*capacity), and the last one (*out, when there is one). 0, or -ENODEV when there is no
 * fault trace. */
struct fault_trace_entry;
int fault_trace_last(struct fault_trace_entry *out, u64 *count, u64 *capacity);

/*
 * With an initramfs and no action on the command line: unpack it, start init (pid 1: the
 * program init= names, /init by default) and let task 0 sleep (guest/kernel/init.c). When
 * init exits, init_exit() ends the VM with its exit status, or 128 + the signal that
 * killed it. A bad archive or a missing init is a boot error: a message and status 1.
 */
void run_init(const struct boot_info *bi, const struct cmdline *cl) __noreturn;
void init_exit(int wait_status) __noreturn;
struct task;
extern struct task *init_process;

/* execve() from the kernel: argv and envp in kernel memory. 0 or -E* (a reason printed). */
int kernel_execve(const char *path, const char *const *argv, const char *const *envp);

/* The actions of the command line; none of them returns. */
void action_crash(enum crash_kind kind) __noreturn;
void action_poke(const struct boot_info *bi, u64 gpa, u64 len) __noreturn;

#endif
