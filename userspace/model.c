// SPDX-License-Identifier: GPL-2.0
/*
 * Attribute <-> struct conversions for the nfgate family, driven by the
 * field tables. Shared by nfgate and nfgated.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>

#include "health.h"
#include "model.h"

#define F(st, k, a, t, m, w) \
	{ .key = k, .attr = a, .type = t, .offset = offsetof(st, m), .writable = w }

const struct nfg_field nfg_lan_fields[] = {
	F(struct nfg_lan, "ifname", NFGATE_LAN_A_IFNAME, NFG_F_STRING, ifname, true),
	/* writable in a SET as the alternative to ifname; never sent by us
	 * unless explicitly set */
	F(struct nfg_lan, "ifindex", NFGATE_LAN_A_IFINDEX, NFG_F_U32, ifindex, true),
	F(struct nfg_lan, "address", NFGATE_LAN_A_ADDR, NFG_F_IN4, addr, true),
	F(struct nfg_lan, "prefixlen", NFGATE_LAN_A_PREFIXLEN, NFG_F_U8, prefixlen, true),
};
const size_t nfg_lan_nfields = sizeof(nfg_lan_fields) / sizeof(nfg_lan_fields[0]);

const struct nfg_field nfg_uplink_fields[] = {
	F(struct nfg_uplink, "ifname", NFGATE_UPLINK_A_IFNAME, NFG_F_STRING, ifname, true),
	F(struct nfg_uplink, "ifindex", NFGATE_UPLINK_A_IFINDEX, NFG_F_U32, ifindex, false),
	F(struct nfg_uplink, "oper", NFGATE_UPLINK_A_OPER, NFG_F_OPER, oper, false),
	F(struct nfg_uplink, "admin", NFGATE_UPLINK_A_ADMIN, NFG_F_ADMIN, admin, true),
	F(struct nfg_uplink, "tier", NFGATE_UPLINK_A_TIER, NFG_F_U8, tier, true),
	F(struct nfg_uplink, "weight", NFGATE_UPLINK_A_WEIGHT, NFG_F_U32, weight, true),
	F(struct nfg_uplink, "health", NFGATE_UPLINK_A_HEALTH, NFG_F_U32, health, true),
	F(struct nfg_uplink, "effective_weight", NFGATE_UPLINK_A_EFF_WEIGHT, NFG_F_U32, eff_weight, false),
	F(struct nfg_uplink, "address", NFGATE_UPLINK_A_ADDR, NFG_F_IN4, addr, false),
	F(struct nfg_uplink, "flows", NFGATE_UPLINK_A_FLOWS, NFG_F_U32, flows, false),
	F(struct nfg_uplink, "changed_ms", NFGATE_UPLINK_A_CHANGED_MS, NFG_F_U64, changed_ms, false),
	F(struct nfg_uplink, "tx_packets", NFGATE_UPLINK_A_TX_PACKETS, NFG_F_U64, tx_packets, false),
	F(struct nfg_uplink, "tx_bytes", NFGATE_UPLINK_A_TX_BYTES, NFG_F_U64, tx_bytes, false),
	F(struct nfg_uplink, "rx_packets", NFGATE_UPLINK_A_RX_PACKETS, NFG_F_U64, rx_packets, false),
	F(struct nfg_uplink, "rx_bytes", NFGATE_UPLINK_A_RX_BYTES, NFG_F_U64, rx_bytes, false),
	/* added later: at the end, so the columns of `nfgate dump` stay put */
	F(struct nfg_uplink, "id", NFGATE_UPLINK_A_ID, NFG_F_U8, id, false),
	F(struct nfg_uplink, "usable", NFGATE_UPLINK_A_USABLE, NFG_F_BOOL, usable, false),
	/* link health (the agent's verdict and measurements, the kernel's
	 * SYN counters) */
	F(struct nfg_uplink, "health_state", NFGATE_UPLINK_A_HEALTH_STATE, NFG_F_HSTATE, health_state, true),
	F(struct nfg_uplink, "health_reason", NFGATE_UPLINK_A_HEALTH_REASON, NFG_F_HREASON, health_reason, true),
	F(struct nfg_uplink, "health_since_ms", NFGATE_UPLINK_A_HEALTH_SINCE_MS, NFG_F_U64, health_since_ms, false),
	F(struct nfg_uplink, "probe_loss_pct", NFGATE_UPLINK_A_PROBE_LOSS, NFG_F_PCT100, probe_loss, true),
	F(struct nfg_uplink, "probe_rtt_ms", NFGATE_UPLINK_A_PROBE_RTT_US, NFG_F_USEC, probe_rtt_us, true),
	F(struct nfg_uplink, "probe_jitter_ms", NFGATE_UPLINK_A_PROBE_JITTER_US, NFG_F_USEC, probe_jitter_us, true),
	F(struct nfg_uplink, "syn_sent", NFGATE_UPLINK_A_SYN_SENT, NFG_F_U64, syn_sent, false),
	F(struct nfg_uplink, "syn_answered", NFGATE_UPLINK_A_SYN_ANSWERED, NFG_F_U64, syn_answered, false),
};
const size_t nfg_uplink_nfields = sizeof(nfg_uplink_fields) / sizeof(nfg_uplink_fields[0]);

/* The keys are also the keys of the [settings] section of the config file. */
const struct nfg_field nfg_settings_fields[] = {
	F(struct nfg_settings, "mark_mask", NFGATE_SETTINGS_A_MARK_MASK, NFG_F_MARK, mark_mask, true),
	F(struct nfg_settings, "skip_mark", NFGATE_SETTINGS_A_SKIP_MARK, NFG_F_MARK, skip_mark, true),
	F(struct nfg_settings, "failover_rst", NFGATE_SETTINGS_A_FAILOVER_RST, NFG_F_BOOL, failover_rst, true),
	F(struct nfg_settings, "holddown_ms", NFGATE_SETTINGS_A_HOLDDOWN_MS, NFG_F_U32, holddown_ms, true),
	F(struct nfg_settings, "sticky_ms", NFGATE_SETTINGS_A_STICKY_MS, NFG_F_U32, sticky_ms, true),
};
const size_t nfg_settings_nfields = sizeof(nfg_settings_fields) / sizeof(nfg_settings_fields[0]);

const struct nfg_field nfg_forward_fields[] = {
	F(struct nfg_forward, "proto", NFGATE_FORWARD_A_PROTO, NFG_F_PROTO, proto, true),
	F(struct nfg_forward, "port", NFGATE_FORWARD_A_PORT, NFG_F_BE16, port, true),
	F(struct nfg_forward, "to_addr", NFGATE_FORWARD_A_TO_ADDR, NFG_F_IN4, to_addr, true),
	F(struct nfg_forward, "to_port", NFGATE_FORWARD_A_TO_PORT, NFG_F_BE16, to_port, true),
	F(struct nfg_forward, "uplink", NFGATE_FORWARD_A_UPLINK, NFG_F_STRING, uplink, true),
	F(struct nfg_forward, "hits", NFGATE_FORWARD_A_HITS, NFG_F_U64, hits, false),
};
const size_t nfg_forward_nfields = sizeof(nfg_forward_fields) / sizeof(nfg_forward_fields[0]);

const struct nfg_field nfg_host_fields[] = {
	F(struct nfg_host, "address", NFGATE_HOST_A_ADDR, NFG_F_IN4, addr, false),
	F(struct nfg_host, "tx_packets", NFGATE_HOST_A_TX_PACKETS, NFG_F_U64, tx_packets, false),
	F(struct nfg_host, "tx_bytes", NFGATE_HOST_A_TX_BYTES, NFG_F_U64, tx_bytes, false),
	F(struct nfg_host, "rx_packets", NFGATE_HOST_A_RX_PACKETS, NFG_F_U64, rx_packets, false),
	F(struct nfg_host, "rx_bytes", NFGATE_HOST_A_RX_BYTES, NFG_F_U64, rx_bytes, false),
};
const size_t nfg_host_nfields = sizeof(nfg_host_fields) / sizeof(nfg_host_fields[0]);

/*
 * The writable keys are also the keys of the [dns] section of the config
 * file, and with '-' for '_' the parameters of `nfgate set dns`.
 */
const struct nfg_field nfg_dns_fields[] = {
	F(struct nfg_dns, "mode", NFGATE_DNS_A_MODE, NFG_F_DNSMODE, mode, true),
	F(struct nfg_dns, "router_mode", NFGATE_DNS_A_MODE_ROUTER, NFG_F_DNSMODE, mode_router, true),
	F(struct nfg_dns, "hold_ms", NFGATE_DNS_A_HOLD_MS, NFG_F_U32, hold_ms, true),
	F(struct nfg_dns, "hold_max", NFGATE_DNS_A_HOLD_MAX, NFG_F_U32, hold_max, true),
	F(struct nfg_dns, "hold_per_client", NFGATE_DNS_A_HOLD_PER_CLIENT, NFG_F_U32, hold_per_client, true),
	F(struct nfg_dns, "expire", NFGATE_DNS_A_EXPIRE_DROP, NFG_F_EXPIRE, expire_drop, true),
	F(struct nfg_dns, "ttl_slack", NFGATE_DNS_A_TTL_SLACK, NFG_F_U8, ttl_slack, true),
	F(struct nfg_dns, "fast_pct", NFGATE_DNS_A_FAST_PCT, NFG_F_U8, fast_pct, true),
	F(struct nfg_dns, "drop_score", NFGATE_DNS_A_DROP_SCORE, NFG_F_U8, drop_score, true),
	F(struct nfg_dns, "forged4", NFGATE_DNS_A_FORGED4, NFG_F_U32, forged4, false),
	F(struct nfg_dns, "forged6", NFGATE_DNS_A_FORGED6, NFG_F_U32, forged6, false),
	F(struct nfg_dns, "held", NFGATE_DNS_A_HELD, NFG_F_U32, held, false),
	F(struct nfg_dns, "queries", NFGATE_DNS_A_QUERIES, NFG_F_U32, queries, false),
	F(struct nfg_dns, "resolvers", NFGATE_DNS_A_RESOLVERS, NFG_F_U32, resolvers, false),
};
const size_t nfg_dns_nfields = sizeof(nfg_dns_fields) / sizeof(nfg_dns_fields[0]);

/* Sent by the kernel only; ANSWER4 and ANSWER6 are repeated, parsed apart. */
const struct nfg_field nfg_dns_reply_fields[] = {
	F(struct nfg_dns_reply, "verdict", NFGATE_DNS_REPLY_A_VERDICT, NFG_F_VERDICT, verdict, false),
	F(struct nfg_dns_reply, "signals", NFGATE_DNS_REPLY_A_SIGNALS, NFG_F_SIGNALS, signals, false),
	F(struct nfg_dns_reply, "client", NFGATE_DNS_REPLY_A_CLIENT, NFG_F_IN4, client, false),
	F(struct nfg_dns_reply, "resolver", NFGATE_DNS_REPLY_A_RESOLVER, NFG_F_IN4, resolver, false),
	F(struct nfg_dns_reply, "uplink", NFGATE_DNS_REPLY_A_UPLINK, NFG_F_STRING, uplink, false),
	F(struct nfg_dns_reply, "qname", NFGATE_DNS_REPLY_A_QNAME, NFG_F_QNAME, qname, false),
	F(struct nfg_dns_reply, "qtype", NFGATE_DNS_REPLY_A_QTYPE, NFG_F_QTYPE, qtype, false),
	F(struct nfg_dns_reply, "ip_ttl", NFGATE_DNS_REPLY_A_IP_TTL, NFG_F_U8, ip_ttl, false),
	F(struct nfg_dns_reply, "ip_id", NFGATE_DNS_REPLY_A_IP_ID, NFG_F_U16, ip_id, false),
	F(struct nfg_dns_reply, "df", NFGATE_DNS_REPLY_A_DF, NFG_F_BOOL, df, false),
	F(struct nfg_dns_reply, "flags", NFGATE_DNS_REPLY_A_FLAGS, NFG_F_HEX16, flags, false),
	F(struct nfg_dns_reply, "lead_ms", NFGATE_DNS_REPLY_A_LEAD_US, NFG_F_USEC, lead_us, false),
};
const size_t nfg_dns_reply_nfields = sizeof(nfg_dns_reply_fields) / sizeof(nfg_dns_reply_fields[0]);

_Static_assert(NFGATE_LAN_A_MAX < 32 && NFGATE_UPLINK_A_MAX < 32 &&
	       NFGATE_SETTINGS_A_MAX < 32 && NFGATE_FORWARD_A_MAX < 32 &&
	       NFGATE_DNS_A_MAX < 32 && NFGATE_DNS_REPLY_A_MAX < 32,
	       "present bitmaps of the objects are 32 bits");
_Static_assert(NFGATE_STAT_MAX < 64, "the present bitmap of the counters is 64 bits");

static const struct nfg_field *find_field(const struct nfg_field *t, size_t n,
					  uint16_t attr)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].attr == attr)
			return &t[i];
	return NULL;
}

const struct nfg_field *nfg_uplink_field(uint16_t attr)
{
	return find_field(nfg_uplink_fields, nfg_uplink_nfields, attr);
}

const struct nfg_field *nfg_lan_field(uint16_t attr)
{
	return find_field(nfg_lan_fields, nfg_lan_nfields, attr);
}

const struct nfg_field *nfg_settings_field(uint16_t attr)
{
	return find_field(nfg_settings_fields, nfg_settings_nfields, attr);
}

const struct nfg_field *nfg_forward_field(uint16_t attr)
{
	return find_field(nfg_forward_fields, nfg_forward_nfields, attr);
}

const struct nfg_field *nfg_dns_field(uint16_t attr)
{
	return find_field(nfg_dns_fields, nfg_dns_nfields, attr);
}

uint64_t nfg_field_uint(const void *obj, const struct nfg_field *f)
{
	const char *p = (const char *)obj + f->offset;

	switch (f->type) {
	case NFG_F_U8:
	case NFG_F_ADMIN:
	case NFG_F_OPER:
	case NFG_F_BOOL:
	case NFG_F_PROTO:
	case NFG_F_HSTATE:
	case NFG_F_HREASON:
	case NFG_F_DNSMODE:
	case NFG_F_EXPIRE:
	case NFG_F_VERDICT:
		return *(const uint8_t *)p;
	case NFG_F_BE16:
	case NFG_F_U16:
	case NFG_F_HEX16:
	case NFG_F_QTYPE:
		return *(const uint16_t *)p;
	case NFG_F_U32:
	case NFG_F_IN4:
	case NFG_F_MARK:
	case NFG_F_PCT100:
	case NFG_F_USEC:
	case NFG_F_SIGNALS:
		return *(const uint32_t *)p;
	case NFG_F_U64:
		return *(const uint64_t *)p;
	case NFG_F_STRING:
	case NFG_F_QNAME:
		break;
	}
	return 0;
}

void nfg_field_set_uint(void *obj, const struct nfg_field *f, uint64_t v)
{
	char *p = (char *)obj + f->offset;

	switch (f->type) {
	case NFG_F_U8:
	case NFG_F_ADMIN:
	case NFG_F_OPER:
	case NFG_F_BOOL:
	case NFG_F_PROTO:
	case NFG_F_HSTATE:
	case NFG_F_HREASON:
	case NFG_F_DNSMODE:
	case NFG_F_EXPIRE:
	case NFG_F_VERDICT:
		*(uint8_t *)p = (uint8_t)v;
		break;
	case NFG_F_BE16:
	case NFG_F_U16:
	case NFG_F_HEX16:
	case NFG_F_QTYPE:
		*(uint16_t *)p = (uint16_t)v;
		break;
	case NFG_F_U32:
	case NFG_F_IN4:
	case NFG_F_MARK:
	case NFG_F_PCT100:
	case NFG_F_USEC:
	case NFG_F_SIGNALS:
		*(uint32_t *)p = (uint32_t)v;
		break;
	case NFG_F_U64:
		*(uint64_t *)p = v;
		break;
	case NFG_F_STRING:
	case NFG_F_QNAME:
		break;
	}
}

const char *nfg_field_str(const void *obj, const struct nfg_field *f)
{
	return (const char *)obj + f->offset;
}

static void put_fields(struct nlmsghdr *nlh, const void *obj, uint32_t present,
		       const struct nfg_field *t, size_t n)
{
	const char *base = obj;

	for (size_t i = 0; i < n; i++) {
		const struct nfg_field *f = &t[i];
		const void *p = base + f->offset;

		if (!f->writable || !(present & (1U << f->attr)))
			continue;
		switch (f->type) {
		case NFG_F_STRING:
		case NFG_F_QNAME:
			mnl_attr_put_strz(nlh, f->attr, p);
			break;
		case NFG_F_U8:
		case NFG_F_ADMIN:
		case NFG_F_OPER:
		case NFG_F_BOOL:
		case NFG_F_PROTO:
		case NFG_F_HSTATE:
		case NFG_F_HREASON:
		case NFG_F_DNSMODE:
		case NFG_F_EXPIRE:
		case NFG_F_VERDICT:
			mnl_attr_put_u8(nlh, f->attr, *(const uint8_t *)p);
			break;
		case NFG_F_BE16:
			mnl_attr_put_u16(nlh, f->attr, htons(*(const uint16_t *)p));
			break;
		case NFG_F_U16:
		case NFG_F_HEX16:
		case NFG_F_QTYPE:
			mnl_attr_put_u16(nlh, f->attr, *(const uint16_t *)p);
			break;
		case NFG_F_U32:
		case NFG_F_IN4:
		case NFG_F_MARK:
		case NFG_F_PCT100:
		case NFG_F_USEC:
		case NFG_F_SIGNALS:
			mnl_attr_put_u32(nlh, f->attr, *(const uint32_t *)p);
			break;
		case NFG_F_U64:
			mnl_attr_put_u64(nlh, f->attr, *(const uint64_t *)p);
			break;
		}
	}
}

void nfg_lan_put(struct nlmsghdr *nlh, const struct nfg_lan *lan)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, NFGATE_A_LAN);

	put_fields(nlh, lan, lan->present, nfg_lan_fields, nfg_lan_nfields);
	mnl_attr_nest_end(nlh, nest);
}

void nfg_uplink_put(struct nlmsghdr *nlh, const struct nfg_uplink *up)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, NFGATE_A_UPLINK);

	put_fields(nlh, up, up->present, nfg_uplink_fields, nfg_uplink_nfields);
	mnl_attr_nest_end(nlh, nest);
}

void nfg_settings_put(struct nlmsghdr *nlh, const struct nfg_settings *s)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, NFGATE_A_SETTINGS);

	put_fields(nlh, s, s->present, nfg_settings_fields, nfg_settings_nfields);
	mnl_attr_nest_end(nlh, nest);
}

void nfg_forward_put(struct nlmsghdr *nlh, const struct nfg_forward *fw)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, NFGATE_A_FORWARD);

	put_fields(nlh, fw, fw->present, nfg_forward_fields, nfg_forward_nfields);
	mnl_attr_nest_end(nlh, nest);
}

void nfg_dns_put(struct nlmsghdr *nlh, const struct nfg_dns *dns)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, NFGATE_A_DNS);

	put_fields(nlh, dns, dns->present, nfg_dns_fields, nfg_dns_nfields);
	mnl_attr_nest_end(nlh, nest);
}

/* Fills obj from the attributes of nest; 0 or -EINVAL. */
static int parse_fields(const struct nlattr *nest, void *obj, uint32_t *present,
			const struct nfg_field *t, size_t n)
{
	const struct nlattr *a;

	mnl_attr_for_each_nested(a, nest) {
		const struct nfg_field *f = find_field(t, n, mnl_attr_get_type(a));
		char *p;

		if (!f)
			continue;	/* newer kernel, or PAD */
		p = (char *)obj + f->offset;
		switch (f->type) {
		case NFG_F_STRING:
		case NFG_F_QNAME: {
			uint16_t len = mnl_attr_get_payload_len(a);
			const char *s = mnl_attr_get_str(a);

			if (len == 0 || len > (f->type == NFG_F_QNAME ? NFG_QNAME_MAX : IFNAMSIZ) ||
			    s[len - 1] != '\0')
				return -EINVAL;
			memcpy(p, s, len);
			break;
		}
		case NFG_F_U8:
		case NFG_F_ADMIN:
		case NFG_F_OPER:
		case NFG_F_BOOL:
		case NFG_F_PROTO:
		case NFG_F_HSTATE:
		case NFG_F_HREASON:
		case NFG_F_DNSMODE:
		case NFG_F_EXPIRE:
		case NFG_F_VERDICT:
			if (mnl_attr_validate(a, MNL_TYPE_U8) < 0)
				return -EINVAL;
			*(uint8_t *)p = mnl_attr_get_u8(a);
			break;
		case NFG_F_BE16:
			if (mnl_attr_validate(a, MNL_TYPE_U16) < 0)
				return -EINVAL;
			*(uint16_t *)p = ntohs(mnl_attr_get_u16(a));
			break;
		case NFG_F_U16:
		case NFG_F_HEX16:
		case NFG_F_QTYPE:
			if (mnl_attr_validate(a, MNL_TYPE_U16) < 0)
				return -EINVAL;
			*(uint16_t *)p = mnl_attr_get_u16(a);
			break;
		case NFG_F_U32:
		case NFG_F_IN4:
		case NFG_F_MARK:
		case NFG_F_PCT100:
		case NFG_F_USEC:
		case NFG_F_SIGNALS:
			if (mnl_attr_validate(a, MNL_TYPE_U32) < 0)
				return -EINVAL;
			*(uint32_t *)p = mnl_attr_get_u32(a);
			break;
		case NFG_F_U64:
			if (mnl_attr_validate(a, MNL_TYPE_U64) < 0)
				return -EINVAL;
			*(uint64_t *)p = mnl_attr_get_u64(a);
			break;
		}
		*present |= 1U << f->attr;
	}
	return 0;
}

static int parse_stats(const struct nlattr *nest, struct nfg_stats *st)
{
	const struct nlattr *a;

	mnl_attr_for_each_nested(a, nest) {
		uint16_t type = mnl_attr_get_type(a);

		if (type == NFGATE_STAT_UNSPEC || type == NFGATE_STAT_PAD ||
		    type > NFGATE_STAT_MAX)
			continue;
		if (mnl_attr_validate(a, MNL_TYPE_U64) < 0)
			return -EINVAL;
		st->counter[type] = mnl_attr_get_u64(a);
		st->present |= 1ULL << type;
	}
	return 0;
}

/* A nested object: 0 or -EINVAL. */
static int parse_nest(const struct nlattr *a, void *obj, uint32_t *present,
		      const struct nfg_field *t, size_t n, bool *has)
{
	if (mnl_attr_validate(a, MNL_TYPE_NESTED) < 0)
		return -EINVAL;
	*has = true;
	return parse_fields(a, obj, present, t, n);
}

/* NFGATE_A_DNS_REPLY: the fields, then the repeated answers. */
static int parse_dns_reply(const struct nlattr *nest, struct nfg_dns_reply *r)
{
	const struct nlattr *a;
	int err;

	if (mnl_attr_validate(nest, MNL_TYPE_NESTED) < 0)
		return -EINVAL;
	err = parse_fields(nest, r, &r->present, nfg_dns_reply_fields,
			   nfg_dns_reply_nfields);
	if (err)
		return err;
	mnl_attr_for_each_nested(a, nest) {
		switch (mnl_attr_get_type(a)) {
		case NFGATE_DNS_REPLY_A_ANSWER4:
			if (mnl_attr_validate(a, MNL_TYPE_U32) < 0)
				return -EINVAL;
			if (r->n4 < NFG_DNS_ANSWERS_MAX)
				r->answer4[r->n4++] = mnl_attr_get_u32(a);
			break;
		case NFGATE_DNS_REPLY_A_ANSWER6:
			if (mnl_attr_get_payload_len(a) != 16)
				return -EINVAL;
			if (r->n6 < NFG_DNS_ANSWERS_MAX)
				memcpy(r->answer6[r->n6++], mnl_attr_get_payload(a), 16);
			break;
		}
	}
	return 0;
}

static int parse_u32(const struct nlattr *a, uint32_t *v, bool *has)
{
	if (mnl_attr_validate(a, MNL_TYPE_U32) < 0)
		return -EINVAL;
	*v = mnl_attr_get_u32(a);
	*has = true;
	return 0;
}

int nfg_msg_parse(const struct nlmsghdr *nlh, struct nfg_msg *msg)
{
	const struct genlmsghdr *genl;
	const struct nlattr *a;
	int err = 0;

	memset(msg, 0, sizeof(*msg));
	if (nlh->nlmsg_len < MNL_NLMSG_HDRLEN + sizeof(*genl))
		return -EINVAL;
	genl = mnl_nlmsg_get_payload(nlh);
	msg->cmd = genl->cmd;

	mnl_attr_for_each(a, nlh, sizeof(*genl)) {
		switch (mnl_attr_get_type(a)) {
		case NFGATE_A_LAN:
			err = parse_nest(a, &msg->lan, &msg->lan.present,
					 nfg_lan_fields, nfg_lan_nfields, &msg->has_lan);
			break;
		case NFGATE_A_UPLINK:
			err = parse_nest(a, &msg->uplink, &msg->uplink.present,
					 nfg_uplink_fields, nfg_uplink_nfields, &msg->has_uplink);
			break;
		case NFGATE_A_SETTINGS:
			err = parse_nest(a, &msg->settings, &msg->settings.present,
					 nfg_settings_fields, nfg_settings_nfields,
					 &msg->has_settings);
			break;
		case NFGATE_A_FORWARD:
			err = parse_nest(a, &msg->forward, &msg->forward.present,
					 nfg_forward_fields, nfg_forward_nfields,
					 &msg->has_forward);
			break;
		case NFGATE_A_DNS:
			err = parse_nest(a, &msg->dns, &msg->dns.present,
					 nfg_dns_fields, nfg_dns_nfields, &msg->has_dns);
			break;
		case NFGATE_A_HOST:
			err = parse_nest(a, &msg->host, &msg->host.present,
					 nfg_host_fields, nfg_host_nfields, &msg->has_host);
			break;
		case NFGATE_A_DNS_REPLY:
			err = parse_dns_reply(a, &msg->dns_reply);
			msg->has_dns_reply = true;
			break;
		case NFGATE_A_STATS:
			if (mnl_attr_validate(a, MNL_TYPE_NESTED) < 0)
				return -EINVAL;
			err = parse_stats(a, &msg->stats);
			msg->has_stats = true;
			break;
		case NFGATE_A_EVENT:
			err = parse_u32(a, &msg->event, &msg->has_event);
			break;
		case NFGATE_A_GENERATION:
			err = parse_u32(a, &msg->generation, &msg->has_generation);
			break;
		case NFGATE_A_FLUSHED:
			err = parse_u32(a, &msg->flushed, &msg->has_flushed);
			break;
		case NFGATE_A_RESETS:
			err = parse_u32(a, &msg->resets, &msg->has_resets);
			break;
		default:
			break;
		}
		if (err)
			return err;
	}
	return 0;
}

static const char *const stat_names[NFGATE_STAT_MAX + 1] = {
	[NFGATE_STAT_PRE_ROUTING] = "pre_routing",
	[NFGATE_STAT_LOCAL_OUT] = "local_out",
	[NFGATE_STAT_FORWARD] = "forward",
	[NFGATE_STAT_POST_ROUTING] = "post_routing",
	[NFGATE_STAT_FLOW_PINNED] = "flow_pinned",
	[NFGATE_STAT_FLOW_INBOUND] = "flow_inbound",
	[NFGATE_STAT_NO_UPLINK] = "no_uplink",
	[NFGATE_STAT_REROUTED] = "rerouted",
	[NFGATE_STAT_REROUTE_FAILED] = "reroute_failed",
	[NFGATE_STAT_MASQUERADED] = "masqueraded",
	[NFGATE_STAT_PORT_FORWARDED] = "port_forwarded",
	[NFGATE_STAT_HAIRPIN] = "hairpin",
	[NFGATE_STAT_SPOOF_DROPPED] = "spoof_dropped",
	[NFGATE_STAT_FLUSHED] = "flushed",
	[NFGATE_STAT_RESETS_SENT] = "resets_sent",
	[NFGATE_STAT_DNS_QUERIES] = "dns_queries",
	[NFGATE_STAT_DNS_REPLIES] = "dns_replies",
	[NFGATE_STAT_DNS_MALFORMED] = "dns_malformed",
	[NFGATE_STAT_DNS_NO_QUERY] = "dns_no_query",
	[NFGATE_STAT_DNS_SIG_ADDR] = "dns_sig_addr",
	[NFGATE_STAT_DNS_SIG_TTL] = "dns_sig_ttl",
	[NFGATE_STAT_DNS_SIG_SHAPE] = "dns_sig_shape",
	[NFGATE_STAT_DNS_SIG_FAST] = "dns_sig_fast",
	[NFGATE_STAT_DNS_SIG_DISAGREE] = "dns_sig_disagree",
	[NFGATE_STAT_DNS_SIG_IPHDR] = "dns_sig_iphdr",
	[NFGATE_STAT_DNS_PASSED] = "dns_passed",
	[NFGATE_STAT_DNS_DROPPED] = "dns_dropped",
	[NFGATE_STAT_DNS_HELD] = "dns_held",
	[NFGATE_STAT_DNS_SUPERSEDED] = "dns_superseded",
	[NFGATE_STAT_DNS_EXPIRED] = "dns_expired",
	[NFGATE_STAT_DNS_EXPIRED_DROP] = "dns_expired_drop",
	[NFGATE_STAT_DNS_LOGGED] = "dns_logged",
	[NFGATE_STAT_DNS_LATE] = "dns_late",
	[NFGATE_STAT_DNS_HOLD_FULL] = "dns_hold_full",
	[NFGATE_STAT_DNS_HOLD_FREED] = "dns_hold_freed",
	[NFGATE_STAT_DNS_DUPLICATE] = "dns_duplicate",
	[NFGATE_STAT_TUNNEL_TCP] = "tunnel_tcp",
	[NFGATE_STAT_TUNNEL_UDP] = "tunnel_udp",
	[NFGATE_STAT_TUNNEL_FAIL_OPEN] = "tunnel_fail_open",
	[NFGATE_STAT_TUNNEL_BLOCKED] = "tunnel_blocked",
	[NFGATE_STAT_TUNNEL_NO_SOCKET] = "tunnel_no_socket",
	[NFGATE_STAT_TUNNEL_CHECKS] = "tunnel_checks",
	[NFGATE_STAT_TUNNEL_R_LOCAL] = "tunnel_r_local",
	[NFGATE_STAT_TUNNEL_R_SRC_BYPASS] = "tunnel_r_src_bypass",
	[NFGATE_STAT_TUNNEL_R_SRC_FORWARD] = "tunnel_r_src_forward",
	[NFGATE_STAT_TUNNEL_R_FORWARD] = "tunnel_r_forward",
	[NFGATE_STAT_TUNNEL_R_RESERVED] = "tunnel_r_reserved",
	[NFGATE_STAT_TUNNEL_R_BYPASS] = "tunnel_r_bypass",
	[NFGATE_STAT_TUNNEL_R_DEFAULT] = "tunnel_r_default",
	[NFGATE_STAT_HOSTS_OVERFLOW] = "hosts_overflow",
};

static const char *const admin_names[] = {
	[NFGATE_ADMIN_DOWN] = "down",
	[NFGATE_ADMIN_UP] = "up",
};

static const char *const oper_names[] = {
	[NFGATE_OPER_ABSENT] = "absent",
	[NFGATE_OPER_DOWN] = "down",
	[NFGATE_OPER_UP] = "up",
};

static const char *const event_names[NFGATE_EVENT_MAX + 1] = {
	[NFGATE_EVENT_TUNNEL] = "tunnel",
	[NFGATE_EVENT_TUNNEL_STATE] = "tunnel_state",
	[NFGATE_EVENT_TUNNEL_DEL] = "tunnel_del",
	[NFGATE_EVENT_PREFIXES] = "prefixes",
	[NFGATE_EVENT_LAN_SET] = "lan_set",
	[NFGATE_EVENT_LAN_DEL] = "lan_del",
	[NFGATE_EVENT_UPLINK_NEW] = "uplink_new",
	[NFGATE_EVENT_UPLINK_CHANGE] = "uplink_change",
	[NFGATE_EVENT_UPLINK_STATE] = "uplink_state",
	[NFGATE_EVENT_UPLINK_DEL] = "uplink_del",
	[NFGATE_EVENT_UPLINK_FLUSH] = "uplink_flush",
	[NFGATE_EVENT_SETTINGS] = "settings",
	[NFGATE_EVENT_FORWARD_NEW] = "forward_new",
	[NFGATE_EVENT_FORWARD_DEL] = "forward_del",
	[NFGATE_EVENT_UPLINK_HEALTH] = "uplink_health",
	[NFGATE_EVENT_DNS_FORGED] = "dns_forged",
	[NFGATE_EVENT_DNS] = "dns",
	[NFGATE_EVENT_FORGED] = "forged",
};

static const char *const dns_mode_names[] = {
	[NFGATE_DNS_OFF] = "off",
	[NFGATE_DNS_LOG] = "log",
	[NFGATE_DNS_DROP] = "drop",
	[NFGATE_DNS_INHERIT] = "inherit",
};

static const char *const dns_verdict_names[] = {
	[NFGATE_DNS_V_PASS] = "pass",
	[NFGATE_DNS_V_DROP] = "drop",
	[NFGATE_DNS_V_HOLD] = "hold",
	[NFGATE_DNS_V_SUPERSEDED] = "superseded",
	[NFGATE_DNS_V_EXPIRED] = "expired",
	[NFGATE_DNS_V_EXPIRED_DROP] = "expired_drop",
	[NFGATE_DNS_V_LOGGED] = "logged",
	[NFGATE_DNS_V_LATE] = "late",
};

/* by bit number: NFGATE_DNS_SIG_ADDR is bit 0 */
static const char *const dns_signal_names[NFGATE_DNS_SIG_COUNT] = {
	"addr", "ttl", "shape", "fast", "disagree", "iphdr",
};
_Static_assert(NFGATE_DNS_SIG_ADDR == 1 << 0 && NFGATE_DNS_SIG_TTL == 1 << 1 &&
	       NFGATE_DNS_SIG_SHAPE == 1 << 2 && NFGATE_DNS_SIG_FAST == 1 << 3 &&
	       NFGATE_DNS_SIG_DISAGREE == 1 << 4 && NFGATE_DNS_SIG_IPHDR == 1 << 5,
	       "dns_signal_names follows the bits");

static const char *const proto_names[] = {
	[IPPROTO_TCP] = "tcp",
	[IPPROTO_UDP] = "udp",
};

#define NAME(tbl, i) ((i) < sizeof(tbl) / sizeof(tbl[0]) ? tbl[i] : NULL)

const char *nfg_stat_name(unsigned int stat) { return NAME(stat_names, stat); }
const char *nfg_admin_name(unsigned int v) { return NAME(admin_names, v); }
const char *nfg_oper_name(unsigned int v) { return NAME(oper_names, v); }
const char *nfg_event_name(unsigned int v) { return NAME(event_names, v); }
const char *nfg_proto_name(unsigned int v) { return NAME(proto_names, v); }
const char *nfg_health_state_name(unsigned int v) { return hl_state_name(v); }
const char *nfg_health_reason_name(unsigned int v) { return hl_reason_name(v); }
const char *nfg_dns_mode_name(unsigned int v) { return NAME(dns_mode_names, v); }
const char *nfg_dns_verdict_name(unsigned int v) { return NAME(dns_verdict_names, v); }
const char *nfg_dns_signal_name(unsigned int bit) { return NAME(dns_signal_names, bit); }

const char *nfg_dns_qtype_name(unsigned int qtype)
{
	static const struct {
		uint16_t type;
		const char *name;
	} types[] = {
		{ 1, "A" }, { 2, "NS" }, { 5, "CNAME" }, { 6, "SOA" }, { 12, "PTR" },
		{ 15, "MX" }, { 16, "TXT" }, { 28, "AAAA" }, { 33, "SRV" },
		{ 64, "SVCB" }, { 65, "HTTPS" }, { 255, "ANY" },
	};

	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (types[i].type == qtype)
			return types[i].name;
	return NULL;
}

void nfg_dns_signals_str(char *buf, size_t len, uint32_t signals)
{
	size_t off = 0;

	buf[0] = '\0';
	if (!signals) {
		snprintf(buf, len, "-");
		return;
	}
	for (unsigned int i = 0; i < 32 && off < len; i++) {
		const char *name = nfg_dns_signal_name(i);
		int n;

		if (!(signals & (1U << i)))
			continue;
		if (name)
			n = snprintf(buf + off, len - off, "%s%s", off ? "," : "", name);
		else
			n = snprintf(buf + off, len - off, "%s0x%x", off ? "," : "", 1U << i);
		off += n > 0 ? (size_t)n : 0;
	}
}

const char *nfg_attr_name(uint16_t top, uint16_t attr)
{
	const struct nfg_field *f = NULL;

	switch (top) {
	case NFGATE_A_LAN: f = nfg_lan_field(attr); break;
	case NFGATE_A_UPLINK: f = nfg_uplink_field(attr); break;
	case NFGATE_A_SETTINGS: f = nfg_settings_field(attr); break;
	case NFGATE_A_FORWARD: f = nfg_forward_field(attr); break;
	case NFGATE_A_DNS: f = nfg_dns_field(attr); break;
	case NFGATE_A_FORGED:
		return attr == NFGATE_FORGED_A_ADDR4 ? "address" :
		       attr == NFGATE_FORGED_A_PREFIX6 ? "prefix6" : NULL;
	}
	return f ? f->key : NULL;
}

const char *nfg_top_name(uint16_t top)
{
	static const char *const names[] = {
		[NFGATE_A_LAN] = "lan",
		[NFGATE_A_UPLINK] = "uplink",
		[NFGATE_A_STATS] = "stats",
		[NFGATE_A_SETTINGS] = "settings",
		[NFGATE_A_FORWARD] = "forward",
		[NFGATE_A_DNS] = "dns",
		[NFGATE_A_FORGED] = "forged",
		[NFGATE_A_DNS_REPLY] = "dns_reply",
		[NFGATE_A_HOST] = "host",
	};

	return NAME(names, top);
}
