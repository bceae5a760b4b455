// SPDX-License-Identifier: GPL-2.0
/*
 * nfgate: the DNS reply check.
 *
 * Queries are seen leaving (FORWARD for the LAN, LOCAL_OUT for the router's
 * own resolver): their ID, whether they carried EDNS and when they left go
 * into a bounded query table keyed by the query's conntrack tuple (client
 * address and port, resolver address) and its DNS ID. Replies are judged
 * where they arrive, on an uplink, by the last PRE_ROUTING hook: after
 * conntrack and after the NAT core has de-NATed them, so a reply held here
 * and released later needs nothing but the rest of the input path
 * (state->okfn, ip_rcv_finish) to reach its client. The judging itself is
 * common/dnsguard.c; the held replies are dnshold.c; the forged-address set
 * is forged.c.
 *
 * Memory: the query table (NFGATE_DNSQ_SLOTS entries), the resolver
 * baselines (NFGATE_DNS_RESOLVERS) and the held replies (HOLD_MAX, and
 * NFGATE_DNS_HOLD_BYTES of packet memory) are bounded and allocated when
 * the check is first configured. One spinlock per namespace guards them:
 * DNS is a small share of a router's packets, and it keeps the state
 * machine of a query (passed, held, superseded) simple to reason about.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ip.h>
#include <linux/jhash.h>
#include <linux/netfilter.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/udp.h>
#include <net/ip.h>
#include <net/netfilter/nf_conntrack.h>
#include <net/netlink.h>

#include "nfgate.h"
#include "dns.h"
#include "dnsguard.h"

struct nfgate_dns_scratch __percpu *nfgate_dns_scratch;

int __init nfgate_dns_init(void)
{
	nfgate_dns_scratch = alloc_percpu(struct nfgate_dns_scratch);
	return nfgate_dns_scratch ? 0 : -ENOMEM;
}

void nfgate_dns_exit(void)
{
	free_percpu(nfgate_dns_scratch);
}

static const struct nfgate_dns_conf nfgate_dns_defaults = {
	.mode = NFGATE_DNS_OFF,
	.mode_router = NFGATE_DNS_INHERIT,
	.expire_drop = false,
	.hold_ms = NFGATE_DNS_DEFAULT_HOLD_MS,
	.hold_max = NFGATE_DNS_DEFAULT_HOLD_MAX,
	.hold_per_client = NFGATE_DNS_DEFAULT_HOLD_PER_CLIENT,
	.g = {
		.ttl_slack = NFGATE_DNS_DEFAULT_TTL_SLACK,
		.fast_pct = NFGATE_DNS_DEFAULT_FAST_PCT,
		.drop_score = NFGATE_DNS_DEFAULT_DROP_SCORE,
	},
};

/* Under nn->lock: the namespace's DNS state, allocated on first use. */
static struct nfgate_dns *nfgate_dns_get(struct nfgate_net *nn)
{
	struct nfgate_dns *dns = rcu_dereference_protected(nn->dns,
						lockdep_is_held(&nn->lock));

	if (dns)
		return dns;
	dns = kvzalloc(sizeof(*dns), GFP_KERNEL);
	if (!dns)
		return NULL;
	dns->nn = nn;
	dns->c = nfgate_dns_defaults;
	spin_lock_init(&dns->lock);
	INIT_LIST_HEAD(&dns->held);
	timer_setup(&dns->timer, nfgate_dns_timer, 0);
	ratelimit_state_init(&dns->event_rs, HZ, NFGATE_DNS_EVENTS_PER_SEC);
	ratelimit_set_flags(&dns->event_rs, RATELIMIT_MSG_ON_RELEASE);
	dns->seed = get_random_u32();
	rcu_assign_pointer(nn->dns, dns);
	return dns;
}

/* Namespace exit, after the hooks are gone: no packet can reach it. */
void nfgate_dns_free(struct nfgate_net *nn)
{
	struct nfgate_dns *dns = rcu_dereference_protected(nn->dns, true);

	if (!dns)
		return;
	nfgate_dns_hold_shutdown(nn, dns);
	RCU_INIT_POINTER(nn->dns, NULL);
	kvfree(dns);
}

u8 nfgate_dns_eff_mode(const struct nfgate_dns *dns, bool router)
{
	u8 mode = READ_ONCE(dns->c.mode_router);

	return router && mode != NFGATE_DNS_INHERIT ? mode :
						      READ_ONCE(dns->c.mode);
}

/* --- The query table. --- */

static u32 nfgate_dnsq_hash(const struct nfgate_dns *dns, __be32 client,
			    __be16 cport, __be32 resolver, u16 id)
{
	return jhash_3words((__force u32)client, (__force u32)resolver,
			    (__force u32)cport << 16 | id, dns->seed);
}

static bool nfgate_dnsq_is(const struct nfgate_dnsq *q, __be32 client,
			   __be16 cport, __be32 resolver, u16 id)
{
	return q->used && q->client == client && q->cport == cport &&
	       q->resolver == resolver && q->id == id;
}

/* Under dns->lock. */
static struct nfgate_dnsq *nfgate_dnsq_find(struct nfgate_dns *dns,
					    __be32 client, __be16 cport,
					    __be32 resolver, u16 id)
{
	u32 h = nfgate_dnsq_hash(dns, client, cport, resolver, id);
	struct nfgate_dnsq *q;
	unsigned int i;

	for (i = 0; i < NFGATE_DNSQ_PROBE; i++) {
		q = &dns->q[(h + i) & (NFGATE_DNSQ_SLOTS - 1)];
		if (nfgate_dnsq_is(q, client, cport, resolver, id))
			return q;
	}
	return NULL;
}

/*
 * Under dns->lock: the entry of a query leaving now. A retransmission (same
 * client, port, resolver and ID) keeps the first copy's time, so the reply
 * to the first copy does not look fast. A slot is taken from, in order of
 * preference: an unused one, the oldest without a held reply.
 */
static struct nfgate_dnsq *nfgate_dnsq_add(struct nfgate_dns *dns,
					   __be32 client, __be16 cport,
					   __be32 resolver, u16 id, u64 now)
{
	u32 h = nfgate_dnsq_hash(dns, client, cport, resolver, id);
	struct nfgate_dnsq *q, *victim = NULL;
	unsigned int i;

	for (i = 0; i < NFGATE_DNSQ_PROBE; i++) {
		q = &dns->q[(h + i) & (NFGATE_DNSQ_SLOTS - 1)];
		if (nfgate_dnsq_is(q, client, cport, resolver, id)) {
			if (now - q->sent_ns < NFGATE_DNSQ_LIFE_NS || q->held)
				return q;
			victim = q;	/* an old query that reused the ID */
			break;
		}
		if (!q->used) {
			victim = q;
			break;
		}
		if (!q->held && (!victim || q->sent_ns < victim->sent_ns))
			victim = q;
	}
	if (!victim)
		return NULL;
	if (!victim->used)
		dns->n_queries++;
	memset(victim, 0, sizeof(*victim));
	victim->used = true;
	victim->client = client;
	victim->cport = cport;
	victim->resolver = resolver;
	victim->id = id;
	victim->sent_ns = now;
	return victim;
}

/*
 * A DNS message over UDP, from port 53 (@reply) or to it: the payload's
 * offset and length, or false.
 */
static bool nfgate_dns_udp(struct sk_buff *skb, bool reply,
			   unsigned int *off, unsigned int *len)
{
	const struct iphdr *iph = ip_hdr(skb);
	const struct udphdr *uh;
	struct udphdr _uh;
	unsigned int thoff, ulen;

	if (iph->protocol != IPPROTO_UDP || ip_is_fragment(iph) ||
	    skb_is_gso(skb))
		return false;
	thoff = skb_network_offset(skb) + ip_hdrlen(skb);
	uh = skb_header_pointer(skb, thoff, sizeof(_uh), &_uh);
	if (!uh || (reply ? uh->source : uh->dest) != htons(53))
		return false;
	ulen = ntohs(uh->len);
	if (ulen < sizeof(*uh) + NG_DNS_HDR_LEN || thoff + ulen > skb->len)
		return false;
	*off = thoff + sizeof(*uh);
	*len = ulen - sizeof(*uh);
	return true;
}

/*
 * The DNS message of @skb (UDP from or to port 53) and its length (*@lenp),
 * in the linear area or copied to @buf (NFGATE_DNS_BUF bytes). A reply
 * bigger than @buf is linearized first (@linearize). NULL if it is not a
 * DNS message.
 */
static const u8 *nfgate_dns_msg(struct sk_buff *skb, bool reply,
				bool linearize, u8 *buf, unsigned int *lenp)
{
	unsigned int off, len;

	if (!nfgate_dns_udp(skb, reply, &off, &len))
		return NULL;
	*lenp = len;
	if (len <= NFGATE_DNS_BUF)
		return skb_header_pointer(skb, off, len, buf);
	if (linearize && !skb_linearize(skb))
		return skb->data + off;
	return NULL;
}

/*
 * Parse the DNS message of @skb into @m (nfgate_dns_msg()). False if it is
 * not a DNS message or does not parse.
 */
static bool nfgate_dns_parse(struct sk_buff *skb, bool reply, bool linearize,
			     struct ng_dns_msg *m, u8 *buf)
{
	unsigned int len;
	const u8 *p;

	p = nfgate_dns_msg(skb, reply, linearize, buf, &len);
	if (!p)
		return false;
	if (reply)
		return !ng_dns_parse(p, len, m) && (m->flags & NG_DNS_FLAG_QR);
	return !ng_dns_parse_query(p, len, m) && !(m->flags & NG_DNS_FLAG_QR) &&
	       m->qdcount == 1;
}

/* A held reply, parsed again to report it. */
bool nfgate_dns_parse_skb(struct sk_buff *skb, struct ng_dns_msg *m, u8 *buf)
{
	return nfgate_dns_parse(skb, true, false, m, buf);
}

/* FORWARD (@router false) and LOCAL_OUT (@router true): a query leaving. */
void nfgate_dns_query(struct nfgate_net *nn, struct sk_buff *skb, bool router)
{
	struct nfgate_dns *dns = rcu_dereference(nn->dns);
	const struct nf_conntrack_tuple *t;
	struct nfgate_dns_scratch *sc;
	enum ip_conntrack_info ctinfo;
	struct nfgate_dnsq *q;
	struct nf_conn *ct;

	if (!dns || nfgate_dns_eff_mode(dns, router) == NFGATE_DNS_OFF)
		return;
	ct = nf_ct_get(skb, &ctinfo);
	if (!ct || CTINFO2DIR(ctinfo) != IP_CT_DIR_ORIGINAL)
		return;
	t = &ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple;
	if (t->dst.protonum != IPPROTO_UDP || t->dst.u.udp.port != htons(53))
		return;

	local_bh_disable();
	sc = this_cpu_ptr(nfgate_dns_scratch);
	if (!nfgate_dns_parse(skb, false, false, &sc->m[0], sc->buf))
		goto out;
	spin_lock(&dns->lock);
	q = nfgate_dnsq_add(dns, t->src.u3.ip, t->src.u.udp.port,
			    t->dst.u3.ip, sc->m[0].id, ktime_get_ns());
	if (q) {
		q->router = router;
		q->edns = !!(sc->m[0].status & NG_DNS_S_EDNS);
	}
	spin_unlock(&dns->lock);
	nfgate_stat_inc(nn, NFGATE_STAT_DNS_QUERIES);
out:
	local_bh_enable();
}

/* --- Resolver baselines. --- */

static struct ng_dnsg_baseline *nfgate_dns_baseline(struct nfgate_dns *dns,
						    __be32 addr)
{
	u32 h = jhash_1word((__force u32)addr, dns->seed);
	struct nfgate_dns_resolver *r, *victim = NULL;
	unsigned int i;

	for (i = 0; i < NFGATE_DNS_RES_PROBE; i++) {
		r = &dns->res[(h + i) & (NFGATE_DNS_RESOLVERS - 1)];
		if (r->addr == addr) {
			r->used = jiffies;
			return &r->b;
		}
		if (!victim || !r->addr ||
		    (victim->addr && time_before(r->used, victim->used)))
			victim = r;
	}
	if (!victim->addr)
		dns->n_resolvers++;
	memset(victim, 0, sizeof(*victim));
	victim->addr = addr;
	victim->used = jiffies;
	return &victim->b;
}

/* --- Judging a reply. --- */

static bool nfgate_dns_in_set(struct nfgate_net *nn, const struct ng_dns_msg *m)
{
	const struct nfgate_forged *f = rcu_dereference(nn->forged);
	unsigned int i, j, n;

	if (!f)
		return false;
	n = min_t(unsigned int, m->n_a, NG_DNS_MAX_ADDRS);
	for (i = 0; i < n; i++)
		if (ng_addrset_contains(&f->v4, m->a[i]))
			return true;
	n = min_t(unsigned int, m->n_aaaa, NG_DNS_MAX_ADDRS);
	for (i = 0; i < n; i++)
		for (j = 0; j < f->n6; j++)
			if (ng_prefix6_match(f->p6[j].addr, f->p6[j].len,
					     m->aaaa[i]))
				return true;
	return false;
}

void nfgate_dns_count_signals(struct nfgate_net *nn, u32 sig)
{
	static const u8 stat[NFGATE_DNS_SIG_COUNT] = {
		NFGATE_STAT_DNS_SIG_ADDR, NFGATE_STAT_DNS_SIG_TTL,
		NFGATE_STAT_DNS_SIG_SHAPE, NFGATE_STAT_DNS_SIG_FAST,
		NFGATE_STAT_DNS_SIG_DISAGREE, NFGATE_STAT_DNS_SIG_IPHDR,
	};
	unsigned int i;

	for (i = 0; i < NFGATE_DNS_SIG_COUNT; i++)
		if (sig & (1u << i))
			nfgate_stat_inc(nn, stat[i]);
}

void nfgate_dns_fp_init(struct nfgate_dns_fp *fp, const struct sk_buff *skb,
			const struct ng_dns_msg *m)
{
	const struct iphdr *iph = ip_hdr(skb);

	memset(fp, 0, sizeof(*fp));
	fp->ahash = ng_dnsg_answer_hash(m);
	fp->ttl = iph->ttl;
	fp->df = !!(iph->frag_off & htons(IP_DF));
	fp->ipid = ntohs(iph->id);
	fp->len = ntohs(iph->tot_len);
	fp->flags = m->flags;
	fp->n_a = min_t(u8, m->n_a, NFGATE_DNSQ_ANS);
	memcpy(fp->a, m->a, fp->n_a * sizeof(fp->a[0]));
}

/* Remember what the reply passed to the client said. */
void nfgate_dnsq_passed(struct nfgate_dnsq *q, const struct nfgate_dns_fp *fp,
			u64 when)
{
	q->passed = true;
	q->p = *fp;
	q->p_ns = when;
}

void nfgate_dns_report(struct nfgate_net *nn, struct nfgate_dns *dns,
		       const struct nfgate_dns_report *rep)
{
	if (__ratelimit(&dns->event_rs))
		nfgate_notify_dns_reply(nn, rep);
}

static void nfgate_dns_report_seen(struct nfgate_net *nn,
				   struct nfgate_dns *dns,
				   const struct nfgate_dnsq *q,
				   const struct nfgate_dns_seen *s, u8 verdict)
{
	struct nfgate_dns_report rep = {
		.verdict = verdict,
		.resolver = q->resolver,
		.client = q->client,
		.ifindex = s->ifindex,
		.m = s->m,
		.fp = &s->fp,
	};

	nfgate_dns_report(nn, dns, &rep);
}

/* The reply that passed earlier is contradicted by @s, arriving after it. */
static void nfgate_dns_report_late(struct nfgate_net *nn,
				   struct nfgate_dns *dns,
				   const struct nfgate_dnsq *q,
				   const struct nfgate_dns_seen *s)
{
	struct nfgate_dns_fp fp = q->p;
	struct nfgate_dns_report rep = {
		.verdict = NFGATE_DNS_V_LATE,
		.resolver = q->resolver,
		.client = q->client,
		.ifindex = s->ifindex,
		.m = s->m,		/* the question; the answers are q's */
		.no_answers = true,
		.fp = &fp,
		.lead_us = div_u64(s->now - q->p_ns, NSEC_PER_USEC),
	};

	fp.sig |= NFGATE_DNS_SIG_DISAGREE;
	nfgate_dns_report(nn, dns, &rep);
}

/*
 * The last PRE_ROUTING hook, for packets from an uplink: a DNS reply is
 * judged, and passed, dropped or held (NF_STOLEN).
 */
unsigned int nfgate_dns_reply(struct nfgate_net *nn, struct sk_buff *skb,
			      const struct nf_hook_state *state)
{
	struct nfgate_dns *dns = rcu_dereference(nn->dns);
	const struct nf_conntrack_tuple *t;
	unsigned int ret = NF_ACCEPT;
	struct nfgate_dns_scratch *sc;
	struct ng_dnsg_baseline *b;
	enum ip_conntrack_info ctinfo;
	struct nfgate_dns_seen s;
	struct ng_dnsg_reply r;
	struct nfgate_dnsq *q;
	struct nf_conn *ct;
	unsigned int len;
	const u8 *p;
	u8 mode, v;

	if (!dns || (READ_ONCE(dns->c.mode) == NFGATE_DNS_OFF &&
		     READ_ONCE(dns->c.mode_router) == NFGATE_DNS_INHERIT))
		return NF_ACCEPT;
	ct = nf_ct_get(skb, &ctinfo);
	if (!ct || CTINFO2DIR(ctinfo) != IP_CT_DIR_REPLY)
		return NF_ACCEPT;
	t = &ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple;
	if (t->dst.protonum != IPPROTO_UDP || t->dst.u.udp.port != htons(53))
		return NF_ACCEPT;

	local_bh_disable();
	sc = this_cpu_ptr(nfgate_dns_scratch);
	nfgate_stat_inc(nn, NFGATE_STAT_DNS_REPLIES);
	/* The question name is checked, and stored below if need be. */
	p = nfgate_dns_msg(skb, true, true, sc->buf, &len);
	if (!p || ng_dns_parse_ex(p, len, &sc->m[0], NG_DNS_PARSE_NO_QNAME) ||
	    !(sc->m[0].flags & NG_DNS_FLAG_QR)) {
		nfgate_stat_inc(nn, NFGATE_STAT_DNS_MALFORMED);
		goto out;
	}
	s.m = &sc->m[0];
	nfgate_dns_fp_init(&s.fp, skb, s.m);
	s.now = ktime_get_ns();
	s.ifindex = state->in->ifindex;

	spin_lock(&dns->lock);
	q = nfgate_dnsq_find(dns, t->src.u3.ip, t->src.u.udp.port,
			     t->dst.u3.ip, s.m->id);
	if (!q) {
		spin_unlock(&dns->lock);
		nfgate_stat_inc(nn, NFGATE_STAT_DNS_NO_QUERY);
		goto out;
	}
	mode = nfgate_dns_eff_mode(dns, q->router);
	if (mode == NFGATE_DNS_OFF) {
		spin_unlock(&dns->lock);
		goto out;
	}

	r.ip_ttl = s.fp.ttl;
	r.df = s.fp.df;
	r.ip_len = s.fp.len;
	r.query_edns = q->edns;
	r.in_set = nfgate_dns_in_set(nn, s.m);
	r.rtt_us = min_t(u64, div_u64(s.now - q->sent_ns, NSEC_PER_USEC),
			 NG_DNSG_RTT_UNKNOWN - 1);
	r.m = s.m;
	b = nfgate_dns_baseline(dns, q->resolver);
	s.fp.sig = ng_dnsg_signals(&dns->c.g, b, &r);
	/*
	 * The question name is for the reports, which only a reply with
	 * signals or a second reply to a query can get: stored for those,
	 * while p still holds this reply (a held one is parsed into sc->buf).
	 */
	if (s.fp.sig || q->passed || q->held)
		ng_dns_parse_qname(p, len, &sc->m[0]);

	if (q->passed) {
		/*
		 * A reply went to the client already. One that disagrees
		 * with it and looks worse is the forgery, useless to the
		 * client: dropped in drop mode. Otherwise the one that
		 * went first is the suspect (injectors lead): reported
		 * LATE, so its answers can be learned.
		 */
		if (q->p.ahash != s.fp.ahash) {
			if (ng_dnsg_nsig(s.fp.sig) > ng_dnsg_nsig(q->p.sig)) {
				s.fp.sig |= NFGATE_DNS_SIG_DISAGREE;
				nfgate_dns_report_seen(nn, dns, q, &s,
						       mode == NFGATE_DNS_DROP ?
						       NFGATE_DNS_V_DROP :
						       NFGATE_DNS_V_LOGGED);
				if (mode == NFGATE_DNS_DROP)
					ret = NF_DROP;
			} else {
				nfgate_stat_inc(nn, NFGATE_STAT_DNS_LATE);
				nfgate_dns_report_late(nn, dns, q, &s);
			}
		}
		nfgate_dns_count_signals(nn, s.fp.sig);
		if (mode == NFGATE_DNS_DROP && (s.fp.sig & NFGATE_DNS_SIG_ADDR))
			ret = NF_DROP;
		goto out_unlock;
	}

	if (mode == NFGATE_DNS_LOG) {
		nfgate_dns_count_signals(nn, s.fp.sig);
		if (s.fp.sig) {
			nfgate_stat_inc(nn, NFGATE_STAT_DNS_LOGGED);
			nfgate_dns_report_seen(nn, dns, q, &s,
					       NFGATE_DNS_V_LOGGED);
		} else {
			ng_dnsg_learn(b, r.ip_ttl, r.df,
				      s.m->flags & NG_DNS_FLAG_AA, r.ip_len,
				      r.rtt_us,
				      div_u64(s.now, NSEC_PER_MSEC));
		}
		nfgate_dnsq_passed(q, &s.fp, s.now);
		goto out_unlock;
	}

	if (q->held) {
		/* Counts its own verdicts. */
		ret = nfgate_dns_hold_contest(nn, dns, q, skb, state, &s, b, &r);
		spin_unlock(&dns->lock);
		goto out;
	}

	nfgate_dns_count_signals(nn, s.fp.sig);
	v = ng_dnsg_verdict(&dns->c.g, s.fp.sig);
	if (v == NFGATE_DNS_V_HOLD) {
		ret = nfgate_dns_hold(nn, dns, q, skb, state, &s, r.rtt_us,
				      ng_dnsg_learnable(s.fp.sig, &r),
				      jiffies +
				      msecs_to_jiffies(dns->c.hold_ms));
		if (ret == NF_STOLEN) {
			spin_unlock(&dns->lock);
			goto out;
		}
	}
	if (v == NFGATE_DNS_V_DROP) {
		nfgate_dns_report_seen(nn, dns, q, &s, NFGATE_DNS_V_DROP);
		ret = NF_DROP;
	} else {
		if (!s.fp.sig)
			ng_dnsg_learn(b, r.ip_ttl, r.df,
				      s.m->flags & NG_DNS_FLAG_AA, r.ip_len,
				      r.rtt_us,
				      div_u64(s.now, NSEC_PER_MSEC));
		nfgate_dnsq_passed(q, &s.fp, s.now);
	}
out_unlock:
	spin_unlock(&dns->lock);
	nfgate_stat_inc(nn, ret == NF_ACCEPT ? NFGATE_STAT_DNS_PASSED :
			NFGATE_STAT_DNS_DROPPED);
out:
	local_bh_enable();
	return ret;
}

/* --- Configuration. --- */

int nfgate_dns_set(struct nfgate_net *nn, struct nlattr **tb,
		   struct netlink_ext_ack *extack)
{
	struct nfgate_dns_conf c;
	struct nfgate_dns *dns;
	struct nlattr *a;

	lockdep_assert_held(&nn->lock);
	a = tb[NFGATE_DNS_A_MODE];
	if (a && nla_get_u8(a) == NFGATE_DNS_INHERIT) {
		NL_SET_ERR_MSG_ATTR(extack, a, "MODE cannot be INHERIT");
		return -EINVAL;
	}
	dns = nfgate_dns_get(nn);
	if (!dns)
		return -ENOMEM;

	c = dns->c;
	if (a)
		c.mode = nla_get_u8(a);
	if (tb[NFGATE_DNS_A_MODE_ROUTER])
		c.mode_router = nla_get_u8(tb[NFGATE_DNS_A_MODE_ROUTER]);
	if (tb[NFGATE_DNS_A_HOLD_MS])
		c.hold_ms = nla_get_u32(tb[NFGATE_DNS_A_HOLD_MS]);
	if (tb[NFGATE_DNS_A_HOLD_MAX])
		c.hold_max = nla_get_u32(tb[NFGATE_DNS_A_HOLD_MAX]);
	if (tb[NFGATE_DNS_A_HOLD_PER_CLIENT])
		c.hold_per_client =
			nla_get_u32(tb[NFGATE_DNS_A_HOLD_PER_CLIENT]);
	if (c.hold_per_client > c.hold_max) {
		NL_SET_ERR_MSG_ATTR(extack, tb[NFGATE_DNS_A_HOLD_PER_CLIENT] ?:
				    tb[NFGATE_DNS_A_HOLD_MAX],
				    "HOLD_PER_CLIENT would be above HOLD_MAX");
		return -EINVAL;
	}
	if (tb[NFGATE_DNS_A_EXPIRE_DROP])
		c.expire_drop = nla_get_u8(tb[NFGATE_DNS_A_EXPIRE_DROP]);
	if (tb[NFGATE_DNS_A_TTL_SLACK])
		c.g.ttl_slack = nla_get_u8(tb[NFGATE_DNS_A_TTL_SLACK]);
	if (tb[NFGATE_DNS_A_FAST_PCT])
		c.g.fast_pct = nla_get_u8(tb[NFGATE_DNS_A_FAST_PCT]);
	if (tb[NFGATE_DNS_A_DROP_SCORE])
		c.g.drop_score = nla_get_u8(tb[NFGATE_DNS_A_DROP_SCORE]);

	spin_lock_bh(&dns->lock);
	dns->c = c;
	spin_unlock_bh(&dns->lock);
	/* Replies held under a mode that no longer holds go on now. */
	if (nfgate_dns_eff_mode(dns, false) != NFGATE_DNS_DROP ||
	    nfgate_dns_eff_mode(dns, true) != NFGATE_DNS_DROP || !c.hold_ms)
		nfgate_dns_hold_release_all(nn, dns);

	nn->generation++;
	nfgate_notify_dns(nn, NFGATE_EVENT_DNS);
	return 0;
}

int nfgate_dns_fill(struct sk_buff *skb, const struct nfgate_net *nn)
{
	const struct nfgate_dns *dns;
	const struct nfgate_dns_conf *c = &nfgate_dns_defaults;
	const struct nfgate_forged *f;
	u32 n4 = 0, n6 = 0, held = 0, queries = 0, resolvers = 0;
	struct nlattr *nest;

	rcu_read_lock();
	dns = rcu_dereference(nn->dns);
	if (dns) {
		c = &dns->c;
		held = READ_ONCE(dns->n_held);
		queries = READ_ONCE(dns->n_queries);
		resolvers = READ_ONCE(dns->n_resolvers);
	}
	f = rcu_dereference(nn->forged);
	if (f) {
		n4 = f->v4.n;
		n6 = f->n6;
	}
	nest = nla_nest_start(skb, NFGATE_A_DNS);
	if (!nest)
		goto err;
	if (nla_put_u8(skb, NFGATE_DNS_A_MODE, READ_ONCE(c->mode)) ||
	    nla_put_u8(skb, NFGATE_DNS_A_MODE_ROUTER,
		       READ_ONCE(c->mode_router)) ||
	    nla_put_u32(skb, NFGATE_DNS_A_HOLD_MS, READ_ONCE(c->hold_ms)) ||
	    nla_put_u32(skb, NFGATE_DNS_A_HOLD_MAX, READ_ONCE(c->hold_max)) ||
	    nla_put_u32(skb, NFGATE_DNS_A_HOLD_PER_CLIENT,
			READ_ONCE(c->hold_per_client)) ||
	    nla_put_u8(skb, NFGATE_DNS_A_EXPIRE_DROP,
		       READ_ONCE(c->expire_drop)) ||
	    nla_put_u8(skb, NFGATE_DNS_A_TTL_SLACK,
		       READ_ONCE(c->g.ttl_slack)) ||
	    nla_put_u8(skb, NFGATE_DNS_A_FAST_PCT, READ_ONCE(c->g.fast_pct)) ||
	    nla_put_u8(skb, NFGATE_DNS_A_DROP_SCORE,
		       READ_ONCE(c->g.drop_score)) ||
	    nla_put_u32(skb, NFGATE_DNS_A_FORGED4, n4) ||
	    nla_put_u32(skb, NFGATE_DNS_A_FORGED6, n6) ||
	    nla_put_u32(skb, NFGATE_DNS_A_HELD, held) ||
	    nla_put_u32(skb, NFGATE_DNS_A_QUERIES, queries) ||
	    nla_put_u32(skb, NFGATE_DNS_A_RESOLVERS, resolvers)) {
		nla_nest_cancel(skb, nest);
		goto err;
	}
	rcu_read_unlock();
	nla_nest_end(skb, nest);
	return 0;
err:
	rcu_read_unlock();
	return -EMSGSIZE;
}
