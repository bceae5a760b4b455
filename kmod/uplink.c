// SPDX-License-Identifier: GPL-2.0
/*
 * nfgate: uplink objects and their operational state.
 *
 * An uplink is known by its interface name, because ppp0 is destroyed and
 * created again (with a new ifindex and usually a new address) whenever the
 * PPPoE session re-dials. Netdev and inetaddr notifiers keep ifindex,
 * address and operational state current.
 */

#include <linux/inetdevice.h>
#include <linux/rtnetlink.h>
#include <linux/timekeeping.h>
#include <net/netlink.h>

#include "nfgate.h"

static u64 nfgate_now_ms(void)
{
	return div_u64(ktime_get_boottime_ns(), NSEC_PER_MSEC);
}

struct nfgate_uplink *nfgate_uplink_find(struct nfgate_net *nn,
					 const char *ifname)
{
	struct nfgate_uplink *up;

	list_for_each_entry_rcu(up, &nn->uplinks, list,
				lockdep_is_held(&nn->lock))
		if (!strcmp(up->ifname, ifname))
			return up;
	return NULL;
}

/* Packet path, under RCU. A router has a handful of uplinks. */
struct nfgate_uplink *nfgate_uplink_by_ifindex(struct nfgate_net *nn,
					       int ifindex)
{
	struct nfgate_uplink *up;

	list_for_each_entry_rcu(up, &nn->uplinks, list)
		if (READ_ONCE(up->ifindex) == ifindex)
			return up;
	return NULL;
}

struct nfgate_uplink *nfgate_uplink_by_id(struct nfgate_net *nn, u32 id)
{
	if (!id || id > NFGATE_UPLINKS_MAX)
		return NULL;
	return rcu_dereference_check(nn->by_id[id], lockdep_is_held(&nn->lock));
}

/* Carrying traffic: its connections die with it when this ends. */
static bool nfgate_uplink_alive(const struct nfgate_uplink *up)
{
	return up->oper == NFGATE_OPER_UP && up->health;
}

/*
 * The uplink's share of new connections: weight * health, exactly (a weight
 * of 1 at health 126 must still get its 12.6 %), 0 unless it is up.
 */
u32 nfgate_uplink_share(const struct nfgate_uplink *up)
{
	if (READ_ONCE(up->oper) != NFGATE_OPER_UP ||
	    READ_ONCE(up->admin) != NFGATE_ADMIN_UP)
		return 0;
	return READ_ONCE(up->weight) * READ_ONCE(up->health);
}

/* For people: the share in units of weight, rounded down. */
u32 nfgate_uplink_eff_weight(const struct nfgate_uplink *up)
{
	return nfgate_uplink_share(up) / NFGATE_HEALTH_MAX;
}

/*
 * Recompute ifindex, address and operational state from the device.
 * RTNL held. Returns true when the operational state changed.
 */
static bool nfgate_uplink_refresh(struct nfgate_net *nn,
				  struct nfgate_uplink *up)
{
	struct net_device *dev = __dev_get_by_name(nn->net, up->ifname);
	u8 oper = NFGATE_OPER_ABSENT;
	__be32 addr = 0;
	int ifindex = 0;

	ASSERT_RTNL();
	if (dev && dev->reg_state == NETREG_REGISTERED) {
		ifindex = dev->ifindex;
		addr = inet_select_addr(dev, 0, RT_SCOPE_UNIVERSE);
		oper = netif_running(dev) && netif_oper_up(dev) && addr ?
		       NFGATE_OPER_UP : NFGATE_OPER_DOWN;
	}
	WRITE_ONCE(up->ifindex, ifindex);
	WRITE_ONCE(up->addr, addr);
	if (oper == up->oper)
		return false;
	if (oper == NFGATE_OPER_UP)
		WRITE_ONCE(up->usable_after, jiffies +
			   msecs_to_jiffies(READ_ONCE(nn->holddown_ms)));
	WRITE_ONCE(up->oper, oper);
	up->changed_ms = nfgate_now_ms();
	return true;
}

/* Tier, weight, health, admin. Returns true when any of them changed. */
static bool nfgate_uplink_set_config(struct nfgate_uplink *up,
				     struct nlattr **tb)
{
	bool changed = false;
	u32 v;

	if (tb[NFGATE_UPLINK_A_TIER]) {
		v = nla_get_u8(tb[NFGATE_UPLINK_A_TIER]);
		changed |= v != up->tier;
		WRITE_ONCE(up->tier, v);
	}
	if (tb[NFGATE_UPLINK_A_WEIGHT]) {
		v = nla_get_u32(tb[NFGATE_UPLINK_A_WEIGHT]);
		changed |= v != up->weight;
		WRITE_ONCE(up->weight, v);
	}
	if (tb[NFGATE_UPLINK_A_HEALTH]) {
		v = nla_get_u32(tb[NFGATE_UPLINK_A_HEALTH]);
		changed |= v != up->health;
		WRITE_ONCE(up->health, v);
	}
	if (tb[NFGATE_UPLINK_A_ADMIN]) {
		v = nla_get_u8(tb[NFGATE_UPLINK_A_ADMIN]);
		changed |= v != up->admin;
		WRITE_ONCE(up->admin, v);
	}
	return changed;
}

/* The agent's report. Returns true when its health state changed. */
static bool nfgate_uplink_set_report(struct nfgate_uplink *up,
				     struct nlattr **tb)
{
	struct nfgate_health_report *r = &up->report;
	bool changed = false;

	if (tb[NFGATE_UPLINK_A_HEALTH_REASON])
		WRITE_ONCE(r->reason,
			   nla_get_u8(tb[NFGATE_UPLINK_A_HEALTH_REASON]));
	if (tb[NFGATE_UPLINK_A_HEALTH_STATE]) {
		u8 state = nla_get_u8(tb[NFGATE_UPLINK_A_HEALTH_STATE]);

		changed = state != r->state;
		if (changed) {
			WRITE_ONCE(r->state, state);
			WRITE_ONCE(r->since_ms, nfgate_now_ms());
		}
	}
	if (tb[NFGATE_UPLINK_A_PROBE_LOSS])
		WRITE_ONCE(r->loss, nla_get_u32(tb[NFGATE_UPLINK_A_PROBE_LOSS]));
	if (tb[NFGATE_UPLINK_A_PROBE_RTT_US])
		WRITE_ONCE(r->rtt_us,
			   nla_get_u32(tb[NFGATE_UPLINK_A_PROBE_RTT_US]));
	if (tb[NFGATE_UPLINK_A_PROBE_JITTER_US])
		WRITE_ONCE(r->jitter_us,
			   nla_get_u32(tb[NFGATE_UPLINK_A_PROBE_JITTER_US]));
	return changed;
}

static void nfgate_uplink_free_rcu(struct rcu_head *head)
{
	struct nfgate_uplink *up = container_of(head, struct nfgate_uplink, rcu);

	nfgate_uplink_rt_free(up);
	free_percpu(up->stats);
	kfree(up);
}

static void nfgate_uplink_unlink(struct nfgate_net *nn,
				 struct nfgate_uplink *up)
{
	list_del_rcu(&up->list);
	RCU_INIT_POINTER(nn->by_id[up->id], NULL);
	nn->n_uplinks--;
}

static void nfgate_uplink_remove(struct nfgate_net *nn,
				 struct nfgate_uplink *up)
{
	nfgate_uplink_unlink(nn, up);
	call_rcu(&up->rcu, nfgate_uplink_free_rcu);
}

static struct nfgate_uplink *nfgate_uplink_new(struct nfgate_net *nn,
					       const char *ifname,
					       struct netlink_ext_ack *extack)
{
	struct nfgate_uplink *up;
	u8 id;

	for (id = 1; id <= NFGATE_UPLINKS_MAX; id++)
		if (!rcu_access_pointer(nn->by_id[id]))
			break;
	if (id > NFGATE_UPLINKS_MAX) {
		NL_SET_ERR_MSG(extack, "too many uplinks");
		return ERR_PTR(-ENOSPC);
	}
	up = kzalloc(sizeof(*up), GFP_KERNEL);
	if (!up)
		return ERR_PTR(-ENOMEM);
	up->stats = netdev_alloc_pcpu_stats(struct nfgate_uplink_pcpu);
	if (!up->stats || nfgate_uplink_rt_init(up)) {
		free_percpu(up->stats);
		kfree(up);
		return ERR_PTR(-ENOMEM);
	}
	strscpy(up->ifname, ifname, IFNAMSIZ);
	up->id = id;
	up->weight = 1;
	up->health = NFGATE_HEALTH_MAX;
	up->admin = NFGATE_ADMIN_UP;
	up->oper = NFGATE_OPER_ABSENT;
	up->changed_ms = nfgate_now_ms();
	up->report.since_ms = up->changed_ms;
	up->usable_after = jiffies;
	return up;
}

int nfgate_uplink_set(struct nfgate_net *nn, struct nlattr **tb,
		      struct netlink_ext_ack *extack)
{
	char ifname[IFNAMSIZ];
	struct nfgate_uplink *up;
	bool created = false;
	bool health_changed;
	bool changed;
	bool was_alive;
	int err;

	ASSERT_RTNL();
	lockdep_assert_held(&nn->lock);

	if (NL_REQ_ATTR_CHECK(extack, NULL, tb, NFGATE_UPLINK_A_IFNAME)) {
		NL_SET_ERR_MSG(extack, "uplink needs IFNAME");
		return -EINVAL;
	}
	nla_strscpy(ifname, tb[NFGATE_UPLINK_A_IFNAME], IFNAMSIZ);
	if (!ifname[0]) {
		NL_SET_ERR_MSG_ATTR(extack, tb[NFGATE_UPLINK_A_IFNAME],
				    "empty interface name");
		return -EINVAL;
	}

	up = nfgate_uplink_find(nn, ifname);
	if (!up) {
		up = nfgate_uplink_new(nn, ifname, extack);
		if (IS_ERR(up))
			return PTR_ERR(up);
		created = true;
	}
	was_alive = !created && nfgate_uplink_alive(up);
	changed = nfgate_uplink_set_config(up, tb);
	health_changed = nfgate_uplink_set_report(up, tb);

	if (created) {
		nfgate_uplink_refresh(nn, up);
		up->usable_after = jiffies;	/* no hold-down when new */
		list_add_tail_rcu(&up->list, &nn->uplinks);
		rcu_assign_pointer(nn->by_id[up->id], up);
		nn->n_uplinks++;
		err = nfgate_hooks_sync(nn);
		if (err) {
			NL_SET_ERR_MSG(extack,
				       "registering the netfilter hooks failed");
			nfgate_uplink_remove(nn, up);
			return err;
		}
	}
	/*
	 * The agent's measurements alone (loss, RTT, jitter) change no
	 * configuration: no generation bump, no event. A new health state is
	 * announced once, as UPLINK_HEALTH, carrying the uplink.
	 */
	if (created || changed || health_changed)
		nn->generation++;
	if (created)
		nfgate_notify(nn, NFGATE_EVENT_UPLINK_NEW, NULL, up);
	else if (health_changed)
		nfgate_notify(nn, NFGATE_EVENT_UPLINK_HEALTH, NULL, up);
	else if (changed)
		nfgate_notify(nn, NFGATE_EVENT_UPLINK_CHANGE, NULL, up);
	if (was_alive && !nfgate_uplink_alive(up))
		nfgate_failover_flush(nn, up);
	return 0;
}

int nfgate_uplink_del(struct nfgate_net *nn, struct nlattr **tb,
		      struct netlink_ext_ack *extack)
{
	char ifname[IFNAMSIZ];
	struct nfgate_uplink *up;

	if (NL_REQ_ATTR_CHECK(extack, NULL, tb, NFGATE_UPLINK_A_IFNAME)) {
		NL_SET_ERR_MSG(extack, "uplink needs IFNAME");
		return -EINVAL;
	}
	nla_strscpy(ifname, tb[NFGATE_UPLINK_A_IFNAME], IFNAMSIZ);
	up = nfgate_uplink_find(nn, ifname);
	if (!up) {
		NL_SET_ERR_MSG_ATTR(extack, tb[NFGATE_UPLINK_A_IFNAME],
				    "no uplink with this name");
		return -ENOENT;
	}
	nn->generation++;
	nfgate_notify(nn, NFGATE_EVENT_UPLINK_DEL, NULL, up);
	nfgate_uplink_unlink(nn, up);
	/*
	 * Its id may be given to another uplink: once no packet can pin a
	 * connection to it any more, no connection may keep it.
	 */
	synchronize_net();
	nfgate_failover_flush(nn, up);
	call_rcu(&up->rcu, nfgate_uplink_free_rcu);
	nfgate_hooks_sync(nn);
	return 0;
}

void nfgate_uplinks_free(struct nfgate_net *nn)
{
	struct nfgate_uplink *up, *tmp;

	list_for_each_entry_safe(up, tmp, &nn->uplinks, list)
		nfgate_uplink_remove(nn, up);
}

int nfgate_uplink_fill(struct sk_buff *skb, const struct nfgate_uplink *up,
		       unsigned int flows)
{
	u64 packets[__NFGATE_DIR_LAST], bytes[__NFGATE_DIR_LAST];
	struct nlattr *nest = nla_nest_start(skb, NFGATE_A_UPLINK);
	const struct nfgate_health_report *r = &up->report;
	u64 syn[__NFGATE_SYN_LAST];

	if (!nest)
		return -EMSGSIZE;
	nfgate_uplink_stats_read(up, packets, bytes, syn);
	if (nla_put_string(skb, NFGATE_UPLINK_A_IFNAME, up->ifname) ||
	    nla_put_u32(skb, NFGATE_UPLINK_A_IFINDEX, READ_ONCE(up->ifindex)) ||
	    nla_put_u8(skb, NFGATE_UPLINK_A_TIER, READ_ONCE(up->tier)) ||
	    nla_put_u32(skb, NFGATE_UPLINK_A_WEIGHT, READ_ONCE(up->weight)) ||
	    nla_put_u32(skb, NFGATE_UPLINK_A_HEALTH, READ_ONCE(up->health)) ||
	    nla_put_u8(skb, NFGATE_UPLINK_A_ADMIN, READ_ONCE(up->admin)) ||
	    nla_put_u8(skb, NFGATE_UPLINK_A_OPER, READ_ONCE(up->oper)) ||
	    nla_put_u32(skb, NFGATE_UPLINK_A_EFF_WEIGHT,
			nfgate_uplink_eff_weight(up)) ||
	    nla_put_in_addr(skb, NFGATE_UPLINK_A_ADDR, READ_ONCE(up->addr)) ||
	    (flows != NFGATE_FLOWS_UNKNOWN &&
	     nla_put_u32(skb, NFGATE_UPLINK_A_FLOWS, flows)) ||
	    nla_put_u8(skb, NFGATE_UPLINK_A_ID, up->id) ||
	    nla_put_u8(skb, NFGATE_UPLINK_A_USABLE, nfgate_uplink_usable(up)) ||
	    nla_put_u64_64bit(skb, NFGATE_UPLINK_A_CHANGED_MS,
			      READ_ONCE(up->changed_ms), NFGATE_UPLINK_A_PAD) ||
	    nla_put_u64_64bit(skb, NFGATE_UPLINK_A_TX_PACKETS,
			      packets[NFGATE_DIR_TX], NFGATE_UPLINK_A_PAD) ||
	    nla_put_u64_64bit(skb, NFGATE_UPLINK_A_TX_BYTES,
			      bytes[NFGATE_DIR_TX], NFGATE_UPLINK_A_PAD) ||
	    nla_put_u64_64bit(skb, NFGATE_UPLINK_A_RX_PACKETS,
			      packets[NFGATE_DIR_RX], NFGATE_UPLINK_A_PAD) ||
	    nla_put_u64_64bit(skb, NFGATE_UPLINK_A_RX_BYTES,
			      bytes[NFGATE_DIR_RX], NFGATE_UPLINK_A_PAD) ||
	    nla_put_u8(skb, NFGATE_UPLINK_A_HEALTH_STATE, READ_ONCE(r->state)) ||
	    nla_put_u8(skb, NFGATE_UPLINK_A_HEALTH_REASON,
		       READ_ONCE(r->reason)) ||
	    nla_put_u64_64bit(skb, NFGATE_UPLINK_A_HEALTH_SINCE_MS,
			      READ_ONCE(r->since_ms), NFGATE_UPLINK_A_PAD) ||
	    nla_put_u32(skb, NFGATE_UPLINK_A_PROBE_LOSS, READ_ONCE(r->loss)) ||
	    nla_put_u32(skb, NFGATE_UPLINK_A_PROBE_RTT_US,
			READ_ONCE(r->rtt_us)) ||
	    nla_put_u32(skb, NFGATE_UPLINK_A_PROBE_JITTER_US,
			READ_ONCE(r->jitter_us)) ||
	    nla_put_u64_64bit(skb, NFGATE_UPLINK_A_SYN_SENT,
			      syn[NFGATE_SYN_SENT], NFGATE_UPLINK_A_PAD) ||
	    nla_put_u64_64bit(skb, NFGATE_UPLINK_A_SYN_ANSWERED,
			      syn[NFGATE_SYN_ANSWERED], NFGATE_UPLINK_A_PAD)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/* RTNL held: a device or one of its addresses changed. */
void nfgate_uplink_dev_event(struct nfgate_net *nn, struct net_device *dev)
{
	struct nfgate_uplink *up;
	bool was_alive;
	int old_ifindex;
	__be32 old_addr;

	list_for_each_entry(up, &nn->uplinks, list) {
		if (strcmp(up->ifname, dev->name) &&
		    up->ifindex != dev->ifindex)
			continue;
		old_ifindex = up->ifindex;
		old_addr = up->addr;
		was_alive = nfgate_uplink_alive(up);
		if (nfgate_uplink_refresh(nn, up)) {
			nn->generation++;
			nfgate_notify(nn, NFGATE_EVENT_UPLINK_STATE, NULL, up);
			if (was_alive && !nfgate_uplink_alive(up))
				nfgate_failover_flush(nn, up);
		} else if (old_ifindex != up->ifindex || old_addr != up->addr) {
			nn->generation++;
			nfgate_notify(nn, NFGATE_EVENT_UPLINK_CHANGE, NULL, up);
		}
	}
}

static int nfgate_netdev_event(struct notifier_block *nb, unsigned long event,
			       void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);
	struct nfgate_net *nn = nfgate_pernet(dev_net(dev));

	switch (event) {
	case NETDEV_REGISTER:
	case NETDEV_UNREGISTER:
	case NETDEV_CHANGENAME:
	case NETDEV_UP:
	case NETDEV_DOWN:
	case NETDEV_CHANGE:
		break;
	default:
		return NOTIFY_DONE;
	}
	if (event == NETDEV_UNREGISTER)
		nfgate_dns_hold_dev_gone(nn, dev);
	mutex_lock(&nn->lock);
	nfgate_lan_netdev_event(nn, dev, event);
	nfgate_uplink_dev_event(nn, dev);
	mutex_unlock(&nn->lock);
	return NOTIFY_DONE;
}

static int nfgate_inetaddr_event(struct notifier_block *nb,
				 unsigned long event, void *ptr)
{
	struct in_ifaddr *ifa = ptr;
	struct net_device *dev = ifa->ifa_dev->dev;
	struct nfgate_net *nn = nfgate_pernet(dev_net(dev));

	mutex_lock(&nn->lock);
	nfgate_uplink_dev_event(nn, dev);
	mutex_unlock(&nn->lock);
	return NOTIFY_DONE;
}

/*
 * Ahead of the NAT core's masquerade notifiers (priority 0): when an
 * uplink dies, failover.c must see its connections before those delete
 * the masqueraded ones, to send the LAN hosts their RSTs.
 */
static struct notifier_block nfgate_netdev_nb = {
	.notifier_call = nfgate_netdev_event,
	.priority = 1,
};

static struct notifier_block nfgate_inetaddr_nb = {
	.notifier_call = nfgate_inetaddr_event,
	.priority = 1,
};

int nfgate_uplink_notifiers_register(void)
{
	int err;

	err = register_netdevice_notifier(&nfgate_netdev_nb);
	if (err)
		return err;
	err = register_inetaddr_notifier(&nfgate_inetaddr_nb);
	if (err)
		unregister_netdevice_notifier(&nfgate_netdev_nb);
	return err;
}

void nfgate_uplink_notifiers_unregister(void)
{
	unregister_inetaddr_notifier(&nfgate_inetaddr_nb);
	unregister_netdevice_notifier(&nfgate_netdev_nb);
}
