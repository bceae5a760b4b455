/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The configuration model, the strict INI reader of nfgated's config file
 * and the argv parser of `nfgate set` / `nfgate del`. Both use the same
 * value parsers, so a value means the same thing in a file and on a
 * command line. Everything here is host-testable.
 */
#ifndef NFG_CONFIG_H
#define NFG_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <limits.h>

#include "forgedset.h"
#include "health.h"
#include "model.h"
#include "tunnel.h"

#define NFG_CONF_DEFAULT	"/etc/nfgate/nfgate.conf"
#define NFG_CONF_MAX_LINE	512	/* bytes, without the newline */
#define NFG_CONF_MAX_ERRORS	50

/* Defaults of an uplink key absent from the file: the kernel's defaults. */
#define NFG_DEFAULT_TIER	0
#define NFG_DEFAULT_WEIGHT	1
#define NFG_DEFAULT_ADMIN	NFGATE_ADMIN_UP

/*
 * Defaults of a [settings] key absent from the file: the kernel's (uapi
 * header). nfg_settings_defaults() fills every field and marks it present.
 */
#define NFG_DEFAULT_SKIP_MARK		0
#define NFG_DEFAULT_FAILOVER_RST	1
#define NFG_DEFAULT_STICKY_MS		0
void nfg_settings_defaults(struct nfg_settings *s);

/*
 * The kernel's defaults of the DNS reply check (uapi header): mode off,
 * router mode inherit, expire release, the NFGATE_DNS_DEFAULT_* values.
 * Every writable field filled and marked present.
 */
void nfg_dns_defaults(struct nfg_dns *d);

/* Link health probing of an [uplink] (keys: see nfgate.conf.example). */
#define NFG_TRACK_MAX		8
#define NFG_DNS_NAME_MAX	253
enum nfg_probe_kind { NFG_PROBE_ICMP, NFG_PROBE_TCP, NFG_PROBE_DNS };

struct nfg_probe_conf {
	uint8_t kind;			/* enum nfg_probe_kind, default ICMP */
	uint16_t port;			/* TCP */
	char dns_name[NFG_DNS_NAME_MAX + 1];	/* DNS: the name asked for */
	uint32_t track[NFG_TRACK_MAX];	/* network byte order */
	size_t ntrack;			/* 0: no probes */
};

#define NFG_UPLINK_KEYS_MAX	24

struct nfg_conf_uplink {
	struct nfg_uplink up;	/* ifname, tier, weight, admin; never health */
	int line;		/* of its [uplink NAME] header */
	struct nfg_probe_conf probe;
	struct hl_params hl;	/* hl.probes: track given */
	int key_line[NFG_UPLINK_KEYS_MAX];	/* line of each key given, 0 if absent */
};

/* "icmp", "tcp:443", "dns:example.com" */
void nfg_probe_describe(char *buf, size_t len, const struct nfg_probe_conf *pc);
/* Same health configuration (probes and engine parameters)? */
bool nfg_conf_uplink_health_equal(const struct nfg_conf_uplink *a,
				  const struct nfg_conf_uplink *b);

struct nfg_conf_forward {
	struct nfg_forward fw;	/* proto, port, to_addr, to_port (always:
				 * the port when not given), uplink if given */
	int line;		/* of its [forward PROTO PORT] header */
	int to_line, uplink_line;	/* of its keys, 0 if absent */
};

/*
 * [dns]: the DNS reply check (settings sent to the kernel; a key absent
 * means the kernel default, as for [settings]), the forged set's files,
 * learning and canary probes (keys: see nfgate.conf.example).
 */
#define NFG_LEARNED_DEFAULT	"/var/lib/nfgate/forged-learned.txt"
#define NFG_CANARY_NAMES_MAX	16
#define NFG_CANARY_CONTROL	"example.com"	/* never censored: a reply to
						 * it means the canary address
						 * answers every query */
#define NFG_CANARY_INTERVAL_DEFAULT	300000	/* ms */
#define NFG_CANARY_INTERVAL_MIN	1000
#define NFG_CANARY_INTERVAL_MAX	86400000
#define NFG_DNS_KEYS_MAX	16

struct nfg_conf_dns {
	struct nfg_dns dns;		/* present: the settings given */
	char forged_file[PATH_MAX];	/* "" with forged_file = none */
	struct nfg_forged_set forged;	/* its entries, sorted */
	char learned_file[PATH_MAX];
	bool learn;			/* default yes */
	char canary_names[NFG_CANARY_NAMES_MAX][NFG_DNS_NAME_MAX + 1];	/* lower case */
	size_t n_canary;
	uint32_t canary_addr;		/* network byte order, 0: none */
	uint32_t canary_interval_ms;
	int key_line[NFG_DNS_KEYS_MAX];	/* line of each key given, 0 if absent */
};

/*
 * The data file used when [dns] has no forged_file: NFG_FORGED_DEFAULT if
 * it is there, else data/forged.txt of the source tree the running binary
 * was built in (one or two directories above it), else NFG_FORGED_DEFAULT.
 */
void nfg_forged_default_path(char *buf, size_t len);

struct nfg_config {
	bool has_lan;
	struct nfg_lan lan;	/* ifname, addr, prefixlen */
	int lan_line;
	bool has_settings;
	struct nfg_settings settings;	/* present: the keys of [settings] */
	int settings_line;
	struct nfg_conf_uplink *uplinks;
	size_t n_uplinks;
	struct nfg_conf_forward *forwards;
	size_t n_forwards;
	bool has_dns;
	struct nfg_conf_dns dns;	/* defaults without [dns]: check off */
	int dns_line;
	bool has_tunnel;
	struct nfg_conf_tunnel tunnel;	/* [tunnel] and its [server NAME]s */
};

/* Error messages, each "FILE:LINE: reason" (or "FILE: reason"). */
struct nfg_errors {
	char **msg;
	size_t n;
};

void nfg_errors_add(struct nfg_errors *errs, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void nfg_errors_free(struct nfg_errors *errs);

/*
 * Reads and validates the whole file into cfg. Returns 0, or -1 with every
 * problem found in errs (cfg is then freed and must not be used).
 */
int nfg_config_load(const char *path, struct nfg_config *cfg,
		    struct nfg_errors *errs);
/*
 * Same, from an open stream; name is used in the messages. A [dns]
 * section's forged_file is read too, its errors reported as
 * "FORGED_FILE:LINE: reason".
 */
int nfg_config_parse(FILE *f, const char *name, struct nfg_config *cfg,
		     struct nfg_errors *errs);
void nfg_config_free(struct nfg_config *cfg);
const struct nfg_conf_uplink *nfg_config_uplink(const struct nfg_config *cfg,
						const char *ifname);
const struct nfg_conf_forward *nfg_config_forward(const struct nfg_config *cfg,
						  uint8_t proto, uint16_t port);

/*
 * Value parsers: 0, or -1 with the reason (without the key) in err, e.g.
 * "5000 is out of range 0..1000".
 */
int nfg_parse_uint(const char *s, uint32_t max, uint32_t *out,
		   char *err, size_t errlen);
int nfg_parse_range(const char *s, uint32_t min, uint32_t max, uint32_t *out,
		    char *err, size_t errlen);
/* Decimal or 0x hexadecimal, 0..0xffffffff (marks). */
int nfg_parse_u32x(const char *s, uint32_t *out, char *err, size_t errlen);
/* A mark mask: one run of at least NFGATE_MARK_BITS_MIN contiguous bits. */
int nfg_parse_mark_mask(const char *s, uint32_t *out, char *err, size_t errlen);
/* yes/no, on/off, true/false, 1/0 */
int nfg_parse_bool(const char *s, uint8_t *out, char *err, size_t errlen);
/* tcp/udp -> IPPROTO_TCP/UDP */
int nfg_parse_proto(const char *s, uint8_t *out, char *err, size_t errlen);
/* 1..65535 */
int nfg_parse_port(const char *s, uint16_t *out, char *err, size_t errlen);
/* A.B.C.D[:PORT], a unicast address; *has_port tells whether PORT was given */
int nfg_parse_hostport(const char *s, uint32_t *addr, uint16_t *port,
		       bool *has_port, char *err, size_t errlen);
int nfg_parse_ifname(const char *s, char out[IFNAMSIZ], char *err, size_t errlen);
int nfg_parse_subnet(const char *s, uint32_t *addr, uint8_t *prefixlen,
		     char *err, size_t errlen);
int nfg_parse_admin(const char *s, uint8_t *out, char *err, size_t errlen);

/*
 * The settings, as parameters of `nfgate set settings` (arg) and keys of
 * [settings] (the key of the field attr): one parser for both.
 */
struct nfg_setting_param {
	const char *arg;	/* "mark-mask" */
	uint16_t attr;		/* NFGATE_SETTINGS_A_* */
	int (*parse)(const char *s, uint32_t *out, char *err, size_t errlen);
};
extern const struct nfg_setting_param nfg_setting_params[];
extern const size_t nfg_n_setting_params;

/*
 * The DNS reply check, as parameters of `nfgate set dns` (arg: the field
 * key with '-' for '_') and keys of [dns]: one parser for both.
 */
struct nfg_dns_param {
	const char *arg;	/* "hold-ms" */
	uint16_t attr;		/* NFGATE_DNS_A_* */
	int (*parse)(const char *s, uint32_t *out, char *err, size_t errlen);
};
extern const struct nfg_dns_param nfg_dns_params[];
extern const size_t nfg_n_dns_params;
/* The present writable DNS settings as parameters:
 * "mode drop router-mode inherit hold-ms 300 ... expire release ... drop-score 3" */
void nfg_dns_args(char *buf, size_t len, const struct nfg_dns *d);
/* off|log|drop (mode), inherit|off|log|drop (router_mode), release|drop */
int nfg_parse_dns_mode(const char *s, uint32_t *out, char *err, size_t errlen);
int nfg_parse_dns_router_mode(const char *s, uint32_t *out, char *err, size_t errlen);
int nfg_parse_dns_expire(const char *s, uint32_t *out, char *err, size_t errlen);

/* The present settings as command line parameters:
 * "mark-mask 0x00ff0000 skip-mark 0x00000000 failover-rst on holddown 5000 sticky 0" */
void nfg_settings_args(char *buf, size_t len, const struct nfg_settings *s);
/* A forward as on the command line: "tcp 8080 to 192.168.0.11:80 uplink ppp0" */
void nfg_forward_args(char *buf, size_t len, const struct nfg_forward *fw);

/* The objects of `nfgate set` / `nfgate del`. */
enum nfg_obj { NFG_OBJ_LAN, NFG_OBJ_UPLINK, NFG_OBJ_SETTINGS, NFG_OBJ_FORWARD, NFG_OBJ_DNS };
/* "lan" -> NFG_OBJ_LAN, ...; -1 if unknown */
int nfg_obj_lookup(const char *name);

/* `nfgate set lan dev IFNAME subnet A.B.C.D/N`
 * `nfgate set uplink IFNAME [tier N] [weight N] [health N] [admin up|down]`
 * `nfgate set settings [mark-mask M] [skip-mark M] [failover-rst on|off]
 *                      [holddown MS] [sticky MS]`
 * `nfgate set forward tcp|udp PORT to ADDR[:PORT] [uplink IFNAME]`
 * `nfgate set dns [mode off|log|drop] [router-mode inherit|off|log|drop]
 *                 [hold-ms MS] [hold-max N] [hold-per-client N]
 *                 [expire release|drop] [ttl-slack N] [fast-pct PCT]
 *                 [drop-score N]`
 * argv starts at the object. */
struct nfg_set_args {
	enum nfg_obj obj;
	struct nfg_lan lan;
	struct nfg_uplink uplink;
	struct nfg_settings settings;
	struct nfg_forward forward;
	struct nfg_dns dns;
};
int nfg_parse_set_argv(int argc, char *const argv[], struct nfg_set_args *args,
		       char *err, size_t errlen);

/* `nfgate del lan` / `nfgate del uplink IFNAME` / `nfgate del forward tcp|udp PORT` */
struct nfg_del_args {
	enum nfg_obj obj;
	char ifname[IFNAMSIZ];
	uint8_t proto;
	uint16_t port;
};
int nfg_parse_del_argv(int argc, char *const argv[], struct nfg_del_args *args,
		       char *err, size_t errlen);

#endif
