/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ngbench: the load generators and servers of `make bench`
 * (tools/bench/run.sh runs them in the guest's namespaces).
 */
#ifndef NGBENCH_H
#define NGBENCH_H

#include <netinet/in.h>
#include <signal.h>

/* Set by SIGINT/SIGTERM (ngb_signals()); servers stop and report. */
extern volatile sig_atomic_t ngb_stop;

void ngb_signals(void);
double ngb_now(void);
void ngb_die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
void ngb_die_errno(const char *what) __attribute__((noreturn));
unsigned long ngb_num(const char *s, const char *what, unsigned long min,
		      unsigned long max);
double ngb_seconds(const char *s);
void ngb_addr(const char *s, unsigned int port, struct sockaddr_in *sa);
void ngb_usage(void) __attribute__((noreturn));

int cmd_udp_send(int argc, char **argv);
int cmd_tcp_conn(int argc, char **argv);
int cmd_tcp_accept(int argc, char **argv);
int cmd_dns_query(int argc, char **argv);
int cmd_dns_serve(int argc, char **argv);

#endif
