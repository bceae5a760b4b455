// SPDX-License-Identifier: GPL-2.0
/*
 * forged.c: the entry syntax, list files with their FILE:LINE errors, and
 * the set operations the agent's sync is made of.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "forgedset.h"
#include "harness.h"

static void entries(void)
{
	static const struct {
		const char *s;
		int ret;
		const char *want;	/* the entry printed back, or the error */
	} t[] = {
		{ "1.2.3.4", 0, "1.2.3.4" },
		{ "243.185.187.39", 0, "243.185.187.39" },	/* class E: forged answers are any bytes */
		{ "127.0.0.2", 0, "127.0.0.2" },
		{ "2001::/32", 0, "2001::/32" },
		{ "2001:db8::1", 0, "2001:db8::1/128" },
		{ "2001:DB8::/32", 0, "2001:db8::/32" },
		{ "0.0.0.0", -1, "0.0.0.0 can not be in the set" },
		{ "1.2.3.0/24", -1, "IPv4 entries are single addresses" },
		{ "2001:db8::1/32", -1, "has host bits set (the prefix is 2001:db8::/32)" },
		{ "2001::/129", -1, "prefix length: 129 is out of range 8..128" },
		{ "::/0", -1, "prefix length: 0 is out of range 8..128" },
		{ "2001::/", -1, "prefix length: missing value" },
		{ "1.2.3", -1, "is neither an IPv4 address nor an IPv6 prefix" },
		{ "010.1.2.3", -1, "is neither" },
		{ "example.com", -1, "is neither" },
		{ "", -1, "missing value" },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct nfgate_prefix6 p6;
		char err[256] = "", out[64] = "";
		uint32_t v4 = 0;
		bool is6 = false;
		int ret = nfg_parse_forged(t[i].s, &is6, &v4, &p6, err, sizeof(err));

		if (!ret && is6)
			nfg_prefix6_str(out, sizeof(out), &p6);
		else if (!ret)
			inet_ntop(AF_INET, &v4, out, sizeof(out));
		if (!CHECK(ret == t[i].ret && strstr(ret ? err : out, t[i].want) &&
			   (ret || !strcmp(out, t[i].want)),
			   "entry '%s' -> %s", t[i].s, t[i].want))
			t_diag("ret %d out '%s' err '%s'", ret, out, err);
	}
}

static const char *write_tmp(const char *name, const char *text)
{
	static char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "/tmp/nfgate-forged-%d-%s", (int)getpid(), name);
	f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
	return path;
}

static void files(void)
{
	struct nfg_forged_set s = { 0 };
	struct nfg_errors errs = { 0 };
	char want[512];
	const char *p;
	int ret;

	p = write_tmp("good.txt", "# a comment\n\n  1.2.3.4   # inline\n\t2001::/32\n"
			  "5.6.7.8\r\n1.1.1.1\n");
	ret = nfg_forged_load(p, &s, &errs);
	CHECK(ret == 0 && errs.n == 0 && s.n4 == 3 && s.n6 == 1 &&
	      s.v4[0] == htonl(0x01010101) && s.v4[2] == htonl(0x05060708),
	      "list file: comments, blanks, CRLF; sorted numerically");
	unlink(p);

	p = write_tmp("bad.txt", "1.2.3.4\n1.2.3.4 5.6.7.8\nfoo\n\n2001::/32\n1.2.3.4\n"
			  "2001:0::/32\n0.0.0.0\n");
	ret = nfg_forged_load(p, &s, &errs);
	snprintf(want, sizeof(want), "%s:2: one entry per line expected, got '1.2.3.4 5.6.7.8'", p);
	CHECK(ret == -1 && errs.n == 5 && !strcmp(errs.msg[0], want),
	      "list file: two entries on a line (%s)", errs.n ? errs.msg[0] : "");
	snprintf(want, sizeof(want), "%s:3: 'foo' is neither", p);
	CHECK(errs.n == 5 && !strncmp(errs.msg[1], want, strlen(want)), "list file: a bad entry");
	snprintf(want, sizeof(want), "%s:8: 0.0.0.0 can not be in the set", p);
	CHECK(errs.n == 5 && !strcmp(errs.msg[2], want), "list file: 0.0.0.0");
	snprintf(want, sizeof(want), "%s:6: 1.2.3.4 is listed twice (first at line 1)", p);
	CHECK(errs.n == 5 && !strcmp(errs.msg[3], want), "list file: a repeated address");
	snprintf(want, sizeof(want), "%s:7: 2001::/32 is listed twice (first at line 5)", p);
	CHECK(errs.n == 5 && !strcmp(errs.msg[4], want),
	      "list file: a repeated prefix, however written");
	CHECK(s.n4 == 3 && s.n6 == 1, "list file with errors: the set is left as it was");
	nfg_errors_free(&errs);
	unlink(p);

	ret = nfg_forged_load("/nonexistent/forged.txt", &s, &errs);
	CHECK(ret == -1 && errs.n == 1 &&
	      !strcmp(errs.msg[0], "/nonexistent/forged.txt: No such file or directory"),
	      "list file missing: FILE: strerror");
	nfg_errors_free(&errs);
	nfg_forged_free(&s);

	/* a large file: repeats are found by sorting, not pairwise */
	{
		char path[256];
		FILE *f;

		snprintf(path, sizeof(path), "/tmp/nfgate-forged-%d-big.txt", (int)getpid());
		f = fopen(path, "w");
		for (uint32_t i = 1; i <= NFGATE_FORGED4_MAX; i++)
			fprintf(f, "10.%u.%u.%u\n", i >> 16, (i >> 8) & 0xff, i & 0xff);
		fclose(f);
		ret = nfg_forged_load(path, &s, &errs);
		CHECK(ret == 0 && s.n4 == NFGATE_FORGED4_MAX,
		      "a file of NFGATE_FORGED4_MAX addresses: accepted, repeats checked by sorting");
		nfg_errors_free(&errs);
		nfg_forged_free(&s);
		f = fopen(path, "w");
		for (uint32_t i = 1; i <= NFGATE_FORGED4_MAX + 1; i++)
			fprintf(f, "10.%u.%u.%u\n", i >> 16, (i >> 8) & 0xff, i & 0xff);
		fclose(f);
		ret = nfg_forged_load(path, &s, &errs);
		CHECK(ret == -1 && errs.n == 1 && strstr(errs.msg[0], "65537 IPv4 addresses, the module "
							 "holds at most 65536"),
		      "a file over NFGATE_FORGED4_MAX: refused (%s)", errs.n ? errs.msg[0] : "");
		nfg_errors_free(&errs);
		nfg_forged_free(&s);
		unlink(path);
	}
}

static void sets(void)
{
	struct nfg_forged_set a = { 0 }, b = { 0 }, d;
	struct nfgate_prefix6 t = { .addr = { 0x20, 0x01 }, .len = 32 }, u = t;

	u.len = 16;
	nfg_forged_add4(&a, htonl(3));
	nfg_forged_add4(&a, htonl(1));
	nfg_forged_add4(&a, htonl(2));
	nfg_forged_add4(&a, htonl(1));
	nfg_forged_add6(&a, &t);
	nfg_forged_add6(&a, &u);
	nfg_forged_sort(&a);
	CHECK(a.n4 == 3 && a.v4[0] == htonl(1) && a.n6 == 2 && a.v6[0].len == 16,
	      "sort: numeric order, duplicates removed");
	nfg_forged_add4(&b, htonl(2));
	nfg_forged_add4(&b, htonl(9));
	nfg_forged_add6(&b, &t);
	nfg_forged_sort(&b);
	CHECK(nfg_forged_diff(&a, &b, &d) == 0 && d.n4 == 2 && d.v4[0] == htonl(1) &&
	      d.v4[1] == htonl(3) && d.n6 == 1 && d.v6[0].len == 16, "diff: a - b");
	nfg_forged_free(&d);
	CHECK(nfg_forged_merge(&a, &b) == 0 && a.n4 == 4 && a.n6 == 2 && nfg_forged_has4(&a, htonl(9)) &&
	      !nfg_forged_has4(&a, htonl(8)) && nfg_forged_has6(&a, &u), "merge and lookups");
	nfg_forged_free(&a);
	nfg_forged_free(&b);
}

/* data/forged.txt, the file nfgated loads by default */
static void shipped(void)
{
	struct nfgate_prefix6 teredo = { .addr = { 0x20, 0x01 }, .len = 32 };
	struct nfg_forged_set s = { 0 };
	struct nfg_errors errs = { 0 };
	struct in_addr a;
	int ret = nfg_forged_load("../../data/forged.txt", &s, &errs);

	for (size_t i = 0; i < errs.n; i++)
		t_diag("%s", errs.msg[i]);
	inet_pton(AF_INET, "93.46.8.89", &a);
	CHECK(ret == 0 && errs.n == 0 && s.n4 >= 486 && nfg_forged_has4(&s, a.s_addr) &&
	      nfg_forged_has6(&s, &teredo),
	      "data/forged.txt parses clean: %zu addresses (ChinaDNS's list), %zu prefix "
	      "(Teredo 2001::/32)", s.n4, s.n6);
	nfg_errors_free(&errs);
	nfg_forged_free(&s);
}

int main(void)
{
	t_begin("forged");
	entries();
	files();
	sets();
	shipped();
	return t_end();
}
