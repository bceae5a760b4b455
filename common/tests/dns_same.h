/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Two results of ng_dns_parse_ex() on one message, the same? For the tests
 * and the fuzz target that hold the fast path to the full parser
 * (NG_DNS_PARSE_FULL): every scalar member, and of the arrays what the
 * counts say was written.
 */
#ifndef _NFGATE_DNS_SAME_H
#define _NFGATE_DNS_SAME_H

#include <stddef.h>
#include <string.h>

#include "../dns.h"

static inline int ng_dns_msg_same(const struct ng_dns_msg *x,
				  const struct ng_dns_msg *y)
{
	unsigned int i, n;

	if (memcmp(x, y, offsetof(struct ng_dns_msg, a_ttl)) ||
	    memcmp(x->qname, y->qname, x->qname_len))
		return 0;
	n = x->n_a < NG_DNS_MAX_ADDRS ? x->n_a : NG_DNS_MAX_ADDRS;
	for (i = 0; i < n; i++)
		if (x->a[i] != y->a[i] || x->a_ttl[i] != y->a_ttl[i])
			return 0;
	n = x->n_aaaa < NG_DNS_MAX_ADDRS ? x->n_aaaa : NG_DNS_MAX_ADDRS;
	for (i = 0; i < n; i++)
		if (memcmp(x->aaaa[i], y->aaaa[i], 16) ||
		    x->aaaa_ttl[i] != y->aaaa_ttl[i])
			return 0;
	return 1;
}

#endif
