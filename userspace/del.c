// SPDX-License-Identifier: GPL-2.0
/* nfgate del lan | nfgate del uplink IFNAME | nfgate del forward tcp|udp PORT */
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
		"       %s del uplink IFNAME\n"
		"       %s del forward tcp|udp PORT\n", PROG_NAME, PROG_NAME, PROG_NAME);
}

int del_main(int argc, char *argv[])
{
	struct nfg_del_args args;
	struct nfg_ipc ipc;
	char err[256], what[64];
	const char *missing = NULL;
	int ret = 0;

	cli_what(what, sizeof(what), argc, argv);
	if (nfg_parse_del_argv(argc - 1, argv + 1, &args, err, sizeof(err)))
		return cli_usage_error(del_usage, what, err);
	if (cli_open(&ipc))
		return 1;
	switch (args.obj) {
	case NFG_OBJ_LAN:
		ret = nfg_ipc_lan_del(&ipc);
		missing = "no LAN is configured";
		break;
	case NFG_OBJ_UPLINK:
		ret = nfg_ipc_uplink_del(&ipc, args.ifname);
		missing = "no such uplink";
		snprintf(what, sizeof(what), "del uplink %s", args.ifname);
		break;
	case NFG_OBJ_FORWARD:
		ret = nfg_ipc_forward_del(&ipc, args.proto, args.port);
		missing = "no such forward";
		snprintf(what, sizeof(what), "del forward %s %u",
			 nfg_proto_name(args.proto), args.port);
		break;
	case NFG_OBJ_SETTINGS:
	case NFG_OBJ_DNS:
		break;
	}
	if (ret == -ENOENT)
		ret = cli_error_msg(&ipc, what, missing);
	else if (ret)
		ret = cli_error(&ipc, args.obj == NFG_OBJ_UPLINK ? "del uplink" :
				args.obj == NFG_OBJ_FORWARD ? "del forward" : what, ret);
	nfg_ipc_close(&ipc);
	return ret;
}
