// SPDX-License-Identifier: GPL-2.0 OR MIT
/* Host unit tests for common/cidrset.c. */
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../cidrset.h"
#include "cidr_gen.h"
#include "tap.h"

#define IP(a, b, c, d)	((u32)(a) << 24 | (u32)(b) << 16 | (u32)(c) << 8 | (d))
#define NQUERIES	1000000

static u32 lo[64], hi[64];

/* Build from a literal list; returns the count (or the error). */
static int build(struct ng_cidrset *s, const struct ng_cidr4 *p, u32 n)
{
	return ng_cidrset_build(s, p, n, lo, hi);
}

/* The set is exactly these ranges (pairs lo, hi). */
static bool ranges_are(const struct ng_cidrset *s, const u32 *want, u32 n)
{
	u32 i;

	if (s->n != n || s->lo != lo || s->hi != hi)
		return false;
	for (i = 0; i < n; i++)
		if (s->lo[i] != want[2 * i] || s->hi[i] != want[2 * i + 1])
			return false;
	return true;
}

/* Sorted, disjoint, not touching: what the lookup relies on. */
static bool well_formed(const struct ng_cidrset *s)
{
	u32 i;

	for (i = 0; i < s->n; i++) {
		if (s->lo[i] > s->hi[i])
			return false;
		if (i && s->lo[i] <= s->hi[i - 1] + 1ULL)
			return false;
	}
	return true;
}

static void test_edges(void)
{
	struct ng_cidrset s = { 0 };
	int r;

	r = ng_cidrset_build(&s, NULL, 0, NULL, NULL);
	tap_check(r == 0 && s.n == 0, "empty list: 0 ranges, arrays untouched");
	tap_check(!ng_cidrset_contains(&s, 0) &&
		  !ng_cidrset_contains(&s, ~0U) &&
		  !ng_cidrset_contains(&s, IP(10, 0, 0, 1)),
		  "empty set contains nothing");
	tap_check(ng_cidrset_size(&s) == 0, "empty set: size 0");

	{
		struct ng_cidr4 p[] = { { IP(1, 2, 3, 4), 0 } };
		u32 w[] = { 0, ~0U };

		r = build(&s, p, 1);
		tap_check(r == 1 && ranges_are(&s, w, 1),
			  "0.0.0.0/0 (host bits set) is [0, 255.255.255.255]");
		tap_check(ng_cidrset_contains(&s, 0) &&
			  ng_cidrset_contains(&s, ~0U) &&
			  ng_cidrset_contains(&s, IP(128, 0, 0, 0)),
			  "0.0.0.0/0 contains both ends");
	}
	{
		struct ng_cidr4 p[] = {
			{ IP(10, 0, 0, 0), 8 }, { 0, 0 },
			{ IP(255, 255, 255, 255), 32 }, { 0, 32 },
		};
		u32 w[] = { 0, ~0U };

		r = build(&s, p, 4);
		tap_check(r == 1 && ranges_are(&s, w, 1),
			  "/0 swallows everything else");
	}
	{
		struct ng_cidr4 p[] = {
			{ IP(128, 0, 0, 0), 1 }, { IP(0, 0, 0, 0), 1 },
		};
		u32 w[] = { 0, ~0U };

		r = build(&s, p, 2);
		tap_check(r == 1 && ranges_are(&s, w, 1),
			  "0/1 + 128/1 merge into the whole space");
	}
	{
		struct ng_cidr4 p[] = { { IP(192, 0, 2, 1), 32 } };
		u32 w[] = { IP(192, 0, 2, 1), IP(192, 0, 2, 1) };

		r = build(&s, p, 1);
		tap_check(r == 1 && ranges_are(&s, w, 1) &&
			  ng_cidrset_contains(&s, IP(192, 0, 2, 1)) &&
			  !ng_cidrset_contains(&s, IP(192, 0, 2, 0)) &&
			  !ng_cidrset_contains(&s, IP(192, 0, 2, 2)),
			  "a /32 contains its address, not its neighbours");
	}
	{
		struct ng_cidr4 p[] = { { ~0U, 32 } };
		u32 w[] = { ~0U, ~0U };

		r = build(&s, p, 1);
		tap_check(r == 1 && ranges_are(&s, w, 1) &&
			  ng_cidrset_contains(&s, ~0U) &&
			  !ng_cidrset_contains(&s, ~0U - 1) &&
			  !ng_cidrset_contains(&s, 0),
			  "255.255.255.255/32 alone");
	}
	{
		struct ng_cidr4 p[] = {
			{ ~0U, 32 }, { 0, 32 }, { ~0U - 1, 32 }, { ~0U, 32 },
			{ IP(255, 0, 0, 0), 8 }, { IP(254, 255, 255, 255), 32 },
		};
		u32 w[] = { 0, 0, IP(254, 255, 255, 255), ~0U };

		r = build(&s, p, 6);
		tap_check(r == 2 && ranges_are(&s, w, 2) &&
			  ng_cidrset_contains(&s, 0) &&
			  !ng_cidrset_contains(&s, 1) &&
			  !ng_cidrset_contains(&s, IP(254, 255, 255, 254)) &&
			  ng_cidrset_contains(&s, IP(254, 255, 255, 255)) &&
			  ng_cidrset_contains(&s, ~0U),
			  "ranges ending at 255.255.255.255 merge, no overflow");
	}
	{
		struct ng_cidr4 p[] = {
			{ IP(10, 0, 0, 0), 8 }, { IP(10, 0, 0, 0), 8 },
			{ IP(10, 0, 0, 0), 8 },
		};
		u32 w[] = { IP(10, 0, 0, 0), IP(10, 255, 255, 255) };

		r = build(&s, p, 3);
		tap_check(r == 1 && ranges_are(&s, w, 1), "duplicates");
	}
	{
		struct ng_cidr4 p[] = {
			{ IP(10, 1, 2, 3), 32 }, { IP(10, 1, 0, 0), 16 },
			{ IP(10, 0, 0, 0), 8 }, { IP(10, 0, 0, 0), 24 },
			{ IP(10, 255, 255, 255), 32 },
		};
		u32 w[] = { IP(10, 0, 0, 0), IP(10, 255, 255, 255) };

		r = build(&s, p, 5);
		tap_check(r == 1 && ranges_are(&s, w, 1),
			  "nested prefixes and equal starts of several lengths");
	}
	{
		struct ng_cidr4 p[] = {
			{ IP(10, 0, 0, 128), 25 }, { IP(10, 0, 0, 0), 25 },
		};
		u32 w[] = { IP(10, 0, 0, 0), IP(10, 0, 0, 255) };

		r = build(&s, p, 2);
		tap_check(r == 1 && ranges_are(&s, w, 1),
			  "adjacent halves merge (10.0.0.0/25 + 10.0.0.128/25)");
	}
	{
		struct ng_cidr4 p[] = {
			{ IP(10, 0, 2, 0), 23 }, { IP(10, 0, 0, 0), 24 },
			{ IP(10, 0, 4, 0), 32 }, { IP(10, 0, 1, 0), 24 },
		};
		u32 w[] = { IP(10, 0, 0, 0), IP(10, 0, 4, 0) };

		r = build(&s, p, 4);
		tap_check(r == 1 && ranges_are(&s, w, 1),
			  "a chain of adjacent prefixes, not aligned, merges");
	}
	{
		struct ng_cidr4 p[] = {
			{ IP(10, 0, 0, 2), 32 }, { IP(10, 0, 0, 0), 32 },
		};
		u32 w[] = { IP(10, 0, 0, 0), IP(10, 0, 0, 0),
			    IP(10, 0, 0, 2), IP(10, 0, 0, 2) };

		r = build(&s, p, 2);
		tap_check(r == 2 && ranges_are(&s, w, 2) &&
			  !ng_cidrset_contains(&s, IP(10, 0, 0, 1)),
			  "a gap of one address is kept");
	}
	{
		struct ng_cidr4 p[] = {
			{ IP(10, 1, 2, 3), 8 }, { IP(192, 168, 77, 1), 16 },
			{ IP(172, 31, 255, 255), 12 },
		};
		u32 w[] = { IP(10, 0, 0, 0), IP(10, 255, 255, 255),
			    IP(172, 16, 0, 0), IP(172, 31, 255, 255),
			    IP(192, 168, 0, 0), IP(192, 168, 255, 255) };

		r = build(&s, p, 3);
		tap_check(r == 3 && ranges_are(&s, w, 3) &&
			  ng_cidrset_contains(&s, IP(172, 20, 1, 1)) &&
			  !ng_cidrset_contains(&s, IP(172, 32, 0, 0)) &&
			  !ng_cidrset_contains(&s, IP(172, 15, 255, 255)) &&
			  !ng_cidrset_contains(&s, IP(11, 0, 0, 0)) &&
			  !ng_cidrset_contains(&s, IP(9, 255, 255, 255)),
			  "host bits beyond plen are ignored");
	}
	{
		struct ng_cidr4 p[] = {
			{ IP(10, 0, 0, 0), 8 }, { IP(11, 0, 0, 0), 33 },
		};
		struct ng_cidr4 q[] = { { IP(10, 0, 0, 0), 255 } };
		struct ng_cidrset before;
		u32 w[] = { IP(10, 0, 0, 0), IP(10, 0, 0, 0),
			    IP(10, 0, 0, 2), IP(10, 0, 0, 2) };
		struct ng_cidr4 z[] = {
			{ IP(10, 0, 0, 2), 32 }, { IP(10, 0, 0, 0), 32 },
		};

		build(&s, z, 2);
		before = s;
		r = build(&s, p, 2);
		tap_check(r == -EINVAL && !memcmp(&s, &before, sizeof(s)),
			  "plen 33: -EINVAL, set untouched");
		r = build(&s, q, 1);
		tap_check(r == -EINVAL && !memcmp(&s, &before, sizeof(s)),
			  "plen 255: -EINVAL, set untouched");
		r = ng_cidrset_build(&s, p, NG_CIDRSET_MAX + 1, NULL, NULL);
		tap_check(r == -E2BIG && !memcmp(&s, &before, sizeof(s)),
			  "more than NG_CIDRSET_MAX prefixes: -E2BIG");
		tap_check(ranges_are(&s, w, 2), "earlier set still intact");
	}
}

/* Shuffled copies build the same ranges. */
static void test_order(const struct ng_cidr4 *p, u32 n, const char *name)
{
	struct ng_cidr4 *q = malloc(n * sizeof(*q));
	u32 *l1 = malloc(n * sizeof(u32)), *h1 = malloc(n * sizeof(u32));
	u32 *l2 = malloc(n * sizeof(u32)), *h2 = malloc(n * sizeof(u32));
	struct ng_cidrset a, b;
	uint64_t s = 42;
	u32 i, j;
	struct ng_cidr4 t;
	int ra, rb;

	memcpy(q, p, n * sizeof(*q));
	for (i = n; i > 1; i--) {
		j = gen_below(&s, i);
		t = q[i - 1];
		q[i - 1] = q[j];
		q[j] = t;
	}
	ra = ng_cidrset_build(&a, p, n, l1, h1);
	rb = ng_cidrset_build(&b, q, n, l2, h2);
	tap_check(ra == rb && ra >= 0 &&
		  !memcmp(l1, l2, ra * sizeof(u32)) &&
		  !memcmp(h1, h2, ra * sizeof(u32)),
		  "%s: a shuffled copy gives the same %d ranges", name, ra);
	free(q);
	free(l1);
	free(h1);
	free(l2);
	free(h2);
}

static unsigned long mism;

static void check_one(const struct ng_cidrset *s, const struct ref *r, u32 a)
{
	if (ng_cidrset_contains(s, a) != ref_has(r, a)) {
		if (mism < 5)
			printf("#   mismatch at %u.%u.%u.%u\n", a >> 24,
			       (a >> 16) & 255, (a >> 8) & 255, a & 255);
		mism++;
	}
}

/*
 * Every range edge and its neighbours, every prefix's edges and their
 * neighbours, and NQUERIES addresses from gen_query(), against the
 * reference lookup; the first 20,000 of those also check the reference
 * against the plainest scan.
 */
static void test_brute(const char *name, const struct ng_cidr4 *p, u32 n,
		       uint64_t seed)
{
	u32 *l = malloc((n + 1) * sizeof(u32)), *h = malloc((n + 1) * sizeof(u32));
	unsigned long q = 0, refbad = 0;
	struct ng_cidrset s;
	struct ref r;
	u32 i, a, m;
	int k;

	ref_init(&r, p, n);
	mism = 0;
	k = ng_cidrset_build(&s, p, n, l, h);
	tap_check(k >= 0 && (u32)k <= n && s.n == (u32)k && well_formed(&s),
		  "%s: %u prefixes -> %d sorted disjoint ranges", name, n, k);
	for (i = 0; i < s.n; i++) {
		check_one(&s, &r, s.lo[i] - 1);
		check_one(&s, &r, s.lo[i]);
		check_one(&s, &r, s.lo[i] + 1);
		check_one(&s, &r, s.hi[i] - 1);
		check_one(&s, &r, s.hi[i]);
		check_one(&s, &r, s.hi[i] + 1);
		q += 6;
	}
	for (i = 0; i < n; i++) {
		m = prefix_mask(p[i].plen);
		check_one(&s, &r, (p[i].addr & m) - 1);
		check_one(&s, &r, p[i].addr & m);
		check_one(&s, &r, p[i].addr | ~m);
		check_one(&s, &r, (p[i].addr | ~m) + 1);
		q += 4;
	}
	for (i = 0; i < NQUERIES; i++) {
		a = gen_query(&seed, p, n);
		check_one(&s, &r, a);
		if (i < 20000 && ref_has(&r, a) != ref_full(p, n, a))
			refbad++;
	}
	q += NQUERIES;
	printf("# %s: %lu lookups, %lu mismatches\n", name, q, mism);
	tap_check(mism == 0 && refbad == 0,
		  "%s: lookups agree with the brute-force check", name);
	ref_free(&r);
	free(l);
	free(h);
}

int main(void)
{
	static struct ng_cidr4 p[8000];

	test_edges();

	gen_chnroute(p, 8000, 1);
	test_brute("chnroute-like 8000 (seed 1)", p, 8000, 101);
	test_order(p, 8000, "chnroute-like 8000");
	gen_chnroute(p, 8000, 2);
	test_brute("chnroute-like 8000 (seed 2)", p, 8000, 102);
	gen_chnroute(p, 300, 3);
	test_brute("chnroute-like 300", p, 300, 103);
	gen_uniform(p, 40, 1, 32, 0, 0, 4);
	test_brute("40 prefixes /1../32", p, 40, 104);
	gen_uniform(p, 100, 0, 32, 0, 0, 5);
	test_brute("100 prefixes /0../32", p, 100, 105);
	test_order(p, 100, "100 prefixes /0../32");
	gen_uniform(p, 2000, 16, 32, 0, 0, 6);
	test_brute("2000 prefixes /16../32", p, 2000, 106);
	gen_uniform(p, 100, 4, 32, 0, 0, 10);
	test_brute("100 prefixes /4../32", p, 100, 111);
	gen_uniform(p, 600, 18, 32, IP(10, 0, 0, 0), 14, 7);
	test_brute("600 prefixes /18../32 in 10.0.0.0/14", p, 600, 107);
	gen_uniform(p, 600, 24, 32, IP(10, 0, 0, 0), 12, 11);
	test_brute("600 prefixes /24../32 in 10.0.0.0/12", p, 600, 112);
	test_order(p, 600, "600 prefixes in 10.0.0.0/12");
	gen_uniform(p, 300, 22, 32, IP(255, 255, 0, 0), 16, 8);
	p[299] = (struct ng_cidr4){ ~0U, 32 };
	test_brute("300 prefixes in 255.255.0.0/16", p, 300, 108);
	gen_uniform(p, 1, 32, 32, 0, 0, 9);
	test_brute("one /32", p, 1, 109);
	test_brute("no prefixes", p, 0, 110);
	return tap_done();
}
