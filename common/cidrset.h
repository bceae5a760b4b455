/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * nfgate: IPv4 prefix set (the tunnel bypass set), shared by the module and
 * userspace.
 *
 * A list of prefixes (struct ng_cidr4: address and length, host byte order)
 * is turned into sorted, disjoint inclusive ranges [lo, hi]: overlapping,
 * nested, duplicate and adjacent prefixes are merged (10.0.0.0/25 and
 * 10.0.0.128/25 become one range), bits of addr beyond plen are ignored.
 * A lookup is then a binary search over the starts lo[] (4 bytes per range,
 * densely packed) and one compare with hi[] of the range found.
 *
 * No allocation, no recursion, no locking here: the caller owns the memory
 * and publishes the result. Building sorts with an in-file heapsort (a few
 * words of stack, O(n log n) at worst, same code in the kernel and in the
 * host tests). The input is only read. Build in process context; lookups
 * may run anywhere, concurrently, on a published set.
 *
 * In the module, one allocation holds the set and both arrays, and the
 * set is replaced as a whole (readers never block, never see half a set):
 *
 *	struct ng_bypass {
 *		struct rcu_head rcu;
 *		struct ng_cidrset set;
 *		u32 buf[];		// lo[n], then hi[n]
 *	};
 *
 *	// Update: process context, under the config mutex. in[] holds the
 *	// user's prefixes (every netlink chunk) and the built-in ranges.
 *	b = kvmalloc(struct_size(b, buf, 2 * (size_t)n), GFP_KERNEL);
 *	if (!b)
 *		return -ENOMEM;
 *	err = ng_cidrset_build(&b->set, in, n, b->buf, b->buf + n);
 *	kvfree(in);			// the set does not refer to it
 *	if (err < 0) {
 *		kvfree(b);
 *		return err;		// -EINVAL: a plen above 32
 *	}
 *	// Publish (rcu_assign_pointer() inside), then free the old set
 *	// after a grace period.
 *	old = rcu_replace_pointer(ns->bypass, b, lockdep_is_held(&mutex));
 *	if (old)
 *		kvfree_rcu(old, rcu);
 *
 *	// Lookup: packet path (softirq), any number of CPUs at once.
 *	rcu_read_lock();
 *	b = rcu_dereference(ns->bypass);
 *	bypass = b && ng_cidrset_contains(&b->set, ntohl(iph->daddr));
 *	rcu_read_unlock();
 *
 * n may be 0 (an empty set; the arrays are then never touched and may be
 * NULL). The result has at most n ranges, usually fewer (8,000 chnroute-
 * like prefixes merge to about 5,300): ng_cidrset_size() of them; the set
 * never reads the arrays past that.
 *
 * Cost (callgrind, x86-64, gcc -O2; make -C common/tests bench), 8,000
 * prefixes: a lookup is 84 instructions whatever the address (Shar's
 * binary search: 13 probes, each a load, a compare and a conditional move;
 * 15-27 ns on the shared 2-core build host), and still 84 when nothing
 * merges (8,000 ranges). The arrays take 8 bytes per prefix given; the part searched,
 * lo[], 4 bytes per range (21 KiB for 5,300). A first-level index by the
 * top byte (257 u32) cut a lookup to 55 instructions in a trial on the same
 * list; not kept: plain search is well inside the budget, and real lists
 * crowd a few /8s (103/8 was handed out in /22s and /23s), where such an
 * index helps least. Building takes about 420 instructions per prefix,
 * 0.75-1 ms for 8,000 (heapsort, then one merging pass).
 */
#ifndef _NFGATE_CIDRSET_H
#define _NFGATE_CIDRSET_H

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include <stdbool.h>
#include <stdint.h>
typedef uint8_t u8;
typedef uint32_t u32;
#endif

/*
 * Most prefixes one build takes; -E2BIG above. The build does not
 * reschedule: this many took 0.2-0.27 s of CPU on the build host, so the
 * module should cap its list well below (chnroute: about 8,000).
 */
#define NG_CIDRSET_MAX		(1U << 20)

/* One prefix: addr/plen, host byte order, plen 0..32. */
struct ng_cidr4 {
	u32 addr;
	u8 plen;
};

/*
 * The set: n ranges [lo[i], hi[i]], lo[i] <= hi[i], lo[i + 1] > hi[i] + 1.
 * Read-only once built; the arrays are the caller's.
 */
struct ng_cidrset {
	const u32 *lo;
	const u32 *hi;
	u32 n;
	u32 step;	/* internal: the largest power of two <= n, or 1 */
};

/*
 * Build *set from in[0..n) into lo[0..n) and hi[0..n) (the caller's arrays,
 * n entries each; set->lo/hi then point at them). Returns the number of
 * ranges (0..n), or -EINVAL if a plen is above 32, or -E2BIG if n is above
 * NG_CIDRSET_MAX; on error nothing is written (*set, lo[], hi[] as before).
 */
int ng_cidrset_build(struct ng_cidrset *set, const struct ng_cidr4 *in,
		     u32 n, u32 *lo, u32 *hi);

/* Is addr (host byte order) in the set? O(log n), never writes. */
bool ng_cidrset_contains(const struct ng_cidrset *set, u32 addr);

/* Number of ranges in the set. */
static inline u32 ng_cidrset_size(const struct ng_cidrset *set)
{
	return set->n;
}

#endif /* _NFGATE_CIDRSET_H */
