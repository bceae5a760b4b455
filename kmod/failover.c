// SPDX-License-Identifier: GPL-2.0
/*
 * nfgate: when an uplink dies, its connections go, and only those.
 *
 * The conntrack entries pinned to the uplink are deleted (the rest of the
 * table is untouched), so the next packet of each becomes a new connection
 * that is given a live uplink. The LAN host of each established TCP
 * connection gets a RST, built by the kernel's own nf_send_reset() as the
 * answer to the segment the host would send next, so that applications
 * reconnect at once instead of waiting for a timeout.
 */

#include <linux/netfilter.h>
#include <linux/slab.h>
#include <net/ip.h>
#include <net/netfilter/ipv4/nf_reject.h>
#include <net/netfilter/nf_conntrack.h>
#include <net/tcp.h>

#include "nfgate.h"

/* RSTs sent per flush at most; the rest are only deleted. */
#define NFGATE_FLUSH_RST_MAX	4096

struct nfgate_rst {
	__be32 host, peer;
	__be16 host_port, peer_port;
	u32 host_next;		/* next sequence number of the host */
	u32 peer_next;		/* next sequence number the host expects */
};

struct nfgate_flush_ctx {
	struct nfgate_net *nn;
	u32 id;
	__be32 lan_addr, lan_mask;
	unsigned int flushed;
	unsigned int n_rst;
	unsigned int max_rst;
	struct nfgate_rst *rst;
};

/* Called under a conntrack bucket lock, BH off: only look and note. */
static int nfgate_flush_iter(struct nf_conn *ct, void *data)
{
	struct nfgate_flush_ctx *ctx = data;
	const struct nf_conntrack_tuple *t;
	struct nfgate_rst *r;

	if (nfgate_mark_id(ctx->nn, READ_ONCE(ct->mark)) != ctx->id)
		return 0;
	ctx->flushed++;
	t = &ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple;
	if (ctx->n_rst >= ctx->max_rst || t->src.l3num != NFPROTO_IPV4 ||
	    nf_ct_protonum(ct) != IPPROTO_TCP ||
	    (t->src.u3.ip & ctx->lan_mask) != ctx->lan_addr ||
	    READ_ONCE(ct->proto.tcp.state) != TCP_CONNTRACK_ESTABLISHED)
		return 1;
	r = &ctx->rst[ctx->n_rst++];
	r->host = t->src.u3.ip;
	r->host_port = t->src.u.tcp.port;
	r->peer = t->dst.u3.ip;
	r->peer_port = t->dst.u.tcp.port;
	r->host_next = READ_ONCE(ct->proto.tcp.seen[IP_CT_DIR_ORIGINAL].td_end);
	r->peer_next = READ_ONCE(ct->proto.tcp.seen[IP_CT_DIR_REPLY].td_end);
	return 1;
}

/*
 * Answer, with nf_send_reset(), the ACK the host would send next: the RST
 * goes to the host, from its peer, with the sequence number it expects.
 */
static bool nfgate_send_rst(struct net *net, const struct nfgate_rst *r)
{
	struct sk_buff *skb;
	struct tcphdr *th;
	struct iphdr *iph;

	skb = alloc_skb(LL_MAX_HEADER + sizeof(*iph) + sizeof(*th), GFP_KERNEL);
	if (!skb)
		return false;
	skb_reserve(skb, LL_MAX_HEADER);
	skb_reset_network_header(skb);
	iph = skb_put_zero(skb, sizeof(*iph));
	iph->version = 4;
	iph->ihl = sizeof(*iph) / 4;
	iph->tot_len = htons(sizeof(*iph) + sizeof(*th));
	iph->ttl = 64;
	iph->protocol = IPPROTO_TCP;
	iph->saddr = r->host;
	iph->daddr = r->peer;
	ip_send_check(iph);
	skb_set_transport_header(skb, sizeof(*iph));
	th = skb_put_zero(skb, sizeof(*th));
	th->source = r->host_port;
	th->dest = r->peer_port;
	th->seq = htonl(r->host_next);
	th->ack_seq = htonl(r->peer_next);
	th->doff = sizeof(*th) / 4;
	th->ack = 1;
	skb->protocol = htons(ETH_P_IP);
	skb->ip_summed = CHECKSUM_UNNECESSARY;	/* we made it */
	skb->dev = net->loopback_dev;

	local_bh_disable();
	rcu_read_lock();
	nf_send_reset(net, NULL, skb, NF_INET_FORWARD);
	rcu_read_unlock();
	local_bh_enable();
	kfree_skb(skb);
	return true;
}

/* RTNL and nn->lock held: @up just died or is being deleted. */
void nfgate_failover_flush(struct nfgate_net *nn, struct nfgate_uplink *up)
{
	struct nfgate_flush_ctx ctx = { .nn = nn, .id = up->id };
	struct nf_ct_iter_data iter = { .net = nn->net, .data = &ctx };
	struct nfgate_lan *lan;
	unsigned int i, sent = 0;

	lockdep_assert_held(&nn->lock);
	lan = rcu_dereference_protected(nn->lan, lockdep_is_held(&nn->lock));
	if (lan && READ_ONCE(nn->failover_rst)) {
		ctx.lan_addr = lan->addr;
		ctx.lan_mask = lan->mask;
		ctx.rst = kvmalloc_array(NFGATE_FLUSH_RST_MAX, sizeof(*ctx.rst),
					 GFP_KERNEL);
		if (ctx.rst)
			ctx.max_rst = NFGATE_FLUSH_RST_MAX;
	}
	nf_ct_iterate_cleanup_net(nfgate_flush_iter, &iter);
	for (i = 0; i < ctx.n_rst; i++)
		sent += nfgate_send_rst(nn->net, &ctx.rst[i]);
	kvfree(ctx.rst);

	nfgate_stat_add(nn, NFGATE_STAT_FLUSHED, ctx.flushed);
	nfgate_stat_add(nn, NFGATE_STAT_RESETS_SENT, sent);
	if (ctx.flushed)
		nfgate_notify_flush(nn, up, ctx.flushed, sent);
}
