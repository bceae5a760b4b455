// SPDX-License-Identifier: GPL-2.0
/* nfgate del lan | nfgate del uplink IFNAME */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "ipc.h"
#include "subcommands.h"

void del_usage(FILE *f)
{
	fprintf(f,
		"Usage: %s del lan\n"
		"       %s del uplink IFNAME\n", PROG_NAME, PROG_NAME);
}

int del_main(int argc, char *argv[])
{
	struct nfg_del_args args;
	struct nfg_ipc ipc;
	char err[256];
	int ret;

	if (nfg_parse_del_argv(argc - 1, argv + 1, &args, err, sizeof(err)))
		return cli_usage_error(del_usage,
				       argc > 1 && !strcmp(argv[1], "lan") ? "del lan" :
				       argc > 1 && !strcmp(argv[1], "uplink") ? "del uplink" : "del",
				       err);
	if (cli_open(&ipc))
		return 1;
	if (args.is_lan)
		ret = nfg_ipc_lan_del(&ipc);
	else
		ret = nfg_ipc_uplink_del(&ipc, args.ifname);
	if (ret == -ENOENT) {
		char what[64];

		snprintf(what, sizeof(what), "del uplink %s", args.ifname);
		ret = cli_error_msg(&ipc, args.is_lan ? "del lan" : what,
				    args.is_lan ? "no LAN is configured" : "no such uplink");
	} else if (ret) {
		ret = cli_error(&ipc, args.is_lan ? "del lan" : "del uplink", ret);
	}
	nfg_ipc_close(&ipc);
	return ret;
}
