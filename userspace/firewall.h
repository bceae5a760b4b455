/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The firewall baseline: the nftables ruleset generated from a validated
 * configuration ([lan], the [uplink] names and [firewall]), in the order a
 * packet takes (ingress, deliver to the router or forward), and its load
 * through libnftables as one transaction. Pure text generation here; the
 * agent (nfgated.c) loads it. Documentation/firewall.rst explains each rule.
 */
#ifndef NFG_FIREWALL_H
#define NFG_FIREWALL_H

#include <stddef.h>

#include "config.h"

#define NFG_FW_TABLE		"nfgate"	/* inet nfgate, bridge nfgate */

/*
 * The whole transaction as nft(8) input: each table created if missing,
 * deleted, then declared again, so a load replaces what was there in one
 * step (the kernel applies all of it or nothing). With cfg->has_firewall
 * false: only the deletions (the tables go away). Returns a malloc'ed
 * string, or NULL on ENOMEM. source: named in the leading comment.
 */
char *nfg_firewall_ruleset(const struct nfg_config *cfg, const char *source);

/*
 * Runs an nft(8) script as one transaction through libnftables in the
 * current network namespace. 0, or -1 with nft's error text in err.
 */
int nfg_nft_run(const char *script, char *err, size_t errlen);

#endif
