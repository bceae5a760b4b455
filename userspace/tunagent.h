/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nfgated's shadowsocks tunnel ([tunnel] and [server NAME] of the config):
 *
 * - One ss-redir per server (TCP, and UDP through TPROXY with udp = yes),
 *   on local ports local_port + index, and one ss-tunnel (DNS forwarded to
 *   dns_resolver) through the active server when dns_listen is set. Their
 *   config files are written mode 0600 in run_dir, so the password never
 *   shows in a command line (ss-redir -c FILE) or in the log. A child that
 *   dies is restarted after a backoff (TA_BACKOFF_MIN_MS doubling up to
 *   TA_BACKOFF_MAX_MS, back to the minimum after TA_BACKOFF_RESET_MS of
 *   life).
 * - Each server is checked end to end every check_interval_ms: a TCP
 *   connection to `check` from a socket marked check_mark + N, which the
 *   module redirects into server N's ss-redir; a check passes when the
 *   target's first byte comes back (a DNS query for port 53, an HTTP HEAD
 *   otherwise) within check_timeout_ms. check_fails failures in a row: the
 *   server is down (after a failure the next check comes after
 *   check_retry_ms); check_oks successes: up; its ss-redir dying: down at
 *   once. Failures in the first TA_START_GRACE_MS of an ss-redir do not
 *   count (it may not listen yet).
 * - The servers are in order of preference (file order): the active one is
 *   the first that is up, except that one coming back after a down takes
 *   over from a working active server only after failback_ms; none up: the
 *   tunnel is down and the module applies `fail` (open: direct, closed:
 *   dropped). Everything is pushed to
 *   the module (TUNNEL_SET) at once on a change, RTT-only changes at most
 *   every TA_PUSH_MIN_MS.
 * - With udp = yes: the policy rule "fwmark udp_mark/udp_mark lookup
 *   udp_table" (priority udp_pref) and the route "local 0.0.0.0/0 dev lo
 *   table udp_table", by rtnetlink, so TPROXYed packets reach ss-redir.
 * - The prefix lists are loaded when the kernel's tag differs.
 * On exit the children are stopped, the tunnel is reported down (the
 * module keeps its configuration and applies `fail`), the rule and route
 * are removed.
 */
#ifndef NFG_TUNAGENT_H
#define NFG_TUNAGENT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "config.h"
#include "ipc.h"
#include "tunnel.h"

#define TA_TICK_MS		25
#define TA_BACKOFF_MIN_MS	250
#define TA_BACKOFF_MAX_MS	30000
#define TA_BACKOFF_RESET_MS	10000
#define TA_FIRST_CHECK_MS	150	/* after ss-redir starts */
#define TA_START_GRACE_MS	2000	/* failed checks then do not count */
#define TA_PUSH_MIN_MS		1000
#define TA_STOP_GRACE_MS	1000
#define TA_LOG_LINES		10	/* a child's lines logged per ... */
#define TA_LOG_WINDOW_MS	10000	/* ... window, the others counted */

struct loop;
struct tagent;

struct ta_child {
	char label[48];			/* "ss-redir[hk1]" */
	char conf[NFG_TUNNEL_PATH_MAX + 64];
	const char *prog;
	pid_t pid;			/* 0: not running */
	int outfd;			/* its stdout and stderr, -1 */
	char out[512];
	size_t outlen;
	uint64_t log_window_ms;
	uint32_t log_lines, log_dropped;
	uint64_t started_ms;
	uint64_t restart_ms;		/* when to start it again, 0: now */
	uint32_t backoff_ms;
	struct tagent *ta;
};

/* The health of one server: pure, host-tested (tests/test_tunnel.c). */
struct ta_health {
	uint8_t state;			/* enum nfgate_tunnel_state */
	uint32_t oks, fails;		/* in a row */
	uint32_t rtt_us;
	bool ever_up;
	bool was_down;			/* up again after failing once up */
	uint64_t up_since_ms;
};

/* A check result at @now: true when the state changed. */
bool ta_health_result(struct ta_health *h, bool ok, uint32_t rtt_us, uint32_t oks,
		      uint32_t fails, uint64_t now);
/* The process died (or was restarted): down at once; true if it changed. */
bool ta_health_dead(struct ta_health *h);
/*
 * The active server (index + 1, 0: none), servers in order of preference:
 * while the active one is up, a server before it takes over once it is up,
 * unless it failed after being up: then after failback_ms of being up
 * again; while the active one is not up, the first server that is.
 */
unsigned int ta_select_active(unsigned int active, const struct ta_health *h, size_t n,
			      uint64_t now, uint32_t failback_ms);

struct ta_server {
	struct nfg_conf_server conf;
	struct ta_child redir;
	struct ta_health h;
	int fd;				/* check in progress, -1 */
	bool sent;
	uint64_t check_start_ms;
	uint64_t next_check_ms;
	char why[64];			/* last failure */
	struct tagent *ta;
	unsigned int idx;
};

struct tagent {
	struct loop *loop;
	int (*ipc_open)(struct nfg_ipc *ipc);
	struct nfg_conf_tunnel conf;	/* lists not owned (n = 0) */
	struct ta_server srv[NFGATE_TUNNEL_SERVERS_MAX];
	size_t n;
	struct ta_child dns;		/* ss-tunnel, when dns_listen */
	unsigned int dns_for;		/* the active server it was started for */
	unsigned int active;		/* index + 1, 0: none */
	bool dirty;			/* push at the next tick */
	bool rtt_dirty;
	uint64_t pushed_ms;
	bool kernel_ok;			/* the module has the tunnel commands */
	bool rule_added, route_added;
	int tfd;
	uint64_t (*now_ms)(void);
};

/* Starts the tunnel of cfg (cfg->has_tunnel); 0 or -errno. */
int tagent_start(struct tagent *ta, struct loop *loop, const struct nfg_config *cfg,
		 int (*ipc_open)(struct nfg_ipc *ipc));
/*
 * After a reload: restarts everything if the tunnel's processes or checks
 * change, else reloads the lists that changed and pushes the rest.
 */
void tagent_reconfigure(struct tagent *ta, const struct nfg_config *cfg);
void tagent_stop(struct tagent *ta);
/* No [tunnel] in the config: remove the kernel's, if any. */
void tagent_remove(int (*ipc_open)(struct nfg_ipc *ipc));
/* One tick (the timerfd calls it). */
void tagent_tick(struct tagent *ta);
/* Writes the JSON config of ss-redir / ss-tunnel for server s; 0 or -errno. */
int ta_write_conf(const char *path, const struct nfg_conf_tunnel *t,
		  const struct nfg_conf_server *s, unsigned int idx, bool dns);

#endif
