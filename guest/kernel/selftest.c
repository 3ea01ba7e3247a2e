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
