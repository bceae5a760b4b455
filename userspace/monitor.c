// SPDX-License-Identifier: GPL-2.0
/* nfgate monitor: one line per event of the "events" group until SIGINT. */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "format.h"
#include "ipc.h"
#include "json.h"
#include "subcommands.h"

static volatile sig_atomic_t stop;

void monitor_usage(FILE *f)
{
	fprintf(f,
		"Usage: %s [-j] monitor\n"
		"\n"
		"Prints one line per configuration or state change, with a timestamp,\n"
		"until interrupted: uplinks, health, settings, forwards, the DNS check and\n"
		"its forged set, and every reply the DNS check judged forged (verdict,\n"
		"signals, client, resolver, uplink, question, answers, fingerprint).\n"
		"With -j, one JSON object per line.\n", PROG_NAME);
}

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/*
 * "2025-01-31 12:00:00.123 uplink_state ppp0 oper up ... generation 7"
 * "... uplink_flush ppp0 ... flushed 3 resets 2 generation 8"
 * "... settings mark_mask 0x00ff0000 ... sticky_ms 0 generation 9"
 * "... forward_new proto tcp port 8080 to_addr 192.168.0.11 ... generation 10"
 * "... uplink_health ppp0 health up -> down (probes_lost) loss 100% rtt -
 *      jitter - score 0 generation 11" (the state before: as last seen)
 * "... dns_forged superseded signals fast,disagree client 192.168.0.10
 *      resolver 8.8.8.8 uplink ppp0 twitter.com/A answers 1.2.3.4 ttl 57
 *      id 0x1234 df yes flags 0x8180 lead 12.3ms generation 12"
 * "... dns mode drop router_mode inherit ... resolvers 1 generation 13"
 * "... forged forged4 470 forged6 1 generation 14"
 */
static int *tracked(struct monitor_health *mh, const char *ifname, bool add)
{
	size_t i;

	if (!mh)
		return NULL;
	for (i = 0; i < mh->n; i++)
		if (!strcmp(mh->up[i].ifname, ifname))
			return &mh->up[i].state;
	if (!add || mh->n == MONITOR_MAX_UPLINKS)
		return NULL;
	snprintf(mh->up[i].ifname, sizeof(mh->up[i].ifname), "%s", ifname);
	mh->up[i].state = -1;
	mh->n++;
	return &mh->up[i].state;
}

static const char *hstate(int s, char *buf, size_t len)
{
	const char *n = s >= 0 ? nfg_health_state_name((unsigned int)s) : "?";

	if (n)
		return n;
	snprintf(buf, len, "%d", s);
	return buf;
}

/* "ppp0 health up -> down (probes_lost) loss 100% rtt - jitter - score 0" */
static void print_health(const struct nfg_uplink *up, int prev)
{
	const char *reason = nfg_health_reason_name(up->health_reason);
	char a[16], b[16], v[32];

	printf(" %s health %s -> %s", up->ifname, hstate(prev, a, sizeof(a)),
	       NFG_HAS(up, NFGATE_UPLINK_A_HEALTH_STATE) ?
	       hstate(up->health_state, b, sizeof(b)) : "?");
	if (NFG_HAS(up, NFGATE_UPLINK_A_HEALTH_REASON)) {
		if (reason)
			printf(" (%s)", reason);
		else
			printf(" (%u)", up->health_reason);
	}
	if (NFG_HAS(up, NFGATE_UPLINK_A_PROBE_LOSS)) {
		fmt_fixed(v, sizeof(v), up->probe_loss, 2);
		printf(" loss %s%%", v);
	}
	if (NFG_HAS(up, NFGATE_UPLINK_A_PROBE_RTT_US)) {
		fmt_fixed(v, sizeof(v), up->probe_rtt_us, 3);
		printf(" rtt %s%s", up->probe_rtt_us ? v : "-", up->probe_rtt_us ? "ms" : "");
	}
	if (NFG_HAS(up, NFGATE_UPLINK_A_PROBE_JITTER_US)) {
		fmt_fixed(v, sizeof(v), up->probe_jitter_us, 3);
		printf(" jitter %s%s", up->probe_rtt_us ? v : "-", up->probe_rtt_us ? "ms" : "");
	}
	if (NFG_HAS(up, NFGATE_UPLINK_A_HEALTH))
		printf(" score %u", up->health);
}

/*
 * A reply judged forged, on one line: verdict, signals, who asked whom
 * through which uplink, the question, the answers, the injector's
 * fingerprint (IP TTL, IP ID, DF, DNS flags) and its lead.
 */
static void print_dns_reply(const struct nfg_dns_reply *r)
{
	const char *v = nfg_dns_verdict_name(r->verdict);
	const char *qt = nfg_dns_qtype_name(r->qtype);
	char buf[64];

#define HAS(a) NFG_HAS(r, NFGATE_DNS_REPLY_A_##a)
	if (v)
		printf(" %s", v);
	else
		printf(" verdict_%u", r->verdict);
	nfg_dns_signals_str(buf, sizeof(buf), r->signals);
	printf(" signals %s", buf);
	if (HAS(CLIENT)) {
		fmt_in4(buf, sizeof(buf), r->client);
		printf(" client %s", buf);
	}
	if (HAS(RESOLVER)) {
		fmt_in4(buf, sizeof(buf), r->resolver);
		printf(" resolver %s", buf);
	}
	printf(" uplink %s", HAS(UPLINK) ? r->uplink : "-");
	printf(" %s/", HAS(QNAME) ? r->qname : "?");
	if (qt)
		printf("%s", qt);
	else
		printf("TYPE%u", r->qtype);
	printf(" answers");
	for (unsigned int i = 0; i < r->n4; i++) {
		fmt_in4(buf, sizeof(buf), r->answer4[i]);
		printf("%s%s", i ? "," : " ", buf);
	}
	for (unsigned int i = 0; i < r->n6; i++) {
		inet_ntop(AF_INET6, r->answer6[i], buf, sizeof(buf));
		printf("%s%s", i || r->n4 ? "," : " ", buf);
	}
	if (!r->n4 && !r->n6)
		printf(" -");
	if (HAS(IP_TTL))
		printf(" ttl %u", r->ip_ttl);
	if (HAS(IP_ID))
		printf(" id 0x%04x", r->ip_id);
	if (HAS(DF))
		printf(" df %s", r->df ? "yes" : "no");
	if (HAS(FLAGS))
		printf(" flags 0x%04x", r->flags);
	if (HAS(LEAD_US) && r->lead_us) {
		fmt_fixed(buf, sizeof(buf), r->lead_us, 3);
		printf(" lead %sms", buf);
	}
#undef HAS
}

void monitor_print_event(const struct nfg_msg *msg, void *data)
{
	const char *name = nfg_event_name(msg->event);
	bool health_ev = msg->event == NFGATE_EVENT_UPLINK_HEALTH && msg->has_uplink;
	int prev = -1, *slot = NULL;
	char now[64];

	if (msg->has_uplink) {
		slot = tracked(data, msg->uplink.ifname,
			       NFG_HAS(&msg->uplink, NFGATE_UPLINK_A_HEALTH_STATE));
		if (slot)
			prev = *slot;
		if (slot && NFG_HAS(&msg->uplink, NFGATE_UPLINK_A_HEALTH_STATE))
			*slot = msg->uplink.health_state;
		if (slot && msg->event == NFGATE_EVENT_UPLINK_DEL)
			*slot = -1;
	}
	if (opt_json) {
		struct json j;

		fmt_now(now, sizeof(now), true);
		json_init(&j, stdout, false);
		nfg_json_event_prev(&j, msg, now, health_ev ? prev : -1);
		json_finish(&j);
		return;
	}
	fmt_now(now, sizeof(now), false);
	if (name)
		printf("%s %s", now, name);
	else
		printf("%s event_%u", now, msg->event);
	if (health_ev) {
		print_health(&msg->uplink, prev);
		if (msg->has_generation)
			printf(" generation %u", msg->generation);
		printf("\n");
		fflush(stdout);
		return;
	}
	if (msg->has_lan) {
		printf(" %s", msg->lan.ifname[0] ? msg->lan.ifname : "lan");
		fmt_lan_kv(stdout, &msg->lan);
	}
	if (msg->has_uplink) {
		printf(" %s", msg->uplink.ifname);
		fmt_uplink_kv(stdout, &msg->uplink);
	}
	if (msg->has_flushed)
		printf(" flushed %u", msg->flushed);
	if (msg->has_resets)
		printf(" resets %u", msg->resets);
	if (msg->has_settings)
		fmt_settings_kv(stdout, &msg->settings);
	if (msg->has_forward)
		fmt_forward_kv(stdout, &msg->forward);
	if (msg->has_dns_reply)
		print_dns_reply(&msg->dns_reply);
	if (msg->has_dns && msg->event == NFGATE_EVENT_FORGED)
		printf(" forged4 %u forged6 %u", msg->dns.forged4, msg->dns.forged6);
	else if (msg->has_dns)
		fmt_dns_kv(stdout, &msg->dns);
	if (msg->has_generation)
		printf(" generation %u", msg->generation);
	printf("\n");
	fflush(stdout);
}

int monitor_main(int argc, char *argv[])
{
	struct sigaction sa = { .sa_handler = on_signal };
	static struct monitor_health mh;
	struct nfg_ipc ipc;
	int err;

	(void)argv;
	if (argc > 1)
		return cli_usage_error(monitor_usage, "monitor", "too many arguments");
	if (cli_open(&ipc))
		return 1;
	err = nfg_ipc_subscribe(&ipc);
	if (err == -ENOENT) {
		fprintf(stderr, "%s: monitor: the family has no '%s' multicast group\n",
			PROG_NAME, NFGATE_MCGRP_EVENTS);
		nfg_ipc_close(&ipc);
		return 1;
	}
	if (err) {
		err = cli_error(&ipc, "monitor", err);
		nfg_ipc_close(&ipc);
		return err;
	}
	/* the health states before the first uplink_health event */
	{
		struct nfg_uplink *ups = NULL;
		size_t n = 0;

		if (!nfg_ipc_uplink_dump(&ipc, &ups, &n, NULL))
			for (size_t i = 0; i < n; i++) {
				int *slot = tracked(&mh, ups[i].ifname, true);

				if (slot && NFG_HAS(&ups[i], NFGATE_UPLINK_A_HEALTH_STATE))
					*slot = ups[i].health_state;
			}
		free(ups);
	}
	/* no SA_RESTART: poll returns EINTR */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	while (!stop) {
		struct pollfd pfd = { .fd = nfg_ipc_fd(&ipc), .events = POLLIN };

		if (poll(&pfd, 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			err = cli_error(NULL, "monitor", -errno);
			break;
		}
		err = nfg_ipc_read_events(&ipc, monitor_print_event, &mh);
		if (err == -ENOBUFS) {
			fprintf(stderr, "%s: monitor: events were lost (receive buffer overrun)\n",
				PROG_NAME);
			err = 0;
		} else if (err == -EINTR || err == -EAGAIN) {
			err = 0;
		} else if (err) {
			err = cli_error(NULL, "monitor", err);
			break;
		}
	}
	nfg_ipc_close(&ipc);
	return err ? 1 : 0;
}
