// SPDX-License-Identifier: GPL-2.0
/* nfgate monitor: one line per event of the "events" group until SIGINT. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
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
		"until interrupted. With -j, one JSON object per line.\n", PROG_NAME);
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
 */
void monitor_print_event(const struct nfg_msg *msg, void *data)
{
	const char *name = nfg_event_name(msg->event);
	char now[64];

	(void)data;
	if (opt_json) {
		struct json j;

		fmt_now(now, sizeof(now), true);
		json_init(&j, stdout, false);
		nfg_json_event(&j, msg, now);
		json_finish(&j);
		return;
	}
	fmt_now(now, sizeof(now), false);
	if (name)
		printf("%s %s", now, name);
	else
		printf("%s event_%u", now, msg->event);
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
	if (msg->has_generation)
		printf(" generation %u", msg->generation);
	printf("\n");
	fflush(stdout);
}

int monitor_main(int argc, char *argv[])
{
	struct sigaction sa = { .sa_handler = on_signal };
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
		err = nfg_ipc_read_events(&ipc, monitor_print_event, NULL);
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
