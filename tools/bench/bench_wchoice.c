// SPDX-License-Identifier: GPL-2.0
/*
 * The weighted uplink choice in a loop, for callgrind's instruction count
 * per call of ng_wchoice_pick() (tools/bench/callgrind.sh):
 *
 *   bench_wchoice [N]
 *
 * The typical case: two uplinks in one tier, weights 3 and 1 (what the
 * module builds from its uplink list for each new connection), and a new
 * random number per call.
 */
#include <stdio.h>
#include <stdlib.h>

#include "../../common/wchoice.h"

int main(int argc, char **argv)
{
	static const struct ng_wchoice_cand cand[] = {
		{ .weight = 3000, .tier = 0 },	/* weight x health, as steer.c */
		{ .weight = 1000, .tier = 0 },
	};
	unsigned long i, n = argc > 1 ? strtoul(argv[1], NULL, 0) : 1000000;
	unsigned int hits[2] = { 0, 0 };
	u32 x = 2463534242u;

	for (i = 0; i < n; i++) {
		int k;

		x ^= x << 13;	/* xorshift32 */
		x ^= x >> 17;
		x ^= x << 5;
		k = ng_wchoice_pick(cand, 2, x);
		if (k < 0)
			return 1;
		hits[k]++;
	}
	printf("%lu picks: %u / %u\n", n, hits[0], hits[1]);
	return 0;
}
