// SPDX-License-Identifier: MIT
/*
 * vsnprintf/snprintf for the guest kernel (include/kern/printk.h): C99 semantics for the
 * subset the kernel uses, so tests/unit/test_guest_printk.c can compare it with libc.
 * Conversions d i u x X o c s p %; flags - 0 + space #; width and precision (also *);
 * length modifiers hh h l ll z t. %p prints like glibc ("0x1f", "(nil)").
 */
#include <kern/printk.h>
#include <kern/string.h>

#define F_LEFT		0x01	/* '-' */
#define F_ZERO		0x02	/* '0' */
#define F_PLUS		0x04	/* '+' */
#define F_SPACE		0x08	/* ' ' */
#define F_ALT		0x10	/* '#' */
#define F_UPPER		0x20	/* X */

/* The output cursor: counts every character, stores those that fit. */
struct outbuf {
	char *buf;
	size_t size;
	size_t len;
};

static void out_char(struct outbuf *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void out_repeat(struct outbuf *o, char c, int n)
{
	while (n-- > 0)
		out_char(o, c);
}

/* @s[0..len) padded to @width, on the left unless F_LEFT. */
static void out_padded(struct outbuf *o, const char *s, int len, int width, int flags)
{
	int i;

	if (!(flags & F_LEFT))
		out_repeat(o, ' ', width - len);
	for (i = 0; i < len; i++)
		out_char(o, s[i]);
	if (flags & F_LEFT)
		out_repeat(o, ' ', width - len);
}

/*
 * One integer conversion. @neg says @v is the magnitude of a negative number. A precision
 * gives the minimum digit count and disables '0' padding; precision 0 prints nothing for 0.
 */
static void out_number(struct outbuf *o, unsigned long long v, bool neg, unsigned int base,
		       int width, int prec, int flags)
{
	const char *digits = (flags & F_UPPER) ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];		/* 2^64 in octal is 22 digits */
	char sign = 0;
	const char *prefix = "";
	int n = 0, zeros, pad;

	do {
		tmp[n++] = digits[v % base];
		v /= base;
	} while (v);
	if (prec == 0 && n == 1 && tmp[0] == '0')
		n = 0;

	if (neg)
		sign = '-';
	else if (flags & F_PLUS)
		sign = '+';
	else if (flags & F_SPACE)
		sign = ' ';
	if ((flags & F_ALT) && base == 16 && n && !(n == 1 && tmp[0] == '0'))
		prefix = (flags & F_UPPER) ? "0X" : "0x";

	zeros = prec > n ? prec - n : 0;
	if ((flags & F_ALT) && base == 8 && zeros == 0 && (n == 0 || tmp[n - 1] != '0'))
		zeros = 1;
	pad = width - n - zeros - (sign != 0) - (int)strlen(prefix);
	if ((flags & F_ZERO) && !(flags & F_LEFT) && prec < 0 && pad > 0) {
		zeros += pad;
		pad = 0;
	}

	if (!(flags & F_LEFT))
		out_repeat(o, ' ', pad);
	if (sign)
		out_char(o, sign);
	while (*prefix)
		out_char(o, *prefix++);
	out_repeat(o, '0', zeros);
	while (n)
		out_char(o, tmp[--n]);
	if (flags & F_LEFT)
		out_repeat(o, ' ', pad);
}

static int parse_int(const char **fmt)
{
	int v = 0;

	while (**fmt >= '0' && **fmt <= '9')
		v = v * 10 + *(*fmt)++ - '0';
	return v;
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct outbuf o = { buf, size, 0 };

	for (; *fmt; fmt++) {
		int flags = 0, width = 0, prec = -1, lng = 0;
		unsigned long long v;
		bool neg = false;
		unsigned int base = 10;

		if (*fmt != '%') {
			out_char(&o, *fmt);
			continue;
		}
		for (;; fmt++) {	/* flags */
			char c = fmt[1];

			if (c == '-')
				flags |= F_LEFT;
			else if (c == '0')
				flags |= F_ZERO;
			else if (c == '+')
				flags |= F_PLUS;
			else if (c == ' ')
				flags |= F_SPACE;
			else if (c == '#')
				flags |= F_ALT;
			else
				break;
		}
		fmt++;
		if (*fmt == '*') {
			width = va_arg(ap, int);
			if (width < 0) {
				flags |= F_LEFT;
				width = -width;
			}
			fmt++;
		} else {
			width = parse_int(&fmt);
		}
		if (*fmt == '.') {
			fmt++;
			if (*fmt == '*') {
				prec = va_arg(ap, int);
				fmt++;
			} else {
				prec = parse_int(&fmt);
			}
		}
		/* Length: -2 hh, -1 h, 1 l, 2 ll; z and t are long on x86-64. */
		for (;; fmt++) {
			if (*fmt == 'h')
				lng--;
			else if (*fmt == 'l')
				lng++;
			else if (*fmt == 'z' || *fmt == 't')
				lng = 1;
			else
				break;
		}

		switch (*fmt) {
		case 'c':
			out_padded(&o, &(char){ (char)va_arg(ap, int) }, 1, width, flags);
			continue;
		case 's': {
			const char *s = va_arg(ap, const char *);

			if (!s)
				s = prec < 0 || prec >= 6 ? "(null)" : "";
			out_padded(&o, s, prec < 0 ? (int)strlen(s) : (int)strnlen(s, prec),
				   width, flags);
			continue;
		}
		case 'p': {
			void *p = va_arg(ap, void *);

			if (!p) {
				out_padded(&o, "(nil)", 5, width, flags);
				continue;
			}
			out_number(&o, (unsigned long)p, false, 16, width, prec, flags | F_ALT);
			continue;
		}
		case 'd':
		case 'i': {
			long long s;

			if (lng >= 2)
				s = va_arg(ap, long long);
			else if (lng == 1)
				s = va_arg(ap, long);
			else
				s = va_arg(ap, int);
			if (lng == -1)
				s = (short)s;
			else if (lng <= -2)
				s = (signed char)s;
			neg = s < 0;
			v = neg ? -(unsigned long long)s : (unsigned long long)s;
			out_number(&o, v, neg, 10, width, prec, flags);
			continue;
		}
		case 'X':
			flags |= F_UPPER;
			/* fall through */
		case 'x':
			base = 16;
			goto unsigned_number;
		case 'o':
			base = 8;
			/* fall through */
		case 'u':
unsigned_number:
			if (lng >= 2)
				v = va_arg(ap, unsigned long long);
			else if (lng == 1)
				v = va_arg(ap, unsigned long);
			else
				v = va_arg(ap, unsigned int);
			if (lng == -1)
				v = (unsigned short)v;
			else if (lng <= -2)
				v = (unsigned char)v;
			out_number(&o, v, false, base, width, prec, flags & ~(F_PLUS | F_SPACE));
			continue;
		case '%':
			out_char(&o, '%');
			continue;
		case '\0':	/* a lone '%' at the end: print it, stop */
			out_char(&o, '%');
			fmt--;
			continue;
		default:	/* unknown conversion: print it as written */
			out_char(&o, '%');
			out_char(&o, *fmt);
			continue;
		}
	}
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return (int)o.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
