// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Parse one DNS message in a loop, for instruction counts:
 *
 *   valgrind --tool=callgrind --toggle-collect=ng_dns_parse_ex \
 *	./bench_dns a_opt 1000000
 *
 * then divide "Collected" by the count (make bench does this). The message
 * is one of dns_scapy_msgs.h, by name.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../dns.h"
#include "dns_scapy_msgs.h"

int main(int argc, char **argv)
{
	const char *name = argc > 1 ? argv[1] : "a_opt";
	unsigned long i, n = argc > 2 ? strtoul(argv[2], NULL, 0) : 1000000;
	static struct ng_dns_msg m;
	unsigned int k;
	u32 sink = 0;

	for (k = 0; k < SCAPY_N_MSGS; k++)
		if (!strcmp(scapy_msgs[k].name, name))
			break;
	if (k == SCAPY_N_MSGS) {
		fprintf(stderr, "bench_dns: no message %s\n", name);
		return 2;
	}
	for (i = 0; i < n; i++) {
		if (ng_dns_parse(scapy_msgs[k].b, scapy_msgs[k].len, &m))
			return 1;
		sink += m.qname_hash + m.n_a;
	}
	printf("%s: %lu parses, %u bytes (%u)\n", name, n, scapy_msgs[k].len,
	       sink);
	return 0;
}
