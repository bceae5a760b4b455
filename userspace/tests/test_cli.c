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

#include "fake_kernel.h"
#include "harness.h"
#include "subcommands.h"

static struct fake_kernel k;
static char out[16384], err[4096];

static int fake_open(struct nfg_ipc *ipc)
{
	fake_connect(&k, ipc);
	return nfg_ipc_open_transport(ipc);
}

static void slurp(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY);
	ssize_t n = fd >= 0 ? read(fd, buf, len - 1) : -1;

	buf[n > 0 ? n : 0] = '\0';
	if (fd >= 0)
		close(fd);
	unlink(path);
}

/* Runs fn(argv) with stdout and stderr captured into out and err. */
static int run(int (*fn)(int, char **), bool json, char **argv)
{
	char po[64], pe[64];
	int argc = 0, ret, so, se, fo, fe;

	while (argv[argc])
		argc++;
	snprintf(po, sizeof(po), "/tmp/nfgate-cli-%d.out", (int)getpid());
	snprintf(pe, sizeof(pe), "/tmp/nfgate-cli-%d.err", (int)getpid());
	fflush(stdout);
	fflush(stderr);
	so = dup(1);
	se = dup(2);
	fo = open(po, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	fe = open(pe, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	dup2(fo, 1);
	dup2(fe, 2);
	opt_json = json;
	ret = fn(argc, argv);
	fflush(stdout);
	fflush(stderr);
	dup2(so, 1);
	dup2(se, 2);
	close(so);
	close(se);
	close(fo);
	close(fe);
	slurp(po, out, sizeof(out));
	slurp(pe, err, sizeof(err));
	return ret;
}

#define ARGV(...) ((char *[]){ __VA_ARGS__, NULL })

static bool has(const char *buf, const char *s, const char *desc)
{
	if (strstr(buf, s))
		return true;
	t_diag("%s: no '%s' in:\n%s", desc, s, buf);
	return false;
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
	u = fake_add_uplink(&k, "wwan0");
	u->tier = 1;
	k.generation = 7;
}

int main(void)
{
	int ret;

	t_begin("cli");
	cli_ipc_open = fake_open;
	populate();

	ret = run(show_main, false, ARGV("show"));
	CHECK(ret == 0 && has(out, "lan: br0 (ifindex 3), subnet 192.168.0.0/22", "show") &&
	      has(out, "generation: 7", "show") &&
	      has(out, "IFNAME  IFINDEX  OPER    ADMIN  TIER  WEIGHT  HEALTH  EFF  ADDRESS", "show") &&
	      has(out, "ppp0          5  up      up        0       3     500    1  100.64.0.2", "show") &&
	      has(out, "12.3k  1.50 KiB", "show") && has(out, "5.00 GiB", "show") &&
	      has(out, "wwan0         -  absent  up        1", "show") &&
	      has(out, "counters: pre_routing 1000, local_out 2000, forward 3000, post_routing 4000", "show"),
	      "show: LAN line, uplink table, counters");
	ret = run(show_main, true, ARGV("show"));
	CHECK(ret == 0 && valid_json(out) && has(out, "\"generation\": 7", "show -j") &&
	      has(out, "\"uplinks\": [", "show -j") && has(out, "\"rx_bytes\": 5368709120", "show -j") &&
	      has(out, "\"subnet\": \"192.168.0.0/22\"", "show -j") &&
	      has(out, "\"effective_weight\": 1", "show -j"),
	      "show -j: valid JSON, numbers as numbers");
	ret = run(show_main, false, ARGV("show", "uplinks", "ppp0"));
	CHECK(ret == 0 && has(out, "uplink: ppp0\n", "show uplinks ppp0") &&
	      has(out, "  health: 500/1000\n", "show uplinks ppp0") &&
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
	CHECK(ret == 2 && has(err, "nfgate: show: expected lan, uplinks or stats", "show bogus") &&
	      has(err, "Usage:", "show bogus"), "show bogus: usage error, exit 2");

	ret = run(dump_main, false, ARGV("dump"));
	CHECK(ret == 0 && has(out, "generation\t7\n", "dump") &&
	      has(out, "lan\tbr0\t3\t192.168.0.0/22\n", "dump") &&
	      has(out, "uplink\tppp0\t5\tup\tup\t0\t3\t500\t1\t100.64.0.2\t12\t0\t12345\t1536\t0\t5368709120\n", "dump") &&
	      has(out, "stat\tforward\t3000\n", "dump"), "dump: tab-separated");

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

	k.no_family = true;
	ret = run(show_main, false, ARGV("show"));
	CHECK(ret == 1 && !strcmp(err, "nfgate: kernel module not loaded (generic netlink family 'nfgate' not found)\n"),
	      "no module: the message, exit 1");
	return t_end();
}
