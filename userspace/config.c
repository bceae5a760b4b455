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
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

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

int nfg_parse_uint(const char *s, uint32_t max, uint32_t *out,
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
	if (v > max) {
		snprintf(err, errlen, "%.64s is out of range 0..%u", s, max);
		return -1;
	}
	*out = (uint32_t)v;
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

/* --- the config file ------------------------------------------------------- */

enum sect { S_NONE, S_LAN, S_UPLINK, S_SKIP };

struct parser;

struct key_def {
	const char *name;
	int (*set)(struct parser *p, const char *val, char *err, size_t errlen);
};

#define MAX_KEYS 4

struct parser {
	const char *file;
	struct nfg_config *cfg;
	struct nfg_errors *errs;
	int line;
	enum sect sect;
	int sect_line;
	struct nfg_uplink *up;		/* current [uplink] */
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

static const struct key_def lan_keys[] = {
	{ "interface", set_lan_interface },
	{ "subnet", set_lan_subnet },
	{ NULL, NULL }
};

static const struct key_def uplink_keys[] = {
	{ "tier", set_uplink_tier },
	{ "weight", set_uplink_weight },
	{ "admin", set_uplink_admin },
	{ NULL, NULL }
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
	static char buf[IFNAMSIZ + 16];

	if (p->sect == S_LAN)
		return "[lan]";
	snprintf(buf, sizeof(buf), "[uplink %s]", p->up->ifname);
	return buf;
}

static void section_header(struct parser *p, char *s)
{
	struct nfg_config *cfg = p->cfg;
	size_t len = strlen(s);
	char *inner, *word, *name, *rest;
	char err[256];

	memset(p->seen, 0, sizeof(p->seen));
	p->sect = S_SKIP;	/* until the header is known good */
	p->sect_line = p->line;
	if (s[len - 1] != ']') {
		perr(p, p->line, "unterminated section header, expected [lan] or [uplink IFNAME]");
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
		if (*name) {
			perr(p, p->line, "[lan] takes no name (got '%s')", name);
			return;
		}
		if (cfg->has_lan) {
			perr(p, p->line, "duplicate section [lan] (first at line %d)",
			     cfg->lan_line);
			return;
		}
		cfg->has_lan = true;
		cfg->lan_line = p->line;
		p->bad_lan_header = false;
		p->sect = S_LAN;
		return;
	}
	if (!strcmp(word, "uplink")) {
		struct nfg_conf_uplink *u;
		char ifname[IFNAMSIZ];

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
		p->up = &u->up;
		p->sect = S_UPLINK;
		return;
	}
	if (!*word)
		perr(p, p->line, "empty section header, expected [lan] or [uplink IFNAME]");
	else
		perr(p, p->line, "unknown section [%s%s%s], expected [lan] or [uplink IFNAME]",
		     word, *name ? " " : "", name);
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
	const struct key_def *keys, *k;
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
		perr(p, p->line, "%s: key outside of a section, expected [lan] or [uplink IFNAME] first", key);
		return;
	}
	keys = p->sect == S_LAN ? lan_keys : uplink_keys;
	for (k = keys, i = 0; k->name; k++, i++)
		if (!strcmp(k->name, key))
			break;
	if (!k->name) {
		if (p->sect == S_UPLINK && !strcmp(key, "health"))
			perr(p, p->line, "health: not allowed in the config file, the agent sets it at run time");
		else if (p->sect == S_LAN)
			perr(p, p->line, "%s: unknown key in [lan] (expected interface, subnet)", key);
		else
			perr(p, p->line, "%s: unknown key in %s (expected tier, weight, admin)",
			     key, sect_name(p));
		return;
	}
	if (p->seen[i]) {
		perr(p, p->line, "%s: duplicate key in %s (first at line %d)",
		     key, sect_name(p), p->seen[i]);
		return;
	}
	p->seen[i] = p->line;
	if (p->sect == S_LAN)
		p->lan_seen |= 1U << i;
	if (!*val) {
		perr(p, p->line, "%s: missing value", key);
		return;
	}
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
	}
}

int nfg_config_parse(FILE *f, const char *name, struct nfg_config *cfg,
		     struct nfg_errors *errs)
{
	struct parser p = { .file = name, .cfg = cfg, .errs = errs };
	size_t first = errs->n, cap = 0;
	char *buf = NULL;
	ssize_t n;

	memset(cfg, 0, sizeof(*cfg));
	while ((n = getline(&buf, &cap, f)) >= 0) {
		p.line++;
		if (n && buf[n - 1] == '\n')
			buf[--n] = '\0';
		parse_line(&p, buf, (size_t)n);
		if (errs->n - first >= NFG_CONF_MAX_ERRORS) {
			nfg_errors_add(errs, "%s:%d: too many errors, giving up", name, p.line);
			break;
		}
	}
	if (ferror(f))
		nfg_errors_add(errs, "%s: %s", name, strerror(errno));
	free(buf);
	check_complete(&p);
	if (errs->n != first) {
		nfg_config_free(cfg);
		return -1;
	}
	return 0;
}

int nfg_config_load(const char *path, struct nfg_config *cfg,
		    struct nfg_errors *errs)
{
	FILE *f = fopen(path, "re");
	int ret;

	if (!f) {
		memset(cfg, 0, sizeof(*cfg));
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

int nfg_parse_set_argv(int argc, char *const argv[], struct nfg_set_args *args,
		       char *err, size_t errlen)
{
	memset(args, 0, sizeof(*args));
	if (argc < 1)
		aerr("missing object: lan or uplink");
	if (!strcmp(argv[0], "lan")) {
		args->is_lan = true;
		return lan_argv(argc - 1, argv + 1, &args->lan, err, errlen);
	}
	if (!strcmp(argv[0], "uplink"))
		return uplink_argv(argc - 1, argv + 1, &args->uplink, err, errlen);
	aerr("unknown object '%.64s' (expected lan or uplink)", argv[0]);
}

int nfg_parse_del_argv(int argc, char *const argv[], struct nfg_del_args *args,
		       char *err, size_t errlen)
{
	char why[256];

	memset(args, 0, sizeof(*args));
	if (argc < 1)
		aerr("missing object: lan or uplink");
	if (!strcmp(argv[0], "lan")) {
		if (argc > 1)
			aerr("lan: unexpected '%.64s'", argv[1]);
		args->is_lan = true;
		return 0;
	}
	if (!strcmp(argv[0], "uplink")) {
		if (argc < 2)
			aerr("uplink: missing interface name");
		if (argc > 2)
			aerr("uplink: unexpected '%.64s'", argv[2]);
		if (nfg_parse_ifname(argv[1], args->ifname, why, sizeof(why)))
			aerr("uplink: %s", why);
		return 0;
	}
	aerr("unknown object '%.64s' (expected lan or uplink)", argv[0]);
}
