// SPDX-License-Identifier: GPL-2.0
/*
 * Short TCP connections.
 *
 * ngbench tcp-conn DST PORT SECONDS [CONCURRENCY]
 *   Keeps CONCURRENCY (default 8) connections being opened at once for
 *   SECONDS. One connection: connect (SYN, SYN-ACK, ACK), wait for the
 *   server's FIN (it closes at once after accept), close. It counts when
 *   the FIN arrives, so only connections the server really accepted count.
 *   Prints "connections N seconds S errors E" (errors: refused, reset,
 *   no local port).
 *
 * ngbench tcp-accept ADDR PORT [ORIG_DST:PORT]
 *   Prints "listening" once it is, then accepts and closes at once until
 *   SIGTERM, then prints "accepted N origdst_ok N origdst_bad N". With ORIG_DST it is the
 *   listener behind a redirect (what ss-redir does): every connection's
 *   original destination is read back from conntrack (SO_ORIGINAL_DST) and
 *   compared with ORIG_DST:PORT.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/netfilter_ipv4.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ngbench.h"

#define TCP_MAX_CONC	256

static int tcp_start(const struct sockaddr_in *dst, int ep, unsigned int slot)
{
	struct epoll_event ev = { .events = EPOLLOUT, .data.u32 = slot };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0)
		ngb_die_errno("socket");
	if (connect(fd, (const struct sockaddr *)dst, sizeof(*dst)) &&
	    errno != EINPROGRESS) {
		close(fd);
		return -1;
	}
	if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev))
		ngb_die_errno("epoll_ctl");
	return fd;
}

int cmd_tcp_conn(int argc, char **argv)
{
	struct epoll_event evs[TCP_MAX_CONC];
	int fds[TCP_MAX_CONC];
	unsigned long conc = 8, done = 0, errors = 0, i;
	struct sockaddr_in dst;
	double secs, start, now;
	int ep;

	if (argc < 3 || argc > 4)
		ngb_usage();
	ngb_addr(argv[0], ngb_num(argv[1], "port", 1, 65535), &dst);
	secs = ngb_seconds(argv[2]);
	if (argc > 3)
		conc = ngb_num(argv[3], "concurrency", 1, TCP_MAX_CONC);
	ep = epoll_create1(EPOLL_CLOEXEC);
	if (ep < 0)
		ngb_die_errno("epoll_create1");

	start = now = ngb_now();
	for (i = 0; i < conc; i++) {
		fds[i] = tcp_start(&dst, ep, i);
		if (fds[i] < 0)
			errors++;
	}
	while (now - start < secs) {
		int n = epoll_wait(ep, evs, TCP_MAX_CONC, 10);

		now = ngb_now();
		for (int k = 0; k < n; k++) {
			unsigned int s = evs[k].data.u32;
			struct epoll_event ev = {
				.events = EPOLLIN | EPOLLRDHUP, .data.u32 = s,
			};
			int err = 0;
			socklen_t elen = sizeof(err);
			char c;

			if (evs[k].events & EPOLLOUT) {
				/* Connected (or failed): now wait for EOF. */
				getsockopt(fds[s], SOL_SOCKET, SO_ERROR, &err,
					   &elen);
				if (!err) {
					epoll_ctl(ep, EPOLL_CTL_MOD, fds[s], &ev);
					continue;
				}
			} else if (read(fds[s], &c, 1) == 0 && now - start < secs) {
				done++;
			} else if (now - start < secs) {
				err = 1;
			}
			if (err)
				errors++;
			close(fds[s]);
			fds[s] = tcp_start(&dst, ep, s);
		}
		/* Slots whose connect() failed at once (no local port). */
		for (i = 0; i < conc; i++) {
			if (fds[i] >= 0)
				continue;
			fds[i] = tcp_start(&dst, ep, i);
			if (fds[i] < 0) {
				errors++;
				usleep(1000);
			}
		}
	}
	printf("connections %lu seconds %.3f errors %lu\n", done, now - start,
	       errors);
	for (i = 0; i < conc; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	close(ep);
	return 0;
}

int cmd_tcp_accept(int argc, char **argv)
{
	unsigned long accepted = 0, ok = 0, bad = 0;
	struct sockaddr_in addr, want = { 0 };
	int one = 1, lfd, check = 0;

	if (argc < 2 || argc > 3)
		ngb_usage();
	ngb_addr(argv[0], ngb_num(argv[1], "port", 1, 65535), &addr);
	if (argc > 2) {
		char buf[64], *colon;

		snprintf(buf, sizeof(buf), "%s", argv[2]);
		colon = strchr(buf, ':');
		if (!colon)
			ngb_die("'%s': expected ADDR:PORT", argv[2]);
		*colon = 0;
		ngb_addr(buf, ngb_num(colon + 1, "port", 1, 65535), &want);
		check = 1;
	}
	ngb_signals();
	lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (lfd < 0)
		ngb_die_errno("socket");
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(lfd, (struct sockaddr *)&addr, sizeof(addr)))
		ngb_die_errno("bind");
	if (listen(lfd, 4096))
		ngb_die_errno("listen");
	printf("listening\n");
	fflush(stdout);
	while (!ngb_stop) {
		int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);

		if (fd < 0) {
			if (errno != EINTR && errno != ECONNABORTED)
				ngb_die_errno("accept");
			continue;
		}
		accepted++;
		if (check) {
			struct sockaddr_in orig;
			socklen_t olen = sizeof(orig);

			if (!getsockopt(fd, SOL_IP, SO_ORIGINAL_DST, &orig,
					&olen) &&
			    orig.sin_addr.s_addr == want.sin_addr.s_addr &&
			    orig.sin_port == want.sin_port)
				ok++;
			else
				bad++;
		}
		close(fd);
	}
	printf("accepted %lu origdst_ok %lu origdst_bad %lu\n", accepted, ok,
	       bad);
	return 0;
}
