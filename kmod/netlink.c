// SPDX-License-Identifier: GPL-2.0
/*
 * nfgate: the generic netlink family, the only way into the module.
 * The contract is include/uapi/linux/nfgate.h.
 */

#include <linux/rtnetlink.h>
#include <net/genetlink.h>
#include <net/netlink.h>
#include <net/sock.h>

#include "nfgate.h"

static struct genl_family nfgate_family;

static const struct nla_policy nfgate_lan_policy[NFGATE_LAN_A_MAX + 1] = {
	[NFGATE_LAN_A_IFNAME]	= { .type = NLA_NUL_STRING, .len = IFNAMSIZ - 1 },
	[NFGATE_LAN_A_IFINDEX]	= NLA_POLICY_MIN(NLA_U32, 1),
	[NFGATE_LAN_A_ADDR]	= { .type = NLA_BE32 },
	[NFGATE_LAN_A_PREFIXLEN] = NLA_POLICY_MAX(NLA_U8, 32),
};

#define NFGATE_RO(msg) { .type = NLA_REJECT, .reject_message = (msg) }

static const struct nla_policy nfgate_uplink_policy[NFGATE_UPLINK_A_MAX + 1] = {
	[NFGATE_UPLINK_A_IFNAME] = { .type = NLA_NUL_STRING, .len = IFNAMSIZ - 1 },
	[NFGATE_UPLINK_A_IFINDEX] = NFGATE_RO("uplink IFINDEX is read-only"),
	[NFGATE_UPLINK_A_TIER]	= NLA_POLICY_MAX(NLA_U8, NFGATE_TIER_MAX),
	[NFGATE_UPLINK_A_WEIGHT] = NLA_POLICY_MAX(NLA_U32, NFGATE_WEIGHT_MAX),
	[NFGATE_UPLINK_A_HEALTH] = NLA_POLICY_MAX(NLA_U32, NFGATE_HEALTH_MAX),
	[NFGATE_UPLINK_A_ADMIN]	= NLA_POLICY_MAX(NLA_U8, NFGATE_ADMIN_MAX),
	[NFGATE_UPLINK_A_OPER]	= NFGATE_RO("uplink OPER is read-only"),
	[NFGATE_UPLINK_A_EFF_WEIGHT] = NFGATE_RO("uplink EFF_WEIGHT is read-only"),
	[NFGATE_UPLINK_A_ADDR]	= NFGATE_RO("uplink ADDR is read-only"),
	[NFGATE_UPLINK_A_FLOWS]	= NFGATE_RO("uplink FLOWS is read-only"),
	[NFGATE_UPLINK_A_CHANGED_MS] = NFGATE_RO("uplink CHANGED_MS is read-only"),
	[NFGATE_UPLINK_A_TX_PACKETS] = NFGATE_RO("uplink counters are read-only"),
	[NFGATE_UPLINK_A_TX_BYTES] = NFGATE_RO("uplink counters are read-only"),
	[NFGATE_UPLINK_A_RX_PACKETS] = NFGATE_RO("uplink counters are read-only"),
	[NFGATE_UPLINK_A_RX_BYTES] = NFGATE_RO("uplink counters are read-only"),
	[NFGATE_UPLINK_A_PAD]	= NFGATE_RO("PAD is not an input"),
};

static const struct nla_policy nfgate_policy[NFGATE_A_MAX + 1] = {
	[NFGATE_A_LAN]		= NLA_POLICY_NESTED(nfgate_lan_policy),
	[NFGATE_A_UPLINK]	= NLA_POLICY_NESTED(nfgate_uplink_policy),
	[NFGATE_A_STATS]	= NFGATE_RO("STATS is read-only"),
	[NFGATE_A_EVENT]	= NFGATE_RO("EVENT is sent by the kernel only"),
	[NFGATE_A_GENERATION]	= NFGATE_RO("GENERATION is read-only"),
};

static void *nfgate_put_hdr(struct sk_buff *skb, struct genl_info *info,
			    u8 cmd)
{
	return genlmsg_put(skb, info->snd_portid, info->snd_seq,
			   &nfgate_family, 0, cmd);
}

/* Parse the nest @type of the request (already validated by the policy). */
static int nfgate_parse_nest(struct genl_info *info, int type,
			     struct nlattr **tb, int maxtype,
			     const struct nla_policy *policy)
{
	if (GENL_REQ_ATTR_CHECK(info, type)) {
		NL_SET_ERR_MSG(info->extack, "missing object nest attribute");
		return -EINVAL;
	}
	return nla_parse_nested(tb, maxtype, info->attrs[type], policy,
				info->extack);
}

static int nfgate_lan_get(struct sk_buff *skb, struct genl_info *info)
{
	struct nfgate_net *nn = nfgate_pernet(genl_info_net(info));
	const struct nfgate_lan *lan;
	struct sk_buff *msg;
	void *hdr;
	int err = -EMSGSIZE;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = nfgate_put_hdr(msg, info, NFGATE_CMD_LAN_GET);
	if (!hdr)
		goto err_free;
	rcu_read_lock();
	lan = rcu_dereference(nn->lan);
	if (!lan) {
		rcu_read_unlock();
		NL_SET_ERR_MSG(info->extack, "no LAN is configured");
		err = -ENOENT;
		goto err_free;
	}
	if (nfgate_lan_fill(msg, lan) ||
	    nla_put_u32(msg, NFGATE_A_GENERATION, READ_ONCE(nn->generation))) {
		rcu_read_unlock();
		goto err_free;
	}
	rcu_read_unlock();
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

err_free:
	nlmsg_free(msg);
	return err;
}

static int nfgate_lan_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nfgate_net *nn = nfgate_pernet(genl_info_net(info));
	struct nlattr *tb[NFGATE_LAN_A_MAX + 1];
	int err;

	err = nfgate_parse_nest(info, NFGATE_A_LAN, tb, NFGATE_LAN_A_MAX,
				nfgate_lan_policy);
	if (err)
		return err;
	rtnl_lock();
	mutex_lock(&nn->lock);
	err = nfgate_lan_set(nn, tb, info->extack);
	mutex_unlock(&nn->lock);
	rtnl_unlock();
	return err;
}

static int nfgate_lan_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nfgate_net *nn = nfgate_pernet(genl_info_net(info));
	int err;

	rtnl_lock();
	mutex_lock(&nn->lock);
	err = nfgate_lan_del(nn, info->extack);
	mutex_unlock(&nn->lock);
	rtnl_unlock();
	return err;
}

static int nfgate_uplink_get(struct sk_buff *skb, struct genl_info *info)
{
	struct nfgate_net *nn = nfgate_pernet(genl_info_net(info));
	struct nlattr *tb[NFGATE_UPLINK_A_MAX + 1];
	char ifname[IFNAMSIZ];
	struct nfgate_uplink *up;
	struct sk_buff *msg;
	void *hdr;
	int err;

	err = nfgate_parse_nest(info, NFGATE_A_UPLINK, tb, NFGATE_UPLINK_A_MAX,
				nfgate_uplink_policy);
	if (err)
		return err;
	if (GENL_REQ_ATTR_CHECK(info, NFGATE_A_UPLINK) ||
	    NL_REQ_ATTR_CHECK(info->extack, info->attrs[NFGATE_A_UPLINK], tb,
			      NFGATE_UPLINK_A_IFNAME)) {
		NL_SET_ERR_MSG(info->extack, "uplink needs IFNAME");
		return -EINVAL;
	}
	nla_strscpy(ifname, tb[NFGATE_UPLINK_A_IFNAME], IFNAMSIZ);

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = nfgate_put_hdr(msg, info, NFGATE_CMD_UPLINK_GET);
	if (!hdr) {
		err = -EMSGSIZE;
		goto err_free;
	}
	rcu_read_lock();
	up = nfgate_uplink_find(nn, ifname);
	if (!up) {
		rcu_read_unlock();
		NL_SET_ERR_MSG_ATTR(info->extack, tb[NFGATE_UPLINK_A_IFNAME],
				    "no uplink with this name");
		err = -ENOENT;
		goto err_free;
	}
	err = nfgate_uplink_fill(msg, up);
	if (!err)
		err = nla_put_u32(msg, NFGATE_A_GENERATION,
				  READ_ONCE(nn->generation));
	rcu_read_unlock();
	if (err)
		goto err_free;
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

err_free:
	nlmsg_free(msg);
	return err;
}

/* cb->args[0]: index of the next uplink to dump. */
static int nfgate_uplink_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct nfgate_net *nn = nfgate_pernet(sock_net(skb->sk));
	unsigned long idx = cb->args[0], i = 0;
	struct nfgate_uplink *up;
	void *hdr;

	rcu_read_lock();
	cb->seq = READ_ONCE(nn->generation);
	list_for_each_entry_rcu(up, &nn->uplinks, list) {
		if (i++ < idx)
			continue;
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, &nfgate_family,
				  NLM_F_MULTI, NFGATE_CMD_UPLINK_GET);
		if (!hdr)
			break;
		genl_dump_check_consistent(cb, hdr);
		if (nfgate_uplink_fill(skb, up) ||
		    nla_put_u32(skb, NFGATE_A_GENERATION, cb->seq)) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
		idx++;
	}
	rcu_read_unlock();
	cb->args[0] = idx;
	return skb->len;
}

static int nfgate_uplink_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nfgate_net *nn = nfgate_pernet(genl_info_net(info));
	struct nlattr *tb[NFGATE_UPLINK_A_MAX + 1];
	int err;

	err = nfgate_parse_nest(info, NFGATE_A_UPLINK, tb, NFGATE_UPLINK_A_MAX,
				nfgate_uplink_policy);
	if (err)
		return err;
	rtnl_lock();
	mutex_lock(&nn->lock);
	err = nfgate_uplink_set(nn, tb, info->extack);
	mutex_unlock(&nn->lock);
	rtnl_unlock();
	return err;
}

static int nfgate_uplink_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nfgate_net *nn = nfgate_pernet(genl_info_net(info));
	struct nlattr *tb[NFGATE_UPLINK_A_MAX + 1];
	int err;

	err = nfgate_parse_nest(info, NFGATE_A_UPLINK, tb, NFGATE_UPLINK_A_MAX,
				nfgate_uplink_policy);
	if (err)
		return err;
	rtnl_lock();
	mutex_lock(&nn->lock);
	err = nfgate_uplink_del(nn, tb, info->extack);
	mutex_unlock(&nn->lock);
	rtnl_unlock();
	return err;
}

static int nfgate_stats_get(struct sk_buff *skb, struct genl_info *info)
{
	struct nfgate_net *nn = nfgate_pernet(genl_info_net(info));
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = nfgate_put_hdr(msg, info, NFGATE_CMD_STATS_GET);
	if (!hdr || nfgate_stats_fill(msg, nn) ||
	    nla_put_u32(msg, NFGATE_A_GENERATION, READ_ONCE(nn->generation))) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

static const struct genl_ops nfgate_ops[] = {
	{
		.cmd = NFGATE_CMD_LAN_GET,
		.doit = nfgate_lan_get,
	},
	{
		.cmd = NFGATE_CMD_LAN_SET,
		.doit = nfgate_lan_set_doit,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = NFGATE_CMD_LAN_DEL,
		.doit = nfgate_lan_del_doit,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = NFGATE_CMD_UPLINK_GET,
		.doit = nfgate_uplink_get,
		.dumpit = nfgate_uplink_dump,
	},
	{
		.cmd = NFGATE_CMD_UPLINK_SET,
		.doit = nfgate_uplink_set_doit,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = NFGATE_CMD_UPLINK_DEL,
		.doit = nfgate_uplink_del_doit,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = NFGATE_CMD_STATS_GET,
		.doit = nfgate_stats_get,
	},
};

static const struct genl_multicast_group nfgate_mcgrps[] = {
	{ .name = NFGATE_MCGRP_EVENTS },
};

static struct genl_family nfgate_family __ro_after_init = {
	.name		= NFGATE_GENL_NAME,
	.version	= NFGATE_GENL_VERSION,
	.maxattr	= NFGATE_A_MAX,
	.policy		= nfgate_policy,
	.netnsok	= true,
	.module		= THIS_MODULE,
	.ops		= nfgate_ops,
	.n_ops		= ARRAY_SIZE(nfgate_ops),
	.resv_start_op	= NFGATE_CMD_UNSPEC,
	.mcgrps		= nfgate_mcgrps,
	.n_mcgrps	= ARRAY_SIZE(nfgate_mcgrps),
};

/*
 * Tell listeners of the namespace about a change. Called with nn->lock held,
 * so events of one namespace are sent in the order the changes happened.
 */
void nfgate_notify(struct nfgate_net *nn, enum nfgate_event event,
		   const struct nfgate_lan *lan, const struct nfgate_uplink *up)
{
	struct sk_buff *msg;
	void *hdr;

	if (!genl_has_listeners(&nfgate_family, nn->net, 0))
		return;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return;
	hdr = genlmsg_put(msg, 0, 0, &nfgate_family, 0, NFGATE_CMD_EVENT);
	if (!hdr ||
	    nla_put_u32(msg, NFGATE_A_EVENT, event) ||
	    nla_put_u32(msg, NFGATE_A_GENERATION, nn->generation) ||
	    (lan && nfgate_lan_fill(msg, lan)) ||
	    (up && nfgate_uplink_fill(msg, up))) {
		nlmsg_free(msg);
		return;
	}
	genlmsg_end(msg, hdr);
	genlmsg_multicast_netns(&nfgate_family, nn->net, msg, 0, 0, GFP_KERNEL);
}

int __init nfgate_genl_register(void)
{
	return genl_register_family(&nfgate_family);
}

void nfgate_genl_unregister(void)
{
	genl_unregister_family(&nfgate_family);
}
