// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * nfgate: the forged-address set. The contract is addrset.h.
 */

#include "addrset.h"

static u32 ng_addrset_hash(const struct ng_addrset *s, __be32 addr)
{
	u32 h = (__force u32)addr ^ s->seed;

	h ^= h >> 16;
	h *= 0x7feb352dU;
	h ^= h >> 15;
	h *= 0x846ca68bU;
	h ^= h >> 16;
	return h & s->mask;
}

u32 ng_addrset_slots(u32 n)
{
	u32 slots = 16;

	while (slots < 2 * n && slots < 0x80000000U)
		slots <<= 1;
	return slots;
}

int ng_addrset_add(struct ng_addrset *s, __be32 addr)
{
	u32 i = ng_addrset_hash(s, addr), probes;

	for (probes = 0; probes <= s->mask; probes++) {
		if (s->slot[i] == addr)
			return 0;
		if (!s->slot[i]) {
			s->slot[i] = addr;
			s->n++;
			return 1;
		}
		i = (i + 1) & s->mask;
	}
	return -1;
}

bool ng_addrset_contains(const struct ng_addrset *s, __be32 addr)
{
	u32 i, probes;

	if (!s->n || !addr)
		return false;
	i = ng_addrset_hash(s, addr);
	for (probes = 0; probes <= s->mask; probes++) {
		if (s->slot[i] == addr)
			return true;
		if (!s->slot[i])
			return false;
		i = (i + 1) & s->mask;
	}
	return false;
}

bool ng_prefix6_match(const u8 *p, unsigned int len, const u8 *addr)
{
	unsigned int bytes = len / 8, bits = len % 8, i;

	if (len > 128)
		return false;
	for (i = 0; i < bytes; i++)
		if (p[i] != addr[i])
			return false;
	if (bits) {
		u8 m = (u8)(0xff << (8 - bits));

		if ((p[bytes] ^ addr[bytes]) & m)
			return false;
	}
	return true;
}
