// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Fuzz target for common/cidrset.c.
 *
 * With clang, a libFuzzer target (-fsanitize=fuzzer,address,undefined).
 * Built with driver.c instead (gcc or clang, ASan + UBSan), a plain program
 * replaying the files or directories given as arguments (driver.h).
 *
 * Input: byte 0 is the number of prefixes k (at most what the input holds),
 * then k prefixes of 5 bytes (address, big-endian, then the length byte),
 * then query addresses of 4 bytes (big-endian), to the end. A length byte
 * above 32 is first given as is, and the build must fail with -EINVAL and
 * write nothing; then it is taken modulo 33 and the list is built for real.
 *
 * Checks, besides the sanitizers (every buffer is malloc'd at its exact
 * size): the ranges are sorted, disjoint and not touching, at most k of
 * them; a reversed copy of the list gives the same ranges; and lookups agree
 * with a linear scan of the prefixes at the given queries and at every
 * edge: 0, each prefix's first address and the one past its last, each
 * range's first and last address and their outer neighbours. Both sides
 * are constant from one edge to the next, so agreeing at all edges means
 * the two sets are equal: a mismatch anywhere is caught by the edges alone.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../cidrset.h"
#include "driver.h"

static u32 mask_of(unsigned int plen)
{
	return plen ? ~0U << (32 - plen) : 0;
}

static u32 rd32(const uint8_t *p)
{
	return (u32)p[0] << 24 | (u32)p[1] << 16 | (u32)p[2] << 8 | p[3];
}

/* The prefixes as (net, mask) pairs, for the linear scan. */
static u32 nets[256], masks[256];

static bool brute(u32 k, u32 a)
{
	u32 i;

	for (i = 0; i < k; i++)
		if ((a & masks[i]) == nets[i])
			return true;
	return false;
}

static void check_at(const struct ng_cidrset *s, u32 k, u32 a)
{
	if (ng_cidrset_contains(s, a) != brute(k, a)) {
		fprintf(stderr, "lookup of %08x: set %d, prefixes %d\n", a,
			ng_cidrset_contains(s, a), brute(k, a));
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ng_cidrset s, s2, before;
	struct ng_cidr4 *p, *rev;
	u32 *lo, *hi, *lo2, *hi2;
	u32 k, i, m, nq;
	bool bad = false;
	int r, r2;

	if (!size)
		return 0;
	k = data[0];
	if (k > (size - 1) / 5)
		k = (size - 1) / 5;
	nq = (size - 1 - 5 * k) / 4;

	/* Exact sizes: ASan catches a read or write one entry too far. */
	p = k ? malloc(k * sizeof(*p)) : NULL;
	rev = k ? malloc(k * sizeof(*rev)) : NULL;
	lo = k ? malloc(k * sizeof(u32)) : NULL;
	hi = k ? malloc(k * sizeof(u32)) : NULL;
	lo2 = k ? malloc(k * sizeof(u32)) : NULL;
	hi2 = k ? malloc(k * sizeof(u32)) : NULL;
	for (i = 0; i < k; i++) {
		p[i].addr = rd32(data + 1 + 5 * i);
		p[i].plen = data[1 + 5 * i + 4];
		bad |= p[i].plen > 32;
	}

	if (bad) {
		memset(&s, 0x5a, sizeof(s));
		before = s;
		for (i = 0; i < k; i++)
			lo[i] = hi[i] = i;
		r = ng_cidrset_build(&s, p, k, lo, hi);
		CHECK(r == -EINVAL);
		CHECK(!memcmp(&s, &before, sizeof(s)));
		for (i = 0; i < k; i++)
			CHECK(lo[i] == i && hi[i] == i);
		for (i = 0; i < k; i++)
			p[i].plen %= 33;
	}

	r = ng_cidrset_build(&s, p, k, lo, hi);
	CHECK(r >= 0 && (u32)r <= k && s.n == (u32)r);
	CHECK(s.lo == lo && s.hi == hi);
	CHECK(ng_cidrset_size(&s) == s.n);
	CHECK(s.step && !(s.step & (s.step - 1)));
	CHECK(s.n ? s.step <= s.n && s.n < 2 * s.step : s.step == 1);
	for (i = 0; i < s.n; i++) {
		CHECK(s.lo[i] <= s.hi[i]);
		if (i)
			CHECK(s.lo[i] > s.hi[i - 1] &&
			      s.lo[i] - s.hi[i - 1] >= 2);
	}

	/* The order of the list does not matter. */
	for (i = 0; i < k; i++)
		rev[i] = p[k - 1 - i];
	r2 = ng_cidrset_build(&s2, rev, k, lo2, hi2);
	CHECK(r2 == r && s2.n == s.n);
	if (k) {
		CHECK(!memcmp(lo, lo2, s.n * sizeof(u32)));
		CHECK(!memcmp(hi, hi2, s.n * sizeof(u32)));
	}

	for (i = 0; i < k; i++) {
		masks[i] = mask_of(p[i].plen);
		nets[i] = p[i].addr & masks[i];
	}
	check_at(&s, k, 0);
	for (i = 0; i < nq; i++)
		check_at(&s, k, rd32(data + 1 + 5 * k + 4 * i));
	for (i = 0; i < k; i++) {
		m = mask_of(p[i].plen);
		check_at(&s, k, p[i].addr & m);
		check_at(&s, k, (p[i].addr | ~m) + 1);
	}
	for (i = 0; i < s.n; i++) {
		check_at(&s, k, s.lo[i] - 1);
		check_at(&s, k, s.lo[i]);
		check_at(&s, k, s.hi[i]);
		check_at(&s, k, s.hi[i] + 1);
	}

	free(p);
	free(rev);
	free(lo);
	free(hi);
	free(lo2);
	free(hi2);
	return 0;
}
