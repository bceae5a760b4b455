// SPDX-License-Identifier: GPL-2.0
/* nfgate show [lan | settings | dns | uplinks [IFNAME] | forwards | hosts | stats] */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "format.h"
#include "hosts.h"
#include "ipc.h"
#include "json.h"
#include "subcommands.h"
#include "tunnel.h"

#define SNAPSHOT_TRIES 5
#define TOP_HOSTS 5

void show_usage(FILE *f)
{
	fprintf(f,
		"Usage: %s [-j] show [lan | settings | dns | uplinks [IFNAME] | forwards | hosts |\n"
		"                    stats | tunnel]\n"
		"\n"
		"Without an argument, one screen like 'wg show': the LAN, each uplink on\n"
		"a line (state, tier, weight, health, flows, bytes received and sent), the\n"
		"tunnel (active server, flows, bypass list), the DNS reply check's counts\n"
		"and the top hosts; the other objects show the details ('uplinks' the\n"
		"full table). 'hosts' shows every LAN host's traffic, most first.\n"
		"'dns' shows the DNS reply check with its counters by signal and verdict;\n"
		"'uplinks IFNAME' shows one uplink in detail. With -j, prints JSON (shape:\n"
		"userspace/README.md).\n",
		PROG_NAME);
}

struct snapshot {
	bool has_lan;
	struct nfg_lan lan;
	bool has_settings;		/* false: a module without settings */
	struct nfg_settings settings;
	bool has_dns;			/* false: a module without the DNS check */
	struct nfg_dns dns;
	struct nfg_uplink *ups;
	size_t n;
	struct nfg_forward *fws;
	size_t nfw;
	struct nfg_stats st;
	uint32_t gen;
	int tunnel_err;			/* 0, -ENOENT (none), -EOPNOTSUPP */
	struct nfg_tunnel *tunnel;	/* large: allocated */
};

static void snapshot_free(struct snapshot *s)
{
	free(s->ups);
	free(s->fws);
	free(s->tunnel);
	memset(s, 0, sizeof(*s));
}

/* -ENOENT: no tunnel, -EOPNOTSUPP: a module without one; both shown as such. */
static int fetch_tunnel(struct nfg_ipc *ipc, struct snapshot *s, uint32_t *gen)
{
	int err;

	s->tunnel = malloc(sizeof(*s->tunnel));
	if (!s->tunnel)
		return -ENOMEM;
	err = nfg_ipc_tunnel_get(ipc, s->tunnel, gen);
	s->tunnel_err = err;
	if (err) {
		free(s->tunnel);
		s->tunnel = NULL;
	}
	return err == -ENOENT || err == -EOPNOTSUPP ? 0 : err;
}

/* -EOPNOTSUPP: a module older than settings and forwards; shown as absent. */
static int fetch_settings(struct nfg_ipc *ipc, struct nfg_settings *st,
			  bool *has, uint32_t *gen)
{
	int err = nfg_ipc_settings_get(ipc, st, gen);

	*has = !err;
	return err == -EOPNOTSUPP ? 0 : err;
}

static int fetch_dns(struct nfg_ipc *ipc, struct nfg_dns *dns, bool *has, uint32_t *gen)
{
	int err = nfg_ipc_dns_get(ipc, dns, gen);

	*has = !err;
	return err == -EOPNOTSUPP ? 0 : err;
}

static int fetch_forwards(struct nfg_ipc *ipc, struct nfg_forward **fws,
			  size_t *n, uint32_t *gen)
{
	int err = nfg_ipc_forward_dump(ipc, fws, n, gen);

	return err == -EOPNOTSUPP ? 0 : err;
}

/* Everything of one generation (retried if they raced). */
static int fetch(struct nfg_ipc *ipc, struct snapshot *s, const char **what)
{
	int err = 0;

	for (int tries = 0; tries < SNAPSHOT_TRIES; tries++) {
		uint32_t glan = 0, gset = 0, gdns = 0, gup = 0, gfw = 0, gtun = 0, gst = 0;

		snapshot_free(s);
		*what = "get lan";
		err = nfg_ipc_lan_get(ipc, &s->lan, &glan);
		if (err && err != -ENOENT)
			return err;
		s->has_lan = !err;
		*what = "get settings";
		err = fetch_settings(ipc, &s->settings, &s->has_settings, &gset);
		if (err)
			return err;
		*what = "get dns";
		err = fetch_dns(ipc, &s->dns, &s->has_dns, &gdns);
		if (err)
			return err;
		*what = "get uplinks";
		err = nfg_ipc_uplink_dump(ipc, &s->ups, &s->n, &gup);
		if (err)
			return err;
		*what = "get forwards";
		err = fetch_forwards(ipc, &s->fws, &s->nfw, &gfw);
		if (err)
			return err;
		*what = "get tunnel";
		err = fetch_tunnel(ipc, s, &gtun);
		if (err)
			return err;
		*what = "get stats";
		err = nfg_ipc_stats_get(ipc, &s->st, &gst);
		if (err)
			return err;
		s->gen = gst;
		/* forward dumps may carry no generation (gfw stays 0) */
		if ((!s->has_lan || glan == gst) && (!s->has_settings || gset == gst) &&
		    (!s->has_dns || gdns == gst) &&
		    (!s->n || gup == gst) && (!s->nfw || !gfw || gfw == gst) &&
		    (!s->tunnel || gtun == gst))
			break;
	}
	return 0;
}

/* "12.5%", "23.4ms": the probe measurements; "-" when unknown */
static void probe_cells(const struct nfg_uplink *up, char *loss, char *rtt, char *jit,
			size_t len)
{
	bool known = NFG_HAS(up, NFGATE_UPLINK_A_HEALTH_STATE) &&
		     up->health_state != NFGATE_HEALTH_UNKNOWN;
	char b[24];

	snprintf(loss, len, "-");
	snprintf(rtt, len, "-");
	snprintf(jit, len, "-");
	if (NFG_HAS(up, NFGATE_UPLINK_A_PROBE_LOSS) && (known || up->probe_loss)) {
		fmt_fixed(b, sizeof(b), up->probe_loss / 10 * 10, 2);	/* 0.1 % */
		snprintf(loss, len, "%s%%", b);
	}
	if (NFG_HAS(up, NFGATE_UPLINK_A_PROBE_RTT_US) && up->probe_rtt_us) {
		fmt_fixed(b, sizeof(b), up->probe_rtt_us / 100 * 100, 3);
		snprintf(rtt, len, "%sms", b);
	}
	if (NFG_HAS(up, NFGATE_UPLINK_A_PROBE_JITTER_US) && up->probe_rtt_us) {
		fmt_fixed(b, sizeof(b), up->probe_jitter_us / 100 * 100, 3);
		snprintf(jit, len, "%sms", b);
	}
}

static void since_cell(char *buf, size_t len, const struct nfg_uplink *up, uint64_t now)
{
	if (NFG_HAS(up, NFGATE_UPLINK_A_HEALTH_SINCE_MS) && up->health_since_ms &&
	    now >= up->health_since_ms) {
		fmt_duration(buf, len, now - up->health_since_ms);
		strncat(buf, " ago", len - strlen(buf) - 1);
	} else {
		snprintf(buf, len, "-");
	}
}

static const char *state_str(const struct nfg_uplink *up, char *buf, size_t len)
{
	const char *n = nfg_health_state_name(up->health_state);

	if (!NFG_HAS(up, NFGATE_UPLINK_A_HEALTH_STATE))
		return "-";
	if (n)
		return n;
	snprintf(buf, len, "%u", up->health_state);
	return buf;
}

static void uplink_row(struct table *t, const struct nfg_uplink *up, uint64_t now)
{
	char c[22][32];
	char *cells[22];
	int i = 0;

#define CELL(...) snprintf(c[i++], sizeof(c[0]), __VA_ARGS__)
#define HAS(a) NFG_HAS(up, NFGATE_UPLINK_A_##a)
	CELL("%s", up->ifname);
	if (HAS(ID))
		CELL("%u", up->id);
	else
		CELL("-");
	if (HAS(IFINDEX) && up->ifindex)
		CELL("%u", up->ifindex);
	else
		CELL("-");
	CELL("%s", HAS(OPER) && nfg_oper_name(up->oper) ? nfg_oper_name(up->oper) : "?");
	CELL("%s", !HAS(USABLE) ? "-" : up->usable ? "yes" : "no");
	CELL("%s", HAS(ADMIN) && nfg_admin_name(up->admin) ? nfg_admin_name(up->admin) : "?");
	CELL("%u", up->tier);
	CELL("%u", up->weight);
	CELL("%u", up->health);
	{
		char b[16];

		CELL("%s", state_str(up, b, sizeof(b)));
	}
	since_cell(c[i++], sizeof(c[0]), up, now);
	probe_cells(up, c[i], c[i + 1], c[i + 2], sizeof(c[0]));
	i += 3;
	CELL("%u", up->eff_weight);
	if (HAS(ADDR) && up->addr)
		fmt_in4(c[i++], sizeof(c[0]), up->addr);
	else
		CELL("-");
	if (HAS(FLOWS))
		CELL("%u", up->flows);
	else
		CELL("-");
	fmt_count(c[i++], sizeof(c[0]), up->tx_packets);
	fmt_bytes(c[i++], sizeof(c[0]), up->tx_bytes);
	fmt_count(c[i++], sizeof(c[0]), up->rx_packets);
	fmt_bytes(c[i++], sizeof(c[0]), up->rx_bytes);
	if (HAS(CHANGED_MS) && now >= up->changed_ms) {
		fmt_duration(c[i], sizeof(c[0]), now - up->changed_ms);
		strcat(c[i++], " ago");
	} else {
		CELL("-");
	}
#undef HAS
#undef CELL
	for (int k = 0; k < i; k++)
		cells[k] = c[k];
	table_add(t, cells);
}

static void print_uplinks_table(const struct nfg_uplink *ups, size_t n)
{
	static const char *const head[] = {
		"IFNAME", "ID", "IFINDEX", "OPER", "USABLE", "ADMIN", "TIER",
		"WEIGHT", "HEALTH", "STATE", "SINCE", "LOSS", "RTT", "JITTER",
		"EFF", "ADDRESS", "FLOWS", "TX PKTS",
		"TX BYTES", "RX PKTS", "RX BYTES", "CHANGED",
	};
	uint64_t now = now_boottime_ms();
	struct table t;

	if (!n) {
		printf("uplinks: none\n");
		return;
	}
	table_init(&t, "lrrlllrrrllrrrrlrrrrrl", head);
	for (size_t i = 0; i < n; i++)
		uplink_row(&t, &ups[i], now);
	table_print(&t, stdout);
	table_free(&t);
}

static void print_forwards_table(const struct nfg_forward *fws, size_t n)
{
	static const char *const head[] = { "PROTO", "PORT", "TO", "UPLINK", "HITS" };
	struct table t;

	if (!n) {
		printf("forwards: none\n");
		return;
	}
	table_init(&t, "lrllr", head);
	for (size_t i = 0; i < n; i++) {
		const struct nfg_forward *fw = &fws[i];
		const char *proto = nfg_proto_name(fw->proto);
		char c[5][40];
		char *cells[5] = { c[0], c[1], c[2], c[3], c[4] };
		char addr[16];

		fmt_in4(addr, sizeof(addr), fw->to_addr);
		if (proto)
			snprintf(c[0], sizeof(c[0]), "%s", proto);
		else
			snprintf(c[0], sizeof(c[0]), "%u", fw->proto);
		snprintf(c[1], sizeof(c[1]), "%u", fw->port);
		snprintf(c[2], sizeof(c[2]), "%s:%u", addr,
			 NFG_HAS(fw, NFGATE_FORWARD_A_TO_PORT) ? fw->to_port : fw->port);
		snprintf(c[3], sizeof(c[3]), "%s",
			 NFG_HAS(fw, NFGATE_FORWARD_A_UPLINK) ? fw->uplink : "any");
		fmt_count(c[4], sizeof(c[4]), fw->hits);
		table_add(&t, cells);
	}
	table_print(&t, stdout);
	table_free(&t);
}

/* One line, in the syntax of `nfgate set settings`. */
static void print_settings(const struct nfg_settings *st)
{
	char buf[256];

	if (!st) {
		printf("settings: - (not supported by the module)\n");
		return;
	}
	nfg_settings_args(buf, sizeof(buf), st);
	printf("settings: %s\n", buf);
}

/* "1 address", "2 addresses" */
static const char *plural(uint64_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

/*
 * "dns: mode drop router-mode inherit ..." (the syntax of `nfgate set dns`)
 * and a line on the forged set and the tables now.
 */
static void print_dns(const struct nfg_dns *d)
{
	char buf[512];

	if (!d) {
		printf("dns: - (not supported by the module)\n");
		return;
	}
	nfg_dns_args(buf, sizeof(buf), d);
	printf("dns: %s\n", buf);
	printf("  forged set: %u %s, %u IPv6 %s; now %u %s held, %u %s, %u %s learned\n",
	       d->forged4, plural(d->forged4, "address", "addresses"),
	       d->forged6, plural(d->forged6, "prefix", "prefixes"),
	       d->held, plural(d->held, "reply", "replies"),
	       d->queries, plural(d->queries, "query", "queries"),
	       d->resolvers, plural(d->resolvers, "resolver", "resolvers"));
}

/* "  signals: addr 5, ttl 1" from counters first..last, names without prefix */
static void print_counters(const char *label, const struct nfg_stats *st,
			   unsigned int first, unsigned int last, size_t skip)
{
	const char *sep = "";

	printf("  %s:", label);
	for (unsigned int i = first; i <= last; i++) {
		const char *name = nfg_stat_name(i);

		if (!name || !NFG_STAT_HAS(st, i))
			continue;
		printf("%s %s %" PRIu64, sep, name + skip, st->counter[i]);
		sep = ",";
	}
	printf("\n");
}

/* The DNS counters of `show dns`, by kind. */
static void print_dns_stats(const struct nfg_stats *st)
{
	print_counters("replies", st, NFGATE_STAT_DNS_QUERIES, NFGATE_STAT_DNS_NO_QUERY,
		       strlen("dns_"));
	print_counters("signals", st, NFGATE_STAT_DNS_SIG_ADDR, NFGATE_STAT_DNS_SIG_IPHDR,
		       strlen("dns_sig_"));
	print_counters("verdicts", st, NFGATE_STAT_DNS_PASSED, NFGATE_STAT_DNS_LATE,
		       strlen("dns_"));
	print_counters("hold", st, NFGATE_STAT_DNS_HOLD_FULL, NFGATE_STAT_DNS_DUPLICATE,
		       strlen("dns_"));
}

static void print_lan(const struct nfg_lan *lan)
{
	char subnet[32];

	if (!lan) {
		printf("lan: none\n");
		return;
	}
	fmt_subnet(subnet, sizeof(subnet), lan);
	if (lan->ifindex)
		printf("lan: %s (ifindex %u), subnet %s\n", lan->ifname, lan->ifindex, subnet);
	else
		printf("lan: %s (absent), subnet %s\n", lan->ifname, subnet);
}

static void print_stats(const struct nfg_stats *st)
{
	const char *sep = "";

	printf("counters:");
	for (unsigned int i = 1; i <= NFGATE_STAT_MAX; i++) {
		if (!nfg_stat_name(i) || !NFG_STAT_HAS(st, i))
			continue;
		printf("%s %s %" PRIu64, sep, nfg_stat_name(i), st->counter[i]);
		sep = ",";
	}
	printf("\n");
}

static void print_uplink_detail(const struct nfg_uplink *up)
{
	char a[32], b[32], c[32], d[32];
	uint64_t now = now_boottime_ms();

	printf("uplink: %s\n", up->ifname);
	if (up->ifindex)
		printf("  ifindex: %u\n", up->ifindex);
	else
		printf("  ifindex: - (no such device)\n");
	printf("  oper: %s\n", nfg_oper_name(up->oper) ? nfg_oper_name(up->oper) : "?");
	printf("  admin: %s\n", nfg_admin_name(up->admin) ? nfg_admin_name(up->admin) : "?");
	printf("  tier: %u\n", up->tier);
	printf("  weight: %u\n", up->weight);
	printf("  health: %u/%u\n", up->health, NFGATE_HEALTH_MAX);
	if (NFG_HAS(up, NFGATE_UPLINK_A_HEALTH_STATE)) {
		const char *r = nfg_health_reason_name(up->health_reason);

		since_cell(a, sizeof(a), up, now);
		printf("  health state: %s (%s), since %s\n", state_str(up, b, sizeof(b)),
		       r ? r : "?", a);
	}
	if (NFG_HAS(up, NFGATE_UPLINK_A_PROBE_LOSS)) {
		probe_cells(up, a, b, c, sizeof(a));
		printf("  probes: loss %s, rtt %s, jitter %s\n", a, b, c);
	}
	if (NFG_HAS(up, NFGATE_UPLINK_A_SYN_SENT))
		printf("  new TCP connections: %" PRIu64 " sent, %" PRIu64 " answered\n",
		       up->syn_sent, up->syn_answered);
	printf("  effective weight: %u\n", up->eff_weight);
	if (NFG_HAS(up, NFGATE_UPLINK_A_ID))
		printf("  id: %u\n", up->id);
	if (NFG_HAS(up, NFGATE_UPLINK_A_USABLE))
		printf("  usable: %s\n", up->usable ? "yes" : "no");
	if (up->addr) {
		fmt_in4(a, sizeof(a), up->addr);
		printf("  address: %s\n", a);
	} else {
		printf("  address: -\n");
	}
	if (NFG_HAS(up, NFGATE_UPLINK_A_FLOWS))
		printf("  flows: %u\n", up->flows);
	if (NFG_HAS(up, NFGATE_UPLINK_A_CHANGED_MS) && now >= up->changed_ms) {
		fmt_duration(a, sizeof(a), now - up->changed_ms);
		printf("  last change: %s ago\n", a);
	}
	fmt_bytes(a, sizeof(a), up->tx_bytes);
	fmt_count(b, sizeof(b), up->tx_packets);
	fmt_bytes(c, sizeof(c), up->rx_bytes);
	fmt_count(d, sizeof(d), up->rx_packets);
	printf("  transfer: %s (%s packets) sent, %s (%s packets) received\n", a, b, c, d);
}

/* --- the overview: `nfgate show` ------------------------------------------ */

/* A table indented by two spaces, under a heading of its own. */
static void table_print_indented(const struct table *t)
{
	char *buf = NULL, *line, *save = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return;
	table_print(t, f);
	fclose(f);
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		printf("  %s\n", line);
	free(buf);
}

/* up, unusable (up but no route or address), admin-down, down, absent */
static const char *overview_state(const struct nfg_uplink *up)
{
	if (NFG_HAS(up, NFGATE_UPLINK_A_ADMIN) && up->admin == NFGATE_ADMIN_DOWN)
		return "admin-down";
	if (!NFG_HAS(up, NFGATE_UPLINK_A_OPER) || !nfg_oper_name(up->oper))
		return "?";
	if (up->oper != NFGATE_OPER_UP)
		return nfg_oper_name(up->oper);
	if (NFG_HAS(up, NFGATE_UPLINK_A_USABLE) && !up->usable)
		return "unusable";
	return "up";
}

static void overview_uplinks(const struct nfg_uplink *ups, size_t n)
{
	static const char *const head[] = {
		"NAME", "STATE", "TIER", "WEIGHT", "HEALTH", "FLOWS", "RX", "TX",
	};
	struct table t;

	if (!n) {
		printf("uplinks: none\n");
		return;
	}
	printf("uplinks:\n");
	table_init(&t, "llrrlrrr", head);
	for (size_t i = 0; i < n; i++) {
		const struct nfg_uplink *up = &ups[i];
		char c[8][32];
		char *cells[8] = { c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7] };
		char b[16];

		snprintf(c[0], sizeof(c[0]), "%s", up->ifname);
		snprintf(c[1], sizeof(c[1]), "%s", overview_state(up));
		snprintf(c[2], sizeof(c[2]), "%u", up->tier);
		snprintf(c[3], sizeof(c[3]), "%u", up->weight);
		if (NFG_HAS(up, NFGATE_UPLINK_A_HEALTH_STATE) &&
		    up->health_state != NFGATE_HEALTH_UNKNOWN)
			snprintf(c[4], sizeof(c[4]), "%u %s", up->health,
				 state_str(up, b, sizeof(b)));
		else
			snprintf(c[4], sizeof(c[4]), "%u", up->health);
		if (NFG_HAS(up, NFGATE_UPLINK_A_FLOWS))
			snprintf(c[5], sizeof(c[5]), "%u", up->flows);
		else
			snprintf(c[5], sizeof(c[5]), "-");
		fmt_bytes(c[6], sizeof(c[6]), up->rx_bytes);
		fmt_bytes(c[7], sizeof(c[7]), up->tx_bytes);
		table_add(&t, cells);
	}
	table_print_indented(&t);
	table_free(&t);
}

static uint64_t stat_or0(const struct nfg_stats *st, unsigned int i)
{
	return NFG_STAT_HAS(st, i) ? st->counter[i] : 0;
}

/*
 * tunnel: up, active ss1 (198.51.100.21:8388 up, rtt 12.3ms), fail open
 *   flows: 3 in the tunnel now; redirected 120 TCP, 4 UDP
 *   bypass: 8001 prefixes, 42 hits; fail open 0, blocked 0
 */
static void overview_tunnel(const struct snapshot *s)
{
	const struct nfg_tunnel *t = s->tunnel;
	const struct nfg_stats *st = &s->st;
	const struct nfg_tsrv *act;
	char a[24], b[24], c[24], d[24];

	if (!t) {
		printf("tunnel: %s\n", s->tunnel_err == -EOPNOTSUPP ?
		       "- (not supported by the module)" : "not configured");
		return;
	}
	if (!t->enabled) {
		printf("tunnel: disabled\n");
		return;
	}
	act = t->active && t->active <= t->n_servers ? &t->servers[t->active - 1] : NULL;
	printf("tunnel: %s, ", nfg_tunnel_state_name(t->state) ?: "?");
	if (act) {
		fmt_in4(a, sizeof(a), act->addr);
		printf("active %s (%s:%u %s", act->name[0] ? act->name : "-", a, act->port,
		       nfg_tunnel_state_name(act->state) ?: "?");
		if (act->rtt_us) {
			fmt_fixed(b, sizeof(b), act->rtt_us / 100 * 100, 3);
			printf(", rtt %sms", b);
		}
		printf(")");
	} else {
		printf("no active server");
	}
	printf(", fail %s\n", nfg_tunnel_fail_name(t->fail) ?: "?");
	fmt_count(a, sizeof(a), stat_or0(st, NFGATE_STAT_TUNNEL_TCP));
	fmt_count(b, sizeof(b), stat_or0(st, NFGATE_STAT_TUNNEL_UDP));
	printf("  flows: %u in the tunnel now; redirected %s TCP, %s UDP\n", t->flows, a, b);
	/* the bypass set holds the reserved ranges too */
	fmt_count(a, sizeof(a), stat_or0(st, NFGATE_STAT_TUNNEL_R_BYPASS) +
		  stat_or0(st, NFGATE_STAT_TUNNEL_R_RESERVED));
	fmt_count(c, sizeof(c), stat_or0(st, NFGATE_STAT_TUNNEL_FAIL_OPEN));
	fmt_count(d, sizeof(d), stat_or0(st, NFGATE_STAT_TUNNEL_BLOCKED));
	printf("  bypass: %u prefixes, %s hits; fail open %s, blocked %s\n",
	       t->list[NFGATE_LIST_BYPASS].prefixes, a, c, d);
}

/* dns: drop, router inherit; judged 18.0k, dropped 28.0k, held 29.0k (2 now) */
static void overview_dns(const struct snapshot *s)
{
	const struct nfg_stats *st = &s->st;
	char a[24], b[24], c[24];

	if (!s->has_dns) {
		printf("dns: - (not supported by the module)\n");
		return;
	}
	fmt_count(a, sizeof(a), stat_or0(st, NFGATE_STAT_DNS_REPLIES));
	fmt_count(b, sizeof(b), stat_or0(st, NFGATE_STAT_DNS_DROPPED));
	fmt_count(c, sizeof(c), stat_or0(st, NFGATE_STAT_DNS_HELD));
	printf("dns: %s, router %s; judged %s, dropped %s, held %s (%u now)\n",
	       nfg_dns_mode_name(s->dns.mode) ?: "?",
	       nfg_dns_mode_name(s->dns.mode_router) ?: "?", a, b, c, s->dns.held);
}

static void overview_hosts(const struct nfg_host *hs, size_t n)
{
	static const char *const head[] = { "HOST", "RX", "TX", "TOTAL" };
	struct table t;

	if (!n) {
		printf("top hosts: none\n");
		return;
	}
	printf("top hosts:%s\n", n > TOP_HOSTS ? " (all: nfgate show hosts)" : "");
	table_init(&t, "lrrr", head);
	for (size_t i = 0; i < n && i < TOP_HOSTS; i++) {
		char c[4][32];
		char *cells[4] = { c[0], c[1], c[2], c[3] };

		fmt_in4(c[0], sizeof(c[0]), hs[i].addr);
		fmt_bytes(c[1], sizeof(c[1]), hs[i].rx_bytes);
		fmt_bytes(c[2], sizeof(c[2]), hs[i].tx_bytes);
		fmt_bytes(c[3], sizeof(c[3]), hs[i].rx_bytes + hs[i].tx_bytes);
		table_add(&t, cells);
	}
	table_print_indented(&t);
	table_free(&t);
}

static void overview_lan(const struct snapshot *s)
{
	char subnet[32];

	if (!s->has_lan) {
		printf("lan: none");
	} else {
		fmt_subnet(subnet, sizeof(subnet), &s->lan);
		printf("lan: %s%s %s", s->lan.ifname, s->lan.ifindex ? "" : " (absent)", subnet);
	}
	printf(", %zu %s, generation %u\n", s->nfw, plural(s->nfw, "forward", "forwards"),
	       s->gen);
}

static void print_overview(const struct snapshot *s, const struct nfg_host *hs, size_t nh)
{
	overview_lan(s);
	printf("\n");
	overview_uplinks(s->ups, s->n);
	printf("\n");
	overview_tunnel(s);
	overview_dns(s);
	printf("\n");
	overview_hosts(hs, nh);
}

static int show_all(struct nfg_ipc *ipc)
{
	struct snapshot s = { 0 };
	struct nfg_host *hs = NULL;
	size_t nh = 0;
	const char *what;
	int err = fetch(ipc, &s, &what);

	if (err) {
		snapshot_free(&s);
		return cli_error(ipc, what, err);
	}
	/* a module without accounting (-EOPNOTSUPP): no hosts */
	err = hosts_fetch(ipc, &hs, &nh);
	if (err && err != -EOPNOTSUPP) {
		snapshot_free(&s);
		return cli_error(ipc, "get hosts", err);
	}
	if (opt_json) {
		struct json j;
		uint64_t now = now_boottime_ms();

		json_init(&j, stdout, true);
		json_object_begin(&j, NULL);
		json_uint(&j, "generation", s.gen);
		nfg_json_lan(&j, "lan", s.has_lan ? &s.lan : NULL, true);
		nfg_json_settings(&j, "settings", s.has_settings ? &s.settings : NULL, true);
		nfg_json_dns(&j, "dns", s.has_dns ? &s.dns : NULL, true);
		json_array_begin(&j, "uplinks");
		for (size_t i = 0; i < s.n; i++)
			nfg_json_uplink(&j, NULL, &s.ups[i], true, now);
		json_array_end(&j);
		json_array_begin(&j, "forwards");
		for (size_t i = 0; i < s.nfw; i++)
			nfg_json_forward(&j, NULL, &s.fws[i], true);
		json_array_end(&j);
		json_array_begin(&j, "top_hosts");
		for (size_t i = 0; i < nh && i < TOP_HOSTS; i++)
			nfg_json_host(&j, NULL, &hs[i]);
		json_array_end(&j);
		tunnel_json(&j, "tunnel", s.tunnel);
		nfg_json_stats(&j, "stats", &s.st, true);
		json_object_end(&j);
		json_finish(&j);
	} else {
		print_overview(&s, hs, nh);
	}
	free(hs);
	snapshot_free(&s);
	return 0;
}

static int show_settings(struct nfg_ipc *ipc)
{
	struct nfg_settings st;
	int err = nfg_ipc_settings_get(ipc, &st, NULL);

	if (err)
		return cli_error(ipc, "get settings", err);
	if (opt_json) {
		struct json j;

		json_init(&j, stdout, true);
		nfg_json_settings(&j, NULL, &st, true);
		json_finish(&j);
	} else {
		print_settings(&st);
	}
	return 0;
}

static int show_dns(struct nfg_ipc *ipc)
{
	struct nfg_stats st;
	struct nfg_dns d;
	uint32_t gen;
	int err = nfg_ipc_dns_get(ipc, &d, &gen);

	if (err)
		return cli_error(ipc, "get dns", err);
	err = nfg_ipc_stats_get(ipc, &st, NULL);
	if (err)
		return cli_error(ipc, "get stats", err);
	if (opt_json) {
		struct json j;

		json_init(&j, stdout, true);
		json_object_begin(&j, NULL);
		json_uint(&j, "generation", gen);
		nfg_json_dns(&j, "dns", &d, true);
		/* only the DNS counters */
		json_object_begin(&j, "stats");
		for (unsigned int i = NFGATE_STAT_DNS_QUERIES; i <= NFGATE_STAT_DNS_DUPLICATE; i++) {
			if (NFG_STAT_HAS(&st, i))
				json_uint(&j, nfg_stat_name(i), st.counter[i]);
			else
				json_null(&j, nfg_stat_name(i));
		}
		json_object_end(&j);
		json_object_end(&j);
		json_finish(&j);
	} else {
		print_dns(&d);
		print_dns_stats(&st);
	}
	return 0;
}

static int show_forwards(struct nfg_ipc *ipc)
{
	struct nfg_forward *fws = NULL;
	size_t n = 0;
	int err = nfg_ipc_forward_dump(ipc, &fws, &n, NULL);

	if (err)
		return cli_error(ipc, "get forwards", err);
	if (opt_json) {
		struct json j;

		json_init(&j, stdout, true);
		json_array_begin(&j, NULL);
		for (size_t i = 0; i < n; i++)
			nfg_json_forward(&j, NULL, &fws[i], true);
		json_array_end(&j);
		json_finish(&j);
	} else {
		print_forwards_table(fws, n);
	}
	free(fws);
	return 0;
}

static int show_lan(struct nfg_ipc *ipc)
{
	struct nfg_lan lan;
	int err = nfg_ipc_lan_get(ipc, &lan, NULL);

	if (err && err != -ENOENT)
		return cli_error(ipc, "get lan", err);
	if (opt_json) {
		struct json j;

		json_init(&j, stdout, true);
		nfg_json_lan(&j, NULL, err ? NULL : &lan, true);
		json_finish(&j);
	} else {
		print_lan(err ? NULL : &lan);
	}
	return 0;
}

static int show_uplinks(struct nfg_ipc *ipc)
{
	struct nfg_uplink *ups = NULL;
	size_t n = 0;
	int err = nfg_ipc_uplink_dump(ipc, &ups, &n, NULL);

	if (err)
		return cli_error(ipc, "get uplinks", err);
	if (opt_json) {
		uint64_t now = now_boottime_ms();
		struct json j;

		json_init(&j, stdout, true);
		json_array_begin(&j, NULL);
		for (size_t i = 0; i < n; i++)
			nfg_json_uplink(&j, NULL, &ups[i], true, now);
		json_array_end(&j);
		json_finish(&j);
	} else {
		print_uplinks_table(ups, n);
	}
	free(ups);
	return 0;
}

static int show_uplink(struct nfg_ipc *ipc, const char *ifname)
{
	struct nfg_uplink up;
	int err = nfg_ipc_uplink_get(ipc, ifname, &up, NULL);

	if (err == -ENOENT) {
		char what[64];

		snprintf(what, sizeof(what), "show uplink %s", ifname);
		return cli_error_msg(ipc, what, "no such uplink");
	}
	if (err)
		return cli_error(ipc, "get uplink", err);
	if (opt_json) {
		struct json j;

		json_init(&j, stdout, true);
		nfg_json_uplink(&j, NULL, &up, true, now_boottime_ms());
		json_finish(&j);
	} else {
		print_uplink_detail(&up);
	}
	return 0;
}

static int show_stats(struct nfg_ipc *ipc)
{
	struct nfg_stats st;
	int err = nfg_ipc_stats_get(ipc, &st, NULL);

	if (err)
		return cli_error(ipc, "get stats", err);
	if (opt_json) {
		struct json j;

		json_init(&j, stdout, true);
		nfg_json_stats(&j, NULL, &st, true);
		json_finish(&j);
	} else {
		print_stats(&st);
	}
	return 0;
}

int show_main(int argc, char *argv[])
{
	static const char *const whats[] = {
		"lan", "settings", "dns", "uplinks", "uplink", "forwards", "forward", "stats",
		"tunnel",
		"hosts",
	};
	struct nfg_ipc ipc;
	const char *what = argc > 1 ? argv[1] : NULL;
	bool known = !what;
	int ret;

	for (size_t i = 0; what && i < sizeof(whats) / sizeof(whats[0]); i++)
		known |= !strcmp(what, whats[i]);
	if (!known)
		return cli_usage_error(show_usage, "show",
				       "expected lan, settings, dns, uplinks, forwards, hosts, stats or tunnel");
	if (argc > (what && !strncmp(what, "uplink", 6) ? 3 : 2))
		return cli_usage_error(show_usage, "show", "too many arguments");
	if (cli_open(&ipc))
		return 1;
	if (!what)
		ret = show_all(&ipc);
	else if (!strcmp(what, "lan"))
		ret = show_lan(&ipc);
	else if (!strcmp(what, "settings"))
		ret = show_settings(&ipc);
	else if (!strcmp(what, "dns"))
		ret = show_dns(&ipc);
	else if (!strncmp(what, "forward", 7))
		ret = show_forwards(&ipc);
	else if (!strcmp(what, "stats"))
		ret = show_stats(&ipc);
	else if (!strcmp(what, "tunnel"))
		ret = tunnel_show(&ipc);
	else if (!strcmp(what, "hosts"))
		ret = show_hosts(&ipc);
	else if (argc == 3)
		ret = show_uplink(&ipc, argv[2]);
	else
		ret = show_uplinks(&ipc);
	nfg_ipc_close(&ipc);
	return ret;
}
