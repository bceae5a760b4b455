// SPDX-License-Identifier: GPL-2.0
/*
 * The config file parser against good and bad files. Each file in
 * configs/bad/ starts with "# expect: LINE: TEXT": the first error must be
 * exactly "FILE:LINE: " followed by a reason containing TEXT (which names
 * the key). Files that can not live in git (binary, huge, unreadable) are
 * generated here.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config.h"
#include "harness.h"

static int n_rejected;	/* bad configs rejected as expected */

static bool first_error_is(const char *path, int line, const char *text,
			   const char *desc)
{
	struct nfg_errors errs = { 0 };
	struct nfg_config cfg;
	char prefix[512];
	int ret;
	bool ok;

	ret = nfg_config_load(path, &cfg, &errs);
	if (line > 0)
		snprintf(prefix, sizeof(prefix), "%s:%d: ", path, line);
	else
		snprintf(prefix, sizeof(prefix), "%s: ", path);
	ok = ret == -1 && errs.n > 0 &&
	     !strncmp(errs.msg[0], prefix, strlen(prefix)) &&
	     strstr(errs.msg[0] + strlen(prefix), text);
	if (!t_check(ok, "%s -> %s%s", desc, prefix, text)) {
		t_diag("ret %d, %zu error(s)", ret, errs.n);
		for (size_t i = 0; i < errs.n; i++)
			t_diag("got: %s", errs.msg[i]);
	}
	nfg_errors_free(&errs);
	if (!ret)
		nfg_config_free(&cfg);
	n_rejected += ok;
	return ok;
}

static int select_conf(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return n > 5 && !strcmp(d->d_name + n - 5, ".conf");
}

static void bad_files(void)
{
	struct dirent **list;
	int n = scandir("configs/bad", &list, select_conf, alphasort);

	CHECK(n >= 20, "at least 20 bad config files (%d)", n);
	for (int i = 0; i < n; i++) {
		char path[512], head[512];
		FILE *f;
		int line = 0;
		char *text = NULL;

		snprintf(path, sizeof(path), "configs/bad/%s", list[i]->d_name);
		f = fopen(path, "r");
		if (f && fgets(head, sizeof(head), f) &&
		    sscanf(head, "# expect: %d:", &line) == 1) {
			head[strcspn(head, "\n")] = '\0';
			text = strchr(strchr(head, ':') + 1, ':') + 2;
		}
		if (f)
			fclose(f);
		if (!text) {
			CHECK(0, "%s has a '# expect: LINE: TEXT' first line", path);
		} else {
			first_error_is(path, line, text, list[i]->d_name);
		}
		free(list[i]);
	}
	free(list);
}

static const char *write_tmp(const char *name, const void *data, size_t len)
{
	static char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "/tmp/nfgate-test-%d-%s", (int)getpid(), name);
	f = fopen(path, "w");
	fwrite(data, 1, len, f);
	fclose(f);
	return path;
}

static const char good_head[] = "[lan]\ninterface = br0\nsubnet = 192.168.0.0/22\n";

static void generated_files(void)
{
	char buf[4096], path[256];
	const char *p;
	size_t n;

	/* a NUL byte in line 4 */
	n = (size_t)snprintf(buf, sizeof(buf), "%s[uplink ppp0]", good_head);
	memcpy(buf + n, "\0\n", 2);
	p = write_tmp("nul.conf", buf, n + 2);
	first_error_is(p, 4, "binary data (byte 0x00 at column 14)", "NUL byte");
	unlink(p);

	/* an ELF header */
	p = write_tmp("elf.conf", "\x7f" "ELF\x02\x01\x01\0\0\0\n", 11);
	first_error_is(p, 1, "binary data (byte 0x7f at column 1)", "binary file");
	unlink(p);

	/* a control character in a value */
	n = (size_t)snprintf(buf, sizeof(buf), "%s[uplink ppp0]\nweight = 1\x01\n", good_head);
	p = write_tmp("ctrl.conf", buf, n);
	first_error_is(p, 5, "binary data (byte 0x01", "control character");
	unlink(p);

	/* an overlong line; the line numbers after it stay right */
	n = (size_t)snprintf(buf, sizeof(buf), "%s# ", good_head);
	memset(buf + n, 'x', 600);
	n += 600;
	n += (size_t)snprintf(buf + n, sizeof(buf) - n, "\n[uplink ppp0]\nweight = 5000\n");
	p = write_tmp("long.conf", buf, n);
	first_error_is(p, 4, "line is too long", "overlong line");
	{
		struct nfg_errors errs = { 0 };
		struct nfg_config cfg;

		nfg_config_load(p, &cfg, &errs);
		CHECK(errs.n == 2 && strstr(errs.msg[1], ":6: weight:"),
		      "overlong line: the next error is still on line 6");
		nfg_errors_free(&errs);
	}
	unlink(p);

	/* a line of exactly NFG_CONF_MAX_LINE characters is fine */
	n = (size_t)snprintf(buf, sizeof(buf), "%s#", good_head);
	memset(buf + n, 'x', NFG_CONF_MAX_LINE - 1);
	n += NFG_CONF_MAX_LINE - 1;
	buf[n++] = '\n';
	p = write_tmp("maxline.conf", buf, n);
	{
		struct nfg_errors errs = { 0 };
		struct nfg_config cfg;

		CHECK(nfg_config_load(p, &cfg, &errs) == 0,
		      "a line of %d characters is accepted", NFG_CONF_MAX_LINE);
		nfg_config_free(&cfg);
		nfg_errors_free(&errs);
	}
	unlink(p);

	/* an error in the data file is reported at its own FILE:LINE */
	{
		char data[256];
		const char *d;

		d = write_tmp("forged.txt", "1.2.3.4\n\n2001::/32\n1.2.3.x\n",
			      strlen("1.2.3.4\n\n2001::/32\n1.2.3.x\n"));
		snprintf(data, sizeof(data), "%s", d);
		n = (size_t)snprintf(buf, sizeof(buf), "%s[dns]\nforged_file = %s\n", good_head, data);
		p = write_tmp("dnsdata.conf", buf, n);
		{
			struct nfg_errors errs = { 0 };
			struct nfg_config cfg;
			char want[512];

			int ret;

			snprintf(want, sizeof(want), "%s:4: '1.2.3.x'", data);
			ret = nfg_config_load(p, &cfg, &errs);
			CHECK(ret == -1 && errs.n == 1 && !strncmp(errs.msg[0], want, strlen(want)),
			      "a bad line in forged_file: the config is refused, the error is "
			      "the data file's FILE:LINE (%s)", errs.n ? errs.msg[0] : "");
			nfg_errors_free(&errs);
		}
		unlink(p);
		unlink(data);
	}

	/* empty file */
	p = write_tmp("empty.conf", "", 0);
	first_error_is(p, 1, "missing required section [lan]", "empty file");
	unlink(p);

	/* missing and unreadable files: FILE: strerror */
	snprintf(path, sizeof(path), "/tmp/nfgate-test-%d-missing.conf", (int)getpid());
	first_error_is(path, 0, "No such file or directory", "missing file");
	snprintf(path, sizeof(path), "/tmp/nfgate-test-%d-dir.conf", (int)getpid());
	mkdir(path, 0700);
	first_error_is(path, 0, "Is a directory", "directory");
	rmdir(path);
	p = write_tmp("noperm.conf", good_head, strlen(good_head));
	chmod(p, 0);
	if (geteuid() != 0) {
		first_error_is(p, 0, "Permission denied", "unreadable file");
	} else {
		/* root reads anything: check as nobody, in a child */
		pid_t pid = fork();
		int st = 0;

		if (!pid) {
			if (setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534))
				_exit(2);
			struct nfg_errors errs = { 0 };
			struct nfg_config cfg;
			char want[300];

			snprintf(want, sizeof(want), "%s: Permission denied", p);
			_exit(nfg_config_load(p, &cfg, &errs) == -1 && errs.n == 1 &&
			      !strcmp(errs.msg[0], want) ? 0 : 1);
		}
		waitpid(pid, &st, 0);
		if (CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0,
			  "unreadable file (mode 000, read as nobody) -> %s: Permission denied", p))
			n_rejected++;
	}
	unlink(p);

	/* a symlink loop */
	snprintf(path, sizeof(path), "/tmp/nfgate-test-%d-loop.conf", (int)getpid());
	unlink(path);
	if (!symlink(path, path))
		first_error_is(path, 0, "Too many levels of symbolic links", "symlink loop");
	unlink(path);

	/* a FIFO: refused at once, never waited on */
	snprintf(path, sizeof(path), "/tmp/nfgate-test-%d-fifo.conf", (int)getpid());
	unlink(path);
	if (!mkfifo(path, 0600))
		first_error_is(path, 0, "not a regular file", "FIFO");
	unlink(path);

	/* a device that never ends */
	first_error_is("/dev/zero", 0, "not a regular file", "/dev/zero");

	/* huge files: refused at the limit, whatever their content */
	{
		static char big[2 * NFG_CONF_MAX_SIZE + 64];
		size_t m;

		/* valid but huge: 2 MiB of comments after a good head */
		m = (size_t)snprintf(big, sizeof(big), "%s", good_head);
		while (m + 80 < sizeof(big)) {
			memset(big + m, ' ', 79);
			big[m] = '#';
			big[m + 79] = '\n';
			m += 80;
		}
		p = write_tmp("huge.conf", big, m);
		/* the first line that ends past the limit */
		first_error_is(p, (int)(3 + (NFG_CONF_MAX_SIZE - strlen(good_head)) / 80 + 1),
			       "file is too big", "2 MiB of comments");
		unlink(p);

		/* one 2 MiB line with no newline */
		memset(big, 'x', sizeof(big));
		p = write_tmp("hugeline.conf", big, sizeof(big));
		first_error_is(p, 1, "file is too big", "one 2 MiB line");
		unlink(p);

		/* a 100 KiB line (under the size limit) in the middle */
		m = (size_t)snprintf(big, sizeof(big), "%s", good_head);
		memset(big + m, 'k', 100 * 1024);
		m += 100 * 1024;
		m += (size_t)snprintf(big + m, sizeof(big) - m, "\n[uplink ppp0]\nweight = 5000\n");
		p = write_tmp("longline.conf", big, m);
		first_error_is(p, 4, "line is too long", "a 100 KiB line");
		{
			struct nfg_errors errs = { 0 };
			struct nfg_config cfg;

			nfg_config_load(p, &cfg, &errs);
			CHECK(errs.n == 2 && strstr(errs.msg[1], ":6: weight:"),
			      "a 100 KiB line: the next error is still on line 6");
			nfg_errors_free(&errs);
		}
		unlink(p);

		/* random binary junk */
		srand(1);
		for (size_t i = 0; i < 4096; i++)
			big[i] = (char)(rand() & 0xff);
		big[0] = '\x01';
		p = write_tmp("junk.conf", big, 4096);
		first_error_is(p, 1, "binary data (byte 0x01 at column 1)", "4 KiB of random bytes");
		unlink(p);

		/* NUL bytes only */
		memset(big, 0, 400);
		p = write_tmp("nuls.conf", big, 400);
		first_error_is(p, 1, "binary data (byte 0x00 at column 1)", "400 NUL bytes");
		unlink(p);

		/* UTF-16 (a text file of the wrong encoding) */
		p = write_tmp("utf16.conf", "\xff\xfe[\0l\0a\0n\0]\0\n\0", 14);
		first_error_is(p, 1, "binary data (byte 0x00", "UTF-16 text");
		unlink(p);
	}

	/* every error is reported, not only the first */
	n = (size_t)snprintf(buf, sizeof(buf),
			     "[lan]\ninterface = br0\nsubnet = 10.0.0.1/8\n"
			     "[uplink ppp0]\ntier = 99\nweight = x\nfoo = 1\n");
	p = write_tmp("many.conf", buf, n);
	{
		struct nfg_errors errs = { 0 };
		struct nfg_config cfg;

		CHECK(nfg_config_load(p, &cfg, &errs) == -1 && errs.n == 4,
		      "all 4 errors of a file are reported (got %zu)", errs.n);
		nfg_errors_free(&errs);
	}
	unlink(p);
}

static void good_files(void)
{
	struct nfg_errors errs = { 0 };
	struct nfg_config cfg;
	const struct nfg_conf_uplink *u;
	char buf[1024];
	const char *p;
	size_t n;
	int ret;

	ret = nfg_config_load("configs/good/minimal.conf", &cfg, &errs);
	CHECK(ret == 0 && errs.n == 0, "minimal.conf parses");
	CHECK(cfg.has_lan && !strcmp(cfg.lan.ifname, "br0") &&
	      cfg.lan.addr == htonl(0xc0a80000) && cfg.lan.prefixlen == 22 &&
	      cfg.n_uplinks == 0, "minimal.conf: lan br0 192.168.0.0/22, no uplinks");
	nfg_config_free(&cfg);

	ret = nfg_config_load("configs/good/full.conf", &cfg, &errs);
	CHECK(ret == 0 && errs.n == 0, "full.conf parses");
	for (size_t i = 0; i < errs.n; i++)
		t_diag("got: %s", errs.msg[i]);
	nfg_errors_free(&errs);
	CHECK(!strcmp(cfg.lan.ifname, "lan-br.10") && cfg.lan.addr == htonl(0x0a000000) &&
	      cfg.lan.prefixlen == 8, "full.conf: lan, tabs and an inline comment");
	CHECK(cfg.n_uplinks == 4, "full.conf: 4 uplinks in file order");
	u = nfg_config_uplink(&cfg, "ppp0");
	CHECK(u && u->up.tier == 0 && u->up.weight == 1000 &&
	      u->up.admin == NFGATE_ADMIN_UP && u->line == 8, "full.conf: ppp0");
	u = nfg_config_uplink(&cfg, "wwan0");
	CHECK(u && u->up.tier == 15 && u->up.weight == 0 &&
	      u->up.admin == NFGATE_ADMIN_DOWN, "full.conf: [ uplink   wwan0 ] with spaces");
	u = nfg_config_uplink(&cfg, "eth2");
	CHECK(u && u->up.tier == NFG_DEFAULT_TIER && u->up.weight == NFG_DEFAULT_WEIGHT &&
	      u->up.admin == NFG_DEFAULT_ADMIN, "full.conf: a section without keys gets the defaults");
	CHECK(u && !NFG_HAS(&u->up, NFGATE_UPLINK_A_HEALTH),
	      "full.conf: health is never part of the config");
	u = nfg_config_uplink(&cfg, "w#1");
	CHECK(u && u->up.weight == 7, "full.conf: '#' inside a name, leading zeros");
	CHECK(cfg.n_uplinks == 4 && !strcmp(cfg.uplinks[0].up.ifname, "ppp0") &&
	      !strcmp(cfg.uplinks[3].up.ifname, "w#1"), "full.conf: order kept");
	nfg_config_free(&cfg);

	ret = nfg_config_load("../nfgate.conf.example", &cfg, &errs);
	CHECK(ret == 0, "nfgate.conf.example parses");
	for (size_t i = 0; i < errs.n; i++)
		t_diag("got: %s", errs.msg[i]);
	nfg_errors_free(&errs);
	nfg_config_free(&cfg);

	ret = nfg_config_load("configs/good/settings-forwards.conf", &cfg, &errs);
	CHECK(ret == 0 && errs.n == 0, "settings-forwards.conf parses");
	for (size_t i = 0; i < errs.n; i++)
		t_diag("got: %s", errs.msg[i]);
	nfg_errors_free(&errs);
	CHECK(cfg.has_settings && cfg.settings_line == 5 && cfg.settings.mark_mask == 0x1f000000 &&
	      cfg.settings.skip_mark == 256 && cfg.settings.failover_rst == 0 &&
	      cfg.settings.holddown_ms == 0 && cfg.settings.sticky_ms == 86400000 &&
	      cfg.settings.present == ((1U << (NFGATE_SETTINGS_A_MAX + 1)) - 2),
	      "settings-forwards.conf: [settings], hex and decimal marks, every key present");
	{
		const struct nfg_conf_forward *f;

		CHECK(cfg.n_forwards == 3, "settings-forwards.conf: 3 forwards");
		f = nfg_config_forward(&cfg, IPPROTO_TCP, 8080);
		CHECK(f && f->line == 12 && f->fw.to_addr == htonl(0xc0a8000b) && f->fw.to_port == 80 &&
		      !strcmp(f->fw.uplink, "ppp0") && NFG_HAS(&f->fw, NFGATE_FORWARD_A_UPLINK),
		      "settings-forwards.conf: [forward tcp 8080] to 192.168.0.11:80 uplink ppp0");
		f = nfg_config_forward(&cfg, IPPROTO_UDP, 53);
		CHECK(f && f->fw.to_port == 53 && NFG_HAS(&f->fw, NFGATE_FORWARD_A_TO_PORT) &&
		      !NFG_HAS(&f->fw, NFGATE_FORWARD_A_UPLINK),
		      "settings-forwards.conf: no :PORT means the same port, no uplink: every uplink");
		f = nfg_config_forward(&cfg, IPPROTO_TCP, 22);
		CHECK(f && f->fw.to_port == 2222, "settings-forwards.conf: [ forward   tcp   22 ] with blanks");
		CHECK(!nfg_config_forward(&cfg, IPPROTO_UDP, 8080), "no udp 8080 forward");
	}
	nfg_config_free(&cfg);

	ret = nfg_config_load("configs/good/settings-partial.conf", &cfg, &errs);
	CHECK(ret == 0 && cfg.has_settings &&
	      cfg.settings.present == (1U << NFGATE_SETTINGS_A_FAILOVER_RST) &&
	      cfg.settings.failover_rst == 1 && cfg.n_forwards == 0,
	      "settings-partial.conf: only the keys given are present, [settings] before [lan]");
	nfg_errors_free(&errs);
	nfg_config_free(&cfg);

	/* every settings field of the model is a [settings] key of the same name */
	for (size_t i = 0; i < nfg_settings_nfields; i++) {
		n = (size_t)snprintf(buf, sizeof(buf), "%s[settings]\n%s = 0x1f\n", good_head,
				     nfg_settings_fields[i].key);
		p = write_tmp("key.conf", buf, n);
		ret = nfg_config_load(p, &cfg, &errs);
		CHECK((ret == 0 && NFG_HAS(&cfg.settings, nfg_settings_fields[i].attr)) ||
		      (errs.n && !strstr(errs.msg[0], "unknown key")),
		      "[settings] key '%s' is the JSON key", nfg_settings_fields[i].key);
		nfg_errors_free(&errs);
		if (!ret)
			nfg_config_free(&cfg);
		unlink(p);
	}

	/* the DNS reply check */
	ret = nfg_config_load("configs/good/dns.conf", &cfg, &errs);
	CHECK(ret == 0 && errs.n == 0, "dns.conf parses");
	for (size_t i = 0; i < errs.n; i++)
		t_diag("got: %s", errs.msg[i]);
	nfg_errors_free(&errs);
	if (!ret) {
		const struct nfg_conf_dns *d = &cfg.dns;

		CHECK(cfg.has_dns && cfg.dns_line == 9 && d->dns.mode == NFGATE_DNS_DROP &&
		      d->dns.mode_router == NFGATE_DNS_LOG && d->dns.hold_ms == 500 &&
		      d->dns.hold_max == 512 && d->dns.hold_per_client == 32 && d->dns.expire_drop &&
		      d->dns.ttl_slack == 3 && d->dns.fast_pct == 40 && d->dns.drop_score == 2 &&
		      d->dns.present == ((1U << (NFGATE_DNS_A_DROP_SCORE + 1)) - 2),
		      "dns.conf: every setting, all present");
		CHECK(!d->forged_file[0] && !nfg_forged_count(&d->forged) &&
		      !strcmp(d->learned_file, "/var/lib/nfgate/learned-test.txt") && !d->learn,
		      "dns.conf: forged_file none, learned_file, learn no");
		CHECK(d->n_canary == 3 && !strcmp(d->canary_names[1], "www.youtube.com") &&
		      d->canary_addr == htonl(0xc6336435) && d->canary_interval_ms == 60000,
		      "dns.conf: canary names (commas and blanks, lower-cased), address, interval");
		nfg_config_free(&cfg);
	}
	ret = nfg_config_load("configs/good/minimal.conf", &cfg, &errs);
	CHECK(ret == 0 && !cfg.has_dns && !cfg.dns.dns.present && cfg.dns.learn &&
	      !strcmp(cfg.dns.learned_file, NFG_LEARNED_DEFAULT) && !cfg.dns.n_canary &&
	      cfg.dns.canary_interval_ms == NFG_CANARY_INTERVAL_DEFAULT &&
	      !nfg_forged_count(&cfg.dns.forged),
	      "no [dns]: no settings given (the kernel defaults), no data file read");
	nfg_errors_free(&errs);
	nfg_config_free(&cfg);
	n = (size_t)snprintf(buf, sizeof(buf), "%s[dns]\nmode = log\n", good_head);
	p = write_tmp("dnsdefault.conf", buf, n);
	ret = nfg_config_load(p, &cfg, &errs);
	{
		char path[PATH_MAX];

		nfg_forged_default_path(path, sizeof(path));
		CHECK(ret == 0 && !strcmp(cfg.dns.forged_file, path) &&
		      cfg.dns.forged.n4 >= 486 && cfg.dns.forged.n6 >= 1,
		      "[dns] without forged_file: the shipped data file (%s: %zu addresses, "
		      "%zu prefixes)", path, cfg.dns.forged.n4, cfg.dns.forged.n6);
	}
	nfg_errors_free(&errs);
	if (!ret)
		nfg_config_free(&cfg);
	unlink(p);
	/* every writable field of the DNS model is a [dns] key of the same name */
	for (size_t i = 0; i < nfg_dns_nfields; i++) {
		if (!nfg_dns_fields[i].writable)
			continue;
		n = (size_t)snprintf(buf, sizeof(buf), "%s[dns]\nforged_file = none\n%s = 1\n",
				     good_head, nfg_dns_fields[i].key);
		p = write_tmp("key.conf", buf, n);
		ret = nfg_config_load(p, &cfg, &errs);
		CHECK((ret == 0 && NFG_HAS(&cfg.dns.dns, nfg_dns_fields[i].attr)) ||
		      (errs.n && !strstr(errs.msg[0], "unknown key")),
		      "[dns] key '%s' is the JSON key", nfg_dns_fields[i].key);
		nfg_errors_free(&errs);
		if (!ret)
			nfg_config_free(&cfg);
		unlink(p);
	}

	/* link health keys */
	ret = nfg_config_load("configs/good/health.conf", &cfg, &errs);
	CHECK(ret == 0 && errs.n == 0, "health.conf parses");
	for (size_t i = 0; i < errs.n; i++)
		t_diag("got: %s", errs.msg[i]);
	nfg_errors_free(&errs);
	if (!ret) {
		const struct hl_params *h;

		u = nfg_config_uplink(&cfg, "ppp0");
		h = &u->hl;
		CHECK(u->probe.ntrack == 3 && u->probe.track[0] == htonl(0x01010101) &&
		      u->probe.track[2] == htonl(0x08080808) && u->probe.kind == NFG_PROBE_ICMP &&
		      h->probes, "health.conf: track with commas and blanks, probe icmp");
		CHECK(h->interval_ms == 250 && h->timeout_ms == 1500 && h->down_after == 4 &&
		      h->up_after == 5 && h->window == 40 && h->loss_degraded == 5 &&
		      h->loss_down == 40 && h->rtt_degraded_ms == 150 && h->rtt_down_ms == 1000 &&
		      h->degraded_health == 400 && !h->passive && h->passive_window_ms == 2000 &&
		      h->passive_min == 5 && h->passive_probation_s == 30 && !h->dampening &&
		      h->half_life_s == 60 && h->suppress == 4000 && h->reuse == 2000,
		      "health.conf: every engine key");
		u = nfg_config_uplink(&cfg, "wwan0");
		CHECK(u->probe.kind == NFG_PROBE_DNS && !strcmp(u->probe.dns_name, "example.com") &&
		      u->hl.interval_ms == 500 && u->hl.passive,
		      "health.conf: probe dns:example.com, defaults for the rest");
		u = nfg_config_uplink(&cfg, "eth2");
		CHECK(u->probe.kind == NFG_PROBE_TCP && u->probe.port == 443, "health.conf: probe tcp:443");
		u = nfg_config_uplink(&cfg, "wg0");
		{
			struct hl_params d;

			hl_params_default(&d);
			CHECK(!u->probe.ntrack && !u->hl.probes &&
			      !memcmp(&u->hl, &d, sizeof(d)),
			      "health.conf: no track: no probes, the engine defaults (documented ones)");
			CHECK(d.interval_ms == 500 && d.timeout_ms == 800 && d.down_after == 3 &&
			      d.up_after == 3 && d.window == 20 && d.loss_degraded == 10 &&
			      d.loss_down == 50 && !d.rtt_degraded_ms && !d.rtt_down_ms &&
			      d.degraded_health == 300 && d.passive && d.passive_window_ms == 1000 &&
			      d.passive_min == 3 && d.passive_probation_s == 10 && d.dampening &&
			      d.half_life_s == 20 && d.suppress == 2500 && d.reuse == 1000,
			      "engine defaults as documented");
		}
		CHECK(nfg_conf_uplink_health_equal(nfg_config_uplink(&cfg, "wg0"),
						   nfg_config_uplink(&cfg, "wg0")) &&
		      !nfg_conf_uplink_health_equal(nfg_config_uplink(&cfg, "wg0"),
						    nfg_config_uplink(&cfg, "eth2")),
		      "health settings compare (reload keeps unchanged engines)");
		nfg_config_free(&cfg);
	}

	/* CRLF line ends and a UTF-8 BOM */
	n = (size_t)snprintf(buf, sizeof(buf),
			     "\xef\xbb\xbf[lan]\r\ninterface = br0\r\nsubnet = 192.168.0.0/24\r\n"
			     "[uplink ppp0]\r\nweight = 2\r\n");
	p = write_tmp("crlf.conf", buf, n);
	ret = nfg_config_load(p, &cfg, &errs);
	CHECK(ret == 0 && cfg.n_uplinks == 1 && cfg.uplinks[0].up.weight == 2,
	      "CRLF line ends and a BOM");
	for (size_t i = 0; i < errs.n; i++)
		t_diag("got: %s", errs.msg[i]);
	nfg_errors_free(&errs);
	nfg_config_free(&cfg);
	unlink(p);

	/* no newline at the end of the file */
	p = write_tmp("noeol.conf", "[lan]\ninterface = br0\nsubnet = 192.168.0.0/24", 45);
	ret = nfg_config_load(p, &cfg, &errs);
	CHECK(ret == 0 && cfg.lan.prefixlen == 24, "no newline at the end");
	nfg_errors_free(&errs);
	nfg_config_free(&cfg);
	unlink(p);
}

static void values(void)
{
	static const struct {
		const char *s;
		uint32_t max;
		int ret;
		uint32_t v;
		const char *err;
	} uints[] = {
		{ "0", 1000, 0, 0, NULL },
		{ "1000", 1000, 0, 1000, NULL },
		{ "1001", 1000, -1, 0, "1001 is out of range 0..1000" },
		{ "4294967296", 4294967295u, -1, 0, "out of range" },
		{ "4294967295", 4294967295u, 0, 4294967295u, NULL },
		{ "", 10, -1, 0, "missing value" },
		{ "1a", 10, -1, 0, "'1a' is not a number" },
		{ "+1", 10, -1, 0, "not a number" },
		{ " 1", 10, -1, 0, "not a number" },
		{ "-", 10, -1, 0, "not a number" },
		{ "-5", 10, -1, 0, "-5 is out of range 0..10" },
		{ "1.5", 10, -1, 0, "not a number" },
	};
	static const struct {
		const char *s;
		int ret;
		const char *err;
	} subnets[] = {
		{ "0.0.0.0/0", 0, NULL },
		{ "10.1.2.3/32", 0, NULL },
		{ "10.1.2.3/31", -1, "host bits" },
		{ "10.0.0.0/", -1, "prefix length: missing value" },
		{ "10.0.0.0/8/8", -1, "not a number" },
		{ "256.0.0.0/8", -1, "not an IPv4 subnet" },
		{ "010.0.0.0/8", -1, "not an IPv4 subnet" },
		{ "::/0", -1, "not an IPv4 subnet" },
		{ "/8", -1, "not an IPv4 subnet" },
	};
	static const struct {
		const char *s;
		int ret;
	} ifnames[] = {
		{ "eth0", 0 }, { "a", 0 }, { "123456789012345", 0 },
		{ "1234567890123456", -1 }, { "", -1 }, { ".", -1 }, { "..", -1 },
		{ "a b", -1 }, { "a:1", -1 }, { "a/b", -1 }, { "a\tb", -1 },
	};
	char err[256], name[IFNAMSIZ];
	uint32_t v, addr;
	uint8_t plen, admin;

	for (size_t i = 0; i < sizeof(uints) / sizeof(uints[0]); i++) {
		int ret;

		err[0] = '\0';
		v = 0;
		ret = nfg_parse_uint(uints[i].s, uints[i].max, &v, err, sizeof(err));
		if (!CHECK(ret == uints[i].ret && (ret ? !!strstr(err, uints[i].err) : v == uints[i].v),
			   "uint '%s' max %u", uints[i].s, uints[i].max))
			t_diag("ret %d v %u err '%s'", ret, v, err);
	}
	for (size_t i = 0; i < sizeof(subnets) / sizeof(subnets[0]); i++) {
		int ret;

		err[0] = '\0';
		ret = nfg_parse_subnet(subnets[i].s, &addr, &plen, err, sizeof(err));
		if (!CHECK(ret == subnets[i].ret && (!ret || strstr(err, subnets[i].err)),
			   "subnet '%s'", subnets[i].s))
			t_diag("ret %d err '%s'", ret, err);
	}
	for (size_t i = 0; i < sizeof(ifnames) / sizeof(ifnames[0]); i++)
		CHECK(nfg_parse_ifname(ifnames[i].s, name, err, sizeof(err)) == ifnames[i].ret,
		      "ifname '%s' %s", ifnames[i].s, ifnames[i].ret ? "refused" : "accepted");
	{
		static const struct {
			const char *s;
			int ret;
			uint32_t v;
		} masks[] = {
			{ "0x00ff0000", 0, 0xff0000 }, { "0x1f", 0, 0x1f }, { "0xffffffff", 0, 0xffffffff },
			{ "4278190080", 0, 0xff000000 }, { "0xF800", 0, 0xf800 },
			{ "0x0f", -1, 0 }, { "0x00ff00ff", -1, 0 }, { "0", -1, 0 }, { "0x", -1, 0 },
			{ "-1", -1, 0 }, { "0x1_0", -1, 0 }, { "0x1ffffffff", -1, 0 },
		};
		static const char *const yes[] = { "yes", "on", "true", "1" };
		static const char *const no[] = { "no", "off", "false", "0" };
		uint16_t port;
		bool has_port;
		uint8_t b;

		for (size_t i = 0; i < sizeof(masks) / sizeof(masks[0]); i++) {
			int ret = nfg_parse_mark_mask(masks[i].s, &v, err, sizeof(err));

			CHECK(ret == masks[i].ret && (ret || v == masks[i].v), "mark mask '%s' %s",
			      masks[i].s, masks[i].ret ? "refused" : "accepted");
		}
		for (size_t i = 0; i < 4; i++)
			CHECK(nfg_parse_bool(yes[i], &b, err, sizeof(err)) == 0 && b == 1 &&
			      nfg_parse_bool(no[i], &b, err, sizeof(err)) == 0 && b == 0,
			      "boolean %s/%s", yes[i], no[i]);
		CHECK(nfg_parse_bool("On", &b, err, sizeof(err)) == -1 &&
		      nfg_parse_bool("", &b, err, sizeof(err)) == -1, "boolean: case-sensitive, not empty");
		CHECK(nfg_parse_port("1", &port, err, sizeof(err)) == 0 && port == 1 &&
		      nfg_parse_port("65535", &port, err, sizeof(err)) == 0 && port == 65535 &&
		      nfg_parse_port("0", &port, err, sizeof(err)) == -1 &&
		      nfg_parse_port("65536", &port, err, sizeof(err)) == -1 &&
		      nfg_parse_port("-1", &port, err, sizeof(err)) == -1, "port 1..65535");
		CHECK(nfg_parse_hostport("10.0.0.1", &addr, &port, &has_port, err, sizeof(err)) == 0 &&
		      !has_port && addr == htonl(0x0a000001) &&
		      nfg_parse_hostport("10.0.0.1:443", &addr, &port, &has_port, err, sizeof(err)) == 0 &&
		      has_port && port == 443, "host A.B.C.D and A.B.C.D:PORT");
		CHECK(nfg_parse_hostport("10.0.0.1:", &addr, &port, &has_port, err, sizeof(err)) == -1 &&
		      nfg_parse_hostport("10.0.0.1:x", &addr, &port, &has_port, err, sizeof(err)) == -1 &&
		      nfg_parse_hostport("255.255.255.255", &addr, &port, &has_port, err, sizeof(err)) == -1 &&
		      nfg_parse_hostport("127.0.0.1", &addr, &port, &has_port, err, sizeof(err)) == -1 &&
		      nfg_parse_hostport("10.0.0.1/24", &addr, &port, &has_port, err, sizeof(err)) == -1,
		      "host: bad port, broadcast, loopback, a subnet refused");
	}
	CHECK(nfg_parse_admin("up", &admin, err, sizeof(err)) == 0 && admin == NFGATE_ADMIN_UP &&
	      nfg_parse_admin("down", &admin, err, sizeof(err)) == 0 && admin == NFGATE_ADMIN_DOWN &&
	      nfg_parse_admin("UP", &admin, err, sizeof(err)) == -1,
	      "admin up/down, case-sensitive");
}

int main(void)
{
	t_begin("config");
	values();
	good_files();
	bad_files();
	generated_files();
	t_diag("%d bad or hostile configs rejected with FILE[:LINE] and a reason", n_rejected);
	CHECK(n_rejected >= 30, "at least 30 bad or hostile configs rejected (%d)", n_rejected);
	return t_end();
}
