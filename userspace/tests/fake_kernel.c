// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "config.h"
#include "fake_kernel.h"

/* --- datagram queue ------------------------------------------------------- */

/* Room for one more message: a new datagram once the open one is half full. */
static char *msg_room(struct fake_kernel *k, size_t *room)
{
	int slot = (k->qtail + FAKE_QUEUE - 1) % FAKE_QUEUE;

	if (!k->open || k->split || k->qlen[slot] > FAKE_DGRAM / 2) {
		slot = k->qtail;
		k->qtail = (k->qtail + 1) % FAKE_QUEUE;
		k->qlen[slot] = 0;
		k->open = true;
	}
	*room = sizeof(k->q[0]) - k->qlen[slot];
	return k->q[slot] + k->qlen[slot];
}

static void msg_commit(struct fake_kernel *k, const struct nlmsghdr *nlh)
{
	int slot = (k->qtail + FAKE_QUEUE - 1) % FAKE_QUEUE;

	k->qlen[slot] += NLMSG_ALIGN(nlh->nlmsg_len);
}

static struct nlmsghdr *reply_start(struct fake_kernel *k, const struct nlmsghdr *req,
				    uint16_t type, uint16_t flags, uint8_t cmd)
{
	size_t room;
	char *buf = msg_room(k, &room);
	struct nlmsghdr *nlh;
	struct genlmsghdr *g;

	memset(buf, 0, 1024 < room ? 1024 : room);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	nlh->nlmsg_seq = req ? req->nlmsg_seq : 0;
	nlh->nlmsg_pid = 0;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = NFGATE_GENL_VERSION;
	return nlh;
}

static void ack(struct fake_kernel *k, const struct nlmsghdr *req, int error,
		const char *msg, const void *bad_attr, int miss_type,
		const void *miss_nest)
{
	size_t room;
	char *buf = msg_room(k, &room);
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nlmsgerr *e;
	size_t plen = error && k->uncapped ? req->nlmsg_len - sizeof(*req) : 0;

	if (plen > FAKE_DGRAM / 2 - 512)
		plen = 0;	/* the real kernel would send it; no test needs it */

	nlh->nlmsg_type = NLMSG_ERROR;
	nlh->nlmsg_seq = req->nlmsg_seq;
	nlh->nlmsg_flags = plen ? 0 : NLM_F_CAPPED;
	e = mnl_nlmsg_put_extra_header(nlh, sizeof(*e) + NLMSG_ALIGN(plen));
	e->error = error;
	e->msg = *req;
	memcpy(e + 1, req + 1, plen);
	if (error && (msg || bad_attr || miss_type)) {
		nlh->nlmsg_flags |= NLM_F_ACK_TLVS;
		if (msg)
			mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, msg);
		if (bad_attr)
			mnl_attr_put_u32(nlh, NLMSGERR_ATTR_OFFS,
					 (uint32_t)((const char *)bad_attr - (const char *)req));
		if (miss_type) {
			mnl_attr_put_u32(nlh, NLMSGERR_ATTR_MISS_TYPE, (uint32_t)miss_type);
			if (miss_nest)
				mnl_attr_put_u32(nlh, NLMSGERR_ATTR_MISS_NEST,
						 (uint32_t)((const char *)miss_nest - (const char *)req));
		}
	}
	msg_commit(k, nlh);
	k->open = false;	/* the answer ends here */
}

static void done(struct fake_kernel *k, const struct nlmsghdr *req)
{
	size_t room;
	char *buf = msg_room(k, &room);
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	int zero = 0;

	nlh->nlmsg_type = NLMSG_DONE;
	nlh->nlmsg_flags = NLM_F_MULTI;
	nlh->nlmsg_seq = req->nlmsg_seq;
	memcpy(mnl_nlmsg_put_extra_header(nlh, sizeof(zero)), &zero, sizeof(zero));
	msg_commit(k, nlh);
	k->open = false;
}

static void logf_(struct fake_kernel *k, const char *fmt, ...)
{
	va_list ap;

	if (k->nlog >= 64)
		return;
	va_start(ap, fmt);
	vsnprintf(k->log[k->nlog++], sizeof(k->log[0]), fmt, ap);
	va_end(ap);
}

/* --- objects on the wire, as the module would put them --------------------- */

static void put_u64_padded(struct nlmsghdr *nlh, uint16_t pad, uint16_t type,
			   uint64_t v)
{
	/* like nla_put_64bit() on a strict-alignment architecture, with the
	 * PAD attribute of the nest */
	mnl_attr_put(nlh, pad, 0, NULL);
	mnl_attr_put_u64(nlh, type, v);
}

#define PUT_UP64(nlh, type, v) put_u64_padded(nlh, NFGATE_UPLINK_A_PAD, type, v)

/* the module being put_uplink()'s: an older one without link health */
static bool k_old_health;

/* event: as in an event, without the flow count */
static void put_uplink(struct nlmsghdr *nlh, const struct nfg_uplink *u, bool key_only,
		       bool event)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, NFGATE_A_UPLINK);

	mnl_attr_put_strz(nlh, NFGATE_UPLINK_A_IFNAME, u->ifname);
	if (!key_only) {
		mnl_attr_put_u32(nlh, NFGATE_UPLINK_A_IFINDEX, u->ifindex);
		mnl_attr_put_u8(nlh, NFGATE_UPLINK_A_TIER, u->tier);
		mnl_attr_put_u32(nlh, NFGATE_UPLINK_A_WEIGHT, u->weight);
		mnl_attr_put_u32(nlh, NFGATE_UPLINK_A_HEALTH, u->health);
		mnl_attr_put_u8(nlh, NFGATE_UPLINK_A_ADMIN, u->admin);
		mnl_attr_put_u8(nlh, NFGATE_UPLINK_A_OPER, u->oper);
		mnl_attr_put_u32(nlh, NFGATE_UPLINK_A_EFF_WEIGHT, u->eff_weight);
		mnl_attr_put_u32(nlh, NFGATE_UPLINK_A_ADDR, u->addr);
		if (!event)
			mnl_attr_put_u32(nlh, NFGATE_UPLINK_A_FLOWS, u->flows);
		PUT_UP64(nlh, NFGATE_UPLINK_A_CHANGED_MS, u->changed_ms);
		PUT_UP64(nlh, NFGATE_UPLINK_A_TX_PACKETS, u->tx_packets);
		PUT_UP64(nlh, NFGATE_UPLINK_A_TX_BYTES, u->tx_bytes);
		PUT_UP64(nlh, NFGATE_UPLINK_A_RX_PACKETS, u->rx_packets);
		PUT_UP64(nlh, NFGATE_UPLINK_A_RX_BYTES, u->rx_bytes);
		mnl_attr_put_u8(nlh, NFGATE_UPLINK_A_ID, u->id);
		mnl_attr_put_u8(nlh, NFGATE_UPLINK_A_USABLE, u->usable);
		if (!k_old_health) {
			mnl_attr_put_u8(nlh, NFGATE_UPLINK_A_HEALTH_STATE, u->health_state);
			mnl_attr_put_u8(nlh, NFGATE_UPLINK_A_HEALTH_REASON, u->health_reason);
			PUT_UP64(nlh, NFGATE_UPLINK_A_HEALTH_SINCE_MS, u->health_since_ms);
			mnl_attr_put_u32(nlh, NFGATE_UPLINK_A_PROBE_LOSS, u->probe_loss);
			mnl_attr_put_u32(nlh, NFGATE_UPLINK_A_PROBE_RTT_US, u->probe_rtt_us);
			mnl_attr_put_u32(nlh, NFGATE_UPLINK_A_PROBE_JITTER_US, u->probe_jitter_us);
			PUT_UP64(nlh, NFGATE_UPLINK_A_SYN_SENT, u->syn_sent);
			PUT_UP64(nlh, NFGATE_UPLINK_A_SYN_ANSWERED, u->syn_answered);
		}
		/* an attribute from a future version: must be skipped */
		mnl_attr_put_u32(nlh, NFGATE_UPLINK_A_MAX + 5, 0xdead);
	}
	mnl_attr_nest_end(nlh, nest);
}

static void put_lan(struct nlmsghdr *nlh, const struct nfg_lan *lan)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, NFGATE_A_LAN);

	mnl_attr_put_strz(nlh, NFGATE_LAN_A_IFNAME, lan->ifname);
	mnl_attr_put_u32(nlh, NFGATE_LAN_A_IFINDEX, lan->ifindex);
	mnl_attr_put_u32(nlh, NFGATE_LAN_A_ADDR, lan->addr);
	mnl_attr_put_u8(nlh, NFGATE_LAN_A_PREFIXLEN, lan->prefixlen);
	mnl_attr_nest_end(nlh, nest);
}

static void put_settings(struct nlmsghdr *nlh, const struct nfg_settings *st)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, NFGATE_A_SETTINGS);

	mnl_attr_put_u32(nlh, NFGATE_SETTINGS_A_MARK_MASK, st->mark_mask);
	mnl_attr_put_u32(nlh, NFGATE_SETTINGS_A_SKIP_MARK, st->skip_mark);
	mnl_attr_put_u8(nlh, NFGATE_SETTINGS_A_FAILOVER_RST, st->failover_rst);
	mnl_attr_put_u32(nlh, NFGATE_SETTINGS_A_HOLDDOWN_MS, st->holddown_ms);
	mnl_attr_put_u32(nlh, NFGATE_SETTINGS_A_STICKY_MS, st->sticky_ms);
	mnl_attr_put_u32(nlh, NFGATE_SETTINGS_A_MAX + 3, 0xdead);	/* future */
	mnl_attr_nest_end(nlh, nest);
}

static void put_forward(struct nlmsghdr *nlh, const struct nfg_forward *fw)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, NFGATE_A_FORWARD);

	mnl_attr_put_u8(nlh, NFGATE_FORWARD_A_PROTO, fw->proto);
	mnl_attr_put_u16(nlh, NFGATE_FORWARD_A_PORT, htons(fw->port));
	mnl_attr_put_u32(nlh, NFGATE_FORWARD_A_TO_ADDR, fw->to_addr);
	mnl_attr_put_u16(nlh, NFGATE_FORWARD_A_TO_PORT, htons(fw->to_port));
	if (fw->uplink[0])
		mnl_attr_put_strz(nlh, NFGATE_FORWARD_A_UPLINK, fw->uplink);
	put_u64_padded(nlh, NFGATE_FORWARD_A_PAD, NFGATE_FORWARD_A_HITS, fw->hits);
	mnl_attr_nest_end(nlh, nest);
}

static void put_dns(struct nlmsghdr *nlh, const struct nfg_dns *d)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, NFGATE_A_DNS);

	for (size_t i = 0; i < nfg_dns_nfields; i++) {
		const struct nfg_field *f = &nfg_dns_fields[i];
		uint64_t v = nfg_field_uint(d, f);

		if (f->type == NFG_F_U32)
			mnl_attr_put_u32(nlh, f->attr, (uint32_t)v);
		else
			mnl_attr_put_u8(nlh, f->attr, (uint8_t)v);
	}
	mnl_attr_put_u32(nlh, NFGATE_DNS_A_MAX + 2, 0xdead);	/* future */
	mnl_attr_nest_end(nlh, nest);
}

static void put_dns_reply(struct nlmsghdr *nlh, const struct nfg_dns_reply *r)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, NFGATE_A_DNS_REPLY);

	mnl_attr_put_u8(nlh, NFGATE_DNS_REPLY_A_VERDICT, r->verdict);
	mnl_attr_put_u32(nlh, NFGATE_DNS_REPLY_A_SIGNALS, r->signals);
	mnl_attr_put_u32(nlh, NFGATE_DNS_REPLY_A_RESOLVER, r->resolver);
	mnl_attr_put_u32(nlh, NFGATE_DNS_REPLY_A_CLIENT, r->client);
	mnl_attr_put_strz(nlh, NFGATE_DNS_REPLY_A_QNAME, r->qname);
	mnl_attr_put_u16(nlh, NFGATE_DNS_REPLY_A_QTYPE, r->qtype);
	mnl_attr_put_u8(nlh, NFGATE_DNS_REPLY_A_IP_TTL, r->ip_ttl);
	mnl_attr_put_u16(nlh, NFGATE_DNS_REPLY_A_IP_ID, r->ip_id);
	mnl_attr_put_u8(nlh, NFGATE_DNS_REPLY_A_DF, r->df);
	mnl_attr_put_u16(nlh, NFGATE_DNS_REPLY_A_FLAGS, r->flags);
	mnl_attr_put_u32(nlh, NFGATE_DNS_REPLY_A_LEAD_US, r->lead_us);
	if (r->uplink[0])
		mnl_attr_put_strz(nlh, NFGATE_DNS_REPLY_A_UPLINK, r->uplink);
	for (unsigned int i = 0; i < r->n4; i++)
		mnl_attr_put_u32(nlh, NFGATE_DNS_REPLY_A_ANSWER4, r->answer4[i]);
	for (unsigned int i = 0; i < r->n6; i++)
		mnl_attr_put(nlh, NFGATE_DNS_REPLY_A_ANSWER6, 16, r->answer6[i]);
	mnl_attr_nest_end(nlh, nest);
}

static struct nfg_uplink *find(struct fake_kernel *k, const char *ifname)
{
	for (size_t i = 0; i < k->n; i++)
		if (!strcmp(k->ups[i].ifname, ifname))
			return &k->ups[i];
	return NULL;
}

struct nfg_uplink *fake_add_uplink(struct fake_kernel *k, const char *ifname)
{
	struct nfg_uplink *u = &k->ups[k->n++];

	memset(u, 0, sizeof(*u));
	snprintf(u->ifname, sizeof(u->ifname), "%s", ifname);
	u->weight = 1;
	u->health = NFGATE_HEALTH_MAX;
	u->admin = NFGATE_ADMIN_UP;
	u->oper = NFGATE_OPER_ABSENT;
	u->id = (uint8_t)k->n;
	return u;
}

struct nfg_forward *fake_add_forward(struct fake_kernel *k, uint8_t proto,
				     uint16_t port, const char *to_addr)
{
	struct nfg_forward *fw = &k->fws[k->nfw++];

	memset(fw, 0, sizeof(*fw));
	fw->proto = proto;
	fw->port = fw->to_port = port;
	inet_pton(AF_INET, to_addr, &fw->to_addr);
	return fw;
}

static struct nfg_forward *find_forward(struct fake_kernel *k, uint8_t proto,
					uint16_t port)
{
	for (size_t i = 0; i < k->nfw; i++)
		if (k->fws[i].proto == proto && k->fws[i].port == port)
			return &k->fws[i];
	return NULL;
}

/* --- commands ----------------------------------------------------------------- */

static const struct nlattr *top_attr(const struct nlmsghdr *req, uint16_t type)
{
	const struct nlattr *a;

	mnl_attr_for_each(a, req, sizeof(struct genlmsghdr))
		if (mnl_attr_get_type(a) == type)
			return a;
	return NULL;
}

static void uplink_set(struct fake_kernel *k, const struct nlmsghdr *req)
{
	const struct nlattr *nest = top_attr(req, NFGATE_A_UPLINK), *a;
	const char *ifname = NULL;
	struct nfg_uplink tmp, *u;
	char line[128];
	size_t len;

	if (k->perm_denied)
		return ack(k, req, -EPERM, NULL, NULL, 0, NULL);
	if (!nest)
		return ack(k, req, -EINVAL, NULL, NULL, NFGATE_A_UPLINK, NULL);
	mnl_attr_for_each_nested(a, nest)
		if (mnl_attr_get_type(a) == NFGATE_UPLINK_A_IFNAME)
			ifname = mnl_attr_get_str(a);
	if (!ifname)
		return ack(k, req, -EINVAL, NULL, NULL, NFGATE_UPLINK_A_IFNAME, nest);
	u = find(k, ifname);
	if (u)
		tmp = *u;
	else {
		if (k->n == FAKE_MAX_UPLINKS)
			return ack(k, req, -ENOSPC, "too many uplinks", NULL, 0, NULL);
		memset(&tmp, 0, sizeof(tmp));
		snprintf(tmp.ifname, sizeof(tmp.ifname), "%s", ifname);
		tmp.weight = 1;
		tmp.health = NFGATE_HEALTH_MAX;
		tmp.admin = NFGATE_ADMIN_UP;
	}
	len = (size_t)snprintf(line, sizeof(line), "UPLINK_SET %s", ifname);
	mnl_attr_for_each_nested(a, nest) {
		uint16_t t = mnl_attr_get_type(a);
		const struct nfg_field *f = nfg_uplink_field(t);

		switch (t) {
		case NFGATE_UPLINK_A_IFNAME:
			continue;
		case NFGATE_UPLINK_A_TIER:
			if (mnl_attr_get_u8(a) > NFGATE_TIER_MAX)
				return ack(k, req, -EINVAL, "tier out of range", a, 0, NULL);
			tmp.tier = mnl_attr_get_u8(a);
			break;
		case NFGATE_UPLINK_A_WEIGHT:
			if (mnl_attr_get_u32(a) > NFGATE_WEIGHT_MAX)
				return ack(k, req, -EINVAL, "weight out of range", a, 0, NULL);
			tmp.weight = mnl_attr_get_u32(a);
			break;
		case NFGATE_UPLINK_A_HEALTH:
			if (mnl_attr_get_u32(a) > NFGATE_HEALTH_MAX)
				return ack(k, req, -EINVAL, "health out of range", a, 0, NULL);
			tmp.health = mnl_attr_get_u32(a);
			break;
		case NFGATE_UPLINK_A_ADMIN:
			if (mnl_attr_get_u8(a) > NFGATE_ADMIN_MAX)
				return ack(k, req, -EINVAL, "admin out of range", a, 0, NULL);
			tmp.admin = mnl_attr_get_u8(a);
			break;
		case NFGATE_UPLINK_A_HEALTH_STATE:
		case NFGATE_UPLINK_A_HEALTH_REASON:
		case NFGATE_UPLINK_A_PROBE_LOSS:
		case NFGATE_UPLINK_A_PROBE_RTT_US:
		case NFGATE_UPLINK_A_PROBE_JITTER_US:
			if (k->old_health)
				return ack(k, req, -EINVAL, "unknown attribute", a, 0, NULL);
			if ((t == NFGATE_UPLINK_A_HEALTH_STATE &&
			     mnl_attr_get_u8(a) > NFGATE_HEALTH_STATE_MAX) ||
			    (t == NFGATE_UPLINK_A_HEALTH_REASON &&
			     mnl_attr_get_u8(a) > NFGATE_REASON_MAX) ||
			    (t == NFGATE_UPLINK_A_PROBE_LOSS && mnl_attr_get_u32(a) > 10000))
				return ack(k, req, -EINVAL, "value out of range", a, 0, NULL);
			if (t == NFGATE_UPLINK_A_HEALTH_STATE &&
			    mnl_attr_get_u8(a) != tmp.health_state) {
				tmp.health_since_ms = k->now_ms;	/* stamped */
				tmp.health_state = mnl_attr_get_u8(a);
			} else if (t == NFGATE_UPLINK_A_HEALTH_REASON) {
				tmp.health_reason = mnl_attr_get_u8(a);
			} else if (t != NFGATE_UPLINK_A_HEALTH_STATE) {
				nfg_field_set_uint(&tmp, f, mnl_attr_get_u32(a));
			}
			break;
		default:
			return ack(k, req, -EINVAL, f ? "attribute is read-only" : "unknown attribute",
				   a, 0, NULL);
		}
		len += (size_t)snprintf(line + len, sizeof(line) - len, " %s", f->key);
	}
	if (k->refuse && !strcmp(k->refuse, ifname))
		return ack(k, req, -EINVAL, "refused by the test", NULL, 0, NULL);
	if (!u)
		u = &k->ups[k->n++];
	*u = tmp;
	k->generation++;
	logf_(k, "%s", line);
	ack(k, req, 0, NULL, NULL, 0, NULL);
}

static void uplink_get(struct fake_kernel *k, const struct nlmsghdr *req)
{
	k_old_health = k->old_health;
	const struct nlattr *nest = top_attr(req, NFGATE_A_UPLINK), *a;
	struct nlmsghdr *nlh;

	if (req->nlmsg_flags & NLM_F_DUMP) {
		uint16_t intr = k->dump_intr > 0 ? NLM_F_DUMP_INTR : 0;

		k->dumps++;
		if (k->dump_intr > 0)
			k->dump_intr--;
		for (size_t i = 0; i < k->n; i++) {
			nlh = reply_start(k, req, FAKE_FAMILY_ID, NLM_F_MULTI | intr,
					  NFGATE_CMD_UPLINK_GET);
			put_uplink(nlh, &k->ups[i], false, false);
			mnl_attr_put_u32(nlh, NFGATE_A_GENERATION, k->generation);
			msg_commit(k, nlh);
		}
		return done(k, req);
	}
	if (!nest)
		return ack(k, req, -EINVAL, NULL, NULL, NFGATE_A_UPLINK, NULL);
	mnl_attr_for_each_nested(a, nest) {
		struct nfg_uplink *u;

		if (mnl_attr_get_type(a) != NFGATE_UPLINK_A_IFNAME)
			continue;
		u = find(k, mnl_attr_get_str(a));
		if (!u)
			return ack(k, req, -ENOENT, "no uplink with this name", a, 0, NULL);
		nlh = reply_start(k, req, FAKE_FAMILY_ID, 0, NFGATE_CMD_UPLINK_GET);
		put_uplink(nlh, u, false, false);
		mnl_attr_put_u32(nlh, NFGATE_A_GENERATION, k->generation);
		msg_commit(k, nlh);
		return ack(k, req, 0, NULL, NULL, 0, NULL);
	}
	ack(k, req, -EINVAL, NULL, NULL, NFGATE_UPLINK_A_IFNAME, nest);
}

static void uplink_del(struct fake_kernel *k, const struct nlmsghdr *req)
{
	const struct nlattr *nest = top_attr(req, NFGATE_A_UPLINK), *a;

	if (k->perm_denied)
		return ack(k, req, -EPERM, NULL, NULL, 0, NULL);
	if (!nest)
		return ack(k, req, -EINVAL, NULL, NULL, NFGATE_A_UPLINK, NULL);
	mnl_attr_for_each_nested(a, nest) {
		struct nfg_uplink *u;

		if (mnl_attr_get_type(a) != NFGATE_UPLINK_A_IFNAME)
			return ack(k, req, -EINVAL, "only the ifname is expected", a, 0, NULL);
		u = find(k, mnl_attr_get_str(a));
		if (!u)
			return ack(k, req, -ENOENT, "no uplink with this name", a, 0, NULL);
		logf_(k, "UPLINK_DEL %s", u->ifname);
		*u = k->ups[--k->n];
		k->generation++;
		return ack(k, req, 0, NULL, NULL, 0, NULL);
	}
	ack(k, req, -EINVAL, NULL, NULL, NFGATE_UPLINK_A_IFNAME, nest);
}

static void lan_set(struct fake_kernel *k, const struct nlmsghdr *req)
{
	const struct nlattr *nest = top_attr(req, NFGATE_A_LAN), *a;
	const struct nlattr *name = NULL, *addr = NULL, *plen = NULL;
	uint32_t mask;

	if (k->perm_denied)
		return ack(k, req, -EPERM, NULL, NULL, 0, NULL);
	if (!nest)
		return ack(k, req, -EINVAL, NULL, NULL, NFGATE_A_LAN, NULL);
	mnl_attr_for_each_nested(a, nest) {
		switch (mnl_attr_get_type(a)) {
		case NFGATE_LAN_A_IFNAME: name = a; break;
		case NFGATE_LAN_A_ADDR: addr = a; break;
		case NFGATE_LAN_A_PREFIXLEN: plen = a; break;
		default:
			return ack(k, req, -EINVAL, "unexpected attribute", a, 0, NULL);
		}
	}
	if (!name)
		return ack(k, req, -EINVAL, NULL, NULL, NFGATE_LAN_A_IFNAME, nest);
	if (!addr)
		return ack(k, req, -EINVAL, NULL, NULL, NFGATE_LAN_A_ADDR, nest);
	if (!plen)
		return ack(k, req, -EINVAL, NULL, NULL, NFGATE_LAN_A_PREFIXLEN, nest);
	if (mnl_attr_get_u8(plen) > 32)
		return ack(k, req, -EINVAL, "prefix length out of range", plen, 0, NULL);
	mask = mnl_attr_get_u8(plen) ? htonl(~0U << (32 - mnl_attr_get_u8(plen))) : 0;
	if (mnl_attr_get_u32(addr) & ~mask)
		return ack(k, req, -EINVAL, "host bits set", addr, 0, NULL);
	memset(&k->lan, 0, sizeof(k->lan));
	snprintf(k->lan.ifname, sizeof(k->lan.ifname), "%s", mnl_attr_get_str(name));
	k->lan.addr = mnl_attr_get_u32(addr);
	k->lan.prefixlen = mnl_attr_get_u8(plen);
	k->has_lan = true;
	k->generation++;
	logf_(k, "LAN_SET %s", k->lan.ifname);
	ack(k, req, 0, NULL, NULL, 0, NULL);
}

static bool contiguous(uint32_t m)
{
	return m && !((m + (m & -m)) & m) && __builtin_popcount(m) >= NFGATE_MARK_BITS_MIN;
}

static void settings_set(struct fake_kernel *k, const struct nlmsghdr *req)
{
	const struct nlattr *nest = top_attr(req, NFGATE_A_SETTINGS), *a;
	struct nfg_settings tmp = k->settings;
	char line[128];
	size_t len;

	if (k->perm_denied)
		return ack(k, req, -EPERM, NULL, NULL, 0, NULL);
	if (!nest)
		return ack(k, req, -EINVAL, NULL, NULL, NFGATE_A_SETTINGS, NULL);
	len = (size_t)snprintf(line, sizeof(line), "SETTINGS_SET");
	mnl_attr_for_each_nested(a, nest) {
		uint16_t t = mnl_attr_get_type(a);
		const struct nfg_field *f = nfg_settings_field(t);
		uint32_t v;

		if (!f)
			return ack(k, req, -EINVAL, "unknown attribute", a, 0, NULL);
		v = f->type == NFG_F_BOOL ? mnl_attr_get_u8(a) : mnl_attr_get_u32(a);
		if ((t == NFGATE_SETTINGS_A_MARK_MASK && !contiguous(v)) ||
		    (t == NFGATE_SETTINGS_A_FAILOVER_RST && v > 1) ||
		    (t == NFGATE_SETTINGS_A_HOLDDOWN_MS && v > NFGATE_HOLDDOWN_MS_MAX) ||
		    (t == NFGATE_SETTINGS_A_STICKY_MS && v > NFGATE_STICKY_MS_MAX))
			return ack(k, req, -EINVAL, "value out of range", a, 0, NULL);
		nfg_field_set_uint(&tmp, f, v);
		len += (size_t)snprintf(line + len, sizeof(line) - len, " %s", f->key);
	}
	k->settings = tmp;
	k->generation++;
	logf_(k, "%s", line);
	ack(k, req, 0, NULL, NULL, 0, NULL);
}

static void forward_set(struct fake_kernel *k, const struct nlmsghdr *req)
{
	const struct nlattr *nest = top_attr(req, NFGATE_A_FORWARD), *a;
	const struct nlattr *proto = NULL, *port = NULL, *to = NULL;
	struct nfg_forward tmp = { 0 }, *fw;
	char addr[16];

	if (k->perm_denied)
		return ack(k, req, -EPERM, NULL, NULL, 0, NULL);
	if (!nest)
		return ack(k, req, -EINVAL, NULL, NULL, NFGATE_A_FORWARD, NULL);
	mnl_attr_for_each_nested(a, nest) {
		switch (mnl_attr_get_type(a)) {
		case NFGATE_FORWARD_A_PROTO:
			proto = a;
			tmp.proto = mnl_attr_get_u8(a);
			if (tmp.proto != IPPROTO_TCP && tmp.proto != IPPROTO_UDP)
				return ack(k, req, -EINVAL, "protocol must be TCP or UDP", a, 0, NULL);
			break;
		case NFGATE_FORWARD_A_PORT:
			port = a;
			tmp.port = ntohs(mnl_attr_get_u16(a));
			if (!tmp.port)
				return ack(k, req, -EINVAL, "port 0", a, 0, NULL);
			break;
		case NFGATE_FORWARD_A_TO_ADDR:
			to = a;
			tmp.to_addr = mnl_attr_get_u32(a);
			break;
		case NFGATE_FORWARD_A_TO_PORT:
			tmp.to_port = ntohs(mnl_attr_get_u16(a));
			break;
		case NFGATE_FORWARD_A_UPLINK:
			snprintf(tmp.uplink, sizeof(tmp.uplink), "%s", mnl_attr_get_str(a));
			break;
		default:
			return ack(k, req, -EINVAL, nfg_forward_field(mnl_attr_get_type(a)) ?
				   "attribute is read-only" : "unknown attribute", a, 0, NULL);
		}
	}
	if (!proto)
		return ack(k, req, -EINVAL, NULL, NULL, NFGATE_FORWARD_A_PROTO, nest);
	if (!port)
		return ack(k, req, -EINVAL, NULL, NULL, NFGATE_FORWARD_A_PORT, nest);
	if (!to)
		return ack(k, req, -EINVAL, NULL, NULL, NFGATE_FORWARD_A_TO_ADDR, nest);
	if (k->has_lan && k->lan.prefixlen &&
	    (tmp.to_addr ^ k->lan.addr) & htonl(~0U << (32 - k->lan.prefixlen)))
		return ack(k, req, -EINVAL, "address not in the LAN", to, 0, NULL);
	if (!tmp.to_port)
		tmp.to_port = tmp.port;
	fw = find_forward(k, tmp.proto, tmp.port);
	if (!fw) {
		if (k->nfw == FAKE_MAX_FORWARDS)
			return ack(k, req, -ENOSPC, "too many forwards", NULL, 0, NULL);
		fw = &k->fws[k->nfw++];
	} else {
		tmp.hits = fw->hits;
	}
	*fw = tmp;
	k->generation++;
	inet_ntop(AF_INET, &tmp.to_addr, addr, sizeof(addr));
	logf_(k, "FORWARD_SET %s %u %s:%u%s%s", nfg_proto_name(tmp.proto), tmp.port,
	      addr, tmp.to_port, tmp.uplink[0] ? " " : "", tmp.uplink);
	ack(k, req, 0, NULL, NULL, 0, NULL);
}

static void forward_del(struct fake_kernel *k, const struct nlmsghdr *req)
{
	const struct nlattr *nest = top_attr(req, NFGATE_A_FORWARD), *a;
	const struct nlattr *port = NULL;
	uint8_t proto = 0;
	struct nfg_forward *fw;

	if (k->perm_denied)
		return ack(k, req, -EPERM, NULL, NULL, 0, NULL);
	if (!nest)
		return ack(k, req, -EINVAL, NULL, NULL, NFGATE_A_FORWARD, NULL);
	mnl_attr_for_each_nested(a, nest) {
		if (mnl_attr_get_type(a) == NFGATE_FORWARD_A_PROTO)
			proto = mnl_attr_get_u8(a);
		else if (mnl_attr_get_type(a) == NFGATE_FORWARD_A_PORT)
			port = a;
		else
			return ack(k, req, -EINVAL, "only proto and port are expected", a, 0, NULL);
	}
	if (!port)
		return ack(k, req, -EINVAL, NULL, NULL, NFGATE_FORWARD_A_PORT, nest);
	fw = find_forward(k, proto, ntohs(mnl_attr_get_u16(port)));
	if (!fw)
		return ack(k, req, -ENOENT, "no forward with this protocol and port", port, 0, NULL);
	logf_(k, "FORWARD_DEL %s %u", nfg_proto_name(fw->proto), fw->port);
	*fw = k->fws[--k->nfw];
	k->generation++;
	ack(k, req, 0, NULL, NULL, 0, NULL);
}

static void forward_dump(struct fake_kernel *k, const struct nlmsghdr *req)
{
	if (!(req->nlmsg_flags & NLM_F_DUMP))
		return ack(k, req, -EOPNOTSUPP, NULL, NULL, 0, NULL);
	for (size_t i = 0; i < k->nfw; i++) {
		struct nlmsghdr *nlh = reply_start(k, req, FAKE_FAMILY_ID, NLM_F_MULTI,
						   NFGATE_CMD_FORWARD_GET);

		put_forward(nlh, &k->fws[i]);
		mnl_attr_put_u32(nlh, NFGATE_A_GENERATION, k->generation);
		msg_commit(k, nlh);
	}
	done(k, req);
}

/* TUNNEL_GET: the nest as the module's nfgate_tunnel_fill() puts it. */
static void tunnel_get(struct fake_kernel *k, const struct nlmsghdr *req)
{
	const struct nfg_tunnel *t = &k->tunnel;
	struct nlattr *nest, *ss, *sn, *ln;
	struct nlmsghdr *nlh;

	if (!k->has_tunnel)
		return ack(k, req, -ENOENT, "no tunnel is configured", NULL, 0, NULL);
	nlh = reply_start(k, req, FAKE_FAMILY_ID, 0, NFGATE_CMD_TUNNEL_GET);
	nest = mnl_attr_nest_start(nlh, NFGATE_A_TUNNEL);
	mnl_attr_put_u8(nlh, NFGATE_TUNNEL_A_ENABLED, t->enabled);
	mnl_attr_put_u8(nlh, NFGATE_TUNNEL_A_STATE, t->state);
	put_u64_padded(nlh, NFGATE_TUNNEL_A_PAD, NFGATE_TUNNEL_A_SINCE_MS, t->since_ms);
	mnl_attr_put_u8(nlh, NFGATE_TUNNEL_A_FAIL, t->fail);
	mnl_attr_put_u8(nlh, NFGATE_TUNNEL_A_ACTIVE, t->active);
	mnl_attr_put_u8(nlh, NFGATE_TUNNEL_A_UDP, t->udp);
	mnl_attr_put_u32(nlh, NFGATE_TUNNEL_A_UDP_MARK, t->udp_mark);
	mnl_attr_put_u32(nlh, NFGATE_TUNNEL_A_CHECK_MARK, t->check_mark);
	ss = mnl_attr_nest_start(nlh, NFGATE_TUNNEL_A_SERVERS);
	for (size_t i = 0; i < t->n_servers; i++) {
		const struct nfg_tsrv *s = &t->servers[i];

		sn = mnl_attr_nest_start(nlh, NFGATE_TUNNEL_A_SERVER);
		mnl_attr_put_strz(nlh, NFGATE_TSRV_A_NAME, s->name);
		mnl_attr_put_u32(nlh, NFGATE_TSRV_A_ADDR, s->addr);
		mnl_attr_put_u16(nlh, NFGATE_TSRV_A_PORT, htons(s->port));
		mnl_attr_put_u16(nlh, NFGATE_TSRV_A_REDIR_PORT, htons(s->redir_port));
		mnl_attr_put_u16(nlh, NFGATE_TSRV_A_UDP_PORT, htons(s->udp_port));
		mnl_attr_put_u8(nlh, NFGATE_TSRV_A_STATE, s->state);
		mnl_attr_put_u32(nlh, NFGATE_TSRV_A_RTT_US, s->rtt_us);
		put_u64_padded(nlh, NFGATE_TSRV_A_PAD, NFGATE_TSRV_A_SINCE_MS, s->since_ms);
		put_u64_padded(nlh, NFGATE_TSRV_A_PAD, NFGATE_TSRV_A_REDIRECTED, s->redirected);
		mnl_attr_nest_end(nlh, sn);
	}
	mnl_attr_nest_end(nlh, ss);
	for (uint8_t l = 0; l < __NFGATE_LIST_LAST; l++) {
		const struct nfg_tlist *li = &t->list[l];

		ln = mnl_attr_nest_start(nlh, NFGATE_TUNNEL_A_LIST);
		mnl_attr_put_u8(nlh, NFGATE_TLIST_A_LIST, l);
		mnl_attr_put_u32(nlh, NFGATE_TLIST_A_PREFIXES, li->prefixes);
		mnl_attr_put_u32(nlh, NFGATE_TLIST_A_RANGES, li->ranges);
		put_u64_padded(nlh, NFGATE_TLIST_A_PAD, NFGATE_TLIST_A_TAG, li->tag);
		mnl_attr_put_u32(nlh, NFGATE_TLIST_A_BUILD_US, li->build_us);
		mnl_attr_nest_end(nlh, ln);
	}
	mnl_attr_put_u32(nlh, NFGATE_TUNNEL_A_FLOWS, t->flows);
	mnl_attr_nest_end(nlh, nest);
	mnl_attr_put_u32(nlh, NFGATE_A_GENERATION, k->generation);
	msg_commit(k, nlh);
	ack(k, req, 0, NULL, NULL, 0, NULL);
}

/* HOST_GET: one message per host, in the order of k->hosts. */
static void host_dump(struct fake_kernel *k, const struct nlmsghdr *req)
{
	if (!(req->nlmsg_flags & NLM_F_DUMP))
		return ack(k, req, -EOPNOTSUPP, NULL, NULL, 0, NULL);
	for (size_t i = 0; i < k->nh; i++) {
		struct nlmsghdr *nlh = reply_start(k, req, FAKE_FAMILY_ID, NLM_F_MULTI,
						   NFGATE_CMD_HOST_GET);
		struct nlattr *nest = mnl_attr_nest_start(nlh, NFGATE_A_HOST);
		const struct nfg_host *h = &k->hosts[i];

		mnl_attr_put_u32(nlh, NFGATE_HOST_A_ADDR, h->addr);
		put_u64_padded(nlh, NFGATE_HOST_A_PAD, NFGATE_HOST_A_TX_PACKETS, h->tx_packets);
		put_u64_padded(nlh, NFGATE_HOST_A_PAD, NFGATE_HOST_A_TX_BYTES, h->tx_bytes);
		put_u64_padded(nlh, NFGATE_HOST_A_PAD, NFGATE_HOST_A_RX_PACKETS, h->rx_packets);
		put_u64_padded(nlh, NFGATE_HOST_A_PAD, NFGATE_HOST_A_RX_BYTES, h->rx_bytes);
		mnl_attr_nest_end(nlh, nest);
		mnl_attr_put_u32(nlh, NFGATE_A_GENERATION, k->generation);
		msg_commit(k, nlh);
	}
	done(k, req);
}

static void dns_set(struct fake_kernel *k, const struct nlmsghdr *req)
{
	const struct nlattr *nest = top_attr(req, NFGATE_A_DNS), *a;
	struct nfg_dns tmp = k->dns;
	char line[160];
	size_t len;

	if (k->perm_denied)
		return ack(k, req, -EPERM, NULL, NULL, 0, NULL);
	if (!nest)
		return ack(k, req, -EINVAL, NULL, NULL, NFGATE_A_DNS, NULL);
	len = (size_t)snprintf(line, sizeof(line), "DNS_SET");
	mnl_attr_for_each_nested(a, nest) {
		uint16_t t = mnl_attr_get_type(a);
		const struct nfg_field *f = nfg_dns_field(t);
		uint32_t v;

		if (!f)
			return ack(k, req, -EINVAL, "unknown attribute", a, 0, NULL);
		if (!f->writable)
			return ack(k, req, -EINVAL, "attribute is read-only", a, 0, NULL);
		v = f->type == NFG_F_U32 ? mnl_attr_get_u32(a) : mnl_attr_get_u8(a);
		if ((f->type == NFG_F_DNSMODE && v > NFGATE_DNS_MODE_MAX) ||
		    (t == NFGATE_DNS_A_HOLD_MS && v > NFGATE_DNS_HOLD_MS_MAX) ||
		    ((t == NFGATE_DNS_A_HOLD_MAX || t == NFGATE_DNS_A_HOLD_PER_CLIENT) &&
		     (v < 1 || v > NFGATE_DNS_HOLD_MAX_MAX)) ||
		    (t == NFGATE_DNS_A_EXPIRE_DROP && v > 1) ||
		    (t == NFGATE_DNS_A_FAST_PCT && v > 100) ||
		    (t == NFGATE_DNS_A_DROP_SCORE && v > NFGATE_DNS_SIG_COUNT))
			return ack(k, req, -ERANGE, "value out of range", a, 0, NULL);
		if (t == NFGATE_DNS_A_MODE && v == NFGATE_DNS_INHERIT)
			return ack(k, req, -EINVAL, "MODE cannot be INHERIT", a, 0, NULL);
		nfg_field_set_uint(&tmp, f, v);
		len += (size_t)snprintf(line + len, sizeof(line) - len, " %s", f->key);
	}
	if (tmp.hold_per_client > tmp.hold_max)
		return ack(k, req, -EINVAL, "HOLD_PER_CLIENT would be above HOLD_MAX", NULL, 0, NULL);
	k->dns = tmp;
	k->generation++;
	logf_(k, "%s", line);
	ack(k, req, 0, NULL, NULL, 0, NULL);
}

static void forged_dump(struct fake_kernel *k, const struct nlmsghdr *req)
{
	const struct nfg_forged_set *f = &k->forged;
	uint16_t intr = k->dump_intr > 0 ? NLM_F_DUMP_INTR : 0;
	size_t i = 0, total = f->n4 + f->n6;

	if (!(req->nlmsg_flags & NLM_F_DUMP))
		return ack(k, req, -EOPNOTSUPP, NULL, NULL, 0, NULL);
	k->dumps++;
	if (k->dump_intr > 0)
		k->dump_intr--;
	while (i < total) {
		struct nlmsghdr *nlh = reply_start(k, req, FAKE_FAMILY_ID, NLM_F_MULTI | intr,
						   NFGATE_CMD_FORGED_GET);
		struct nlattr *nest = mnl_attr_nest_start(nlh, NFGATE_A_FORGED);

		for (int n = 0; n < FAKE_FORGED_CHUNK && i < total; n++, i++) {
			if (i > 0 && i <= (size_t)k->lossy_dump && i < f->n4)
				continue;	/* as the module's dump loses entries */
			if (i < f->n4)
				mnl_attr_put_u32(nlh, NFGATE_FORGED_A_ADDR4, f->v4[i]);
			else
				mnl_attr_put(nlh, NFGATE_FORGED_A_PREFIX6, sizeof(f->v6[0]),
					     &f->v6[i - f->n4]);
		}
		mnl_attr_nest_end(nlh, nest);
		mnl_attr_put_u32(nlh, NFGATE_A_GENERATION, k->generation);
		msg_commit(k, nlh);
	}
	done(k, req);
}

/* FORGED_ADD (del false) / FORGED_DEL, checked as the module does. */
static void forged_change(struct fake_kernel *k, const struct nlmsghdr *req, bool del)
{
	const struct nlattr *nest = top_attr(req, NFGATE_A_FORGED), *a;
	struct nfg_forged_set in = { 0 }, out;
	size_t n4 = 0, n6 = 0;

	if (k->perm_denied)
		return ack(k, req, -EPERM, NULL, NULL, 0, NULL);
	k->forged_msgs++;
	if (!nest) {
		if (!del)
			return ack(k, req, -EINVAL, "FORGED_ADD needs NFGATE_A_FORGED", NULL, 0, NULL);
		nfg_forged_free(&k->forged);
		k->generation++;
		logf_(k, "FORGED_FLUSH");
		return ack(k, req, 0, NULL, NULL, 0, NULL);
	}
	mnl_attr_for_each_nested(a, nest) {
		struct nfgate_prefix6 p;

		if (mnl_attr_get_type(a) == NFGATE_FORGED_A_ADDR4) {
			if (!mnl_attr_get_u32(a))
				return nfg_forged_free(&in),
				       ack(k, req, -EINVAL, "0.0.0.0 cannot be in the set", a, 0, NULL);
			if (++n4 > NFGATE_FORGED_CHUNK)
				return nfg_forged_free(&in),
				       ack(k, req, -E2BIG, "more entries than NFGATE_FORGED_CHUNK",
					   a, 0, NULL);
			nfg_forged_add4(&in, mnl_attr_get_u32(a));
		} else if (mnl_attr_get_type(a) == NFGATE_FORGED_A_PREFIX6) {
			memcpy(&p, mnl_attr_get_payload(a), sizeof(p));
			if (p.len > 128)
				return nfg_forged_free(&in),
				       ack(k, req, -EINVAL, "IPv6 prefix longer than 128", a, 0, NULL);
			if (++n6 > NFGATE_FORGED_CHUNK)
				return nfg_forged_free(&in),
				       ack(k, req, -E2BIG, "more entries than NFGATE_FORGED_CHUNK",
					   a, 0, NULL);
			nfg_forged_add6(&in, &p);
		}
	}
	nfg_forged_sort(&in);
	if (del) {
		nfg_forged_diff(&k->forged, &in, &out);
		nfg_forged_free(&k->forged);
		k->forged = out;
	} else {
		nfg_forged_merge(&in, &k->forged);
		if (in.n4 > NFGATE_FORGED4_MAX || in.n6 > NFGATE_FORGED6_MAX) {
			bool full4 = in.n4 > NFGATE_FORGED4_MAX;

			nfg_forged_free(&in);
			return ack(k, req, -ENOSPC, full4 ? "forged set full (NFGATE_FORGED4_MAX)" :
				   "forged set full (NFGATE_FORGED6_MAX)", NULL, 0, NULL);
		}
		nfg_forged_free(&k->forged);
		k->forged = in;
		in = (struct nfg_forged_set){ 0 };
	}
	nfg_forged_free(&in);
	k->dns.forged4 = (uint32_t)k->forged.n4;
	k->dns.forged6 = (uint32_t)k->forged.n6;
	k->generation++;
	logf_(k, "FORGED_%s %zu %zu", del ? "DEL" : "ADD", n4, n6);
	ack(k, req, 0, NULL, NULL, 0, NULL);
}

static void family(struct fake_kernel *k, const struct nlmsghdr *req)
{
	const struct nlattr *a = top_attr(req, CTRL_ATTR_FAMILY_NAME);
	struct nlattr *grps, *grp;
	struct nlmsghdr *nlh;

	if (k->no_family || !a || strcmp(mnl_attr_get_str(a), NFGATE_GENL_NAME))
		return ack(k, req, -ENOENT, NULL, NULL, 0, NULL);
	nlh = reply_start(k, req, GENL_ID_CTRL, 0, CTRL_CMD_NEWFAMILY);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, NFGATE_GENL_NAME);
	mnl_attr_put_u16(nlh, CTRL_ATTR_FAMILY_ID, FAKE_FAMILY_ID);
	mnl_attr_put_u32(nlh, CTRL_ATTR_VERSION, NFGATE_GENL_VERSION);
	grps = mnl_attr_nest_start(nlh, CTRL_ATTR_MCAST_GROUPS);
	grp = mnl_attr_nest_start(nlh, 1);
	mnl_attr_put_u32(nlh, CTRL_ATTR_MCAST_GRP_ID, 3);
	mnl_attr_put_strz(nlh, CTRL_ATTR_MCAST_GRP_NAME, "other");
	mnl_attr_nest_end(nlh, grp);
	grp = mnl_attr_nest_start(nlh, 2);
	mnl_attr_put_strz(nlh, CTRL_ATTR_MCAST_GRP_NAME, NFGATE_MCGRP_EVENTS);
	mnl_attr_put_u32(nlh, CTRL_ATTR_MCAST_GRP_ID, FAKE_EVENTS_ID);
	mnl_attr_nest_end(nlh, grp);
	mnl_attr_nest_end(nlh, grps);
	msg_commit(k, nlh);
	ack(k, req, 0, NULL, NULL, 0, NULL);
}

static ssize_t fake_send(struct nfg_ipc *ipc, const void *buf, size_t len)
{
	struct fake_kernel *k = ipc->priv;
	const struct nlmsghdr *req = buf;
	const struct genlmsghdr *g = mnl_nlmsg_get_payload(req);
	struct nlmsghdr *nlh;

	if (len < sizeof(*req) + sizeof(*g) || req->nlmsg_len != len) {
		errno = EINVAL;
		return -1;
	}
	if (req->nlmsg_type == GENL_ID_CTRL) {
		if (g->cmd == CTRL_CMD_GETFAMILY)
			family(k, req);
		else
			ack(k, req, -EOPNOTSUPP, NULL, NULL, 0, NULL);
		return (ssize_t)len;
	}
	if (req->nlmsg_type != FAKE_FAMILY_ID) {
		ack(k, req, -ENOENT, NULL, NULL, 0, NULL);
		return (ssize_t)len;
	}
	if (g->version != NFGATE_GENL_VERSION) {
		ack(k, req, -EINVAL, "bad version", NULL, 0, NULL);
		return (ssize_t)len;
	}
	if ((k->old_module && g->cmd >= NFGATE_CMD_SETTINGS_GET) ||
	    (k->old_dns && g->cmd >= NFGATE_CMD_DNS_GET)) {
		ack(k, req, -EOPNOTSUPP, NULL, NULL, 0, NULL);
		return (ssize_t)len;
	}
	switch (g->cmd) {
	case NFGATE_CMD_LAN_GET:
		if (!k->has_lan)
			return ack(k, req, -ENOENT, "no LAN", NULL, 0, NULL), (ssize_t)len;
		nlh = reply_start(k, req, FAKE_FAMILY_ID, 0, NFGATE_CMD_LAN_GET);
		put_lan(nlh, &k->lan);
		mnl_attr_put_u32(nlh, NFGATE_A_GENERATION, k->generation);
		msg_commit(k, nlh);
		ack(k, req, 0, NULL, NULL, 0, NULL);
		break;
	case NFGATE_CMD_LAN_SET:
		lan_set(k, req);
		break;
	case NFGATE_CMD_LAN_DEL:
		if (!k->has_lan)
			return ack(k, req, -ENOENT, NULL, NULL, 0, NULL), (ssize_t)len;
		k->has_lan = false;
		k->generation++;
		logf_(k, "LAN_DEL");
		ack(k, req, 0, NULL, NULL, 0, NULL);
		break;
	case NFGATE_CMD_UPLINK_GET:
		uplink_get(k, req);
		break;
	case NFGATE_CMD_UPLINK_SET:
		uplink_set(k, req);
		break;
	case NFGATE_CMD_UPLINK_DEL:
		uplink_del(k, req);
		break;
	case NFGATE_CMD_STATS_GET: {
		struct nlattr *nest;

		nlh = reply_start(k, req, FAKE_FAMILY_ID, 0, NFGATE_CMD_STATS_GET);
		nest = mnl_attr_nest_start(nlh, NFGATE_A_STATS);
		for (uint16_t i = 1; i <= NFGATE_STAT_MAX; i++)
			if (i != NFGATE_STAT_PAD)
				put_u64_padded(nlh, NFGATE_STAT_PAD, i, 1000ULL * i);
		mnl_attr_nest_end(nlh, nest);
		mnl_attr_put_u32(nlh, NFGATE_A_GENERATION, k->generation);
		msg_commit(k, nlh);
		ack(k, req, 0, NULL, NULL, 0, NULL);
		break;
	}
	case NFGATE_CMD_SETTINGS_GET:
		nlh = reply_start(k, req, FAKE_FAMILY_ID, 0, NFGATE_CMD_SETTINGS_GET);
		put_settings(nlh, &k->settings);
		mnl_attr_put_u32(nlh, NFGATE_A_GENERATION, k->generation);
		msg_commit(k, nlh);
		ack(k, req, 0, NULL, NULL, 0, NULL);
		break;
	case NFGATE_CMD_SETTINGS_SET:
		settings_set(k, req);
		break;
	case NFGATE_CMD_FORWARD_GET:
		forward_dump(k, req);
		break;
	case NFGATE_CMD_FORWARD_SET:
		forward_set(k, req);
		break;
	case NFGATE_CMD_FORWARD_DEL:
		forward_del(k, req);
		break;
	case NFGATE_CMD_DNS_GET:
		k->dns.forged4 = (uint32_t)k->forged.n4;
		k->dns.forged6 = (uint32_t)k->forged.n6;
		nlh = reply_start(k, req, FAKE_FAMILY_ID, 0, NFGATE_CMD_DNS_GET);
		put_dns(nlh, &k->dns);
		mnl_attr_put_u32(nlh, NFGATE_A_GENERATION, k->generation);
		msg_commit(k, nlh);
		ack(k, req, 0, NULL, NULL, 0, NULL);
		break;
	case NFGATE_CMD_DNS_SET:
		dns_set(k, req);
		break;
	case NFGATE_CMD_FORGED_GET:
		forged_dump(k, req);
		break;
	case NFGATE_CMD_FORGED_ADD:
	case NFGATE_CMD_FORGED_DEL:
		forged_change(k, req, g->cmd == NFGATE_CMD_FORGED_DEL);
		break;
	case NFGATE_CMD_TUNNEL_GET:
		tunnel_get(k, req);
		break;
	case NFGATE_CMD_HOST_GET:
		host_dump(k, req);
		break;
	default:
		ack(k, req, -EOPNOTSUPP, NULL, NULL, 0, NULL);
	}
	return (ssize_t)len;
}

static ssize_t fake_recv(struct nfg_ipc *ipc, void *buf, size_t len)
{
	struct fake_kernel *k = ipc->priv;
	size_t n;

	if (k->qhead == k->qtail) {
		errno = EAGAIN;
		return -1;
	}
	if (k->open && (k->qhead + 1) % FAKE_QUEUE == k->qtail)
		k->open = false;
	n = k->qlen[k->qhead];
	if (n > len) {
		errno = ENOSPC;
		return -1;
	}
	memcpy(buf, k->q[k->qhead], n);
	k->qhead = (k->qhead + 1) % FAKE_QUEUE;
	return (ssize_t)n;
}

void fake_attach(struct fake_kernel *k, struct nfg_ipc *ipc)
{
	nfg_forged_free(&k->forged);
	memset(k, 0, sizeof(*k));
	nfg_settings_defaults(&k->settings);	/* the module's defaults */
	nfg_dns_defaults(&k->dns);
	for (size_t i = 0; i < nfg_dns_nfields; i++)
		NFG_MARK(&k->dns, nfg_dns_fields[i].attr);
	fake_connect(k, ipc);
}

void fake_connect(struct fake_kernel *k, struct nfg_ipc *ipc)
{
	k->qhead = k->qtail = 0;
	k->open = false;
	memset(ipc, 0, sizeof(*ipc));
	ipc->send = fake_send;
	ipc->recv = fake_recv;
	ipc->priv = k;
}

void fake_event(struct fake_kernel *k, uint32_t event, const struct nfg_uplink *up)
{
	struct nlmsghdr *nlh;

	k_old_health = k->old_health;
	k->open = false;
	nlh = reply_start(k, NULL, FAKE_FAMILY_ID, 0, NFGATE_CMD_EVENT);
	mnl_attr_put_u32(nlh, NFGATE_A_EVENT, event);
	if (up)
		put_uplink(nlh, up, event == NFGATE_EVENT_UPLINK_DEL, true);
	else if (k->has_lan)
		put_lan(nlh, &k->lan);
	mnl_attr_put_u32(nlh, NFGATE_A_GENERATION, k->generation);
	msg_commit(k, nlh);
	k->open = false;
}

void fake_event_msg(struct fake_kernel *k, const struct nfg_msg *msg)
{
	struct nlmsghdr *nlh;

	k_old_health = k->old_health;
	k->open = false;
	nlh = reply_start(k, NULL, FAKE_FAMILY_ID, 0, NFGATE_CMD_EVENT);
	mnl_attr_put_u32(nlh, NFGATE_A_EVENT, msg->event);
	if (msg->has_lan)
		put_lan(nlh, &msg->lan);
	if (msg->has_uplink)
		put_uplink(nlh, &msg->uplink, false, true);
	if (msg->has_settings)
		put_settings(nlh, &msg->settings);
	if (msg->has_forward)
		put_forward(nlh, &msg->forward);
	if (msg->has_dns)
		put_dns(nlh, &msg->dns);
	if (msg->has_dns_reply)
		put_dns_reply(nlh, &msg->dns_reply);
	if (msg->has_flushed)
		mnl_attr_put_u32(nlh, NFGATE_A_FLUSHED, msg->flushed);
	if (msg->has_resets)
		mnl_attr_put_u32(nlh, NFGATE_A_RESETS, msg->resets);
	mnl_attr_put_u32(nlh, NFGATE_A_GENERATION, k->generation);
	msg_commit(k, nlh);
	k->open = false;
}
