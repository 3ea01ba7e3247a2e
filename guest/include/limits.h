/* SPDX-License-Identifier: MIT */
/*
 * Freestanding <limits.h> for libfdt's libfdt_env.h: GCC's own limits.h, told that there is
 * no libc limits.h below it (otherwise it tries #include_next into a libc we do not have).
 */
#ifndef GUEST_SHIM_LIMITS_H
#define GUEST_SHIM_LIMITS_H

#define _LIBC_LIMITS_H_
#include_next <limits.h>

#endif
