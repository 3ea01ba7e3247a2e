// SPDX-License-Identifier: MIT
/*
 * The `selftest` action: run every kernel self-test in order and report in kselftest TAP
 * on the console. The tests themselves live in guest/selftest/, one file per subsystem.
 */
#include <kern/compiler.h>
#include <guest/selftest.h>

static const struct {
	const char *name;
	int (*run)(void);
} selftests[] = {
	{ "string", selftest_string },
	{ "vsnprintf", selftest_vsnprintf },
	{ "dt_parse", selftest_dt },
	{ "exception_round_trip", selftest_exception_round_trip },
	{ "pf_error_code_decode", selftest_pf_decode },
	{ "kernel_page_tables", selftest_paging },
	{ "page_fault_delivery", selftest_page_fault },
	{ "direct_map", selftest_direct_map },
	{ "page_alloc_orders", selftest_page_alloc_orders },
	{ "page_alloc_many", selftest_page_alloc_many },
	{ "page_alloc_gfp_zero", selftest_page_alloc_zero },
	{ "kmalloc", selftest_kmalloc },
	{ "cpio_newc", selftest_cpio },
	{ "elf_check", selftest_elf },
	{ "syscall_table", selftest_syscall_table },
	{ "uaccess", selftest_uaccess },
	{ "user_mode_syscalls", selftest_user_syscalls },
	{ "user_mode_exceptions", selftest_user_exceptions },
	{ "fault_trace", selftest_fault_trace },
	{ "irq_request", selftest_irq },
	{ "ns_to_tsc", selftest_ns_to_tsc },
	{ "timers", selftest_timers },
	{ "blk_pattern_round_trip", selftest_blk_pattern },
	{ "blk_merge_segments", selftest_blk_merge },
	{ "blk_flush", selftest_blk_flush },
	{ "blk_bad_bios_refused", selftest_blk_bad_bios },
	{ "blk_read_only", selftest_blk_read_only },
	{ "blk_get_id", selftest_blk_get_id },
};

const char *selftest_skip_reason;

int run_selftests(void)
{
	unsigned int i, pass = 0, fail = 0, skip = 0;

	printk("TAP version 13\n");
	printk("1..%zu\n", ARRAY_SIZE(selftests));
	for (i = 0; i < ARRAY_SIZE(selftests); i++) {
		switch (selftests[i].run()) {
		case SELFTEST_PASS:
			printk("ok %u %s\n", i + 1, selftests[i].name);
			pass++;
			break;
		case SELFTEST_SKIP:
			printk("ok %u %s # SKIP %s\n", i + 1, selftests[i].name,
			       selftest_skip_reason);
			skip++;
			break;
		default:
			printk("not ok %u %s\n", i + 1, selftests[i].name);
			fail++;
			break;
		}
	}
	printk("# Totals: pass:%u fail:%u xfail:0 xpass:0 skip:%u error:0\n", pass, fail, skip);
	return fail;
}
