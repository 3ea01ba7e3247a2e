/* SPDX-License-Identifier: MIT */
/* The config file reader: `key = value` lines with comments and quoted values. */
#include <errno.h>
#include <string.h>

#include "host/config.h"

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static bool is_key_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '-';
}

static char *skip_blanks(char *p)
{
	while (is_blank(*p))
		p++;
	return p;
}

/*
 * Parse the value starting at @p (first non-blank after '=') in place; returns it, or
 * NULL with @e set. A quoted value ends at its closing quote and may be followed only
 * by blanks or a comment; an unquoted one ends at the line's end or at a '#' that
 * follows a blank, minus trailing blanks.
 */
static char *parse_value(char *p, struct errbuf *e)
{
	char *val, *out;

	if (*p != '"') {
		char *end;

		val = p;
		for (end = p; *end; end++) {
			if (*end == '#' && end > val && is_blank(end[-1]))
				break;
		}
		while (end > val && is_blank(end[-1]))
			end--;
		*end = '\0';
		return val;
	}
	val = out = ++p;
	for (;; p++) {
		if (!*p) {
			errf(e, -EINVAL, "unterminated quoted value");
			return NULL;
		}
		if (*p == '"')
			break;
		if (*p == '\\' && (p[1] == '"' || p[1] == '\\'))
			p++;
		*out++ = *p;
	}
	p = skip_blanks(p + 1);
	if (*p && *p != '#') {
		errf(e, -EINVAL, "unexpected text after the closing quote");
		return NULL;
	}
	*out = '\0';
	return val;
}

/* Parse one line (NUL-terminated, no newline); returns 0 or -E* with @e set. */
static int parse_line(char *line, config_fn fn, void *ctx, struct errbuf *e)
{
	char *key, *p, *val;

	p = skip_blanks(line);
	if (!*p || *p == '#')
		return 0;
	key = p;
	while (is_key_char(*p))
		p++;
	if (p == key)
		return errf(e, -EINVAL, "expected 'key = value'");
	val = skip_blanks(p);
	if (*val != '=')
		return errf(e, -EINVAL, "expected 'key = value'");
	*p = '\0';
	val = parse_value(skip_blanks(val + 1), e);
	if (!val)
		return -EINVAL;
	return fn(ctx, key, val, e);
}

int config_parse(const char *name, char *text, size_t len, config_fn fn, void *ctx,
		 struct errbuf *e)
{
	unsigned int lineno = 0;
	char *line = text;

	if (strlen(text) != len)
		return errf(e, -EINVAL, "%s: contains a NUL byte; not a config file", name);
	while (*line) {
		char *nl = strchr(line, '\n');
		struct errbuf why;
		int err;

		lineno++;
		if (nl)
			*nl = '\0';
		err = parse_line(line, fn, ctx, &why);
		if (err)
			return errf(e, err, "%s:%u: %s", name, lineno, why.msg);
		if (!nl)
			break;
		line = nl + 1;
	}
	return 0;
}
