/* SPDX-License-Identifier: MIT */
/*
 * The exit device at EXIT_PORT: a write of value V asks the VMM to stop the guest and
 * exit with status V & 0xff (after flushing the console and writing --dump files).
 */
#ifndef HOST_EXITDEV_H
#define HOST_EXITDEV_H

#include "host/util.h"

struct vm;

/* exitdev_attach - put the exit device on @vm's port bus. Returns 0 or -E*. */
int exitdev_attach(struct vm *vm, struct errbuf *e);

#endif
