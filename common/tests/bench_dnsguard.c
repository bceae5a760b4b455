// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The DNS reply check of one reply, in a loop, for instruction counts:
 *
 *   valgrind --tool=callgrind ./bench_dnsguard a_opt 1000000 FORGED_FILE
 *
 * then read the inclusive cost of ng_bench_dnsguard_check() per call from
 * callgrind's output (tools/bench/callgrind.sh does this), or use
 * --toggle-collect=ng_bench_dnsguard_check and divide "Collected" by the
 * count (make bench in this directory).
 *
 * ng_bench_dnsguard_check() is the shared code kmod/dns.c runs on a reply,
 * in the same order, without the kernel's parts (the query table, the
 * resolver's slot, the lock, the counters, the skb):
 *
 *   ng_dns_parse_ex()          the reply, its question name checked but
 *                              not stored (NG_DNS_PARSE_NO_QNAME), as
 *                              nfgate_dns_reply() parses it; the module
 *                              stores the name (ng_dns_parse_qname()) only
 *                              when a report may follow: signals, or
 *                              another reply to the query seen already
 *   ng_dnsg_answer_hash()      its answers' summary (nfgate_dns_fp_init)
 *   ng_addrset_contains()      each A answer in the forged set, each AAAA
 *                              against the IPv6 prefixes (nfgate_dns_in_set)
 *   ng_dnsg_signals()          against a resolver baseline that has seen
 *                              enough clean replies for every signal to be
 *                              computed
 *   ng_dnsg_verdict()
 *   ng_dnsg_learn()            a clean reply is learned into the baseline
 *
 * The message is one of dns_scapy_msgs.h, by name (a_opt: one question, one
 * A, OPT, what the bench's resolver sends). The forged set is loaded from
 * FORGED_FILE (data/forged.txt: one IPv4 address or IPv6 prefix a line, '#'
 * comments), into a table sized as kmod/forged.c sizes it. The module seeds
 * the table's hash at random, and how far a lookup probes depends on the
 * seed: the loop goes round NSETS copies of the set under as many seeds.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../addrset.h"
#include "../dns.h"
#include "../dnsguard.h"
#include "dns_scapy_msgs.h"

#define MAX4	65536
#define MAX6	256

#define NSETS	16	/* the same set under as many hash seeds */

static __be32 v4[MAX4];
static unsigned int n4;
static struct { u8 addr[16]; u8 len; } p6[MAX6];
static unsigned int n6;
static struct ng_addrset sets[NSETS];
static const struct ng_addrset *set;

static int load(const char *path)
{
	char line[256], *s, *slash;
	FILE *f = fopen(path, "r");
	struct in_addr a;

	if (!f) {
		perror(path);
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		s = line + strspn(line, " \t");
		s[strcspn(s, " \t\r\n#")] = 0;
		if (!*s)
			continue;
		if (inet_pton(AF_INET, s, &a) == 1) {
			if (n4 < MAX4)
				v4[n4++] = a.s_addr;
			continue;
		}
		slash = strchr(s, '/');
		if (slash)
			*slash = 0;
		if (n6 < MAX6 && inet_pton(AF_INET6, s, p6[n6].addr) == 1) {
			p6[n6].len = slash ? atoi(slash + 1) : 128;
			n6++;
			continue;
		}
		fprintf(stderr, "%s: not an entry: %s\n", path, s);
		fclose(f);
		return -1;
	}
	fclose(f);
	return 0;
}

static bool in_set(const struct ng_dns_msg *m)
{
	unsigned int i, j, n;

	n = m->n_a < NG_DNS_MAX_ADDRS ? m->n_a : NG_DNS_MAX_ADDRS;
	for (i = 0; i < n; i++)
		if (ng_addrset_contains(set, m->a[i]))
			return true;
	n = m->n_aaaa < NG_DNS_MAX_ADDRS ? m->n_aaaa : NG_DNS_MAX_ADDRS;
	for (i = 0; i < n; i++)
		for (j = 0; j < n6; j++)
			if (ng_prefix6_match(p6[j].addr, p6[j].len, m->aaaa[i]))
				return true;
	return false;
}

static const struct ng_dnsg_cfg cfg = {
	.ttl_slack = 2, .fast_pct = 50, .drop_score = 3,	/* defaults */
};
static struct ng_dnsg_baseline base;
static struct ng_dns_msg msg;

/* One reply, as kmod/dns.c judges it. Returns the verdict and signals. */
__attribute__((noinline))
u32 ng_bench_dnsguard_check(const u8 *pkt, unsigned int len, u64 now_ms);
u32 ng_bench_dnsguard_check(const u8 *pkt, unsigned int len, u64 now_ms)
{
	struct ng_dnsg_reply r = {
		.ip_ttl = 57, .df = true, .ip_len = (u16)(len + 28),
		.query_edns = true, .rtt_us = 2000, .m = &msg,
	};
	u32 ahash, sig, v;

	if (ng_dns_parse_ex(pkt, len, &msg, NG_DNS_PARSE_NO_QNAME) ||
	    !(msg.flags & NG_DNS_FLAG_QR))
		return ~0u;
	ahash = ng_dnsg_answer_hash(&msg);
	r.in_set = in_set(&msg);
	sig = ng_dnsg_signals(&cfg, &base, &r);
	if (sig)	/* for the reports (the module: or passed, or held) */
		ng_dns_parse_qname(pkt, len, &msg);
	v = ng_dnsg_verdict(&cfg, sig);
	if (!sig)
		ng_dnsg_learn(&base, r.ip_ttl, r.df,
			      msg.flags & NG_DNS_FLAG_AA, r.ip_len, r.rtt_us,
			      now_ms);
	return v << 16 ^ sig ^ (ahash & 0xff00);
}

int main(int argc, char **argv)
{
	const char *name = argc > 1 ? argv[1] : "a_opt";
	unsigned long i, n = argc > 2 ? strtoul(argv[2], NULL, 0) : 1000000;
	const char *file = argc > 3 ? argv[3] : "../../data/forged.txt";
	unsigned int k, k2, verdicts[4] = { 0 };
	u32 r = 0;

	for (k = 0; k < SCAPY_N_MSGS; k++)
		if (!strcmp(scapy_msgs[k].name, name))
			break;
	if (k == SCAPY_N_MSGS) {
		fprintf(stderr, "bench_dnsguard: no message %s\n", name);
		return 2;
	}
	if (load(file))
		return 2;
	for (k2 = 0; k2 < NSETS; k2++) {
		struct ng_addrset *s = &sets[k2];

		s->mask = ng_addrset_slots(n4) - 1;
		s->seed = 0x9e3779b9u * (k2 + 1);
		s->slot = calloc(s->mask + 1, sizeof(*s->slot));
		if (!s->slot)
			return 2;
		for (i = 0; i < n4; i++)
			ng_addrset_add(s, v4[i]);
	}
	/* A resolver seen long enough for every signal to be computed. */
	for (i = 0; i < NG_DNSG_RING; i++)
		ng_dnsg_learn(&base, 57, true, false, 88, 2000, i);

	for (i = 0; i < n; i++) {
		set = &sets[i % NSETS];
		r = ng_bench_dnsguard_check(scapy_msgs[k].b, scapy_msgs[k].len,
					    1000 + i / 1000);
		if (r == ~0u)
			return 1;
		verdicts[(r >> 16) & 3]++;
	}
	printf("%s: %lu checks, %u bytes, forged set %u IPv4 (%u slots) %u IPv6; verdicts pass %u drop %u hold %u (last signals 0x%x)\n",
	       name, n, scapy_msgs[k].len, sets[0].n, sets[0].mask + 1, n6,
	       verdicts[NFGATE_DNS_V_PASS], verdicts[NFGATE_DNS_V_DROP],
	       verdicts[NFGATE_DNS_V_HOLD], r & 0xff);
	return 0;
}
