/* SPDX-License-Identifier: MIT */
/*
 * The I/O thread: one thread, one epoll set over the devices' eventfds (the ioeventfds KVM
 * signals when the guest writes a QueueNotify register), calling each fd's handler when it
 * fires. The vCPU thread never waits for disk I/O, and a kick costs the guest no exit to
 * userspace. Handlers run on the I/O thread and must take their device's lock.
 */
#ifndef HOST_IOLOOP_H
#define HOST_IOLOOP_H

#include <pthread.h>
#include "host/util.h"

#define IOLOOP_MAX_FDS		16

struct ioloop_src {
	int fd;				/* an eventfd; the loop reads (clears) it before @fn */
	void (*fn)(void *opaque);
	void *opaque;
};

struct ioloop {
	int epfd;			/* -1 until ioloop_start() */
	int stop_fd;			/* eventfd: ioloop_stop() wakes the thread with it */
	bool running;
	pthread_t thread;
	unsigned int nr_srcs;
	struct ioloop_src srcs[IOLOOP_MAX_FDS];
	u64 wakeups;			/* epoll_wait returns with events */
};

/* ioloop_init - an empty loop; nothing runs yet. */
void ioloop_init(struct ioloop *l);

/* ioloop_add - watch eventfd @fd: call @fn(@opaque) when it fires. Before ioloop_start(). */
int ioloop_add(struct ioloop *l, int fd, void (*fn)(void *opaque), void *opaque,
	       struct errbuf *e);

/*
 * ioloop_start - start the I/O thread, with every signal blocked in it (timer kicks are
 * for the vCPU thread). Returns 0 or -errno. A loop with nothing to watch starts nothing.
 */
int ioloop_start(struct ioloop *l, struct errbuf *e);

/*
 * ioloop_stop - wake the thread, let it finish the handler it is in, and join it; then
 * close the loop's own fds. Safe on a loop that never started.
 */
void ioloop_stop(struct ioloop *l);

#endif
