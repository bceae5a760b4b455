// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Host unit tests for common/dnsguard.c and common/addrset.c: the signals
 * and verdicts the module takes on DNS replies, and the forged-address set.
 */
#include <arpa/inet.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "../addrset.h"
#include "../dns.h"
#include "../dnsguard.h"
#include "dns_scapy_msgs.h"
#include "tap.h"

static const struct ng_dnsg_cfg cfg = {
	.ttl_slack = 2, .fast_pct = 50, .drop_score = 3,
};

static struct ng_dns_msg msg_a_opt, msg_noopt;

/* A baseline of @n clean replies: TTL @ttl, DF set, no AA, RTT @rtt_us. */
static void base(struct ng_dnsg_baseline *b, unsigned int n, u8 ttl, u32 rtt)
{
	memset(b, 0, sizeof(*b));
	while (n--)
		ng_dnsg_learn(b, ttl, true, false, 100, rtt, 0);
}

static struct ng_dnsg_reply reply(const struct ng_dns_msg *m, u8 ttl, bool df,
				  bool edns_q, u32 rtt)
{
	struct ng_dnsg_reply r = {
		.ip_ttl = ttl, .df = df, .ip_len = 100, .query_edns = edns_q,
		.in_set = false,
		.rtt_us = rtt, .m = m,
	};

	return r;
}

static void test_signals(void)
{
	struct ng_dnsg_baseline b;
	struct ng_dnsg_reply r;
	struct ng_dns_msg aa;

	/* No baseline: only what needs none. */
	base(&b, 0, 0, 0);
	r = reply(&msg_a_opt, 50, true, true, 100000);
	tap_check(ng_dnsg_signals(&cfg, &b, &r) == 0,
		  "genuine reply, no baseline: no signal");
	r = reply(&msg_noopt, 50, true, true, 100000);
	tap_check(ng_dnsg_signals(&cfg, &b, &r) == NFGATE_DNS_SIG_SHAPE,
		  "EDNS query, reply without OPT: SHAPE");
	r = reply(&msg_noopt, 50, true, false, 100000);
	tap_check(ng_dnsg_signals(&cfg, &b, &r) == 0,
		  "plain query, reply without OPT: no signal");
	aa = msg_a_opt;
	aa.flags |= NG_DNS_FLAG_AA;
	r = reply(&aa, 50, true, true, 100000);
	tap_check(ng_dnsg_signals(&cfg, &b, &r) == 0,
		  "AA, no baseline yet: no signal");
	base(&b, 3, 50, 100000);
	tap_check(ng_dnsg_signals(&cfg, &b, &r) == NFGATE_DNS_SIG_SHAPE,
		  "AA from a resolver that never sets it: SHAPE");
	ng_dnsg_learn(&b, 50, true, true, 100, 100000, 0);
	tap_check(ng_dnsg_signals(&cfg, &b, &r) == 0,
		  "AA from a resolver with AA in its history: no signal");
	for (int i = 0; i < NG_DNSG_RING; i++)
		ng_dnsg_learn(&b, 50, true, true, 100, 100000, 0);
	r = reply(&msg_a_opt, 50, true, true, 100000);
	tap_check(ng_dnsg_signals(&cfg, &b, &r) == 0,
		  "no AA from a resolver that always set it: no signal (NXDOMAIN, forwarded)");
	for (int i = 0; i < NG_DNSG_RING; i++)
		ng_dnsg_learn(&b, 50, true, false, 100, 100000, 0);
	r = reply(&aa, 50, true, true, 100000);
	tap_check(ng_dnsg_signals(&cfg, &b, &r) == 0,
		  "AA after %d replies without: no signal, the resolver set it before",
		  NG_DNSG_RING);
	base(&b, 3, 50, 100000);
	r = reply(&aa, 50, true, true, 100000);
	tap_check(ng_dnsg_learnable(ng_dnsg_signals(&cfg, &b, &r), &r),
		  "a first AA, held and not contradicted, is learnable");
	r = reply(&msg_noopt, 50, true, true, 100000);
	tap_check(!ng_dnsg_learnable(ng_dnsg_signals(&cfg, &b, &r), &r),
		  "a missing OPT is not");
	r = reply(&msg_a_opt, 70, false, true, 10);
	tap_check(ng_dnsg_learnable(ng_dnsg_signals(&cfg, &b, &r), &r),
		  "TTL, DF and RTT changed together (a new path) are");
	r.in_set = true;
	tap_check(!ng_dnsg_learnable(ng_dnsg_signals(&cfg, &b, &r), &r),
		  "an answer in the set never is");
	base(&b, 0, 0, 0);

	/* With a baseline: TTL 50 +- 2, DF, RTT >= 100 ms. */
	base(&b, 3, 50, 100000);
	r = reply(&msg_a_opt, 52, true, true, 100000);
	tap_check(ng_dnsg_signals(&cfg, &b, &r) == 0, "TTL inside the slack");
	r = reply(&msg_a_opt, 53, true, true, 100000);
	tap_check(ng_dnsg_signals(&cfg, &b, &r) == NFGATE_DNS_SIG_TTL,
		  "TTL 3 above the baseline: TTL");
	r = reply(&msg_a_opt, 47, true, true, 100000);
	tap_check(ng_dnsg_signals(&cfg, &b, &r) == NFGATE_DNS_SIG_TTL,
		  "TTL 3 below the baseline: TTL");
	r = reply(&msg_a_opt, 50, false, true, 100000);
	tap_check(ng_dnsg_signals(&cfg, &b, &r) == NFGATE_DNS_SIG_IPHDR,
		  "no DF from a resolver that always sets it: IPHDR");
	r.ip_len = 1500;
	tap_check(ng_dnsg_signals(&cfg, &b, &r) == 0,
		  "... unless the reply is big (fragmented): no signal");
	ng_dnsg_learn(&b, 50, false, false, 1500, 100000, 0);
	r.ip_len = 100;
	tap_check(ng_dnsg_signals(&cfg, &b, &r) == NFGATE_DNS_SIG_IPHDR,
		  "a big reply without DF does not teach the baseline");
	r = reply(&msg_a_opt, 50, true, true, 49999);
	tap_check(ng_dnsg_signals(&cfg, &b, &r) == NFGATE_DNS_SIG_FAST,
		  "under half the minimum RTT: FAST");
	r = reply(&msg_a_opt, 50, true, true, 50000);
	tap_check(ng_dnsg_signals(&cfg, &b, &r) == 0,
		  "half the minimum RTT exactly: not FAST");
	r = reply(&msg_a_opt, 50, true, true, NG_DNSG_RTT_UNKNOWN);
	tap_check(ng_dnsg_signals(&cfg, &b, &r) == 0, "RTT unknown: not FAST");
	r = reply(&msg_noopt, 200, false, true, 1000);
	r.in_set = true;
	tap_check(ng_dnsg_signals(&cfg, &b, &r) ==
		  (NFGATE_DNS_SIG_ADDR | NFGATE_DNS_SIG_SHAPE |
		   NFGATE_DNS_SIG_TTL | NFGATE_DNS_SIG_IPHDR |
		   NFGATE_DNS_SIG_FAST),
		  "the classic injector: every signal but DISAGREE");

	/* Two samples are not a baseline yet. */
	base(&b, 2, 50, 100000);
	r = reply(&msg_a_opt, 200, false, true, 10);
	tap_check(ng_dnsg_signals(&cfg, &b, &r) == 0,
		  "below NG_DNSG_MIN_SAMPLES: TTL, DF and RTT not judged");

	/* A mixed DF history judges nothing. */
	base(&b, 3, 50, 100000);
	ng_dnsg_learn(&b, 50, false, false, 100, 100000, 0);
	r = reply(&msg_a_opt, 50, false, true, 100000);
	tap_check(!(ng_dnsg_signals(&cfg, &b, &r) & NFGATE_DNS_SIG_IPHDR),
		  "mixed DF history: no IPHDR");

	/* RTT: a windowed minimum, not the last samples. */
	base(&b, 3, 50, 100000);
	for (int i = 0; i < 50; i++)
		ng_dnsg_learn(&b, 50, true, false, 100, 900000, 1000);
	r = reply(&msg_a_opt, 50, true, true, 230000);
	tap_check(ng_dnsg_signals(&cfg, &b, &r) == 0,
		  "a burst of slow replies (900 ms) does not make 230 ms FAST");
	r = reply(&msg_a_opt, 50, true, true, 40000);
	tap_check(ng_dnsg_signals(&cfg, &b, &r) == NFGATE_DNS_SIG_FAST,
		  "... 40 ms still is (min 100 ms)");
	ng_dnsg_learn(&b, 50, true, false, 100, 300000, 61000);
	tap_check(ng_dnsg_signals(&cfg, &b, &r) == NFGATE_DNS_SIG_FAST,
		  "next window: the last window's minimum still counts");
	ng_dnsg_learn(&b, 50, true, false, 100, 300000, 121000);
	r = reply(&msg_a_opt, 50, true, true, 140000);
	tap_check(ng_dnsg_signals(&cfg, &b, &r) == NFGATE_DNS_SIG_FAST,
		  "two windows later the resolver is 300 ms away: 140 ms is FAST");
	ng_dnsg_learn(&b, 50, true, false, 100, 300000, 600000);
	r = reply(&msg_a_opt, 50, true, true, 160000);
	tap_check(ng_dnsg_signals(&cfg, &b, &r) == 0,
		  "after a gap the old minimum is gone: 160 ms is not FAST");

	/* The ring forgets: a new TTL replaces the old after RING samples. */
	base(&b, NG_DNSG_RING, 50, 100000);
	for (int i = 0; i < NG_DNSG_RING; i++)
		ng_dnsg_learn(&b, 60, true, false, 100, 100000, 0);
	r = reply(&msg_a_opt, 50, true, true, 100000);
	tap_check(ng_dnsg_signals(&cfg, &b, &r) == NFGATE_DNS_SIG_TTL,
		  "after %d samples at TTL 60, TTL 50 is off", NG_DNSG_RING);
	r = reply(&msg_a_opt, 60, true, true, 100000);
	tap_check(ng_dnsg_signals(&cfg, &b, &r) == 0, "... and TTL 60 is in");
}

static void test_verdicts(void)
{
	struct ng_dnsg_cfg c = cfg;

	tap_check(ng_dnsg_verdict(&c, 0) == NFGATE_DNS_V_PASS, "clean: PASS");
	tap_check(ng_dnsg_verdict(&c, NFGATE_DNS_SIG_ADDR) == NFGATE_DNS_V_DROP,
		  "ADDR alone: DROP");
	tap_check(ng_dnsg_verdict(&c, NFGATE_DNS_SIG_TTL) == NFGATE_DNS_V_HOLD,
		  "one weak signal: HOLD");
	tap_check(ng_dnsg_verdict(&c, NFGATE_DNS_SIG_TTL |
				  NFGATE_DNS_SIG_SHAPE) == NFGATE_DNS_V_HOLD,
		  "two weak signals: HOLD");
	tap_check(ng_dnsg_verdict(&c, NFGATE_DNS_SIG_TTL | NFGATE_DNS_SIG_SHAPE |
				  NFGATE_DNS_SIG_FAST) == NFGATE_DNS_V_DROP,
		  "three (drop_score): DROP");
	c.drop_score = 0;
	tap_check(ng_dnsg_verdict(&c, 0x3e) == NFGATE_DNS_V_HOLD,
		  "drop_score 0: any count only holds");
	tap_check(ng_dnsg_prefer_new(NFGATE_DNS_SIG_TTL, 0),
		  "clean newcomer beats a held suspect");
	tap_check(ng_dnsg_prefer_new(NFGATE_DNS_SIG_TTL, NFGATE_DNS_SIG_FAST),
		  "tie: the later reply wins");
	tap_check(!ng_dnsg_prefer_new(NFGATE_DNS_SIG_TTL,
				      NFGATE_DNS_SIG_FAST | NFGATE_DNS_SIG_SHAPE),
		  "more signals: the held one stays");
	tap_check(ng_dnsg_nsig(0x3f) == 6 && ng_dnsg_nsig(0) == 0, "nsig");
}

static void test_answer_hash(void)
{
	struct ng_dns_msg a, b;

	memset(&a, 0, sizeof(a));
	a.n_a = 2;
	a.a[0] = htonl(0x01020304);
	a.a[1] = htonl(0x05060708);
	b = a;
	b.a[0] = a.a[1];
	b.a[1] = a.a[0];
	tap_check(ng_dnsg_answer_hash(&a) == ng_dnsg_answer_hash(&b),
		  "answer hash ignores record order");
	b.a[1] = htonl(0x05060709);
	tap_check(ng_dnsg_answer_hash(&a) != ng_dnsg_answer_hash(&b),
		  "another address: another hash");
	b = a;
	b.rcode = NG_DNS_RCODE_NXDOMAIN;
	tap_check(ng_dnsg_answer_hash(&a) != ng_dnsg_answer_hash(&b),
		  "another rcode: another hash");
	b = a;
	b.n_a = 1;
	tap_check(ng_dnsg_answer_hash(&a) != ng_dnsg_answer_hash(&b),
		  "a subset: another hash");
	tap_check(ng_dnsg_answer_hash(&msg_a_opt) ==
		  ng_dnsg_answer_hash(&msg_a_opt), "stable");
}

static void test_addrset(void)
{
	static __be32 slot[1 << 13];
	struct ng_addrset s = { .seed = 0x12345678, .slot = slot };
	u8 teredo[16] = { 0x20, 0x01, 0, 0, 0xde, 0xad };
	u8 p[16] = { 0x20, 0x01 };
	u32 i, misses = 0;

	s.mask = ng_addrset_slots(2000) - 1;
	tap_check(s.mask + 1 == 4096, "2000 members: 4096 slots");
	tap_check(ng_addrset_slots(0) == 16, "at least 16 slots");
	tap_check(!ng_addrset_contains(&s, htonl(1)), "empty set");
	for (i = 1; i <= 2000; i++)
		ng_addrset_add(&s, htonl(i * 2654435761u));
	tap_check(s.n == 2000, "2000 added");
	tap_check(ng_addrset_add(&s, htonl(2654435761u)) == 0 && s.n == 2000,
		  "adding a member again changes nothing");
	for (i = 1; i <= 2000; i++)
		misses += !ng_addrset_contains(&s, htonl(i * 2654435761u));
	tap_check(misses == 0, "every member found");
	misses = 0;
	for (i = 1; i <= 100000; i++)
		misses += ng_addrset_contains(&s, htonl(i * 2654435761u + 1));
	tap_check(misses == 0, "no false member in 100000 others");
	tap_check(!ng_addrset_contains(&s, 0), "0.0.0.0 is never a member");
	tap_check(ng_prefix6_match(p, 32, teredo), "Teredo address in 2001::/32");
	teredo[7] = 1;
	tap_check(ng_prefix6_match(p, 32, teredo), "... any 2001:0:x");
	teredo[1] = 2;
	tap_check(!ng_prefix6_match(p, 32, teredo), "2002:: is not");
	tap_check(ng_prefix6_match(p, 0, teredo), "/0 matches all");
	tap_check(ng_prefix6_match(p, 14, teredo), "/14: 2001 and 2002 agree");
	tap_check(!ng_prefix6_match(p, 15, teredo), "/15: they don't");
	tap_check(!ng_prefix6_match(p, 129, teredo), "length 129 never matches");
}

int main(void)
{
	tap_check(ng_dns_parse(scapy_a_opt, sizeof(scapy_a_opt), &msg_a_opt) == 0,
		  "parse a genuine reply (A, OPT)");
	tap_check(ng_dns_parse(scapy_forged_noopt, sizeof(scapy_forged_noopt),
			       &msg_noopt) == 0,
		  "parse a forged-style reply (lone A, no OPT)");
	msg_noopt.flags &= ~NG_DNS_FLAG_AA;	/* that one has AA: not here */
	test_signals();
	test_verdicts();
	test_answer_hash();
	test_addrset();
	return tap_done();
}
