// SPDX-License-Identifier: GPL-2.0
/*
 * The tunnel's userspace without a kernel: prefix syntax and list files,
 * the [tunnel] / [server] config (good files, every error with its line),
 * the ss-redir config files (mode 0600, the password escaped), the health
 * engine and the choice of the active server on synthetic timelines, and
 * the netlink side (TUNNEL_SET round trip, PREFIXES_LOAD in chunks) against
 * a stand-in for the module's tunnel commands.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "config.h"
#include "fake_kernel.h"
#include "format.h"
#include "harness.h"
#include "subcommands.h"
#include "tunagent.h"
#include "tunnel.h"

static char dir[] = "/tmp/nfg-tunnel-XXXXXX";

static const char *write_file(const char *name, const char *text)
{
	static char path[4][256];
	static int i;
	char *p = path[i++ % 4];
	FILE *f;

	snprintf(p, 256, "%s/%s", dir, name);
	f = fopen(p, "w");
	fputs(text, f);
	fclose(f);
	return p;
}

/* Parses text as a config file; errors joined by '|' into errbuf. */
static int parse(const char *text, struct nfg_config *cfg, char *errbuf, size_t len)
{
	struct nfg_errors errs = { 0 };
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	int ret = nfg_config_parse(f, "t.conf", cfg, &errs);
	size_t off = 0;

	fclose(f);
	errbuf[0] = '\0';
	for (size_t i = 0; i < errs.n && off < len; i++)
		off += (size_t)snprintf(errbuf + off, len - off, "%s%s", i ? "|" : "", errs.msg[i]);
	nfg_errors_free(&errs);
	return ret;
}

#define LAN "[lan]\ninterface = br0\nsubnet = 192.168.0.0/22\n"

static void prefixes(void)
{
	struct nfg_prefix p;
	struct nfg_prefixes ps = { 0 };
	struct nfg_errors errs = { 0 };
	char err[160];
	const char *path;

	CHECK(!nfg_parse_prefix("36.96.0.0/12", &p, err, sizeof(err)) &&
	      p.addr == 0x24600000 && p.len == 12, "prefix 36.96.0.0/12");
	CHECK(!nfg_parse_prefix("1.2.3.4", &p, err, sizeof(err)) && p.len == 32,
	      "an address is a /32");
	CHECK(!nfg_parse_prefix("0.0.0.0/0", &p, err, sizeof(err)) && p.len == 0,
	      "the default route is a prefix");
	CHECK(nfg_parse_prefix("36.96.0.1/12", &p, err, sizeof(err)) &&
	      strstr(err, "host bits"), "host bits refused: %s", err);
	CHECK(nfg_parse_prefix("1.2.3.0/33", &p, err, sizeof(err)) &&
	      strstr(err, "0..32"), "/33 refused: %s", err);
	CHECK(nfg_parse_prefix("1.2.3/24", &p, err, sizeof(err)), "1.2.3/24 refused");
	CHECK(nfg_parse_prefix("1.2.3.0/", &p, err, sizeof(err)), "empty length refused");
	CHECK(nfg_parse_prefix("1.2.3.0/2x", &p, err, sizeof(err)), "1.2.3.0/2x refused");

	path = write_file("list.txt", "# chnroute\n1.0.1.0/24\n\n  1.0.2.0/23  # two\n"
				      "1.0.8.0/21\r\n");
	CHECK(!nfg_prefixes_read(path, &ps, &errs) && ps.n == 3 && errs.n == 0 &&
	      ps.p[1].addr == 0x01000200 && ps.p[1].len == 23,
	      "list file: comments, blanks, CRLF");
	CHECK(nfg_prefixes_tag(&ps) != 0, "a tag");
	{
		uint64_t t = nfg_prefixes_tag(&ps);

		ps.p[2].len = 22;
		CHECK(nfg_prefixes_tag(&ps) != t, "the tag changes with a prefix");
	}
	nfg_prefixes_free(&ps);
	path = write_file("bad.txt", "1.0.1.0/24\n1.0.1.1/24\nfoo\n1.0.4.0/22\n");
	CHECK(nfg_prefixes_read(path, &ps, &errs) && errs.n == 2 &&
	      strstr(errs.msg[0], "bad.txt:2: '1.0.1.1/24' has host bits set") &&
	      strstr(errs.msg[1], "bad.txt:3: 'foo' is not a prefix"),
	      "list file errors as FILE:LINE: %s", errs.n ? errs.msg[0] : "");
	nfg_errors_free(&errs);
	nfg_prefixes_free(&ps);
	CHECK(!nfg_prefixes_parse_list("1.2.3.0/24, 5.6.0.0/16 7.8.9.10", &ps, err, sizeof(err)) &&
	      ps.n == 3, "inline list: commas and blanks");
	nfg_prefixes_free(&ps);
	CHECK(nfg_list_lookup("src-bypass") == NFGATE_LIST_SRC_BYPASS &&
	      nfg_list_lookup("forward") == NFGATE_LIST_FORWARD && nfg_list_lookup("x") == -1,
	      "list names");
}

static void config(void)
{
	struct nfg_config cfg;
	char errs[2048], text[2048];
	const char *pw = write_file("pw", "s3cret\"\\x\n");
	const char *list = write_file("cn.txt", "36.96.0.0/12\n1.0.1.0/24\n");

	snprintf(text, sizeof(text), LAN
		 "[tunnel]\npassword_file = %s\ncheck = 9.9.9.9:7000\nfail = closed\n"
		 "udp = no\nbypass_file = %s\nforward = 8.8.8.8/32\ndns_listen = 192.168.0.1:5353\n"
		 "[server hk1]\naddress = 198.51.100.21\nport = 8443\n"
		 "[server hk-2]\naddress = 198.51.100.22\nmethod = aes-256-gcm\npassword = other\n",
		 pw, list);
	CHECK(!parse(text, &cfg, errs, sizeof(errs)) && cfg.has_tunnel, "good [tunnel]: %s", errs);
	CHECK(cfg.tunnel.n_servers == 2 && cfg.tunnel.servers[0].port == 8443 &&
	      cfg.tunnel.servers[1].port == NFG_TUNNEL_DEFAULT_SERVER_PORT &&
	      !strcmp(cfg.tunnel.servers[1].method, "aes-256-gcm") &&
	      !strcmp(cfg.tunnel.password, "s3cret\"\\x") &&
	      cfg.tunnel.fail == NFGATE_TUNNEL_FAIL_CLOSED && !cfg.tunnel.udp,
	      "servers, password_file, fail, udp");
	CHECK(cfg.tunnel.list[NFGATE_LIST_BYPASS].n == 2 &&
	      cfg.tunnel.list[NFGATE_LIST_FORWARD].n == 1, "bypass_file and inline forward list");
	CHECK(cfg.tunnel.local_port == NFG_TUNNEL_DEFAULT_LOCAL_PORT &&
	      cfg.tunnel.check_mark == NFG_TUNNEL_DEFAULT_CHECK_MARK &&
	      cfg.tunnel.udp_mark == NFGATE_TUNNEL_DEFAULT_UDP_MARK &&
	      cfg.tunnel.interval_ms == NFG_TUNNEL_DEFAULT_INTERVAL_MS &&
	      cfg.tunnel.failback_ms == NFG_TUNNEL_DEFAULT_FAILBACK_MS &&
	      !strcmp(cfg.tunnel.method, NFG_TUNNEL_DEFAULT_METHOD), "defaults");
	nfg_config_free(&cfg);

	CHECK(!parse(LAN "[tunnel]\npassword = x\n[server a]\naddress = 1.2.3.4\n", &cfg, errs,
		     sizeof(errs)) && cfg.tunnel.check_addr == htonl(0x08080808) &&
	      cfg.tunnel.check_port == 53, "no check: the resolver's port 53 (%s)", errs);
	nfg_config_free(&cfg);

	static const struct {
		const char *text, *want;
	} bad[] = {
		{ LAN "[server a]\naddress = 1.2.3.4\n", "t.conf:4: [server a]: a server needs the [tunnel] section" },
		{ LAN "[tunnel]\npassword = x\n", "t.conf:4: [tunnel] needs at least one [server NAME]" },
		{ LAN "[tunnel]\npassword = x\n[server a]\nport = 1\n", "t.conf:6: [server a]: address is required" },
		{ LAN "[tunnel]\n[server a]\naddress = 1.2.3.4\n", "t.conf:5: [server a]: no password" },
		{ LAN "[tunnel]\npassword = x\nbogus = 1\n[server a]\naddress = 1.2.3.4\n", "t.conf:6: bogus: unknown key in [tunnel]" },
		{ LAN "[tunnel]\npassword = x\npassword = y\n[server a]\naddress = 1.2.3.4\n", "t.conf:6: password: duplicate key in [tunnel] (first at line 5)" },
		{ LAN "[tunnel]\npassword = x\nmethod = rot13\n[server a]\naddress = 1.2.3.4\n", "t.conf:6: method: 'rot13' is not a cipher" },
		{ LAN "[tunnel]\npassword = x\ncheck_mark = 0x201\n[server a]\naddress = 1.2.3.4\n", "t.conf:6: check_mark: 0x00000201: must be non-zero with its low byte 0" },
		{ LAN "[tunnel]\npassword = x\nlocal_port = 65530\n[server a]\naddress = 1.2.3.4\n", "t.conf:6: local_port: 65530 is out of range" },
		{ LAN "[tunnel]\npassword = x\ncheck = 9.9.9.9\n[server a]\naddress = 1.2.3.4\n", "t.conf:6: check: '9.9.9.9' has no port" },
		{ LAN "[tunnel]\npassword = x\nfail = maybe\n[server a]\naddress = 1.2.3.4\n", "t.conf:6: fail: 'maybe' is neither open nor closed" },
		{ LAN "[tunnel]\npassword = x\n[server a]\naddress = vpn.example.com\n", "t.conf:7: address: 'vpn.example.com' is not an IPv4 address (host names are not resolved" },
		{ LAN "[tunnel]\npassword = x\n[server a]\naddress = 1.2.3.4\n[server a]\n", "t.conf:8: duplicate section [server a] (first at line 6)" },
		{ LAN "[tunnel]\npassword = x\n[server a b]\n", "t.conf:6: [server]: expected [server NAME]" },
		{ LAN "[tunnel]\npassword = x\n[server a/b]\n", "t.conf:6: [server a/b]: a name is 1..31 letters" },
		{ LAN "[tunnel]\npassword = x\nforward = 1.2.3.4/8\n[server a]\naddress = 1.2.3.4\n", "t.conf:6: forward: '1.2.3.4/8' has host bits set" },
		{ LAN "[tunnel]\npassword = x\nbypass_file = /nonexistent/cn.txt\n[server a]\naddress = 1.2.3.4\n", "t.conf:6: bypass_file: /nonexistent/cn.txt: No such file or directory" },
		{ LAN "[tunnel]\npassword = x\ndns_listen = 192.168.0.1:1101\n[server a]\naddress = 1.2.3.4\n[server b]\naddress = 1.2.3.5\n", "t.conf:6: dns_listen: port 1101 is one of the ss-redir ports" },
		{ LAN "[tunnel]\npassword = x\n[tunnel]\n", "t.conf:6: duplicate section [tunnel] (first at line 4)" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int ret = parse(bad[i].text, &cfg, errs, sizeof(errs));

		if (!CHECK(ret && strstr(errs, bad[i].want), "config error %zu: %s", i, bad[i].want))
			t_diag("got: %s", errs);
	}
	snprintf(text, sizeof(text), LAN "[tunnel]\npassword = x\nbypass_file = %s\n"
		 "[server a]\naddress = 1.2.3.4\n", write_file("b2.txt", "1.0.0.0/8\n2.0.0.1/8\n"));
	CHECK(parse(text, &cfg, errs, sizeof(errs)) && strstr(errs, "b2.txt:2: '2.0.0.1/8' has host bits set"),
	      "a bad line of a list file is named: %s", errs);
}

static void conf_files(void)
{
	struct nfg_conf_tunnel t;
	struct nfg_conf_server s = { .name = "hk1", .port = 8388 };
	char path[300], buf[1024];
	struct stat st;
	FILE *f;
	size_t n;

	nfg_conf_tunnel_defaults(&t);
	snprintf(t.password, sizeof(t.password), "a\"b\\c");
	s.addr = htonl(0xc6336415);
	snprintf(path, sizeof(path), "%s/ss-redir-hk1.json", dir);
	f = fopen(path, "w");		/* an older file, world-readable */
	fclose(f);
	chmod(path, 0644);
	CHECK(ta_write_conf(path, &t, &s, 1, false) == 0 && stat(path, &st) == 0 &&
	      (st.st_mode & 0777) == 0600, "ss-redir config: mode 0600 (was 0644)");
	f = fopen(path, "r");
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	CHECK(strstr(buf, "\"server\": \"198.51.100.21\"") && strstr(buf, "\"local_port\": 1101") &&
	      strstr(buf, "\"password\": \"a\\\"b\\\\c\"") && strstr(buf, "\"mode\": \"tcp_and_udp\"") &&
	      strstr(buf, "\"method\": \"chacha20-ietf-poly1305\""),
	      "ss-redir config: server, port local_port + index, password escaped");
	t.dns_listen_addr = htonl(0xc0a80001);
	t.dns_listen_port = 5353;
	CHECK(ta_write_conf(path, &t, &s, 0, true) == 0, "ss-tunnel config");
	f = fopen(path, "r");
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	CHECK(strstr(buf, "\"tunnel_address\": \"8.8.8.8:53\"") &&
	      strstr(buf, "\"local_address\": \"192.168.0.1\""), "ss-tunnel: resolver and listen address");
}

static void health(void)
{
	struct ta_health h[3] = { { 0 } };
	unsigned int a = 0;

	/* start: checks of ss2 pass before ss1's */
	CHECK(ta_health_result(&h[1], true, 1000, 1, 2, 100) && h[1].state == NFGATE_TUNNEL_UP,
	      "one check passed: up (check_oks 1)");
	a = ta_select_active(a, h, 3, 100, 30000);
	CHECK(a == 2, "ss2 first up: active");
	CHECK(!ta_health_result(&h[0], false, 0, 1, 2, 150) && h[0].state == NFGATE_TUNNEL_UNKNOWN,
	      "one failed check: not down yet (check_fails 2)");
	CHECK(ta_health_result(&h[0], false, 0, 1, 2, 160) && h[0].state == NFGATE_TUNNEL_DOWN,
	      "ss1 down before it was ever up");
	ta_health_result(&h[0], true, 900, 1, 2, 200);
	a = ta_select_active(a, h, 3, 200, 30000);
	CHECK(a == 1, "ss1 up for the first time (a failed start is no failure): preferred at once");
	/* ss1 dies */
	ta_health_result(&h[0], false, 0, 1, 2, 1000);
	CHECK(ta_health_result(&h[0], false, 0, 1, 2, 1100) && h[0].state == NFGATE_TUNNEL_DOWN,
	      "two failed checks: down");
	a = ta_select_active(a, h, 3, 1100, 30000);
	CHECK(a == 2, "failover to ss2");
	ta_health_result(&h[0], true, 900, 1, 2, 5000);
	CHECK(ta_select_active(a, h, 3, 5000, 30000) == 2 &&
	      ta_select_active(a, h, 3, 34999, 30000) == 2, "ss1 back: no failback before failback_ms");
	CHECK(ta_select_active(a, h, 3, 35000, 30000) == 1, "failback after failback_ms");
	CHECK(ta_select_active(a, h, 3, 5000, 0) == 1, "failback_ms 0: at once");
	a = 1;
	CHECK(ta_health_dead(&h[0]) && h[0].state == NFGATE_TUNNEL_DOWN, "ss-redir died: down at once");
	CHECK(ta_select_active(a, h, 3, 6000, 30000) == 2, "... its server is left");
	ta_health_dead(&h[1]);
	CHECK(ta_select_active(2, h, 3, 6000, 30000) == 0, "none up: no active server");
	ta_health_result(&h[2], true, 100, 2, 2, 7000);
	CHECK(h[2].state == NFGATE_TUNNEL_UNKNOWN && ta_select_active(0, h, 3, 7000, 0) == 0,
	      "check_oks 2: one success is not enough");
	ta_health_result(&h[2], true, 100, 2, 2, 7300);
	CHECK(ta_select_active(0, h, 3, 7300, 0) == 3 && h[2].rtt_us == 100, "... two are");
}

/* --- a stand-in for the module's tunnel commands ----------------------------- */

static struct {
	ssize_t (*send)(struct nfg_ipc *ipc, const void *buf, size_t len);
	ssize_t (*recv)(struct nfg_ipc *ipc, void *buf, size_t len);
	char q[65536];
	size_t qlen;
	int nreq;
	uint32_t flags[8];
	size_t count[8];
	uint64_t tag;
	struct nfg_prefix got[8192];
	size_t ngot;
	struct nfg_tunnel t;		/* what TUNNEL_SET sent */
	int fail_at;			/* refuse the N-th PREFIXES_LOAD (1-based) */
	bool have;			/* TUNNEL_GET answers tk.t */
} tk;

static void tk_ack(const struct nlmsghdr *req, int error, const char *msg)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(tk.q + tk.qlen);
	struct nlmsgerr *e;

	nlh->nlmsg_type = NLMSG_ERROR;
	nlh->nlmsg_flags = NLM_F_CAPPED | (msg ? NLM_F_ACK_TLVS : 0);
	nlh->nlmsg_seq = req->nlmsg_seq;
	e = mnl_nlmsg_put_extra_header(nlh, sizeof(*e));
	e->error = error;
	e->msg = *req;
	if (msg)
		mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, msg);
	tk.qlen += NLMSG_ALIGN(nlh->nlmsg_len);
}

static struct nlmsghdr *tk_reply(const struct nlmsghdr *req, uint8_t cmd)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(tk.q + tk.qlen);
	struct genlmsghdr *g;

	nlh->nlmsg_type = req->nlmsg_type;
	nlh->nlmsg_seq = req->nlmsg_seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = NFGATE_GENL_VERSION;
	return nlh;
}

/* The tunnel as the module reports it: tk.t, plus the read-only parts. */
static void tk_tunnel_reply(const struct nlmsghdr *req)
{
	struct nlmsghdr *nlh = tk_reply(req, NFGATE_CMD_TUNNEL_GET);
	struct nlattr *nest, *ss;
	struct nfg_tunnel t = tk.t;

	t.present &= ~(1U << NFGATE_TUNNEL_A_SERVERS);
	nfg_tunnel_put(nlh, &t);
	/* reopen the nest nfg_tunnel_put() closed: it is the last attribute */
	nest = (struct nlattr *)((char *)nlh + NLMSG_HDRLEN + sizeof(struct genlmsghdr));
	mnl_attr_put_u64(nlh, NFGATE_TUNNEL_A_SINCE_MS, now_boottime_ms() - 65000);
	mnl_attr_put_u32(nlh, NFGATE_TUNNEL_A_FLOWS, 7);
	ss = mnl_attr_nest_start(nlh, NFGATE_TUNNEL_A_SERVERS);
	for (size_t i = 0; i < tk.t.n_servers; i++) {
		const struct nfg_tsrv *s = &tk.t.servers[i];
		struct nlattr *sn = mnl_attr_nest_start(nlh, NFGATE_TUNNEL_A_SERVER);

		mnl_attr_put_strz(nlh, NFGATE_TSRV_A_NAME, s->name);
		mnl_attr_put_u32(nlh, NFGATE_TSRV_A_ADDR, s->addr);
		mnl_attr_put_u16(nlh, NFGATE_TSRV_A_PORT, htons(s->port));
		mnl_attr_put_u16(nlh, NFGATE_TSRV_A_REDIR_PORT, htons(s->redir_port));
		mnl_attr_put_u16(nlh, NFGATE_TSRV_A_UDP_PORT, htons(s->udp_port));
		mnl_attr_put_u8(nlh, NFGATE_TSRV_A_STATE, s->state);
		mnl_attr_put_u32(nlh, NFGATE_TSRV_A_RTT_US, s->rtt_us);
		mnl_attr_put_u64(nlh, NFGATE_TSRV_A_SINCE_MS, now_boottime_ms() - 3000);
		mnl_attr_put_u64(nlh, NFGATE_TSRV_A_REDIRECTED, 40 + i);
		mnl_attr_put_u16(nlh, 99, 1);	/* a newer kernel's: skipped */
		mnl_attr_nest_end(nlh, sn);
	}
	mnl_attr_nest_end(nlh, ss);
	for (int l = 0; l < __NFGATE_LIST_LAST; l++) {
		struct nlattr *ln = mnl_attr_nest_start(nlh, NFGATE_TUNNEL_A_LIST);

		mnl_attr_put_u8(nlh, NFGATE_TLIST_A_LIST, (uint8_t)l);
		mnl_attr_put_u32(nlh, NFGATE_TLIST_A_PREFIXES, l ? 0 : 8001);
		mnl_attr_put_u32(nlh, NFGATE_TLIST_A_RANGES, l ? 0 : 5321);
		mnl_attr_put_u64(nlh, NFGATE_TLIST_A_TAG, l ? 0 : 99);
		mnl_attr_put_u32(nlh, NFGATE_TLIST_A_BUILD_US, l ? 0 : 812);
		mnl_attr_nest_end(nlh, ln);
	}
	nest->nla_len = (uint16_t)((char *)mnl_nlmsg_get_payload_tail(nlh) - (char *)nest);
	mnl_attr_put_u32(nlh, NFGATE_A_GENERATION, 12);
	tk.qlen += NLMSG_ALIGN(nlh->nlmsg_len);
}

static ssize_t tk_send(struct nfg_ipc *ipc, const void *buf, size_t len)
{
	const struct nlmsghdr *req = buf;
	const struct genlmsghdr *g = mnl_nlmsg_get_payload(req);
	const struct nlattr *a, *b;

	if (req->nlmsg_type == GENL_ID_CTRL)
		return tk.send(ipc, buf, len);
	if (g->cmd == NFGATE_CMD_PREFIXES_LOAD) {
		int i = tk.nreq++;

		if (tk.fail_at && tk.nreq == tk.fail_at) {
			tk_ack(req, -EBUSY, "another load is in progress");
			return (ssize_t)len;
		}
		mnl_attr_for_each(a, req, sizeof(*g)) {
			mnl_attr_for_each_nested(b, a) {
				if (mnl_attr_get_type(b) == NFGATE_PREFIXES_A_FLAGS && i < 8)
					tk.flags[i] = mnl_attr_get_u32(b);
				if (mnl_attr_get_type(b) == NFGATE_PREFIXES_A_TAG)
					tk.tag = mnl_attr_get_u64(b);
				if (mnl_attr_get_type(b) == NFGATE_PREFIXES_A_PREFIX4) {
					const struct nfgate_prefix4 *p = mnl_attr_get_payload(b);

					if (i < 8)
						tk.count[i]++;
					if (tk.ngot < 8192)
						tk.got[tk.ngot++] = (struct nfg_prefix){
							ntohl(p->addr), p->len };
				}
			}
		}
		tk_ack(req, 0, NULL);
	} else if (g->cmd == NFGATE_CMD_TUNNEL_GET && tk.have) {
		tk_tunnel_reply(req);
		tk_ack(req, 0, NULL);
	} else if (g->cmd == NFGATE_CMD_TUNNEL_GET) {
		tk_ack(req, -ENOENT, "no tunnel is configured");
	} else if (g->cmd == NFGATE_CMD_TUNNEL_LOOKUP) {
		struct nlmsghdr *nlh = tk_reply(req, NFGATE_CMD_TUNNEL_LOOKUP);
		struct nlattr *n = mnl_attr_nest_start(nlh, NFGATE_A_LOOKUP);

		mnl_attr_put_u8(nlh, NFGATE_LOOKUP_A_VERDICT, NFGATE_TUNNEL_V_TUNNEL);
		mnl_attr_put_u8(nlh, NFGATE_LOOKUP_A_REASON, NFGATE_TUNNEL_R_DEFAULT);
		mnl_attr_nest_end(nlh, n);
		tk.qlen += NLMSG_ALIGN(nlh->nlmsg_len);
		tk_ack(req, 0, NULL);
	} else if (g->cmd == NFGATE_CMD_TUNNEL_SET) {
		mnl_attr_for_each(a, req, sizeof(*g))
			if (mnl_attr_get_type(a) == NFGATE_A_TUNNEL)
				nfg_tunnel_parse(a, &tk.t);
		tk_ack(req, 0, NULL);
	} else {
		return tk.send(ipc, buf, len);	/* the fake kernel's */
	}
	return (ssize_t)len;
}

static ssize_t tk_recv(struct nfg_ipc *ipc, void *buf, size_t len)
{
	size_t n = tk.qlen;

	if (!n)
		return tk.recv(ipc, buf, len);
	memcpy(buf, tk.q, n);
	tk.qlen = 0;
	return (ssize_t)n;
}

static void netlink(void)
{
	static struct fake_kernel k;
	struct nfg_prefix *p = calloc(5000, sizeof(*p));
	struct nfg_tunnel t = { 0 };
	struct nfg_ipc ipc;
	int err;

	fake_attach(&k, &ipc);
	tk.send = ipc.send;
	tk.recv = ipc.recv;
	ipc.send = tk_send;
	ipc.recv = tk_recv;
	CHECK(nfg_ipc_open_transport(&ipc) == 0, "open");
	for (int i = 0; i < 5000; i++)
		p[i] = (struct nfg_prefix){ 0x24000000u + ((uint32_t)i << 8), 24 };
	err = nfg_ipc_prefixes_load(&ipc, NFGATE_LIST_BYPASS, p, 5000, 42);
	CHECK(!err && tk.nreq == 3 && tk.count[0] == NFGATE_PREFIXES_CHUNK &&
	      tk.count[1] == NFGATE_PREFIXES_CHUNK && tk.count[2] == 5000 - 2 * NFGATE_PREFIXES_CHUNK,
	      "5000 prefixes in three chunks (%d requests)", tk.nreq);
	CHECK(tk.flags[0] == NFGATE_PREFIXES_F_BEGIN && tk.flags[1] == 0 &&
	      tk.flags[2] == NFGATE_PREFIXES_F_COMMIT && tk.tag == 42,
	      "BEGIN, then nothing, then COMMIT with the tag");
	CHECK(tk.ngot == 5000 && tk.got[4999].addr == p[4999].addr && tk.got[4999].len == 24,
	      "the prefixes arrive as sent");
	memset(tk.flags, 0, sizeof(tk.flags));
	tk.nreq = 0;
	CHECK(!nfg_ipc_prefixes_load(&ipc, NFGATE_LIST_FORWARD, NULL, 0, 0) && tk.nreq == 1 &&
	      tk.flags[0] == (NFGATE_PREFIXES_F_BEGIN | NFGATE_PREFIXES_F_COMMIT),
	      "an empty list: one BEGIN|COMMIT");
	tk.nreq = 0;
	tk.fail_at = 2;
	err = nfg_ipc_prefixes_load(&ipc, NFGATE_LIST_BYPASS, p, 5000, 42);
	CHECK(err == -EBUSY && tk.nreq == 2 && strstr(ipc.extack, "another load"),
	      "a refused chunk stops the load, with the kernel's message (%s)", ipc.extack);
	tk.fail_at = 0;

	t.present = 1U << NFGATE_TUNNEL_A_ENABLED | 1U << NFGATE_TUNNEL_A_ACTIVE |
		    1U << NFGATE_TUNNEL_A_SERVERS | 1U << NFGATE_TUNNEL_A_FAIL;
	t.enabled = 1;
	t.active = 2;
	t.fail = NFGATE_TUNNEL_FAIL_CLOSED;
	t.n_servers = 2;
	snprintf(t.servers[1].name, sizeof(t.servers[1].name), "hk2");
	t.servers[1].addr = htonl(0x01020304);
	t.servers[1].port = 8388;
	t.servers[1].redir_port = 1101;
	t.servers[1].udp_port = 1101;
	t.servers[1].state = NFGATE_TUNNEL_UP;
	t.servers[0].redir_port = 1100;
	CHECK(!nfg_ipc_tunnel_set(&ipc, &t), "TUNNEL_SET");
	CHECK(tk.t.enabled == 1 && tk.t.active == 2 && tk.t.fail == NFGATE_TUNNEL_FAIL_CLOSED &&
	      tk.t.n_servers == 2 && !strcmp(tk.t.servers[1].name, "hk2") &&
	      tk.t.servers[1].port == 8388 && tk.t.servers[1].redir_port == 1101 &&
	      tk.t.servers[1].state == NFGATE_TUNNEL_UP && !tk.t.servers[0].name[0] &&
	      !(tk.t.present & (1U << NFGATE_TUNNEL_A_UDP_MARK)),
	      "what is sent parses back; only the attributes marked present");
	free(p);
	nfg_ipc_close(&ipc);
}

/* --- the CLI ------------------------------------------------------------------ */

static struct fake_kernel ck;
static char out[16384], err[4096];

static int tk_open(struct nfg_ipc *ipc)
{
	fake_connect(&ck, ipc);
	tk.send = ipc->send;
	tk.recv = ipc->recv;
	ipc->send = tk_send;
	ipc->recv = tk_recv;
	return nfg_ipc_open_transport(ipc);
}

/* Runs fn(argv) with stdout and stderr captured into out and err. */
static int run(int (*fn)(int, char **), bool json, char **argv)
{
	char base[300];

	snprintf(base, sizeof(base), "%s/cli", dir);
	opt_json = json;
	return t_capture(fn, argv, base, out, sizeof(out), err, sizeof(err));
}

#define ARGV(...) ((char *[]){ __VA_ARGS__, NULL })

static bool has(const char *buf, const char *s)
{
	if (strstr(buf, s))
		return true;
	t_diag("no '%s' in:\n%s", s, buf);
	return false;
}

static bool valid_json(const char *text)
{
	char cmd[600];
	FILE *f;

	if (system("python3 -c '' 2>/dev/null") != 0)
		return true;
	snprintf(cmd, sizeof(cmd), "%s/j.json", dir);
	f = fopen(cmd, "w");
	fputs(text, f);
	fclose(f);
	snprintf(cmd, sizeof(cmd),
		 "python3 -c 'import json,sys; json.load(open(sys.argv[1]))' %s/j.json", dir);
	return system(cmd) == 0;
}

static void cli(void)
{
	const char *list = write_file("cli.txt", "36.96.0.0/12\n1.0.1.0/24\n");
	int ret;

	fake_attach(&ck, &(struct nfg_ipc){ 0 });
	cli_ipc_open = tk_open;
	ret = run(tunnel_main, false, ARGV("tunnel"));
	CHECK(ret == 0 && has(out, "tunnel: none"), "show tunnel without a tunnel: none");
	ret = run(tunnel_main, true, ARGV("tunnel", "show"));
	CHECK(ret == 0 && valid_json(out) && has(out, "\"tunnel\": null"), "-j: tunnel null");

	tk.have = true;
	tk.t.present |= 1U << NFGATE_TUNNEL_A_UDP | 1U << NFGATE_TUNNEL_A_UDP_MARK |
			1U << NFGATE_TUNNEL_A_STATE | 1U << NFGATE_TUNNEL_A_CHECK_MARK;
	tk.t.udp = 1;
	tk.t.udp_mark = 0x100;
	tk.t.check_mark = 0x200;
	tk.t.state = NFGATE_TUNNEL_UP;
	tk.t.fail = NFGATE_TUNNEL_FAIL_OPEN;
	snprintf(tk.t.servers[0].name, sizeof(tk.t.servers[0].name), "hk1");
	tk.t.servers[0].addr = htonl(0xc6336415);
	tk.t.servers[0].port = 8388;
	tk.t.servers[0].udp_port = 1100;
	tk.t.servers[0].state = NFGATE_TUNNEL_DOWN;
	tk.t.servers[1].rtt_us = 23456;
	ret = run(show_main, false, ARGV("show", "tunnel"));
	CHECK(ret == 0 && has(out, "tunnel: enabled, state up since 1m 5s ago, active hk2, fail open, "
				  "udp on (mark 0x00000100), check mark 0x00000200\n") &&
	      has(out, "   NAME              SERVER  REDIR  STATE  SINCE       RTT  CONNECTIONS\n") &&
	      has(out, "   hk1   198.51.100.21:8388   1100  down   3s            -           40\n") &&
	      has(out, "*  hk2         1.2.3.4:8388   1101  up     3s     23.456ms           41\n") &&
	      has(out, "flows: 7 in the tunnel now") &&
	      has(out, "lists: bypass 8001 prefixes (5321 ranges with the reserved ones, built in 812 us)") &&
	      has(out, "counters: tcp 38000, udp 39000, fail_open 40000, blocked 41000") &&
	      has(out, "r_default 50000\n"),
	      "show tunnel: state line, servers table (* active), flows, lists, counters");
	ret = run(tunnel_main, true, ARGV("tunnel"));
	CHECK(ret == 0 && valid_json(out) && has(out, "\"active\": \"hk2\"") &&
	      has(out, "\"rtt_ms\": 23.456") && has(out, "\"redirected\": 41") &&
	      has(out, "\"prefixes\": 8001") && has(out, "\"tunnel_tcp\": 38000") &&
	      has(out, "\"generation\": 12") && has(out, "\"loading\": null"),
	      "show tunnel -j: valid JSON with the servers, lists and counters");
	ret = run(tunnel_main, false, ARGV("tunnel", "lookup", "9.9.9.9", "from", "192.168.0.10"));
	CHECK(ret == 0 && has(out, "9.9.9.9: tunnel (default)"), "tunnel lookup");
	tk.nreq = 0;
	ret = run(tunnel_main, false, ARGV("tunnel", "load", "src-forward", (char *)list));
	CHECK(ret == 0 && tk.nreq == 1 && tk.flags[0] == (NFGATE_PREFIXES_F_BEGIN |
							   NFGATE_PREFIXES_F_COMMIT) &&
	      has(out, "src_forward: 2 prefixes"), "tunnel load: one message, BEGIN|COMMIT");
	ret = run(tunnel_main, false, ARGV("tunnel", "load", "sideways", (char *)list));
	CHECK(ret == EXIT_USAGE && has(err, "the list is bypass, forward, src-bypass or src-forward"),
	      "tunnel load of an unknown list: usage error");
	ret = run(tunnel_main, false, ARGV("tunnel", "load", "bypass", "/nonexistent"));
	CHECK(ret == 1 && has(err, "/nonexistent: No such file or directory"),
	      "tunnel load of a missing file: the error, nothing sent");
	ret = run(tunnel_main, false, ARGV("tunnel", "lookup", "9.9.9"));
	CHECK(ret == EXIT_USAGE && has(err, "'9.9.9' is not an IPv4 address"), "lookup of a bad address");
	ret = run(tunnel_main, false, ARGV("tunnel", "frobnicate"));
	CHECK(ret == EXIT_USAGE && has(err, "expected show, load, flush or lookup"), "unknown verb");
}

int main(void)
{
	if (!mkdtemp(dir))
		return 1;
	t_begin("tunnel");
	prefixes();
	config();
	conf_files();
	health();
	netlink();
	cli();
	{
		char cmd[300];

		snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
		if (system(cmd))
			return 1;
	}
	return t_end();
}
