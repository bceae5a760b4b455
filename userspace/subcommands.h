/* SPDX-License-Identifier: GPL-2.0 */
/* The subcommands of nfgate, one file each, and what they share. */
#ifndef NFG_SUBCOMMANDS_H
#define NFG_SUBCOMMANDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct nfg_ipc;

extern const char *PROG_NAME;
extern bool opt_json;

/* Exit statuses */
#define EXIT_USAGE 2

/* Each returns the exit status; argv[0] is the subcommand's name. */
int show_main(int argc, char *argv[]);
int set_main(int argc, char *argv[]);
int del_main(int argc, char *argv[]);
int monitor_main(int argc, char *argv[]);
int dump_main(int argc, char *argv[]);
int forged_main(int argc, char *argv[]);
int trace_main(int argc, char *argv[]);

void show_usage(FILE *f);
void set_usage(FILE *f);
void del_usage(FILE *f);
void monitor_usage(FILE *f);
void dump_usage(FILE *f);
void forged_usage(FILE *f);
void trace_usage(FILE *f);

/* tuncli.c: `nfgate tunnel ...`; tunnel_show() is also `nfgate show tunnel`. */
int tunnel_main(int argc, char *argv[]);
void tunnel_usage(FILE *f);
int tunnel_show(struct nfg_ipc *ipc);
struct json;
struct nfg_tunnel;
/* The TUNNEL object of `-j show tunnel` and `-j show` (null if !t). */
void tunnel_json(struct json *j, const char *key, const struct nfg_tunnel *t);

struct nfg_msg;
/*
 * The health state of each uplink as the monitor last saw it, to print
 * "up -> down" for an uplink_health event (which carries the uplink after
 * the change only).
 */
#define MONITOR_MAX_UPLINKS 64
struct monitor_health {
	size_t n;
	struct {
		char ifname[16];
		int state;
	} up[MONITOR_MAX_UPLINKS];
};
/*
 * Prints one event as `nfgate monitor` does (text or, with opt_json, JSON);
 * data: a struct monitor_health or NULL.
 */
void monitor_print_event(const struct nfg_msg *msg, void *data);

/* nfg_ipc_open(); the host tests point it at their fake kernel. */
extern int (*cli_ipc_open)(struct nfg_ipc *ipc);
/* Opens the family; prints the error and returns -1 on failure. */
int cli_open(struct nfg_ipc *ipc);
/* "nfgate: what: strerror (kernel: extack)" on stderr; returns 1. */
int cli_error(struct nfg_ipc *ipc, const char *what, int err);
/* "nfgate: what: msg (kernel: extack)" on stderr; returns 1. */
int cli_error_msg(struct nfg_ipc *ipc, const char *what, const char *msg);
/* "set uplink" for argv "set uplink ...", "set" if argv[1] is no object. */
const char *cli_what(char *buf, size_t len, int argc, char *argv[]);
/* "nfgate: what: msg" + usage on stderr; returns EXIT_USAGE. */
int cli_usage_error(void (*usage)(FILE *f), const char *what, const char *msg);

#endif
