// SPDX-License-Identifier: GPL-2.0
/*
 * ngbench udp-send DST PORT SECONDS [FLOWS [PAYLOAD]]
 *
 * The small-packet load: UDP datagrams of PAYLOAD bytes (default 18: a
 * 64-byte Ethernet frame with its FCS, the minimum) sent as fast as
 * possible for SECONDS, from FLOWS sockets (default 16, each its own source
 * port and so its own connection, spread over the uplinks by a balancing
 * router), in batches of 64 (sendmmsg). Prints
 *
 *   packets N seconds S errors E
 *
 * where N counts datagrams the kernel accepted; the rate that counts is what
 * the router forwarded, which run.sh reads from the uplinks' counters.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ngbench.h"

#define UDP_BATCH	64
#define UDP_MAX_FLOWS	256

int cmd_udp_send(int argc, char **argv)
{
	static char payload[1472];
	struct mmsghdr msgs[UDP_BATCH];
	struct iovec iov;
	struct sockaddr_in dst;
	unsigned long flows = 16, len = 18, packets = 0, errors = 0;
	unsigned long i, f;
	int fds[UDP_MAX_FLOWS];
	double secs, start, now;

	if (argc < 3 || argc > 5)
		ngb_usage();
	ngb_addr(argv[0], ngb_num(argv[1], "port", 1, 65535), &dst);
	secs = ngb_seconds(argv[2]);
	if (argc > 3)
		flows = ngb_num(argv[3], "flows", 1, UDP_MAX_FLOWS);
	if (argc > 4)
		len = ngb_num(argv[4], "payload", 1, sizeof(payload));

	for (f = 0; f < flows; f++) {
		fds[f] = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (fds[f] < 0)
			ngb_die_errno("socket");
		if (connect(fds[f], (struct sockaddr *)&dst, sizeof(dst)))
			ngb_die_errno("connect");
	}
	memset(payload, 'x', len);
	iov.iov_base = payload;
	iov.iov_len = len;
	memset(msgs, 0, sizeof(msgs));
	for (i = 0; i < UDP_BATCH; i++) {
		msgs[i].msg_hdr.msg_iov = &iov;
		msgs[i].msg_hdr.msg_iovlen = 1;
	}

	start = now = ngb_now();
	for (f = 0; now - start < secs; f = (f + 1) % flows) {
		int n = sendmmsg(fds[f], msgs, UDP_BATCH, 0);

		if (n > 0)
			packets += n;
		else if (errno != EINTR)
			errors++;	/* ENOBUFS, ECONNREFUSED from an ICMP */
		now = ngb_now();
	}
	printf("packets %lu seconds %.3f errors %lu\n", packets, now - start,
	       errors);
	for (f = 0; f < flows; f++)
		close(fds[f]);
	return 0;
}
