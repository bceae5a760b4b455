// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * nfgate: DNS message parser. See dns.h for the rules it enforces.
 */
#ifdef __KERNEL__
#include <linux/stddef.h>
#include <linux/string.h>
#include "../kmod/compat.h"	/* get/put_unaligned */
#else
#include <endian.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#define noinline __attribute_noinline__
#endif

#include "dns.h"

#ifdef NG_DNS_TESTING
int ng_dns_last_path;
#define PATH(p)	(ng_dns_last_path = NG_DNS_PATH_##p)
#else
#define PATH(p)	do { } while (0)
#endif

static inline u16 rd16(const u8 *p)
{
	return (u16)(p[0] << 8 | p[1]);
}

static inline u32 rd32(const u8 *p)
{
	return (u32)p[0] << 24 | (u32)p[1] << 16 | (u32)p[2] << 8 | p[3];
}

/* ASCII lowercase of one byte (length bytes, < 64, are left alone). */
static inline u8 lc(u8 c)
{
	return c | ((u8)(c - 'A') < 26) << 5;
}

/*
 * A name already walked: where it starts and what the walk found. Reaching
 * it again through a pointer, a walk can stop there and add these up.
 */
struct name_memo {
	u16 off;		/* 0: empty */
	u16 first;
	u16 len;		/* wire length */
	u16 hops;
};

/*
 * Walk the name at *offp and leave *offp just past it (past its first
 * pointer if it has one). Returns the offset of the name's first label
 * once leading pointers are followed, which identifies the name: two names
 * with the same such offset are equal. Negative error otherwise.
 * memo[0..1] are names walked before; *out, if not NULL, gets this one.
 */
static int name_skip(const u8 *p, unsigned int len, unsigned int *offp,
		     const struct name_memo *memo, struct name_memo *out)
{
	unsigned int off = *offp, seg = off, nlen = 0, hops = 0, next = 0, t;
	const struct name_memo *e;
	int first = -1;
	u8 c;

	for (;;) {
		if (off >= len)
			return -NG_DNS_ETRUNC;
		c = p[off];
		if (c < 64) {
			if (first < 0)
				first = off;
			if (!c)
				break;
			nlen += c + 1;
			if (nlen >= NG_DNS_MAX_NAME)
				return -NG_DNS_ENAMELEN;
			off += c + 1;
			continue;
		}
		if (c < 0xc0)
			return -NG_DNS_EBADLABEL;
		if (++hops > NG_DNS_MAX_HOPS)
			return -NG_DNS_EHOPS;
		if (off + 1 >= len)
			return -NG_DNS_ETRUNC;
		t = (c & 0x3f) << 8 | p[off + 1];
		if (t >= seg || t < NG_DNS_HDR_LEN)
			return -NG_DNS_EPTR;
		if (!next)
			next = off + 2;
		off = seg = t;
		e = t == memo[0].off ? &memo[0] : t == memo[1].off ? &memo[1] :
		    NULL;
		if (e) {
			nlen += e->len - 1;
			if (nlen >= NG_DNS_MAX_NAME)
				return -NG_DNS_ENAMELEN;
			hops += e->hops;
			if (hops > NG_DNS_MAX_HOPS)
				return -NG_DNS_EHOPS;
			if (first < 0)
				first = e->first;
			break;
		}
	}
	if (out) {
		out->off = *offp;
		out->first = first;
		out->len = nlen + 1;
		out->hops = hops;
	}
	*offp = next ? next : off + 1;
	return first;
}

/*
 * 64-bit little-endian words, for copying and hashing names a word at a
 * time (the same value on any host).
 */
static inline u64 ld64(const u8 *s)
{
#ifdef __KERNEL__
	return get_unaligned_le64(s);
#else
	u64 w;

	memcpy(&w, s, 8);
	return le64toh(w);
#endif
}

static inline void st64(u8 *d, u64 w)
{
#ifdef __KERNEL__
	put_unaligned_le64(w, d);
#else
	w = htole64(w);
	memcpy(d, &w, 8);
#endif
}

#define ONES	0x0101010101010101ull

/* ASCII lowercase of 8 bytes at once (bytes >= 0x80 are left alone). */
static inline u64 lc64(u64 x)
{
	u64 h = x & (0x7f * ONES);
	u64 upper = (h + (0x80 - 'A') * ONES) & ~(h + (0x80 - 'Z' - 1) * ONES);

	return x | ((upper & ~x & (0x80 * ONES)) >> 2);
}

#define HASH_BASIS	0xcbf29ce484222325ull
#define HASH_MUL	0x9e3779b97f4a7c15ull

/* One word into the hash (FNV-1a's step, on words, with a stronger odd
 * multiplier), and the final fold to 32 bits.
 */
static inline u64 hash_word(u64 h, u64 w)
{
	return (h ^ w) * HASH_MUL;
}

static inline u32 hash_fold(u64 h)
{
	return ((h ^ (h >> 32)) * HASH_MUL) >> 32;
}

/* The last rem (1..7) bytes of a name, as a zero-padded word. */
static inline u64 ld64_tail(const u8 *s, unsigned int rem)
{
	u64 w = 0;
	unsigned int i;

	for (i = 0; i < rem; i++)
		w |= (u64)s[i] << (8 * i);
	return w;
}

/*
 * Store the question name, n bytes at NG_DNS_HDR_LEN (its labels already
 * checked), lowercased, in out (NG_DNS_MAX_NAME + 1 bytes: whole words are
 * stored). Returns its hash. The message must hold whole words up to the
 * name's last: NG_DNS_HDR_LEN + round_up(n, 8) <= len (qname_store() is
 * for any message).
 */
static __always_inline u32 qname_store_words(const u8 *p, unsigned int n,
					     u8 *out)
{
	u64 h = HASH_BASIS, w;
	unsigned int i;

	p += NG_DNS_HDR_LEN;
	for (i = 0; i + 8 < n; i += 8) {
		w = lc64(ld64(p + i));
		st64(out + i, w);
		h = hash_word(h, w);
	}
	/* The last 1..8 bytes, masked. */
	w = lc64(ld64(p + i) & (~0ull >> (64 - 8 * (n - i))));
	st64(out + i, w);
	h = hash_word(h, w);
	return hash_fold(h);
}

static u32 qname_store(const u8 *p, unsigned int len, unsigned int n, u8 *out)
{
	u64 h = HASH_BASIS, w;
	unsigned int i;

	if (NG_DNS_HDR_LEN + ((n + 7) & ~7u) <= len)
		return qname_store_words(p, n, out);
	p += NG_DNS_HDR_LEN;
	for (i = 0; i + 8 <= n; i += 8) {
		w = lc64(ld64(p + i));
		st64(out + i, w);
		h = hash_word(h, w);
	}
	if (i < n) {
		w = lc64(ld64_tail(p + i, n - i));
		st64(out + i, w);
		h = hash_word(h, w);
	}
	return hash_fold(h);
}

/*
 * Check the question name at NG_DNS_HDR_LEN and, if out, copy it,
 * lowercased, to out (NG_DNS_MAX_NAME + 1 bytes: whole words are stored)
 * and hash it. It can hold no pointer: one would have to point below its
 * own start, into the header. Its labels are checked first, then it is
 * copied by words. Returns the wire length or a negative error.
 */
static int qname_read(const u8 *p, unsigned int len, u8 *out, u32 *hashp)
{
	unsigned int off = NG_DNS_HDR_LEN, n;
	u8 c;

	do {
		if (off >= len)
			return -NG_DNS_ETRUNC;
		c = p[off];
		if (c >= 64)
			return c >= 0xc0 ? -NG_DNS_EPTR : -NG_DNS_EBADLABEL;
		off += c + 1;
		if (off - NG_DNS_HDR_LEN > NG_DNS_MAX_NAME)
			return -NG_DNS_ENAMELEN;
	} while (c);
	n = off - NG_DNS_HDR_LEN;
	if (out)
		*hashp = qname_store(p, len, n, out);
	return n;
}

/* Follow pointers from off to a label; len bounds it, hops cap it. */
static unsigned int name_resolve(const u8 *p, unsigned int len,
				 unsigned int off)
{
	unsigned int hops = 0;

	while (off + 1 < len && p[off] >= 0xc0 && hops++ < NG_DNS_MAX_HOPS)
		off = (p[off] & 0x3f) << 8 | p[off + 1];
	return off;
}

/*
 * Compare two names in the message, given as name_skip() results (so both
 * already checked). Case-insensitive.
 */
static bool name_eq(const u8 *p, unsigned int len, unsigned int a,
		    unsigned int b)
{
	unsigned int i, c, guard;

	for (guard = 0; guard < 128; guard++) {
		a = name_resolve(p, len, a);
		b = name_resolve(p, len, b);
		if (a == b)
			return true;
		if (a >= len || b >= len)
			return false;
		c = p[a];
		if (c != p[b] || c >= 64 || a + c >= len || b + c >= len)
			return false;
		if (!c)
			return true;
		for (i = 1; i <= c; i++)
			if (lc(p[a + i]) != lc(p[b + i]))
				return false;
		a += c + 1;
		b += c + 1;
	}
	return false;
}

/*
 * Where a walk of the RRs stands: what walk_rrs() needs to go on from the
 * RR at off, as if it had walked the ones before itself.
 */
struct rr_walk {
	unsigned int off;	/* the next RR */
	unsigned int i;		/* its index, all sections together */
	unsigned int status;	/* NG_DNS_S_* so far */
	unsigned int n_rr;	/* RRs walked so far */
	unsigned int tgt;	/* the chain's name (its first label), 0: none */
	u32 min_ttl;		/* of the answers so far, ~0 if none */
	struct name_memo memo[2];	/* the qname, the last CNAME target */
};

/*
 * Walk the RRs from w->i to the last (m's header members set, and its
 * answer members as the RRs before w->i left them), then set the members
 * that the walk ends with. Returns 0 or a negative error.
 */
static __always_inline int walk_rrs(const u8 *p, unsigned int len,
				    struct ng_dns_msg *m, unsigned int opts,
				    const struct rr_walk *w)
{
	unsigned int off = w->off, i, an = m->ancount, ns = m->nscount;
	unsigned int total = an + ns + m->arcount, flags = m->flags;
	unsigned int owner, rd, type, class, rdlen, t;
	unsigned int status = w->status, n_rr = w->n_rr, tgt = w->tgt;
	struct name_memo memo[2] = { w->memo[0], w->memo[1] };
	const struct name_memo *e;
	u32 ttl, min_ttl = w->min_ttl;
	int r;

	for (i = w->i; i < total; i++) {
		if (i == NG_DNS_MAX_RRS) {
			status |= NG_DNS_S_CAPPED;
			break;
		}
		if (off == len && (flags & NG_DNS_FLAG_TC)) {
			status |= NG_DNS_S_PARTIAL;
			break;
		}
		/*
		 * Owner. Fast paths for what servers send: the root (OPT),
		 * or a pointer straight to the qname or to the last CNAME
		 * target (both walked already; name_skip() would stop there
		 * the same way).
		 */
		e = NULL;
		if (off + 1 < len && p[off] >= 0xc0) {
			t = (p[off] & 0x3f) << 8 | p[off + 1];
			e = t == memo[1].off ? &memo[1] :
			    t == memo[0].off ? &memo[0] : NULL;
			if (e && (t >= off || e->hops >= NG_DNS_MAX_HOPS))
				e = NULL;
		}
		if (e) {
			owner = e->first;
			off += 2;
		} else if (off < len && !p[off]) {
			owner = off++;
		} else {
			r = name_skip(p, len, &off, memo, NULL);
			if (r < 0)
				return r;
			owner = r;
		}
		if (off + 10 > len)
			return -NG_DNS_ETRUNC;
		type = rd16(p + off);
		class = rd16(p + off + 2);
		ttl = rd32(p + off + 4);
		rdlen = rd16(p + off + 8);
		rd = off + 10;
		off = rd + rdlen;
		if (off > len)
			return -NG_DNS_ETRUNC;
		n_rr++;

		if (i >= an) {
			if (type != NG_DNS_T_OPT)
				continue;
			/*
			 * OPT: additional only, once, owner the root (the
			 * name is one byte and its first label is itself).
			 */
			if (i < an + ns || (status & NG_DNS_S_EDNS) ||
			    owner != rd - 11)
				return -NG_DNS_EOPT;
			status |= NG_DNS_S_EDNS;
			m->edns_udp_size = class;
			m->edns_ext_rcode = ttl >> 24;
			m->edns_version = ttl >> 16;
			m->edns_flags = ttl;
			m->rcode |= (ttl >> 24) << 4;
			continue;
		}

		if (type == NG_DNS_T_OPT)
			return -NG_DNS_EOPT;
		if (opts & NG_DNS_PARSE_QUERY)
			continue;
		m->n_ans++;
		if (ttl > 0x7fffffff)
			ttl = 0;
		if (ttl < min_ttl)
			min_ttl = ttl;
		if (owner != tgt && type != NG_DNS_T_RRSIG &&
		    type != NG_DNS_T_DNAME &&
		    (!tgt || !name_eq(p, len, owner, tgt)))
			status |= NG_DNS_S_CHAIN_BROKEN;

		/* Class IN is checked by A and AAAA only. */
		if (type == NG_DNS_T_A && class == NG_DNS_C_IN) {
			if (rdlen != 4)
				return -NG_DNS_ERDATA;
			if (m->n_a < NG_DNS_MAX_ADDRS) {
				memcpy(&m->a[m->n_a], p + rd, 4);
				m->a_ttl[m->n_a] = ttl;
			}
			m->n_a++;
		} else if (type == NG_DNS_T_AAAA && class == NG_DNS_C_IN) {
			if (rdlen != 16)
				return -NG_DNS_ERDATA;
			if (m->n_aaaa < NG_DNS_MAX_ADDRS) {
				memcpy(m->aaaa[m->n_aaaa], p + rd, 16);
				m->aaaa_ttl[m->n_aaaa] = ttl;
			}
			m->n_aaaa++;
		} else if (type == NG_DNS_T_CNAME) {
			unsigned int o = rd;

			/* The target is the next owner: remember it. */
			r = name_skip(p, len, &o, memo, &memo[1]);
			if (r < 0)
				return r;
			if (o != off)
				return -NG_DNS_ERDATA;
			tgt = r;
			m->n_cname++;
		} else {
			m->n_other++;
		}
	}
	m->status = status;
	m->n_rr = n_rr;
	m->end = off;
	m->min_ttl = m->n_ans ? min_ttl : 0;
	return 0;
}

/* walk_rrs() for the fast path, out of its way. */
static noinline int walk_on(const u8 *p, unsigned int len,
			    struct ng_dns_msg *m, unsigned int opts,
			    const struct rr_walk *w)
{
	return walk_rrs(p, len, m, opts, w);
}

/* The full parser: every message, every rule of dns.h. */
static noinline int parse_full(const u8 *p, unsigned int len, struct ng_dns_msg *m,
		      unsigned int opts)
{
	struct rr_walk w = { .off = NG_DNS_HDR_LEN, .min_ttl = ~0u };
	unsigned int flags, an, ns, total;
	int r;

	PATH(FULL);
	if (len < NG_DNS_HDR_LEN)
		return -NG_DNS_ETRUNC;
	if (len > NG_DNS_MAX_MSG)
		return -NG_DNS_EMSGLEN;
	memset(m, 0, offsetof(struct ng_dns_msg, a_ttl));
	flags = rd16(p + 2);
	an = rd16(p + 6);
	ns = rd16(p + 8);
	total = an + ns + rd16(p + 10);
	m->id = rd16(p);
	m->flags = flags;
	m->qdcount = rd16(p + 4);
	m->ancount = an;
	m->nscount = ns;
	m->arcount = rd16(p + 10);
	m->rcode = NG_DNS_RCODE(flags);
	if (opts & NG_DNS_PARSE_QUERY)
		w.status = NG_DNS_S_QUERY_ONLY;
	if (m->qdcount > 1)
		return -NG_DNS_ECOUNT;
	if (NG_DNS_HDR_LEN + 5 * m->qdcount + 11 * total > len &&
	    !(flags & NG_DNS_FLAG_TC))
		return -NG_DNS_ECOUNT;

	if (m->qdcount) {
		r = qname_read(p, len,
			       opts & NG_DNS_PARSE_NO_QNAME ? NULL : m->qname,
			       &m->qname_hash);
		if (r < 0)
			return r;
		m->qname_len = r;
		w.off += r;
		if (w.off + 4 > len)
			return -NG_DNS_ETRUNC;
		m->qtype = rd16(p + w.off);
		m->qclass = rd16(p + w.off + 2);
		w.off += 4;
		w.tgt = NG_DNS_HDR_LEN;
		w.memo[0].off = NG_DNS_HDR_LEN;
		w.memo[0].first = NG_DNS_HDR_LEN;
		w.memo[0].len = r;
	}
	return walk_rrs(p, len, m, opts, &w);
}

/*
 * The fast path, for what servers send: one question, and RRs whose owner
 * is a pointer to the qname (0xc0 0x0c) or the root, each either an answer
 * of type A or AAAA (class IN), an OPT record in the additional section, or
 * an authority or additional RR (walked only). A message not of this shape
 * up to its question is parsed by parse_full(); from the first RR that is
 * not of this shape on, the walk is walk_rrs()'s. Everything the fast path
 * accepts, parse_full() would accept the same way: it checks the same
 * rules on fewer cases, and leaves to parse_full() or walk_rrs() every
 * case where one of them fails or needs more than the cases above.
 */
int ng_dns_parse_ex(const u8 *p, unsigned int len, struct ng_dns_msg *m,
		    unsigned int opts)
{
	unsigned int off, lim, c, n, i, rr, an, anns, total, flags, rdlen, rd;
	unsigned int status, n_a = 0, n_aaaa = 0;
	u32 ttl, min_ttl = ~0u;
	struct rr_walk w;
	bool root;

	if ((opts & NG_DNS_PARSE_FULL) || len < NG_DNS_HDR_LEN + 5 ||
	    len > NG_DNS_MAX_MSG || rd16(p + 4) != 1)
		goto full;
	flags = rd16(p + 2);
	an = rd16(p + 6);
	anns = an + rd16(p + 8);
	total = anns + rd16(p + 10);
	if (NG_DNS_HDR_LEN + 5 + 11 * total > len &&
	    !(flags & NG_DNS_FLAG_TC))
		goto full;

	/*
	 * The question name: labels only, the next one always inside the
	 * message, the name at most NG_DNS_MAX_NAME long.
	 */
	lim = len < NG_DNS_HDR_LEN + NG_DNS_MAX_NAME + 1 ?
	      len : NG_DNS_HDR_LEN + NG_DNS_MAX_NAME + 1;
	off = NG_DNS_HDR_LEN;
	do {
		c = p[off];
		if (c >= 64)
			goto full;
		off += c + 1;
		if (off >= lim)
			goto full;
	} while (c);
	if (off + 4 > len)
		goto full;

	memset(m, 0, offsetof(struct ng_dns_msg, a_ttl));
	m->id = rd16(p);
	m->flags = flags;
	m->qdcount = 1;
	m->ancount = an;
	m->nscount = anns - an;
	m->arcount = total - anns;
	m->rcode = NG_DNS_RCODE(flags);
	n = off - NG_DNS_HDR_LEN;
	m->qname_len = n;
	if (opts & NG_DNS_PARSE_NO_QNAME)
		;
	else if (NG_DNS_HDR_LEN + ((n + 7) & ~7u) <= len)
		m->qname_hash = qname_store_words(p, n, m->qname);
	else
		m->qname_hash = qname_store(p, len, n, m->qname);
	m->qtype = rd16(p + off);
	m->qclass = rd16(p + off + 2);
	off += 4;
	status = opts & NG_DNS_PARSE_QUERY ? NG_DNS_S_QUERY_ONLY : 0;

	/*
	 * Answers: A and AAAA of class IN owned by the qname (so on the
	 * chain), their RDATA of the right size. Queries go to walk_rrs().
	 */
	for (i = 0; i < an; i++) {
		rr = off;
		if (i == NG_DNS_MAX_RRS || off + 12 > len ||
		    (opts & NG_DNS_PARSE_QUERY) ||
		    rd16(p + off) != (0xc000 | NG_DNS_HDR_LEN))
			goto walk;
		ttl = rd32(p + off + 6);
		rdlen = rd16(p + off + 10);
		rd = off + 12;
		off = rd + rdlen;
		if (off > len)
			goto walk;
		if (ttl > 0x7fffffff)
			ttl = 0;
		switch (rd32(p + rr + 2)) {
		case NG_DNS_T_A << 16 | NG_DNS_C_IN:
			if (rdlen != 4)
				goto walk;
			if (n_a < NG_DNS_MAX_ADDRS) {
				memcpy(&m->a[n_a], p + rd, 4);
				m->a_ttl[n_a] = ttl;
			}
			n_a++;
			break;
		case NG_DNS_T_AAAA << 16 | NG_DNS_C_IN:
			if (rdlen != 16)
				goto walk;
			if (n_aaaa < NG_DNS_MAX_ADDRS) {
				memcpy(m->aaaa[n_aaaa], p + rd, 16);
				m->aaaa_ttl[n_aaaa] = ttl;
			}
			n_aaaa++;
			break;
		default:
			goto walk;
		}
		if (ttl < min_ttl)
			min_ttl = ttl;
	}

	/*
	 * Authority and additional: walked, owner the qname or the root;
	 * an OPT record is decoded (additional only, once, owner the root).
	 */
	for (; i < total; i++) {
		rr = off;
		if (i == NG_DNS_MAX_RRS || off + 11 > len)
			goto walk;
		root = !p[off];
		if (root)
			off++;
		else if (rd16(p + off) == (0xc000 | NG_DNS_HDR_LEN))
			off += 2;
		else
			goto walk;
		if (off + 10 > len)
			goto walk;
		rdlen = rd16(p + off + 8);
		rd = off + 10;
		if (rd16(p + off) == NG_DNS_T_OPT) {
			if (i < anns || (status & NG_DNS_S_EDNS) || !root)
				goto walk;
			status |= NG_DNS_S_EDNS;
			ttl = rd32(p + off + 4);
			m->edns_udp_size = rd16(p + off + 2);
			m->edns_ext_rcode = ttl >> 24;
			m->edns_version = ttl >> 16;
			m->edns_flags = ttl;
			m->rcode |= (ttl >> 24) << 4;
		}
		off = rd + rdlen;
		if (off > len)
			goto walk;
	}
	m->n_ans = n_a + n_aaaa;
	m->n_a = n_a;
	m->n_aaaa = n_aaaa;
	m->status = status;
	m->n_rr = total;
	m->end = off;
	m->min_ttl = n_a + n_aaaa ? min_ttl : 0;
	PATH(FAST);
	return 0;

walk:
	/* From the RR at rr on, as parse_full() would go on. */
	m->n_ans = n_a + n_aaaa;
	m->n_a = n_a;
	m->n_aaaa = n_aaaa;
	w.off = rr;
	w.i = i;
	w.status = status;
	w.n_rr = i;
	w.tgt = NG_DNS_HDR_LEN;
	w.min_ttl = min_ttl;
	w.memo[0].off = NG_DNS_HDR_LEN;
	w.memo[0].first = NG_DNS_HDR_LEN;
	w.memo[0].len = n;
	w.memo[0].hops = 0;
	w.memo[1].off = 0;
	w.memo[1].first = 0;
	w.memo[1].len = 0;
	w.memo[1].hops = 0;
	PATH(WALK);
	return walk_on(p, len, m, opts, &w);

full:
	return parse_full(p, len, m, opts);
}

void ng_dns_parse_qname(const u8 *p, unsigned int len, struct ng_dns_msg *m)
{
	if (m->qname_len)
		m->qname_hash = qname_store(p, len, m->qname_len, m->qname);
}

u32 ng_dns_name_hash(const u8 *name, unsigned int len)
{
	u64 h = HASH_BASIS;
	unsigned int i;

	for (i = 0; i + 8 <= len; i += 8)
		h = hash_word(h, lc64(ld64(name + i)));
	if (i < len)
		h = hash_word(h, lc64(ld64_tail(name + i, len - i)));
	return hash_fold(h);
}

int ng_dns_name_eq(const u8 *a, unsigned int alen,
		   const u8 *b, unsigned int blen)
{
	unsigned int i;

	if (alen != blen)
		return 0;
	for (i = 0; i < alen; i++)
		if (lc(a[i]) != lc(b[i]))
			return 0;
	return 1;
}

int ng_dns_name_in_zone(const u8 *name, unsigned int len,
			const u8 *zone, unsigned int zlen)
{
	unsigned int off = 0;

	/* Step over labels until what is left is as long as the zone. */
	while (len - off > zlen) {
		off += name[off] + 1;
		if (off >= len)
			return 0;
	}
	return len - off == zlen &&
	       ng_dns_name_eq(name + off, zlen, zone, zlen);
}
