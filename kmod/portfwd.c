// SPDX-License-Identifier: GPL-2.0
/*
 * nfgate: port forwards (an uplink's TCP/UDP port to a LAN host's port).
 * Applied by nat.c through the NAT core.
 */

#include <linux/in.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <net/netlink.h>

#include "nfgate.h"

static struct nfgate_portfwd *nfgate_portfwd_lookup(struct nfgate_net *nn,
						    u8 proto, __be16 port)
{
	struct nfgate_portfwd *pf;

	list_for_each_entry_rcu(pf, &nn->portfwds, list,
				lockdep_is_held(&nn->lock))
		if (pf->proto == proto && pf->port == port)
			return pf;
	return NULL;
}

/* Under RCU: the forward of @proto/@port that applies on uplink @uplink. */
struct nfgate_portfwd *nfgate_portfwd_find(struct nfgate_net *nn, u8 proto,
					   __be16 port, const char *uplink)
{
	struct nfgate_portfwd *pf = nfgate_portfwd_lookup(nn, proto, port);

	if (pf && pf->uplink[0] && strcmp(pf->uplink, uplink))
		return NULL;
	return pf;
}

static int nfgate_portfwd_key(struct nlattr **tb, u8 *proto, __be16 *port,
			      struct netlink_ext_ack *extack)
{
	if (NL_REQ_ATTR_CHECK(extack, NULL, tb, NFGATE_FORWARD_A_PROTO) ||
	    NL_REQ_ATTR_CHECK(extack, NULL, tb, NFGATE_FORWARD_A_PORT)) {
		NL_SET_ERR_MSG(extack, "port forward needs PROTO and PORT");
		return -EINVAL;
	}
	*proto = nla_get_u8(tb[NFGATE_FORWARD_A_PROTO]);
	if (*proto != IPPROTO_TCP && *proto != IPPROTO_UDP) {
		NL_SET_ERR_MSG_ATTR(extack, tb[NFGATE_FORWARD_A_PROTO],
				    "port forward PROTO must be TCP (6) or UDP (17)");
		return -EINVAL;
	}
	*port = nla_get_be16(tb[NFGATE_FORWARD_A_PORT]);
	if (!*port) {
		NL_SET_ERR_MSG_ATTR(extack, tb[NFGATE_FORWARD_A_PORT],
				    "port forward PORT must not be 0");
		return -EINVAL;
	}
	return 0;
}

int nfgate_portfwd_set(struct nfgate_net *nn, struct nlattr **tb,
		       struct netlink_ext_ack *extack)
{
	struct nfgate_portfwd *pf, *old;
	struct nfgate_lan *lan;
	__be16 port;
	u8 proto;
	int err;

	lockdep_assert_held(&nn->lock);
	err = nfgate_portfwd_key(tb, &proto, &port, extack);
	if (err)
		return err;
	if (NL_REQ_ATTR_CHECK(extack, NULL, tb, NFGATE_FORWARD_A_TO_ADDR)) {
		NL_SET_ERR_MSG(extack, "port forward needs TO_ADDR");
		return -EINVAL;
	}
	lan = rcu_dereference_protected(nn->lan, lockdep_is_held(&nn->lock));
	if (!nfgate_in_lan(lan, nla_get_in_addr(tb[NFGATE_FORWARD_A_TO_ADDR]))) {
		NL_SET_ERR_MSG_ATTR(extack, tb[NFGATE_FORWARD_A_TO_ADDR],
				    "port forward TO_ADDR must be inside the LAN");
		return -EINVAL;
	}
	old = nfgate_portfwd_lookup(nn, proto, port);
	if (!old && nn->n_portfwds >= NFGATE_FORWARDS_MAX) {
		NL_SET_ERR_MSG(extack, "too many port forwards");
		return -ENOSPC;
	}
	pf = kzalloc(sizeof(*pf), GFP_KERNEL);
	if (!pf)
		return -ENOMEM;
	pf->proto = proto;
	pf->port = port;
	pf->to_addr = nla_get_in_addr(tb[NFGATE_FORWARD_A_TO_ADDR]);
	pf->to_port = tb[NFGATE_FORWARD_A_TO_PORT] ?
		      nla_get_be16(tb[NFGATE_FORWARD_A_TO_PORT]) : port;
	if (!pf->to_port)
		pf->to_port = port;
	if (tb[NFGATE_FORWARD_A_UPLINK])
		nla_strscpy(pf->uplink, tb[NFGATE_FORWARD_A_UPLINK], IFNAMSIZ);

	if (old) {
		atomic64_set(&pf->hits, atomic64_read(&old->hits));
		list_replace_rcu(&old->list, &pf->list);
		kfree_rcu(old, rcu);
	} else {
		list_add_tail_rcu(&pf->list, &nn->portfwds);
		nn->n_portfwds++;
		err = nfgate_hooks_sync(nn);
		if (err) {
			list_del_rcu(&pf->list);
			nn->n_portfwds--;
			kfree_rcu(pf, rcu);
			return err;
		}
	}
	nn->generation++;
	nfgate_notify_portfwd(nn, NFGATE_EVENT_FORWARD_NEW, pf);
	return 0;
}

int nfgate_portfwd_del(struct nfgate_net *nn, struct nlattr **tb,
		       struct netlink_ext_ack *extack)
{
	struct nfgate_portfwd *pf;
	__be16 port;
	u8 proto;
	int err;

	lockdep_assert_held(&nn->lock);
	err = nfgate_portfwd_key(tb, &proto, &port, extack);
	if (err)
		return err;
	pf = nfgate_portfwd_lookup(nn, proto, port);
	if (!pf) {
		NL_SET_ERR_MSG(extack, "no port forward for this protocol and port");
		return -ENOENT;
	}
	list_del_rcu(&pf->list);
	nn->n_portfwds--;
	nn->generation++;
	nfgate_notify_portfwd(nn, NFGATE_EVENT_FORWARD_DEL, pf);
	kfree_rcu(pf, rcu);
	nfgate_hooks_sync(nn);
	return 0;
}

void nfgate_portfwds_free(struct nfgate_net *nn)
{
	struct nfgate_portfwd *pf, *tmp;

	list_for_each_entry_safe(pf, tmp, &nn->portfwds, list) {
		list_del_rcu(&pf->list);
		kfree_rcu(pf, rcu);
	}
	nn->n_portfwds = 0;
}

int nfgate_portfwd_fill(struct sk_buff *skb, const struct nfgate_portfwd *pf)
{
	struct nlattr *nest = nla_nest_start(skb, NFGATE_A_FORWARD);

	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u8(skb, NFGATE_FORWARD_A_PROTO, pf->proto) ||
	    nla_put_be16(skb, NFGATE_FORWARD_A_PORT, pf->port) ||
	    nla_put_in_addr(skb, NFGATE_FORWARD_A_TO_ADDR, pf->to_addr) ||
	    nla_put_be16(skb, NFGATE_FORWARD_A_TO_PORT, pf->to_port) ||
	    (pf->uplink[0] &&
	     nla_put_string(skb, NFGATE_FORWARD_A_UPLINK, pf->uplink)) ||
	    nla_put_u64_64bit(skb, NFGATE_FORWARD_A_HITS,
			      atomic64_read(&pf->hits), NFGATE_FORWARD_A_PAD)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}
