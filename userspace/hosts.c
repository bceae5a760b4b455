// SPDX-License-Identifier: GPL-2.0
/*
 * nfgate show hosts: per LAN host accounting (the module's HOST_GET dump),
 * sorted by traffic, most first; also the "top hosts" of `nfgate show`.
 */
#include <stdlib.h>
#include <string.h>

#include "format.h"
#include "hosts.h"
#include "ipc.h"
#include "json.h"
#include "subcommands.h"

static uint64_t host_total(const struct nfg_host *h)
{
	return h->tx_bytes + h->rx_bytes;
}

/* most traffic first, then by address */
static int host_cmp(const void *a, const void *b)
{
	const struct nfg_host *x = a, *y = b;
	uint64_t tx = host_total(x), ty = host_total(y);
	uint32_t ax = __builtin_bswap32(x->addr), ay = __builtin_bswap32(y->addr);

	if (tx != ty)
		return tx > ty ? -1 : 1;
	return ax < ay ? -1 : ax > ay;
}

int hosts_fetch(struct nfg_ipc *ipc, struct nfg_host **list, size_t *n)
{
	int err = nfg_ipc_host_dump(ipc, list, n, NULL);

	if (err)
		return err;
	if (*n)
		qsort(*list, *n, sizeof(**list), host_cmp);
	return 0;
}

void hosts_print_table(const struct nfg_host *hs, size_t n, size_t top)
{
	static const char *const head[] = {
		"HOST", "TX PKTS", "TX BYTES", "RX PKTS", "RX BYTES", "TOTAL",
	};
	struct table t;

	if (!n) {
		printf("hosts: none\n");
		return;
	}
	table_init(&t, "lrrrrr", head);
	for (size_t i = 0; i < n && (!top || i < top); i++) {
		const struct nfg_host *h = &hs[i];
		char c[6][32];
		char *cells[6] = { c[0], c[1], c[2], c[3], c[4], c[5] };

		fmt_in4(c[0], sizeof(c[0]), h->addr);
		fmt_count(c[1], sizeof(c[1]), h->tx_packets);
		fmt_bytes(c[2], sizeof(c[2]), h->tx_bytes);
		fmt_count(c[3], sizeof(c[3]), h->rx_packets);
		fmt_bytes(c[4], sizeof(c[4]), h->rx_bytes);
		fmt_bytes(c[5], sizeof(c[5]), host_total(h));
		table_add(&t, cells);
	}
	table_print(&t, stdout);
	table_free(&t);
	if (top && n > top)
		printf("(%zu more: nfgate show hosts)\n", n - top);
}

int show_hosts(struct nfg_ipc *ipc)
{
	struct nfg_host *hs = NULL;
	size_t n = 0;
	int err = hosts_fetch(ipc, &hs, &n);

	if (err)
		return cli_error(ipc, "get hosts", err);
	if (opt_json) {
		struct json j;

		json_init(&j, stdout, true);
		json_array_begin(&j, NULL);
		for (size_t i = 0; i < n; i++)
			nfg_json_host(&j, NULL, &hs[i]);
		json_array_end(&j);
		json_finish(&j);
	} else {
		hosts_print_table(hs, n, 0);
	}
	free(hs);
	return 0;
}
