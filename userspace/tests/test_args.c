// SPDX-License-Identifier: GPL-2.0
/* The argv parsers of `nfgate set` and `nfgate del`. */
#include <arpa/inet.h>
#include <netinet/in.h>
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
	CHECK(ret == 0 && s.obj == NFG_OBJ_LAN && !strcmp(s.lan.ifname, "br0") &&
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
	CHECK(ret == 0 && s.obj == NFG_OBJ_UPLINK && !strcmp(s.uplink.ifname, "ppp0") &&
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

	/* set settings */
	ret = nfg_parse_set_argv(11, ARGV("settings", "mark-mask", "0x00ff0000", "skip-mark", "256",
					  "failover-rst", "off", "holddown", "3600000",
					  "sticky", "0"), &s, err, sizeof(err));
	CHECK(ret == 0 && s.obj == NFG_OBJ_SETTINGS && s.settings.mark_mask == 0xff0000 &&
	      s.settings.skip_mark == 256 && s.settings.failover_rst == 0 &&
	      s.settings.holddown_ms == 3600000 && s.settings.sticky_ms == 0 &&
	      s.settings.present == ((1U << (NFGATE_SETTINGS_A_MAX + 1)) - 2),
	      "set settings: every parameter, hex and decimal, maxima");
	ret = nfg_parse_set_argv(3, ARGV("settings", "sticky", "60000"), &s, err, sizeof(err));
	CHECK(ret == 0 && s.settings.present == (1U << NFGATE_SETTINGS_A_STICKY_MS) &&
	      s.settings.sticky_ms == 60000, "set settings sticky 60000: only sticky is sent");
	ret = nfg_parse_set_argv(5, ARGV("settings", "mark-mask", "0xF8", "failover-rst", "on"),
				 &s, err, sizeof(err));
	CHECK(ret == 0 && s.settings.mark_mask == 0xf8 && s.settings.failover_rst == 1,
	      "set settings: mark-mask 0xF8 (5 bits, upper-case hex), failover-rst on");
	ret = nfg_parse_set_argv(3, ARGV("settings", "mark-mask", "4278190080"), &s, err, sizeof(err));
	CHECK(ret == 0 && s.settings.mark_mask == 0xff000000, "set settings: mark-mask in decimal");
	ret = nfg_parse_set_argv(3, ARGV("settings", "skip-mark", "0xffffffff"), &s, err, sizeof(err));
	CHECK(ret == 0 && s.settings.skip_mark == 0xffffffff, "set settings: skip-mark 0xffffffff");

	BAD_SET("settings: nothing to set (expected mark-mask, skip-mark, failover-rst, holddown, sticky)",
		"settings");
	BAD_SET("mark-mask: 0x00ff00ff is not one run of contiguous bits", "settings", "mark-mask", "0x00ff00ff");
	BAD_SET("mark-mask: 0xf0 has 4 bits, at least 5 are needed", "settings", "mark-mask", "0xf0");
	BAD_SET("mark-mask: 0 is not one run", "settings", "mark-mask", "0");
	BAD_SET("mark-mask: 0x100000000 is out of range 0..0xffffffff", "settings", "mark-mask", "0x100000000");
	BAD_SET("mark-mask: '0xg' is not a number", "settings", "mark-mask", "0xg");
	BAD_SET("mark-mask: '0x' is not a number", "settings", "mark-mask", "0x");
	BAD_SET("skip-mark: 4294967296 is out of range", "settings", "skip-mark", "4294967296");
	BAD_SET("failover-rst: 'maybe' is not a boolean", "settings", "failover-rst", "maybe");
	BAD_SET("holddown: 3600001 is out of range 0..3600000", "settings", "holddown", "3600001");
	BAD_SET("sticky: 86400001 is out of range 0..86400000", "settings", "sticky", "86400001");
	BAD_SET("sticky: missing value", "settings", "sticky");
	BAD_SET("holddown: given twice", "settings", "holddown", "1", "holddown", "2");
	BAD_SET("settings: unknown parameter 'holddown_ms'", "settings", "holddown_ms", "1");

	/* set forward */
	ret = nfg_parse_set_argv(5, ARGV("forward", "tcp", "8080", "to", "192.168.0.11:80"),
				 &s, err, sizeof(err));
	CHECK(ret == 0 && s.obj == NFG_OBJ_FORWARD && s.forward.proto == IPPROTO_TCP &&
	      s.forward.port == 8080 && s.forward.to_addr == htonl(0xc0a8000b) &&
	      s.forward.to_port == 80 &&
	      s.forward.present == ((1U << NFGATE_FORWARD_A_PROTO) | (1U << NFGATE_FORWARD_A_PORT) |
				    (1U << NFGATE_FORWARD_A_TO_ADDR) | (1U << NFGATE_FORWARD_A_TO_PORT)),
	      "set forward tcp 8080 to 192.168.0.11:80");
	ret = nfg_parse_set_argv(7, ARGV("forward", "udp", "65535", "uplink", "ppp0", "to", "192.168.0.11"),
				 &s, err, sizeof(err));
	CHECK(ret == 0 && s.forward.proto == IPPROTO_UDP && s.forward.port == 65535 &&
	      !NFG_HAS(&s.forward, NFGATE_FORWARD_A_TO_PORT) && !strcmp(s.forward.uplink, "ppp0") &&
	      NFG_HAS(&s.forward, NFGATE_FORWARD_A_UPLINK),
	      "set forward udp 65535 uplink ppp0 to ADDR: no port sent (kernel default), any order");
	BAD_SET("forward: missing protocol (tcp or udp)", "forward");
	BAD_SET("forward: 'icmp' is neither 'tcp' nor 'udp'", "forward", "icmp", "1", "to", "10.0.0.1");
	BAD_SET("forward: missing port", "forward", "tcp");
	BAD_SET("forward: port: 0 is out of range 1..65535", "forward", "tcp", "0", "to", "10.0.0.1");
	BAD_SET("forward: port: 65536 is out of range 1..65535", "forward", "tcp", "65536");
	BAD_SET("forward: port: 'http' is not a number", "forward", "tcp", "http");
	BAD_SET("forward: to ADDR[:PORT] is required", "forward", "tcp", "80");
	BAD_SET("forward: to ADDR[:PORT] is required", "forward", "tcp", "80", "uplink", "ppp0");
	BAD_SET("to: missing value", "forward", "tcp", "80", "to");
	BAD_SET("to: '192.168.0' is not an IPv4 address", "forward", "tcp", "80", "to", "192.168.0");
	BAD_SET("to: 'host.lan:80' is not an IPv4 address", "forward", "tcp", "80", "to", "host.lan:80");
	BAD_SET("to: port: 0 is out of range 1..65535", "forward", "tcp", "80", "to", "10.0.0.1:0");
	BAD_SET("to: port: missing value", "forward", "tcp", "80", "to", "10.0.0.1:");
	BAD_SET("to: 224.0.0.1 is not a unicast host address", "forward", "tcp", "80", "to", "224.0.0.1");
	BAD_SET("to: 0.0.0.0 is not a unicast host address", "forward", "tcp", "80", "to", "0.0.0.0");
	BAD_SET("to: given twice", "forward", "tcp", "80", "to", "10.0.0.1", "to", "10.0.0.2");
	BAD_SET("uplink: 'a/b' is not a valid interface name", "forward", "tcp", "80", "to", "10.0.0.1",
		"uplink", "a/b");
	BAD_SET("forward: unknown parameter 'via'", "forward", "tcp", "80", "via", "ppp0");
	bad_set(0, ARGV(NULL), "missing object: lan, uplink, settings, forward or dns");

	/* set dns */
	ret = nfg_parse_set_argv(19, ARGV("dns", "mode", "drop", "router-mode", "log", "hold-ms", "5000",
					  "hold-max", "4096", "hold-per-client", "4096", "expire", "drop",
					  "ttl-slack", "255", "fast-pct", "100", "drop-score", "6"),
				 &s, err, sizeof(err));
	CHECK(ret == 0 && s.obj == NFG_OBJ_DNS && s.dns.mode == NFGATE_DNS_DROP &&
	      s.dns.mode_router == NFGATE_DNS_LOG && s.dns.hold_ms == 5000 && s.dns.hold_max == 4096 &&
	      s.dns.hold_per_client == 4096 && s.dns.expire_drop == 1 && s.dns.ttl_slack == 255 &&
	      s.dns.fast_pct == 100 && s.dns.drop_score == NFGATE_DNS_SIG_COUNT &&
	      s.dns.present == ((1U << (NFGATE_DNS_A_DROP_SCORE + 1)) - 2),
	      "set dns: every parameter at its maximum, only writable attributes present");
	ret = nfg_parse_set_argv(5, ARGV("dns", "router-mode", "inherit", "expire", "release"),
				 &s, err, sizeof(err));
	CHECK(ret == 0 && s.dns.mode_router == NFGATE_DNS_INHERIT && s.dns.expire_drop == 0 &&
	      s.dns.present == ((1U << NFGATE_DNS_A_MODE_ROUTER) | (1U << NFGATE_DNS_A_EXPIRE_DROP)),
	      "set dns router-mode inherit expire release: only those, mode not needed");
	ret = nfg_parse_set_argv(7, ARGV("dns", "hold-ms", "0", "hold-max", "1", "hold-per-client", "1"),
				 &s, err, sizeof(err));
	CHECK(ret == 0 && s.dns.hold_ms == 0 && s.dns.hold_max == 1 && s.dns.hold_per_client == 1,
	      "set dns: hold-ms 0 (never hold), the minima");
	BAD_SET("dns: nothing to set (expected mode, router-mode, hold-ms, hold-max, hold-per-client, "
		"expire, ttl-slack, fast-pct, drop-score)", "dns");
	BAD_SET("mode: 'inherit' is not a mode (expected off, log or drop)", "dns", "mode", "inherit");
	BAD_SET("mode: 'DROP' is not a mode", "dns", "mode", "DROP");
	BAD_SET("router-mode: 'on' is not a mode (expected inherit, off, log or drop)", "dns",
		"router-mode", "on");
	BAD_SET("hold-ms: 5001 is out of range 0..5000", "dns", "hold-ms", "5001");
	BAD_SET("hold-max: 0 is out of range 1..4096", "dns", "hold-max", "0");
	BAD_SET("hold-per-client: 4097 is out of range 1..4096", "dns", "hold-per-client", "4097");
	BAD_SET("hold-per-client: 17 is above hold-max (16)", "dns", "hold-max", "16",
		"hold-per-client", "17");
	BAD_SET("expire: 'keep' is not an expiry (expected release or drop)", "dns", "expire", "keep");
	BAD_SET("ttl-slack: 256 is out of range 0..255", "dns", "ttl-slack", "256");
	BAD_SET("fast-pct: 101 is out of range 0..100", "dns", "fast-pct", "101");
	BAD_SET("drop-score: 7 is out of range 0..6", "dns", "drop-score", "7");
	BAD_SET("mode: given twice", "dns", "mode", "log", "mode", "drop");
	BAD_SET("mode: missing value", "dns", "mode");
	BAD_SET("dns: unknown parameter 'hold_ms'", "dns", "hold_ms", "1");
	{
		/* the parameters are the field keys with '-' for '_' */
		size_t writable = 0;

		for (size_t i = 0; i < nfg_dns_nfields; i++) {
			char key[32];

			if (!nfg_dns_fields[i].writable)
				continue;
			writable++;
			snprintf(key, sizeof(key), "%s", nfg_dns_fields[i].key);
			for (char *c = key; *c; c++)
				if (*c == '_')
					*c = '-';
			CHECK(i < nfg_n_dns_params && !strcmp(nfg_dns_params[i].arg, key) &&
			      nfg_dns_params[i].attr == nfg_dns_fields[i].attr,
			      "set dns parameter '%s' is the field '%s'", key, nfg_dns_fields[i].key);
		}
		CHECK(writable == nfg_n_dns_params, "every writable DNS field has a parameter");
	}

	ret = nfg_parse_del_argv(3, ARGV("forward", "udp", "53"), &d, err, sizeof(err));
	CHECK(ret == 0 && d.obj == NFG_OBJ_FORWARD && d.proto == IPPROTO_UDP && d.port == 53,
	      "del forward udp 53");
	BAD_DEL("forward: missing protocol", "forward");
	BAD_DEL("forward: missing port", "forward", "tcp");
	BAD_DEL("forward: port: 0 is out of range 1..65535", "forward", "tcp", "0");
	BAD_DEL("forward: unexpected 'to'", "forward", "tcp", "80", "to");
	BAD_DEL("unknown object 'settings'", "settings");
	BAD_DEL("unknown object 'dns' (expected lan, uplink or forward)", "dns");

	ret = nfg_parse_del_argv(1, ARGV("lan"), &d, err, sizeof(err));
	CHECK(ret == 0 && d.obj == NFG_OBJ_LAN, "del lan");
	ret = nfg_parse_del_argv(2, ARGV("uplink", "ppp0"), &d, err, sizeof(err));
	CHECK(ret == 0 && d.obj == NFG_OBJ_UPLINK && !strcmp(d.ifname, "ppp0"), "del uplink ppp0");
	bad_del(0, ARGV(NULL), "missing object");
	BAD_DEL("lan: unexpected 'br0'", "lan", "br0");
	BAD_DEL("uplink: missing interface name", "uplink");
	BAD_DEL("uplink: unexpected 'ppp1'", "uplink", "ppp0", "ppp1");
	BAD_DEL("unknown object 'peer'", "peer");
	return t_end();
}
