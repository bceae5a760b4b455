// SPDX-License-Identifier: GPL-2.0
/*
 * nfgate: which uplink a connection uses.
 *
 * A new connection from the LAN (or from the router itself) is given an
 * uplink once, by tiered weighted choice (common/wchoice.c) over the usable
 * uplinks; the uplink's id is kept in the conntrack mark under the mark
 * mask, so the choice lasts as long as the connection and costs no memory
 * of its own. A connection arriving on an uplink is pinned to that uplink,
 * so its replies leave where it came in.
 *
 * The route itself is the kernel's: when a packet's routing decision points
 * at another uplink than its connection's, nfgate asks the FIB for the route
 * through the pinned device (the lookup SO_BINDTODEVICE gets, policy rules
 * included) and puts it on the packet. Everything after (POST_ROUTING, NAT,
 * the neighbour layer) sees the new device.
 *
 * Asking the FIB for every packet of such a connection cost 6 % of the
 * small-packet rate (make bench, every connection on the second uplink),
 * so the answers are kept per uplink and per CPU, in
 * NFGATE_RT_SLOTS slots hashed by the lookup's key (destination, mark, TOS,
 * protocol, device): the way a connected socket keeps its route
 * (sk_dst_cache) or IPVS a real server's, and checked the same way before
 * each use, with dst_check(). IPv4 routes are made obsolete by every change
 * that could give a lookup another answer: routes and rules added or
 * deleted, an address added or removed, a device going up, down, changing
 * carrier or MTU, or unregistered, bump the namespace's route generation
 * (rt_cache_flush), and a PMTU or redirect exception kills the routes it
 * overrides. An uplink re-created with a new ifindex misses by its key.
 * The key is the destination, not the uplink alone: one uplink may have
 * routes of its own for some destinations (its subnet, a more specific
 * route through another gateway). A slot holds a reference to its route
 * (which holds no device: a device going away moves its routes to the
 * blackhole device) until it is replaced or its uplink is freed. Per CPU,
 * so the slots are only ever touched by their CPU with bottom halves off,
 * and the routes they hold are that CPU's copies of the nexthop's route.
 * Memory: NFGATE_RT_SLOTS * 24 bytes per uplink and CPU, nothing per flow.
 */

#include <linux/netfilter.h>
#include <linux/percpu.h>
#include <linux/random.h>
#include <net/ip.h>
#include <net/netfilter/nf_conntrack.h>
#include <net/netfilter/nf_conntrack_ecache.h>
#include <net/route.h>
#include <net/tcp.h>

#include "nfgate.h"
#include "wchoice.h"

#if !IS_ENABLED(CONFIG_NF_CONNTRACK_MARK)
#error "nfgate keeps the uplink of a connection in the conntrack mark"
#endif

bool nfgate_uplink_usable(const struct nfgate_uplink *up)
{
	return nfgate_uplink_share(up) &&
	       time_after_eq(jiffies, READ_ONCE(up->usable_after));
}

/* Carrier can drop before linkwatch tells the notifiers: look. */
static bool nfgate_uplink_carrier(struct net *net,
				  const struct nfgate_uplink *up)
{
	struct net_device *dev = dev_get_by_index_rcu(net,
						       READ_ONCE(up->ifindex));

	return dev && netif_running(dev) && netif_carrier_ok(dev);
}

static struct nfgate_sticky_slot *nfgate_sticky_slot(struct nfgate_sticky *st,
						     __be32 host)
{
	return &st->slot[hash_32((__force u32)host,
				 ilog2(NFGATE_STICKY_SLOTS))];
}

static struct nfgate_uplink *nfgate_sticky_get(struct nfgate_net *nn,
					       struct nfgate_sticky *st,
					       __be32 host)
{
	struct nfgate_sticky_slot *s = nfgate_sticky_slot(st, host);
	struct nfgate_uplink *up = NULL;

	spin_lock_bh(&st->lock);
	if (s->host == host && s->id && time_before(jiffies, s->expires))
		up = nfgate_uplink_by_id(nn, s->id);
	spin_unlock_bh(&st->lock);
	if (up && nfgate_uplink_usable(up) &&
	    nfgate_uplink_carrier(nn->net, up))
		return up;
	return NULL;
}

static void nfgate_sticky_put(struct nfgate_net *nn, struct nfgate_sticky *st,
			      __be32 host, const struct nfgate_uplink *up)
{
	struct nfgate_sticky_slot *s = nfgate_sticky_slot(st, host);

	spin_lock_bh(&st->lock);
	s->host = host;
	s->id = up->id;
	s->expires = jiffies + msecs_to_jiffies(READ_ONCE(nn->sticky_ms));
	spin_unlock_bh(&st->lock);
}

/* Under RCU. @host is the LAN host for stickiness, 0 for the router. */
static struct nfgate_uplink *nfgate_choose(struct nfgate_net *nn, __be32 host)
{
	struct ng_wchoice_cand cand[NFGATE_UPLINKS_MAX];
	struct nfgate_uplink *ups[NFGATE_UPLINKS_MAX];
	struct nfgate_sticky *st = NULL;
	struct nfgate_uplink *up;
	unsigned int n = 0;
	int i;

	if (host && READ_ONCE(nn->sticky_ms)) {
		/* Pairs with nfgate_settings_set(). */
		st = smp_load_acquire(&nn->sticky);
		up = st ? nfgate_sticky_get(nn, st, host) : NULL;
		if (up)
			return up;
	}
	list_for_each_entry_rcu(up, &nn->uplinks, list) {
		if (n == ARRAY_SIZE(cand))
			break;
		if (!nfgate_uplink_usable(up) ||
		    !nfgate_uplink_carrier(nn->net, up))
			continue;
		cand[n].weight = nfgate_uplink_share(up);
		cand[n].tier = READ_ONCE(up->tier);
		ups[n++] = up;
	}
	i = ng_wchoice_pick(cand, n, get_random_u32());
	if (i < 0)
		return NULL;
	if (st)
		nfgate_sticky_put(nn, st, host, ups[i]);
	return ups[i];
}

/* The SYN, RST and ACK flags of a TCP packet, 0 for anything else. */
static u8 nfgate_tcp_flags(const struct sk_buff *skb)
{
	const struct iphdr *iph = ip_hdr(skb);
	u8 _flags;
	const u8 *flags;

	if (iph->protocol != IPPROTO_TCP || ip_is_fragment(iph))
		return 0;
	/* Byte 13 of the TCP header: CWR ECE URG ACK PSH RST SYN FIN. */
	flags = skb_header_pointer(skb, ip_hdrlen(skb) + 13, 1, &_flags);
	return flags ? *flags & (TCPHDR_SYN | TCPHDR_RST |
				 TCPHDR_ACK) : 0;
}

static void nfgate_ct_pin(struct nfgate_net *nn, struct nf_conn *ct,
			  const struct nfgate_uplink *up)
{
	u32 mask = READ_ONCE(nn->mark_mask);
	u32 mark = READ_ONCE(ct->mark);

	mark = (mark & ~mask) | (((u32)up->id << READ_ONCE(nn->mark_shift)) &
				 mask);
	WRITE_ONCE(ct->mark, mark);
	nf_conntrack_event_cache(IPCT_MARK, ct);
}

int nfgate_uplink_rt_init(struct nfgate_uplink *up)
{
	up->rt = alloc_percpu(struct nfgate_rt_cache);
	return up->rt ? 0 : -ENOMEM;
}

/* The uplink is unreachable from the packet path (after a grace period). */
void nfgate_uplink_rt_free(struct nfgate_uplink *up)
{
	struct nfgate_rt_cache *c;
	unsigned int i;
	int cpu;

	if (!up->rt)
		return;
	for_each_possible_cpu(cpu) {
		c = per_cpu_ptr(up->rt, cpu);
		for (i = 0; i < NFGATE_RT_SLOTS; i++)
			dst_release(c->slot[i].dst);
	}
	free_percpu(up->rt);
	up->rt = NULL;
}

static struct nfgate_rt_slot *nfgate_rt_slot(struct nfgate_rt_cache *c,
					     __be32 daddr, u32 mark, u8 tos,
					     u8 proto)
{
	u32 key = (__force u32)daddr ^ mark ^ ((u32)proto << 8 | tos);

	return &c->slot[hash_32(key, ilog2(NFGATE_RT_SLOTS))];
}

/*
 * The route through uplink @up (device @oif) for the packet, from this
 * CPU's slots or from the FIB. With bottom halves off; no reference taken.
 */
static struct dst_entry *nfgate_rt_get(struct net *net, struct sk_buff *skb,
				       struct nfgate_uplink *up, int oif)
{
	const struct iphdr *iph = ip_hdr(skb);
	u8 tos = RT_TOS(iph->tos);
	struct nfgate_rt_slot *s;
	struct flowi4 fl4;
	struct rtable *rt;

	s = nfgate_rt_slot(this_cpu_ptr(up->rt), iph->daddr, skb->mark, tos,
			   iph->protocol);
	if (s->dst && s->daddr == iph->daddr && s->mark == skb->mark &&
	    s->tos == tos && s->proto == iph->protocol && s->oif == oif &&
	    dst_check(s->dst, 0))
		return s->dst;

	memset(&fl4, 0, sizeof(fl4));
	fl4.daddr = iph->daddr;
	fl4.flowi4_oif = oif;
	fl4.flowi4_mark = skb->mark;
	fl4.flowi4_tos = tos;
	fl4.flowi4_proto = iph->protocol;
	rt = ip_route_output_key(net, &fl4);
	if (IS_ERR(rt))
		return ERR_CAST(rt);
	/* The slot keeps the lookup's reference. */
	dst_release(s->dst);
	s->dst = &rt->dst;
	s->daddr = iph->daddr;
	s->mark = skb->mark;
	s->tos = tos;
	s->proto = iph->protocol;
	s->oif = oif;
	return s->dst;
}

/*
 * Put the route through uplink @up (device @oif) on the packet. Like the
 * route it replaces: without a reference if that one had none (the input
 * route of a forwarded packet, a TCP socket's cached route: the caller
 * keeps an RCU read-side section around the packet's way out, or takes a
 * reference with skb_dst_force() before it queues it), else with one.
 */
static int nfgate_reroute(struct net *net, struct sk_buff *skb,
			  struct nfgate_uplink *up, int oif)
{
	bool noref = skb_dst_is_noref(skb);
	struct dst_entry *dst;

	local_bh_disable();
	dst = nfgate_rt_get(net, skb, up, oif);
	if (IS_ERR(dst)) {
		local_bh_enable();
		return PTR_ERR(dst);
	}
	skb_dst_drop(skb);
	if (noref) {
		skb_dst_set_noref(skb, dst);
	} else {
		dst_hold(dst);
		skb_dst_set(skb, dst);
	}
	local_bh_enable();
	return 0;
}

/*
 * The packet's route leads to @out_up; make it lead to the uplink of its
 * connection, choosing one first for a new connection when @may_choose.
 */
static unsigned int nfgate_steer(struct nfgate_net *nn, struct sk_buff *skb,
				 struct nfgate_uplink *out_up, __be32 host,
				 bool may_choose)
{
	enum ip_conntrack_info ctinfo;
	struct nfgate_uplink *up;
	struct nf_conn *ct;
	u32 id;
	int oif;

	if (skb->mark & READ_ONCE(nn->skip_mark))
		return NF_ACCEPT;
	ct = nf_ct_get(skb, &ctinfo);
	if (!ct)
		return NF_ACCEPT;
	id = nfgate_mark_id(nn, READ_ONCE(ct->mark));
	if (id) {
		up = nfgate_uplink_by_id(nn, id);
		if (!up)
			return NF_ACCEPT;	/* its uplink was deleted */
	} else {
		/* Connections older than nfgate's config keep their route. */
		if (!may_choose || ctinfo != IP_CT_NEW)
			return NF_ACCEPT;
		up = nfgate_choose(nn, host);
		if (!up) {
			nfgate_stat_inc(nn, NFGATE_STAT_NO_UPLINK);
			return NF_ACCEPT;
		}
		nfgate_ct_pin(nn, ct, up);
		nfgate_stat_inc(nn, NFGATE_STAT_FLOW_PINNED);
		if (nfgate_tcp_flags(skb) == TCPHDR_SYN)
			nfgate_uplink_syn(up, NFGATE_SYN_SENT);
	}
	if (up == out_up)
		return NF_ACCEPT;
	oif = READ_ONCE(up->ifindex);
	if (!oif || nfgate_reroute(nn->net, skb, up, oif)) {
		nfgate_stat_inc(nn, NFGATE_STAT_REROUTE_FAILED);
		return NF_DROP;
	}
	nfgate_stat_inc(nn, NFGATE_STAT_REROUTED);
	return NF_ACCEPT;
}

/*
 * PRE_ROUTING, packet from uplink @in_up: pin a new connection to it; and
 * count the answers to the connections it carries out (SYN-ACK, or a RST
 * before the connection was established): the passive health signal.
 */
unsigned int nfgate_steer_inbound(struct nfgate_net *nn, struct sk_buff *skb,
				  struct nfgate_uplink *in_up)
{
	enum ip_conntrack_info ctinfo;
	struct nf_conn *ct = nf_ct_get(skb, &ctinfo);
	u8 flags;

	if (!ct)
		return NF_ACCEPT;
	if (CTINFO2DIR(ctinfo) == IP_CT_DIR_REPLY) {
		if (nf_ct_protonum(ct) != IPPROTO_TCP ||
		    nfgate_mark_id(nn, READ_ONCE(ct->mark)) != in_up->id)
			return NF_ACCEPT;
		flags = nfgate_tcp_flags(skb);
		if (flags == (TCPHDR_SYN | TCPHDR_ACK) ||
		    ((flags & TCPHDR_RST) &&
		     !test_bit(IPS_ASSURED_BIT, &ct->status)))
			nfgate_uplink_syn(in_up, NFGATE_SYN_ANSWERED);
		return NF_ACCEPT;
	}
	if (ctinfo != IP_CT_NEW || nfgate_mark_id(nn, READ_ONCE(ct->mark)))
		return NF_ACCEPT;
	nfgate_ct_pin(nn, ct, in_up);
	nfgate_stat_inc(nn, NFGATE_STAT_FLOW_INBOUND);
	return NF_ACCEPT;
}

/* FORWARD: only traffic routed to an uplink is steered. */
unsigned int nfgate_steer_forward(struct nfgate_net *nn, struct sk_buff *skb,
				  const struct nf_hook_state *state)
{
	struct nfgate_uplink *out_up;
	struct nfgate_lan *lan;
	bool from_lan;

	out_up = nfgate_uplink_by_ifindex(nn, state->out->ifindex);
	if (!out_up)
		return NF_ACCEPT;
	lan = rcu_dereference(nn->lan);
	from_lan = lan && state->in->ifindex == READ_ONCE(lan->ifindex);
	return nfgate_steer(nn, skb, out_up, from_lan ? ip_hdr(skb)->saddr : 0,
			    from_lan);
}

/*
 * LOCAL_OUT: the router's own traffic, unless its socket chose a device or
 * it is the agent's tunnel check (it goes to the local ss-redir).
 */
unsigned int nfgate_steer_local_out(struct nfgate_net *nn, struct sk_buff *skb,
				    const struct nf_hook_state *state)
{
	struct nfgate_uplink *out_up;
	struct dst_entry *dst = skb_dst(skb);

	if (!dst || (skb->sk && skb->sk->sk_bound_dev_if) ||
	    nfgate_tunnel_check_skb(nn, skb))
		return NF_ACCEPT;
	out_up = nfgate_uplink_by_ifindex(nn, dst->dev->ifindex);
	if (!out_up)
		return NF_ACCEPT;
	return nfgate_steer(nn, skb, out_up, 0, true);
}

struct nfgate_count_ctx {
	struct nfgate_net *nn;
	unsigned int *counts;
};

static int nfgate_count_iter(struct nf_conn *ct, void *data)
{
	struct nfgate_count_ctx *ctx = data;
	u32 id = nfgate_mark_id(ctx->nn, READ_ONCE(ct->mark));

	if (id && id <= NFGATE_UPLINKS_MAX)
		ctx->counts[id]++;
	return 0;
}

/* Connections pinned to each uplink id. May sleep. */
void nfgate_flows_count(struct nfgate_net *nn,
			unsigned int counts[NFGATE_UPLINKS_MAX + 1])
{
	struct nfgate_count_ctx ctx = { .nn = nn, .counts = counts };
	struct nf_ct_iter_data iter = { .net = nn->net, .data = &ctx };

	memset(counts, 0, sizeof(unsigned int) * (NFGATE_UPLINKS_MAX + 1));
	nf_ct_iterate_cleanup_net(nfgate_count_iter, &iter);
}
