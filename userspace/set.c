// SPDX-License-Identifier: GPL-2.0
/* nfgate set lan ... | nfgate set uplink IFNAME ... */
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
		"\n"
		"'set lan' creates or replaces the LAN. 'set uplink' creates the uplink\n"
		"(tier 0, weight 1, health %d, admin up unless given) or changes only\n"
		"the parameters given.\n",
		PROG_NAME, PROG_NAME, NFGATE_TIER_MAX, NFGATE_WEIGHT_MAX,
		NFGATE_HEALTH_MAX, NFGATE_HEALTH_MAX);
}

int set_main(int argc, char *argv[])
{
	struct nfg_set_args args;
	struct nfg_ipc ipc;
	char err[256];
	int ret;

	if (nfg_parse_set_argv(argc - 1, argv + 1, &args, err, sizeof(err)))
		return cli_usage_error(set_usage,
				       argc > 1 && !strcmp(argv[1], "lan") ? "set lan" :
				       argc > 1 && !strcmp(argv[1], "uplink") ? "set uplink" : "set",
				       err);
	if (cli_open(&ipc))
		return 1;
	if (args.is_lan)
		ret = nfg_ipc_lan_set(&ipc, &args.lan);
	else
		ret = nfg_ipc_uplink_set(&ipc, &args.uplink);
	if (ret)
		ret = cli_error(&ipc, args.is_lan ? "set lan" : "set uplink", ret);
	nfg_ipc_close(&ipc);
	return ret;
}
