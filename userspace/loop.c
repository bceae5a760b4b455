// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "loop.h"

struct loop_source {
	int fd;
	loop_fn fn;
	void *data;
	void (*tick)(void *data);	/* loop_add_ticker()'s, with its data */
	void *tick_data;
	struct loop_source *next;
};

int loop_init(struct loop *loop)
{
	loop->stop = false;
	loop->status = 0;
	loop->sources = NULL;
	loop->epfd = epoll_create1(EPOLL_CLOEXEC);
	return loop->epfd < 0 ? -errno : 0;
}

int loop_add(struct loop *loop, int fd, loop_fn fn, void *data)
{
	return loop_add_events(loop, fd, EPOLLIN, fn, data);
}

/* A new source, or NULL with errno set. */
static struct loop_source *add_source(struct loop *loop, int fd, uint32_t events,
				      loop_fn fn, void *data)
{
	struct loop_source *s = calloc(1, sizeof(*s));
	struct epoll_event ev = { .events = events };

	if (!s)
		return NULL;
	s->fd = fd;
	s->fn = fn;
	s->data = data;
	ev.data.ptr = s;
	if (epoll_ctl(loop->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
		int err = errno;

		free(s);
		errno = err;
		return NULL;
	}
	s->next = loop->sources;
	loop->sources = s;
	return s;
}

int loop_add_events(struct loop *loop, int fd, uint32_t events, loop_fn fn, void *data)
{
	return add_source(loop, fd, events, fn, data) ? 0 : -errno;
}

int loop_del(struct loop *loop, int fd)
{
	for (struct loop_source **p = &loop->sources; *p; p = &(*p)->next) {
		struct loop_source *s = *p;

		if (s->fd != fd)
			continue;
		epoll_ctl(loop->epfd, EPOLL_CTL_DEL, fd, NULL);
		*p = s->next;
		free(s);
		return 0;
	}
	return -ENOENT;
}

static void on_ticker(struct loop *loop, int fd, uint32_t events, void *data)
{
	struct loop_source *s = data;
	uint64_t ticks;

	(void)loop;
	(void)events;
	if (read(fd, &ticks, sizeof(ticks)) == sizeof(ticks))
		s->tick(s->tick_data);
}

int loop_add_ticker(struct loop *loop, unsigned int period_ms, void (*tick)(void *data),
		    void *data)
{
	struct timespec period = { period_ms / 1000, (period_ms % 1000) * 1000000L };
	struct itimerspec its = { .it_interval = period, .it_value = period };
	int fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	struct loop_source *s;
	int err;

	if (fd < 0)
		return -errno;
	if (timerfd_settime(fd, 0, &its, NULL) < 0) {
		err = -errno;
		close(fd);
		return err;
	}
	s = add_source(loop, fd, EPOLLIN, on_ticker, NULL);
	if (!s) {
		err = -errno;
		close(fd);
		return err;
	}
	s->data = s;		/* on_ticker gets its source */
	s->tick = tick;
	s->tick_data = data;
	return fd;
}

void loop_del_close(struct loop *loop, int *fd)
{
	if (*fd < 0)
		return;
	if (loop)
		loop_del(loop, *fd);
	close(*fd);
	*fd = -1;
}

int loop_run(struct loop *loop)
{
	while (!loop->stop) {
		struct epoll_event ev[16];
		int n = epoll_wait(loop->epfd, ev, 16, -1);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		/* one event at a time: a callback may remove other sources */
		for (int i = 0; i < n && !loop->stop; i++) {
			struct loop_source *s = ev[i].data.ptr, *t;

			for (t = loop->sources; t && t != s; t = t->next)
				;
			if (t)
				s->fn(loop, s->fd, ev[i].events, s->data);
		}
	}
	return loop->status;
}

void loop_stop(struct loop *loop, int status)
{
	loop->stop = true;
	loop->status = status;
}

void loop_close(struct loop *loop)
{
	while (loop->sources)
		loop_del(loop, loop->sources->fd);
	if (loop->epfd >= 0)
		close(loop->epfd);
	loop->epfd = -1;
}
