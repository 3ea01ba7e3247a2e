// SPDX-License-Identifier: MIT
/*
 * Host tests of the guest's vsnprintf (guest/lib/vsprintf.c, included here under the names
 * guest_vsnprintf/guest_snprintf): for many formats and values, the output and the return
 * value must equal glibc's, also when the buffer is too small or has no room at all.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define vsnprintf guest_vsnprintf
#define snprintf guest_snprintf
#include "guest/lib/vsprintf.c"
#undef vsnprintf
#undef snprintf

#include "mm_test.h"

static unsigned int mismatches;

/*
 * Format with both implementations into buffers of every size from 0 to 40 and compare
 * the text and the return value. Counts and reports each difference.
 */
static void __attribute__((format(printf, 1, 2))) same(const char *fmt, ...)
{
	char want[256], got[256];
	size_t size;
	va_list ap, aq;
	int nw, ng;

	va_start(ap, fmt);
	for (size = 0; size <= 40; size++) {
		memset(want, '#', sizeof(want));
		memset(got, '#', sizeof(got));
		va_copy(aq, ap);
		nw = vsnprintf(want, size, fmt, aq);
		va_end(aq);
		va_copy(aq, ap);
		ng = guest_vsnprintf(got, size, fmt, aq);
		va_end(aq);
		if (nw != ng || memcmp(want, got, sizeof(want))) {
			tap_diag("format \"%s\", size %zu: libc \"%.*s\" (%d), guest \"%.*s\" (%d)",
				 fmt, size, (int)MIN(size, sizeof(want)), want, nw,
				 (int)MIN(size, sizeof(got)), got, ng);
			mismatches++;
			break;
		}
	}
	va_end(ap);
}

static bool test_integers(void)
{
	static const long long values[] = { 0, 1, -1, 7, -42, 255, 4096, INT_MAX, INT_MIN,
					    UINT_MAX, LLONG_MAX, LLONG_MIN, 0x123456789abcLL };
	static const char *const fmts[] = { "%d", "%i", "%5d", "%-5d|", "%05d", "%+d", "% d",
					    "%.3d", "%8.3d", "%-8.3d|", "%.0d", "%u", "%x", "%X",
					    "%#x", "%08x", "%#010x", "%o", "%#o", "%hhd", "%hd",
					    "%hhx", "%hu" };
	static const char *const lfmts[] = { "%ld", "%lu", "%lx", "%016lx", "%-20ld|", "%+ld",
					     "%#lo", "%zu", "%zx", "%zd" };
	static const char *const llfmts[] = { "%lld", "%llu", "%llx", "%#llX", "%24lld",
					      "%-24llx|", "%.20lld" };
	unsigned int i, j;

	mismatches = 0;
	for (i = 0; i < ARRAY_SIZE(values); i++) {
		for (j = 0; j < ARRAY_SIZE(fmts); j++)
			same(fmts[j], (int)values[i]);
		for (j = 0; j < ARRAY_SIZE(lfmts); j++)
			same(lfmts[j], (long)values[i]);
		for (j = 0; j < ARRAY_SIZE(llfmts); j++)
			same(llfmts[j], values[i]);
	}
	same("%d%%%u", -5, 5u);
	same("[%*d] [%-*d] [%.*d]", 6, 42, 6, 42, 4, 42);
	same("[%*d]", -6, 42);
	CHECK(mismatches == 0);
	return true;
}

static bool test_strings_chars_pointers(void)
{
	const char *volatile null_string = NULL;	/* volatile: no compile-time warning */

	mismatches = 0;
	same("%s", "");
	same("%s", "hello, world");
	same("[%10s] [%-10s] [%.3s] [%10.3s] [%-10.3s]", "abcdef", "abcdef", "abcdef", "abcdef",
	     "abcdef");
	same("[%*s] [%.*s]", 7, "ab", 1, "ab");
	same("%s", null_string);
	same("%c%c%c", 'a', 0x7f, '0');
	same("[%3c] [%-3c]", 'x', 'y');
	same("%p", (void *)0x1000);
	same("%p", (void *)0xffff888000000000UL);
	same("%p", (void *)NULL);
	same("[%20p] [%-20p]", (void *)0xdeadbeef, (void *)0xdeadbeef);
	same("memory: [mem 0x%016llx-0x%016llx] usable", 0ULL, 0xfffffffULL);
	same("no conversions at all, just a long line of text to truncate");
	same("%%");
	CHECK(mismatches == 0);
	return true;
}

/* Things libc does not define the same way: checked against fixed expectations. */
static bool test_own_rules(void)
{
	/* Invalid formats, hidden from the compiler's format checking. */
	const char *volatile unknown = "%q", *volatile trailing = "ab%";
	char buf[16];

	CHECK(guest_snprintf(buf, sizeof(buf), unknown, 0) == 2 && !strcmp(buf, "%q"));
	CHECK(guest_snprintf(buf, sizeof(buf), trailing, 0) == 3 && !strcmp(buf, "ab%"));
	memset(buf, '#', sizeof(buf));
	CHECK(guest_snprintf(buf, 0, "%d", 123) == 3 && buf[0] == '#');
	CHECK(guest_snprintf(NULL, 0, "%s", "four") == 4);
	CHECK(guest_snprintf(buf, 1, "%d", 123) == 3 && buf[0] == '\0');
	return true;
}

int main(void)
{
	tap_plan(3);
	TAP_RUN(test_integers);
	TAP_RUN(test_strings_chars_pointers);
	TAP_RUN(test_own_rules);
	return tap_finish();
}
