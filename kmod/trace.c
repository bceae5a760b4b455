// SPDX-License-Identifier: GPL-2.0
/*
 * nfgate: the packet trace (`nfgate trace`).
 *
 * Off by default and free when off: every hook tests one static key,
 * enabled while some namespace has a trace filter, then the namespace's
 * filter pointer (RCU). A packet whose connection matches the filter (host
 * and/or port, in either tuple, so before and after NAT) is reported at
 * each stage where nfgate decides something, one multicast message per
 * stage on the "trace" group, with the conntrack id and the IP ID that
 * identify the packet (NAT changes neither). Userspace puts the stages of
 * one packet together. No per-skb state: a stage reports what is true at
 * that hook (the route, the connection's uplink in its mark, the NAT
 * status of its conntrack entry). Messages are limited to
 * NFGATE_TRACE_PER_SEC per namespace; GFP_ATOMIC, dropped when memory or
 * listeners lack.
 *
 * nfgate has no LOCAL_IN hook of its own: while a namespace traces, one is
 * registered there (and only there) to report the routing decision
 * "deliver to the router"; untraced namespaces never run it.
 */

#include <linux/ip.h>
#include <linux/jump_label.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/ratelimit.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <net/genetlink.h>
#include <net/netfilter/nf_conntrack.h>

#include "nfgate.h"

DEFINE_STATIC_KEY_FALSE(nfgate_trace_key);

struct nfgate_trace {
	__be32 host;			/* 0: any */
	__be16 port;			/* 0: any */
	struct ratelimit_state rs;
	struct rcu_head rcu;
};

static bool nfgate_tuple_match(const struct nf_conntrack_tuple *t,
			       const struct nfgate_trace *tr)
{
	if (tr->host && t->src.u3.ip != tr->host && t->dst.u3.ip != tr->host)
		return false;
	if (tr->port && t->src.u.all != tr->port && t->dst.u.all != tr->port)
		return false;
	return true;
}

static bool nfgate_trace_match(const struct nfgate_trace *tr,
			       const struct nf_conn *ct)
{
	return nfgate_tuple_match(&ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple, tr) ||
	       nfgate_tuple_match(&ct->tuplehash[IP_CT_DIR_REPLY].tuple, tr);
}

/* What a stage reports beyond the packet: the device, uplink, tunnel. */
struct nfgate_trace_why {
	const struct net_device *dev;
	const struct nfgate_uplink *up;
	u8 reason;			/* NFGATE_TUNNEL_R_OFF: none */
	const struct nfgate_tsrv *srv;
};

static int nfgate_trace_put_server(struct sk_buff *msg,
				   const struct nfgate_tsrv *s)
{
	char buf[24];

	if (s->name[0])
		return nla_put_string(msg, NFGATE_TRACE_A_SERVER, s->name);
	snprintf(buf, sizeof(buf), "%pI4:%u", &s->addr, ntohs(s->port));
	return nla_put_string(msg, NFGATE_TRACE_A_SERVER, buf);
}

static int nfgate_trace_fill(struct sk_buff *msg, const struct sk_buff *skb,
			     const struct nf_conn *ct, u8 stage, u8 decision,
			     const struct nfgate_trace_why *why)
{
	const struct iphdr *iph = ip_hdr(skb);
	struct nlattr *nest = nla_nest_start(msg, NFGATE_A_TRACE);
	__be16 ports[2];

	if (!nest ||
	    nla_put_u8(msg, NFGATE_TRACE_A_STAGE, stage) ||
	    nla_put_u8(msg, NFGATE_TRACE_A_DECISION, decision) ||
	    nla_put_u32(msg, NFGATE_TRACE_A_FLOW, nf_ct_get_id(ct)) ||
	    nla_put_u16(msg, NFGATE_TRACE_A_IPID, ntohs(iph->id)) ||
	    nla_put_u64_64bit(msg, NFGATE_TRACE_A_TIME_NS, ktime_get_ns(),
			      NFGATE_TRACE_A_PAD) ||
	    nla_put_in_addr(msg, NFGATE_TRACE_A_SADDR, iph->saddr) ||
	    nla_put_in_addr(msg, NFGATE_TRACE_A_DADDR, iph->daddr) ||
	    nla_put_u8(msg, NFGATE_TRACE_A_PROTO, iph->protocol))
		return -EMSGSIZE;
	if ((iph->protocol == IPPROTO_TCP || iph->protocol == IPPROTO_UDP) &&
	    !skb_copy_bits(skb, skb_transport_offset(skb), ports,
			   sizeof(ports)) &&
	    (nla_put_be16(msg, NFGATE_TRACE_A_SPORT, ports[0]) ||
	     nla_put_be16(msg, NFGATE_TRACE_A_DPORT, ports[1])))
		return -EMSGSIZE;
	if (why->dev && nla_put_string(msg, NFGATE_TRACE_A_DEV, why->dev->name))
		return -EMSGSIZE;
	if (why->up && nla_put_string(msg, NFGATE_TRACE_A_UPLINK, why->up->ifname))
		return -EMSGSIZE;
	if (why->reason && nla_put_u8(msg, NFGATE_TRACE_A_REASON, why->reason))
		return -EMSGSIZE;
	if (why->srv && nfgate_trace_put_server(msg, why->srv))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

/* The uplink in the connection's mark, if any. */
struct nfgate_uplink *nfgate_trace_ct_uplink(struct nfgate_net *nn,
					     const struct nf_conn *ct)
{
	return nfgate_uplink_by_id(nn, nfgate_mark_id(nn, READ_ONCE(ct->mark)));
}

static void nfgate_trace_emit(struct nfgate_net *nn, const struct sk_buff *skb,
			      u8 stage, u8 decision,
			      const struct nfgate_trace_why *why)
{
	struct nfgate_trace *tr = rcu_dereference(nn->trace);
	enum ip_conntrack_info ctinfo;
	struct nf_conn *ct;
	struct sk_buff *msg;
	void *hdr;

	if (!tr)
		return;
	ct = nf_ct_get(skb, &ctinfo);
	if (!ct || !nfgate_trace_match(tr, ct) || !__ratelimit(&tr->rs))
		return;
	msg = nfgate_trace_msg_new(nn, &hdr);
	if (!msg)
		return;
	nfgate_trace_msg_send(nn, msg, hdr,
			      nfgate_trace_fill(msg, skb, ct, stage, decision,
						why));
}

/* Called when nfgate_trace_on(): one stage of a packet, if it matches. */
void __nfgate_trace(struct nfgate_net *nn, const struct sk_buff *skb,
		    u8 stage, u8 decision, const struct net_device *dev,
		    const struct nfgate_uplink *up)
{
	struct nfgate_trace_why why = { .dev = dev, .up = up };

	nfgate_trace_emit(nn, skb, stage, decision, &why);
}

/*
 * tunnel.c, when nfgate_trace_on(): the tunnel decision for a LAN packet,
 * @reason the rule (NFGATE_TUNNEL_R_OFF: not known), @srv the server.
 */
void __nfgate_trace_tunnel(struct nfgate_net *nn, const struct sk_buff *skb,
			   u8 decision, u8 reason, const struct nfgate_tsrv *srv)
{
	struct nfgate_trace_why why = {
		.dev = skb->dev, .reason = reason, .srv = srv,
	};

	nfgate_trace_emit(nn, skb, NFGATE_TRACE_TUNNEL, decision, &why);
}

/*
 * LOCAL_IN, registered only while the namespace traces: the routing
 * decision was "deliver to the router".
 */
static unsigned int nfgate_trace_local_in(void *priv, struct sk_buff *skb,
					  const struct nf_hook_state *state)
{
	struct nfgate_net *nn = nfgate_pernet(state->net);
	enum ip_conntrack_info ctinfo;
	struct nf_conn *ct = nf_ct_get(skb, &ctinfo);

	__nfgate_trace(nn, skb, NFGATE_TRACE_ROUTE, NFGATE_TRACE_D_LOCAL,
		       state->in, ct ? nfgate_trace_ct_uplink(nn, ct) : NULL);
	return NF_ACCEPT;
}

static const struct nf_hook_ops nfgate_trace_local_in_ops = {
	.hook		= nfgate_trace_local_in,
	.pf		= NFPROTO_IPV4,
	.hooknum	= NF_INET_LOCAL_IN,
	.priority	= NF_IP_PRI_MANGLE + 1,	/* as FORWARD's route stage */
};

/* The egress decision: what NAT did to this packet's connection. */
u8 nfgate_trace_nat_decision(const struct sk_buff *skb)
{
	enum ip_conntrack_info ctinfo;
	struct nf_conn *ct = nf_ct_get(skb, &ctinfo);
	bool snat, dnat;

	if (!ct)
		return NFGATE_TRACE_D_NO_NAT;
	snat = test_bit(IPS_SRC_NAT_BIT, &ct->status);
	dnat = test_bit(IPS_DST_NAT_BIT, &ct->status);
	if (!snat && !dnat)
		return NFGATE_TRACE_D_NO_NAT;
	if (CTINFO2DIR(ctinfo) == IP_CT_DIR_REPLY)
		return NFGATE_TRACE_D_NAT_REPLY;
	if (snat && dnat)
		return NFGATE_TRACE_D_HAIRPIN;
	return snat ? NFGATE_TRACE_D_MASQUERADE : NFGATE_TRACE_D_PORT_FORWARD;
}

/* NFGATE_CMD_TRACE_SET, under nn->lock. */
int nfgate_trace_set(struct nfgate_net *nn, struct nlattr **tb,
		     struct netlink_ext_ack *extack)
{
	struct nfgate_trace *old = rcu_dereference_protected(nn->trace,
				lockdep_is_held(&nn->lock));
	struct nfgate_trace *tr = NULL;

	if (!tb[NFGATE_TRACE_A_ON]) {
		NL_SET_ERR_MSG(extack, "trace ON is required");
		return -EINVAL;
	}
	if (nla_get_u8(tb[NFGATE_TRACE_A_ON])) {
		tr = kzalloc(sizeof(*tr), GFP_KERNEL);
		if (!tr)
			return -ENOMEM;
		if (tb[NFGATE_TRACE_A_HOST])
			tr->host = nla_get_in_addr(tb[NFGATE_TRACE_A_HOST]);
		if (tb[NFGATE_TRACE_A_PORT])
			tr->port = nla_get_be16(tb[NFGATE_TRACE_A_PORT]);
		ratelimit_state_init(&tr->rs, HZ, NFGATE_TRACE_PER_SEC);
		ratelimit_set_flags(&tr->rs, RATELIMIT_MSG_ON_RELEASE);
		if (!old) {
			int err = nf_register_net_hook(nn->net,
						       &nfgate_trace_local_in_ops);

			if (err) {
				kfree(tr);
				return err;
			}
			static_branch_inc(&nfgate_trace_key);
		}
	} else if (old) {
		nf_unregister_net_hook(nn->net, &nfgate_trace_local_in_ops);
		static_branch_dec(&nfgate_trace_key);
	}
	rcu_assign_pointer(nn->trace, tr);
	if (old)
		kfree_rcu(old, rcu);
	return 0;
}

/* The namespace is going away, under nn->lock. */
void nfgate_trace_free(struct nfgate_net *nn)
{
	struct nfgate_trace *tr = rcu_dereference_protected(nn->trace,
				lockdep_is_held(&nn->lock));

	if (!tr)
		return;
	nf_unregister_net_hook(nn->net, &nfgate_trace_local_in_ops);
	RCU_INIT_POINTER(nn->trace, NULL);
	static_branch_dec(&nfgate_trace_key);
	kfree_rcu(tr, rcu);
}
