// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * nfgate: the reserved IPv4 ranges. See reserved4.h.
 */
#ifndef __KERNEL__
#include <stdbool.h>
#endif

#include "reserved4.h"

#define R(a, b, c, d, len) \
	{ .addr = ((u32)(a) << 24) | ((b) << 16) | ((c) << 8) | (d), .plen = (len) }

const struct ng_cidr4 ng_reserved4[NG_RESERVED4_N] = {
	R(0, 0, 0, 0, 8),		/* "this network" */
	R(10, 0, 0, 0, 8),		/* private */
	R(100, 64, 0, 0, 10),		/* shared address space (CGNAT) */
	R(127, 0, 0, 0, 8),		/* loopback */
	R(169, 254, 0, 0, 16),		/* link local */
	R(172, 16, 0, 0, 12),		/* private */
	R(192, 0, 0, 0, 24),		/* IETF protocol assignments */
	R(192, 0, 2, 0, 24),		/* TEST-NET-1 */
	R(192, 31, 196, 0, 24),		/* AS112-v4 */
	R(192, 52, 193, 0, 24),		/* AMT */
	R(192, 88, 99, 0, 24),		/* 6to4 relay anycast (deprecated) */
	R(192, 168, 0, 0, 16),		/* private */
	R(192, 175, 48, 0, 24),		/* direct delegation AS112 */
	R(198, 18, 0, 0, 15),		/* benchmarking */
	R(198, 51, 100, 0, 24),		/* TEST-NET-2 */
	R(203, 0, 113, 0, 24),		/* TEST-NET-3 */
	R(224, 0, 0, 0, 4),		/* multicast */
	R(240, 0, 0, 0, 4),		/* reserved, and the limited broadcast */
};

bool ng_reserved4_contains(u32 addr)
{
	unsigned int i;
	u32 mask;

	for (i = 0; i < NG_RESERVED4_N; i++) {
		mask = ~0U << (32 - ng_reserved4[i].plen);
		if ((addr & mask) == ng_reserved4[i].addr)
			return true;
	}
	return false;
}
