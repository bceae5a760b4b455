// SPDX-License-Identifier: GPL-2.0
/*
 * The reserved ranges of the tunnel's bypass set: the table is what it
 * says (aligned, sorted, disjoint), ng_reserved4_contains() agrees with a
 * CIDR set built from it on 1,000,000 random addresses and at every range
 * edge, and the well-known addresses fall where they should.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "../reserved4.h"
#include "tap.h"

static uint32_t ip(const char *s)
{
	struct in_addr a;

	if (inet_pton(AF_INET, s, &a) != 1)
		abort();
	return ntohl(a.s_addr);
}

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 16);
}

int main(void)
{
	uint32_t lo[NG_RESERVED4_N], hi[NG_RESERVED4_N];
	struct ng_cidrset set;
	unsigned int i, mism = 0, aligned = 1, sorted = 1;
	int n;

	for (i = 0; i < NG_RESERVED4_N; i++) {
		uint32_t mask = ~0U << (32 - ng_reserved4[i].plen);

		if (ng_reserved4[i].plen < 1 || ng_reserved4[i].plen > 32 ||
		    (ng_reserved4[i].addr & ~mask))
			aligned = 0;
		if (i && ng_reserved4[i].addr <=
			 (ng_reserved4[i - 1].addr | ~(~0U << (32 - ng_reserved4[i - 1].plen))))
			sorted = 0;
	}
	tap_check(aligned, "every entry is a prefix with its host bits zero");
	tap_check(sorted, "sorted and disjoint");
	n = ng_cidrset_build(&set, ng_reserved4, NG_RESERVED4_N, lo, hi);
	tap_check(n > 0 && n <= NG_RESERVED4_N, "builds into a CIDR set (%d ranges)", n);
	for (i = 0; i < 1000000; i++) {
		uint32_t a = rnd();

		if (ng_reserved4_contains(a) != ng_cidrset_contains(&set, a))
			mism++;
	}
	for (i = 0; i < (unsigned int)n; i++) {
		uint32_t e[4] = { lo[i] - 1, lo[i], hi[i], hi[i] + 1 };

		for (int k = 0; k < 4; k++)
			if (ng_reserved4_contains(e[k]) != ng_cidrset_contains(&set, e[k]))
				mism++;
	}
	tap_check(mism == 0, "scan and set agree on 1,000,000 random addresses and every edge (%u mismatches)",
	   mism);
	tap_check(ng_reserved4_contains(ip("10.1.2.3")) && ng_reserved4_contains(ip("192.168.0.1")) &&
	   ng_reserved4_contains(ip("100.64.0.10")) && ng_reserved4_contains(ip("127.0.0.1")) &&
	   ng_reserved4_contains(ip("224.0.0.251")) && ng_reserved4_contains(ip("255.255.255.255")) &&
	   ng_reserved4_contains(ip("198.51.100.10")) && ng_reserved4_contains(ip("0.0.0.0")),
	   "private, CGNAT, loopback, multicast, broadcast, TEST-NET-2 and 0/8 are reserved");
	tap_check(!ng_reserved4_contains(ip("8.8.8.8")) && !ng_reserved4_contains(ip("1.1.1.1")) &&
	   !ng_reserved4_contains(ip("36.110.1.10")) && !ng_reserved4_contains(ip("100.128.0.1")) &&
	   !ng_reserved4_contains(ip("172.32.0.1")) && !ng_reserved4_contains(ip("223.255.255.255")),
	   "public addresses are not");
	tap_check(ng_reserved4_contains(ip("100.127.255.255")) && !ng_reserved4_contains(ip("100.63.255.255")) &&
	   ng_reserved4_contains(ip("198.19.255.255")) && !ng_reserved4_contains(ip("198.20.0.0")),
	   "edges of 100.64.0.0/10 and 198.18.0.0/15");
	return tap_done();
}
