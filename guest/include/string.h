/* SPDX-License-Identifier: MIT */
/* Freestanding <string.h> for libfdt's libfdt_env.h: our own prototypes (guest/lib/string.c). */
#ifndef GUEST_SHIM_STRING_H
#define GUEST_SHIM_STRING_H

#include <kern/string.h>

#endif
