// SPDX-License-Identifier: GPL-2.0
/*
 * The probers on the host, bound to "lo" (ICMP needs a raw socket: root;
 * skipped otherwise), the rtnetlink watcher, and the agent's health loop
 * (hagent.c) end to end: real probes on lo, an absent device, the passive
 * signal from SYN counters of the fake kernel, pushes to the fake kernel.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/timerfd.h>

#include "fake_kernel.h"
#include "hagent.h"
#include "harness.h"
#include "log.h"
#include "loop.h"
#include "probe.h"
#include "rtnl.h"

static uint32_t got_round[16], got_rtt[16];
static int ngot;

static void on_answer(void *ctx, uint32_t round, uint32_t rtt_us)
{
	(void)ctx;
	if (ngot < 16) {
		got_round[ngot] = round;
		got_rtt[ngot++] = rtt_us;
	}
}

static void poll_input(struct prober *pr, int ms)
{
	for (int i = 0; i < ms / 10; i++) {
		struct pollfd pfd = { .fd = prober_fd(pr), .events = POLLIN };

		if (poll(&pfd, 1, 10) > 0)
			prober_input(pr, prober_now_us());
	}
}

static struct nfg_probe_conf conf_for(uint8_t kind, const char *host)
{
	struct nfg_probe_conf c = { .kind = kind, .ntrack = 1 };

	inet_pton(AF_INET, host, &c.track[0]);
	return c;
}

static void icmp(void)
{
	struct nfg_probe_conf c = conf_for(NFG_PROBE_ICMP, "127.0.0.1");
	struct prober pr;
	int err;

	if (geteuid() != 0) {
		CHECK(1, "icmp: skipped, not root");
		return;
	}
	err = prober_open(&pr, "lo", &c, 0x4242, NULL, on_answer, NULL);
	CHECK(err == 0, "icmp: raw socket bound to lo (%s)", err ? strerror(-err) : "ok");
	if (err)
		return;
	ngot = 0;
	CHECK(prober_send(&pr, 70000, prober_now_us()) == 1, "icmp: round 70000 sent to 127.0.0.1");
	poll_input(&pr, 200);
	CHECK(ngot == 1 && got_round[0] == 70000 && got_rtt[0] > 0 && got_rtt[0] < 100000,
	      "icmp: echo reply matched to its round (32 bits, not only the sequence), rtt %u us",
	      ngot ? got_rtt[0] : 0);
	/* two hosts, one silent: the round is answered once */
	pr.conf.ntrack = 2;
	inet_pton(AF_INET, "127.0.0.2", &pr.conf.track[1]);
	ngot = 0;
	prober_send(&pr, 70001, prober_now_us());
	poll_input(&pr, 200);
	CHECK(ngot == 2 && got_round[0] == 70001 && got_round[1] == 70001,
	      "icmp: two track hosts on lo, both answer the round (the engine takes the first)");
	prober_close(&pr);

	c = conf_for(NFG_PROBE_ICMP, "192.0.2.1");	/* TEST-NET-1: nobody there */
	err = prober_open(&pr, "lo", &c, 0x4243, NULL, on_answer, NULL);
	ngot = 0;
	prober_send(&pr, 1, prober_now_us());
	poll_input(&pr, 300);
	CHECK(!err && ngot == 0, "icmp: a silent host bound to lo: no answer");
	prober_close(&pr);
}

static int timer(int ms)
{
	int fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	struct itimerspec its = { .it_value = { ms / 1000, (ms % 1000) * 1000000L } };

	timerfd_settime(fd, 0, &its, NULL);
	return fd;
}

static void on_stop(struct loop *loop, int fd, uint32_t events, void *data)
{
	(void)fd;
	(void)events;
	(void)data;
	loop_stop(loop, 0);
}

static void run_loop(struct loop *loop, int ms)
{
	int t = timer(ms);

	loop_add(loop, t, on_stop, NULL);
	loop->stop = false;
	loop_run(loop);
	loop_del(loop, t);
	close(t);
}

static void tcp(void)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t sl = sizeof(sin);
	struct nfg_probe_conf c = conf_for(NFG_PROBE_TCP, "127.0.0.1");
	struct prober pr;
	struct loop loop;
	int ls = socket(AF_INET, SOCK_STREAM, 0), closed = socket(AF_INET, SOCK_STREAM, 0);
	uint16_t closed_port;

	bind(ls, (struct sockaddr *)&sin, sizeof(sin));
	listen(ls, 4);
	getsockname(ls, (struct sockaddr *)&sin, &sl);
	c.port = ntohs(sin.sin_port);
	sin.sin_port = 0;
	bind(closed, (struct sockaddr *)&sin, sizeof(sin));	/* a port nobody listens on */
	sl = sizeof(sin);
	getsockname(closed, (struct sockaddr *)&sin, &sl);
	closed_port = ntohs(sin.sin_port);

	loop_init(&loop);
	CHECK(prober_open(&pr, "lo", &c, 0, &loop, on_answer, NULL) == 0, "tcp: prober on lo");
	ngot = 0;
	prober_send(&pr, 5, prober_now_us());
	run_loop(&loop, 200);
	CHECK(ngot == 1 && got_round[0] == 5, "tcp: connect to a listening port: reachable");
	pr.conf.port = closed_port;
	ngot = 0;
	prober_send(&pr, 6, prober_now_us());
	run_loop(&loop, 200);
	CHECK(ngot == 1 && got_round[0] == 6, "tcp: a RST (port closed) is reachable too");
	prober_close(&pr);
	loop_close(&loop);
	close(ls);
	close(closed);
}

static void dns(void)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(53),
				   .sin_addr.s_addr = htonl(0x7f000001) };
	struct nfg_probe_conf c = conf_for(NFG_PROBE_DNS, "127.0.0.1");
	int srv = socket(AF_INET, SOCK_DGRAM, 0);
	struct prober pr;
	uint8_t q[512];
	struct sockaddr_in from;
	socklen_t fl = sizeof(from);
	ssize_t n;

	if (bind(srv, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
		CHECK(1, "dns: skipped, 127.0.0.1:53 is taken (%s)", strerror(errno));
		close(srv);
		return;
	}
	strcpy(c.dns_name, "example.com");
	CHECK(prober_open(&pr, "lo", &c, 0, NULL, on_answer, NULL) == 0, "dns: prober on lo");
	ngot = 0;
	prober_send(&pr, 0x12345, prober_now_us());
	n = recvfrom(srv, q, sizeof(q), 0, (struct sockaddr *)&from, &fl);
	CHECK(n == 12 + 13 + 4 && q[0] == 0x23 && q[1] == 0x45 && q[12] == 7 &&
	      !memcmp(q + 13, "example", 7), "dns: query for example.com, id = low 16 bits of the round");
	q[2] |= 0x80;	/* a response, NXDOMAIN or not: reachable */
	q[3] = 3;
	sendto(srv, q, (size_t)n, 0, (struct sockaddr *)&from, fl);
	poll_input(&pr, 200);
	CHECK(ngot == 1 && got_round[0] == 0x12345, "dns: any response with the id answers the round");
	prober_close(&pr);
	close(srv);
}

static bool lo_seen, lo_carrier;

static void on_link(void *ctx, const char *ifname, unsigned int ifindex, bool present,
		    bool carrier)
{
	(void)ctx;
	if (!strcmp(ifname, "lo") && present && ifindex == 1) {
		lo_seen = true;
		lo_carrier = carrier;
	}
}

static void rtnl(void)
{
	struct rtnl r;
	int err = rtnl_open(&r, on_link, NULL);

	CHECK(err == 0 && rtnl_sync(&r) == 0 && lo_seen && lo_carrier,
	      "rtnetlink: the link dump reports lo, up with carrier");
	rtnl_close(&r);
}

/* --- the agent's health loop against the fake kernel ------------------------------ */

static struct fake_kernel k;

static int fake_open(struct nfg_ipc *ipc)
{
	fake_connect(&k, ipc);
	return nfg_ipc_open_transport(ipc);
}

/* LAN traffic: wan2 answers every SYN, wan1 none, from t = 300 ms */
static int traffic_ticks;

static void on_traffic(struct loop *loop, int fd, uint32_t events, void *data)
{
	uint64_t x;

	(void)loop;
	(void)events;
	(void)data;
	if (read(fd, &x, sizeof(x)) != sizeof(x))
		return;
	if (++traffic_ticks < 6)
		return;
	for (size_t i = 0; i < k.n; i++) {
		if (!strcmp(k.ups[i].ifname, "wan1"))
			k.ups[i].syn_sent += 2;
		if (!strcmp(k.ups[i].ifname, "wan2")) {
			k.ups[i].syn_sent += 2;
			k.ups[i].syn_answered += 2;
		}
	}
}

static const char *log_line(const char *prefix)
{
	for (int i = 0; i < k.nlog; i++)
		if (!strncmp(k.log[i], prefix, strlen(prefix)))
			return k.log[i];
	return "";
}

static void agent(void)
{
	struct nfg_conf_uplink ups[4] = { 0 };
	struct nfg_config cfg = { .uplinks = ups, .n_uplinks = 4 };
	struct itimerspec its = { .it_interval = { 0, 50000000 }, .it_value = { 0, 50000000 } };
	struct nfg_ipc ipc;
	struct hagent ha = { 0 };
	struct loop loop;
	struct nfg_uplink *u;
	int tf;

	const char *names[4] = { "lo", "nfgnone0", "wan1", "wan2" };
	for (int i = 0; i < 4; i++) {
		snprintf(ups[i].up.ifname, IFNAMSIZ, "%s", names[i]);
		hl_params_default(&ups[i].hl);
	}
	ups[0].probe = conf_for(NFG_PROBE_ICMP, "127.0.0.1");
	ups[0].hl.probes = true;
	ups[1].probe = conf_for(NFG_PROBE_ICMP, "192.0.2.1");
	ups[1].hl.probes = true;

	fake_attach(&k, &ipc);
	k.now_ms = 4242;
	for (int i = 2; i < 4; i++) {
		u = fake_add_uplink(&k, names[i]);
		u->health = 700;	/* set by hand: kept while it answers */
	}
	log_init("test", true);
	loop_init(&loop);
	tf = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	timerfd_settime(tf, 0, &its, NULL);
	loop_add(&loop, tf, on_traffic, NULL);
	CHECK(hagent_start(&ha, &loop, &cfg, fake_open) == 0, "agent: health loop started");
	run_loop(&loop, 2600);

	u = NULL;
	for (size_t i = 0; i < k.n; i++)
		if (!strcmp(k.ups[i].ifname, "lo"))
			u = &k.ups[i];
	if (geteuid() == 0)
		CHECK(u && u->health_state == NFGATE_HEALTH_UP &&
		      u->health_reason == NFGATE_REASON_PROBES_OK && u->health == 1000 &&
		      u->probe_loss == 0 && u->probe_rtt_us > 0 && u->health_since_ms == 4242 &&
		      !strcmp(log_line("UPLINK_SET lo"), "UPLINK_SET lo health health_state "
			      "health_reason probe_loss_pct probe_rtt_ms probe_jitter_ms"),
		      "agent: lo probed with ICMP to 127.0.0.1: up (probes_ok) pushed, rtt %u us",
		      u ? u->probe_rtt_us : 0);
	u = NULL;
	for (size_t i = 0; i < k.n; i++)
		if (!strcmp(k.ups[i].ifname, "nfgnone0"))
			u = &k.ups[i];
	CHECK(u && u->health_state == NFGATE_HEALTH_DOWN && u->health == 0 &&
	      u->health_reason == NFGATE_REASON_CARRIER,
	      "agent: an absent device: down (carrier), health 0");
	CHECK(k.ups[0].health_state == NFGATE_HEALTH_DOWN && k.ups[0].health == 0 &&
	      k.ups[0].health_reason == NFGATE_REASON_PASSIVE &&
	      !strcmp(log_line("UPLINK_SET wan1"), "UPLINK_SET wan1 health health_state health_reason"),
	      "agent: wan1 (no track) gets SYNs but no answer while wan2 answers: down (passive), "
	      "no probe values sent");
	CHECK(k.ups[1].health == 700 && k.ups[1].health_state == NFGATE_HEALTH_UNKNOWN &&
	      !log_line("UPLINK_SET wan2")[0],
	      "agent: wan2 (no track, answering): its health is left as set");
	{
		int sets = 0;

		for (int i = 0; i < k.nlog; i++)
			sets += !strncmp(k.log[i], "UPLINK_SET", 10);
		CHECK(sets <= 8, "agent: pushes only on change (%d UPLINK_SET in 2.6 s)", sets);
	}
	/* reload without wan1: it goes; lo keeps its engine */
	{
		struct nfg_conf_uplink ups2[2] = { ups[0], ups[3] };
		struct nfg_config cfg2 = { .uplinks = ups2, .n_uplinks = 2 };
		struct hl_engine *before = &ha.ups[0]->eng;

		hagent_reconfigure(&ha, &cfg2);
		CHECK(ha.n == 2 && &ha.ups[0]->eng == before && ha.ups[0]->v.state == NFGATE_HEALTH_UP,
		      "agent: reload with the same settings keeps lo's engine and state");
	}
	hagent_stop(&ha);
	loop_del(&loop, tf);
	close(tf);
	loop_close(&loop);
	nfg_ipc_close(&ipc);
}

/* loop_add_ticker(): ticks on time, stops at loop_del_close(). */
struct ticker_ctx {
	struct loop *loop;
	int fd, ticks;
};

static void on_test_tick(void *data)
{
	struct ticker_ctx *c = data;

	if (++c->ticks == 3)
		loop_del_close(c->loop, &c->fd);
	if (c->ticks >= 3)
		loop_stop(c->loop, 0);
}

static void ticker(void)
{
	struct loop loop;
	struct ticker_ctx c = { .loop = &loop };
	int fd, err;

	if (loop_init(&loop)) {
		CHECK(0, "ticker: loop_init");
		return;
	}
	c.fd = fd = loop_add_ticker(&loop, 20, on_test_tick, &c);
	CHECK(fd >= 0, "ticker: added (%d)", fd);
	if (fd < 0)
		return;
	err = loop_run(&loop);
	CHECK(err == 0 && c.ticks == 3, "ticker: three ticks (%d, %d)", c.ticks, err);
	CHECK(c.fd == -1 && fcntl(fd, F_GETFD) < 0 && errno == EBADF && loop.sources == NULL,
	      "ticker: loop_del_close() closed it and left no source");
	c.fd = -1;
	loop_del_close(NULL, &c.fd);
	CHECK(c.fd == -1, "ticker: loop_del_close() of -1 is a no-op");
	loop_close(&loop);
}

int main(void)
{
	t_begin("probe");
	icmp();
	tcp();
	dns();
	rtnl();
	agent();
	ticker();
	return t_end();
}
