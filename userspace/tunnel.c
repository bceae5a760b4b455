// SPDX-License-Identifier: GPL-2.0
/*
 * The shadowsocks tunnel: netlink form, commands, prefix list files and the
 * [tunnel] / [server] keys of the configuration. See tunnel.h.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "config.h"
#include "ipc.h"
#include "tunnel.h"

#define NAME(t, v) ((v) < sizeof(t) / sizeof((t)[0]) ? (t)[v] : NULL)

static const char *const state_names[] = {
	[NFGATE_TUNNEL_UNKNOWN] = "unknown",
	[NFGATE_TUNNEL_UP] = "up",
	[NFGATE_TUNNEL_DOWN] = "down",
};
static const char *const fail_names[] = {
	[NFGATE_TUNNEL_FAIL_OPEN] = "open",
	[NFGATE_TUNNEL_FAIL_CLOSED] = "closed",
};
static const char *const list_names[] = {
	[NFGATE_LIST_BYPASS] = "bypass",
	[NFGATE_LIST_FORWARD] = "forward",
	[NFGATE_LIST_SRC_BYPASS] = "src_bypass",
	[NFGATE_LIST_SRC_FORWARD] = "src_forward",
};
static const char *const verdict_names[] = {
	[NFGATE_TUNNEL_V_DIRECT] = "direct",
	[NFGATE_TUNNEL_V_TUNNEL] = "tunnel",
	[NFGATE_TUNNEL_V_BLOCKED] = "blocked",
};
static const char *const reason_names[] = {
	[NFGATE_TUNNEL_R_OFF] = "off",
	[NFGATE_TUNNEL_R_LOCAL] = "local",
	[NFGATE_TUNNEL_R_SRC_BYPASS] = "src_bypass",
	[NFGATE_TUNNEL_R_SRC_FORWARD] = "src_forward",
	[NFGATE_TUNNEL_R_FORWARD] = "forward",
	[NFGATE_TUNNEL_R_RESERVED] = "reserved",
	[NFGATE_TUNNEL_R_BYPASS] = "bypass",
	[NFGATE_TUNNEL_R_DEFAULT] = "default",
};
_Static_assert(sizeof(reason_names) / sizeof(reason_names[0]) == __NFGATE_TUNNEL_R_LAST,
	       "a name for every reason");
_Static_assert(sizeof(list_names) / sizeof(list_names[0]) == __NFGATE_LIST_LAST,
	       "a name for every list");

const char *nfg_tunnel_state_name(unsigned int v) { return NAME(state_names, v); }
const char *nfg_tunnel_fail_name(unsigned int v) { return NAME(fail_names, v); }
const char *nfg_list_name(unsigned int v) { return NAME(list_names, v); }
const char *nfg_tunnel_verdict_name(unsigned int v) { return NAME(verdict_names, v); }
const char *nfg_tunnel_reason_name(unsigned int v) { return NAME(reason_names, v); }

int nfg_list_lookup(const char *name)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%s", name);
	for (char *c = buf; *c; c++)
		if (*c == '-')
			*c = '_';
	for (unsigned int i = 0; i < __NFGATE_LIST_LAST; i++)
		if (!strcmp(buf, list_names[i]))
			return (int)i;
	return -1;
}

/* --- netlink form --------------------------------------------------------- */

#define TMARK(t, a) ((t)->present |= 1U << (a))

static int parse_server(const struct nlattr *nest, struct nfg_tsrv *s)
{
	const struct nlattr *a;

	memset(s, 0, sizeof(*s));
	mnl_attr_for_each_nested(a, nest) {
		switch (mnl_attr_get_type(a)) {
		case NFGATE_TSRV_A_NAME: {
			uint16_t len = mnl_attr_get_payload_len(a);
			const char *str = mnl_attr_get_str(a);

			if (!len || len > sizeof(s->name) || str[len - 1])
				return -EINVAL;
			memcpy(s->name, str, len);
			break;
		}
		case NFGATE_TSRV_A_ADDR:
			if (mnl_attr_validate(a, MNL_TYPE_U32) < 0)
				return -EINVAL;
			s->addr = mnl_attr_get_u32(a);
			break;
		case NFGATE_TSRV_A_PORT:
		case NFGATE_TSRV_A_REDIR_PORT:
		case NFGATE_TSRV_A_UDP_PORT: {
			uint16_t v;

			if (mnl_attr_validate(a, MNL_TYPE_U16) < 0)
				return -EINVAL;
			v = ntohs(mnl_attr_get_u16(a));
			if (mnl_attr_get_type(a) == NFGATE_TSRV_A_PORT)
				s->port = v;
			else if (mnl_attr_get_type(a) == NFGATE_TSRV_A_REDIR_PORT)
				s->redir_port = v;
			else
				s->udp_port = v;
			break;
		}
		case NFGATE_TSRV_A_STATE:
			if (mnl_attr_validate(a, MNL_TYPE_U8) < 0)
				return -EINVAL;
			s->state = mnl_attr_get_u8(a);
			break;
		case NFGATE_TSRV_A_RTT_US:
			if (mnl_attr_validate(a, MNL_TYPE_U32) < 0)
				return -EINVAL;
			s->rtt_us = mnl_attr_get_u32(a);
			break;
		case NFGATE_TSRV_A_SINCE_MS:
		case NFGATE_TSRV_A_REDIRECTED:
			if (mnl_attr_validate(a, MNL_TYPE_U64) < 0)
				return -EINVAL;
			if (mnl_attr_get_type(a) == NFGATE_TSRV_A_SINCE_MS)
				s->since_ms = mnl_attr_get_u64(a);
			else
				s->redirected = mnl_attr_get_u64(a);
			break;
		}
	}
	return 0;
}

static int parse_list(const struct nlattr *nest, struct nfg_tunnel *t)
{
	struct nfg_tlist l = { .present = true };
	const struct nlattr *a;
	int which = -1;

	mnl_attr_for_each_nested(a, nest) {
		uint16_t type = mnl_attr_get_type(a);

		if (type == NFGATE_TLIST_A_LIST) {
			if (mnl_attr_validate(a, MNL_TYPE_U8) < 0)
				return -EINVAL;
			which = mnl_attr_get_u8(a);
		} else if (type == NFGATE_TLIST_A_TAG) {
			if (mnl_attr_validate(a, MNL_TYPE_U64) < 0)
				return -EINVAL;
			l.tag = mnl_attr_get_u64(a);
		} else if (type == NFGATE_TLIST_A_PREFIXES || type == NFGATE_TLIST_A_RANGES ||
			   type == NFGATE_TLIST_A_BUILD_US || type == NFGATE_TLIST_A_LOADING) {
			uint32_t v;

			if (mnl_attr_validate(a, MNL_TYPE_U32) < 0)
				return -EINVAL;
			v = mnl_attr_get_u32(a);
			if (type == NFGATE_TLIST_A_PREFIXES)
				l.prefixes = v;
			else if (type == NFGATE_TLIST_A_RANGES)
				l.ranges = v;
			else if (type == NFGATE_TLIST_A_BUILD_US)
				l.build_us = v;
			else {
				l.loading = true;
				l.staged = v;
			}
		}
	}
	if (which >= 0 && which < __NFGATE_LIST_LAST)
		t->list[which] = l;	/* a newer kernel's lists: skipped */
	return 0;
}

int nfg_tunnel_parse(const struct nlattr *nest, struct nfg_tunnel *t)
{
	const struct nlattr *a, *b;
	int err;

	memset(t, 0, sizeof(*t));
	mnl_attr_for_each_nested(a, nest) {
		uint16_t type = mnl_attr_get_type(a);

		switch (type) {
		case NFGATE_TUNNEL_A_ENABLED:
		case NFGATE_TUNNEL_A_STATE:
		case NFGATE_TUNNEL_A_FAIL:
		case NFGATE_TUNNEL_A_ACTIVE:
		case NFGATE_TUNNEL_A_UDP: {
			uint8_t v;

			if (mnl_attr_validate(a, MNL_TYPE_U8) < 0)
				return -EINVAL;
			v = mnl_attr_get_u8(a);
			if (type == NFGATE_TUNNEL_A_ENABLED)
				t->enabled = v;
			else if (type == NFGATE_TUNNEL_A_STATE)
				t->state = v;
			else if (type == NFGATE_TUNNEL_A_FAIL)
				t->fail = v;
			else if (type == NFGATE_TUNNEL_A_ACTIVE)
				t->active = v;
			else
				t->udp = v;
			break;
		}
		case NFGATE_TUNNEL_A_UDP_MARK:
		case NFGATE_TUNNEL_A_CHECK_MARK:
		case NFGATE_TUNNEL_A_FLOWS:
			if (mnl_attr_validate(a, MNL_TYPE_U32) < 0)
				return -EINVAL;
			if (type == NFGATE_TUNNEL_A_UDP_MARK)
				t->udp_mark = mnl_attr_get_u32(a);
			else if (type == NFGATE_TUNNEL_A_CHECK_MARK)
				t->check_mark = mnl_attr_get_u32(a);
			else
				t->flows = mnl_attr_get_u32(a);
			break;
		case NFGATE_TUNNEL_A_SINCE_MS:
			if (mnl_attr_validate(a, MNL_TYPE_U64) < 0)
				return -EINVAL;
			t->since_ms = mnl_attr_get_u64(a);
			break;
		case NFGATE_TUNNEL_A_SERVERS:
			mnl_attr_for_each_nested(b, a) {
				if (mnl_attr_get_type(b) != NFGATE_TUNNEL_A_SERVER)
					continue;
				if (t->n_servers == NFGATE_TUNNEL_SERVERS_MAX)
					return -EINVAL;
				err = parse_server(b, &t->servers[t->n_servers]);
				if (err)
					return err;
				t->n_servers++;
			}
			break;
		case NFGATE_TUNNEL_A_LIST:
			err = parse_list(a, t);
			if (err)
				return err;
			break;
		default:
			continue;	/* newer kernel, or PAD */
		}
		TMARK(t, type);
	}
	return 0;
}

void nfg_tunnel_put(struct nlmsghdr *nlh, const struct nfg_tunnel *t)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, NFGATE_A_TUNNEL);

#define HAS(a) (t->present & (1U << (a)))
	if (HAS(NFGATE_TUNNEL_A_ENABLED))
		mnl_attr_put_u8(nlh, NFGATE_TUNNEL_A_ENABLED, t->enabled);
	if (HAS(NFGATE_TUNNEL_A_STATE))
		mnl_attr_put_u8(nlh, NFGATE_TUNNEL_A_STATE, t->state);
	if (HAS(NFGATE_TUNNEL_A_FAIL))
		mnl_attr_put_u8(nlh, NFGATE_TUNNEL_A_FAIL, t->fail);
	if (HAS(NFGATE_TUNNEL_A_UDP))
		mnl_attr_put_u8(nlh, NFGATE_TUNNEL_A_UDP, t->udp);
	if (HAS(NFGATE_TUNNEL_A_UDP_MARK))
		mnl_attr_put_u32(nlh, NFGATE_TUNNEL_A_UDP_MARK, t->udp_mark);
	if (HAS(NFGATE_TUNNEL_A_CHECK_MARK))
		mnl_attr_put_u32(nlh, NFGATE_TUNNEL_A_CHECK_MARK, t->check_mark);
	if (HAS(NFGATE_TUNNEL_A_SERVERS)) {
		struct nlattr *ss = mnl_attr_nest_start(nlh, NFGATE_TUNNEL_A_SERVERS);

		for (size_t i = 0; i < t->n_servers; i++) {
			const struct nfg_tsrv *s = &t->servers[i];
			struct nlattr *sn = mnl_attr_nest_start(nlh, NFGATE_TUNNEL_A_SERVER);

			if (s->name[0])
				mnl_attr_put_strz(nlh, NFGATE_TSRV_A_NAME, s->name);
			mnl_attr_put_u32(nlh, NFGATE_TSRV_A_ADDR, s->addr);
			mnl_attr_put_u16(nlh, NFGATE_TSRV_A_PORT, htons(s->port));
			mnl_attr_put_u16(nlh, NFGATE_TSRV_A_REDIR_PORT, htons(s->redir_port));
			mnl_attr_put_u16(nlh, NFGATE_TSRV_A_UDP_PORT, htons(s->udp_port));
			mnl_attr_put_u8(nlh, NFGATE_TSRV_A_STATE, s->state);
			mnl_attr_put_u32(nlh, NFGATE_TSRV_A_RTT_US, s->rtt_us);
			mnl_attr_nest_end(nlh, sn);
		}
		mnl_attr_nest_end(nlh, ss);
	}
	/* after SERVERS: the kernel checks ACTIVE against the new list */
	if (HAS(NFGATE_TUNNEL_A_ACTIVE))
		mnl_attr_put_u8(nlh, NFGATE_TUNNEL_A_ACTIVE, t->active);
#undef HAS
	mnl_attr_nest_end(nlh, nest);
}

/* --- commands ------------------------------------------------------------- */

static struct nlmsghdr *req(struct nfg_ipc *ipc, uint8_t cmd)
{
	return nfg_ipc_msg(ipc, ipc->family_id, cmd, NFGATE_GENL_VERSION, NLM_F_ACK);
}

struct get_ctx {
	struct nfg_tunnel *t;
	uint32_t gen;
	uint8_t verdict, reason;
	bool got;
};

static int get_cb(const struct nlmsghdr *nlh, void *data)
{
	struct get_ctx *ctx = data;
	const struct nlattr *a;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		uint16_t type = mnl_attr_get_type(a);

		if (type == NFGATE_A_TUNNEL && ctx->t) {
			if (nfg_tunnel_parse(a, ctx->t))
				return -EBADMSG;
			ctx->got = true;
		} else if (type == NFGATE_A_GENERATION &&
			   mnl_attr_validate(a, MNL_TYPE_U32) == 0) {
			ctx->gen = mnl_attr_get_u32(a);
		} else if (type == NFGATE_A_LOOKUP) {
			const struct nlattr *b;

			mnl_attr_for_each_nested(b, a) {
				if (mnl_attr_validate(b, MNL_TYPE_U8) < 0)
					continue;
				if (mnl_attr_get_type(b) == NFGATE_LOOKUP_A_VERDICT)
					ctx->verdict = mnl_attr_get_u8(b);
				else if (mnl_attr_get_type(b) == NFGATE_LOOKUP_A_REASON)
					ctx->reason = mnl_attr_get_u8(b);
				else
					continue;
				ctx->got = true;
			}
		}
	}
	return 0;
}

int nfg_ipc_tunnel_get(struct nfg_ipc *ipc, struct nfg_tunnel *t, uint32_t *gen)
{
	struct get_ctx ctx = { .t = t };
	int err;

	err = nfg_ipc_request(ipc, req(ipc, NFGATE_CMD_TUNNEL_GET), get_cb, &ctx, NULL);
	if (err)
		return err;
	if (!ctx.got)
		return -EBADMSG;
	if (gen)
		*gen = ctx.gen;
	return 0;
}

int nfg_ipc_tunnel_set(struct nfg_ipc *ipc, const struct nfg_tunnel *t)
{
	struct nlmsghdr *nlh = req(ipc, NFGATE_CMD_TUNNEL_SET);

	nfg_tunnel_put(nlh, t);
	return nfg_ipc_request(ipc, nlh, NULL, NULL, NULL);
}

int nfg_ipc_tunnel_del(struct nfg_ipc *ipc)
{
	return nfg_ipc_request(ipc, req(ipc, NFGATE_CMD_TUNNEL_DEL), NULL, NULL, NULL);
}

int nfg_ipc_tunnel_lookup(struct nfg_ipc *ipc, uint32_t daddr, uint32_t saddr,
			  uint8_t *verdict, uint8_t *reason)
{
	struct nlmsghdr *nlh = req(ipc, NFGATE_CMD_TUNNEL_LOOKUP);
	struct get_ctx ctx = { 0 };
	struct nlattr *nest;
	int err;

	nest = mnl_attr_nest_start(nlh, NFGATE_A_LOOKUP);
	mnl_attr_put_u32(nlh, NFGATE_LOOKUP_A_DADDR, daddr);
	if (saddr)
		mnl_attr_put_u32(nlh, NFGATE_LOOKUP_A_SADDR, saddr);
	mnl_attr_nest_end(nlh, nest);
	err = nfg_ipc_request(ipc, nlh, get_cb, &ctx, NULL);
	if (err)
		return err;
	if (!ctx.got)
		return -EBADMSG;
	*verdict = ctx.verdict;
	*reason = ctx.reason;
	return 0;
}

int nfg_ipc_prefixes_load(struct nfg_ipc *ipc, uint8_t list,
			  const struct nfg_prefix *p, size_t n, uint64_t tag)
{
	size_t i = 0;

	_Static_assert(NFGATE_PREFIXES_CHUNK * (4 + sizeof(struct nfgate_prefix4)) + 256 <=
		       NFG_IPC_REQSIZE, "a chunk fits in a request");
	do {
		struct nlmsghdr *nlh = req(ipc, NFGATE_CMD_PREFIXES_LOAD);
		size_t end = i + NFGATE_PREFIXES_CHUNK < n ? i + NFGATE_PREFIXES_CHUNK : n;
		uint32_t flags = (i == 0 ? NFGATE_PREFIXES_F_BEGIN : 0) |
				 (end == n ? NFGATE_PREFIXES_F_COMMIT : 0);
		struct nlattr *nest;
		int err;

		nest = mnl_attr_nest_start(nlh, NFGATE_A_PREFIXES);
		mnl_attr_put_u8(nlh, NFGATE_PREFIXES_A_LIST, list);
		mnl_attr_put_u32(nlh, NFGATE_PREFIXES_A_FLAGS, flags);
		for (; i < end; i++) {
			struct nfgate_prefix4 w = {
				.addr = htonl(p[i].addr),
				.len = p[i].len,
			};

			mnl_attr_put(nlh, NFGATE_PREFIXES_A_PREFIX4, sizeof(w), &w);
		}
		if (flags & NFGATE_PREFIXES_F_COMMIT)
			mnl_attr_put_u64(nlh, NFGATE_PREFIXES_A_TAG, tag);
		mnl_attr_nest_end(nlh, nest);
		err = nfg_ipc_request(ipc, nlh, NULL, NULL, NULL);
		if (err)
			return err;
	} while (i < n);
	return 0;
}

/* --- prefix lists --------------------------------------------------------- */

int nfg_parse_prefix(const char *s, struct nfg_prefix *out, char *err, size_t errlen)
{
	char buf[32], *slash;
	struct in_addr a;
	uint32_t len = 32, mask;

	if (strlen(s) >= sizeof(buf)) {
		snprintf(err, errlen, "'%.40s...' is not a prefix (expected A.B.C.D/N)", s);
		return -1;
	}
	snprintf(buf, sizeof(buf), "%s", s);
	slash = strchr(buf, '/');
	if (slash) {
		*slash++ = '\0';
		if (!*slash || strspn(slash, "0123456789") != strlen(slash) ||
		    strlen(slash) > 2 || (len = (uint32_t)atoi(slash)) > 32) {
			snprintf(err, errlen, "'%s': the prefix length must be 0..32", s);
			return -1;
		}
	}
	if (inet_pton(AF_INET, buf, &a) != 1) {
		snprintf(err, errlen, "'%s' is not a prefix (expected A.B.C.D/N)", s);
		return -1;
	}
	out->addr = ntohl(a.s_addr);
	out->len = (uint8_t)len;
	mask = len ? ~0U << (32 - len) : 0;
	if (out->addr & ~mask) {
		snprintf(err, errlen, "'%s' has host bits set", s);
		return -1;
	}
	return 0;
}

int nfg_prefixes_add(struct nfg_prefixes *ps, const struct nfg_prefix *p)
{
	if (ps->n == ps->cap) {
		size_t cap = ps->cap ? ps->cap * 2 : 256;
		struct nfg_prefix *q = realloc(ps->p, cap * sizeof(*q));

		if (!q)
			return -ENOMEM;
		ps->p = q;
		ps->cap = cap;
	}
	ps->p[ps->n++] = *p;
	return 0;
}

int nfg_prefixes_read(const char *path, struct nfg_prefixes *ps, struct nfg_errors *errs)
{
	char *line = NULL, err[160];
	size_t cap = 0, nerr = 0;
	int lineno = 0, ret = 0;
	FILE *f = fopen(path, "r");
	ssize_t n;

	if (!f) {
		nfg_errors_add(errs, "%s: %s", path, strerror(errno));
		return -1;
	}
	while ((n = getline(&line, &cap, f)) >= 0) {
		struct nfg_prefix p;
		char *s = line, *e;

		lineno++;
		if (memchr(line, '\0', (size_t)n)) {
			nfg_errors_add(errs, "%s:%d: binary data, not a text file?", path, lineno);
			ret = -1;
			break;
		}
		s[strcspn(s, "#\r\n")] = '\0';
		while (isspace((unsigned char)*s))
			s++;
		for (e = s + strlen(s); e > s && isspace((unsigned char)e[-1]);)
			*--e = '\0';
		if (!*s)
			continue;
		if (nfg_parse_prefix(s, &p, err, sizeof(err))) {
			ret = -1;
			if (nerr++ < NFG_CONF_MAX_ERRORS)
				nfg_errors_add(errs, "%s:%d: %s", path, lineno, err);
			continue;
		}
		if (ps->n >= NFGATE_PREFIXES_MAX) {
			nfg_errors_add(errs, "%s:%d: more than %d prefixes", path, lineno,
				       NFGATE_PREFIXES_MAX);
			ret = -1;
			break;
		}
		if (nfg_prefixes_add(ps, &p)) {
			nfg_errors_add(errs, "%s: out of memory", path);
			ret = -1;
			break;
		}
	}
	free(line);
	fclose(f);
	return ret;
}

int nfg_prefixes_parse_list(const char *s, struct nfg_prefixes *ps, char *err,
			    size_t errlen)
{
	char *buf = strdup(s), *save = NULL, *tok;
	int ret = 0;

	if (!buf) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (tok = strtok_r(buf, ", \t", &save); tok; tok = strtok_r(NULL, ", \t", &save)) {
		struct nfg_prefix p;

		if (nfg_parse_prefix(tok, &p, err, errlen) || nfg_prefixes_add(ps, &p)) {
			ret = -1;
			break;
		}
	}
	free(buf);
	return ret;
}

void nfg_prefixes_free(struct nfg_prefixes *ps)
{
	free(ps->p);
	memset(ps, 0, sizeof(*ps));
}

uint64_t nfg_prefixes_tag(const struct nfg_prefixes *ps)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < ps->n; i++) {
		uint8_t b[5] = { ps->p[i].addr >> 24, ps->p[i].addr >> 16, ps->p[i].addr >> 8,
				 ps->p[i].addr, ps->p[i].len };

		for (int k = 0; k < 5; k++) {
			h ^= b[k];
			h *= 0x100000001b3ULL;
		}
	}
	return h ? h : 1;
}

/* --- configuration -------------------------------------------------------- */

void nfg_conf_tunnel_defaults(struct nfg_conf_tunnel *t)
{
	memset(t, 0, sizeof(*t));
	t->enabled = true;
	snprintf(t->method, sizeof(t->method), "%s", NFG_TUNNEL_DEFAULT_METHOD);
	t->local_port = NFG_TUNNEL_DEFAULT_LOCAL_PORT;
	t->udp = true;
	t->udp_mark = NFGATE_TUNNEL_DEFAULT_UDP_MARK;
	t->udp_table = NFG_TUNNEL_DEFAULT_UDP_TABLE;
	t->udp_pref = NFG_TUNNEL_DEFAULT_UDP_PREF;
	t->fail = NFGATE_TUNNEL_FAIL_OPEN;
	t->check_mark = NFG_TUNNEL_DEFAULT_CHECK_MARK;
	t->interval_ms = NFG_TUNNEL_DEFAULT_INTERVAL_MS;
	t->timeout_ms = NFG_TUNNEL_DEFAULT_TIMEOUT_MS;
	t->retry_ms = NFG_TUNNEL_DEFAULT_RETRY_MS;
	t->fails = NFG_TUNNEL_DEFAULT_FAILS;
	t->oks = NFG_TUNNEL_DEFAULT_OKS;
	t->failback_ms = NFG_TUNNEL_DEFAULT_FAILBACK_MS;
	nfg_parse_hostport(NFG_TUNNEL_DEFAULT_RESOLVER, &t->resolver_addr, &t->resolver_port,
			   &(bool){ 0 }, NULL, 0);
	snprintf(t->run_dir, sizeof(t->run_dir), "%s", NFG_TUNNEL_DEFAULT_RUN_DIR);
	snprintf(t->ss_redir, sizeof(t->ss_redir), "ss-redir");
	snprintf(t->ss_tunnel, sizeof(t->ss_tunnel), "ss-tunnel");
}

void nfg_conf_tunnel_free(struct nfg_conf_tunnel *t)
{
	for (int l = 0; l < __NFGATE_LIST_LAST; l++)
		nfg_prefixes_free(&t->list[l]);
}

bool nfg_conf_tunnel_same_run(const struct nfg_conf_tunnel *a,
			      const struct nfg_conf_tunnel *b)
{
	/* the scalar part, up to the list files */
	if (a->n_servers != b->n_servers ||
	    memcmp(a->servers, b->servers, a->n_servers * sizeof(a->servers[0])))
		return false;
#define SAME(f) (!memcmp(&a->f, &b->f, sizeof(a->f)))
	return SAME(method) && SAME(password) && SAME(local_port) &&
	       SAME(udp) && SAME(udp_mark) && SAME(udp_table) && SAME(udp_pref) &&
	       SAME(check_addr) && SAME(check_port) && SAME(check_mark) &&
	       SAME(interval_ms) && SAME(timeout_ms) && SAME(retry_ms) && SAME(fails) &&
	       SAME(oks) && SAME(failback_ms) && SAME(dns_listen_addr) && SAME(dns_listen_port) &&
	       SAME(resolver_addr) && SAME(resolver_port) && SAME(run_dir) &&
	       SAME(ss_redir) && SAME(ss_tunnel);
#undef SAME
}

/* The ciphers of shadowsocks-libev 3.3 (ss-redir -h). */
static const char *const methods[] = {
	"rc4-md5", "aes-128-gcm", "aes-192-gcm", "aes-256-gcm", "aes-128-cfb",
	"aes-192-cfb", "aes-256-cfb", "aes-128-ctr", "aes-192-ctr", "aes-256-ctr",
	"camellia-128-cfb", "camellia-192-cfb", "camellia-256-cfb", "bf-cfb",
	"chacha20-ietf-poly1305", "xchacha20-ietf-poly1305", "salsa20", "chacha20",
	"chacha20-ietf",
};

static int parse_method(const char *v, char *out, char *err, size_t n)
{
	for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++) {
		if (!strcmp(v, methods[i])) {
			snprintf(out, NFG_TUNNEL_METHOD_MAX, "%s", v);
			return 0;
		}
	}
	snprintf(err, n, "'%.40s' is not a cipher of shadowsocks-libev (e.g. %s)", v,
		 NFG_TUNNEL_DEFAULT_METHOD);
	return -1;
}

static int parse_password(const char *v, char *out, char *err, size_t n)
{
	if (strlen(v) >= NFG_TUNNEL_PASSWORD_MAX) {
		snprintf(err, n, "longer than %d characters", NFG_TUNNEL_PASSWORD_MAX - 1);
		return -1;
	}
	snprintf(out, NFG_TUNNEL_PASSWORD_MAX, "%s", v);
	return 0;
}

/* password_file: its first line. The error never shows the content. */
static int read_password_file(const char *path, char *out, char *err, size_t n)
{
	char buf[NFG_TUNNEL_PASSWORD_MAX + 2];
	FILE *f;

	if (path[0] != '/') {
		snprintf(err, n, "'%.64s' is not an absolute path", path);
		return -1;
	}
	f = fopen(path, "r");
	if (!f) {
		snprintf(err, n, "%.64s: %s", path, strerror(errno));
		return -1;
	}
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	fclose(f);
	buf[strcspn(buf, "\r\n")] = '\0';
	if (!buf[0] || strlen(buf) >= NFG_TUNNEL_PASSWORD_MAX) {
		snprintf(err, n, "%.64s: the first line must hold the password (1..%d characters)",
			 path, NFG_TUNNEL_PASSWORD_MAX - 1);
		return -1;
	}
	memcpy(out, buf, strlen(buf) + 1);	/* fits: checked above */
	memset(buf, 0, sizeof(buf));
	return 0;
}

static int parse_path(const char *v, char *out, char *err, size_t n)
{
	if (strlen(v) >= NFG_TUNNEL_PATH_MAX) {
		snprintf(err, n, "path too long");
		return -1;
	}
	snprintf(out, NFG_TUNNEL_PATH_MAX, "%s", v);
	return 0;
}

static int parse_abs_path(const char *v, char *out, char *err, size_t n)
{
	if (v[0] != '/') {
		snprintf(err, n, "'%.64s' is not an absolute path", v);
		return -1;
	}
	return parse_path(v, out, err, n);
}

static int parse_fail(const char *v, uint8_t *out, char *err, size_t n)
{
	if (!strcmp(v, "open"))
		*out = NFGATE_TUNNEL_FAIL_OPEN;
	else if (!strcmp(v, "closed"))
		*out = NFGATE_TUNNEL_FAIL_CLOSED;
	else {
		snprintf(err, n, "'%.40s' is neither open nor closed", v);
		return -1;
	}
	return 0;
}

static int parse_hostport_req(const char *v, uint32_t *addr, uint16_t *port, char *err,
			      size_t n)
{
	bool has_port;

	if (nfg_parse_hostport(v, addr, port, &has_port, err, n))
		return -1;
	if (!has_port) {
		snprintf(err, n, "'%.40s' has no port (expected A.B.C.D:PORT)", v);
		return -1;
	}
	return 0;
}

static int parse_bool_b(const char *v, bool *out, char *err, size_t n)
{
	uint8_t b;

	if (nfg_parse_bool(v, &b, err, n))
		return -1;
	*out = b;
	return 0;
}

static const char *const tunnel_keys[] = {
	"enabled", "method", "password", "password_file", "local_port", "udp",
	"udp_mark", "udp_table", "udp_pref", "fail", "check", "check_mark",
	"check_interval_ms", "check_timeout_ms", "check_retry_ms", "check_fails",
	"check_oks", "failback_ms", "dns_listen", "dns_resolver", "run_dir", "ss_redir", "ss_tunnel",
	"bypass", "bypass_file", "forward", "forward_file", "src_bypass",
	"src_bypass_file", "src_forward", "src_forward_file", NULL
};
_Static_assert(sizeof(tunnel_keys) / sizeof(tunnel_keys[0]) - 1 <= 32,
	       "key_line[] of struct nfg_conf_tunnel");

int nfg_tunnel_key_index(const char *key)
{
	for (int i = 0; tunnel_keys[i]; i++)
		if (!strcmp(tunnel_keys[i], key))
			return i;
	return -1;
}

static const char *join(const char *const *keys, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; keys[i] && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s%s", i ? ", " : "", keys[i]);
	return buf;
}

const char *nfg_tunnel_keys(void)
{
	static char buf[640];

	return join(tunnel_keys, buf, sizeof(buf));
}

static const char *const server_keys[] = { "address", "port", "password", "method", NULL };

const char *nfg_server_keys(void)
{
	static char buf[64];

	return join(server_keys, buf, sizeof(buf));
}

int nfg_tunnel_key(struct nfg_conf_tunnel *t, const char *key, const char *v,
		   char *err, size_t n)
{
	uint32_t x;
	int l;

	if (!strcmp(key, "enabled"))
		return parse_bool_b(v, &t->enabled, err, n);
	if (!strcmp(key, "method"))
		return parse_method(v, t->method, err, n);
	if (!strcmp(key, "password"))
		return parse_password(v, t->password, err, n);
	if (!strcmp(key, "password_file"))
		return read_password_file(v, t->password, err, n);
	if (!strcmp(key, "local_port")) {
		if (nfg_parse_range(v, 1, 65535 - NFGATE_TUNNEL_SERVERS_MAX, &x, err, n))
			return -1;
		t->local_port = (uint16_t)x;
		return 0;
	}
	if (!strcmp(key, "udp"))
		return parse_bool_b(v, &t->udp, err, n);
	if (!strcmp(key, "udp_mark")) {
		if (nfg_parse_u32x(v, &x, err, n))
			return -1;
		if (!x) {
			snprintf(err, n, "0 marks nothing");
			return -1;
		}
		t->udp_mark = x;
		return 0;
	}
	if (!strcmp(key, "udp_table")) {
		if (nfg_parse_range(v, 1, 252, &x, err, n))
			return -1;
		t->udp_table = x;
		return 0;
	}
	if (!strcmp(key, "udp_pref"))
		return nfg_parse_range(v, 1, 32765, &t->udp_pref, err, n);
	if (!strcmp(key, "fail"))
		return parse_fail(v, &t->fail, err, n);
	if (!strcmp(key, "check")) {
		t->check_given = true;
		return parse_hostport_req(v, &t->check_addr, &t->check_port, err, n);
	}
	if (!strcmp(key, "check_mark")) {
		if (nfg_parse_u32x(v, &x, err, n))
			return -1;
		if (!x || (x & ~NFGATE_TUNNEL_CHECK_MARK_MASK)) {
			snprintf(err, n, "0x%08x: must be non-zero with its low byte 0", x);
			return -1;
		}
		t->check_mark = x;
		return 0;
	}
	if (!strcmp(key, "check_interval_ms"))
		return nfg_parse_range(v, 100, 60000, &t->interval_ms, err, n);
	if (!strcmp(key, "check_timeout_ms"))
		return nfg_parse_range(v, 100, 30000, &t->timeout_ms, err, n);
	if (!strcmp(key, "check_retry_ms"))
		return nfg_parse_range(v, 50, 60000, &t->retry_ms, err, n);
	if (!strcmp(key, "check_fails"))
		return nfg_parse_range(v, 1, 10, &t->fails, err, n);
	if (!strcmp(key, "check_oks"))
		return nfg_parse_range(v, 1, 10, &t->oks, err, n);
	if (!strcmp(key, "failback_ms"))
		return nfg_parse_range(v, 0, 3600000, &t->failback_ms, err, n);
	if (!strcmp(key, "dns_listen"))
		return parse_hostport_req(v, &t->dns_listen_addr, &t->dns_listen_port, err, n);
	if (!strcmp(key, "dns_resolver"))
		return parse_hostport_req(v, &t->resolver_addr, &t->resolver_port, err, n);
	if (!strcmp(key, "run_dir"))
		return parse_abs_path(v, t->run_dir, err, n);
	if (!strcmp(key, "ss_redir"))
		return parse_path(v, t->ss_redir, err, n);
	if (!strcmp(key, "ss_tunnel"))
		return parse_path(v, t->ss_tunnel, err, n);
	for (l = 0; l < __NFGATE_LIST_LAST; l++) {
		size_t kl = strlen(list_names[l]);

		if (strncmp(key, list_names[l], kl))
			continue;
		if (!key[kl])
			return nfg_prefixes_parse_list(v, &t->list[l], err, n);
		if (!strcmp(key + kl, "_file"))
			return parse_abs_path(v, t->list_file[l], err, n);
	}
	return -2;
}

int nfg_server_key(struct nfg_conf_server *s, const char *key, const char *v,
		   char *err, size_t n)
{
	struct in_addr a;

	if (!strcmp(key, "address")) {
		uint32_t h;

		if (inet_pton(AF_INET, v, &a) != 1) {
			snprintf(err, n, "'%.40s' is not an IPv4 address (host names are not "
				 "resolved: no DNS before the tunnel)", v);
			return -1;
		}
		h = ntohl(a.s_addr);
		if ((h >> 24) == 0 || (h >> 24) == 127 || (h >> 28) >= 0xe) {
			snprintf(err, n, "%s is not a unicast address", v);
			return -1;
		}
		s->addr = a.s_addr;
		return 0;
	}
	if (!strcmp(key, "port"))
		return nfg_parse_port(v, &s->port, err, n);
	if (!strcmp(key, "password"))
		return parse_password(v, s->password, err, n);
	if (!strcmp(key, "method"))
		return parse_method(v, s->method, err, n);
	return -2;
}

void nfg_conf_tunnel_check(struct nfg_conf_tunnel *t, const char *file,
			   struct nfg_errors *errs)
{
	int line = t->line;

	if (!t->n_servers)
		nfg_errors_add(errs, "%s:%d: [tunnel] needs at least one [server NAME]", file, line);
	for (size_t i = 0; i < t->n_servers; i++) {
		const struct nfg_conf_server *s = &t->servers[i];

		if (!s->addr)
			nfg_errors_add(errs, "%s:%d: [server %s]: address is required", file,
				       s->line, s->name);
		if (!s->password[0] && !t->password[0])
			nfg_errors_add(errs, "%s:%d: [server %s]: no password (give password or "
				       "password_file in [tunnel], or password here)", file,
				       s->line, s->name);
	}
	if (!t->check_given) {
		/* the default check: a DNS query to the resolver, through the tunnel */
		t->check_addr = t->resolver_addr;
		t->check_port = t->resolver_port;
	}
	if (t->dns_listen_addr && t->dns_listen_port >= t->local_port &&
	    t->dns_listen_port < t->local_port + t->n_servers)
		nfg_errors_add(errs, "%s:%d: dns_listen: port %u is one of the ss-redir ports "
			       "(local_port %u + server index)", file,
			       t->key_line[nfg_tunnel_key_index("dns_listen")], t->dns_listen_port,
			       t->local_port);
	for (int l = 0; l < __NFGATE_LIST_LAST; l++) {
		char key[32];

		if (!t->list_file[l][0])
			continue;
		snprintf(key, sizeof(key), "%s_file", list_names[l]);
		if (access(t->list_file[l], R_OK)) {
			nfg_errors_add(errs, "%s:%d: %s: %s: %s", file,
				       t->key_line[nfg_tunnel_key_index(key)], key,
				       t->list_file[l], strerror(errno));
			continue;
		}
		if (nfg_prefixes_read(t->list_file[l], &t->list[l], errs))
			continue;
		if (t->list[l].n > NFGATE_PREFIXES_MAX)
			nfg_errors_add(errs, "%s: %s: more than %d prefixes", file,
				       list_names[l], NFGATE_PREFIXES_MAX);
	}
}
