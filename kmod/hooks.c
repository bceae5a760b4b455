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
#include <net/netfilter/nf_conntrack.h>

#include "nfgate.h"

static unsigned int nfgate_pre_routing(void *priv, struct sk_buff *skb,
				       const struct nf_hook_state *state)
{
	struct nfgate_net *nn = nfgate_pernet(state->net);
	struct nfgate_uplink *up;

	nfgate_stat_inc(nn, NFGATE_STAT_PRE_ROUTING);
	up = nfgate_uplink_by_ifindex(nn, state->in->ifindex);
	if (!up)
		return nfgate_tunnel_tproxy(nn, skb, state);
	nfgate_uplink_account(up, NFGATE_DIR_RX, skb->len);
	if (nfgate_antispoof_drop(nn, skb))
		return NF_DROP;
	return nfgate_steer_inbound(nn, skb, up);
}

/* After NAT: a DNS reply from an uplink is judged, maybe held. */
static unsigned int nfgate_pre_routing_last(void *priv, struct sk_buff *skb,
					    const struct nf_hook_state *state)
{
	struct nfgate_net *nn = nfgate_pernet(state->net);

	if (!rcu_access_pointer(nn->dns) ||
	    !nfgate_uplink_by_ifindex(nn, state->in->ifindex))
		return NF_ACCEPT;
	return nfgate_dns_reply(nn, skb, state);
}

static unsigned int nfgate_forward(void *priv, struct sk_buff *skb,
				   const struct nf_hook_state *state)
{
	struct nfgate_net *nn = nfgate_pernet(state->net);

	nfgate_stat_inc(nn, NFGATE_STAT_FORWARD);
	nfgate_hosts_account(nn, skb);
	nfgate_dns_query(nn, skb, false);
	return nfgate_steer_forward(nn, skb, state);
}

static unsigned int nfgate_local_out(void *priv, struct sk_buff *skb,
				     const struct nf_hook_state *state)
{
	struct nfgate_net *nn = nfgate_pernet(state->net);

	nfgate_stat_inc(nn, NFGATE_STAT_LOCAL_OUT);
	nfgate_dns_query(nn, skb, true);
	return nfgate_steer_local_out(nn, skb, state);
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
