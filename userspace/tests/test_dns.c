// SPDX-License-Identifier: GPL-2.0
/*
 * nfgated's DNS part (dagent.c) against the fake kernel: the learning rule,
 * learned_file (atomic writes, lenient reads), the forged set kept equal
 * to data file + learned entries, learning from DNS_FORGED events.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../common/dns.h"
#include "canary.h"
#include "dagent.h"
#include "fake_kernel.h"
#include "harness.h"
#include "log.h"

static struct fake_kernel k;
static char dir[64];
static uint64_t clock_ms = 100000;

static int opens;

static int fake_open(struct nfg_ipc *ipc)
{
	opens++;
	fake_connect(&k, ipc);
	return nfg_ipc_open_transport(ipc);
}

static uint64_t fake_now(void)
{
	return clock_ms;
}

static uint32_t ip(const char *s)
{
	struct in_addr a;

	inet_pton(AF_INET, s, &a);
	return a.s_addr;
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	fputs(text, f);
	fclose(f);
}

static char *slurp(const char *path)
{
	static char buf[8192];
	FILE *f = fopen(path, "r");
	size_t n = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;

	buf[n] = '\0';
	if (f)
		fclose(f);
	return buf;
}

static void rule(void)
{
	static const struct {
		uint8_t verdict;
		uint32_t sig;
		bool strong;
		const char *why;
	} t[] = {
		{ NFGATE_DNS_V_SUPERSEDED, NFGATE_DNS_SIG_FAST | NFGATE_DNS_SIG_DISAGREE, true,
		  "lost to a disagreeing reply, and faster than the resolver can be" },
		{ NFGATE_DNS_V_SUPERSEDED, NFGATE_DNS_SIG_TTL | NFGATE_DNS_SIG_DISAGREE, true,
		  "lost to a disagreeing reply, TTL off the baseline" },
		{ NFGATE_DNS_V_LATE, NFGATE_DNS_SIG_SHAPE | NFGATE_DNS_SIG_DISAGREE, true,
		  "passed, then contradicted; no OPT or a stray AA" },
		{ NFGATE_DNS_V_LATE, NFGATE_DNS_SIG_IPHDR | NFGATE_DNS_SIG_DISAGREE, true,
		  "passed, then contradicted; DF off the baseline" },
		{ NFGATE_DNS_V_SUPERSEDED, NFGATE_DNS_SIG_DISAGREE, false,
		  "disagreement alone: a resolver answering a retransmission from a pool" },
		{ NFGATE_DNS_V_LATE, NFGATE_DNS_SIG_DISAGREE, false,
		  "late with no signal of its own: which one lied is unknown" },
		{ NFGATE_DNS_V_SUPERSEDED, NFGATE_DNS_SIG_ADDR | NFGATE_DNS_SIG_DISAGREE, false,
		  "an answer already in the set says nothing about the others" },
		{ NFGATE_DNS_V_SUPERSEDED, NFGATE_DNS_SIG_FAST | NFGATE_DNS_SIG_TTL, false,
		  "superseded by a reply with the same answers (no DISAGREE)" },
		{ NFGATE_DNS_V_DROP, NFGATE_DNS_SIG_TTL | NFGATE_DNS_SIG_FAST | NFGATE_DNS_SIG_SHAPE,
		  false, "dropped on its signals: no other reply to compare with" },
		{ NFGATE_DNS_V_EXPIRED, NFGATE_DNS_SIG_FAST, false, "held, no other reply came" },
		{ NFGATE_DNS_V_EXPIRED_DROP, NFGATE_DNS_SIG_FAST | NFGATE_DNS_SIG_TTL, false,
		  "held and dropped, no other reply came" },
		{ NFGATE_DNS_V_LOGGED, NFGATE_DNS_SIG_FAST | NFGATE_DNS_SIG_DISAGREE, false,
		  "log mode: a later disagreeing reply reports it as late" },
	};
	static const struct {
		const char *addr;
		bool ok;
	} a[] = {
		{ "93.46.8.89", true }, { "10.10.34.34", true }, { "0.1.2.3", false },
		{ "127.0.0.2", false }, { "224.0.0.1", false }, { "243.185.187.39", false },
		{ "255.255.255.255", false }, { "192.168.1.7", false }, { "192.168.4.1", true },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		CHECK(dl_strong(t[i].verdict, t[i].sig) == t[i].strong, "rule: %s %s: %s",
		      nfg_dns_verdict_name(t[i].verdict), t[i].strong ? "learned" : "not learned",
		      t[i].why);
	for (size_t i = 0; i < sizeof(a) / sizeof(a[0]); i++)
		CHECK(dl_learnable(ip(a[i].addr), ip("192.168.0.0"), ip("255.255.252.0")) == a[i].ok,
		      "learnable with LAN 192.168.0.0/22: %s %s", a[i].addr, a[i].ok ? "yes" : "no");
}

static void file(void)
{
	struct dl_learned l = { 0 }, r = { 0 };
	struct nfg_errors warns = { 0 };
	char path[128], tmp[136];
	struct stat st;
	int err;

	snprintf(path, sizeof(path), "%s/sub/learned.txt", dir);
	dl_add(&l, ip("1.2.3.4"), "2025-01-31T12:00:00.000+01:00 superseded reply for x.com/A");
	dl_add(&l, ip("5.6.7.8"), "");
	err = dl_save(path, &l);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	CHECK(err == 0 && stat(tmp, &st) < 0 && errno == ENOENT &&
	      strstr(slurp(path), "\n1.2.3.4\t# 2025-01-31T12:00:00.000+01:00 superseded reply "
				  "for x.com/A\n5.6.7.8\n"),
	      "learned_file: written through FILE.tmp and rename, its directory created, "
	      "a note per entry");
	err = dl_load(path, &r, &warns);
	CHECK(err == 0 && warns.n == 0 && r.n == 2 && r.e[0].addr == ip("1.2.3.4") &&
	      !strcmp(r.e[0].note, "2025-01-31T12:00:00.000+01:00 superseded reply for x.com/A") &&
	      !r.e[1].note[0], "learned_file: read back with its notes");
	dl_free(&r);
	write_file(path, "9.9.9.9 # kept\nnot-an-address\n2001::/32\n9.9.9.9\n\n# only a comment\n"
			 "8.8.4.4\n");
	err = dl_load(path, &r, &warns);
	CHECK(err == 0 && r.n == 2 && warns.n == 2 && strstr(warns.msg[0], ":2: 'not-an-address'") &&
	      strstr(warns.msg[0], "line skipped") &&
	      strstr(warns.msg[1], ":3: learned entries are IPv4 addresses, line skipped"),
	      "learned_file edited badly: bad lines skipped with a warning, repeats dropped");
	nfg_errors_free(&warns);
	dl_free(&r);
	snprintf(tmp, sizeof(tmp), "%s/none.txt", dir);
	CHECK(dl_load(tmp, &r, &warns) == 0 && r.n == 0, "learned_file missing: nothing learned yet");
	CHECK(dl_load(dir, &r, &warns) == -EISDIR, "learned_file a directory: an error");
	unlink(path);
	snprintf(tmp, sizeof(tmp), "%s/sub", dir);
	rmdir(tmp);
	dl_free(&l);
}

static struct nfg_config config(const char *text)
{
	struct nfg_errors errs = { 0 };
	struct nfg_config cfg;
	FILE *f = fmemopen((void *)text, strlen(text), "r");

	if (nfg_config_parse(f, "test.conf", &cfg, &errs))
		CHECK(0, "config parses: %s", errs.n ? errs.msg[0] : "?");
	fclose(f);
	nfg_errors_free(&errs);
	return cfg;
}

static struct nfg_msg forged_event(uint8_t verdict, uint32_t sig, const char *a1, const char *a2)
{
	struct nfg_msg m = { .event = NFGATE_EVENT_DNS_FORGED, .has_event = true,
			     .has_dns_reply = true };

	m.dns_reply.verdict = verdict;
	m.dns_reply.signals = sig;
	m.dns_reply.resolver = ip("8.8.8.8");
	m.dns_reply.client = ip("192.168.0.10");
	strcpy(m.dns_reply.uplink, "ppp0");
	strcpy(m.dns_reply.qname, "twitter.com");
	m.dns_reply.qtype = 1;
	m.dns_reply.answer4[m.dns_reply.n4++] = ip(a1);
	if (a2)
		m.dns_reply.answer4[m.dns_reply.n4++] = ip(a2);
	return m;
}

static void agent(void)
{
	char data[128], learned[128], conf[1024];
	struct nfg_config cfg;
	struct dagent da = { .now_ms = fake_now };
	struct nfg_ipc ipc;
	struct nfg_msg m;

	snprintf(data, sizeof(data), "%s/forged.txt", dir);
	snprintf(learned, sizeof(learned), "%s/learned.txt", dir);
	write_file(data, "# test data\n1.1.1.1\n2.2.2.2\n3.3.3.3\n2001::/32\n");
	write_file(learned, "4.4.4.4 # learned before\nbad line\n");
	fake_attach(&k, &ipc);
	nfg_forged_add4(&k.forged, ip("3.3.3.3"));
	nfg_forged_add4(&k.forged, ip("9.9.9.9"));	/* stale: added by hand */
	nfg_forged_sort(&k.forged);
	snprintf(conf, sizeof(conf), "[lan]\ninterface = br0\nsubnet = 192.168.0.0/22\n"
		 "[dns]\nmode = drop\nforged_file = %s\nlearned_file = %s\n", data, learned);
	cfg = config(conf);
	CHECK(dagent_start(&da, NULL, &cfg, fake_open) == 0 && da.on, "agent: started with [dns]");
	CHECK(k.forged.n4 == 4 && k.forged.n6 == 1 && nfg_forged_has4(&k.forged, ip("4.4.4.4")) &&
	      !nfg_forged_has4(&k.forged, ip("9.9.9.9")) && k.nlog == 2 &&
	      !strcmp(k.log[0], "FORGED_DEL 1 0") && !strcmp(k.log[1], "FORGED_ADD 3 1"),
	      "agent: the set := data file + learned_file (stale entry removed first, only the "
	      "missing ones added)");

	/* learning */
	k.nlog = 0;
	m = forged_event(NFGATE_DNS_V_SUPERSEDED, NFGATE_DNS_SIG_FAST | NFGATE_DNS_SIG_DISAGREE,
			 "93.46.8.89", "192.168.0.99");
	dagent_event(&m, &da);
	CHECK(da.learned.n == 2 && dl_has(&da.learned, ip("93.46.8.89")) &&
	      !dl_has(&da.learned, ip("192.168.0.99")) && k.nlog == 0,
	      "agent: a superseded reply with FAST and DISAGREE: its answer learned (not the "
	      "LAN one), nothing sent yet");
	dagent_event(&m, &da);
	m = forged_event(NFGATE_DNS_V_LATE, NFGATE_DNS_SIG_TTL | NFGATE_DNS_SIG_DISAGREE,
			 "59.24.3.173", "1.1.1.1");
	dagent_event(&m, &da);
	m = forged_event(NFGATE_DNS_V_SUPERSEDED, NFGATE_DNS_SIG_DISAGREE, "203.98.7.65", NULL);
	dagent_event(&m, &da);
	m = forged_event(NFGATE_DNS_V_DROP, NFGATE_DNS_SIG_FAST | NFGATE_DNS_SIG_TTL |
			 NFGATE_DNS_SIG_SHAPE, "203.98.7.66", NULL);
	dagent_event(&m, &da);
	CHECK(da.learned.n == 3 && dl_has(&da.learned, ip("59.24.3.173")) &&
	      !dl_has(&da.learned, ip("1.1.1.1")) && !dl_has(&da.learned, ip("203.98.7.65")) &&
	      !dl_has(&da.learned, ip("203.98.7.66")),
	      "agent: a late one learned too; repeats, data file entries and weak reports not");
	clock_ms += 50;
	dagent_tick(&da);
	CHECK(k.nlog == 1 && !strcmp(k.log[0], "FORGED_ADD 2 0") &&
	      nfg_forged_has4(&k.forged, ip("93.46.8.89")) &&
	      nfg_forged_has4(&k.forged, ip("59.24.3.173")),
	      "agent: one FORGED_ADD for both learned addresses at the next tick");
	k.nlog = 0;
	m = forged_event(NFGATE_DNS_V_SUPERSEDED, NFGATE_DNS_SIG_SHAPE | NFGATE_DNS_SIG_DISAGREE,
			 "78.16.49.15", NULL);
	dagent_event(&m, &da);
	clock_ms += DA_FLUSH_MS / 2;
	dagent_tick(&da);
	CHECK(k.nlog == 0, "agent: at most one change of the set per %d ms", DA_FLUSH_MS);
	clock_ms += DA_FLUSH_MS / 2;
	dagent_tick(&da);
	CHECK(k.nlog == 1 && !strcmp(k.log[0], "FORGED_ADD 1 0") && da.learned.n == 4,
	      "agent: ... then the next one");
	{
		const char *text = slurp(learned);

		CHECK(strstr(text, "4.4.4.4\t# learned before\n") &&
		      strstr(text, "93.46.8.89\t# ") &&
		      strstr(text, " superseded reply for twitter.com/A from 8.8.8.8 via ppp0, "
				   "signals fast,disagree\n") &&
		      strstr(text, "59.24.3.173\t# ") && strstr(text, "late reply for twitter.com/A") &&
		      !strstr(text, "bad line"),
		      "agent: learned_file rewritten with a note per entry (when, verdict, name, "
		      "resolver, uplink, signals)");
	}
	clock_ms += DA_FLUSH_MS;
	k.nlog = 0;
	dagent_tick(&da);
	CHECK(k.nlog == 0, "agent: nothing pending, nothing sent");

	/* reload: learn off, a data file without 2.2.2.2 */
	write_file(data, "1.1.1.1\n3.3.3.3\n2001::/32\n");
	nfg_config_free(&cfg);
	snprintf(conf, sizeof(conf), "[lan]\ninterface = br0\nsubnet = 192.168.0.0/22\n"
		 "[dns]\nmode = drop\nlearn = no\nforged_file = %s\nlearned_file = %s\n",
		 data, learned);
	cfg = config(conf);
	dagent_reconfigure(&da, &cfg);
	CHECK(k.nlog == 1 && !strcmp(k.log[0], "FORGED_DEL 1 0") &&
	      !nfg_forged_has4(&k.forged, ip("2.2.2.2")) &&
	      nfg_forged_has4(&k.forged, ip("93.46.8.89")) && da.learned.n == 4,
	      "agent: reload with an entry gone from the data file: removed, learned ones kept");
	k.nlog = 0;
	m = forged_event(NFGATE_DNS_V_SUPERSEDED, NFGATE_DNS_SIG_FAST | NFGATE_DNS_SIG_DISAGREE,
			 "46.82.174.68", NULL);
	dagent_event(&m, &da);
	CHECK(da.learned.n == 4, "agent: learn = no: nothing learned");

	/* reload without [dns]: the set is left alone */
	nfg_config_free(&cfg);
	cfg = config("[lan]\ninterface = br0\nsubnet = 192.168.0.0/22\n");
	dagent_reconfigure(&da, &cfg);
	m = forged_event(NFGATE_DNS_V_SUPERSEDED, NFGATE_DNS_SIG_FAST | NFGATE_DNS_SIG_DISAGREE,
			 "46.82.174.68", NULL);
	dagent_event(&m, &da);
	clock_ms += DA_FLUSH_MS;
	dagent_tick(&da);
	CHECK(!da.on && k.nlog == 0 && k.forged.n4 == 6,
	      "agent: without [dns] the set is left alone and nothing is learned");
	dagent_stop(&da);
	nfg_config_free(&cfg);

	/* a learned entry not yet written survives a stop */
	fake_attach(&k, &ipc);
	cfg = config(conf);
	da = (struct dagent){ .now_ms = fake_now };
	dagent_start(&da, NULL, &cfg, fake_open);
	da.conf.learn = true;
	m = forged_event(NFGATE_DNS_V_LATE, NFGATE_DNS_SIG_SHAPE | NFGATE_DNS_SIG_DISAGREE,
			 "64.33.88.161", NULL);
	dagent_event(&m, &da);
	dagent_stop(&da);
	CHECK(strstr(slurp(learned), "64.33.88.161\t# ") && nfg_forged_has4(&k.forged, ip("64.33.88.161")),
	      "agent: stop writes what is pending (file and kernel)");
	nfg_config_free(&cfg);

	/* a dump that loses entries: the set is set again as a whole */
	fake_attach(&k, &ipc);
	for (uint32_t i = 1; i <= 50; i++)
		nfg_forged_add4(&k.forged, htonl(0x0a000000 + i));	/* stale */
	nfg_forged_sort(&k.forged);
	k.lossy_dump = 20;
	cfg = config(conf);
	da = (struct dagent){ .now_ms = fake_now };
	dagent_start(&da, NULL, &cfg, fake_open);
	CHECK(k.nlog == 2 && !strcmp(k.log[0], "FORGED_FLUSH") && !strcmp(k.log[1], "FORGED_ADD 7 1") &&
	      k.forged.n4 == 7 && !nfg_forged_has4(&k.forged, htonl(0x0a000005)),
	      "agent: the module's dump lost entries: flushed and set whole, no stale entry left");
	dagent_stop(&da);
	nfg_config_free(&cfg);
	k.lossy_dump = 0;

	/* a module without the DNS check: said once, not retried in a loop */
	fake_attach(&k, &ipc);
	k.old_dns = true;
	cfg = config(conf);
	da = (struct dagent){ .now_ms = fake_now };
	dagent_start(&da, NULL, &cfg, fake_open);
	opens = 0;
	for (int i = 0; i < 100; i++) {
		clock_ms += DA_TICK_MS;
		dagent_tick(&da);
	}
	CHECK(da.unsupported && opens == 0,
	      "agent on a module without the DNS check: no forged set, no retries (%d opens)",
	      opens);
	dagent_stop(&da);
	nfg_config_free(&cfg);
	k.old_dns = false;
	unlink(data);
	unlink(learned);
	nfg_ipc_close(&ipc);
}

/* A reply to query q (n bytes): QR set, flags, A answers, through compression. */
static size_t answer(uint8_t *out, const uint8_t *q, size_t n, uint16_t flags,
		     const char *const *a, size_t na)
{
	size_t len = n;

	memcpy(out, q, n);
	out[2] = (uint8_t)(flags >> 8);
	out[3] = (uint8_t)flags;
	out[7] = (uint8_t)na;
	for (size_t i = 0; i < na; i++) {
		uint32_t v = ip(a[i]);
		static const uint8_t rr[] = { 0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0x0e, 0x10, 0, 4 };

		memcpy(out + len, rr, sizeof(rr));
		memcpy(out + len + sizeof(rr), &v, 4);
		len += sizeof(rr) + 4;
	}
	return len;
}

static void canary_pure(void)
{
	static const char *const two[] = { "93.46.8.89", "203.98.7.65" };
	struct canary_reply r;
	uint8_t q[CANARY_QUERY_MAX], a[512], ipkt[600];
	const uint8_t *payload;
	struct canary_fp fp;
	uint16_t sport, dport;
	uint32_t src;
	size_t n, plen, m;

	n = canary_query(q, sizeof(q), 0xbeef, "Twitter.COM", NG_DNS_T_A);
	CHECK(n == 12 + 13 + 4 && q[0] == 0xbe && q[1] == 0xef && q[2] == 0x01 && q[5] == 1 &&
	      q[12] == 7 && !memcmp(q + 13, "twitter", 7) && q[20] == 3 &&
	      !memcmp(q + 21, "com", 3) && q[24] == 0 && q[25] == 0 && q[26] == 1 &&
	      q[27] == 0 && q[28] == 1,
	      "canary query: ID, RD, one question, lower-cased labels, type A class IN");
	CHECK(canary_query(q, sizeof(q), 1, "twitter.com.", NG_DNS_T_A) == n,
	      "canary query: a final dot is the root");
	CHECK(canary_query(q, sizeof(q), 1, "a..b", NG_DNS_T_A) == 0 &&
	      canary_query(q, 20, 1, "twitter.com", NG_DNS_T_A) == 0,
	      "canary query: an empty label, a buffer too small: 0");
	n = canary_query(q, sizeof(q), 0xbeef, "twitter.com", NG_DNS_T_A);
	m = answer(a, q, n, 0x8180, two, 2);
	CHECK(canary_parse_reply(a, m, 0xbeef, "twitter.com", NG_DNS_T_A, &r) == 0 &&
	      r.flags == 0x8180 && r.n4 == 2 && r.a[0] == ip("93.46.8.89") &&
	      r.a[1] == ip("203.98.7.65") && r.n6 == 0,
	      "canary reply: parsed with common/dns.c, answers through compression pointers");
	CHECK(canary_parse_reply(a, m, 0xbeef, "TWITTER.com", NG_DNS_T_A, &r) == 0,
	      "canary reply: the name compared without case");
	CHECK(canary_parse_reply(a, m, 0xbeee, "twitter.com", NG_DNS_T_A, &r) == -ENOENT &&
	      canary_parse_reply(a, m, 0xbeef, "facebook.com", NG_DNS_T_A, &r) == -ENOENT &&
	      canary_parse_reply(a, m, 0xbeef, "twitter.com", NG_DNS_T_AAAA, &r) == -ENOENT,
	      "canary reply: another ID, name or type is not ours");
	CHECK(canary_parse_reply(q, n, 0xbeef, "twitter.com", NG_DNS_T_A, &r) == -ENOENT,
	      "canary reply: our own query (QR clear) is no reply");
	CHECK(canary_parse_reply(a, m - 3, 0xbeef, "twitter.com", NG_DNS_T_A, &r) == -EBADMSG &&
	      canary_parse_reply(a, 5, 0xbeef, "twitter.com", NG_DNS_T_A, &r) == -EBADMSG,
	      "canary reply: truncated: -EBADMSG");

	/* the IP header of a raw socket's datagram */
	memset(ipkt, 0, 28);
	ipkt[0] = 0x45;
	ipkt[2] = (uint8_t)((28 + m) >> 8);
	ipkt[3] = (uint8_t)(28 + m);
	ipkt[4] = 0x1a;
	ipkt[5] = 0x2b;
	ipkt[6] = 0x40;			/* DF */
	ipkt[8] = 57;
	ipkt[9] = IPPROTO_UDP;
	memcpy(ipkt + 12, &(uint32_t){ ip("203.0.113.53") }, 4);
	ipkt[20] = 0;
	ipkt[21] = 53;
	ipkt[22] = 0x9c;
	ipkt[23] = 0x40;
	ipkt[24] = (uint8_t)((8 + m) >> 8);
	ipkt[25] = (uint8_t)(8 + m);
	memcpy(ipkt + 28, a, m);
	CHECK(canary_parse_ip(ipkt, 28 + m, &src, &sport, &dport, &payload, &plen, &fp) == 0 &&
	      src == ip("203.0.113.53") && sport == 53 && dport == 40000 && plen == m &&
	      payload == ipkt + 28 && fp.has_ttl && fp.ttl == 57 && fp.has_ip &&
	      fp.ip_id == 0x1a2b && fp.df,
	      "raw datagram: source, ports, payload; the fingerprint TTL 57, ID 0x1a2b, DF");
	ipkt[6] = 0x20;			/* MF: a fragment */
	CHECK(canary_parse_ip(ipkt, 28 + m, &src, &sport, &dport, &payload, &plen, &fp) == -EBADMSG,
	      "raw datagram: a fragment is refused");
	ipkt[6] = 0;
	CHECK(canary_parse_ip(ipkt, 27, &src, &sport, &dport, &payload, &plen, &fp) == -EBADMSG &&
	      canary_parse_ip(ipkt, 28 + m - 1, &src, &sport, &dport, &payload, &plen, &fp) == -EBADMSG,
	      "raw datagram: shorter than its headers say: refused");
	ipkt[9] = IPPROTO_TCP;
	CHECK(canary_parse_ip(ipkt, 28 + m, &src, &sport, &dport, &payload, &plen, &fp) == -EBADMSG,
	      "raw datagram: not UDP");
}

/* An injector on 127.0.0.1:53 answering what the canary asks. */
static int injector_answer(int fd, bool control, int *queries)
{
	static const char *const forged[] = { "59.24.3.173", "192.168.0.7" };
	int answered = 0;

	for (;;) {
		uint8_t q[512], a[600];
		struct sockaddr_in from;
		socklen_t fl = sizeof(from);
		ssize_t n = recvfrom(fd, q, sizeof(q), MSG_DONTWAIT, (struct sockaddr *)&from, &fl);
		bool is_control;
		size_t m;

		if (n < 0)
			return answered;
		(*queries)++;
		is_control = n > 20 && !memcmp(q + 13, "example", 7);
		if (is_control && !control)
			continue;
		m = answer(a, q, (size_t)n, 0x8180, forged, is_control ? 1 : 2);
		sendto(fd, a, m, 0, (struct sockaddr *)&from, fl);
		answered++;
	}
}

static void canary_round(void)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(53),
				   .sin_addr.s_addr = htonl(0x7f000001) };
	int srv = socket(AF_INET, SOCK_DGRAM, 0), queries = 0, answered;
	struct nfg_conf_uplink ups[2] = { 0 };
	struct nfg_config cfg = { .uplinks = ups, .n_uplinks = 2, .has_dns = true };
	struct dagent da = { .now_ms = fake_now };
	struct nfg_ipc ipc;
	struct canary *c;

	if (bind(srv, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
		CHECK(1, "canary: skipped, 127.0.0.1:53 is taken (%s)", strerror(errno));
		close(srv);
		return;
	}
	strcpy(ups[0].up.ifname, "lo");
	strcpy(ups[1].up.ifname, "nfgnone0");	/* no such device */
	cfg.lan.addr = ip("192.168.0.0");
	cfg.lan.prefixlen = 22;
	cfg.dns.learn = true;
	cfg.dns.n_canary = 2;
	strcpy(cfg.dns.canary_names[0], "twitter.com");
	strcpy(cfg.dns.canary_names[1], "www.youtube.com");
	cfg.dns.canary_addr = ip("127.0.0.1");	/* config refuses it; the test's injector is there */
	cfg.dns.canary_interval_ms = 60000;
	snprintf(cfg.dns.learned_file, sizeof(cfg.dns.learned_file), "%s/canary-learned.txt", dir);
	fake_attach(&k, &ipc);
	dagent_start(&da, NULL, &cfg, fake_open);
	c = da.canary;
	CHECK(c && c->nlinks == 2 && c->wait_ms == CANARY_WAIT_MS, "canary: set up for 2 uplinks");
	if (!c)
		goto out;
	dagent_tick(&da);	/* the first round at once */
	CHECK(c->open && c->links[0].fd >= 0 && c->links[1].fd < 0 && c->links[1].last_err == -ENODEV,
	      "canary: a round: a socket bound to lo, none for an absent device (%s)",
	      strerror(-c->links[1].last_err));
	usleep(20000);
	answered = injector_answer(srv, false, &queries);
	CHECK(queries == 3 && answered == 2, "canary: 2 names and the control asked through lo "
	      "(%d queries)", queries);
	usleep(20000);
	canary_input(c);
	CHECK(c->links[0].slot[0].answered && c->links[0].slot[1].answered &&
	      !c->links[0].slot[2].answered && c->links[0].slot[0].fp.has_ttl &&
	      c->links[0].slot[0].fp.ttl == 64 &&
	      (geteuid() ? 1 : c->links[0].slot[0].fp.has_ip && c->links[0].slot[0].fp.df),
	      "canary: both forged replies taken, with TTL%s", geteuid() ? "" :
	      " and, from the raw socket, IP ID and DF");
	clock_ms += CANARY_WAIT_MS;
	dagent_tick(&da);
	CHECK(!c->open && c->last_replies == 2 && c->last_learned == 1 &&
	      dl_has(&da.learned, ip("59.24.3.173")) && !dl_has(&da.learned, ip("192.168.0.7")),
	      "canary: round judged: 2 forged replies, their answer learned (not the LAN one)");
	CHECK(strstr(da.learned.e[0].note, " canary reply for twitter.com/A from 127.0.0.1 via lo, "
		     "flags 0x8180 ttl 64 id ") != NULL,
	      "canary: the learned entry's note has the fingerprint ('%s')", da.learned.e[0].note);

	/* the next round: something answers the control name too */
	clock_ms += 60000;
	dagent_tick(&da);
	usleep(20000);
	queries = 0;
	injector_answer(srv, true, &queries);
	usleep(20000);
	{
		struct nfg_dns_reply r = { .verdict = NFGATE_DNS_V_DROP, .resolver = ip("127.0.0.1"),
					   .qtype = 1, .n4 = 1 };

		strcpy(r.uplink, "lo");
		strcpy(r.qname, "twitter.com");
		r.answer4[0] = ip("8.7.198.45");
		CHECK(canary_report(c, &r), "canary: a module report from canary_addr is the canary's");
		r.resolver = ip("8.8.8.8");
		CHECK(!canary_report(c, &r), "canary: a report from another resolver is not");
	}
	clock_ms += CANARY_WAIT_MS;
	dagent_tick(&da);
	CHECK(c->last_replies == 2 && c->last_learned == 0 && c->last_skipped == 2 &&
	      !dl_has(&da.learned, ip("8.7.198.45")),
	      "canary: the control name answered: nothing of that round learned");

	/* a reply the module dropped reaches the round through its event */
	clock_ms += 60000;
	dagent_tick(&da);
	usleep(20000);
	queries = 0;
	{
		uint8_t q[512];

		while (recv(srv, q, sizeof(q), MSG_DONTWAIT) > 0)
			queries++;	/* the injector's reply "dropped": not sent */
	}
	{
		struct nfg_msg m = forged_event(NFGATE_DNS_V_DROP, NFGATE_DNS_SIG_FAST |
						NFGATE_DNS_SIG_TTL | NFGATE_DNS_SIG_SHAPE,
						"8.7.198.45", NULL);

		m.dns_reply.resolver = ip("127.0.0.1");
		strcpy(m.dns_reply.uplink, "lo");
		strcpy(m.dns_reply.qname, "www.youtube.com");
		m.dns_reply.ip_ttl = 33;
		m.dns_reply.ip_id = 0x4242;
		m.dns_reply.present |= (1U << NFGATE_DNS_REPLY_A_IP_TTL) |
				       (1U << NFGATE_DNS_REPLY_A_IP_ID);
		dagent_event(&m, &da);
	}
	clock_ms += CANARY_WAIT_MS;
	dagent_tick(&da);
	CHECK(queries == 3 && c->last_replies == 1 && c->last_learned == 1 &&
	      dl_has(&da.learned, ip("8.7.198.45")) &&
	      !strcmp(c->links[0].slot[1].via, "module (drop)") &&
	      c->links[0].slot[1].fp.ip_id == 0x4242,
	      "canary: a reply the module dropped is taken from its DNS_FORGED event, "
	      "fingerprint included");
	clock_ms += DA_FLUSH_MS;
	k.nlog = 0;
	dagent_tick(&da);
	CHECK(nfg_forged_has4(&k.forged, ip("59.24.3.173")) && nfg_forged_has4(&k.forged, ip("8.7.198.45")),
	      "canary: what it learned is in the module's set");
out:
	dagent_stop(&da);
	{
		char path[128];

		snprintf(path, sizeof(path), "%s/canary-learned.txt", dir);
		unlink(path);
	}
	nfg_ipc_close(&ipc);
	close(srv);
}

int main(void)
{
	t_begin("dns");
	snprintf(dir, sizeof(dir), "/tmp/nfgate-dns-%d", (int)getpid());
	mkdir(dir, 0700);
	log_init("test", true);
	rule();
	file();
	agent();
	canary_pure();
	canary_round();
	rmdir(dir);
	return t_end();
}
