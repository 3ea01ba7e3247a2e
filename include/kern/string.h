/* SPDX-License-Identifier: MIT */
/*
 * String and memory functions for freestanding code. The guest implements them in
 * guest/lib/string.c; the host test build links libc's (same prototypes).
 */
#ifndef KERN_STRING_H
#define KERN_STRING_H

#include <kern/types.h>

void *memset(void *s, int c, size_t n);
void *memcpy(void *restrict d, const void *restrict s, size_t n);
void *memmove(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
void *memchr(const void *s, int c, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t n);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);
unsigned long strtoul(const char *restrict s, char **restrict end, int base);

#endif
