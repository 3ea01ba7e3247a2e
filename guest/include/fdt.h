/* SPDX-License-Identifier: MIT */
/*
 * Forwards to Debian's libfdt-dev header. The guest is built with -nostdinc, so /usr/include
 * (and with it libc) is not on the include path; this names the one libfdt header directly.
 */
#include "/usr/include/fdt.h"
