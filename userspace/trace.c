// SPDX-License-Identifier: GPL-2.0
/*
 * nfgate trace [host A.B.C.D] [port N] [count N] [timeout S]
 *
 * Turns the module's packet trace on with the filter, prints every traced
 * packet as the stages it passed, in the order of the packet path, and
 * turns the trace off again on exit (count packets, timeout seconds
 * without one, SIGINT or SIGTERM).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>

#include "config.h"
#include "format.h"
#include "ipc.h"
#include "json.h"
#include "subcommands.h"
#include "tunnel.h"

#include <linux/nfgate.h>

#define TRACE_STAGES_MAX	16	/* records kept for one packet */

void trace_usage(FILE *f)
{
	fprintf(f,
		"Usage: %s [-j] trace [host A.B.C.D] [port N] [count N] [timeout S]\n"
		"\n"
		"Traces the packets of the connections with that address and/or port\n"
		"(before or after NAT) through the router: for each packet, the stages\n"
		"it passed in the order of the packet path (ingress, tunnel, dns, route,\n"
		"forward or local_out, egress) and what nfgate decided there:\n"
		"anti-spoofing, the tunnel and why, the DNS verdict, forward or deliver\n"
		"to the router, the uplink and why, the NAT. Stops after count packets\n"
		"(default: none), after timeout seconds without a record (default:\n"
		"none) or\n"
		"on SIGINT, and turns the trace off. The module sends at most %d\n"
		"stage records a second. With -j, one JSON object per packet.\n",
		PROG_NAME, NFGATE_TRACE_PER_SEC);
}

static const char *const stage_names[] = {
	[NFGATE_TRACE_INGRESS] = "ingress",
	[NFGATE_TRACE_DNS] = "dns",
	[NFGATE_TRACE_ROUTE] = "route",
	[NFGATE_TRACE_FORWARD] = "forward",
	[NFGATE_TRACE_LOCAL_OUT] = "local_out",
	[NFGATE_TRACE_EGRESS] = "egress",
	[NFGATE_TRACE_TUNNEL] = "tunnel",
};

/* Where each stage is on the packet path (TUNNEL was numbered last). */
static const uint8_t stage_order[] = {
	[NFGATE_TRACE_INGRESS] = 0,
	[NFGATE_TRACE_TUNNEL] = 1,
	[NFGATE_TRACE_DNS] = 2,
	[NFGATE_TRACE_ROUTE] = 3,
	[NFGATE_TRACE_FORWARD] = 4,
	[NFGATE_TRACE_LOCAL_OUT] = 5,
	[NFGATE_TRACE_EGRESS] = 6,
};
_Static_assert(sizeof(stage_order) / sizeof(stage_order[0]) == __NFGATE_TRACE_STAGE_LAST,
	       "a place for every stage");

static const char *const decision_names[] = {
	[NFGATE_TRACE_D_PASS] = "pass",
	[NFGATE_TRACE_D_SPOOF_DROP] = "spoof_drop",
	[NFGATE_TRACE_D_INBOUND] = "inbound",
	[NFGATE_TRACE_D_DNS_PASS] = "dns_pass",
	[NFGATE_TRACE_D_DNS_DROP] = "dns_drop",
	[NFGATE_TRACE_D_DNS_HOLD] = "dns_hold",
	[NFGATE_TRACE_D_FORWARD] = "forward",
	[NFGATE_TRACE_D_NEW_UPLINK] = "new_uplink",
	[NFGATE_TRACE_D_PINNED] = "pinned",
	[NFGATE_TRACE_D_NO_UPLINK] = "no_uplink",
	[NFGATE_TRACE_D_MASQUERADE] = "masquerade",
	[NFGATE_TRACE_D_PORT_FORWARD] = "port_forward",
	[NFGATE_TRACE_D_HAIRPIN] = "hairpin",
	[NFGATE_TRACE_D_NAT_REPLY] = "nat_reply",
	[NFGATE_TRACE_D_NO_NAT] = "no_nat",
	[NFGATE_TRACE_D_LOCAL] = "local",
	[NFGATE_TRACE_D_TUNNEL] = "tunnel",
	[NFGATE_TRACE_D_BYPASS] = "bypass",
	[NFGATE_TRACE_D_FAIL_OPEN] = "fail_open",
	[NFGATE_TRACE_D_BLOCKED] = "blocked",
	[NFGATE_TRACE_D_NO_SOCKET] = "no_socket",
};
_Static_assert(sizeof(decision_names) / sizeof(decision_names[0]) == __NFGATE_TRACE_D_LAST,
	       "a name for every decision");

/* What each decision means, for the text output. */
static const char *const decision_text[] = {
	[NFGATE_TRACE_D_PASS] = "",
	[NFGATE_TRACE_D_SPOOF_DROP] = "dropped: anti-spoofing",
	[NFGATE_TRACE_D_INBOUND] = "arrived on an uplink: pinned to it",
	[NFGATE_TRACE_D_DNS_PASS] = "DNS reply passed",
	[NFGATE_TRACE_D_DNS_DROP] = "DNS reply dropped",
	[NFGATE_TRACE_D_DNS_HOLD] = "DNS reply held",
	[NFGATE_TRACE_D_FORWARD] = "routing decision: forward",
	[NFGATE_TRACE_D_NEW_UPLINK] = "new connection: uplink chosen by tier and weight",
	[NFGATE_TRACE_D_PINNED] = "connection pinned to its uplink",
	[NFGATE_TRACE_D_NO_UPLINK] = "no usable uplink: dropped",
	[NFGATE_TRACE_D_MASQUERADE] = "source NAT (masquerade)",
	[NFGATE_TRACE_D_PORT_FORWARD] = "destination NAT (port forward)",
	[NFGATE_TRACE_D_HAIRPIN] = "hairpin: source and destination NAT",
	[NFGATE_TRACE_D_NAT_REPLY] = "reply: NAT undone",
	[NFGATE_TRACE_D_NO_NAT] = "no NAT",
	[NFGATE_TRACE_D_LOCAL] = "routing decision: deliver to the router",
	[NFGATE_TRACE_D_TUNNEL] = "into the tunnel",
	[NFGATE_TRACE_D_BYPASS] = "not for the tunnel, direct",
	[NFGATE_TRACE_D_FAIL_OPEN] = "tunnel down, fail open: direct",
	[NFGATE_TRACE_D_BLOCKED] = "tunnel down, fail closed: dropped",
	[NFGATE_TRACE_D_NO_SOCKET] = "no ss-redir socket: dropped",
};

/* Why the tunnel decided so (NFGATE_TRACE_A_REASON), for the text output. */
static const char *const reason_text[] = {
	[NFGATE_TUNNEL_R_LOCAL] = "to the LAN, the router or a tunnel server",
	[NFGATE_TUNNEL_R_SRC_BYPASS] = "source in the src_bypass list",
	[NFGATE_TUNNEL_R_SRC_FORWARD] = "source in the src_forward list",
	[NFGATE_TUNNEL_R_FORWARD] = "destination in the forward list",
	[NFGATE_TUNNEL_R_RESERVED] = "destination in a reserved range",
	[NFGATE_TUNNEL_R_BYPASS] = "destination in the bypass list",
	[NFGATE_TUNNEL_R_DEFAULT] = "destination in no list",
};

#define NAME(tbl, i) ((i) < sizeof(tbl) / sizeof(tbl[0]) && tbl[i] ? tbl[i] : NULL)

struct trace_rec {
	uint8_t stage, decision, proto;
	uint32_t flow;
	uint16_t ipid;
	uint64_t time_ns;
	uint32_t saddr, daddr;		/* network order */
	uint16_t sport, dport;		/* host order */
	bool has_ports;
	char dev[IFNAMSIZ];
	char uplink[IFNAMSIZ];
	uint8_t reason;			/* NFGATE_TUNNEL_R_OFF: none */
	char server[NFGATE_TUNNEL_NAME_MAX + 8];
};

struct trace_state {
	struct trace_rec rec[TRACE_STAGES_MAX];
	size_t n;
	unsigned long packets;
	unsigned long count;		/* 0: no limit */
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int parse_trace(const struct nlattr *nest, struct trace_rec *r)
{
	const struct nlattr *a;

	memset(r, 0, sizeof(*r));
	mnl_attr_for_each_nested(a, nest) {
		switch (mnl_attr_get_type(a)) {
		case NFGATE_TRACE_A_STAGE:
			r->stage = mnl_attr_get_u8(a);
			break;
		case NFGATE_TRACE_A_DECISION:
			r->decision = mnl_attr_get_u8(a);
			break;
		case NFGATE_TRACE_A_FLOW:
			r->flow = mnl_attr_get_u32(a);
			break;
		case NFGATE_TRACE_A_IPID:
			r->ipid = mnl_attr_get_u16(a);
			break;
		case NFGATE_TRACE_A_TIME_NS:
			r->time_ns = mnl_attr_get_u64(a);
			break;
		case NFGATE_TRACE_A_SADDR:
			r->saddr = mnl_attr_get_u32(a);
			break;
		case NFGATE_TRACE_A_DADDR:
			r->daddr = mnl_attr_get_u32(a);
			break;
		case NFGATE_TRACE_A_PROTO:
			r->proto = mnl_attr_get_u8(a);
			break;
		case NFGATE_TRACE_A_SPORT:
			r->sport = ntohs(mnl_attr_get_u16(a));
			r->has_ports = true;
			break;
		case NFGATE_TRACE_A_DPORT:
			r->dport = ntohs(mnl_attr_get_u16(a));
			break;
		case NFGATE_TRACE_A_DEV:
			snprintf(r->dev, sizeof(r->dev), "%s", mnl_attr_get_str(a));
			break;
		case NFGATE_TRACE_A_UPLINK:
			snprintf(r->uplink, sizeof(r->uplink), "%s", mnl_attr_get_str(a));
			break;
		case NFGATE_TRACE_A_REASON:
			r->reason = mnl_attr_get_u8(a);
			break;
		case NFGATE_TRACE_A_SERVER:
			snprintf(r->server, sizeof(r->server), "%s", mnl_attr_get_str(a));
			break;
		}
	}
	return 0;
}

static void endpoint(char *buf, size_t len, uint32_t addr, uint16_t port, bool ports)
{
	char a[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &addr, a, sizeof(a));
	if (ports)
		snprintf(buf, len, "%s:%u", a, port);
	else
		snprintf(buf, len, "%s", a);
}

static const char *proto_str(char *buf, size_t len, uint8_t proto)
{
	const char *p = proto == 1 ? "icmp" : nfg_proto_name(proto);

	if (p)
		return p;
	snprintf(buf, len, "%u", proto);
	return buf;
}

/* a stage unknown to this version: after the known ones, by number */
static unsigned int stage_rank(uint8_t stage)
{
	return stage < __NFGATE_TRACE_STAGE_LAST ? stage_order[stage] : stage;
}

/* by stage, so the order is the packet path's whatever the arrival */
static int rec_cmp(const void *a, const void *b)
{
	const struct trace_rec *x = a, *y = b;

	if (x->stage != y->stage)
		return stage_rank(x->stage) < stage_rank(y->stage) ? -1 : 1;
	return x->time_ns < y->time_ns ? -1 : x->time_ns > y->time_ns;
}

static void print_packet_json(const struct trace_state *ts)
{
	const struct trace_rec *first = &ts->rec[0];
	struct json j;
	char buf[64];

	json_init(&j, stdout, false);
	json_object_begin(&j, NULL);
	json_uint(&j, "flow", first->flow);
	json_uint(&j, "ip_id", first->ipid);
	json_array_begin(&j, "stages");
	for (size_t i = 0; i < ts->n; i++) {
		const struct trace_rec *r = &ts->rec[i];
		const char *s = NAME(stage_names, r->stage);
		const char *d = NAME(decision_names, r->decision);

		json_object_begin(&j, NULL);
		if (s)
			json_string(&j, "stage", s);
		else
			json_uint(&j, "stage", r->stage);
		if (d)
			json_string(&j, "decision", d);
		else
			json_uint(&j, "decision", r->decision);
		json_uint(&j, "time_ns", r->time_ns);
		if (r->dev[0])
			json_string(&j, "dev", r->dev);
		else
			json_null(&j, "dev");
		json_string(&j, "proto", proto_str(buf, sizeof(buf), r->proto));
		inet_ntop(AF_INET, &r->saddr, buf, sizeof(buf));
		json_string(&j, "saddr", buf);
		if (r->has_ports)
			json_uint(&j, "sport", r->sport);
		else
			json_null(&j, "sport");
		inet_ntop(AF_INET, &r->daddr, buf, sizeof(buf));
		json_string(&j, "daddr", buf);
		if (r->has_ports)
			json_uint(&j, "dport", r->dport);
		else
			json_null(&j, "dport");
		if (r->uplink[0])
			json_string(&j, "uplink", r->uplink);
		else
			json_null(&j, "uplink");
		if (r->stage == NFGATE_TRACE_TUNNEL) {
			const char *why = nfg_tunnel_reason_name(r->reason);

			if (!r->reason)
				json_null(&j, "reason");
			else if (why)
				json_string(&j, "reason", why);
			else
				json_uint(&j, "reason", r->reason);
			if (r->server[0])
				json_string(&j, "server", r->server);
			else
				json_null(&j, "server");
		}
		json_object_end(&j);
	}
	json_array_end(&j);
	json_object_end(&j);
	json_finish(&j);
}

static void print_packet_text(const struct trace_state *ts)
{
	const struct trace_rec *first = &ts->rec[0];
	char src[32], dst[32], p[8];

	endpoint(src, sizeof(src), first->saddr, first->sport, first->has_ports);
	endpoint(dst, sizeof(dst), first->daddr, first->dport, first->has_ports);
	printf("packet %s %s > %s flow 0x%08x id %u\n",
	       proto_str(p, sizeof(p), first->proto), src, dst, first->flow, first->ipid);
	for (size_t i = 0; i < ts->n; i++) {
		const struct trace_rec *r = &ts->rec[i];
		const char *s = NAME(stage_names, r->stage);
		const char *d = NAME(decision_names, r->decision);
		const char *text = NAME(decision_text, r->decision);
		uint64_t dt = r->time_ns - first->time_ns;

		endpoint(src, sizeof(src), r->saddr, r->sport, r->has_ports);
		endpoint(dst, sizeof(dst), r->daddr, r->dport, r->has_ports);
		printf("  %2zu %-9s +%3" PRIu64 ".%03" PRIu64 "ms %-6s %s > %s  %s",
		       i + 1, s ? s : "?", dt / 1000000, dt / 1000 % 1000,
		       r->dev[0] ? r->dev : "-", src, dst, d ? d : "?");
		if (r->uplink[0])
			printf(" uplink %s", r->uplink);
		if (r->server[0])
			printf(" server %s", r->server);
		if (r->reason) {
			const char *why = NAME(reason_text, r->reason);

			if (text && *text && why)
				printf(" (%s; %s)", text, why);
			else
				printf(" (%s; reason %u)", text ? text : "?", r->reason);
		} else if (text && *text) {
			printf(" (%s)", text);
		}
		printf("\n");
	}
	fflush(stdout);
}

static void flush_packet(struct trace_state *ts)
{
	if (!ts->n)
		return;
	qsort(ts->rec, ts->n, sizeof(ts->rec[0]), rec_cmp);
	if (opt_json)
		print_packet_json(ts);
	else
		print_packet_text(ts);
	ts->n = 0;
	ts->packets++;
	if (ts->count && ts->packets >= ts->count)
		stop = 1;
}

/* A record: a new packet (flow, IP ID, or a stage seen already) flushes. */
static void add_rec(struct trace_state *ts, const struct trace_rec *r)
{
	bool same = ts->n && ts->rec[0].flow == r->flow && ts->rec[0].ipid == r->ipid;

	for (size_t i = 0; same && i < ts->n; i++)
		same = ts->rec[i].stage != r->stage;
	if (!same || ts->n == TRACE_STAGES_MAX)
		flush_packet(ts);
	if (!stop)
		ts->rec[ts->n++] = *r;
}

static int read_traces(struct nfg_ipc *ipc, struct trace_state *ts)
{
	const struct nlmsghdr *nlh;
	ssize_t n;
	int len;

	n = ipc->recv(ipc, ipc->buf, NFG_IPC_BUFSIZE);
	if (n < 0)
		return -errno;
	nlh = (const void *)ipc->buf;
	for (len = (int)n; mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len)) {
		const struct genlmsghdr *g = mnl_nlmsg_get_payload(nlh);
		const struct nlattr *a;
		struct trace_rec r;

		if (nlh->nlmsg_type != ipc->family_id || g->cmd != NFGATE_CMD_TRACE)
			continue;
		mnl_attr_for_each(a, nlh, sizeof(*g)) {
			if (mnl_attr_get_type(a) != NFGATE_A_TRACE ||
			    parse_trace(a, &r))
				continue;
			add_rec(ts, &r);
		}
	}
	return 0;
}

static int parse_args(int argc, char *argv[], uint32_t *host, uint16_t *port,
		      unsigned long *count, uint32_t *timeout_s)
{
	char err[160];
	uint32_t v;

	for (int i = 1; i < argc; i += 2) {
		const char *k = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
		struct in_addr a;

		if (!val) {
			snprintf(err, sizeof(err), "%s: missing value", k);
			return cli_usage_error(trace_usage, "trace", err);
		}
		if (!strcmp(k, "host")) {
			if (inet_pton(AF_INET, val, &a) != 1) {
				snprintf(err, sizeof(err), "host: '%.64s' is not an IPv4 address", val);
				return cli_usage_error(trace_usage, "trace", err);
			}
			*host = a.s_addr;
		} else if (!strcmp(k, "port")) {
			char perr[128];

			if (nfg_parse_port(val, port, perr, sizeof(perr))) {
				snprintf(err, sizeof(err), "port: %s", perr);
				return cli_usage_error(trace_usage, "trace", err);
			}
		} else if (!strcmp(k, "count") || !strcmp(k, "timeout")) {
			char perr[128];

			if (nfg_parse_range(val, 1, 1000000, &v, perr, sizeof(perr))) {
				snprintf(err, sizeof(err), "%s: %s", k, perr);
				return cli_usage_error(trace_usage, "trace", err);
			}
			if (*k == 'c')
				*count = v;
			else
				*timeout_s = v;
		} else {
			snprintf(err, sizeof(err), "'%.32s': expected host, port, count or timeout", k);
			return cli_usage_error(trace_usage, "trace", err);
		}
	}
	return 0;
}

int trace_main(int argc, char *argv[])
{
	struct sigaction sa = { .sa_handler = on_signal };
	static struct trace_state ts;
	uint32_t host = 0, timeout_s = 0, quiet = 0;
	uint16_t port = 0;
	struct nfg_ipc ipc;
	int err, ret;

	ret = parse_args(argc, argv, &host, &port, &ts.count, &timeout_s);
	if (ret)
		return ret;
	if (cli_open(&ipc))
		return 1;
	err = nfg_ipc_subscribe_trace(&ipc);
	if (err == -ENOENT) {
		fprintf(stderr, "%s: trace: the module has no '%s' multicast group\n",
			PROG_NAME, NFGATE_MCGRP_TRACE);
		nfg_ipc_close(&ipc);
		return 1;
	}
	if (!err)
		err = nfg_ipc_trace_set(&ipc, true, host, port);
	if (err) {
		ret = cli_error(&ipc, "trace", err);
		nfg_ipc_close(&ipc);
		return ret;
	}
	/* no SA_RESTART: poll returns EINTR */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	fprintf(stderr, "%s: tracing, until %s\n", PROG_NAME,
		ts.count ? "count packets" : "interrupted");

	while (!stop) {
		struct pollfd pfd = { .fd = nfg_ipc_fd(&ipc), .events = POLLIN };
		int n = poll(&pfd, 1, 200);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			err = -errno;
			break;
		}
		if (!n) {
			/* quiet: the packet being gathered is complete */
			flush_packet(&ts);
			if (timeout_s && ++quiet >= timeout_s * 5)
				break;
			continue;
		}
		quiet = 0;
		err = read_traces(&ipc, &ts);
		if (err == -ENOBUFS) {
			fprintf(stderr, "%s: trace: records were lost (receive buffer overrun)\n",
				PROG_NAME);
			err = 0;
		} else if (err == -EINTR || err == -EAGAIN) {
			err = 0;
		} else if (err) {
			break;
		}
	}
	if (!ts.count || ts.packets < ts.count)
		flush_packet(&ts);
	ret = nfg_ipc_trace_set(&ipc, false, 0, 0);
	if (err || ret)
		cli_error(&ipc, "trace", err ? err : ret);
	nfg_ipc_close(&ipc);
	return err || ret ? 1 : 0;
}
