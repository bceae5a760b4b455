// SPDX-License-Identifier: GPL-2.0
/* ICMP echo, TCP connect and DNS probes bound to an uplink's device. */
#include <errno.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <netinet/ip_icmp.h>

#include "loop.h"
#include "probe.h"

#define PROBE_MAGIC 0x6e666731	/* "nfg1" */

/* from linux/icmp.h, which clashes with net/if.h */
#ifndef ICMP_FILTER
#define ICMP_FILTER 1
struct icmp_filter {
	uint32_t data;
};
#endif

uint64_t prober_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

static int bound_socket(int type, int proto, const char *ifname)
{
	int fd = socket(AF_INET, type | SOCK_NONBLOCK | SOCK_CLOEXEC, proto);

	if (fd < 0)
		return -errno;
	if (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname, (socklen_t)strlen(ifname) + 1) < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

static void remember(struct prober *pr, uint32_t round, uint64_t now_us)
{
	uint32_t i = pr->nsent++ % PROBER_SENT;

	pr->sent[i].round = round;
	pr->sent[i].sent_us = now_us;
}

/* The send time of round; with mask16 the round is known by its low 16 bits. */
static bool sent_time(const struct prober *pr, uint32_t *round, bool mask16, uint64_t *t)
{
	uint32_t n = pr->nsent < PROBER_SENT ? pr->nsent : PROBER_SENT;

	for (uint32_t k = 0; k < n; k++) {
		uint32_t i = (pr->nsent - 1 - k) % PROBER_SENT;

		if (mask16 ? (pr->sent[i].round & 0xffff) == (*round & 0xffff) :
			     pr->sent[i].round == *round) {
			*round = pr->sent[i].round;
			*t = pr->sent[i].sent_us;
			return true;
		}
	}
	return false;
}

static bool is_track(const struct prober *pr, uint32_t addr)
{
	for (size_t i = 0; i < pr->conf.ntrack; i++)
		if (pr->conf.track[i] == addr)
			return true;
	return false;
}

static void answered(struct prober *pr, uint32_t round, bool mask16, uint64_t now_us)
{
	uint64_t t;

	if (!sent_time(pr, &round, mask16, &t))
		return;		/* too old */
	pr->cb(pr->ctx, round, now_us > t ? (uint32_t)(now_us - t) : 1);
}

/* --- icmp ---------------------------------------------------------------------- */

static uint16_t csum(const void *data, size_t len)
{
	const uint8_t *p = data;
	uint32_t sum = 0;

	for (; len > 1; p += 2, len -= 2)
		sum += (uint32_t)(p[0] << 8 | p[1]);
	if (len)
		sum += (uint32_t)p[0] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons((uint16_t)~sum);
}

static int icmp_send(struct prober *pr, uint32_t addr, uint32_t round)
{
	struct {
		struct icmphdr h;
		uint32_t magic, round;
		uint8_t pad[8];
	} pkt;
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr.s_addr = addr };

	memset(&pkt, 0, sizeof(pkt));
	pkt.h.type = ICMP_ECHO;
	pkt.h.un.echo.id = htons(pr->ident);
	pkt.h.un.echo.sequence = htons((uint16_t)round);
	pkt.magic = htonl(PROBE_MAGIC);
	pkt.round = htonl(round);
	pkt.h.checksum = csum(&pkt, sizeof(pkt));
	if (sendto(pr->fd, &pkt, sizeof(pkt), 0, (struct sockaddr *)&sin, sizeof(sin)) < 0)
		return -errno;
	return 0;
}

static void icmp_input(struct prober *pr, uint64_t now_us)
{
	uint8_t buf[1500];
	struct sockaddr_in from;

	for (;;) {
		socklen_t fl = sizeof(from);
		ssize_t n = recvfrom(pr->fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl);
		const struct icmphdr *h;
		uint32_t magic, round;
		size_t ihl;

		if (n < 0)
			return;
		if (n < 20)
			continue;
		ihl = (size_t)(buf[0] & 0x0f) * 4;
		if ((size_t)n < ihl + sizeof(*h) + 8)
			continue;
		h = (const struct icmphdr *)(buf + ihl);
		if (h->type != ICMP_ECHOREPLY || ntohs(h->un.echo.id) != pr->ident ||
		    !is_track(pr, from.sin_addr.s_addr))
			continue;
		memcpy(&magic, buf + ihl + sizeof(*h), 4);
		memcpy(&round, buf + ihl + sizeof(*h) + 4, 4);
		if (ntohl(magic) != PROBE_MAGIC)
			continue;
		answered(pr, ntohl(round), false, now_us);
	}
}

/* --- dns ------------------------------------------------------------------------ */

static int dns_send(struct prober *pr, uint32_t addr, uint32_t round)
{
	uint8_t q[12 + NFG_DNS_NAME_MAX + 2 + 4];
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(53),
				   .sin_addr.s_addr = addr };
	size_t n = 12;
	const char *s = pr->conf.dns_name;

	memset(q, 0, 12);
	q[0] = (uint8_t)(round >> 8);
	q[1] = (uint8_t)round;
	q[2] = 0x01;		/* RD */
	q[5] = 1;		/* QDCOUNT */
	while (*s) {
		size_t l = strcspn(s, ".");

		q[n++] = (uint8_t)l;
		memcpy(q + n, s, l);
		n += l;
		s += l;
		if (*s == '.')
			s++;
	}
	q[n++] = 0;
	q[n++] = 0;
	q[n++] = 1;		/* A */
	q[n++] = 0;
	q[n++] = 1;		/* IN */
	if (sendto(pr->fd, q, n, 0, (struct sockaddr *)&sin, sizeof(sin)) < 0)
		return -errno;
	return 0;
}

static void dns_input(struct prober *pr, uint64_t now_us)
{
	uint8_t buf[1500];
	struct sockaddr_in from;

	for (;;) {
		socklen_t fl = sizeof(from);
		ssize_t n = recvfrom(pr->fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl);

		if (n < 0)
			return;
		if (n < 12 || from.sin_port != htons(53) || !is_track(pr, from.sin_addr.s_addr) ||
		    !(buf[2] & 0x80))
			continue;	/* not a response of a track host */
		answered(pr, (uint32_t)(buf[0] << 8 | buf[1]), true, now_us);
	}
}

/* --- tcp ------------------------------------------------------------------------ */

static void tcp_done(struct prober *pr, struct prober_tcp *t)
{
	if (pr->loop)
		loop_del(pr->loop, t->fd);
	close(t->fd);
	t->fd = -1;
}

static void tcp_event(struct loop *loop, int fd, uint32_t events, void *data)
{
	struct prober_tcp *t = data;
	struct prober *pr = t->pr;
	int err = 0;
	socklen_t len = sizeof(err);

	(void)loop;
	(void)events;
	if (t->fd != fd)
		return;
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		err = errno;
	if (err == EINPROGRESS)
		return;
	if (!err || err == ECONNREFUSED) {
		uint64_t now = prober_now_us();

		pr->cb(pr->ctx, t->round, now > t->sent_us ? (uint32_t)(now - t->sent_us) : 1);
	}
	tcp_done(pr, t);
}

static int tcp_send(struct prober *pr, uint32_t addr, uint32_t round, uint64_t now_us)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(pr->conf.port),
				   .sin_addr.s_addr = addr };
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };
	struct prober_tcp *t = NULL;
	int fd, err;

	for (int i = 0; i < PROBER_TCP_MAX && !t; i++)
		if (pr->tcp[i].fd < 0)
			t = &pr->tcp[i];
	if (!t)
		return -EBUSY;
	fd = bound_socket(SOCK_STREAM, 0, pr->ifname);
	if (fd < 0)
		return fd;
	setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));	/* close: RST */
	t->fd = fd;
	t->round = round;
	t->sent_us = now_us;
	t->pr = pr;
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0 || errno == ECONNREFUSED) {
		pr->cb(pr->ctx, round, 1);
		close(fd);
		t->fd = -1;
		return 0;
	}
	if (errno != EINPROGRESS) {
		err = -errno;
		close(fd);
		t->fd = -1;
		return err;
	}
	if (pr->loop && (err = loop_add_events(pr->loop, fd, EPOLLOUT, tcp_event, t))) {
		close(fd);
		t->fd = -1;
		return err;
	}
	return 0;
}

/* --- prober ---------------------------------------------------------------------- */

static void on_input(struct loop *loop, int fd, uint32_t events, void *data)
{
	(void)loop;
	(void)fd;
	(void)events;
	prober_input(data, prober_now_us());
}

int prober_open(struct prober *pr, const char *ifname, const struct nfg_probe_conf *conf,
		uint16_t ident, struct loop *loop, prober_cb cb, void *ctx)
{
	int err;

	memset(pr, 0, sizeof(*pr));
	pr->fd = -1;
	for (int i = 0; i < PROBER_TCP_MAX; i++)
		pr->tcp[i].fd = -1;
	pr->conf = *conf;
	snprintf(pr->ifname, sizeof(pr->ifname), "%s", ifname);
	pr->ident = ident;
	pr->loop = loop;
	pr->cb = cb;
	pr->ctx = ctx;
	if (conf->kind == NFG_PROBE_TCP)
		return 0;
	pr->fd = bound_socket(conf->kind == NFG_PROBE_ICMP ? SOCK_RAW : SOCK_DGRAM,
			      conf->kind == NFG_PROBE_ICMP ? IPPROTO_ICMP : 0, ifname);
	if (pr->fd < 0) {
		err = pr->fd;
		pr->fd = -1;
		return err;
	}
	if (conf->kind == NFG_PROBE_ICMP) {
		struct icmp_filter f = { .data = ~(1U << ICMP_ECHOREPLY) };

		setsockopt(pr->fd, SOL_RAW, ICMP_FILTER, &f, sizeof(f));
	}
	if (loop && (err = loop_add(loop, pr->fd, on_input, pr))) {
		close(pr->fd);
		pr->fd = -1;
		return err;
	}
	return 0;
}

void prober_close(struct prober *pr)
{
	for (int i = 0; i < PROBER_TCP_MAX; i++)
		if (pr->tcp[i].fd >= 0)
			tcp_done(pr, &pr->tcp[i]);
	if (pr->fd >= 0) {
		if (pr->loop)
			loop_del(pr->loop, pr->fd);
		close(pr->fd);
	}
	pr->fd = -1;
}

int prober_send(struct prober *pr, uint32_t round, uint64_t now_us)
{
	int sent = 0, err = -EINVAL;

	remember(pr, round, now_us);
	for (size_t i = 0; i < pr->conf.ntrack; i++) {
		uint32_t a = pr->conf.track[i];
		int r;

		switch (pr->conf.kind) {
		case NFG_PROBE_TCP:
			r = tcp_send(pr, a, round, now_us);
			break;
		case NFG_PROBE_DNS:
			r = pr->fd >= 0 ? dns_send(pr, a, round) : -EBADF;
			break;
		default:
			r = pr->fd >= 0 ? icmp_send(pr, a, round) : -EBADF;
		}
		if (r)
			err = r;
		else
			sent++;
	}
	return sent ? sent : err;
}

void prober_expire(struct prober *pr, uint64_t now_us, uint32_t timeout_ms)
{
	for (int i = 0; i < PROBER_TCP_MAX; i++)
		if (pr->tcp[i].fd >= 0 && now_us - pr->tcp[i].sent_us >= timeout_ms * 1000ULL)
			tcp_done(pr, &pr->tcp[i]);
}

int prober_fd(const struct prober *pr)
{
	return pr->fd;
}

void prober_input(struct prober *pr, uint64_t now_us)
{
	if (pr->fd < 0)
		return;
	if (pr->conf.kind == NFG_PROBE_ICMP)
		icmp_input(pr, now_us);
	else
		dns_input(pr, now_us);
}
