// SPDX-License-Identifier: GPL-2.0
/*
 * Attribute <-> struct conversions for the nfgate family, driven by the
 * field tables. Shared by nfgate and nfgated.
 */
#include <errno.h>
#include <string.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>

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
};
const size_t nfg_uplink_nfields = sizeof(nfg_uplink_fields) / sizeof(nfg_uplink_fields[0]);

_Static_assert(NFGATE_LAN_A_MAX < 32 && NFGATE_UPLINK_A_MAX < 32 &&
	       NFGATE_STAT_MAX < 32, "present bitmaps are 32 bits");

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

uint64_t nfg_field_uint(const void *obj, const struct nfg_field *f)
{
	const char *p = (const char *)obj + f->offset;

	switch (f->type) {
	case NFG_F_U8:
	case NFG_F_ADMIN:
	case NFG_F_OPER:
		return *(const uint8_t *)p;
	case NFG_F_U32:
	case NFG_F_IN4:
		return *(const uint32_t *)p;
	case NFG_F_U64:
		return *(const uint64_t *)p;
	case NFG_F_STRING:
		break;
	}
	return 0;
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
			mnl_attr_put_strz(nlh, f->attr, p);
			break;
		case NFG_F_U8:
		case NFG_F_ADMIN:
		case NFG_F_OPER:
			mnl_attr_put_u8(nlh, f->attr, *(const uint8_t *)p);
			break;
		case NFG_F_U32:
		case NFG_F_IN4:
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
		case NFG_F_STRING: {
			uint16_t len = mnl_attr_get_payload_len(a);
			const char *s = mnl_attr_get_str(a);

			if (len == 0 || len > IFNAMSIZ || s[len - 1] != '\0')
				return -EINVAL;
			memcpy(p, s, len);
			break;
		}
		case NFG_F_U8:
		case NFG_F_ADMIN:
		case NFG_F_OPER:
			if (mnl_attr_validate(a, MNL_TYPE_U8) < 0)
				return -EINVAL;
			*(uint8_t *)p = mnl_attr_get_u8(a);
			break;
		case NFG_F_U32:
		case NFG_F_IN4:
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
		st->present |= 1U << type;
	}
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
			if (mnl_attr_validate(a, MNL_TYPE_NESTED) < 0)
				return -EINVAL;
			err = parse_fields(a, &msg->lan, &msg->lan.present,
					   nfg_lan_fields, nfg_lan_nfields);
			msg->has_lan = true;
			break;
		case NFGATE_A_UPLINK:
			if (mnl_attr_validate(a, MNL_TYPE_NESTED) < 0)
				return -EINVAL;
			err = parse_fields(a, &msg->uplink, &msg->uplink.present,
					   nfg_uplink_fields, nfg_uplink_nfields);
			msg->has_uplink = true;
			break;
		case NFGATE_A_STATS:
			if (mnl_attr_validate(a, MNL_TYPE_NESTED) < 0)
				return -EINVAL;
			err = parse_stats(a, &msg->stats);
			msg->has_stats = true;
			break;
		case NFGATE_A_EVENT:
			if (mnl_attr_validate(a, MNL_TYPE_U32) < 0)
				return -EINVAL;
			msg->event = mnl_attr_get_u32(a);
			msg->has_event = true;
			break;
		case NFGATE_A_GENERATION:
			if (mnl_attr_validate(a, MNL_TYPE_U32) < 0)
				return -EINVAL;
			msg->generation = mnl_attr_get_u32(a);
			msg->has_generation = true;
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
	[NFGATE_EVENT_LAN_SET] = "lan_set",
	[NFGATE_EVENT_LAN_DEL] = "lan_del",
	[NFGATE_EVENT_UPLINK_NEW] = "uplink_new",
	[NFGATE_EVENT_UPLINK_CHANGE] = "uplink_change",
	[NFGATE_EVENT_UPLINK_STATE] = "uplink_state",
	[NFGATE_EVENT_UPLINK_DEL] = "uplink_del",
};

#define NAME(tbl, i) ((i) < sizeof(tbl) / sizeof(tbl[0]) ? tbl[i] : NULL)

const char *nfg_stat_name(unsigned int stat) { return NAME(stat_names, stat); }
const char *nfg_admin_name(unsigned int v) { return NAME(admin_names, v); }
const char *nfg_oper_name(unsigned int v) { return NAME(oper_names, v); }
const char *nfg_event_name(unsigned int v) { return NAME(event_names, v); }

const char *nfg_attr_name(uint16_t top, uint16_t attr)
{
	const struct nfg_field *f = NULL;

	if (top == NFGATE_A_LAN)
		f = nfg_lan_field(attr);
	else if (top == NFGATE_A_UPLINK)
		f = nfg_uplink_field(attr);
	return f ? f->key : NULL;
}
