// SPDX-License-Identifier: GPL-2.0
/* What the subcommands of nfgate share: options, opening, error reports. */
#include <stdio.h>

#include "config.h"
#include "ipc.h"
#include "subcommands.h"

const char *PROG_NAME = "nfgate";
bool opt_json;
int (*cli_ipc_open)(struct nfg_ipc *ipc) = nfg_ipc_open;

int cli_usage_error(void (*u)(FILE *f), const char *what, const char *msg)
{
	fprintf(stderr, "%s: %s: %s\n", PROG_NAME, what, msg);
	u(stderr);
	return EXIT_USAGE;
}

int cli_error(struct nfg_ipc *ipc, const char *what, int err)
{
	if (err == -NFG_ENOFAMILY || err == NFG_ENOFAMILY)
		fprintf(stderr, "%s: %s\n", PROG_NAME, nfg_strerror(err));
	else if (ipc && ipc->extack[0])
		fprintf(stderr, "%s: %s: %s (kernel: %s)\n", PROG_NAME, what,
			nfg_strerror(err), ipc->extack);
	else
		fprintf(stderr, "%s: %s: %s\n", PROG_NAME, what, nfg_strerror(err));
	return 1;
}

int cli_error_msg(struct nfg_ipc *ipc, const char *what, const char *msg)
{
	if (ipc && ipc->extack[0])
		fprintf(stderr, "%s: %s: %s (kernel: %s)\n", PROG_NAME, what, msg,
			ipc->extack);
	else
		fprintf(stderr, "%s: %s: %s\n", PROG_NAME, what, msg);
	return 1;
}

int cli_open(struct nfg_ipc *ipc)
{
	int err = cli_ipc_open(ipc);

	if (err) {
		nfg_ipc_close(ipc);
		cli_error(NULL, "generic netlink", err);
		return -1;
	}
	return 0;
}


const char *cli_what(char *buf, size_t len, int argc, char *argv[])
{
	if (argc > 1 && nfg_obj_lookup(argv[1]) >= 0)
		snprintf(buf, len, "%s %s", argv[0], argv[1]);
	else
		snprintf(buf, len, "%s", argv[0]);
	return buf;
}
