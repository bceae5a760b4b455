// SPDX-License-Identifier: GPL-2.0
/*
 * Generic netlink transport for the nfgate family, with libmnl: family and
 * multicast group resolution, requests with extended ACK parsing, dumps
 * restarted on NLM_F_DUMP_INTR, event reception.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "ipc.h"

typedef nfg_data_cb data_cb_t;

struct reply_ctx {
	data_cb_t cb;
	void *data;
	int err;
	bool intr;
	bool done;
};

static ssize_t sock_send(struct nfg_ipc *ipc, const void *buf, size_t len)
{
	return mnl_socket_sendto(ipc->nl, buf, len);
}

static ssize_t sock_recv(struct nfg_ipc *ipc, void *buf, size_t len)
{
	return mnl_socket_recvfrom(ipc->nl, buf, len);
}

struct nlmsghdr *nfg_ipc_msg(struct nfg_ipc *ipc, uint16_t type,
				  uint8_t cmd, uint8_t version, uint16_t flags)
{
	struct nlmsghdr *nlh;
	struct genlmsghdr *genl;

	memset(ipc->req, 0, sizeof(ipc->req));
	nlh = mnl_nlmsg_put_header(ipc->req);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = ++ipc->seq;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = cmd;
	genl->version = version;
	return nlh;
}

static struct nlmsghdr *nfg_req(struct nfg_ipc *ipc, uint8_t cmd, uint16_t flags)
{
	return nfg_ipc_msg(ipc, ipc->family_id, cmd, NFGATE_GENL_VERSION, flags);
}

/* An entry of a FORGED_ADD/DEL: "address 0.0.0.0", "prefix6 2001::/200". */
static const char *forged_entry_name(const struct nlattr *b)
{
	static char buf[80];
	char v[INET6_ADDRSTRLEN + 8] = "?";

	if (mnl_attr_get_type(b) == NFGATE_FORGED_A_ADDR4 &&
	    mnl_attr_get_payload_len(b) == 4) {
		inet_ntop(AF_INET, mnl_attr_get_payload(b), v, sizeof(v));
	} else if (mnl_attr_get_type(b) == NFGATE_FORGED_A_PREFIX6 &&
		   mnl_attr_get_payload_len(b) == sizeof(struct nfgate_prefix6)) {
		struct nfgate_prefix6 p;

		memcpy(&p, mnl_attr_get_payload(b), sizeof(p));
		nfg_prefix6_str(v, sizeof(v), &p);
	}
	snprintf(buf, sizeof(buf), "%s %s",
		 nfg_attr_name(NFGATE_A_FORGED, mnl_attr_get_type(b)) ?: "?", v);
	return buf;
}

/*
 * Names the attribute at byte offset off of our request (the kernel's
 * NLMSGERR_ATTR_OFFS / _MISS_NEST), e.g. "weight" or "uplink"; an entry
 * of the forged set with its value.
 */
static const char *req_attr_name(struct nfg_ipc *ipc, uint32_t off)
{
	const struct nlmsghdr *req = (const void *)ipc->req;
	const struct nlattr *a, *b;

	if (!ipc->family_id || req->nlmsg_type != ipc->family_id)
		return NULL;	/* not a request to nfgate */
	mnl_attr_for_each(a, req, sizeof(struct genlmsghdr)) {
		uint16_t top = mnl_attr_get_type(a);
		uint32_t aoff = (const char *)a - ipc->req;

		if (aoff == off)
			return nfg_top_name(top);
		if (off < aoff || off >= aoff + a->nla_len)
			continue;
		mnl_attr_for_each_nested(b, a)
			if ((uint32_t)((const char *)b - ipc->req) == off)
				return top == NFGATE_A_FORGED ? forged_entry_name(b) :
				       nfg_attr_name(top, mnl_attr_get_type(b));
	}
	return NULL;
}

struct extack {
	const char *msg;
	bool has_offs, has_miss_type, has_miss_nest;
	uint32_t offs, miss_type, miss_nest;
};

static int extack_attr_cb(const struct nlattr *a, void *data)
{
	struct extack *e = data;

	switch (mnl_attr_get_type(a)) {
	case NLMSGERR_ATTR_MSG:
		if (mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
			e->msg = mnl_attr_get_str(a);
		break;
	case NLMSGERR_ATTR_OFFS:
		if (mnl_attr_validate(a, MNL_TYPE_U32) == 0) {
			e->offs = mnl_attr_get_u32(a);
			e->has_offs = true;
		}
		break;
	case NLMSGERR_ATTR_MISS_TYPE:
		if (mnl_attr_validate(a, MNL_TYPE_U32) == 0) {
			e->miss_type = mnl_attr_get_u32(a);
			e->has_miss_type = true;
		}
		break;
	case NLMSGERR_ATTR_MISS_NEST:
		if (mnl_attr_validate(a, MNL_TYPE_U32) == 0) {
			e->miss_nest = mnl_attr_get_u32(a);
			e->has_miss_nest = true;
		}
		break;
	}
	return MNL_CB_OK;
}

/* TLVs of an NLMSG_ERROR or NLMSG_DONE start at payload offset off. */
static void parse_extack(struct nfg_ipc *ipc, const struct nlmsghdr *nlh,
			 size_t off)
{
	struct extack e = { 0 };
	const char *name = NULL;
	size_t len;

	ipc->extack[0] = '\0';
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS) ||
	    off > mnl_nlmsg_get_payload_len(nlh))
		return;
	if (mnl_attr_parse(nlh, off, extack_attr_cb, &e) < 0 && !e.msg)
		return;

	if (e.has_offs)
		name = req_attr_name(ipc, e.offs);
	if (e.msg && e.msg[0])
		snprintf(ipc->extack, sizeof(ipc->extack), "%s", e.msg);
	len = strlen(ipc->extack);
	if (name) {
		snprintf(ipc->extack + len, sizeof(ipc->extack) - len,
			 "%sattribute %s", len ? "; " : "bad ", name);
	} else if (e.has_miss_type) {
		uint16_t top = 0;

		/* the nest is NFGATE_A_LAN, _UPLINK, ... of our request */
		if (ipc->family_id && ((const struct nlmsghdr *)ipc->req)->nlmsg_type == ipc->family_id &&
		    e.has_miss_nest && e.miss_nest + sizeof(struct nlattr) <=
		    ((const struct nlmsghdr *)ipc->req)->nlmsg_len)
			top = ((const struct nlattr *)(ipc->req + e.miss_nest))->nla_type & NLA_TYPE_MASK;
		name = top ? nfg_attr_name(top, e.miss_type) : NULL;
		if (name)
			snprintf(ipc->extack + len, sizeof(ipc->extack) - len,
				 "%smissing attribute %s", len ? "; " : "", name);
		else
			snprintf(ipc->extack + len, sizeof(ipc->extack) - len,
				 "%smissing attribute %u", len ? "; " : "", e.miss_type);
	}
}

static void handle_error(struct nfg_ipc *ipc, const struct nlmsghdr *nlh,
			 struct reply_ctx *ctx)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	size_t off = sizeof(*e);

	ctx->done = true;
	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*e)) {
		ctx->err = -EBADMSG;
		return;
	}
	if (e->error == 0)
		return;			/* ACK; keep an error of the data cb */
	ctx->err = e->error < 0 ? e->error : -e->error;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED)) {
		if (e->msg.nlmsg_len < sizeof(struct nlmsghdr))
			return;
		off += NLMSG_ALIGN(e->msg.nlmsg_len - sizeof(struct nlmsghdr));
	}
	parse_extack(ipc, nlh, off);
}

static void handle_done(struct nfg_ipc *ipc, const struct nlmsghdr *nlh,
			struct reply_ctx *ctx)
{
	int error;

	ctx->done = true;
	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(error))
		return;
	memcpy(&error, mnl_nlmsg_get_payload(nlh), sizeof(error));
	if (error < 0) {
		ctx->err = error;
		parse_extack(ipc, nlh, sizeof(error));
	}
}

static void process(struct nfg_ipc *ipc, const void *buf, size_t n,
		    uint16_t want_type, struct reply_ctx *ctx)
{
	const struct nlmsghdr *req = (const void *)ipc->req;
	const struct nlmsghdr *nlh = buf;
	int len = (int)n;

	for (; mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len)) {
		if (nlh->nlmsg_seq != req->nlmsg_seq ||
		    (ipc->portid && nlh->nlmsg_pid != ipc->portid))
			continue;	/* stale reply of an older request */
		if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
			ctx->intr = true;
		switch (nlh->nlmsg_type) {
		case NLMSG_NOOP:
			continue;
		case NLMSG_OVERRUN:
			ctx->err = -EIO;
			ctx->done = true;
			return;
		case NLMSG_ERROR:
			handle_error(ipc, nlh, ctx);
			return;
		case NLMSG_DONE:
			handle_done(ipc, nlh, ctx);
			return;
		}
		if (nlh->nlmsg_type != want_type)
			continue;
		if (ctx->cb && !ctx->err) {
			int r = ctx->cb(nlh, ctx->data);

			if (r < 0)
				ctx->err = r;	/* keep reading to the end */
		}
		if (!(nlh->nlmsg_flags & NLM_F_MULTI) &&
		    !(req->nlmsg_flags & NLM_F_ACK)) {
			ctx->done = true;
			return;
		}
	}
}

int nfg_ipc_request(struct nfg_ipc *ipc, struct nlmsghdr *nlh, data_cb_t cb,
		    void *data, bool *intr)
{
	struct reply_ctx ctx = { .cb = cb, .data = data };
	uint16_t want_type = nlh->nlmsg_type;

	ipc->extack[0] = '\0';
	if (ipc->send(ipc, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	while (!ctx.done) {
		ssize_t n = ipc->recv(ipc, ipc->buf, NFG_IPC_BUFSIZE);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			return -EIO;
		process(ipc, ipc->buf, n, want_type, &ctx);
	}
	if (intr)
		*intr = ctx.intr;
	return ctx.err;
}

/* --- family resolution ------------------------------------------------- */

struct family_info {
	uint16_t id;
	uint32_t events_group;
	uint32_t trace_group;
};

static int family_cb(const struct nlmsghdr *nlh, void *data)
{
	struct family_info *fi = data;
	const struct nlattr *a, *grp, *g;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		switch (mnl_attr_get_type(a)) {
		case CTRL_ATTR_FAMILY_ID:
			if (mnl_attr_validate(a, MNL_TYPE_U16) < 0)
				return -EBADMSG;
			fi->id = mnl_attr_get_u16(a);
			break;
		case CTRL_ATTR_MCAST_GROUPS:
			mnl_attr_for_each_nested(grp, a) {
				const char *name = NULL;
				uint32_t id = 0;

				mnl_attr_for_each_nested(g, grp) {
					if (mnl_attr_get_type(g) == CTRL_ATTR_MCAST_GRP_NAME &&
					    mnl_attr_validate(g, MNL_TYPE_NUL_STRING) == 0)
						name = mnl_attr_get_str(g);
					else if (mnl_attr_get_type(g) == CTRL_ATTR_MCAST_GRP_ID &&
						 mnl_attr_validate(g, MNL_TYPE_U32) == 0)
						id = mnl_attr_get_u32(g);
				}
				if (name && !strcmp(name, NFGATE_MCGRP_EVENTS))
					fi->events_group = id;
				if (name && !strcmp(name, NFGATE_MCGRP_TRACE))
					fi->trace_group = id;
			}
			break;
		}
	}
	return 0;
}

static int resolve_family(struct nfg_ipc *ipc)
{
	struct family_info fi = { 0 };
	struct nlmsghdr *nlh;
	int err;

	nlh = nfg_ipc_msg(ipc, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1, NLM_F_ACK);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, NFGATE_GENL_NAME);
	err = nfg_ipc_request(ipc, nlh, family_cb, &fi, NULL);
	if (err == -ENOENT)
		return -NFG_ENOFAMILY;
	if (err)
		return err;
	if (!fi.id)
		return -EBADMSG;
	ipc->family_id = fi.id;
	ipc->events_group = fi.events_group;
	ipc->trace_group = fi.trace_group;
	return 0;
}

int nfg_ipc_open_transport(struct nfg_ipc *ipc)
{
	if (!ipc->buf) {
		ipc->buf = malloc(NFG_IPC_BUFSIZE);
		if (!ipc->buf)
			return -ENOMEM;
	}
	if (!ipc->seq)
		ipc->seq = (uint32_t)time(NULL);
	return resolve_family(ipc);
}

int nfg_ipc_socket(struct nfg_ipc *ipc)
{
	int one = 1;
	int err;

	memset(ipc, 0, sizeof(*ipc));
	ipc->nl = mnl_socket_open(NETLINK_GENERIC);
	if (!ipc->nl)
		return -errno;
	/* both are best effort: older kernels still work, less verbosely */
	mnl_socket_setsockopt(ipc->nl, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(ipc->nl, NETLINK_CAP_ACK, &one, sizeof(one));
	if (mnl_socket_bind(ipc->nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		err = -errno;
		nfg_ipc_close(ipc);
		return err;
	}
	ipc->portid = mnl_socket_get_portid(ipc->nl);
	ipc->send = sock_send;
	ipc->recv = sock_recv;
	ipc->buf = malloc(NFG_IPC_BUFSIZE);
	if (!ipc->buf) {
		nfg_ipc_close(ipc);
		return -ENOMEM;
	}
	return 0;
}

int nfg_ipc_open(struct nfg_ipc *ipc)
{
	int err = nfg_ipc_socket(ipc);

	if (!err)
		err = nfg_ipc_open_transport(ipc);
	if (err)
		nfg_ipc_close(ipc);
	return err;
}

void nfg_ipc_close(struct nfg_ipc *ipc)
{
	if (ipc->nl)
		mnl_socket_close(ipc->nl);
	ipc->nl = NULL;
	free(ipc->buf);
	ipc->buf = NULL;
}

int nfg_ipc_lazy_ready(struct nfg_ipc_lazy *l, uint64_t now)
{
	bool first = !l->retry_ms;
	int err;

	if (l->ok)
		return 0;
	if (l->retry_ms && now < l->retry_ms)
		return -EAGAIN;
	err = l->open(&l->ipc);
	if (err) {
		l->retry_ms = now + l->backoff_ms;
		return first && err != -EAGAIN ? err : -EAGAIN;
	}
	l->ok = true;
	l->retry_ms = 0;
	return 0;
}

void nfg_ipc_lazy_drop(struct nfg_ipc_lazy *l, uint64_t now)
{
	nfg_ipc_lazy_close(l);
	l->retry_ms = now + 1;
}

void nfg_ipc_lazy_close(struct nfg_ipc_lazy *l)
{
	if (l->ok)
		nfg_ipc_close(&l->ipc);
	l->ok = false;
}

/* --- commands ------------------------------------------------------------ */

struct get_ctx {
	struct nfg_msg msg;
	bool got;
};

static int get_cb(const struct nlmsghdr *nlh, void *data)
{
	struct get_ctx *ctx = data;
	int err = nfg_msg_parse(nlh, &ctx->msg);

	if (err)
		return -EBADMSG;
	ctx->got = true;
	return 0;
}

int nfg_ipc_lan_get(struct nfg_ipc *ipc, struct nfg_lan *lan, uint32_t *gen)
{
	struct get_ctx ctx = { 0 };
	int err;

	err = nfg_ipc_request(ipc, nfg_req(ipc, NFGATE_CMD_LAN_GET, NLM_F_ACK),
		      get_cb, &ctx, NULL);
	if (err)
		return err;
	if (!ctx.got || !ctx.msg.has_lan)
		return -EBADMSG;
	*lan = ctx.msg.lan;
	if (gen)
		*gen = ctx.msg.generation;
	return 0;
}

int nfg_ipc_lan_set(struct nfg_ipc *ipc, const struct nfg_lan *lan)
{
	struct nlmsghdr *nlh = nfg_req(ipc, NFGATE_CMD_LAN_SET, NLM_F_ACK);

	nfg_lan_put(nlh, lan);
	return nfg_ipc_request(ipc, nlh, NULL, NULL, NULL);
}

int nfg_ipc_lan_del(struct nfg_ipc *ipc)
{
	return nfg_ipc_request(ipc, nfg_req(ipc, NFGATE_CMD_LAN_DEL, NLM_F_ACK),
		       NULL, NULL, NULL);
}

int nfg_ipc_uplink_get(struct nfg_ipc *ipc, const char *ifname,
		       struct nfg_uplink *up, uint32_t *gen)
{
	struct nlmsghdr *nlh = nfg_req(ipc, NFGATE_CMD_UPLINK_GET, NLM_F_ACK);
	struct nfg_uplink key = { 0 };
	struct get_ctx ctx = { 0 };
	int err;

	snprintf(key.ifname, sizeof(key.ifname), "%s", ifname);
	NFG_MARK(&key, NFGATE_UPLINK_A_IFNAME);
	nfg_uplink_put(nlh, &key);
	err = nfg_ipc_request(ipc, nlh, get_cb, &ctx, NULL);
	if (err)
		return err;
	if (!ctx.got || !ctx.msg.has_uplink)
		return -EBADMSG;
	*up = ctx.msg.uplink;
	if (gen)
		*gen = ctx.msg.generation;
	return 0;
}

unsigned long nfg_ipc_dump_restarts;

/*
 * A dump of one kind of object, one per message, restarted on
 * NLM_F_DUMP_INTR. take() copies the object out of a decoded message
 * (-EBADMSG if the message lacks it).
 */
struct dump_ctx {
	int (*take)(const struct nfg_msg *msg, void *dst);
	size_t size;			/* of one element */
	char *list;
	size_t n, cap;
	uint32_t gen;
};

static int dump_cb(const struct nlmsghdr *nlh, void *data)
{
	struct dump_ctx *ctx = data;
	struct nfg_msg msg;

	if (nfg_msg_parse(nlh, &msg))
		return -EBADMSG;
	if (ctx->n == ctx->cap) {
		size_t cap = ctx->cap ? 2 * ctx->cap : 8;
		char *l = realloc(ctx->list, cap * ctx->size);

		if (!l)
			return -ENOMEM;
		ctx->list = l;
		ctx->cap = cap;
	}
	if (ctx->take(&msg, ctx->list + ctx->n * ctx->size))
		return -EBADMSG;
	ctx->n++;
	if (msg.has_generation)
		ctx->gen = msg.generation;
	return 0;
}

static int dump(struct nfg_ipc *ipc, uint8_t cmd, struct dump_ctx *ctx,
		void **list, size_t *n, uint32_t *gen)
{
	for (int tries = 0; tries <= NFG_DUMP_RETRIES; tries++) {
		bool intr = false;
		int err;

		ctx->n = 0;
		ctx->gen = 0;
		err = nfg_ipc_request(ipc, nfg_req(ipc, cmd, NLM_F_DUMP),
				      dump_cb, ctx, &intr);
		if (err) {
			free(ctx->list);
			return err;
		}
		if (intr) {
			nfg_ipc_dump_restarts++;
			continue;	/* raced a change: the list may be wrong */
		}
		*list = ctx->list;
		*n = ctx->n;
		if (gen)
			*gen = ctx->gen;
		return 0;
	}
	free(ctx->list);
	return -NFG_EDUMPINTR;
}

static int take_uplink(const struct nfg_msg *msg, void *dst)
{
	if (!msg->has_uplink)
		return -EBADMSG;
	memcpy(dst, &msg->uplink, sizeof(msg->uplink));
	return 0;
}

static int take_forward(const struct nfg_msg *msg, void *dst)
{
	if (!msg->has_forward)
		return -EBADMSG;
	memcpy(dst, &msg->forward, sizeof(msg->forward));
	return 0;
}

static int take_host(const struct nfg_msg *msg, void *dst)
{
	if (!msg->has_host)
		return -EBADMSG;
	memcpy(dst, &msg->host, sizeof(msg->host));
	return 0;
}

int nfg_ipc_host_dump(struct nfg_ipc *ipc, struct nfg_host **list,
		      size_t *n, uint32_t *gen)
{
	struct dump_ctx ctx = { .take = take_host, .size = sizeof(**list) };

	return dump(ipc, NFGATE_CMD_HOST_GET, &ctx, (void **)list, n, gen);
}

int nfg_ipc_uplink_dump(struct nfg_ipc *ipc, struct nfg_uplink **list,
			size_t *n, uint32_t *gen)
{
	struct dump_ctx ctx = { .take = take_uplink, .size = sizeof(**list) };

	return dump(ipc, NFGATE_CMD_UPLINK_GET, &ctx, (void **)list, n, gen);
}

int nfg_ipc_forward_dump(struct nfg_ipc *ipc, struct nfg_forward **list,
			 size_t *n, uint32_t *gen)
{
	struct dump_ctx ctx = { .take = take_forward, .size = sizeof(**list) };

	return dump(ipc, NFGATE_CMD_FORWARD_GET, &ctx, (void **)list, n, gen);
}

int nfg_ipc_uplink_set(struct nfg_ipc *ipc, const struct nfg_uplink *up)
{
	struct nlmsghdr *nlh = nfg_req(ipc, NFGATE_CMD_UPLINK_SET, NLM_F_ACK);

	nfg_uplink_put(nlh, up);
	return nfg_ipc_request(ipc, nlh, NULL, NULL, NULL);
}

int nfg_ipc_uplink_del(struct nfg_ipc *ipc, const char *ifname)
{
	struct nlmsghdr *nlh = nfg_req(ipc, NFGATE_CMD_UPLINK_DEL, NLM_F_ACK);
	struct nfg_uplink key = { 0 };

	snprintf(key.ifname, sizeof(key.ifname), "%s", ifname);
	NFG_MARK(&key, NFGATE_UPLINK_A_IFNAME);
	nfg_uplink_put(nlh, &key);
	return nfg_ipc_request(ipc, nlh, NULL, NULL, NULL);
}

int nfg_ipc_stats_get(struct nfg_ipc *ipc, struct nfg_stats *st, uint32_t *gen)
{
	struct get_ctx ctx = { 0 };
	int err;

	err = nfg_ipc_request(ipc, nfg_req(ipc, NFGATE_CMD_STATS_GET, NLM_F_ACK),
		      get_cb, &ctx, NULL);
	if (err)
		return err;
	if (!ctx.got || !ctx.msg.has_stats)
		return -EBADMSG;
	*st = ctx.msg.stats;
	if (gen)
		*gen = ctx.msg.generation;
	return 0;
}

int nfg_ipc_settings_get(struct nfg_ipc *ipc, struct nfg_settings *s,
			 uint32_t *gen)
{
	struct get_ctx ctx = { 0 };
	int err;

	err = nfg_ipc_request(ipc, nfg_req(ipc, NFGATE_CMD_SETTINGS_GET, NLM_F_ACK),
			      get_cb, &ctx, NULL);
	if (err)
		return err;
	if (!ctx.got || !ctx.msg.has_settings)
		return -EBADMSG;
	*s = ctx.msg.settings;
	if (gen)
		*gen = ctx.msg.generation;
	return 0;
}

int nfg_ipc_settings_set(struct nfg_ipc *ipc, const struct nfg_settings *s)
{
	struct nlmsghdr *nlh = nfg_req(ipc, NFGATE_CMD_SETTINGS_SET, NLM_F_ACK);

	nfg_settings_put(nlh, s);
	return nfg_ipc_request(ipc, nlh, NULL, NULL, NULL);
}

int nfg_ipc_forward_set(struct nfg_ipc *ipc, const struct nfg_forward *fw)
{
	struct nlmsghdr *nlh = nfg_req(ipc, NFGATE_CMD_FORWARD_SET, NLM_F_ACK);

	nfg_forward_put(nlh, fw);
	return nfg_ipc_request(ipc, nlh, NULL, NULL, NULL);
}

int nfg_ipc_forward_del(struct nfg_ipc *ipc, uint8_t proto, uint16_t port)
{
	struct nlmsghdr *nlh = nfg_req(ipc, NFGATE_CMD_FORWARD_DEL, NLM_F_ACK);
	struct nfg_forward key = { .proto = proto, .port = port };

	NFG_MARK(&key, NFGATE_FORWARD_A_PROTO);
	NFG_MARK(&key, NFGATE_FORWARD_A_PORT);
	nfg_forward_put(nlh, &key);
	return nfg_ipc_request(ipc, nlh, NULL, NULL, NULL);
}

int nfg_ipc_dns_get(struct nfg_ipc *ipc, struct nfg_dns *dns, uint32_t *gen)
{
	struct get_ctx ctx = { 0 };
	int err;

	err = nfg_ipc_request(ipc, nfg_req(ipc, NFGATE_CMD_DNS_GET, NLM_F_ACK),
			      get_cb, &ctx, NULL);
	if (err)
		return err;
	if (!ctx.got || !ctx.msg.has_dns)
		return -EBADMSG;
	*dns = ctx.msg.dns;
	if (gen)
		*gen = ctx.msg.generation;
	return 0;
}

int nfg_ipc_dns_set(struct nfg_ipc *ipc, const struct nfg_dns *dns)
{
	struct nlmsghdr *nlh = nfg_req(ipc, NFGATE_CMD_DNS_SET, NLM_F_ACK);

	nfg_dns_put(nlh, dns);
	return nfg_ipc_request(ipc, nlh, NULL, NULL, NULL);
}

/* --- the forged set ---------------------------------------------------------- */

struct forged_ctx {
	struct nfg_forged_set *set;
	uint32_t gen;
};

/* One message of the dump: NFGATE_A_FORGED with up to a chunk of entries. */
static int forged_cb(const struct nlmsghdr *nlh, void *data)
{
	struct forged_ctx *ctx = data;
	const struct nlattr *a, *b;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		switch (mnl_attr_get_type(a)) {
		case NFGATE_A_GENERATION:
			if (mnl_attr_validate(a, MNL_TYPE_U32) < 0)
				return -EBADMSG;
			ctx->gen = mnl_attr_get_u32(a);
			break;
		case NFGATE_A_FORGED:
			if (mnl_attr_validate(a, MNL_TYPE_NESTED) < 0)
				return -EBADMSG;
			mnl_attr_for_each_nested(b, a) {
				struct nfgate_prefix6 p;
				int err = 0;

				switch (mnl_attr_get_type(b)) {
				case NFGATE_FORGED_A_ADDR4:
					if (mnl_attr_validate(b, MNL_TYPE_U32) < 0)
						return -EBADMSG;
					err = nfg_forged_add4(ctx->set, mnl_attr_get_u32(b));
					break;
				case NFGATE_FORGED_A_PREFIX6:
					if (mnl_attr_get_payload_len(b) != sizeof(p))
						return -EBADMSG;
					memcpy(&p, mnl_attr_get_payload(b), sizeof(p));
					err = nfg_forged_add6(ctx->set, &p);
					break;
				}
				if (err)
					return err;
			}
			break;
		}
	}
	return 0;
}

int nfg_ipc_forged_dump(struct nfg_ipc *ipc, struct nfg_forged_set *set, uint32_t *gen)
{
	for (int tries = 0; tries <= NFG_DUMP_RETRIES; tries++) {
		struct forged_ctx ctx = { .set = set };
		struct nfg_dns d;
		uint32_t dgen;
		bool intr = false;
		int err;

		nfg_forged_free(set);
		err = nfg_ipc_request(ipc, nfg_req(ipc, NFGATE_CMD_FORGED_GET, NLM_F_DUMP),
				      forged_cb, &ctx, &intr);
		if (err) {
			nfg_forged_free(set);
			return err;
		}
		if (intr) {
			nfg_ipc_dump_restarts++;
			continue;	/* the set changed while it was read */
		}
		nfg_forged_sort(set);
		if (gen)
			*gen = ctx.gen;
		/* every entry there? */
		err = nfg_ipc_dns_get(ipc, &d, &dgen);
		if (err)
			return err;
		if (set->n4 == d.forged4 && set->n6 == d.forged6)
			return 0;
		/* an empty set's dump carries no generation */
		if (dgen == ctx.gen || !(set->n4 + set->n6))
			return -NFG_EFORGEDDUMP;
		/* something changed since: read it again */
	}
	nfg_forged_free(set);
	return -NFG_EDUMPINTR;
}

int nfg_ipc_forged_change(struct nfg_ipc *ipc, bool del, const struct nfg_forged_set *set,
			  size_t *done)
{
	size_t i4 = 0, i6 = 0;

	*done = 0;
	while (i4 < set->n4 || i6 < set->n6) {
		struct nlmsghdr *nlh = nfg_req(ipc, del ? NFGATE_CMD_FORGED_DEL :
					       NFGATE_CMD_FORGED_ADD, NLM_F_ACK);
		struct nlattr *nest = mnl_attr_nest_start(nlh, NFGATE_A_FORGED);
		size_t n4 = 0, n6 = 0;
		int err;

		for (; i4 < set->n4 && n4 < NFGATE_FORGED_CHUNK; i4++, n4++)
			mnl_attr_put_u32(nlh, NFGATE_FORGED_A_ADDR4, set->v4[i4]);
		for (; i6 < set->n6 && n6 < NFGATE_FORGED_CHUNK; i6++, n6++)
			mnl_attr_put(nlh, NFGATE_FORGED_A_PREFIX6, sizeof(set->v6[i6]),
				     &set->v6[i6]);
		mnl_attr_nest_end(nlh, nest);
		err = nfg_ipc_request(ipc, nlh, NULL, NULL, NULL);
		if (err)
			return err;
		*done += n4 + n6;
	}
	return 0;
}

int nfg_ipc_forged_flush(struct nfg_ipc *ipc)
{
	return nfg_ipc_request(ipc, nfg_req(ipc, NFGATE_CMD_FORGED_DEL, NLM_F_ACK),
			       NULL, NULL, NULL);
}

/* --- events -------------------------------------------------------------- */

int nfg_ipc_subscribe(struct nfg_ipc *ipc)
{
	int rcvbuf = 1 << 20;

	if (!ipc->events_group)
		return -ENOENT;
	if (!ipc->nl)
		return -EOPNOTSUPP;
	if (mnl_socket_setsockopt(ipc->nl, NETLINK_ADD_MEMBERSHIP,
				  &ipc->events_group, sizeof(ipc->events_group)) < 0)
		return -errno;
	/* best effort: room for bursts (an uplink flapping, a reload) */
	setsockopt(mnl_socket_get_fd(ipc->nl), SOL_SOCKET, SO_RCVBUF, &rcvbuf,
		   sizeof(rcvbuf));
	return 0;
}

int nfg_ipc_subscribe_trace(struct nfg_ipc *ipc)
{
	int rcvbuf = 4 << 20;

	if (!ipc->trace_group)
		return -ENOENT;
	if (!ipc->nl)
		return -EOPNOTSUPP;
	if (mnl_socket_setsockopt(ipc->nl, NETLINK_ADD_MEMBERSHIP,
				  &ipc->trace_group, sizeof(ipc->trace_group)) < 0)
		return -errno;
	setsockopt(mnl_socket_get_fd(ipc->nl), SOL_SOCKET, SO_RCVBUF, &rcvbuf,
		   sizeof(rcvbuf));
	return 0;
}

int nfg_ipc_trace_set(struct nfg_ipc *ipc, bool on, uint32_t addr, uint16_t port)
{
	struct nlmsghdr *nlh = nfg_req(ipc, NFGATE_CMD_TRACE_SET, NLM_F_ACK);
	struct nlattr *nest = mnl_attr_nest_start(nlh, NFGATE_A_TRACE);

	mnl_attr_put_u8(nlh, NFGATE_TRACE_A_ON, on);
	if (on && addr)
		mnl_attr_put_u32(nlh, NFGATE_TRACE_A_HOST, addr);
	if (on && port)
		mnl_attr_put_u16(nlh, NFGATE_TRACE_A_PORT, htons(port));
	mnl_attr_nest_end(nlh, nest);
	return nfg_ipc_request(ipc, nlh, NULL, NULL, NULL);
}

int nfg_ipc_fd(const struct nfg_ipc *ipc)
{
	return ipc->nl ? mnl_socket_get_fd(ipc->nl) : -1;
}

int nfg_ipc_read_events(struct nfg_ipc *ipc,
			void (*cb)(const struct nfg_msg *msg, void *data),
			void *data)
{
	const struct nlmsghdr *nlh;
	struct nfg_msg msg;
	ssize_t n;
	int len;

	n = ipc->recv(ipc, ipc->buf, NFG_IPC_BUFSIZE);
	if (n < 0)
		return -errno;
	nlh = (const void *)ipc->buf;
	for (len = (int)n; mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len)) {
		if (nlh->nlmsg_type != ipc->family_id)
			continue;
		if (nfg_msg_parse(nlh, &msg) || msg.cmd != NFGATE_CMD_EVENT)
			continue;
		cb(&msg, data);
	}
	return 0;
}

const char *nfg_strerror(int err)
{
	if (err < 0)
		err = -err;
	switch (err) {
	case NFG_ENOFAMILY:
		return "kernel module not loaded (generic netlink family '"
		       NFGATE_GENL_NAME "' not found)";
	case NFG_EDUMPINTR:
		return "the list kept changing while being read";
	case NFG_EFORGEDDUMP:
		return "the module's dump of the forged set lost entries (the set itself is whole)";
	case EPERM:
		return "permission denied (need CAP_NET_ADMIN)";
	}
	return strerror(err);
}
