/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The shadowsocks tunnel in userspace: the kernel object (NFGATE_A_TUNNEL)
 * and its netlink form, the commands (TUNNEL_GET/SET/DEL, PREFIXES_LOAD in
 * chunks, TUNNEL_LOOKUP), prefix list files, and the [tunnel] / [server]
 * part of the configuration. Shared by nfgate and nfgated.
 */
#ifndef NFG_TUNNEL_H
#define NFG_TUNNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/nfgate.h>

struct nfg_ipc;
struct nfg_errors;
struct nlattr;
struct nlmsghdr;

/* One server as the kernel holds it. Ports in host order. */
struct nfg_tsrv {
	char name[NFGATE_TUNNEL_NAME_MAX];
	uint32_t addr;			/* network byte order */
	uint16_t port, redir_port, udp_port;
	uint8_t state;			/* enum nfgate_tunnel_state */
	uint32_t rtt_us;
	uint64_t since_ms;		/* CLOCK_BOOTTIME, RO */
	uint64_t redirected;		/* RO */
};

struct nfg_tlist {
	bool present;
	uint32_t prefixes, ranges, build_us;
	uint64_t tag;
	bool loading;
	uint32_t staged;
};

/*
 * present: bit (1 << NFGATE_TUNNEL_A_*) for each attribute known (GET) or
 * to send (SET; NFGATE_TUNNEL_A_SERVERS sends the whole server list).
 */
struct nfg_tunnel {
	uint32_t present;
	uint8_t enabled, state, fail, active, udp;
	uint32_t udp_mark, check_mark;
	uint64_t since_ms;
	uint32_t flows;
	size_t n_servers;
	struct nfg_tsrv servers[NFGATE_TUNNEL_SERVERS_MAX];
	struct nfg_tlist list[__NFGATE_LIST_LAST];
};

int nfg_tunnel_parse(const struct nlattr *nest, struct nfg_tunnel *t);
void nfg_tunnel_put(struct nlmsghdr *nlh, const struct nfg_tunnel *t);

/* -ENOENT: no tunnel; -EOPNOTSUPP: a module without the tunnel. */
int nfg_ipc_tunnel_get(struct nfg_ipc *ipc, struct nfg_tunnel *t, uint32_t *gen);
int nfg_ipc_tunnel_set(struct nfg_ipc *ipc, const struct nfg_tunnel *t);
int nfg_ipc_tunnel_del(struct nfg_ipc *ipc);
int nfg_ipc_tunnel_lookup(struct nfg_ipc *ipc, uint32_t daddr, uint32_t saddr,
			  uint8_t *verdict, uint8_t *reason);

/* A prefix, host byte order (as struct ng_cidr4). */
struct nfg_prefix {
	uint32_t addr;
	uint8_t len;
};

struct nfg_prefixes {
	struct nfg_prefix *p;
	size_t n, cap;
};

/*
 * Replaces list @list with p[0..n): BEGIN, chunks of NFGATE_PREFIXES_CHUNK,
 * COMMIT with @tag. On an error the load is abandoned (the kernel keeps the
 * old list).
 */
int nfg_ipc_prefixes_load(struct nfg_ipc *ipc, uint8_t list,
			  const struct nfg_prefix *p, size_t n, uint64_t tag);

/*
 * "A.B.C.D/N" or "A.B.C.D" (a /32), host bits zero: 0, or -1 with the
 * reason in err.
 */
int nfg_parse_prefix(const char *s, struct nfg_prefix *out, char *err, size_t errlen);
/* Appends to ps; 0 or -ENOMEM. */
int nfg_prefixes_add(struct nfg_prefixes *ps, const struct nfg_prefix *p);
/*
 * Reads a list file: one prefix a line, blank lines and '#' comments (also
 * after a prefix) allowed. Every error as "FILE:LINE: reason" in errs;
 * 0, or -1 (ps then holds what was read before). At most
 * NFGATE_PREFIXES_MAX prefixes in all.
 */
int nfg_prefixes_read(const char *path, struct nfg_prefixes *ps, struct nfg_errors *errs);
/* "a/b, c/d e/f": commas and/or blanks; 0 or -1 with err. */
int nfg_prefixes_parse_list(const char *s, struct nfg_prefixes *ps, char *err,
			    size_t errlen);
void nfg_prefixes_free(struct nfg_prefixes *ps);
/* FNV-1a over the prefixes, never 0: NFGATE_PREFIXES_A_TAG. */
uint64_t nfg_prefixes_tag(const struct nfg_prefixes *ps);

/* Names, snake_case; NULL when out of range. */
const char *nfg_tunnel_state_name(unsigned int v);	/* unknown, up, down */
const char *nfg_tunnel_fail_name(unsigned int v);	/* open, closed */
const char *nfg_list_name(unsigned int v);	/* bypass, forward, src_bypass, src_forward */
const char *nfg_tunnel_verdict_name(unsigned int v);	/* direct, tunnel, blocked */
const char *nfg_tunnel_reason_name(unsigned int v);	/* off, local, ... default */
/* "src_bypass" or "src-bypass" -> NFGATE_LIST_SRC_BYPASS; -1 if unknown */
int nfg_list_lookup(const char *name);

/* --- configuration: [tunnel] and [server NAME] --------------------------- */

#define NFG_TUNNEL_DEFAULT_METHOD	"chacha20-ietf-poly1305"
#define NFG_TUNNEL_DEFAULT_LOCAL_PORT	1100
#define NFG_TUNNEL_DEFAULT_SERVER_PORT	8388
#define NFG_TUNNEL_DEFAULT_CHECK_MARK	0x00000200
#define NFG_TUNNEL_DEFAULT_UDP_TABLE	100
#define NFG_TUNNEL_DEFAULT_UDP_PREF	10000
#define NFG_TUNNEL_DEFAULT_RESOLVER	"8.8.8.8:53"
#define NFG_TUNNEL_DEFAULT_INTERVAL_MS	2000
#define NFG_TUNNEL_DEFAULT_TIMEOUT_MS	3000
#define NFG_TUNNEL_DEFAULT_RETRY_MS	250
#define NFG_TUNNEL_DEFAULT_FAILS	2
#define NFG_TUNNEL_DEFAULT_OKS		1
#define NFG_TUNNEL_DEFAULT_FAILBACK_MS	30000
#define NFG_TUNNEL_DEFAULT_RUN_DIR	"/run/nfgate"
#define NFG_TUNNEL_PASSWORD_MAX		256
#define NFG_TUNNEL_METHOD_MAX		32
#define NFG_TUNNEL_PATH_MAX		256

struct nfg_conf_server {
	char name[NFGATE_TUNNEL_NAME_MAX];
	int line;			/* of its [server NAME] header */
	uint32_t addr;			/* network byte order, 0: missing */
	uint16_t port;
	char password[NFG_TUNNEL_PASSWORD_MAX];	/* "": [tunnel]'s */
	char method[NFG_TUNNEL_METHOD_MAX];	/* "": [tunnel]'s */
	int key_line[4];		/* of each key given */
};

struct nfg_conf_tunnel {
	int line;			/* of [tunnel] */
	bool enabled;
	char method[NFG_TUNNEL_METHOD_MAX];
	char password[NFG_TUNNEL_PASSWORD_MAX];
	uint16_t local_port;		/* server i: local_port + i, TCP and UDP */
	bool udp;
	uint32_t udp_mark;
	uint32_t udp_table;
	uint32_t udp_pref;
	uint8_t fail;			/* enum nfgate_tunnel_fail */
	uint32_t check_addr;		/* network order */
	uint16_t check_port;
	bool check_given;
	uint32_t check_mark;
	uint32_t interval_ms, timeout_ms, retry_ms;
	uint32_t fails, oks;
	uint32_t failback_ms;
	uint32_t dns_listen_addr;	/* 0: no ss-tunnel */
	uint16_t dns_listen_port;
	uint32_t resolver_addr;
	uint16_t resolver_port;
	char run_dir[NFG_TUNNEL_PATH_MAX];
	char ss_redir[NFG_TUNNEL_PATH_MAX];
	char ss_tunnel[NFG_TUNNEL_PATH_MAX];
	char list_file[__NFGATE_LIST_LAST][NFG_TUNNEL_PATH_MAX];
	struct nfg_prefixes list[__NFGATE_LIST_LAST];	/* files + inline */
	struct nfg_conf_server servers[NFGATE_TUNNEL_SERVERS_MAX];
	size_t n_servers;
	int key_line[32];		/* line of each [tunnel] key given */
};

/* The defaults of every [tunnel] key. */
void nfg_conf_tunnel_defaults(struct nfg_conf_tunnel *t);
void nfg_conf_tunnel_free(struct nfg_conf_tunnel *t);
/*
 * Everything the agent's processes and checks depend on is the same (the
 * lists, enabled and fail aside: the kernel takes those as they are).
 */
bool nfg_conf_tunnel_same_run(const struct nfg_conf_tunnel *a,
			      const struct nfg_conf_tunnel *b);

/*
 * The keys of [tunnel] and [server NAME], for config.c: 0, or -1 with the
 * reason (without the key) in err; -2: no such key.
 */
int nfg_tunnel_key(struct nfg_conf_tunnel *t, const char *key, const char *val,
		   char *err, size_t errlen);
int nfg_server_key(struct nfg_conf_server *s, const char *key, const char *val,
		   char *err, size_t errlen);
/* "address, port, password, method" */
const char *nfg_tunnel_keys(void);
const char *nfg_server_keys(void);
/* Index of a [tunnel] key, -1 if unknown. */
int nfg_tunnel_key_index(const char *key);
/*
 * Cross-checks once the file is read (a server without address or
 * password, no server, ...): each problem as perr(line, msg) through cb.
 * Loads the list files.
 */
void nfg_conf_tunnel_check(struct nfg_conf_tunnel *t, const char *file,
			   struct nfg_errors *errs);

#endif
