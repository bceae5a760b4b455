// SPDX-License-Identifier: GPL-2.0
/*
 * nfgated: the nfgate agent. Reads the config file, makes the kernel match
 * it, re-reads it on SIGHUP and exits on SIGTERM/SIGINT leaving the kernel
 * configured. Always runs in the foreground (systemd Type=simple); -f logs
 * to stderr instead of syslog.
 *
 * The main loop is epoll over a signalfd, and for link health (hagent.c)
 * a timerfd, the probe sockets and an rtnetlink socket; for the DNS check
 * (dagent.c) a timerfd and the module's events.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "apply.h"
#include "config.h"
#include "dagent.h"
#include "firewall.h"
#include "hagent.h"
#include "ipc.h"
#include "log.h"
#include "loop.h"
#include "tunagent.h"

/* The host tests point this at their fake kernel. */
int (*agent_ipc_open)(struct nfg_ipc *ipc) = nfg_ipc_open;

struct agent {
	const char *conf_path;
	struct nfg_config cfg;		/* the running configuration */
	struct loop loop;
	int sigfd;
	struct hagent health;
	bool health_on;
	struct dagent dns;
	bool dns_on;
	struct tagent tunnel;		/* [tunnel]: ss-redir, checks, failover */
	bool tunnel_on;
};

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: nfgated [-c FILE] [-f] [-t] [-p]\n"
		"  -c, --config FILE  configuration (default " NFG_CONF_DEFAULT ")\n"
		"  -f, --foreground   log to stderr instead of syslog\n"
		"  -t, --check        validate the configuration, apply nothing, exit 0/1\n"
		"  -p, --print-firewall  validate, print the nftables script of the\n"
		"                     firewall baseline ([firewall]), apply nothing\n"
		"  -h, --help         this help\n"
		"Signals: HUP re-reads the configuration, TERM/INT exit (the kernel\n"
		"keeps its configuration).\n");
}

static void log_errors(const struct nfg_errors *errs)
{
	for (size_t i = 0; i < errs->n; i++)
		log_err("%s", errs->msg[i]);
}

static int load(const char *path, struct nfg_config *cfg)
{
	struct nfg_errors errs = { 0 };
	int ret = nfg_config_load(path, cfg, &errs);

	log_errors(&errs);
	nfg_errors_free(&errs);
	return ret;
}

/* A fresh socket per apply: the family id changes if the module reloads. */
static int apply(const struct nfg_config *cfg)
{
	struct nfg_errors errs = { 0 };
	struct nfg_ipc ipc;
	size_t changes;
	int err;

	err = agent_ipc_open(&ipc);
	if (err) {
		log_err("%s", nfg_strerror(err));
		return -1;
	}
	err = nfg_apply(&ipc, cfg, &errs, &changes);
	nfg_ipc_close(&ipc);
	log_errors(&errs);
	nfg_errors_free(&errs);
	log_info("configuration %s: LAN %s, %zu uplink(s), %zu forward(s), %zu change(s)",
		 err ? "partly applied" : "applied", cfg->lan.ifname,
		 cfg->n_uplinks, cfg->n_forwards, changes);
	return err;
}

/* The tunnel of cfg: started, reconfigured, or stopped and removed. */
static void tunnel_sync(struct agent *a, const struct nfg_config *cfg)
{
	if (!cfg->has_tunnel) {
		if (a->tunnel_on)
			tagent_stop(&a->tunnel);
		a->tunnel_on = false;
		tagent_remove(agent_ipc_open);
	} else if (a->tunnel_on) {
		tagent_reconfigure(&a->tunnel, cfg);
	} else if (tagent_start(&a->tunnel, &a->loop, cfg, agent_ipc_open) == 0) {
		a->tunnel_on = true;
	} else {
		log_err("tunnel: not started");
	}
}

/*
 * The firewall baseline ([firewall]), one nftables transaction that
 * replaces the tables: a refused one leaves the running tables as they
 * were. Without [firewall], the tables are deleted only when the running
 * configuration had them (an agent started without it leaves nftables
 * alone).
 */
static int firewall(const struct agent *a, const struct nfg_config *cfg, bool had)
{
	char err[2048], *script;
	int ret;

	if (!cfg->has_firewall && !had)
		return 0;
	script = nfg_firewall_ruleset(cfg, a->conf_path);
	if (!script) {
		log_err("firewall: out of memory, tables left as they were");
		return -1;
	}
	ret = nfg_nft_run(script, err, sizeof(err));
	free(script);
	if (ret) {
		log_err("firewall: nftables refused the baseline, tables left as they were: %s",
			err);
		return -1;
	}
	if (cfg->has_firewall)
		log_info("firewall: table inet " NFG_FW_TABLE " loaded%s",
			 cfg->firewall.lan_isolation ? ", LAN isolation on (table bridge "
			 NFG_FW_TABLE ")" : "");
	else
		log_info("firewall: no [firewall], tables " NFG_FW_TABLE " deleted");
	return 0;
}

static void reload(struct agent *a)
{
	struct nfg_config cfg;

	log_info("SIGHUP: reloading %s", a->conf_path);
	if (load(a->conf_path, &cfg)) {
		log_err("%s is not valid, nothing applied, keeping the running configuration",
			a->conf_path);
		return;
	}
	apply(&cfg);
	firewall(a, &cfg, a->cfg.has_firewall);
	/* the file is valid: it is the configuration now, even if the kernel
	 * refused a part of it (logged above; the next SIGHUP retries) */
	if (a->health_on)
		hagent_reconfigure(&a->health, &cfg);
	if (a->dns_on)
		dagent_reconfigure(&a->dns, &cfg);
	tunnel_sync(a, &cfg);
	nfg_config_free(&a->cfg);
	a->cfg = cfg;
}

static void on_signal(struct loop *loop, int fd, uint32_t events, void *data)
{
	struct signalfd_siginfo si;
	struct agent *a = data;

	(void)events;
	if (read(fd, &si, sizeof(si)) != sizeof(si))
		return;
	switch (si.ssi_signo) {
	case SIGHUP:
		reload(a);
		break;
	case SIGTERM:
	case SIGINT:
		log_info("%s: exiting, the kernel keeps its configuration",
			 strsignal((int)si.ssi_signo));
		loop_stop(loop, 0);
		break;
	}
}

int main(int argc, char *argv[])
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "foreground", no_argument, NULL, 'f' },
		{ "check", no_argument, NULL, 't' },
		{ "print-firewall", no_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct agent a = { .conf_path = NFG_CONF_DEFAULT, .sigfd = -1 };
	bool foreground = false, check = false, print_fw = false;
	sigset_t mask;
	int c, ret;

	while ((c = getopt_long(argc, argv, "c:fthp", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			a.conf_path = optarg;
			break;
		case 'f':
			foreground = true;
			break;
		case 't':
			check = true;
			break;
		case 'p':
			print_fw = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "nfgated: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		return 2;
	}

	if (print_fw) {
		struct nfg_errors errs = { 0 };
		char *script;

		ret = nfg_config_load(a.conf_path, &a.cfg, &errs);
		for (size_t i = 0; i < errs.n; i++)
			fprintf(stderr, "%s\n", errs.msg[i]);
		nfg_errors_free(&errs);
		if (ret)
			return 1;
		script = nfg_firewall_ruleset(&a.cfg, a.conf_path);
		nfg_config_free(&a.cfg);
		if (!script)
			return 1;
		fputs(script, stdout);
		free(script);
		return 0;
	}

	if (check) {
		struct nfg_errors errs = { 0 };

		ret = nfg_config_load(a.conf_path, &a.cfg, &errs);
		for (size_t i = 0; i < errs.n; i++)
			fprintf(stderr, "%s\n", errs.msg[i]);
		nfg_errors_free(&errs);
		if (ret)
			return 1;
		printf("%s: OK (LAN %s, %zu uplink(s), %zu forward(s))", a.conf_path,
		       a.cfg.lan.ifname, a.cfg.n_uplinks, a.cfg.n_forwards);
		if (a.cfg.has_dns) {
			const struct nfg_conf_dns *d = &a.cfg.dns;

			printf("; DNS check: mode %s, %s: %zu addresses, %zu IPv6 prefixes, "
			       "%zu canary name(s)",
			       NFG_HAS(&d->dns, NFGATE_DNS_A_MODE) ?
			       nfg_dns_mode_name(d->dns.mode) : "off",
			       d->forged_file[0] ? d->forged_file : "no forged_file",
			       d->forged.n4, d->forged.n6, d->n_canary);
		}
		if (a.cfg.has_firewall)
			printf("; firewall%s", a.cfg.firewall.lan_isolation ?
			       ", LAN isolation" : "");
		printf("\n");
		nfg_config_free(&a.cfg);
		return 0;
	}

	log_init("nfgated", foreground);
	if (load(a.conf_path, &a.cfg)) {
		log_err("%s is not valid, nothing applied", a.conf_path);
		return 1;
	}

	/* signals first, so a SIGHUP during the first apply is not lost */
	sigemptyset(&mask);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	a.sigfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	if (a.sigfd < 0 || loop_init(&a.loop) ||
	    loop_add(&a.loop, a.sigfd, on_signal, &a)) {
		log_err("main loop: %s", strerror(errno));
		return 1;
	}

	if (apply(&a.cfg)) {
		ret = 1;
		goto out;
	}
	firewall(&a, &a.cfg, false);
	if (hagent_start(&a.health, &a.loop, &a.cfg, agent_ipc_open) == 0)
		a.health_on = true;
	else
		log_err("health: %s, link health is not tracked", strerror(errno));
	if (dagent_start(&a.dns, &a.loop, &a.cfg, agent_ipc_open) == 0)
		a.dns_on = true;
	else
		log_err("dns: %s, the forged set is not kept", strerror(errno));
	tunnel_sync(&a, &a.cfg);
	log_info("running (pid %d)", (int)getpid());
	ret = loop_run(&a.loop);
	if (ret < 0) {
		log_err("main loop: %s", strerror(-ret));
		ret = 1;
	}
out:
	if (a.tunnel_on)
		tagent_stop(&a.tunnel);
	if (a.health_on)
		hagent_stop(&a.health);
	if (a.dns_on)
		dagent_stop(&a.dns);
	loop_close(&a.loop);
	close(a.sigfd);
	nfg_config_free(&a.cfg);
	return ret;
}
