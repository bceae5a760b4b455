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

#include <linux/jump_label.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/netdevice.h>
#include <linux/ratelimit.h>
#include <linux/rcupdate.h>
#include <linux/timer.h>
#include <linux/u64_stats_sync.h>
#include <net/net_namespace.h>
#include <net/netlink.h>
#include <net/netns/generic.h>
#include <uapi/linux/nfgate.h>

#include "addrset.h"
#include "cidrset.h"
#include "dns.h"
#include "dnsguard.h"

struct genl_info;
struct nf_conn;
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
	u64_stats_t syn_sent;		/* the passive health signal */
	u64_stats_t syn_answered;
	struct u64_stats_sync syncp;
};

/* What the agent last reported of an uplink's health (see the uapi). */
struct nfgate_health_report {
	u8 state;
	u8 reason;
	u32 loss;		/* 1/100 % */
	u32 rtt_us;
	u32 jitter_us;
	u64 since_ms;
};

/*
 * Routes through one uplink, per CPU, keyed by what the FIB lookup is
 * keyed by (steer.c): a connection pinned to an uplink that its packets'
 * own routing decision did not choose takes its route from here, checked
 * with dst_check(), instead of from a FIB lookup per packet.
 */
#define NFGATE_RT_SLOTS		64
struct nfgate_rt_slot {
	struct dst_entry *dst;		/* a reference; NULL: empty */
	__be32 daddr;
	u32 mark;
	int oif;
	u8 tos;
	u8 proto;
};

struct nfgate_rt_cache {
	struct nfgate_rt_slot slot[NFGATE_RT_SLOTS];
};

struct nfgate_uplink {
	struct list_head list;		/* nn->uplinks, RCU */
	struct rcu_head rcu;
	char ifname[IFNAMSIZ];
	u8 id;				/* 1..NFGATE_UPLINKS_MAX, in ct marks */
	/* Written under RTNL + nn->lock, read locklessly. */
	int ifindex;
	__be32 addr;
	u8 tier;
	u8 admin;
	u8 oper;
	u32 weight;
	u32 health;
	u64 changed_ms;
	unsigned long usable_after;	/* jiffies: end of the hold-down */
	struct nfgate_health_report report;	/* under nn->lock */
	struct nfgate_uplink_pcpu __percpu *stats;
	struct nfgate_rt_cache __percpu *rt;	/* steer.c */
};

struct nfgate_portfwd {
	struct list_head list;		/* nn->portfwds, RCU */
	struct rcu_head rcu;
	u8 proto;
	__be16 port;
	__be32 to_addr;
	__be16 to_port;
	char uplink[IFNAMSIZ];		/* "" for every uplink */
	atomic64_t hits;
};

/* Per LAN host: the uplink of its last new connection (sticky_ms). */
#define NFGATE_STICKY_SLOTS	1024
struct nfgate_sticky_slot {
	__be32 host;
	u8 id;
	unsigned long expires;
};

struct nfgate_sticky {
	spinlock_t lock;
	struct nfgate_sticky_slot slot[NFGATE_STICKY_SLOTS];
};

/* --- DNS reply check (dns.c, dnshold.c, forged.c). --- */

#define NFGATE_DNS_BUF		4096	/* bigger replies are linearized */
#define NFGATE_DNSQ_SLOTS	4096	/* queries in flight per namespace */
#define NFGATE_DNSQ_PROBE	8
#define NFGATE_DNSQ_LIFE_NS	(10 * NSEC_PER_SEC)
#define NFGATE_DNSQ_ANS		4	/* A answers remembered per reply */
#define NFGATE_DNS_RESOLVERS	64	/* baselines per namespace */
#define NFGATE_DNS_RES_PROBE	4
#define NFGATE_DNS_HOLD_BYTES	(2 << 20)	/* skb truesize, all held */

struct nfgate_dns_scratch {
	struct ng_dns_msg m[2];
	u8 buf[NFGATE_DNS_BUF];
	char name[NG_DNS_MAX_NAME + 1];
};

/* What a reply looked like: enough to report it and to learn from it. */
struct nfgate_dns_fp {
	u32 ahash;		/* ng_dnsg_answer_hash() */
	u32 sig;		/* NFGATE_DNS_SIG_* */
	u8 ttl;
	u8 df;
	u8 n_a;
	u16 ipid;
	u16 flags;		/* DNS header flags */
	u16 len;		/* IP total length */
	__be32 a[NFGATE_DNSQ_ANS];
};

struct nfgate_dns_held;

/* A query in flight. */
struct nfgate_dnsq {
	__be32 client;		/* the query's source, before NAT */
	__be32 resolver;
	__be16 cport;
	u16 id;
	bool used;
	bool router;		/* sent by the router itself */
	bool edns;		/* the query had an OPT record */
	bool passed;		/* a reply went to the client: p */
	u64 sent_ns;		/* first copy sent, ktime_get_ns() */
	u64 p_ns;		/* when the passed reply arrived */
	struct nfgate_dns_fp p;
	struct nfgate_dns_held *held;
};

/* A reply being judged: the parse and its fingerprint. */
struct nfgate_dns_seen {
	const struct ng_dns_msg *m;
	struct nfgate_dns_fp fp;
	u64 now;
	int ifindex;
};

struct nfgate_dns_held {
	struct list_head list;		/* dns->held, oldest first */
	struct sk_buff *skb;
	struct net_device *dev;
	netdevice_tracker dev_tracker;
	int (*okfn)(struct net *net, struct sock *sk, struct sk_buff *skb);
	unsigned long expires;		/* jiffies */
	u64 arrived_ns;
	u32 rtt_us;
	bool drop;			/* expired under EXPIRE_DROP */
	bool learnable;			/* ng_dnsg_learnable() */
	__be32 client;
	__be32 resolver;
	struct nfgate_dnsq *q;
	struct nfgate_dns_fp fp;
};

struct nfgate_dns_resolver {
	__be32 addr;			/* 0: free */
	unsigned long used;		/* jiffies */
	struct ng_dnsg_baseline b;
};

struct nfgate_dns_conf {
	u8 mode;			/* enum nfgate_dns_mode */
	u8 mode_router;
	bool expire_drop;
	u32 hold_ms;
	u32 hold_max;
	u32 hold_per_client;
	struct ng_dnsg_cfg g;
};

struct nfgate_dns {
	struct nfgate_net *nn;
	struct nfgate_dns_conf c;	/* written under lock, read racily */
	spinlock_t lock;		/* everything below */
	u32 seed;
	bool dying;
	u32 n_queries;
	u32 n_resolvers;
	u32 n_held;
	u32 held_bytes;
	struct list_head held;
	struct timer_list timer;	/* earliest held expiry */
	struct ratelimit_state event_rs;
	struct nfgate_dns_resolver res[NFGATE_DNS_RESOLVERS];
	struct nfgate_dnsq q[NFGATE_DNSQ_SLOTS];
};

/* The forged-address set, replaced as a whole (RCU). */
struct nfgate_forged {
	struct ng_addrset v4;
	u32 n6;
	struct nfgate_prefix6 p6[NFGATE_FORGED6_MAX];
};

/* A DNS_FORGED event. */
struct nfgate_dns_report {
	u8 verdict;			/* enum nfgate_dns_verdict */
	__be32 resolver;
	__be32 client;
	int ifindex;
	const struct ng_dns_msg *m;	/* question; answers unless no_answers */
	bool no_answers;		/* report fp->a instead of m's */
	const struct nfgate_dns_fp *fp;
	u32 lead_us;
};

/* --- the shadowsocks tunnel (tunnel.c, prefixes.c) --- */

/* One prefix list, built into sorted ranges and replaced as a whole (RCU). */
struct nfgate_pset {
	struct rcu_head rcu;
	struct ng_cidrset set;
	u32 prefixes;			/* given by the loader */
	u32 build_us;
	u64 tag;
	u32 buf[];			/* lo[n], then hi[n] */
};

struct nfgate_tsrv {
	char name[NFGATE_TUNNEL_NAME_MAX];
	__be32 addr;
	__be16 port;
	__be16 redir_port;
	__be16 udp_port;
	u8 state;
	u32 rtt_us;
	u64 since_ms;
	atomic64_t redirected;
};

/* The servers, replaced as a whole (RCU). */
struct nfgate_tservers {
	struct rcu_head rcu;
	u32 n;
	struct nfgate_tsrv s[];
};

struct nfgate_tunnel {
	/* Written under nn->lock, read locklessly. */
	u8 enabled;
	u8 state;			/* enum nfgate_tunnel_state */
	u8 fail;			/* enum nfgate_tunnel_fail */
	u8 active;			/* index + 1 into servers, 0: none */
	u8 udp;
	u32 udp_mark;
	u32 check_mark;
	u64 since_ms;
	struct nfgate_tservers __rcu *servers;
	struct nfgate_pset __rcu *list[__NFGATE_LIST_LAST];
	/* A load in progress (PREFIXES_LOAD), under nn->lock. */
	struct ng_cidr4 *stage;
	u32 n_stage;
	u32 stage_cap;
	u8 stage_list;
	bool loading;
	u32 stage_portid;
	struct rcu_head rcu;
};
struct nfgate_hosts;
struct nfgate_trace;

struct nfgate_net {
	struct net *net;
	struct mutex lock;		/* configuration writers, after RTNL */
	u32 generation;			/* bumped on every change */
	struct nfgate_lan __rcu *lan;
	struct list_head uplinks;
	unsigned int n_uplinks;
	struct nfgate_uplink __rcu *by_id[NFGATE_UPLINKS_MAX + 1];
	struct list_head portfwds;
	unsigned int n_portfwds;
	bool hooks_registered;
	struct nfgate_pcpu_stats __percpu *stats;

	/* Settings: written under nn->lock, read locklessly. */
	u32 mark_mask;
	u8 mark_shift;
	u32 skip_mark;
	bool failover_rst;
	u32 holddown_ms;
	u32 sticky_ms;
	struct nfgate_sticky *sticky;	/* allocated on first use */

	struct nfgate_dns __rcu *dns;		/* allocated on first use */
	struct nfgate_forged __rcu *forged;

	struct nfgate_tunnel __rcu *tunnel;	/* TUNNEL_SET creates it */
	struct nfgate_hosts __rcu *hosts;	/* with the LAN (hosts.c) */
	struct nfgate_trace __rcu *trace;	/* NULL: off (trace.c) */
};

extern unsigned int nfgate_net_id;

static inline struct nfgate_net *nfgate_pernet(const struct net *net)
{
	return net_generic(net, nfgate_net_id);
}

static inline bool nfgate_in_lan(const struct nfgate_lan *lan, __be32 addr)
{
	return lan && (addr & lan->mask) == lan->addr;
}

static inline u32 nfgate_mark_id(const struct nfgate_net *nn, u32 mark)
{
	return (mark & READ_ONCE(nn->mark_mask)) >> READ_ONCE(nn->mark_shift);
}

/* hooks.c */
int nfgate_hooks_sync(struct nfgate_net *nn);
void nfgate_hooks_unregister(struct nfgate_net *nn);

/* stats.c */
int nfgate_stats_init(struct nfgate_net *nn);
void nfgate_stats_free(struct nfgate_net *nn);
void nfgate_stat_add(struct nfgate_net *nn, enum nfgate_stat stat, u64 n);

static inline void nfgate_stat_inc(struct nfgate_net *nn, enum nfgate_stat stat)
{
	nfgate_stat_add(nn, stat, 1);
}

void nfgate_stats_read(const struct nfgate_net *nn, u64 *out);
int nfgate_stats_fill(struct sk_buff *skb, const struct nfgate_net *nn);
void nfgate_uplink_account(struct nfgate_uplink *up, enum nfgate_uplink_dir dir,
			   unsigned int len);
void nfgate_uplink_stats_read(const struct nfgate_uplink *up, u64 *packets,
			      u64 *bytes, u64 *syn);
enum nfgate_syn { NFGATE_SYN_SENT, NFGATE_SYN_ANSWERED, __NFGATE_SYN_LAST };
void nfgate_uplink_syn(struct nfgate_uplink *up, enum nfgate_syn what);

/* settings.c */
void nfgate_settings_init(struct nfgate_net *nn);
int nfgate_settings_set(struct nfgate_net *nn, struct nlattr **tb,
			struct netlink_ext_ack *extack);
int nfgate_settings_fill(struct sk_buff *skb, const struct nfgate_net *nn);
void nfgate_settings_free(struct nfgate_net *nn);

/* steer.c */
struct nf_hook_state;
unsigned int nfgate_steer_inbound(struct nfgate_net *nn, struct sk_buff *skb,
				  struct nfgate_uplink *in_up);
unsigned int nfgate_steer_forward(struct nfgate_net *nn, struct sk_buff *skb,
				  const struct nf_hook_state *state);
unsigned int nfgate_steer_local_out(struct nfgate_net *nn, struct sk_buff *skb,
				    const struct nf_hook_state *state);
bool nfgate_uplink_usable(const struct nfgate_uplink *up);
int nfgate_uplink_rt_init(struct nfgate_uplink *up);
void nfgate_uplink_rt_free(struct nfgate_uplink *up);
void nfgate_flows_count(struct nfgate_net *nn,
			unsigned int counts[NFGATE_UPLINKS_MAX + 1]);

/* failover.c */
void nfgate_failover_flush(struct nfgate_net *nn, struct nfgate_uplink *up);

/* nat.c */
int nfgate_nat_register(struct nfgate_net *nn);
void nfgate_nat_unregister(struct nfgate_net *nn);
bool nfgate_antispoof_drop(struct nfgate_net *nn, const struct sk_buff *skb);

/* portfwd.c */
int nfgate_portfwd_set(struct nfgate_net *nn, struct nlattr **tb,
		       struct netlink_ext_ack *extack);
int nfgate_portfwd_del(struct nfgate_net *nn, struct nlattr **tb,
		       struct netlink_ext_ack *extack);
void nfgate_portfwds_free(struct nfgate_net *nn);
struct nfgate_portfwd *nfgate_portfwd_find(struct nfgate_net *nn, u8 proto,
					   __be16 port, const char *uplink);
int nfgate_portfwd_fill(struct sk_buff *skb, const struct nfgate_portfwd *pf);

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
struct nfgate_uplink *nfgate_uplink_by_id(struct nfgate_net *nn, u32 id);
#define NFGATE_FLOWS_UNKNOWN	UINT_MAX
int nfgate_uplink_fill(struct sk_buff *skb, const struct nfgate_uplink *up,
		       unsigned int flows);
u32 nfgate_uplink_share(const struct nfgate_uplink *up);
u32 nfgate_uplink_eff_weight(const struct nfgate_uplink *up);
void nfgate_uplink_dev_event(struct nfgate_net *nn, struct net_device *dev);
int nfgate_uplink_notifiers_register(void);
void nfgate_uplink_notifiers_unregister(void);

/* dns.c */
int nfgate_dns_init(void);
void nfgate_dns_exit(void);
extern struct nfgate_dns_scratch __percpu *nfgate_dns_scratch;
void nfgate_dns_free(struct nfgate_net *nn);
void nfgate_dns_query(struct nfgate_net *nn, struct sk_buff *skb, bool router);
unsigned int nfgate_dns_reply(struct nfgate_net *nn, struct sk_buff *skb,
			      const struct nf_hook_state *state);
int nfgate_dns_set(struct nfgate_net *nn, struct nlattr **tb,
		   struct netlink_ext_ack *extack);
int nfgate_dns_fill(struct sk_buff *skb, const struct nfgate_net *nn);
u8 nfgate_dns_eff_mode(const struct nfgate_dns *dns, bool router);
void nfgate_dns_count_signals(struct nfgate_net *nn, u32 sig);
void nfgate_dnsq_passed(struct nfgate_dnsq *q, const struct nfgate_dns_fp *fp,
			u64 when);
void nfgate_dns_report(struct nfgate_net *nn, struct nfgate_dns *dns,
		       const struct nfgate_dns_report *rep);
bool nfgate_dns_parse_skb(struct sk_buff *skb, struct ng_dns_msg *m, u8 *buf);
void nfgate_dns_fp_init(struct nfgate_dns_fp *fp, const struct sk_buff *skb,
			const struct ng_dns_msg *m);

/* dnshold.c (all under dns->lock unless said otherwise) */
unsigned int nfgate_dns_hold(struct nfgate_net *nn, struct nfgate_dns *dns,
			     struct nfgate_dnsq *q, struct sk_buff *skb,
			     const struct nf_hook_state *state,
			     const struct nfgate_dns_seen *s, u32 rtt_us,
			     bool learnable, unsigned long expires);
unsigned int nfgate_dns_hold_contest(struct nfgate_net *nn,
				     struct nfgate_dns *dns,
				     struct nfgate_dnsq *q, struct sk_buff *skb,
				     const struct nf_hook_state *state,
				     struct nfgate_dns_seen *s,
				     struct ng_dnsg_baseline *b,
				     const struct ng_dnsg_reply *r);
void nfgate_dns_timer(struct timer_list *t);
/* Not under the lock: */
void nfgate_dns_hold_release_all(struct nfgate_net *nn, struct nfgate_dns *dns);
void nfgate_dns_hold_dev_gone(struct nfgate_net *nn, struct net_device *dev);
void nfgate_dns_hold_shutdown(struct nfgate_net *nn, struct nfgate_dns *dns);

/* forged.c */
int nfgate_forged_add(struct nfgate_net *nn, const struct nlattr *nest,
		      struct netlink_ext_ack *extack);
int nfgate_forged_del(struct nfgate_net *nn, const struct nlattr *nest,
		      struct netlink_ext_ack *extack);
int nfgate_forged_fill(struct sk_buff *skb, const struct nfgate_forged *f,
		       unsigned long *pos);
void nfgate_forged_free(struct nfgate_net *nn);

/* tunnel.c */
extern const struct nla_policy nfgate_tsrv_policy[NFGATE_TSRV_A_MAX + 1];
int nfgate_tunnel_set(struct nfgate_net *nn, struct nlattr **tb,
		      struct netlink_ext_ack *extack);
int nfgate_tunnel_del(struct nfgate_net *nn, struct netlink_ext_ack *extack);
int nfgate_tunnel_fill(struct sk_buff *skb, struct nfgate_net *nn,
		       bool flows);
int nfgate_tunnel_lookup(struct sk_buff *skb, struct nfgate_net *nn,
			 struct nlattr **tb, struct netlink_ext_ack *extack);
void nfgate_tunnel_free(struct nfgate_net *nn);
unsigned int nfgate_tunnel_redirect(struct nfgate_net *nn, struct sk_buff *skb,
				    struct nf_conn *ct);
unsigned int nfgate_tunnel_tproxy(struct nfgate_net *nn, struct sk_buff *skb,
				  const struct nf_hook_state *state);
unsigned int nfgate_tunnel_nat_out(struct nfgate_net *nn, struct sk_buff *skb);
bool nfgate_tunnel_check_skb(struct nfgate_net *nn, const struct sk_buff *skb);

/* prefixes.c (under nn->lock unless said otherwise) */
struct nfgate_pset *nfgate_pset_build(const struct ng_cidr4 *in, u32 n,
				      bool reserved);
void nfgate_pset_free(struct nfgate_pset *ps);
int nfgate_prefixes_load(struct nfgate_net *nn, struct nfgate_tunnel *t,
			 const struct nlattr *nest, struct nlattr **tb,
			 u32 portid, struct netlink_ext_ack *extack);
void nfgate_prefixes_stage_free(struct nfgate_tunnel *t);
int nfgate_prefixes_fill(struct sk_buff *skb, struct nfgate_net *nn,
			 struct nfgate_tunnel *t);
/* Under RCU: is @addr (network order) in list @l? */
bool nfgate_pset_contains(struct nfgate_tunnel *t, enum nfgate_prefix_list l,
			  __be32 addr);
/* hosts.c */
struct netlink_callback;
int nfgate_hosts_lan_set(struct nfgate_net *nn, bool new_subnet);
void nfgate_hosts_free(struct nfgate_net *nn);
void nfgate_hosts_account(struct nfgate_net *nn, const struct sk_buff *skb);
int nfgate_hosts_dump(struct sk_buff *skb, struct netlink_callback *cb,
		      struct nfgate_net *nn,
		      void *(*put_hdr)(struct sk_buff *skb,
				       struct netlink_callback *cb));

/* trace.c */
DECLARE_STATIC_KEY_FALSE(nfgate_trace_key);
struct nf_conn;
void __nfgate_trace(struct nfgate_net *nn, const struct sk_buff *skb,
		    u8 stage, u8 decision, const struct net_device *dev,
		    const struct nfgate_uplink *up);
void __nfgate_trace_tunnel(struct nfgate_net *nn, const struct sk_buff *skb,
			   u8 decision, u8 reason, const struct nfgate_tsrv *srv);
struct nfgate_uplink *nfgate_trace_ct_uplink(struct nfgate_net *nn,
					     const struct nf_conn *ct);
u8 nfgate_trace_nat_decision(const struct sk_buff *skb);
int nfgate_trace_set(struct nfgate_net *nn, struct nlattr **tb,
		     struct netlink_ext_ack *extack);
void nfgate_trace_free(struct nfgate_net *nn);

static inline bool nfgate_trace_on(void)
{
	return static_branch_unlikely(&nfgate_trace_key);
}

/* netlink.c */
struct sk_buff *nfgate_trace_msg_new(struct nfgate_net *nn, void **hdr);
void nfgate_trace_msg_send(struct nfgate_net *nn, struct sk_buff *msg,
			   void *hdr, int err);
int nfgate_genl_register(void);
void nfgate_genl_unregister(void);
void nfgate_notify(struct nfgate_net *nn, enum nfgate_event event,
		   const struct nfgate_lan *lan, const struct nfgate_uplink *up);
void nfgate_notify_flush(struct nfgate_net *nn, const struct nfgate_uplink *up,
			 u32 flushed, u32 resets);
void nfgate_notify_settings(struct nfgate_net *nn);
void nfgate_notify_portfwd(struct nfgate_net *nn, enum nfgate_event event,
			   const struct nfgate_portfwd *pf);
void nfgate_notify_dns(struct nfgate_net *nn, enum nfgate_event event);
void nfgate_notify_dns_reply(struct nfgate_net *nn,
			     const struct nfgate_dns_report *rep);
void nfgate_notify_tunnel(struct nfgate_net *nn, enum nfgate_event event);

static inline bool nfgate_configured(const struct nfgate_net *nn)
{
	return rcu_access_pointer(nn->lan) || nn->n_uplinks || nn->n_portfwds;
}

#endif /* _NFGATE_H */
