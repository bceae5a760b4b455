/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * nfgate: the forged-address set, shared by the module and userspace.
 *
 * IPv4 addresses in an open-addressing hash table (linear probing, 0 marks
 * an empty slot, so 0.0.0.0 cannot be a member) of a power-of-two size at
 * least twice the number of members, so a lookup probes about 1.5 slots on
 * average. The caller owns the table; the set is built once and then only
 * read (the module builds a new table for every change and publishes it
 * with RCU). IPv6 members are prefixes (Teredo, 2001::/32, is where forged
 * AAAA answers point), matched one by one: there are a handful.
 *
 * The hash is keyed by a seed the caller picks at random, so an attacker
 * choosing answers cannot fill one probe run.
 */
#ifndef _NFGATE_ADDRSET_H
#define _NFGATE_ADDRSET_H

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include <stdint.h>
#include <stdbool.h>
#include <linux/types.h>	/* __be32 */
typedef uint8_t u8;
typedef uint32_t u32;
#ifndef __force
#define __force
#endif
#endif

struct ng_addrset {
	u32 mask;		/* slots - 1; slots a power of two */
	u32 seed;
	u32 n;			/* members */
	__be32 *slot;		/* mask + 1 entries, 0: empty */
};

/* Slots for n members: a power of two >= 2 * n, at least 16. */
u32 ng_addrset_slots(u32 n);

/*
 * Add @addr (not 0). Returns 1 if added, 0 if already there, -1 if the table
 * is full (the caller sized it with ng_addrset_slots, so never).
 */
int ng_addrset_add(struct ng_addrset *s, __be32 addr);

bool ng_addrset_contains(const struct ng_addrset *s, __be32 addr);

/* @addr (16 bytes) is inside the prefix @p/@len. */
bool ng_prefix6_match(const u8 *p, unsigned int len, const u8 *addr);

#endif /* _NFGATE_ADDRSET_H */
