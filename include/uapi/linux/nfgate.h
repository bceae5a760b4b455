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
 *     NFGATE_UPLINK_A_EFF_WEIGHT: NLA_U32 RO, weight * health / HEALTH_MAX
 *       rounded down, 0 unless the uplink is up (the choice itself uses
 *       weight * health exactly)
 *     NFGATE_UPLINK_A_ADDR: NLA_BE32 RO, the device's primary IPv4 address
 *     NFGATE_UPLINK_A_FLOWS: NLA_U32 RO, connections currently pinned
 *     NFGATE_UPLINK_A_CHANGED_MS: NLA_U64 RO, CLOCK_BOOTTIME in ms of the
 *       last operational state change
 *     NFGATE_UPLINK_A_TX_PACKETS, _TX_BYTES, _RX_PACKETS, _RX_BYTES:
 *       NLA_U64 RO, traffic nfgate saw leave and arrive on the uplink
 *     NFGATE_UPLINK_A_ID: NLA_U8 RO, 1..NFGATE_UPLINKS_MAX, the value kept
 *       in the conntrack mark (under the mark mask) of flows pinned to it
 *     NFGATE_UPLINK_A_USABLE: NLA_U8 RO, 1 while new connections may be
 *       given to it (up, admin up, effective weight > 0, hold-down over)
 *     NFGATE_UPLINK_A_HEALTH_STATE: NLA_U8, enum nfgate_health_state, the
 *       agent's verdict; a change is stamped and announced (UPLINK_HEALTH)
 *     NFGATE_UPLINK_A_HEALTH_REASON: NLA_U8, enum nfgate_health_reason, why
 *       the agent's verdict last changed
 *     NFGATE_UPLINK_A_HEALTH_SINCE_MS: NLA_U64 RO, CLOCK_BOOTTIME in ms of
 *       the last HEALTH_STATE change
 *     NFGATE_UPLINK_A_PROBE_LOSS: NLA_U32, 0..10000, probe loss over the
 *       agent's window in 1/100 of a percent
 *     NFGATE_UPLINK_A_PROBE_RTT_US, NFGATE_UPLINK_A_PROBE_JITTER_US:
 *       NLA_U32, probe round-trip time and its jitter (agent's window)
 *     NFGATE_UPLINK_A_SYN_SENT: NLA_U64 RO, new TCP connections given to
 *       this uplink (the first SYN seen)
 *     NFGATE_UPLINK_A_SYN_ANSWERED: NLA_U64 RO, ... that got their SYN-ACK;
 *       the passive signal: SYNs that stay unanswered while the other
 *       uplink answers point to a silent blackhole before any probe misses
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
 * NFGATE_CMD_SETTINGS_GET: doit, the namespace's settings.
 *   NFGATE_A_SETTINGS: NLA_NESTED
 *     NFGATE_SETTINGS_A_MARK_MASK: NLA_U32, the conntrack mark bits nfgate
 *       owns (default NFGATE_DEFAULT_MARK_MASK); one run of at least
 *       NFGATE_MARK_BITS_MIN contiguous bits. Other bits are left alone.
 *     NFGATE_SETTINGS_A_SKIP_MARK: NLA_U32, packets whose skb mark has any
 *       of these bits are never steered (default 0: none)
 *     NFGATE_SETTINGS_A_FAILOVER_RST: NLA_U8 0/1, send a TCP RST to the LAN
 *       host of each connection removed when its uplink dies (default 1)
 *     NFGATE_SETTINGS_A_HOLDDOWN_MS: NLA_U32, 0..NFGATE_HOLDDOWN_MS_MAX, an
 *       uplink that comes back up takes new connections only after this
 *       long (default NFGATE_DEFAULT_HOLDDOWN_MS)
 *     NFGATE_SETTINGS_A_STICKY_MS: NLA_U32, 0..NFGATE_STICKY_MS_MAX, new
 *       connections of a LAN host go to the uplink of its previous one if
 *       that was less than this long ago (default 0: off)
 *   NFGATE_A_GENERATION: NLA_U32 RO
 *
 * NFGATE_CMD_SETTINGS_SET: doit, changes the settings given.
 *   NFGATE_A_SETTINGS: NLA_NESTED, as above
 *
 * NFGATE_CMD_FORWARD_GET: dump, every port forward, one per message.
 *   NFGATE_A_FORWARD: NLA_NESTED
 *     NFGATE_FORWARD_A_PROTO: NLA_U8, IPPROTO_TCP or IPPROTO_UDP
 *     NFGATE_FORWARD_A_PORT: NLA_BE16, the port on the uplink address, > 0
 *     NFGATE_FORWARD_A_TO_ADDR: NLA_BE32, the LAN host, inside the LAN
 *     NFGATE_FORWARD_A_TO_PORT: NLA_BE16, its port (default: PORT)
 *     NFGATE_FORWARD_A_UPLINK: NLA_NUL_STRING, only on this uplink
 *       (default: every uplink)
 *     NFGATE_FORWARD_A_HITS: NLA_U64 RO, connections forwarded
 *
 * NFGATE_CMD_FORWARD_SET: doit, creates or replaces the forward keyed by
 *   PROTO and PORT. NFGATE_A_FORWARD: NLA_NESTED, as above.
 *
 * NFGATE_CMD_FORWARD_DEL: doit, NFGATE_A_FORWARD with PROTO and PORT.
 *
 * NFGATE_CMD_DNS_GET: doit, the DNS reply check of the namespace.
 *   NFGATE_A_DNS: NLA_NESTED
 *     NFGATE_DNS_A_MODE: NLA_U8, enum nfgate_dns_mode, for replies to LAN
 *       clients (default NFGATE_DNS_OFF)
 *     NFGATE_DNS_A_MODE_ROUTER: NLA_U8, enum nfgate_dns_mode, for replies
 *       to the router's own resolver (default: NFGATE_DNS_INHERIT, as MODE)
 *     NFGATE_DNS_A_HOLD_MS: NLA_U32, 0..NFGATE_DNS_HOLD_MS_MAX, how long a
 *       suspicious reply is held waiting for a better one (default
 *       NFGATE_DNS_DEFAULT_HOLD_MS; 0: never hold, suspicious replies pass)
 *     NFGATE_DNS_A_HOLD_MAX: NLA_U32, 1..NFGATE_DNS_HOLD_MAX_MAX, replies
 *       held at once in the namespace (default NFGATE_DNS_DEFAULT_HOLD_MAX)
 *     NFGATE_DNS_A_HOLD_PER_CLIENT: NLA_U32, 1..NFGATE_DNS_HOLD_MAX_MAX,
 *       ... for one client address (default
 *       NFGATE_DNS_DEFAULT_HOLD_PER_CLIENT). A reply that finds no room is
 *       passed and counted (DNS_HOLD_FULL).
 *     NFGATE_DNS_A_EXPIRE_DROP: NLA_U8 0/1, what happens to a held reply
 *       when HOLD_MS passes with no other reply: 0 release it (default),
 *       1 drop it
 *     NFGATE_DNS_A_TTL_SLACK: NLA_U8, an IP TTL this far outside the range
 *       learned for the resolver is a signal (default
 *       NFGATE_DNS_DEFAULT_TTL_SLACK)
 *     NFGATE_DNS_A_FAST_PCT: NLA_U8, 0..100, a reply faster than this
 *       percentage of the resolver's learned minimum RTT is a signal
 *       (default NFGATE_DNS_DEFAULT_FAST_PCT; 0 disables the signal)
 *     NFGATE_DNS_A_DROP_SCORE: NLA_U8, 0..NFGATE_DNS_SIG_COUNT, a reply
 *       with at least this many signals is dropped at once instead of held
 *       (default NFGATE_DNS_DEFAULT_DROP_SCORE; 0: never). A reply whose
 *       answer is in the forged-address set is always dropped in drop mode.
 *     NFGATE_DNS_A_FORGED4: NLA_U32 RO, IPv4 addresses in the forged set
 *     NFGATE_DNS_A_FORGED6: NLA_U32 RO, IPv6 prefixes in the forged set
 *     NFGATE_DNS_A_HELD: NLA_U32 RO, replies held now
 *     NFGATE_DNS_A_QUERIES: NLA_U32 RO, queries in the query table now
 *     NFGATE_DNS_A_RESOLVERS: NLA_U32 RO, resolvers with a learned baseline
 *   NFGATE_A_GENERATION: NLA_U32 RO
 *
 * NFGATE_CMD_DNS_SET: doit, changes the attributes given.
 *   NFGATE_A_DNS: NLA_NESTED, the writable attributes above. Turning a mode
 *   off releases the replies held under it.
 *
 * NFGATE_CMD_FORGED_GET: dump, the forged-address set, in messages of at
 *   most NFGATE_FORGED_CHUNK entries.
 *   NFGATE_A_FORGED: NLA_NESTED
 *     NFGATE_FORGED_A_ADDR4: NLA_BE32, repeated, one IPv4 address each
 *     NFGATE_FORGED_A_PREFIX6: struct nfgate_prefix6, repeated
 *
 * NFGATE_CMD_FORGED_ADD: doit, adds the entries of NFGATE_A_FORGED (as
 *   above; at most NFGATE_FORGED_CHUNK of each kind per message) to the set.
 *   The set is replaced as a whole, atomically: lookups see the old set or
 *   the new one. At most NFGATE_FORGED4_MAX addresses and
 *   NFGATE_FORGED6_MAX prefixes in all (-ENOSPC). An address of 0.0.0.0 or
 *   a prefix longer than 128 is refused.
 *
 * NFGATE_CMD_FORGED_DEL: doit, removes the entries of NFGATE_A_FORGED; with
 *   no NFGATE_A_FORGED, empties the set.
 *
 * NFGATE_CMD_EVENT: sent by the kernel only, on the NFGATE_MCGRP_EVENTS
 *   multicast group of the namespace where the change happened.
 *   NFGATE_A_EVENT: NLA_U32, enum nfgate_event
 *   NFGATE_A_LAN, NFGATE_A_UPLINK, NFGATE_A_SETTINGS or NFGATE_A_FORWARD:
 *     the object after the change (for a deletion: as it was)
 *   NFGATE_A_FLUSHED: NLA_U32, in UPLINK_FLUSH: connections removed
 *   NFGATE_A_RESETS: NLA_U32, in UPLINK_FLUSH: TCP RSTs sent to the LAN
 *   NFGATE_A_DNS_REPLY: NLA_NESTED, in DNS_FORGED: a reply judged forged
 *     NFGATE_DNS_REPLY_A_VERDICT: NLA_U8, enum nfgate_dns_verdict
 *     NFGATE_DNS_REPLY_A_SIGNALS: NLA_U32, NFGATE_DNS_SIG_* bits that fired
 *     NFGATE_DNS_REPLY_A_RESOLVER: NLA_BE32, the reply's source
 *     NFGATE_DNS_REPLY_A_CLIENT: NLA_BE32, the query's source (before NAT)
 *     NFGATE_DNS_REPLY_A_UPLINK: NLA_NUL_STRING, where it arrived
 *     NFGATE_DNS_REPLY_A_QNAME: NLA_NUL_STRING, in presentation form
 *     NFGATE_DNS_REPLY_A_QTYPE: NLA_U16
 *     NFGATE_DNS_REPLY_A_ANSWER4: NLA_BE32, repeated: its A answers
 *     NFGATE_DNS_REPLY_A_ANSWER6: 16 bytes, repeated: its AAAA answers
 *     NFGATE_DNS_REPLY_A_IP_TTL: NLA_U8, NFGATE_DNS_REPLY_A_IP_ID: NLA_U16,
 *     NFGATE_DNS_REPLY_A_DF: NLA_U8, NFGATE_DNS_REPLY_A_FLAGS: NLA_U16 (DNS
 *       header flags): the injector's fingerprint
 *     NFGATE_DNS_REPLY_A_LEAD_US: NLA_U32, how long before the reply that
 *       beat it this one arrived (only when another reply decided)
 *   DNS_FORGED events are limited to NFGATE_DNS_EVENTS_PER_SEC per
 *   namespace; the counters count every reply.
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
#define NFGATE_UPLINKS_MAX	16
#define NFGATE_FORWARDS_MAX	256

#define NFGATE_DEFAULT_MARK_MASK	0x00ff0000
#define NFGATE_MARK_BITS_MIN		5	/* ids 1..NFGATE_UPLINKS_MAX */
#define NFGATE_DEFAULT_HOLDDOWN_MS	5000
#define NFGATE_HOLDDOWN_MS_MAX		3600000
#define NFGATE_STICKY_MS_MAX		86400000

#define NFGATE_DNS_DEFAULT_HOLD_MS	300
#define NFGATE_DNS_HOLD_MS_MAX		5000
#define NFGATE_DNS_DEFAULT_HOLD_MAX	256
#define NFGATE_DNS_DEFAULT_HOLD_PER_CLIENT	16
#define NFGATE_DNS_HOLD_MAX_MAX		4096
#define NFGATE_DNS_DEFAULT_TTL_SLACK	2
#define NFGATE_DNS_DEFAULT_FAST_PCT	50
#define NFGATE_DNS_DEFAULT_DROP_SCORE	3
#define NFGATE_DNS_EVENTS_PER_SEC	100
#define NFGATE_FORGED_CHUNK		1024
#define NFGATE_FORGED4_MAX		65536
#define NFGATE_FORGED6_MAX		256

/* NFGATE_FORGED_A_PREFIX6 */
struct nfgate_prefix6 {
	__u8 addr[16];
	__u8 len;		/* 0..128 */
	__u8 pad[3];
};

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
	NFGATE_CMD_SETTINGS_GET,
	NFGATE_CMD_SETTINGS_SET,
	NFGATE_CMD_FORWARD_GET,
	NFGATE_CMD_FORWARD_SET,
	NFGATE_CMD_FORWARD_DEL,
	NFGATE_CMD_DNS_GET,
	NFGATE_CMD_DNS_SET,
	NFGATE_CMD_FORGED_GET,
	NFGATE_CMD_FORGED_ADD,
	NFGATE_CMD_FORGED_DEL,
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
	NFGATE_A_SETTINGS,
	NFGATE_A_FORWARD,
	NFGATE_A_FLUSHED,
	NFGATE_A_RESETS,
	NFGATE_A_DNS,
	NFGATE_A_FORGED,
	NFGATE_A_DNS_REPLY,
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
	NFGATE_UPLINK_A_ID,
	NFGATE_UPLINK_A_USABLE,
	NFGATE_UPLINK_A_HEALTH_STATE,
	NFGATE_UPLINK_A_HEALTH_REASON,
	NFGATE_UPLINK_A_HEALTH_SINCE_MS,
	NFGATE_UPLINK_A_PROBE_LOSS,
	NFGATE_UPLINK_A_PROBE_RTT_US,
	NFGATE_UPLINK_A_PROBE_JITTER_US,
	NFGATE_UPLINK_A_SYN_SENT,
	NFGATE_UPLINK_A_SYN_ANSWERED,
	__NFGATE_UPLINK_A_LAST
};
#define NFGATE_UPLINK_A_MAX (__NFGATE_UPLINK_A_LAST - 1)

enum nfgate_settings_attr {
	NFGATE_SETTINGS_A_UNSPEC,
	NFGATE_SETTINGS_A_MARK_MASK,
	NFGATE_SETTINGS_A_SKIP_MARK,
	NFGATE_SETTINGS_A_FAILOVER_RST,
	NFGATE_SETTINGS_A_HOLDDOWN_MS,
	NFGATE_SETTINGS_A_STICKY_MS,
	__NFGATE_SETTINGS_A_LAST
};
#define NFGATE_SETTINGS_A_MAX (__NFGATE_SETTINGS_A_LAST - 1)

enum nfgate_forward_attr {
	NFGATE_FORWARD_A_UNSPEC,
	NFGATE_FORWARD_A_PROTO,
	NFGATE_FORWARD_A_PORT,
	NFGATE_FORWARD_A_TO_ADDR,
	NFGATE_FORWARD_A_TO_PORT,
	NFGATE_FORWARD_A_UPLINK,
	NFGATE_FORWARD_A_HITS,
	NFGATE_FORWARD_A_PAD,
	__NFGATE_FORWARD_A_LAST
};
#define NFGATE_FORWARD_A_MAX (__NFGATE_FORWARD_A_LAST - 1)

enum nfgate_dns_attr {
	NFGATE_DNS_A_UNSPEC,
	NFGATE_DNS_A_MODE,
	NFGATE_DNS_A_MODE_ROUTER,
	NFGATE_DNS_A_HOLD_MS,
	NFGATE_DNS_A_HOLD_MAX,
	NFGATE_DNS_A_HOLD_PER_CLIENT,
	NFGATE_DNS_A_EXPIRE_DROP,
	NFGATE_DNS_A_TTL_SLACK,
	NFGATE_DNS_A_FAST_PCT,
	NFGATE_DNS_A_DROP_SCORE,
	NFGATE_DNS_A_FORGED4,
	NFGATE_DNS_A_FORGED6,
	NFGATE_DNS_A_HELD,
	NFGATE_DNS_A_QUERIES,
	NFGATE_DNS_A_RESOLVERS,
	__NFGATE_DNS_A_LAST
};
#define NFGATE_DNS_A_MAX (__NFGATE_DNS_A_LAST - 1)

enum nfgate_forged_attr {
	NFGATE_FORGED_A_UNSPEC,
	NFGATE_FORGED_A_ADDR4,
	NFGATE_FORGED_A_PREFIX6,
	__NFGATE_FORGED_A_LAST
};
#define NFGATE_FORGED_A_MAX (__NFGATE_FORGED_A_LAST - 1)

enum nfgate_dns_reply_attr {
	NFGATE_DNS_REPLY_A_UNSPEC,
	NFGATE_DNS_REPLY_A_VERDICT,
	NFGATE_DNS_REPLY_A_SIGNALS,
	NFGATE_DNS_REPLY_A_RESOLVER,
	NFGATE_DNS_REPLY_A_CLIENT,
	NFGATE_DNS_REPLY_A_UPLINK,
	NFGATE_DNS_REPLY_A_QNAME,
	NFGATE_DNS_REPLY_A_QTYPE,
	NFGATE_DNS_REPLY_A_ANSWER4,
	NFGATE_DNS_REPLY_A_ANSWER6,
	NFGATE_DNS_REPLY_A_IP_TTL,
	NFGATE_DNS_REPLY_A_IP_ID,
	NFGATE_DNS_REPLY_A_DF,
	NFGATE_DNS_REPLY_A_FLAGS,
	NFGATE_DNS_REPLY_A_LEAD_US,
	__NFGATE_DNS_REPLY_A_LAST
};
#define NFGATE_DNS_REPLY_A_MAX (__NFGATE_DNS_REPLY_A_LAST - 1)

enum nfgate_dns_mode {
	NFGATE_DNS_OFF,		/* replies are not looked at */
	NFGATE_DNS_LOG,		/* judged, counted and announced; all pass */
	NFGATE_DNS_DROP,	/* forged replies dropped, suspicious held */
	NFGATE_DNS_INHERIT,	/* MODE_ROUTER only: as MODE */
	__NFGATE_DNS_MODE_LAST
};
#define NFGATE_DNS_MODE_MAX (__NFGATE_DNS_MODE_LAST - 1)

/*
 * Signals against a DNS reply (NFGATE_DNS_REPLY_A_SIGNALS). A resolver's
 * baseline is learned from its replies that were not suspicious.
 */
#define NFGATE_DNS_SIG_ADDR	0x01	/* an answer in the forged set */
#define NFGATE_DNS_SIG_TTL	0x02	/* IP TTL outside the baseline */
#define NFGATE_DNS_SIG_SHAPE	0x04	/* no OPT to an EDNS query; AA set by a
					 * resolver that never sets it
					 */
#define NFGATE_DNS_SIG_FAST	0x08	/* faster than FAST_PCT of min RTT */
#define NFGATE_DNS_SIG_DISAGREE	0x10	/* another reply to the same query
					 * with other answers won
					 */
#define NFGATE_DNS_SIG_IPHDR	0x20	/* DF differs from the baseline */
#define NFGATE_DNS_SIG_COUNT	6

enum nfgate_dns_verdict {
	NFGATE_DNS_V_PASS,
	NFGATE_DNS_V_DROP,		/* dropped on arrival */
	NFGATE_DNS_V_HOLD,		/* held, then ... */
	NFGATE_DNS_V_SUPERSEDED,	/* dropped: a better reply came */
	NFGATE_DNS_V_EXPIRED,		/* released after HOLD_MS */
	NFGATE_DNS_V_EXPIRED_DROP,	/* dropped after HOLD_MS */
	NFGATE_DNS_V_LOGGED,		/* log mode: passed */
	NFGATE_DNS_V_LATE,		/* passed, then contradicted by a
					 * reply arriving after it with no
					 * more signals: the earlier one is
					 * the suspect (a DROP or LOGGED
					 * report names a later reply that
					 * looked worse)
					 */
	__NFGATE_DNS_V_LAST
};

enum nfgate_admin_state {
	NFGATE_ADMIN_DOWN,
	NFGATE_ADMIN_UP,
	__NFGATE_ADMIN_LAST
};
#define NFGATE_ADMIN_MAX (__NFGATE_ADMIN_LAST - 1)

enum nfgate_health_state {
	NFGATE_HEALTH_UNKNOWN,		/* no agent verdict yet */
	NFGATE_HEALTH_UP,
	NFGATE_HEALTH_DEGRADED,		/* loss or latency above the limits */
	NFGATE_HEALTH_DOWN,
	__NFGATE_HEALTH_LAST
};
#define NFGATE_HEALTH_STATE_MAX (__NFGATE_HEALTH_LAST - 1)

enum nfgate_health_reason {
	NFGATE_REASON_NONE,
	NFGATE_REASON_PROBES_LOST,	/* down-after consecutive misses */
	NFGATE_REASON_PROBES_OK,	/* up-after consecutive successes */
	NFGATE_REASON_LOSS,		/* loss over the window above the limit */
	NFGATE_REASON_LATENCY,		/* RTT above the limit */
	NFGATE_REASON_PASSIVE,		/* unanswered SYNs (SYN_SENT/ANSWERED) */
	NFGATE_REASON_CARRIER,		/* device gone, down or without carrier */
	NFGATE_REASON_DAMPENED,		/* flapping: held down until it settles */
	__NFGATE_REASON_LAST
};
#define NFGATE_REASON_MAX (__NFGATE_REASON_LAST - 1)

enum nfgate_oper_state {
	NFGATE_OPER_ABSENT,	/* no device of that name */
	NFGATE_OPER_DOWN,	/* device down, no carrier or no IPv4 address */
	NFGATE_OPER_UP,		/* usable for new connections */
	__NFGATE_OPER_LAST
};

/* Counters in NFGATE_A_STATS. */
enum nfgate_stat {
	NFGATE_STAT_UNSPEC,
	NFGATE_STAT_PRE_ROUTING,	/* packets each hook saw */
	NFGATE_STAT_LOCAL_OUT,
	NFGATE_STAT_FORWARD,
	NFGATE_STAT_POST_ROUTING,
	NFGATE_STAT_PAD,
	NFGATE_STAT_FLOW_PINNED,	/* connections given an uplink */
	NFGATE_STAT_FLOW_INBOUND,	/* ... pinned to the uplink they came in on */
	NFGATE_STAT_NO_UPLINK,		/* new connections with no usable uplink */
	NFGATE_STAT_REROUTED,		/* packets moved to their flow's uplink */
	NFGATE_STAT_REROUTE_FAILED,	/* ... that had no route there: dropped */
	NFGATE_STAT_MASQUERADED,	/* connections masqueraded on an uplink */
	NFGATE_STAT_PORT_FORWARDED,	/* connections sent to a port forward */
	NFGATE_STAT_HAIRPIN,		/* LAN to a forward, source NATed on LAN */
	NFGATE_STAT_SPOOF_DROPPED,	/* uplink packets from/to LAN addresses */
	NFGATE_STAT_FLUSHED,		/* connections removed: uplink died */
	NFGATE_STAT_RESETS_SENT,	/* TCP RSTs sent to the LAN for those */
	NFGATE_STAT_DNS_QUERIES,	/* DNS queries seen leaving */
	NFGATE_STAT_DNS_REPLIES,	/* DNS replies judged */
	NFGATE_STAT_DNS_MALFORMED,	/* ... that did not parse: passed */
	NFGATE_STAT_DNS_NO_QUERY,	/* ... with no query known: passed */
	NFGATE_STAT_DNS_SIG_ADDR,	/* replies with each signal */
	NFGATE_STAT_DNS_SIG_TTL,
	NFGATE_STAT_DNS_SIG_SHAPE,
	NFGATE_STAT_DNS_SIG_FAST,
	NFGATE_STAT_DNS_SIG_DISAGREE,
	NFGATE_STAT_DNS_SIG_IPHDR,
	NFGATE_STAT_DNS_PASSED,		/* verdicts, see nfgate_dns_verdict */
	NFGATE_STAT_DNS_DROPPED,
	NFGATE_STAT_DNS_HELD,
	NFGATE_STAT_DNS_SUPERSEDED,
	NFGATE_STAT_DNS_EXPIRED,
	NFGATE_STAT_DNS_EXPIRED_DROP,
	NFGATE_STAT_DNS_LOGGED,
	NFGATE_STAT_DNS_LATE,
	NFGATE_STAT_DNS_HOLD_FULL,	/* suspicious, no room to hold: passed */
	NFGATE_STAT_DNS_HOLD_FREED,	/* held replies freed: device or
					 * namespace gone, module unloaded
					 */
	NFGATE_STAT_DNS_DUPLICATE,	/* copies of a held reply: dropped */
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
	NFGATE_EVENT_UPLINK_FLUSH,	/* its connections were removed */
	NFGATE_EVENT_SETTINGS,
	NFGATE_EVENT_FORWARD_NEW,
	NFGATE_EVENT_FORWARD_DEL,
	NFGATE_EVENT_UPLINK_HEALTH,	/* HEALTH_STATE changed (agent) */
	NFGATE_EVENT_DNS_FORGED,	/* a reply judged forged */
	NFGATE_EVENT_DNS,		/* DNS settings changed */
	NFGATE_EVENT_FORGED,		/* forged set changed (sizes only) */
	__NFGATE_EVENT_LAST
};
#define NFGATE_EVENT_MAX (__NFGATE_EVENT_LAST - 1)

#endif /* _UAPI_LINUX_NFGATE_H */
