/* SPDX-License-Identifier: GPL-2.0 */
/*
 * In-memory form of the objects of the nfgate generic netlink family and
 * their conversion from and to netlink attributes. Compiled into both nfgate
 * and nfgated.
 */
#ifndef NFG_MODEL_H
#define NFG_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <net/if.h>
#include <linux/nfgate.h>

struct nlmsghdr;

/* present: bit (1 << NFGATE_LAN_A_*) set for each attribute that is known. */
struct nfg_lan {
	uint32_t present;
	char ifname[IFNAMSIZ];
	uint32_t ifindex;
	uint32_t addr;			/* network byte order */
	uint8_t prefixlen;
};

/* present: bit (1 << NFGATE_UPLINK_A_*) set for each known attribute. */
struct nfg_uplink {
	uint32_t present;
	char ifname[IFNAMSIZ];
	uint32_t ifindex;
	uint8_t tier;
	uint32_t weight;
	uint32_t health;
	uint8_t admin;			/* enum nfgate_admin_state */
	uint8_t oper;			/* enum nfgate_oper_state */
	uint32_t eff_weight;
	uint32_t addr;			/* network byte order */
	uint32_t flows;
	uint64_t changed_ms;		/* CLOCK_BOOTTIME */
	uint64_t tx_packets, tx_bytes, rx_packets, rx_bytes;
	uint8_t id;			/* in the conntrack mark, 1..UPLINKS_MAX */
	uint8_t usable;			/* 0/1 */
	uint8_t health_state;		/* enum nfgate_health_state */
	uint8_t health_reason;		/* enum nfgate_health_reason */
	uint64_t health_since_ms;	/* CLOCK_BOOTTIME */
	uint32_t probe_loss;		/* 1/100 % */
	uint32_t probe_rtt_us, probe_jitter_us;
	uint64_t syn_sent, syn_answered;
};

/* present: bit (1 << NFGATE_SETTINGS_A_*) set for each known attribute. */
struct nfg_settings {
	uint32_t present;
	uint32_t mark_mask;
	uint32_t skip_mark;
	uint8_t failover_rst;		/* 0/1 */
	uint32_t holddown_ms;
	uint32_t sticky_ms;
};

/* present: bit (1 << NFGATE_FORWARD_A_*) set for each known attribute. */
struct nfg_forward {
	uint32_t present;
	uint8_t proto;			/* IPPROTO_TCP or IPPROTO_UDP */
	uint16_t port;			/* host byte order (be16 on the wire) */
	uint32_t to_addr;		/* network byte order */
	uint16_t to_port;		/* host byte order (be16 on the wire) */
	char uplink[IFNAMSIZ];		/* "" with the attribute absent: every uplink */
	uint64_t hits;
};

/* present: bit (1 << NFGATE_HOST_A_*) set for each known attribute. */
struct nfg_host {
	uint32_t present;
	uint32_t addr;			/* network byte order */
	uint64_t tx_packets, tx_bytes, rx_packets, rx_bytes;
};

/* present: bit (1 << NFGATE_DNS_A_*) set for each known attribute. */
struct nfg_dns {
	uint32_t present;
	uint8_t mode;			/* enum nfgate_dns_mode, not INHERIT */
	uint8_t mode_router;		/* enum nfgate_dns_mode */
	uint32_t hold_ms;
	uint32_t hold_max;
	uint32_t hold_per_client;
	uint8_t expire_drop;		/* 0: release, 1: drop */
	uint8_t ttl_slack;
	uint8_t fast_pct;
	uint8_t drop_score;
	uint32_t forged4, forged6;	/* RO: sizes of the forged set */
	uint32_t held, queries, resolvers;	/* RO: the tables now */
};

#define NFG_DNS_ANSWERS_MAX	8	/* of each kind, as the module sends */
#define NFG_QNAME_MAX		256	/* presentation form, with its NUL */

/*
 * present: bit (1 << NFGATE_DNS_REPLY_A_*) set for each known attribute;
 * the repeated answers are counted in n4 and n6 instead.
 */
struct nfg_dns_reply {
	uint32_t present;
	uint8_t verdict;		/* enum nfgate_dns_verdict */
	uint32_t signals;		/* NFGATE_DNS_SIG_* */
	uint32_t resolver, client;	/* network byte order */
	char uplink[IFNAMSIZ];
	char qname[NFG_QNAME_MAX];
	uint16_t qtype;
	uint8_t ip_ttl;
	uint16_t ip_id;
	uint8_t df;			/* 0/1 */
	uint16_t flags;			/* DNS header flags */
	uint32_t lead_us;
	uint8_t n4, n6;			/* answers kept (more are ignored) */
	uint32_t answer4[NFG_DNS_ANSWERS_MAX];	/* network byte order */
	uint8_t answer6[NFG_DNS_ANSWERS_MAX][16];
};

/*
 * present: bit (1 << NFGATE_STAT_*) set for each counter received; 64 bits,
 * the counters outgrew 32 with the DNS reply check (NFG_STAT_HAS()).
 */
struct nfg_stats {
	uint64_t present;
	uint64_t counter[NFGATE_STAT_MAX + 1];
};

#define NFG_HAS(obj, attr)	(!!((obj)->present & (1U << (attr))))
#define NFG_MARK(obj, attr)	((obj)->present |= 1U << (attr))
#define NFG_STAT_HAS(st, i)	(!!((st)->present & (1ULL << (i))))

/* One decoded message of the family: a reply or an event. */
struct nfg_msg {
	uint8_t cmd;
	bool has_lan, has_uplink, has_stats, has_event, has_generation;
	bool has_settings, has_forward, has_flushed, has_resets;
	bool has_dns, has_dns_reply, has_host;
	struct nfg_lan lan;
	struct nfg_uplink uplink;
	struct nfg_stats stats;
	struct nfg_settings settings;
	struct nfg_forward forward;
	struct nfg_dns dns;		/* DNS_GET; events DNS and FORGED */
	struct nfg_dns_reply dns_reply;	/* event DNS_FORGED */
	struct nfg_host host;		/* HOST_GET */
	uint32_t event;			/* enum nfgate_event */
	uint32_t generation;
	uint32_t flushed, resets;	/* NFGATE_EVENT_UPLINK_FLUSH */
};

/*
 * One attribute of a nested object: its snake_case name (used by the JSON,
 * monitor and dump output and in error messages), wire type and place in
 * the struct. The tables below drive parsing, building and printing, so the
 * three can not disagree.
 */
enum nfg_ftype {
	NFG_F_STRING,	/* NLA_NUL_STRING, char[IFNAMSIZ] */
	NFG_F_U8,
	NFG_F_U32,
	NFG_F_U64,
	NFG_F_IN4,	/* NLA_BE32, uint32_t network order */
	NFG_F_ADMIN,	/* NLA_U8, enum nfgate_admin_state */
	NFG_F_OPER,	/* NLA_U8, enum nfgate_oper_state */
	NFG_F_BOOL,	/* NLA_U8 0/1, uint8_t; JSON true/false */
	NFG_F_PROTO,	/* NLA_U8, IPPROTO_TCP/UDP as "tcp"/"udp" */
	NFG_F_BE16,	/* NLA_BE16, uint16_t in host order */
	NFG_F_MARK,	/* NLA_U32, a mark: hex in text, a number in JSON */
	NFG_F_HSTATE,	/* NLA_U8, enum nfgate_health_state */
	NFG_F_HREASON,	/* NLA_U8, enum nfgate_health_reason */
	NFG_F_PCT100,	/* NLA_U32 in 1/100 %, shown as a percentage (12.5) */
	NFG_F_USEC,	/* NLA_U32 in us, shown in ms (23.456) */
	NFG_F_U16,	/* NLA_U16, uint16_t */
	NFG_F_HEX16,	/* NLA_U16, hex in text (0x8180), a number in JSON */
	NFG_F_DNSMODE,	/* NLA_U8, enum nfgate_dns_mode: "off", "log", ... */
	NFG_F_EXPIRE,	/* NLA_U8 0/1 (EXPIRE_DROP) as "release"/"drop" */
	NFG_F_VERDICT,	/* NLA_U8, enum nfgate_dns_verdict */
	NFG_F_SIGNALS,	/* NLA_U32, NFGATE_DNS_SIG_* bits: "fast,disagree" in
			 * text, a JSON array of names */
	NFG_F_QNAME,	/* NLA_NUL_STRING, char[NFG_QNAME_MAX] */
	NFG_F_QTYPE,	/* NLA_U16, a DNS type: "A", "AAAA", ... or its number */
};

struct nfg_field {
	const char *key;
	uint16_t attr;
	enum nfg_ftype type;
	size_t offset;
	bool writable;		/* sent in a SET; the others are RO */
};

extern const struct nfg_field nfg_lan_fields[];
extern const size_t nfg_lan_nfields;
extern const struct nfg_field nfg_uplink_fields[];
extern const size_t nfg_uplink_nfields;
extern const struct nfg_field nfg_settings_fields[];
extern const size_t nfg_settings_nfields;
extern const struct nfg_field nfg_forward_fields[];
extern const size_t nfg_forward_nfields;
extern const struct nfg_field nfg_dns_fields[];
extern const size_t nfg_dns_nfields;
extern const struct nfg_field nfg_host_fields[];
extern const size_t nfg_host_nfields;
extern const struct nfg_field nfg_dns_reply_fields[];
extern const size_t nfg_dns_reply_nfields;

const struct nfg_field *nfg_uplink_field(uint16_t attr);
const struct nfg_field *nfg_lan_field(uint16_t attr);
const struct nfg_field *nfg_settings_field(uint16_t attr);
const struct nfg_field *nfg_forward_field(uint16_t attr);
const struct nfg_field *nfg_dns_field(uint16_t attr);

/* Numeric value of a field of obj (0 for strings). */
uint64_t nfg_field_uint(const void *obj, const struct nfg_field *f);
/* Stores v into a numeric field of obj (truncated to its width). */
void nfg_field_set_uint(void *obj, const struct nfg_field *f, uint64_t v);
/* String value of a NFG_F_STRING field. */
const char *nfg_field_str(const void *obj, const struct nfg_field *f);

/* Adds NFGATE_A_LAN / NFGATE_A_UPLINK with the present writable fields. */
void nfg_lan_put(struct nlmsghdr *nlh, const struct nfg_lan *lan);
void nfg_uplink_put(struct nlmsghdr *nlh, const struct nfg_uplink *up);
/* Adds NFGATE_A_SETTINGS / NFGATE_A_FORWARD likewise. */
void nfg_settings_put(struct nlmsghdr *nlh, const struct nfg_settings *s);
void nfg_forward_put(struct nlmsghdr *nlh, const struct nfg_forward *fw);
/* Adds NFGATE_A_DNS with the present writable fields. */
void nfg_dns_put(struct nlmsghdr *nlh, const struct nfg_dns *dns);

/*
 * Decodes a message of the family (nlmsghdr + genlmsghdr + attributes).
 * Unknown attributes are skipped (newer kernels may add some); a known one
 * with a wrong length makes the message malformed: -EINVAL.
 */
int nfg_msg_parse(const struct nlmsghdr *nlh, struct nfg_msg *msg);

/* Names, snake_case; NULL when out of range. */
const char *nfg_stat_name(unsigned int stat);
const char *nfg_admin_name(unsigned int admin);
const char *nfg_oper_name(unsigned int oper);
const char *nfg_event_name(unsigned int event);
const char *nfg_proto_name(unsigned int proto);	/* "tcp", "udp" */
const char *nfg_health_state_name(unsigned int state);	/* "unknown", "up", ... */
const char *nfg_health_reason_name(unsigned int reason);	/* "none", "probes_lost", ... */
const char *nfg_dns_mode_name(unsigned int mode);	/* "off", "log", "drop", "inherit" */
const char *nfg_dns_verdict_name(unsigned int verdict);	/* "pass", "superseded", ... */
const char *nfg_dns_signal_name(unsigned int bit);	/* bit 0..: "addr", "ttl", ... */
const char *nfg_dns_qtype_name(unsigned int qtype);	/* "A", "AAAA", ...; NULL: unknown */
/* "fast,disagree"; "-" for none; unknown bits as their value ("0x40"). */
void nfg_dns_signals_str(char *buf, size_t len, uint32_t signals);

/* Name of attribute attr inside nest top (NFGATE_A_*), for error messages. */
const char *nfg_attr_name(uint16_t top, uint16_t attr);
/* Name of a top-level nest: "lan", "uplink", "settings", "forward", "dns", ... */
const char *nfg_top_name(uint16_t top);

#endif
