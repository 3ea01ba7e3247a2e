// SPDX-License-Identifier: MIT
/*
 * Memory and string functions for the guest kernel and the libfdt.a it links
 * (include/kern/string.h). The copy and fill loops are `rep movs`/`rep stos` (8 bytes at a
 * time, then the tail), so the compiler cannot turn them back into calls to themselves.
 */
#include <kern/string.h>
#include <kern/compiler.h>

void *memset(void *s, int c, size_t n)
{
	void *d = s;
	unsigned long v = 0x0101010101010101UL * (unsigned char)c;
	size_t words = n / 8, bytes = n % 8;

	__asm__ __volatile__("rep stosq" : "+D"(d), "+c"(words) : "a"(v) : "memory");
	__asm__ __volatile__("rep stosb" : "+D"(d), "+c"(bytes) : "a"(v) : "memory");
	return s;
}

void *memcpy(void *restrict d, const void *restrict s, size_t n)
{
	void *dst = d;
	size_t words = n / 8, bytes = n % 8;

	__asm__ __volatile__("rep movsq" : "+D"(dst), "+S"(s), "+c"(words) : : "memory");
	__asm__ __volatile__("rep movsb" : "+D"(dst), "+S"(s), "+c"(bytes) : : "memory");
	return d;
}

/* Overlap-safe: copies backwards (DF set) when the destination starts inside the source. */
void *memmove(void *d, const void *s, size_t n)
{
	unsigned char *dst = d;
	const unsigned char *src = s;

	if (dst <= src || dst >= src + n)
		return memcpy(d, s, n);
	dst += n - 1;
	src += n - 1;
	__asm__ __volatile__("std\n\trep movsb\n\tcld"
			     : "+D"(dst), "+S"(src), "+c"(n) : : "memory");
	return d;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *p = a, *q = b;

	for (; n; n--, p++, q++)
		if (*p != *q)
			return *p - *q;
	return 0;
}

void *memchr(const void *s, int c, size_t n)
{
	const unsigned char *p = s;

	for (; n; n--, p++)
		if (*p == (unsigned char)c)
			return (void *)p;
	return NULL;
}

size_t strlen(const char *s)
{
	const char *p = s;

	while (*p)
		p++;
	return p - s;
}

size_t strnlen(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && s[i])
		i++;
	return i;
}

int strcmp(const char *a, const char *b)
{
	return strncmp(a, b, (size_t)-1);
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		if (*a != *b)
			return (unsigned char)*a - (unsigned char)*b;
		if (!*a)
			break;
	}
	return 0;
}

char *strchr(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c)
			return (char *)s;
		if (!*s)
			return NULL;
	}
}

char *strrchr(const char *s, int c)
{
	const char *last = NULL;

	for (;; s++) {
		if (*s == (char)c)
			last = s;
		if (!*s)
			return (char *)last;
	}
}

static int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 10;
	return 99;
}

/*
 * C's strtoul: optional blanks and sign, base 0 (0x.. hex, 0.. octal, else decimal) or
 * 2..36. An overflow returns ULONG_MAX (there is no errno here); *end points past the last
 * digit used, or at @s when there was none.
 */
unsigned long strtoul(const char *restrict s, char **restrict end, int base)
{
	const char *p = s;
	unsigned long v = 0;
	bool neg = false, any = false, overflow = false;

	while (*p == ' ' || (*p >= '\t' && *p <= '\r'))
		p++;
	if (*p == '+' || *p == '-')
		neg = *p++ == '-';
	if ((base == 0 || base == 16) && p[0] == '0' && (p[1] == 'x' || p[1] == 'X') &&
	    digit_value(p[2]) < 16) {
		p += 2;
		base = 16;
	} else if (base == 0) {
		base = p[0] == '0' ? 8 : 10;
	}
	for (; digit_value(*p) < base; p++) {
		unsigned int d = digit_value(*p);

		any = true;
		if (v > (~0UL - d) / base)
			overflow = true;
		v = v * base + d;
	}
	if (end)
		*end = (char *)(any ? p : s);
	if (overflow)
		return ~0UL;
	return neg ? -v : v;
}
