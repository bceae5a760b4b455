// SPDX-License-Identifier: GPL-2.0
/*
 * DNS over UDP: a query blaster and a responder.
 *
 * ngbench dns-serve ADDR [forged]
 *   Answers every query on ADDR:53 with a typical reply: the question, one
 *   A record (a pointer to the question's name, TTL 300, 93.184.216.34) and
 *   an OPT record, as a resolver sends to an EDNS query (60 bytes for
 *   www.example.com). "forged" answers in the shape of the on-path
 *   injector's replies instead: no OPT (ARCOUNT 0) and the address
 *   93.46.8.89, one of its well-known fakes. Batches of 64 (recvmmsg,
 *   sendmmsg). Until SIGTERM, then "replies N".
 *
 * ngbench dns-query DST SECONDS [FLOWS [WINDOW]]
 *   Queries A www.example.com with EDNS to DST:53 for SECONDS from FLOWS
 *   sockets (default 8, each its own source port and conntrack entry),
 *   keeping WINDOW (default 16) queries outstanding on each: every reply
 *   lets the next query go. If nothing arrives for 20 ms the outstanding
 *   ones count as lost and the windows are refilled. Prints
 *   "replies N seconds S sent N bad N" (bad: not a reply with one answer).
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ngbench.h"

#define DNS_BATCH	64
#define DNS_MAX_FLOWS	64
#define DNS_MAX_WINDOW	256
#define DNS_BUF		512

/* www.example.com A IN, with an OPT record (payload 1232, no flags). */
static const unsigned char dns_query_tmpl[] = {
	0x00, 0x00, 0x01, 0x00,	/* id, flags: RD */
	0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
	3, 'w', 'w', 'w', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0,
	0x00, 0x01, 0x00, 0x01,
	0x00, 0x00, 0x29, 0x04, 0xd0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

static const unsigned char dns_answer_tmpl[] = {
	0xc0, 0x0c, 0x00, 0x01, 0x00, 0x01,	/* pointer to the qname, A, IN */
	0x00, 0x00, 0x01, 0x2c, 0x00, 0x04,	/* TTL 300, RDLENGTH 4 */
	93, 184, 216, 34,
};

static const unsigned char dns_forged_addr[4] = { 93, 46, 8, 89 };

static const unsigned char dns_opt[] = {
	0x00, 0x00, 0x29, 0x04, 0xd0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

/* The reply to q[0..len) in r; its length, or 0 to ignore the query. */
static unsigned int dns_reply(const unsigned char *q, unsigned int len,
			      unsigned char *r, int forged)
{
	unsigned int off = 12, n;

	if (len < 12 || (q[2] & 0x80) || q[4] || q[5] != 1)
		return 0;
	while (off < len && q[off]) {		/* the question's name */
		if (q[off] > 63)
			return 0;
		off += q[off] + 1;
	}
	off += 1 + 4;				/* root label, type, class */
	if (off > len || off > 255)
		return 0;
	memcpy(r, q, off);
	r[2] = 0x80 | (q[2] & 0x01);		/* QR, RD copied */
	r[3] = 0x80;				/* RA, NOERROR */
	r[6] = 0; r[7] = 1;			/* ANCOUNT 1 */
	r[8] = 0; r[9] = 0;			/* NSCOUNT 0 */
	r[10] = 0; r[11] = forged ? 0 : 1;	/* ARCOUNT */
	n = off;
	memcpy(r + n, dns_answer_tmpl, sizeof(dns_answer_tmpl));
	if (forged)
		memcpy(r + n + 12, dns_forged_addr, 4);
	n += sizeof(dns_answer_tmpl);
	if (!forged) {
		memcpy(r + n, dns_opt, sizeof(dns_opt));
		n += sizeof(dns_opt);
	}
	return n;
}

int cmd_dns_serve(int argc, char **argv)
{
	static unsigned char qbuf[DNS_BATCH][DNS_BUF], rbuf[DNS_BATCH][DNS_BUF];
	struct sockaddr_in addr, from[DNS_BATCH];
	struct mmsghdr in[DNS_BATCH], out[DNS_BATCH];
	struct iovec qiov[DNS_BATCH], riov[DNS_BATCH];
	unsigned long replies = 0;
	int fd, forged = 0, i;

	if (argc < 1 || argc > 2)
		ngb_usage();
	ngb_addr(argv[0], 53, &addr);
	if (argc > 1) {
		if (strcmp(argv[1], "forged"))
			ngb_usage();
		forged = 1;
	}
	ngb_signals();
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		ngb_die_errno("socket");
	if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)))
		ngb_die_errno("bind");
	memset(in, 0, sizeof(in));
	memset(out, 0, sizeof(out));
	for (i = 0; i < DNS_BATCH; i++) {
		qiov[i].iov_base = qbuf[i];
		qiov[i].iov_len = DNS_BUF;
		in[i].msg_hdr.msg_iov = &qiov[i];
		in[i].msg_hdr.msg_iovlen = 1;
		in[i].msg_hdr.msg_name = &from[i];
		riov[i].iov_base = rbuf[i];
	}
	while (!ngb_stop) {
		int n, m = 0;

		for (i = 0; i < DNS_BATCH; i++)
			in[i].msg_hdr.msg_namelen = sizeof(from[i]);
		n = recvmmsg(fd, in, DNS_BATCH, MSG_WAITFORONE, NULL);
		if (n < 0) {
			if (errno != EINTR)
				ngb_die_errno("recvmmsg");
			continue;
		}
		for (i = 0; i < n; i++) {
			unsigned int len = dns_reply(qbuf[i], in[i].msg_len,
						     rbuf[m], forged);

			if (!len)
				continue;
			riov[m].iov_len = len;
			out[m].msg_hdr.msg_iov = &riov[m];
			out[m].msg_hdr.msg_iovlen = 1;
			out[m].msg_hdr.msg_name = &from[i];
			out[m].msg_hdr.msg_namelen = in[i].msg_hdr.msg_namelen;
			m++;
		}
		if (m > 0 && sendmmsg(fd, out, m, 0) > 0)
			replies += m;
	}
	printf("replies %lu\n", replies);
	return 0;
}

int cmd_dns_query(int argc, char **argv)
{
	static unsigned char qbuf[DNS_MAX_WINDOW][sizeof(dns_query_tmpl)];
	static unsigned char rbuf[DNS_BATCH][DNS_BUF];
	struct pollfd pfd[DNS_MAX_FLOWS];
	unsigned int outstanding[DNS_MAX_FLOWS] = { 0 };
	struct mmsghdr msgs[DNS_MAX_WINDOW], in[DNS_BATCH];
	struct iovec qiov[DNS_MAX_WINDOW], riov[DNS_BATCH];
	unsigned long flows = 8, window = 16, replies = 0, sent = 0, bad = 0;
	unsigned long f, i;
	struct sockaddr_in dst;
	unsigned short id = 0;
	double secs, start, now;

	if (argc < 2 || argc > 4)
		ngb_usage();
	ngb_addr(argv[0], 53, &dst);
	secs = ngb_seconds(argv[1]);
	if (argc > 2)
		flows = ngb_num(argv[2], "flows", 1, DNS_MAX_FLOWS);
	if (argc > 3)
		window = ngb_num(argv[3], "window", 1, DNS_MAX_WINDOW);

	for (f = 0; f < flows; f++) {
		pfd[f].fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK |
				   SOCK_CLOEXEC, 0);
		if (pfd[f].fd < 0)
			ngb_die_errno("socket");
		if (connect(pfd[f].fd, (struct sockaddr *)&dst, sizeof(dst)))
			ngb_die_errno("connect");
		pfd[f].events = POLLIN;
	}
	memset(msgs, 0, sizeof(msgs));
	for (i = 0; i < window; i++) {
		memcpy(qbuf[i], dns_query_tmpl, sizeof(dns_query_tmpl));
		qiov[i].iov_base = qbuf[i];
		qiov[i].iov_len = sizeof(dns_query_tmpl);
		msgs[i].msg_hdr.msg_iov = &qiov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	memset(in, 0, sizeof(in));
	for (i = 0; i < DNS_BATCH; i++) {
		riov[i].iov_base = rbuf[i];
		riov[i].iov_len = DNS_BUF;
		in[i].msg_hdr.msg_iov = &riov[i];
		in[i].msg_hdr.msg_iovlen = 1;
	}

	start = now = ngb_now();
	while (now - start < secs) {
		int n;

		/* Fill every flow's window. */
		for (f = 0; f < flows; f++) {
			unsigned int want = window - outstanding[f];

			if (!want)
				continue;
			for (i = 0; i < want; i++) {
				qbuf[i][0] = id >> 8;
				qbuf[i][1] = id & 0xff;
				id++;
			}
			n = sendmmsg(pfd[f].fd, msgs, want, 0);
			if (n > 0) {
				outstanding[f] += n;
				sent += n;
			}
		}
		n = poll(pfd, flows, 20);
		now = ngb_now();
		if (n == 0) {
			/* Nothing for 20 ms: the outstanding ones are lost. */
			memset(outstanding, 0, sizeof(outstanding));
			continue;
		}
		for (f = 0; f < flows; f++) {
			if (!(pfd[f].revents & POLLIN))
				continue;
			n = recvmmsg(pfd[f].fd, in, DNS_BATCH, MSG_DONTWAIT,
				     NULL);
			for (int k = 0; k < n; k++) {
				const unsigned char *r = rbuf[k];

				if (in[k].msg_len < 12 || !(r[2] & 0x80) ||
				    r[7] != 1 || r[6]) {
					bad++;
					continue;
				}
				if (now - start < secs)
					replies++;
				if (outstanding[f])
					outstanding[f]--;
			}
		}
	}
	printf("replies %lu seconds %.3f sent %lu bad %lu\n", replies,
	       now - start, sent, bad);
	for (f = 0; f < flows; f++)
		close(pfd[f].fd);
	return 0;
}
