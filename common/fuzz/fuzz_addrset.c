// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Fuzz target for common/addrset.c.
 *
 * With clang, a libFuzzer target (-fsanitize=fuzzer,address,undefined).
 * Built with driver.c instead (gcc or clang, ASan + UBSan), a plain program
 * replaying the files or directories given as arguments (driver.h).
 *
 * Input: 4 bytes of seed, then addresses of 4 bytes (up to 149 with
 * -max_len=600: the checks are quadratic); an address whose
 * first byte is odd is added, an even one only looked up (so inputs mix
 * members, duplicates and strangers). The table is malloc'd at exactly
 * ng_addrset_slots(n) entries for the n additions. Checks, besides the
 * sanitizers: add returns 1 exactly for a new member and never -1, n
 * counts the members, contains agrees with a linear scan for every
 * address of the input (and for 0.0.0.0, never a member), and a prefix of
 * length 0..128 built from an address matches it, with its first bit
 * past the prefix flipped too, and does not with a bit inside flipped.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../addrset.h"
#include "driver.h"

static bool in_list(const __be32 *l, size_t n, __be32 a)
{
	for (size_t i = 0; i < n; i++)
		if (l[i] == a)
			return true;
	return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ng_addrset s = { 0 };
	size_t n = 0, k, adds = 0;
	__be32 *members, a;

	if (size < 4)
		return 0;
	memcpy(&s.seed, data, 4);
	data += 4;
	size -= 4;
	k = size / 4;
	for (size_t i = 0; i < k; i++)
		adds += data[4 * i] & 1;
	s.mask = ng_addrset_slots((u32)adds) - 1;
	CHECK(s.mask + 1 >= 16 && s.mask + 1 >= 2 * adds && !((s.mask + 1) & s.mask));
	s.slot = calloc(s.mask + 1, sizeof(*s.slot));
	members = calloc(adds + 1, sizeof(*members));
	if (!s.slot || !members)
		abort();

	for (size_t i = 0; i < k; i++) {
		memcpy(&a, data + 4 * i, 4);
		if (!(data[4 * i] & 1) || !a)
			continue;
		bool fresh = !in_list(members, n, a);
		int r = ng_addrset_add(&s, a);

		CHECK(r == (fresh ? 1 : 0));
		if (fresh)
			members[n++] = a;
		CHECK(s.n == n);
	}
	for (size_t i = 0; i < k; i++) {
		memcpy(&a, data + 4 * i, 4);
		CHECK(ng_addrset_contains(&s, a) == (a && in_list(members, n, a)));
	}
	CHECK(!ng_addrset_contains(&s, 0));

	/* prefixes: 16 bytes from the input (padded), every length */
	if (size >= 1) {
		u8 p[16] = { 0 }, x[16];

		memcpy(p, data, size < 16 ? size : 16);
		for (unsigned int len = 0; len <= 128; len++) {
			CHECK(ng_prefix6_match(p, len, p));
			memcpy(x, p, 16);
			if (len < 128) {
				x[len / 8] ^= 0x80 >> (len % 8);
				CHECK(ng_prefix6_match(p, len, x));
				x[len / 8] ^= 0x80 >> (len % 8);
			}
			if (len > 0) {
				unsigned int b = (len - 1) - data[0] % len;

				x[b / 8] ^= 0x80 >> (b % 8);
				CHECK(!ng_prefix6_match(p, len, x));
			}
		}
		CHECK(!ng_prefix6_match(p, 129, p));
	}
	free(s.slot);
	free(members);
	return 0;
}
