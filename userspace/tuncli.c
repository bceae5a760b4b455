// SPDX-License-Identifier: GPL-2.0
/*
 * nfgate show tunnel
 * nfgate tunnel [show] | load LIST FILE | flush LIST | lookup ADDR [from ADDR]
 *
 * The shadowsocks tunnel as the kernel holds it (servers, the active one,
 * health, lists, counters), and the prefix lists: loading one by hand, and
 * asking what the kernel would do with a connection.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "format.h"
#include "ipc.h"
#include "json.h"
#include "subcommands.h"
#include "tunnel.h"

void tunnel_usage(FILE *f)
{
	fprintf(f,
		"Usage: %s [-j] tunnel [show]\n"
		"       %s tunnel load bypass|forward|src-bypass|src-forward FILE\n"
		"       %s tunnel flush bypass|forward|src-bypass|src-forward\n"
		"       %s [-j] tunnel lookup ADDR [from ADDR] | lookup -\n"
		"\n"
		"show (also 'nfgate show tunnel'): the servers, which one is active and\n"
		"its health, the connections in the tunnel, the prefix lists and the\n"
		"tunnel's counters. load: replaces a list with the prefixes of FILE (one\n"
		"A.B.C.D/N a line, '#' comments), atomically; nfgated loads the lists of\n"
		"its configuration itself. lookup: what the kernel does now with a new\n"
		"connection to ADDR (from a LAN host ADDR); '-' reads addresses from\n"
		"standard input, one a line, and prints 'ADDR VERDICT REASON' for each.\n",
		PROG_NAME, PROG_NAME, PROG_NAME, PROG_NAME);
}

/* The tunnel's counters, in the order of the uapi. */
static const unsigned int tunnel_stats[] = {
	NFGATE_STAT_TUNNEL_TCP, NFGATE_STAT_TUNNEL_UDP, NFGATE_STAT_TUNNEL_FAIL_OPEN,
	NFGATE_STAT_TUNNEL_BLOCKED, NFGATE_STAT_TUNNEL_NO_SOCKET, NFGATE_STAT_TUNNEL_CHECKS,
	NFGATE_STAT_TUNNEL_R_LOCAL, NFGATE_STAT_TUNNEL_R_SRC_BYPASS,
	NFGATE_STAT_TUNNEL_R_SRC_FORWARD, NFGATE_STAT_TUNNEL_R_FORWARD,
	NFGATE_STAT_TUNNEL_R_RESERVED, NFGATE_STAT_TUNNEL_R_BYPASS,
	NFGATE_STAT_TUNNEL_R_DEFAULT,
};
#define N_TUNNEL_STATS (sizeof(tunnel_stats) / sizeof(tunnel_stats[0]))

static void print_text(const struct nfg_tunnel *t, const struct nfg_stats *st)
{
	uint64_t now = now_boottime_ms();
	char buf[24], since[32];
	const struct nfg_tsrv *act = t->active && t->active <= t->n_servers ?
				     &t->servers[t->active - 1] : NULL;
	struct table tb;

	fmt_duration(since, sizeof(since), now > t->since_ms ? now - t->since_ms : 0);
	printf("tunnel: %s, state %s since %s ago, active %s, fail %s, udp %s",
	       t->enabled ? "enabled" : "disabled",
	       nfg_tunnel_state_name(t->state) ?: "?", since,
	       act ? (act->name[0] ? act->name : "(unnamed)") : "none",
	       nfg_tunnel_fail_name(t->fail) ?: "?", t->udp ? "on" : "off");
	if (t->udp)
		printf(" (mark 0x%08x)", t->udp_mark);
	if (t->check_mark)
		printf(", check mark 0x%08x", t->check_mark);
	printf("\n");

	table_init(&tb, "llrrllrr", (const char *const[]){ "", "NAME", "SERVER", "REDIR",
							  "STATE", "SINCE", "RTT", "CONNECTIONS" });
	for (size_t i = 0; i < t->n_servers; i++) {
		const struct nfg_tsrv *s = &t->servers[i];
		char addr[32], redir[16], state[16], rtt[32], conns[32], a[INET_ADDRSTRLEN];

		fmt_in4(a, sizeof(a), s->addr);
		snprintf(addr, sizeof(addr), "%s:%u", a, s->port);
		if (s->udp_port && s->udp_port != s->redir_port)
			snprintf(redir, sizeof(redir), "%u/%u", s->redir_port, s->udp_port);
		else
			snprintf(redir, sizeof(redir), "%u", s->redir_port);
		snprintf(state, sizeof(state), "%s", nfg_tunnel_state_name(s->state) ?: "?");
		fmt_duration(since, sizeof(since), now > s->since_ms ? now - s->since_ms : 0);
		if (s->rtt_us) {
			fmt_fixed(buf, sizeof(buf), s->rtt_us, 3);
			snprintf(rtt, sizeof(rtt), "%sms", buf);
		} else {
			snprintf(rtt, sizeof(rtt), "-");
		}
		snprintf(conns, sizeof(conns), "%" PRIu64, s->redirected);
		table_add(&tb, (char *const[]){ s == act ? "*" : "", (char *)(s->name[0] ? s->name : "-"),
						addr, redir, state, since, rtt, conns });
	}
	if (t->n_servers)
		table_print(&tb, stdout);
	else
		printf("no servers\n");
	table_free(&tb);

	printf("flows: %u in the tunnel now\n", t->flows);
	printf("lists:");
	for (int l = 0; l < __NFGATE_LIST_LAST; l++) {
		const struct nfg_tlist *li = &t->list[l];

		if (!li->present)
			continue;
		printf("%s %s %u prefixes (%u ranges%s, built in %u us)%s", l ? "," : "",
		       nfg_list_name(l), li->prefixes, li->ranges,
		       l == NFGATE_LIST_BYPASS ? " with the reserved ones" : "", li->build_us,
		       li->loading ? " loading" : "");
	}
	printf("\n");
	if (st) {
		const char *sep = "counters:";

		for (size_t i = 0; i < N_TUNNEL_STATS; i++) {
			if (!NFG_STAT_HAS(st, tunnel_stats[i]))
				continue;
			printf("%s %s %" PRIu64, sep, nfg_stat_name(tunnel_stats[i]) + 7,
			       st->counter[tunnel_stats[i]]);
			sep = ",";
		}
		if (sep[0] == ',')
			printf("\n");
	}
}

void tunnel_json(struct json *j, const char *key, const struct nfg_tunnel *t)
{
	uint64_t now = now_boottime_ms();
	const struct nfg_tsrv *act;

	if (!t) {
		json_null(j, key);
		return;
	}
	act = t->active && t->active <= t->n_servers ? &t->servers[t->active - 1] : NULL;
	json_object_begin(j, key);
	json_bool(j, "enabled", t->enabled);
	json_string(j, "state", nfg_tunnel_state_name(t->state) ?: "?");
	json_uint(j, "since_ms", t->since_ms);
	json_uint(j, "since_ago_ms", now > t->since_ms ? now - t->since_ms : 0);
	json_string(j, "fail", nfg_tunnel_fail_name(t->fail) ?: "?");
	if (act)
		json_string(j, "active", act->name);
	else
		json_null(j, "active");
	json_uint(j, "active_index", t->active);
	json_bool(j, "udp", t->udp);
	json_uint(j, "udp_mark", t->udp_mark);
	json_uint(j, "check_mark", t->check_mark);
	json_uint(j, "flows", t->flows);
	json_array_begin(j, "servers");
	for (size_t i = 0; i < t->n_servers; i++) {
		const struct nfg_tsrv *s = &t->servers[i];
		char a[INET_ADDRSTRLEN];

		fmt_in4(a, sizeof(a), s->addr);
		json_object_begin(j, NULL);
		json_string(j, "name", s->name);
		json_string(j, "address", a);
		json_uint(j, "port", s->port);
		json_uint(j, "redir_port", s->redir_port);
		json_uint(j, "udp_port", s->udp_port);
		json_string(j, "state", nfg_tunnel_state_name(s->state) ?: "?");
		json_uint(j, "since_ms", s->since_ms);
		json_uint(j, "since_ago_ms", now > s->since_ms ? now - s->since_ms : 0);
		json_fixed(j, "rtt_ms", s->rtt_us, 3);
		json_uint(j, "redirected", s->redirected);
		json_bool(j, "active", s == act);
		json_object_end(j);
	}
	json_array_end(j);
	json_object_begin(j, "lists");
	for (int l = 0; l < __NFGATE_LIST_LAST; l++) {
		const struct nfg_tlist *li = &t->list[l];

		json_object_begin(j, nfg_list_name(l));
		json_uint(j, "prefixes", li->prefixes);
		json_uint(j, "ranges", li->ranges);
		json_uint(j, "tag", li->tag);
		json_uint(j, "build_us", li->build_us);
		if (li->loading)
			json_uint(j, "loading", li->staged);
		else
			json_null(j, "loading");
		json_object_end(j);
	}
	json_object_end(j);
	json_object_end(j);
}

static void print_json(const struct nfg_tunnel *t, const struct nfg_stats *st, uint32_t gen)
{
	struct json j;

	json_init(&j, stdout, true);
	json_object_begin(&j, NULL);
	json_uint(&j, "generation", gen);
	tunnel_json(&j, "tunnel", t);
	json_object_begin(&j, "stats");
	for (size_t i = 0; st && i < N_TUNNEL_STATS; i++)
		if (NFG_STAT_HAS(st, tunnel_stats[i]))
			json_uint(&j, nfg_stat_name(tunnel_stats[i]), st->counter[tunnel_stats[i]]);
	json_object_end(&j);
	json_object_end(&j);
	json_finish(&j);
}

int tunnel_show(struct nfg_ipc *ipc)
{
	struct nfg_tunnel t;
	struct nfg_stats st = { 0 };
	uint32_t gen = 0;
	int err;

	err = nfg_ipc_tunnel_get(ipc, &t, &gen);
	if (err && err != -ENOENT)
		return cli_error(ipc, "show tunnel", err == -EOPNOTSUPP ? -EOPNOTSUPP : err);
	if (err == -ENOENT && !opt_json) {
		printf("tunnel: none\n");
		return 0;
	}
	if (nfg_ipc_stats_get(ipc, &st, NULL))
		memset(&st, 0, sizeof(st));
	if (opt_json)
		print_json(err ? NULL : &t, &st, gen);
	else
		print_text(&t, &st);
	return 0;
}

static double ms_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) * 1e3 + (double)(t1.tv_nsec - t0->tv_nsec) / 1e6;
}

static int tunnel_load(struct nfg_ipc *ipc, int list, const char *path, bool flush)
{
	struct nfg_errors errs = { 0 };
	struct nfg_prefixes ps = { 0 };
	struct nfg_tunnel t;
	struct timespec t0;
	double ms_read, ms_load;
	int err, ret = 0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (!flush && nfg_prefixes_read(path, &ps, &errs)) {
		for (size_t i = 0; i < errs.n; i++)
			fprintf(stderr, "%s: %s\n", PROG_NAME, errs.msg[i]);
		nfg_errors_free(&errs);
		nfg_prefixes_free(&ps);
		return 1;
	}
	ms_read = ms_since(&t0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	err = nfg_ipc_prefixes_load(ipc, (uint8_t)list, ps.p, ps.n,
				    ps.n ? nfg_prefixes_tag(&ps) : 0);
	ms_load = ms_since(&t0);
	if (err) {
		ret = cli_error(ipc, flush ? "tunnel flush" : "tunnel load", err);
	} else if (!opt_json) {
		if (nfg_ipc_tunnel_get(ipc, &t, NULL) == 0)
			printf("%s: %zu prefixes, %u ranges; read in %.1f ms, loaded in %.1f ms "
			       "(kernel build %u us)\n", nfg_list_name(list), ps.n,
			       t.list[list].ranges, ms_read, ms_load, t.list[list].build_us);
	}
	nfg_prefixes_free(&ps);
	return ret;
}

static int lookup_one(struct nfg_ipc *ipc, const char *d, const char *s, bool batch)
{
	struct in_addr da, sa = { 0 };
	uint8_t v, r;
	int err;

	if (inet_pton(AF_INET, d, &da) != 1 || (s && inet_pton(AF_INET, s, &sa) != 1)) {
		fprintf(stderr, "%s: tunnel lookup: '%s' is not an IPv4 address\n", PROG_NAME,
			inet_pton(AF_INET, d, &da) != 1 ? d : s);
		return batch ? 1 : EXIT_USAGE;
	}
	err = nfg_ipc_tunnel_lookup(ipc, da.s_addr, sa.s_addr, &v, &r);
	if (err)
		return cli_error(ipc, "tunnel lookup", err);
	if (batch)
		printf("%s %s %s\n", d, nfg_tunnel_verdict_name(v) ?: "?",
		       nfg_tunnel_reason_name(r) ?: "?");
	else if (opt_json)
		printf("{ \"address\": \"%s\", \"verdict\": \"%s\", \"reason\": \"%s\" }\n", d,
		       nfg_tunnel_verdict_name(v) ?: "?", nfg_tunnel_reason_name(r) ?: "?");
	else
		printf("%s: %s (%s)\n", d, nfg_tunnel_verdict_name(v) ?: "?",
		       nfg_tunnel_reason_name(r) ?: "?");
	return 0;
}

static int tunnel_lookup(struct nfg_ipc *ipc, int argc, char *argv[])
{
	char line[64];
	int ret = 0;

	if (strcmp(argv[0], "-"))
		return lookup_one(ipc, argv[0], argc == 3 ? argv[2] : NULL, false);
	while (fgets(line, sizeof(line), stdin)) {
		line[strcspn(line, " \t\r\n")] = '\0';
		if (line[0] && lookup_one(ipc, line, NULL, true))
			ret = 1;
	}
	return ret;
}

int tunnel_main(int argc, char *argv[])
{
	const char *what = argc > 1 ? argv[1] : "show";
	struct nfg_ipc ipc;
	int list = -1, ret;

	if (!strcmp(what, "load") || !strcmp(what, "flush")) {
		int want = !strcmp(what, "load") ? 4 : 3;

		if (argc != want)
			return cli_usage_error(tunnel_usage, what, want == 4 ?
					       "expected a list and a file" : "expected a list");
		list = nfg_list_lookup(argv[2]);
		if (list < 0)
			return cli_usage_error(tunnel_usage, what,
					       "the list is bypass, forward, src-bypass or src-forward");
	} else if (!strcmp(what, "lookup")) {
		if (argc != 3 && !(argc == 5 && !strcmp(argv[3], "from")))
			return cli_usage_error(tunnel_usage, "lookup",
					       "expected ADDR [from ADDR], or -");
	} else if (strcmp(what, "show") || argc > 2) {
		return cli_usage_error(tunnel_usage, "tunnel",
				       "expected show, load, flush or lookup");
	}
	if (cli_open(&ipc))
		return 1;
	if (!strcmp(what, "show"))
		ret = tunnel_show(&ipc);
	else if (!strcmp(what, "lookup"))
		ret = tunnel_lookup(&ipc, argc - 2, argv + 2);
	else
		ret = tunnel_load(&ipc, list, argc == 4 ? argv[3] : NULL, argc == 3);
	nfg_ipc_close(&ipc);
	return ret;
}
