// SPDX-License-Identifier: GPL-2.0
/*
 * ngbench: small load generators and servers for `make bench`.
 *
 *   ngbench udp-send DST PORT SECONDS [FLOWS [PAYLOAD]]
 *   ngbench tcp-conn DST PORT SECONDS [CONCURRENCY]
 *   ngbench tcp-accept ADDR PORT [ORIG_DST:PORT]
 *   ngbench dns-query DST SECONDS [FLOWS [WINDOW]]
 *   ngbench dns-serve ADDR [forged]
 *
 * Clients run for SECONDS and print one line of "key value" pairs; servers
 * run until SIGTERM and then print theirs. See each command's file.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ngbench.h"

volatile sig_atomic_t ngb_stop;

static void ngb_on_signal(int sig)
{
	(void)sig;
	ngb_stop = 1;
}

/* No SA_RESTART: a blocking accept() or recvmmsg() returns EINTR. */
void ngb_signals(void)
{
	struct sigaction sa = { .sa_handler = ngb_on_signal };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

double ngb_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

void ngb_die(const char *fmt, ...)
{
	va_list ap;

	fputs("ngbench: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

void ngb_die_errno(const char *what)
{
	ngb_die("%s: %s", what, strerror(errno));
}

unsigned long ngb_num(const char *s, const char *what, unsigned long min,
		      unsigned long max)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max)
		ngb_die("%s: '%s' is not a number in %lu..%lu", what, s, min,
			max);
	return v;
}

double ngb_seconds(const char *s)
{
	char *end;
	double v = strtod(s, &end);

	if (end == s || *end || !(v > 0 && v <= 3600))
		ngb_die("seconds: '%s' is not in (0, 3600]", s);
	return v;
}

void ngb_addr(const char *s, unsigned int port, struct sockaddr_in *sa)
{
	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	sa->sin_port = htons(port);
	if (inet_pton(AF_INET, s, &sa->sin_addr) != 1)
		ngb_die("'%s' is not an IPv4 address", s);
}

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *usage;
} cmds[] = {
	{ "udp-send", cmd_udp_send, "DST PORT SECONDS [FLOWS [PAYLOAD]]" },
	{ "tcp-conn", cmd_tcp_conn, "DST PORT SECONDS [CONCURRENCY]" },
	{ "tcp-accept", cmd_tcp_accept, "ADDR PORT [ORIG_DST:PORT]" },
	{ "dns-query", cmd_dns_query, "DST SECONDS [FLOWS [WINDOW]]" },
	{ "dns-serve", cmd_dns_serve, "ADDR [forged]" },
};

void ngb_usage(void)
{
	unsigned int i;

	fputs("usage:\n", stderr);
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		fprintf(stderr, "  ngbench %s %s\n", cmds[i].name,
			cmds[i].usage);
	exit(2);
}

int main(int argc, char **argv)
{
	unsigned int i;

	if (argc < 2)
		ngb_usage();
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (!strcmp(argv[1], cmds[i].name))
			return cmds[i].fn(argc - 2, argv + 2);
	ngb_usage();
}
