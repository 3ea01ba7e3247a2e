// SPDX-License-Identifier: MIT
/* Self-test of guest/lib/string.c: the mem and str functions, overlap and edge cases. */
#include <guest/selftest.h>

int selftest_string(void)
{
	char buf[32], *end;
	unsigned int i;

	memset(buf, 'x', sizeof(buf));
	memset(buf + 4, 0, 8);
	ST_ASSERT(buf[3] == 'x' && buf[4] == 0 && buf[11] == 0 && buf[12] == 'x');

	for (i = 0; i < sizeof(buf); i++)
		buf[i] = i;
	memmove(buf + 2, buf, 10);		/* forward overlap: copies backwards */
	ST_ASSERT(buf[2] == 0 && buf[11] == 9 && buf[12] == 12);
	for (i = 0; i < sizeof(buf); i++)
		buf[i] = i;
	memmove(buf, buf + 2, 10);		/* backward overlap */
	ST_ASSERT(buf[0] == 2 && buf[9] == 11 && buf[10] == 10);
	memcpy(buf, "abcdef", 7);
	ST_ASSERT_STREQ(buf, "abcdef");

	ST_ASSERT(memcmp("abc", "abd", 3) < 0 && memcmp("abd", "abc", 3) > 0);
	ST_ASSERT(memcmp("ab\xff", "ab\x01", 3) > 0);	/* bytes compare unsigned */
	ST_ASSERT(memcmp("abc", "abd", 2) == 0);
	memcpy(buf, "hello", 6);
	ST_ASSERT(memchr(buf, 'l', 5) == buf + 2 && memchr(buf, 'z', 5) == NULL);

	ST_ASSERT_EQ(strlen(""), 0);
	ST_ASSERT_EQ(strlen("kernel"), 6);
	ST_ASSERT_EQ(strnlen("kernel", 3), 3);
	ST_ASSERT(strcmp("a", "b") < 0 && strcmp("b", "a") > 0 && strcmp("ab", "ab") == 0);
	ST_ASSERT(strcmp("ab", "abc") < 0);
	ST_ASSERT(strncmp("abcX", "abcY", 3) == 0 && strncmp("abcX", "abcY", 4) < 0);
	memcpy(buf, "a=b=c", 6);
	ST_ASSERT(strchr(buf, '=') == buf + 1 && strrchr(buf, '=') == buf + 3);
	ST_ASSERT(strchr(buf, '\0') == buf + 5 && strchr(buf, 'z') == NULL);

	ST_ASSERT_EQ(strtoul("0x1fz", &end, 0), 0x1f);
	ST_ASSERT(*end == 'z');
	ST_ASSERT_EQ(strtoul("  017", NULL, 0), 017);
	ST_ASSERT_EQ(strtoul("42", NULL, 10), 42);
	ST_ASSERT_EQ(strtoul("ff", NULL, 16), 0xff);
	ST_ASSERT_EQ(strtoul("99999999999999999999999", NULL, 10), ~0UL);
	strtoul("nope", &end, 0);
	ST_ASSERT_STREQ(end, "nope");
	return SELFTEST_PASS;
}
