// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * nfgate: judging DNS replies. The contract is dnsguard.h.
 */

#include "dnsguard.h"
#include "dns.h"

static bool ng_dnsg_ttl_off(const struct ng_dnsg_baseline *b, u8 ttl,
			    u8 slack)
{
	unsigned int lo = 255, hi = 0, i;

	for (i = 0; i < b->n; i++) {
		if (b->ttl[i] < lo)
			lo = b->ttl[i];
		if (b->ttl[i] > hi)
			hi = b->ttl[i];
	}
	return ttl + slack < lo || ttl > hi + slack;
}

static u32 ng_dnsg_min_rtt(const struct ng_dnsg_baseline *b,
			   unsigned int *samples)
{
	u32 min = NG_DNSG_RTT_UNKNOWN;
	unsigned int i, n = 0;

	for (i = 0; i < b->n; i++) {
		if (b->rtt_us[i] == NG_DNSG_RTT_UNKNOWN)
			continue;
		n++;
		if (b->rtt_us[i] < min)
			min = b->rtt_us[i];
	}
	*samples = n;
	return min;
}

u32 ng_dnsg_signals(const struct ng_dnsg_cfg *cfg,
		    const struct ng_dnsg_baseline *b,
		    const struct ng_dnsg_reply *r)
{
	const struct ng_dns_msg *m = r->m;
	u8 mask = (u8)((1u << b->n) - 1);
	unsigned int rtt_n;
	u32 sig = 0, min;

	if (r->in_set)
		sig |= NFGATE_DNS_SIG_ADDR;
	if (r->query_edns && !(m->status & NG_DNS_S_EDNS))
		sig |= NFGATE_DNS_SIG_SHAPE;
	/* AA from a resolver none of whose recent clean replies had it. */
	if ((m->flags & NG_DNS_FLAG_AA) && !(b->aa_bits & mask))
		sig |= NFGATE_DNS_SIG_SHAPE;
	if (b->n >= NG_DNSG_MIN_SAMPLES) {
		if (ng_dnsg_ttl_off(b, r->ip_ttl, cfg->ttl_slack))
			sig |= NFGATE_DNS_SIG_TTL;
		/* DF: only when every recent clean reply agreed. */
		if ((b->df_bits & mask) == mask ? !r->df :
		    (b->df_bits & mask) == 0 ? r->df : false)
			sig |= NFGATE_DNS_SIG_IPHDR;
	}
	if (cfg->fast_pct && r->rtt_us != NG_DNSG_RTT_UNKNOWN) {
		min = ng_dnsg_min_rtt(b, &rtt_n);
		if (rtt_n >= NG_DNSG_MIN_SAMPLES &&
		    (u64)r->rtt_us * 100 < (u64)min * cfg->fast_pct)
			sig |= NFGATE_DNS_SIG_FAST;
	}
	return sig;
}

enum nfgate_dns_verdict ng_dnsg_verdict(const struct ng_dnsg_cfg *cfg,
					u32 signals)
{
	if (signals & NFGATE_DNS_SIG_ADDR)
		return NFGATE_DNS_V_DROP;
	if (cfg->drop_score &&
	    ng_dnsg_nsig(signals) >= cfg->drop_score)
		return NFGATE_DNS_V_DROP;
	return signals ? NFGATE_DNS_V_HOLD : NFGATE_DNS_V_PASS;
}

void ng_dnsg_learn(struct ng_dnsg_baseline *b, u8 ip_ttl, bool df, bool aa,
		   u32 rtt_us)
{
	u8 bit = (u8)(1u << b->pos);

	b->ttl[b->pos] = ip_ttl;
	b->rtt_us[b->pos] = rtt_us;
	b->df_bits = df ? b->df_bits | bit : b->df_bits & (u8)~bit;
	b->aa_bits = aa ? b->aa_bits | bit : b->aa_bits & (u8)~bit;
	b->pos = (b->pos + 1) % NG_DNSG_RING;
	if (b->n < NG_DNSG_RING)
		b->n++;
}

/* A 32-bit mix (murmur3's finaliser): order-free sums need spread inputs. */
static u32 ng_dnsg_mix(u32 h)
{
	h ^= h >> 16;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	h *= 0xc2b2ae35u;
	h ^= h >> 16;
	return h;
}

u32 ng_dnsg_answer_hash(const struct ng_dns_msg *m)
{
	unsigned int i, j, na, n6;
	u32 h = 0, w;

	na = m->n_a < NG_DNS_MAX_ADDRS ? m->n_a : NG_DNS_MAX_ADDRS;
	n6 = m->n_aaaa < NG_DNS_MAX_ADDRS ? m->n_aaaa : NG_DNS_MAX_ADDRS;
	for (i = 0; i < na; i++)
		h += ng_dnsg_mix((__force u32)m->a[i] ^ 0x41414141u);
	for (i = 0; i < n6; i++) {
		w = 0x36363636u;
		for (j = 0; j < 16; j += 4)
			w = ng_dnsg_mix(w ^ (u32)(m->aaaa[i][j] |
						  m->aaaa[i][j + 1] << 8 |
						  m->aaaa[i][j + 2] << 16 |
						  (u32)m->aaaa[i][j + 3] << 24));
		h += w;
	}
	return ng_dnsg_mix(h ^ m->rcode ^ (u32)m->n_a << 12 ^
			   (u32)m->n_aaaa << 20);
}
