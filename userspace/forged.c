// SPDX-License-Identifier: GPL-2.0
/* nfgate forged [show] | add ENTRY... | del ENTRY... | flush | load FILE */
#include <errno.h>
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "forgedset.h"
#include "ipc.h"
#include "json.h"
#include "subcommands.h"

void forged_usage(FILE *f)
{
	fprintf(f,
		"Usage: %s [-j] forged [show]\n"
		"       %s forged add ADDRESS|PREFIX6...\n"
		"       %s forged del ADDRESS|PREFIX6...\n"
		"       %s forged flush\n"
		"       %s [-j] forged load FILE\n"
		"\n"
		"The forged-address set of the DNS reply check: answers an injector\n"
		"gives. An entry is an IPv4 address (not 0.0.0.0) or an IPv6 prefix\n"
		"ADDR/LEN (LEN %d..128, host bits zero; an address alone is a /128).\n"
		"'show' prints one entry a line, IPv4 first, sorted. 'load' adds the\n"
		"entries of a list file (one a line, '#' comments; every error is\n"
		"reported as FILE:LINE and nothing is sent). Changes go to the kernel\n"
		"%d entries of each kind per message; the module holds at most %d\n"
		"addresses and %d prefixes. nfgated makes the set match its data and\n"
		"learned files again at its next start or reload.\n",
		PROG_NAME, PROG_NAME, PROG_NAME, PROG_NAME, PROG_NAME, NFG_PREFIX6_MIN,
		NFGATE_FORGED_CHUNK, NFGATE_FORGED4_MAX, NFGATE_FORGED6_MAX);
}

static int show(struct nfg_ipc *ipc)
{
	struct nfg_forged_set set = { 0 };
	uint32_t gen = 0;
	char buf[INET6_ADDRSTRLEN + 8];
	int err = nfg_ipc_forged_dump(ipc, &set, &gen), ret = 0;

	if (err == -NFG_EFORGEDDUMP) {
		struct nfg_dns d = { 0 };
		char msg[256];

		/* show what came, and say what is missing */
		nfg_ipc_dns_get(ipc, &d, NULL);
		snprintf(msg, sizeof(msg), "%s: got %zu of %u addresses, %zu of %u prefixes",
			 nfg_strerror(err), set.n4, d.forged4, set.n6, d.forged6);
		ret = cli_error_msg(NULL, "forged show", msg);
	} else if (err) {
		return cli_error(ipc, "forged show", err);
	}
	if (opt_json) {
		struct json j;

		json_init(&j, stdout, true);
		json_object_begin(&j, NULL);
		json_uint(&j, "generation", gen);
		json_array_begin(&j, "ipv4");
		for (size_t i = 0; i < set.n4; i++) {
			inet_ntop(AF_INET, &set.v4[i], buf, sizeof(buf));
			json_string(&j, NULL, buf);
		}
		json_array_end(&j);
		json_array_begin(&j, "ipv6");
		for (size_t i = 0; i < set.n6; i++) {
			nfg_prefix6_str(buf, sizeof(buf), &set.v6[i]);
			json_string(&j, NULL, buf);
		}
		json_array_end(&j);
		json_object_end(&j);
		json_finish(&j);
	} else {
		for (size_t i = 0; i < set.n4; i++) {
			inet_ntop(AF_INET, &set.v4[i], buf, sizeof(buf));
			printf("%s\n", buf);
		}
		for (size_t i = 0; i < set.n6; i++) {
			nfg_prefix6_str(buf, sizeof(buf), &set.v6[i]);
			printf("%s\n", buf);
		}
	}
	nfg_forged_free(&set);
	return ret;
}

/* The entries of argv, all checked before anything is sent. */
static int parse_entries(int argc, char *argv[], const char *what,
			 struct nfg_forged_set *set)
{
	char err[256], msg[320];

	if (argc < 1)
		return cli_usage_error(forged_usage, what,
				       "missing entries (IPv4 addresses or IPv6 prefixes)");
	for (int i = 0; i < argc; i++) {
		struct nfgate_prefix6 p6;
		uint32_t v4;
		bool is6;

		if (nfg_parse_forged(argv[i], &is6, &v4, &p6, err, sizeof(err))) {
			snprintf(msg, sizeof(msg), "%s", err);
			nfg_forged_free(set);
			return cli_usage_error(forged_usage, what, msg);
		}
		if (is6 ? nfg_forged_add6(set, &p6) : nfg_forged_add4(set, v4)) {
			nfg_forged_free(set);
			return cli_error(NULL, what, -ENOMEM);
		}
	}
	nfg_forged_sort(set);
	return 0;
}

/* Sends set; on failure says how much of it the kernel took. */
static int change(struct nfg_ipc *ipc, bool del, const struct nfg_forged_set *set,
		  const char *what)
{
	size_t done = 0;
	int err = nfg_ipc_forged_change(ipc, del, set, &done);
	char msg[320];

	if (!err)
		return 0;
	if (!done)
		return cli_error(ipc, what, err);
	snprintf(msg, sizeof(msg), "%s, after %zu of %zu entries", nfg_strerror(err), done,
		 nfg_forged_count(set));
	return cli_error_msg(ipc, what, msg);
}

static int load(struct nfg_ipc *ipc, const char *path)
{
	struct nfg_forged_set set = { 0 };
	struct nfg_errors errs = { 0 };
	struct nfg_dns d;
	int ret;

	if (nfg_forged_load(path, &set, &errs)) {
		for (size_t i = 0; i < errs.n; i++)
			fprintf(stderr, "%s: forged load: %s\n", PROG_NAME, errs.msg[i]);
		nfg_errors_free(&errs);
		nfg_forged_free(&set);
		return 1;
	}
	ret = change(ipc, false, &set, "forged load");
	if (!ret && nfg_ipc_dns_get(ipc, &d, NULL) == 0) {
		if (opt_json) {
			struct json j;

			json_init(&j, stdout, true);
			json_object_begin(&j, NULL);
			json_string(&j, "file", path);
			json_uint(&j, "ipv4", set.n4);
			json_uint(&j, "ipv6", set.n6);
			json_uint(&j, "forged4", d.forged4);
			json_uint(&j, "forged6", d.forged6);
			json_object_end(&j);
			json_finish(&j);
		} else {
			printf("%s: %zu IPv4 addresses, %zu IPv6 prefixes; the set holds %u and %u\n",
			       path, set.n4, set.n6, d.forged4, d.forged6);
		}
	}
	nfg_forged_free(&set);
	return ret;
}

int forged_main(int argc, char *argv[])
{
	const char *verb = argc > 1 ? argv[1] : "show";
	struct nfg_forged_set set = { 0 };
	struct nfg_ipc ipc;
	char what[32];
	int ret;

	snprintf(what, sizeof(what), "forged %s", verb);
	if (!strcmp(verb, "show") || !strcmp(verb, "flush")) {
		if (argc > 2)
			return cli_usage_error(forged_usage, what, "too many arguments");
	} else if (!strcmp(verb, "add") || !strcmp(verb, "del")) {
		ret = parse_entries(argc - 2, argv + 2, what, &set);
		if (ret)
			return ret;
	} else if (!strcmp(verb, "load")) {
		if (argc != 3)
			return cli_usage_error(forged_usage, what,
					       argc < 3 ? "missing file" : "too many arguments");
	} else {
		return cli_usage_error(forged_usage, "forged",
				       "expected show, add, del, flush or load");
	}
	if (cli_open(&ipc)) {
		nfg_forged_free(&set);
		return 1;
	}
	if (!strcmp(verb, "show")) {
		ret = show(&ipc);
	} else if (!strcmp(verb, "flush")) {
		ret = nfg_ipc_forged_flush(&ipc);
		if (ret)
			ret = cli_error(&ipc, what, ret);
	} else if (!strcmp(verb, "load")) {
		ret = load(&ipc, argv[2]);
	} else {
		ret = change(&ipc, !strcmp(verb, "del"), &set, what);
	}
	nfg_forged_free(&set);
	nfg_ipc_close(&ipc);
	return ret;
}
