// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Fuzz target for common/dns.c.
 *
 * With clang, a libFuzzer target (-fsanitize=fuzzer,address,undefined).
 * Built with driver.c instead (gcc or clang, ASan + UBSan), a plain program
 * replaying the files or directories given as arguments (driver.h).
 *
 * Besides the sanitizers, each input checks invariants: the result is
 * deterministic, in both modes, and the fast path's is the full parser's
 * (NG_DNS_PARSE_FULL: the same error, or the same message), as is the
 * question name stored later (NG_DNS_PARSE_NO_QNAME, ng_dns_parse_qname());
 * on success the counts and lengths are within their bounds, the qname is
 * well-formed wire form, the lowercased bytes after the header, and its
 * hash is ng_dns_name_hash() of it, the end lies inside the message, and
 * the stored addresses are the bytes of the message.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../dns.h"
#include "driver.h"
#include "../tests/dns_same.h"

/* Where the scalar members end (see struct ng_dns_msg). */
#define SCALARS offsetof(struct ng_dns_msg, a_ttl)

static int contains(const u8 *p, size_t n, const u8 *x, size_t xn)
{
	size_t i;

	for (i = 0; i + xn <= n; i++)
		if (!memcmp(p + i, x, xn))
			return 1;
	return 0;
}

static void check(const u8 *p, size_t n, unsigned int opts)
{
	static struct ng_dns_msg m1, m2, mf;
	unsigned int i, l, kept;
	int r1, r2, rf;

	memset(&m1, 0xa5, sizeof(m1));
	memset(&m2, 0x5a, sizeof(m2));
	memset(&mf, 0x3c, sizeof(mf));
	r1 = ng_dns_parse_ex(p, n, &m1, opts);
	r2 = ng_dns_parse_ex(p, n, &m2, opts);
	CHECK(r1 == r2);
	/* The fast path says what the full parser says. */
	rf = ng_dns_parse_ex(p, n, &mf, opts | NG_DNS_PARSE_FULL);
	CHECK(r1 == rf);
	if (!r1)
		CHECK(ng_dns_msg_same(&m1, &mf));
	/* The question name stored later is the one stored at once. */
	memset(&mf, 0x3c, sizeof(mf));
	rf = ng_dns_parse_ex(p, n, &mf, opts | NG_DNS_PARSE_NO_QNAME);
	CHECK(r1 == rf);
	if (!r1) {
		CHECK(!mf.qname_hash);
		ng_dns_parse_qname(p, n, &mf);
		CHECK(ng_dns_msg_same(&m1, &mf));
	}
	CHECK(r1 <= 0 && r1 >= -NG_DNS_EOPT);
	if (r1)
		return;
	CHECK(!memcmp(&m1, &m2, SCALARS));
	CHECK(n >= NG_DNS_HDR_LEN && n <= NG_DNS_MAX_MSG);
	CHECK(m1.end >= NG_DNS_HDR_LEN && m1.end <= n);
	CHECK(m1.qdcount <= 1);
	CHECK(m1.n_rr <= NG_DNS_MAX_RRS);
	CHECK(m1.n_rr <= m1.ancount + m1.nscount + m1.arcount);
	CHECK(m1.n_ans <= m1.ancount && m1.n_ans <= m1.n_rr);
	CHECK(m1.n_a + m1.n_aaaa + m1.n_cname + m1.n_other == m1.n_ans);
	if (!m1.n_ans)
		CHECK(!m1.min_ttl);
	CHECK(m1.min_ttl <= 0x7fffffff);
	CHECK((m1.rcode & 0xf) == NG_DNS_RCODE(m1.flags));
	CHECK((m1.rcode >> 4) == m1.edns_ext_rcode);
	CHECK(m1.id == (p[0] << 8 | p[1]));
	if (!(m1.status & NG_DNS_S_EDNS))
		CHECK(!m1.edns_udp_size && !m1.edns_flags &&
		      !m1.edns_version && !m1.edns_ext_rcode);
	if (m1.status & (NG_DNS_S_PARTIAL | NG_DNS_S_CAPPED))
		CHECK(m1.n_rr < m1.ancount + m1.nscount + m1.arcount);
	if (m1.status & NG_DNS_S_PARTIAL)
		CHECK((m1.flags & NG_DNS_FLAG_TC) && m1.end == n);
	if (m1.status & NG_DNS_S_CAPPED)
		CHECK(m1.n_rr == NG_DNS_MAX_RRS);
	if (opts & NG_DNS_PARSE_QUERY)
		CHECK(!m1.n_ans && (m1.status & NG_DNS_S_QUERY_ONLY));

	/* The question: well-formed lowercase wire form, hashed. */
	if (!m1.qdcount) {
		CHECK(!m1.qname_len && !m1.qtype && !m1.qclass);
	} else {
		CHECK(m1.qname_len >= 1 && m1.qname_len <= NG_DNS_MAX_NAME);
		for (i = 0; i < m1.qname_len; i += l + 1) {
			l = m1.qname[i];
			CHECK(l < 64);
			CHECK((i + l + 1 == m1.qname_len) == !l);
			CHECK(i + l < m1.qname_len);
		}
		/* It is the lowercased bytes after the header. */
		for (i = 0; i < m1.qname_len; i++) {
			u8 c = p[NG_DNS_HDR_LEN + i];

			CHECK(m1.qname[i] ==
			      (c >= 'A' && c <= 'Z' ? c + 32 : c));
		}
		CHECK(!memcmp(m1.qname, m2.qname, m1.qname_len));
		CHECK(m1.qname_hash ==
		      ng_dns_name_hash(m1.qname, m1.qname_len));
		CHECK(ng_dns_name_eq(m1.qname, m1.qname_len,
				     m2.qname, m2.qname_len));
		CHECK(ng_dns_name_in_zone(m1.qname, m1.qname_len,
					  (const u8 *)"", 1));
		CHECK(ng_dns_name_in_zone(m1.qname, m1.qname_len,
					  m1.qname, m1.qname_len));
	}

	/* Stored addresses come from the message. */
	kept = m1.n_a < NG_DNS_MAX_ADDRS ? m1.n_a : NG_DNS_MAX_ADDRS;
	for (i = 0; i < kept; i++) {
		CHECK(contains(p, n, (const u8 *)&m1.a[i], 4));
		CHECK(m1.a_ttl[i] == m2.a_ttl[i] && m1.a[i] == m2.a[i]);
		CHECK(m1.a_ttl[i] >= m1.min_ttl);
	}
	kept = m1.n_aaaa < NG_DNS_MAX_ADDRS ? m1.n_aaaa : NG_DNS_MAX_ADDRS;
	for (i = 0; i < kept; i++) {
		CHECK(contains(p, n, m1.aaaa[i], 16));
		CHECK(!memcmp(m1.aaaa[i], m2.aaaa[i], 16));
		CHECK(m1.aaaa_ttl[i] >= m1.min_ttl);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ng_dns_msg m;
	int r, rq;

	if (size > NG_DNS_MAX_MSG + 1)
		size = NG_DNS_MAX_MSG + 1;
	check(data, size, 0);
	check(data, size, NG_DNS_PARSE_QUERY);

	/*
	 * Query mode accepts what full mode accepts, except for
	 * answer-RDATA errors that it does not look at.
	 */
	r = ng_dns_parse(data, size, &m);
	rq = ng_dns_parse_query(data, size, &m);
	if (!r)
		CHECK(!rq);
	return 0;
}
