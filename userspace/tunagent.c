// SPDX-License-Identifier: GPL-2.0
/*
 * nfgated's shadowsocks tunnel: supervision of ss-redir and ss-tunnel,
 * end-to-end checks, failover, the kernel side. See tunagent.h.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <libmnl/libmnl.h>
#include <linux/fib_rules.h>
#include <linux/rtnetlink.h>

#include "format.h"
#include "log.h"
#include "loop.h"
#include "tunagent.h"

static uint64_t now_of(const struct tagent *ta)
{
	return ta->now_ms ? ta->now_ms() : now_boottime_ms();
}

/* --- the health of a server (pure) ----------------------------------------- */

bool ta_health_result(struct ta_health *h, bool ok, uint32_t rtt_us, uint32_t oks,
		      uint32_t fails, uint64_t now)
{
	uint8_t old = h->state;

	if (ok) {
		h->rtt_us = rtt_us;
		h->fails = 0;
		if (h->oks < UINT32_MAX)
			h->oks++;
		if (h->oks >= oks)
			h->state = NFGATE_TUNNEL_UP;
	} else {
		h->oks = 0;
		if (h->fails < UINT32_MAX)
			h->fails++;
		if (h->fails >= fails)
			h->state = NFGATE_TUNNEL_DOWN;
	}
	if (h->state == old)
		return false;
	if (h->state == NFGATE_TUNNEL_UP) {
		h->was_down = h->ever_up;
		h->ever_up = true;
		h->up_since_ms = now;
	}
	return true;
}

bool ta_health_dead(struct ta_health *h)
{
	uint8_t old = h->state;

	h->state = NFGATE_TUNNEL_DOWN;
	h->oks = 0;
	h->fails = 0;
	return h->state != old;
}

unsigned int ta_select_active(unsigned int active, const struct ta_health *h, size_t n,
			      uint64_t now, uint32_t failback_ms)
{
	bool cur_up = active && active <= n && h[active - 1].state == NFGATE_TUNNEL_UP;

	for (size_t i = 0; i < n; i++) {
		if (h[i].state != NFGATE_TUNNEL_UP)
			continue;
		if (i + 1 == active || !cur_up || !h[i].was_down ||
		    now - h[i].up_since_ms >= failback_ms)
			return (unsigned int)i + 1;
	}
	return cur_up ? active : 0;
}

/* --- config files ---------------------------------------------------------- */

/* s as a JSON string (the password may hold anything printable). */
static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

int ta_write_conf(const char *path, const struct nfg_conf_tunnel *t,
		  const struct nfg_conf_server *s, unsigned int idx, bool dns)
{
	char a[INET_ADDRSTRLEN];
	int fd, err = 0;
	FILE *f;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return -errno;
	/* an older file of another mode */
	if (fchmod(fd, 0600) < 0 || !(f = fdopen(fd, "w"))) {
		err = -errno;
		close(fd);
		return err;
	}
	inet_ntop(AF_INET, &s->addr, a, sizeof(a));
	fprintf(f, "{\n  \"server\": \"%s\",\n  \"server_port\": %u,\n", a, s->port);
	fputs("  \"password\": ", f);
	json_str(f, s->password[0] ? s->password : t->password);
	fprintf(f, ",\n  \"method\": \"%s\",\n", s->method[0] ? s->method : t->method);
	if (dns) {
		inet_ntop(AF_INET, &t->dns_listen_addr, a, sizeof(a));
		fprintf(f, "  \"local_address\": \"%s\",\n  \"local_port\": %u,\n", a,
			t->dns_listen_port);
		inet_ntop(AF_INET, &t->resolver_addr, a, sizeof(a));
		fprintf(f, "  \"tunnel_address\": \"%s:%u\",\n  \"mode\": \"tcp_and_udp\"\n}\n",
			a, t->resolver_port);
	} else {
		fprintf(f, "  \"local_address\": \"0.0.0.0\",\n  \"local_port\": %u,\n",
			t->local_port + idx);
		fprintf(f, "  \"mode\": \"%s\"\n}\n", t->udp ? "tcp_and_udp" : "tcp_only");
	}
	if (fflush(f) || ferror(f))
		err = -EIO;
	if (fclose(f) && !err)
		err = -errno;
	return err;
}

/* --- children -------------------------------------------------------------- */

static void child_init(struct tagent *ta, struct ta_child *c, const char *label,
		       const char *prog, const char *conf)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->label, sizeof(c->label), "%s", label);
	snprintf(c->conf, sizeof(c->conf), "%s", conf);
	c->prog = prog;
	c->outfd = -1;
	c->backoff_ms = TA_BACKOFF_MIN_MS;
	c->ta = ta;
}

/* A line of the child's output: TA_LOG_LINES per window are logged. */
static void child_flush_line(struct ta_child *c)
{
	uint64_t now = now_of(c->ta);
	char *s = c->out;

	c->out[c->outlen] = '\0';
	c->outlen = 0;
	while (*s == ' ')
		s++;
	if (!*s)
		return;
	if (now - c->log_window_ms >= TA_LOG_WINDOW_MS) {
		if (c->log_dropped)
			log_info("%s: %u more lines not logged", c->label, c->log_dropped);
		c->log_window_ms = now;
		c->log_lines = c->log_dropped = 0;
	}
	if (c->log_lines++ < TA_LOG_LINES)
		log_info("%s: %s", c->label, s);
	else
		c->log_dropped++;
}

static void child_close_out(struct ta_child *c)
{
	if (c->outfd < 0)
		return;
	loop_del_close(c->ta->loop, &c->outfd);
	if (c->outlen)
		child_flush_line(c);
}

static void on_child_out(struct loop *loop, int fd, uint32_t events, void *data)
{
	struct ta_child *c = data;
	char buf[512];
	ssize_t n;

	(void)loop;
	(void)events;
	n = read(fd, buf, sizeof(buf));
	if (n <= 0) {
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		child_close_out(c);
		return;
	}
	for (ssize_t i = 0; i < n; i++) {
		if (buf[i] == '\n' || c->outlen == sizeof(c->out) - 1)
			child_flush_line(c);
		if (buf[i] != '\n')
			c->out[c->outlen++] = buf[i];
	}
}

static int child_start(struct ta_child *c, uint64_t now)
{
	int p[2], null;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid < 0) {
		int err = -errno;

		close(p[0]);
		close(p[1]);
		return err;
	}
	if (pid == 0) {
		sigset_t none;

		/* the agent blocks the signals its signalfd reads */
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		null = open("/dev/null", O_RDONLY);
		if (null >= 0)
			dup2(null, 0);
		dup2(p[1], 1);
		dup2(p[1], 2);
		execlp(c->prog, c->prog, "-c", c->conf, (char *)NULL);
		fprintf(stderr, "cannot run %s: %s\n", c->prog, strerror(errno));
		_exit(127);
	}
	close(p[1]);
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	c->outfd = p[0];
	if (c->ta->loop)
		loop_add(c->ta->loop, c->outfd, on_child_out, c);
	c->pid = pid;
	c->started_ms = now;
	log_info("%s: started (pid %d, %s -c %s)", c->label, (int)pid, c->prog, c->conf);
	return 0;
}

/* Ends the child at once (SIGTERM, then SIGKILL after the grace period). */
static void child_stop(struct ta_child *c)
{
	struct timespec ts = { 0, 10 * 1000000L };
	int status;

	if (!c->pid)
		return;
	kill(c->pid, SIGTERM);
	for (int i = 0; i < TA_STOP_GRACE_MS / 10; i++) {
		if (waitpid(c->pid, &status, WNOHANG) == c->pid)
			goto reaped;
		nanosleep(&ts, NULL);
	}
	kill(c->pid, SIGKILL);
	waitpid(c->pid, &status, 0);
reaped:
	c->pid = 0;
	child_close_out(c);
}

/* Reaped: true when it had exited, and schedules its restart. */
static bool child_reap(struct ta_child *c, uint64_t now)
{
	int status;

	if (!c->pid || waitpid(c->pid, &status, WNOHANG) != c->pid)
		return false;
	child_close_out(c);
	if (WIFEXITED(status))
		log_err("%s: exited with status %d", c->label, WEXITSTATUS(status));
	else
		log_err("%s: killed by signal %d", c->label, WTERMSIG(status));
	if (now - c->started_ms >= TA_BACKOFF_RESET_MS)
		c->backoff_ms = TA_BACKOFF_MIN_MS;
	c->restart_ms = now + c->backoff_ms;
	log_info("%s: restarting in %u ms", c->label, c->backoff_ms);
	c->backoff_ms = c->backoff_ms * 2 > TA_BACKOFF_MAX_MS ? TA_BACKOFF_MAX_MS :
			c->backoff_ms * 2;
	c->pid = 0;
	return true;
}

/* --- rtnetlink: the local route of TPROXYed UDP ----------------------------- */

static int rt_request(struct nlmsghdr *nlh)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct mnl_socket *nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	int ret, err = 0;

	if (!nl)
		return -errno;
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0 ||
	    mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
		err = -errno;
		goto out;
	}
	ret = (int)mnl_socket_recvfrom(nl, buf, sizeof(buf));
	if (ret < 0) {
		err = -errno;
		goto out;
	}
	ret = mnl_cb_run(buf, (size_t)ret, nlh->nlmsg_seq, mnl_socket_get_portid(nl), NULL, NULL);
	if (ret < 0)
		err = -errno;
out:
	mnl_socket_close(nl);
	return err;
}

static int rt_rule(const struct nfg_conf_tunnel *t, bool add)
{
	char buf[256];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct fib_rule_hdr *frh;

	nlh->nlmsg_type = add ? RTM_NEWRULE : RTM_DELRULE;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | (add ? NLM_F_CREATE | NLM_F_EXCL : 0);
	nlh->nlmsg_seq = (uint32_t)time(NULL);
	frh = mnl_nlmsg_put_extra_header(nlh, sizeof(*frh));
	frh->family = AF_INET;
	frh->action = FR_ACT_TO_TBL;
	frh->table = (uint8_t)t->udp_table;
	mnl_attr_put_u32(nlh, FRA_FWMARK, t->udp_mark);
	mnl_attr_put_u32(nlh, FRA_FWMASK, t->udp_mark);
	mnl_attr_put_u32(nlh, FRA_PRIORITY, t->udp_pref);
	mnl_attr_put_u32(nlh, FRA_TABLE, t->udp_table);
	return rt_request(nlh);
}

static int rt_route(const struct nfg_conf_tunnel *t, bool add)
{
	char buf[256];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	unsigned int lo = if_nametoindex("lo");
	struct rtmsg *rtm;

	nlh->nlmsg_type = add ? RTM_NEWROUTE : RTM_DELROUTE;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | (add ? NLM_F_CREATE | NLM_F_REPLACE : 0);
	nlh->nlmsg_seq = (uint32_t)time(NULL);
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = AF_INET;
	rtm->rtm_table = (uint8_t)t->udp_table;
	rtm->rtm_protocol = RTPROT_STATIC;
	rtm->rtm_scope = RT_SCOPE_HOST;
	rtm->rtm_type = RTN_LOCAL;
	mnl_attr_put_u32(nlh, RTA_TABLE, t->udp_table);
	mnl_attr_put_u32(nlh, RTA_OIF, lo ? lo : 1);
	return rt_request(nlh);
}

static void rt_setup(struct tagent *ta)
{
	int err;

	if (!ta->conf.udp)
		return;
	err = rt_rule(&ta->conf, true);
	if (!err)
		ta->rule_added = true;
	else if (err != -EEXIST)
		log_err("tunnel: ip rule fwmark 0x%x lookup %u: %s, UDP will not reach ss-redir",
			ta->conf.udp_mark, ta->conf.udp_table, strerror(-err));
	err = rt_route(&ta->conf, true);
	if (!err)
		ta->route_added = true;
	else
		log_err("tunnel: ip route add local 0.0.0.0/0 dev lo table %u: %s",
			ta->conf.udp_table, strerror(-err));
}

static void rt_teardown(struct tagent *ta)
{
	if (ta->rule_added)
		rt_rule(&ta->conf, false);
	if (ta->route_added)
		rt_route(&ta->conf, false);
	ta->rule_added = ta->route_added = false;
}

/* --- the kernel ------------------------------------------------------------- */

static void fill_kernel(const struct tagent *ta, struct nfg_tunnel *k, bool down)
{
	memset(k, 0, sizeof(*k));
	k->present = 1U << NFGATE_TUNNEL_A_ENABLED | 1U << NFGATE_TUNNEL_A_STATE |
		     1U << NFGATE_TUNNEL_A_FAIL | 1U << NFGATE_TUNNEL_A_ACTIVE |
		     1U << NFGATE_TUNNEL_A_UDP | 1U << NFGATE_TUNNEL_A_UDP_MARK |
		     1U << NFGATE_TUNNEL_A_CHECK_MARK | 1U << NFGATE_TUNNEL_A_SERVERS;
	k->enabled = ta->conf.enabled;
	k->fail = ta->conf.fail;
	k->udp = ta->conf.udp;
	k->udp_mark = ta->conf.udp_mark;
	k->check_mark = ta->conf.check_mark;
	k->active = down ? 0 : (uint8_t)ta->active;
	k->state = k->active ? NFGATE_TUNNEL_UP : NFGATE_TUNNEL_DOWN;
	k->n_servers = ta->n;
	for (size_t i = 0; i < ta->n; i++) {
		const struct ta_server *s = &ta->srv[i];
		struct nfg_tsrv *o = &k->servers[i];

		snprintf(o->name, sizeof(o->name), "%s", s->conf.name);
		o->addr = s->conf.addr;
		o->port = s->conf.port;
		o->redir_port = (uint16_t)(ta->conf.local_port + i);
		o->udp_port = ta->conf.udp ? o->redir_port : 0;
		o->state = down ? NFGATE_TUNNEL_DOWN : s->h.state;
		o->rtt_us = s->h.rtt_us;
	}
}

static int push(struct tagent *ta, bool down)
{
	struct nfg_tunnel k;
	struct nfg_ipc ipc;
	int err;

	fill_kernel(ta, &k, down);
	err = ta->ipc_open(&ipc);
	if (!err) {
		err = nfg_ipc_tunnel_set(&ipc, &k);
		if (err)
			log_err("tunnel: TUNNEL_SET: %s%s%s", nfg_strerror(err),
				ipc.extack[0] ? ": " : "", ipc.extack);
		nfg_ipc_close(&ipc);
	} else {
		log_err("tunnel: %s", nfg_strerror(err));
	}
	ta->pushed_ms = now_of(ta);
	ta->dirty = ta->rtt_dirty = false;
	return err;
}

/* Loads the lists of cfg whose tag the kernel does not have. */
static void load_lists(struct tagent *ta, const struct nfg_conf_tunnel *c)
{
	struct nfg_tunnel k;
	struct nfg_ipc ipc;
	int err;

	if (ta->ipc_open(&ipc))
		return;
	if (nfg_ipc_tunnel_get(&ipc, &k, NULL)) {
		nfg_ipc_close(&ipc);
		return;
	}
	for (int l = 0; l < __NFGATE_LIST_LAST; l++) {
		const struct nfg_prefixes *ps = &c->list[l];
		uint64_t tag = ps->n ? nfg_prefixes_tag(ps) : 0;
		struct timespec t0, t1;

		if (k.list[l].tag == tag && (tag || !k.list[l].prefixes))
			continue;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		err = nfg_ipc_prefixes_load(&ipc, (uint8_t)l, ps->p, ps->n, tag);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		if (err)
			log_err("tunnel: loading the %s list: %s%s%s", nfg_list_name(l),
				nfg_strerror(err), ipc.extack[0] ? ": " : "", ipc.extack);
		else
			log_info("tunnel: %s list: %zu prefixes loaded in %.1f ms", nfg_list_name(l),
				 ps->n, (double)(t1.tv_sec - t0.tv_sec) * 1e3 +
				 (double)(t1.tv_nsec - t0.tv_nsec) / 1e6);
	}
	nfg_ipc_close(&ipc);
}

/* --- checks ----------------------------------------------------------------- */

static void check_close(struct ta_server *s)
{
	if (s->fd < 0)
		return;
	if (s->ta->loop)
		loop_del(s->ta->loop, s->fd);
	close(s->fd);
	s->fd = -1;
}

static const char *srv_name(const struct ta_server *s)
{
	return s->conf.name;
}

static void update_active(struct tagent *ta, uint64_t now);

static void check_done(struct ta_server *s, bool ok, const char *why, uint64_t now)
{
	struct tagent *ta = s->ta;
	uint32_t rtt = ok ? (uint32_t)((now - s->check_start_ms) * 1000) : 0;
	uint8_t old = s->h.state;

	check_close(s);
	if (!ok && now - s->redir.started_ms < TA_START_GRACE_MS) {
		/* ss-redir may not listen yet: not a verdict on the server */
		s->next_check_ms = now + ta->conf.retry_ms;
		return;
	}
	if (!ok)
		snprintf(s->why, sizeof(s->why), "%s", why);
	if (ta_health_result(&s->h, ok, rtt, ta->conf.oks, ta->conf.fails, now)) {
		if (ok)
			log_info("tunnel: server %s %s -> up (check answered in %u ms)",
				 srv_name(s), nfg_tunnel_state_name(old), rtt / 1000);
		else
			log_info("tunnel: server %s %s -> down (%u checks failed: %s)",
				 srv_name(s), nfg_tunnel_state_name(old), s->h.fails, why);
		ta->dirty = true;
		update_active(ta, now);
	} else if (ok) {
		ta->rtt_dirty = true;
	}
	s->next_check_ms = now + (ok || s->h.state == NFGATE_TUNNEL_DOWN ?
				  ta->conf.interval_ms : ta->conf.retry_ms);
}

/* A DNS query over TCP (". NS") for port 53, else an HTTP HEAD. */
static size_t check_payload(const struct nfg_conf_tunnel *t, char *buf, size_t len)
{
	static const unsigned char dnsq[] = {
		0x00, 0x11, 0x6e, 0x67, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x01,
	};
	char a[INET_ADDRSTRLEN];

	if (t->check_port == 53) {
		memcpy(buf, dnsq, sizeof(dnsq));
		return sizeof(dnsq);
	}
	inet_ntop(AF_INET, &t->check_addr, a, sizeof(a));
	return (size_t)snprintf(buf, len, "HEAD / HTTP/1.0\r\nHost: %s\r\n\r\n", a);
}

static void on_check(struct loop *loop, int fd, uint32_t events, void *data)
{
	struct ta_server *s = data;
	uint64_t now = now_of(s->ta);
	char buf[128];
	ssize_t n;

	if (!s->sent) {
		int soerr = 0;
		socklen_t sl = sizeof(soerr);
		size_t len;

		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) < 0 || soerr) {
			check_done(s, false, strerror(soerr ? soerr : errno), now);
			return;
		}
		if (!(events & EPOLLOUT))
			return;
		len = check_payload(&s->ta->conf, buf, sizeof(buf));
		if (send(fd, buf, len, MSG_NOSIGNAL) != (ssize_t)len) {
			check_done(s, false, "send failed", now);
			return;
		}
		s->sent = true;
		loop_del(loop, fd);
		loop_add(loop, fd, on_check, s);
		return;
	}
	n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
	if (n > 0)
		check_done(s, true, NULL, now);
	else if (n == 0)
		check_done(s, false, "closed without an answer", now);
	else if (errno != EAGAIN && errno != EINTR)
		check_done(s, false, strerror(errno), now);
}

static void check_start(struct ta_server *s, uint64_t now)
{
	struct tagent *ta = s->ta;
	struct sockaddr_in sin = {
		.sin_family = AF_INET,
		.sin_port = htons(ta->conf.check_port),
		.sin_addr.s_addr = ta->conf.check_addr,
	};
	uint32_t mark = ta->conf.check_mark + s->idx + 1;
	int fd;

	s->check_start_ms = now;
	s->sent = false;
	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		check_done(s, false, strerror(errno), now);
		return;
	}
	if (setsockopt(fd, SOL_SOCKET, SO_MARK, &mark, sizeof(mark)) < 0) {
		close(fd);
		check_done(s, false, "SO_MARK needs CAP_NET_ADMIN", now);
		return;
	}
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0 && errno != EINPROGRESS) {
		int err = errno;

		close(fd);
		check_done(s, false, strerror(err), now);
		return;
	}
	s->fd = fd;
	if (ta->loop && loop_add_events(ta->loop, fd, EPOLLOUT, on_check, s) < 0) {
		check_close(s);
		check_done(s, false, "epoll", now);
	}
}

/* --- failover --------------------------------------------------------------- */

static void dns_restart(struct tagent *ta, uint64_t now)
{
	struct ta_child *c = &ta->dns;
	const struct ta_server *s;
	int err;

	if (!ta->conf.dns_listen_addr || !ta->active || ta->dns_for == ta->active)
		return;
	s = &ta->srv[ta->active - 1];
	child_stop(c);
	err = ta_write_conf(c->conf, &ta->conf, &s->conf, ta->active - 1, true);
	if (err) {
		log_err("tunnel: %s: %s", c->conf, strerror(-err));
		return;
	}
	snprintf(c->label, sizeof(c->label), "ss-tunnel[%s]", srv_name(s));
	c->backoff_ms = TA_BACKOFF_MIN_MS;
	c->restart_ms = 0;
	ta->dns_for = ta->active;
	if (child_start(c, now))
		c->restart_ms = now + c->backoff_ms;
}

static void update_active(struct tagent *ta, uint64_t now)
{
	struct ta_health h[NFGATE_TUNNEL_SERVERS_MAX];
	unsigned int a;

	for (size_t i = 0; i < ta->n; i++)
		h[i] = ta->srv[i].h;
	a = ta_select_active(ta->active, h, ta->n, now, ta->conf.failback_ms);
	if (a == ta->active)
		return;
	if (a && ta->active)
		log_info("tunnel: active server %s -> %s%s", srv_name(&ta->srv[ta->active - 1]),
			 srv_name(&ta->srv[a - 1]),
			 ta->srv[ta->active - 1].h.state == NFGATE_TUNNEL_UP ? " (preferred)" : "");
	else if (a)
		log_info("tunnel: up, active server %s", srv_name(&ta->srv[a - 1]));
	else
		log_info("tunnel: down, no server answers (fail %s: %s)",
			 nfg_tunnel_fail_name(ta->conf.fail),
			 ta->conf.fail == NFGATE_TUNNEL_FAIL_OPEN ? "direct" : "blocked");
	ta->active = a;
	ta->dirty = true;
	/* the kernel first: new connections go to the new server now */
	push(ta, false);
	dns_restart(ta, now);
}

/* --- the loop --------------------------------------------------------------- */

void tagent_tick(struct tagent *ta)
{
	uint64_t now = now_of(ta);

	for (size_t i = 0; i < ta->n; i++) {
		struct ta_server *s = &ta->srv[i];
		struct ta_child *c = &s->redir;

		if (child_reap(c, now)) {
			check_close(s);
			if (ta_health_dead(&s->h)) {
				log_info("tunnel: server %s -> down (its ss-redir died)",
					 srv_name(s));
				ta->dirty = true;
				update_active(ta, now);
			}
		}
		if (!c->pid && now >= c->restart_ms) {
			if (child_start(c, now))
				c->restart_ms = now + c->backoff_ms;
			else
				s->next_check_ms = now + TA_FIRST_CHECK_MS;
		}
		if (s->fd >= 0 && now - s->check_start_ms >= ta->conf.timeout_ms)
			check_done(s, false, "timed out", now);
		if (c->pid && s->fd < 0 && now >= s->next_check_ms)
			check_start(s, now);
	}
	update_active(ta, now);		/* a failback may be due */
	child_reap(&ta->dns, now);	/* logged; restarted below */
	if (ta->dns_for && !ta->dns.pid && now >= ta->dns.restart_ms &&
	    child_start(&ta->dns, now))
		ta->dns.restart_ms = now + ta->dns.backoff_ms;
	if (ta->dirty || (ta->rtt_dirty && now - ta->pushed_ms >= TA_PUSH_MIN_MS))
		push(ta, false);
}

static void on_tick(void *data)
{
	tagent_tick(data);
}

/* --- start and stop --------------------------------------------------------- */

static int setup(struct tagent *ta, const struct nfg_config *cfg)
{
	const struct nfg_conf_tunnel *c = &cfg->tunnel;
	char path[NFG_TUNNEL_PATH_MAX + 64];
	int err;

	ta->conf = *c;
	for (int l = 0; l < __NFGATE_LIST_LAST; l++)
		memset(&ta->conf.list[l], 0, sizeof(ta->conf.list[l]));
	ta->n = c->n_servers;
	ta->active = 0;
	ta->dns_for = 0;
	if (mkdir(c->run_dir, 0700) < 0 && errno != EEXIST) {
		err = -errno;
		log_err("tunnel: %s: %s", c->run_dir, strerror(errno));
		return err;
	}
	for (size_t i = 0; i < ta->n; i++) {
		struct ta_server *s = &ta->srv[i];
		char label[48];

		memset(s, 0, sizeof(*s));
		s->conf = c->servers[i];
		if (!s->conf.port)
			s->conf.port = NFG_TUNNEL_DEFAULT_SERVER_PORT;
		s->fd = -1;
		s->ta = ta;
		s->idx = (unsigned int)i;
		s->h.state = NFGATE_TUNNEL_UNKNOWN;
		snprintf(path, sizeof(path), "%s/ss-redir-%s.json", c->run_dir, s->conf.name);
		snprintf(label, sizeof(label), "ss-redir[%s]", s->conf.name);
		child_init(ta, &s->redir, label, ta->conf.ss_redir, path);
		err = ta_write_conf(path, c, &s->conf, (unsigned int)i, false);
		if (err) {
			log_err("tunnel: %s: %s", path, strerror(-err));
			return err;
		}
	}
	snprintf(path, sizeof(path), "%s/ss-tunnel.json", c->run_dir);
	child_init(ta, &ta->dns, "ss-tunnel", ta->conf.ss_tunnel, path);
	rt_setup(ta);
	/* the servers and their ports, nothing active until a check passes */
	err = push(ta, false);
	if (err == -EOPNOTSUPP || err == -NFG_ENOFAMILY)
		return err;
	load_lists(ta, c);
	return 0;
}

int tagent_start(struct tagent *ta, struct loop *loop, const struct nfg_config *cfg,
		 int (*ipc_open)(struct nfg_ipc *ipc))
{
	uint64_t (*clock)(void) = ta->now_ms;
	int err;

	memset(ta, 0, sizeof(*ta));
	ta->now_ms = clock;
	ta->loop = loop;
	ta->ipc_open = ipc_open;
	ta->tfd = -1;
	err = setup(ta, cfg);
	if (err)
		return err;
	if (loop) {
		ta->tfd = loop_add_ticker(loop, TA_TICK_MS, on_tick, ta);
		if (ta->tfd < 0)
			return ta->tfd;
	}
	log_info("tunnel: %zu server(s), local ports %u..%u, udp %s, fail %s%s", ta->n,
		 ta->conf.local_port, (unsigned int)(ta->conf.local_port + ta->n - 1),
		 ta->conf.udp ? "on" : "off", nfg_tunnel_fail_name(ta->conf.fail),
		 ta->conf.enabled ? "" : ", not enabled (nothing redirected)");
	return 0;
}

/* Children stopped, files removed; the kernel keeps the tunnel. */
static void teardown(struct tagent *ta)
{
	for (size_t i = 0; i < ta->n; i++) {
		check_close(&ta->srv[i]);
		child_stop(&ta->srv[i].redir);
		unlink(ta->srv[i].redir.conf);
	}
	child_stop(&ta->dns);
	unlink(ta->dns.conf);
	rt_teardown(ta);
}

void tagent_reconfigure(struct tagent *ta, const struct nfg_config *cfg)
{
	if (nfg_conf_tunnel_same_run(&ta->conf, &cfg->tunnel)) {
		ta->conf.enabled = cfg->tunnel.enabled;
		ta->conf.fail = cfg->tunnel.fail;
		push(ta, false);
		load_lists(ta, &cfg->tunnel);
		return;
	}
	log_info("tunnel: configuration changed, restarting it");
	teardown(ta);
	if (setup(ta, cfg))
		log_err("tunnel: not restarted");
}

void tagent_stop(struct tagent *ta)
{
	teardown(ta);
	/* nobody answers for the tunnel any more: the kernel applies fail */
	push(ta, true);
	loop_del_close(ta->loop, &ta->tfd);
	log_info("tunnel: stopped, reported down (fail %s)", nfg_tunnel_fail_name(ta->conf.fail));
}

void tagent_remove(int (*ipc_open)(struct nfg_ipc *ipc))
{
	struct nfg_ipc ipc;
	int err;

	if (ipc_open(&ipc))
		return;
	err = nfg_ipc_tunnel_del(&ipc);
	if (!err)
		log_info("tunnel: none configured, removed the kernel's");
	nfg_ipc_close(&ipc);
}
