// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * nfgate: a set of IPv4 prefixes as sorted disjoint ranges. See cidrset.h.
 */
#ifdef __KERNEL__
#include <linux/errno.h>
#else
#include <errno.h>
#include <stdbool.h>
#endif

#include "cidrset.h"

/*
 * Heapsort of the pairs (lo[i], hi[i]) by lo, ascending: no recursion, no
 * allocation, a few words of stack, O(n log n) at worst. Equal starts may
 * end up in any order; the merge below does not care. (A bottom-up sift,
 * as lib/sort.c does, saved only 6 % of the build's instructions here.)
 */
static void sift_down(u32 *lo, u32 *hi, u32 root, u32 n)
{
	u32 l = lo[root], h = hi[root], child;

	/* n <= NG_CIDRSET_MAX, so 2 * root + 2 cannot overflow. */
	while ((child = 2 * root + 1) < n) {
		if (child + 1 < n && lo[child + 1] > lo[child])
			child++;
		if (lo[child] <= l)
			break;
		lo[root] = lo[child];
		hi[root] = hi[child];
		root = child;
	}
	lo[root] = l;
	hi[root] = h;
}

static void sort_ranges(u32 *lo, u32 *hi, u32 n)
{
	u32 i, t;

	for (i = n / 2; i-- > 0;)
		sift_down(lo, hi, i, n);
	for (i = n; i-- > 1;) {
		t = lo[0];
		lo[0] = lo[i];
		lo[i] = t;
		t = hi[0];
		hi[0] = hi[i];
		hi[i] = t;
		sift_down(lo, hi, 0, i);
	}
}

int ng_cidrset_build(struct ng_cidrset *set, const struct ng_cidr4 *in,
		     u32 n, u32 *lo, u32 *hi)
{
	u32 i, out, mask, cl, ch;

	if (n > NG_CIDRSET_MAX)
		return -E2BIG;
	for (i = 0; i < n; i++)
		if (in[i].plen > 32)
			return -EINVAL;
	for (i = 0; i < n; i++) {
		/* A shift by 32 is undefined: plen 0 is its own case. */
		mask = in[i].plen ? ~0U << (32 - in[i].plen) : 0;
		lo[i] = in[i].addr & mask;
		hi[i] = lo[i] | ~mask;
	}
	sort_ranges(lo, hi, n);

	/*
	 * Merge in place: ranges that overlap or touch (the next one starts
	 * at most one past the current end) become one. out <= i, so a write
	 * never clobbers a range still to be read. Once the current range
	 * ends at 255.255.255.255 it covers every later one: stop there
	 * rather than compute ch + 1.
	 */
	out = 0;
	if (n) {
		cl = lo[0];
		ch = hi[0];
		for (i = 1; i < n && ch != ~0U; i++) {
			if (lo[i] <= ch + 1) {
				if (hi[i] > ch)
					ch = hi[i];
				continue;
			}
			lo[out] = cl;
			hi[out] = ch;
			out++;
			cl = lo[i];
			ch = hi[i];
		}
		lo[out] = cl;
		hi[out] = ch;
		out++;
	}
	set->lo = lo;
	set->hi = hi;
	set->n = out;
	/* The largest power of two <= out (out <= 2^24: no overflow). */
	for (set->step = 1; set->step * 2 <= out; set->step *= 2)
		;
	return (int)out;	/* out <= NG_CIDRSET_MAX */
}

bool ng_cidrset_contains(const struct ng_cidrset *set, u32 addr)
{
	const u32 *lo = set->lo;
	u32 i = 0, step = set->step;

	if (!set->n)
		return false;
	/*
	 * Find the last start <= addr (or index 0 if there is none) by
	 * Shar's search: the first probe leaves a window of exactly step (a
	 * power of two) entries at i, then each halving step probes lo[i +
	 * step] and moves i there if it is <= addr. Every probe is below n;
	 * the moves compile to conditional moves, and the loop runs log2(step)
	 * times whatever addr.
	 */
	if (lo[set->n - step] <= addr)
		i = set->n - step;
	while (step >>= 1) {
		if (lo[i + step] <= addr)
			i += step;
	}
	return lo[i] <= addr && addr <= set->hi[i];
}
