// SPDX-License-Identifier: GPL-2.0
/* nfgated's DNS part: the forged set in sync, learning, learned_file. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "canary.h"
#include "dagent.h"
#include "format.h"
#include "log.h"
#include "loop.h"

static uint64_t now_of(const struct dagent *da)
{
	return da->now_ms ? da->now_ms() : now_boottime_ms();
}

/* --- the rule ------------------------------------------------------------------ */

bool dl_strong(uint8_t verdict, uint32_t signals)
{
	const uint32_t own = NFGATE_DNS_SIG_TTL | NFGATE_DNS_SIG_SHAPE |
			     NFGATE_DNS_SIG_FAST | NFGATE_DNS_SIG_IPHDR;

	return (verdict == NFGATE_DNS_V_SUPERSEDED || verdict == NFGATE_DNS_V_LATE) &&
	       (signals & NFGATE_DNS_SIG_DISAGREE) && (signals & own);
}

bool dl_learnable(uint32_t addr, uint32_t lan_addr, uint32_t lan_mask)
{
	uint32_t h = ntohl(addr);

	if ((h >> 24) == 0 || (h >> 24) == 127 || (h >> 28) >= 0xe)
		return false;
	return !lan_mask || (addr & lan_mask) != lan_addr;
}

/* --- learned_file -------------------------------------------------------------- */

bool dl_has(const struct dl_learned *l, uint32_t addr)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->e[i].addr == addr)
			return true;
	return false;
}

int dl_add(struct dl_learned *l, uint32_t addr, const char *note)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 64;
		struct dl_entry *e = realloc(l->e, cap * sizeof(*e));

		if (!e)
			return -ENOMEM;
		l->e = e;
		l->cap = cap;
	}
	l->e[l->n].addr = addr;
	snprintf(l->e[l->n].note, sizeof(l->e[0].note), "%s", note ? note : "");
	l->n++;
	return 0;
}

void dl_free(struct dl_learned *l)
{
	free(l->e);
	memset(l, 0, sizeof(*l));
}

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n'))
		*--e = '\0';
	return s;
}

int dl_load(const char *path, struct dl_learned *l, struct nfg_errors *warns)
{
	FILE *f = fopen(path, "re");
	char *buf = NULL, err[256];
	size_t cap = 0;
	int line = 0;

	if (!f)
		return errno == ENOENT ? 0 : -errno;
	while (getline(&buf, &cap, f) >= 0) {
		char *hash = strchr(buf, '#'), *entry;
		struct nfgate_prefix6 p6;
		uint32_t v4;
		bool is6;

		line++;
		if (hash)
			*hash++ = '\0';
		entry = trim(buf);
		if (!*entry)
			continue;
		if (nfg_parse_forged(entry, &is6, &v4, &p6, err, sizeof(err)) || is6) {
			nfg_errors_add(warns, "%s:%d: %s, line skipped", path, line,
				       is6 ? "learned entries are IPv4 addresses" : err);
			continue;
		}
		if (dl_has(l, v4))
			continue;
		if (l->n >= DL_LEARNED_MAX) {
			nfg_errors_add(warns, "%s:%d: more than %d entries, the rest skipped", path,
				       line, DL_LEARNED_MAX);
			break;
		}
		if (dl_add(l, v4, hash ? trim(hash) : NULL)) {
			fclose(f);
			free(buf);
			return -ENOMEM;
		}
	}
	line = ferror(f) ? -errno : 0;	/* a directory: EISDIR */
	fclose(f);
	free(buf);
	return line;
}

/* mkdir of the file's directory (one level: /var/lib/nfgate) */
static void make_dir(const char *path)
{
	char *copy = strdup(path);

	if (copy) {
		mkdir(dirname(copy), 0755);
		free(copy);
	}
}

int dl_save(const char *path, const struct dl_learned *l)
{
	char tmp[PATH_MAX + 8], dir[PATH_MAX];
	FILE *f;
	int fd, err = 0;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 && errno == ENOENT) {
		make_dir(path);
		fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	}
	if (fd < 0)
		return -errno;
	f = fdopen(fd, "w");
	if (!f) {
		err = -errno;
		close(fd);
		unlink(tmp);
		return err;
	}
	fprintf(f, "# Forged addresses learned by nfgated (see Documentation/dns.rst), one a\n"
		   "# line with when and from what. Written by the agent: edit it while\n"
		   "# nfgated is stopped, then remove entries from the module as well\n"
		   "# ('nfgate forged del ADDR') or reload the agent.\n");
	for (size_t i = 0; i < l->n; i++) {
		char a[INET_ADDRSTRLEN];

		inet_ntop(AF_INET, &l->e[i].addr, a, sizeof(a));
		if (l->e[i].note[0])
			fprintf(f, "%s\t# %s\n", a, l->e[i].note);
		else
			fprintf(f, "%s\n", a);
	}
	if (fflush(f) || fsync(fd))
		err = -errno;
	if (fclose(f) && !err)
		err = -errno;
	if (!err && rename(tmp, path) < 0)
		err = -errno;
	if (err) {
		unlink(tmp);
		return err;
	}
	/* the rename itself on disk */
	snprintf(dir, sizeof(dir), "%s", path);
	fd = open(dirname(dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	return 0;
}

/* --- the kernel ------------------------------------------------------------------ */

static bool ipc_ready(struct dagent *da, uint64_t now)
{
	int err = nfg_ipc_lazy_ready(&da->k, now);

	if (err && err != -EAGAIN)
		log_err("dns: %s", nfg_strerror(err));
	return !err;
}

static void ipc_failed(struct dagent *da, int err, const char *what)
{
	if (da->k.ipc.extack[0])
		log_err("dns: %s: %s (kernel: %s)", what, nfg_strerror(err), da->k.ipc.extack);
	else
		log_err("dns: %s: %s", what, nfg_strerror(err));
	if (err == -EINVAL || err == -ERANGE || err == -ENOSPC || err == -E2BIG ||
	    err == -EOPNOTSUPP)
		return;		/* refused, the socket is fine */
	nfg_ipc_lazy_drop(&da->k, now_of(da));
}

/* What the set should hold: the data file and everything learned. */
static int wanted(const struct dagent *da, struct nfg_forged_set *want)
{
	memset(want, 0, sizeof(*want));
	if (nfg_forged_merge(want, &da->data))
		return -ENOMEM;
	for (size_t i = 0; i < da->learned.n; i++)
		if (nfg_forged_add4(want, da->learned.e[i].addr))
			return -ENOMEM;
	nfg_forged_sort(want);
	return 0;
}

/* The module's set := data file + learned. */
static int sync_set(struct dagent *da)
{
	struct nfg_forged_set want, have = { 0 }, add = { 0 }, del = { 0 };
	size_t done;
	int err;

	if (!ipc_ready(da, now_of(da)))
		return -ENOTCONN;
	err = wanted(da, &want);
	if (!err)
		err = nfg_ipc_forged_dump(&da->k.ipc, &have, NULL);
	if (err == -NFG_EFORGEDDUMP) {
		/* a diff against a partial dump could leave stale entries:
		 * empty the set and add everything (a few ms without it) */
		log_warn("dns: %s; setting the whole set again", nfg_strerror(err));
		nfg_forged_free(&have);
		err = nfg_ipc_forged_flush(&da->k.ipc);
		if (err) {
			ipc_failed(da, err, "emptying the forged set");
			nfg_forged_free(&want);
			da->next_sync_ms = now_of(da) + DA_REOPEN_MS;
			return err;
		}
	}
	if (err == -EOPNOTSUPP) {
		log_err("dns: the module has no forged set (a module without the DNS check)");
		da->unsupported = true;
	} else if (err) {
		ipc_failed(da, err, "reading the forged set");
	}
	if (err) {
		nfg_forged_free(&want);
		da->next_sync_ms = now_of(da) + DA_REOPEN_MS;
		return err;
	}
	err = nfg_forged_diff(&want, &have, &add);
	if (!err)
		err = nfg_forged_diff(&have, &want, &del);
	/* stale entries first: room under the module's maxima */
	if (!err && nfg_forged_count(&del)) {
		err = nfg_ipc_forged_change(&da->k.ipc, true, &del, &done);
		if (err)
			ipc_failed(da, err, "removing stale forged entries");
	}
	if (!err && nfg_forged_count(&add)) {
		err = nfg_ipc_forged_change(&da->k.ipc, false, &add, &done);
		if (err)
			ipc_failed(da, err, "adding forged entries");
	}
	if (err) {
		da->next_sync_ms = now_of(da) + DA_REOPEN_MS;
	} else {
		log_info("dns: forged set: %zu address(es) and %zu IPv6 prefix(es) from %s, "
			 "%zu learned; %zu added, %zu removed", da->data.n4, da->data.n6,
			 da->conf.forged_file[0] ? da->conf.forged_file : "no data file",
			 da->learned.n, nfg_forged_count(&add), nfg_forged_count(&del));
		da->synced = true;
		nfg_forged_free(&da->pending);	/* all in the kernel now */
	}
	nfg_forged_free(&want);
	nfg_forged_free(&have);
	nfg_forged_free(&add);
	nfg_forged_free(&del);
	return err;
}

/* Pending learned entries to the kernel and learned_file. */
static void flush(struct dagent *da, uint64_t now)
{
	size_t done;
	int err;

	da->last_flush_ms = now;
	if (da->unsupported)
		nfg_forged_free(&da->pending);	/* nowhere to put them */
	if (nfg_forged_count(&da->pending) && ipc_ready(da, now)) {
		nfg_forged_sort(&da->pending);
		err = nfg_ipc_forged_change(&da->k.ipc, false, &da->pending, &done);
		if (err)
			ipc_failed(da, err, "adding learned entries");
		else
			nfg_forged_free(&da->pending);
	}
	if (da->dirty) {
		err = dl_save(da->conf.learned_file, &da->learned);
		if (err)
			log_err("dns: writing %s: %s", da->conf.learned_file, strerror(-err));
		else
			da->dirty = false;
	}
}

/* --- learning ---------------------------------------------------------------------- */

size_t dagent_learn(struct dagent *da, const struct nfg_dns_reply *r, const char *why)
{
	size_t n = 0;

	for (unsigned int i = 0; i < r->n4 && i < NFG_DNS_ANSWERS_MAX; i++) {
		uint32_t a = r->answer4[i];
		char addr[INET_ADDRSTRLEN];

		if (!dl_learnable(a, da->lan_addr, da->lan_mask) ||
		    nfg_forged_has4(&da->data, a) || dl_has(&da->learned, a))
			continue;
		if (da->learned.n >= DL_LEARNED_MAX) {
			if (!da->full_logged)
				log_warn("dns: %d learned entries, learning no more (edit %s)",
					 DL_LEARNED_MAX, da->conf.learned_file);
			da->full_logged = true;
			break;
		}
		if (dl_add(&da->learned, a, why) || nfg_forged_add4(&da->pending, a))
			break;
		inet_ntop(AF_INET, &a, addr, sizeof(addr));
		log_info("dns: learned %s: %s", addr, why);
		da->dirty = true;
		n++;
	}
	return n;
}

/* "2025-01-31T12:00:00.123+01:00 superseded reply for x.com/A from 8.8.8.8
 * via ppp0, signals fast,disagree" */
static void describe(char *buf, size_t len, const struct nfg_dns_reply *r)
{
	const char *v = nfg_dns_verdict_name(r->verdict), *qt = nfg_dns_qtype_name(r->qtype);
	char now[64], res[INET_ADDRSTRLEN], sig[64], type[16];

	fmt_now(now, sizeof(now), true);
	fmt_in4(res, sizeof(res), r->resolver);
	nfg_dns_signals_str(sig, sizeof(sig), r->signals);
	if (qt)
		snprintf(type, sizeof(type), "%s", qt);
	else
		snprintf(type, sizeof(type), "TYPE%u", r->qtype);
	snprintf(buf, len, "%s %s reply for %.80s/%s from %s via %s, signals %s", now,
		 v ? v : "?", r->qname, type, res, r->uplink[0] ? r->uplink : "?", sig);
}

void dagent_event(const struct nfg_msg *msg, void *data)
{
	struct dagent *da = data;
	const struct nfg_dns_reply *r = &msg->dns_reply;
	char why[DL_NOTE_MAX];

	if (!da->on || msg->event != NFGATE_EVENT_DNS_FORGED || !msg->has_dns_reply)
		return;
	if (da->canary && canary_report(da->canary, r))
		return;		/* a reply to a canary probe: canary.c learns */
	if (!da->conf.learn || !dl_strong(r->verdict, r->signals))
		return;
	describe(why, sizeof(why), r);
	dagent_learn(da, r, why);
}

static void on_events(struct loop *loop, int fd, uint32_t events, void *data)
{
	struct dagent *da = data;
	int err;

	(void)loop;
	(void)fd;
	(void)events;
	err = nfg_ipc_read_events(&da->ev, dagent_event, da);
	if (err == -ENOBUFS)
		log_warn("dns: events lost (receive buffer overrun), some forged replies not seen");
}

/* --- the loop ----------------------------------------------------------------------- */

void dagent_tick(struct dagent *da)
{
	uint64_t now = now_of(da);

	if (!da->on)
		return;
	if (!da->synced && !da->unsupported && now >= da->next_sync_ms && ipc_ready(da, now))
		sync_set(da);
	if (da->canary)
		canary_tick(da->canary, now);
	if ((nfg_forged_count(&da->pending) || da->dirty) && now - da->last_flush_ms >= DA_FLUSH_MS)
		flush(da, now);
}

static void on_tick(void *data)
{
	dagent_tick(data);
}

static void open_events(struct dagent *da)
{
	int err;

	if (da->ev_ok)
		return;
	err = da->k.open(&da->ev);
	if (!err)
		err = nfg_ipc_subscribe(&da->ev);
	if (err) {
		nfg_ipc_close(&da->ev);
		if (err != -EOPNOTSUPP)	/* the tests' fake transport */
			log_err("dns: events: %s, nothing is learned from the module",
				nfg_strerror(err));
		return;
	}
	if (da->loop && loop_add(da->loop, nfg_ipc_fd(&da->ev), on_events, da)) {
		nfg_ipc_close(&da->ev);
		return;
	}
	da->ev_ok = true;
}

static void close_events(struct dagent *da)
{
	if (!da->ev_ok)
		return;
	if (da->loop)
		loop_del(da->loop, nfg_ipc_fd(&da->ev));
	nfg_ipc_close(&da->ev);
	da->ev_ok = false;
}

/* The config's [dns] into da: data set copied, learned_file read. */
static void configure(struct dagent *da, const struct nfg_config *cfg)
{
	bool same_file = da->conf.learned_file[0] &&
			 !strcmp(da->conf.learned_file, cfg->dns.learned_file);
	struct nfg_errors warns = { 0 };
	struct dl_learned l = { 0 };
	int err;

	nfg_forged_free(&da->data);
	da->on = cfg->has_dns;
	da->conf = cfg->dns;
	memset(&da->conf.forged, 0, sizeof(da->conf.forged));	/* the config's */
	if (nfg_forged_merge(&da->data, &cfg->dns.forged))
		log_err("dns: out of memory copying the forged set");
	da->lan_addr = cfg->lan.addr;
	da->lan_mask = cfg->lan.prefixlen ? htonl(~0U << (32 - cfg->lan.prefixlen)) : 0;
	if (!da->on)
		return;
	/* the file, and what was learned but not written yet (same file) */
	err = dl_load(da->conf.learned_file, &l, &warns);
	for (size_t i = 0; i < warns.n; i++)
		log_warn("dns: %s", warns.msg[i]);
	nfg_errors_free(&warns);
	if (err)
		log_err("dns: reading %s: %s", da->conf.learned_file, strerror(-err));
	if (same_file)
		for (size_t i = 0; i < da->learned.n; i++)
			if (!dl_has(&l, da->learned.e[i].addr))
				dl_add(&l, da->learned.e[i].addr, da->learned.e[i].note);
	dl_free(&da->learned);
	da->learned = l;
	nfg_forged_free(&da->pending);
	da->synced = false;
	da->unsupported = false;
	da->next_sync_ms = 0;
}

static void count(const struct dagent *da)
{
	if (!da->on) {
		log_info("dns: no [dns] section, the forged set is left alone");
		return;
	}
	log_info("dns: learning %s, %zu learned entr%s from %s, canary probes %s",
		 da->conf.learn ? "on" : "off", da->learned.n, da->learned.n == 1 ? "y" : "ies",
		 da->conf.learned_file, da->canary ? "on" : "off");
}

int dagent_start(struct dagent *da, struct loop *loop, const struct nfg_config *cfg,
		 int (*ipc_open)(struct nfg_ipc *ipc))
{
	uint64_t (*clock)(void) = da->now_ms;

	memset(da, 0, sizeof(*da));
	da->now_ms = clock;
	da->loop = loop;
	da->k.open = ipc_open;
	da->k.backoff_ms = DA_REOPEN_MS;
	da->tfd = -1;
	configure(da, cfg);
	if (da->on) {
		open_events(da);
		da->canary = canary_new(da, &da->conf, cfg);
		sync_set(da);
	}
	if (loop) {
		da->tfd = loop_add_ticker(loop, DA_TICK_MS, on_tick, da);
		if (da->tfd < 0)
			return da->tfd;
	}
	count(da);
	return 0;
}

void dagent_reconfigure(struct dagent *da, const struct nfg_config *cfg)
{
	if (da->on)
		flush(da, now_of(da));	/* the old learned_file first */
	canary_free(da->canary);
	da->canary = NULL;
	configure(da, cfg);
	if (da->on) {
		open_events(da);
		da->canary = canary_new(da, &da->conf, cfg);
		sync_set(da);
	} else {
		close_events(da);
	}
	count(da);
}

void dagent_stop(struct dagent *da)
{
	if (da->on)
		flush(da, now_of(da));
	canary_free(da->canary);
	da->canary = NULL;
	close_events(da);
	loop_del_close(da->loop, &da->tfd);
	nfg_ipc_lazy_close(&da->k);
	dl_free(&da->learned);
	nfg_forged_free(&da->pending);
	nfg_forged_free(&da->data);
}
