// SPDX-License-Identifier: GPL-2.0
/*
 * Config file and argv parsing into the in-memory model.
 *
 * The file is read by a small strict INI reader rather than libinih: the
 * handler of Debian's libinih 55 never sees a section without keys (an
 * "[uplink wwan0]" with all defaults would vanish), NUL bytes are cut off
 * silently and an overlong line is split into two lines, shifting every
 * line number after it. Every error here carries FILE:LINE.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "format.h"

void nfg_errors_add(struct nfg_errors *errs, const char *fmt, ...)
{
	char **msg;
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	if (!s)
		return;
	msg = realloc(errs->msg, (errs->n + 1) * sizeof(*msg));
	if (!msg) {
		free(s);
		return;
	}
	errs->msg = msg;
	errs->msg[errs->n++] = s;
}

void nfg_errors_free(struct nfg_errors *errs)
{
	for (size_t i = 0; i < errs->n; i++)
		free(errs->msg[i]);
	free(errs->msg);
	errs->msg = NULL;
	errs->n = 0;
}

/* --- values ---------------------------------------------------------------- */

int nfg_parse_range(const char *s, uint32_t min, uint32_t max, uint32_t *out,
		    char *err, size_t errlen)
{
	const char *p = s;
	uint64_t v = 0;

	if (!*s) {
		snprintf(err, errlen, "missing value");
		return -1;
	}
	if (*p == '-' && p[1])
		p++;	/* a negative number is a number, out of range */
	for (const char *q = p; *q; q++) {
		if (!isdigit((unsigned char)*q)) {
			snprintf(err, errlen, "'%.64s' is not a number", s);
			return -1;
		}
	}
	for (; *p; p++) {
		v = v * 10 + (uint64_t)(*p - '0');
		if (v > max)
			break;
	}
	if (*s == '-' && v) {
		v = (uint64_t)max + 1;
	}
	if (v > max || v < min) {
		snprintf(err, errlen, "%.64s is out of range %u..%u", s, min, max);
		return -1;
	}
	*out = (uint32_t)v;
	return 0;
}

int nfg_parse_uint(const char *s, uint32_t max, uint32_t *out,
		   char *err, size_t errlen)
{
	return nfg_parse_range(s, 0, max, out, err, errlen);
}

int nfg_parse_u32x(const char *s, uint32_t *out, char *err, size_t errlen)
{
	uint64_t v = 0;

	if (s[0] != '0' || (s[1] != 'x' && s[1] != 'X'))
		return nfg_parse_uint(s, UINT32_MAX, out, err, errlen);
	if (!s[2]) {
		snprintf(err, errlen, "'%.64s' is not a number", s);
		return -1;
	}
	for (const char *p = s + 2; *p; p++) {
		if (!isxdigit((unsigned char)*p)) {
			snprintf(err, errlen, "'%.64s' is not a number", s);
			return -1;
		}
		if (v <= UINT32_MAX)
			v = v * 16 + (uint64_t)(isdigit((unsigned char)*p) ? *p - '0' :
						 tolower((unsigned char)*p) - 'a' + 10);
	}
	if (v > UINT32_MAX) {
		snprintf(err, errlen, "%.64s is out of range 0..0xffffffff", s);
		return -1;
	}
	*out = (uint32_t)v;
	return 0;
}

int nfg_parse_mark_mask(const char *s, uint32_t *out, char *err, size_t errlen)
{
	uint32_t v, low;

	if (nfg_parse_u32x(s, &v, err, errlen))
		return -1;
	low = v & -v;
	if (!v || ((v + low) & v)) {
		snprintf(err, errlen, "%.64s is not one run of contiguous bits (like 0x00ff0000)", s);
		return -1;
	}
	if (__builtin_popcount(v) < NFGATE_MARK_BITS_MIN) {
		snprintf(err, errlen,
			 "%.64s has %d bits, at least %d are needed (uplink ids 1..%d)",
			 s, __builtin_popcount(v), NFGATE_MARK_BITS_MIN, NFGATE_UPLINKS_MAX);
		return -1;
	}
	*out = v;
	return 0;
}

int nfg_parse_bool(const char *s, uint8_t *out, char *err, size_t errlen)
{
	static const char *const yes[] = { "yes", "on", "true", "1" };
	static const char *const no[] = { "no", "off", "false", "0" };

	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (!strcmp(s, yes[i]) || !strcmp(s, no[i])) {
			*out = !strcmp(s, yes[i]);
			return 0;
		}
	}
	if (!*s)
		snprintf(err, errlen, "missing value");
	else
		snprintf(err, errlen, "'%.64s' is not a boolean (expected on or off, "
			 "yes or no, true or false, 1 or 0)", s);
	return -1;
}

int nfg_parse_proto(const char *s, uint8_t *out, char *err, size_t errlen)
{
	if (!strcmp(s, "tcp") || !strcmp(s, "udp")) {
		*out = !strcmp(s, "tcp") ? IPPROTO_TCP : IPPROTO_UDP;
		return 0;
	}
	if (!*s)
		snprintf(err, errlen, "missing protocol (tcp or udp)");
	else
		snprintf(err, errlen, "'%.64s' is neither 'tcp' nor 'udp'", s);
	return -1;
}

int nfg_parse_port(const char *s, uint16_t *out, char *err, size_t errlen)
{
	uint32_t v;

	if (nfg_parse_range(s, 1, 65535, &v, err, errlen))
		return -1;
	*out = (uint16_t)v;
	return 0;
}

int nfg_parse_hostport(const char *s, uint32_t *addr, uint16_t *port,
		       bool *has_port, char *err, size_t errlen)
{
	const char *colon = strchr(s, ':');
	size_t n = colon ? (size_t)(colon - s) : strlen(s);
	char ip[INET_ADDRSTRLEN], perr[128];
	struct in_addr a;
	uint32_t h;

	if (!*s) {
		snprintf(err, errlen, "missing value");
		return -1;
	}
	if (n >= sizeof(ip) || (memcpy(ip, s, n), ip[n] = '\0',
				inet_pton(AF_INET, ip, &a) != 1)) {
		snprintf(err, errlen,
			 "'%.64s' is not an IPv4 address (expected A.B.C.D or A.B.C.D:PORT)", s);
		return -1;
	}
	h = ntohl(a.s_addr);
	if (h == 0 || h == UINT32_MAX || (h >> 24) == 127 || (h >> 28) == 0xe) {
		snprintf(err, errlen, "%s is not a unicast host address", ip);
		return -1;
	}
	*has_port = colon != NULL;
	if (colon && nfg_parse_port(colon + 1, port, perr, sizeof(perr))) {
		snprintf(err, errlen, "port: %s", perr);
		return -1;
	}
	*addr = a.s_addr;
	return 0;
}

int nfg_parse_ifname(const char *s, char out[IFNAMSIZ], char *err, size_t errlen)
{
	size_t len = strlen(s);

	if (!len) {
		snprintf(err, errlen, "missing interface name");
		return -1;
	}
	if (len >= IFNAMSIZ) {
		snprintf(err, errlen,
			 "'%.64s' is not a valid interface name (longer than %d characters)",
			 s, IFNAMSIZ - 1);
		return -1;
	}
	if (!strcmp(s, ".") || !strcmp(s, "..")) {
		snprintf(err, errlen, "'%s' is not a valid interface name", s);
		return -1;
	}
	for (const char *p = s; *p; p++) {
		unsigned char c = *p;

		if (c == '/' || c == ':' || isspace(c) || c < 0x20 || c == 0x7f) {
			snprintf(err, errlen,
				 isprint(c) && c != ' ' ?
				 "'%s' is not a valid interface name (contains '%c')" :
				 "'%s' is not a valid interface name (contains byte 0x%02x)",
				 s, c);
			return -1;
		}
	}
	memcpy(out, s, len + 1);
	return 0;
}

int nfg_parse_subnet(const char *s, uint32_t *addr, uint8_t *prefixlen,
		     char *err, size_t errlen)
{
	char ip[INET_ADDRSTRLEN], net[INET_ADDRSTRLEN];
	const char *slash = strchr(s, '/');
	struct in_addr a;
	uint32_t plen, mask;
	char perr[128];

	if (!*s) {
		snprintf(err, errlen, "missing value");
		return -1;
	}
	if (!slash) {
		snprintf(err, errlen,
			 "'%.64s' has no prefix length (expected A.B.C.D/N)", s);
		return -1;
	}
	if ((size_t)(slash - s) >= sizeof(ip) ||
	    (memcpy(ip, s, slash - s), ip[slash - s] = '\0',
	     inet_pton(AF_INET, ip, &a) != 1)) {
		snprintf(err, errlen,
			 "'%.64s' is not an IPv4 subnet (expected A.B.C.D/N)", s);
		return -1;
	}
	if (nfg_parse_uint(slash + 1, 32, &plen, perr, sizeof(perr))) {
		snprintf(err, errlen, "prefix length: %s", perr);
		return -1;
	}
	mask = plen ? htonl(~0U << (32 - plen)) : 0;
	if (a.s_addr & ~mask) {
		struct in_addr n = { .s_addr = a.s_addr & mask };

		inet_ntop(AF_INET, &n, net, sizeof(net));
		snprintf(err, errlen,
			 "%.64s has host bits set (the network is %s/%u)",
			 s, net, plen);
		return -1;
	}
	*addr = a.s_addr;
	*prefixlen = (uint8_t)plen;
	return 0;
}

int nfg_parse_admin(const char *s, uint8_t *out, char *err, size_t errlen)
{
	if (!strcmp(s, "up")) {
		*out = NFGATE_ADMIN_UP;
		return 0;
	}
	if (!strcmp(s, "down")) {
		*out = NFGATE_ADMIN_DOWN;
		return 0;
	}
	if (!*s)
		snprintf(err, errlen, "missing value");
	else
		snprintf(err, errlen, "'%.64s' is neither 'up' nor 'down'", s);
	return -1;
}

/* --- settings and forwards ------------------------------------------------ */

static int parse_mark(const char *s, uint32_t *out, char *err, size_t errlen)
{
	return nfg_parse_u32x(s, out, err, errlen);
}

static int parse_bool32(const char *s, uint32_t *out, char *err, size_t errlen)
{
	uint8_t b;

	if (nfg_parse_bool(s, &b, err, errlen))
		return -1;
	*out = b;
	return 0;
}

static int parse_holddown(const char *s, uint32_t *out, char *err, size_t errlen)
{
	return nfg_parse_uint(s, NFGATE_HOLDDOWN_MS_MAX, out, err, errlen);
}

static int parse_sticky(const char *s, uint32_t *out, char *err, size_t errlen)
{
	return nfg_parse_uint(s, NFGATE_STICKY_MS_MAX, out, err, errlen);
}

const struct nfg_setting_param nfg_setting_params[] = {
	{ "mark-mask", NFGATE_SETTINGS_A_MARK_MASK, nfg_parse_mark_mask },
	{ "skip-mark", NFGATE_SETTINGS_A_SKIP_MARK, parse_mark },
	{ "failover-rst", NFGATE_SETTINGS_A_FAILOVER_RST, parse_bool32 },
	{ "holddown", NFGATE_SETTINGS_A_HOLDDOWN_MS, parse_holddown },
	{ "sticky", NFGATE_SETTINGS_A_STICKY_MS, parse_sticky },
};
const size_t nfg_n_setting_params =
	sizeof(nfg_setting_params) / sizeof(nfg_setting_params[0]);

/* --- the DNS reply check ------------------------------------------------- */

static int parse_enum(const char *s, const char *const *names, size_t n, const char *what,
		      const char *expected, uint32_t *out, char *err, size_t errlen)
{
	for (size_t i = 0; i < n; i++) {
		if (names[i] && !strcmp(s, names[i])) {
			*out = (uint32_t)i;
			return 0;
		}
	}
	if (!*s)
		snprintf(err, errlen, "missing value");
	else
		snprintf(err, errlen, "'%.64s' is not %s (expected %s)", s, what, expected);
	return -1;
}

int nfg_parse_dns_mode(const char *s, uint32_t *out, char *err, size_t errlen)
{
	static const char *const names[] = {
		[NFGATE_DNS_OFF] = "off", [NFGATE_DNS_LOG] = "log", [NFGATE_DNS_DROP] = "drop",
	};

	return parse_enum(s, names, 3, "a mode", "off, log or drop", out, err, errlen);
}

int nfg_parse_dns_router_mode(const char *s, uint32_t *out, char *err, size_t errlen)
{
	static const char *const names[] = {
		[NFGATE_DNS_OFF] = "off", [NFGATE_DNS_LOG] = "log", [NFGATE_DNS_DROP] = "drop",
		[NFGATE_DNS_INHERIT] = "inherit",
	};

	return parse_enum(s, names, 4, "a mode", "inherit, off, log or drop", out, err, errlen);
}

int nfg_parse_dns_expire(const char *s, uint32_t *out, char *err, size_t errlen)
{
	static const char *const names[] = { "release", "drop" };

	return parse_enum(s, names, 2, "an expiry", "release or drop", out, err, errlen);
}

static int parse_hold_ms(const char *s, uint32_t *out, char *err, size_t errlen)
{
	return nfg_parse_uint(s, NFGATE_DNS_HOLD_MS_MAX, out, err, errlen);
}

static int parse_hold_count(const char *s, uint32_t *out, char *err, size_t errlen)
{
	return nfg_parse_range(s, 1, NFGATE_DNS_HOLD_MAX_MAX, out, err, errlen);
}

static int parse_ttl_slack(const char *s, uint32_t *out, char *err, size_t errlen)
{
	return nfg_parse_uint(s, 255, out, err, errlen);
}

static int parse_pct(const char *s, uint32_t *out, char *err, size_t errlen)
{
	return nfg_parse_uint(s, 100, out, err, errlen);
}

static int parse_drop_score(const char *s, uint32_t *out, char *err, size_t errlen)
{
	return nfg_parse_uint(s, NFGATE_DNS_SIG_COUNT, out, err, errlen);
}

const struct nfg_dns_param nfg_dns_params[] = {
	{ "mode", NFGATE_DNS_A_MODE, nfg_parse_dns_mode },
	{ "router-mode", NFGATE_DNS_A_MODE_ROUTER, nfg_parse_dns_router_mode },
	{ "hold-ms", NFGATE_DNS_A_HOLD_MS, parse_hold_ms },
	{ "hold-max", NFGATE_DNS_A_HOLD_MAX, parse_hold_count },
	{ "hold-per-client", NFGATE_DNS_A_HOLD_PER_CLIENT, parse_hold_count },
	{ "expire", NFGATE_DNS_A_EXPIRE_DROP, nfg_parse_dns_expire },
	{ "ttl-slack", NFGATE_DNS_A_TTL_SLACK, parse_ttl_slack },
	{ "fast-pct", NFGATE_DNS_A_FAST_PCT, parse_pct },
	{ "drop-score", NFGATE_DNS_A_DROP_SCORE, parse_drop_score },
};
const size_t nfg_n_dns_params = sizeof(nfg_dns_params) / sizeof(nfg_dns_params[0]);

void nfg_dns_args(char *buf, size_t len, const struct nfg_dns *d)
{
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < nfg_n_dns_params && off < len; i++) {
		const struct nfg_dns_param *dp = &nfg_dns_params[i];
		const struct nfg_field *f = nfg_dns_field(dp->attr);
		char v[32];
		int n;

		if (!NFG_HAS(d, dp->attr))
			continue;
		fmt_field(v, sizeof(v), d, f, false);
		n = snprintf(buf + off, len - off, "%s%s %s", off ? " " : "", dp->arg, v);
		off += n > 0 ? (size_t)n : 0;
	}
}

void nfg_settings_defaults(struct nfg_settings *s)
{
	memset(s, 0, sizeof(*s));
	s->mark_mask = NFGATE_DEFAULT_MARK_MASK;
	s->skip_mark = NFG_DEFAULT_SKIP_MARK;
	s->failover_rst = NFG_DEFAULT_FAILOVER_RST;
	s->holddown_ms = NFGATE_DEFAULT_HOLDDOWN_MS;
	s->sticky_ms = NFG_DEFAULT_STICKY_MS;
	for (size_t i = 0; i < nfg_settings_nfields; i++)
		NFG_MARK(s, nfg_settings_fields[i].attr);
}

void nfg_dns_defaults(struct nfg_dns *d)
{
	memset(d, 0, sizeof(*d));
	d->mode = NFGATE_DNS_OFF;
	d->mode_router = NFGATE_DNS_INHERIT;
	d->hold_ms = NFGATE_DNS_DEFAULT_HOLD_MS;
	d->hold_max = NFGATE_DNS_DEFAULT_HOLD_MAX;
	d->hold_per_client = NFGATE_DNS_DEFAULT_HOLD_PER_CLIENT;
	d->expire_drop = 0;
	d->ttl_slack = NFGATE_DNS_DEFAULT_TTL_SLACK;
	d->fast_pct = NFGATE_DNS_DEFAULT_FAST_PCT;
	d->drop_score = NFGATE_DNS_DEFAULT_DROP_SCORE;
	for (size_t i = 0; i < nfg_dns_nfields; i++)
		if (nfg_dns_fields[i].writable)
			NFG_MARK(d, nfg_dns_fields[i].attr);
}

void nfg_settings_args(char *buf, size_t len, const struct nfg_settings *s)
{
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < nfg_n_setting_params && off < len; i++) {
		const struct nfg_setting_param *sp = &nfg_setting_params[i];
		const struct nfg_field *f = nfg_settings_field(sp->attr);
		uint64_t v = nfg_field_uint(s, f);
		const char *sep = off ? " " : "";
		int n;

		if (!NFG_HAS(s, sp->attr))
			continue;
		if (f->type == NFG_F_MARK)
			n = snprintf(buf + off, len - off, "%s%s 0x%08x", sep, sp->arg, (uint32_t)v);
		else if (f->type == NFG_F_BOOL)
			n = snprintf(buf + off, len - off, "%s%s %s", sep, sp->arg, v ? "on" : "off");
		else
			n = snprintf(buf + off, len - off, "%s%s %u", sep, sp->arg, (uint32_t)v);
		off += n > 0 ? (size_t)n : 0;
	}
}

void nfg_forward_args(char *buf, size_t len, const struct nfg_forward *fw)
{
	const char *proto = nfg_proto_name(fw->proto);
	char addr[INET_ADDRSTRLEN], to_port[8] = "";

	inet_ntop(AF_INET, &fw->to_addr, addr, sizeof(addr));
	if (NFG_HAS(fw, NFGATE_FORWARD_A_TO_PORT))
		snprintf(to_port, sizeof(to_port), ":%u", fw->to_port);
	if (proto)
		snprintf(buf, len, "%s %u to %s%s", proto, fw->port, addr, to_port);
	else
		snprintf(buf, len, "proto-%u %u to %s%s", fw->proto, fw->port, addr, to_port);
	if (NFG_HAS(fw, NFGATE_FORWARD_A_UPLINK)) {
		size_t n = strlen(buf);

		snprintf(buf + n, len - n, " uplink %s", fw->uplink);
	}
}

/* --- the config file ------------------------------------------------------- */

enum sect { S_NONE, S_LAN, S_SETTINGS, S_UPLINK, S_FORWARD, S_DNS, S_FIREWALL, S_TUNNEL, S_SERVER, S_SKIP };

#define SECTIONS "[lan], [settings], [dns], [firewall], [uplink IFNAME], [forward tcp|udp PORT], [tunnel] or [server NAME]"

struct parser;

struct key_def {
	const char *name;
	int (*set)(struct parser *p, const char *val, char *err, size_t errlen);
	uint16_t attr;			/* [settings]: NFGATE_SETTINGS_A_* */
};

#define MAX_KEYS NFG_UPLINK_KEYS_MAX

struct parser {
	const char *file;
	struct nfg_config *cfg;
	struct nfg_errors *errs;
	int line;
	enum sect sect;
	int sect_line;
	const struct key_def *keys;	/* of the current section */
	const struct key_def *key;	/* being set */
	struct nfg_uplink *up;		/* current [uplink] */
	struct nfg_conf_uplink *cu;	/* ... with its health settings */
	struct nfg_conf_forward *fw;	/* current [forward] */
	struct nfg_conf_server *srv;	/* current [server] */
	int seen[MAX_KEYS];		/* line of each key in this section */
	unsigned int lan_seen;		/* keys of [lan] given, even if bad */
	bool bad_lan_header;		/* reported, do not say "missing" */
};

#define perr(p, line, fmt, ...) \
	nfg_errors_add((p)->errs, "%s:%d: " fmt, (p)->file, line, ##__VA_ARGS__)

static int set_lan_interface(struct parser *p, const char *v, char *err, size_t n)
{
	if (nfg_parse_ifname(v, p->cfg->lan.ifname, err, n))
		return -1;
	NFG_MARK(&p->cfg->lan, NFGATE_LAN_A_IFNAME);
	return 0;
}

static int set_lan_subnet(struct parser *p, const char *v, char *err, size_t n)
{
	struct nfg_lan *lan = &p->cfg->lan;

	if (nfg_parse_subnet(v, &lan->addr, &lan->prefixlen, err, n))
		return -1;
	NFG_MARK(lan, NFGATE_LAN_A_ADDR);
	NFG_MARK(lan, NFGATE_LAN_A_PREFIXLEN);
	return 0;
}

static int set_uplink_tier(struct parser *p, const char *v, char *err, size_t n)
{
	uint32_t x;

	if (nfg_parse_uint(v, NFGATE_TIER_MAX, &x, err, n))
		return -1;
	p->up->tier = (uint8_t)x;
	return 0;
}

static int set_uplink_weight(struct parser *p, const char *v, char *err, size_t n)
{
	return nfg_parse_uint(v, NFGATE_WEIGHT_MAX, &p->up->weight, err, n);
}

static int set_uplink_admin(struct parser *p, const char *v, char *err, size_t n)
{
	return nfg_parse_admin(v, &p->up->admin, err, n);
}

/* The numeric and boolean health keys of [uplink]: attr indexes this table. */
enum { HK_BOOL = 1 };
static const struct health_key {
	size_t offset;			/* in struct hl_params */
	uint32_t min, max;
	int flags;
} health_keys[] = {
#define HK(m, lo, hi, fl) { offsetof(struct hl_params, m), lo, hi, fl }
	HK(interval_ms, 100, 60000, 0),
	HK(timeout_ms, 50, 60000, 0),
	HK(down_after, 1, 100, 0),
	HK(up_after, 1, 100, 0),
	HK(window, 1, HL_WINDOW_MAX, 0),
	HK(loss_degraded, 0, 100, 0),
	HK(loss_down, 0, 100, 0),
	HK(rtt_degraded_ms, 0, 60000, 0),
	HK(rtt_down_ms, 0, 60000, 0),
	HK(degraded_health, 1, NFGATE_HEALTH_MAX, 0),
	HK(passive, 0, 1, HK_BOOL),
	HK(passive_window_ms, 100, 60000, 0),
	HK(passive_min, 1, 1000, 0),
	HK(passive_probation_s, 1, 3600, 0),
	HK(dampening, 0, 1, HK_BOOL),
	HK(half_life_s, 1, 3600, 0),
	HK(suppress, 1000, 100000, 0),
	HK(reuse, 1, 100000, 0),
#undef HK
};

static int set_uplink_health(struct parser *p, const char *v, char *err, size_t n)
{
	const struct health_key *hk = &health_keys[p->key->attr];
	char *dst = (char *)&p->cu->hl + hk->offset;
	uint32_t x;

	if (hk->flags & HK_BOOL) {
		uint8_t b;

		if (nfg_parse_bool(v, &b, err, n))
			return -1;
		*(bool *)dst = b;
		return 0;
	}
	if (nfg_parse_range(v, hk->min, hk->max, &x, err, n))
		return -1;
	*(uint32_t *)dst = x;
	return 0;
}

/* track = 192.0.2.1, 198.51.100.1 (commas and/or blanks) */
static int set_uplink_track(struct parser *p, const char *v, char *err, size_t n)
{
	struct nfg_probe_conf *pc = &p->cu->probe;
	char buf[NFG_CONF_MAX_LINE + 1], *save = NULL, *tok;

	snprintf(buf, sizeof(buf), "%s", v);
	pc->ntrack = 0;
	for (tok = strtok_r(buf, ", \t", &save); tok; tok = strtok_r(NULL, ", \t", &save)) {
		struct in_addr a;
		uint32_t h;

		if (inet_pton(AF_INET, tok, &a) != 1) {
			snprintf(err, n, "'%.64s' is not an IPv4 address", tok);
			return -1;
		}
		h = ntohl(a.s_addr);
		if (h == 0 || h == UINT32_MAX || (h >> 24) == 127 || (h >> 24) == 0 ||
		    (h >> 28) >= 0xe) {
			snprintf(err, n, "%s is not a unicast host address", tok);
			return -1;
		}
		for (size_t i = 0; i < pc->ntrack; i++) {
			if (pc->track[i] == a.s_addr) {
				snprintf(err, n, "%s is given twice", tok);
				return -1;
			}
		}
		if (pc->ntrack == NFG_TRACK_MAX) {
			snprintf(err, n, "more than %d hosts", NFG_TRACK_MAX);
			return -1;
		}
		pc->track[pc->ntrack++] = a.s_addr;
	}
	if (!pc->ntrack) {
		snprintf(err, n, "missing value");
		return -1;
	}
	p->cu->hl.probes = true;
	return 0;
}

static bool dns_name_ok(const char *s)
{
	size_t len = strlen(s), label = 0;

	if (!len || len > NFG_DNS_NAME_MAX || s[0] == '.' || s[0] == '-')
		return false;
	for (const char *c = s; *c; c++) {
		if (*c == '.') {
			if (!label)
				return false;
			label = 0;
			continue;
		}
		if (!isalnum((unsigned char)*c) && *c != '-' && *c != '_')
			return false;
		if (++label > 63)
			return false;
	}
	return true;
}

/* probe = icmp | tcp:PORT | dns:NAME */
static int set_uplink_probe(struct parser *p, const char *v, char *err, size_t n)
{
	struct nfg_probe_conf *pc = &p->cu->probe;
	char why[128];

	if (!strcmp(v, "icmp")) {
		pc->kind = NFG_PROBE_ICMP;
	} else if (!strncmp(v, "tcp:", 4)) {
		if (nfg_parse_port(v + 4, &pc->port, why, sizeof(why))) {
			snprintf(err, n, "tcp: port: %s", why);
			return -1;
		}
		pc->kind = NFG_PROBE_TCP;
	} else if (!strncmp(v, "dns:", 4)) {
		if (!dns_name_ok(v + 4)) {
			snprintf(err, n, "'%.64s' is not a DNS name (letters, digits, '-', '_' "
				 "and dots, labels of 1..63 characters)", v + 4);
			return -1;
		}
		snprintf(pc->dns_name, sizeof(pc->dns_name), "%s", v + 4);
		pc->kind = NFG_PROBE_DNS;
	} else {
		snprintf(err, n, "'%.64s' is not a probe (expected icmp, tcp:PORT or dns:NAME)", v);
		return -1;
	}
	return 0;
}

void nfg_probe_describe(char *buf, size_t len, const struct nfg_probe_conf *pc)
{
	switch (pc->kind) {
	case NFG_PROBE_TCP:
		snprintf(buf, len, "tcp:%u", pc->port);
		break;
	case NFG_PROBE_DNS:
		snprintf(buf, len, "dns:%s", pc->dns_name);
		break;
	default:
		snprintf(buf, len, "icmp");
	}
}

bool nfg_conf_uplink_health_equal(const struct nfg_conf_uplink *a,
				  const struct nfg_conf_uplink *b)
{
	return !memcmp(&a->probe, &b->probe, sizeof(a->probe)) &&
	       !memcmp(&a->hl, &b->hl, sizeof(a->hl));
}

/* Any key of [settings]: the parser of nfg_setting_params, by attribute. */
static int set_setting(struct parser *p, const char *v, char *err, size_t n)
{
	struct nfg_settings *s = &p->cfg->settings;
	uint32_t x;

	for (size_t i = 0; i < nfg_n_setting_params; i++) {
		const struct nfg_setting_param *sp = &nfg_setting_params[i];

		if (sp->attr != p->key->attr)
			continue;
		if (sp->parse(v, &x, err, n))
			return -1;
		nfg_field_set_uint(s, nfg_settings_field(sp->attr), x);
		NFG_MARK(s, sp->attr);
		return 0;
	}
	snprintf(err, n, "internal error: no parser");
	return -1;
}

static int set_forward_to(struct parser *p, const char *v, char *err, size_t n)
{
	struct nfg_forward *fw = &p->fw->fw;
	bool has_port;

	if (nfg_parse_hostport(v, &fw->to_addr, &fw->to_port, &has_port, err, n))
		return -1;
	if (!has_port)
		fw->to_port = fw->port;
	NFG_MARK(fw, NFGATE_FORWARD_A_TO_ADDR);
	NFG_MARK(fw, NFGATE_FORWARD_A_TO_PORT);
	return 0;
}

static int set_forward_uplink(struct parser *p, const char *v, char *err, size_t n)
{
	p->fw->uplink_line = p->line;
	if (nfg_parse_ifname(v, p->fw->fw.uplink, err, n))
		return -1;
	NFG_MARK(&p->fw->fw, NFGATE_FORWARD_A_UPLINK);
	return 0;
}

static const struct key_def lan_keys[] = {
	{ "interface", set_lan_interface, 0 },
	{ "subnet", set_lan_subnet, 0 },
	{ NULL, NULL, 0 }
};

/* the order of health_keys from "interval_ms" on */
static const struct key_def uplink_keys[] = {
	{ "tier", set_uplink_tier, 0 },
	{ "weight", set_uplink_weight, 0 },
	{ "admin", set_uplink_admin, 0 },
	{ "track", set_uplink_track, 0 },
	{ "probe", set_uplink_probe, 0 },
	{ "interval_ms", set_uplink_health, 0 },
	{ "timeout_ms", set_uplink_health, 1 },
	{ "down_after", set_uplink_health, 2 },
	{ "up_after", set_uplink_health, 3 },
	{ "window", set_uplink_health, 4 },
	{ "loss_degraded", set_uplink_health, 5 },
	{ "loss_down", set_uplink_health, 6 },
	{ "rtt_degraded_ms", set_uplink_health, 7 },
	{ "rtt_down_ms", set_uplink_health, 8 },
	{ "degraded_health", set_uplink_health, 9 },
	{ "passive", set_uplink_health, 10 },
	{ "passive_window_ms", set_uplink_health, 11 },
	{ "passive_min", set_uplink_health, 12 },
	{ "passive_probation_s", set_uplink_health, 13 },
	{ "dampening", set_uplink_health, 14 },
	{ "half_life_s", set_uplink_health, 15 },
	{ "suppress", set_uplink_health, 16 },
	{ "reuse", set_uplink_health, 17 },
	{ NULL, NULL, 0 }
};
_Static_assert(sizeof(uplink_keys) / sizeof(uplink_keys[0]) - 1 <= NFG_UPLINK_KEYS_MAX,
	       "key_line[] of struct nfg_conf_uplink");
_Static_assert(sizeof(health_keys) / sizeof(health_keys[0]) == 18, "uplink_keys indexes");

/* index of an [uplink] key, for key_line[] */
static int uplink_key(const char *name)
{
	for (int i = 0; uplink_keys[i].name; i++)
		if (!strcmp(uplink_keys[i].name, name))
			return i;
	return -1;
}

/* the keys of the settings field table (test_config checks they agree) */
static const struct key_def settings_keys[] = {
	{ "mark_mask", set_setting, NFGATE_SETTINGS_A_MARK_MASK },
	{ "skip_mark", set_setting, NFGATE_SETTINGS_A_SKIP_MARK },
	{ "failover_rst", set_setting, NFGATE_SETTINGS_A_FAILOVER_RST },
	{ "holddown_ms", set_setting, NFGATE_SETTINGS_A_HOLDDOWN_MS },
	{ "sticky_ms", set_setting, NFGATE_SETTINGS_A_STICKY_MS },
	{ NULL, NULL, 0 }
};

/* --- [dns] --- */

/* A setting of the check: the parser of nfg_dns_params, by attribute. */
static int set_dns_setting(struct parser *p, const char *v, char *err, size_t n)
{
	struct nfg_dns *d = &p->cfg->dns.dns;
	uint32_t x;

	for (size_t i = 0; i < nfg_n_dns_params; i++) {
		const struct nfg_dns_param *dp = &nfg_dns_params[i];

		if (dp->attr != p->key->attr)
			continue;
		if (dp->parse(v, &x, err, n))
			return -1;
		nfg_field_set_uint(d, nfg_dns_field(dp->attr), x);
		NFG_MARK(d, dp->attr);
		return 0;
	}
	snprintf(err, n, "internal error: no parser");
	return -1;
}

static int set_path(const char *v, char *out, size_t outlen, char *err, size_t n)
{
	if (v[0] != '/') {
		snprintf(err, n, "'%.64s' is not an absolute path", v);
		return -1;
	}
	if (strlen(v) >= outlen) {
		snprintf(err, n, "path too long");
		return -1;
	}
	snprintf(out, outlen, "%s", v);
	return 0;
}

/* forged_file = /path | none */
static int set_dns_forged_file(struct parser *p, const char *v, char *err, size_t n)
{
	struct nfg_conf_dns *d = &p->cfg->dns;

	if (!strcmp(v, "none")) {
		d->forged_file[0] = '\0';
		return 0;
	}
	return set_path(v, d->forged_file, sizeof(d->forged_file), err, n);
}

static int set_dns_learned_file(struct parser *p, const char *v, char *err, size_t n)
{
	return set_path(v, p->cfg->dns.learned_file, sizeof(p->cfg->dns.learned_file), err, n);
}

static int set_dns_learn(struct parser *p, const char *v, char *err, size_t n)
{
	uint8_t b;

	if (nfg_parse_bool(v, &b, err, n))
		return -1;
	p->cfg->dns.learn = b;
	return 0;
}

/* canary_names = twitter.com, www.youtube.com (commas and/or blanks) */
static int set_dns_canary_names(struct parser *p, const char *v, char *err, size_t n)
{
	struct nfg_conf_dns *d = &p->cfg->dns;
	char buf[NFG_CONF_MAX_LINE + 1], *save = NULL, *tok;

	snprintf(buf, sizeof(buf), "%s", v);
	d->n_canary = 0;
	for (tok = strtok_r(buf, ", \t", &save); tok; tok = strtok_r(NULL, ", \t", &save)) {
		for (char *c = tok; *c; c++)
			*c = (char)tolower((unsigned char)*c);
		if (!dns_name_ok(tok)) {
			snprintf(err, n, "'%.64s' is not a DNS name (letters, digits, '-', '_' "
				 "and dots, labels of 1..63 characters)", tok);
			return -1;
		}
		if (!strcmp(tok, NFG_CANARY_CONTROL)) {
			snprintf(err, n, "%s is the control name of every round, it is never "
				 "censored", tok);
			return -1;
		}
		for (size_t i = 0; i < d->n_canary; i++) {
			if (!strcmp(d->canary_names[i], tok)) {
				snprintf(err, n, "%s is given twice", tok);
				return -1;
			}
		}
		if (d->n_canary == NFG_CANARY_NAMES_MAX) {
			snprintf(err, n, "more than %d names", NFG_CANARY_NAMES_MAX);
			return -1;
		}
		snprintf(d->canary_names[d->n_canary++], sizeof(d->canary_names[0]), "%s", tok);
	}
	if (!d->n_canary) {
		snprintf(err, n, "missing value");
		return -1;
	}
	return 0;
}

static int set_dns_canary_addr(struct parser *p, const char *v, char *err, size_t n)
{
	struct in_addr a;
	uint32_t h;

	if (inet_pton(AF_INET, v, &a) != 1) {
		snprintf(err, n, "'%.64s' is not an IPv4 address", v);
		return -1;
	}
	h = ntohl(a.s_addr);
	if ((h >> 24) == 0 || (h >> 24) == 127 || (h >> 28) >= 0xe) {
		snprintf(err, n, "%s is not a unicast address", v);
		return -1;
	}
	p->cfg->dns.canary_addr = a.s_addr;
	return 0;
}

static int set_dns_canary_interval(struct parser *p, const char *v, char *err, size_t n)
{
	return nfg_parse_range(v, NFG_CANARY_INTERVAL_MIN, NFG_CANARY_INTERVAL_MAX,
			       &p->cfg->dns.canary_interval_ms, err, n);
}

/* the keys of the settings are the field keys (test_config checks it) */
static const struct key_def dns_keys[] = {
	{ "mode", set_dns_setting, NFGATE_DNS_A_MODE },
	{ "router_mode", set_dns_setting, NFGATE_DNS_A_MODE_ROUTER },
	{ "hold_ms", set_dns_setting, NFGATE_DNS_A_HOLD_MS },
	{ "hold_max", set_dns_setting, NFGATE_DNS_A_HOLD_MAX },
	{ "hold_per_client", set_dns_setting, NFGATE_DNS_A_HOLD_PER_CLIENT },
	{ "expire", set_dns_setting, NFGATE_DNS_A_EXPIRE_DROP },
	{ "ttl_slack", set_dns_setting, NFGATE_DNS_A_TTL_SLACK },
	{ "fast_pct", set_dns_setting, NFGATE_DNS_A_FAST_PCT },
	{ "drop_score", set_dns_setting, NFGATE_DNS_A_DROP_SCORE },
	{ "forged_file", set_dns_forged_file, 0 },
	{ "learned_file", set_dns_learned_file, 0 },
	{ "learn", set_dns_learn, 0 },
	{ "canary_names", set_dns_canary_names, 0 },
	{ "canary_addr", set_dns_canary_addr, 0 },
	{ "canary_interval_ms", set_dns_canary_interval, 0 },
	{ NULL, NULL, 0 }
};
_Static_assert(sizeof(dns_keys) / sizeof(dns_keys[0]) - 1 <= NFG_DNS_KEYS_MAX,
	       "key_line[] of struct nfg_conf_dns");

/* index of a [dns] key, for key_line[] */
static int dns_key(const char *name)
{
	for (int i = 0; dns_keys[i].name; i++)
		if (!strcmp(dns_keys[i].name, name))
			return i;
	return -1;
}

/* --- [firewall] --- */

void nfg_firewall_defaults(struct nfg_conf_firewall *fw)
{
	memset(fw, 0, sizeof(*fw));
	fw->ssh_port = 22;
	fw->ssh_wan = true;
	fw->ssh_limit = NFG_FW_SSH_LIMIT_DEFAULT;
	fw->ssh_window_s = NFG_FW_SSH_WINDOW_DEFAULT;
	fw->mss_clamp = true;
	fw->dscp_clear = true;
	fw->icmp_echo_rate = NFG_FW_ECHO_RATE_DEFAULT;
}

static int fw_bool(const char *v, bool *out, char *err, size_t n)
{
	uint8_t b;

	if (nfg_parse_bool(v, &b, err, n))
		return -1;
	*out = b;
	return 0;
}

static int set_fw_ssh_port(struct parser *p, const char *v, char *err, size_t n)
{
	return nfg_parse_port(v, &p->cfg->firewall.ssh_port, err, n);
}

static int set_fw_ssh_wan(struct parser *p, const char *v, char *err, size_t n)
{
	return fw_bool(v, &p->cfg->firewall.ssh_wan, err, n);
}

static int set_fw_ssh_limit(struct parser *p, const char *v, char *err, size_t n)
{
	return nfg_parse_uint(v, 1000, &p->cfg->firewall.ssh_limit, err, n);
}

static int set_fw_ssh_window(struct parser *p, const char *v, char *err, size_t n)
{
	return nfg_parse_range(v, 1, 3600, &p->cfg->firewall.ssh_window_s, err, n);
}

static int set_fw_mss_clamp(struct parser *p, const char *v, char *err, size_t n)
{
	return fw_bool(v, &p->cfg->firewall.mss_clamp, err, n);
}

static int set_fw_dscp_clear(struct parser *p, const char *v, char *err, size_t n)
{
	return fw_bool(v, &p->cfg->firewall.dscp_clear, err, n);
}

static int set_fw_lan_isolation(struct parser *p, const char *v, char *err, size_t n)
{
	return fw_bool(v, &p->cfg->firewall.lan_isolation, err, n);
}

static int set_fw_echo_rate(struct parser *p, const char *v, char *err, size_t n)
{
	return nfg_parse_uint(v, 10000, &p->cfg->firewall.icmp_echo_rate, err, n);
}

/* "80, 443 8443": ports, commas and/or blanks, each at most once */
static int fw_ports(const char *v, uint16_t *ports, size_t *np, char *err, size_t n)
{
	char buf[NFG_CONF_MAX_LINE + 1], *save = NULL, *tok;
	uint16_t port;

	snprintf(buf, sizeof(buf), "%s", v);
	*np = 0;
	for (tok = strtok_r(buf, ", \t", &save); tok; tok = strtok_r(NULL, ", \t", &save)) {
		if (nfg_parse_port(tok, &port, err, n))
			return -1;
		for (size_t i = 0; i < *np; i++) {
			if (ports[i] == port) {
				snprintf(err, n, "port %u is given twice", port);
				return -1;
			}
		}
		if (*np == NFG_FW_PORTS_MAX) {
			snprintf(err, n, "more than %d ports", NFG_FW_PORTS_MAX);
			return -1;
		}
		ports[(*np)++] = port;
	}
	if (!*np) {
		snprintf(err, n, "missing value");
		return -1;
	}
	return 0;
}

static int set_fw_allow_tcp(struct parser *p, const char *v, char *err, size_t n)
{
	struct nfg_conf_firewall *fw = &p->cfg->firewall;

	return fw_ports(v, fw->allow_tcp, &fw->n_allow_tcp, err, n);
}

static int set_fw_allow_udp(struct parser *p, const char *v, char *err, size_t n)
{
	struct nfg_conf_firewall *fw = &p->cfg->firewall;

	return fw_ports(v, fw->allow_udp, &fw->n_allow_udp, err, n);
}

static const struct key_def firewall_keys[] = {
	{ "ssh_port", set_fw_ssh_port, 0 },
	{ "ssh_wan", set_fw_ssh_wan, 0 },
	{ "ssh_limit", set_fw_ssh_limit, 0 },
	{ "ssh_window_s", set_fw_ssh_window, 0 },
	{ "mss_clamp", set_fw_mss_clamp, 0 },
	{ "dscp_clear", set_fw_dscp_clear, 0 },
	{ "lan_isolation", set_fw_lan_isolation, 0 },
	{ "icmp_echo_rate", set_fw_echo_rate, 0 },
	{ "allow_tcp", set_fw_allow_tcp, 0 },
	{ "allow_udp", set_fw_allow_udp, 0 },
	{ NULL, NULL, 0 }
};
_Static_assert(sizeof(firewall_keys) / sizeof(firewall_keys[0]) - 1 <= NFG_FW_KEYS_MAX,
	       "key_line[] of struct nfg_conf_firewall");

static const struct key_def forward_keys[] = {
	{ "to", set_forward_to, 0 },
	{ "uplink", set_forward_uplink, 0 },
	{ NULL, NULL, 0 }
};

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
		*--e = '\0';
	return s;
}

static const char *sect_name(const struct parser *p)
{
	static char buf[IFNAMSIZ + 32];

	switch (p->sect) {
	case S_LAN:
		return "[lan]";
	case S_SETTINGS:
		return "[settings]";
	case S_DNS:
		return "[dns]";
	case S_FIREWALL:
		return "[firewall]";
	case S_FORWARD:
		snprintf(buf, sizeof(buf), "[forward %s %u]",
			 nfg_proto_name(p->fw->fw.proto), p->fw->fw.port);
		return buf;
	default:
		snprintf(buf, sizeof(buf), "[uplink %s]", p->up->ifname);
		return buf;
	}
}

/* "tier, weight, admin" */
static const char *key_list(const struct key_def *keys)
{
	static char buf[512];
	size_t off = 0;

	buf[0] = '\0';
	for (const struct key_def *k = keys; k->name && off < sizeof(buf); k++)
		off += (size_t)snprintf(buf + off, sizeof(buf) - off, "%s%s",
					k == keys ? "" : ", ", k->name);
	return buf;
}

static void uplink_header(struct parser *p, const char *name, const char *rest)
{
	struct nfg_config *cfg = p->cfg;
	struct nfg_conf_uplink *u;
	char ifname[IFNAMSIZ];
	char err[256];

	if (!*name) {
		perr(p, p->line, "[uplink]: missing interface name, expected [uplink IFNAME]");
		return;
	}
	if (*rest) {
		perr(p, p->line, "[uplink %s]: one interface name expected", name);
		return;
	}
	if (nfg_parse_ifname(name, ifname, err, sizeof(err))) {
		perr(p, p->line, "uplink: %s", err);
		return;
	}
	for (size_t i = 0; i < cfg->n_uplinks; i++) {
		if (!strcmp(cfg->uplinks[i].up.ifname, ifname)) {
			perr(p, p->line, "duplicate section [uplink %s] (first at line %d)",
			     ifname, cfg->uplinks[i].line);
			return;
		}
	}
	u = realloc(cfg->uplinks, (cfg->n_uplinks + 1) * sizeof(*u));
	if (!u) {
		perr(p, p->line, "out of memory");
		return;
	}
	cfg->uplinks = u;
	u = &cfg->uplinks[cfg->n_uplinks++];
	memset(u, 0, sizeof(*u));
	u->line = p->line;
	memcpy(u->up.ifname, ifname, sizeof(ifname));
	u->up.tier = NFG_DEFAULT_TIER;
	u->up.weight = NFG_DEFAULT_WEIGHT;
	u->up.admin = NFG_DEFAULT_ADMIN;
	NFG_MARK(&u->up, NFGATE_UPLINK_A_IFNAME);
	NFG_MARK(&u->up, NFGATE_UPLINK_A_TIER);
	NFG_MARK(&u->up, NFGATE_UPLINK_A_WEIGHT);
	NFG_MARK(&u->up, NFGATE_UPLINK_A_ADMIN);
	hl_params_default(&u->hl);
	p->up = &u->up;
	p->cu = u;
	p->sect = S_UPLINK;
	p->keys = uplink_keys;
}

/* [forward tcp 8080]: name is "tcp", rest "8080" */
static void forward_header(struct parser *p, char *name, char *rest)
{
	struct nfg_config *cfg = p->cfg;
	struct nfg_conf_forward *f;
	char *port = trim(rest), *extra;
	char err[256];
	uint8_t proto;
	uint16_t pnum;

	name[strcspn(name, " \t")] = '\0';
	extra = port + strcspn(port, " \t");
	if (!*name || !*port) {
		perr(p, p->line, "[forward]: missing %s, expected [forward tcp|udp PORT]",
		     *name ? "port" : "protocol and port");
		return;
	}
	if (*extra) {
		perr(p, p->line, "[forward %s %s]: expected [forward tcp|udp PORT]", name, port);
		return;
	}
	if (nfg_parse_proto(name, &proto, err, sizeof(err))) {
		perr(p, p->line, "forward: %s", err);
		return;
	}
	if (nfg_parse_port(port, &pnum, err, sizeof(err))) {
		perr(p, p->line, "forward: port: %s", err);
		return;
	}
	if ((f = (struct nfg_conf_forward *)nfg_config_forward(cfg, proto, pnum))) {
		perr(p, p->line, "duplicate section [forward %s %u] (first at line %d)",
		     name, pnum, f->line);
		return;
	}
	f = realloc(cfg->forwards, (cfg->n_forwards + 1) * sizeof(*f));
	if (!f) {
		perr(p, p->line, "out of memory");
		return;
	}
	cfg->forwards = f;
	f = &cfg->forwards[cfg->n_forwards++];
	memset(f, 0, sizeof(*f));
	f->line = p->line;
	f->fw.proto = proto;
	f->fw.port = pnum;
	NFG_MARK(&f->fw, NFGATE_FORWARD_A_PROTO);
	NFG_MARK(&f->fw, NFGATE_FORWARD_A_PORT);
	p->fw = f;
	p->sect = S_FORWARD;
	p->keys = forward_keys;
}

/* [lan] and [settings]: no name, at most once */
static bool single_header(struct parser *p, const char *word, const char *name,
			  bool *has, int *line)
{
	if (*name) {
		perr(p, p->line, "[%s] takes no name (got '%s')", word, name);
		return false;
	}
	if (*has) {
		perr(p, p->line, "duplicate section [%s] (first at line %d)", word, *line);
		return false;
	}
	*has = true;
	*line = p->line;
	return true;
}

/* [server NAME]: the tunnel's servers, in order of preference */
static void server_header(struct parser *p, const char *name, const char *rest)
{
	struct nfg_conf_tunnel *t = &p->cfg->tunnel;
	struct nfg_conf_server *srv;

	if (!*name || *rest) {
		perr(p, p->line, "[server]: expected [server NAME]");
		return;
	}
	if (strlen(name) >= NFGATE_TUNNEL_NAME_MAX ||
	    strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") !=
	    strlen(name)) {
		perr(p, p->line, "[server %.40s]: a name is 1..%d letters, digits, '_', '.' or '-'",
		     name, NFGATE_TUNNEL_NAME_MAX - 1);
		return;
	}
	for (size_t i = 0; i < t->n_servers; i++) {
		if (!strcmp(t->servers[i].name, name)) {
			perr(p, p->line, "duplicate section [server %s] (first at line %d)",
			     name, t->servers[i].line);
			return;
		}
	}
	if (t->n_servers == NFGATE_TUNNEL_SERVERS_MAX) {
		perr(p, p->line, "[server %s]: more than %d servers", name,
		     NFGATE_TUNNEL_SERVERS_MAX);
		return;
	}
	srv = &t->servers[t->n_servers++];
	memset(srv, 0, sizeof(*srv));
	snprintf(srv->name, sizeof(srv->name), "%s", name);
	srv->line = p->line;
	srv->port = NFG_TUNNEL_DEFAULT_SERVER_PORT;
	p->srv = srv;
	p->sect = S_SERVER;
}

/* A key of [tunnel] or [server NAME] (tunnel.c parses the values). */
static void tunnel_key_value(struct parser *p, const char *key, const char *val)
{
	static const char *const skeys[] = { "address", "port", "password", "method" };
	struct nfg_conf_tunnel *t = &p->cfg->tunnel;
	int i = -1, *line = NULL, ret;
	char err[256];

	if (p->sect == S_TUNNEL) {
		i = nfg_tunnel_key_index(key);
		line = i >= 0 ? &t->key_line[i] : NULL;
	} else {
		for (size_t k = 0; k < sizeof(skeys) / sizeof(skeys[0]); k++)
			if (!strcmp(skeys[k], key))
				i = (int)k;
		line = i >= 0 ? &p->srv->key_line[i] : NULL;
	}
	if (!line) {
		if (p->sect == S_TUNNEL)
			perr(p, p->line, "%s: unknown key in [tunnel] (expected %s)", key,
			     nfg_tunnel_keys());
		else
			perr(p, p->line, "%s: unknown key in [server %s] (expected %s)", key,
			     p->srv->name, nfg_server_keys());
		return;
	}
	if (*line) {
		perr(p, p->line, "%s: duplicate key in %s (first at line %d)", key,
		     p->sect == S_TUNNEL ? "[tunnel]" : "[server]", *line);
		return;
	}
	*line = p->line;
	if (!*val) {
		perr(p, p->line, "%s: missing value", key);
		return;
	}
	ret = p->sect == S_TUNNEL ? nfg_tunnel_key(t, key, val, err, sizeof(err)) :
				    nfg_server_key(p->srv, key, val, err, sizeof(err));
	if (ret)
		perr(p, p->line, "%s: %s", key, err);
}

static void section_header(struct parser *p, char *s)
{
	struct nfg_config *cfg = p->cfg;
	size_t len = strlen(s);
	char *inner, *word, *name, *rest;

	memset(p->seen, 0, sizeof(p->seen));
	p->sect = S_SKIP;	/* until the header is known good */
	p->sect_line = p->line;
	if (s[len - 1] != ']') {
		perr(p, p->line, "unterminated section header, expected " SECTIONS);
		return;
	}
	s[len - 1] = '\0';
	inner = trim(s + 1);
	word = inner;
	name = inner + strcspn(inner, " \t");
	if (*name) {
		*name++ = '\0';
		name = trim(name);
	}
	rest = name + strcspn(name, " \t");

	if (!strcmp(word, "lan")) {
		p->bad_lan_header = true;
		if (!single_header(p, word, name, &cfg->has_lan, &cfg->lan_line))
			return;
		p->bad_lan_header = false;
		p->sect = S_LAN;
		p->keys = lan_keys;
	} else if (!strcmp(word, "settings")) {
		if (!single_header(p, word, name, &cfg->has_settings, &cfg->settings_line))
			return;
		p->sect = S_SETTINGS;
		p->keys = settings_keys;
	} else if (!strcmp(word, "dns")) {
		if (!single_header(p, word, name, &cfg->has_dns, &cfg->dns_line))
			return;
		p->sect = S_DNS;
		p->keys = dns_keys;
	} else if (!strcmp(word, "firewall")) {
		if (!single_header(p, word, name, &cfg->has_firewall, &cfg->firewall_line))
			return;
		p->sect = S_FIREWALL;
		p->keys = firewall_keys;
	} else if (!strcmp(word, "uplink")) {
		uplink_header(p, name, rest);
	} else if (!strcmp(word, "forward")) {
		forward_header(p, name, rest);
	} else if (!strcmp(word, "tunnel")) {
		if (!single_header(p, word, name, &cfg->has_tunnel, &cfg->tunnel.line))
			return;
		p->sect = S_TUNNEL;
	} else if (!strcmp(word, "server")) {
		server_header(p, name, rest);
	} else if (!*word) {
		perr(p, p->line, "empty section header, expected " SECTIONS);
	} else {
		perr(p, p->line, "unknown section [%s%s%s], expected " SECTIONS,
		     word, *name ? " " : "", name);
	}
}

/* An inline comment starts with # or ; after a blank; cut it off. */
static void cut_comment(char *s)
{
	for (char *c = s; *c; c++) {
		if ((*c == '#' || *c == ';') && (c == s || c[-1] == ' ' || c[-1] == '\t')) {
			*c = '\0';
			return;
		}
	}
}

static void key_value(struct parser *p, char *s)
{
	const struct key_def *k;
	char *eq = strchr(s, '=');
	char *key, *val;
	char err[256];
	int i;

	if (!eq) {
		perr(p, p->line, "expected 'key = value', '[section]' or a comment, got '%.40s'", s);
		return;
	}
	*eq = '\0';
	key = trim(s);
	val = eq + 1;
	cut_comment(val);
	val = trim(val);
	if (!*key) {
		perr(p, p->line, "missing key before '='");
		return;
	}
	if (p->sect == S_SKIP)
		return;		/* the bad header was reported */
	if (p->sect == S_NONE) {
		perr(p, p->line, "%s: key outside of a section, expected " SECTIONS " first", key);
		return;
	}
	if (p->sect == S_TUNNEL || p->sect == S_SERVER) {
		tunnel_key_value(p, key, val);
		return;
	}
	for (k = p->keys, i = 0; k->name; k++, i++)
		if (!strcmp(k->name, key))
			break;
	if (!k->name) {
		if (p->sect == S_UPLINK && !strcmp(key, "health"))
			perr(p, p->line, "health: not allowed in the config file, the agent sets it at run time");
		else
			perr(p, p->line, "%s: unknown key in %s (expected %s)",
			     key, sect_name(p), key_list(p->keys));
		return;
	}
	if (p->seen[i]) {
		perr(p, p->line, "%s: duplicate key in %s (first at line %d)",
		     key, sect_name(p), p->seen[i]);
		return;
	}
	p->seen[i] = p->line;
	if (p->sect == S_UPLINK)
		p->cu->key_line[i] = p->line;
	if (p->sect == S_DNS)
		p->cfg->dns.key_line[i] = p->line;
	if (p->sect == S_FIREWALL)
		p->cfg->firewall.key_line[i] = p->line;
	if (p->sect == S_LAN)
		p->lan_seen |= 1U << i;
	if (p->sect == S_FORWARD && !strcmp(key, "to"))
		p->fw->to_line = p->line;	/* given, even if bad */
	if (!*val) {
		perr(p, p->line, "%s: missing value", key);
		return;
	}
	p->key = k;
	if (k->set(p, val, err, sizeof(err)))
		perr(p, p->line, "%s: %s", key, err);
}

static void parse_line(struct parser *p, char *buf, size_t n)
{
	char *s;

	if (n > NFG_CONF_MAX_LINE) {
		perr(p, p->line, "line is too long (more than %d characters)", NFG_CONF_MAX_LINE);
		return;
	}
	if (p->line == 1 && n >= 3 && !memcmp(buf, "\xef\xbb\xbf", 3)) {
		buf += 3;	/* UTF-8 byte order mark */
		n -= 3;
	}
	if (n && buf[n - 1] == '\r')
		buf[--n] = '\0';
	for (size_t i = 0; i < n; i++) {
		unsigned char c = buf[i];

		if ((c < 0x20 && c != '\t') || c == 0x7f) {
			perr(p, p->line, "binary data (byte 0x%02x at column %zu), not a text file?",
			     c, i + 1);
			return;
		}
	}
	s = trim(buf);
	if (!*s || *s == '#' || *s == ';')
		return;
	if (*s == '[') {
		cut_comment(s);
		section_header(p, trim(s));
	}
	else
		key_value(p, s);
}

static void check_forward(struct parser *p, const struct nfg_conf_forward *f)
{
	const struct nfg_config *cfg = p->cfg;
	const struct nfg_lan *lan = &cfg->lan;
	const char *proto = nfg_proto_name(f->fw.proto);

	if (!f->to_line) {
		perr(p, f->line, "[forward %s %u]: missing required key 'to'", proto, f->fw.port);
	} else if (NFG_HAS(&f->fw, NFGATE_FORWARD_A_TO_ADDR) &&
		   NFG_HAS(lan, NFGATE_LAN_A_ADDR)) {
		uint32_t mask = lan->prefixlen ? htonl(~0U << (32 - lan->prefixlen)) : 0;
		uint32_t host = f->fw.to_addr & ~mask;
		char a[INET_ADDRSTRLEN], net[INET_ADDRSTRLEN];

		inet_ntop(AF_INET, &f->fw.to_addr, a, sizeof(a));
		inet_ntop(AF_INET, &lan->addr, net, sizeof(net));
		if ((f->fw.to_addr & mask) != lan->addr)
			perr(p, f->to_line, "to: %s is not in the LAN %s/%u (line %d)",
			     a, net, lan->prefixlen, cfg->lan_line);
		else if (lan->prefixlen < 31 && (host == 0 || host == ~mask))
			perr(p, f->to_line, "to: %s is the %s address of the LAN %s/%u",
			     a, host ? "broadcast" : "network", net, lan->prefixlen);
	}
	if (NFG_HAS(&f->fw, NFGATE_FORWARD_A_UPLINK) &&
	    !nfg_config_uplink(cfg, f->fw.uplink))
		perr(p, f->uplink_line, "uplink: '%s' is not an [uplink] of this file",
		     f->fw.uplink);
}

/* a pair of limits: lo must be below hi when both are on (non-zero) */
static void check_pair(struct parser *p, const struct nfg_conf_uplink *u,
		       const char *lo_key, uint32_t lo, const char *hi_key, uint32_t hi,
		       bool zero_off)
{
	int lo_line = u->key_line[uplink_key(lo_key)];
	int hi_line = u->key_line[uplink_key(hi_key)];

	if ((zero_off && (!lo || !hi)) || lo < hi || (!lo_line && !hi_line))
		return;
	/* report on the later of the two keys given */
	perr(p, lo_line > hi_line ? lo_line : hi_line,
	     "%s: %u must be below %s (%u)%s", lo_key, lo, hi_key, hi,
	     lo_line && hi_line ? "" : " (the other one is the default)");
}

static void check_uplink_health(struct parser *p, const struct nfg_conf_uplink *u)
{
	const struct hl_params *h = &u->hl;
	int l;

	check_pair(p, u, "loss_degraded", h->loss_degraded, "loss_down", h->loss_down, true);
	check_pair(p, u, "rtt_degraded_ms", h->rtt_degraded_ms, "rtt_down_ms", h->rtt_down_ms, true);
	check_pair(p, u, "reuse", h->reuse, "suppress", h->suppress, false);
	l = u->key_line[uplink_key("up_after")] > u->key_line[uplink_key("window")] ?
	    u->key_line[uplink_key("up_after")] : u->key_line[uplink_key("window")];
	if (h->up_after > h->window && l)
		perr(p, l, "up_after: %u is more than window (%u)", h->up_after, h->window);
	l = u->key_line[uplink_key("timeout_ms")];
	if (h->rtt_down_ms && h->rtt_down_ms >= h->timeout_ms &&
	    (l || u->key_line[uplink_key("rtt_down_ms")]))
		perr(p, l > u->key_line[uplink_key("rtt_down_ms")] ? l :
		     u->key_line[uplink_key("rtt_down_ms")],
		     "rtt_down_ms: %u can never be reached with timeout_ms %u (slower rounds are lost)",
		     h->rtt_down_ms, h->timeout_ms);
}

void nfg_forged_default_path(char *buf, size_t len)
{
	static const char *const up[] = { "/../data/forged.txt", "/../../data/forged.txt" };
	char exe[PATH_MAX], path[PATH_MAX + 32];
	ssize_t n;

	snprintf(buf, len, "%s", NFG_FORGED_DEFAULT);
	if (access(NFG_FORGED_DEFAULT, F_OK) == 0)
		return;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return;
	exe[n] = '\0';
	*strrchr(exe, '/') = '\0';
	for (size_t i = 0; i < sizeof(up) / sizeof(up[0]); i++) {
		char *real;

		snprintf(path, sizeof(path), "%s%s", exe, up[i]);
		real = realpath(path, NULL);
		if (real) {
			snprintf(buf, len, "%s", real);
			free(real);
			return;
		}
	}
}

/* the later line of two [dns] keys, or the section's line */
static int dns_line_of(const struct parser *p, const char *a, const char *b)
{
	const struct nfg_conf_dns *d = &p->cfg->dns;
	int la = d->key_line[dns_key(a)], lb = b ? d->key_line[dns_key(b)] : 0;

	return la > lb ? la : lb ? lb : p->cfg->dns_line;
}

static void check_dns(struct parser *p)
{
	struct nfg_config *cfg = p->cfg;
	struct nfg_conf_dns *d = &cfg->dns;
	struct nfg_dns want;
	struct nfg_errors ferrs = { 0 };

	nfg_dns_defaults(&want);
	if (NFG_HAS(&d->dns, NFGATE_DNS_A_HOLD_MAX))
		want.hold_max = d->dns.hold_max;
	if (NFG_HAS(&d->dns, NFGATE_DNS_A_HOLD_PER_CLIENT))
		want.hold_per_client = d->dns.hold_per_client;
	if (want.hold_per_client > want.hold_max &&
	    (d->key_line[dns_key("hold_max")] || d->key_line[dns_key("hold_per_client")]))
		perr(p, dns_line_of(p, "hold_max", "hold_per_client"),
		     "hold_per_client: %u is above hold_max (%u)%s", want.hold_per_client,
		     want.hold_max, d->key_line[dns_key("hold_max")] &&
		     d->key_line[dns_key("hold_per_client")] ? "" : " (the other one is the default)");
	if (d->n_canary && !d->canary_addr)
		perr(p, dns_line_of(p, "canary_names", NULL),
		     "canary_names: canary_addr is required (an address that runs no DNS server)");
	if (d->canary_addr && !d->n_canary && d->key_line[dns_key("canary_names")] == 0)
		perr(p, dns_line_of(p, "canary_addr", NULL),
		     "canary_addr: canary_names is required (the censored names to ask for)");
	if (d->canary_addr && cfg->has_lan && NFG_HAS(&cfg->lan, NFGATE_LAN_A_ADDR)) {
		uint32_t mask = cfg->lan.prefixlen ? htonl(~0U << (32 - cfg->lan.prefixlen)) : 0;
		char a[INET_ADDRSTRLEN];

		inet_ntop(AF_INET, &d->canary_addr, a, sizeof(a));
		if ((d->canary_addr & mask) == cfg->lan.addr)
			perr(p, dns_line_of(p, "canary_addr", NULL),
			     "canary_addr: %s is in the LAN; the probes must leave through the uplinks",
			     a);
	}
	if (!d->key_line[dns_key("forged_file")])
		nfg_forged_default_path(d->forged_file, sizeof(d->forged_file));
	if (d->forged_file[0] && nfg_forged_load(d->forged_file, &d->forged, &ferrs)) {
		/* FILE: strerror: at the line that named it */
		for (size_t i = 0; i < ferrs.n; i++) {
			if (!strncmp(ferrs.msg[i], d->forged_file, strlen(d->forged_file)) &&
			    ferrs.msg[i][strlen(d->forged_file)] == ':' &&
			    ferrs.msg[i][strlen(d->forged_file) + 1] == ' ')
				perr(p, dns_line_of(p, "forged_file", NULL), "forged_file: %s",
				     ferrs.msg[i]);
			else
				nfg_errors_add(p->errs, "%s", ferrs.msg[i]);
		}
	}
	nfg_errors_free(&ferrs);
}

static void check_complete(struct parser *p)
{
	struct nfg_config *cfg = p->cfg;

	if (!cfg->has_lan) {
		if (!p->bad_lan_header)
			perr(p, p->line ? p->line : 1, "missing required section [lan]");
	} else {
		/* a key given with a bad value was reported already */
		for (int i = 0; lan_keys[i].name; i++)
			if (!(p->lan_seen & (1U << i)))
				perr(p, cfg->lan_line, "[lan]: missing required key '%s'",
				     lan_keys[i].name);
	}
	for (size_t i = 0; i < cfg->n_uplinks; i++) {
		const struct nfg_conf_uplink *u = &cfg->uplinks[i];

		if (cfg->has_lan && !strcmp(u->up.ifname, cfg->lan.ifname))
			perr(p, u->line, "[uplink %s]: interface is also the [lan] interface (line %d)",
			     u->up.ifname, cfg->lan_line);
		check_uplink_health(p, u);
	}
	for (size_t i = 0; i < cfg->n_forwards; i++)
		check_forward(p, &cfg->forwards[i]);
	if (cfg->has_dns)
		check_dns(p);
	if (cfg->has_tunnel)
		nfg_conf_tunnel_check(&cfg->tunnel, p->file, p->errs);
	else if (cfg->tunnel.n_servers)
		perr(p, cfg->tunnel.servers[0].line,
		     "[server %s]: a server needs the [tunnel] section", cfg->tunnel.servers[0].name);
}

/*
 * Reads one line into buf (at most cap - 1 bytes kept, NUL-terminated),
 * without its newline, and returns its whole length however long it was
 * (the rest is skipped, so a hostile line costs no memory), or -1 at the
 * end of the file. *total counts every byte read.
 */
static ssize_t read_line(FILE *f, char *buf, size_t cap, size_t *total)
{
	size_t n = 0;
	int c;

	while ((c = getc(f)) != EOF) {
		(*total)++;
		if (c == '\n')
			break;
		if (n + 1 < cap)
			buf[n] = (char)c;
		n++;
		if (*total > NFG_CONF_MAX_SIZE)
			break;
	}
	if (c == EOF && !n)
		return -1;
	buf[n + 1 < cap ? n : cap - 1] = '\0';
	return (ssize_t)n;
}

int nfg_config_parse(FILE *f, const char *name, struct nfg_config *cfg,
		     struct nfg_errors *errs)
{
	struct parser p = { .file = name, .cfg = cfg, .errs = errs };
	size_t first = errs->n, total = 0;
	char buf[NFG_CONF_MAX_LINE + 2];
	ssize_t n;

	memset(cfg, 0, sizeof(*cfg));
	cfg->dns.learn = true;
	snprintf(cfg->dns.learned_file, sizeof(cfg->dns.learned_file), "%s", NFG_LEARNED_DEFAULT);
	cfg->dns.canary_interval_ms = NFG_CANARY_INTERVAL_DEFAULT;
	nfg_conf_tunnel_defaults(&cfg->tunnel);
	nfg_firewall_defaults(&cfg->firewall);
	while ((n = read_line(f, buf, sizeof(buf), &total)) >= 0) {
		p.line++;
		if (total > NFG_CONF_MAX_SIZE) {
			nfg_errors_add(errs, "%s:%d: file is too big (more than %d bytes), "
				       "not a configuration file?", name, p.line,
				       NFG_CONF_MAX_SIZE);
			break;
		}
		parse_line(&p, buf, (size_t)n);
		if (errs->n - first >= NFG_CONF_MAX_ERRORS) {
			nfg_errors_add(errs, "%s:%d: too many errors, giving up", name, p.line);
			break;
		}
	}
	if (ferror(f))
		nfg_errors_add(errs, "%s: %s", name, strerror(errno));
	check_complete(&p);
	if (errs->n != first) {
		nfg_config_free(cfg);
		return -1;
	}
	return 0;
}

/*
 * Opens a configuration file: a regular file only (a FIFO would block the
 * agent, a device like /dev/zero never ends), opened without blocking.
 * NULL with errno set, or with *irregular set for another kind of file.
 */
static FILE *open_conf(const char *path, bool *irregular)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	struct stat st;
	FILE *f;
	int err;

	*irregular = false;
	if (fd < 0)
		return NULL;
	if (fstat(fd, &st)) {
		err = errno;
		close(fd);
		errno = err;
		return NULL;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		*irregular = !S_ISDIR(st.st_mode);
		errno = EISDIR;
		return NULL;
	}
	fcntl(fd, F_SETFL, 0);
	f = fdopen(fd, "r");
	if (!f) {
		err = errno;
		close(fd);
		errno = err;
	}
	return f;
}

int nfg_config_load(const char *path, struct nfg_config *cfg,
		    struct nfg_errors *errs)
{
	bool irregular;
	FILE *f = open_conf(path, &irregular);
	int ret;

	if (!f) {
		memset(cfg, 0, sizeof(*cfg));
		if (irregular)
			nfg_errors_add(errs, "%s: not a regular file", path);
		else
			nfg_errors_add(errs, "%s: %s", path, strerror(errno));
		return -1;
	}
	ret = nfg_config_parse(f, path, cfg, errs);
	fclose(f);
	return ret;
}

void nfg_config_free(struct nfg_config *cfg)
{
	free(cfg->uplinks);
	free(cfg->forwards);
	nfg_forged_free(&cfg->dns.forged);
	nfg_conf_tunnel_free(&cfg->tunnel);
	memset(cfg, 0, sizeof(*cfg));
}

const struct nfg_conf_uplink *nfg_config_uplink(const struct nfg_config *cfg,
						const char *ifname)
{
	for (size_t i = 0; i < cfg->n_uplinks; i++)
		if (!strcmp(cfg->uplinks[i].up.ifname, ifname))
			return &cfg->uplinks[i];
	return NULL;
}

const struct nfg_conf_forward *nfg_config_forward(const struct nfg_config *cfg,
						  uint8_t proto, uint16_t port)
{
	for (size_t i = 0; i < cfg->n_forwards; i++)
		if (cfg->forwards[i].fw.proto == proto && cfg->forwards[i].fw.port == port)
			return &cfg->forwards[i];
	return NULL;
}

/* --- argv ------------------------------------------------------------------ */

#define aerr(...) do { snprintf(err, errlen, __VA_ARGS__); return -1; } while (0)

static int lan_argv(int argc, char *const argv[], struct nfg_lan *lan,
		    char *err, size_t errlen)
{
	char why[256];

	for (int i = 0; i < argc; i += 2) {
		const char *k = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(k, "dev")) {
			if (NFG_HAS(lan, NFGATE_LAN_A_IFNAME))
				aerr("dev: given twice");
			if (!v)
				aerr("dev: missing value");
			if (nfg_parse_ifname(v, lan->ifname, why, sizeof(why)))
				aerr("dev: %s", why);
			NFG_MARK(lan, NFGATE_LAN_A_IFNAME);
		} else if (!strcmp(k, "subnet")) {
			if (NFG_HAS(lan, NFGATE_LAN_A_ADDR))
				aerr("subnet: given twice");
			if (!v)
				aerr("subnet: missing value");
			if (nfg_parse_subnet(v, &lan->addr, &lan->prefixlen, why, sizeof(why)))
				aerr("subnet: %s", why);
			NFG_MARK(lan, NFGATE_LAN_A_ADDR);
			NFG_MARK(lan, NFGATE_LAN_A_PREFIXLEN);
		} else {
			aerr("lan: unknown parameter '%.64s' (expected dev, subnet)", k);
		}
	}
	if (!NFG_HAS(lan, NFGATE_LAN_A_IFNAME))
		aerr("lan: dev is required");
	if (!NFG_HAS(lan, NFGATE_LAN_A_ADDR))
		aerr("lan: subnet is required");
	return 0;
}

static int uplink_argv(int argc, char *const argv[], struct nfg_uplink *up,
		       char *err, size_t errlen)
{
	static const struct {
		const char *key;
		uint16_t attr;
	} params[] = {
		{ "tier", NFGATE_UPLINK_A_TIER },
		{ "weight", NFGATE_UPLINK_A_WEIGHT },
		{ "health", NFGATE_UPLINK_A_HEALTH },
		{ "admin", NFGATE_UPLINK_A_ADMIN },
	};
	char why[256];
	uint32_t x;

	if (argc < 1)
		aerr("uplink: missing interface name");
	if (nfg_parse_ifname(argv[0], up->ifname, why, sizeof(why)))
		aerr("uplink: %s", why);
	NFG_MARK(up, NFGATE_UPLINK_A_IFNAME);

	for (int i = 1; i < argc; i += 2) {
		const char *k = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		size_t j;

		for (j = 0; j < sizeof(params) / sizeof(params[0]); j++)
			if (!strcmp(k, params[j].key))
				break;
		if (j == sizeof(params) / sizeof(params[0]))
			aerr("uplink: unknown parameter '%.64s' (expected tier, weight, health, admin)", k);
		if (NFG_HAS(up, params[j].attr))
			aerr("%s: given twice", k);
		if (!v)
			aerr("%s: missing value", k);
		switch (params[j].attr) {
		case NFGATE_UPLINK_A_TIER:
			if (nfg_parse_uint(v, NFGATE_TIER_MAX, &x, why, sizeof(why)))
				aerr("tier: %s", why);
			up->tier = (uint8_t)x;
			break;
		case NFGATE_UPLINK_A_WEIGHT:
			if (nfg_parse_uint(v, NFGATE_WEIGHT_MAX, &up->weight, why, sizeof(why)))
				aerr("weight: %s", why);
			break;
		case NFGATE_UPLINK_A_HEALTH:
			if (nfg_parse_uint(v, NFGATE_HEALTH_MAX, &up->health, why, sizeof(why)))
				aerr("health: %s", why);
			break;
		case NFGATE_UPLINK_A_ADMIN:
			if (nfg_parse_admin(v, &up->admin, why, sizeof(why)))
				aerr("admin: %s", why);
			break;
		}
		NFG_MARK(up, params[j].attr);
	}
	return 0;
}

static int settings_argv(int argc, char *const argv[], struct nfg_settings *s,
			 char *err, size_t errlen)
{
	char why[256], expected[128] = "";
	uint32_t x;

	for (size_t j = 0; j < nfg_n_setting_params; j++)
		snprintf(expected + strlen(expected), sizeof(expected) - strlen(expected),
			 "%s%s", j ? ", " : "", nfg_setting_params[j].arg);
	if (argc < 1)
		aerr("settings: nothing to set (expected %s)", expected);
	for (int i = 0; i < argc; i += 2) {
		const char *k = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		const struct nfg_setting_param *sp = NULL;

		for (size_t j = 0; j < nfg_n_setting_params && !sp; j++)
			if (!strcmp(k, nfg_setting_params[j].arg))
				sp = &nfg_setting_params[j];
		if (!sp)
			aerr("settings: unknown parameter '%.64s' (expected %s)", k, expected);
		if (NFG_HAS(s, sp->attr))
			aerr("%s: given twice", k);
		if (!v)
			aerr("%s: missing value", k);
		if (sp->parse(v, &x, why, sizeof(why)))
			aerr("%s: %s", k, why);
		nfg_field_set_uint(s, nfg_settings_field(sp->attr), x);
		NFG_MARK(s, sp->attr);
	}
	return 0;
}

/* "tcp 8080" at argv[0], argv[1]: the key of a forward */
static int forward_key_argv(int argc, char *const argv[], struct nfg_forward *fw,
			    char *err, size_t errlen)
{
	char why[256];

	if (argc < 1)
		aerr("forward: missing protocol (tcp or udp)");
	if (nfg_parse_proto(argv[0], &fw->proto, why, sizeof(why)))
		aerr("forward: %s", why);
	if (argc < 2)
		aerr("forward: missing port");
	if (nfg_parse_port(argv[1], &fw->port, why, sizeof(why)))
		aerr("forward: port: %s", why);
	NFG_MARK(fw, NFGATE_FORWARD_A_PROTO);
	NFG_MARK(fw, NFGATE_FORWARD_A_PORT);
	return 0;
}

static int forward_argv(int argc, char *const argv[], struct nfg_forward *fw,
			char *err, size_t errlen)
{
	char why[256];

	if (forward_key_argv(argc, argv, fw, err, errlen))
		return -1;
	for (int i = 2; i < argc; i += 2) {
		const char *k = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		uint16_t attr;
		bool has_port;

		if (!strcmp(k, "to"))
			attr = NFGATE_FORWARD_A_TO_ADDR;
		else if (!strcmp(k, "uplink"))
			attr = NFGATE_FORWARD_A_UPLINK;
		else
			aerr("forward: unknown parameter '%.64s' (expected to, uplink)", k);
		if (NFG_HAS(fw, attr))
			aerr("%s: given twice", k);
		if (!v)
			aerr("%s: missing value", k);
		if (attr == NFGATE_FORWARD_A_UPLINK) {
			if (nfg_parse_ifname(v, fw->uplink, why, sizeof(why)))
				aerr("uplink: %s", why);
		} else {
			if (nfg_parse_hostport(v, &fw->to_addr, &fw->to_port, &has_port,
					       why, sizeof(why)))
				aerr("to: %s", why);
			if (has_port)
				NFG_MARK(fw, NFGATE_FORWARD_A_TO_PORT);
		}
		NFG_MARK(fw, attr);
	}
	if (!NFG_HAS(fw, NFGATE_FORWARD_A_TO_ADDR))
		aerr("forward: to ADDR[:PORT] is required");
	return 0;
}

static int dns_argv(int argc, char *const argv[], struct nfg_dns *d,
		    char *err, size_t errlen)
{
	char why[256], expected[160] = "";
	uint32_t x;

	for (size_t j = 0; j < nfg_n_dns_params; j++)
		snprintf(expected + strlen(expected), sizeof(expected) - strlen(expected),
			 "%s%s", j ? ", " : "", nfg_dns_params[j].arg);
	if (argc < 1)
		aerr("dns: nothing to set (expected %s)", expected);
	for (int i = 0; i < argc; i += 2) {
		const char *k = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		const struct nfg_dns_param *dp = NULL;

		for (size_t j = 0; j < nfg_n_dns_params && !dp; j++)
			if (!strcmp(k, nfg_dns_params[j].arg))
				dp = &nfg_dns_params[j];
		if (!dp)
			aerr("dns: unknown parameter '%.64s' (expected %s)", k, expected);
		if (NFG_HAS(d, dp->attr))
			aerr("%s: given twice", k);
		if (!v)
			aerr("%s: missing value", k);
		if (dp->parse(v, &x, why, sizeof(why)))
			aerr("%s: %s", k, why);
		nfg_field_set_uint(d, nfg_dns_field(dp->attr), x);
		NFG_MARK(d, dp->attr);
	}
	/* the kernel checks against what it holds; both given: here */
	if (NFG_HAS(d, NFGATE_DNS_A_HOLD_MAX) && NFG_HAS(d, NFGATE_DNS_A_HOLD_PER_CLIENT) &&
	    d->hold_per_client > d->hold_max)
		aerr("hold-per-client: %u is above hold-max (%u)", d->hold_per_client, d->hold_max);
	return 0;
}

static const char *const obj_names[] = {
	[NFG_OBJ_LAN] = "lan",
	[NFG_OBJ_UPLINK] = "uplink",
	[NFG_OBJ_SETTINGS] = "settings",
	[NFG_OBJ_FORWARD] = "forward",
	[NFG_OBJ_DNS] = "dns",
};

int nfg_obj_lookup(const char *name)
{
	for (size_t i = 0; i < sizeof(obj_names) / sizeof(obj_names[0]); i++)
		if (!strcmp(name, obj_names[i]))
			return (int)i;
	return -1;
}

int nfg_parse_set_argv(int argc, char *const argv[], struct nfg_set_args *args,
		       char *err, size_t errlen)
{
	int obj;

	memset(args, 0, sizeof(*args));
	if (argc < 1)
		aerr("missing object: lan, uplink, settings, forward or dns");
	obj = nfg_obj_lookup(argv[0]);
	if (obj < 0)
		aerr("unknown object '%.64s' (expected lan, uplink, settings, forward or dns)",
		     argv[0]);
	args->obj = (enum nfg_obj)obj;
	switch (args->obj) {
	case NFG_OBJ_LAN:
		return lan_argv(argc - 1, argv + 1, &args->lan, err, errlen);
	case NFG_OBJ_UPLINK:
		return uplink_argv(argc - 1, argv + 1, &args->uplink, err, errlen);
	case NFG_OBJ_SETTINGS:
		return settings_argv(argc - 1, argv + 1, &args->settings, err, errlen);
	case NFG_OBJ_FORWARD:
		return forward_argv(argc - 1, argv + 1, &args->forward, err, errlen);
	case NFG_OBJ_DNS:
		return dns_argv(argc - 1, argv + 1, &args->dns, err, errlen);
	}
	return -1;
}

int nfg_parse_del_argv(int argc, char *const argv[], struct nfg_del_args *args,
		       char *err, size_t errlen)
{
	struct nfg_forward key = { 0 };
	char why[256];
	int obj;

	memset(args, 0, sizeof(*args));
	if (argc < 1)
		aerr("missing object: lan, uplink or forward");
	obj = nfg_obj_lookup(argv[0]);
	if (obj < 0 || obj == NFG_OBJ_SETTINGS || obj == NFG_OBJ_DNS)
		aerr("unknown object '%.64s' (expected lan, uplink or forward)", argv[0]);
	args->obj = (enum nfg_obj)obj;
	switch (args->obj) {
	case NFG_OBJ_LAN:
		if (argc > 1)
			aerr("lan: unexpected '%.64s'", argv[1]);
		return 0;
	case NFG_OBJ_UPLINK:
		if (argc < 2)
			aerr("uplink: missing interface name");
		if (argc > 2)
			aerr("uplink: unexpected '%.64s'", argv[2]);
		if (nfg_parse_ifname(argv[1], args->ifname, why, sizeof(why)))
			aerr("uplink: %s", why);
		return 0;
	case NFG_OBJ_FORWARD:
		if (forward_key_argv(argc - 1, argv + 1, &key, err, errlen))
			return -1;
		if (argc > 3)
			aerr("forward: unexpected '%.64s'", argv[3]);
		args->proto = key.proto;
		args->port = key.port;
		return 0;
	case NFG_OBJ_SETTINGS:
	case NFG_OBJ_DNS:
		break;
	}
	return -1;
}
