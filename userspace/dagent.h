/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nfgated's part of the DNS reply check: the forged-address set and what
 * it learns. (The check's settings are config, applied by apply.c.)
 *
 * With a [dns] section the agent owns the module's forged set: at start
 * and on every reload the set is made to hold exactly the entries of
 * forged_file and learned_file (a diff: FORGED_DEL of the stale entries,
 * FORGED_ADD of the missing ones). Without [dns] the set is left alone.
 *
 * Learning. The agent listens to DNS_FORGED events. A reported reply's
 * IPv4 answers are learned only on strong evidence (dl_strong()): the
 * module saw another reply to the same query with other answers
 * (DISAGREE) and this reply lost to it (SUPERSEDED) or was contradicted
 * by it after passing (LATE), and it had a signal of its own besides
 * (TTL, SHAPE, FAST or IPHDR). DISAGREE alone is a resolver answering a
 * retransmitted query twice from a rotating pool; an answer already in
 * the set (ADDR) says nothing about the others. Replies to canary probes
 * are forged by definition (canary.c). Addresses that can not be an
 * injector's answer worth learning are skipped (dl_learnable()): 0/8,
 * loopback, multicast and above, the LAN subnet. IPv6 answers are never
 * learned: the module holds NFGATE_FORGED6_MAX prefixes, and the GFW's
 * are in Teredo (data file).
 *
 * Learned addresses are batched: at most once per DA_FLUSH_MS one
 * FORGED_ADD (each change rebuilds the module's set) and one rewrite of
 * learned_file (a temporary file in the same directory, fsync, rename).
 * Each line of learned_file carries a comment saying when and from what
 * the address was learned. At most DL_LEARNED_MAX entries are learned.
 */
#ifndef NFG_DAGENT_H
#define NFG_DAGENT_H

#include "config.h"
#include "forgedset.h"
#include "ipc.h"

#define DA_TICK_MS	100
#define DA_FLUSH_MS	1000
#define DA_REOPEN_MS	5000
#define DL_LEARNED_MAX	4096
#define DL_NOTE_MAX	320

struct loop;
struct canary;

/* One learned address and why. */
struct dl_entry {
	uint32_t addr;			/* network byte order */
	char note[DL_NOTE_MAX];
};

struct dl_learned {
	struct dl_entry *e;
	size_t n, cap;
};

struct dagent {
	struct loop *loop;
	struct nfg_ipc_lazy k;		/* requests */
	struct nfg_ipc ev;		/* events */
	bool ev_ok;
	int tfd;
	bool on;			/* the config has [dns] */
	struct nfg_conf_dns conf;	/* forged: not owned (the config's) */
	struct nfg_forged_set data;	/* a copy of forged_file's entries */
	uint32_t lan_addr, lan_mask;	/* network byte order */
	struct dl_learned learned;
	struct nfg_forged_set pending;	/* learned, not in the kernel yet */
	bool dirty;			/* learned_file to be written */
	bool full_logged;
	bool synced;			/* the kernel's set matched at least once */
	bool unsupported;		/* a module without the DNS check */
	uint64_t next_sync_ms;		/* after a failed sync */
	uint64_t last_flush_ms;
	struct canary *canary;		/* NULL: no canary probes */
	/* the tests read the clock through this */
	uint64_t (*now_ms)(void);
};

/* Starts the DNS part for cfg: sync of the set, events, canary. 0 or -errno. */
int dagent_start(struct dagent *da, struct loop *loop, const struct nfg_config *cfg,
		 int (*ipc_open)(struct nfg_ipc *ipc));
/* After a reload: learned entries are kept, the set is synced again. */
void dagent_reconfigure(struct dagent *da, const struct nfg_config *cfg);
/* Writes what is pending and stops. */
void dagent_stop(struct dagent *da);
/* One tick (the timerfd calls it; tests may too): flushes learned entries. */
void dagent_tick(struct dagent *da);
/* One event of the module (tests may call it). data: the struct dagent. */
void dagent_event(const struct nfg_msg *msg, void *data);
/*
 * Learns the IPv4 answers of r (those dl_learnable() and not known yet),
 * with why in their note. Returns how many were new.
 */
size_t dagent_learn(struct dagent *da, const struct nfg_dns_reply *r, const char *why);

/* The learning rule, pure. */
bool dl_strong(uint8_t verdict, uint32_t signals);
bool dl_learnable(uint32_t addr, uint32_t lan_addr, uint32_t lan_mask);

/*
 * learned_file. dl_load() keeps what it can: a bad line is skipped with a
 * warning in warns ("FILE:LINE: reason"), a missing file is empty.
 * 0, or -errno if the file can not be read at all. dl_save() writes
 * atomically (FILE.tmp, fsync, rename), creating the directory if needed.
 */
int dl_load(const char *path, struct dl_learned *l, struct nfg_errors *warns);
int dl_save(const char *path, const struct dl_learned *l);
bool dl_has(const struct dl_learned *l, uint32_t addr);
int dl_add(struct dl_learned *l, uint32_t addr, const char *note);
void dl_free(struct dl_learned *l);

#endif
