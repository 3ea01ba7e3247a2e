// SPDX-License-Identifier: MIT
/*
 * Self-test of vsnprintf in the guest build (the host test compares it with libc at
 * length): conversions, flags, truncation and the return value.
 */
#include <guest/selftest.h>

#define CHECK(want, fmt, ...)							\
	do {									\
		char __buf[64];							\
		int __n = snprintf(__buf, sizeof(__buf), fmt, ##__VA_ARGS__);	\
		ST_ASSERT_STREQ(__buf, want);					\
		ST_ASSERT_EQ(__n, strlen(want));				\
	} while (0)

int selftest_vsnprintf(void)
{
	const char *volatile null_string = NULL;	/* volatile: no compile-time warning */
	char small[4];

	CHECK("42 -7 0", "%d %i %u", 42, -7, 0u);
	CHECK("ffffffff", "%x", -1);
	CHECK("0x00000000deadbeef", "0x%016lx", 0xdeadbeefUL);
	CHECK("ffffffffffffffff", "%llx", ~0ULL);
	CHECK("18446744073709551615", "%llu", ~0ULL);
	CHECK("-9223372036854775808", "%lld", (long long)(1ULL << 63));
	CHECK("[  ab][ab  ]", "[%4s][%-4s]", "ab", "ab");
	CHECK("[00042][42   ][  -42]", "[%05d][%-5d][%5d]", 42, 42, -42);
	CHECK("c%", "%c%%", 'c');
	CHECK("4096", "%zu", (size_t)4096);
	CHECK("0x1000", "%p", (void *)0x1000);
	CHECK("(null)", "%s", null_string);
	CHECK("abc", "%.3s", "abcdef");
	CHECK("+5 0x1f 017", "%+d %#x %#o", 5, 0x1f, 017);

	ST_ASSERT_EQ(snprintf(small, sizeof(small), "%s", "truncated"), 9);
	ST_ASSERT_STREQ(small, "tru");
	ST_ASSERT_EQ(snprintf(NULL, 0, "%d", 12345), 5);
	return SELFTEST_PASS;
}
