/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Canary probes of nfgated's DNS part.
 *
 * Every canary_interval_ms, a round: through each [uplink] (a UDP socket
 * bound to its device with SO_BINDTODEVICE, a fresh one, so a fresh
 * source port, per round, as the health probes in probe.c are bound) one
 * type A query, with a random ID, to canary_addr:53 for each canary name
 * and one for NFG_CANARY_CONTROL. canary_addr runs no DNS server, so any
 * reply is forged by definition: an on-path injector answered a name it
 * censors. Replies are awaited CANARY_WAIT_MS (at most half the
 * interval); then the round is judged:
 *
 *  - a reply for the control name (never censored) means something on
 *    that path answers every query (a transparent DNS proxy, or
 *    canary_addr runs a server after all): nothing of that uplink's round
 *    is learned, a warning is logged;
 *  - otherwise every reply is logged on one line with its fingerprint (DNS
 *    flags, IP TTL, IP ID, DF) and, with learn = yes, its IPv4 answers go
 *    into the forged set and learned_file (dagent_learn(): the same
 *    filter, batching and notes as learning from the module).
 *
 * Replies are read from the UDP sockets (IP_RECVTTL gives the TTL) and,
 * when the agent may open one (CAP_NET_RAW), from a raw UDP socket with a
 * BPF filter (source canary_addr, port 53) that sees the IP header too:
 * IP ID and DF. The module judges these replies like any other (the probes
 * are the router's own queries): one it drops never reaches a socket, but
 * its DNS_FORGED event does, and canary_report() takes it for the round.
 *
 * The parts that need no socket are pure and host-tested:
 * canary_query(), canary_parse_reply() (common/dns.c's parser),
 * canary_parse_ip().
 */
#ifndef NFG_CANARY_H
#define NFG_CANARY_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "model.h"

#define CANARY_WAIT_MS	2000
#define CANARY_SLOTS	(NFG_CANARY_NAMES_MAX + 1)	/* the names, the control */
#define CANARY_QUERY_MAX	(12 + NFG_DNS_NAME_MAX + 2 + 4)

struct dagent;
struct loop;

/* The injector's fingerprint. */
struct canary_fp {
	bool has_ttl;
	uint8_t ttl;
	bool has_ip;			/* IP ID and DF known (raw socket) */
	uint16_t ip_id;
	bool df;
};

/* What a reply says. */
struct canary_reply {
	uint16_t id;
	uint16_t flags;			/* DNS header flags */
	uint16_t rcode;
	uint8_t n4, n6;			/* answers kept, NFG_DNS_ANSWERS_MAX each */
	uint32_t a[NFG_DNS_ANSWERS_MAX];	/* network byte order */
	uint8_t aaaa[NFG_DNS_ANSWERS_MAX][16];
};

/*
 * A type qtype query with RD for name (presentation form, as validated by
 * the config) into buf: its length, 0 if it does not fit.
 */
size_t canary_query(uint8_t *buf, size_t len, uint16_t id, const char *name, uint16_t qtype);
/*
 * A reply to the query canary_query() built: a response (QR), the ID, one
 * question for name (any case) and qtype. 0, -EBADMSG if it does not
 * parse, -ENOENT if it answers something else.
 */
int canary_parse_reply(const uint8_t *pkt, size_t len, uint16_t id, const char *name,
		       uint16_t qtype, struct canary_reply *out);
/*
 * An IPv4 datagram as a raw socket reads it: 0 with the UDP ports, the
 * source, the payload and the fingerprint; -EBADMSG if it is not a whole
 * unfragmented UDP datagram.
 */
int canary_parse_ip(const uint8_t *pkt, size_t len, uint32_t *src, uint16_t *sport,
		    uint16_t *dport, const uint8_t **payload, size_t *plen,
		    struct canary_fp *fp);

/* One query of a round and what answered it. */
struct canary_slot {
	const char *name;		/* a canary name or NFG_CANARY_CONTROL */
	uint16_t id;
	bool sent, answered;
	uint64_t sent_ms, answered_ms;
	char via[32];			/* "socket", "module (drop)", ... */
	struct canary_fp fp;
	struct nfg_dns_reply rep;	/* answers, flags, qname, uplink, resolver */
};

struct canary_link {
	char ifname[IFNAMSIZ];
	int fd;				/* this round's socket, -1 */
	uint16_t port;			/* its local port, host order */
	int last_err;			/* of opening it, logged on change */
	struct canary_slot slot[CANARY_SLOTS];
	struct canary *c;
};

struct canary {
	struct dagent *da;		/* NULL in the tests of the round alone */
	struct loop *loop;
	uint32_t addr;			/* canary_addr, network byte order */
	uint32_t interval_ms, wait_ms;
	char names[NFG_CANARY_NAMES_MAX][NFG_DNS_NAME_MAX + 1];
	size_t nnames;
	bool learn;
	struct canary_link *links;
	size_t nlinks;
	int raw;			/* -1: none */
	bool raw_logged;
	bool open;			/* a round is running */
	uint64_t round_ms, next_ms;
	uint32_t rounds;
	/* what the last round found, for the tests */
	size_t last_replies, last_learned, last_skipped;
};

/* The probes of conf (NULL without canary_names), through cfg's uplinks. */
struct canary *canary_new(struct dagent *da, const struct nfg_conf_dns *conf,
			  const struct nfg_config *cfg);
void canary_free(struct canary *c);
/* Starts a round when it is time, judges it when its wait is over. */
void canary_tick(struct canary *c, uint64_t now_ms);
/*
 * A DNS_FORGED event: true if it is a reply from canary_addr (taken for
 * the round if one is running), false if it is none of the canary's.
 */
bool canary_report(struct canary *c, const struct nfg_dns_reply *r);
/* What the sockets received so far (the loop calls it; tests may too). */
void canary_input(struct canary *c);

#endif
