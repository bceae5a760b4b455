// SPDX-License-Identifier: GPL-2.0
/*
 * JSON output. The shapes (keys snake_case, numbers as numbers, addresses
 * as dotted-quad strings, enums as strings):
 *
 * nfgate -j show
 *   { "generation": 42,
 *     "lan": LAN or null,
 *     "settings": SETTINGS or null (null: a module without settings),
 *     "dns": DNS or null (null: a module without the DNS check),
 *     "uplinks": [ UPLINK, ... ],
 *     "forwards": [ FORWARD, ... ],
 *     "stats": STATS }
 * nfgate -j show lan              LAN or null
 * nfgate -j show settings         SETTINGS
 * nfgate -j show uplinks          [ UPLINK, ... ]
 * nfgate -j show uplinks IFNAME   UPLINK
 * nfgate -j show forwards         [ FORWARD, ... ]
 * nfgate -j show stats            STATS
 * nfgate -j show dns              { "generation": 42, "dns": DNS,
 *                                   "stats": { the dns_* counters } }
 *
 * LAN    { "ifname": "br0", "ifindex": 3, "subnet": "192.168.0.0/22",
 *          "address": "192.168.0.0", "prefixlen": 22 }
 * UPLINK { "ifname": "ppp0", "ifindex": 5,
 *          "oper": "absent"|"down"|"up", "admin": "down"|"up",
 *          "tier": 0, "weight": 3, "health": 1000, "effective_weight": 3,
 *          "address": "100.64.0.2", "flows": 12,
 *          "changed_ms": 123456 (CLOCK_BOOTTIME), "changed_ago_ms": 5000,
 *          "tx_packets": 1, "tx_bytes": 2, "rx_packets": 3, "rx_bytes": 4,
 *          "id": 1, "usable": true,
 *          "health_state": "unknown"|"up"|"degraded"|"down",
 *          "health_reason": "none"|"probes_lost"|"probes_ok"|"loss"|"latency"|
 *                           "passive"|"carrier"|"dampened",
 *          "health_since_ms": 123456, "health_since_ago_ms": 5000,
 *          "probe_loss_pct": 12.5, "probe_rtt_ms": 23.456,
 *          "probe_jitter_ms": 1.2, "syn_sent": 10, "syn_answered": 9 }
 * DNS    { "mode": "off"|"log"|"drop", "router_mode": "inherit"|"off"|"log"|"drop",
 *          "hold_ms": 300, "hold_max": 256, "hold_per_client": 16,
 *          "expire": "release"|"drop", "ttl_slack": 2, "fast_pct": 50,
 *          "drop_score": 3, "forged4": 486, "forged6": 1, "held": 0,
 *          "queries": 3, "resolvers": 1 }
 * STATS  { "pre_routing": 1, "local_out": 2, "forward": 3, "post_routing": 4,
 *          ... one key per enum nfgate_stat, "dns_queries" ... "dns_hold_freed" }
 *
 * In show output every key is present; a value the kernel did not send is
 * null (ifindex is 0 and address null while the device is absent).
 *
 * nfgate -j monitor: one object per line,
 *   { "time": "2025-01-31T12:00:00.123+01:00",
 *     "event": "lan_set"|"lan_del"|"uplink_new"|"uplink_change"|
 *              "uplink_state"|"uplink_del"|"uplink_flush"|"settings"|
 *              "forward_new"|"forward_del"|"uplink_health"|"dns_forged"|"dns"|
 *              "forged",
 *     "previous_health_state": "up" (uplink_health, when monitor knew it),
 *     "generation": 43,
 *     "lan": LAN | "uplink": UPLINK | "settings": SETTINGS | "forward": FORWARD |
 *     "dns": DNS (dns, forged) | "dns_reply": DNS_REPLY (dns_forged),
 *     "flushed": 3, "resets": 2 (uplink_flush only) }
 * DNS_REPLY { "verdict": "superseded", "signals": [ "fast", "disagree" ],
 *             "client": "192.168.0.10", "resolver": "8.8.8.8", "uplink": "ppp0",
 *             "qname": "twitter.com", "qtype": "A", "answers4": [ ... ],
 *             "answers6": [ ... ], "ip_ttl": 57, "ip_id": 6699, "df": false,
 *             "flags": 33152, "lead_ms": 12.345 }
 * where the objects hold only the attributes the event carried (no "flows"
 * in uplink events) and have no "changed_ago_ms".
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <string.h>

#include "format.h"
#include "json.h"

void json_init(struct json *j, FILE *f, bool pretty)
{
	memset(j, 0, sizeof(*j));
	j->f = f;
	j->pretty = pretty;
	j->first[0] = true;
}

static void indent(struct json *j)
{
	if (!j->pretty)
		return;
	fputc('\n', j->f);
	for (int i = 0; i < j->depth; i++)
		fputs("  ", j->f);
}

static void put_escaped(FILE *f, const char *s)
{
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"': fputs("\\\"", f); break;
		case '\\': fputs("\\\\", f); break;
		case '\n': fputs("\\n", f); break;
		case '\t': fputs("\\t", f); break;
		case '\r': fputs("\\r", f); break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				fprintf(f, "\\u%04x", *p);
			else
				fputc(*p, f);
		}
	}
	fputc('"', f);
}

static void element(struct json *j, const char *key)
{
	if (!j->first[j->depth])
		fputc(',', j->f);
	if (j->depth > 0)
		indent(j);
	j->first[j->depth] = false;
	if (key) {
		put_escaped(j->f, key);
		fputs(j->pretty ? ": " : ":", j->f);
	}
}

static void open_(struct json *j, const char *key, char c)
{
	element(j, key);
	fputc(c, j->f);
	if (j->depth < JSON_MAX_DEPTH - 1)
		j->depth++;
	j->first[j->depth] = true;
}

static void close_(struct json *j, char c)
{
	bool empty = j->first[j->depth];

	if (j->depth > 0)
		j->depth--;
	if (!empty)
		indent(j);
	fputc(c, j->f);
}

void json_object_begin(struct json *j, const char *key) { open_(j, key, '{'); }
void json_object_end(struct json *j) { close_(j, '}'); }
void json_array_begin(struct json *j, const char *key) { open_(j, key, '['); }
void json_array_end(struct json *j) { close_(j, ']'); }

void json_string(struct json *j, const char *key, const char *s)
{
	element(j, key);
	put_escaped(j->f, s);
}

void json_uint(struct json *j, const char *key, uint64_t v)
{
	element(j, key);
	fprintf(j->f, "%" PRIu64, v);
}

void json_fixed(struct json *j, const char *key, uint64_t v, unsigned int decimals)
{
	char buf[32];

	element(j, key);
	fmt_fixed(buf, sizeof(buf), v, decimals);
	fputs(buf, j->f);
}

void json_bool(struct json *j, const char *key, bool v)
{
	element(j, key);
	fputs(v ? "true" : "false", j->f);
}

void json_null(struct json *j, const char *key)
{
	element(j, key);
	fputs("null", j->f);
}

void json_finish(struct json *j)
{
	fputc('\n', j->f);
	fflush(j->f);
}

static void json_in4(struct json *j, const char *key, uint32_t addr)
{
	char buf[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &addr, buf, sizeof(buf));
	json_string(j, key, buf);
}

static void json_enum(struct json *j, const char *key, const char *name,
		      uint64_t v)
{
	if (name)
		json_string(j, key, name);
	else
		json_uint(j, key, v);	/* newer kernel: a value we do not know */
}

static void json_fields(struct json *j, const void *obj, uint32_t present,
			const struct nfg_field *t, size_t n, bool all)
{
	for (size_t i = 0; i < n; i++) {
		const struct nfg_field *f = &t[i];
		uint64_t v;

		if (!(present & (1U << f->attr))) {
			if (all)
				json_null(j, f->key);
			continue;
		}
		v = nfg_field_uint(obj, f);
		switch (f->type) {
		case NFG_F_STRING:
		case NFG_F_QNAME:
			json_string(j, f->key, nfg_field_str(obj, f));
			break;
		case NFG_F_IN4:
			if (v || !all)
				json_in4(j, f->key, (uint32_t)v);
			else
				json_null(j, f->key);
			break;
		case NFG_F_ADMIN:
			json_enum(j, f->key, nfg_admin_name(v), v);
			break;
		case NFG_F_OPER:
			json_enum(j, f->key, nfg_oper_name(v), v);
			break;
		case NFG_F_PROTO:
			json_enum(j, f->key, nfg_proto_name(v), v);
			break;
		case NFG_F_HSTATE:
			json_enum(j, f->key, nfg_health_state_name(v), v);
			break;
		case NFG_F_HREASON:
			json_enum(j, f->key, nfg_health_reason_name(v), v);
			break;
		case NFG_F_DNSMODE:
			json_enum(j, f->key, nfg_dns_mode_name(v), v);
			break;
		case NFG_F_EXPIRE:
			json_enum(j, f->key, v == 0 ? "release" : v == 1 ? "drop" : NULL, v);
			break;
		case NFG_F_VERDICT:
			json_enum(j, f->key, nfg_dns_verdict_name(v), v);
			break;
		case NFG_F_QTYPE:
			json_enum(j, f->key, nfg_dns_qtype_name(v), v);
			break;
		case NFG_F_SIGNALS:
			json_array_begin(j, f->key);
			for (unsigned int b = 0; b < 32; b++) {
				if (!(v & (1U << b)))
					continue;
				if (nfg_dns_signal_name(b))
					json_string(j, NULL, nfg_dns_signal_name(b));
				else
					json_uint(j, NULL, 1U << b);
			}
			json_array_end(j);
			break;
		case NFG_F_PCT100:
			json_fixed(j, f->key, v, 2);
			break;
		case NFG_F_USEC:
			json_fixed(j, f->key, v, 3);
			break;
		case NFG_F_BOOL:
			json_bool(j, f->key, v != 0);
			break;
		default:
			json_uint(j, f->key, v);
		}
	}
}

void nfg_json_lan(struct json *j, const char *key, const struct nfg_lan *lan,
		  bool all)
{
	if (!lan) {
		json_null(j, key);
		return;
	}
	json_object_begin(j, key);
	for (size_t i = 0; i < nfg_lan_nfields; i++) {
		const struct nfg_field *f = &nfg_lan_fields[i];

		/* "subnet" goes right after ifindex, as people read it */
		if (f->attr == NFGATE_LAN_A_ADDR) {
			if (NFG_HAS(lan, NFGATE_LAN_A_ADDR) &&
			    NFG_HAS(lan, NFGATE_LAN_A_PREFIXLEN)) {
				char buf[32];

				fmt_subnet(buf, sizeof(buf), lan);
				json_string(j, "subnet", buf);
			} else if (all) {
				json_null(j, "subnet");
			}
		}
		if (NFG_HAS(lan, f->attr) && f->type == NFG_F_IN4)
			json_in4(j, f->key, (uint32_t)nfg_field_uint(lan, f));
		else
			json_fields(j, lan, lan->present, f, 1, all);
	}
	json_object_end(j);
}

void nfg_json_uplink(struct json *j, const char *key,
		     const struct nfg_uplink *up, bool all, uint64_t now_ms)
{
	json_object_begin(j, key);
	for (size_t i = 0; i < nfg_uplink_nfields; i++) {
		const struct nfg_field *f = &nfg_uplink_fields[i];

		json_fields(j, up, up->present, f, 1, all);
		if (f->attr == NFGATE_UPLINK_A_CHANGED_MS && now_ms) {
			if (NFG_HAS(up, f->attr))
				json_uint(j, "changed_ago_ms",
					  now_ms > up->changed_ms ? now_ms - up->changed_ms : 0);
			else if (all)
				json_null(j, "changed_ago_ms");
		}
		if (f->attr == NFGATE_UPLINK_A_HEALTH_SINCE_MS && now_ms) {
			/* 0: never changed */
			if (NFG_HAS(up, f->attr) && up->health_since_ms)
				json_uint(j, "health_since_ago_ms",
					  now_ms > up->health_since_ms ?
					  now_ms - up->health_since_ms : 0);
			else if (all)
				json_null(j, "health_since_ago_ms");
		}
	}
	json_object_end(j);
}

void nfg_json_stats(struct json *j, const char *key, const struct nfg_stats *st,
		    bool all)
{
	json_object_begin(j, key);
	for (unsigned int i = 1; i <= NFGATE_STAT_MAX; i++) {
		const char *name = nfg_stat_name(i);

		if (!name)
			continue;
		if (NFG_STAT_HAS(st, i))
			json_uint(j, name, st->counter[i]);
		else if (all)
			json_null(j, name);
	}
	json_object_end(j);
}

void nfg_json_settings(struct json *j, const char *key,
		       const struct nfg_settings *s, bool all)
{
	if (!s) {
		json_null(j, key);
		return;
	}
	json_object_begin(j, key);
	json_fields(j, s, s->present, nfg_settings_fields, nfg_settings_nfields, all);
	json_object_end(j);
}

void nfg_json_forward(struct json *j, const char *key,
		      const struct nfg_forward *fw, bool all)
{
	json_object_begin(j, key);
	json_fields(j, fw, fw->present, nfg_forward_fields, nfg_forward_nfields, all);
	json_object_end(j);
}

void nfg_json_host(struct json *j, const char *key, const struct nfg_host *h)
{
	json_object_begin(j, key);
	json_fields(j, h, h->present, nfg_host_fields, nfg_host_nfields, true);
	json_object_end(j);
}

void nfg_json_dns(struct json *j, const char *key, const struct nfg_dns *dns, bool all)
{
	if (!dns) {
		json_null(j, key);
		return;
	}
	json_object_begin(j, key);
	json_fields(j, dns, dns->present, nfg_dns_fields, nfg_dns_nfields, all);
	json_object_end(j);
}

void nfg_json_dns_reply(struct json *j, const char *key, const struct nfg_dns_reply *r)
{
	json_object_begin(j, key);
	for (size_t i = 0; i < nfg_dns_reply_nfields; i++) {
		const struct nfg_field *f = &nfg_dns_reply_fields[i];

		json_fields(j, r, r->present, f, 1, false);
		if (f->attr != NFGATE_DNS_REPLY_A_QTYPE)
			continue;
		json_array_begin(j, "answers4");
		for (unsigned int k = 0; k < r->n4 && k < NFG_DNS_ANSWERS_MAX; k++)
			json_in4(j, NULL, r->answer4[k]);
		json_array_end(j);
		json_array_begin(j, "answers6");
		for (unsigned int k = 0; k < r->n6 && k < NFG_DNS_ANSWERS_MAX; k++) {
			char buf[INET6_ADDRSTRLEN];

			inet_ntop(AF_INET6, r->answer6[k], buf, sizeof(buf));
			json_string(j, NULL, buf);
		}
		json_array_end(j);
	}
	json_object_end(j);
}

void nfg_json_event(struct json *j, const struct nfg_msg *msg, const char *time)
{
	nfg_json_event_prev(j, msg, time, -1);
}

void nfg_json_event_prev(struct json *j, const struct nfg_msg *msg, const char *time,
			 int prev_state)
{
	json_object_begin(j, NULL);
	json_string(j, "time", time);
	if (msg->has_event)
		json_enum(j, "event", nfg_event_name(msg->event), msg->event);
	if (prev_state >= 0)
		json_enum(j, "previous_health_state", nfg_health_state_name((unsigned int)prev_state),
			  (uint64_t)prev_state);
	if (msg->has_generation)
		json_uint(j, "generation", msg->generation);
	if (msg->has_lan)
		nfg_json_lan(j, "lan", &msg->lan, false);
	if (msg->has_uplink)
		nfg_json_uplink(j, "uplink", &msg->uplink, false, 0);
	if (msg->has_flushed)
		json_uint(j, "flushed", msg->flushed);
	if (msg->has_resets)
		json_uint(j, "resets", msg->resets);
	if (msg->has_settings)
		nfg_json_settings(j, "settings", &msg->settings, false);
	if (msg->has_forward)
		nfg_json_forward(j, "forward", &msg->forward, false);
	if (msg->has_dns)
		nfg_json_dns(j, "dns", &msg->dns, false);
	if (msg->has_dns_reply)
		nfg_json_dns_reply(j, "dns_reply", &msg->dns_reply);
	json_object_end(j);
}
