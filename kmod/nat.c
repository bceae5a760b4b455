// SPDX-License-Identifier: GPL-2.0
/*
 * nfgate: NAT, through conntrack and the kernel's NAT core.
 *
 * nfgate registers two lookup functions with the NAT core
 * (nf_nat_ipv4_register_fn); the core calls them for the first packet of a
 * connection that has no binding yet, and does the translation itself:
 *
 *   PRE_ROUTING (DNAT priority): port forwards, reached from an uplink on
 *     that uplink's address, or from the LAN on any uplink's address
 *     (hairpin).
 *   POST_ROUTING (SNAT priority): masquerade toward the uplink a connection
 *     leaves by (source = that uplink's address now), and hairpin SNAT on
 *     the LAN so the LAN server's reply comes back through the router.
 *   And for the tunnel (tunnel.c): at PRE_ROUTING, a LAN connection that is
 *   no port forward may be redirected to ss-redir; at LOCAL_OUT (DNAT
 *   priority), the agent's checks go to the ss-redir of the server checked.
 *
 * Masqueraded connections are forgotten by the NAT core's own notifiers when
 * their device goes down or loses the address.
 *
 * Also here: the anti-spoofing rule of the uplinks.
 */

#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <net/ip.h>
#include <net/netfilter/nf_conntrack.h>
#include <net/netfilter/nf_nat.h>
#include <net/netfilter/nf_nat_masquerade.h>

#include "nfgate.h"

static unsigned int nfgate_nat_pre(void *priv, struct sk_buff *skb,
				   const struct nf_hook_state *state)
{
	struct nfgate_net *nn = nfgate_pernet(state->net);
	struct nfgate_uplink *in_up, *up;
	enum ip_conntrack_info ctinfo;
	struct nf_nat_range2 range = {};
	const struct iphdr *iph = ip_hdr(skb);
	struct nfgate_portfwd *pf = NULL;
	const __be16 *ports;
	__be16 _ports[2];
	struct nf_conn *ct;

	if (iph->protocol != IPPROTO_TCP && iph->protocol != IPPROTO_UDP)
		return NF_ACCEPT;
	ct = nf_ct_get(skb, &ctinfo);
	if (!ct || ctinfo != IP_CT_NEW)
		return NF_ACCEPT;
	ports = skb_header_pointer(skb, ip_hdrlen(skb), sizeof(_ports), _ports);
	if (!ports)
		return NF_ACCEPT;

	in_up = nfgate_uplink_by_ifindex(nn, state->in->ifindex);
	if (in_up) {
		if (iph->daddr == READ_ONCE(in_up->addr))
			pf = nfgate_portfwd_find(nn, iph->protocol, ports[1],
						 in_up->ifname);
	} else {
		struct nfgate_lan *lan = rcu_dereference(nn->lan);

		if (!lan || state->in->ifindex != READ_ONCE(lan->ifindex))
			return NF_ACCEPT;
		list_for_each_entry_rcu(up, &nn->uplinks, list) {
			if (iph->daddr != READ_ONCE(up->addr))
				continue;
			pf = nfgate_portfwd_find(nn, iph->protocol, ports[1],
						 up->ifname);
			break;
		}
	}
	if (!pf)
		return in_up ? NF_ACCEPT : nfgate_tunnel_redirect(nn, skb, ct);
	atomic64_inc(&pf->hits);
	nfgate_stat_inc(nn, NFGATE_STAT_PORT_FORWARDED);
	range.flags = NF_NAT_RANGE_MAP_IPS | NF_NAT_RANGE_PROTO_SPECIFIED;
	range.min_addr.ip = pf->to_addr;
	range.max_addr.ip = pf->to_addr;
	range.min_proto.all = pf->to_port;
	range.max_proto.all = pf->to_port;
	return nf_nat_setup_info(ct, &range, NF_NAT_MANIP_DST);
}

static unsigned int nfgate_nat_post(void *priv, struct sk_buff *skb,
				    const struct nf_hook_state *state)
{
	struct nfgate_net *nn = nfgate_pernet(state->net);
	const struct nf_nat_range2 range = {};
	enum ip_conntrack_info ctinfo;
	struct nfgate_uplink *up;
	struct nfgate_lan *lan;
	struct nf_conn *ct;
	__be32 saddr;

	ct = nf_ct_get(skb, &ctinfo);
	if (!ct)
		return NF_ACCEPT;
	saddr = ip_hdr(skb)->saddr;
	up = nfgate_uplink_by_ifindex(nn, state->out->ifindex);
	if (up) {
		/* LAN hosts, and the router's own traffic moved here. */
		if (saddr == READ_ONCE(up->addr))
			return NF_ACCEPT;
		nfgate_stat_inc(nn, NFGATE_STAT_MASQUERADED);
		return nf_nat_masquerade_ipv4(skb, state->hook, &range,
					      state->out);
	}
	lan = rcu_dereference(nn->lan);
	if (lan && state->out->ifindex == READ_ONCE(lan->ifindex) &&
	    (ct->status & IPS_DST_NAT) && nfgate_in_lan(lan, saddr)) {
		nfgate_stat_inc(nn, NFGATE_STAT_HAIRPIN);
		return nf_nat_masquerade_ipv4(skb, state->hook, &range,
					      state->out);
	}
	return NF_ACCEPT;
}

/* The router's own connections: the tunnel's checks (tunnel.c). */
static unsigned int nfgate_nat_out(void *priv, struct sk_buff *skb,
				   const struct nf_hook_state *state)
{
	return nfgate_tunnel_nat_out(nfgate_pernet(state->net), skb);
}

static const struct nf_hook_ops nfgate_nat_ops[] = {
	{
		.hook		= nfgate_nat_pre,
		.pf		= NFPROTO_IPV4,
		.hooknum	= NF_INET_PRE_ROUTING,
		.priority	= NF_IP_PRI_NAT_DST,
	},
	{
		.hook		= nfgate_nat_post,
		.pf		= NFPROTO_IPV4,
		.hooknum	= NF_INET_POST_ROUTING,
		.priority	= NF_IP_PRI_NAT_SRC,
	},
	{
		.hook		= nfgate_nat_out,
		.pf		= NFPROTO_IPV4,
		.hooknum	= NF_INET_LOCAL_OUT,
		.priority	= NF_IP_PRI_NAT_DST,
	},
};

int nfgate_nat_register(struct nfgate_net *nn)
{
	int i, err;

	for (i = 0; i < ARRAY_SIZE(nfgate_nat_ops); i++) {
		err = nf_nat_ipv4_register_fn(nn->net, &nfgate_nat_ops[i]);
		if (err)
			goto err_unregister;
	}
	return 0;

err_unregister:
	while (--i >= 0)
		nf_nat_ipv4_unregister_fn(nn->net, &nfgate_nat_ops[i]);
	return err;
}

void nfgate_nat_unregister(struct nfgate_net *nn)
{
	int i;

	for (i = ARRAY_SIZE(nfgate_nat_ops) - 1; i >= 0; i--)
		nf_nat_ipv4_unregister_fn(nn->net, &nfgate_nat_ops[i]);
}

/*
 * An uplink never carries LAN addresses: drop what claims to come from the
 * LAN, or is sent to a LAN address directly (before any de-NAT, which
 * happens later, at the DNAT priority).
 */
bool nfgate_antispoof_drop(struct nfgate_net *nn, const struct sk_buff *skb)
{
	struct nfgate_lan *lan = rcu_dereference(nn->lan);
	const struct iphdr *iph = ip_hdr(skb);

	if (!nfgate_in_lan(lan, iph->saddr) && !nfgate_in_lan(lan, iph->daddr))
		return false;
	nfgate_stat_inc(nn, NFGATE_STAT_SPOOF_DROPPED);
	return true;
}
