// SPDX-License-Identifier: GPL-2.0
/*
 * nfgate: shows and changes the configuration of the nfgate kernel module.
 * The table below is the list of subcommands, one file each.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ipc.h"
#include "subcommands.h"

static int help_main(int argc, char *argv[]);
static void help_usage(FILE *f);

static const struct {
	const char *name;
	int (*fn)(int argc, char *argv[]);
	void (*usage)(FILE *f);
	const char *description;
} subcommands[] = {
	{ "show", show_main, show_usage, "Shows the LAN, settings, DNS check, uplinks, forwards and counters" },
	{ "set", set_main, set_usage, "Creates or changes the LAN, an uplink, the settings, a forward or the DNS check" },
	{ "del", del_main, del_usage, "Deletes the LAN, an uplink or a forward" },
	{ "monitor", monitor_main, monitor_usage, "Prints changes as they happen, until interrupted" },
	{ "dump", dump_main, dump_usage, "Prints everything tab-separated, for scripts" },
	{ "forged", forged_main, forged_usage, "Shows or changes the forged-address set of the DNS check" },
	{ "tunnel", tunnel_main, tunnel_usage, "Shows the shadowsocks tunnel, loads its prefix lists" },
	{ "trace", trace_main, trace_usage, "Shows the stages traced packets pass and nfgate's decisions" },
	{ "help", help_main, help_usage, "Shows this help, or the help of a subcommand" },
};
#define N_SUBCOMMANDS (sizeof(subcommands) / sizeof(subcommands[0]))

static void usage(FILE *f)
{
	fprintf(f, "Usage: %s [-j|--json] [-n|--netns NAME] <cmd> [<args>]\n\n", PROG_NAME);
	fprintf(f, "Available subcommands:\n");
	for (size_t i = 0; i < N_SUBCOMMANDS; i++)
		fprintf(f, "  %-9s %s\n", subcommands[i].name, subcommands[i].description);
	fprintf(f, "\nWithout a subcommand: show. '%s help <cmd>' or '%s <cmd> --help' for details.\n",
		PROG_NAME, PROG_NAME);
}

static void help_usage(FILE *f)
{
	fprintf(f, "Usage: %s help [<cmd>]\n", PROG_NAME);
}

static int find(const char *name)
{
	for (size_t i = 0; i < N_SUBCOMMANDS; i++)
		if (!strcmp(subcommands[i].name, name))
			return (int)i;
	return -1;
}

static int help_main(int argc, char *argv[])
{
	int i;

	if (argc < 2) {
		usage(stdout);
		return 0;
	}
	i = find(argv[1]);
	if (i < 0 || argc > 2)
		return cli_usage_error(usage, "help", "unknown subcommand");
	subcommands[i].usage(stdout);
	return 0;
}

static int enter_netns(const char *name)
{
	char path[256];
	int fd;

	if (strchr(name, '/'))
		snprintf(path, sizeof(path), "%s", name);
	else
		snprintf(path, sizeof(path), "/run/netns/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || setns(fd, CLONE_NEWNET) < 0) {
		fprintf(stderr, "%s: netns %s: %s\n", PROG_NAME, name, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

int main(int argc, char *argv[])
{
	static char *show_argv[] = { "show", NULL };
	const char *netns = NULL;
	char **sub_argv;
	int i, n, sub_argc, ret;

	/* options before the subcommand */
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "-j") || !strcmp(argv[i], "--json")) {
			opt_json = true;
		} else if (!strcmp(argv[i], "-n") || !strcmp(argv[i], "--netns")) {
			if (++i == argc)
				return cli_usage_error(usage, argv[i - 1], "missing namespace name");
			netns = argv[i];
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(stdout);
			return 0;
		} else {
			return cli_usage_error(usage, argv[i], "unknown option");
		}
	}
	if (i == argc) {
		sub_argc = 1;
		sub_argv = show_argv;
	} else {
		sub_argc = argc - i;
		sub_argv = argv + i;
	}
	n = find(sub_argv[0]);
	if (n < 0) {
		fprintf(stderr, "%s: invalid subcommand '%s'\n", PROG_NAME, sub_argv[0]);
		usage(stderr);
		return EXIT_USAGE;
	}

	/* options after the subcommand: --help and -j anywhere */
	for (int k = 1, w = 1; k <= sub_argc; k++) {
		const char *a = k < sub_argc ? sub_argv[k] : NULL;

		if (a && (!strcmp(a, "-h") || !strcmp(a, "--help"))) {
			subcommands[n].usage(stdout);
			return 0;
		}
		if (a && (!strcmp(a, "-j") || !strcmp(a, "--json"))) {
			opt_json = true;
			continue;
		}
		sub_argv[w++] = (char *)a;	/* also copies the final NULL */
		if (!a)
			sub_argc = w - 1;
	}

	if (netns && enter_netns(netns))
		return 1;
	ret = subcommands[n].fn(sub_argc, sub_argv);
	/* for the tests: did a dump race a change and get read again? */
	if (getenv("NFGATE_DEBUG"))
		fprintf(stderr, "nfgate: debug: %lu dump(s) restarted after NLM_F_DUMP_INTR\n",
			nfg_ipc_dump_restarts);
	return ret;
}
