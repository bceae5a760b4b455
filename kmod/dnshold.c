// SPDX-License-Identifier: GPL-2.0
/*
 * nfgate: DNS replies held until a better one decides.
 *
 * A suspicious reply is stolen (NF_STOLEN) in the last PRE_ROUTING hook,
 * after the NAT core has de-NATed it, and kept with a reference on its
 * input device and the hook's okfn (ip_rcv_finish). Then one of:
 *
 *   - another reply to the same query wins (fewer signals; on a tie the
 *     later one): the held reply is dropped (SUPERSEDED) and reported;
 *   - hold time passes: the held reply is released, i.e. handed to okfn as
 *     if the hook had accepted it (EXPIRED), or dropped (EXPIRED_DROP);
 *   - the mode stops holding: released at once;
 *   - its input device is unregistered, or the namespace goes away or the
 *     module is unloaded: freed (HOLD_FREED), so no device reference
 *     outlives its device.
 *
 * Hooks of PRE_ROUTING after nfgate's (priority NF_IP_PRI_LAST) do not run
 * for a released reply, as with nf_reinject() after the last hook.
 *
 * Room: at most hold_max replies, hold_per_client per client address and
 * NFGATE_DNS_HOLD_BYTES of packet memory are held in a namespace; a reply
 * that finds no room is passed (HOLD_FULL): holding is a delay, and
 * dropping genuine replies under a flood would be worse than passing a
 * forged one.
 */

#include <linux/ip.h>
#include <linux/netfilter.h>
#include <linux/slab.h>

#include "nfgate.h"

static void nfgate_dns_held_unlink(struct nfgate_dns *dns,
				   struct nfgate_dns_held *h)
{
	list_del(&h->list);
	if (h->q && h->q->held == h)
		h->q->held = NULL;
	dns->n_held--;
	dns->held_bytes -= h->skb->truesize;
}

/* Not under dns->lock: the skb goes on through the input path. */
static void nfgate_dns_held_release(struct nfgate_dns *dns,
				    struct nfgate_dns_held *h)
{
	struct net *net = dns->nn->net;

	local_bh_disable();
	rcu_read_lock();
	h->okfn(net, NULL, h->skb);
	rcu_read_unlock();
	local_bh_enable();
	netdev_put(h->dev, &h->dev_tracker);
	kfree(h);
}

static void nfgate_dns_held_free(struct nfgate_dns_held *h)
{
	kfree_skb(h->skb);
	netdev_put(h->dev, &h->dev_tracker);
	kfree(h);
}

static void nfgate_dns_report_held(struct nfgate_net *nn,
				   struct nfgate_dns *dns,
				   struct nfgate_dns_held *h, u8 verdict,
				   u32 lead_us)
{
	struct nfgate_dns_scratch *sc = this_cpu_ptr(nfgate_dns_scratch);
	struct nfgate_dns_report rep = {
		.verdict = verdict,
		.resolver = h->resolver,
		.client = h->client,
		.ifindex = h->dev->ifindex,
		.m = &sc->m[1],
		.fp = &h->fp,
		.lead_us = lead_us,
	};

	/* sc->m[0] may hold the reply being judged: parse into m[1]. */
	if (nfgate_dns_parse_skb(h->skb, &sc->m[1], sc->buf))
		nfgate_dns_report(nn, dns, &rep);
}

static unsigned int nfgate_dns_client_held(struct nfgate_dns *dns,
					   __be32 client)
{
	struct nfgate_dns_held *h;
	unsigned int n = 0;

	list_for_each_entry(h, &dns->held, list)
		n += h->client == client;
	return n;
}

/*
 * Hold @skb for @q until @expires. NF_STOLEN, or NF_ACCEPT when there is
 * no room (counted as HOLD_FULL).
 */
unsigned int nfgate_dns_hold(struct nfgate_net *nn, struct nfgate_dns *dns,
			     struct nfgate_dnsq *q, struct sk_buff *skb,
			     const struct nf_hook_state *state,
			     const struct nfgate_dns_seen *s, u32 rtt_us,
			     bool learnable, unsigned long expires)
{
	struct nfgate_dns_held *h;

	lockdep_assert_held(&dns->lock);
	if (dns->dying || !dns->c.hold_ms || dns->n_held >= dns->c.hold_max ||
	    dns->held_bytes + skb->truesize > NFGATE_DNS_HOLD_BYTES ||
	    nfgate_dns_client_held(dns, q->client) >= dns->c.hold_per_client)
		goto full;
	h = kmalloc(sizeof(*h), GFP_ATOMIC);
	if (!h)
		goto full;
	h->skb = skb;
	h->dev = state->in;
	netdev_hold(h->dev, &h->dev_tracker, GFP_ATOMIC);
	h->okfn = state->okfn;
	h->expires = expires;
	h->arrived_ns = s->now;
	h->rtt_us = rtt_us;
	h->learnable = learnable;
	h->client = q->client;
	h->resolver = q->resolver;
	h->q = q;
	h->fp = s->fp;
	q->held = h;
	list_add_tail(&h->list, &dns->held);
	dns->n_held++;
	dns->held_bytes += skb->truesize;
	timer_reduce(&dns->timer, expires);
	nfgate_stat_inc(nn, NFGATE_STAT_DNS_HELD);
	return NF_STOLEN;

full:
	nfgate_stat_inc(nn, NFGATE_STAT_DNS_HOLD_FULL);
	return NF_ACCEPT;
}

/*
 * A reply @s arrives for a query whose earlier reply is held: the better
 * one stays, the other is dropped. Returns the verdict on @skb.
 */
unsigned int nfgate_dns_hold_contest(struct nfgate_net *nn,
				     struct nfgate_dns *dns,
				     struct nfgate_dnsq *q, struct sk_buff *skb,
				     const struct nf_hook_state *state,
				     struct nfgate_dns_seen *s,
				     struct ng_dnsg_baseline *b,
				     const struct ng_dnsg_reply *r)
{
	struct nfgate_dns_held *h = q->held;
	bool disagree = h->fp.ahash != s->fp.ahash;
	struct nfgate_dns_report rep = {
		.resolver = q->resolver,
		.client = q->client,
		.ifindex = s->ifindex,
		.m = s->m,
		.fp = &s->fp,
	};
	unsigned long expires = h->expires;
	unsigned int ret;

	lockdep_assert_held(&dns->lock);
	nfgate_dns_count_signals(nn, s->fp.sig);
	if (!disagree && s->fp.sig) {
		/* A copy of the held reply (a retransmission answered
		 * twice, a duplicated packet): one is enough.
		 */
		nfgate_stat_inc(nn, NFGATE_STAT_DNS_DUPLICATE);
		return NF_DROP;
	}
	if (ng_dnsg_verdict(&dns->c.g, s->fp.sig) == NFGATE_DNS_V_DROP) {
		rep.verdict = NFGATE_DNS_V_DROP;
		nfgate_dns_report(nn, dns, &rep);
		nfgate_stat_inc(nn, NFGATE_STAT_DNS_DROPPED);
		return NF_DROP;
	}
	if (!ng_dnsg_prefer_new(h->fp.sig, s->fp.sig)) {
		/* The held one stays; the newcomer lost. */
		if (disagree) {
			s->fp.sig |= NFGATE_DNS_SIG_DISAGREE;
			nfgate_stat_inc(nn, NFGATE_STAT_DNS_SIG_DISAGREE);
		}
		rep.verdict = NFGATE_DNS_V_SUPERSEDED;
		nfgate_dns_report(nn, dns, &rep);
		nfgate_stat_inc(nn, NFGATE_STAT_DNS_SUPERSEDED);
		return NF_DROP;
	}

	/* The newcomer wins: the held reply is dropped. */
	nfgate_dns_held_unlink(dns, h);
	if (disagree) {
		h->fp.sig |= NFGATE_DNS_SIG_DISAGREE;
		nfgate_stat_inc(nn, NFGATE_STAT_DNS_SIG_DISAGREE);
		nfgate_dns_report_held(nn, dns, h, NFGATE_DNS_V_SUPERSEDED,
				       div_u64(s->now - h->arrived_ns,
					       NSEC_PER_USEC));
		nfgate_stat_inc(nn, NFGATE_STAT_DNS_SUPERSEDED);
	}
	/* (A clean copy of the held reply simply takes its place.) */
	nfgate_dns_held_free(h);

	if (s->fp.sig) {
		/* Still suspicious: held in its place, no longer in all. */
		ret = nfgate_dns_hold(nn, dns, q, skb, state, s, r->rtt_us,
				      ng_dnsg_learnable(s->fp.sig, r), expires);
		if (ret == NF_STOLEN)
			return ret;
	} else {
		ng_dnsg_learn(b, s->fp.ttl, s->fp.df,
			      s->fp.flags & NG_DNS_FLAG_AA, s->fp.len, r->rtt_us,
			      div_u64(s->now, NSEC_PER_MSEC));
	}
	nfgate_dnsq_passed(q, &s->fp, s->now);
	nfgate_stat_inc(nn, NFGATE_STAT_DNS_PASSED);
	return NF_ACCEPT;
}

/* Under dns->lock: a held reply that no other reply displaced. */
static void nfgate_dns_held_expired(struct nfgate_net *nn,
				    struct nfgate_dns *dns,
				    struct nfgate_dns_held *h)
{
	struct nfgate_dns_resolver *r;
	unsigned int i;

	h->drop = dns->c.expire_drop;
	nfgate_dns_report_held(nn, dns, h, h->drop ?
			       NFGATE_DNS_V_EXPIRED_DROP : NFGATE_DNS_V_EXPIRED,
			       0);
	if (h->drop) {
		nfgate_stat_inc(nn, NFGATE_STAT_DNS_EXPIRED_DROP);
		return;
	}
	nfgate_stat_inc(nn, NFGATE_STAT_DNS_EXPIRED);
	if (h->q)
		nfgate_dnsq_passed(h->q, &h->fp, h->arrived_ns);
	if (!h->learnable)
		return;
	/* Its path changed (ng_dnsg_learnable), and no one contradicted it. */
	for (i = 0; i < NFGATE_DNS_RESOLVERS; i++) {
		r = &dns->res[i];
		if (r->addr == h->resolver) {
			ng_dnsg_learn(&r->b, h->fp.ttl, h->fp.df,
				      h->fp.flags & NG_DNS_FLAG_AA, h->fp.len,
				      h->rtt_us,
				      div_u64(h->arrived_ns, NSEC_PER_MSEC));
			break;
		}
	}
}

void nfgate_dns_timer(struct timer_list *t)
{
	struct nfgate_dns *dns = from_timer(dns, t, timer);
	struct nfgate_net *nn = dns->nn;
	struct nfgate_dns_held *h, *tmp;
	unsigned long next = 0;
	bool rearm = false;
	LIST_HEAD(done);

	spin_lock_bh(&dns->lock);
	list_for_each_entry_safe(h, tmp, &dns->held, list) {
		if (time_before(jiffies, h->expires)) {
			if (!rearm || time_before(h->expires, next))
				next = h->expires;
			rearm = true;
			continue;
		}
		nfgate_dns_held_unlink(dns, h);
		nfgate_dns_held_expired(nn, dns, h);
		list_add_tail(&h->list, &done);
	}
	if (rearm && !dns->dying)
		mod_timer(&dns->timer, next);
	spin_unlock_bh(&dns->lock);

	list_for_each_entry_safe(h, tmp, &done, list) {
		list_del(&h->list);
		if (h->drop)
			nfgate_dns_held_free(h);
		else
			nfgate_dns_held_release(dns, h);
	}
}

/* Process context: the mode stopped holding; every held reply goes on. */
void nfgate_dns_hold_release_all(struct nfgate_net *nn, struct nfgate_dns *dns)
{
	struct nfgate_dns_held *h, *tmp;
	LIST_HEAD(done);

	spin_lock_bh(&dns->lock);
	list_for_each_entry_safe(h, tmp, &dns->held, list) {
		nfgate_dns_held_unlink(dns, h);
		if (h->q)
			nfgate_dnsq_passed(h->q, &h->fp, h->arrived_ns);
		list_add_tail(&h->list, &done);
		nfgate_stat_inc(nn, NFGATE_STAT_DNS_EXPIRED);
	}
	spin_unlock_bh(&dns->lock);
	list_for_each_entry_safe(h, tmp, &done, list) {
		list_del(&h->list);
		nfgate_dns_held_release(dns, h);
	}
}

/* Free the held replies of @dev (NULL: all of them). */
static void nfgate_dns_hold_free_dev(struct nfgate_net *nn,
				     struct nfgate_dns *dns,
				     struct net_device *dev)
{
	struct nfgate_dns_held *h, *tmp;
	LIST_HEAD(done);

	spin_lock_bh(&dns->lock);
	list_for_each_entry_safe(h, tmp, &dns->held, list) {
		if (dev && h->dev != dev)
			continue;
		nfgate_dns_held_unlink(dns, h);
		list_add_tail(&h->list, &done);
		nfgate_stat_inc(nn, NFGATE_STAT_DNS_HOLD_FREED);
	}
	spin_unlock_bh(&dns->lock);
	list_for_each_entry_safe(h, tmp, &done, list) {
		list_del(&h->list);
		nfgate_dns_held_free(h);
	}
}

/* NETDEV_UNREGISTER: the device's references must go now. */
void nfgate_dns_hold_dev_gone(struct nfgate_net *nn, struct net_device *dev)
{
	/* nn->dns only goes away in the namespace's exit, after devices. */
	struct nfgate_dns *dns = rcu_access_pointer(nn->dns);

	if (dns)
		nfgate_dns_hold_free_dev(nn, dns, dev);
}

/* Namespace exit or module unload, hooks already gone. */
void nfgate_dns_hold_shutdown(struct nfgate_net *nn, struct nfgate_dns *dns)
{
	spin_lock_bh(&dns->lock);
	dns->dying = true;
	spin_unlock_bh(&dns->lock);
	del_timer_sync(&dns->timer);
	nfgate_dns_hold_free_dev(nn, dns, NULL);
}
