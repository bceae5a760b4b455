// SPDX-License-Identifier: GPL-2.0 OR MIT
/* Host unit tests for common/dns.c. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "../dns.h"
#include "dns_same.h"
#include "dns_scapy_msgs.h"
#include "tap.h"

/* A message under construction. */
struct mb {
	u8 b[8192];
	unsigned int n;
};

static void put8(struct mb *m, unsigned int v)
{
	m->b[m->n++] = v;
}

static void put16(struct mb *m, unsigned int v)
{
	put8(m, v >> 8);
	put8(m, v);
}

static void put32(struct mb *m, u32 v)
{
	put16(m, v >> 16);
	put16(m, v);
}

static void putbytes(struct mb *m, const void *p, unsigned int n)
{
	memcpy(m->b + m->n, p, n);
	m->n += n;
}

/* Labels of a dotted name, without the end ("" puts nothing). */
static void put_labels(struct mb *m, const char *s)
{
	while (*s) {
		const char *dot = strchr(s, '.');
		unsigned int l = dot ? (unsigned int)(dot - s) : strlen(s);

		put8(m, l);
		putbytes(m, s, l);
		s += l + !!dot;
	}
}

/* A full uncompressed name ("" is the root). */
static void put_name(struct mb *m, const char *s)
{
	put_labels(m, s);
	put8(m, 0);
}

static void put_ptr(struct mb *m, unsigned int off)
{
	put16(m, 0xc000 | off);
}

static void put_hdr(struct mb *m, unsigned int flags, unsigned int qd,
		    unsigned int an, unsigned int ns, unsigned int ar)
{
	m->n = 0;
	put16(m, 0x4242);
	put16(m, flags);
	put16(m, qd);
	put16(m, an);
	put16(m, ns);
	put16(m, ar);
}

static void put_q(struct mb *m, const char *name, unsigned int type)
{
	put_name(m, name);
	put16(m, type);
	put16(m, NG_DNS_C_IN);
}

/* Type, class, TTL, RDLENGTH: the owner name is already there. */
static void put_rrh(struct mb *m, unsigned int type, unsigned int class,
		    u32 ttl, unsigned int rdlen)
{
	put16(m, type);
	put16(m, class);
	put32(m, ttl);
	put16(m, rdlen);
}

static void put_a(struct mb *m, u32 ttl, u32 addr)
{
	put_rrh(m, NG_DNS_T_A, NG_DNS_C_IN, ttl, 4);
	put32(m, addr);
}

/* OPT: root owner, UDP size, ext. RCODE / version / flags. */
static void put_opt(struct mb *m, unsigned int size, u32 ttl)
{
	put8(m, 0);
	put_rrh(m, NG_DNS_T_OPT, size, ttl, 0);
}

/* Patch a 16-bit RDLENGTH written as 0 at off, to reach the end. */
static void fix_rdlen(struct mb *m, unsigned int off)
{
	unsigned int l = m->n - off - 2;

	m->b[off] = l >> 8;
	m->b[off + 1] = l;
}

/* Parse from an exact-size heap copy, so ASan sees any over-read. */
static int parse_ex(const u8 *b, unsigned int n, struct ng_dns_msg *out,
		    unsigned int opts)
{
	u8 *c = malloc(n ? n : 1);
	int r;

	memcpy(c, b, n);
	r = ng_dns_parse_ex(c, n, out, opts);
	free(c);
	return r;
}

static struct ng_dns_msg msg;

static int parse(const struct mb *m)
{
	return parse_ex(m->b, m->n, &msg, 0);
}

#define FL_REPLY	(NG_DNS_FLAG_QR | NG_DNS_FLAG_RD | NG_DNS_FLAG_RA)

static const u8 wire_www[] = "\3www\7example\3com";	/* + its 0 */

/* A typical reply: www.example.com A, 1 answer, OPT. */
static void build_a_reply(struct mb *m)
{
	put_hdr(m, FL_REPLY, 1, 1, 0, 1);
	put_q(m, "www.example.com", NG_DNS_T_A);
	put_ptr(m, 12);
	put_a(m, 300, 0x5db8d822);
	put_opt(m, 1232, 0);
}

/*
 * Every prefix of a valid message fails, and never reads past it. (With
 * TC=1, a cut at an RR boundary is accepted as PARTIAL, by design.)
 */
static void check_prefixes(const char *what, const u8 *b, unsigned int n)
{
	struct ng_dns_msg o;
	unsigned int i, opts, bad = 0;

	for (i = 0; i < n; i++)
		for (opts = 0; opts <= NG_DNS_PARSE_QUERY; opts++)
			if (parse_ex(b, i, &o, opts) >= 0 &&
			    !(o.status & NG_DNS_S_PARTIAL))
				bad++;
	tap_check(!bad && parse_ex(b, n, &o, 0) == 0,
		  "%s: all %u prefixes fail, the whole parses", what, n);
}

static void test_a_reply(void)
{
	struct mb m;
	u8 want[] = { 0x5d, 0xb8, 0xd8, 0x22 };

	build_a_reply(&m);
	tap_check(parse(&m) == 0, "A reply parses");
	tap_check(msg.id == 0x4242 && (msg.flags & NG_DNS_FLAG_QR) &&
		  (msg.flags & NG_DNS_FLAG_RD) && (msg.flags & NG_DNS_FLAG_RA) &&
		  !(msg.flags & NG_DNS_FLAG_TC) && !NG_DNS_OPCODE(msg.flags) &&
		  msg.rcode == 0, "header fields");
	tap_check(msg.qdcount == 1 && msg.ancount == 1 && msg.nscount == 0 &&
		  msg.arcount == 1, "counts");
	tap_check(msg.qname_len == sizeof(wire_www) &&
		  !memcmp(msg.qname, wire_www, sizeof(wire_www)) &&
		  msg.qtype == NG_DNS_T_A && msg.qclass == NG_DNS_C_IN,
		  "question");
	tap_check(msg.qname_hash == ng_dns_name_hash(wire_www,
						     sizeof(wire_www)),
		  "qname hash");
	tap_check(msg.n_ans == 1 && msg.n_a == 1 && msg.n_aaaa == 0 &&
		  msg.n_cname == 0 && msg.n_other == 0 && msg.n_rr == 2,
		  "answer counts");
	tap_check(!memcmp(&msg.a[0], want, 4) && msg.a_ttl[0] == 300 &&
		  msg.min_ttl == 300, "address in network order, TTL");
	tap_check((msg.status & NG_DNS_S_EDNS) && msg.edns_udp_size == 1232 &&
		  !(msg.edns_flags & NG_DNS_EDNS_DO) && !msg.edns_version,
		  "EDNS without DO");
	tap_check(!(msg.status & ~NG_DNS_S_EDNS), "chain intact, no caps");
	tap_check(msg.end == m.n, "end is the message end");
	check_prefixes("A reply", m.b, m.n);

	/* Trailing bytes are not an error; end says where the data stops. */
	put32(&m, 0xdeadbeef);
	tap_check(parse(&m) == 0 && msg.end == m.n - 4, "trailing bytes");

	/* The same bytes, parsed as a query: answers are not decoded. */
	build_a_reply(&m);
	tap_check(parse_ex(m.b, m.n, &msg, NG_DNS_PARSE_QUERY) == 0 &&
		  msg.n_ans == 0 && msg.n_a == 0 && msg.n_rr == 2 &&
		  (msg.status & NG_DNS_S_QUERY_ONLY) &&
		  (msg.status & NG_DNS_S_EDNS), "query mode skips answers");
}

static void test_query(void)
{
	struct mb m;

	put_hdr(&m, NG_DNS_FLAG_RD, 1, 0, 0, 1);
	put_q(&m, "Mail.Example.NET", NG_DNS_T_AAAA);
	put_opt(&m, 4096, 0x00008000);
	tap_check(ng_dns_parse_query(m.b, m.n, &msg) == 0 &&
		  !(msg.flags & NG_DNS_FLAG_QR) && msg.qtype == NG_DNS_T_AAAA &&
		  msg.edns_udp_size == 4096 &&
		  (msg.edns_flags & NG_DNS_EDNS_DO) &&
		  !memcmp(msg.qname, "\4mail\7example\3net", 18),
		  "query with DO, qname lowercased");
	check_prefixes("query", m.b, m.n);
}

static void test_aaaa(void)
{
	static const u8 teredo[16] = { 0x20, 0x01, 0, 0, 0x41, 0x36, 0xe3,
				       0x78, 0x80, 0, 0x63, 0xbf, 0x3f, 0xff,
				       0xfd, 0xd2 };
	static const u8 other[16] = { 0x26, 0x06, 0x28, 0, 2, 0x20, 0, 1, 2,
				      0x48, 0x18, 0x93, 0x25, 0xc8, 0x19,
				      0x46 };
	struct mb m;

	put_hdr(&m, FL_REPLY, 1, 2, 0, 0);
	put_q(&m, "www.example.com", NG_DNS_T_AAAA);
	put_ptr(&m, 12);
	put_rrh(&m, NG_DNS_T_AAAA, NG_DNS_C_IN, 120, 16);
	putbytes(&m, teredo, 16);
	put_ptr(&m, 12);
	put_rrh(&m, NG_DNS_T_AAAA, NG_DNS_C_IN, 100, 16);
	putbytes(&m, other, 16);
	tap_check(parse(&m) == 0 && msg.n_aaaa == 2 && msg.n_a == 0 &&
		  !memcmp(msg.aaaa[0], teredo, 16) &&
		  !memcmp(msg.aaaa[1], other, 16) && msg.aaaa_ttl[0] == 120 &&
		  msg.aaaa_ttl[1] == 100 && msg.min_ttl == 100,
		  "AAAA incl. Teredo 2001:0::/32");
	tap_check(msg.aaaa[0][0] == 0x20 && msg.aaaa[0][1] == 0x01 &&
		  !msg.aaaa[0][2] && !msg.aaaa[0][3], "Teredo prefix kept");
	tap_check(!(msg.status & NG_DNS_S_EDNS), "no OPT: no EDNS");
	check_prefixes("AAAA reply", m.b, m.n);

	/* AAAA with RDLENGTH 4 */
	m.b[m.n - 16 - 1] = 4;
	m.n -= 12;
	tap_check(parse(&m) == -NG_DNS_ERDATA, "AAAA of 4 bytes: ERDATA");
}

/* www.example.com CNAME a.cdn.net, CNAME b.edge.org, two A. */
static unsigned int build_cname(struct mb *m, int mess_owner)
{
	unsigned int a_off, b_off, rdl;

	put_hdr(m, FL_REPLY, 1, 4, 0, 1);
	put_q(m, "www.example.com", NG_DNS_T_A);
	put_ptr(m, 12);
	put_rrh(m, NG_DNS_T_CNAME, NG_DNS_C_IN, 3600, 0);
	rdl = m->n - 2;
	a_off = m->n;
	put_name(m, "a.cdn.net");
	fix_rdlen(m, rdl);
	put_ptr(m, a_off);
	put_rrh(m, NG_DNS_T_CNAME, NG_DNS_C_IN, 600, 0);
	rdl = m->n - 2;
	b_off = m->n;
	put_labels(m, "b.edge");
	put_ptr(m, a_off + 6);			/* "net" of a.cdn.net */
	fix_rdlen(m, rdl);
	if (mess_owner == 1) {
		put_name(m, "B.EDGE.NET");	/* same, spelt out */
	} else if (mess_owner == 3) {
		put_labels(m, "B.Edge");	/* same, other pointer */
		put_ptr(m, a_off + 6);
	} else if (mess_owner == 2) {
		put_name(m, "c.edge.net");	/* not the chain */
	} else {
		put_ptr(m, b_off);
	}
	put_a(m, 20, 0x01020304);
	put_ptr(m, b_off);
	put_a(m, 30, 0x01020305);
	put_opt(m, 512, 0);
	return b_off;
}

static void test_cname(void)
{
	struct mb m;

	build_cname(&m, 0);
	tap_check(parse(&m) == 0 && msg.n_ans == 4 && msg.n_cname == 2 &&
		  msg.n_a == 2 && msg.min_ttl == 20 &&
		  !(msg.status & NG_DNS_S_CHAIN_BROKEN), "CNAME chain");
	check_prefixes("CNAME chain", m.b, m.n);

	build_cname(&m, 1);
	tap_check(parse(&m) == 0 &&
		  !(msg.status & NG_DNS_S_CHAIN_BROKEN),
		  "chain owner spelt out in another case still chains");
	build_cname(&m, 3);
	tap_check(parse(&m) == 0 &&
		  !(msg.status & NG_DNS_S_CHAIN_BROKEN),
		  "chain owner sharing the target's suffix still chains");
	build_cname(&m, 2);
	tap_check(parse(&m) == 0 && (msg.status & NG_DNS_S_CHAIN_BROKEN) &&
		  msg.n_a == 2, "owner off the chain: CHAIN_BROKEN");

	/* An A for the qname after a CNAME: off the chain. */
	put_hdr(&m, FL_REPLY, 1, 2, 0, 0);
	put_q(&m, "x.example", NG_DNS_T_A);
	put_ptr(&m, 12);
	put_rrh(&m, NG_DNS_T_CNAME, NG_DNS_C_IN, 60, 4);
	put_labels(&m, "y");
	put_ptr(&m, 14);
	put_ptr(&m, 12);
	put_a(&m, 60, 0x0a000001);
	tap_check(parse(&m) == 0 && (msg.status & NG_DNS_S_CHAIN_BROKEN),
		  "qname A after its CNAME: CHAIN_BROKEN");

	/* CNAME RDATA longer than its name. */
	put_hdr(&m, FL_REPLY, 1, 1, 0, 0);
	put_q(&m, "x.example", NG_DNS_T_A);
	put_ptr(&m, 12);
	put_rrh(&m, NG_DNS_T_CNAME, NG_DNS_C_IN, 60, 4);
	put_ptr(&m, 12);
	put16(&m, 0);
	tap_check(parse(&m) == -NG_DNS_ERDATA, "CNAME RDATA too long: ERDATA");
	/* CNAME target running into the next bytes. */
	put_hdr(&m, FL_REPLY, 1, 1, 0, 0);
	put_q(&m, "x.example", NG_DNS_T_A);
	put_ptr(&m, 12);
	put_rrh(&m, NG_DNS_T_CNAME, NG_DNS_C_IN, 60, 2);
	put_name(&m, "zz");
	tap_check(parse(&m) == -NG_DNS_ERDATA, "CNAME RDATA too short: ERDATA");

	/* DNAME and RRSIG owners are exempt from the chain. */
	put_hdr(&m, FL_REPLY, 1, 3, 0, 0);
	put_q(&m, "www.old.example", NG_DNS_T_A);
	put_ptr(&m, 16);			/* old.example */
	put_rrh(&m, NG_DNS_T_DNAME, NG_DNS_C_IN, 60, 0);
	fix_rdlen(&m, m.n - 2);
	put_ptr(&m, 12);
	put_a(&m, 60, 0x0a000002);
	put_name(&m, "sig.elsewhere");
	put_rrh(&m, NG_DNS_T_RRSIG, NG_DNS_C_IN, 60, 3);
	putbytes(&m, "sig", 3);
	tap_check(parse(&m) == 0 && !(msg.status & NG_DNS_S_CHAIN_BROKEN) &&
		  msg.n_other == 2 && msg.n_a == 1, "DNAME, RRSIG exempt");

	/* No question: answers can't chain. */
	put_hdr(&m, FL_REPLY, 0, 1, 0, 0);
	put_name(&m, "a");
	put_a(&m, 60, 1);
	tap_check(parse(&m) == 0 && msg.qname_len == 0 &&
		  (msg.status & NG_DNS_S_CHAIN_BROKEN), "QDCOUNT 0 with answer");
}

static void test_rcodes(void)
{
	struct mb m;
	unsigned int rdl;

	/* NXDOMAIN with SOA in authority, EDNS DO. */
	put_hdr(&m, FL_REPLY | NG_DNS_RCODE_NXDOMAIN, 1, 0, 1, 1);
	put_q(&m, "nope.example.com", NG_DNS_T_A);
	put_ptr(&m, 17);
	put_rrh(&m, NG_DNS_T_SOA, NG_DNS_C_IN, 900, 0);
	rdl = m.n - 2;
	put_labels(&m, "ns");
	put_ptr(&m, 17);
	put_labels(&m, "noc");
	put_ptr(&m, 17);
	put32(&m, 1);
	put32(&m, 2);
	put32(&m, 3);
	put32(&m, 4);
	put32(&m, 5);
	fix_rdlen(&m, rdl);
	put_opt(&m, 1232, 0x00008000);
	tap_check(parse(&m) == 0 && msg.rcode == NG_DNS_RCODE_NXDOMAIN &&
		  msg.n_ans == 0 && msg.min_ttl == 0 && msg.n_rr == 2 &&
		  (msg.edns_flags & NG_DNS_EDNS_DO) &&
		  !(msg.status & NG_DNS_S_CHAIN_BROKEN), "NXDOMAIN + SOA + DO");
	check_prefixes("NXDOMAIN", m.b, m.n);

	put_hdr(&m, FL_REPLY | NG_DNS_RCODE_SERVFAIL, 1, 0, 0, 0);
	put_q(&m, "broken.example", NG_DNS_T_A);
	tap_check(parse(&m) == 0 && msg.rcode == NG_DNS_RCODE_SERVFAIL &&
		  NG_DNS_RCODE(msg.flags) == 2 && msg.end == m.n, "SERVFAIL");

	/* BADVERS: extended RCODE 1 -> 16; EDNS version 1. */
	put_hdr(&m, FL_REPLY, 1, 0, 0, 1);
	put_q(&m, "v.example", NG_DNS_T_A);
	put_opt(&m, 4096, 0x01018000);
	tap_check(parse(&m) == 0 && msg.rcode == 16 &&
		  msg.edns_ext_rcode == 1 && msg.edns_version == 1 &&
		  (msg.edns_flags & NG_DNS_EDNS_DO), "extended RCODE, version");

	/* Opcode and AA/AD/CD. */
	put_hdr(&m, NG_DNS_FLAG_QR | (5 << 11) | NG_DNS_FLAG_AA |
		NG_DNS_FLAG_AD | NG_DNS_FLAG_CD, 0, 0, 0, 0);
	tap_check(parse(&m) == 0 && NG_DNS_OPCODE(msg.flags) == 5 &&
		  (msg.flags & NG_DNS_FLAG_AA) && (msg.flags & NG_DNS_FLAG_AD) &&
		  (msg.flags & NG_DNS_FLAG_CD) && msg.end == 12,
		  "opcode UPDATE, AA, AD, CD; header only");
}

static void test_tc(void)
{
	struct mb m;

	/* TC=1, 3 answers announced, 1 present: partial, not an error. */
	put_hdr(&m, FL_REPLY | NG_DNS_FLAG_TC, 1, 3, 0, 1);
	put_q(&m, "big.example", NG_DNS_T_A);
	put_ptr(&m, 12);
	put_a(&m, 5, 0x0a0a0a0a);
	tap_check(parse(&m) == 0 && (msg.status & NG_DNS_S_PARTIAL) &&
		  msg.n_a == 1 && (msg.flags & NG_DNS_FLAG_TC),
		  "TC=1 cut at an RR boundary: PARTIAL");
	m.n -= 3;
	tap_check(parse(&m) == -NG_DNS_ETRUNC, "TC=1 cut inside an RR");
	m.n += 3;
	m.b[2] &= ~(NG_DNS_FLAG_TC >> 8);
	tap_check(parse(&m) == -NG_DNS_ECOUNT, "same with TC=0: ECOUNT");

	/* TC=1 and consistent. */
	put_hdr(&m, FL_REPLY | NG_DNS_FLAG_TC, 1, 0, 0, 0);
	put_q(&m, "big.example", NG_DNS_T_A);
	tap_check(parse(&m) == 0 && !(msg.status & NG_DNS_S_PARTIAL),
		  "TC=1 empty reply");
	/* Huge counts with TC=1 on a short message: partial, bounded. */
	m.b[6] = 0xff;
	m.b[7] = 0xff;
	m.b[10] = 0xff;
	tap_check(parse(&m) == 0 && (msg.status & NG_DNS_S_PARTIAL) &&
		  msg.n_rr == 0, "TC=1 with 65535 answers announced");
}

static void test_opt(void)
{
	struct mb m;

	put_hdr(&m, FL_REPLY, 1, 0, 0, 2);
	put_q(&m, "o.example", NG_DNS_T_A);
	put_opt(&m, 1232, 0);
	put_opt(&m, 1232, 0);
	tap_check(parse(&m) == -NG_DNS_EOPT, "two OPT: EOPT");

	put_hdr(&m, FL_REPLY, 1, 1, 0, 0);
	put_q(&m, "o.example", NG_DNS_T_A);
	put_opt(&m, 1232, 0);
	tap_check(parse(&m) == -NG_DNS_EOPT, "OPT in answer: EOPT");
	m.b[9] = 1;
	m.b[7] = 0;
	tap_check(parse(&m) == -NG_DNS_EOPT, "OPT in authority: EOPT");

	put_hdr(&m, FL_REPLY, 1, 0, 0, 1);
	put_q(&m, "o.example", NG_DNS_T_A);
	put_ptr(&m, 12);
	put_rrh(&m, NG_DNS_T_OPT, 1232, 0, 0);
	tap_check(parse(&m) == -NG_DNS_EOPT, "OPT owner not root: EOPT");

	/* OPT with options (cookie) after another additional RR. */
	put_hdr(&m, FL_REPLY, 1, 0, 0, 2);
	put_q(&m, "o.example", NG_DNS_T_A);
	put_ptr(&m, 12);
	put_a(&m, 1, 2);
	put8(&m, 0);
	put_rrh(&m, NG_DNS_T_OPT, 1400, 0x8000, 12);
	put16(&m, 10);
	put16(&m, 8);
	put32(&m, 0x01234567);
	put32(&m, 0x89abcdef);
	tap_check(parse(&m) == 0 && msg.edns_udp_size == 1400 &&
		  msg.n_a == 0 && msg.n_rr == 2 && msg.end == m.n,
		  "OPT with a cookie after glue");
}

/* An uncompressed name of n bytes of wire form (labels of 63 first). */
static void put_long_name(struct mb *m, unsigned int n)
{
	unsigned int left = n - 1, l, i;

	while (left) {
		l = left > 64 ? 63 : left - 1;
		put8(m, l);
		for (i = 0; i < l; i++)
			put8(m, 'a' + i % 26);
		left -= l + 1;
	}
	put8(m, 0);
}

/* A question whose name is n bytes long. */
static void build_long_q(struct mb *m, unsigned int n)
{
	put_hdr(m, FL_REPLY, 1, 0, 0, 0);
	put_long_name(m, n);
	put16(m, NG_DNS_T_A);
	put16(m, NG_DNS_C_IN);
}

static void test_names(void)
{
	struct mb m;
	unsigned int i, off;

	build_long_q(&m, 255);
	tap_check(m.n == 12 + 255 + 4 && parse(&m) == 0 &&
		  msg.qname_len == 255 &&
		  msg.qname_hash == ng_dns_name_hash(m.b + 12, 255),
		  "name of 255 bytes");
	check_prefixes("255-byte name", m.b, m.n);
	build_long_q(&m, 256);
	tap_check(parse(&m) == -NG_DNS_ENAMELEN, "name of 256 bytes: ENAMELEN");

	/* 255 and 256 as an answer owner, compressed across a pointer. */
	for (i = 255; i <= 256; i++) {
		put_hdr(&m, FL_REPLY, 1, 1, 0, 0);
		put_q(&m, "example", NG_DNS_T_A);	/* 9 bytes at 12 */
		off = m.n;
		/* labels for i - 9 bytes, then a pointer to "example" */
		while (m.n - off < i - 9) {
			unsigned int l = i - 9 - (m.n - off) > 64 ? 63 :
					 i - 9 - (m.n - off) - 1;

			put8(&m, l);
			memset(m.b + m.n, 'x', l);
			m.n += l;
		}
		put_ptr(&m, 12);
		put_a(&m, 1, 1);
		tap_check(parse(&m) == (i == 255 ? 0 : -NG_DNS_ENAMELEN),
			  "compressed owner of %u bytes", i);
	}

	/* 255 and 256 as an uncompressed answer owner; a bad label there. */
	for (i = 255; i <= 256; i++) {
		put_hdr(&m, FL_REPLY, 1, 1, 0, 0);
		put_q(&m, "example", NG_DNS_T_A);
		off = m.n;
		put_long_name(&m, i);
		put_a(&m, 1, 1);
		tap_check(parse(&m) == (i == 255 ? 0 : -NG_DNS_ENAMELEN),
			  "uncompressed owner of %u bytes", i);
	}
	m.b[off] = 0x41;
	tap_check(parse(&m) == -NG_DNS_EBADLABEL, "owner label type 0b01");

	/* Labels of 63 and 64. */
	put_hdr(&m, FL_REPLY, 1, 0, 0, 0);
	put8(&m, 63);
	memset(m.b + m.n, 'q', 63);
	m.n += 63;
	put8(&m, 0);
	put16(&m, 1);
	put16(&m, 1);
	tap_check(parse(&m) == 0 && msg.qname_len == 65, "label of 63");
	m.b[12] = 64;
	tap_check(parse(&m) == -NG_DNS_EBADLABEL, "label of 64: EBADLABEL");
	m.b[12] = 0x80;
	tap_check(parse(&m) == -NG_DNS_EBADLABEL, "label type 0b10");

	/* Root name. */
	put_hdr(&m, FL_REPLY, 1, 1, 0, 0);
	put_q(&m, "", NG_DNS_T_NS);
	put_ptr(&m, 12);
	put_rrh(&m, NG_DNS_T_NS, NG_DNS_C_IN, 518400, 0);
	fix_rdlen(&m, m.n - 2);
	put_name(&m, "a.root-servers.net");
	fix_rdlen(&m, m.n - 22);
	tap_check(parse(&m) == 0 && msg.qname_len == 1 && !msg.qname[0] &&
		  msg.qname_hash == ng_dns_name_hash((const u8 *)"", 1) &&
		  msg.n_other == 1 && !(msg.status & NG_DNS_S_CHAIN_BROKEN),
		  "root name");

	/* Upper case: stored lowercase, hashes equal. */
	put_hdr(&m, FL_REPLY, 1, 0, 0, 0);
	put_q(&m, "WwW.ExAmPlE.CoM", NG_DNS_T_A);
	tap_check(parse(&m) == 0 && msg.qname_len == sizeof(wire_www) &&
		  !memcmp(msg.qname, wire_www, sizeof(wire_www)) &&
		  msg.qname_hash == ng_dns_name_hash(wire_www,
						     sizeof(wire_www)) &&
		  msg.qname_hash == ng_dns_name_hash(m.b + 12,
						     sizeof(wire_www)),
		  "uppercase qname: lowercased, same hash");
	tap_check(ng_dns_name_hash(wire_www, sizeof(wire_www)) !=
		  ng_dns_name_hash((const u8 *)"\3www\7example\3org", 17),
		  "different names, different hashes");
	/* Bytes next to the letters (@ [ ` {) are not folded. */
	tap_check(!ng_dns_name_eq((const u8 *)"\1@", 3, (const u8 *)"\1`", 3) &&
		  !ng_dns_name_eq((const u8 *)"\1[", 3, (const u8 *)"\1{", 3) &&
		  ng_dns_name_eq((const u8 *)"\1Z", 3, (const u8 *)"\1z", 3) &&
		  !ng_dns_name_eq((const u8 *)"\1a", 3, (const u8 *)"\1a\0", 4),
		  "name_eq folds only A-Z");
	tap_check(ng_dns_name_in_zone(wire_www, sizeof(wire_www),
				      (const u8 *)"\7EXAMPLE\3com", 13) &&
		  ng_dns_name_in_zone(wire_www, sizeof(wire_www),
				      wire_www, sizeof(wire_www)) &&
		  ng_dns_name_in_zone(wire_www, sizeof(wire_www),
				      (const u8 *)"", 1) &&
		  !ng_dns_name_in_zone(wire_www, sizeof(wire_www),
				       (const u8 *)"\3ple\3com", 9) &&
		  !ng_dns_name_in_zone((const u8 *)"\3com", 5,
				       wire_www, sizeof(wire_www)),
		  "name_in_zone on label boundaries only");
}

/* Reference lowercase, a byte at a time. */
static u8 ref_lc(u8 c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/*
 * Question names of every length, of bytes of every value, ending at
 * every distance from the message end: the word-wise copy, lowercase and
 * hash against a byte-wise reference.
 */
static void test_name_words(void)
{
	unsigned int n, i, l, left, tail, bad = 0;
	u32 seed = 1;
	struct mb m;

	for (n = 1; n <= NG_DNS_MAX_NAME; n++) {
		if (n == 2)
			continue;	/* no name is 2 bytes long */
		for (tail = 0; tail <= 8; tail++) {
			put_hdr(&m, FL_REPLY, 1, 0, 0, 0);
			for (left = n - 1; left; left -= l + 1) {
				seed = seed * 1103515245 + 12345;
				l = 1 + (seed >> 16) % 63;
				if (l > left - 1)
					l = left - 1;
				if (left - l - 1 == 1)	/* can't end on 1 */
					l = l > 1 ? l - 1 : l + 1;
				put8(&m, l);
				for (i = 0; i < l; i++) {
					seed = seed * 1103515245 + 12345;
					put8(&m, seed >> 16);
				}
			}
			put8(&m, 0);
			put16(&m, NG_DNS_T_A);
			put16(&m, NG_DNS_C_IN);
			memset(m.b + m.n, 0, tail);
			m.n += tail;
			if (parse(&m) || msg.qname_len != n ||
			    msg.qname_hash != ng_dns_name_hash(m.b + 12, n)) {
				bad++;
				continue;
			}
			for (i = 0; i < n; i++)
				if (msg.qname[i] != ref_lc(m.b[12 + i]))
					bad++;
		}
	}
	tap_check(!bad, "qnames of 1..255 bytes, all byte values: copy, case, hash");
	tap_check(ng_dns_name_hash((const u8 *)"\2\xc1Z", 4) ==
		  ng_dns_name_hash((const u8 *)"\2\xc1z", 4) &&
		  ng_dns_name_hash((const u8 *)"\2\xc1Z", 4) !=
		  ng_dns_name_hash((const u8 *)"\2\xe1Z", 4),
		  "hash folds A-Z only, not bytes >= 0x80");
}

static void test_pointers(void)
{
	struct mb m;
	unsigned int i, base, hops;

	/* Backward pointer to a suffix: fine (as in the CNAME tests). */
	put_hdr(&m, FL_REPLY, 1, 1, 0, 0);
	put_q(&m, "www.example.com", NG_DNS_T_A);
	put_labels(&m, "mail");
	put_ptr(&m, 16);
	put_a(&m, 1, 1);
	tap_check(parse(&m) == 0 && (msg.status & NG_DNS_S_CHAIN_BROKEN),
		  "backward pointer to a suffix");

	/* Forward pointer. */
	m.b[m.n - 15] = m.n - 10;
	tap_check(parse(&m) == -NG_DNS_EPTR, "forward pointer: EPTR");
	/* Pointer to itself. */
	m.b[m.n - 15] = m.n - 16;
	tap_check(parse(&m) == -NG_DNS_EPTR, "pointer to itself: EPTR");
	/* Pointer into its own name (the "mail" label): a loop. */
	m.b[m.n - 15] = m.n - 21;
	tap_check(parse(&m) == -NG_DNS_EPTR, "pointer into own name: EPTR");
	/* Pointer into the header. */
	m.b[m.n - 15] = 4;
	tap_check(parse(&m) == -NG_DNS_EPTR, "pointer into header: EPTR");
	/* Pointer cut off after its first byte. */
	put_hdr(&m, FL_REPLY, 1, 1, 0, 0);
	put_q(&m, "a", NG_DNS_T_A);
	put8(&m, 0xc0);
	tap_check(parse(&m) == -NG_DNS_ECOUNT, "lone pointer byte");

	/*
	 * A loop a "strictly before the pointer" rule would miss: a name at
	 * X runs forward to a pointer at Y > X that points back to X. Here
	 * the RDATA of an unknown RR holds, at X: label "z", pointer to X;
	 * the answer owner after it points to X.
	 */
	put_hdr(&m, FL_REPLY, 1, 2, 0, 0);
	put_q(&m, "a", NG_DNS_T_A);
	put_ptr(&m, 12);
	put_rrh(&m, 65280, NG_DNS_C_IN, 1, 4);
	base = m.n;
	put_labels(&m, "z");
	put_ptr(&m, base);
	put_ptr(&m, base);
	put_a(&m, 1, 1);
	tap_check(parse(&m) == -NG_DNS_EPTR, "loop through a later pointer");

	/* Chains of k pointers to pointers: 16 allowed, 17 not. */
	for (hops = 16; hops <= 17; hops++) {
		put_hdr(&m, FL_REPLY, 1, 2, 0, 0);
		put_q(&m, "a", NG_DNS_T_A);
		put_ptr(&m, 12);
		put_rrh(&m, 65280, NG_DNS_C_IN, 1, 2 * (hops - 1));
		base = m.n;
		put_ptr(&m, 12);
		for (i = 1; i < hops - 1; i++)
			put_ptr(&m, base + 2 * (i - 1));
		put_ptr(&m, base + 2 * (hops - 2));
		put_a(&m, 1, 1);
		tap_check(parse(&m) == (hops == 16 ? 0 : -NG_DNS_EHOPS),
			  "chain of %u pointers", hops);
		if (hops == 16)
			tap_check(!(msg.status & NG_DNS_S_CHAIN_BROKEN),
				  "pointer chain resolves to the qname");
	}
}

static void test_counts(void)
{
	struct mb m;
	unsigned int i;

	build_a_reply(&m);
	m.b[6] = 0xff;
	m.b[7] = 0xff;
	tap_check(parse(&m) == -NG_DNS_ECOUNT, "ANCOUNT 65535: ECOUNT");
	build_a_reply(&m);
	m.b[4] = 0x80;
	tap_check(parse(&m) == -NG_DNS_ECOUNT, "QDCOUNT 32769: ECOUNT");
	build_a_reply(&m);
	m.b[5] = 2;
	tap_check(parse(&m) == -NG_DNS_ECOUNT, "QDCOUNT 2: ECOUNT");
	build_a_reply(&m);
	m.b[11] = 2;
	tap_check(parse(&m) < 0, "one RR more announced than present");
	tap_check(parse_ex(m.b, 11, &msg, 0) == -NG_DNS_ETRUNC &&
		  parse_ex(m.b, 0, &msg, 0) == -NG_DNS_ETRUNC,
		  "shorter than a header");
	tap_check(ng_dns_parse(m.b, NG_DNS_MAX_MSG + 1, &msg) ==
		  -NG_DNS_EMSGLEN, "above 65535 bytes: EMSGLEN");

	/* 70 A records: 64 walked, 8 kept, CAPPED; OPT beyond is unseen. */
	put_hdr(&m, FL_REPLY, 1, 70, 0, 1);
	put_q(&m, "many.example", NG_DNS_T_A);
	for (i = 0; i < 70; i++) {
		put_ptr(&m, 12);
		put_a(&m, 1000 - i, 0x0a000000 + i);
	}
	put_opt(&m, 1232, 0);
	tap_check(parse(&m) == 0 && (msg.status & NG_DNS_S_CAPPED) &&
		  msg.n_rr == NG_DNS_MAX_RRS && msg.n_a == NG_DNS_MAX_RRS &&
		  !(msg.status & NG_DNS_S_EDNS) &&
		  msg.a_ttl[NG_DNS_MAX_ADDRS - 1] == 1000 - NG_DNS_MAX_ADDRS + 1 &&
		  msg.min_ttl == 1000 - NG_DNS_MAX_RRS + 1, "RR cap");
	/* 10: all walked, 8 kept. */
	m.b[7] = 10;
	m.b[11] = 0;
	tap_check(parse(&m) == 0 && !(msg.status & NG_DNS_S_CAPPED) &&
		  msg.n_a == 10 && msg.min_ttl == 991, "10 A, 8 kept");

	/* TTL with the top bit set counts as 0. */
	build_a_reply(&m);
	m.b[39] = 0x80;
	tap_check(parse(&m) == 0 && msg.a_ttl[0] == 0 && msg.min_ttl == 0,
		  "TTL >= 2^31 is 0");
	/* A with RDLENGTH 5; then class CHAOS (not decoded). */
	build_a_reply(&m);
	m.b[44] = 5;
	m.b[11] = 0;
	m.b[m.n - 11] = 0;		/* drop OPT, keep a byte of RDATA */
	m.n -= 10;
	tap_check(parse(&m) == -NG_DNS_ERDATA, "A of 5 bytes: ERDATA");
	m.b[38] = 3;
	tap_check(parse(&m) == 0 && msg.n_a == 0 && msg.n_other == 1,
		  "A of class CHAOS: other");
}

static void test_scapy(void)
{
	struct ng_dns_msg o1, o2;
	unsigned int i;
	int bad = 0;

	for (i = 0; i < SCAPY_N_MSGS; i++) {
		const u8 *b = scapy_msgs[i].b;
		unsigned int n = scapy_msgs[i].len;

		if (parse_ex(b, n, &o1, 0) || o1.end != n ||
		    (o1.status & NG_DNS_S_CHAIN_BROKEN)) {
			printf("# scapy %s failed\n", scapy_msgs[i].name);
			bad++;
		}
		check_prefixes(scapy_msgs[i].name, b, n);
	}
	tap_check(!bad, "all scapy messages parse, chains intact");

	tap_check(!ng_dns_parse(scapy_cname3_a2_opt,
				sizeof(scapy_cname3_a2_opt), &o1) &&
		  o1.n_cname == 3 && o1.n_a == 2 && o1.min_ttl == 20 &&
		  o1.qname_len == 20, "scapy: 3 CNAME + 2 A");
	tap_check(!ng_dns_parse(scapy_aaaa_teredo, sizeof(scapy_aaaa_teredo),
				&o1) && o1.n_aaaa == 2 &&
		  o1.aaaa[0][0] == 0x20 && o1.aaaa[0][1] == 0x01 &&
		  !o1.aaaa[0][2] && !o1.aaaa[0][3] &&
		  (o1.edns_flags & NG_DNS_EDNS_DO), "scapy: Teredo AAAA, DO");
	tap_check(!ng_dns_parse(scapy_forged_noopt, sizeof(scapy_forged_noopt),
				&o1) && !(o1.status & NG_DNS_S_EDNS) &&
		  (o1.flags & NG_DNS_FLAG_AA) && o1.n_a == 1 &&
		  o1.a_ttl[0] == 186, "scapy: bare forged-style reply");
	tap_check(!ng_dns_parse(scapy_nxdomain_soa_do,
				sizeof(scapy_nxdomain_soa_do), &o1) &&
		  o1.rcode == 3 && o1.nscount == 1, "scapy: NXDOMAIN");
	tap_check(!ng_dns_parse(scapy_mixed_case, sizeof(scapy_mixed_case),
				&o1) &&
		  o1.qname_hash == ng_dns_name_hash(wire_www,
						    sizeof(wire_www)),
		  "scapy: 0x20-mixed case qname hashes as lowercase");
	tap_check(!ng_dns_parse_query(scapy_query_a_do_cookie,
				      sizeof(scapy_query_a_do_cookie), &o1) &&
		  o1.edns_udp_size == 4096 && (o1.edns_flags & NG_DNS_EDNS_DO),
		  "scapy: query with cookie");
	tap_check(!ng_dns_parse(scapy_referral_glue,
				sizeof(scapy_referral_glue), &o1) &&
		  o1.n_ans == 0 && o1.n_rr == 5 && (o1.status & NG_DNS_S_EDNS),
		  "scapy: referral with glue, OPT last");

	/* Deterministic: same input, same output. */
	memset(&o1, 0xaa, sizeof(o1));
	memset(&o2, 0x55, sizeof(o2));
	ng_dns_parse(scapy_cname3_a2_opt, sizeof(scapy_cname3_a2_opt), &o1);
	ng_dns_parse(scapy_cname3_a2_opt, sizeof(scapy_cname3_a2_opt), &o2);
	tap_check(!memcmp(&o1, &o2, offsetof(struct ng_dns_msg, a_ttl)) &&
		  !memcmp(o1.a, o2.a, 8) && !memcmp(o1.qname, o2.qname, 20),
		  "deterministic");
}

/*
 * With NG_DNS_PARSE_NO_QNAME, then ng_dns_parse_qname(), from an exact-size
 * heap copy.
 */
static int parse_no_qname(const u8 *b, unsigned int n, struct ng_dns_msg *out,
			  unsigned int opts)
{
	u8 *c = malloc(n ? n : 1);
	int r;

	memcpy(c, b, n);
	r = ng_dns_parse_ex(c, n, out, opts | NG_DNS_PARSE_NO_QNAME);
	if (!r && !out->qname_hash)
		ng_dns_parse_qname(c, n, out);
	else if (!r)
		r = 1;				/* the hash was stored */
	free(c);
	return r;
}

/*
 * The fast path against the full parser (NG_DNS_PARSE_FULL): the same
 * result and the same message, in both modes; and the question name stored
 * later (NG_DNS_PARSE_NO_QNAME) the same as at once, on both paths. *path
 * gets the path the default parse took (NG_DNS_PATH_*, with opts 0).
 */
static int agree(const u8 *b, unsigned int n, int *path)
{
	static struct ng_dns_msg f, s, q;
	unsigned int opts, full;
	int rf, rs;

	for (opts = 0; opts <= NG_DNS_PARSE_QUERY; opts++) {
		memset(&f, 0xa5, sizeof(f));
		memset(&s, 0x5a, sizeof(s));
		rf = parse_ex(b, n, &f, opts);
		if (path && !opts)
			*path = ng_dns_last_path;
		rs = parse_ex(b, n, &s, opts | NG_DNS_PARSE_FULL);
		if (ng_dns_last_path != NG_DNS_PATH_FULL || rf != rs ||
		    (!rf && !ng_dns_msg_same(&f, &s)))
			return 0;
		for (full = 0; full <= NG_DNS_PARSE_FULL;
		     full += NG_DNS_PARSE_FULL) {
			memset(&q, 0x3c, sizeof(q));
			if (parse_no_qname(b, n, &q, opts | full) != rf ||
			    (!rf && !ng_dns_msg_same(&f, &q)))
				return 0;
		}
	}
	return 1;
}

/* agree() on every prefix and on every byte changed to a few values. */
static unsigned int disagreements(const u8 *b, unsigned int n)
{
	static const u8 vals[] = { 0, 1, 4, 5, 0x0c, 0x10, 0x1c, 0x29, 0x3f,
				   0x40, 0x80, 0xc0, 0xff };
	u8 c[NG_DNS_MAX_NAME * 4];
	unsigned int i, v, bad = 0;

	if (n > sizeof(c))
		return 1;
	for (i = 0; i <= n; i++)
		bad += !agree(b, i, NULL);
	for (i = 0; i < n; i++) {
		memcpy(c, b, n);
		for (v = 0; v < sizeof(vals) + 2; v++) {
			c[i] = v < sizeof(vals) ? vals[v] :
			       v == sizeof(vals) ? b[i] ^ 0x20 : b[i] + 1;
			bad += !agree(c, n, NULL);
		}
	}
	return bad;
}

static void test_fast_path(void)
{
	static const u8 aaaa[16] = { 0x20, 0x01, 0x0d, 0xb8 };
	unsigned int i, bad = 0, fast = 0;
	struct mb m;
	int path;

	/* What the fast path takes whole. */
	build_a_reply(&m);
	tap_check(agree(m.b, m.n, &path) && path == NG_DNS_PATH_FAST,
		  "fast: the typical reply (question, A, OPT)");
	put_hdr(&m, FL_REPLY | NG_DNS_FLAG_AA, 1, 11, 1, 2);
	put_q(&m, "Mixed.Case.Example", NG_DNS_T_A);
	for (i = 0; i < 10; i++) {
		put_ptr(&m, 12);
		put_a(&m, i == 3 ? 0x80000000u : 100 + i, 0x0a000000 + i);
	}
	put_ptr(&m, 12);
	put_rrh(&m, NG_DNS_T_AAAA, NG_DNS_C_IN, 50, 16);
	putbytes(&m, aaaa, 16);
	put_ptr(&m, 12);			/* authority: walked only */
	put_rrh(&m, NG_DNS_T_NS, NG_DNS_C_IN, 10, 2);
	put_ptr(&m, 12);
	put_ptr(&m, 12);			/* additional, before OPT */
	put_rrh(&m, 99, NG_DNS_C_IN, 10, 0);
	put_opt(&m, 4096, 0x01008000);
	tap_check(agree(m.b, m.n, &path) && path == NG_DNS_PATH_FAST &&
		  parse(&m) == 0 && msg.n_a == 10 && msg.n_aaaa == 1 &&
		  msg.a_ttl[3] == 0 && msg.min_ttl == 0 && msg.n_rr == 14 &&
		  msg.rcode == 0x10 && (msg.status & NG_DNS_S_EDNS),
		  "fast: 10 A (8 kept), AAAA, authority, additional, OPT");
	put_hdr(&m, 0, 1, 0, 0, 0);
	put_q(&m, "a.b", NG_DNS_T_A);		/* no whole word after it */
	tap_check(agree(m.b, m.n, &path) && path == NG_DNS_PATH_FAST,
		  "fast: a query without OPT, the name near the end");

	/* The fast path hands the rest of the RRs to the full walk. */
	build_cname(&m, 0);
	tap_check(agree(m.b, m.n, &path) && path == NG_DNS_PATH_WALK,
		  "walk: CNAME chain");
	put_hdr(&m, FL_REPLY, 1, 1, 0, 1);
	put_q(&m, "www.example.com", NG_DNS_T_A);
	put_ptr(&m, 12);
	put_a(&m, 300, 0x5db8d822);
	put_ptr(&m, 12);			/* OPT owned by the qname */
	put_rrh(&m, NG_DNS_T_OPT, 512, 0, 0);
	tap_check(agree(m.b, m.n, &path) && path == NG_DNS_PATH_WALK &&
		  parse(&m) == -NG_DNS_EOPT, "walk: OPT not owned by the root");
	build_a_reply(&m);
	m.b[7] = 2;				/* OPT in the answers */
	m.b[11] = 0;
	tap_check(agree(m.b, m.n, &path) && path == NG_DNS_PATH_WALK &&
		  parse(&m) == -NG_DNS_EOPT, "walk: OPT in the answers, EOPT");
	build_a_reply(&m);
	m.b[11] = 2;
	put_opt(&m, 512, 0);
	tap_check(agree(m.b, m.n, &path) && path == NG_DNS_PATH_WALK &&
		  parse(&m) == -NG_DNS_EOPT, "walk: a second OPT, EOPT");
	build_a_reply(&m);
	m.b[10 + 34] = 5;			/* A of 5 bytes (drop OPT) */
	m.b[11] = 0;
	m.n -= 10;
	tap_check(agree(m.b, m.n, &path) && path == NG_DNS_PATH_WALK &&
		  parse(&m) == -NG_DNS_ERDATA, "walk: A of 5 bytes, ERDATA");
	m.b[38] = 3;
	tap_check(agree(m.b, m.n, &path) && path == NG_DNS_PATH_WALK &&
		  parse(&m) == 0 && msg.n_other == 1, "walk: A of class CH");
	put_hdr(&m, FL_REPLY, 1, 1, 66, 1);	/* A, 66 NS, OPT */
	put_q(&m, "many.example", NG_DNS_T_A);
	put_ptr(&m, 12);
	put_a(&m, 60, 0x0a000001);
	for (i = 0; i < 66; i++) {
		put_ptr(&m, 12);
		put_rrh(&m, NG_DNS_T_NS, NG_DNS_C_IN, 10 + i, 2);
		put_ptr(&m, 12);
	}
	put_opt(&m, 1232, 0);
	tap_check(agree(m.b, m.n, &path) && path == NG_DNS_PATH_WALK &&
		  parse(&m) == 0 && (msg.status & NG_DNS_S_CAPPED) &&
		  msg.n_rr == NG_DNS_MAX_RRS && msg.n_a == 1,
		  "walk: A and 66 NS, capped at 64");
	build_a_reply(&m);
	m.b[2] |= NG_DNS_FLAG_TC >> 8;
	m.b[11] = 3;
	tap_check(agree(m.b, m.n, &path) && path == NG_DNS_PATH_WALK &&
		  parse(&m) == 0 && (msg.status & NG_DNS_S_PARTIAL),
		  "walk: TC, fewer RRs than counted");
	build_a_reply(&m);
	tap_check(agree(m.b, m.n, NULL) &&
		  parse_ex(m.b, m.n, &msg, NG_DNS_PARSE_QUERY) == 0 &&
		  ng_dns_last_path == NG_DNS_PATH_WALK && msg.n_rr == 2,
		  "walk: a query with an answer");

	/* The full parser from the start. */
	put_hdr(&m, FL_REPLY, 0, 0, 0, 1);
	put_opt(&m, 512, 0);
	tap_check(agree(m.b, m.n, &path) && path == NG_DNS_PATH_FULL &&
		  parse(&m) == 0, "full: no question");
	build_a_reply(&m);
	m.b[11] = 9;
	tap_check(agree(m.b, m.n, &path) && path == NG_DNS_PATH_FULL &&
		  parse(&m) == -NG_DNS_ECOUNT, "full: counts too big, ECOUNT");
	put_hdr(&m, 0, 1, 0, 0, 0);
	for (i = 0; i < 4; i++)
		put_labels(&m, "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijk");
	put8(&m, 0);
	put16(&m, 1);
	put16(&m, 1);
	tap_check(agree(m.b, m.n, &path) && path == NG_DNS_PATH_FULL &&
		  parse(&m) == -NG_DNS_ENAMELEN, "full: a 257-byte name");
	m.b[12 + 64 * 3] = 61;			/* 255 bytes: fits */
	memmove(m.b + 12 + 64 * 3 + 62, m.b + 12 + 64 * 4, 5);
	m.n -= 2;
	tap_check(agree(m.b, m.n, &path) && path == NG_DNS_PATH_FAST &&
		  parse(&m) == 0 && msg.qname_len == 255,
		  "fast: a 255-byte name");
	build_a_reply(&m);
	m.b[12] = 0xc0;
	tap_check(agree(m.b, m.n, &path) && path == NG_DNS_PATH_FULL &&
		  parse(&m) == -NG_DNS_EPTR, "full: a pointer in the qname");

	/* Every message, every prefix, every byte changed. */
	for (i = 0; i < SCAPY_N_MSGS; i++) {
		if (agree(scapy_msgs[i].b, scapy_msgs[i].len, &path) &&
		    path == NG_DNS_PATH_FAST)
			fast++;
		bad += disagreements(scapy_msgs[i].b, scapy_msgs[i].len);
	}
	build_cname(&m, 3);
	bad += disagreements(m.b, m.n);
	tap_check(!bad, "fast path and full parser agree, NO_QNAME too, on %u messages, their prefixes and mutations (%u disagree)",
		  SCAPY_N_MSGS + 1, bad);
	tap_check(fast >= 4, "the fast path takes %u of the %u scapy messages whole",
		  fast, SCAPY_N_MSGS);
}

int main(void)
{
	test_a_reply();
	test_query();
	test_aaaa();
	test_cname();
	test_rcodes();
	test_tc();
	test_opt();
	test_names();
	test_name_words();
	test_pointers();
	test_counts();
	test_scapy();
	test_fast_path();
	return tap_done();
}
