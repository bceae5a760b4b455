/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nfgate: internal declarations shared by the module's files.
 *
 * Locking: configuration changes hold RTNL (devices are looked up and their
 * state read consistently with netdev notifiers) and then nn->lock. The
 * packet path reads configuration under RCU only and never sleeps or locks.
 */
#ifndef _NFGATE_H
#define _NFGATE_H

#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/netdevice.h>
#include <linux/rcupdate.h>
#include <linux/u64_stats_sync.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include <uapi/linux/nfgate.h>

struct genl_info;
struct netlink_ext_ack;
struct sk_buff;

struct nfgate_pcpu_stats {
	u64_stats_t ctr[__NFGATE_STAT_LAST];
	struct u64_stats_sync syncp;
};

struct nfgate_lan {
	char ifname[IFNAMSIZ];
	int ifindex;		/* 0 while absent; WRITE_ONCE under RTNL */
	__be32 addr;
	__be32 mask;
	u8 prefixlen;
	struct rcu_head rcu;
};

enum nfgate_uplink_dir { NFGATE_DIR_TX, NFGATE_DIR_RX, __NFGATE_DIR_LAST };

struct nfgate_uplink_pcpu {
	u64_stats_t packets[__NFGATE_DIR_LAST];
	u64_stats_t bytes[__NFGATE_DIR_LAST];
	struct u64_stats_sync syncp;
};

struct nfgate_uplink {
	struct list_head list;		/* nn->uplinks, RCU */
	struct rcu_head rcu;
	char ifname[IFNAMSIZ];
	/* Written under RTNL + nn->lock, read locklessly. */
	int ifindex;
	__be32 addr;
	u8 tier;
	u8 admin;
	u8 oper;
	u32 weight;
	u32 health;
	u64 changed_ms;
	atomic_t flows;
	struct nfgate_uplink_pcpu __percpu *stats;
};

struct nfgate_net {
	struct net *net;
	struct mutex lock;		/* configuration writers, after RTNL */
	u32 generation;			/* bumped on every change */
	struct nfgate_lan __rcu *lan;
	struct list_head uplinks;
	unsigned int n_uplinks;
	bool hooks_registered;
	struct nfgate_pcpu_stats __percpu *stats;
};

extern unsigned int nfgate_net_id;

static inline struct nfgate_net *nfgate_pernet(const struct net *net)
{
	return net_generic(net, nfgate_net_id);
}

/* hooks.c */
int nfgate_hooks_sync(struct nfgate_net *nn);
void nfgate_hooks_unregister(struct nfgate_net *nn);

/* stats.c */
int nfgate_stats_init(struct nfgate_net *nn);
void nfgate_stats_free(struct nfgate_net *nn);
void nfgate_stat_inc(struct nfgate_net *nn, enum nfgate_stat stat);
void nfgate_stats_read(struct nfgate_net *nn, u64 *out);
int nfgate_stats_fill(struct sk_buff *skb, struct nfgate_net *nn);
void nfgate_uplink_account(struct nfgate_uplink *up, enum nfgate_uplink_dir dir,
			   unsigned int len);
void nfgate_uplink_stats_read(const struct nfgate_uplink *up, u64 *packets,
			      u64 *bytes);

/* lan.c */
int nfgate_lan_set(struct nfgate_net *nn, struct nlattr **tb,
		   struct netlink_ext_ack *extack);
int nfgate_lan_del(struct nfgate_net *nn, struct netlink_ext_ack *extack);
void nfgate_lan_free(struct nfgate_net *nn);
int nfgate_lan_fill(struct sk_buff *skb, const struct nfgate_lan *lan);
void nfgate_lan_netdev_event(struct nfgate_net *nn, struct net_device *dev,
			     unsigned long event);

/* uplink.c */
int nfgate_uplink_set(struct nfgate_net *nn, struct nlattr **tb,
		      struct netlink_ext_ack *extack);
int nfgate_uplink_del(struct nfgate_net *nn, struct nlattr **tb,
		      struct netlink_ext_ack *extack);
void nfgate_uplinks_free(struct nfgate_net *nn);
struct nfgate_uplink *nfgate_uplink_find(struct nfgate_net *nn,
					 const char *ifname);
struct nfgate_uplink *nfgate_uplink_by_ifindex(struct nfgate_net *nn,
					       int ifindex);
int nfgate_uplink_fill(struct sk_buff *skb, const struct nfgate_uplink *up);
u32 nfgate_uplink_eff_weight(const struct nfgate_uplink *up);
void nfgate_uplink_dev_event(struct nfgate_net *nn, struct net_device *dev);
int nfgate_uplink_notifiers_register(void);
void nfgate_uplink_notifiers_unregister(void);

/* netlink.c */
int nfgate_genl_register(void);
void nfgate_genl_unregister(void);
void nfgate_notify(struct nfgate_net *nn, enum nfgate_event event,
		   const struct nfgate_lan *lan, const struct nfgate_uplink *up);

static inline bool nfgate_configured(const struct nfgate_net *nn)
{
	return rcu_access_pointer(nn->lan) || nn->n_uplinks;
}

#endif /* _NFGATE_H */
