/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The forged-address set in userspace: IPv4 addresses and IPv6 prefixes
 * that a censor's injectors answer with, as the module holds them
 * (NFGATE_CMD_FORGED_*). Sets are plain sorted arrays: the data file has a
 * few hundred entries, the kernel at most NFGATE_FORGED4_MAX.
 *
 * List files (the shipped data file, `nfgate forged load FILE`): one entry
 * a line, an IPv4 address (not 0.0.0.0) or an IPv6 prefix ADDR/LEN (LEN
 * 8..128, host bits zero; an address alone is a /128); '#' starts a
 * comment, blank lines are fine. Every problem is a "FILE:LINE: reason",
 * a repeated entry too.
 *
 * Compiled into both nfgate and nfgated; host-testable.
 */
#ifndef NFG_FORGEDSET_H
#define NFG_FORGEDSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <linux/nfgate.h>

struct nfg_errors;	/* config.h */

/* Where the package installs the documented forged addresses. */
#define NFG_FORGED_DEFAULT	"/usr/share/nfgate/forged.txt"
/* Shorter IPv6 prefixes would take whole regions of real addresses. */
#define NFG_PREFIX6_MIN		8

struct nfg_forged_set {
	uint32_t *v4;			/* network byte order */
	size_t n4, cap4;
	struct nfgate_prefix6 *v6;	/* host bits and pad zero */
	size_t n6, cap6;
};

/* 0 or -ENOMEM; duplicates are kept until nfg_forged_sort(). */
int nfg_forged_add4(struct nfg_forged_set *s, uint32_t addr);
int nfg_forged_add6(struct nfg_forged_set *s, const struct nfgate_prefix6 *p);
/* Sorted (IPv4 numerically, IPv6 by address then length), duplicates gone. */
void nfg_forged_sort(struct nfg_forged_set *s);
/* Lookups in a sorted set. */
bool nfg_forged_has4(const struct nfg_forged_set *s, uint32_t addr);
bool nfg_forged_has6(const struct nfg_forged_set *s, const struct nfgate_prefix6 *p);
/* out := a - b (both sorted; out sorted). 0 or -ENOMEM. */
int nfg_forged_diff(const struct nfg_forged_set *a, const struct nfg_forged_set *b,
		    struct nfg_forged_set *out);
/* dst := dst + src, sorted. 0 or -ENOMEM. */
int nfg_forged_merge(struct nfg_forged_set *dst, const struct nfg_forged_set *src);
size_t nfg_forged_count(const struct nfg_forged_set *s);
void nfg_forged_free(struct nfg_forged_set *s);

/*
 * One entry: "1.2.3.4", "2001::/32" or "2001:db8::1" (a /128). Sets *is6
 * and *v4 or *p6. 0, or -1 with the reason in err.
 */
int nfg_parse_forged(const char *s, bool *is6, uint32_t *v4, struct nfgate_prefix6 *p6,
		     char *err, size_t errlen);
/* "2001::/32" */
void nfg_prefix6_str(char *buf, size_t len, const struct nfgate_prefix6 *p);

/*
 * Reads a list file into s (added to what it holds, then sorted). 0, or -1
 * with every problem in errs as "NAME:LINE: reason" ("PATH: strerror" if
 * it can not be read).
 */
int nfg_forged_load(const char *path, struct nfg_forged_set *s, struct nfg_errors *errs);
int nfg_forged_parse(FILE *f, const char *name, struct nfg_forged_set *s,
		     struct nfg_errors *errs);

#endif
