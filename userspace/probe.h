/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Probers of nfgated: one per tracked uplink, its sockets bound to the
 * uplink's device (SO_BINDTODEVICE: the module never steers them, so a
 * probe leaves through that uplink whatever the policy). A round goes to
 * every track host; it is answered when any of them answers (the first
 * answer gives the RTT): one host down is no evidence against the link,
 * all of them silent is.
 *
 *  - icmp: echo requests on a raw socket (root), identifier per prober, the
 *    round number in the sequence and the payload; only echo replies of a
 *    track host with our identifier count.
 *  - tcp:PORT: a nonblocking connect() per host; connected or refused (a
 *    RST) within the timeout: reachable. Closed with a RST (SO_LINGER 0).
 *  - dns:NAME: a UDP query (type A) per host to port 53, the id the low 16
 *    bits of the round; any reply from that host and port with that id.
 *
 * All sockets are nonblocking and registered in the agent's loop (or, with
 * loop NULL, polled by the caller through prober_fd()/prober_input()). A
 * device that goes away and comes back has a new ifindex: close and open
 * the prober again (SO_BINDTODEVICE binds to the ifindex).
 */
#ifndef NFG_PROBE_H
#define NFG_PROBE_H

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>

#include "config.h"

struct loop;

#define PROBER_TCP_MAX	64	/* connects in flight */
#define PROBER_SENT	64	/* rounds remembered for their send time */

typedef void (*prober_cb)(void *ctx, uint32_t round, uint32_t rtt_us);

struct prober {
	struct nfg_probe_conf conf;
	char ifname[IFNAMSIZ];
	int fd;				/* icmp / dns socket, -1 */
	uint16_t ident;
	struct loop *loop;
	prober_cb cb;
	void *ctx;
	struct {
		uint32_t round;
		uint64_t sent_us;
	} sent[PROBER_SENT];
	uint32_t nsent;
	struct prober_tcp {
		int fd;			/* -1: free */
		uint32_t round;
		uint32_t host;
		uint64_t sent_us;
		struct prober *pr;
	} tcp[PROBER_TCP_MAX];
};

/* 0 or -errno (socket, bind to device). */
int prober_open(struct prober *pr, const char *ifname, const struct nfg_probe_conf *conf,
		uint16_t ident, struct loop *loop, prober_cb cb, void *ctx);
void prober_close(struct prober *pr);
/* Sends round to every track host: the number sent, or -errno if none was. */
int prober_send(struct prober *pr, uint32_t round, uint64_t now_us);
/* Gives up TCP connects older than timeout_ms. */
void prober_expire(struct prober *pr, uint64_t now_us, uint32_t timeout_ms);
/* The icmp/dns socket (-1 for tcp) and its handler, for a caller without loop. */
int prober_fd(const struct prober *pr);
void prober_input(struct prober *pr, uint64_t now_us);
/* CLOCK_BOOTTIME in us */
uint64_t prober_now_us(void);

#endif
