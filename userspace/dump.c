// SPDX-License-Identifier: GPL-2.0
/*
 * nfgate dump: everything, tab-separated, raw numbers, one object a line:
 *   generation	N
 *   lan	IFNAME	IFINDEX	A.B.C.D/N
 *   settings	MARK_MASK	SKIP_MARK	FAILOVER_RST	HOLDDOWN_MS	STICKY_MS
 *   uplink	IFNAME	IFINDEX	OPER	ADMIN	TIER	WEIGHT	HEALTH	EFF_WEIGHT
 *		ADDRESS	FLOWS	CHANGED_MS	TX_PACKETS	TX_BYTES	RX_PACKETS	RX_BYTES
 *		ID	USABLE	HEALTH_STATE	HEALTH_REASON	HEALTH_SINCE_MS
 *		PROBE_LOSS_PCT	PROBE_RTT_MS	PROBE_JITTER_MS	SYN_SENT	SYN_ANSWERED
 *   forward	PROTO	PORT	TO_ADDR	TO_PORT	UPLINK	HITS
 *   dns	MODE	ROUTER_MODE	HOLD_MS	HOLD_MAX	HOLD_PER_CLIENT	EXPIRE
 *		TTL_SLACK	FAST_PCT	DROP_SCORE	FORGED4	FORGED6	HELD	QUERIES
 *		RESOLVERS
 *   stat	NAME	VALUE
 * (the columns follow the field tables, as in the JSON keys; marks in
 * decimal, booleans 0/1); "-" for a value the kernel did not send. A module
 * without settings and forwards, or without the DNS check: no such lines.
 * The forged set itself is `nfgate forged show`.
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
		"  settings MARK_MASK SKIP_MARK FAILOVER_RST HOLDDOWN_MS STICKY_MS\n"
		"  uplink IFNAME IFINDEX OPER ADMIN TIER WEIGHT HEALTH EFF_WEIGHT ADDRESS\n"
		"         FLOWS CHANGED_MS TX_PACKETS TX_BYTES RX_PACKETS RX_BYTES ID USABLE\n"
		"         HEALTH_STATE HEALTH_REASON HEALTH_SINCE_MS PROBE_LOSS_PCT\n"
		"         PROBE_RTT_MS PROBE_JITTER_MS SYN_SENT SYN_ANSWERED\n"
		"  forward PROTO PORT TO_ADDR TO_PORT UPLINK HITS\n"
		"  dns MODE ROUTER_MODE HOLD_MS HOLD_MAX HOLD_PER_CLIENT EXPIRE TTL_SLACK\n"
		"      FAST_PCT DROP_SCORE FORGED4 FORGED6 HELD QUERIES RESOLVERS\n"
		"  stat NAME VALUE\n"
		"Raw numbers: marks in decimal, booleans 0/1; '-' where the kernel sent\n"
		"no value. The forged set itself: 'nfgate forged show'.\n", PROG_NAME);
}

/* One line: the name, then every field of the table ("-" if absent). */
static void dump_fields(const char *name, const void *obj, uint32_t present,
			const struct nfg_field *t, size_t n)
{
	printf("%s", name);
	for (size_t i = 0; i < n; i++) {
		char buf[NFG_QNAME_MAX];

		if (present & (1U << t[i].attr))
			fmt_field(buf, sizeof(buf), obj, &t[i], true);
		else
			snprintf(buf, sizeof(buf), "-");
		printf("\t%s", buf);
	}
	printf("\n");
}

int dump_main(int argc, char *argv[])
{
	struct nfg_uplink *ups = NULL;
	struct nfg_forward *fws = NULL;
	struct nfg_settings settings;
	struct nfg_dns dns;
	struct nfg_stats st;
	struct nfg_lan lan;
	struct nfg_ipc ipc;
	uint32_t gen;
	size_t n = 0, nfw = 0;
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
	err = nfg_ipc_settings_get(&ipc, &settings, NULL);
	if (!err) {
		dump_fields("settings", &settings, settings.present,
			    nfg_settings_fields, nfg_settings_nfields);
	} else if (err != -EOPNOTSUPP) {
		err = cli_error(&ipc, "get settings", err);
		goto out;
	}
	err = nfg_ipc_uplink_dump(&ipc, &ups, &n, NULL);
	if (err) {
		err = cli_error(&ipc, "get uplinks", err);
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		dump_fields("uplink", &ups[i], ups[i].present,
			    nfg_uplink_fields, nfg_uplink_nfields);
	err = nfg_ipc_forward_dump(&ipc, &fws, &nfw, NULL);
	if (err && err != -EOPNOTSUPP) {
		err = cli_error(&ipc, "get forwards", err);
		goto out;
	}
	err = 0;
	for (size_t i = 0; i < nfw; i++)
		dump_fields("forward", &fws[i], fws[i].present,
			    nfg_forward_fields, nfg_forward_nfields);
	err = nfg_ipc_dns_get(&ipc, &dns, NULL);
	if (!err) {
		dump_fields("dns", &dns, dns.present, nfg_dns_fields, nfg_dns_nfields);
	} else if (err != -EOPNOTSUPP) {
		err = cli_error(&ipc, "get dns", err);
		goto out;
	}
	err = 0;
	for (unsigned int i = 1; i <= NFGATE_STAT_MAX; i++)
		if (nfg_stat_name(i) && NFG_STAT_HAS(&st, i))
			printf("stat\t%s\t%" PRIu64 "\n", nfg_stat_name(i), st.counter[i]);
out:
	free(ups);
	free(fws);
	nfg_ipc_close(&ipc);
	return err ? 1 : 0;
}
