/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Prefix lists and a reference lookup for the tests and the benchmark of
 * common/cidrset.c.
 *
 * gen_chnroute() makes a list shaped like a chnroute file: prefixes inside
 * the /8s that APNIC gave to China, lengths mostly /16 to /24 with some
 * /9 to /15 and the odd /8, plus a share of duplicates, nested prefixes and
 * adjacent siblings so that merging has work to do. The reference lookup
 * (struct ref) knows nothing of ranges: it checks addr & mask == net over
 * the original prefixes, all of them (ref_full) or only those that can
 * match, i.e. the ones shorter than /8 and the ones in addr's /8 (ref_has).
 */
#ifndef _NFGATE_CIDR_GEN_H
#define _NFGATE_CIDR_GEN_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../cidrset.h"

/* splitmix64: a fixed, reproducible random stream per seed. */
static inline uint64_t gen_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static inline u32 gen_u32(uint64_t *s)
{
	return (u32)(gen_next(s) >> 32);
}

/* Uniform in [0, n), n > 0 (the bias of 2^32 mod n is irrelevant here). */
static inline u32 gen_below(uint64_t *s, u32 n)
{
	return (u32)(((uint64_t)gen_u32(s) * n) >> 32);
}

static inline u32 prefix_mask(unsigned int plen)
{
	return plen ? ~0U << (32 - plen) : 0;
}

/* The /8s of mainland China's allocations (enough to look the part). */
static const u8 gen_cn_octets[] = {
	1, 14, 27, 36, 39, 42, 43, 49, 58, 59, 60, 61, 101, 103, 106, 110,
	111, 112, 113, 114, 115, 116, 117, 118, 119, 120, 121, 122, 123, 124,
	125, 139, 140, 144, 150, 153, 157, 159, 161, 163, 167, 171, 175, 180,
	182, 183, 202, 203, 210, 211, 218, 219, 220, 221, 222, 223,
};

/*
 * A chnroute-like length, drawn with the weights below: about how many of
 * each length a list of 7,600 has (counted roughly from the real file).
 */
static const unsigned short gen_cn_lens[17] = {
	/* /8 .. /16 */ 1, 3, 10, 15, 30, 50, 100, 150, 600,
	/* /17 .. /24 */ 250, 300, 500, 600, 700, 2000, 800, 1500,
};

static inline unsigned int gen_cn_plen(uint64_t *s)
{
	u32 i, r = gen_below(s, 7609);	/* the sum of gen_cn_lens */

	for (i = 0; r >= gen_cn_lens[i]; i++)
		r -= gen_cn_lens[i];
	return 8 + i;
}

/*
 * n chnroute-like prefixes into p[]. About 2 % duplicate an earlier one,
 * 4 % are nested in one (up to 6 bits longer), 4 % are its other half
 * (adjacent: merged into one range). Host bits are left set in about a
 * quarter of them: the set must mask them.
 */
static inline void gen_chnroute(struct ng_cidr4 *p, u32 n, uint64_t seed)
{
	uint64_t s = seed;
	u32 i, r, junk;

	for (i = 0; i < n; i++) {
		r = i ? gen_below(&s, 100) : 99;
		if (r < 10) {
			struct ng_cidr4 o = p[gen_below(&s, i)];
			u32 base = o.addr & prefix_mask(o.plen);

			if (r < 2) {
				p[i] = o;
			} else if (r < 6) {
				unsigned int pl = o.plen + 1 + gen_below(&s, 6);

				if (pl > 32)
					pl = 32;
				p[i].plen = pl;
				p[i].addr = (base | (gen_u32(&s) &
					     ~prefix_mask(o.plen))) &
					    prefix_mask(pl);
			} else {
				p[i].plen = o.plen;
				p[i].addr = o.plen ?
					base ^ (1U << (32 - o.plen)) : 0;
			}
		} else {
			p[i].plen = gen_cn_plen(&s);
			p[i].addr = (u32)gen_cn_octets[gen_below(&s,
					sizeof(gen_cn_octets))] << 24 |
				    (gen_u32(&s) & 0xffffff);
			p[i].addr &= prefix_mask(p[i].plen);
		}
		junk = gen_u32(&s);
		if ((junk & 3) == 0)
			p[i].addr |= (junk >> 2) & ~prefix_mask(p[i].plen);
	}
}

/* n prefixes, lengths uniform in [minlen, maxlen], anywhere under base. */
static inline void gen_uniform(struct ng_cidr4 *p, u32 n, unsigned int minlen,
			       unsigned int maxlen, u32 base,
			       unsigned int baselen, uint64_t seed)
{
	uint64_t s = seed;
	u32 i;

	for (i = 0; i < n; i++) {
		p[i].plen = minlen + gen_below(&s, maxlen - minlen + 1);
		p[i].addr = (base & prefix_mask(baselen)) |
			    (gen_u32(&s) & ~prefix_mask(baselen));
	}
}

/*
 * A query: uniform over the address space half the time, else near a
 * random prefix of the list (from one prefix-size below its start to one
 * past its end), where hits and range edges are.
 */
static inline u32 gen_query(uint64_t *s, const struct ng_cidr4 *p, u32 n)
{
	const struct ng_cidr4 *q;
	uint64_t span, off;

	if (!n || (gen_next(s) & 1))
		return gen_u32(s);
	q = &p[gen_below(s, n)];
	span = 1ULL << (32 - q->plen);
	off = gen_next(s) % (3 * span);
	return (u32)((q->addr & prefix_mask(q->plen)) + off - span);
}

/* Reference lookup over the original prefixes. */
struct ref {
	u32 n, nwide;
	u32 *net, *mask;	/* by bucket: wide ones (< /8) first */
	u32 start[257];		/* bucket b: [start[b], start[b + 1]) */
	const struct ng_cidr4 *p;
};

static inline void ref_init(struct ref *r, const struct ng_cidr4 *p, u32 n)
{
	u32 i, b, fill[256];

	memset(r, 0, sizeof(*r));
	r->p = p;
	r->n = n;
	r->net = calloc(n + 1, sizeof(u32));
	r->mask = calloc(n + 1, sizeof(u32));
	if (!r->net || !r->mask)
		abort();
	for (i = 0; i < n; i++)
		if (p[i].plen < 8)
			r->nwide++;
	for (i = 0; i < n; i++)
		if (p[i].plen >= 8)
			r->start[(p[i].addr >> 24) + 1]++;
	r->start[0] = r->nwide;
	for (b = 1; b <= 256; b++)
		r->start[b] += r->start[b - 1];
	memcpy(fill, r->start, sizeof(fill));
	for (i = 0, b = 0; i < n; i++) {
		u32 k = p[i].plen < 8 ? b++ : fill[p[i].addr >> 24]++;

		r->mask[k] = prefix_mask(p[i].plen);
		r->net[k] = p[i].addr & r->mask[k];
	}
}

static inline void ref_free(struct ref *r)
{
	free(r->net);
	free(r->mask);
}

static inline bool ref_has(const struct ref *r, u32 a)
{
	u32 i, b = a >> 24;

	for (i = 0; i < r->nwide; i++)
		if ((a & r->mask[i]) == r->net[i])
			return true;
	for (i = r->start[b]; i < r->start[b + 1]; i++)
		if ((a & r->mask[i]) == r->net[i])
			return true;
	return false;
}

/* The plainest check: every prefix, in the order given. */
static inline bool ref_full(const struct ng_cidr4 *p, u32 n, u32 a)
{
	u32 i;

	for (i = 0; i < n; i++)
		if (((a ^ p[i].addr) & prefix_mask(p[i].plen)) == 0)
			return true;
	return false;
}

#endif /* _NFGATE_CIDR_GEN_H */
