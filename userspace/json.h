/* SPDX-License-Identifier: GPL-2.0 */
/* A small streaming JSON writer and the JSON form of the objects. */
#ifndef NFG_JSON_H
#define NFG_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "model.h"

#define JSON_MAX_DEPTH 16

struct json {
	FILE *f;
	bool pretty;		/* indented, else one line */
	int depth;
	bool first[JSON_MAX_DEPTH];
};

void json_init(struct json *j, FILE *f, bool pretty);
/* key: NULL inside an array or at the top. */
void json_object_begin(struct json *j, const char *key);
void json_object_end(struct json *j);
void json_array_begin(struct json *j, const char *key);
void json_array_end(struct json *j);
void json_string(struct json *j, const char *key, const char *s);
void json_uint(struct json *j, const char *key, uint64_t v);
/* v / 10^decimals as a JSON number: 1250, 2 -> 12.5 */
void json_fixed(struct json *j, const char *key, uint64_t v, unsigned int decimals);
void json_bool(struct json *j, const char *key, bool v);
void json_null(struct json *j, const char *key);
/* Ends the document with a newline. */
void json_finish(struct json *j);

/*
 * Objects. all: every key of the shape, null when the kernel did not send
 * the attribute (show); otherwise only the attributes sent (events).
 * now_ms: CLOCK_BOOTTIME now, adds "changed_ago_ms" and
 * "health_since_ago_ms" (0: leave them out).
 */
void nfg_json_lan(struct json *j, const char *key, const struct nfg_lan *lan,
		  bool all);
void nfg_json_uplink(struct json *j, const char *key,
		     const struct nfg_uplink *up, bool all, uint64_t now_ms);
void nfg_json_stats(struct json *j, const char *key, const struct nfg_stats *st,
		    bool all);
/* settings: NULL gives null. */
void nfg_json_settings(struct json *j, const char *key,
		       const struct nfg_settings *s, bool all);
void nfg_json_forward(struct json *j, const char *key,
		      const struct nfg_forward *fw, bool all);
void nfg_json_host(struct json *j, const char *key, const struct nfg_host *h);
/* dns: NULL gives null. */
void nfg_json_dns(struct json *j, const char *key, const struct nfg_dns *dns, bool all);
/* The fields, with "answers4" and "answers6" arrays after "qtype". */
void nfg_json_dns_reply(struct json *j, const char *key, const struct nfg_dns_reply *r);
/* One event as one object; time: ISO 8601 timestamp. */
void nfg_json_event(struct json *j, const struct nfg_msg *msg, const char *time);
/* Same, with "previous_health_state" (the uplink's state before an
 * uplink_health event, as the monitor knew it; -1: leave it out). */
void nfg_json_event_prev(struct json *j, const struct nfg_msg *msg, const char *time,
			 int prev_state);

#endif
