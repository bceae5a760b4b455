/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An in-memory stand-in for the nfgate module behind struct nfg_ipc's
 * transport, following include/uapi/linux/nfgate.h: generic netlink
 * controller lookup, every command, strict validation with extended ACKs,
 * dumps (optionally flagged NLM_F_DUMP_INTR or split across datagrams),
 * events. Lets the host tests run the real ipc.c and apply.c code.
 */
#ifndef NFG_FAKE_KERNEL_H
#define NFG_FAKE_KERNEL_H

#include "ipc.h"
#include "tunnel.h"

#define FAKE_FAMILY_ID	0x21
#define FAKE_EVENTS_ID	7
#define FAKE_MAX_UPLINKS 16
#define FAKE_QUEUE	64
#define FAKE_MAX_FORWARDS 16
#define FAKE_DGRAM	16384	/* a datagram of replies */
#define FAKE_FORGED_CHUNK 256	/* entries per FORGED_GET message */
#define FAKE_MAX_HOSTS	8

struct fake_kernel {
	/* behaviour, set by the test */
	bool no_family;		/* module "not loaded" */
	int dump_intr;		/* flag the next N dumps NLM_F_DUMP_INTR */
	bool split;		/* one message per datagram */
	bool uncapped;		/* errors carry the whole request */
	bool perm_denied;	/* changes fail with EPERM */
	const char *refuse;	/* UPLINK_SET of this name fails */
	bool old_module;	/* no SETTINGS_* and FORWARD_* commands */
	bool old_health;	/* no link health attributes */
	bool old_dns;		/* no DNS_* and FORGED_* commands */
	int lossy_dump;		/* FORGED_GET leaves out this many IPv4 entries */
	uint64_t now_ms;	/* HEALTH_SINCE_MS stamps */

	/* state */
	bool has_lan;
	struct nfg_lan lan;
	struct nfg_uplink ups[FAKE_MAX_UPLINKS];
	size_t n;
	struct nfg_settings settings;	/* every field present */
	struct nfg_forward fws[FAKE_MAX_FORWARDS];
	size_t nfw;
	struct nfg_dns dns;	/* every field present */
	struct nfg_forged_set forged;	/* sorted */
	int forged_msgs;	/* FORGED_ADD/DEL requests */
	bool has_tunnel;	/* TUNNEL_GET answers tunnel, else -ENOENT */
	struct nfg_tunnel tunnel;	/* as the module reports it (RO parts too) */
	struct nfg_host hosts[FAKE_MAX_HOSTS];	/* HOST_GET, in this order */
	size_t nh;
	uint32_t generation;
	int dumps;		/* UPLINK_GET and FORGED_GET dumps started */
	char log[64][128];	/* "UPLINK_SET ppp0 tier weight admin",
				 * "SETTINGS_SET sticky_ms", "FORWARD_SET tcp 8080 ...",
				 * "FORWARD_DEL tcp 8080", "DNS_SET mode hold_ms",
				 * "FORGED_ADD 3 1" (IPv4, IPv6 entries),
				 * "FORGED_DEL 1 0", "FORGED_FLUSH" */
	int nlog;

	/* datagrams waiting for recv() */
	char q[FAKE_QUEUE][FAKE_DGRAM];
	size_t qlen[FAKE_QUEUE];
	int qhead, qtail;
	bool open;		/* a datagram is being filled */
};

/* Resets k and makes ipc talk to it; then call nfg_ipc_open_transport(). */
void fake_attach(struct fake_kernel *k, struct nfg_ipc *ipc);
/* Same, keeping the state of k (a new "socket" to the same kernel). */
void fake_connect(struct fake_kernel *k, struct nfg_ipc *ipc);
/* Queues an event carrying uplink up (or the LAN when up is NULL). */
void fake_event(struct fake_kernel *k, uint32_t event, const struct nfg_uplink *up);
/*
 * Queues any event: the objects msg has (has_lan, has_uplink, has_settings,
 * has_forward, has_dns, has_dns_reply; an uplink without "flows", as the
 * module sends them), the flushed/resets counts and the generation of k.
 */
void fake_event_msg(struct fake_kernel *k, const struct nfg_msg *msg);
/* Adds an uplink as the kernel would hold it. */
struct nfg_uplink *fake_add_uplink(struct fake_kernel *k, const char *ifname);
/* Adds a forward as the kernel would hold it (to_port = port). */
struct nfg_forward *fake_add_forward(struct fake_kernel *k, uint8_t proto,
				     uint16_t port, const char *to_addr);

#endif
