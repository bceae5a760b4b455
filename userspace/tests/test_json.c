// SPDX-License-Identifier: GPL-2.0
/* The JSON writer and the JSON form of the objects. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "harness.h"
#include "json.h"

static char *out;
static size_t out_len;

static FILE *open_out(void)
{
	free(out);
	out = NULL;
	return open_memstream(&out, &out_len);
}

static void expect(FILE *f, const char *want, const char *desc)
{
	fclose(f);
	if (!CHECK(!strcmp(out, want), "%s", desc)) {
		t_diag("want: %s", want);
		t_diag("got:  %s", out);
	}
}

static struct nfg_uplink full_uplink(void)
{
	struct nfg_uplink up = {
		.ifname = "ppp0", .ifindex = 5, .tier = 0, .weight = 3,
		.health = 1000, .admin = NFGATE_ADMIN_UP, .oper = NFGATE_OPER_UP,
		.eff_weight = 3, .addr = htonl(0x64400002), .flows = 12,
		.changed_ms = 1000, .tx_packets = 1, .tx_bytes = 2,
		.rx_packets = 3, .rx_bytes = 18446744073709551615ULL,
		.id = 2, .usable = 1,
		.health_state = NFGATE_HEALTH_DEGRADED, .health_reason = NFGATE_REASON_LOSS,
		.health_since_ms = 4000, .probe_loss = 1250, .probe_rtt_us = 23456,
		.probe_jitter_us = 1000, .syn_sent = 10, .syn_answered = 9,
	};

	for (size_t i = 0; i < nfg_uplink_nfields; i++)
		NFG_MARK(&up, nfg_uplink_fields[i].attr);
	return up;
}

int main(void)
{
	struct nfg_uplink up = full_uplink();
	struct nfg_lan lan = { .ifname = "br0", .ifindex = 3,
			       .addr = htonl(0xc0a80000), .prefixlen = 22 };
	struct nfg_stats st = { 0 };
	struct nfg_msg msg = { 0 };
	struct nfg_settings settings;
	struct nfg_forward fw = { 0 };
	struct json j;
	FILE *f;

	t_begin("json");

	f = open_out();
	json_init(&j, f, false);
	json_object_begin(&j, NULL);
	json_string(&j, "s", "a\"b\\c\n\t\x01");
	json_uint(&j, "n", 18446744073709551615ULL);
	json_null(&j, "z");
	json_bool(&j, "t", true);
	json_array_begin(&j, "empty");
	json_array_end(&j);
	json_object_begin(&j, "o");
	json_object_end(&j);
	json_array_begin(&j, "a");
	json_uint(&j, NULL, 1);
	json_string(&j, NULL, "x");
	json_array_end(&j);
	json_object_end(&j);
	json_finish(&j);
	expect(f, "{\"s\":\"a\\\"b\\\\c\\n\\t\\u0001\",\"n\":18446744073709551615,"
		  "\"z\":null,\"t\":true,\"empty\":[],\"o\":{},\"a\":[1,\"x\"]}\n",
	       "compact writer: escapes, u64, null, empty containers");

	f = open_out();
	json_init(&j, f, true);
	json_object_begin(&j, NULL);
	json_uint(&j, "a", 1);
	json_array_begin(&j, "b");
	json_uint(&j, NULL, 2);
	json_array_end(&j);
	json_array_begin(&j, "c");
	json_array_end(&j);
	json_object_end(&j);
	json_finish(&j);
	expect(f, "{\n  \"a\": 1,\n  \"b\": [\n    2\n  ],\n  \"c\": []\n}\n",
	       "pretty writer: two-space indent");

	f = open_out();
	json_init(&j, f, false);
	nfg_json_uplink(&j, NULL, &up, true, 6000);
	json_finish(&j);
	expect(f, "{\"ifname\":\"ppp0\",\"ifindex\":5,\"oper\":\"up\",\"admin\":\"up\","
		  "\"tier\":0,\"weight\":3,\"health\":1000,\"effective_weight\":3,"
		  "\"address\":\"100.64.0.2\",\"flows\":12,\"changed_ms\":1000,"
		  "\"changed_ago_ms\":5000,\"tx_packets\":1,\"tx_bytes\":2,"
		  "\"rx_packets\":3,\"rx_bytes\":18446744073709551615,"
		  "\"id\":2,\"usable\":true,\"health_state\":\"degraded\",\"health_reason\":\"loss\","
		  "\"health_since_ms\":4000,\"health_since_ago_ms\":2000,\"probe_loss_pct\":12.5,"
		  "\"probe_rtt_ms\":23.456,\"probe_jitter_ms\":1,\"syn_sent\":10,\"syn_answered\":9}\n",
	       "uplink: every key, snake_case, numbers as numbers, usable a bool, link health "
	       "(percent and ms as decimal numbers)");

	up.present = (1U << NFGATE_UPLINK_A_IFNAME) | (1U << NFGATE_UPLINK_A_OPER);
	up.oper = NFGATE_OPER_ABSENT;
	f = open_out();
	json_init(&j, f, false);
	nfg_json_uplink(&j, NULL, &up, true, 6000);
	json_finish(&j);
	expect(f, "{\"ifname\":\"ppp0\",\"ifindex\":null,\"oper\":\"absent\",\"admin\":null,"
		  "\"tier\":null,\"weight\":null,\"health\":null,\"effective_weight\":null,"
		  "\"address\":null,\"flows\":null,\"changed_ms\":null,"
		  "\"changed_ago_ms\":null,\"tx_packets\":null,\"tx_bytes\":null,"
		  "\"rx_packets\":null,\"rx_bytes\":null,\"id\":null,\"usable\":null,"
		  "\"health_state\":null,\"health_reason\":null,\"health_since_ms\":null,"
		  "\"health_since_ago_ms\":null,\"probe_loss_pct\":null,\"probe_rtt_ms\":null,"
		  "\"probe_jitter_ms\":null,\"syn_sent\":null,\"syn_answered\":null}\n",
	       "uplink (show): attributes not sent are null");

	/* decimals: exact, no trailing zeros, no float rounding */
	{
		static const struct { uint64_t v; unsigned int d; const char *s; } fx[] = {
			{ 0, 2, "0" }, { 10000, 2, "100" }, { 1, 2, "0.01" }, { 1250, 2, "12.5" },
			{ 999999, 3, "999.999" }, { 20, 3, "0.02" }, { 4294967295u, 3, "4294967.295" },
		};

		for (size_t i = 0; i < sizeof(fx) / sizeof(fx[0]); i++) {
			f = open_out();
			json_init(&j, f, false);
			json_fixed(&j, NULL, fx[i].v, fx[i].d);
			fclose(f);
			CHECK(!strcmp(out, fx[i].s), "json_fixed(%llu, %u) = %s (got %s)",
			      (unsigned long long)fx[i].v, fx[i].d, fx[i].s, out);
		}
	}
	/* an enum value from a newer kernel: its number */
	{
		struct nfg_uplink u9 = full_uplink();

		u9.health_state = 9;
		u9.health_reason = 42;
		f = open_out();
		json_init(&j, f, false);
		nfg_json_uplink(&j, NULL, &u9, true, 0);
		fclose(f);
	}
	CHECK(strstr(out, "\"health_state\":9,\"health_reason\":42,\"health_since_ms\":4000,"
			  "\"probe_loss_pct\"") != NULL,
	      "unknown health state/reason: numbers; no health_since_ago_ms without now");
	/* an uplink_health event with the state before */
	memset(&msg, 0, sizeof(msg));
	msg.has_event = msg.has_uplink = true;
	msg.event = NFGATE_EVENT_UPLINK_HEALTH;
	msg.uplink = full_uplink();
	msg.uplink.present = (1U << NFGATE_UPLINK_A_IFNAME) | (1U << NFGATE_UPLINK_A_HEALTH_STATE);
	f = open_out();
	json_init(&j, f, false);
	nfg_json_event_prev(&j, &msg, "T", NFGATE_HEALTH_UP);
	fclose(f);
	CHECK(!strcmp(out, "{\"time\":\"T\",\"event\":\"uplink_health\",\"previous_health_state\":\"up\","
			   "\"uplink\":{\"ifname\":\"ppp0\",\"health_state\":\"degraded\"}}"),
	      "uplink_health event: previous_health_state, the uplink after the change");
	memset(&msg, 0, sizeof(msg));

	up = full_uplink();
	up.addr = 0;
	f = open_out();
	json_init(&j, f, false);
	nfg_json_uplink(&j, NULL, &up, true, 0);
	json_finish(&j);
	CHECK(strstr(out, "\"address\":null") && !strstr(out, "changed_ago_ms"),
	      "uplink: address 0.0.0.0 (no address) is null; no changed_ago_ms without now");
	fclose(f);

	f = open_out();
	json_init(&j, f, false);
	nfg_json_lan(&j, NULL, &lan, true);
	json_finish(&j);
	expect(f, "{\"ifname\":null,\"ifindex\":null,\"subnet\":null,"
		  "\"address\":null,\"prefixlen\":null}\n",
	       "lan: nothing marked present, all null");

	lan.present = (1U << NFGATE_LAN_A_IFNAME) | (1U << NFGATE_LAN_A_IFINDEX) |
		      (1U << NFGATE_LAN_A_ADDR) | (1U << NFGATE_LAN_A_PREFIXLEN);
	f = open_out();
	json_init(&j, f, false);
	nfg_json_lan(&j, NULL, &lan, true);
	json_finish(&j);
	expect(f, "{\"ifname\":\"br0\",\"ifindex\":3,\"subnet\":\"192.168.0.0/22\","
		  "\"address\":\"192.168.0.0\",\"prefixlen\":22}\n", "lan");

	f = open_out();
	json_init(&j, f, false);
	nfg_json_lan(&j, NULL, NULL, true);
	json_finish(&j);
	expect(f, "null\n", "no lan: null");

	st.counter[NFGATE_STAT_PRE_ROUTING] = 10;
	st.counter[NFGATE_STAT_FORWARD] = 7;
	st.present = (1ULL << NFGATE_STAT_PRE_ROUTING) | (1ULL << NFGATE_STAT_FORWARD);
	f = open_out();
	json_init(&j, f, false);
	nfg_json_stats(&j, NULL, &st, true);
	json_finish(&j);
	expect(f, "{\"pre_routing\":10,\"local_out\":null,\"forward\":7,\"post_routing\":null,"
		  "\"flow_pinned\":null,\"flow_inbound\":null,\"no_uplink\":null,"
		  "\"rerouted\":null,\"reroute_failed\":null,\"masqueraded\":null,"
		  "\"port_forwarded\":null,\"hairpin\":null,\"spoof_dropped\":null,"
		  "\"flushed\":null,\"resets_sent\":null,\"dns_queries\":null,"
		  "\"dns_replies\":null,\"dns_malformed\":null,\"dns_no_query\":null,"
		  "\"dns_sig_addr\":null,\"dns_sig_ttl\":null,\"dns_sig_shape\":null,"
		  "\"dns_sig_fast\":null,\"dns_sig_disagree\":null,\"dns_sig_iphdr\":null,"
		  "\"dns_passed\":null,\"dns_dropped\":null,\"dns_held\":null,"
		  "\"dns_superseded\":null,\"dns_expired\":null,\"dns_expired_drop\":null,"
		  "\"dns_logged\":null,\"dns_late\":null,\"dns_hold_full\":null,"
		  "\"dns_hold_freed\":null,\"dns_duplicate\":null,\"tunnel_tcp\":null,\"tunnel_udp\":null,"
		  "\"tunnel_fail_open\":null,\"tunnel_blocked\":null,\"tunnel_no_socket\":null,"
		  "\"tunnel_checks\":null,\"tunnel_r_local\":null,\"tunnel_r_src_bypass\":null,"
		  "\"tunnel_r_src_forward\":null,\"tunnel_r_forward\":null,"
		  "\"tunnel_r_reserved\":null,\"tunnel_r_bypass\":null,"
		  "\"tunnel_r_default\":null,\"hosts_overflow\":null}\n",
	       "stats: every counter of enum nfgate_stat, PAD left out");
	for (unsigned int i = 1; i <= NFGATE_STAT_MAX; i++)
		if (i != NFGATE_STAT_PAD && !nfg_stat_name(i))
			CHECK(0, "stat %u has a name", i);

	f = open_out();
	json_init(&j, f, false);
	nfg_settings_defaults(&settings);
	nfg_json_settings(&j, NULL, &settings, true);
	json_finish(&j);
	expect(f, "{\"mark_mask\":16711680,\"skip_mark\":0,\"failover_rst\":true,"
		  "\"holddown_ms\":5000,\"sticky_ms\":0}\n",
	       "settings: marks as numbers, failover_rst a bool");
	f = open_out();
	json_init(&j, f, false);
	nfg_json_settings(&j, NULL, NULL, true);
	json_finish(&j);
	expect(f, "null\n", "no settings (old module): null");

	fw.proto = IPPROTO_UDP;
	fw.port = 53;
	fw.to_addr = htonl(0xc0a8000b);
	fw.to_port = 5353;
	fw.hits = 7;
	fw.present = (1U << NFGATE_FORWARD_A_PROTO) | (1U << NFGATE_FORWARD_A_PORT) |
		     (1U << NFGATE_FORWARD_A_TO_ADDR) | (1U << NFGATE_FORWARD_A_TO_PORT) |
		     (1U << NFGATE_FORWARD_A_HITS);
	f = open_out();
	json_init(&j, f, false);
	nfg_json_forward(&j, NULL, &fw, true);
	json_finish(&j);
	expect(f, "{\"proto\":\"udp\",\"port\":53,\"to_addr\":\"192.168.0.11\","
		  "\"to_port\":5353,\"uplink\":null,\"hits\":7}\n",
	       "forward: proto a string, uplink null for every uplink");
	strcpy(fw.uplink, "ppp0");
	NFG_MARK(&fw, NFGATE_FORWARD_A_UPLINK);
	fw.proto = 99;
	f = open_out();
	json_init(&j, f, false);
	nfg_json_forward(&j, NULL, &fw, true);
	json_finish(&j);
	CHECK(strstr(out, "\"proto\":99,") && strstr(out, "\"uplink\":\"ppp0\""),
	      "forward: an unknown protocol as its number, uplink a string");
	fclose(f);

	msg.cmd = NFGATE_CMD_EVENT;
	msg.has_event = msg.has_generation = msg.has_uplink = true;
	msg.event = NFGATE_EVENT_UPLINK_STATE;
	msg.generation = 43;
	msg.uplink.present = (1U << NFGATE_UPLINK_A_IFNAME) | (1U << NFGATE_UPLINK_A_OPER) |
			     (1U << NFGATE_UPLINK_A_EFF_WEIGHT);
	strcpy(msg.uplink.ifname, "wwan0");
	msg.uplink.oper = NFGATE_OPER_DOWN;
	f = open_out();
	json_init(&j, f, false);
	nfg_json_event(&j, &msg, "2025-01-31T12:00:00.123+01:00");
	json_finish(&j);
	expect(f, "{\"time\":\"2025-01-31T12:00:00.123+01:00\",\"event\":\"uplink_state\","
		  "\"generation\":43,\"uplink\":{\"ifname\":\"wwan0\",\"oper\":\"down\","
		  "\"effective_weight\":0}}\n",
	       "event: one line, only the attributes sent");

	msg.event = NFGATE_EVENT_UPLINK_FLUSH;
	msg.has_flushed = msg.has_resets = true;
	msg.flushed = 3;
	msg.resets = 2;
	msg.uplink.present = 1U << NFGATE_UPLINK_A_IFNAME;
	f = open_out();
	json_init(&j, f, false);
	nfg_json_event(&j, &msg, "t");
	json_finish(&j);
	expect(f, "{\"time\":\"t\",\"event\":\"uplink_flush\",\"generation\":43,"
		  "\"uplink\":{\"ifname\":\"wwan0\"},\"flushed\":3,\"resets\":2}\n",
	       "uplink_flush event: flushed and resets");

	memset(&msg, 0, sizeof(msg));
	msg.has_event = msg.has_settings = true;
	msg.event = NFGATE_EVENT_SETTINGS;
	msg.settings.present = 1U << NFGATE_SETTINGS_A_STICKY_MS;
	msg.settings.sticky_ms = 60000;
	f = open_out();
	json_init(&j, f, false);
	nfg_json_event(&j, &msg, "t");
	json_finish(&j);
	expect(f, "{\"time\":\"t\",\"event\":\"settings\",\"settings\":{\"sticky_ms\":60000}}\n",
	       "settings event: only the attributes sent");

	memset(&msg, 0, sizeof(msg));
	msg.has_event = msg.has_forward = true;
	msg.event = NFGATE_EVENT_FORWARD_NEW;
	msg.forward = fw;
	msg.forward.proto = IPPROTO_TCP;
	msg.forward.present &= ~(1U << NFGATE_FORWARD_A_HITS);
	f = open_out();
	json_init(&j, f, false);
	nfg_json_event(&j, &msg, "t");
	json_finish(&j);
	expect(f, "{\"time\":\"t\",\"event\":\"forward_new\",\"forward\":{\"proto\":\"tcp\","
		  "\"port\":53,\"to_addr\":\"192.168.0.11\",\"to_port\":5353,\"uplink\":\"ppp0\"}}\n",
	       "forward_new event");
	CHECK(!strcmp(nfg_event_name(NFGATE_EVENT_FORWARD_DEL), "forward_del") &&
	      nfg_event_name(NFGATE_EVENT_MAX + 1) == NULL, "event names up to forward_del");

	msg.event = 99;
	msg.has_forward = false;
	msg.has_generation = true;
	msg.generation = 43;
	f = open_out();
	json_init(&j, f, false);
	nfg_json_event(&j, &msg, "t");
	json_finish(&j);
	expect(f, "{\"time\":\"t\",\"event\":99,\"generation\":43}\n",
	       "event unknown to this version: its number");

	free(out);
	return t_end();
}
