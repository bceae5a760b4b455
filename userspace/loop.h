/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nfgated's main loop: epoll over registered file descriptors (today a
 * signalfd; later netlink sockets, timerfds for health probes, pipes of
 * supervised processes), each with its callback.
 */
#ifndef NFG_LOOP_H
#define NFG_LOOP_H

#include <stdbool.h>
#include <stdint.h>

struct loop;
typedef void (*loop_fn)(struct loop *loop, int fd, uint32_t events, void *data);

struct loop_source;

struct loop {
	int epfd;
	bool stop;
	int status;
	struct loop_source *sources;
};

int loop_init(struct loop *loop);
/* Watches fd for EPOLLIN (and errors); 0 or -errno. */
int loop_add(struct loop *loop, int fd, loop_fn fn, void *data);
/* Same with other epoll events (EPOLLOUT for a connecting socket). */
int loop_add_events(struct loop *loop, int fd, uint32_t events, loop_fn fn, void *data);
int loop_del(struct loop *loop, int fd);
/*
 * Calls tick(data) every period_ms (once however many periods a busy loop
 * missed); returns the timerfd, or -errno. loop_del_close() ends it.
 */
int loop_add_ticker(struct loop *loop, unsigned int period_ms, void (*tick)(void *data),
		    void *data);
/* If *fd >= 0: stops watching it (loop may be NULL), closes it, sets -1. */
void loop_del_close(struct loop *loop, int *fd);
/* Runs until loop_stop(); returns its status, or -errno if epoll fails. */
int loop_run(struct loop *loop);
void loop_stop(struct loop *loop, int status);
void loop_close(struct loop *loop);

#endif
