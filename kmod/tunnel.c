// SPDX-License-Identifier: GPL-2.0
/*
 * nfgate: the shadowsocks tunnel.
 *
 * The agent runs one ss-redir per configured server, each on its own local
 * ports, checks each end to end, and tells the module which one is active
 * (TUNNEL_SET). A new connection from the LAN is decided once, by the rules
 * documented in the uapi header (local destinations, source lists, the
 * always-forward list, the reserved ranges and the bypass list, prefixes.c):
 *
 *   TCP: the NAT core's own REDIRECT (nf_nat_redirect_ipv4) to the active
 *     server's REDIR_PORT, from nfgate's DNAT function (nat.c); ss-redir
 *     reads the original destination back with SO_ORIGINAL_DST.
 *   UDP: the kernel's TPROXY (nf_tproxy_get_sock_v4 + nf_tproxy_assign_sock)
 *     at PRE_ROUTING, for every packet of the flow: the packet gets the
 *     active server's ss-redir socket and UDP_MARK, which the agent's policy
 *     rule routes to the local stack; ss-redir reads the destination with
 *     IP_RECVORIGDSTADDR.
 *
 * A connection in the tunnel carries NFGATE_MARK_ID_TUNNEL in its conntrack
 * mark (the uplink id field), so UDP flows are decided at their first
 * packet only, steering leaves them alone and they can be counted and
 * flushed. When the tunnel goes down they are flushed, so their next packet
 * starts a connection that FAIL decides.
 *
 * The router's own connections marked CHECK_MARK + N go to server N's
 * ss-redir on 127.0.0.1 (a REDIRECT at LOCAL_OUT): the agent's end-to-end
 * check of every server, standby ones included.
 */

#include <linux/ktime.h>
#include <linux/slab.h>
#include <net/ip.h>
#include <net/netfilter/nf_conntrack.h>
#include <net/netfilter/nf_conntrack_ecache.h>
#include <net/netfilter/nf_nat.h>
#include <net/netfilter/nf_nat_redirect.h>
#include <net/netfilter/nf_tproxy.h>
#include <net/netlink.h>

#include "nfgate.h"
#include "reserved4.h"

static u64 nfgate_tunnel_now_ms(void)
{
	return div_u64(ktime_get_boottime_ns(), NSEC_PER_MSEC);
}

static struct nfgate_tunnel *nfgate_tunnel_locked(struct nfgate_net *nn)
{
	return rcu_dereference_protected(nn->tunnel, lockdep_is_held(&nn->lock));
}

static struct nfgate_tservers *nfgate_tservers_locked(struct nfgate_net *nn,
						      struct nfgate_tunnel *t)
{
	return rcu_dereference_protected(t->servers,
					 lockdep_is_held(&nn->lock));
}

/* Down: connections meant for the tunnel go as FAIL says. */
static bool nfgate_tunnel_down(const struct nfgate_tunnel *t)
{
	return READ_ONCE(t->state) == NFGATE_TUNNEL_DOWN || !READ_ONCE(t->active);
}

static bool nfgate_tunnel_on(const struct nfgate_tunnel *t)
{
	return READ_ONCE(t->enabled) && !nfgate_tunnel_down(t);
}

/* --- conntrack: the connections in the tunnel ----------------------------- */

static bool nfgate_ct_tunneled(struct nfgate_net *nn, const struct nf_conn *ct)
{
	return nfgate_mark_id(nn, READ_ONCE(ct->mark)) == NFGATE_MARK_ID_TUNNEL;
}

static void nfgate_ct_mark_tunnel(struct nfgate_net *nn, struct nf_conn *ct)
{
	u32 mask = READ_ONCE(nn->mark_mask);
	u32 mark = READ_ONCE(ct->mark);

	mark = (mark & ~mask) |
	       (((u32)NFGATE_MARK_ID_TUNNEL << READ_ONCE(nn->mark_shift)) & mask);
	WRITE_ONCE(ct->mark, mark);
	nf_conntrack_event_cache(IPCT_MARK, ct);
}

struct nfgate_tunnel_iter {
	struct nfgate_net *nn;
	u32 n;
};

static int nfgate_tunnel_count_iter(struct nf_conn *ct, void *data)
{
	struct nfgate_tunnel_iter *it = data;

	if (nfgate_ct_tunneled(it->nn, ct))
		it->n++;
	return 0;
}

static int nfgate_tunnel_flush_iter(struct nf_conn *ct, void *data)
{
	struct nfgate_tunnel_iter *it = data;

	if (!nfgate_ct_tunneled(it->nn, ct))
		return 0;
	it->n++;
	return 1;
}

/* Connections in the tunnel: counted, or removed. May sleep. */
static u32 nfgate_tunnel_flows(struct nfgate_net *nn, bool flush)
{
	struct nfgate_tunnel_iter it = { .nn = nn };
	struct nf_ct_iter_data iter = { .net = nn->net, .data = &it };

	nf_ct_iterate_cleanup_net(flush ? nfgate_tunnel_flush_iter :
				  nfgate_tunnel_count_iter, &iter);
	return it.n;
}

/* --- configuration ------------------------------------------------------- */

static struct nfgate_tunnel *nfgate_tunnel_alloc(void)
{
	struct nfgate_tunnel *t = kzalloc(sizeof(*t), GFP_KERNEL);
	struct nfgate_pset *ps;

	if (!t)
		return NULL;
	/* The reserved ranges are in the bypass list from the start. */
	ps = nfgate_pset_build(NULL, 0, true);
	if (IS_ERR(ps)) {
		kfree(t);
		return NULL;
	}
	RCU_INIT_POINTER(t->list[NFGATE_LIST_BYPASS], ps);
	t->state = NFGATE_TUNNEL_UNKNOWN;
	t->fail = NFGATE_TUNNEL_FAIL_OPEN;
	t->udp_mark = NFGATE_TUNNEL_DEFAULT_UDP_MARK;
	t->since_ms = nfgate_tunnel_now_ms();
	return t;
}

/* Not published any more, no reader left. */
static void nfgate_tunnel_release(struct nfgate_tunnel *t)
{
	int l;

	if (!t)
		return;
	for (l = 0; l < __NFGATE_LIST_LAST; l++)
		nfgate_pset_free(rcu_dereference_protected(t->list[l], true));
	kfree(rcu_dereference_protected(t->servers, true));
	nfgate_prefixes_stage_free(t);
	kfree(t);
}

/* One server of a SET (already validated by the family's policy). */
static int nfgate_tsrv_parse(const struct nlattr *a, struct nfgate_tsrv *s,
			     struct netlink_ext_ack *extack)
{
	struct nlattr *tb[NFGATE_TSRV_A_MAX + 1];
	int err;

	err = nla_parse_nested(tb, NFGATE_TSRV_A_MAX, a,
			       nfgate_tsrv_policy, extack);
	if (err)
		return err;
	if (!tb[NFGATE_TSRV_A_ADDR] || !tb[NFGATE_TSRV_A_REDIR_PORT]) {
		NL_SET_ERR_MSG_ATTR(extack, a, "a server needs ADDR and REDIR_PORT");
		return -EINVAL;
	}
	memset(s, 0, sizeof(*s));
	if (tb[NFGATE_TSRV_A_NAME])
		nla_strscpy(s->name, tb[NFGATE_TSRV_A_NAME], sizeof(s->name));
	s->addr = nla_get_in_addr(tb[NFGATE_TSRV_A_ADDR]);
	if (!s->addr) {
		NL_SET_ERR_MSG_ATTR(extack, tb[NFGATE_TSRV_A_ADDR],
				    "server address 0.0.0.0");
		return -EINVAL;
	}
	if (tb[NFGATE_TSRV_A_PORT])
		s->port = nla_get_be16(tb[NFGATE_TSRV_A_PORT]);
	s->redir_port = nla_get_be16(tb[NFGATE_TSRV_A_REDIR_PORT]);
	if (!s->redir_port) {
		NL_SET_ERR_MSG_ATTR(extack, tb[NFGATE_TSRV_A_REDIR_PORT],
				    "REDIR_PORT 0");
		return -EINVAL;
	}
	if (tb[NFGATE_TSRV_A_UDP_PORT])
		s->udp_port = nla_get_be16(tb[NFGATE_TSRV_A_UDP_PORT]);
	if (tb[NFGATE_TSRV_A_STATE])
		s->state = nla_get_u8(tb[NFGATE_TSRV_A_STATE]);
	if (tb[NFGATE_TSRV_A_RTT_US])
		s->rtt_us = nla_get_u32(tb[NFGATE_TSRV_A_RTT_US]);
	return 0;
}

/* What changed in a SET, for the event and the stamps. */
enum {
	NFGATE_TCHG_CONF = 1,	/* configuration: TUNNEL event */
	NFGATE_TCHG_STATE = 2,	/* verdicts: TUNNEL_STATE event */
};

/*
 * A new server list from @nest. Servers already known by address and port
 * keep their stamp and counter, and their state unless given.
 */
static struct nfgate_tservers *
nfgate_tservers_build(const struct nfgate_tservers *old,
		      const struct nlattr *nest, int *chg,
		      struct netlink_ext_ack *extack)
{
	struct nfgate_tservers *ns;
	const struct nlattr *a;
	u64 now = nfgate_tunnel_now_ms();
	u32 n = 0, i, j;
	int rem, err;

	nla_for_each_nested(a, nest, rem)
		if (nla_type(a) == NFGATE_TUNNEL_A_SERVER)
			n++;
	if (n > NFGATE_TUNNEL_SERVERS_MAX) {
		NL_SET_ERR_MSG_ATTR(extack, nest,
				    "more than NFGATE_TUNNEL_SERVERS_MAX servers");
		return ERR_PTR(-E2BIG);
	}
	ns = kzalloc(struct_size(ns, s, n), GFP_KERNEL);
	if (!ns)
		return ERR_PTR(-ENOMEM);
	i = 0;
	nla_for_each_nested(a, nest, rem) {
		struct nfgate_tsrv *s = &ns->s[i];
		const struct nfgate_tsrv *o = NULL;

		if (nla_type(a) != NFGATE_TUNNEL_A_SERVER)
			continue;
		err = nfgate_tsrv_parse(a, s, extack);
		if (err) {
			kfree(ns);
			return ERR_PTR(err);
		}
		for (j = 0; old && j < old->n; j++)
			if (old->s[j].addr == s->addr &&
			    old->s[j].port == s->port)
				o = &old->s[j];
		if (!o) {
			s->since_ms = now;
			*chg |= NFGATE_TCHG_CONF;
		} else {
			s->since_ms = o->since_ms;
			atomic64_set(&s->redirected,
				     atomic64_read(&o->redirected));
			if (strcmp(o->name, s->name) ||
			    o->redir_port != s->redir_port ||
			    o->udp_port != s->udp_port || j != i)
				*chg |= NFGATE_TCHG_CONF;
			if (s->state != o->state) {
				s->since_ms = now;
				*chg |= NFGATE_TCHG_STATE;
			}
		}
		i++;
	}
	if (!old || old->n != n)
		*chg |= NFGATE_TCHG_CONF;
	ns->n = n;
	return ns;
}

int nfgate_tunnel_set(struct nfgate_net *nn, struct nlattr **tb,
		      struct netlink_ext_ack *extack)
{
	struct nfgate_tservers *ns = NULL, *os;
	struct nfgate_tunnel *t, *created = NULL;
	bool was_on, down;
	int chg = 0;
	u32 n;

	lockdep_assert_held(&nn->lock);
	if (tb[NFGATE_TUNNEL_A_CHECK_MARK] &&
	    nla_get_u32(tb[NFGATE_TUNNEL_A_CHECK_MARK]) &
	    ~NFGATE_TUNNEL_CHECK_MARK_MASK) {
		NL_SET_ERR_MSG_ATTR(extack, tb[NFGATE_TUNNEL_A_CHECK_MARK],
				    "CHECK_MARK must have its low byte 0");
		return -EINVAL;
	}
	t = nfgate_tunnel_locked(nn);
	if (!t) {
		t = created = nfgate_tunnel_alloc();
		if (!t)
			return -ENOMEM;
		chg |= NFGATE_TCHG_CONF;
	}
	os = nfgate_tservers_locked(nn, t);
	if (tb[NFGATE_TUNNEL_A_SERVERS]) {
		ns = nfgate_tservers_build(os, tb[NFGATE_TUNNEL_A_SERVERS], &chg,
					   extack);
		if (IS_ERR(ns)) {
			nfgate_tunnel_release(created);
			return PTR_ERR(ns);
		}
	}
	n = ns ? ns->n : os ? os->n : 0;
	if (tb[NFGATE_TUNNEL_A_ACTIVE] &&
	    nla_get_u8(tb[NFGATE_TUNNEL_A_ACTIVE]) > n) {
		NL_SET_ERR_MSG_ATTR(extack, tb[NFGATE_TUNNEL_A_ACTIVE],
				    "ACTIVE is past the last server");
		kfree(ns);
		nfgate_tunnel_release(created);
		return -EINVAL;
	}

	/* Nothing can fail from here. */
	was_on = !created && nfgate_tunnel_on(t);
#define NFGATE_TSET(field, attr, get, what)				\
	do {								\
		if (tb[attr] && get(tb[attr]) != t->field) {		\
			WRITE_ONCE(t->field, get(tb[attr]));		\
			chg |= (what);					\
		}							\
	} while (0)
	NFGATE_TSET(enabled, NFGATE_TUNNEL_A_ENABLED, nla_get_u8,
		    NFGATE_TCHG_CONF);
	NFGATE_TSET(fail, NFGATE_TUNNEL_A_FAIL, nla_get_u8, NFGATE_TCHG_CONF);
	NFGATE_TSET(udp, NFGATE_TUNNEL_A_UDP, nla_get_u8, NFGATE_TCHG_CONF);
	NFGATE_TSET(udp_mark, NFGATE_TUNNEL_A_UDP_MARK, nla_get_u32,
		    NFGATE_TCHG_CONF);
	NFGATE_TSET(check_mark, NFGATE_TUNNEL_A_CHECK_MARK, nla_get_u32,
		    NFGATE_TCHG_CONF);
	if ((tb[NFGATE_TUNNEL_A_STATE] &&
	     nla_get_u8(tb[NFGATE_TUNNEL_A_STATE]) != t->state) ||
	    (tb[NFGATE_TUNNEL_A_ACTIVE] &&
	     nla_get_u8(tb[NFGATE_TUNNEL_A_ACTIVE]) != t->active))
		t->since_ms = nfgate_tunnel_now_ms();
	NFGATE_TSET(state, NFGATE_TUNNEL_A_STATE, nla_get_u8,
		    NFGATE_TCHG_STATE);
	NFGATE_TSET(active, NFGATE_TUNNEL_A_ACTIVE, nla_get_u8,
		    NFGATE_TCHG_STATE);
#undef NFGATE_TSET
	/* An ACTIVE past a shorter list. */
	if (t->active > n) {
		WRITE_ONCE(t->active, 0);
		chg |= NFGATE_TCHG_STATE;
	}
	if (ns) {
		rcu_assign_pointer(t->servers, ns);
		if (os)
			kfree_rcu(os, rcu);
	}
	if (created)
		rcu_assign_pointer(nn->tunnel, t);
	down = !nfgate_tunnel_on(t);
	if (!chg)
		return 0;
	nn->generation++;
	/* Its flows would leave with a LAN source, or reach nobody. */
	if (was_on && down)
		nfgate_tunnel_flows(nn, true);
	if (chg & NFGATE_TCHG_CONF)
		nfgate_notify_tunnel(nn, NFGATE_EVENT_TUNNEL);
	if (chg & NFGATE_TCHG_STATE)
		nfgate_notify_tunnel(nn, NFGATE_EVENT_TUNNEL_STATE);
	return 0;
}

int nfgate_tunnel_del(struct nfgate_net *nn, struct netlink_ext_ack *extack)
{
	struct nfgate_tunnel *t = nfgate_tunnel_locked(nn);

	if (!t) {
		NL_SET_ERR_MSG(extack, "no tunnel is configured");
		return -ENOENT;
	}
	nn->generation++;
	nfgate_notify_tunnel(nn, NFGATE_EVENT_TUNNEL_DEL);
	RCU_INIT_POINTER(nn->tunnel, NULL);
	synchronize_rcu();
	nfgate_tunnel_flows(nn, true);
	nfgate_tunnel_release(t);
	return 0;
}

/* Namespace exit, hooks already gone and readers done. */
void nfgate_tunnel_free(struct nfgate_net *nn)
{
	nfgate_tunnel_release(rcu_dereference_protected(nn->tunnel, true));
	RCU_INIT_POINTER(nn->tunnel, NULL);
}

static int nfgate_tsrv_fill(struct sk_buff *skb, const struct nfgate_tsrv *s)
{
	struct nlattr *nest = nla_nest_start(skb, NFGATE_TUNNEL_A_SERVER);

	if (!nest)
		return -EMSGSIZE;
	if ((s->name[0] && nla_put_string(skb, NFGATE_TSRV_A_NAME, s->name)) ||
	    nla_put_in_addr(skb, NFGATE_TSRV_A_ADDR, s->addr) ||
	    nla_put_be16(skb, NFGATE_TSRV_A_PORT, s->port) ||
	    nla_put_be16(skb, NFGATE_TSRV_A_REDIR_PORT, s->redir_port) ||
	    nla_put_be16(skb, NFGATE_TSRV_A_UDP_PORT, s->udp_port) ||
	    nla_put_u8(skb, NFGATE_TSRV_A_STATE, s->state) ||
	    nla_put_u32(skb, NFGATE_TSRV_A_RTT_US, s->rtt_us) ||
	    nla_put_u64_64bit(skb, NFGATE_TSRV_A_SINCE_MS, s->since_ms,
			      NFGATE_TSRV_A_PAD) ||
	    nla_put_u64_64bit(skb, NFGATE_TSRV_A_REDIRECTED,
			      atomic64_read(&s->redirected),
			      NFGATE_TSRV_A_PAD)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/*
 * Under nn->lock. @flows: count the connections in the tunnel (may sleep);
 * events go without.
 */
int nfgate_tunnel_fill(struct sk_buff *skb, struct nfgate_net *nn, bool flows)
{
	struct nfgate_tunnel *t = nfgate_tunnel_locked(nn);
	struct nfgate_tservers *ss;
	struct nlattr *nest, *srv;
	u32 i;

	if (!t)
		return -ENOENT;
	nest = nla_nest_start(skb, NFGATE_A_TUNNEL);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u8(skb, NFGATE_TUNNEL_A_ENABLED, t->enabled) ||
	    nla_put_u8(skb, NFGATE_TUNNEL_A_STATE, t->state) ||
	    nla_put_u64_64bit(skb, NFGATE_TUNNEL_A_SINCE_MS, t->since_ms,
			      NFGATE_TUNNEL_A_PAD) ||
	    nla_put_u8(skb, NFGATE_TUNNEL_A_FAIL, t->fail) ||
	    nla_put_u8(skb, NFGATE_TUNNEL_A_ACTIVE, t->active) ||
	    nla_put_u8(skb, NFGATE_TUNNEL_A_UDP, t->udp) ||
	    nla_put_u32(skb, NFGATE_TUNNEL_A_UDP_MARK, t->udp_mark) ||
	    nla_put_u32(skb, NFGATE_TUNNEL_A_CHECK_MARK, t->check_mark))
		goto err;
	srv = nla_nest_start(skb, NFGATE_TUNNEL_A_SERVERS);
	if (!srv)
		goto err;
	ss = nfgate_tservers_locked(nn, t);
	for (i = 0; ss && i < ss->n; i++)
		if (nfgate_tsrv_fill(skb, &ss->s[i]))
			goto err;
	nla_nest_end(skb, srv);
	if (nfgate_prefixes_fill(skb, nn, t))
		goto err;
	if (flows && nla_put_u32(skb, NFGATE_TUNNEL_A_FLOWS,
				 nfgate_tunnel_flows(nn, false)))
		goto err;
	nla_nest_end(skb, nest);
	return 0;
err:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

/* --- the decision ------------------------------------------------------- */

static bool nfgate_tunnel_local(struct nfgate_net *nn, struct nfgate_tunnel *t,
				__be32 daddr)
{
	struct nfgate_tservers *ss;
	struct nfgate_uplink *up;
	u32 i;

	if (nfgate_in_lan(rcu_dereference(nn->lan), daddr))
		return true;
	list_for_each_entry_rcu(up, &nn->uplinks, list)
		if (READ_ONCE(up->addr) == daddr)
			return true;
	ss = rcu_dereference(t->servers);
	for (i = 0; ss && i < ss->n; i++)
		if (ss->s[i].addr == daddr)
			return true;
	return false;
}

/* Under RCU: the rule that decides a new connection @saddr (0: none) -> @daddr. */
static enum nfgate_tunnel_reason
nfgate_tunnel_rule(struct nfgate_net *nn, struct nfgate_tunnel *t,
		   __be32 saddr, __be32 daddr)
{
	if (!READ_ONCE(t->enabled))
		return NFGATE_TUNNEL_R_OFF;
	if (nfgate_tunnel_local(nn, t, daddr))
		return NFGATE_TUNNEL_R_LOCAL;
	if (saddr && nfgate_pset_contains(t, NFGATE_LIST_SRC_BYPASS, saddr))
		return NFGATE_TUNNEL_R_SRC_BYPASS;
	if (saddr && nfgate_pset_contains(t, NFGATE_LIST_SRC_FORWARD, saddr))
		return NFGATE_TUNNEL_R_SRC_FORWARD;
	if (nfgate_pset_contains(t, NFGATE_LIST_FORWARD, daddr))
		return NFGATE_TUNNEL_R_FORWARD;
	if (nfgate_pset_contains(t, NFGATE_LIST_BYPASS, daddr))
		return ng_reserved4_contains(ntohl(daddr)) ?
		       NFGATE_TUNNEL_R_RESERVED : NFGATE_TUNNEL_R_BYPASS;
	return NFGATE_TUNNEL_R_DEFAULT;
}

static bool nfgate_tunnel_wanted(enum nfgate_tunnel_reason r)
{
	return r == NFGATE_TUNNEL_R_SRC_FORWARD ||
	       r == NFGATE_TUNNEL_R_FORWARD || r == NFGATE_TUNNEL_R_DEFAULT;
}

static enum nfgate_tunnel_verdict
nfgate_tunnel_verdict(const struct nfgate_tunnel *t,
		      enum nfgate_tunnel_reason r)
{
	if (!nfgate_tunnel_wanted(r))
		return NFGATE_TUNNEL_V_DIRECT;
	if (!nfgate_tunnel_down(t))
		return NFGATE_TUNNEL_V_TUNNEL;
	return READ_ONCE(t->fail) == NFGATE_TUNNEL_FAIL_CLOSED ?
	       NFGATE_TUNNEL_V_BLOCKED : NFGATE_TUNNEL_V_DIRECT;
}

/*
 * The packet trace (trace.c): what the tunnel did with a LAN packet. @r the
 * rule (NFGATE_TUNNEL_R_OFF: not decided here, or no tunnel to speak of).
 */
static void nfgate_tunnel_trace(struct nfgate_net *nn, const struct sk_buff *skb,
				enum nfgate_tunnel_verdict v,
				enum nfgate_tunnel_reason r,
				const struct nfgate_tsrv *s, unsigned int ret)
{
	u8 d;

	if (!nfgate_trace_on())
		return;
	if (ret != NF_ACCEPT && v == NFGATE_TUNNEL_V_TUNNEL)
		d = NFGATE_TRACE_D_NO_SOCKET;
	else if (v == NFGATE_TUNNEL_V_TUNNEL)
		d = NFGATE_TRACE_D_TUNNEL;
	else if (v == NFGATE_TUNNEL_V_BLOCKED)
		d = NFGATE_TRACE_D_BLOCKED;
	else if (nfgate_tunnel_wanted(r))
		d = NFGATE_TRACE_D_FAIL_OPEN;
	else
		d = NFGATE_TRACE_D_BYPASS;
	__nfgate_trace_tunnel(nn, skb, d, r,
			      d == NFGATE_TRACE_D_TUNNEL ? s : NULL);
}

/* A new LAN connection that is not going into the tunnel: direct or not. */
static unsigned int nfgate_tunnel_not_in(struct nfgate_net *nn,
					 const struct sk_buff *skb,
					 enum nfgate_tunnel_verdict v,
					 enum nfgate_tunnel_reason r)
{
	unsigned int ret = v == NFGATE_TUNNEL_V_BLOCKED ? NF_DROP : NF_ACCEPT;

	if (r != NFGATE_TUNNEL_R_OFF)
		nfgate_tunnel_trace(nn, skb, v, r, NULL, ret);
	return ret;
}

/*
 * Decide a new LAN connection and count it; the active server when it goes
 * through the tunnel, NULL otherwise (*@verdict says which, *@reason why).
 */
static struct nfgate_tsrv *nfgate_tunnel_decide(struct nfgate_net *nn,
						struct nfgate_tunnel *t,
						const struct iphdr *iph,
						enum nfgate_tunnel_verdict *v,
						enum nfgate_tunnel_reason *reason)
{
	enum nfgate_tunnel_reason r;
	struct nfgate_tservers *ss;
	u8 active;

	BUILD_BUG_ON(NFGATE_STAT_TUNNEL_R_DEFAULT - NFGATE_STAT_TUNNEL_R_LOCAL !=
		     NFGATE_TUNNEL_R_DEFAULT - NFGATE_TUNNEL_R_LOCAL);
	r = nfgate_tunnel_rule(nn, t, iph->saddr, iph->daddr);
	*reason = r;
	*v = nfgate_tunnel_verdict(t, r);
	if (r == NFGATE_TUNNEL_R_OFF)
		return NULL;
	nfgate_stat_inc(nn, NFGATE_STAT_TUNNEL_R_LOCAL + r -
			    NFGATE_TUNNEL_R_LOCAL);
	if (*v == NFGATE_TUNNEL_V_BLOCKED) {
		nfgate_stat_inc(nn, NFGATE_STAT_TUNNEL_BLOCKED);
		return NULL;
	}
	if (*v == NFGATE_TUNNEL_V_DIRECT) {
		if (nfgate_tunnel_wanted(r))
			nfgate_stat_inc(nn, NFGATE_STAT_TUNNEL_FAIL_OPEN);
		return NULL;
	}
	ss = rcu_dereference(t->servers);
	active = READ_ONCE(t->active);
	if (!ss || active > ss->n) {
		/* Between two updates: as if down. */
		*v = NFGATE_TUNNEL_V_DIRECT;
		return NULL;
	}
	return &ss->s[active - 1];
}

/* The active server's UDP port, 0 if none: under RCU. */
static __be16 nfgate_tunnel_udp_port(struct nfgate_tunnel *t)
{
	struct nfgate_tservers *ss = rcu_dereference(t->servers);
	u8 active = READ_ONCE(t->active);

	if (!ss || !active || active > ss->n || !nfgate_tunnel_on(t))
		return 0;
	return ss->s[active - 1].udp_port;
}

/*
 * nat.c, DNAT of a new connection that arrived on the LAN device and is
 * no port forward: TCP into the tunnel by REDIRECT.
 */
unsigned int nfgate_tunnel_redirect(struct nfgate_net *nn, struct sk_buff *skb,
				    struct nf_conn *ct)
{
	struct nfgate_tunnel *t = rcu_dereference(nn->tunnel);
	const struct iphdr *iph = ip_hdr(skb);
	struct nf_nat_range2 range = {};
	enum nfgate_tunnel_reason r;
	enum nfgate_tunnel_verdict v;
	struct nfgate_tsrv *s;
	unsigned int ret;

	if (!t || iph->protocol != IPPROTO_TCP ||
	    !nfgate_in_lan(rcu_dereference(nn->lan), iph->saddr))
		return NF_ACCEPT;
	s = nfgate_tunnel_decide(nn, t, iph, &v, &r);
	if (!s)
		return nfgate_tunnel_not_in(nn, skb, v, r);
	range.flags = NF_NAT_RANGE_PROTO_SPECIFIED;
	range.min_proto.tcp.port = s->redir_port;
	range.max_proto.tcp.port = s->redir_port;
	ret = nf_nat_redirect_ipv4(skb, &range, NF_INET_PRE_ROUTING);
	nfgate_tunnel_trace(nn, skb, v, r, s, ret);
	if (ret != NF_ACCEPT)
		return ret;
	nfgate_ct_mark_tunnel(nn, ct);
	atomic64_inc(&s->redirected);
	nfgate_stat_inc(nn, NFGATE_STAT_TUNNEL_TCP);
	return NF_ACCEPT;
}

/* Hand a UDP packet to the ss-redir socket on @port (as xt_TPROXY does). */
static unsigned int nfgate_tunnel_tproxy_to(struct nfgate_net *nn,
					    struct nfgate_tunnel *t,
					    struct sk_buff *skb, __be16 port)
{
	const struct iphdr *iph = ip_hdr(skb);
	struct udphdr _hdr, *hp;
	struct sock *sk;
	__be32 laddr;

	hp = skb_header_pointer(skb, ip_hdrlen(skb), sizeof(_hdr), &_hdr);
	if (!hp)
		return NF_DROP;
	sk = nf_tproxy_get_sock_v4(nn->net, skb, IPPROTO_UDP, iph->saddr,
				   iph->daddr, hp->source, hp->dest, skb->dev,
				   NF_TPROXY_LOOKUP_ESTABLISHED);
	if (!sk) {
		laddr = nf_tproxy_laddr4(skb, 0, iph->daddr);
		sk = nf_tproxy_get_sock_v4(nn->net, skb, IPPROTO_UDP,
					   iph->saddr, laddr, hp->source, port,
					   skb->dev, NF_TPROXY_LOOKUP_LISTENER);
	}
	/* nf_tproxy_sk_is_transparent() drops the reference if not. */
	if (!sk || !nf_tproxy_sk_is_transparent(sk)) {
		nfgate_stat_inc(nn, NFGATE_STAT_TUNNEL_NO_SOCKET);
		return NF_DROP;
	}
	skb->mark |= READ_ONCE(t->udp_mark);
	nf_tproxy_assign_sock(skb, sk);	/* consumes the reference */
	return NF_ACCEPT;
}

/*
 * PRE_ROUTING (hooks.c), every packet arriving on the LAN device: UDP into
 * the tunnel by TPROXY. A flow is decided at its first packet (its
 * conntrack entry not confirmed yet) and marked when it goes into the
 * tunnel; later packets follow the mark.
 */
unsigned int nfgate_tunnel_tproxy(struct nfgate_net *nn, struct sk_buff *skb,
				  const struct nf_hook_state *state)
{
	struct nfgate_tunnel *t = rcu_dereference(nn->tunnel);
	const struct iphdr *iph = ip_hdr(skb);
	enum ip_conntrack_info ctinfo;
	enum nfgate_tunnel_reason r;
	enum nfgate_tunnel_verdict v;
	struct nfgate_lan *lan;
	struct nfgate_tsrv *s;
	struct nf_conn *ct;
	unsigned int ret;
	__be16 port;

	if (!t || iph->protocol != IPPROTO_UDP || !READ_ONCE(t->udp))
		return NF_ACCEPT;
	ct = nf_ct_get(skb, &ctinfo);
	if (!ct || CTINFO2DIR(ctinfo) != IP_CT_DIR_ORIGINAL)
		return NF_ACCEPT;
	lan = rcu_dereference(nn->lan);
	if (!lan || state->in->ifindex != READ_ONCE(lan->ifindex) ||
	    !nfgate_in_lan(lan, iph->saddr))
		return NF_ACCEPT;
	if (nf_ct_is_confirmed(ct)) {
		if (!nfgate_ct_tunneled(nn, ct))
			return NF_ACCEPT;
		port = nfgate_tunnel_udp_port(t);
		/* no port: flushed in a moment */
		ret = port ? nfgate_tunnel_tproxy_to(nn, t, skb, port) : NF_DROP;
		nfgate_tunnel_trace(nn, skb, NFGATE_TUNNEL_V_TUNNEL,
				    NFGATE_TUNNEL_R_OFF, NULL, ret);
		return ret;
	}
	s = nfgate_tunnel_decide(nn, t, iph, &v, &r);
	if (!s)
		return nfgate_tunnel_not_in(nn, skb, v, r);
	if (!s->udp_port) {
		nfgate_stat_inc(nn, NFGATE_STAT_TUNNEL_NO_SOCKET);
		ret = NF_DROP;
	} else {
		ret = nfgate_tunnel_tproxy_to(nn, t, skb, s->udp_port);
	}
	nfgate_tunnel_trace(nn, skb, v, r, s, ret);
	if (ret != NF_ACCEPT)
		return NF_DROP;
	nfgate_ct_mark_tunnel(nn, ct);
	atomic64_inc(&s->redirected);
	nfgate_stat_inc(nn, NFGATE_STAT_TUNNEL_UDP);
	return NF_ACCEPT;
}

/* Server index + 1 of the agent's check connection @skb, 0 if none. */
static u32 nfgate_tunnel_check_idx(struct nfgate_tunnel *t,
				   const struct sk_buff *skb)
{
	u32 cm = READ_ONCE(t->check_mark);

	if (!cm || (skb->mark & NFGATE_TUNNEL_CHECK_MARK_MASK) != cm)
		return 0;
	return skb->mark & ~NFGATE_TUNNEL_CHECK_MARK_MASK;
}

/* steer.c: the agent's checks are never steered. Under RCU. */
bool nfgate_tunnel_check_skb(struct nfgate_net *nn, const struct sk_buff *skb)
{
	struct nfgate_tunnel *t = rcu_dereference(nn->tunnel);

	return t && nfgate_tunnel_check_idx(t, skb);
}

/* nat.c, DNAT at LOCAL_OUT: the agent's check into server N's ss-redir. */
unsigned int nfgate_tunnel_nat_out(struct nfgate_net *nn, struct sk_buff *skb)
{
	struct nfgate_tunnel *t = rcu_dereference(nn->tunnel);
	struct nf_nat_range2 range = {};
	struct nfgate_tservers *ss;
	u32 idx;

	if (!t || ip_hdr(skb)->protocol != IPPROTO_TCP)
		return NF_ACCEPT;
	idx = nfgate_tunnel_check_idx(t, skb);
	if (!idx)
		return NF_ACCEPT;
	ss = rcu_dereference(t->servers);
	if (!ss || idx > ss->n)
		return NF_DROP;
	range.flags = NF_NAT_RANGE_PROTO_SPECIFIED;
	range.min_proto.tcp.port = ss->s[idx - 1].redir_port;
	range.max_proto.tcp.port = ss->s[idx - 1].redir_port;
	nfgate_stat_inc(nn, NFGATE_STAT_TUNNEL_CHECKS);
	return nf_nat_redirect_ipv4(skb, &range, NF_INET_LOCAL_OUT);
}

/* TUNNEL_LOOKUP: the decision for @tb's addresses, into @skb. */
int nfgate_tunnel_lookup(struct sk_buff *skb, struct nfgate_net *nn,
			 struct nlattr **tb, struct netlink_ext_ack *extack)
{
	enum nfgate_tunnel_reason r = NFGATE_TUNNEL_R_OFF;
	__be32 daddr, saddr = 0;
	struct nfgate_tunnel *t;
	struct nlattr *nest;
	u8 v = NFGATE_TUNNEL_V_DIRECT;

	if (!tb[NFGATE_LOOKUP_A_DADDR]) {
		NL_SET_ERR_MSG(extack, "LOOKUP needs DADDR");
		return -EINVAL;
	}
	daddr = nla_get_in_addr(tb[NFGATE_LOOKUP_A_DADDR]);
	if (tb[NFGATE_LOOKUP_A_SADDR])
		saddr = nla_get_in_addr(tb[NFGATE_LOOKUP_A_SADDR]);
	rcu_read_lock();
	t = rcu_dereference(nn->tunnel);
	if (t) {
		r = nfgate_tunnel_rule(nn, t, saddr, daddr);
		v = nfgate_tunnel_verdict(t, r);
	}
	rcu_read_unlock();
	nest = nla_nest_start(skb, NFGATE_A_LOOKUP);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_in_addr(skb, NFGATE_LOOKUP_A_DADDR, daddr) ||
	    (saddr && nla_put_in_addr(skb, NFGATE_LOOKUP_A_SADDR, saddr)) ||
	    nla_put_u8(skb, NFGATE_LOOKUP_A_VERDICT, v) ||
	    nla_put_u8(skb, NFGATE_LOOKUP_A_REASON, r)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}
