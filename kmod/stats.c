// SPDX-License-Identifier: GPL-2.0
/*
 * nfgate: per-CPU counters, per namespace and per uplink.
 */

#include <linux/percpu.h>
#include <net/netlink.h>

#include "nfgate.h"

int nfgate_stats_init(struct nfgate_net *nn)
{
	nn->stats = netdev_alloc_pcpu_stats(struct nfgate_pcpu_stats);
	return nn->stats ? 0 : -ENOMEM;
}

void nfgate_stats_free(struct nfgate_net *nn)
{
	free_percpu(nn->stats);
	nn->stats = NULL;
}

void nfgate_stat_add(struct nfgate_net *nn, enum nfgate_stat stat, u64 n)
{
	struct nfgate_pcpu_stats *st = get_cpu_ptr(nn->stats);
	unsigned long flags;

	flags = u64_stats_update_begin_irqsave(&st->syncp);
	u64_stats_add(&st->ctr[stat], n);
	u64_stats_update_end_irqrestore(&st->syncp, flags);
	put_cpu_ptr(nn->stats);
}

void nfgate_stats_read(const struct nfgate_net *nn, u64 *out)
{
	int cpu, i;

	memset(out, 0, sizeof(u64) * __NFGATE_STAT_LAST);
	for_each_possible_cpu(cpu) {
		const struct nfgate_pcpu_stats *st = per_cpu_ptr(nn->stats, cpu);
		u64 v[__NFGATE_STAT_LAST];
		unsigned int start;

		do {
			start = u64_stats_fetch_begin(&st->syncp);
			for (i = 0; i < __NFGATE_STAT_LAST; i++)
				v[i] = u64_stats_read(&st->ctr[i]);
		} while (u64_stats_fetch_retry(&st->syncp, start));
		for (i = 0; i < __NFGATE_STAT_LAST; i++)
			out[i] += v[i];
	}
}

int nfgate_stats_fill(struct sk_buff *skb, const struct nfgate_net *nn)
{
	u64 v[__NFGATE_STAT_LAST];
	struct nlattr *nest;
	int i;

	nfgate_stats_read(nn, v);
	nest = nla_nest_start(skb, NFGATE_A_STATS);
	if (!nest)
		return -EMSGSIZE;
	for (i = NFGATE_STAT_UNSPEC + 1; i < __NFGATE_STAT_LAST; i++) {
		if (i == NFGATE_STAT_PAD)
			continue;
		if (nla_put_u64_64bit(skb, i, v[i], NFGATE_STAT_PAD))
			goto cancel;
	}
	nla_nest_end(skb, nest);
	return 0;
cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

void nfgate_uplink_account(struct nfgate_uplink *up, enum nfgate_uplink_dir dir,
			   unsigned int len)
{
	struct nfgate_uplink_pcpu *st = get_cpu_ptr(up->stats);
	unsigned long flags;

	flags = u64_stats_update_begin_irqsave(&st->syncp);
	u64_stats_inc(&st->packets[dir]);
	u64_stats_add(&st->bytes[dir], len);
	u64_stats_update_end_irqrestore(&st->syncp, flags);
	put_cpu_ptr(up->stats);
}

void nfgate_uplink_syn(struct nfgate_uplink *up, enum nfgate_syn what)
{
	struct nfgate_uplink_pcpu *st = get_cpu_ptr(up->stats);
	unsigned long flags;

	flags = u64_stats_update_begin_irqsave(&st->syncp);
	u64_stats_inc(what == NFGATE_SYN_SENT ? &st->syn_sent :
		      &st->syn_answered);
	u64_stats_update_end_irqrestore(&st->syncp, flags);
	put_cpu_ptr(up->stats);
}

void nfgate_uplink_stats_read(const struct nfgate_uplink *up, u64 *packets,
			      u64 *bytes, u64 *syn)
{
	int cpu, d;

	for (d = 0; d < __NFGATE_DIR_LAST; d++)
		packets[d] = bytes[d] = 0;
	syn[NFGATE_SYN_SENT] = syn[NFGATE_SYN_ANSWERED] = 0;
	for_each_possible_cpu(cpu) {
		const struct nfgate_uplink_pcpu *st = per_cpu_ptr(up->stats, cpu);
		u64 p[__NFGATE_DIR_LAST], b[__NFGATE_DIR_LAST], s, a;
		unsigned int start;

		do {
			start = u64_stats_fetch_begin(&st->syncp);
			for (d = 0; d < __NFGATE_DIR_LAST; d++) {
				p[d] = u64_stats_read(&st->packets[d]);
				b[d] = u64_stats_read(&st->bytes[d]);
			}
			s = u64_stats_read(&st->syn_sent);
			a = u64_stats_read(&st->syn_answered);
		} while (u64_stats_fetch_retry(&st->syncp, start));
		for (d = 0; d < __NFGATE_DIR_LAST; d++) {
			packets[d] += p[d];
			bytes[d] += b[d];
		}
		syn[NFGATE_SYN_SENT] += s;
		syn[NFGATE_SYN_ANSWERED] += a;
	}
}
