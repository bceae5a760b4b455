// SPDX-License-Identifier: GPL-2.0
/*
 * nfgate: the hook table.
 *
 * This is the one place that says which nfgate function runs where. It is
 * written in the order a packet meets the hooks:
 *
 *   ingress         PRE_ROUTING   conntrack (-200) < nfgate_pre_routing
 *                                 (-199) < mangle (-150) < DNAT (-100)
 *   routing decision: deliver to the router, or pass it on
 *   forward         FORWARD       nfgate_forward (-149), before filter (0)
 *   router's own    LOCAL_OUT     conntrack (-200) < nfgate_local_out
 *                                 (-149), where a mark may still reroute
 *   egress          POST_ROUTING  SNAT (100) < nfgate_post_routing (101)
 *                                 < conntrack confirm (INT_MAX)
 *
 * The hooks of a namespace are registered when it is first configured and
 * unregistered when its last object goes away, so an unconfigured namespace
 * runs no nfgate code at all.
 */

#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/skbuff.h>

#include "nfgate.h"

static unsigned int nfgate_pre_routing(void *priv, struct sk_buff *skb,
				       const struct nf_hook_state *state)
{
	struct nfgate_net *nn = nfgate_pernet(state->net);
	struct nfgate_uplink *up;

	nfgate_stat_inc(nn, NFGATE_STAT_PRE_ROUTING);
	up = nfgate_uplink_by_ifindex(nn, state->in->ifindex);
	if (up)
		nfgate_uplink_account(up, NFGATE_DIR_RX, skb->len);
	return NF_ACCEPT;
}

static unsigned int nfgate_forward(void *priv, struct sk_buff *skb,
				   const struct nf_hook_state *state)
{
	nfgate_stat_inc(nfgate_pernet(state->net), NFGATE_STAT_FORWARD);
	return NF_ACCEPT;
}

static unsigned int nfgate_local_out(void *priv, struct sk_buff *skb,
				     const struct nf_hook_state *state)
{
	nfgate_stat_inc(nfgate_pernet(state->net), NFGATE_STAT_LOCAL_OUT);
	return NF_ACCEPT;
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
	err = nf_register_net_hooks(nn->net, nfgate_hook_ops,
				    ARRAY_SIZE(nfgate_hook_ops));
	if (err)
		return err;
	nn->hooks_registered = true;
	return 0;
}

void nfgate_hooks_unregister(struct nfgate_net *nn)
{
	if (!nn->hooks_registered)
		return;
	nf_unregister_net_hooks(nn->net, nfgate_hook_ops,
				ARRAY_SIZE(nfgate_hook_ops));
	nn->hooks_registered = false;
}
