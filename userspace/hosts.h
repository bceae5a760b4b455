/* SPDX-License-Identifier: GPL-2.0 */
/* Per LAN host accounting in the CLI (hosts.c). */
#ifndef NFG_HOSTS_H
#define NFG_HOSTS_H

#include <stddef.h>

#include "model.h"

struct nfg_ipc;

/* Every host, most traffic (tx + rx bytes) first. *list: free(). */
int hosts_fetch(struct nfg_ipc *ipc, struct nfg_host **list, size_t *n);
/* The table; top: at most that many rows (0: all). */
void hosts_print_table(const struct nfg_host *hs, size_t n, size_t top);
/* `nfgate show hosts`; returns the exit status. */
int show_hosts(struct nfg_ipc *ipc);

#endif
