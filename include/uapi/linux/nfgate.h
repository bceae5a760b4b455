/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * nfgate: a two-uplink router in a netfilter module.
 *
 * Generic netlink family "nfgate", version 1
 * ==========================================
 *
 * Every object is configured per network namespace, through one command per
 * object and verb. Commands that change state need CAP_NET_ADMIN in the user
 * namespace that owns the network namespace (GENL_UNS_ADMIN_PERM). Every
 * attribute is validated strictly: an unknown attribute, a wrong length or a
 * value out of range is refused with -EINVAL and an extended ACK message
 * naming the attribute. Read-only attributes (marked RO) are refused in a
 * SET with -EINVAL.
 *
 * NFGATE_CMD_LAN_GET: doit, returns the LAN of the namespace (or -ENOENT).
 *   NFGATE_A_LAN: NLA_NESTED
 *     NFGATE_LAN_A_IFNAME: NLA_NUL_STRING, IFNAMSIZ max
 *     NFGATE_LAN_A_IFINDEX: NLA_U32 RO, 0 while the device does not exist
 *     NFGATE_LAN_A_ADDR: NLA_BE32, network address of the LAN subnet
 *     NFGATE_LAN_A_PREFIXLEN: NLA_U8, 0..32
 *   NFGATE_A_GENERATION: NLA_U32 RO, bumped on every configuration change
 *
 * NFGATE_CMD_LAN_SET: doit, creates or replaces the LAN.
 *   NFGATE_A_LAN: NLA_NESTED
 *     NFGATE_LAN_A_IFNAME or NFGATE_LAN_A_IFINDEX: exactly one, required;
 *       an ifindex is resolved to its name once, the LAN then follows the
 *       name (a bridge deleted and re-created is picked up again)
 *     NFGATE_LAN_A_ADDR: required; host bits must be zero
 *     NFGATE_LAN_A_PREFIXLEN: required
 *
 * NFGATE_CMD_LAN_DEL: doit, no attributes; removes the LAN.
 *
 * NFGATE_CMD_UPLINK_GET: doit with NFGATE_UPLINK_A_IFNAME (one uplink), or
 *   dump (NLM_F_DUMP, every uplink, one per message). A dump that raced a
 *   change is flagged NLM_F_DUMP_INTR: restart it.
 *   NFGATE_A_UPLINK: NLA_NESTED
 *     NFGATE_UPLINK_A_IFNAME: NLA_NUL_STRING, the key; an uplink follows its
 *       name across re-creation (ppp0 after a PPPoE re-dial)
 *     NFGATE_UPLINK_A_IFINDEX: NLA_U32 RO, 0 while the device is absent
 *     NFGATE_UPLINK_A_TIER: NLA_U8, 0..NFGATE_TIER_MAX; lower is preferred,
 *       a tier is used only while no better tier has a usable uplink
 *     NFGATE_UPLINK_A_WEIGHT: NLA_U32, 0..NFGATE_WEIGHT_MAX, share of new
 *       connections within the tier (0: no new connections, drain)
 *     NFGATE_UPLINK_A_HEALTH: NLA_U32, 0..NFGATE_HEALTH_MAX, fed by the agent
 *     NFGATE_UPLINK_A_ADMIN: NLA_U8, enum nfgate_admin_state
 *     NFGATE_UPLINK_A_OPER: NLA_U8 RO, enum nfgate_oper_state
 *     NFGATE_UPLINK_A_EFF_WEIGHT: NLA_U32 RO, weight * health / HEALTH_MAX,
 *       0 unless the uplink is usable
 *     NFGATE_UPLINK_A_ADDR: NLA_BE32 RO, the device's primary IPv4 address
 *     NFGATE_UPLINK_A_FLOWS: NLA_U32 RO, connections currently pinned
 *     NFGATE_UPLINK_A_CHANGED_MS: NLA_U64 RO, CLOCK_BOOTTIME in ms of the
 *       last operational state change
 *     NFGATE_UPLINK_A_TX_PACKETS, _TX_BYTES, _RX_PACKETS, _RX_BYTES:
 *       NLA_U64 RO, traffic nfgate saw leave and arrive on the uplink
 *   NFGATE_A_GENERATION: NLA_U32 RO
 *
 * NFGATE_CMD_UPLINK_SET: doit, creates the uplink named by
 *   NFGATE_UPLINK_A_IFNAME or changes the attributes given. A new uplink
 *   starts with tier 0, weight 1, health NFGATE_HEALTH_MAX, admin up.
 *   NFGATE_A_UPLINK: NLA_NESTED, the writable attributes above
 *
 * NFGATE_CMD_UPLINK_DEL: doit, NFGATE_A_UPLINK with NFGATE_UPLINK_A_IFNAME.
 *
 * NFGATE_CMD_STATS_GET: doit, the namespace's counters.
 *   NFGATE_A_STATS: NLA_NESTED, one NLA_U64 per enum nfgate_stat
 *   NFGATE_A_GENERATION: NLA_U32 RO
 *
 * NFGATE_CMD_EVENT: sent by the kernel only, on the NFGATE_MCGRP_EVENTS
 *   multicast group of the namespace where the change happened.
 *   NFGATE_A_EVENT: NLA_U32, enum nfgate_event
 *   NFGATE_A_LAN or NFGATE_A_UPLINK: the object after the change (for a
 *     deletion: its key only)
 *   NFGATE_A_GENERATION: NLA_U32
 *
 * Later versions add objects as new commands and new top-level attributes;
 * existing numbers never change meaning.
 */

#ifndef _UAPI_LINUX_NFGATE_H
#define _UAPI_LINUX_NFGATE_H

#include <linux/types.h>

#define NFGATE_GENL_NAME	"nfgate"
#define NFGATE_GENL_VERSION	1
#define NFGATE_MCGRP_EVENTS	"events"

#define NFGATE_TIER_MAX		15
#define NFGATE_WEIGHT_MAX	1000
#define NFGATE_HEALTH_MAX	1000

enum nfgate_cmd {
	NFGATE_CMD_UNSPEC,
	NFGATE_CMD_LAN_GET,
	NFGATE_CMD_LAN_SET,
	NFGATE_CMD_LAN_DEL,
	NFGATE_CMD_UPLINK_GET,
	NFGATE_CMD_UPLINK_SET,
	NFGATE_CMD_UPLINK_DEL,
	NFGATE_CMD_STATS_GET,
	NFGATE_CMD_EVENT,
	__NFGATE_CMD_MAX
};
#define NFGATE_CMD_MAX (__NFGATE_CMD_MAX - 1)

enum nfgate_attr {
	NFGATE_A_UNSPEC,
	NFGATE_A_LAN,
	NFGATE_A_UPLINK,
	NFGATE_A_STATS,
	NFGATE_A_EVENT,
	NFGATE_A_GENERATION,
	__NFGATE_A_LAST
};
#define NFGATE_A_MAX (__NFGATE_A_LAST - 1)

enum nfgate_lan_attr {
	NFGATE_LAN_A_UNSPEC,
	NFGATE_LAN_A_IFNAME,
	NFGATE_LAN_A_IFINDEX,
	NFGATE_LAN_A_ADDR,
	NFGATE_LAN_A_PREFIXLEN,
	__NFGATE_LAN_A_LAST
};
#define NFGATE_LAN_A_MAX (__NFGATE_LAN_A_LAST - 1)

enum nfgate_uplink_attr {
	NFGATE_UPLINK_A_UNSPEC,
	NFGATE_UPLINK_A_IFNAME,
	NFGATE_UPLINK_A_IFINDEX,
	NFGATE_UPLINK_A_TIER,
	NFGATE_UPLINK_A_WEIGHT,
	NFGATE_UPLINK_A_HEALTH,
	NFGATE_UPLINK_A_ADMIN,
	NFGATE_UPLINK_A_OPER,
	NFGATE_UPLINK_A_EFF_WEIGHT,
	NFGATE_UPLINK_A_ADDR,
	NFGATE_UPLINK_A_FLOWS,
	NFGATE_UPLINK_A_CHANGED_MS,
	NFGATE_UPLINK_A_TX_PACKETS,
	NFGATE_UPLINK_A_TX_BYTES,
	NFGATE_UPLINK_A_RX_PACKETS,
	NFGATE_UPLINK_A_RX_BYTES,
	NFGATE_UPLINK_A_PAD,
	__NFGATE_UPLINK_A_LAST
};
#define NFGATE_UPLINK_A_MAX (__NFGATE_UPLINK_A_LAST - 1)

enum nfgate_admin_state {
	NFGATE_ADMIN_DOWN,
	NFGATE_ADMIN_UP,
	__NFGATE_ADMIN_LAST
};
#define NFGATE_ADMIN_MAX (__NFGATE_ADMIN_LAST - 1)

enum nfgate_oper_state {
	NFGATE_OPER_ABSENT,	/* no device of that name */
	NFGATE_OPER_DOWN,	/* device down, no carrier or no IPv4 address */
	NFGATE_OPER_UP,		/* usable for new connections */
	__NFGATE_OPER_LAST
};

/* Counters in NFGATE_A_STATS: packets each nfgate hook saw. */
enum nfgate_stat {
	NFGATE_STAT_UNSPEC,
	NFGATE_STAT_PRE_ROUTING,
	NFGATE_STAT_LOCAL_OUT,
	NFGATE_STAT_FORWARD,
	NFGATE_STAT_POST_ROUTING,
	NFGATE_STAT_PAD,
	__NFGATE_STAT_LAST
};
#define NFGATE_STAT_MAX (__NFGATE_STAT_LAST - 1)

enum nfgate_event {
	NFGATE_EVENT_UNSPEC,
	NFGATE_EVENT_LAN_SET,
	NFGATE_EVENT_LAN_DEL,
	NFGATE_EVENT_UPLINK_NEW,
	NFGATE_EVENT_UPLINK_CHANGE,	/* configuration changed */
	NFGATE_EVENT_UPLINK_STATE,	/* operational state changed */
	NFGATE_EVENT_UPLINK_DEL,
	__NFGATE_EVENT_LAST
};
#define NFGATE_EVENT_MAX (__NFGATE_EVENT_LAST - 1)

#endif /* _UAPI_LINUX_NFGATE_H */
