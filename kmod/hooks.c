// SPDX-License-Identifier: GPL-2.0
/*
 * nfgate: the hook table.
 *
 * This is the one place that says which nfgate function runs where. It is
 * written in the order a packet meets the hooks:
 *
 *   ingress       PRE_ROUTING   conntrack (-200)
 *                               nfgate_pre_routing (-199): uplink rx
 *                                 accounting, anti-spoofing, pinning of
 *                                 connections that arrive on an uplink;
 *                                 from the LAN: UDP into the tunnel by
 *                                 TPROXY (tunnel.c)
 *                               mangle (-150)
 *                               nfgate_nat_pre (DNAT, -100, nat.c): port
 *                                 forwards and hairpin; TCP from the LAN
 *                                 into the tunnel by REDIRECT (tunnel.c)
 *                               nfgate_pre_routing_last (LAST): a DNS reply
 *                                 from an uplink, de-NATed, is judged and
 *                                 passed, dropped or held (dns.c)
 *   routing decision: deliver to the router, or pass it on
 *   to the router LOCAL_IN      nfgate_trace_local_in (-149, trace.c): the
 *                                 trace's "delivered to the router", only
 *                                 in a namespace while it traces
 *   forward       FORWARD       nfgate_forward (-149): per-host accounting
 *                                 (hosts.c), uplink choice for a new LAN
 *                                 connection, route moved to the
 *                                 connection's uplink (steer.c)
 *                               filter (0)
 *   router's own  LOCAL_OUT     conntrack (-200)
 *                               nfgate_local_out (-149): the same, for
 *                                 the router's own queries and connections
 *                               nfgate_nat_out (DNAT, -100, nat.c): the
 *                                 agent's tunnel checks into ss-redir
 *   egress        POST_ROUTING  nfgate_nat_post (SNAT, 100, nat.c):
 *                                 masquerade on the uplink, hairpin SNAT
 *                               nfgate_post_routing (101): uplink tx
 *                                 accounting
 *                               conntrack confirm (INT_MAX)
 *
 * The NAT functions are not netfilter hooks of their own: the NAT core
 * calls them for connections without a NAT binding (nf_nat_ipv4_register_fn)
 * and applies the binding itself.
 *
 * The hooks of a namespace are registered when it is first configured and
 * unregistered when its last object goes away, so an unconfigured namespace
 * runs no nfgate code at all.
 */

#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/skbuff.h>
#include <net/dst.h>
#include <net/netfilter/nf_conntrack.h>

#include "nfgate.h"

/*
 * The packet trace (trace.c): a static key, off unless some namespace
 * traces, so an untraced router pays one patched-out branch per hook.
 */
static inline void nfgate_trace(struct nfgate_net *nn,
				const struct sk_buff *skb, u8 stage,
				u8 decision, const struct net_device *dev,
				const struct nfgate_uplink *up)
{
	if (nfgate_trace_on())
		__nfgate_trace(nn, skb, stage, decision, dev, up);
}

/* The uplink a traced packet's connection has now, in its mark. */
static struct nfgate_uplink *nfgate_trace_uplink(struct nfgate_net *nn,
						 const struct sk_buff *skb)
{
	enum ip_conntrack_info ctinfo;
	struct nf_conn *ct = nf_ct_get(skb, &ctinfo);

	return ct ? nfgate_trace_ct_uplink(nn, ct) : NULL;
}

/* FORWARD, LOCAL_OUT: the uplink the connection has after steering. */
static void nfgate_trace_steer(struct nfgate_net *nn, struct sk_buff *skb,
			       u8 stage, unsigned int verdict)
{
	enum ip_conntrack_info ctinfo;
	struct nf_conn *ct = nf_ct_get(skb, &ctinfo);
	struct nfgate_uplink *up = ct ? nfgate_trace_ct_uplink(nn, ct) : NULL;
	struct dst_entry *dst = skb_dst(skb);
	u8 d;

	if (verdict == NF_DROP)
		d = NFGATE_TRACE_D_NO_UPLINK;
	else if (!up)
		d = NFGATE_TRACE_D_PASS;
	else if (ctinfo == IP_CT_NEW)
		d = NFGATE_TRACE_D_NEW_UPLINK;
	else
		d = NFGATE_TRACE_D_PINNED;
	__nfgate_trace(nn, skb, stage, d, dst ? dst->dev : NULL, up);
}

static unsigned int nfgate_pre_routing(void *priv, struct sk_buff *skb,
				       const struct nf_hook_state *state)
{
	struct nfgate_net *nn = nfgate_pernet(state->net);
	struct nfgate_uplink *up;
	unsigned int v;

	nfgate_stat_inc(nn, NFGATE_STAT_PRE_ROUTING);
	up = nfgate_uplink_by_ifindex(nn, state->in->ifindex);
	if (!up) {
		nfgate_trace(nn, skb, NFGATE_TRACE_INGRESS, NFGATE_TRACE_D_PASS,
			     state->in, NULL);
		return nfgate_tunnel_tproxy(nn, skb, state);
	}
	nfgate_uplink_account(up, NFGATE_DIR_RX, skb->len);
	if (nfgate_antispoof_drop(nn, skb)) {
		nfgate_trace(nn, skb, NFGATE_TRACE_INGRESS,
			     NFGATE_TRACE_D_SPOOF_DROP, state->in, up);
		return NF_DROP;
	}
	v = nfgate_steer_inbound(nn, skb, up);
	if (nfgate_trace_on()) {
		enum ip_conntrack_info ctinfo;
		struct nf_conn *ct = nf_ct_get(skb, &ctinfo);
		struct nfgate_uplink *pinned = ct ?
			nfgate_trace_ct_uplink(nn, ct) : NULL;

		__nfgate_trace(nn, skb, NFGATE_TRACE_INGRESS,
			       pinned == up && ctinfo == IP_CT_NEW ?
			       NFGATE_TRACE_D_INBOUND : NFGATE_TRACE_D_PASS,
			       state->in, pinned);
	}
	return v;
}

/* After NAT: a DNS reply from an uplink is judged, maybe held. */
static unsigned int nfgate_pre_routing_last(void *priv, struct sk_buff *skb,
					    const struct nf_hook_state *state)
{
	struct nfgate_net *nn = nfgate_pernet(state->net);
	unsigned int v;

	if (!rcu_access_pointer(nn->dns) ||
	    !nfgate_uplink_by_ifindex(nn, state->in->ifindex))
		return NF_ACCEPT;
	if (!nfgate_trace_on())
		return nfgate_dns_reply(nn, skb, state);
	/* traced: the packet before the verdict (a held one is not ours) */
	__nfgate_trace(nn, skb, NFGATE_TRACE_DNS, NFGATE_TRACE_D_PASS,
		       state->in, NULL);
	v = nfgate_dns_reply(nn, skb, state);
	return v;
}

static unsigned int nfgate_forward(void *priv, struct sk_buff *skb,
				   const struct nf_hook_state *state)
{
	struct nfgate_net *nn = nfgate_pernet(state->net);
	unsigned int v;

	nfgate_stat_inc(nn, NFGATE_STAT_FORWARD);
	nfgate_hosts_account(nn, skb);
	nfgate_dns_query(nn, skb, false);
	nfgate_trace(nn, skb, NFGATE_TRACE_ROUTE, NFGATE_TRACE_D_FORWARD,
		     state->out, NULL);
	v = nfgate_steer_forward(nn, skb, state);
	if (nfgate_trace_on())
		nfgate_trace_steer(nn, skb, NFGATE_TRACE_FORWARD, v);
	return v;
}

static unsigned int nfgate_local_out(void *priv, struct sk_buff *skb,
				     const struct nf_hook_state *state)
{
	struct nfgate_net *nn = nfgate_pernet(state->net);
	unsigned int v;

	nfgate_stat_inc(nn, NFGATE_STAT_LOCAL_OUT);
	nfgate_dns_query(nn, skb, true);
	v = nfgate_steer_local_out(nn, skb, state);
	if (nfgate_trace_on())
		nfgate_trace_steer(nn, skb, NFGATE_TRACE_LOCAL_OUT, v);
	return v;
}

static unsigned int nfgate_post_routing(void *priv, struct sk_buff *skb,
					const struct nf_hook_state *state)
{
	struct nfgate_net *nn = nfgate_pernet(state->net);
	struct nfgate_uplink *up;

	nfgate_stat_inc(nn, NFGATE_STAT_POST_ROUTING);
	up = nfgate_uplink_by_ifindex(nn, state->out->ifindex);
	if (up)
		nfgate_uplink_account(up, NFGATE_DIR_TX, skb->len);
	if (nfgate_trace_on())
		__nfgate_trace(nn, skb, NFGATE_TRACE_EGRESS,
			       nfgate_trace_nat_decision(skb), state->out,
			       nfgate_trace_uplink(nn, skb));
	return NF_ACCEPT;
}

static const struct nf_hook_ops nfgate_hook_ops[] = {
	{
		.hook		= nfgate_pre_routing,
		.pf		= NFPROTO_IPV4,
		.hooknum	= NF_INET_PRE_ROUTING,
		.priority	= NF_IP_PRI_CONNTRACK + 1,
	},
	{
		.hook		= nfgate_pre_routing_last,
		.pf		= NFPROTO_IPV4,
		.hooknum	= NF_INET_PRE_ROUTING,
		.priority	= NF_IP_PRI_LAST,
	},
	{
		.hook		= nfgate_forward,
		.pf		= NFPROTO_IPV4,
		.hooknum	= NF_INET_FORWARD,
		.priority	= NF_IP_PRI_MANGLE + 1,
	},
	{
		.hook		= nfgate_local_out,
		.pf		= NFPROTO_IPV4,
		.hooknum	= NF_INET_LOCAL_OUT,
		.priority	= NF_IP_PRI_MANGLE + 1,
	},
	{
		.hook		= nfgate_post_routing,
		.pf		= NFPROTO_IPV4,
		.hooknum	= NF_INET_POST_ROUTING,
		.priority	= NF_IP_PRI_NAT_SRC + 1,
	},
};

/* Called with nn->lock held after every configuration change. */
int nfgate_hooks_sync(struct nfgate_net *nn)
{
	int err;

	lockdep_assert_held(&nn->lock);
	if (nfgate_configured(nn) == nn->hooks_registered)
		return 0;
	if (nn->hooks_registered) {
		nfgate_hooks_unregister(nn);
		return 0;
	}
	/* Conntrack runs in a namespace only while someone asks for it. */
	err = nf_ct_netns_get(nn->net, NFPROTO_IPV4);
	if (err)
		return err;
	err = nf_register_net_hooks(nn->net, nfgate_hook_ops,
				    ARRAY_SIZE(nfgate_hook_ops));
	if (err)
		goto err_ct;
	err = nfgate_nat_register(nn);
	if (err)
		goto err_hooks;
	nn->hooks_registered = true;
	return 0;

err_hooks:
	nf_unregister_net_hooks(nn->net, nfgate_hook_ops,
				ARRAY_SIZE(nfgate_hook_ops));
err_ct:
	nf_ct_netns_put(nn->net, NFPROTO_IPV4);
	return err;
}

void nfgate_hooks_unregister(struct nfgate_net *nn)
{
	if (!nn->hooks_registered)
		return;
	nfgate_nat_unregister(nn);
	nf_unregister_net_hooks(nn->net, nfgate_hook_ops,
				ARRAY_SIZE(nfgate_hook_ops));
	nf_ct_netns_put(nn->net, NFPROTO_IPV4);
	nn->hooks_registered = false;
}
