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

static struct netlink_range_validation nfgate_holddown_range = {
	.max = NFGATE_HOLDDOWN_MS_MAX,
};

static struct netlink_range_validation nfgate_sticky_range = {
	.max = NFGATE_STICKY_MS_MAX,
};

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
	[NFGATE_UPLINK_A_ID]	= NFGATE_RO("uplink ID is read-only"),
	[NFGATE_UPLINK_A_USABLE] = NFGATE_RO("uplink USABLE is read-only"),
	[NFGATE_UPLINK_A_HEALTH_STATE] = NLA_POLICY_MAX(NLA_U8, NFGATE_HEALTH_STATE_MAX),
	[NFGATE_UPLINK_A_HEALTH_REASON] = NLA_POLICY_MAX(NLA_U8, NFGATE_REASON_MAX),
	[NFGATE_UPLINK_A_HEALTH_SINCE_MS] = NFGATE_RO("uplink HEALTH_SINCE_MS is read-only"),
	[NFGATE_UPLINK_A_PROBE_LOSS] = NLA_POLICY_MAX(NLA_U32, 10000),
	[NFGATE_UPLINK_A_PROBE_RTT_US] = { .type = NLA_U32 },
	[NFGATE_UPLINK_A_PROBE_JITTER_US] = { .type = NLA_U32 },
	[NFGATE_UPLINK_A_SYN_SENT] = NFGATE_RO("uplink SYN counters are read-only"),
	[NFGATE_UPLINK_A_SYN_ANSWERED] = NFGATE_RO("uplink SYN counters are read-only"),
};

static const struct nla_policy nfgate_settings_policy[NFGATE_SETTINGS_A_MAX + 1] = {
	[NFGATE_SETTINGS_A_MARK_MASK]	= { .type = NLA_U32 },
	[NFGATE_SETTINGS_A_SKIP_MARK]	= { .type = NLA_U32 },
	[NFGATE_SETTINGS_A_FAILOVER_RST] = NLA_POLICY_MAX(NLA_U8, 1),
	[NFGATE_SETTINGS_A_HOLDDOWN_MS]	= NLA_POLICY_FULL_RANGE(NLA_U32, &nfgate_holddown_range),
	[NFGATE_SETTINGS_A_STICKY_MS]	= NLA_POLICY_FULL_RANGE(NLA_U32, &nfgate_sticky_range),
};

static const struct nla_policy nfgate_forward_policy[NFGATE_FORWARD_A_MAX + 1] = {
	[NFGATE_FORWARD_A_PROTO]	= { .type = NLA_U8 },
	[NFGATE_FORWARD_A_PORT]		= { .type = NLA_BE16 },
	[NFGATE_FORWARD_A_TO_ADDR]	= { .type = NLA_BE32 },
	[NFGATE_FORWARD_A_TO_PORT]	= { .type = NLA_BE16 },
	[NFGATE_FORWARD_A_UPLINK]	= { .type = NLA_NUL_STRING, .len = IFNAMSIZ - 1 },
	[NFGATE_FORWARD_A_HITS]		= NFGATE_RO("forward HITS is read-only"),
	[NFGATE_FORWARD_A_PAD]		= NFGATE_RO("PAD is not an input"),
};

static struct netlink_range_validation nfgate_dns_hold_ms_range = {
	.max = NFGATE_DNS_HOLD_MS_MAX,
};

static struct netlink_range_validation nfgate_dns_hold_max_range = {
	.min = 1,
	.max = NFGATE_DNS_HOLD_MAX_MAX,
};

static const struct nla_policy nfgate_dns_policy[NFGATE_DNS_A_MAX + 1] = {
	[NFGATE_DNS_A_MODE]		= NLA_POLICY_MAX(NLA_U8, NFGATE_DNS_MODE_MAX),
	[NFGATE_DNS_A_MODE_ROUTER]	= NLA_POLICY_MAX(NLA_U8, NFGATE_DNS_MODE_MAX),
	[NFGATE_DNS_A_HOLD_MS]		= NLA_POLICY_FULL_RANGE(NLA_U32, &nfgate_dns_hold_ms_range),
	[NFGATE_DNS_A_HOLD_MAX]		= NLA_POLICY_FULL_RANGE(NLA_U32, &nfgate_dns_hold_max_range),
	[NFGATE_DNS_A_HOLD_PER_CLIENT]	= NLA_POLICY_FULL_RANGE(NLA_U32, &nfgate_dns_hold_max_range),
	[NFGATE_DNS_A_EXPIRE_DROP]	= NLA_POLICY_MAX(NLA_U8, 1),
	[NFGATE_DNS_A_TTL_SLACK]	= { .type = NLA_U8 },
	[NFGATE_DNS_A_FAST_PCT]		= NLA_POLICY_MAX(NLA_U8, 100),
	[NFGATE_DNS_A_DROP_SCORE]	= NLA_POLICY_MAX(NLA_U8, NFGATE_DNS_SIG_COUNT),
	[NFGATE_DNS_A_FORGED4]		= NFGATE_RO("DNS FORGED4 is read-only"),
	[NFGATE_DNS_A_FORGED6]		= NFGATE_RO("DNS FORGED6 is read-only"),
	[NFGATE_DNS_A_HELD]		= NFGATE_RO("DNS HELD is read-only"),
	[NFGATE_DNS_A_QUERIES]		= NFGATE_RO("DNS QUERIES is read-only"),
	[NFGATE_DNS_A_RESOLVERS]	= NFGATE_RO("DNS RESOLVERS is read-only"),
};

static const struct nla_policy nfgate_forged_policy[NFGATE_FORGED_A_MAX + 1] = {
	[NFGATE_FORGED_A_ADDR4]		= { .type = NLA_BE32 },
	[NFGATE_FORGED_A_PREFIX6]	= NLA_POLICY_EXACT_LEN(sizeof(struct nfgate_prefix6)),
};

/* Also tunnel.c's, for the SERVER nests it parses. */
const struct nla_policy nfgate_tsrv_policy[NFGATE_TSRV_A_MAX + 1] = {
	[NFGATE_TSRV_A_NAME]	= { .type = NLA_NUL_STRING,
				    .len = NFGATE_TUNNEL_NAME_MAX - 1 },
	[NFGATE_TSRV_A_ADDR]	= { .type = NLA_BE32 },
	[NFGATE_TSRV_A_PORT]	= { .type = NLA_BE16 },
	[NFGATE_TSRV_A_REDIR_PORT] = { .type = NLA_BE16 },
	[NFGATE_TSRV_A_UDP_PORT] = { .type = NLA_BE16 },
	[NFGATE_TSRV_A_STATE]	= NLA_POLICY_MAX(NLA_U8, NFGATE_TUNNEL_STATE_MAX),
	[NFGATE_TSRV_A_RTT_US]	= { .type = NLA_U32 },
	[NFGATE_TSRV_A_SINCE_MS] = NFGATE_RO("server SINCE_MS is read-only"),
	[NFGATE_TSRV_A_REDIRECTED] = NFGATE_RO("server REDIRECTED is read-only"),
	[NFGATE_TSRV_A_PAD]	= NFGATE_RO("PAD is not an input"),
};

/* The SERVERS nest holds SERVER nests only. */
static const struct nla_policy nfgate_tservers_policy[NFGATE_TUNNEL_A_MAX + 1] = {
	[NFGATE_TUNNEL_A_SERVER] = NLA_POLICY_NESTED(nfgate_tsrv_policy),
};

static const struct nla_policy nfgate_tunnel_policy[NFGATE_TUNNEL_A_MAX + 1] = {
	[NFGATE_TUNNEL_A_ENABLED]	= NLA_POLICY_MAX(NLA_U8, 1),
	[NFGATE_TUNNEL_A_STATE]		= NLA_POLICY_MAX(NLA_U8, NFGATE_TUNNEL_STATE_MAX),
	[NFGATE_TUNNEL_A_SINCE_MS]	= NFGATE_RO("tunnel SINCE_MS is read-only"),
	[NFGATE_TUNNEL_A_FAIL]		= NLA_POLICY_MAX(NLA_U8, NFGATE_TUNNEL_FAIL_MAX),
	[NFGATE_TUNNEL_A_ACTIVE]	= NLA_POLICY_MAX(NLA_U8, NFGATE_TUNNEL_SERVERS_MAX),
	[NFGATE_TUNNEL_A_UDP]		= NLA_POLICY_MAX(NLA_U8, 1),
	[NFGATE_TUNNEL_A_UDP_MARK]	= NLA_POLICY_MIN(NLA_U32, 1),
	[NFGATE_TUNNEL_A_CHECK_MARK]	= { .type = NLA_U32 },
	[NFGATE_TUNNEL_A_SERVERS]	= NLA_POLICY_NESTED(nfgate_tservers_policy),
	[NFGATE_TUNNEL_A_SERVER]	= NFGATE_RO("SERVER belongs inside SERVERS"),
	[NFGATE_TUNNEL_A_LIST]		= NFGATE_RO("tunnel LIST is read-only"),
	[NFGATE_TUNNEL_A_FLOWS]		= NFGATE_RO("tunnel FLOWS is read-only"),
	[NFGATE_TUNNEL_A_PAD]		= NFGATE_RO("PAD is not an input"),
};

static const struct nla_policy nfgate_prefixes_policy[NFGATE_PREFIXES_A_MAX + 1] = {
	[NFGATE_PREFIXES_A_LIST]	= NLA_POLICY_MAX(NLA_U8, NFGATE_LIST_MAX),
	[NFGATE_PREFIXES_A_FLAGS]	= NLA_POLICY_MASK(NLA_U32, __NFGATE_PREFIXES_F_ALL),
	[NFGATE_PREFIXES_A_PREFIX4]	= NLA_POLICY_EXACT_LEN(sizeof(struct nfgate_prefix4)),
	[NFGATE_PREFIXES_A_TAG]		= { .type = NLA_U64 },
	[NFGATE_PREFIXES_A_PAD]		= NFGATE_RO("PAD is not an input"),
};

static const struct nla_policy nfgate_lookup_policy[NFGATE_LOOKUP_A_MAX + 1] = {
	[NFGATE_LOOKUP_A_DADDR]		= { .type = NLA_BE32 },
	[NFGATE_LOOKUP_A_SADDR]		= { .type = NLA_BE32 },
	[NFGATE_LOOKUP_A_VERDICT]	= NFGATE_RO("lookup VERDICT is an answer"),
	[NFGATE_LOOKUP_A_REASON]	= NFGATE_RO("lookup REASON is an answer"),
};

static const struct nla_policy nfgate_trace_policy[NFGATE_TRACE_A_MAX + 1] = {
	[NFGATE_TRACE_A_ON]	= NLA_POLICY_MAX(NLA_U8, 1),
	[NFGATE_TRACE_A_HOST]	= { .type = NLA_BE32 },
	[NFGATE_TRACE_A_PORT]	= { .type = NLA_BE16 },
	[NFGATE_TRACE_A_STAGE]	= NFGATE_RO("trace STAGE is sent by the kernel only"),
	[NFGATE_TRACE_A_DECISION] = NFGATE_RO("trace DECISION is sent by the kernel only"),
	[NFGATE_TRACE_A_FLOW]	= NFGATE_RO("trace FLOW is sent by the kernel only"),
	[NFGATE_TRACE_A_IPID]	= NFGATE_RO("trace IPID is sent by the kernel only"),
	[NFGATE_TRACE_A_TIME_NS] = NFGATE_RO("trace TIME_NS is sent by the kernel only"),
	[NFGATE_TRACE_A_SADDR]	= NFGATE_RO("trace SADDR is sent by the kernel only"),
	[NFGATE_TRACE_A_DADDR]	= NFGATE_RO("trace DADDR is sent by the kernel only"),
	[NFGATE_TRACE_A_PROTO]	= NFGATE_RO("trace PROTO is sent by the kernel only"),
	[NFGATE_TRACE_A_SPORT]	= NFGATE_RO("trace SPORT is sent by the kernel only"),
	[NFGATE_TRACE_A_DPORT]	= NFGATE_RO("trace DPORT is sent by the kernel only"),
	[NFGATE_TRACE_A_DEV]	= NFGATE_RO("trace DEV is sent by the kernel only"),
	[NFGATE_TRACE_A_UPLINK]	= NFGATE_RO("trace UPLINK is sent by the kernel only"),
	[NFGATE_TRACE_A_REASON]	= NFGATE_RO("trace REASON is sent by the kernel only"),
	[NFGATE_TRACE_A_SERVER]	= NFGATE_RO("trace SERVER is sent by the kernel only"),
};

static const struct nla_policy nfgate_policy[NFGATE_A_MAX + 1] = {
	[NFGATE_A_LAN]		= NLA_POLICY_NESTED(nfgate_lan_policy),
	[NFGATE_A_UPLINK]	= NLA_POLICY_NESTED(nfgate_uplink_policy),
	[NFGATE_A_STATS]	= NFGATE_RO("STATS is read-only"),
	[NFGATE_A_EVENT]	= NFGATE_RO("EVENT is sent by the kernel only"),
	[NFGATE_A_GENERATION]	= NFGATE_RO("GENERATION is read-only"),
	[NFGATE_A_SETTINGS]	= NLA_POLICY_NESTED(nfgate_settings_policy),
	[NFGATE_A_FORWARD]	= NLA_POLICY_NESTED(nfgate_forward_policy),
	[NFGATE_A_FLUSHED]	= NFGATE_RO("FLUSHED is sent by the kernel only"),
	[NFGATE_A_RESETS]	= NFGATE_RO("RESETS is sent by the kernel only"),
	[NFGATE_A_DNS]		= NLA_POLICY_NESTED(nfgate_dns_policy),
	[NFGATE_A_FORGED]	= NLA_POLICY_NESTED(nfgate_forged_policy),
	[NFGATE_A_DNS_REPLY]	= NFGATE_RO("DNS_REPLY is sent by the kernel only"),
	[NFGATE_A_TUNNEL]	= NLA_POLICY_NESTED(nfgate_tunnel_policy),
	[NFGATE_A_PREFIXES]	= NLA_POLICY_NESTED(nfgate_prefixes_policy),
	[NFGATE_A_LOOKUP]	= NLA_POLICY_NESTED(nfgate_lookup_policy),
	[NFGATE_A_HOST]		= NFGATE_RO("HOST is read-only"),
	[NFGATE_A_TRACE]	= NLA_POLICY_NESTED(nfgate_trace_policy),
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
	unsigned int flows[NFGATE_UPLINKS_MAX + 1];
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
	nfgate_flows_count(nn, flows);

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
	err = nfgate_uplink_fill(msg, up, flows[up->id]);
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

/*
 * Dump the objects of the RCU list @head, one per message; cb->args[0] is
 * the index of the next one. The namespace's generation is the dump's
 * sequence, so a dump that raced a change is flagged NLM_F_DUMP_INTR.
 */
static int nfgate_dump_list(struct sk_buff *skb, struct netlink_callback *cb,
			    struct nfgate_net *nn, struct list_head *head,
			    u8 cmd,
			    int (*fill)(struct sk_buff *skb,
					struct list_head *node, const void *arg),
			    const void *arg)
{
	/* Any object on the list, seen through its list_head only. */
	struct nfgate_node {
		struct list_head list;
	} *node;
	unsigned long idx = cb->args[0], i = 0;
	void *hdr;

	rcu_read_lock();
	cb->seq = READ_ONCE(nn->generation);
	list_for_each_entry_rcu(node, head, list) {
		if (i++ < idx)
			continue;
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, &nfgate_family,
				  NLM_F_MULTI, cmd);
		if (!hdr)
			break;
		genl_dump_check_consistent(cb, hdr);
		if (fill(skb, &node->list, arg) ||
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

static int nfgate_uplink_dump_one(struct sk_buff *skb, struct list_head *node,
				  const void *flows)
{
	const struct nfgate_uplink *up =
		list_entry(node, struct nfgate_uplink, list);

	return nfgate_uplink_fill(skb, up,
				  ((const unsigned int *)flows)[up->id]);
}

static int nfgate_uplink_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct nfgate_net *nn = nfgate_pernet(sock_net(skb->sk));
	unsigned int flows[NFGATE_UPLINKS_MAX + 1];

	nfgate_flows_count(nn, flows);
	return nfgate_dump_list(skb, cb, nn, &nn->uplinks,
				NFGATE_CMD_UPLINK_GET, nfgate_uplink_dump_one,
				flows);
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

/* Reply with one namespace-wide object, filled by @fill. */
static int nfgate_reply_ns(struct genl_info *info, u8 cmd,
			   int (*fill)(struct sk_buff *skb,
				       const struct nfgate_net *nn))
{
	struct nfgate_net *nn = nfgate_pernet(genl_info_net(info));
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = nfgate_put_hdr(msg, info, cmd);
	if (!hdr || fill(msg, nn) ||
	    nla_put_u32(msg, NFGATE_A_GENERATION, READ_ONCE(nn->generation))) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

static int nfgate_stats_get(struct sk_buff *skb, struct genl_info *info)
{
	return nfgate_reply_ns(info, NFGATE_CMD_STATS_GET, nfgate_stats_fill);
}

static int nfgate_settings_get(struct sk_buff *skb, struct genl_info *info)
{
	return nfgate_reply_ns(info, NFGATE_CMD_SETTINGS_GET,
			       nfgate_settings_fill);
}

static int nfgate_settings_set_doit(struct sk_buff *skb,
				    struct genl_info *info)
{
	struct nfgate_net *nn = nfgate_pernet(genl_info_net(info));
	struct nlattr *tb[NFGATE_SETTINGS_A_MAX + 1];
	int err;

	err = nfgate_parse_nest(info, NFGATE_A_SETTINGS, tb,
				NFGATE_SETTINGS_A_MAX, nfgate_settings_policy);
	if (err)
		return err;
	mutex_lock(&nn->lock);
	err = nfgate_settings_set(nn, tb, info->extack);
	mutex_unlock(&nn->lock);
	return err;
}

static int nfgate_forward_dump_one(struct sk_buff *skb, struct list_head *node,
				   const void *arg)
{
	return nfgate_portfwd_fill(skb, list_entry(node, struct nfgate_portfwd,
						   list));
}

static int nfgate_forward_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct nfgate_net *nn = nfgate_pernet(sock_net(skb->sk));

	return nfgate_dump_list(skb, cb, nn, &nn->portfwds,
				NFGATE_CMD_FORWARD_GET, nfgate_forward_dump_one,
				NULL);
}

static int nfgate_forward_doit(struct genl_info *info, bool del)
{
	struct nfgate_net *nn = nfgate_pernet(genl_info_net(info));
	struct nlattr *tb[NFGATE_FORWARD_A_MAX + 1];
	int err;

	err = nfgate_parse_nest(info, NFGATE_A_FORWARD, tb,
				NFGATE_FORWARD_A_MAX, nfgate_forward_policy);
	if (err)
		return err;
	mutex_lock(&nn->lock);
	err = del ? nfgate_portfwd_del(nn, tb, info->extack) :
		    nfgate_portfwd_set(nn, tb, info->extack);
	mutex_unlock(&nn->lock);
	return err;
}

static int nfgate_forward_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	return nfgate_forward_doit(info, false);
}

static int nfgate_forward_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	return nfgate_forward_doit(info, true);
}

static int nfgate_dns_get(struct sk_buff *skb, struct genl_info *info)
{
	return nfgate_reply_ns(info, NFGATE_CMD_DNS_GET, nfgate_dns_fill);
}

static int nfgate_dns_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nfgate_net *nn = nfgate_pernet(genl_info_net(info));
	struct nlattr *tb[NFGATE_DNS_A_MAX + 1];
	int err;

	err = nfgate_parse_nest(info, NFGATE_A_DNS, tb, NFGATE_DNS_A_MAX,
				nfgate_dns_policy);
	if (err)
		return err;
	mutex_lock(&nn->lock);
	err = nfgate_dns_set(nn, tb, info->extack);
	mutex_unlock(&nn->lock);
	return err;
}

/* The forged set in messages of up to NFGATE_FORGED_CHUNK entries. */
static int nfgate_forged_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct nfgate_net *nn = nfgate_pernet(sock_net(skb->sk));
	const struct nfgate_forged *f;
	unsigned long pos = cb->args[0];
	void *hdr;
	int n;

	/* A change publishes a new set: the generation flags the race. */
	rcu_read_lock();
	cb->seq = READ_ONCE(nn->generation);
	f = rcu_dereference(nn->forged);
	for (;;) {
		unsigned long next = pos;

		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, &nfgate_family,
				  NLM_F_MULTI, NFGATE_CMD_FORGED_GET);
		if (!hdr)
			break;
		genl_dump_check_consistent(cb, hdr);
		n = nfgate_forged_fill(skb, f, &next);
		if (n <= 0 || nla_put_u32(skb, NFGATE_A_GENERATION, cb->seq)) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
		pos = next;	/* only once the message is complete */
	}
	rcu_read_unlock();
	cb->args[0] = pos;
	return skb->len;
}

static void *nfgate_host_hdr(struct sk_buff *skb, struct netlink_callback *cb)
{
	return genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			   &nfgate_family, NLM_F_MULTI, NFGATE_CMD_HOST_GET);
}

static int nfgate_host_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	return nfgate_hosts_dump(skb, cb, nfgate_pernet(sock_net(skb->sk)),
				 nfgate_host_hdr);
}

static int nfgate_trace_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nfgate_net *nn = nfgate_pernet(genl_info_net(info));
	struct nlattr *tb[NFGATE_TRACE_A_MAX + 1];
	int err;

	err = nfgate_parse_nest(info, NFGATE_A_TRACE, tb, NFGATE_TRACE_A_MAX,
				nfgate_trace_policy);
	if (err)
		return err;
	mutex_lock(&nn->lock);
	err = nfgate_trace_set(nn, tb, info->extack);
	mutex_unlock(&nn->lock);
	return err;
}

static int nfgate_forged_doit(struct genl_info *info, bool del)
{
	struct nfgate_net *nn = nfgate_pernet(genl_info_net(info));
	int err;

	mutex_lock(&nn->lock);
	err = del ? nfgate_forged_del(nn, info->attrs[NFGATE_A_FORGED],
				      info->extack) :
		    nfgate_forged_add(nn, info->attrs[NFGATE_A_FORGED],
				      info->extack);
	mutex_unlock(&nn->lock);
	return err;
}

static int nfgate_forged_add_doit(struct sk_buff *skb, struct genl_info *info)
{
	return nfgate_forged_doit(info, false);
}

static int nfgate_forged_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	return nfgate_forged_doit(info, true);
}

static int nfgate_tunnel_get(struct sk_buff *skb, struct genl_info *info)
{
	struct nfgate_net *nn = nfgate_pernet(genl_info_net(info));
	struct sk_buff *msg;
	void *hdr;
	int err;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = nfgate_put_hdr(msg, info, NFGATE_CMD_TUNNEL_GET);
	mutex_lock(&nn->lock);
	err = hdr ? nfgate_tunnel_fill(msg, nn, true) : -EMSGSIZE;
	if (!err && nla_put_u32(msg, NFGATE_A_GENERATION, nn->generation))
		err = -EMSGSIZE;
	mutex_unlock(&nn->lock);
	if (err) {
		if (err == -ENOENT)
			NL_SET_ERR_MSG(info->extack, "no tunnel is configured");
		nlmsg_free(msg);
		return err;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

static int nfgate_tunnel_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nfgate_net *nn = nfgate_pernet(genl_info_net(info));
	struct nlattr *tb[NFGATE_TUNNEL_A_MAX + 1];
	int err;

	err = nfgate_parse_nest(info, NFGATE_A_TUNNEL, tb, NFGATE_TUNNEL_A_MAX,
				nfgate_tunnel_policy);
	if (err)
		return err;
	mutex_lock(&nn->lock);
	err = nfgate_tunnel_set(nn, tb, info->extack);
	mutex_unlock(&nn->lock);
	return err;
}

static int nfgate_tunnel_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nfgate_net *nn = nfgate_pernet(genl_info_net(info));
	int err;

	mutex_lock(&nn->lock);
	err = nfgate_tunnel_del(nn, info->extack);
	mutex_unlock(&nn->lock);
	return err;
}

static int nfgate_prefixes_load_doit(struct sk_buff *skb,
				     struct genl_info *info)
{
	struct nfgate_net *nn = nfgate_pernet(genl_info_net(info));
	struct nlattr *tb[NFGATE_PREFIXES_A_MAX + 1];
	struct nfgate_tunnel *t;
	int err;

	err = nfgate_parse_nest(info, NFGATE_A_PREFIXES, tb,
				NFGATE_PREFIXES_A_MAX, nfgate_prefixes_policy);
	if (err)
		return err;
	mutex_lock(&nn->lock);
	t = rcu_dereference_protected(nn->tunnel, lockdep_is_held(&nn->lock));
	if (t) {
		err = nfgate_prefixes_load(nn, t, info->attrs[NFGATE_A_PREFIXES],
					   tb, info->snd_portid, info->extack);
	} else {
		NL_SET_ERR_MSG(info->extack, "no tunnel is configured");
		err = -ENOENT;
	}
	mutex_unlock(&nn->lock);
	return err;
}

static int nfgate_tunnel_lookup_doit(struct sk_buff *skb,
				     struct genl_info *info)
{
	struct nfgate_net *nn = nfgate_pernet(genl_info_net(info));
	struct nlattr *tb[NFGATE_LOOKUP_A_MAX + 1];
	struct sk_buff *msg;
	void *hdr;
	int err;

	err = nfgate_parse_nest(info, NFGATE_A_LOOKUP, tb, NFGATE_LOOKUP_A_MAX,
				nfgate_lookup_policy);
	if (err)
		return err;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = nfgate_put_hdr(msg, info, NFGATE_CMD_TUNNEL_LOOKUP);
	err = hdr ? nfgate_tunnel_lookup(msg, nn, tb, info->extack) : -EMSGSIZE;
	if (err) {
		nlmsg_free(msg);
		return err;
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
	{
		.cmd = NFGATE_CMD_SETTINGS_GET,
		.doit = nfgate_settings_get,
	},
	{
		.cmd = NFGATE_CMD_SETTINGS_SET,
		.doit = nfgate_settings_set_doit,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = NFGATE_CMD_FORWARD_GET,
		.dumpit = nfgate_forward_dump,
	},
	{
		.cmd = NFGATE_CMD_FORWARD_SET,
		.doit = nfgate_forward_set_doit,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = NFGATE_CMD_FORWARD_DEL,
		.doit = nfgate_forward_del_doit,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = NFGATE_CMD_DNS_GET,
		.doit = nfgate_dns_get,
	},
	{
		.cmd = NFGATE_CMD_DNS_SET,
		.doit = nfgate_dns_set_doit,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = NFGATE_CMD_FORGED_GET,
		.dumpit = nfgate_forged_dump,
	},
	{
		.cmd = NFGATE_CMD_FORGED_ADD,
		.doit = nfgate_forged_add_doit,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = NFGATE_CMD_FORGED_DEL,
		.doit = nfgate_forged_del_doit,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = NFGATE_CMD_TUNNEL_GET,
		.doit = nfgate_tunnel_get,
	},
	{
		.cmd = NFGATE_CMD_TUNNEL_SET,
		.doit = nfgate_tunnel_set_doit,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = NFGATE_CMD_TUNNEL_DEL,
		.doit = nfgate_tunnel_del_doit,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = NFGATE_CMD_PREFIXES_LOAD,
		.doit = nfgate_prefixes_load_doit,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = NFGATE_CMD_TUNNEL_LOOKUP,
		.doit = nfgate_tunnel_lookup_doit,
	},
	{
		.cmd = NFGATE_CMD_HOST_GET,
		.dumpit = nfgate_host_dump,
	},
	{
		.cmd = NFGATE_CMD_TRACE_SET,
		.doit = nfgate_trace_set_doit,
		.flags = GENL_UNS_ADMIN_PERM,
	},
};

enum { NFGATE_MCGRP_EVENTS_IDX, NFGATE_MCGRP_TRACE_IDX };

static const struct genl_multicast_group nfgate_mcgrps[] = {
	[NFGATE_MCGRP_EVENTS_IDX] = { .name = NFGATE_MCGRP_EVENTS },
	[NFGATE_MCGRP_TRACE_IDX] = { .name = NFGATE_MCGRP_TRACE },
};

/* A trace message (trace.c), from the packet path: atomic, no listener
 * no message.
 */
struct sk_buff *nfgate_trace_msg_new(struct nfgate_net *nn, void **hdr)
{
	struct sk_buff *msg;

	if (!genl_has_listeners(&nfgate_family, nn->net, NFGATE_MCGRP_TRACE_IDX))
		return NULL;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_ATOMIC);
	if (!msg)
		return NULL;
	*hdr = genlmsg_put(msg, 0, 0, &nfgate_family, 0, NFGATE_CMD_TRACE);
	if (!*hdr) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

void nfgate_trace_msg_send(struct nfgate_net *nn, struct sk_buff *msg,
			   void *hdr, int err)
{
	if (err) {
		nlmsg_free(msg);
		return;
	}
	genlmsg_end(msg, hdr);
	genlmsg_multicast_netns(&nfgate_family, nn->net, msg, 0,
				NFGATE_MCGRP_TRACE_IDX, GFP_ATOMIC);
}

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
 * Events. Sent with nn->lock held, so the events of one namespace go out in
 * the order the changes happened.
 */
static struct sk_buff *nfgate_event_new_gfp(struct nfgate_net *nn,
					    enum nfgate_event event,
					    void **hdr, gfp_t gfp)
{
	struct sk_buff *msg;

	if (!genl_has_listeners(&nfgate_family, nn->net, 0))
		return NULL;
	msg = genlmsg_new(NLMSG_GOODSIZE, gfp);
	if (!msg)
		return NULL;
	*hdr = genlmsg_put(msg, 0, 0, &nfgate_family, 0, NFGATE_CMD_EVENT);
	if (!*hdr || nla_put_u32(msg, NFGATE_A_EVENT, event) ||
	    nla_put_u32(msg, NFGATE_A_GENERATION, READ_ONCE(nn->generation))) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

static struct sk_buff *nfgate_event_new(struct nfgate_net *nn,
					enum nfgate_event event, void **hdr)
{
	return nfgate_event_new_gfp(nn, event, hdr, GFP_KERNEL);
}

static void nfgate_event_send_gfp(struct nfgate_net *nn, struct sk_buff *msg,
				  void *hdr, int err, gfp_t gfp)
{
	if (err) {
		nlmsg_free(msg);
		return;
	}
	genlmsg_end(msg, hdr);
	genlmsg_multicast_netns(&nfgate_family, nn->net, msg, 0, 0, gfp);
}

static void nfgate_event_send(struct nfgate_net *nn, struct sk_buff *msg,
			      void *hdr, int err)
{
	nfgate_event_send_gfp(nn, msg, hdr, err, GFP_KERNEL);
}

void nfgate_notify(struct nfgate_net *nn, enum nfgate_event event,
		   const struct nfgate_lan *lan, const struct nfgate_uplink *up)
{
	struct sk_buff *msg;
	void *hdr;
	int err = 0;

	msg = nfgate_event_new(nn, event, &hdr);
	if (!msg)
		return;
	if (lan)
		err = nfgate_lan_fill(msg, lan);
	if (up && !err)
		err = nfgate_uplink_fill(msg, up, NFGATE_FLOWS_UNKNOWN);
	nfgate_event_send(nn, msg, hdr, err);
}

void nfgate_notify_flush(struct nfgate_net *nn, const struct nfgate_uplink *up,
			 u32 flushed, u32 resets)
{
	struct sk_buff *msg;
	void *hdr;

	msg = nfgate_event_new(nn, NFGATE_EVENT_UPLINK_FLUSH, &hdr);
	if (!msg)
		return;
	nfgate_event_send(nn, msg, hdr,
			  nfgate_uplink_fill(msg, up, NFGATE_FLOWS_UNKNOWN) ||
			  nla_put_u32(msg, NFGATE_A_FLUSHED, flushed) ||
			  nla_put_u32(msg, NFGATE_A_RESETS, resets));
}

void nfgate_notify_settings(struct nfgate_net *nn)
{
	struct sk_buff *msg;
	void *hdr;

	msg = nfgate_event_new(nn, NFGATE_EVENT_SETTINGS, &hdr);
	if (msg)
		nfgate_event_send(nn, msg, hdr, nfgate_settings_fill(msg, nn));
}

void nfgate_notify_portfwd(struct nfgate_net *nn, enum nfgate_event event,
			   const struct nfgate_portfwd *pf)
{
	struct sk_buff *msg;
	void *hdr;

	msg = nfgate_event_new(nn, event, &hdr);
	if (msg)
		nfgate_event_send(nn, msg, hdr, nfgate_portfwd_fill(msg, pf));
}

void nfgate_notify_dns(struct nfgate_net *nn, enum nfgate_event event)
{
	struct sk_buff *msg;
	void *hdr;

	msg = nfgate_event_new(nn, event, &hdr);
	if (msg)
		nfgate_event_send(nn, msg, hdr, nfgate_dns_fill(msg, nn));
}

/* The question name in presentation form ("www.example.com"; "." root). */
static void nfgate_qname_str(const struct ng_dns_msg *m, char *out)
{
	unsigned int i = 0, o = 0, l;

	while (i < m->qname_len && m->qname[i]) {
		l = m->qname[i++];
		if (o)
			out[o++] = '.';
		for (; l && i < m->qname_len; l--, i++) {
			u8 c = m->qname[i];

			out[o++] = (c > ' ' && c < 0x7f && c != '.') ? c : '?';
		}
	}
	if (!o)
		out[o++] = '.';
	out[o] = 0;
}

static int nfgate_dns_reply_fill(struct sk_buff *msg, struct nfgate_net *nn,
				 const struct nfgate_dns_report *rep)
{
	const struct ng_dns_msg *m = rep->m;
	const struct nfgate_dns_fp *fp = rep->fp;
	char name[NG_DNS_MAX_NAME + 1];
	const struct nfgate_uplink *up;
	struct nlattr *nest;
	unsigned int i, n;
	const __be32 *a;

	nest = nla_nest_start(msg, NFGATE_A_DNS_REPLY);
	if (!nest)
		return -EMSGSIZE;
	nfgate_qname_str(m, name);
	if (nla_put_u8(msg, NFGATE_DNS_REPLY_A_VERDICT, rep->verdict) ||
	    nla_put_u32(msg, NFGATE_DNS_REPLY_A_SIGNALS, fp->sig) ||
	    nla_put_in_addr(msg, NFGATE_DNS_REPLY_A_RESOLVER, rep->resolver) ||
	    nla_put_in_addr(msg, NFGATE_DNS_REPLY_A_CLIENT, rep->client) ||
	    nla_put_string(msg, NFGATE_DNS_REPLY_A_QNAME, name) ||
	    nla_put_u16(msg, NFGATE_DNS_REPLY_A_QTYPE, m->qtype) ||
	    nla_put_u8(msg, NFGATE_DNS_REPLY_A_IP_TTL, fp->ttl) ||
	    nla_put_u16(msg, NFGATE_DNS_REPLY_A_IP_ID, fp->ipid) ||
	    nla_put_u8(msg, NFGATE_DNS_REPLY_A_DF, fp->df) ||
	    nla_put_u16(msg, NFGATE_DNS_REPLY_A_FLAGS, fp->flags) ||
	    nla_put_u32(msg, NFGATE_DNS_REPLY_A_LEAD_US, rep->lead_us))
		goto err;
	rcu_read_lock();
	up = nfgate_uplink_by_ifindex(nn, rep->ifindex);
	if (up && nla_put_string(msg, NFGATE_DNS_REPLY_A_UPLINK, up->ifname)) {
		rcu_read_unlock();
		goto err;
	}
	rcu_read_unlock();
	if (rep->no_answers) {
		a = fp->a;
		n = fp->n_a;
	} else {
		a = m->a;
		n = min_t(unsigned int, m->n_a, NG_DNS_MAX_ADDRS);
	}
	for (i = 0; i < n; i++)
		if (nla_put_in_addr(msg, NFGATE_DNS_REPLY_A_ANSWER4, a[i]))
			goto err;
	n = rep->no_answers ? 0 : min_t(unsigned int, m->n_aaaa,
					NG_DNS_MAX_ADDRS);
	for (i = 0; i < n; i++)
		if (nla_put(msg, NFGATE_DNS_REPLY_A_ANSWER6, 16, m->aaaa[i]))
			goto err;
	nla_nest_end(msg, nest);
	return 0;
err:
	nla_nest_cancel(msg, nest);
	return -EMSGSIZE;
}

/* Packet path (atomic): a reply judged forged. */
void nfgate_notify_dns_reply(struct nfgate_net *nn,
			     const struct nfgate_dns_report *rep)
{
	struct sk_buff *msg;
	void *hdr;

	msg = nfgate_event_new_gfp(nn, NFGATE_EVENT_DNS_FORGED, &hdr,
				   GFP_ATOMIC);
	if (msg)
		nfgate_event_send_gfp(nn, msg, hdr,
				      nfgate_dns_reply_fill(msg, nn, rep),
				      GFP_ATOMIC);
}

/* With nn->lock held: the tunnel after a change (before, for a deletion). */
void nfgate_notify_tunnel(struct nfgate_net *nn, enum nfgate_event event)
{
	struct sk_buff *msg;
	void *hdr;

	msg = nfgate_event_new(nn, event, &hdr);
	if (msg)
		nfgate_event_send(nn, msg, hdr,
				  nfgate_tunnel_fill(msg, nn, false));
}

int __init nfgate_genl_register(void)
{
	return genl_register_family(&nfgate_family);
}

void nfgate_genl_unregister(void)
{
	genl_unregister_family(&nfgate_family);
}
