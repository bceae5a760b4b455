// SPDX-License-Identifier: GPL-2.0
/* The forged-address set: sorted arrays, list files, entry syntax. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "forgedset.h"

static int grow(void **p, size_t *cap, size_t n, size_t size)
{
	size_t c;
	void *q;

	if (n < *cap)
		return 0;
	c = *cap ? 2 * *cap : 64;
	q = realloc(*p, c * size);
	if (!q)
		return -ENOMEM;
	*p = q;
	*cap = c;
	return 0;
}

int nfg_forged_add4(struct nfg_forged_set *s, uint32_t addr)
{
	if (grow((void **)&s->v4, &s->cap4, s->n4, sizeof(*s->v4)))
		return -ENOMEM;
	s->v4[s->n4++] = addr;
	return 0;
}

int nfg_forged_add6(struct nfg_forged_set *s, const struct nfgate_prefix6 *p)
{
	if (grow((void **)&s->v6, &s->cap6, s->n6, sizeof(*s->v6)))
		return -ENOMEM;
	s->v6[s->n6++] = *p;
	return 0;
}

static int cmp4(const void *a, const void *b)
{
	uint32_t x = ntohl(*(const uint32_t *)a), y = ntohl(*(const uint32_t *)b);

	return x < y ? -1 : x > y;
}

static int cmp6(const void *a, const void *b)
{
	const struct nfgate_prefix6 *x = a, *y = b;
	int c = memcmp(x->addr, y->addr, sizeof(x->addr));

	return c ? c : (int)x->len - (int)y->len;
}

void nfg_forged_sort(struct nfg_forged_set *s)
{
	size_t w = 0;

	if (s->n4)
		qsort(s->v4, s->n4, sizeof(*s->v4), cmp4);
	for (size_t i = 0; i < s->n4; i++)
		if (!w || s->v4[i] != s->v4[w - 1])
			s->v4[w++] = s->v4[i];
	s->n4 = w;
	w = 0;
	if (s->n6)
		qsort(s->v6, s->n6, sizeof(*s->v6), cmp6);
	for (size_t i = 0; i < s->n6; i++)
		if (!w || cmp6(&s->v6[i], &s->v6[w - 1]))
			s->v6[w++] = s->v6[i];
	s->n6 = w;
}

bool nfg_forged_has4(const struct nfg_forged_set *s, uint32_t addr)
{
	return s->n4 && bsearch(&addr, s->v4, s->n4, sizeof(*s->v4), cmp4);
}

bool nfg_forged_has6(const struct nfg_forged_set *s, const struct nfgate_prefix6 *p)
{
	return s->n6 && bsearch(p, s->v6, s->n6, sizeof(*s->v6), cmp6);
}

int nfg_forged_diff(const struct nfg_forged_set *a, const struct nfg_forged_set *b,
		    struct nfg_forged_set *out)
{
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < a->n4; i++)
		if (!nfg_forged_has4(b, a->v4[i]) && nfg_forged_add4(out, a->v4[i]))
			goto nomem;
	for (size_t i = 0; i < a->n6; i++)
		if (!nfg_forged_has6(b, &a->v6[i]) && nfg_forged_add6(out, &a->v6[i]))
			goto nomem;
	return 0;
nomem:
	nfg_forged_free(out);
	return -ENOMEM;
}

int nfg_forged_merge(struct nfg_forged_set *dst, const struct nfg_forged_set *src)
{
	for (size_t i = 0; i < src->n4; i++)
		if (nfg_forged_add4(dst, src->v4[i]))
			return -ENOMEM;
	for (size_t i = 0; i < src->n6; i++)
		if (nfg_forged_add6(dst, &src->v6[i]))
			return -ENOMEM;
	nfg_forged_sort(dst);
	return 0;
}

size_t nfg_forged_count(const struct nfg_forged_set *s)
{
	return s->n4 + s->n6;
}

void nfg_forged_free(struct nfg_forged_set *s)
{
	free(s->v4);
	free(s->v6);
	memset(s, 0, sizeof(*s));
}

int nfg_parse_forged(const char *s, bool *is6, uint32_t *v4, struct nfgate_prefix6 *p6,
		     char *err, size_t errlen)
{
	char addr[INET6_ADDRSTRLEN + 8], perr[128];
	const char *slash = strchr(s, '/');
	size_t n = slash ? (size_t)(slash - s) : strlen(s);
	struct in6_addr a6;
	struct in_addr a4;
	uint32_t len = 128;

	if (!*s) {
		snprintf(err, errlen, "missing value");
		return -1;
	}
	if (n >= sizeof(addr)) {
		snprintf(err, errlen, "'%.64s' is neither an IPv4 address nor an IPv6 prefix", s);
		return -1;
	}
	memcpy(addr, s, n);
	addr[n] = '\0';
	if (!slash && inet_pton(AF_INET, addr, &a4) == 1) {
		if (!a4.s_addr) {
			snprintf(err, errlen, "0.0.0.0 can not be in the set");
			return -1;
		}
		*is6 = false;
		*v4 = a4.s_addr;
		return 0;
	}
	if (inet_pton(AF_INET6, addr, &a6) != 1) {
		snprintf(err, errlen, slash && inet_pton(AF_INET, addr, &a4) == 1 ?
			 "'%.64s': IPv4 entries are single addresses, without a prefix length" :
			 "'%.64s' is neither an IPv4 address nor an IPv6 prefix (ADDR/LEN)", s);
		return -1;
	}
	if (slash && nfg_parse_range(slash + 1, NFG_PREFIX6_MIN, 128, &len, perr, sizeof(perr))) {
		snprintf(err, errlen, "'%.64s': prefix length: %s", s, perr);
		return -1;
	}
	memset(p6, 0, sizeof(*p6));
	memcpy(p6->addr, &a6, 16);
	p6->len = (uint8_t)len;
	for (unsigned int i = 0; i < 16; i++) {
		uint8_t keep = i * 8 >= len ? 0 : i * 8 + 8 <= len ? 0xff :
			       (uint8_t)(0xff << (8 - (len - i * 8)));

		if (p6->addr[i] & ~keep) {
			char net[INET6_ADDRSTRLEN];

			for (unsigned int k = i; k < 16; k++)
				p6->addr[k] &= k == i ? keep : 0;
			inet_ntop(AF_INET6, p6->addr, net, sizeof(net));
			snprintf(err, errlen, "%.64s has host bits set (the prefix is %s/%u)",
				 s, net, len);
			return -1;
		}
	}
	*is6 = true;
	return 0;
}

void nfg_prefix6_str(char *buf, size_t len, const struct nfgate_prefix6 *p)
{
	char a[INET6_ADDRSTRLEN];

	if (!inet_ntop(AF_INET6, p->addr, a, sizeof(a)))
		snprintf(a, sizeof(a), "?");
	snprintf(buf, len, "%s/%u", a, p->len);
}

/* The entry of a list line, without blanks and comment; NULL if none. */
static char *entry_of(char *line)
{
	char *e;

	line[strcspn(line, "#")] = '\0';
	while (*line == ' ' || *line == '\t')
		line++;
	e = line + strlen(line);
	while (e > line && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		*--e = '\0';
	return *line ? line : NULL;
}

/* An entry and its line, to name both lines of a repeat. */
struct lined {
	union {
		uint32_t v4;
		struct nfgate_prefix6 p6;
	};
	int line;
};

static int cmp_lined4(const void *a, const void *b)
{
	const struct lined *x = a, *y = b;
	int c = cmp4(&x->v4, &y->v4);

	return c ? c : x->line - y->line;
}

static int cmp_lined6(const void *a, const void *b)
{
	const struct lined *x = a, *y = b;
	int c = cmp6(&x->p6, &y->p6);

	return c ? c : x->line - y->line;
}

/* Reports the repeats of a list sorted by value, then line. */
static void repeats(const struct lined *l, size_t n, bool is6, const char *name,
		      struct nfg_errors *errs)
{
	for (size_t i = 1; i < n; i++) {
		size_t first = i - 1;
		char buf[INET6_ADDRSTRLEN + 8];

		if (is6 ? cmp6(&l[i].p6, &l[i - 1].p6) : l[i].v4 != l[i - 1].v4)
			continue;
		while (first > 0 && (is6 ? !cmp6(&l[first - 1].p6, &l[i].p6) :
				     l[first - 1].v4 == l[i].v4))
			first--;
		if (is6)
			nfg_prefix6_str(buf, sizeof(buf), &l[i].p6);
		else
			inet_ntop(AF_INET, &l[i].v4, buf, sizeof(buf));
		nfg_errors_add(errs, "%s:%d: %s is listed twice (first at line %d)",
			       name, l[i].line, buf, l[first].line);
	}
}

int nfg_forged_parse(FILE *f, const char *name, struct nfg_forged_set *s,
		     struct nfg_errors *errs)
{
	struct lined *l4 = NULL, *l6 = NULL;
	size_t first = errs->n, cap = 0, n4 = 0, n6 = 0, cap4 = 0, cap6 = 0;
	struct nfg_forged_set add = { 0 };
	char *buf = NULL, *e, err[256];
	int line = 0, ret = -1;
	ssize_t n;

	while ((n = getline(&buf, &cap, f)) >= 0) {
		struct lined x = { 0 };
		bool is6;

		line++;
		if (n && buf[n - 1] == '\n')
			buf[--n] = '\0';
		if (strlen(buf) != (size_t)n) {
			nfg_errors_add(errs, "%s:%d: binary data (a NUL byte), not a text file?",
				       name, line);
			goto next;
		}
		e = entry_of(buf);
		if (!e)
			continue;
		if (strpbrk(e, " \t")) {
			nfg_errors_add(errs, "%s:%d: one entry per line expected, got '%.64s'",
				       name, line, e);
			goto next;
		}
		if (nfg_parse_forged(e, &is6, &x.v4, &x.p6, err, sizeof(err))) {
			nfg_errors_add(errs, "%s:%d: %s", name, line, err);
			goto next;
		}
		x.line = line;
		if (is6 ? grow((void **)&l6, &cap6, n6, sizeof(*l6)) :
			  grow((void **)&l4, &cap4, n4, sizeof(*l4)))
			goto nomem;
		if (is6)
			l6[n6++] = x;
		else
			l4[n4++] = x;
next:
		if (errs->n - first >= NFG_CONF_MAX_ERRORS) {
			nfg_errors_add(errs, "%s:%d: too many errors, giving up", name, line);
			break;
		}
	}
	if (ferror(f))
		nfg_errors_add(errs, "%s: %s", name, strerror(errno));
	if (n4)
		qsort(l4, n4, sizeof(*l4), cmp_lined4);
	if (n6)
		qsort(l6, n6, sizeof(*l6), cmp_lined6);
	repeats(l4, n4, false, name, errs);
	repeats(l6, n6, true, name, errs);
	if (errs->n == first && n4 > NFGATE_FORGED4_MAX)
		nfg_errors_add(errs, "%s: %zu IPv4 addresses, the module holds at most %d",
			       name, n4, NFGATE_FORGED4_MAX);
	if (errs->n == first && n6 > NFGATE_FORGED6_MAX)
		nfg_errors_add(errs, "%s: %zu IPv6 prefixes, the module holds at most %d",
			       name, n6, NFGATE_FORGED6_MAX);
	if (errs->n != first)
		goto out;
	for (size_t i = 0; i < n4; i++)
		if (nfg_forged_add4(&add, l4[i].v4))
			goto nomem;
	for (size_t i = 0; i < n6; i++)
		if (nfg_forged_add6(&add, &l6[i].p6))
			goto nomem;
	if (nfg_forged_merge(s, &add))
		goto nomem;
	ret = 0;
	goto out;
nomem:
	nfg_errors_add(errs, "%s: out of memory", name);
out:
	free(buf);
	free(l4);
	free(l6);
	nfg_forged_free(&add);
	return ret;
}

int nfg_forged_load(const char *path, struct nfg_forged_set *s, struct nfg_errors *errs)
{
	FILE *f = fopen(path, "re");
	int ret;

	if (!f) {
		nfg_errors_add(errs, "%s: %s", path, strerror(errno));
		return -1;
	}
	ret = nfg_forged_parse(f, path, s, errs);
	fclose(f);
	return ret;
}
