/* SPDX-License-Identifier: MIT */
/* Freestanding <stdlib.h> for libfdt's libfdt_env.h: it only needs strtoul (guest/lib/string.c). */
#ifndef GUEST_SHIM_STDLIB_H
#define GUEST_SHIM_STDLIB_H

#include <kern/string.h>

#endif
