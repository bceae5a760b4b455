// SPDX-License-Identifier: GPL-2.0
/*
 * nfgate: the LAN object (the bridge and the subnet behind it).
 */

#include <linux/inetdevice.h>
#include <linux/rtnetlink.h>
#include <net/netlink.h>

#include "nfgate.h"

static struct nfgate_lan *nfgate_lan_locked(struct nfgate_net *nn)
{
	return rcu_dereference_protected(nn->lan, lockdep_is_held(&nn->lock));
}

int nfgate_lan_set(struct nfgate_net *nn, struct nlattr **tb,
		   struct netlink_ext_ack *extack)
{
	struct nfgate_lan *lan, *old;
	struct net_device *dev = NULL;
	__be32 mask;
	u8 plen;
	int err;

	ASSERT_RTNL();
	lockdep_assert_held(&nn->lock);

	if (!!tb[NFGATE_LAN_A_IFNAME] == !!tb[NFGATE_LAN_A_IFINDEX]) {
		NL_SET_ERR_MSG(extack,
			       "LAN needs exactly one of IFNAME and IFINDEX");
		return -EINVAL;
	}
	if (NL_REQ_ATTR_CHECK(extack, NULL, tb, NFGATE_LAN_A_ADDR) ||
	    NL_REQ_ATTR_CHECK(extack, NULL, tb, NFGATE_LAN_A_PREFIXLEN)) {
		NL_SET_ERR_MSG(extack, "LAN needs ADDR and PREFIXLEN");
		return -EINVAL;
	}
	plen = nla_get_u8(tb[NFGATE_LAN_A_PREFIXLEN]);
	mask = plen ? htonl(~0U << (32 - plen)) : 0;
	if (nla_get_in_addr(tb[NFGATE_LAN_A_ADDR]) & ~mask) {
		NL_SET_ERR_MSG_ATTR(extack, tb[NFGATE_LAN_A_ADDR],
				    "LAN address has host bits set for its prefix length");
		return -EINVAL;
	}

	lan = kzalloc(sizeof(*lan), GFP_KERNEL);
	if (!lan)
		return -ENOMEM;
	if (tb[NFGATE_LAN_A_IFINDEX]) {
		dev = __dev_get_by_index(nn->net,
					 nla_get_u32(tb[NFGATE_LAN_A_IFINDEX]));
		if (!dev) {
			NL_SET_ERR_MSG_ATTR(extack, tb[NFGATE_LAN_A_IFINDEX],
					    "no device with this ifindex");
			err = -ENODEV;
			goto err_free;
		}
		strscpy(lan->ifname, dev->name, IFNAMSIZ);
	} else {
		nla_strscpy(lan->ifname, tb[NFGATE_LAN_A_IFNAME], IFNAMSIZ);
		if (!lan->ifname[0]) {
			NL_SET_ERR_MSG_ATTR(extack, tb[NFGATE_LAN_A_IFNAME],
					    "empty interface name");
			err = -EINVAL;
			goto err_free;
		}
		dev = __dev_get_by_name(nn->net, lan->ifname);
	}
	lan->ifindex = dev ? dev->ifindex : 0;
	lan->addr = nla_get_in_addr(tb[NFGATE_LAN_A_ADDR]);
	lan->mask = mask;
	lan->prefixlen = plen;

	old = nfgate_lan_locked(nn);
	err = nfgate_hosts_lan_set(nn, !old || old->addr != lan->addr ||
				   old->prefixlen != lan->prefixlen);
	if (err) {
		NL_SET_ERR_MSG(extack, "no memory for the host accounting table");
		goto err_free;
	}
	rcu_assign_pointer(nn->lan, lan);
	err = nfgate_hooks_sync(nn);
	if (err) {
		NL_SET_ERR_MSG(extack, "registering the netfilter hooks failed");
		rcu_assign_pointer(nn->lan, old);
		synchronize_net();
		goto err_free;
	}
	nn->generation++;
	if (old)
		kfree_rcu(old, rcu);
	nfgate_notify(nn, NFGATE_EVENT_LAN_SET, lan, NULL);
	return 0;

err_free:
	kfree(lan);
	return err;
}

int nfgate_lan_del(struct nfgate_net *nn, struct netlink_ext_ack *extack)
{
	struct nfgate_lan *old = nfgate_lan_locked(nn);

	if (!old) {
		NL_SET_ERR_MSG(extack, "no LAN is configured");
		return -ENOENT;
	}
	RCU_INIT_POINTER(nn->lan, NULL);
	nfgate_hooks_sync(nn);
	nn->generation++;
	nfgate_notify(nn, NFGATE_EVENT_LAN_DEL, old, NULL);
	kfree_rcu(old, rcu);
	return 0;
}

void nfgate_lan_free(struct nfgate_net *nn)
{
	struct nfgate_lan *old = nfgate_lan_locked(nn);

	RCU_INIT_POINTER(nn->lan, NULL);
	if (old)
		kfree_rcu(old, rcu);
}

int nfgate_lan_fill(struct sk_buff *skb, const struct nfgate_lan *lan)
{
	struct nlattr *nest = nla_nest_start(skb, NFGATE_A_LAN);

	if (!nest)
		return -EMSGSIZE;
	if (nla_put_string(skb, NFGATE_LAN_A_IFNAME, lan->ifname) ||
	    nla_put_u32(skb, NFGATE_LAN_A_IFINDEX, READ_ONCE(lan->ifindex)) ||
	    nla_put_in_addr(skb, NFGATE_LAN_A_ADDR, lan->addr) ||
	    nla_put_u8(skb, NFGATE_LAN_A_PREFIXLEN, lan->prefixlen)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/* Follow the LAN device by name: (re)appearing, renamed or gone. */
void nfgate_lan_netdev_event(struct nfgate_net *nn, struct net_device *dev,
			     unsigned long event)
{
	struct nfgate_lan *lan = nfgate_lan_locked(nn);
	int ifindex;

	if (!lan)
		return;
	ifindex = lan->ifindex;
	if (event == NETDEV_UNREGISTER) {
		if (ifindex == dev->ifindex)
			ifindex = 0;
	} else if (!strcmp(dev->name, lan->ifname)) {
		ifindex = dev->ifindex;
	} else if (ifindex == dev->ifindex) {
		ifindex = 0;	/* renamed away */
	}
	if (ifindex != lan->ifindex) {
		WRITE_ONCE(lan->ifindex, ifindex);
		nn->generation++;
		nfgate_notify(nn, NFGATE_EVENT_LAN_SET, lan, NULL);
	}
}
