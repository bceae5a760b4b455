// SPDX-License-Identifier: GPL-2.0
/*
 * The firewall baseline generated from a few configurations, compared as
 * text with the expected rulesets in tests/firewall/ (NAME.conf ->
 * NAME.nft; test_tools.sh has nft -c check them when it can), and the
 * [firewall] section's errors, each FILE:LINE.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "firewall.h"
#include "harness.h"

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t cap = 0;
	ssize_t n;

	if (!f)
		return NULL;
	n = getdelim(&buf, &cap, '\0', f);
	fclose(f);
	if (n < 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* the first differing line, as a diagnostic */
static void diff_line(const char *want, const char *got)
{
	const char *w = want, *g = got;
	int line = 1;

	while (*w && *w == *g) {
		if (*w == '\n') {
			line++;
			want = w + 1;
			got = g + 1;
		}
		w++;
		g++;
	}
	t_diag("line %d: want '%.*s'", line, (int)strcspn(want, "\n"), want);
	t_diag("line %d: got  '%.*s'", line, (int)strcspn(got, "\n"), got);
}

static void golden(const char *name, const char *what)
{
	struct nfg_errors errs = { 0 };
	struct nfg_config cfg;
	char conf[128], nft[128];
	char *want, *got = NULL;

	snprintf(conf, sizeof(conf), "firewall/%s.conf", name);
	snprintf(nft, sizeof(nft), "firewall/%s.nft", name);
	if (nfg_config_load(conf, &cfg, &errs) == 0) {
		got = nfg_firewall_ruleset(&cfg, conf);
		nfg_config_free(&cfg);
	}
	for (size_t i = 0; i < errs.n; i++)
		t_diag("%s", errs.msg[i]);
	nfg_errors_free(&errs);
	want = slurp(nft);
	if (!CHECK(got && want && !strcmp(want, got), "%s: %s", name, what) && got && want)
		diff_line(want, got);
	free(got);
	free(want);
}

static void bad(const char *text, const char *err, const char *what)
{
	struct nfg_errors errs = { 0 };
	struct nfg_config cfg;
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	int ret = nfg_config_parse(f, "t.conf", &cfg, &errs);
	bool found = false;

	fclose(f);
	for (size_t i = 0; i < errs.n; i++)
		found |= strstr(errs.msg[i], err) != NULL;
	if (!CHECK(ret == -1 && found, "%s: %s", what, err))
		for (size_t i = 0; i < errs.n; i++)
			t_diag("%s", errs.msg[i]);
	nfg_errors_free(&errs);
}

#define LAN "[lan]\ninterface = br0\nsubnet = 192.168.0.0/22\n"

int main(void)
{
	struct nfg_conf_firewall d;

	t_begin("firewall");
	golden("seed", "the seed's baseline, two uplinks, extra ports");
	golden("coffeeshop", "LAN isolation (bridge table), no SSH, DSCP, MSS, echo");
	golden("ssh", "SSH on 2222, 3 per 10 s (18/minute), no uplink (empty set)");
	golden("none", "no [firewall]: only the deletions");

	nfg_firewall_defaults(&d);
	CHECK(d.ssh_port == 22 && d.ssh_wan && d.ssh_limit == 4 && d.ssh_window_s == 60 &&
	      d.mss_clamp && d.dscp_clear && !d.lan_isolation && d.icmp_echo_rate == 10 &&
	      !d.n_allow_tcp && !d.n_allow_udp, "defaults: the seed's (4 SSH per 60 s)");

	bad(LAN "[firewall]\nssh_limit = 4\nssh_window_s = 0\n",
	    "t.conf:6: ssh_window_s: 0 is out of range 1..3600", "window 0");
	bad(LAN "[firewall]\nallow_tcp = 80, 443, 80\n",
	    "t.conf:5: allow_tcp: port 80 is given twice", "duplicate port");
	bad(LAN "[firewall]\nallow_udp = 0\n",
	    "t.conf:5: allow_udp: 0 is out of range 1..65535", "port 0");
	bad(LAN "[firewall]\nlan_isolation = maybe\n",
	    "t.conf:5: lan_isolation: 'maybe' is not a boolean", "boolean");
	bad(LAN "[firewall]\n[firewall]\n",
	    "t.conf:5: duplicate section [firewall] (first at line 4)", "twice");
	bad(LAN "[firewall]\nssh = on\n",
	    "t.conf:5: ssh: unknown key in [firewall]", "unknown key");
	return t_end();
}
