// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * nfgate: tiered weighted choice. See wchoice.h.
 */
#include "wchoice.h"

int ng_wchoice_pick(const struct ng_wchoice_cand *c, unsigned int n, u32 rnd)
{
	unsigned int i;
	u64 total = 0, point;
	int tier = -1;

	for (i = 0; i < n; i++) {
		if (!c[i].weight)
			continue;
		if (tier < 0 || c[i].tier < tier) {
			tier = c[i].tier;
			total = 0;
		}
		if (c[i].tier == tier)
			total += c[i].weight;
	}
	if (tier < 0)
		return -1;
	/*
	 * Scale rnd into [0, total) without a division: (rnd * total) >> 32,
	 * computed in two halves so that a total above 2^32 cannot overflow.
	 */
	point = (u64)rnd * (total >> 32) + (((u64)rnd * (u32)total) >> 32);
	for (i = 0; i < n; i++) {
		if (!c[i].weight || c[i].tier != tier)
			continue;
		if (point < c[i].weight)
			return i;
		point -= c[i].weight;
	}
	return -1;	/* not reached: point < total */
}
