// SPDX-License-Identifier: GPL-2.0
/*
 * nfgate: the tunnel's prefix lists.
 *
 * Four lists (enum nfgate_prefix_list): destinations sent direct (the
 * bypass list, with the built-in reserved ranges of common/reserved4.c
 * merged in), destinations always tunneled, and LAN sources sent direct or
 * always tunneled. Each is a common/cidrset.c set: sorted disjoint ranges,
 * a lookup is a binary search (84 instructions at 8,000 prefixes, the code
 * the host tests check against brute force and fuzz).
 *
 * A list is loaded in chunks (PREFIXES_LOAD: BEGIN, chunks, COMMIT) into a
 * staging array, then built into one allocation and published with RCU:
 * the packet path sees the old set or the new one, never a part. One load
 * at a time per namespace, owned by the netlink socket that began it.
 */

#include <linux/ktime.h>
#include <linux/slab.h>
#include <net/netlink.h>

#include "nfgate.h"
#include "reserved4.h"

/*
 * A set from in[0..n), plus the reserved ranges when @reserved. Process
 * context; ERR_PTR on failure.
 */
struct nfgate_pset *nfgate_pset_build(const struct ng_cidr4 *in, u32 n,
				      bool reserved)
{
	u64 t0 = ktime_get_ns();
	const struct ng_cidr4 *src = in;
	struct ng_cidr4 *all = NULL;
	struct nfgate_pset *ps;
	u32 total = n;
	int ret;

	if (reserved) {
		total = n + NG_RESERVED4_N;
		all = kvmalloc_array(total, sizeof(*all), GFP_KERNEL);
		if (!all)
			return ERR_PTR(-ENOMEM);
		memcpy(all, ng_reserved4, sizeof(ng_reserved4));
		if (n)
			memcpy(all + NG_RESERVED4_N, in, n * sizeof(*in));
		src = all;
	}
	ps = kvmalloc(struct_size(ps, buf, 2 * (size_t)total), GFP_KERNEL);
	if (!ps) {
		kvfree(all);
		return ERR_PTR(-ENOMEM);
	}
	ret = ng_cidrset_build(&ps->set, src, total, ps->buf, ps->buf + total);
	kvfree(all);
	if (ret < 0) {
		kvfree(ps);
		return ERR_PTR(ret);
	}
	ps->prefixes = n;
	ps->tag = 0;
	ps->build_us = div_u64(ktime_get_ns() - t0, NSEC_PER_USEC);
	return ps;
}

void nfgate_pset_free(struct nfgate_pset *ps)
{
	kvfree(ps);
}

bool nfgate_pset_contains(struct nfgate_tunnel *t, enum nfgate_prefix_list l,
			  __be32 addr)
{
	struct nfgate_pset *ps = rcu_dereference(t->list[l]);

	return ps && ng_cidrset_contains(&ps->set, ntohl(addr));
}

void nfgate_prefixes_stage_free(struct nfgate_tunnel *t)
{
	kvfree(t->stage);
	t->stage = NULL;
	t->n_stage = 0;
	t->stage_cap = 0;
	t->loading = false;
}

/* Room for @more staged prefixes. */
static int nfgate_stage_grow(struct nfgate_tunnel *t, u32 more)
{
	u32 cap = t->stage_cap ?: NFGATE_PREFIXES_CHUNK;
	struct ng_cidr4 *s;

	if (t->n_stage + more <= t->stage_cap)
		return 0;
	while (cap < t->n_stage + more)
		cap *= 2;
	cap = min_t(u32, cap, NFGATE_PREFIXES_MAX);
	s = kvmalloc_array(cap, sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	if (t->n_stage)
		memcpy(s, t->stage, t->n_stage * sizeof(*s));
	kvfree(t->stage);
	t->stage = s;
	t->stage_cap = cap;
	return 0;
}

/* Check the prefixes of @nest; their number in *@n. */
static int nfgate_prefixes_scan(const struct nlattr *nest, u32 *n,
				struct netlink_ext_ack *extack)
{
	const struct nfgate_prefix4 *p;
	const struct nlattr *a;
	int rem;

	*n = 0;
	nla_for_each_nested(a, nest, rem) {
		if (nla_type(a) != NFGATE_PREFIXES_A_PREFIX4)
			continue;
		p = nla_data(a);
		if (p->len > 32) {
			NL_SET_ERR_MSG_ATTR(extack, a, "prefix longer than 32");
			return -EINVAL;
		}
		if (++*n > NFGATE_PREFIXES_CHUNK) {
			NL_SET_ERR_MSG_ATTR(extack, a,
					    "more prefixes than NFGATE_PREFIXES_CHUNK");
			return -E2BIG;
		}
	}
	return 0;
}

static int nfgate_prefixes_commit(struct nfgate_net *nn,
				  struct nfgate_tunnel *t, u64 tag)
{
	u8 l = t->stage_list;
	struct nfgate_pset *ps, *old;

	ps = nfgate_pset_build(t->stage, t->n_stage, l == NFGATE_LIST_BYPASS);
	if (IS_ERR(ps))
		return PTR_ERR(ps);
	ps->tag = tag;
	old = rcu_replace_pointer(t->list[l], ps, lockdep_is_held(&nn->lock));
	if (old)
		kvfree_rcu(old, rcu);
	nfgate_prefixes_stage_free(t);
	nn->generation++;
	nfgate_notify_tunnel(nn, NFGATE_EVENT_PREFIXES);
	return 0;
}

int nfgate_prefixes_load(struct nfgate_net *nn, struct nfgate_tunnel *t,
			 const struct nlattr *nest, struct nlattr **tb,
			 u32 portid, struct netlink_ext_ack *extack)
{
	u32 flags = 0, n, i = 0;
	const struct nlattr *a;
	u8 list;
	int rem, err;

	lockdep_assert_held(&nn->lock);
	if (!tb[NFGATE_PREFIXES_A_LIST]) {
		NL_SET_ERR_MSG(extack, "PREFIXES needs LIST");
		return -EINVAL;
	}
	list = nla_get_u8(tb[NFGATE_PREFIXES_A_LIST]);
	if (tb[NFGATE_PREFIXES_A_FLAGS])
		flags = nla_get_u32(tb[NFGATE_PREFIXES_A_FLAGS]);

	if (flags & NFGATE_PREFIXES_F_BEGIN) {
		nfgate_prefixes_stage_free(t);
		t->loading = true;
		t->stage_list = list;
		t->stage_portid = portid;
	} else if (!t->loading) {
		NL_SET_ERR_MSG(extack, "no load in progress (start one with BEGIN)");
		return -EINVAL;
	} else if (t->stage_list != list || t->stage_portid != portid) {
		NL_SET_ERR_MSG(extack, "another load is in progress");
		return -EBUSY;
	}

	/* From here an error ends the load: the loader starts again. */
	err = nfgate_prefixes_scan(nest, &n, extack);
	if (err)
		goto abort;
	if (t->n_stage + n > NFGATE_PREFIXES_MAX) {
		NL_SET_ERR_MSG(extack, "list full (NFGATE_PREFIXES_MAX)");
		err = -ENOSPC;
		goto abort;
	}
	err = nfgate_stage_grow(t, n);
	if (err)
		goto abort;
	nla_for_each_nested(a, nest, rem) {
		const struct nfgate_prefix4 *p;

		if (nla_type(a) != NFGATE_PREFIXES_A_PREFIX4)
			continue;
		p = nla_data(a);
		t->stage[t->n_stage + i].addr = ntohl(p->addr);
		t->stage[t->n_stage + i].plen = p->len;
		i++;
	}
	t->n_stage += i;
	if (!(flags & NFGATE_PREFIXES_F_COMMIT))
		return 0;
	err = nfgate_prefixes_commit(nn, t, tb[NFGATE_PREFIXES_A_TAG] ?
				     nla_get_u64(tb[NFGATE_PREFIXES_A_TAG]) : 0);
	if (!err)
		return 0;
abort:
	nfgate_prefixes_stage_free(t);
	return err;
}

/* Under nn->lock. */
int nfgate_prefixes_fill(struct sk_buff *skb, struct nfgate_net *nn,
			 struct nfgate_tunnel *t)
{
	struct nfgate_pset *ps;
	struct nlattr *nest;
	int l;

	for (l = 0; l < __NFGATE_LIST_LAST; l++) {
		ps = rcu_dereference_protected(t->list[l],
					       lockdep_is_held(&nn->lock));
		nest = nla_nest_start(skb, NFGATE_TUNNEL_A_LIST);
		if (!nest)
			return -EMSGSIZE;
		if (nla_put_u8(skb, NFGATE_TLIST_A_LIST, l) ||
		    nla_put_u32(skb, NFGATE_TLIST_A_PREFIXES,
				ps ? ps->prefixes : 0) ||
		    nla_put_u32(skb, NFGATE_TLIST_A_RANGES,
				ps ? ng_cidrset_size(&ps->set) : 0) ||
		    nla_put_u64_64bit(skb, NFGATE_TLIST_A_TAG, ps ? ps->tag : 0,
				      NFGATE_TLIST_A_PAD) ||
		    nla_put_u32(skb, NFGATE_TLIST_A_BUILD_US,
				ps ? ps->build_us : 0) ||
		    (t->loading && t->stage_list == l &&
		     nla_put_u32(skb, NFGATE_TLIST_A_LOADING, t->n_stage))) {
			nla_nest_cancel(skb, nest);
			return -EMSGSIZE;
		}
		nla_nest_end(skb, nest);
	}
	return 0;
}
