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
 */

#include <linux/ip.h>
#include <linux/jump_label.h>
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

static int nfgate_trace_fill(struct sk_buff *msg, const struct sk_buff *skb,
			     const struct nf_conn *ct, u8 stage, u8 decision,
			     const struct net_device *dev,
			     const struct nfgate_uplink *up)
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
	if (dev && nla_put_string(msg, NFGATE_TRACE_A_DEV, dev->name))
		return -EMSGSIZE;
	if (up && nla_put_string(msg, NFGATE_TRACE_A_UPLINK, up->ifname))
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

/* Called when nfgate_trace_on(): one stage of a packet, if it matches. */
void __nfgate_trace(struct nfgate_net *nn, const struct sk_buff *skb,
		    u8 stage, u8 decision, const struct net_device *dev,
		    const struct nfgate_uplink *up)
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
						dev, up));
}

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
		if (!old)
			static_branch_inc(&nfgate_trace_key);
	} else if (old) {
		static_branch_dec(&nfgate_trace_key);
	}
	rcu_assign_pointer(nn->trace, tr);
	if (old)
		kfree_rcu(old, rcu);
	return 0;
}

/* The namespace is going away. */
void nfgate_trace_free(struct nfgate_net *nn)
{
	struct nfgate_trace *tr = rcu_dereference_protected(nn->trace, true);

	if (!tr)
		return;
	RCU_INIT_POINTER(nn->trace, NULL);
	static_branch_dec(&nfgate_trace_key);
	kfree_rcu(tr, rcu);
}
