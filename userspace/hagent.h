/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nfgated's link health: for each [uplink] a health engine (health.c), a
 * prober (probe.c) when it has track hosts, the rtnetlink watcher
 * (rtnl.c), and the kernel side: the verdicts pushed with UPLINK_SET
 * (HEALTH, HEALTH_STATE, HEALTH_REASON, PROBE_LOSS, PROBE_RTT_US,
 * PROBE_JITTER_US), the SYN counters read by an UPLINK_GET dump every
 * HA_SAMPLE_MS while passive detection is on for some uplink.
 *
 * Pushes: at once when the state or reason changes or the score moves by
 * HA_BIG_CHANGE or more; other changes (loss, RTT, small score moves) at
 * most once per HA_PUSH_MIN_MS. An uplink without track hosts has no
 * probes: its health is left alone ("as set"), unless passive detection
 * (on by default) finds it dead; then health 0 (down, passive), probation,
 * and the health it had is restored when it answers again.
 *
 * Everything runs in the agent's loop: one timerfd ticking every
 * HA_TICK_MS (probe rounds, timeouts, evaluation, sampling), the probe
 * sockets, the rtnetlink socket.
 */
#ifndef NFG_HAGENT_H
#define NFG_HAGENT_H

#include "config.h"
#include "health.h"
#include "ipc.h"
#include "probe.h"
#include "rtnl.h"

#define HA_TICK_MS	25
#define HA_SAMPLE_MS	100
#define HA_PUSH_MIN_MS	1000
#define HA_BIG_CHANGE	20	/* 2 % of NFGATE_HEALTH_MAX */
#define HA_REOPEN_MS	5000

struct loop;

struct ha_uplink {
	struct nfg_conf_uplink conf;
	struct hl_engine eng;
	struct hl_verdict v;
	struct prober pr;
	bool pr_open;
	bool owned;			/* track hosts: the agent owns health */
	unsigned int ifindex;		/* 0: absent */
	bool carrier;
	uint64_t next_probe_ms;
	bool pushed_valid;
	struct hl_verdict pushed;
	uint64_t pushed_ms;
	bool overriding;		/* no track: passive verdict in force */
	uint8_t logged_state;		/* for "up -> down" in the log */
	uint32_t kernel_health;		/* as last read, restored after it */
	uint64_t last_syn_answer_ms;	/* its SYN_ANSWERED last increased */
	uint64_t syn_answered;
	bool syn_seen;
	struct hagent *ha;
};

struct hagent {
	struct loop *loop;
	struct nfg_ipc_lazy k;
	struct rtnl rt;
	bool rt_ok;
	int tfd;
	struct ha_uplink **ups;
	size_t n;
	uint64_t last_sample_ms;
	bool no_syn_counters;		/* the module does not send them */
	uint16_t ident;
	/* the tests read the clock through this */
	uint64_t (*now_ms)(void);
};

/* Starts health tracking for cfg's uplinks; 0 or -errno. */
int hagent_start(struct hagent *ha, struct loop *loop, const struct nfg_config *cfg,
		 int (*ipc_open)(struct nfg_ipc *ipc));
/* After a reload: uplinks whose health settings did not change keep their state. */
void hagent_reconfigure(struct hagent *ha, const struct nfg_config *cfg);
void hagent_stop(struct hagent *ha);
/* One tick (the timerfd calls it; tests may too). */
void hagent_tick(struct hagent *ha);
/* What the rtnetlink watcher reports (tests may call it). */
void hagent_link(void *ctx, const char *ifname, unsigned int ifindex, bool present,
		 bool carrier);

#endif
