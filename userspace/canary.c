// SPDX-License-Identifier: GPL-2.0
/* Canary probes: censored names asked of an address that runs no DNS server. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/filter.h>

#include "../common/dns.h"
#include "canary.h"
#include "dagent.h"
#include "format.h"
#include "log.h"
#include "loop.h"

/* --- pure: the query, the reply, the IP header ---------------------------------- */

/* name in wire form (lower case) into out: its length, 0 if it is no name */
static size_t name_wire(const char *name, uint8_t *out, size_t len)
{
	size_t n = 0;

	while (*name) {
		size_t l = strcspn(name, ".");

		if (!l || l > 63 || n + l + 2 > len || n + l + 2 > NG_DNS_MAX_NAME)
			return 0;
		out[n++] = (uint8_t)l;
		for (size_t i = 0; i < l; i++) {
			char c = name[i];

			out[n++] = (uint8_t)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
		}
		name += l;
		if (*name == '.')
			name++;		/* a final dot is the root, as without it */
	}
	if (!n || n + 1 > len)
		return 0;
	out[n++] = 0;
	return n;
}

size_t canary_query(uint8_t *buf, size_t len, uint16_t id, const char *name, uint16_t qtype)
{
	size_t n;

	if (len < NG_DNS_HDR_LEN + 4 + 1)
		return 0;
	memset(buf, 0, NG_DNS_HDR_LEN);
	buf[0] = (uint8_t)(id >> 8);
	buf[1] = (uint8_t)id;
	buf[2] = NG_DNS_FLAG_RD >> 8;	/* a stub resolver's query */
	buf[5] = 1;			/* QDCOUNT */
	n = name_wire(name, buf + NG_DNS_HDR_LEN, len - NG_DNS_HDR_LEN - 4);
	if (!n)
		return 0;
	n += NG_DNS_HDR_LEN;
	buf[n++] = (uint8_t)(qtype >> 8);
	buf[n++] = (uint8_t)qtype;
	buf[n++] = 0;
	buf[n++] = NG_DNS_C_IN;
	return n;
}

int canary_parse_reply(const uint8_t *pkt, size_t len, uint16_t id, const char *name,
		       uint16_t qtype, struct canary_reply *out)
{
	uint8_t wire[NG_DNS_MAX_NAME + 1];
	size_t wl = name_wire(name, wire, sizeof(wire));
	struct ng_dns_msg m;

	if (len > NG_DNS_MAX_MSG || ng_dns_parse(pkt, (unsigned int)len, &m))
		return -EBADMSG;
	if (!(m.flags & NG_DNS_FLAG_QR) || m.id != id || m.qdcount != 1 ||
	    m.qtype != qtype || m.qclass != NG_DNS_C_IN || !wl ||
	    !ng_dns_name_eq(m.qname, m.qname_len, wire, (unsigned int)wl))
		return -ENOENT;
	memset(out, 0, sizeof(*out));
	out->id = m.id;
	out->flags = m.flags;
	out->rcode = m.rcode;
	out->n4 = m.n_a < NFG_DNS_ANSWERS_MAX ? m.n_a : NFG_DNS_ANSWERS_MAX;
	out->n6 = m.n_aaaa < NFG_DNS_ANSWERS_MAX ? m.n_aaaa : NFG_DNS_ANSWERS_MAX;
	memcpy(out->a, m.a, out->n4 * sizeof(out->a[0]));
	memcpy(out->aaaa, m.aaaa, out->n6 * sizeof(out->aaaa[0]));
	return 0;
}

int canary_parse_ip(const uint8_t *pkt, size_t len, uint32_t *src, uint16_t *sport,
		    uint16_t *dport, const uint8_t **payload, size_t *plen,
		    struct canary_fp *fp)
{
	size_t ihl, tot, ulen;
	uint16_t frag;

	if (len < 20 || (pkt[0] >> 4) != 4)
		return -EBADMSG;
	ihl = (size_t)(pkt[0] & 0x0f) * 4;
	tot = (size_t)(pkt[2] << 8 | pkt[3]);
	frag = (uint16_t)(pkt[6] << 8 | pkt[7]);
	if (ihl < 20 || tot < ihl + 8 || tot > len || pkt[9] != IPPROTO_UDP ||
	    (frag & 0x3fff))	/* MF or an offset: a fragment */
		return -EBADMSG;
	ulen = (size_t)(pkt[ihl + 4] << 8 | pkt[ihl + 5]);
	if (ulen < 8 || ihl + ulen > tot)
		return -EBADMSG;
	memcpy(src, pkt + 12, 4);
	*sport = (uint16_t)(pkt[ihl] << 8 | pkt[ihl + 1]);
	*dport = (uint16_t)(pkt[ihl + 2] << 8 | pkt[ihl + 3]);
	*payload = pkt + ihl + 8;
	*plen = ulen - 8;
	fp->has_ttl = true;
	fp->ttl = pkt[8];
	fp->has_ip = true;
	fp->ip_id = (uint16_t)(pkt[4] << 8 | pkt[5]);
	fp->df = frag & 0x4000;
	return 0;
}

/* --- a round ----------------------------------------------------------------------- */

static uint16_t random16(void)
{
	uint16_t v;

	if (getrandom(&v, sizeof(v), GRND_NONBLOCK) != sizeof(v))
		v = (uint16_t)rand();
	return v;
}

static uint64_t now_of(const struct canary *c)
{
	return c->da && c->da->now_ms ? c->da->now_ms() : now_boottime_ms();
}

static void fill_fp(struct nfg_dns_reply *r, const struct canary_fp *fp)
{
	if (fp->has_ttl) {
		r->ip_ttl = fp->ttl;
		NFG_MARK(r, NFGATE_DNS_REPLY_A_IP_TTL);
	}
	if (fp->has_ip) {
		r->ip_id = fp->ip_id;
		r->df = fp->df;
		NFG_MARK(r, NFGATE_DNS_REPLY_A_IP_ID);
		NFG_MARK(r, NFGATE_DNS_REPLY_A_DF);
	}
}

/* A reply for slot s of link l, read from a socket. */
static void record(struct canary_link *l, struct canary_slot *s, const struct canary_reply *rep,
		   const struct canary_fp *fp, const char *via)
{
	struct nfg_dns_reply *r = &s->rep;

	if (s->answered) {
		/* the raw copy of a reply the UDP socket read first */
		if (fp->has_ip && !s->fp.has_ip) {
			s->fp = *fp;
			fill_fp(r, fp);
		}
		return;
	}
	s->answered = true;
	s->answered_ms = now_of(l->c);
	snprintf(s->via, sizeof(s->via), "%s", via);
	s->fp = *fp;
	memset(r, 0, sizeof(*r));
	snprintf(r->qname, sizeof(r->qname), "%s", s->name);
	snprintf(r->uplink, sizeof(r->uplink), "%s", l->ifname);
	r->resolver = l->c->addr;
	r->qtype = NG_DNS_T_A;
	r->flags = rep->flags;
	r->n4 = rep->n4;
	r->n6 = rep->n6;
	memcpy(r->answer4, rep->a, sizeof(r->answer4));
	memcpy(r->answer6, rep->aaaa, sizeof(r->answer6));
	r->present = (1U << NFGATE_DNS_REPLY_A_QNAME) | (1U << NFGATE_DNS_REPLY_A_UPLINK) |
		     (1U << NFGATE_DNS_REPLY_A_RESOLVER) | (1U << NFGATE_DNS_REPLY_A_QTYPE) |
		     (1U << NFGATE_DNS_REPLY_A_FLAGS);
	fill_fp(r, fp);
}

/* The slot a reply payload answers, parsed into rep. */
static struct canary_slot *match(struct canary_link *l, const uint8_t *p, size_t n,
				 struct canary_reply *rep)
{
	for (size_t i = 0; i <= l->c->nnames; i++) {
		struct canary_slot *s = &l->slot[i];

		if (s->sent && n >= 2 && (uint16_t)(p[0] << 8 | p[1]) == s->id &&
		    !canary_parse_reply(p, n, s->id, s->name, NG_DNS_T_A, rep))
			return s;
	}
	return NULL;
}

static void udp_input(struct canary_link *l)
{
	uint8_t buf[4096];

	for (;;) {
		char cbuf[CMSG_SPACE(sizeof(int))];
		struct sockaddr_in from;
		struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
		struct msghdr mh = { .msg_name = &from, .msg_namelen = sizeof(from),
				     .msg_iov = &iov, .msg_iovlen = 1,
				     .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
		struct canary_fp fp = { 0 };
		struct canary_reply rep;
		struct canary_slot *s;
		struct cmsghdr *cm;
		ssize_t n;

		if (l->fd < 0)
			return;
		n = recvmsg(l->fd, &mh, 0);
		if (n < 0)
			return;
		if (from.sin_addr.s_addr != l->c->addr || from.sin_port != htons(53))
			continue;
		for (cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm)) {
			if (cm->cmsg_level == IPPROTO_IP && cm->cmsg_type == IP_TTL) {
				int ttl;

				memcpy(&ttl, CMSG_DATA(cm), sizeof(ttl));
				fp.has_ttl = true;
				fp.ttl = (uint8_t)ttl;
			}
		}
		s = match(l, buf, (size_t)n, &rep);
		if (s)
			record(l, s, &rep, &fp, "socket");
	}
}

static void raw_input(struct canary *c)
{
	uint8_t buf[4096];

	for (;;) {
		ssize_t n = c->raw >= 0 ? recv(c->raw, buf, sizeof(buf), 0) : -1;
		const uint8_t *p;
		struct canary_fp fp;
		struct canary_reply rep;
		uint16_t sport, dport;
		uint32_t src;
		size_t plen;

		if (n < 0)
			return;
		if (canary_parse_ip(buf, (size_t)n, &src, &sport, &dport, &p, &plen, &fp) ||
		    src != c->addr || sport != 53 || !c->open)
			continue;
		for (size_t i = 0; i < c->nlinks; i++) {
			struct canary_link *l = &c->links[i];
			struct canary_slot *s;

			if (l->fd < 0 || l->port != dport)
				continue;
			s = match(l, p, plen, &rep);
			if (s)
				record(l, s, &rep, &fp, "socket");
		}
	}
}

void canary_input(struct canary *c)
{
	raw_input(c);
	for (size_t i = 0; i < c->nlinks; i++)
		udp_input(&c->links[i]);
	raw_input(c);	/* the raw copies of what the UDP sockets read */
}

static void on_input(struct loop *loop, int fd, uint32_t events, void *data)
{
	(void)loop;
	(void)fd;
	(void)events;
	canary_input(data);
}

bool canary_report(struct canary *c, const struct nfg_dns_reply *r)
{
	const char *v = nfg_dns_verdict_name(r->verdict);

	if (!c || r->resolver != c->addr)
		return false;
	if (!c->open)
		return true;	/* a straggler of a judged round */
	for (size_t i = 0; i < c->nlinks; i++) {
		struct canary_link *l = &c->links[i];

		if (strcmp(l->ifname, r->uplink))
			continue;
		for (size_t k = 0; k <= c->nnames; k++) {
			struct canary_slot *s = &l->slot[k];
			struct canary_fp fp = { .has_ttl = NFG_HAS(r, NFGATE_DNS_REPLY_A_IP_TTL),
						.ttl = r->ip_ttl,
						.has_ip = NFG_HAS(r, NFGATE_DNS_REPLY_A_IP_ID),
						.ip_id = r->ip_id, .df = r->df };
			struct canary_reply rep = { .flags = r->flags, .n4 = r->n4, .n6 = r->n6 };

			if (!s->sent || strcasecmp(s->name, r->qname) || r->qtype != NG_DNS_T_A)
				continue;
			memcpy(rep.a, r->answer4, sizeof(rep.a));
			memcpy(rep.aaaa, r->answer6, sizeof(rep.aaaa));
			{
				char via[32];

				snprintf(via, sizeof(via), "module (%s)", v ? v : "?");
				record(l, s, &rep, &fp, via);
			}
			return true;
		}
	}
	return true;
}

/* This round's socket of l, bound to its device; -errno. */
static int open_link(struct canary *c, struct canary_link *l)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t sl = sizeof(sin);
	int one = 1, fd, err;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, l->ifname,
		       (socklen_t)strlen(l->ifname) + 1) < 0 ||
	    setsockopt(fd, IPPROTO_IP, IP_RECVTTL, &one, sizeof(one)) < 0 ||
	    bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0 ||
	    getsockname(fd, (struct sockaddr *)&sin, &sl) < 0) {
		err = -errno;
		close(fd);
		return err;
	}
	if (c->loop && (err = loop_add(c->loop, fd, on_input, c))) {
		close(fd);
		return err;
	}
	l->fd = fd;
	l->port = ntohs(sin.sin_port);
	return 0;
}

static void close_link(struct canary *c, struct canary_link *l)
{
	if (l->fd < 0)
		return;
	if (c->loop)
		loop_del(c->loop, l->fd);
	close(l->fd);
	l->fd = -1;
}

static void start_round(struct canary *c, uint64_t now)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(53),
				  .sin_addr.s_addr = c->addr };

	c->open = true;
	c->round_ms = now;
	c->rounds++;
	for (size_t i = 0; i < c->nlinks; i++) {
		struct canary_link *l = &c->links[i];
		int err = open_link(c, l);

		for (size_t k = 0; k <= c->nnames; k++) {
			struct canary_slot *s = &l->slot[k];

			memset(s, 0, sizeof(*s));
			s->name = k < c->nnames ? c->names[k] : NFG_CANARY_CONTROL;
		}
		if (err != l->last_err && err)
			log_info("dns: canary: %s: no probes (%s)", l->ifname, strerror(-err));
		else if (err != l->last_err)
			log_info("dns: canary: %s: probing again", l->ifname);
		l->last_err = err;
		if (err)
			continue;
		for (size_t k = 0; k <= c->nnames; k++) {
			struct canary_slot *s = &l->slot[k];
			uint8_t q[CANARY_QUERY_MAX];
			size_t n;

			s->id = random16();
			n = canary_query(q, sizeof(q), s->id, s->name, NG_DNS_T_A);
			if (n && sendto(l->fd, q, n, 0, (struct sockaddr *)&to, sizeof(to)) == (ssize_t)n) {
				s->sent = true;
				s->sent_ms = now;
			}
		}
	}
}

/* "1.2.3.4 5.6.7.8", "-" */
static void answers_str(char *buf, size_t len, const struct nfg_dns_reply *r)
{
	size_t off = 0;

	buf[0] = '\0';
	for (unsigned int i = 0; i < r->n4 + r->n6 && off < len; i++) {
		char a[INET6_ADDRSTRLEN];
		int n;

		if (i < r->n4)
			inet_ntop(AF_INET, &r->answer4[i], a, sizeof(a));
		else
			inet_ntop(AF_INET6, r->answer6[i - r->n4], a, sizeof(a));
		n = snprintf(buf + off, len - off, "%s%s", off ? " " : "", a);
		off += n > 0 ? (size_t)n : 0;
	}
	if (!off)
		snprintf(buf, len, "-");
}

/* "flags 0x8180 ttl 57 id 0x1a2b df no" */
static void fp_str(char *buf, size_t len, const struct nfg_dns_reply *r, const struct canary_fp *fp)
{
	char ttl[8] = "?", id[8] = "?";

	if (fp->has_ttl)
		snprintf(ttl, sizeof(ttl), "%u", fp->ttl);
	if (fp->has_ip)
		snprintf(id, sizeof(id), "0x%04x", fp->ip_id);
	snprintf(buf, len, "flags 0x%04x ttl %s id %s df %s", r->flags, ttl, id,
		 fp->has_ip ? (fp->df ? "yes" : "no") : "?");
}

static void close_round(struct canary *c)
{
	char a[INET_ADDRSTRLEN];

	canary_input(c);	/* what arrived since the last poll */
	c->open = false;
	c->last_replies = c->last_learned = c->last_skipped = 0;
	fmt_in4(a, sizeof(a), c->addr);
	for (size_t i = 0; i < c->nlinks; i++) {
		struct canary_link *l = &c->links[i];
		bool all = l->slot[c->nnames].answered;	/* the control name */

		close_link(c, l);
		if (all) {
			log_warn("dns: canary: %s: %s answered %s too: something on this path "
				 "answers every query, nothing of this round learned", l->ifname,
				 a, NFG_CANARY_CONTROL);
		}
		for (size_t k = 0; k < c->nnames; k++) {
			struct canary_slot *s = &l->slot[k];
			char ans[8 * INET6_ADDRSTRLEN], fps[80], ms[24], now[64], why[DL_NOTE_MAX];
			size_t learned = 0;

			if (!s->answered)
				continue;
			c->last_replies++;
			answers_str(ans, sizeof(ans), &s->rep);
			fp_str(fps, sizeof(fps), &s->rep, &s->fp);
			fmt_fixed(ms, sizeof(ms), (s->answered_ms - s->sent_ms) * 1000, 3);
			if (all) {
				c->last_skipped++;
			} else if (c->learn && c->da) {
				fmt_now(now, sizeof(now), true);
				snprintf(why, sizeof(why), "%s canary reply for %s/A from %s via %s, %s",
					 now, s->name, a, l->ifname, fps);
				learned = dagent_learn(c->da, &s->rep, why);
				c->last_learned += learned;
			}
			log_info("dns: canary: %s: forged reply for %s from %s (%s, %s ms): "
				 "answers %s, rcode %u, %s; %zu learned", l->ifname, s->name, a,
				 s->via, ms, ans, s->rep.flags & 0xf, fps, learned);
		}
	}
}

void canary_tick(struct canary *c, uint64_t now_ms)
{
	if (!c)
		return;
	if (c->open && now_ms - c->round_ms >= c->wait_ms)
		close_round(c);
	if (!c->open && now_ms >= c->next_ms) {
		c->next_ms = now_ms + c->interval_ms;
		start_round(c, now_ms);
	}
}

/* A raw UDP socket that sees only replies from addr's port 53. */
static int open_raw(uint32_t addr)
{
	struct sock_filter code[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 12),			/* source address */
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ntohl(addr), 0, 4),
		BPF_STMT(BPF_LDX | BPF_B | BPF_MSH, 0),			/* IP header length */
		BPF_STMT(BPF_LD | BPF_H | BPF_IND, 0),			/* source port */
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 53, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, 0xffff),
		BPF_STMT(BPF_RET | BPF_K, 0),
	};
	struct sock_fprog prog = { .len = sizeof(code) / sizeof(code[0]), .filter = code };
	int fd = socket(AF_INET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_UDP), err;

	if (fd < 0)
		return -errno;
	if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog)) < 0) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

struct canary *canary_new(struct dagent *da, const struct nfg_conf_dns *conf,
			  const struct nfg_config *cfg)
{
	struct canary *c;

	if (!conf->n_canary || !conf->canary_addr || !cfg->n_uplinks)
		return NULL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->links = calloc(cfg->n_uplinks, sizeof(*c->links));
	if (!c->links) {
		free(c);
		return NULL;
	}
	c->da = da;
	c->loop = da ? da->loop : NULL;
	c->addr = conf->canary_addr;
	c->interval_ms = conf->canary_interval_ms;
	c->wait_ms = conf->canary_interval_ms / 2 < CANARY_WAIT_MS ?
		     conf->canary_interval_ms / 2 : CANARY_WAIT_MS;
	c->learn = conf->learn;
	c->nnames = conf->n_canary;
	memcpy(c->names, conf->canary_names, sizeof(c->names));
	c->nlinks = cfg->n_uplinks;
	for (size_t i = 0; i < c->nlinks; i++) {
		snprintf(c->links[i].ifname, IFNAMSIZ, "%s", cfg->uplinks[i].up.ifname);
		c->links[i].fd = -1;
		c->links[i].c = c;
	}
	c->raw = open_raw(c->addr);
	if (c->raw < 0) {
		log_info("dns: canary: no raw socket (%s): fingerprints without IP ID and DF",
			 strerror(-c->raw));
		c->raw = -1;
	} else if (c->loop && loop_add(c->loop, c->raw, on_input, c)) {
		close(c->raw);
		c->raw = -1;
	}
	c->next_ms = now_of(c);		/* the first round at once */
	log_info("dns: canary: %zu name(s) every %u ms through %zu uplink(s)", c->nnames,
		 c->interval_ms, c->nlinks);
	return c;
}

void canary_free(struct canary *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->nlinks; i++)
		close_link(c, &c->links[i]);
	if (c->raw >= 0) {
		if (c->loop)
			loop_del(c->loop, c->raw);
		close(c->raw);
	}
	free(c->links);
	free(c);
}
