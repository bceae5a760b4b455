// SPDX-License-Identifier: GPL-2.0
/*
 * ipc.c and apply.c against the fake kernel (fake_kernel.c), plus what the
 * host's real kernel can check: family lookup and extended ACK parsing.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>

#include "apply.h"
#include "config.h"
#include "fake_kernel.h"
#include "harness.h"

static struct fake_kernel k;
static struct nfg_ipc ipc;

static void setup(void)
{
	nfg_ipc_close(&ipc);
	fake_attach(&k, &ipc);
	if (nfg_ipc_open_transport(&ipc))
		CHECK(0, "setup: open");
}

static bool logged(const char *line)
{
	for (int i = 0; i < k.nlog; i++)
		if (!strcmp(k.log[i], line))
			return true;
	return false;
}

static void family(void)
{
	int err;

	fake_attach(&k, &ipc);
	err = nfg_ipc_open_transport(&ipc);
	CHECK(err == 0 && ipc.family_id == FAKE_FAMILY_ID,
	      "family id resolved through the controller");
	CHECK(ipc.events_group == FAKE_EVENTS_ID,
	      "'events' group id resolved (among other groups)");

	nfg_ipc_close(&ipc);
	fake_attach(&k, &ipc);
	k.no_family = true;
	err = nfg_ipc_open_transport(&ipc);
	CHECK(err == -NFG_ENOFAMILY, "missing family -> NFG_ENOFAMILY");
	CHECK(!strcmp(nfg_strerror(err),
		      "kernel module not loaded (generic netlink family 'nfgate' not found)"),
	      "missing family message");
	CHECK(!strcmp(nfg_strerror(-EPERM), "permission denied (need CAP_NET_ADMIN)"),
	      "EPERM message");
}

static void commands(void)
{
	struct nfg_uplink up = { 0 }, got, *list = NULL;
	struct nfg_lan lan = { 0 }, klan;
	struct nfg_stats st;
	uint32_t gen = 0;
	size_t n = 0;
	int err;

	setup();
	err = nfg_ipc_lan_get(&ipc, &klan, NULL);
	CHECK(err == -ENOENT, "lan get without a LAN: -ENOENT");

	strcpy(lan.ifname, "br0");
	lan.addr = htonl(0xc0a80000);
	lan.prefixlen = 22;
	lan.present = (1U << NFGATE_LAN_A_IFNAME) | (1U << NFGATE_LAN_A_ADDR) |
		      (1U << NFGATE_LAN_A_PREFIXLEN);
	err = nfg_ipc_lan_set(&ipc, &lan);
	CHECK(err == 0 && k.has_lan && k.lan.addr == lan.addr, "lan set");
	err = nfg_ipc_lan_get(&ipc, &klan, &gen);
	CHECK(err == 0 && !strcmp(klan.ifname, "br0") && klan.prefixlen == 22 &&
	      NFG_HAS(&klan, NFGATE_LAN_A_IFINDEX) && gen == 1, "lan get, with generation");

	lan.present &= ~(1U << NFGATE_LAN_A_ADDR);
	err = nfg_ipc_lan_set(&ipc, &lan);
	CHECK(err == -EINVAL && !strcmp(ipc.extack, "missing attribute address"),
	      "missing attribute named from MISS_TYPE/MISS_NEST ('%s')", ipc.extack);

	strcpy(up.ifname, "ppp0");
	up.weight = 3;
	up.present = (1U << NFGATE_UPLINK_A_IFNAME) | (1U << NFGATE_UPLINK_A_WEIGHT);
	err = nfg_ipc_uplink_set(&ipc, &up);
	CHECK(err == 0 && logged("UPLINK_SET ppp0 weight"),
	      "uplink set sends only the attributes given");
	err = nfg_ipc_uplink_get(&ipc, "ppp0", &got, NULL);
	CHECK(err == 0 && got.weight == 3 && got.health == NFGATE_HEALTH_MAX &&
	      got.tier == 0 && got.admin == NFGATE_ADMIN_UP,
	      "uplink get: kernel defaults plus the weight set");
	CHECK(got.present == (((1U << (NFGATE_UPLINK_A_MAX + 1)) - 2) &
			      ~(1U << NFGATE_UPLINK_A_PAD)),
	      "uplink get: every attribute decoded, PAD and unknown ones skipped (0x%x)",
	      got.present);

	/* link health: the writable attributes round-trip, the RO ones are never sent */
	{
		struct nfg_uplink h = { 0 };

		strcpy(h.ifname, "ppp0");
		h.health = 300;
		h.health_state = NFGATE_HEALTH_DEGRADED;
		h.health_reason = NFGATE_REASON_LATENCY;
		h.probe_loss = 1250;
		h.probe_rtt_us = 812345;
		h.probe_jitter_us = 4000;
		h.health_since_ms = 1;
		h.syn_sent = 2;
		h.syn_answered = 3;
		h.present = ~0U & ((1U << (NFGATE_UPLINK_A_MAX + 1)) - 1) &
			    ~((1U << NFGATE_UPLINK_A_TIER) | (1U << NFGATE_UPLINK_A_WEIGHT) |
			      (1U << NFGATE_UPLINK_A_ADMIN));
		k.now_ms = 777;
		err = nfg_ipc_uplink_set(&ipc, &h);
		CHECK(err == 0 && logged("UPLINK_SET ppp0 health health_state health_reason "
					 "probe_loss_pct probe_rtt_ms probe_jitter_ms"),
		      "uplink set: health attributes sent, RO health_since_ms and SYN counters not");
		err = nfg_ipc_uplink_get(&ipc, "ppp0", &got, NULL);
		CHECK(err == 0 && got.health_state == NFGATE_HEALTH_DEGRADED &&
		      got.health_reason == NFGATE_REASON_LATENCY && got.probe_loss == 1250 &&
		      got.probe_rtt_us == 812345 && got.probe_jitter_us == 4000 &&
		      got.health_since_ms == 777 && got.weight == 3,
		      "uplink get: health state, reason, probe values and the kernel's since stamp");
		h.present = (1U << NFGATE_UPLINK_A_IFNAME) | (1U << NFGATE_UPLINK_A_PROBE_LOSS);
		h.probe_loss = 10001;
		err = nfg_ipc_uplink_set(&ipc, &h);
		CHECK(err == -EINVAL && strstr(ipc.extack, "attribute probe_loss_pct"),
		      "probe loss over 100 %%: refused, attribute named ('%s')", ipc.extack);
		k.old_health = true;
		h.present = (1U << NFGATE_UPLINK_A_IFNAME) | (1U << NFGATE_UPLINK_A_HEALTH_STATE);
		err = nfg_ipc_uplink_set(&ipc, &h);
		CHECK(err == -EINVAL && !strcmp(ipc.extack, "unknown attribute; attribute health_state"),
		      "a module without link health: health_state refused ('%s')", ipc.extack);
		err = nfg_ipc_uplink_get(&ipc, "ppp0", &got, NULL);
		CHECK(err == 0 && !NFG_HAS(&got, NFGATE_UPLINK_A_HEALTH_STATE) &&
		      !NFG_HAS(&got, NFGATE_UPLINK_A_SYN_SENT),
		      "a module without link health: the uplink decodes without those attributes");
		k.old_health = false;
	}

	up.weight = 5000;
	err = nfg_ipc_uplink_set(&ipc, &up);
	CHECK(err == -EINVAL && !strcmp(ipc.extack, "weight out of range; attribute weight"),
	      "extack message and offset -> attribute name ('%s')", ipc.extack);

	k.uncapped = true;
	err = nfg_ipc_uplink_set(&ipc, &up);
	CHECK(err == -EINVAL && !strcmp(ipc.extack, "weight out of range; attribute weight"),
	      "extack after an uncapped (full request) error ('%s')", ipc.extack);
	k.uncapped = false;

	up.present |= 1U << NFGATE_UPLINK_A_FLOWS;	/* RO, never sent */
	up.weight = 2;
	err = nfg_ipc_uplink_set(&ipc, &up);
	CHECK(err == 0, "read-only attributes are never put in a SET");

	err = nfg_ipc_uplink_get(&ipc, "nope0", &got, NULL);
	CHECK(err == -ENOENT && strstr(ipc.extack, "no uplink with this name"), "uplink get unknown: -ENOENT");
	err = nfg_ipc_uplink_del(&ipc, "nope0");
	CHECK(err == -ENOENT, "uplink del unknown: -ENOENT");

	k.perm_denied = true;
	err = nfg_ipc_uplink_del(&ipc, "ppp0");
	CHECK(err == -EPERM && ipc.extack[0] == '\0', "EPERM without extack");
	k.perm_denied = false;
	err = nfg_ipc_uplink_get(&ipc, "ppp0", &got, NULL);
	CHECK(err == 0 && ipc.extack[0] == '\0', "the extack is cleared by the next request");

	err = nfg_ipc_stats_get(&ipc, &st, NULL);
	CHECK(err == 0 && st.counter[NFGATE_STAT_PRE_ROUTING] == 1000 &&
	      st.counter[NFGATE_STAT_POST_ROUTING] == 4000 &&
	      st.counter[NFGATE_STAT_RESETS_SENT] == 1000 * NFGATE_STAT_RESETS_SENT &&
	      st.counter[NFGATE_STAT_DNS_HOLD_FREED] == 1000 * NFGATE_STAT_DNS_HOLD_FREED &&
	      st.present == (((1ULL << (NFGATE_STAT_MAX + 1)) - 2) & ~(1ULL << NFGATE_STAT_PAD)),
	      "stats get: every counter (beyond 32), PAD skipped (0x%llx)",
	      (unsigned long long)st.present);

	fake_add_uplink(&k, "wwan0");
	fake_add_uplink(&k, "eth2");
	k.split = true;
	err = nfg_ipc_uplink_dump(&ipc, &list, &n, &gen);
	CHECK(err == 0 && n == 3 && !strcmp(list[0].ifname, "ppp0") &&
	      !strcmp(list[2].ifname, "eth2"), "dump over several datagrams");
	free(list);
	k.split = false;

	k.dumps = 0;
	k.dump_intr = 2;
	err = nfg_ipc_uplink_dump(&ipc, &list, &n, NULL);
	CHECK(err == 0 && n == 3 && k.dumps == 3, "NLM_F_DUMP_INTR: dump restarted (%d dumps)", k.dumps);
	free(list);
	k.dumps = 0;
	k.dump_intr = 1000;
	list = NULL;
	err = nfg_ipc_uplink_dump(&ipc, &list, &n, NULL);
	CHECK(err == -NFG_EDUMPINTR && k.dumps == NFG_DUMP_RETRIES + 1 && !list,
	      "NLM_F_DUMP_INTR forever: bounded retries, then an error");

	err = nfg_ipc_uplink_del(&ipc, "wwan0");
	CHECK(err == 0 && k.n == 2, "uplink del");
	err = nfg_ipc_lan_del(&ipc);
	CHECK(err == 0 && !k.has_lan, "lan del");
	err = nfg_ipc_lan_del(&ipc);
	CHECK(err == -ENOENT, "lan del without a LAN: -ENOENT");
}

static void settings_forwards(void)
{
	struct nfg_settings st = { 0 }, got;
	struct nfg_forward fw = { 0 }, *list = NULL;
	uint32_t gen = 0;
	size_t n = 0;
	int err;

	setup();
	err = nfg_ipc_settings_get(&ipc, &got, &gen);
	CHECK(err == 0 && got.mark_mask == NFGATE_DEFAULT_MARK_MASK &&
	      got.holddown_ms == NFGATE_DEFAULT_HOLDDOWN_MS && got.failover_rst == 1 &&
	      got.skip_mark == 0 && got.sticky_ms == 0 &&
	      got.present == (((1U << (NFGATE_SETTINGS_A_MAX + 1)) - 2)),
	      "settings get: the defaults, every attribute, unknown ones skipped");

	st.sticky_ms = 60000;
	st.mark_mask = 0x0000ff00;
	NFG_MARK(&st, NFGATE_SETTINGS_A_STICKY_MS);
	NFG_MARK(&st, NFGATE_SETTINGS_A_MARK_MASK);
	err = nfg_ipc_settings_set(&ipc, &st);
	CHECK(err == 0 && logged("SETTINGS_SET mark_mask sticky_ms") &&
	      k.settings.sticky_ms == 60000 && k.settings.mark_mask == 0xff00 &&
	      k.settings.holddown_ms == NFGATE_DEFAULT_HOLDDOWN_MS,
	      "settings set: only the settings given");
	st.mark_mask = 0x00ff00ff;
	err = nfg_ipc_settings_set(&ipc, &st);
	CHECK(err == -EINVAL && !strcmp(ipc.extack, "value out of range; attribute mark_mask"),
	      "settings set refused: extack names the attribute ('%s')", ipc.extack);

	fw.proto = IPPROTO_TCP;
	fw.port = 8080;
	inet_pton(AF_INET, "192.168.0.11", &fw.to_addr);
	NFG_MARK(&fw, NFGATE_FORWARD_A_PROTO);
	NFG_MARK(&fw, NFGATE_FORWARD_A_PORT);
	NFG_MARK(&fw, NFGATE_FORWARD_A_TO_ADDR);
	err = nfg_ipc_forward_set(&ipc, &fw);
	CHECK(err == 0 && logged("FORWARD_SET tcp 8080 192.168.0.11:8080"),
	      "forward set: ports as be16, to_port defaults to the port");
	fw.proto = IPPROTO_UDP;
	fw.port = 53;
	fw.to_port = 5353;
	strcpy(fw.uplink, "ppp0");
	NFG_MARK(&fw, NFGATE_FORWARD_A_TO_PORT);
	NFG_MARK(&fw, NFGATE_FORWARD_A_UPLINK);
	fw.present |= 1U << NFGATE_FORWARD_A_HITS;	/* RO, never sent */
	err = nfg_ipc_forward_set(&ipc, &fw);
	CHECK(err == 0 && logged("FORWARD_SET udp 53 192.168.0.11:5353 ppp0"),
	      "forward set with to_port and uplink, hits not sent");
	k.fws[0].hits = 1ULL << 40;
	k.split = true;
	err = nfg_ipc_forward_dump(&ipc, &list, &n, &gen);
	k.split = false;
	CHECK(err == 0 && n == 2 && list[0].proto == IPPROTO_TCP && list[0].port == 8080 &&
	      list[0].to_port == 8080 && list[0].hits == 1ULL << 40 &&
	      !NFG_HAS(&list[0], NFGATE_FORWARD_A_UPLINK) &&
	      list[1].port == 53 && list[1].to_port == 5353 && !strcmp(list[1].uplink, "ppp0") &&
	      gen == k.generation, "forward dump: decoded, over several datagrams");
	free(list);
	k.dumps = 0;
	err = nfg_ipc_forward_del(&ipc, IPPROTO_UDP, 53);
	CHECK(err == 0 && k.nfw == 1 && logged("FORWARD_DEL udp 53"), "forward del");
	err = nfg_ipc_forward_del(&ipc, IPPROTO_UDP, 53);
	CHECK(err == -ENOENT && !strcmp(ipc.extack, "no forward with this protocol and port; attribute port"),
	      "forward del unknown: -ENOENT, extack names port ('%s')", ipc.extack);
	fw.present = (1U << NFGATE_FORWARD_A_PROTO) | (1U << NFGATE_FORWARD_A_PORT);
	err = nfg_ipc_forward_set(&ipc, &fw);
	CHECK(err == -EINVAL && !strcmp(ipc.extack, "missing attribute to_addr"),
	      "forward set without to_addr: missing attribute named ('%s')", ipc.extack);

	k.old_module = true;
	err = nfg_ipc_settings_get(&ipc, &got, NULL);
	CHECK(err == -EOPNOTSUPP, "a module without settings: -EOPNOTSUPP");
	k.old_module = false;
}

static void dns(void)
{
	struct nfg_dns d = { 0 }, got;
	uint32_t gen = 0;
	int err;

	setup();
	err = nfg_ipc_dns_get(&ipc, &got, &gen);
	CHECK(err == 0 && got.mode == NFGATE_DNS_OFF && got.mode_router == NFGATE_DNS_INHERIT &&
	      got.hold_ms == NFGATE_DNS_DEFAULT_HOLD_MS && got.hold_max == NFGATE_DNS_DEFAULT_HOLD_MAX &&
	      got.hold_per_client == NFGATE_DNS_DEFAULT_HOLD_PER_CLIENT && !got.expire_drop &&
	      got.ttl_slack == NFGATE_DNS_DEFAULT_TTL_SLACK && got.fast_pct == NFGATE_DNS_DEFAULT_FAST_PCT &&
	      got.drop_score == NFGATE_DNS_DEFAULT_DROP_SCORE &&
	      got.present == ((1U << (NFGATE_DNS_A_MAX + 1)) - 2),
	      "dns get: the defaults, every attribute (RO sizes too), unknown ones skipped (0x%x)",
	      got.present);

	d.mode = NFGATE_DNS_DROP;
	d.hold_ms = 500;
	d.expire_drop = 1;
	NFG_MARK(&d, NFGATE_DNS_A_MODE);
	NFG_MARK(&d, NFGATE_DNS_A_HOLD_MS);
	NFG_MARK(&d, NFGATE_DNS_A_EXPIRE_DROP);
	d.present |= 1U << NFGATE_DNS_A_HELD;	/* RO, never sent */
	err = nfg_ipc_dns_set(&ipc, &d);
	CHECK(err == 0 && logged("DNS_SET mode hold_ms expire") && k.dns.mode == NFGATE_DNS_DROP &&
	      k.dns.hold_ms == 500 && k.dns.expire_drop == 1 &&
	      k.dns.drop_score == NFGATE_DNS_DEFAULT_DROP_SCORE,
	      "dns set: only the attributes given, RO ones never sent");
	d.present = 1U << NFGATE_DNS_A_MODE;
	d.mode = NFGATE_DNS_INHERIT;
	err = nfg_ipc_dns_set(&ipc, &d);
	CHECK(err == -EINVAL && !strcmp(ipc.extack, "MODE cannot be INHERIT; attribute mode"),
	      "dns set refused: the kernel's message names the attribute ('%s')", ipc.extack);
	d.present = 1U << NFGATE_DNS_A_HOLD_PER_CLIENT;
	d.hold_per_client = 300;
	err = nfg_ipc_dns_set(&ipc, &d);
	CHECK(err == -EINVAL && strstr(ipc.extack, "HOLD_PER_CLIENT would be above HOLD_MAX"),
	      "dns set: hold_per_client above hold_max refused");
	k.old_dns = true;
	err = nfg_ipc_dns_get(&ipc, &got, NULL);
	CHECK(err == -EOPNOTSUPP, "a module without the DNS check: -EOPNOTSUPP");
	k.old_dns = false;
}

/* n IPv4 addresses from base on, and the Teredo prefix */
static void fill(struct nfg_forged_set *s, uint32_t base, size_t n, bool teredo)
{
	for (size_t i = 0; i < n; i++)
		nfg_forged_add4(s, htonl(base + (uint32_t)i));
	if (teredo) {
		struct nfgate_prefix6 p = { .addr = { 0x20, 0x01 }, .len = 32 };

		nfg_forged_add6(s, &p);
	}
	nfg_forged_sort(s);
}

static void forged(void)
{
	struct nfg_forged_set s = { 0 }, got = { 0 };
	struct nfgate_prefix6 bad = { .len = 129 };
	uint32_t gen = 0;
	size_t done;
	int err;

	setup();
	err = nfg_ipc_forged_dump(&ipc, &got, &gen);
	CHECK(err == 0 && nfg_forged_count(&got) == 0, "forged dump of an empty set");
	fill(&s, 0x0a000001, 2500, true);
	k.nlog = 0;
	err = nfg_ipc_forged_change(&ipc, false, &s, &done);
	CHECK(err == 0 && done == 2501 && k.forged_msgs == 3 && k.nlog == 3 &&
	      !strcmp(k.log[0], "FORGED_ADD 1024 1") && !strcmp(k.log[1], "FORGED_ADD 1024 0") &&
	      !strcmp(k.log[2], "FORGED_ADD 452 0") && k.forged.n4 == 2500,
	      "forged add: 2500 addresses in chunks of NFGATE_FORGED_CHUNK (3 messages)");
	k.split = true;
	err = nfg_ipc_forged_dump(&ipc, &got, &gen);
	k.split = false;
	CHECK(err == 0 && got.n4 == 2500 && got.n6 == 1 && got.v4[0] == htonl(0x0a000001) &&
	      got.v4[2499] == htonl(0x0a000001 + 2499) && got.v6[0].len == 32 &&
	      gen == k.generation,
	      "forged dump: every entry, sorted, over several messages and datagrams");
	k.dumps = 0;
	k.dump_intr = 2;
	err = nfg_ipc_forged_dump(&ipc, &got, NULL);
	CHECK(err == 0 && got.n4 == 2500 && k.dumps == 3,
	      "forged dump: NLM_F_DUMP_INTR restarts it (%d dumps), no entry counted twice", k.dumps);
	k.dump_intr = 1000;
	err = nfg_ipc_forged_dump(&ipc, &got, NULL);
	CHECK(err == -NFG_EDUMPINTR && !got.n4, "forged dump: bounded retries");
	k.dump_intr = 0;
	k.lossy_dump = 100;
	err = nfg_ipc_forged_dump(&ipc, &got, NULL);
	CHECK(err == -NFG_EFORGEDDUMP && got.n4 == 2400 && got.n6 == 1,
	      "forged dump that lost entries (as the module's does when a message does "
	      "not fit): counted against DNS_GET, -NFG_EFORGEDDUMP, what came kept");
	k.lossy_dump = 0;

	nfg_forged_free(&s);
	fill(&s, 0x0a000001, 10, false);
	err = nfg_ipc_forged_change(&ipc, true, &s, &done);
	CHECK(err == 0 && done == 10 && k.forged.n4 == 2490 && logged("FORGED_DEL 10 0"),
	      "forged del: the entries given");
	nfg_forged_free(&s);
	nfg_forged_add4(&s, htonl(0x01020304));
	nfg_forged_add6(&s, &bad);
	err = nfg_ipc_forged_change(&ipc, false, &s, &done);
	CHECK(err == -EINVAL && done == 0 &&
	      !strcmp(ipc.extack, "IPv6 prefix longer than 128; attribute prefix6 ::/129"),
	      "forged add refused: the entry named with its value ('%s')", ipc.extack);
	err = nfg_ipc_forged_flush(&ipc);
	CHECK(err == 0 && !k.forged.n4 && !k.forged.n6 && logged("FORGED_FLUSH"),
	      "forged flush: DEL without entries empties the set");
	nfg_forged_free(&s);
	nfg_forged_free(&got);
}

static int n_events;
static struct nfg_msg last;

static void on_event(const struct nfg_msg *msg, void *data)
{
	(void)data;
	n_events++;
	last = *msg;
}

static void events(void)
{
	struct nfg_uplink *u;

	setup();
	u = fake_add_uplink(&k, "ppp0");
	u->oper = NFGATE_OPER_UP;
	fake_event(&k, NFGATE_EVENT_UPLINK_STATE, u);
	CHECK(nfg_ipc_read_events(&ipc, on_event, NULL) == 0 && n_events == 1 &&
	      last.event == NFGATE_EVENT_UPLINK_STATE && last.has_uplink &&
	      last.uplink.oper == NFGATE_OPER_UP, "event decoded");
	fake_event(&k, NFGATE_EVENT_UPLINK_DEL, u);
	CHECK(nfg_ipc_read_events(&ipc, on_event, NULL) == 0 && n_events == 2 &&
	      last.uplink.present == (1U << NFGATE_UPLINK_A_IFNAME),
	      "deletion event: the key only");
	{
		struct nfg_msg m = { .event = NFGATE_EVENT_UPLINK_FLUSH, .has_uplink = true,
				     .uplink = *u, .has_flushed = true, .flushed = 3,
				     .has_resets = true, .resets = 2 };

		fake_event_msg(&k, &m);
		CHECK(nfg_ipc_read_events(&ipc, on_event, NULL) == 0 && n_events == 3 &&
		      last.event == NFGATE_EVENT_UPLINK_FLUSH && last.has_flushed &&
		      last.flushed == 3 && last.has_resets && last.resets == 2 &&
		      !NFG_HAS(&last.uplink, NFGATE_UPLINK_A_FLOWS) &&
		      NFG_HAS(&last.uplink, NFGATE_UPLINK_A_USABLE),
		      "uplink_flush event: flushed, resets, an uplink without flows");
		memset(&m, 0, sizeof(m));
		m.event = NFGATE_EVENT_SETTINGS;
		m.has_settings = true;
		m.settings = k.settings;
		fake_event_msg(&k, &m);
		CHECK(nfg_ipc_read_events(&ipc, on_event, NULL) == 0 && last.has_settings &&
		      last.settings.mark_mask == NFGATE_DEFAULT_MARK_MASK && !last.has_uplink,
		      "settings event decoded");
		memset(&m, 0, sizeof(m));
		m.event = NFGATE_EVENT_FORWARD_DEL;
		m.has_forward = true;
		m.forward = *fake_add_forward(&k, IPPROTO_UDP, 53, "192.168.0.2");
		fake_event_msg(&k, &m);
		CHECK(nfg_ipc_read_events(&ipc, on_event, NULL) == 0 && last.has_forward &&
		      last.forward.port == 53 && last.forward.proto == IPPROTO_UDP,
		      "forward_del event decoded");

		memset(&m, 0, sizeof(m));
		m.event = NFGATE_EVENT_DNS_FORGED;
		m.has_dns_reply = true;
		m.dns_reply.verdict = NFGATE_DNS_V_SUPERSEDED;
		m.dns_reply.signals = NFGATE_DNS_SIG_FAST | NFGATE_DNS_SIG_DISAGREE;
		m.dns_reply.resolver = htonl(0x08080808);
		m.dns_reply.client = htonl(0xc0a8000a);
		strcpy(m.dns_reply.uplink, "ppp0");
		memset(m.dns_reply.qname, 'a', 250);
		memcpy(m.dns_reply.qname + 250, ".com", 5);
		m.dns_reply.qtype = 1;
		m.dns_reply.ip_ttl = 57;
		m.dns_reply.ip_id = 0x1234;
		m.dns_reply.df = 1;
		m.dns_reply.flags = 0x8180;
		m.dns_reply.lead_us = 12345;
		m.dns_reply.n4 = 2;
		m.dns_reply.answer4[0] = htonl(0x0102030a);
		m.dns_reply.answer4[1] = htonl(0x0102030b);
		m.dns_reply.n6 = 1;
		m.dns_reply.answer6[0][0] = 0x20;
		m.dns_reply.answer6[0][1] = 0x01;
		fake_event_msg(&k, &m);
		CHECK(nfg_ipc_read_events(&ipc, on_event, NULL) == 0 && last.has_dns_reply &&
		      last.event == NFGATE_EVENT_DNS_FORGED &&
		      last.dns_reply.verdict == NFGATE_DNS_V_SUPERSEDED &&
		      last.dns_reply.signals == (NFGATE_DNS_SIG_FAST | NFGATE_DNS_SIG_DISAGREE) &&
		      last.dns_reply.resolver == htonl(0x08080808) &&
		      !strcmp(last.dns_reply.uplink, "ppp0") && strlen(last.dns_reply.qname) == 254 &&
		      last.dns_reply.ip_id == 0x1234 && last.dns_reply.flags == 0x8180 &&
		      last.dns_reply.df == 1 && last.dns_reply.lead_us == 12345 &&
		      last.dns_reply.n4 == 2 && last.dns_reply.answer4[1] == htonl(0x0102030b) &&
		      last.dns_reply.n6 == 1 && last.dns_reply.answer6[0][1] == 0x01 &&
		      last.dns_reply.present == (((1U << (NFGATE_DNS_REPLY_A_MAX + 1)) - 2) &
						 ~((1U << NFGATE_DNS_REPLY_A_ANSWER4) |
						   (1U << NFGATE_DNS_REPLY_A_ANSWER6))),
		      "dns_forged event decoded: a 254-character qname, repeated answers (0x%x)",
		      last.dns_reply.present);
		memset(&m, 0, sizeof(m));
		m.event = NFGATE_EVENT_FORGED;
		m.has_dns = true;
		m.dns = k.dns;
		m.dns.forged4 = 470;
		fake_event_msg(&k, &m);
		CHECK(nfg_ipc_read_events(&ipc, on_event, NULL) == 0 && last.has_dns &&
		      last.event == NFGATE_EVENT_FORGED && last.dns.forged4 == 470 &&
		      !last.has_dns_reply, "forged event decoded: the DNS object with the sizes");
	}
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

static void apply(void)
{
	struct nfg_errors errs = { 0 };
	struct nfg_config cfg;
	struct nfg_uplink *u;
	struct nfg_plan plan;
	size_t changes;
	bool ok;
	int err;

	setup();
	u = fake_add_uplink(&k, "ppp0");
	u->health = 500;
	u->weight = 1;
	fake_add_uplink(&k, "old0");
	cfg = config("[lan]\ninterface = br0\nsubnet = 192.168.0.0/22\n"
		     "[uplink ppp0]\nweight = 3\n[uplink wwan0]\ntier = 1\n");

	err = nfg_plan_build(&cfg, &(struct nfg_kstate){ .settings = &k.settings,
			     .ups = k.ups, .n_ups = k.n }, &plan);
	CHECK(err == 0 && plan.n == 4 && plan.ops[0].type == NFG_OP_LAN_SET &&
	      plan.ops[1].type == NFG_OP_UPLINK_SET && plan.ops[2].type == NFG_OP_UPLINK_SET &&
	      plan.ops[3].type == NFG_OP_UPLINK_DEL,
	      "plan: lan, sets in file order, then deletions");
	nfg_plan_free(&plan);

	err = nfg_apply(&ipc, &cfg, &errs, &changes);
	CHECK(err == 0 && errs.n == 0 && changes == 4, "apply: 4 changes");
	CHECK(logged("LAN_SET br0") && logged("UPLINK_SET ppp0 admin tier weight") &&
	      logged("UPLINK_SET wwan0 admin tier weight") && logged("UPLINK_DEL old0"),
	      "apply: LAN set, uplinks set without health, stale uplink deleted");
	u = NULL;
	for (size_t i = 0; i < k.n; i++)
		if (!strcmp(k.ups[i].ifname, "ppp0"))
			u = &k.ups[i];
	CHECK(u && u->health == 500 && u->weight == 3, "apply: the health of ppp0 is left alone");
	CHECK(k.n == 2, "apply: the kernel has exactly the uplinks of the file");

	k.nlog = 0;
	err = nfg_apply(&ipc, &cfg, &errs, &changes);
	CHECK(err == 0 && changes == 0 && k.nlog == 0, "apply again: nothing to do");
	nfg_config_free(&cfg);

	/* weight removed from the file: back to the default */
	cfg = config("[lan]\ninterface = br0\nsubnet = 192.168.0.0/22\n"
		     "[uplink ppp0]\n[uplink wwan0]\ntier = 1\n[uplink bad0]\n");
	k.refuse = "bad0";
	err = nfg_apply(&ipc, &cfg, &errs, &changes);
	ok = CHECK(err == -1 && changes == 1 && errs.n == 1 &&
	      !strcmp(errs.msg[0], "set uplink bad0 tier 0 weight 1 admin up: "
				   "Invalid argument (kernel: refused by the test)"),
	      "apply: a refused operation is reported, the others are done");
	if (!ok)
		for (size_t i = 0; i < errs.n; i++)
			t_diag("%s", errs.msg[i]);
	nfg_errors_free(&errs);
	CHECK(logged("UPLINK_SET ppp0 admin tier weight"), "apply: a key removed goes back to its default");
	nfg_config_free(&cfg);
}

static void apply_settings_forwards(void)
{
	struct nfg_errors errs = { 0 };
	struct nfg_config cfg;
	struct nfg_forward *fw;
	size_t changes;
	int err;

	setup();
	fake_add_uplink(&k, "ppp0");
	fw = fake_add_forward(&k, IPPROTO_TCP, 22, "192.168.0.2");	/* stale */
	fw = fake_add_forward(&k, IPPROTO_TCP, 8080, "192.168.0.11");	/* changes */
	fw->to_port = 80;
	fw = fake_add_forward(&k, IPPROTO_UDP, 53, "192.168.0.3");	/* unchanged */
	strcpy(fw->uplink, "ppp0");
	k.has_lan = true;
	strcpy(k.lan.ifname, "br0");
	k.lan.addr = htonl(0xc0a80000);
	k.lan.prefixlen = 22;
	k.settings.skip_mark = 0x100;	/* set by hand, absent from the file */

	/* at the kernel defaults, an absent key sends nothing */
	cfg = config("[lan]\ninterface = br0\nsubnet = 192.168.0.0/22\n"
		     "[settings]\nsticky_ms = 60000\nholddown_ms = 5000\n"
		     "[uplink ppp0]\n"
		     "[forward tcp 8080]\nto = 192.168.0.11:8000\n"
		     "[forward udp 53]\nto = 192.168.0.3\nuplink = ppp0\n"
		     "[forward tcp 443]\nto = 192.168.0.11\n");
	k.nlog = 0;
	err = nfg_apply(&ipc, &cfg, &errs, &changes);
	if (!CHECK(err == 0 && errs.n == 0 && changes == 4,
		   "apply settings and forwards: 4 changes (%zu)", changes))
		for (int i = 0; i < k.nlog; i++)
			t_diag("%s", k.log[i]);
	CHECK(k.nlog > 0 && !strcmp(k.log[0], "SETTINGS_SET skip_mark sticky_ms"),
	      "apply: settings first, only those that differ: the file's, and a "
	      "key absent from the file back to its default");
	CHECK(k.settings.sticky_ms == 60000 && k.settings.skip_mark == 0 &&
	      k.settings.holddown_ms == NFGATE_DEFAULT_HOLDDOWN_MS,
	      "apply: the kernel's settings match the file");
	CHECK(k.nlog == 4 && !strcmp(k.log[1], "FORWARD_DEL tcp 22") &&
	      !strcmp(k.log[2], "FORWARD_SET tcp 8080 192.168.0.11:8000") &&
	      !strcmp(k.log[3], "FORWARD_SET tcp 443 192.168.0.11:443"),
	      "apply: stale forward deleted, changed and new ones set, unchanged left alone");
	k.nlog = 0;
	err = nfg_apply(&ipc, &cfg, &errs, &changes);
	CHECK(err == 0 && changes == 0 && k.nlog == 0, "apply again: nothing to do");
	nfg_config_free(&cfg);

	/* keys removed from the file: back to the kernel defaults */
	cfg = config("[lan]\ninterface = br0\nsubnet = 192.168.0.0/22\n[uplink ppp0]\n");
	err = nfg_apply(&ipc, &cfg, &errs, &changes);
	CHECK(err == 0 && k.settings.sticky_ms == 0 && k.nfw == 0 &&
	      logged("SETTINGS_SET sticky_ms"),
	      "apply: [settings] and [forward]s removed: defaults sent, forwards deleted");
	nfg_config_free(&cfg);

	/* the kernel checks a forward against its LAN: the LAN goes first */
	cfg = config("[lan]\ninterface = br0\nsubnet = 192.168.0.0/22\n[uplink ppp0]\n"
		     "[forward udp 5000]\nto = 192.168.0.9:6000\nuplink = ppp0\n");
	k.lan.addr = htonl(0x0a000000);		/* the kernel's LAN changed meanwhile */
	k.lan.prefixlen = 8;
	k.nlog = 0;
	err = nfg_apply(&ipc, &cfg, &errs, &changes);
	CHECK(err == 0 && changes == 2 && !strcmp(k.log[0], "LAN_SET br0") &&
	      !strcmp(k.log[1], "FORWARD_SET udp 5000 192.168.0.9:6000 ppp0"),
	      "apply: the LAN is set before the forwards (checked against it)");
	nfg_config_free(&cfg);

	/* a module without settings and forwards, and a file without them */
	k.old_module = true;
	cfg = config("[lan]\ninterface = br0\nsubnet = 192.168.0.0/22\n[uplink ppp0]\n");
	err = nfg_apply(&ipc, &cfg, &errs, &changes);
	CHECK(err == 0 && errs.n == 0, "apply on a module without settings: fine if the file has none");
	nfg_config_free(&cfg);
	cfg = config("[lan]\ninterface = br0\nsubnet = 192.168.0.0/22\n[settings]\nsticky_ms = 1\n");
	err = nfg_apply(&ipc, &cfg, &errs, &changes);
	CHECK(err == -1 && errs.n == 1 &&
	      !strcmp(errs.msg[0], "set settings sticky 1: Operation not supported"),
	      "apply on a module without settings: the settings of the file fail, reported (%s)",
	      errs.n ? errs.msg[0] : "");
	nfg_errors_free(&errs);
	nfg_config_free(&cfg);
	k.old_module = false;
}

static void apply_dns(void)
{
	struct nfg_errors errs = { 0 };
	struct nfg_config cfg;
	struct nfg_plan plan;
	size_t changes;
	int err;

	setup();
	k.has_lan = true;
	strcpy(k.lan.ifname, "br0");
	k.lan.addr = htonl(0xc0a80000);
	k.lan.prefixlen = 22;
	k.lan.present = (1U << NFGATE_LAN_A_IFNAME) | (1U << NFGATE_LAN_A_ADDR) |
			(1U << NFGATE_LAN_A_PREFIXLEN);
	k.dns.fast_pct = 20;		/* set by hand, absent from the file */

	cfg = config("[lan]\ninterface = br0\nsubnet = 192.168.0.0/22\n"
		     "[dns]\nforged_file = none\nmode = drop\nhold_ms = 300\nhold_max = 8\n"
		     "hold_per_client = 8\nexpire = drop\n");
	err = nfg_plan_build(&cfg, &(struct nfg_kstate){ .lan = &k.lan, .settings = &k.settings,
			     .dns = &k.dns }, &plan);
	CHECK(err == 0 && plan.n == 1 && plan.ops[0].type == NFG_OP_DNS_SET &&
	      plan.ops[0].dns.present == ((1U << NFGATE_DNS_A_MODE) | (1U << NFGATE_DNS_A_HOLD_MAX) |
					  (1U << NFGATE_DNS_A_HOLD_PER_CLIENT) |
					  (1U << NFGATE_DNS_A_EXPIRE_DROP) | (1U << NFGATE_DNS_A_FAST_PCT)),
	      "plan: one DNS_SET with what differs: the file's keys, fast_pct back to its "
	      "default, hold_ms (already 300) not sent");
	{
		char what[320];

		nfg_op_describe(&plan.ops[0], what, sizeof(what));
		CHECK(!strcmp(what, "set dns mode drop hold-max 8 hold-per-client 8 expire drop "
				    "fast-pct 50"), "op described as a command line ('%s')", what);
	}
	nfg_plan_free(&plan);
	k.nlog = 0;
	err = nfg_apply(&ipc, &cfg, &errs, &changes);
	CHECK(err == 0 && changes == 1 && k.nlog == 1 &&
	      !strcmp(k.log[0], "DNS_SET mode hold_max hold_per_client expire fast_pct") &&
	      k.dns.mode == NFGATE_DNS_DROP && k.dns.hold_max == 8 && k.dns.expire_drop &&
	      k.dns.fast_pct == NFGATE_DNS_DEFAULT_FAST_PCT,
	      "apply [dns]: the kernel holds the file's settings and defaults for the rest");
	k.nlog = 0;
	err = nfg_apply(&ipc, &cfg, &errs, &changes);
	CHECK(err == 0 && changes == 0 && k.nlog == 0, "apply [dns] again: nothing to do");
	nfg_config_free(&cfg);

	/* [dns] removed: the check goes back to the kernel defaults (off) */
	cfg = config("[lan]\ninterface = br0\nsubnet = 192.168.0.0/22\n");
	err = nfg_apply(&ipc, &cfg, &errs, &changes);
	CHECK(err == 0 && changes == 1 && k.dns.mode == NFGATE_DNS_OFF &&
	      k.dns.hold_max == NFGATE_DNS_DEFAULT_HOLD_MAX && !k.dns.expire_drop &&
	      logged("DNS_SET mode hold_max hold_per_client expire"),
	      "apply without [dns]: back to the defaults, the check off (hold_max before "
	      "hold_per_client in one message)");
	nfg_config_free(&cfg);

	/* a module without the check: fine without [dns], reported with it */
	k.old_dns = true;
	cfg = config("[lan]\ninterface = br0\nsubnet = 192.168.0.0/22\n");
	err = nfg_apply(&ipc, &cfg, &errs, &changes);
	CHECK(err == 0 && errs.n == 0 && changes == 0,
	      "apply on a module without the DNS check: fine if the file has no [dns]");
	nfg_config_free(&cfg);
	cfg = config("[lan]\ninterface = br0\nsubnet = 192.168.0.0/22\n"
		     "[dns]\nforged_file = none\nmode = log\n");
	err = nfg_apply(&ipc, &cfg, &errs, &changes);
	CHECK(err == -1 && errs.n == 1 &&
	      !strcmp(errs.msg[0], "set dns mode log: Operation not supported"),
	      "apply [dns] on a module without the check: reported (%s)", errs.n ? errs.msg[0] : "");
	nfg_errors_free(&errs);
	nfg_config_free(&cfg);
	k.old_dns = false;
}

/* nfg_ipc_lazy: open on first use, report once, back off, reopen after a drop. */
static int lazy_fails, lazy_opens;

static int lazy_open(struct nfg_ipc *i)
{
	lazy_opens++;
	if (lazy_fails > 0) {
		lazy_fails--;
		return -ENOENT;
	}
	fake_attach(&k, i);
	return nfg_ipc_open_transport(i);
}

static void lazy(void)
{
	struct nfg_ipc_lazy l = { .open = lazy_open, .backoff_ms = 5000 };
	int err;

	lazy_fails = 2;
	lazy_opens = 0;
	err = nfg_ipc_lazy_ready(&l, 1000);
	CHECK(err == -ENOENT && !l.ok && lazy_opens == 1,
	      "lazy: the first failed open is reported (%d)", err);
	CHECK(nfg_ipc_lazy_ready(&l, 2000) == -EAGAIN && lazy_opens == 1,
	      "lazy: no reopen before the backoff ends");
	err = nfg_ipc_lazy_ready(&l, 6000);
	CHECK(err == -EAGAIN && lazy_opens == 2, "lazy: a second failure is not reported again (%d)",
	      err);
	err = nfg_ipc_lazy_ready(&l, 11000);
	CHECK(err == 0 && l.ok && lazy_opens == 3 && l.ipc.family_id == FAKE_FAMILY_ID,
	      "lazy: opened after the backoff (%d)", err);
	CHECK(nfg_ipc_lazy_ready(&l, 11001) == 0 && lazy_opens == 3, "lazy: open stays open");
	nfg_ipc_lazy_drop(&l, 12000);
	CHECK(!l.ok && l.ipc.nl == NULL && l.ipc.buf == NULL, "lazy: a drop closes");
	CHECK(nfg_ipc_lazy_ready(&l, 12001) == 0 && lazy_opens == 4,
	      "lazy: reopened at the next try after a drop");
	nfg_ipc_lazy_drop(&l, 13000);
	lazy_fails = 1;
	err = nfg_ipc_lazy_ready(&l, 13001);
	CHECK(err == -EAGAIN && lazy_opens == 5,
	      "lazy: a failed reopen after a drop is not reported (%d)", err);
	lazy_fails = 0;
	CHECK(nfg_ipc_lazy_ready(&l, 18001) == 0, "lazy: and recovers");
	nfg_ipc_lazy_close(&l);
	nfg_ipc_lazy_close(&l);
	CHECK(!l.ok, "lazy: close twice is harmless");
}

/* The host kernel: no nfgate here, but the controller and ext acks are real. */
static void real_kernel(void)
{
	struct nfg_ipc r;
	struct nlmsghdr *nlh;
	int err;

	err = nfg_ipc_open(&r);
	if (err == 0) {
		CHECK(r.family_id != 0, "real kernel: nfgate family found (module loaded)");
		nfg_ipc_close(&r);
	} else {
		CHECK(err == -NFG_ENOFAMILY, "real kernel: no module -> NFG_ENOFAMILY (%s)",
		      nfg_strerror(err));
	}
	if (nfg_ipc_socket(&r)) {
		printf("ok - # SKIP no generic netlink socket\n");
		return;
	}
	/* CTRL_ATTR_FAMILY_ID is a u16: a u8 fails policy validation */
	nlh = nfg_ipc_msg(&r, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1, NLM_F_ACK);
	mnl_attr_put_u8(nlh, CTRL_ATTR_FAMILY_ID, 1);
	err = nfg_ipc_request(&r, nlh, NULL, NULL, NULL);
	CHECK(err < 0 && r.extack[0], "real kernel: extended ACK message parsed ('%s', %s)",
	      r.extack, nfg_strerror(err));
	nfg_ipc_close(&r);
}

int main(void)
{
	t_begin("ipc");
	family();
	commands();
	events();
	settings_forwards();
	dns();
	forged();
	apply();
	apply_settings_forwards();
	apply_dns();
	lazy();
	real_kernel();
	nfg_ipc_close(&ipc);
	return t_end();
}
