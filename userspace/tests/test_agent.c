// SPDX-License-Identifier: GPL-2.0
/*
 * nfgated's main loop against the fake kernel: start (with [dns]: its
 * settings and the forged set), SIGHUP with a bad file (nothing applied,
 * keeps running), SIGHUP with a changed file (applied; without [dns] the
 * check goes back to off, the set is left alone), SIGTERM (exit 0, kernel
 * configuration left in place).
 * nfgated.c is compiled in with its main() renamed.
 */
#define main nfgated_main
#include "../nfgated.c"
#undef main

#include <pthread.h>
#include <fcntl.h>
#include <dirent.h>
#include <sys/stat.h>

#include "fake_kernel.h"
#include "harness.h"

static struct fake_kernel k;
static char conf[64], logpath[64], data[64], learned[64];
static int nlog_after_start, nlog_after_bad;
static int nuplinks_after_bad, nfw_after_bad;
static int nft_calls, nft_after_start, nft_after_bad;
static char nft_first[8192], nft_last[8192];

int nfg_nft_run(const char *script, char *err, size_t errlen)
{
	(void)err;
	(void)errlen;
	if (!nft_calls++)
		snprintf(nft_first, sizeof(nft_first), "%s", script);
	snprintf(nft_last, sizeof(nft_last), "%s", script);
	return 0;
}

static int fake_open(struct nfg_ipc *ipc)
{
	fake_connect(&k, ipc);
	return nfg_ipc_open_transport(ipc);
}

static void write_conf(const char *text)
{
	char tmp[80];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.tmp", conf);
	f = fopen(tmp, "w");
	fputs(text, f);
	fclose(f);
	rename(tmp, conf);
}

static int log_count(const char *s);

static bool log_contains(const char *s)
{
	return log_count(s) > 0;
}

/* Polls for what the agent logs last after each step (up to 10 s). */
static void wait_log(const char *s)
{
	for (int i = 0; i < 1000 && !log_contains(s); i++)
		usleep(10000);
}

#define KEEPING "keeping the running configuration"

/* Occurrences of s in the whole log. */
static int log_count(const char *s)
{
	FILE *f = fopen(logpath, "r");
	char *line = NULL;
	size_t cap = 0;
	int n = 0;

	while (f && getline(&line, &cap, f) >= 0)
		n += strstr(line, s) != NULL;
	free(line);
	if (f)
		fclose(f);
	return n;
}

static int corpus_n, corpus_refused, corpus_fileline, nlog_after_corpus;

/* SIGHUP with the configuration as it is now: refused, with a FILE:LINE? */
static void hup_bad(const char *desc)
{
	int before = log_count(KEEPING), lines = log_count(conf);

	kill(getpid(), SIGHUP);
	for (int i = 0; i < 1000 && log_count(KEEPING) == before; i++)
		usleep(10000);
	corpus_n++;
	if (log_count(KEEPING) > before)
		corpus_refused++;
	else
		t_diag("%s: not refused", desc);
	if (log_count(conf) > lines + 1)	/* the reason, then "not valid" */
		corpus_fileline++;
	else
		t_diag("%s: no error naming %s", desc, conf);
}

static void put_conf(const void *data, size_t len)
{
	char tmp[80];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.tmp", conf);
	f = fopen(tmp, "w");
	fwrite(data, 1, len, f);
	fclose(f);
	rename(tmp, conf);
}

/*
 * Every bad config of configs/bad/ and hostile files (huge, binary, NUL
 * bytes, a very long line, a directory, a missing file, a symlink loop, a
 * FIFO), each through SIGHUP: refused with its FILE:LINE, nothing applied.
 */
static void bad_corpus(void)
{
	static char big[2 << 20];
	struct dirent **list;
	int n = scandir("configs/bad", &list, NULL, alphasort);

	for (int i = 0; i < n; i++) {
		char path[512];
		FILE *f;
		size_t len;

		snprintf(path, sizeof(path), "configs/bad/%s", list[i]->d_name);
		len = strlen(path);
		if (len > 5 && !strcmp(path + len - 5, ".conf") && (f = fopen(path, "r"))) {
			len = fread(big, 1, sizeof(big), f);
			fclose(f);
			put_conf(big, len);
			hup_bad(path);
		}
		free(list[i]);
	}
	free(list);

	memset(big, '#', sizeof(big));
	put_conf(big, sizeof(big));
	hup_bad("2 MiB line");
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (char)(i * 7919 % 251);
	put_conf(big, 65536);
	hup_bad("64 KiB of binary");
	put_conf("[lan]\ninterface = br0\0\nsubnet = 192.168.0.0/22\n", 45);
	hup_bad("a NUL byte");
	unlink(conf);
	hup_bad("missing file");
	mkdir(conf, 0700);
	hup_bad("directory");
	rmdir(conf);
	symlink(conf, conf);
	hup_bad("symlink loop");
	unlink(conf);
	mkfifo(conf, 0600);
	hup_bad("FIFO");
	unlink(conf);
}

static void *driver(void *arg)
{
	(void)arg;
	wait_log("running (pid");
	nlog_after_start = k.nlog;
	nft_after_start = nft_calls;
	bad_corpus();
	nlog_after_corpus = k.nlog;
	write_conf("[lan]\ninterface = br0\nsubnet = 192.168.0.0/22\n"
		   "[uplink ppp0]\nweight = 5000\n");
	{
		int before = log_count(KEEPING);

		kill(getpid(), SIGHUP);
		for (int i = 0; i < 1000 && log_count(KEEPING) == before; i++)
			usleep(10000);
	}
	nlog_after_bad = k.nlog;
	nuplinks_after_bad = (int)k.n;
	nfw_after_bad = (int)k.nfw;
	nft_after_bad = nft_calls;
	write_conf("[lan]\ninterface = br0\nsubnet = 192.168.0.0/22\n"
		   "[uplink ppp0]\nweight = 5\n");
	kill(getpid(), SIGHUP);
	wait_log("1 uplink(s), 0 forward(s), 5 change(s)");
	kill(getpid(), SIGTERM);
	return NULL;
}

static bool log_has(const char *s)
{
	if (log_contains(s))
		return true;
	t_diag("no '%s' in the log", s);
	return false;
}

int main(void)
{
	struct nfg_ipc ipc;
	pthread_t th;
	sigset_t mask;
	int ret, se, fd;

	t_begin("agent");
	snprintf(conf, sizeof(conf), "/tmp/nfgated-test-%d.conf", (int)getpid());
	snprintf(logpath, sizeof(logpath), "/tmp/nfgated-test-%d.log", (int)getpid());
	snprintf(data, sizeof(data), "/tmp/nfgated-test-%d.forged", (int)getpid());
	snprintf(learned, sizeof(learned), "/tmp/nfgated-test-%d.learned", (int)getpid());
	{
		char text[1024];
		FILE *f = fopen(data, "w");

		fputs("93.46.8.89\n2001::/32\n", f);
		fclose(f);
		snprintf(text, sizeof(text), "[lan]\ninterface = br0\nsubnet = 192.168.0.0/22\n"
			 "[settings]\nsticky_ms = 1000\n"
			 "[dns]\nmode = log\nforged_file = %s\nlearned_file = %s\n"
			 "[uplink ppp0]\nweight = 3\n[uplink wwan0]\ntier = 1\n"
			 "[forward tcp 8080]\nto = 192.168.0.11:80\n"
			 "[firewall]\nlan_isolation = yes\n", data, learned);
		write_conf(text);
	}
	fake_attach(&k, &ipc);
	fake_add_uplink(&k, "stale0");
	agent_ipc_open = fake_open;

	/* the signals go to the signalfd of nfgated, never to the driver */
	sigemptyset(&mask);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	pthread_create(&th, NULL, driver, NULL);

	fflush(stderr);
	se = dup(2);
	fd = open(logpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	dup2(fd, 2);
	close(fd);
	ret = nfgated_main(4, (char *[]){ "nfgated", "-f", "-c", conf, NULL });
	fflush(stderr);
	dup2(se, 2);
	close(se);
	pthread_join(th, NULL);

	CHECK(nlog_after_start == 8 && !strcmp(k.log[1], "DNS_SET mode") &&
	      !strcmp(k.log[7], "FORGED_ADD 1 1"),
	      "start: settings, DNS, LAN, 2 uplinks and a forward set, stale0 deleted, then the "
	      "forged set loaded (%d ops)", nlog_after_start);
	CHECK(k.dns.mode == NFGATE_DNS_OFF && k.forged.n4 == 1 && k.forged.n6 == 1,
	      "SIGHUP without [dns]: the check back to off, the forged set left alone");
	CHECK(k.settings.sticky_ms == 0 && k.nfw == 0,
	      "SIGHUP without [settings] and [forward]: sticky back to its default, forward deleted");
	t_diag("%d bad or hostile configs through SIGHUP: %d refused, %d naming the file",
	       corpus_n, corpus_refused, corpus_fileline);
	CHECK(corpus_n >= 30 && corpus_refused == corpus_n && corpus_fileline == corpus_n,
	      "SIGHUP with each of %d bad or hostile configs: refused with the file named",
	      corpus_n);
	CHECK(nlog_after_corpus == nlog_after_start,
	      "... and nothing sent to the kernel (%d requests before, %d after)",
	      nlog_after_start, nlog_after_corpus);
	CHECK(nlog_after_bad == nlog_after_start && nuplinks_after_bad == 2 && nfw_after_bad == 1,
	      "SIGHUP with a bad file: nothing sent to the kernel");
	CHECK(log_has(":5: weight: 5000 is out of range 0..1000") &&
	      log_has("is not valid, nothing applied, keeping the running configuration"),
	      "SIGHUP with a bad file: FILE:LINE error logged, keeps running");
	CHECK(k.n == 1 && !strcmp(k.ups[0].ifname, "ppp0") && k.ups[0].weight == 5,
	      "SIGHUP with a good file: applied (wwan0 deleted, ppp0 weight 5)");
	CHECK(nft_after_start == 1 && strstr(nft_first, "delete table inet nfgate\n") &&
	      strstr(nft_first, "table inet nfgate {") &&
	      strstr(nft_first, "elements = { \"ppp0\", \"wwan0\" }") &&
	      strstr(nft_first, "table bridge nfgate {") &&
	      log_has("firewall: table inet nfgate loaded, LAN isolation on"),
	      "start with [firewall]: the baseline loaded in one script (%d)", nft_after_start);
	CHECK(nft_after_bad == 1, "SIGHUP with a bad file: the firewall left alone");
	CHECK(nft_calls == 2 && strstr(nft_last, "delete table bridge nfgate\n") &&
	      !strstr(nft_last, "{") && log_has("no [firewall], tables nfgate deleted"),
	      "SIGHUP without [firewall]: the tables deleted (%d scripts)", nft_calls);
	CHECK(ret == 0 && k.has_lan && log_has("exiting, the kernel keeps its configuration"),
	      "SIGTERM: exit 0, kernel configuration left in place");
	unlink(conf);
	unlink(logpath);
	unlink(data);
	nfg_ipc_close(&ipc);
	return t_end();
}
