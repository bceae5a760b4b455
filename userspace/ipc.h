/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Transport to the nfgate generic netlink family. Every function returns 0
 * or a negative errno; after a kernel error, ipc->extack holds the kernel's
 * extended ACK message (may be empty). Shared by nfgate and nfgated.
 */
#ifndef NFG_IPC_H
#define NFG_IPC_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "forgedset.h"
#include "model.h"

/* The family is not registered: the module is not loaded. */
#define NFG_ENOFAMILY	4096
/* A dump raced configuration changes more than NFG_DUMP_RETRIES times. */
#define NFG_EDUMPINTR	4097
#define NFG_DUMP_RETRIES 10
/* Dumps restarted after NLM_F_DUMP_INTR so far (NFGATE_DEBUG=1 shows it). */
extern unsigned long nfg_ipc_dump_restarts;
/*
 * The forged set's dump held fewer entries than the module's count of the
 * same generation (the dump of fa4e163 drops the entries of a message that
 * did not fit its buffer; the set itself is whole).
 */
#define NFG_EFORGEDDUMP	4098

#define NFG_IPC_BUFSIZE 32768
/* A request: room for NFGATE_FORGED_CHUNK entries of each kind. */
#define NFG_IPC_REQSIZE 40960

struct mnl_socket;
struct nlmsghdr;

struct nfg_ipc {
	struct mnl_socket *nl;
	uint16_t family_id;
	uint32_t events_group;		/* 0: the family has no such group */
	uint32_t trace_group;		/* likewise, "trace" */
	uint32_t seq;
	uint32_t portid;
	char extack[256];		/* kernel's message for the last error */
	/*
	 * Transport, the real socket by default. The host tests replace it
	 * with an in-memory fake kernel.
	 */
	ssize_t (*send)(struct nfg_ipc *ipc, const void *buf, size_t len);
	ssize_t (*recv)(struct nfg_ipc *ipc, void *buf, size_t len);
	void *priv;
	char *buf;			/* NFG_IPC_BUFSIZE */
	char req[NFG_IPC_REQSIZE];	/* last request, to name bad attributes */
};

/* Opens a socket (ext ack on, capped acks) and resolves the family. */
int nfg_ipc_open(struct nfg_ipc *ipc);
/* Only the socket part of nfg_ipc_open(). */
int nfg_ipc_socket(struct nfg_ipc *ipc);
/* Same, over the transport already set in ipc->send/recv. */
int nfg_ipc_open_transport(struct nfg_ipc *ipc);
void nfg_ipc_close(struct nfg_ipc *ipc);

/*
 * The agents' request socket: opened on first use, and after a transport
 * error closed and reopened, no more often than every backoff_ms.
 */
struct nfg_ipc_lazy {
	struct nfg_ipc ipc;
	int (*open)(struct nfg_ipc *ipc);
	uint64_t backoff_ms;
	uint64_t retry_ms;		/* 0: the last open, if any, worked */
	bool ok;
};

/*
 * 0 when l->ipc is open. Otherwise -EAGAIN, or the open's error when it is
 * the first failure since start or since the last success (to report once).
 */
int nfg_ipc_lazy_ready(struct nfg_ipc_lazy *l, uint64_t now);
/* After a transport error: closes, and reopens at the next ready(). */
void nfg_ipc_lazy_drop(struct nfg_ipc_lazy *l, uint64_t now);
void nfg_ipc_lazy_close(struct nfg_ipc_lazy *l);

int nfg_ipc_lan_get(struct nfg_ipc *ipc, struct nfg_lan *lan, uint32_t *gen);
int nfg_ipc_lan_set(struct nfg_ipc *ipc, const struct nfg_lan *lan);
int nfg_ipc_lan_del(struct nfg_ipc *ipc);
int nfg_ipc_uplink_get(struct nfg_ipc *ipc, const char *ifname,
		       struct nfg_uplink *up, uint32_t *gen);
/* Every uplink, restarting the dump on NLM_F_DUMP_INTR. *list: free(). */
int nfg_ipc_uplink_dump(struct nfg_ipc *ipc, struct nfg_uplink **list,
			size_t *n, uint32_t *gen);
int nfg_ipc_uplink_set(struct nfg_ipc *ipc, const struct nfg_uplink *up);
int nfg_ipc_uplink_del(struct nfg_ipc *ipc, const char *ifname);
int nfg_ipc_stats_get(struct nfg_ipc *ipc, struct nfg_stats *st, uint32_t *gen);
int nfg_ipc_settings_get(struct nfg_ipc *ipc, struct nfg_settings *s,
			 uint32_t *gen);
/* Sends only the settings marked present. */
int nfg_ipc_settings_set(struct nfg_ipc *ipc, const struct nfg_settings *s);
/* Every accounted LAN host, restarting on NLM_F_DUMP_INTR. *list: free(). */
int nfg_ipc_host_dump(struct nfg_ipc *ipc, struct nfg_host **list,
		      size_t *n, uint32_t *gen);
/* Every port forward, restarting on NLM_F_DUMP_INTR. *list: free(). */
int nfg_ipc_forward_dump(struct nfg_ipc *ipc, struct nfg_forward **list,
			 size_t *n, uint32_t *gen);
/* Creates or replaces the forward keyed by proto and port. */
int nfg_ipc_forward_set(struct nfg_ipc *ipc, const struct nfg_forward *fw);
int nfg_ipc_forward_del(struct nfg_ipc *ipc, uint8_t proto, uint16_t port);
/* The DNS reply check; set sends only the attributes marked present. */
int nfg_ipc_dns_get(struct nfg_ipc *ipc, struct nfg_dns *dns, uint32_t *gen);
int nfg_ipc_dns_set(struct nfg_ipc *ipc, const struct nfg_dns *dns);
/*
 * The whole forged set into *set (sorted), restarting on NLM_F_DUMP_INTR;
 * free it with nfg_forged_free(). The entries are counted against
 * DNS_GET's FORGED4/FORGED6 of the same generation: -NFG_EFORGEDDUMP if
 * the dump lost some (*set then holds what it got).
 */
int nfg_ipc_forged_dump(struct nfg_ipc *ipc, struct nfg_forged_set *set, uint32_t *gen);
/*
 * Adds (FORGED_ADD) or removes (FORGED_DEL) the entries of set, at most
 * NFGATE_FORGED_CHUNK of each kind per message; stops at the first error.
 * *done: entries the kernel took.
 */
int nfg_ipc_forged_change(struct nfg_ipc *ipc, bool del, const struct nfg_forged_set *set,
			  size_t *done);
/* FORGED_DEL without entries: empties the set. */
int nfg_ipc_forged_flush(struct nfg_ipc *ipc);

/*
 * The layer below the commands. nfg_ipc_msg() starts a request in ipc->req
 * (type: family id, genl cmd and version). nfg_ipc_request() sends it and
 * reads the reply until the ACK or NLMSG_DONE, calling cb for every message
 * of the request's type; *intr tells whether NLM_F_DUMP_INTR was seen.
 */
typedef int (*nfg_data_cb)(const struct nlmsghdr *nlh, void *data);
struct nlmsghdr *nfg_ipc_msg(struct nfg_ipc *ipc, uint16_t type, uint8_t cmd,
			     uint8_t version, uint16_t flags);
int nfg_ipc_request(struct nfg_ipc *ipc, struct nlmsghdr *nlh, nfg_data_cb cb,
		    void *data, bool *intr);

/* Joins the "events" multicast group. */
int nfg_ipc_subscribe(struct nfg_ipc *ipc);
/* Joins the "trace" multicast group (-ENOENT: a module without it). */
int nfg_ipc_subscribe_trace(struct nfg_ipc *ipc);
/* Turns the packet trace on with a filter (addr network order, 0: any;
 * port host order, 0: any), or off. */
int nfg_ipc_trace_set(struct nfg_ipc *ipc, bool on, uint32_t addr, uint16_t port);
/* File descriptor to poll for events; -1 with a fake transport. */
int nfg_ipc_fd(const struct nfg_ipc *ipc);
/*
 * Reads one datagram and calls cb for every NFGATE_CMD_EVENT in it.
 * -ENOBUFS: events were lost (the socket stays usable).
 */
int nfg_ipc_read_events(struct nfg_ipc *ipc,
			void (*cb)(const struct nfg_msg *msg, void *data),
			void *data);

/* Human text for an error returned above (errno or NFG_E*). */
const char *nfg_strerror(int err);

#endif
