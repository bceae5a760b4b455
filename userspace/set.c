// SPDX-License-Identifier: GPL-2.0
/* nfgate set lan ... | uplink IFNAME ... | settings ... | forward ... | dns ... */
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "ipc.h"
#include "subcommands.h"

void set_usage(FILE *f)
{
	fprintf(f,
		"Usage: %s set lan dev IFNAME subnet A.B.C.D/N\n"
		"       %s set uplink IFNAME [tier 0..%d] [weight 0..%d] [health 0..%d]\n"
		"                            [admin up|down]\n"
		"       %s set settings [mark-mask MASK] [skip-mark MARK] [failover-rst on|off]\n"
		"                       [holddown 0..%d] [sticky 0..%d]\n"
		"       %s set forward tcp|udp PORT to A.B.C.D[:PORT] [uplink IFNAME]\n"
		"       %s set dns [mode off|log|drop] [router-mode inherit|off|log|drop]\n"
		"                  [hold-ms 0..%d] [hold-max 1..%d] [hold-per-client 1..%d]\n"
		"                  [expire release|drop] [ttl-slack 0..255] [fast-pct 0..100]\n"
		"                  [drop-score 0..%d]\n"
		"\n"
		"'set lan' creates or replaces the LAN. 'set uplink' creates the uplink\n"
		"(tier 0, weight 1, health %d, admin up unless given) or changes only\n"
		"the parameters given.\n"
		"'set settings' changes only the settings given: MASK and MARK in decimal\n"
		"or 0x hex, the mask one run of at least %d contiguous bits (kernel\n"
		"defaults: mark-mask 0x%08x, skip-mark 0, failover-rst on, holddown %d,\n"
		"sticky 0; times in ms).\n"
		"'set forward' creates or replaces the forward of that protocol and port\n"
		"to a LAN host (its port: the same unless given), on every uplink or\n"
		"only on the one given.\n"
		"'set dns' changes only the parameters given of the DNS reply check:\n"
		"mode for replies to LAN clients, router-mode for the router's own\n"
		"(inherit: as mode); a suspicious reply is held up to hold-ms for a better\n"
		"one, then released or dropped (expire); drop-score signals drop a reply\n"
		"at once (0: never). Kernel defaults: mode off, router-mode inherit,\n"
		"hold-ms %d, hold-max %d, hold-per-client %d, expire release, ttl-slack %d,\n"
		"fast-pct %d, drop-score %d. See Documentation/dns.rst.\n",
		PROG_NAME,
		PROG_NAME, NFGATE_TIER_MAX, NFGATE_WEIGHT_MAX, NFGATE_HEALTH_MAX,
		PROG_NAME, NFGATE_HOLDDOWN_MS_MAX, NFGATE_STICKY_MS_MAX,
		PROG_NAME,
		PROG_NAME, NFGATE_DNS_HOLD_MS_MAX, NFGATE_DNS_HOLD_MAX_MAX,
		NFGATE_DNS_HOLD_MAX_MAX, NFGATE_DNS_SIG_COUNT,
		NFGATE_HEALTH_MAX,
		NFGATE_MARK_BITS_MIN, NFGATE_DEFAULT_MARK_MASK, NFGATE_DEFAULT_HOLDDOWN_MS,
		NFGATE_DNS_DEFAULT_HOLD_MS, NFGATE_DNS_DEFAULT_HOLD_MAX,
		NFGATE_DNS_DEFAULT_HOLD_PER_CLIENT, NFGATE_DNS_DEFAULT_TTL_SLACK,
		NFGATE_DNS_DEFAULT_FAST_PCT, NFGATE_DNS_DEFAULT_DROP_SCORE);
}

int set_main(int argc, char *argv[])
{
	struct nfg_set_args args;
	struct nfg_ipc ipc;
	char err[256], what[32];
	int ret = 0;

	cli_what(what, sizeof(what), argc, argv);
	if (nfg_parse_set_argv(argc - 1, argv + 1, &args, err, sizeof(err)))
		return cli_usage_error(set_usage, what, err);
	if (cli_open(&ipc))
		return 1;
	switch (args.obj) {
	case NFG_OBJ_LAN:
		ret = nfg_ipc_lan_set(&ipc, &args.lan);
		break;
	case NFG_OBJ_UPLINK:
		ret = nfg_ipc_uplink_set(&ipc, &args.uplink);
		break;
	case NFG_OBJ_SETTINGS:
		ret = nfg_ipc_settings_set(&ipc, &args.settings);
		break;
	case NFG_OBJ_FORWARD:
		ret = nfg_ipc_forward_set(&ipc, &args.forward);
		break;
	case NFG_OBJ_DNS:
		ret = nfg_ipc_dns_set(&ipc, &args.dns);
		break;
	}
	if (ret)
		ret = cli_error(&ipc, what, ret);
	nfg_ipc_close(&ipc);
	return ret;
}
