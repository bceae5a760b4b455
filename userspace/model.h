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
};

/* present: bit (1 << NFGATE_STAT_*) set for each counter received. */
struct nfg_stats {
	uint32_t present;
	uint64_t counter[NFGATE_STAT_MAX + 1];
};

#define NFG_HAS(obj, attr)	(!!((obj)->present & (1U << (attr))))
#define NFG_MARK(obj, attr)	((obj)->present |= 1U << (attr))

/* One decoded message of the family: a reply or an event. */
struct nfg_msg {
	uint8_t cmd;
	bool has_lan, has_uplink, has_stats, has_event, has_generation;
	struct nfg_lan lan;
	struct nfg_uplink uplink;
	struct nfg_stats stats;
	uint32_t event;			/* enum nfgate_event */
	uint32_t generation;
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

const struct nfg_field *nfg_uplink_field(uint16_t attr);
const struct nfg_field *nfg_lan_field(uint16_t attr);

/* Numeric value of a field of obj (0 for strings). */
uint64_t nfg_field_uint(const void *obj, const struct nfg_field *f);
/* String value of a NFG_F_STRING field. */
const char *nfg_field_str(const void *obj, const struct nfg_field *f);

/* Adds NFGATE_A_LAN / NFGATE_A_UPLINK with the present writable fields. */
void nfg_lan_put(struct nlmsghdr *nlh, const struct nfg_lan *lan);
void nfg_uplink_put(struct nlmsghdr *nlh, const struct nfg_uplink *up);

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

/* Name of attribute attr inside nest top (NFGATE_A_*), for error messages. */
const char *nfg_attr_name(uint16_t top, uint16_t attr);

#endif
