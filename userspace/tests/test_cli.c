// SPDX-License-Identifier: GPL-2.0
/*
 * The nfgate subcommands end to end against the fake kernel: what they
 * print, on which stream, and their exit status.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "fake_kernel.h"
#include "config.h"
#include "format.h"
#include "harness.h"
#include "subcommands.h"

static struct fake_kernel k;
static char out[16384], err[4096];

static int fake_open(struct nfg_ipc *ipc)
{
	fake_connect(&k, ipc);
	return nfg_ipc_open_transport(ipc);
}

/* Runs fn(argv) with stdout and stderr captured into out and err. */
static int run(int (*fn)(int, char **), bool json, char **argv)
{
	char base[64];

	snprintf(base, sizeof(base), "/tmp/nfgate-cli-%d", (int)getpid());
	opt_json = json;
	return t_capture(fn, argv, base, out, sizeof(out), err, sizeof(err));
}

#define ARGV(...) ((char *[]){ __VA_ARGS__, NULL })

static bool has(const char *buf, const char *s, const char *desc)
{
	if (strstr(buf, s))
		return true;
	t_diag("%s: no '%s' in:\n%s", desc, s, buf);
	return false;
}

/* At most @cols columns in every line, at most @lines lines: one screen. */
static bool narrow(const char *buf, size_t cols, size_t lines)
{
	size_t n = 0;

	for (const char *p = buf, *nl; *p; p = nl + 1, n++) {
		nl = strchr(p, '\n');
		if (!nl)
			nl = p + strlen(p) - 1;
		if ((size_t)(nl - p) > cols) {
			t_diag("line %zu is %zu columns wide:\n%s", n + 1, (size_t)(nl - p), buf);
			return false;
		}
	}
	if (n > lines)
		t_diag("%zu lines:\n%s", n, buf);
	return n <= lines;
}

static bool valid_json(const char *text)
{
	char path[64], cmd[128];
	FILE *f;
	int ret;

	if (system("python3 -c '' 2>/dev/null") != 0)
		return true;	/* no python: the writer has its own tests */
	snprintf(path, sizeof(path), "/tmp/nfgate-cli-%d.json", (int)getpid());
	f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "python3 -c 'import json,sys; json.load(open(sys.argv[1]))' %s", path);
	ret = system(cmd);
	unlink(path);
	return ret == 0;
}

static void populate(void)
{
	struct nfg_uplink *u;
	struct nfg_ipc ipc;

	fake_attach(&k, &ipc);
	k.has_lan = true;
	strcpy(k.lan.ifname, "br0");
	k.lan.ifindex = 3;
	k.lan.addr = htonl(0xc0a80000);
	k.lan.prefixlen = 22;
	u = fake_add_uplink(&k, "ppp0");
	u->ifindex = 5;
	u->oper = NFGATE_OPER_UP;
	u->weight = 3;
	u->health = 500;
	u->eff_weight = 1;
	u->addr = htonl(0x64400002);
	u->flows = 12;
	u->tx_bytes = 1536;
	u->tx_packets = 12345;
	u->rx_bytes = 5ULL << 30;
	u->usable = 1;
	u->health_state = NFGATE_HEALTH_DEGRADED;
	u->health_reason = NFGATE_REASON_LOSS;
	u->health_since_ms = now_boottime_ms() - 65000;
	u->probe_loss = 1250;
	u->probe_rtt_us = 23456;
	u->probe_jitter_us = 1234;
	u->syn_sent = 100;
	u->syn_answered = 97;
	u = fake_add_uplink(&k, "wwan0");
	u->tier = 1;
	k.generation = 7;
	k.settings.sticky_ms = 60000;
	k.dns.mode = NFGATE_DNS_DROP;
	k.dns.held = 2;
	k.dns.queries = 7;
	k.dns.resolvers = 1;
	fake_add_forward(&k, IPPROTO_TCP, 8080, "192.168.0.11")->to_port = 80;
	strcpy(fake_add_forward(&k, IPPROTO_UDP, 53, "192.168.0.12")->uplink, "ppp0");
	k.fws[1].hits = 123456;
	k.nh = 3;
	k.hosts[0] = (struct nfg_host){ .addr = htonl(0xc0a8000b), .tx_bytes = 2700,
					.rx_bytes = 3000 };
	k.hosts[1] = (struct nfg_host){ .addr = htonl(0xc0a8000a), .tx_packets = 292,
					.tx_bytes = 328335, .rx_packets = 1426,
					.rx_bytes = 2076180 };
	k.hosts[2] = (struct nfg_host){ .addr = htonl(0xc0a8000c) };
}

/* The tunnel of `show`: ss1 active and up, ss2 standing by, a bypass list. */
static void populate_tunnel(void)
{
	struct nfg_tunnel *t = &k.tunnel;

	k.has_tunnel = true;
	memset(t, 0, sizeof(*t));
	t->enabled = 1;
	t->state = NFGATE_TUNNEL_UP;
	t->fail = NFGATE_TUNNEL_FAIL_OPEN;
	t->active = 1;
	t->udp = 1;
	t->udp_mark = NFGATE_TUNNEL_DEFAULT_UDP_MARK;
	t->since_ms = now_boottime_ms() - 65000;
	t->flows = 3;
	t->n_servers = 2;
	strcpy(t->servers[0].name, "ss1");
	t->servers[0].addr = htonl(0xc6336415);		/* 198.51.100.21 */
	t->servers[0].port = 8388;
	t->servers[0].redir_port = 1100;
	t->servers[0].udp_port = 1100;
	t->servers[0].state = NFGATE_TUNNEL_UP;
	t->servers[0].rtt_us = 12345;
	t->servers[0].redirected = 40;
	strcpy(t->servers[1].name, "ss2");
	t->servers[1].addr = htonl(0xc6336416);
	t->servers[1].port = 8388;
	t->servers[1].redir_port = 1101;
	t->servers[1].state = NFGATE_TUNNEL_UP;
	t->list[NFGATE_LIST_BYPASS].prefixes = 8001;
	t->list[NFGATE_LIST_BYPASS].ranges = 7000;
}

static void dns(void)
{
	int ret;

	ret = run(show_main, false, ARGV("show", "dns"));
	if (!CHECK(ret == 0 && !strcmp(out,
		"dns: mode drop router-mode inherit hold-ms 300 hold-max 256 hold-per-client 16 "
		"expire release ttl-slack 2 fast-pct 50 drop-score 3\n"
		"  forged set: 0 addresses, 0 IPv6 prefixes; now 2 replies held, 7 queries, "
		"1 resolver learned\n"
		"  replies: queries 17000, replies 18000, malformed 19000, no_query 20000\n"
		"  signals: addr 21000, ttl 22000, shape 23000, fast 24000, disagree 25000, "
		"iphdr 26000\n"
		"  verdicts: passed 27000, dropped 28000, held 29000, superseded 30000, "
		"expired 31000, expired_drop 32000, logged 33000, late 34000\n"
		"  hold: hold_full 35000, hold_freed 36000, duplicate 37000\n"),
		   "show dns: settings in the set syntax, the set and tables, counters by "
		   "signal and verdict"))
		t_diag("got:\n%s", out);
	ret = run(show_main, true, ARGV("show", "dns"));
	CHECK(ret == 0 && valid_json(out) &&
	      has(out, "\"dns\": {\n    \"mode\": \"drop\",\n    \"router_mode\": \"inherit\",\n"
		       "    \"hold_ms\": 300,\n    \"hold_max\": 256,\n    \"hold_per_client\": 16,\n"
		       "    \"expire\": \"release\",\n    \"ttl_slack\": 2,\n    \"fast_pct\": 50,\n"
		       "    \"drop_score\": 3,\n    \"forged4\": 0,\n    \"forged6\": 0,\n"
		       "    \"held\": 2,\n    \"queries\": 7,\n    \"resolvers\": 1\n  },", "show -j dns") &&
	      has(out, "\"stats\": {\n    \"dns_queries\": 17000,", "show -j dns") &&
	      has(out, "\"dns_hold_freed\": 36000,", "show -j dns") &&
	      has(out, "\"dns_duplicate\": 37000", "show -j dns") &&
	      !strstr(out, "pre_routing"),
	      "show -j dns: the DNS object and only the DNS counters, snake_case");

	ret = run(set_main, false, ARGV("set", "dns", "mode", "log", "router-mode", "drop",
					"hold-ms", "1000", "expire", "drop", "drop-score", "0"));
	CHECK(ret == 0 && k.dns.mode == NFGATE_DNS_LOG && k.dns.mode_router == NFGATE_DNS_DROP &&
	      k.dns.hold_ms == 1000 && k.dns.expire_drop == 1 && k.dns.drop_score == 0 &&
	      k.dns.fast_pct == NFGATE_DNS_DEFAULT_FAST_PCT,
	      "set dns mode log router-mode drop hold-ms 1000 expire drop drop-score 0");
	ret = run(show_main, false, ARGV("show", "dns"));
	CHECK(ret == 0 && has(out, "dns: mode log router-mode drop hold-ms 1000 hold-max 256 "
			      "hold-per-client 16 expire drop ttl-slack 2 fast-pct 50 drop-score 0\n",
			      "show dns"), "show dns: the line round-trips through set dns");
	ret = run(set_main, false, ARGV("set", "dns", "mode", "inherit"));
	CHECK(ret == 2 && has(err, "nfgate: set dns: mode: 'inherit' is not a mode (expected off, "
			      "log or drop)\n", "set dns"), "set dns mode inherit: usage error");
	ret = run(set_main, false, ARGV("set", "dns", "hold-ms", "5001"));
	CHECK(ret == 2 && has(err, "nfgate: set dns: hold-ms: 5001 is out of range 0..5000\n", "set dns"),
	      "set dns hold-ms 5001: usage error");
	ret = run(set_main, false, ARGV("set", "dns", "hold-per-client", "300"));
	CHECK(ret == 1 && has(err, "nfgate: set dns: Invalid argument (kernel: HOLD_PER_CLIENT would be "
			      "above HOLD_MAX)\n", "set dns"),
	      "set dns hold-per-client above the kernel's hold-max: the kernel's message, exit 1");
	k.dns.mode = NFGATE_DNS_DROP;
	k.dns.mode_router = NFGATE_DNS_INHERIT;
	k.dns.hold_ms = 300;
	k.dns.expire_drop = 0;
	k.dns.drop_score = 3;

	/* the forged set */
	ret = run(forged_main, false, ARGV("forged", "add", "1.2.3.4", "2001::/32", "9.9.9.9",
					   "1.2.3.4"));
	CHECK(ret == 0 && k.forged.n4 == 2 && k.forged.n6 == 1 && !strcmp(k.log[k.nlog - 1], "FORGED_ADD 2 1"),
	      "forged add: entries sent once each, in one message");
	ret = run(forged_main, false, ARGV("forged", "add", "1.2.3.4", "2001:db8::1/32"));
	CHECK(ret == 2 && has(err, "nfgate: forged add: 2001:db8::1/32 has host bits set (the prefix is "
			      "2001:db8::/32)\n", "forged add") && k.forged.n4 == 2,
	      "forged add with a bad entry: usage error, nothing sent");
	ret = run(forged_main, false, ARGV("forged"));
	CHECK(ret == 0 && !strcmp(out, "1.2.3.4\n9.9.9.9\n2001::/32\n"),
	      "forged (show): one entry a line, IPv4 first");
	ret = run(forged_main, true, ARGV("forged", "show"));
	CHECK(ret == 0 && valid_json(out) &&
	      has(out, "\"ipv4\": [\n    \"1.2.3.4\",\n    \"9.9.9.9\"\n  ],\n"
		       "  \"ipv6\": [\n    \"2001::/32\"\n  ]\n}", "forged -j show"),
	      "forged -j show: ipv4 and ipv6 arrays");
	k.dump_intr = 1;
	k.dumps = 0;
	ret = run(forged_main, false, ARGV("forged", "show"));
	CHECK(ret == 0 && k.dumps == 2 && !strcmp(out, "1.2.3.4\n9.9.9.9\n2001::/32\n"),
	      "forged show: a dump flagged NLM_F_DUMP_INTR is read again");
	k.lossy_dump = 1;
	ret = run(forged_main, false, ARGV("forged", "show"));
	CHECK(ret == 1 && !strcmp(out, "1.2.3.4\n2001::/32\n") &&
	      has(err, "nfgate: forged show: the module's dump of the forged set lost entries (the "
		       "set itself is whole): got 1 of 2 addresses, 1 of 1 prefixes\n", "forged show"),
	      "forged show of a dump that lost entries: what came, then the error, exit 1");
	k.lossy_dump = 0;
	ret = run(forged_main, false, ARGV("forged", "del", "9.9.9.9"));
	CHECK(ret == 0 && k.forged.n4 == 1, "forged del");
	ret = run(forged_main, false, ARGV("forged", "flush"));
	CHECK(ret == 0 && !k.forged.n4 && !k.forged.n6, "forged flush");
	ret = run(forged_main, false, ARGV("forged", "flush", "now"));
	CHECK(ret == 2 && has(err, "nfgate: forged flush: too many arguments", "forged flush now"),
	      "forged flush now: usage error");
	{
		char path[64], line[96];
		FILE *f;

		snprintf(path, sizeof(path), "/tmp/nfgate-cli-%d.list", (int)getpid());
		f = fopen(path, "w");
		fprintf(f, "# test list\n2001::/32\n");
		for (int i = 1; i <= 2100; i++)
			fprintf(f, "10.0.%d.%d\n", i / 250, i % 250 + 1);
		fclose(f);
		k.nlog = 0;
		ret = run(forged_main, false, ARGV("forged", "load", path));
		snprintf(line, sizeof(line), "FORGED_ADD 1024 1");
		CHECK(ret == 0 && k.forged.n4 == 2100 && k.forged.n6 == 1 && k.nlog == 3 &&
		      !strcmp(k.log[0], line) && !strcmp(k.log[2], "FORGED_ADD 52 0") &&
		      has(out, ": 2100 IPv4 addresses, 1 IPv6 prefixes; the set holds 2100 and 1\n",
			  "forged load"),
		      "forged load: 2101 entries in chunks of %d, a summary", NFGATE_FORGED_CHUNK);
		ret = run(forged_main, true, ARGV("forged", "load", path));
		CHECK(ret == 0 && valid_json(out) && has(out, "\"ipv4\": 2100,", "forged -j load"),
		      "forged -j load: a JSON summary");
		f = fopen(path, "w");
		fprintf(f, "1.2.3.4\nnot-an-address\n1.2.3.4\n");
		fclose(f);
		k.nlog = 0;
		ret = run(forged_main, false, ARGV("forged", "load", path));
		snprintf(line, sizeof(line), "%s:2: ", path);
		CHECK(ret == 1 && k.nlog == 0 && has(err, line, "forged load") &&
		      has(err, ":3: 1.2.3.4 is listed twice (first at line 1)\n", "forged load"),
		      "forged load of a bad file: every error as FILE:LINE, nothing sent");
		unlink(path);
		ret = run(forged_main, false, ARGV("forged", "load", "/nonexistent/list"));
		CHECK(ret == 1 && has(err, "nfgate: forged load: /nonexistent/list: No such file or directory\n",
				      "forged load"), "forged load of a missing file");
	}
	{
		struct nfg_forged_set full = { 0 };
		size_t done;
		struct nfg_ipc ipc;

		for (uint32_t i = 0; i < NFGATE_FORGED4_MAX - 2100 - 10; i++)
			nfg_forged_add4(&full, htonl(0x0b000001 + i));
		fake_open(&ipc);
		nfg_ipc_forged_change(&ipc, false, &full, &done);
		nfg_ipc_close(&ipc);
		nfg_forged_free(&full);
		ret = run(forged_main, false, ARGV("forged", "add", "12.0.0.1", "12.0.0.2", "12.0.0.3",
						   "12.0.0.4", "12.0.0.5", "12.0.0.6", "12.0.0.7",
						   "12.0.0.8", "12.0.0.9", "12.0.0.10", "12.0.0.11"));
		CHECK(ret == 1 && has(err, "nfgate: forged add: No space left on device (kernel: forged "
				      "set full (NFGATE_FORGED4_MAX))\n", "forged add full"),
		      "forged add to a full set: the kernel's message, exit 1");
		nfg_forged_free(&k.forged);
	}

	k.old_dns = true;
	ret = run(show_main, true, ARGV("show"));
	CHECK(ret == 0 && valid_json(out) && has(out, "\"dns\": null", "show -j old"),
	      "show -j on a module without the DNS check: dns null");
	ret = run(show_main, false, ARGV("show"));
	CHECK(ret == 0 && has(out, "dns: - (not supported by the module)\n", "show old"),
	      "show on a module without the DNS check: a dash");
	ret = run(show_main, false, ARGV("show", "dns"));
	CHECK(ret == 1 && has(err, "nfgate: get dns: Operation not supported", "show dns old"),
	      "show dns on a module without the DNS check: exit 1");
	ret = run(dump_main, false, ARGV("dump"));
	CHECK(ret == 0 && !strstr(out, "\ndns\t"), "dump on a module without the DNS check: no dns line");
	k.old_dns = false;
}

static struct nfg_msg monitor_msg;

static int print_one_event(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	monitor_print_event(&monitor_msg, NULL);
	return 0;
}

/* One event printed by `nfgate monitor`, text and JSON; the timestamp cut off. */
static void monitor_event(const struct nfg_msg *m, const char *text, const char *json,
			  const char *desc)
{
	const char *p;

	monitor_msg = *m;
	run(print_one_event, false, ARGV("monitor"));
	p = strchr(out, ' ') ? strchr(strchr(out, ' ') + 1, ' ') : NULL;	/* date time */
	if (!CHECK(p && !strcmp(p + 1, text), "monitor: %s (text)", desc))
		t_diag("got: %s", out);
	run(print_one_event, true, ARGV("monitor"));
	p = strstr(out, "\"event\"");
	if (!CHECK(p && !strcmp(p, json) && valid_json(out), "monitor: %s (JSON)", desc))
		t_diag("got: %s", out);
}

static void monitor(void)
{
	struct nfg_msg m = { .has_event = true, .has_generation = true, .generation = 9 };

	m.event = NFGATE_EVENT_UPLINK_FLUSH;
	m.has_uplink = m.has_flushed = m.has_resets = true;
	strcpy(m.uplink.ifname, "ppp0");
	m.uplink.present = (1U << NFGATE_UPLINK_A_IFNAME) | (1U << NFGATE_UPLINK_A_OPER) |
			   (1U << NFGATE_UPLINK_A_USABLE);
	m.uplink.oper = NFGATE_OPER_DOWN;
	m.flushed = 3;
	m.resets = 2;
	monitor_event(&m, "uplink_flush ppp0 oper down usable no flushed 3 resets 2 generation 9\n",
		      "\"event\":\"uplink_flush\",\"generation\":9,\"uplink\":{\"ifname\":\"ppp0\","
		      "\"oper\":\"down\",\"usable\":false},\"flushed\":3,\"resets\":2}\n",
		      "uplink_flush");

	/* uplink_health: the state before as the monitor saw it */
	{
		static struct monitor_health mh;
		struct nfg_msg h = { .has_event = true, .has_uplink = true, .has_generation = true,
				     .event = NFGATE_EVENT_UPLINK_HEALTH, .generation = 11 };
		const char *p;

		strcpy(h.uplink.ifname, "ppp0");
		h.uplink.present = (1U << NFGATE_UPLINK_A_IFNAME) | (1U << NFGATE_UPLINK_A_HEALTH) |
				   (1U << NFGATE_UPLINK_A_HEALTH_STATE) |
				   (1U << NFGATE_UPLINK_A_HEALTH_REASON) |
				   (1U << NFGATE_UPLINK_A_PROBE_LOSS) |
				   (1U << NFGATE_UPLINK_A_PROBE_RTT_US) |
				   (1U << NFGATE_UPLINK_A_PROBE_JITTER_US);
		h.uplink.health_state = NFGATE_HEALTH_DOWN;
		h.uplink.health_reason = NFGATE_REASON_PROBES_LOST;
		h.uplink.probe_loss = 10000;
		monitor_msg = h;
		run(print_one_event, false, ARGV("monitor"));
		p = strchr(out, ' ') ? strchr(strchr(out, ' ') + 1, ' ') : NULL;
		CHECK(p && !strcmp(p + 1, "uplink_health ppp0 health ? -> down (probes_lost) loss 100% "
				   "rtt - jitter - score 0 generation 11\n"),
		      "monitor: uplink_health, previous state not known: '?'");
		mh.n = 1;
		strcpy(mh.up[0].ifname, "ppp0");
		mh.up[0].state = NFGATE_HEALTH_UP;
		monitor_print_event(&h, &mh);	/* to the real stdout: keep it quiet */
		CHECK(mh.up[0].state == NFGATE_HEALTH_DOWN, "monitor: the tracked state follows the events");
		h.uplink.health_state = NFGATE_HEALTH_DEGRADED;
		h.uplink.health_reason = NFGATE_REASON_PASSIVE;
		h.uplink.probe_loss = 0;
		h.uplink.probe_rtt_us = 23456;
		h.uplink.probe_jitter_us = 500;
		h.uplink.health = 100;
		opt_json = false;
		{
			char po[64];
			FILE *f;
			int so = dup(1);

			snprintf(po, sizeof(po), "/tmp/nfgate-cli-%d.mh", (int)getpid());
			fflush(stdout);
			f = fopen(po, "w");
			dup2(fileno(f), 1);
			monitor_print_event(&h, &mh);
			fflush(stdout);
			dup2(so, 1);
			close(so);
			fclose(f);
			t_slurp(po, out, sizeof(out));
		}
		p = strchr(out, ' ') ? strchr(strchr(out, ' ') + 1, ' ') : NULL;
		CHECK(p && !strcmp(p + 1, "uplink_health ppp0 health down -> degraded (passive) loss 0% "
				   "rtt 23.456ms jitter 0.5ms score 100 generation 11\n"),
		      "monitor: uplink_health ppp0 health down -> degraded (passive) ...");
	}

	memset(&m, 0, sizeof(m));
	m.has_event = m.has_settings = true;
	m.event = NFGATE_EVENT_SETTINGS;
	nfg_settings_defaults(&m.settings);
	monitor_event(&m, "settings mark_mask 0x00ff0000 skip_mark 0x00000000 failover_rst yes "
			  "holddown_ms 5000 sticky_ms 0\n",
		      "\"event\":\"settings\",\"settings\":{\"mark_mask\":16711680,\"skip_mark\":0,"
		      "\"failover_rst\":true,\"holddown_ms\":5000,\"sticky_ms\":0}}\n",
		      "settings");

	memset(&m, 0, sizeof(m));
	m.has_event = m.has_dns_reply = m.has_generation = true;
	m.event = NFGATE_EVENT_DNS_FORGED;
	m.generation = 12;
	{
		struct nfg_dns_reply *r = &m.dns_reply;

		r->present = ((1U << (NFGATE_DNS_REPLY_A_MAX + 1)) - 2) &
			     ~((1U << NFGATE_DNS_REPLY_A_ANSWER4) | (1U << NFGATE_DNS_REPLY_A_ANSWER6));
		r->verdict = NFGATE_DNS_V_SUPERSEDED;
		r->signals = NFGATE_DNS_SIG_FAST | NFGATE_DNS_SIG_DISAGREE | NFGATE_DNS_SIG_TTL;
		r->client = htonl(0xc0a8000a);
		r->resolver = htonl(0x08080808);
		strcpy(r->uplink, "ppp0");
		strcpy(r->qname, "twitter.com");
		r->qtype = 1;
		r->n4 = 2;
		r->answer4[0] = htonl(0x4a7d7f66);
		r->answer4[1] = htonl(0x5d2e0859);
		r->ip_ttl = 57;
		r->ip_id = 0x1a2b;
		r->df = 0;
		r->flags = 0x8180;
		r->lead_us = 12345;
	}
	monitor_event(&m, "dns_forged superseded signals ttl,fast,disagree client 192.168.0.10 "
			  "resolver 8.8.8.8 uplink ppp0 twitter.com/A answers 74.125.127.102,93.46.8.89 "
			  "ttl 57 id 0x1a2b df no flags 0x8180 lead 12.345ms generation 12\n",
		      "\"event\":\"dns_forged\",\"generation\":12,\"dns_reply\":{\"verdict\":\"superseded\","
		      "\"signals\":[\"ttl\",\"fast\",\"disagree\"],\"client\":\"192.168.0.10\","
		      "\"resolver\":\"8.8.8.8\",\"uplink\":\"ppp0\",\"qname\":\"twitter.com\","
		      "\"qtype\":\"A\",\"answers4\":[\"74.125.127.102\",\"93.46.8.89\"],\"answers6\":[],"
		      "\"ip_ttl\":57,\"ip_id\":6699,\"df\":false,\"flags\":33152,\"lead_ms\":12.345}}\n",
		      "dns_forged");
	m.dns_reply.verdict = NFGATE_DNS_V_LATE;
	m.dns_reply.signals = NFGATE_DNS_SIG_DISAGREE | 0x40;
	m.dns_reply.qtype = 28;
	m.dns_reply.n4 = 0;
	m.dns_reply.n6 = 1;
	m.dns_reply.answer6[0][0] = 0x20;
	m.dns_reply.answer6[0][1] = 0x01;
	m.dns_reply.answer6[0][15] = 0x01;
	m.dns_reply.lead_us = 0;
	m.dns_reply.present &= ~(1U << NFGATE_DNS_REPLY_A_UPLINK);
	monitor_event(&m, "dns_forged late signals disagree,0x40 client 192.168.0.10 resolver 8.8.8.8 "
			  "uplink - twitter.com/AAAA answers 2001::1 ttl 57 id 0x1a2b df no flags 0x8180 "
			  "generation 12\n",
		      "\"event\":\"dns_forged\",\"generation\":12,\"dns_reply\":{\"verdict\":\"late\","
		      "\"signals\":[\"disagree\",64],\"client\":\"192.168.0.10\","
		      "\"resolver\":\"8.8.8.8\",\"qname\":\"twitter.com\","
		      "\"qtype\":\"AAAA\",\"answers4\":[],\"answers6\":[\"2001::1\"],"
		      "\"ip_ttl\":57,\"ip_id\":6699,\"df\":false,\"flags\":33152,\"lead_ms\":0}}\n",
		      "dns_forged late, AAAA, an unknown signal, no uplink");

	memset(&m, 0, sizeof(m));
	m.has_event = m.has_dns = true;
	m.event = NFGATE_EVENT_DNS;
	m.dns = k.dns;
	monitor_event(&m, "dns mode drop router_mode inherit hold_ms 300 hold_max 256 hold_per_client 16 "
			  "expire release ttl_slack 2 fast_pct 50 drop_score 3 forged4 0 forged6 0 "
			  "held 2 queries 7 resolvers 1\n",
		      "\"event\":\"dns\",\"dns\":{\"mode\":\"drop\",\"router_mode\":\"inherit\","
		      "\"hold_ms\":300,\"hold_max\":256,\"hold_per_client\":16,\"expire\":\"release\","
		      "\"ttl_slack\":2,\"fast_pct\":50,\"drop_score\":3,\"forged4\":0,\"forged6\":0,"
		      "\"held\":2,\"queries\":7,\"resolvers\":1}}\n", "dns");
	m.event = NFGATE_EVENT_FORGED;
	m.dns.forged4 = 470;
	m.dns.forged6 = 1;
	monitor_event(&m, "forged forged4 470 forged6 1\n",
		      "\"event\":\"forged\",\"dns\":{\"mode\":\"drop\",\"router_mode\":\"inherit\","
		      "\"hold_ms\":300,\"hold_max\":256,\"hold_per_client\":16,\"expire\":\"release\","
		      "\"ttl_slack\":2,\"fast_pct\":50,\"drop_score\":3,\"forged4\":470,\"forged6\":1,"
		      "\"held\":2,\"queries\":7,\"resolvers\":1}}\n", "forged");

	memset(&m, 0, sizeof(m));
	m.has_event = m.has_forward = true;
	m.event = NFGATE_EVENT_FORWARD_DEL;
	m.forward = k.fws[1];
	m.forward.present = (1U << NFGATE_FORWARD_A_PROTO) | (1U << NFGATE_FORWARD_A_PORT) |
			    (1U << NFGATE_FORWARD_A_TO_ADDR) | (1U << NFGATE_FORWARD_A_TO_PORT) |
			    (1U << NFGATE_FORWARD_A_UPLINK);
	monitor_event(&m, "forward_del proto udp port 53 to_addr 192.168.0.12 to_port 53 uplink ppp0\n",
		      "\"event\":\"forward_del\",\"forward\":{\"proto\":\"udp\",\"port\":53,"
		      "\"to_addr\":\"192.168.0.12\",\"to_port\":53,\"uplink\":\"ppp0\"}}\n",
		      "forward_del");
}

int main(void)
{
	int ret;

	t_begin("cli");
	cli_ipc_open = fake_open;
	populate();

	ret = run(show_main, false, ARGV("show"));
	CHECK(ret == 0 && has(out,
		"lan: br0 192.168.0.0/22, 2 forwards, generation 7\n"
		"\n"
		"uplinks:\n"
		"  NAME   STATE   TIER  WEIGHT  HEALTH        FLOWS        RX        TX\n"
		"  ppp0   up         0       3  500 degraded     12  5.00 GiB  1.50 KiB\n"
		"  wwan0  absent     1       1  1000              0       0 B       0 B\n"
		"\n"
		"tunnel: not configured\n"
		"dns: drop, router inherit; judged 18.0k, dropped 28.0k, held 29.0k (2 now)\n"
		"\n"
		"top hosts:\n"
		"  HOST                RX          TX     TOTAL\n"
		"  192.168.0.10  1.98 MiB  320.64 KiB  2.29 MiB\n"
		"  192.168.0.11  2.93 KiB    2.64 KiB  5.57 KiB\n"
		"  192.168.0.12       0 B         0 B       0 B\n", "show"),
	      "show: the overview: LAN, a line per uplink, no tunnel, DNS counts, top hosts");
	populate_tunnel();
	ret = run(show_main, false, ARGV("show"));
	CHECK(ret == 0 && has(out,
		"  wwan0  absent     1       1  1000              0       0 B       0 B\n"
		"\n"
		"tunnel: up, active ss1 (198.51.100.21:8388 up, rtt 12.3ms), fail open\n"
		"  flows: 3 in the tunnel now; redirected 38.0k TCP, 39.0k UDP\n"
		"  bypass: 8001 prefixes, 97.0k hits; fail open 40.0k, blocked 41.0k\n"
		"dns: ", "show tunnel") &&
	      narrow(out, 80, 24),
	      "show: the tunnel's active server, flows, bypass list; 80 columns, 24 lines");
	k.tunnel.active = 0;
	k.tunnel.state = NFGATE_TUNNEL_DOWN;
	k.tunnel.fail = NFGATE_TUNNEL_FAIL_CLOSED;
	ret = run(show_main, false, ARGV("show"));
	CHECK(ret == 0 && has(out, "\ntunnel: down, no active server, fail closed\n", "show down"),
	      "show: a tunnel without an active server");
	k.tunnel.enabled = 0;
	ret = run(show_main, false, ARGV("show"));
	CHECK(ret == 0 && has(out, "\ntunnel: disabled\ndns: ", "show disabled"),
	      "show: a disabled tunnel, one line");
	populate_tunnel();
	k.nh = 7;
	for (size_t i = 3; i < k.nh; i++)
		k.hosts[i] = (struct nfg_host){ .addr = htonl(0xc0a80010 + i), .rx_bytes = i };
	ret = run(show_main, false, ARGV("show"));
	CHECK(ret == 0 && has(out, "top hosts: (all: nfgate show hosts)\n", "show 7 hosts") &&
	      has(out, "  192.168.0.22       6 B         0 B       6 B\n", "show 7 hosts") &&
	      !strstr(out, "192.168.0.19 ") && narrow(out, 80, 24),
	      "show: the top 5 hosts of 7, a pointer to show hosts; still one screen");
	k.nh = 3;
	/* "1m 5s ago" and 650xx ms: stamped again, the checks above may take a second */
	k.ups[0].health_since_ms = now_boottime_ms() - 65000;
	ret = run(show_main, true, ARGV("show"));
	CHECK(ret == 0 && valid_json(out) &&
	      has(out, "  \"top_hosts\": [\n    {\n      \"address\": \"192.168.0.10\",", "show -j") &&
	      has(out, "  ],\n  \"tunnel\": {\n    \"enabled\": true,\n    \"state\": \"up\",",
		  "show -j tunnel") &&
	      has(out, "    \"active\": \"ss1\",\n    \"active_index\": 1,", "show -j tunnel") &&
	      has(out, "    \"flows\": 3,\n", "show -j tunnel") &&
	      has(out, "      \"bypass\": {\n        \"prefixes\": 8001,", "show -j tunnel") &&
	      has(out, "  },\n  \"stats\": {\n", "show -j tunnel"),
	      "show -j: the tunnel object (as show -j tunnel's) between top_hosts and stats");
	k.has_tunnel = false;
	ret = run(show_main, true, ARGV("show"));
	CHECK(ret == 0 && valid_json(out) && has(out, "\n  \"tunnel\": null,\n", "show -j none"),
	      "show -j without a tunnel: tunnel null");
	/* "1m 5s ago" and 650xx ms: stamped again, the checks above may take a second */
	k.ups[0].health_since_ms = now_boottime_ms() - 65000;
	ret = run(show_main, true, ARGV("show"));
	CHECK(ret == 0 && valid_json(out) && has(out, "\"generation\": 7", "show -j") &&
	      has(out, "\"uplinks\": [", "show -j") && has(out, "\"rx_bytes\": 5368709120", "show -j") &&
	      has(out, "\"subnet\": \"192.168.0.0/22\"", "show -j") &&
	      has(out, "\"effective_weight\": 1", "show -j") &&
	      has(out, "\"id\": 1,\n      \"usable\": true,\n      \"health_state\": \"degraded\",\n"
		       "      \"health_reason\": \"loss\",\n", "show -j") &&
	      has(out, "\"health_since_ago_ms\": 650", "show -j") &&
	      has(out, "\"probe_loss_pct\": 12.5,\n      \"probe_rtt_ms\": 23.456,\n"
		       "      \"probe_jitter_ms\": 1.234,\n      \"syn_sent\": 100,\n"
		       "      \"syn_answered\": 97\n", "show -j") &&
	      has(out, "\"settings\": {\n    \"mark_mask\": 16711680,\n    \"skip_mark\": 0,\n"
		       "    \"failover_rst\": true,\n    \"holddown_ms\": 5000,\n"
		       "    \"sticky_ms\": 60000\n  },", "show -j") &&
	      has(out, "\"forwards\": [\n    {\n      \"proto\": \"tcp\",\n      \"port\": 8080,\n"
		       "      \"to_addr\": \"192.168.0.11\",\n      \"to_port\": 80,\n"
		       "      \"uplink\": null,\n      \"hits\": 0\n    },", "show -j") &&
	      has(out, "\"uplink\": \"ppp0\",\n      \"hits\": 123456", "show -j") &&
	      has(out, "\"resets_sent\": 16000", "show -j") &&
	      has(out, "\"sticky_ms\": 60000\n  },\n  \"dns\": {\n    \"mode\": \"drop\",", "show -j") &&
	      has(out, "\"dns_hold_freed\": 36000", "show -j"),
	      "show -j: valid JSON, numbers as numbers, settings, forwards, new keys");
	k.ups[0].health_since_ms = now_boottime_ms() - 65000;
	ret = run(show_main, false, ARGV("show", "uplinks", "ppp0"));
	CHECK(ret == 0 && has(out, "uplink: ppp0\n", "show uplinks ppp0") &&
	      has(out, "  health: 500/1000\n  health state: degraded (loss), since 1m 5s ago\n"
		       "  probes: loss 12.5%, rtt 23.4ms, jitter 1.2ms\n"
		       "  new TCP connections: 100 sent, 97 answered\n", "show uplinks ppp0") &&
	      has(out, "  transfer: 1.50 KiB (12.3k packets) sent, 5.00 GiB (0 packets) received", "show uplinks ppp0"),
	      "show uplinks ppp0: details");
	ret = run(show_main, true, ARGV("show", "uplinks", "ppp0"));
	CHECK(ret == 0 && valid_json(out) && out[0] == '{', "show -j uplinks ppp0: one object");
	ret = run(show_main, true, ARGV("show", "uplinks"));
	CHECK(ret == 0 && valid_json(out) && out[0] == '[', "show -j uplinks: an array");
	ret = run(show_main, false, ARGV("show", "uplinks", "nope0"));
	CHECK(ret == 1 && has(err, "nfgate: show uplink nope0: no such uplink (kernel: no uplink with this name; attribute ifname)\n", "show uplinks nope0"),
	      "show uplinks nope0: exit 1");
	ret = run(show_main, false, ARGV("show", "stats"));
	CHECK(ret == 0 && has(out, "counters: pre_routing 1000", "show stats"), "show stats");
	ret = run(show_main, false, ARGV("show", "bogus"));
	CHECK(ret == 2 && has(err, "nfgate: show: expected lan, settings, dns, uplinks, forwards, hosts, stats or tunnel",
			      "show bogus") &&
	      has(err, "Usage:", "show bogus"), "show bogus: usage error, exit 2");

	ret = run(dump_main, false, ARGV("dump"));
	CHECK(ret == 0 && has(out, "generation\t7\n", "dump") &&
	      has(out, "lan\tbr0\t3\t192.168.0.0/22\n", "dump") &&
	      has(out, "uplink\tppp0\t5\tup\tup\t0\t3\t500\t1\t100.64.0.2\t12\t0\t12345\t1536\t0\t5368709120\t1\t1"
		       "\tdegraded\tloss\t", "dump") &&
	      has(out, "\t12.5\t23.456\t1.234\t100\t97\n", "dump") &&
	      has(out, "settings\t16711680\t0\t1\t5000\t60000\n", "dump") &&
	      has(out, "forward\ttcp\t8080\t192.168.0.11\t80\t-\t0\n", "dump") &&
	      has(out, "forward\tudp\t53\t192.168.0.12\t53\tppp0\t123456\n", "dump") &&
	      has(out, "stat\tforward\t3000\n", "dump") && has(out, "stat\thairpin\t13000\n", "dump") &&
	      has(out, "dns\tdrop\tinherit\t300\t256\t16\trelease\t2\t50\t3\t0\t0\t2\t7\t1\n", "dump") &&
	      has(out, "stat\tdns_sig_disagree\t25000\n", "dump"),
	      "dump: tab-separated, settings and forward lines, id and usable appended");

	ret = run(show_main, false, ARGV("show", "settings"));
	CHECK(ret == 0 && !strcmp(out, "settings: mark-mask 0x00ff0000 skip-mark 0x00000000 "
			      "failover-rst on holddown 5000 sticky 60000\n"), "show settings: one line");
	ret = run(show_main, true, ARGV("show", "settings"));
	CHECK(ret == 0 && valid_json(out) && out[0] == '{' && has(out, "\"failover_rst\": true", "show -j settings"),
	      "show -j settings: one object");
	ret = run(show_main, false, ARGV("show", "forwards"));
	CHECK(ret == 0 && has(out, "PROTO  PORT  TO", "show forwards") && !strstr(out, "settings"),
	      "show forwards: the table");
	ret = run(show_main, true, ARGV("show", "forwards"));
	CHECK(ret == 0 && valid_json(out) && out[0] == '[' && has(out, "\"proto\": \"udp\"", "show -j forwards"),
	      "show -j forwards: an array");
	ret = run(show_main, false, ARGV("show", "settings", "x"));
	CHECK(ret == 2 && has(err, "too many arguments", "show settings x"), "show settings x: usage error");

	/* an older module: no settings, no forwards; show still works */
	k.old_module = true;
	ret = run(show_main, true, ARGV("show"));
	CHECK(ret == 0 && valid_json(out) && has(out, "\"settings\": null", "show -j old") &&
	      has(out, "\"forwards\": []", "show -j old"),
	      "show -j on a module without settings: settings null, forwards []");
	ret = run(show_main, false, ARGV("show", "settings"));
	CHECK(ret == 1 && has(err, "nfgate: get settings: Operation not supported", "show settings old"),
	      "show settings on a module without settings: exit 1");
	k.old_module = false;

	ret = run(set_main, false, ARGV("set", "uplink", "ppp0", "weight", "5000"));
	CHECK(ret == 2 && has(err, "nfgate: set uplink: weight: 5000 is out of range 0..1000\n", "set"),
	      "set uplink ppp0 weight 5000: usage error, exit 2, nothing sent");
	ret = run(set_main, false, ARGV("set", "uplink", "ppp0", "weight", "7", "admin", "down"));
	CHECK(ret == 0 && k.ups[0].weight == 7 && k.ups[0].admin == NFGATE_ADMIN_DOWN &&
	      k.ups[0].health == 500, "set uplink ppp0 weight 7 admin down");
	k.refuse = "bad0";
	ret = run(set_main, false, ARGV("set", "uplink", "bad0"));
	CHECK(ret == 1 && has(err, "nfgate: set uplink: Invalid argument (kernel: refused by the test)\n", "set"),
	      "kernel refusal: strerror and the kernel's message, exit 1");
	k.perm_denied = true;
	ret = run(set_main, false, ARGV("set", "lan", "dev", "br1", "subnet", "10.0.0.0/8"));
	CHECK(ret == 1 && has(err, "nfgate: set lan: permission denied (need CAP_NET_ADMIN)\n", "set"),
	      "EPERM: permission denied (need CAP_NET_ADMIN)");
	k.perm_denied = false;
	ret = run(set_main, false, ARGV("set", "lan", "dev", "br1", "subnet", "10.0.0.0/8"));
	CHECK(ret == 0 && !strcmp(k.lan.ifname, "br1") && k.lan.prefixlen == 8, "set lan");

	ret = run(set_main, false, ARGV("set", "settings", "mark-mask", "0x0000ff00", "failover-rst", "off"));
	CHECK(ret == 0 && k.settings.mark_mask == 0xff00 && k.settings.failover_rst == 0 &&
	      k.settings.sticky_ms == 60000, "set settings mark-mask 0x0000ff00 failover-rst off");
	ret = run(set_main, false, ARGV("set", "settings", "mark-mask", "0x0f"));
	CHECK(ret == 2 && has(err, "nfgate: set settings: mark-mask: 0x0f has 4 bits, at least 5 are needed "
			      "(uplink ids 1..16)\n", "set settings") && has(err, "Usage:", "set settings"),
	      "set settings mark-mask 0x0f: usage error, exit 2");
	ret = run(set_main, false, ARGV("set", "settings", "holddown", "3600001"));
	CHECK(ret == 2 && has(err, "nfgate: set settings: holddown: 3600001 is out of range 0..3600000\n", "set"),
	      "set settings holddown 3600001: usage error");
	ret = run(set_main, false, ARGV("set", "forward", "tcp", "2222", "to", "10.1.2.5:22", "uplink", "wwan0"));
	CHECK(ret == 0 && k.nfw == 3 && k.fws[2].port == 2222 && k.fws[2].to_port == 22 &&
	      !strcmp(k.fws[2].uplink, "wwan0"), "set forward tcp 2222 to 10.1.2.5:22 uplink wwan0");
	ret = run(set_main, false, ARGV("set", "forward", "tcp", "2222", "to", "192.168.1.5"));
	CHECK(ret == 1 && has(err, "nfgate: set forward: Invalid argument (kernel: address not in the LAN; "
			      "attribute to_addr)\n", "set forward"),
	      "set forward outside the LAN: the kernel's message and the attribute, exit 1");
	ret = run(set_main, false, ARGV("set", "forward", "sctp", "1", "to", "10.0.0.1"));
	CHECK(ret == 2 && has(err, "nfgate: set forward: forward: 'sctp' is neither 'tcp' nor 'udp'\n", "set forward"),
	      "set forward sctp: usage error");
	ret = run(del_main, false, ARGV("del", "forward", "tcp", "2222"));
	CHECK(ret == 0 && k.nfw == 2, "del forward tcp 2222");
	ret = run(del_main, false, ARGV("del", "forward", "tcp", "2222"));
	CHECK(ret == 1 && has(err, "nfgate: del forward tcp 2222: no such forward (kernel: no forward with "
			      "this protocol and port; attribute port)\n", "del forward"),
	      "del forward tcp 2222 again: no such forward, exit 1");
	ret = run(del_main, false, ARGV("del", "forward", "tcp", "99999"));
	CHECK(ret == 2 && has(err, "nfgate: del forward: forward: port: 99999 is out of range 1..65535", "del"),
	      "del forward tcp 99999: usage error");

	ret = run(del_main, false, ARGV("del", "uplink", "nope0"));
	CHECK(ret == 1 && has(err, "nfgate: del uplink nope0: no such uplink (kernel: no uplink with this name; attribute ifname)\n", "del"),
	      "del uplink nope0: exit 1, the kernel's message shown");
	ret = run(del_main, false, ARGV("del", "uplink", "wwan0"));
	CHECK(ret == 0 && k.n == 1, "del uplink wwan0");
	ret = run(del_main, false, ARGV("del", "lan"));
	CHECK(ret == 0 && !k.has_lan, "del lan");
	ret = run(show_main, false, ARGV("show", "lan"));
	CHECK(ret == 0 && has(out, "lan: none", "show lan"), "show lan without a LAN");
	ret = run(show_main, true, ARGV("show", "lan"));
	CHECK(ret == 0 && !strcmp(out, "null\n"), "show -j lan without a LAN: null");

	monitor();
	dns();

	k.no_family = true;
	ret = run(show_main, false, ARGV("show"));
	CHECK(ret == 1 && !strcmp(err, "nfgate: kernel module not loaded (generic netlink family 'nfgate' not found)\n"),
	      "no module: the message, exit 1");
	return t_end();
}
