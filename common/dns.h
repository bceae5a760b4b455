/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * nfgate: DNS message parser, shared by the module and userspace.
 *
 * One bounded, allocation-free parser for DNS messages seen on the wire:
 * replies arriving from the uplinks (to spot replies forged by an on-path
 * censor) and queries leaving (to learn query state). It never reads outside
 * [pkt, pkt + len), never recurses, keeps no state between calls and uses
 * about 210 bytes of stack (x86-64); the output struct is the caller's.
 *
 * Names and compression. A name is a sequence of labels (length byte 0..63
 * then that many bytes) ended by the root label (0) or by a compression
 * pointer (two bytes, 0b11 then a 14-bit offset). Label types 0b01 and 0b10
 * are rejected (NG_DNS_EBADLABEL). A name's wire length (length bytes, label
 * bytes and the final 0, as if uncompressed) must be at most 255.
 *
 * Pointer rule: a pointer must point strictly backwards, to an offset below
 * where the current run of labels began (the name's own start for the first
 * pointer, the previous pointer's target after that), and at or past the
 * 12-byte header. Compressors only ever point at a suffix of a name written
 * earlier in the message, and that name's own pointer again points before
 * it, so genuine messages always satisfy this; with it, successive targets
 * strictly decrease and no loop is possible (a self pointer, a forward
 * pointer, a pointer into the header or back into its own name is
 * NG_DNS_EPTR). Independently, a name may follow at most NG_DNS_MAX_HOPS
 * pointers (NG_DNS_EHOPS), which bounds the work per name.
 *
 * Counts. QDCOUNT must be 0 or 1 (RFC 9619; nothing answers multi-question
 * queries). Before walking, the counts are checked against the length: a
 * question takes at least 5 bytes and a resource record (RR) at least 11,
 * so counts the message cannot hold fail at once with NG_DNS_ECOUNT (e.g.
 * ANCOUNT 65535 in a 40-byte message). Exception: a reply with TC=1 may
 * hold fewer RRs than its counts say (servers cut it at an RR boundary);
 * the walk then stops cleanly at the end and sets NG_DNS_S_PARTIAL.
 *
 * RR cap. At most NG_DNS_MAX_RRS RRs (all sections together) are walked.
 * A message with more is not an error: parsing stops there, returns 0 and
 * sets NG_DNS_S_CAPPED (an OPT record past the cap is then not seen).
 * Bytes after the last RR are not an error either: m->end says where the
 * walk ended (m->end < len: trailing data).
 *
 * Sections: every answer RR is decoded (below). Authority RRs are walked and
 * checked for bounds only. In the additional section the OPT pseudo-RR
 * (EDNS) is decoded; it must have the root as owner and appear once, and
 * only there (otherwise NG_DNS_EOPT). Other RRs are walked only.
 *
 * Answers: A and AAAA of class IN (RDLENGTH must be 4 resp. 16, else
 * NG_DNS_ERDATA) are stored, the first NG_DNS_MAX_ADDRS of each with their
 * TTL; n_a / n_aaaa count all of them. A CNAME's target must fill its RDATA
 * exactly (NG_DNS_ERDATA). TTLs with the top bit set count as 0 (RFC 2181).
 *
 * CNAME chain: walking the answers in order, each RR's owner must be the
 * current chain name: the QNAME first, then the target of the last CNAME.
 * RRSIG and DNAME records are exempt (their owners legitimately differ).
 * The first RR that breaks this sets NG_DNS_S_CHAIN_BROKEN (owners are
 * compared exactly, case-insensitively; a pointer to the same place is the
 * fast path). Out-of-order answers therefore also count as broken: this is
 * a hint for the caller, not a reason to reject the message.
 *
 * Fast path. What servers send most is parsed by a shorter path first:
 * one question whose name is labels only, then RRs whose owner is a
 * pointer to the qname (0xc0 0x0c) or the root: answers of type A or AAAA
 * (class IN), authority and additional RRs walked only, OPT. It checks
 * the same rules, in cases where they are cheap to check, and hands
 * everything else over: from the first RR that is not of that shape (a
 * CNAME, an owner spelt otherwise, any rule broken) the full walk goes on
 * from there, with the state the fast path reached; a message whose
 * header or question is not of that shape is parsed by the full parser
 * from the start. Either way the result is the full parser's, error or
 * message, which the tests and the fuzz target check on every input
 * (NG_DNS_PARSE_FULL parses without the fast path).
 *
 * Cost (callgrind, x86-64, gcc -O2; make -C common/tests bench): about 350
 * instructions for a typical reply (one question, one A, OPT; 235 with
 * NG_DNS_PARSE_NO_QNAME), about 1250 for three CNAMEs and two A. The question name is copied, lowercased and
 * hashed 8 bytes at a time; an owner that is a pointer to the qname or to
 * the last CNAME target (what servers write) is recognised without walking
 * the name again.
 */
#ifndef _NFGATE_DNS_H
#define _NFGATE_DNS_H

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include <stdint.h>
#include <linux/types.h>	/* __be32 */
typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
#endif

#define NG_DNS_HDR_LEN		12
#define NG_DNS_MAX_NAME		255	/* wire length of a name, with its 0 */
#define NG_DNS_MAX_ADDRS	8	/* A and AAAA addresses kept, each */
#define NG_DNS_MAX_RRS		64	/* RRs walked, all sections together */
#define NG_DNS_MAX_HOPS		16	/* compression pointers per name */
#define NG_DNS_MAX_MSG		65535

/* Errors, returned negated. */
enum {
	NG_DNS_ETRUNC = 1,	/* something runs past the end of the message */
	NG_DNS_EMSGLEN,		/* len above NG_DNS_MAX_MSG */
	NG_DNS_ECOUNT,		/* QDCOUNT > 1, or counts the length can't hold */
	NG_DNS_EBADLABEL,	/* label type 0b01 / 0b10 */
	NG_DNS_EPTR,		/* pointer not strictly backwards (loops too) */
	NG_DNS_EHOPS,		/* more than NG_DNS_MAX_HOPS pointers in a name */
	NG_DNS_ENAMELEN,	/* name longer than NG_DNS_MAX_NAME */
	NG_DNS_ERDATA,		/* A/AAAA/CNAME RDATA of the wrong size */
	NG_DNS_EOPT,		/* OPT outside additional, repeated, or not root */
};

/* Header flags word (struct ng_dns_msg.flags, host order). */
#define NG_DNS_FLAG_QR		0x8000
#define NG_DNS_FLAG_AA		0x0400
#define NG_DNS_FLAG_TC		0x0200
#define NG_DNS_FLAG_RD		0x0100
#define NG_DNS_FLAG_RA		0x0080
#define NG_DNS_FLAG_Z		0x0040
#define NG_DNS_FLAG_AD		0x0020
#define NG_DNS_FLAG_CD		0x0010
#define NG_DNS_OPCODE(flags)	(((flags) >> 11) & 0xf)
#define NG_DNS_RCODE(flags)	((flags) & 0xf)

/* EDNS flags (struct ng_dns_msg.edns_flags). */
#define NG_DNS_EDNS_DO		0x8000

/* Parse status (struct ng_dns_msg.status). */
#define NG_DNS_S_EDNS		0x0001	/* an OPT record was found */
#define NG_DNS_S_CHAIN_BROKEN	0x0002	/* an answer owner is off the chain */
#define NG_DNS_S_CAPPED		0x0004	/* stopped at NG_DNS_MAX_RRS */
#define NG_DNS_S_PARTIAL	0x0008	/* TC=1 and fewer RRs than counted */
#define NG_DNS_S_QUERY_ONLY	0x0010	/* parsed by ng_dns_parse_query() */

#define NG_DNS_T_A		1
#define NG_DNS_T_NS		2
#define NG_DNS_T_CNAME		5
#define NG_DNS_T_SOA		6
#define NG_DNS_T_AAAA		28
#define NG_DNS_T_DNAME		39
#define NG_DNS_T_OPT		41
#define NG_DNS_T_RRSIG		46
#define NG_DNS_C_IN		1

#define NG_DNS_RCODE_NOERROR	0
#define NG_DNS_RCODE_FORMERR	1
#define NG_DNS_RCODE_SERVFAIL	2
#define NG_DNS_RCODE_NXDOMAIN	3
#define NG_DNS_RCODE_REFUSED	5

/*
 * What one message says. All numbers are in host order except the A
 * addresses (network order, as in an IPv4 header) and the AAAA bytes.
 * On success every scalar member is set; of the arrays only the first
 * min(n_a, NG_DNS_MAX_ADDRS) entries of a[] / a_ttl[] (likewise AAAA) and
 * the first qname_len bytes of qname[] are written (with
 * NG_DNS_PARSE_NO_QNAME, qname_hash is 0 and qname[] unwritten until
 * ng_dns_parse_qname()). After an error the contents are unspecified. The
 * struct is 524 bytes (x86-64): in the kernel keep it per-CPU or in some
 * other scratch space, not on the stack.
 */
struct ng_dns_msg {
	/* Header. */
	u16 id;
	u16 flags;		/* NG_DNS_FLAG_*, NG_DNS_OPCODE(), NG_DNS_RCODE() */
	u16 qdcount;
	u16 ancount;
	u16 nscount;
	u16 arcount;
	u16 rcode;		/* 12 bits: header RCODE | EDNS ext. RCODE << 4 */

	/* First question (qname_len 0 and the rest 0 if QDCOUNT is 0). */
	u16 qtype;
	u16 qclass;
	u16 qname_len;		/* wire length, final 0 included: 1..255 */
	u32 qname_hash;		/* ng_dns_name_hash(qname, qname_len) */

	/* EDNS, valid if status & NG_DNS_S_EDNS (else all 0). */
	u16 edns_udp_size;	/* requestor's payload size (OPT CLASS) */
	u16 edns_flags;		/* NG_DNS_EDNS_DO, ... */
	u8 edns_version;
	u8 edns_ext_rcode;	/* upper 8 bits of the 12-bit RCODE */

	/* Answer section. */
	u8 n_ans;		/* answer RRs walked */
	u8 n_a;			/* A records (IN), stored or not */
	u8 n_aaaa;		/* AAAA records (IN), stored or not */
	u8 n_cname;
	u8 n_other;		/* any other answer RR */
	u8 n_rr;		/* RRs walked, all sections */
	u16 status;		/* NG_DNS_S_* */
	u16 end;		/* offset just past the last item walked */
	u32 min_ttl;		/* smallest answer TTL; 0 if no answer */

	/* Written only up to the counts above. */
	u32 a_ttl[NG_DNS_MAX_ADDRS];
	u32 aaaa_ttl[NG_DNS_MAX_ADDRS];
	__be32 a[NG_DNS_MAX_ADDRS];
	u8 aaaa[NG_DNS_MAX_ADDRS][16];
	/* Lowercase wire form, uncompressed; one spare byte (the parser
	 * stores whole 8-byte words).
	 */
	u8 qname[NG_DNS_MAX_NAME + 1];
};

#define NG_DNS_PARSE_QUERY	0x1	/* don't decode answers (egress) */
#define NG_DNS_PARSE_FULL	0x2	/* no fast path (the tests compare) */
#define NG_DNS_PARSE_NO_QNAME	0x4	/* check the qname, don't store it */

/*
 * Parse pkt[0..len) (the UDP payload, or a TCP message without its length
 * prefix) into *m. Returns 0 or a negative NG_DNS_E* code.
 * ng_dns_parse_query() is the lighter form for queries: header, question
 * and OPT; any answer RRs are walked (bounds-checked) but not decoded, so
 * the answer members stay 0.
 */
int ng_dns_parse_ex(const u8 *pkt, unsigned int len, struct ng_dns_msg *m,
		    unsigned int opts);

#ifdef NG_DNS_TESTING
/* Host tests: the path the last ng_dns_parse_ex() took (dns.c). */
enum { NG_DNS_PATH_FAST = 1, NG_DNS_PATH_WALK, NG_DNS_PATH_FULL };
extern int ng_dns_last_path;
#endif

/*
 * After ng_dns_parse_ex(pkt, len, m, NG_DNS_PARSE_NO_QNAME) succeeded:
 * store the question name and its hash in m as the parse would have
 * (qname[] and qname_hash; every other member was set already). The
 * parse checked the name; storing it, lowercased and hashed, is most of
 * what a question costs, and a caller that needs it only now and then
 * (the module's reply check: for its reports) leaves it to this.
 */
void ng_dns_parse_qname(const u8 *pkt, unsigned int len, struct ng_dns_msg *m);

static inline int ng_dns_parse(const u8 *pkt, unsigned int len,
			       struct ng_dns_msg *m)
{
	return ng_dns_parse_ex(pkt, len, m, 0);
}

static inline int ng_dns_parse_query(const u8 *pkt, unsigned int len,
				     struct ng_dns_msg *m)
{
	return ng_dns_parse_ex(pkt, len, m, NG_DNS_PARSE_QUERY);
}

/*
 * Helpers on uncompressed wire-form names (such as ng_dns_msg.qname), ASCII
 * case-insensitive.
 *
 * ng_dns_name_hash() is the value the parser puts in qname_hash: FNV-1a's
 * xor-multiply step taken on 64-bit little-endian words of the lowercased
 * name (the last one zero-padded) with the multiplier 0x9e3779b97f4a7c15,
 * folded to 32 bits. Words rather than bytes make it about 8 times cheaper;
 * it is the same on every host. Not keyed: don't use it where an attacker
 * choosing names could flood a hash table bucket.
 */
u32 ng_dns_name_hash(const u8 *name, unsigned int len);
/* Equal names (true: 1). */
int ng_dns_name_eq(const u8 *a, unsigned int alen,
		   const u8 *b, unsigned int blen);
/*
 * 1 if name is zone or below it (www.example.com is in example.com, and
 * everything is in the root), 0 otherwise. Both must be well-formed.
 */
int ng_dns_name_in_zone(const u8 *name, unsigned int len,
			const u8 *zone, unsigned int zlen);

#endif /* _NFGATE_DNS_H */
