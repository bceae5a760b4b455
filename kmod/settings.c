// SPDX-License-Identifier: GPL-2.0
/*
 * nfgate: per namespace settings (conntrack mark bits, failover behaviour,
 * hold-down, per-host stickiness).
 */

#include <linux/bitops.h>
#include <linux/slab.h>
#include <net/netlink.h>

#include "nfgate.h"

static void nfgate_set_mark_mask(struct nfgate_net *nn, u32 mask)
{
	WRITE_ONCE(nn->mark_mask, mask);
	WRITE_ONCE(nn->mark_shift, __ffs(mask));
}

void nfgate_settings_init(struct nfgate_net *nn)
{
	nfgate_set_mark_mask(nn, NFGATE_DEFAULT_MARK_MASK);
	nn->skip_mark = 0;
	nn->failover_rst = true;
	nn->holddown_ms = NFGATE_DEFAULT_HOLDDOWN_MS;
	nn->sticky_ms = 0;
}

void nfgate_settings_free(struct nfgate_net *nn)
{
	kvfree(nn->sticky);
	nn->sticky = NULL;
}

/* One run of contiguous bits, wide enough for every uplink id. */
static bool nfgate_mark_mask_valid(u32 mask)
{
	u32 run;

	if (!mask)
		return false;
	run = mask >> __ffs(mask);
	return !(run & (run + 1)) && hweight32(mask) >= NFGATE_MARK_BITS_MIN;
}

int nfgate_settings_set(struct nfgate_net *nn, struct nlattr **tb,
			struct netlink_ext_ack *extack)
{
	struct nlattr *a;

	lockdep_assert_held(&nn->lock);

	a = tb[NFGATE_SETTINGS_A_MARK_MASK];
	if (a && !nfgate_mark_mask_valid(nla_get_u32(a))) {
		NL_SET_ERR_MSG_ATTR(extack, a,
				    "mark mask must be one run of at least 5 contiguous bits");
		return -EINVAL;
	}
	if (tb[NFGATE_SETTINGS_A_STICKY_MS] &&
	    nla_get_u32(tb[NFGATE_SETTINGS_A_STICKY_MS]) && !nn->sticky) {
		struct nfgate_sticky *st = kvzalloc(sizeof(*st), GFP_KERNEL);

		if (!st)
			return -ENOMEM;
		spin_lock_init(&st->lock);
		/* Pairs with nfgate_choose(): readers see it initialised. */
		smp_store_release(&nn->sticky, st);
	}

	if (a)
		nfgate_set_mark_mask(nn, nla_get_u32(a));
	if (tb[NFGATE_SETTINGS_A_SKIP_MARK])
		WRITE_ONCE(nn->skip_mark,
			   nla_get_u32(tb[NFGATE_SETTINGS_A_SKIP_MARK]));
	if (tb[NFGATE_SETTINGS_A_FAILOVER_RST])
		WRITE_ONCE(nn->failover_rst,
			   nla_get_u8(tb[NFGATE_SETTINGS_A_FAILOVER_RST]));
	if (tb[NFGATE_SETTINGS_A_HOLDDOWN_MS])
		WRITE_ONCE(nn->holddown_ms,
			   nla_get_u32(tb[NFGATE_SETTINGS_A_HOLDDOWN_MS]));
	if (tb[NFGATE_SETTINGS_A_STICKY_MS])
		WRITE_ONCE(nn->sticky_ms,
			   nla_get_u32(tb[NFGATE_SETTINGS_A_STICKY_MS]));
	nn->generation++;
	nfgate_notify_settings(nn);
	return 0;
}

int nfgate_settings_fill(struct sk_buff *skb, const struct nfgate_net *nn)
{
	struct nlattr *nest = nla_nest_start(skb, NFGATE_A_SETTINGS);

	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(skb, NFGATE_SETTINGS_A_MARK_MASK,
			READ_ONCE(nn->mark_mask)) ||
	    nla_put_u32(skb, NFGATE_SETTINGS_A_SKIP_MARK,
			READ_ONCE(nn->skip_mark)) ||
	    nla_put_u8(skb, NFGATE_SETTINGS_A_FAILOVER_RST,
		       READ_ONCE(nn->failover_rst)) ||
	    nla_put_u32(skb, NFGATE_SETTINGS_A_HOLDDOWN_MS,
			READ_ONCE(nn->holddown_ms)) ||
	    nla_put_u32(skb, NFGATE_SETTINGS_A_STICKY_MS,
			READ_ONCE(nn->sticky_ms))) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}
