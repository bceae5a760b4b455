// SPDX-License-Identifier: GPL-2.0 OR MIT
/* Host unit tests for common/wchoice.c. */
#include <stdint.h>
#include <string.h>

#include "../wchoice.h"
#include "tap.h"

/* xorshift32: a fixed, reproducible random stream. */
static uint32_t rnd_state = 2463534242u;
static uint32_t rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 17;
	rnd_state ^= rnd_state << 5;
	return rnd_state;
}

int main(void)
{
	struct ng_wchoice_cand c[4] = { 0 };
	unsigned int hits[4];
	int i, n = 100000;

	/* Empty and all-zero sets have no choice. */
	tap_check(ng_wchoice_pick(c, 0, 0) == -1, "no candidates");
	tap_check(ng_wchoice_pick(c, 2, 12345) == -1, "all weights zero");

	/* 3:1 in one tier. */
	c[0] = (struct ng_wchoice_cand){ .weight = 3, .tier = 0 };
	c[1] = (struct ng_wchoice_cand){ .weight = 1, .tier = 0 };
	memset(hits, 0, sizeof(hits));
	for (i = 0; i < n; i++)
		hits[ng_wchoice_pick(c, 2, rnd())]++;
	tap_check(hits[0] > n * 0.74 && hits[0] < n * 0.76,
		  "3:1 split gives 75%% (got %.2f%%)", 100.0 * hits[0] / n);

	/* Exact boundaries of the scaled random point. */
	tap_check(ng_wchoice_pick(c, 2, 0) == 0, "rnd 0 picks the first");
	tap_check(ng_wchoice_pick(c, 2, UINT32_MAX) == 1,
		  "rnd max picks the last");
	tap_check(ng_wchoice_pick(c, 2, 0xbfffffffu) == 0 &&
		  ng_wchoice_pick(c, 2, 0xc0000000u) == 1,
		  "boundary at 3/4 of the range");

	/* Lower tier wins while it has weight; backup takes over at 0. */
	c[0] = (struct ng_wchoice_cand){ .weight = 1, .tier = 1 };
	c[1] = (struct ng_wchoice_cand){ .weight = 5, .tier = 0 };
	c[2] = (struct ng_wchoice_cand){ .weight = 7, .tier = 2 };
	for (i = 0; i < 1000; i++)
		if (ng_wchoice_pick(c, 3, rnd()) != 1)
			break;
	tap_check(i == 1000, "best tier always chosen");
	c[1].weight = 0;
	for (i = 0; i < 1000; i++)
		if (ng_wchoice_pick(c, 3, rnd()) != 0)
			break;
	tap_check(i == 1000, "next tier when the best has no weight");

	/* Large weights do not overflow. */
	c[0] = (struct ng_wchoice_cand){ .weight = UINT32_MAX, .tier = 0 };
	c[1] = (struct ng_wchoice_cand){ .weight = UINT32_MAX, .tier = 0 };
	tap_check(ng_wchoice_pick(c, 2, UINT32_MAX) == 1 &&
		  ng_wchoice_pick(c, 2, 0x7fffffffu) == 0,
		  "no overflow with maximal weights");

	return tap_done();
}
