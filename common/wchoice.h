/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * nfgate: tiered weighted choice, shared by the module and userspace.
 *
 * Candidates carry a tier (lower is better) and a weight. The best tier with
 * a positive total weight wins; inside it a candidate is picked with
 * probability weight / total, from a 32-bit random number supplied by the
 * caller (so the choice is deterministic and testable).
 */
#ifndef _NFGATE_WCHOICE_H
#define _NFGATE_WCHOICE_H

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include <stdint.h>
typedef uint8_t u8;
typedef uint32_t u32;
typedef uint64_t u64;
#endif

struct ng_wchoice_cand {
	u32 weight;
	u8 tier;
};

/* Returns the index of the chosen candidate, or -1 if none is usable. */
int ng_wchoice_pick(const struct ng_wchoice_cand *c, unsigned int n, u32 rnd);

#endif /* _NFGATE_WCHOICE_H */
