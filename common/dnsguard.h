/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * nfgate: judging DNS replies, shared by the module and userspace.
 *
 * An on-path censor answers a query for a blocked name before the real
 * resolver does. Its reply carries the query's ID, addresses and ports, so
 * it cannot be told from the genuine one by the 5-tuple; it differs in what
 * the injector does not bother to copy. This file turns one parsed reply,
 * what was learned of its query when it left, and a per-resolver baseline
 * into signals (NFGATE_DNS_SIG_*), and the signals into a verdict. It keeps
 * no state of its own and never allocates: the module owns the tables and
 * the locks, and the host tests drive the same functions.
 *
 * Signals, each independent:
 *   ADDR     an A answer in the forged set, or an AAAA answer in a forged
 *            prefix (the caller looks the set up: ng_dnsg_reply.in_set).
 *   TTL      the IP TTL is more than ttl_slack outside [min, max] of the
 *            TTLs of the resolver's last NG_DNSG_RING clean replies.
 *            Needs NG_DNSG_MIN_SAMPLES of them. Injectors that copy the
 *            path's TTL defeat it.
 *   SHAPE    the query carried EDNS and the reply has no OPT record (every
 *            EDNS resolver echoes OPT, RFC 6891 section 6.1.1; injectors
 *            write a fixed template), or AA is set by a resolver none of
 *            whose clean replies ever had it (a recursive resolver does not
 *            claim authority; the 0x8400 injector does). Needs
 *            NG_DNSG_MIN_SAMPLES for AA. The converse (AA missing from a
 *            resolver that set it so far) is not a signal: a resolver
 *            serving a zone of its own sets AA on its data only, not on
 *            what it forwards or denies.
 *   FAST     the reply came sooner than fast_pct % of the smallest RTT of
 *            the resolver's clean replies over the last one to two
 *            minutes: an injector near the client answers before the
 *            resolver possibly could.
 *   IPHDR    DF differs from what all of the resolver's recent clean
 *            replies had (needs NG_DNSG_MIN_SAMPLES). Only for replies of
 *            at most NG_DNSG_DF_MAX_LEN bytes: a big reply may be sent
 *            without DF to be fragmented; forged replies are small.
 *   DISAGREE another reply to the same query had other answers (the
 *            caller sets it when it sees the second reply).
 *
 * Verdict (mode drop): ADDR drops; at least drop_score signals drop; any
 * other signal holds the reply until a better reply to the same query
 * arrives (then the held one is dropped) or hold time passes (then it is
 * released, or dropped if the policy says so). A clean reply passes.
 * Between two replies to one query the one with fewer signals wins; on a
 * tie the later one (injectors lead, resolvers follow).
 *
 * Learning: a reply that passed clean, or that was held and released with
 * no competitor, is the resolver's; its TTL, DF, AA and RTT go into the
 * resolver's ring of NG_DNSG_RING samples, the oldest falling out. A
 * resolver whose TTL changes (a route change) costs at most hold time on
 * its next reply, not a drop: that reply is held, released, and learned.
 *
 * What it cannot catch: an injector that copies the TTL and DF of the
 * path, echoes OPT, leaves AA clear, answers from addresses not (yet) in
 * the set and arrives no sooner than fast_pct of the resolver's RTT looks
 * like the resolver. Its reply passes; when the genuine one follows with
 * other answers the caller reports the first as NFGATE_DNS_V_LATE, so the
 * agent can learn its answers into the set for next time.
 */
#ifndef _NFGATE_DNSGUARD_H
#define _NFGATE_DNSGUARD_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <uapi/linux/nfgate.h>
#else
#include <stdint.h>
#include <stdbool.h>
typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
#ifndef __force
#define __force
#endif
typedef uint64_t u64;
#include <linux/nfgate.h>	/* -I include/uapi */
#endif

struct ng_dns_msg;

#define NG_DNSG_RING		8	/* samples kept per resolver */
#define NG_DNSG_MIN_SAMPLES	3	/* before TTL, FAST, IPHDR count */
#define NG_DNSG_RTT_UNKNOWN	0xffffffffu
#define NG_DNSG_RTT_WINDOW_MS	60000
#define NG_DNSG_DF_MAX_LEN	512	/* IP length */

struct ng_dnsg_cfg {
	u8 ttl_slack;
	u8 fast_pct;		/* 0: FAST disabled */
	u8 drop_score;		/* 0: never drop on a count of signals */
};

/* What the resolver's clean replies looked like. Zero it to start. */
struct ng_dnsg_baseline {
	u8 n;			/* samples in the ring, up to NG_DNSG_RING */
	u8 pos;			/* next slot */
	u8 df_bits;		/* bit i: sample i had DF */
	u8 aa_bits;		/* bit i: sample i had AA */
	bool aa_seen;		/* a clean reply ever had AA */
	u8 ttl[NG_DNSG_RING];
	u8 ttl_lo, ttl_hi;	/* the range of ttl[0..n), kept by learning */
	/*
	 * The smallest RTT of this window of NG_DNSG_RTT_WINDOW_MS and of
	 * the one before (a windowed minimum, as BBR keeps its min RTT): a
	 * burst of slow replies under load does not raise it, a resolver
	 * that moved farther away raises it within two windows.
	 */
	u8 rtt_n;			/* RTT samples, saturating */
	u32 rtt_window;			/* now_ms / NG_DNSG_RTT_WINDOW_MS */
	u32 rtt_min_us[2];		/* this window, the one before */
};

/* One reply, as the caller saw it. */
struct ng_dnsg_reply {
	u8 ip_ttl;
	bool df;
	u16 ip_len;		/* IP total length */
	bool query_edns;	/* the query carried an OPT record */
	bool in_set;		/* an answer is in the forged set */
	u32 rtt_us;		/* since the query left; NG_DNSG_RTT_UNKNOWN */
	const struct ng_dns_msg *m;
};

/* The NFGATE_DNS_SIG_* bits for @r (DISAGREE is never set here). */
u32 ng_dnsg_signals(const struct ng_dnsg_cfg *cfg,
		    const struct ng_dnsg_baseline *b,
		    const struct ng_dnsg_reply *r);

/*
 * Verdict on arrival: NFGATE_DNS_V_PASS, _DROP or _HOLD. @can_hold false
 * (hold time 0, or no room) turns a HOLD into a PASS.
 */
enum nfgate_dns_verdict ng_dnsg_verdict(const struct ng_dnsg_cfg *cfg,
					u32 signals);

/* How many signals fired (no libgcc popcount in the kernel). */
static inline unsigned int ng_dnsg_nsig(u32 signals)
{
	unsigned int n = 0;

	for (; signals; signals &= signals - 1)
		n++;
	return n;
}

/*
 * Of a held reply with @held signals and a reply arriving now with @now,
 * both to one query: true if the new one should replace the held one.
 */
static inline bool ng_dnsg_prefer_new(u32 held, u32 now)
{
	return ng_dnsg_nsig(now) <= ng_dnsg_nsig(held);
}

/*
 * A held reply that nothing contradicted before hold time ran out: true if
 * its signals are what a change of the resolver's path explains (TTL, DF,
 * RTT) or its first AA, so it may be learned and the baseline follows.
 * Answers in the set and a missing OPT are never learned.
 */
bool ng_dnsg_learnable(u32 signals, const struct ng_dnsg_reply *r);

/*
 * Learn a clean reply's IP TTL, DF (if @ip_len is small enough to judge
 * DF), AA flag and RTT (or RTT_UNKNOWN), at @now_ms (any monotonic clock
 * in ms).
 */
void ng_dnsg_learn(struct ng_dnsg_baseline *b, u8 ip_ttl, bool df, bool aa,
		   u16 ip_len, u32 rtt_us, u64 now_ms);

/*
 * A summary of what a reply says: RCODE and its A and AAAA answers,
 * independent of their order (resolvers rotate records). Two replies to
 * one query disagree when their summaries differ. Replies with more
 * addresses than NG_DNS_MAX_ADDRS are summarised by the first ones and the
 * counts.
 */
u32 ng_dnsg_answer_hash(const struct ng_dns_msg *m);

#endif /* _NFGATE_DNSGUARD_H */
