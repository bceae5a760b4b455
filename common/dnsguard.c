// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * nfgate: judging DNS replies. The contract is dnsguard.h.
 */

#include "dnsguard.h"
#include "dns.h"

#ifndef __KERNEL__
#define noinline __attribute_noinline__
#endif

/* @ttl is more than @slack outside the range of the learned TTLs. */
static bool ng_dnsg_ttl_off(const struct ng_dnsg_baseline *b, u8 ttl,
			    u8 slack)
{
	return ttl + slack < b->ttl_lo || ttl > b->ttl_hi + slack;
}

/*
 * The range of the ring's TTLs after ttl[pos] went from @old to @new, the
 * ring holding @n samples before: the old range widened to @new, unless
 * @old was one of its ends and is gone, which takes a look at them all.
 */
static noinline void ng_dnsg_ttl_range(struct ng_dnsg_baseline *b,
				       unsigned int n, u8 old, u8 new)
{
	unsigned int lo = 255, hi = 0, i;

	if (!n) {
		b->ttl_lo = new;
		b->ttl_hi = new;
		return;
	}
	if (n < NG_DNSG_RING || old == new ||
	    (old > b->ttl_lo && old < b->ttl_hi)) {
		if (new < b->ttl_lo)
			b->ttl_lo = new;
		if (new > b->ttl_hi)
			b->ttl_hi = new;
		return;
	}
	for (i = 0; i < NG_DNSG_RING; i++) {
		if (b->ttl[i] < lo)
			lo = b->ttl[i];
		if (b->ttl[i] > hi)
			hi = b->ttl[i];
	}
	b->ttl_lo = lo;
	b->ttl_hi = hi;
}

/*
 * All recent clean replies agreed on a bit (@bits under @mask, not 0), and
 * @now differs from them.
 */
static bool ng_dnsg_off_unanimous(u8 bits, u8 mask, bool now)
{
	return (bits & mask) == (now ? 0 : mask);
}

u32 ng_dnsg_signals(const struct ng_dnsg_cfg *cfg,
		    const struct ng_dnsg_baseline *b,
		    const struct ng_dnsg_reply *r)
{
	const struct ng_dns_msg *m = r->m;
	u8 mask = (u8)((1u << b->n) - 1);
	u32 sig = 0, min;

	if (r->in_set)
		sig |= NFGATE_DNS_SIG_ADDR;
	if (r->query_edns && !(m->status & NG_DNS_S_EDNS))
		sig |= NFGATE_DNS_SIG_SHAPE;
	if (b->n >= NG_DNSG_MIN_SAMPLES) {
		if (ng_dnsg_ttl_off(b, r->ip_ttl, cfg->ttl_slack))
			sig |= NFGATE_DNS_SIG_TTL;
		if (r->ip_len <= NG_DNSG_DF_MAX_LEN &&
		    ng_dnsg_off_unanimous(b->df_bits, mask, r->df))
			sig |= NFGATE_DNS_SIG_IPHDR;
		if ((m->flags & NG_DNS_FLAG_AA) && !b->aa_seen)
			sig |= NFGATE_DNS_SIG_SHAPE;
	}
	if (cfg->fast_pct && r->rtt_us != NG_DNSG_RTT_UNKNOWN &&
	    b->rtt_n >= NG_DNSG_MIN_SAMPLES) {
		min = b->rtt_min_us[0] < b->rtt_min_us[1] ? b->rtt_min_us[0] :
							    b->rtt_min_us[1];
		if ((u64)r->rtt_us * 100 < (u64)min * cfg->fast_pct)
			sig |= NFGATE_DNS_SIG_FAST;
	}
	return sig;
}

bool ng_dnsg_learnable(u32 signals, const struct ng_dnsg_reply *r)
{
	u32 rest = signals & ~(NFGATE_DNS_SIG_TTL | NFGATE_DNS_SIG_IPHDR |
			       NFGATE_DNS_SIG_FAST);

	/* SHAPE without the OPT rule firing: it was the AA rule. */
	if (rest == NFGATE_DNS_SIG_SHAPE &&
	    !(r->query_edns && !(r->m->status & NG_DNS_S_EDNS)))
		rest = 0;
	return !rest;
}

enum nfgate_dns_verdict ng_dnsg_verdict(const struct ng_dnsg_cfg *cfg,
					u32 signals)
{
	if (!signals)
		return NFGATE_DNS_V_PASS;
	if (signals & NFGATE_DNS_SIG_ADDR)
		return NFGATE_DNS_V_DROP;
	if (cfg->drop_score &&
	    ng_dnsg_nsig(signals) >= cfg->drop_score)
		return NFGATE_DNS_V_DROP;
	return NFGATE_DNS_V_HOLD;
}

static void ng_dnsg_learn_rtt(struct ng_dnsg_baseline *b, u32 rtt_us,
			      u64 now_ms)
{
	u32 w = (u32)(now_ms / NG_DNSG_RTT_WINDOW_MS);

	if (rtt_us == NG_DNSG_RTT_UNKNOWN)
		return;
	if (!b->rtt_n) {
		b->rtt_min_us[0] = rtt_us;
		b->rtt_min_us[1] = rtt_us;
	} else if (w != b->rtt_window) {
		/* A new window; the last one is kept unless it is stale. */
		b->rtt_min_us[1] = w == b->rtt_window + 1 ? b->rtt_min_us[0] :
							   rtt_us;
		b->rtt_min_us[0] = rtt_us;
	} else if (rtt_us < b->rtt_min_us[0]) {
		b->rtt_min_us[0] = rtt_us;
	}
	b->rtt_window = w;
	if (b->rtt_n < 255)
		b->rtt_n++;
}

void ng_dnsg_learn(struct ng_dnsg_baseline *b, u8 ip_ttl, bool df, bool aa,
		   u16 ip_len, u32 rtt_us, u64 now_ms)
{
	unsigned int pos, n;
	u8 old, keep;

	ng_dnsg_learn_rtt(b, rtt_us, now_ms);
	pos = b->pos;
	n = b->n;
	old = b->ttl[pos];
	keep = (u8)~(1u << pos);
	/* A big reply's DF says nothing: it keeps the previous sample's. */
	if (ip_len > NG_DNSG_DF_MAX_LEN && n)
		df = b->df_bits >> ((pos + NG_DNSG_RING - 1) % NG_DNSG_RING) & 1;
	b->df_bits = (b->df_bits & keep) | df << pos;
	b->aa_bits = (b->aa_bits & keep) | aa << pos;
	b->aa_seen |= aa;
	b->pos = (pos + 1) % NG_DNSG_RING;
	if (n < NG_DNSG_RING)
		b->n = n + 1;
	b->ttl[pos] = ip_ttl;
	/* The same TTL in place of the same TTL leaves the range as it is. */
	if (old != ip_ttl || n < NG_DNSG_RING)
		ng_dnsg_ttl_range(b, n, old, ip_ttl);
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
	unsigned int i, j, na = m->n_a, n6 = m->n_aaaa;
	u32 h = 0, w;

	for (i = 0; i < na && i < NG_DNS_MAX_ADDRS; i++)
		h += ng_dnsg_mix((__force u32)m->a[i] ^ 0x41414141u);
	for (i = 0; i < n6 && i < NG_DNS_MAX_ADDRS; i++) {
		w = 0x36363636u;
		for (j = 0; j < 16; j += 4)
			w = ng_dnsg_mix(w ^ (u32)(m->aaaa[i][j] |
						  m->aaaa[i][j + 1] << 8 |
						  m->aaaa[i][j + 2] << 16 |
						  (u32)m->aaaa[i][j + 3] << 24));
		h += w;
	}
	return ng_dnsg_mix(h ^ m->rcode ^ na << 12 ^ n6 << 20);
}
