/* SPDX-License-Identifier: MIT */
/* The I/O thread: epoll over eventfds, one handler per fd (ioloop.h). */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "host/ioloop.h"

void ioloop_init(struct ioloop *l)
{
	memset(l, 0, sizeof(*l));
	l->epfd = l->stop_fd = -1;
}

int ioloop_add(struct ioloop *l, int fd, void (*fn)(void *opaque), void *opaque,
	       struct errbuf *e)
{
	if (l->running)
		return errf(e, -EBUSY, "I/O thread: already running");
	if (l->nr_srcs == IOLOOP_MAX_FDS)
		return errf(e, -ENOSPC, "I/O thread: more than %d event sources",
			    IOLOOP_MAX_FDS);
	l->srcs[l->nr_srcs++] = (struct ioloop_src){ .fd = fd, .fn = fn, .opaque = opaque };
	return 0;
}

/* Clear an eventfd's counter (non-blocking: it may have been cleared already). */
static void drain(int fd)
{
	u64 v;

	while (read(fd, &v, sizeof(v)) < 0 && errno == EINTR)
		;
}

static void *ioloop_thread(void *arg)
{
	struct ioloop *l = arg;
	struct epoll_event ev[IOLOOP_MAX_FDS + 1];
	int n, i;

	for (;;) {
		n = epoll_wait(l->epfd, ev, ARRAY_SIZE(ev), -1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			vmm_err("I/O thread: epoll_wait: %s; device I/O stops", strerror(errno));
			return NULL;
		}
		l->wakeups++;
		for (i = 0; i < n; i++) {
			struct ioloop_src *s = ev[i].data.ptr;

			if (!s)
				return NULL;	/* the stop eventfd */
			drain(s->fd);
			s->fn(s->opaque);
		}
	}
}

static int epoll_watch(int epfd, int fd, void *ptr)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = ptr };

	return epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev);
}

int ioloop_start(struct ioloop *l, struct errbuf *e)
{
	sigset_t all, old;
	unsigned int i;
	int err;

	if (!l->nr_srcs)
		return 0;
	l->epfd = epoll_create1(EPOLL_CLOEXEC);
	l->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (l->epfd < 0 || l->stop_fd < 0)
		return errf(e, -errno, "I/O thread: %s", strerror(errno));
	if (epoll_watch(l->epfd, l->stop_fd, NULL) < 0)
		return errf(e, -errno, "I/O thread: epoll_ctl: %s", strerror(errno));
	for (i = 0; i < l->nr_srcs; i++) {
		if (epoll_watch(l->epfd, l->srcs[i].fd, &l->srcs[i]) < 0)
			return errf(e, -errno, "I/O thread: epoll_ctl fd %d: %s", l->srcs[i].fd,
				    strerror(errno));
	}
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	err = pthread_create(&l->thread, NULL, ioloop_thread, l);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err)
		return errf(e, -err, "I/O thread: pthread_create: %s", strerror(err));
	l->running = true;
	return 0;
}

void ioloop_stop(struct ioloop *l)
{
	u64 one = 1;

	if (l->running) {
		if (write(l->stop_fd, &one, sizeof(one)) != sizeof(one))
			vmm_err("I/O thread: cannot wake it: %s", strerror(errno));
		pthread_join(l->thread, NULL);
		l->running = false;
	}
	if (l->epfd >= 0)
		close(l->epfd);
	if (l->stop_fd >= 0)
		close(l->stop_fd);
	l->epfd = l->stop_fd = -1;
}
