// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Build and query a bypass set of 8,000 prefixes, for instruction counts
 * and host timings:
 *
 *   valgrind --tool=callgrind --toggle-collect=ng_cidrset_contains \
 *	./bench_cidrset lookup chnroute 1000000
 *   valgrind --tool=callgrind --toggle-collect=ng_cidrset_build \
 *	./bench_cidrset build chnroute 100
 *   ./bench_cidrset time chnroute 200
 *
 * then divide "Collected" by the lookups, resp. by builds x 8,000 prefixes
 * (make bench does this). The lists (cidr_gen.h):
 *   chnroute  8,000 chnroute-like prefixes (about 5,300 ranges once merged)
 *   disjoint  8,000 /24s spread over the whole space, nothing to merge
 *             (8,000 ranges: the deepest search for 8,000 prefixes)
 * Lookups cycle through 65,536 addresses from gen_query(): half uniform,
 * half near a prefix of the list.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../cidrset.h"
#include "cidr_gen.h"

#define NPFX	8000
#define NQ	65536

static struct ng_cidr4 pfx[NPFX];
static u32 lo[NPFX], hi[NPFX], q[NQ];

static int make_list(const char *name)
{
	u32 i;

	if (!strcmp(name, "chnroute")) {
		gen_chnroute(pfx, NPFX, 1);
	} else if (!strcmp(name, "disjoint")) {
		/* /24 number i * 2 + a random bit: never equal or adjacent. */
		uint64_t s = 7;

		for (i = 0; i < NPFX; i++) {
			pfx[i].addr = ((i * 2 + (gen_u32(&s) & 1)) *
				       ((1U << 24) / (2 * NPFX))) << 8;
			pfx[i].plen = 24;
		}
	} else {
		return -1;
	}
	return 0;
}

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "lookup";
	const char *list = argc > 2 ? argv[2] : "chnroute";
	unsigned long i, n = argc > 3 ? strtoul(argv[3], NULL, 0) : 1000000;
	struct ng_cidrset set;
	uint64_t seed = 99;
	unsigned long hits = 0;
	int r = 0;

	if (make_list(list)) {
		fprintf(stderr, "bench_cidrset: no list %s\n", list);
		return 2;
	}
	for (i = 0; i < NQ; i++)
		q[i] = gen_query(&seed, pfx, NPFX);

	if (!strcmp(mode, "build")) {
		for (i = 0; i < n; i++)
			r = ng_cidrset_build(&set, pfx, NPFX, lo, hi);
		printf("%s: %lu builds, %d ranges\n", list, n, r);
	} else if (!strcmp(mode, "lookup")) {
		r = ng_cidrset_build(&set, pfx, NPFX, lo, hi);
		for (i = 0; i < n; i++)
			hits += ng_cidrset_contains(&set, q[i % NQ]);
		printf("%s: %d ranges, %lu lookups, %lu hits\n", list, r, n,
		       hits);
	} else if (!strcmp(mode, "time")) {
		double *t = calloc(n ? n : 1, sizeof(double)), t0, tl;
		unsigned long k, nl = 10000000;

		for (i = 0; i < n; i++) {
			t0 = now();
			r = ng_cidrset_build(&set, pfx, NPFX, lo, hi);
			t[i] = now() - t0;
		}
		qsort(t, n, sizeof(double), cmp_double);
		t0 = now();
		for (k = 0; k < nl; k++)
			hits += ng_cidrset_contains(&set, q[k % NQ]);
		tl = now() - t0;
		printf("%s: build of %d prefixes (%d ranges): median %.0f us, min %.0f us (%lu runs); lookup %.1f ns (%lu hits)\n",
		       list, NPFX, r, t[n / 2] * 1e6, t[0] * 1e6, n,
		       tl / nl * 1e9, hits);
		free(t);
	} else {
		fprintf(stderr, "bench_cidrset: no mode %s\n", mode);
		return 2;
	}
	return r < 0;
}
