// SPDX-License-Identifier: GPL-2.0
/*
 * nfgate: per LAN host accounting (what ipt_ACCOUNT did for the seed).
 *
 * A bounded table per namespace: at most hosts_max hosts (module
 * parameter, default NFGATE_HOSTS_DEFAULT_MAX, the seed's /22), each given
 * a slot the first time it is seen in forwarded traffic. Hosts are never
 * removed one by one, so the packet path needs no lock:
 *
 *  - the index is open addressing over twice as many buckets as slots
 *    (load at most 1/2), each bucket an address and its slot. A bucket is
 *    written once, under hosts->lock: slot first, then the address with a
 *    release store; readers load the address with acquire, so a reader
 *    that sees the address sees its slot. An empty bucket (0) ends a
 *    probe;
 *  - the counters are per CPU: one array of slots per possible CPU, each
 *    with its own u64_stats_sync, so the packet path adds to its own CPU's
 *    cache lines and never to a shared one. Reading sums the CPUs. The
 *    array is allocated per CPU with kvcalloc rather than alloc_percpu,
 *    whose units are limited to 32 KiB (1024 hosts x 32 bytes already);
 *  - a packet of a host that finds the table full is counted in
 *    NFGATE_STAT_HOSTS_OVERFLOW and not accounted.
 *
 * The table is replaced as a whole (a new LAN subnet, the namespace going
 * away) under RTNL and nn->lock, after the readers left (synchronize_net).
 */

#include <linux/ip.h>
#include <linux/jhash.h>
#include <linux/log2.h>
#include <linux/moduleparam.h>
#include <linux/random.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <net/genetlink.h>

#include "nfgate.h"

static unsigned int hosts_max = NFGATE_HOSTS_DEFAULT_MAX;
module_param(hosts_max, uint, 0444);
MODULE_PARM_DESC(hosts_max,
		 "LAN hosts accounted per namespace, 16..65536 (default 1024)");

#define NFGATE_HOSTS_MIN	16
#define NFGATE_HOSTS_LIMIT	65536

struct nfgate_host_ctr {
	u64_stats_t packets[__NFGATE_DIR_LAST];
	u64_stats_t bytes[__NFGATE_DIR_LAST];
};

struct nfgate_hosts_cpu {
	struct u64_stats_sync syncp;
	struct nfgate_host_ctr ctr[];	/* one per slot */
};

struct nfgate_host_bucket {
	__be32 addr;			/* 0: empty; release/acquire */
	u32 slot;
};

struct nfgate_hosts {
	spinlock_t lock;		/* writers of the index */
	u32 seed;
	u32 mask;			/* buckets - 1 */
	u32 max;			/* slots */
	u32 n;				/* slots used; release/acquire */
	__be32 *addr;			/* of each slot, for dumps */
	struct nfgate_host_bucket *bucket;
	struct nfgate_hosts_cpu **cpu;	/* [nr_cpu_ids] */
};

static u32 nfgate_hosts_max(void)
{
	return clamp_t(u32, READ_ONCE(hosts_max), NFGATE_HOSTS_MIN,
		       NFGATE_HOSTS_LIMIT);
}

static void nfgate_hosts_destroy(struct nfgate_hosts *h)
{
	unsigned int cpu;

	if (!h)
		return;
	if (h->cpu) {
		for_each_possible_cpu(cpu)
			kvfree(h->cpu[cpu]);
		kfree(h->cpu);
	}
	kvfree(h->bucket);
	kvfree(h->addr);
	kfree(h);
}

static struct nfgate_hosts *nfgate_hosts_create(void)
{
	struct nfgate_hosts *h;
	unsigned int cpu;
	u32 max = nfgate_hosts_max();

	h = kzalloc(sizeof(*h), GFP_KERNEL);
	if (!h)
		return NULL;
	spin_lock_init(&h->lock);
	h->seed = get_random_u32();
	h->max = max;
	h->mask = roundup_pow_of_two(2 * max) - 1;
	h->addr = kvcalloc(max, sizeof(*h->addr), GFP_KERNEL);
	h->bucket = kvcalloc(h->mask + 1, sizeof(*h->bucket), GFP_KERNEL);
	h->cpu = kcalloc(nr_cpu_ids, sizeof(*h->cpu), GFP_KERNEL);
	if (!h->addr || !h->bucket || !h->cpu)
		goto err;
	for_each_possible_cpu(cpu) {
		h->cpu[cpu] = kvzalloc(struct_size(h->cpu[cpu], ctr, max),
				       GFP_KERNEL);
		if (!h->cpu[cpu])
			goto err;
		u64_stats_init(&h->cpu[cpu]->syncp);
	}
	return h;

err:
	nfgate_hosts_destroy(h);
	return NULL;
}

/*
 * Called under RTNL and nn->lock when the LAN is set: a table for a new
 * subnet (the old one, of another subnet, is dropped), or nothing to do.
 */
int nfgate_hosts_lan_set(struct nfgate_net *nn, bool new_subnet)
{
	struct nfgate_hosts *old = rcu_dereference_protected(nn->hosts,
				lockdep_is_held(&nn->lock));
	struct nfgate_hosts *h;

	if (old && !new_subnet)
		return 0;
	h = nfgate_hosts_create();
	if (!h)
		return -ENOMEM;
	rcu_assign_pointer(nn->hosts, h);
	if (old) {
		synchronize_net();
		nfgate_hosts_destroy(old);
	}
	return 0;
}

/* The namespace is going away; its hooks are gone and readers left. */
void nfgate_hosts_free(struct nfgate_net *nn)
{
	nfgate_hosts_destroy(rcu_dereference_protected(nn->hosts, true));
	RCU_INIT_POINTER(nn->hosts, NULL);
}

/* The slot of @addr, adding it if there is room; -1 if the table is full. */
static int nfgate_host_slot(struct nfgate_hosts *h, __be32 addr)
{
	u32 i = jhash_1word((__force u32)addr, h->seed) & h->mask;
	struct nfgate_host_bucket *b;
	__be32 a;
	int slot = -1;

	for (;; i = (i + 1) & h->mask) {
		b = &h->bucket[i];
		/* pairs with the release below: the slot is written before */
		a = smp_load_acquire(&b->addr);
		if (a == addr)
			return b->slot;
		if (!a)
			break;
	}

	spin_lock(&h->lock);
	/* Another CPU may have added it, or filled this bucket, meanwhile. */
	for (;; i = (i + 1) & h->mask) {
		b = &h->bucket[i];
		a = b->addr;
		if (a == addr) {
			slot = b->slot;
			break;
		}
		if (a)
			continue;
		if (h->n < h->max) {
			slot = h->n;
			h->addr[slot] = addr;
			b->slot = slot;
			/* lockless readers: slot, then the address */
			smp_store_release(&b->addr, addr);
			/* dumps: the slot's address, then the count */
			smp_store_release(&h->n, h->n + 1);
		}
		break;
	}
	spin_unlock(&h->lock);
	return slot;
}

static void nfgate_host_add(struct nfgate_net *nn, struct nfgate_hosts *h,
			    __be32 addr, enum nfgate_uplink_dir dir,
			    unsigned int segs, unsigned int len)
{
	struct nfgate_hosts_cpu *c;
	struct nfgate_host_ctr *ctr;
	int slot = nfgate_host_slot(h, addr);

	if (slot < 0) {
		nfgate_stat_inc(nn, NFGATE_STAT_HOSTS_OVERFLOW);
		return;
	}
	c = h->cpu[smp_processor_id()];
	ctr = &c->ctr[slot];
	u64_stats_update_begin(&c->syncp);
	u64_stats_add(&ctr->packets[dir], segs);
	u64_stats_add(&ctr->bytes[dir], len);
	u64_stats_update_end(&c->syncp);
}

/*
 * The packets and bytes of @skb as they are on the wire: a GRO/GSO packet
 * of N TCP or UDP segments is N packets, each with its own IP and
 * transport header (the skb holds the headers once).
 */
static unsigned int nfgate_wire(const struct sk_buff *skb, unsigned int *len)
{
	const struct skb_shared_info *si = skb_shinfo(skb);
	unsigned int segs, hdr;

	*len = skb->len;
	if (!skb_is_gso(skb) || si->gso_segs < 2)
		return 1;
	if (si->gso_type & (SKB_GSO_TCPV4 | SKB_GSO_TCPV6))
		hdr = skb_transport_offset(skb) + tcp_hdrlen(skb);
	else if (si->gso_type & SKB_GSO_UDP_L4)
		hdr = skb_transport_offset(skb) + sizeof(struct udphdr);
	else
		return 1;
	segs = si->gso_segs;
	*len += (segs - 1) * hdr;
	return segs;
}

/*
 * A forwarded packet (FORWARD hook, softirq or BH disabled): accounted to
 * its LAN source as sent and to its LAN destination as received. Port
 * forwards are de-NATed by now, replies to masqueraded connections too.
 * A GRO packet counts as the segments it was received as.
 */
void nfgate_hosts_account(struct nfgate_net *nn, const struct sk_buff *skb)
{
	struct nfgate_hosts *h = rcu_dereference(nn->hosts);
	const struct nfgate_lan *lan;
	const struct iphdr *iph;
	unsigned int segs, len;

	if (!h)
		return;
	lan = rcu_dereference(nn->lan);
	if (!lan)
		return;
	iph = ip_hdr(skb);
	if (!nfgate_in_lan(lan, iph->saddr) && !nfgate_in_lan(lan, iph->daddr))
		return;
	segs = nfgate_wire(skb, &len);
	if (nfgate_in_lan(lan, iph->saddr))
		nfgate_host_add(nn, h, iph->saddr, NFGATE_DIR_TX, segs, len);
	if (nfgate_in_lan(lan, iph->daddr))
		nfgate_host_add(nn, h, iph->daddr, NFGATE_DIR_RX, segs, len);
}

static void nfgate_host_read(const struct nfgate_hosts *h, u32 slot,
			     u64 packets[__NFGATE_DIR_LAST],
			     u64 bytes[__NFGATE_DIR_LAST])
{
	unsigned int cpu, start;
	int d;

	for (d = 0; d < __NFGATE_DIR_LAST; d++)
		packets[d] = bytes[d] = 0;
	for_each_possible_cpu(cpu) {
		const struct nfgate_hosts_cpu *c = h->cpu[cpu];
		const struct nfgate_host_ctr *ctr = &c->ctr[slot];
		u64 p[__NFGATE_DIR_LAST], b[__NFGATE_DIR_LAST];

		do {
			start = u64_stats_fetch_begin(&c->syncp);
			for (d = 0; d < __NFGATE_DIR_LAST; d++) {
				p[d] = u64_stats_read(&ctr->packets[d]);
				b[d] = u64_stats_read(&ctr->bytes[d]);
			}
		} while (u64_stats_fetch_retry(&c->syncp, start));
		for (d = 0; d < __NFGATE_DIR_LAST; d++) {
			packets[d] += p[d];
			bytes[d] += b[d];
		}
	}
}

static int nfgate_host_fill(struct sk_buff *skb, const struct nfgate_hosts *h,
			    u32 slot)
{
	u64 packets[__NFGATE_DIR_LAST], bytes[__NFGATE_DIR_LAST];
	struct nlattr *nest;

	nfgate_host_read(h, slot, packets, bytes);
	nest = nla_nest_start(skb, NFGATE_A_HOST);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_in_addr(skb, NFGATE_HOST_A_ADDR, h->addr[slot]) ||
	    nla_put_u64_64bit(skb, NFGATE_HOST_A_TX_PACKETS,
			      packets[NFGATE_DIR_TX], NFGATE_HOST_A_PAD) ||
	    nla_put_u64_64bit(skb, NFGATE_HOST_A_TX_BYTES,
			      bytes[NFGATE_DIR_TX], NFGATE_HOST_A_PAD) ||
	    nla_put_u64_64bit(skb, NFGATE_HOST_A_RX_PACKETS,
			      packets[NFGATE_DIR_RX], NFGATE_HOST_A_PAD) ||
	    nla_put_u64_64bit(skb, NFGATE_HOST_A_RX_BYTES,
			      bytes[NFGATE_DIR_RX], NFGATE_HOST_A_PAD)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/*
 * Dump from slot cb->args[0] on, one host per message. cb->args[1] holds
 * the table the dump started with: another table (a new subnet) flags the
 * dump NLM_F_DUMP_INTR through the generation, and it ends.
 */
int nfgate_hosts_dump(struct sk_buff *skb, struct netlink_callback *cb,
		      struct nfgate_net *nn,
		      void *(*put_hdr)(struct sk_buff *skb,
				       struct netlink_callback *cb))
{
	struct nfgate_hosts *h;
	u32 slot = cb->args[0], n;
	void *hdr;

	rcu_read_lock();
	cb->seq = READ_ONCE(nn->generation);
	h = rcu_dereference(nn->hosts);
	if (!h)
		goto out;
	if (!cb->args[1])
		cb->args[1] = (unsigned long)h;
	else if (cb->args[1] != (unsigned long)h)
		goto out;
	/* pairs with the release in nfgate_host_slot(): h->addr[] is set */
	n = smp_load_acquire(&h->n);
	for (; slot < n; slot++) {
		hdr = put_hdr(skb, cb);
		if (!hdr)
			break;
		genl_dump_check_consistent(cb, hdr);
		if (nfgate_host_fill(skb, h, slot) ||
		    nla_put_u32(skb, NFGATE_A_GENERATION, cb->seq)) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
	}
out:
	rcu_read_unlock();
	cb->args[0] = slot;
	return skb->len;
}
