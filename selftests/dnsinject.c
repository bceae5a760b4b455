// SPDX-License-Identifier: GPL-2.0
/*
 * dnsinject: an on-path DNS injector for nfgate's selftests, modelling the
 * DNS poisoning of a national censor such as the Great Firewall (GFW).
 *
 * What it models. The GFW does not sit in the path as a router that could
 * drop the query: it watches a copy of the traffic crossing the border, and
 * when a UDP query for a censored name goes by it races the real resolver by
 * sending forged replies straight to the client, spoofed from the resolver's
 * address. The client's stub takes the first reply that matches its query
 * (ID, port, question) and the genuine reply, arriving later, is ignored.
 * Measurement studies describe injectors of this kind (e.g. Anonymous,
 * "Towards a Comprehensive Picture of the Great Firewall's DNS Censorship",
 * FOCI 2014; Hoang et al., "How Great is the Great Firewall?", USENIX
 * Security 2021). The traits modelled here, each a knob below:
 *  - it answers for any destination address, even one where no DNS server
 *    runs (what "canary" probes use to detect it);
 *  - up to three injectors may answer the same query, with the same or
 *    different forged addresses;
 *  - answers come from a pool of unrelated IPv4 addresses, and AAAA
 *    queries get addresses in Teredo's 2001::/32;
 *  - the reply is lone: the question and one answer (name compressed to the
 *    question), no authority, no additional section, no EDNS OPT record
 *    even when the query had one; header flags 0x8180 (QR RD RA) or
 *    0x8400 (QR AA), RD copied from the query;
 *  - the IP header gives it away or not: DF, IP ID (fixed, zero or random),
 *    TTL (random, fixed, or set to what the genuine path yields so that a
 *    hop-count filter cannot tell them apart);
 *  - it is usually faster than the genuine reply, by a margin that depends
 *    on where it sits; --delay makes that lead configurable.
 *
 * How. An AF_PACKET socket (ETH_P_ALL, SOCK_DGRAM: the IP header at
 * offset 0 on any link type) on one interface, with a classic BPF filter
 * for unfragmented UDP to port 53; both directions by default, so it can
 * watch the internet-facing side of an ISP (queries leave there) as well
 * as the customer side (queries arrive there). Replies are built whole,
 * IP header included, and sent through a raw IPv4 socket (IPPROTO_RAW,
 * IP_HDRINCL) after the configured delay; the kernel only fills in the
 * total length and the header checksum. One caveat of IP_HDRINCL: the kernel replaces an
 * IP ID of 0 when DF is clear (ip_select_ident()), so "--ipid 0" is only
 * exact together with --df.
 *
 * Output: one line per forged reply on stdout (line-buffered), key=value:
 *   <unix time> forged client=A:P server=A id=0xID qname=N qtype=T
 *   reply=K/R answers=X flags=0xF ipid=I ttl=T df=0|1 opt=0|1
 * after a first line "listening iface=IF ..." once the socket is ready.
 * SIGTERM/SIGINT end it cleanly (pending replies are dropped) with a
 * summary on stderr. UDP over IPv4 only; TCP queries are ignored.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define DNS_PORT	53
#define MAX_NAME	256	/* dotted, with the terminating NUL */
#define MAX_REPLIES	3
#define MAX_PENDING	1024
#define PKT_MAX		640	/* forged replies are < 340 bytes */

#define T_A		1
#define T_AAAA		28
#define T_OPT		41
#define C_IN		1
#define F_RD		0x0100

enum { DIR_ANY, DIR_IN, DIR_OUT };
enum { EDNS_NONE, EDNS_ECHO, EDNS_ALWAYS };

struct range {
	uint32_t lo, hi;	/* lo == hi: fixed */
};

static struct cfg {
	const char *iface;
	int dir;
	char **names;		/* lower case, no trailing dot; "" = all */
	size_t n_names;
	struct in_addr *pool;
	size_t n_pool;
	bool pick_rr;
	bool aaaa;		/* answer AAAA queries (Teredo) */
	bool other_a;		/* answer other qtypes with a lone A */
	uint16_t flags;
	bool keep_rd;
	bool df;
	bool ipid_random;
	uint16_t ipid;
	struct range ttl;
	unsigned int replies;
	bool same;
	unsigned int gap_ms;
	unsigned int delay_ms;
	struct range answer_ttl;
	int edns;
	uint16_t edns_size;
	unsigned long count;	/* 0: forever */
	bool quiet;
} cfg = {
	.dir = DIR_ANY,
	.aaaa = true,
	.flags = 0x8180,
	.ipid_random = true,
	.ttl = { 32, 255 },
	.replies = 1,
	.answer_ttl = { 60, 60 },
	.edns = EDNS_NONE,
	.edns_size = 512,
};

struct query {
	struct in_addr client, server;
	uint16_t cport, sport;
	uint16_t id, flags;
	const uint8_t *question;	/* QNAME QTYPE QCLASS as received */
	size_t qlen;
	char qname[MAX_NAME];		/* lower case, dotted, no final dot */
	uint16_t qtype;
	bool has_opt;
	uint16_t opt_size;
};

struct pending {
	uint64_t due_ns;		/* CLOCK_MONOTONIC */
	struct sockaddr_in dst;
	size_t len;
	uint8_t pkt[PKT_MAX];
	char log[512];			/* the log line after the timestamp */
};

static struct pending pending[MAX_PENDING];
static size_t n_pending;
static uint32_t rr_next;
static uint64_t rng_state;
static volatile sig_atomic_t stop;
static struct {
	unsigned long queries, matched, replies, dropped, send_errors;
} stats;

/* ---- small helpers ------------------------------------------------------ */

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("dnsinject: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

static uint64_t now_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* xorshift64*: plenty for header fields, seeded from getrandom(). */
static uint32_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * 0x2545f4914f6cdd1dull) >> 32);
}

static uint32_t pick(const struct range *r)
{
	if (r->hi <= r->lo)
		return r->lo;
	return r->lo + rnd() % (r->hi - r->lo + 1);
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v & 0xffff);
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t csum_add(uint32_t sum, const uint8_t *p, size_t len)
{
	while (len > 1) {
		sum += get16(p);
		p += 2;
		len -= 2;
	}
	if (len)
		sum += (uint32_t)p[0] << 8;
	return sum;
}

static uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static unsigned long parse_ulong(const char *s, unsigned long max, const char *what)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || end == s || *end || v > max || *s == '-')
		die("bad %s '%s' (0..%lu)", what, s, max);
	return v;
}

/* "N", "random" (the default range) or "random:LO-HI" */
static void parse_range(const char *s, struct range *r, uint32_t max, const char *what)
{
	const char *p;
	char buf[32];

	if (strncmp(s, "random", 6)) {
		r->lo = r->hi = parse_ulong(s, max, what);
		return;
	}
	p = s + 6;
	if (!*p) {
		if (r->lo == r->hi)	/* was fixed: the whole range */
			r->lo = 1, r->hi = max;
		return;
	}
	if (*p != ':' || !strchr(p, '-') || strlen(p) >= sizeof(buf))
		die("bad %s '%s' (N, random or random:LO-HI)", what, s);
	snprintf(buf, sizeof(buf), "%s", p + 1);
	*strchr(buf, '-') = 0;
	r->lo = parse_ulong(buf, max, what);
	r->hi = parse_ulong(strchr(p, '-') + 1, max, what);
	if (r->hi < r->lo)
		die("bad %s range '%s'", what, s);
}

static void add_name(const char *s)
{
	size_t len = strlen(s);
	char *n;

	while (len && s[len - 1] == '.')	/* "example.com." and "." */
		len--;
	while (len && *s == '.')
		s++, len--;
	if (len >= MAX_NAME)
		die("name too long: %s", s);
	n = strndup(s, len);
	if (!n)
		die("out of memory");
	for (char *c = n; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	cfg.names = realloc(cfg.names, (cfg.n_names + 1) * sizeof(*cfg.names));
	if (!cfg.names)
		die("out of memory");
	cfg.names[cfg.n_names++] = n;
}

static void add_addr(const char *s)
{
	struct in_addr a;

	if (inet_pton(AF_INET, s, &a) != 1)
		die("bad IPv4 address '%s'", s);
	cfg.pool = realloc(cfg.pool, (cfg.n_pool + 1) * sizeof(*cfg.pool));
	if (!cfg.pool)
		die("out of memory");
	cfg.pool[cfg.n_pool++] = a;
}

/* comma-separated list */
static void add_list(const char *s, void (*add)(const char *))
{
	char *dup = strdup(s), *tok, *save = NULL;

	if (!dup)
		die("out of memory");
	for (tok = strtok_r(dup, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		add(tok);
	free(dup);
}

/* one entry per line; blank lines and '#' comments skipped */
static void add_file(const char *path, void (*add)(const char *))
{
	FILE *f = fopen(path, "r");
	char line[512];

	if (!f)
		die("%s: %s", path, strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		char *s = line, *e;

		e = strchr(s, '#');
		if (e)
			*e = 0;
		while (isspace((unsigned char)*s))
			s++;
		e = s + strlen(s);
		while (e > s && isspace((unsigned char)e[-1]))
			*--e = 0;
		if (*s)
			add(s);
	}
	fclose(f);
}

/* ---- queries ---------------------------------------------------------- */

static bool censored(const char *qname)
{
	size_t ql = strlen(qname);

	for (size_t i = 0; i < cfg.n_names; i++) {
		const char *n = cfg.names[i];
		size_t nl = strlen(n);

		if (!nl)
			return true;
		if (ql == nl && !strcmp(qname, n))
			return true;
		if (ql > nl && qname[ql - nl - 1] == '.' && !strcmp(qname + ql - nl, n))
			return true;
	}
	return false;
}

/*
 * Parse an IPv4/UDP/DNS query. Returns false for anything that is not one
 * plain query with one question (fragments are filtered out already).
 */
static bool parse_query(const uint8_t *pkt, size_t len, struct query *q)
{
	const uint8_t *udp, *dns, *p, *end;
	size_t ihl, ulen, dlen, o = 0;

	if (len < 20 || (pkt[0] >> 4) != 4 || pkt[9] != IPPROTO_UDP)
		return false;
	if (get16(pkt + 2) < len)	/* link padding */
		len = get16(pkt + 2);
	ihl = (size_t)(pkt[0] & 0xf) * 4;
	if (ihl < 20 || len < ihl + 8 || (get16(pkt + 6) & 0x3fff))
		return false;
	udp = pkt + ihl;
	ulen = get16(udp + 4);
	if (ulen < 8 || ihl + ulen > len || get16(udp + 2) != DNS_PORT)
		return false;
	dns = udp + 8;
	dlen = ulen - 8;
	if (dlen < 12)
		return false;
	/* QR=0, opcode QUERY, one question */
	if ((dns[2] & 0xf8) || get16(dns + 4) != 1)
		return false;

	memcpy(&q->server, pkt + 16, 4);
	memcpy(&q->client, pkt + 12, 4);
	q->cport = get16(udp);
	q->sport = get16(udp + 2);
	q->id = get16(dns);
	q->flags = get16(dns + 2);

	p = dns + 12;
	end = dns + dlen;
	q->question = p;
	for (;;) {
		unsigned int l;

		if (p >= end)
			return false;
		l = *p++;
		if (!l)
			break;
		if (l > 63 || end - p < l || o + l + 2 > MAX_NAME)
			return false;	/* pointers have no place here */
		if (o)
			q->qname[o++] = '.';
		for (unsigned int i = 0; i < l; i++) {
			unsigned char c = (unsigned char)tolower(p[i]);

			q->qname[o++] = (c > ' ' && c < 0x7f) ? (char)c : '?';
		}
		p += l;
	}
	q->qname[o] = 0;
	if (end - p < 4)
		return false;
	q->qtype = get16(p);
	p += 4;
	q->qlen = (size_t)(p - q->question);

	/* An OPT record right after the question (the usual layout). */
	q->has_opt = false;
	if (get16(dns + 6) == 0 && get16(dns + 8) == 0 && get16(dns + 10) >= 1 &&
	    end - p >= 11 && p[0] == 0 && get16(p + 1) == T_OPT) {
		q->has_opt = true;
		q->opt_size = get16(p + 3);
	}
	return true;
}

/* ---- forged replies ----------------------------------------------------- */

static void qtype_name(uint16_t t, char *buf, size_t size)
{
	static const struct { uint16_t t; const char *n; } names[] = {
		{ 1, "A" }, { 2, "NS" }, { 5, "CNAME" }, { 6, "SOA" },
		{ 12, "PTR" }, { 15, "MX" }, { 16, "TXT" }, { 28, "AAAA" },
		{ 33, "SRV" }, { 65, "HTTPS" }, { 255, "ANY" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		if (names[i].t == t) {
			snprintf(buf, size, "%s", names[i].n);
			return;
		}
	}
	snprintf(buf, size, "TYPE%u", t);
}

static struct in_addr pool_addr(uint32_t i)
{
	return cfg.pool[i % cfg.n_pool];
}

static void teredo(uint8_t a[16], struct in_addr server)
{
	/* 2001:0000:<Teredo server IPv4>:<flags>:<~port>:<~client IPv4> */
	put32(a, 0x20010000);
	memcpy(a + 4, &server, 4);
	put32(a + 8, rnd());
	put32(a + 12, rnd());
}

/*
 * Build reply k (0-based) to q into p->pkt: IPv4 + UDP + DNS, checksums
 * included (the kernel recomputes the IP one). base selects the answer.
 */
static void build(const struct query *q, unsigned int k, uint32_t base,
		  const uint8_t *aaaa_same, struct pending *p)
{
	uint8_t *ip = p->pkt, *udp = ip + 20, *dns = udp + 8, *a;
	uint16_t flags = cfg.flags, type = 0, ipid, ttl;
	uint32_t attl = pick(&cfg.answer_ttl);
	struct in_addr addr;
	uint8_t v6[16];
	char ans[64] = "-";
	bool opt = cfg.edns == EDNS_ALWAYS || (cfg.edns == EDNS_ECHO && q->has_opt);
	size_t dlen, rdlen = 0;
	uint32_t sum;

	if (!cfg.keep_rd)
		flags = (flags & ~F_RD) | (q->flags & F_RD);

	put16(dns, q->id);
	put16(dns + 2, flags);
	put16(dns + 4, 1);
	put16(dns + 8, 0);
	put16(dns + 10, opt ? 1 : 0);
	memcpy(dns + 12, q->question, q->qlen);
	a = dns + 12 + q->qlen;

	if (q->qtype == T_AAAA && cfg.aaaa) {
		type = T_AAAA;
		if (aaaa_same)
			memcpy(v6, aaaa_same, 16);
		else
			teredo(v6, cfg.n_pool ? pool_addr(base + (cfg.same ? 0 : k)) : (struct in_addr){ 0 });
		rdlen = 16;
		inet_ntop(AF_INET6, v6, ans, sizeof(ans));
	} else if (q->qtype == T_A || cfg.other_a) {
		type = T_A;
		addr = pool_addr(base + (cfg.same ? 0 : k));
		rdlen = 4;
		inet_ntop(AF_INET, &addr, ans, sizeof(ans));
	}
	put16(dns + 6, type ? 1 : 0);
	if (type) {
		put16(a, 0xc00c);	/* the question's name */
		put16(a + 2, type);
		put16(a + 4, C_IN);
		put32(a + 6, attl);
		put16(a + 10, (uint16_t)rdlen);
		if (type == T_A)
			memcpy(a + 12, &addr, 4);
		else
			memcpy(a + 12, v6, 16);
		a += 12 + rdlen;
	}
	if (opt) {
		a[0] = 0;		/* root */
		put16(a + 1, T_OPT);
		put16(a + 3, cfg.edns == EDNS_ECHO ? q->opt_size : cfg.edns_size);
		put32(a + 5, 0);	/* ext. rcode, version, DO clear */
		put16(a + 9, 0);
		a += 11;
	}
	dlen = (size_t)(a - dns);

	put16(udp, q->sport);
	put16(udp + 2, q->cport);
	put16(udp + 4, (uint16_t)(8 + dlen));
	put16(udp + 6, 0);

	ipid = cfg.ipid_random ? (uint16_t)(1 + rnd() % 0xffff) : cfg.ipid;
	ttl = (uint16_t)pick(&cfg.ttl);
	ip[0] = 0x45;
	ip[1] = 0;
	put16(ip + 2, (uint16_t)(20 + 8 + dlen));
	put16(ip + 4, ipid);
	put16(ip + 6, cfg.df ? IP_DF : 0);
	ip[8] = (uint8_t)ttl;
	ip[9] = IPPROTO_UDP;
	put16(ip + 10, 0);
	memcpy(ip + 12, &q->server, 4);
	memcpy(ip + 16, &q->client, 4);
	put16(ip + 10, csum_fold(csum_add(0, ip, 20)));

	/* UDP checksum over the pseudo header */
	sum = csum_add(0, ip + 12, 8);
	sum += IPPROTO_UDP + 8 + (uint32_t)dlen;
	sum = csum_add(sum, udp, 8 + dlen);
	put16(udp + 6, csum_fold(sum) ? csum_fold(sum) : 0xffff);

	p->len = 20 + 8 + dlen;
	memset(&p->dst, 0, sizeof(p->dst));
	p->dst.sin_family = AF_INET;
	p->dst.sin_addr = q->client;

	{
		char c[INET_ADDRSTRLEN], s[INET_ADDRSTRLEN];
		char qt[16];

		qtype_name(q->qtype, qt, sizeof(qt));
		inet_ntop(AF_INET, &q->client, c, sizeof(c));
		inet_ntop(AF_INET, &q->server, s, sizeof(s));
		snprintf(p->log, sizeof(p->log),
			 "forged client=%s:%u server=%s id=0x%04x qname=%s qtype=%s reply=%u/%u answers=%s flags=0x%04x ipid=%u ttl=%u df=%d opt=%d",
			 c, q->cport, s, q->id, q->qname[0] ? q->qname : ".", qt,
			 k + 1, cfg.replies, ans, flags, ipid, ttl, cfg.df, opt);
	}
}

static void schedule(const struct query *q)
{
	uint64_t t0 = now_ns(CLOCK_MONOTONIC);
	uint32_t base;
	uint8_t v6[16];
	const uint8_t *same6 = NULL;

	if (q->qtype == T_AAAA && cfg.aaaa) {
		if (cfg.same) {
			teredo(v6, cfg.n_pool ? pool_addr(rnd()) : (struct in_addr){ 0 });
			same6 = v6;
		}
	} else if (q->qtype != T_A && !cfg.other_a) {
		return;
	}
	stats.matched++;
	if (cfg.pick_rr) {
		base = rr_next;
		rr_next += cfg.same ? 1 : cfg.replies;
	} else {
		base = rnd();
	}
	for (unsigned int k = 0; k < cfg.replies; k++) {
		struct pending *p;

		if (n_pending == MAX_PENDING) {
			stats.dropped++;
			continue;
		}
		p = &pending[n_pending++];
		p->due_ns = t0 + ((uint64_t)cfg.delay_ms + (uint64_t)k * cfg.gap_ms) * 1000000ull;
		build(q, k, base, same6, p);
	}
}

/* Send every reply that is due; returns ns until the next one, or -1. */
static int64_t send_due(int raw)
{
	uint64_t now = now_ns(CLOCK_MONOTONIC);
	int64_t next = -1;
	size_t i = 0;

	while (i < n_pending) {
		struct pending *p = &pending[i];

		if (p->due_ns > now) {
			int64_t d = (int64_t)(p->due_ns - now);

			if (next < 0 || d < next)
				next = d;
			i++;
			continue;
		}
		if (sendto(raw, p->pkt, p->len, 0, (struct sockaddr *)&p->dst,
			   sizeof(p->dst)) < 0) {
			stats.send_errors++;
			fprintf(stderr, "dnsinject: sendto: %s\n", strerror(errno));
		} else {
			uint64_t t = now_ns(CLOCK_REALTIME);

			stats.replies++;
			if (!cfg.quiet)
				printf("%llu.%06llu %s\n",
				       (unsigned long long)(t / 1000000000ull),
				       (unsigned long long)(t % 1000000000ull / 1000),
				       p->log);
		}
		/* keep the order: replies of one query go out in sequence */
		memmove(p, p + 1, (n_pending - i - 1) * sizeof(*p));
		n_pending--;
	}
	return next;
}

/* ---- sockets ----------------------------------------------------------- */

static int open_capture(const char *iface, int *ifindex)
{
	/*
	 * Accept unfragmented IPv4 UDP to port 53; the IP header is at
	 * offset 0 (SOCK_DGRAM). ETH_P_ALL, not ETH_P_IP: only ETH_P_ALL
	 * sockets see the packets a device sends.
	 */
	struct sock_filter code[] = {
		BPF_STMT(BPF_LD | BPF_H | BPF_ABS, SKF_AD_OFF + SKF_AD_PROTOCOL),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ETH_P_IP, 0, 8),
		BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 9),			/* protocol */
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, IPPROTO_UDP, 0, 6),
		BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 6),			/* frag */
		BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, 0x3fff, 4, 0),
		BPF_STMT(BPF_LDX | BPF_B | BPF_MSH, 0),			/* X = ihl */
		BPF_STMT(BPF_LD | BPF_H | BPF_IND, 2),			/* dport */
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, DNS_PORT, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, 0xffff),
		BPF_STMT(BPF_RET | BPF_K, 0),
	};
	struct sock_fprog prog = { .len = ARRAY_SIZE(code), .filter = code };
	struct sockaddr_ll sll = { 0 };
	int fd, sz = 1 << 20;
	char junk[64];

	*ifindex = (int)if_nametoindex(iface);
	if (!*ifindex)
		die("no interface %s", iface);
	fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC, htons(ETH_P_ALL));
	if (fd < 0)
		die("AF_PACKET socket: %s", strerror(errno));
	if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog)) < 0)
		die("SO_ATTACH_FILTER: %s", strerror(errno));
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETH_P_ALL);
	sll.sll_ifindex = *ifindex;
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0)
		die("bind %s: %s", iface, strerror(errno));
	/* whatever slipped in before the filter and bind */
	while (recv(fd, junk, sizeof(junk), MSG_DONTWAIT) >= 0)
		;
	return fd;
}

static int open_raw(void)
{
	int fd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW), one = 1;

	if (fd < 0)
		die("raw socket: %s", strerror(errno));
	if (setsockopt(fd, IPPROTO_IP, IP_HDRINCL, &one, sizeof(one)) < 0)
		die("IP_HDRINCL: %s", strerror(errno));
	return fd;
}

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* ---- main ------------------------------------------------------------------ */

static void usage(FILE *f)
{
	fprintf(f,
"Usage: dnsinject -i IFACE [options] [NAME...]\n"
"An on-path DNS injector (GFW model): forges replies to UDP queries for\n"
"censored names seen on IFACE, spoofed from the queried server.\n"
"  -i, --iface IF           watch queries on IF (AF_PACKET)\n"
"      --direction any|in|out  which packets on IF (default any)\n"
"  -n, --name SUFFIX        censored name (repeatable; also as arguments):\n"
"                           matches itself and names below it, case-insensitive;\n"
"                           '.' matches every name\n"
"  -N, --names FILE         censored names, one per line\n"
"  -p, --pool A[,B...]      forged IPv4 answers (repeatable)\n"
"  -P, --pool-file FILE     forged IPv4 answers, one per line\n"
"      --pick random|rr     how answers are taken from the pool (default random)\n"
"      --aaaa teredo|none   AAAA queries: an AAAA in 2001::/32 (default) or no reply\n"
"      --other a|none       other qtypes: a lone A record anyway, or no reply (default)\n"
"  -f, --flags 0xNNNN       DNS header flags (default 0x8180; 0x8400 = AA)\n"
"      --keep-rd            do not copy RD from the query\n"
"      --df / --no-df       IP DF bit (default clear)\n"
"      --ipid random|N      IP ID (default random; 0 is exact only with --df)\n"
"      --ttl random[:LO-HI]|N|copy:N\n"
"                           IP TTL (default random:32-255); copy:N = N, the TTL\n"
"                           the genuine reply has at the victim's side\n"
"  -r, --replies N          replies per query, 1..3 (default 1)\n"
"      --same               the same answer in every reply (default: distinct)\n"
"      --gap MS             between the replies of one query (default 0)\n"
"  -D, --delay MS           before the first reply (default 0)\n"
"      --answer-ttl N|random[:LO-HI]  the answer's TTL (default 60)\n"
"      --edns none|echo|always  OPT record in the reply: never (default, as the\n"
"                           GFW), when the query had one, always\n"
"      --edns-size N        UDP size in an --edns always OPT (default 512)\n"
"  -c, --count N            exit after forging for N queries\n"
"      --once               same as --count 1\n"
"      --seed N             seed the random choices (default: getrandom)\n"
"  -q, --quiet              no per-reply lines\n"
"  -h, --help               this help\n"
"Output: 'listening ...' once ready, then one line per forged reply:\n"
"  TIME forged client=A:P server=A id=0xID qname=N qtype=T reply=K/R\n"
"  answers=X flags=0xF ipid=I ttl=T df=0|1 opt=0|1\n");
}

enum {
	O_DIR = 256, O_PICK, O_AAAA, O_OTHER, O_KEEPRD, O_DF, O_NODF, O_IPID,
	O_TTL, O_SAME, O_GAP, O_ATTL, O_EDNS, O_EDNSSIZE, O_ONCE, O_SEED,
};

static const struct option opts[] = {
	{ "iface", required_argument, NULL, 'i' },
	{ "direction", required_argument, NULL, O_DIR },
	{ "name", required_argument, NULL, 'n' },
	{ "names", required_argument, NULL, 'N' },
	{ "pool", required_argument, NULL, 'p' },
	{ "pool-file", required_argument, NULL, 'P' },
	{ "pick", required_argument, NULL, O_PICK },
	{ "aaaa", required_argument, NULL, O_AAAA },
	{ "other", required_argument, NULL, O_OTHER },
	{ "flags", required_argument, NULL, 'f' },
	{ "keep-rd", no_argument, NULL, O_KEEPRD },
	{ "df", no_argument, NULL, O_DF },
	{ "no-df", no_argument, NULL, O_NODF },
	{ "ipid", required_argument, NULL, O_IPID },
	{ "ttl", required_argument, NULL, O_TTL },
	{ "replies", required_argument, NULL, 'r' },
	{ "same", no_argument, NULL, O_SAME },
	{ "gap", required_argument, NULL, O_GAP },
	{ "delay", required_argument, NULL, 'D' },
	{ "answer-ttl", required_argument, NULL, O_ATTL },
	{ "edns", required_argument, NULL, O_EDNS },
	{ "edns-size", required_argument, NULL, O_EDNSSIZE },
	{ "count", required_argument, NULL, 'c' },
	{ "once", no_argument, NULL, O_ONCE },
	{ "seed", required_argument, NULL, O_SEED },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static int choice(const char *arg, const char *what, const char *const *words)
{
	for (int i = 0; words[i]; i++)
		if (!strcmp(arg, words[i]))
			return i;
	die("bad %s '%s'", what, arg);
}

static void parse_args(int argc, char **argv)
{
	bool seeded = false;
	int c;

	while ((c = getopt_long(argc, argv, "i:n:N:p:P:f:r:D:c:qh", opts, NULL)) != -1) {
		switch (c) {
		case 'i':
			cfg.iface = optarg;
			break;
		case O_DIR:
			cfg.dir = choice(optarg, "direction",
					 (const char *const[]){ "any", "in", "out", NULL });
			break;
		case 'n':
			add_name(optarg);
			break;
		case 'N':
			add_file(optarg, add_name);
			break;
		case 'p':
			add_list(optarg, add_addr);
			break;
		case 'P':
			add_file(optarg, add_addr);
			break;
		case O_PICK:
			cfg.pick_rr = choice(optarg, "pick",
					     (const char *const[]){ "random", "rr", NULL });
			break;
		case O_AAAA:
			cfg.aaaa = !choice(optarg, "aaaa",
					   (const char *const[]){ "teredo", "none", NULL });
			break;
		case O_OTHER:
			cfg.other_a = !choice(optarg, "other",
					      (const char *const[]){ "a", "none", NULL });
			break;
		case 'f':
			cfg.flags = (uint16_t)parse_ulong(optarg, 0xffff, "flags");
			break;
		case O_KEEPRD:
			cfg.keep_rd = true;
			break;
		case O_DF:
			cfg.df = true;
			break;
		case O_NODF:
			cfg.df = false;
			break;
		case O_IPID:
			cfg.ipid_random = !strcmp(optarg, "random");
			if (!cfg.ipid_random)
				cfg.ipid = (uint16_t)parse_ulong(optarg, 0xffff, "IP ID");
			break;
		case O_TTL:
			if (!strncmp(optarg, "copy:", 5))
				optarg += 5;
			parse_range(optarg, &cfg.ttl, 255, "TTL");
			if (!cfg.ttl.lo)
				die("TTL 0");
			break;
		case 'r':
			cfg.replies = (unsigned int)parse_ulong(optarg, MAX_REPLIES, "replies");
			if (!cfg.replies)
				die("--replies 1..%d", MAX_REPLIES);
			break;
		case O_SAME:
			cfg.same = true;
			break;
		case O_GAP:
			cfg.gap_ms = (unsigned int)parse_ulong(optarg, 60000, "gap");
			break;
		case 'D':
			cfg.delay_ms = (unsigned int)parse_ulong(optarg, 60000, "delay");
			break;
		case O_ATTL:
			parse_range(optarg, &cfg.answer_ttl, 0x7fffffff, "answer TTL");
			break;
		case O_EDNS:
			cfg.edns = choice(optarg, "edns",
					  (const char *const[]){ "none", "echo", "always", NULL });
			break;
		case O_EDNSSIZE:
			cfg.edns_size = (uint16_t)parse_ulong(optarg, 0xffff, "EDNS size");
			break;
		case 'c':
			cfg.count = parse_ulong(optarg, 1ul << 31, "count");
			break;
		case O_ONCE:
			cfg.count = 1;
			break;
		case O_SEED:
			rng_state = parse_ulong(optarg, ~0ul, "seed") * 2654435761ull + 1;
			seeded = true;
			break;
		case 'q':
			cfg.quiet = true;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			exit(2);
		}
	}
	for (int i = optind; i < argc; i++)
		add_name(argv[i]);
	if (!cfg.iface)
		die("no --iface (-h for help)");
	if (!cfg.n_names)
		die("no censored names (--name, --names or arguments)");
	if (!cfg.n_pool)
		die("no forged addresses (--pool or --pool-file)");
	if (!cfg.ipid_random && !cfg.ipid && !cfg.df)
		fprintf(stderr, "dnsinject: warning: the kernel replaces IP ID 0 when DF is clear\n");
	if (!seeded && getrandom(&rng_state, sizeof(rng_state), 0) != sizeof(rng_state))
		rng_state = now_ns(CLOCK_REALTIME);
	rng_state |= 1;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_signal };
	sigset_t block, wait_mask;
	uint8_t buf[2048];
	int cap, raw, ifindex;

	parse_args(argc, argv);
	setvbuf(stdout, NULL, _IOLBF, 0);

	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigprocmask(SIG_BLOCK, &block, &wait_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigdelset(&wait_mask, SIGTERM);
	sigdelset(&wait_mask, SIGINT);

	raw = open_raw();
	cap = open_capture(cfg.iface, &ifindex);
	printf("listening iface=%s names=%zu pool=%zu replies=%u delay_ms=%u flags=0x%04x df=%d\n",
	       cfg.iface, cfg.n_names, cfg.n_pool, cfg.replies, cfg.delay_ms,
	       cfg.flags, cfg.df);

	while (!stop) {
		struct pollfd pfd = { .fd = cap, .events = POLLIN };
		int64_t next = send_due(raw);
		struct timespec ts, *tsp = NULL;
		int n;

		if (cfg.count && stats.matched >= cfg.count) {
			if (next < 0)
				break;	/* all sent */
			pfd.fd = -1;	/* count reached: only send */
		}
		if (next >= 0) {
			ts.tv_sec = next / 1000000000;
			ts.tv_nsec = next % 1000000000;
			tsp = &ts;
		}
		n = ppoll(&pfd, 1, tsp, &wait_mask);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			die("ppoll: %s", strerror(errno));
		}
		if (n == 0 || !(pfd.revents & POLLIN))
			continue;
		for (;;) {
			struct sockaddr_ll from;
			socklen_t fl = sizeof(from);
			struct query q;
			ssize_t len;

			len = recvfrom(cap, buf, sizeof(buf), MSG_DONTWAIT,
				       (struct sockaddr *)&from, &fl);
			if (len < 0)
				break;
			if (from.sll_ifindex != ifindex ||
			    from.sll_protocol != htons(ETH_P_IP))
				continue;
			if ((cfg.dir == DIR_OUT && from.sll_pkttype != PACKET_OUTGOING) ||
			    (cfg.dir == DIR_IN && from.sll_pkttype == PACKET_OUTGOING))
				continue;
			if (!parse_query(buf, (size_t)len, &q))
				continue;
			stats.queries++;
			if (censored(q.qname))
				schedule(&q);
			if (cfg.count && stats.matched >= cfg.count)
				break;
		}
	}
	fprintf(stderr, "dnsinject: queries=%lu matched=%lu replies=%lu dropped=%lu send_errors=%lu\n",
		stats.queries, stats.matched, stats.replies, stats.dropped,
		stats.send_errors);
	close(cap);
	close(raw);
	return 0;
}
