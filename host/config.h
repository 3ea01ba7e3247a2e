/* SPDX-License-Identifier: MIT */
/*
 * Config file syntax: `key = value` lines, `#` comments, blank lines; values may be
 * "double quoted" (then \" and \\ are escapes). Which keys exist is options.c's business.
 */
#ifndef HOST_CONFIG_H
#define HOST_CONFIG_H

#include "host/util.h"

/* Called once per `key = value` line, in file order; returns 0 or -E* with @e set. */
typedef int (*config_fn)(void *ctx, const char *key, const char *val, struct errbuf *e);

/*
 * config_parse - split @text (NUL-terminated, @len bytes, modified in place) into lines
 * and call @fn for each setting. @name is the file name used in messages.
 * Returns 0, or the first error with @e reading "<name>:<line>: <why>".
 */
int config_parse(const char *name, char *text, size_t len, config_fn fn, void *ctx,
		 struct errbuf *e);

#endif
