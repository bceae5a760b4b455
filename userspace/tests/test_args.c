// SPDX-License-Identifier: GPL-2.0
/* The argv parsers of `nfgate set` and `nfgate del`. */
#include <arpa/inet.h>
#include <string.h>

#include "config.h"
#include "harness.h"

#define ARGV(...) ((char *const[]){ __VA_ARGS__, NULL })
#define ARGC(...) ((int)(sizeof((char *const[]){ __VA_ARGS__ }) / sizeof(char *)))

static void bad_set(int argc, char *const argv[], const char *text)
{
	struct nfg_set_args a;
	char err[256] = "";
	char line[256] = "";
	int ret = nfg_parse_set_argv(argc, argv, &a, err, sizeof(err));

	for (int i = 0; i < argc; i++)
		snprintf(line + strlen(line), sizeof(line) - strlen(line), "%s%s",
			 i ? " " : "", argv[i]);
	if (!CHECK(ret == -1 && strstr(err, text), "set %s -> %s", line, text))
		t_diag("ret %d err '%s'", ret, err);
}

#define BAD_SET(text, ...) bad_set(ARGC(__VA_ARGS__), ARGV(__VA_ARGS__), text)

static void bad_del(int argc, char *const argv[], const char *text)
{
	struct nfg_del_args a;
	char err[256] = "";
	int ret = nfg_parse_del_argv(argc, argv, &a, err, sizeof(err));

	if (!CHECK(ret == -1 && strstr(err, text), "del %s ... -> %s",
		   argc ? argv[0] : "", text))
		t_diag("ret %d err '%s'", ret, err);
}

#define BAD_DEL(text, ...) bad_del(ARGC(__VA_ARGS__), ARGV(__VA_ARGS__), text)

int main(void)
{
	struct nfg_set_args s;
	struct nfg_del_args d;
	char err[256];
	int ret;

	t_begin("args");

	ret = nfg_parse_set_argv(5, ARGV("lan", "dev", "br0", "subnet", "192.168.0.0/22"),
				 &s, err, sizeof(err));
	CHECK(ret == 0 && s.is_lan && !strcmp(s.lan.ifname, "br0") &&
	      s.lan.addr == htonl(0xc0a80000) && s.lan.prefixlen == 22,
	      "set lan dev br0 subnet 192.168.0.0/22");
	CHECK(s.lan.present == ((1U << NFGATE_LAN_A_IFNAME) | (1U << NFGATE_LAN_A_ADDR) |
				(1U << NFGATE_LAN_A_PREFIXLEN)),
	      "set lan: sends ifname, addr, prefixlen and no ifindex");
	ret = nfg_parse_set_argv(5, ARGV("lan", "subnet", "10.0.0.0/8", "dev", "br1"),
				 &s, err, sizeof(err));
	CHECK(ret == 0 && !strcmp(s.lan.ifname, "br1") && s.lan.prefixlen == 8,
	      "set lan: parameters in any order");

	ret = nfg_parse_set_argv(2, ARGV("uplink", "ppp0"), &s, err, sizeof(err));
	CHECK(ret == 0 && !s.is_lan && !strcmp(s.uplink.ifname, "ppp0") &&
	      s.uplink.present == (1U << NFGATE_UPLINK_A_IFNAME),
	      "set uplink ppp0: only the name (creates with kernel defaults)");
	ret = nfg_parse_set_argv(10, ARGV("uplink", "wwan0", "tier", "1", "weight", "1000",
					  "health", "0", "admin", "down"), &s, err, sizeof(err));
	CHECK(ret == 0 && s.uplink.tier == 1 && s.uplink.weight == 1000 &&
	      s.uplink.health == 0 && s.uplink.admin == NFGATE_ADMIN_DOWN,
	      "set uplink wwan0 tier 1 weight 1000 health 0 admin down");
	CHECK(s.uplink.present == ((1U << NFGATE_UPLINK_A_IFNAME) | (1U << NFGATE_UPLINK_A_TIER) |
				   (1U << NFGATE_UPLINK_A_WEIGHT) | (1U << NFGATE_UPLINK_A_HEALTH) |
				   (1U << NFGATE_UPLINK_A_ADMIN)),
	      "set uplink: every given parameter is marked present");
	ret = nfg_parse_set_argv(4, ARGV("uplink", "ppp0", "weight", "0"), &s, err, sizeof(err));
	CHECK(ret == 0 && s.uplink.weight == 0 && !NFG_HAS(&s.uplink, NFGATE_UPLINK_A_TIER) &&
	      !NFG_HAS(&s.uplink, NFGATE_UPLINK_A_HEALTH),
	      "set uplink ppp0 weight 0: only weight changes");
	ret = nfg_parse_set_argv(4, ARGV("uplink", "ppp0", "tier", "15"), &s, err, sizeof(err));
	CHECK(ret == 0 && s.uplink.tier == 15, "set uplink: tier 15 is the maximum");

	bad_set(0, ARGV(NULL), "missing object");
	BAD_SET("unknown object 'wan'", "wan", "eth0");
	BAD_SET("lan: dev is required", "lan", "subnet", "10.0.0.0/8");
	BAD_SET("lan: subnet is required", "lan", "dev", "br0");
	BAD_SET("lan: dev is required", "lan");
	BAD_SET("dev: missing value", "lan", "subnet", "10.0.0.0/8", "dev");
	BAD_SET("dev: given twice", "lan", "dev", "br0", "dev", "br1");
	BAD_SET("subnet: 10.0.0.1/8 has host bits set", "lan", "dev", "br0", "subnet", "10.0.0.1/8");
	BAD_SET("subnet: '10.0.0.0' has no prefix length", "lan", "dev", "br0", "subnet", "10.0.0.0");
	BAD_SET("dev: 'a/b' is not a valid interface name", "lan", "dev", "a/b", "subnet", "10.0.0.0/8");
	BAD_SET("lan: unknown parameter 'mtu'", "lan", "dev", "br0", "mtu", "1500");
	BAD_SET("uplink: missing interface name", "uplink");
	BAD_SET("uplink: 'ppp0123456789abcd' is not a valid interface name", "uplink", "ppp0123456789abcd");
	BAD_SET("weight: 5000 is out of range 0..1000", "uplink", "ppp0", "weight", "5000");
	BAD_SET("tier: 16 is out of range 0..15", "uplink", "ppp0", "tier", "16");
	BAD_SET("health: 1001 is out of range 0..1000", "uplink", "ppp0", "health", "1001");
	BAD_SET("weight: 'abc' is not a number", "uplink", "ppp0", "weight", "abc");
	BAD_SET("weight: -1 is out of range", "uplink", "ppp0", "weight", "-1");
	BAD_SET("admin: 'maybe' is neither 'up' nor 'down'", "uplink", "ppp0", "admin", "maybe");
	BAD_SET("weight: missing value", "uplink", "ppp0", "tier", "1", "weight");
	BAD_SET("tier: given twice", "uplink", "ppp0", "tier", "1", "tier", "2");
	BAD_SET("uplink: unknown parameter 'metric'", "uplink", "ppp0", "metric", "1");
	BAD_SET("uplink: unknown parameter '1'", "uplink", "ppp0", "1");

	ret = nfg_parse_del_argv(1, ARGV("lan"), &d, err, sizeof(err));
	CHECK(ret == 0 && d.is_lan, "del lan");
	ret = nfg_parse_del_argv(2, ARGV("uplink", "ppp0"), &d, err, sizeof(err));
	CHECK(ret == 0 && !d.is_lan && !strcmp(d.ifname, "ppp0"), "del uplink ppp0");
	bad_del(0, ARGV(NULL), "missing object");
	BAD_DEL("lan: unexpected 'br0'", "lan", "br0");
	BAD_DEL("uplink: missing interface name", "uplink");
	BAD_DEL("uplink: unexpected 'ppp1'", "uplink", "ppp0", "ppp1");
	BAD_DEL("unknown object 'peer'", "peer");
	return t_end();
}
