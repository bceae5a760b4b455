// SPDX-License-Identifier: GPL-2.0
/*
 * nfgate dump: everything, tab-separated, raw numbers, one object a line:
 *   generation	N
 *   lan	IFNAME	IFINDEX	A.B.C.D/N
 *   uplink	IFNAME	IFINDEX	OPER	ADMIN	TIER	WEIGHT	HEALTH	EFF_WEIGHT
 *		ADDRESS	FLOWS	CHANGED_MS	TX_PACKETS	TX_BYTES	RX_PACKETS	RX_BYTES
 *   stat	NAME	VALUE
 * (the uplink columns follow the field table, as in the JSON keys); "-" for
 * a value the kernel did not send.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>

#include "format.h"
#include "ipc.h"
#include "subcommands.h"

void dump_usage(FILE *f)
{
	fprintf(f,
		"Usage: %s dump\n"
		"\n"
		"Prints tab-separated lines for scripts:\n"
		"  generation N\n"
		"  lan IFNAME IFINDEX SUBNET\n"
		"  uplink IFNAME IFINDEX OPER ADMIN TIER WEIGHT HEALTH EFF_WEIGHT ADDRESS\n"
		"         FLOWS CHANGED_MS TX_PACKETS TX_BYTES RX_PACKETS RX_BYTES\n"
		"  stat NAME VALUE\n", PROG_NAME);
}

static void dump_uplink(const struct nfg_uplink *up)
{
	printf("uplink");
	for (size_t i = 0; i < nfg_uplink_nfields; i++) {
		const struct nfg_field *f = &nfg_uplink_fields[i];
		uint64_t v = nfg_field_uint(up, f);
		char buf[32];

		if (!NFG_HAS(up, f->attr)) {
			printf("\t-");
			continue;
		}
		switch (f->type) {
		case NFG_F_STRING:
			printf("\t%s", nfg_field_str(up, f));
			break;
		case NFG_F_IN4:
			fmt_in4(buf, sizeof(buf), (uint32_t)v);
			printf("\t%s", buf);
			break;
		case NFG_F_ADMIN:
			printf("\t%s", nfg_admin_name(v) ? nfg_admin_name(v) : "?");
			break;
		case NFG_F_OPER:
			printf("\t%s", nfg_oper_name(v) ? nfg_oper_name(v) : "?");
			break;
		default:
			printf("\t%" PRIu64, v);
		}
	}
	printf("\n");
}

int dump_main(int argc, char *argv[])
{
	struct nfg_uplink *ups = NULL;
	struct nfg_stats st;
	struct nfg_lan lan;
	struct nfg_ipc ipc;
	uint32_t gen;
	size_t n = 0;
	int err;

	(void)argv;
	if (argc > 1)
		return cli_usage_error(dump_usage, "dump", "too many arguments");
	if (cli_open(&ipc))
		return 1;
	err = nfg_ipc_stats_get(&ipc, &st, &gen);
	if (err) {
		err = cli_error(&ipc, "get stats", err);
		goto out;
	}
	printf("generation\t%u\n", gen);
	err = nfg_ipc_lan_get(&ipc, &lan, NULL);
	if (!err) {
		char subnet[32];

		fmt_subnet(subnet, sizeof(subnet), &lan);
		printf("lan\t%s\t%u\t%s\n", lan.ifname, lan.ifindex, subnet);
	} else if (err != -ENOENT) {
		err = cli_error(&ipc, "get lan", err);
		goto out;
	}
	err = nfg_ipc_uplink_dump(&ipc, &ups, &n, NULL);
	if (err) {
		err = cli_error(&ipc, "get uplinks", err);
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		dump_uplink(&ups[i]);
	for (unsigned int i = 1; i <= NFGATE_STAT_MAX; i++)
		if (nfg_stat_name(i) && (st.present & (1U << i)))
			printf("stat\t%s\t%" PRIu64 "\n", nfg_stat_name(i), st.counter[i]);
	free(ups);
out:
	nfg_ipc_close(&ipc);
	return err ? 1 : 0;
}
