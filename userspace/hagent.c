// SPDX-License-Identifier: GPL-2.0
/* nfgated's link health: engines, probers, rtnetlink, pushes to the kernel. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "format.h"
#include "hagent.h"
#include "log.h"
#include "loop.h"

static uint64_t now_of(const struct hagent *ha)
{
	return ha->now_ms ? ha->now_ms() : now_boottime_ms();
}

/* --- kernel --------------------------------------------------------------------- */

static bool ipc_ready(struct hagent *ha, uint64_t now)
{
	int err = nfg_ipc_lazy_ready(&ha->k, now);

	if (err && err != -EAGAIN)
		log_err("health: %s", nfg_strerror(err));
	return !err;
}

static void ipc_failed(struct hagent *ha, int err, uint64_t now)
{
	if (err == -EINVAL || err == -ERANGE)
		return;		/* refused, the socket is fine */
	nfg_ipc_lazy_drop(&ha->k, now);
}

static void describe(char *buf, size_t len, const struct hl_verdict *v)
{
	char loss[16], rtt[16], jit[16];

	fmt_fixed(loss, sizeof(loss), v->loss, 2);
	fmt_fixed(rtt, sizeof(rtt), v->rtt_us, 3);
	fmt_fixed(jit, sizeof(jit), v->jitter_us, 3);
	snprintf(buf, len, "%s (%s), score %u, loss %s%%, rtt %s%s, jitter %s%s",
		 hl_state_name(v->state), hl_reason_name(v->reason), v->health, loss,
		 v->rtt_us ? rtt : "-", v->rtt_us ? " ms" : "", v->rtt_us ? jit : "-",
		 v->rtt_us ? " ms" : "");
}

static int push(struct hagent *ha, struct ha_uplink *u, const struct hl_verdict *v,
		uint32_t health, bool metrics, uint64_t now)
{
	struct nfg_uplink up = { 0 };
	int err;

	if (!ipc_ready(ha, now))
		return -ENOTCONN;
	snprintf(up.ifname, sizeof(up.ifname), "%s", u->conf.up.ifname);
	up.health = health;
	up.health_state = v->state;
	up.health_reason = v->reason;
	NFG_MARK(&up, NFGATE_UPLINK_A_IFNAME);
	NFG_MARK(&up, NFGATE_UPLINK_A_HEALTH);
	NFG_MARK(&up, NFGATE_UPLINK_A_HEALTH_STATE);
	NFG_MARK(&up, NFGATE_UPLINK_A_HEALTH_REASON);
	if (metrics) {
		up.probe_loss = v->loss;
		up.probe_rtt_us = v->rtt_us;
		up.probe_jitter_us = v->jitter_us;
		NFG_MARK(&up, NFGATE_UPLINK_A_PROBE_LOSS);
		NFG_MARK(&up, NFGATE_UPLINK_A_PROBE_RTT_US);
		NFG_MARK(&up, NFGATE_UPLINK_A_PROBE_JITTER_US);
	}
	err = nfg_ipc_uplink_set(&ha->k.ipc, &up);
	if (err) {
		if (ha->k.ipc.extack[0])
			log_err("health: set uplink %s: %s (kernel: %s)", up.ifname,
				nfg_strerror(err), ha->k.ipc.extack);
		else
			log_err("health: set uplink %s: %s", up.ifname, nfg_strerror(err));
		ipc_failed(ha, err, now);
		return err;
	}
	u->pushed = *v;
	u->pushed.health = health;
	u->pushed_valid = true;
	u->pushed_ms = now;
	return 0;
}

static void sync_kernel(struct hagent *ha, struct ha_uplink *u, bool changed, uint64_t now)
{
	const struct hl_verdict *v = &u->v;
	const struct hl_verdict *p = &u->pushed;
	char a[160];

	if (changed && (u->owned || u->overriding || v->state != NFGATE_HEALTH_UP)) {
		describe(a, sizeof(a), v);
		log_info("%s: health %s -> %s", u->conf.up.ifname,
			 hl_state_name(u->logged_state), a);
	}
	if (changed)
		u->logged_state = v->state;
	if (!u->owned) {
		/* passive only: touch health only while the verdict is not up */
		if (!changed || (!u->overriding && v->state == NFGATE_HEALTH_UP))
			return;
		if (v->state == NFGATE_HEALTH_UP) {
			if (!push(ha, u, v, u->kernel_health, false, now))
				u->overriding = false;
		} else {
			if (!u->overriding)
				u->overriding = true;	/* kernel_health: as read */
			push(ha, u, v, v->health, false, now);
		}
		return;
	}
	if (v->state == NFGATE_HEALTH_UNKNOWN && !u->pushed_valid)
		return;		/* nothing to say yet */
	if (!u->pushed_valid || v->state != p->state || v->reason != p->reason ||
	    (v->health > p->health ? v->health - p->health : p->health - v->health) >= HA_BIG_CHANGE) {
		push(ha, u, v, v->health, true, now);
		return;
	}
	if ((v->health != p->health || v->loss != p->loss || v->rtt_us != p->rtt_us ||
	     v->jitter_us != p->jitter_us) && now - u->pushed_ms >= HA_PUSH_MIN_MS)
		push(ha, u, v, v->health, true, now);
}

/* The SYN counters of every uplink, and the health of those we do not own. */
static void sample(struct hagent *ha, uint64_t now)
{
	struct nfg_uplink *list = NULL;
	size_t n = 0;
	int err;

	if (!ipc_ready(ha, now))
		return;
	err = nfg_ipc_uplink_dump(&ha->k.ipc, &list, &n, NULL);
	if (err) {
		ipc_failed(ha, err, now);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < ha->n; j++) {
			struct ha_uplink *u = ha->ups[j];

			if (strcmp(u->conf.up.ifname, list[i].ifname))
				continue;
			if (!u->overriding && NFG_HAS(&list[i], NFGATE_UPLINK_A_HEALTH))
				u->kernel_health = list[i].health;
			if (!NFG_HAS(&list[i], NFGATE_UPLINK_A_SYN_SENT) ||
			    !NFG_HAS(&list[i], NFGATE_UPLINK_A_SYN_ANSWERED)) {
				if (!ha->no_syn_counters)
					log_warn("health: the module sends no SYN counters, "
						 "passive detection is off");
				ha->no_syn_counters = true;
				continue;
			}
			if (u->syn_seen && list[i].syn_answered > u->syn_answered)
				u->last_syn_answer_ms = now;
			u->syn_answered = list[i].syn_answered;
			u->syn_seen = true;
		}
	}
	for (size_t j = 0; j < ha->n; j++) {
		struct ha_uplink *u = ha->ups[j];
		uint64_t peer = 0;

		for (size_t k = 0; k < ha->n; k++)
			if (k != j && ha->ups[k]->last_syn_answer_ms > peer)
				peer = ha->ups[k]->last_syn_answer_ms;
		for (size_t i = 0; i < n; i++)
			if (!strcmp(u->conf.up.ifname, list[i].ifname) &&
			    NFG_HAS(&list[i], NFGATE_UPLINK_A_SYN_SENT))
				hl_syn_sample(&u->eng, list[i].syn_sent, list[i].syn_answered,
					      peer, now);
	}
	free(list);
}

/* --- probes and links -------------------------------------------------------------- */

static void on_answer(void *ctx, uint32_t round, uint32_t rtt_us)
{
	struct ha_uplink *u = ctx;

	hl_probe_answered(&u->eng, round, rtt_us, now_of(u->ha));
}

static void open_prober(struct hagent *ha, struct ha_uplink *u)
{
	int err;

	if (u->pr_open)
		prober_close(&u->pr);
	u->pr_open = false;
	err = prober_open(&u->pr, u->conf.up.ifname, &u->conf.probe,
			  ha->ident++, ha->loop,
			  on_answer, u);
	if (err) {
		log_err("health: %s: probe socket: %s", u->conf.up.ifname, strerror(-err));
		return;
	}
	u->pr_open = true;
}

void hagent_link(void *ctx, const char *ifname, unsigned int ifindex, bool present,
		 bool carrier)
{
	struct hagent *ha = ctx;
	uint64_t now = now_of(ha);

	for (size_t i = 0; i < ha->n; i++) {
		struct ha_uplink *u = ha->ups[i];
		bool mine = !strcmp(u->conf.up.ifname, ifname);
		bool here = present && mine;	/* renamed away from our name: gone */

		if (!mine && !(u->ifindex && u->ifindex == ifindex))
			continue;
		if (!here) {
			if (u->ifindex)
				log_info("%s: device gone", u->conf.up.ifname);
			u->ifindex = 0;
			u->carrier = false;
			if (u->pr_open)
				prober_close(&u->pr);
			u->pr_open = false;
		} else {
			if (u->ifindex != ifindex) {
				log_info("%s: device present (ifindex %u)%s", ifname, ifindex,
					 u->owned ? ", probes bound to it" : "");
				u->ifindex = ifindex;
				if (u->owned)
					open_prober(ha, u);
			}
			u->carrier = carrier;
		}
		if (u->owned)
			hl_carrier(&u->eng, u->carrier, now);
	}
}

static void on_rtnl(struct loop *loop, int fd, uint32_t events, void *data)
{
	struct hagent *ha = data;
	int err = rtnl_input(&ha->rt);

	(void)loop;
	(void)fd;
	(void)events;
	if (err == -ENOBUFS) {
		log_warn("health: link events lost, re-reading the links");
		rtnl_sync(&ha->rt);
	}
}

void hagent_tick(struct hagent *ha)
{
	uint64_t now = now_of(ha);
	bool passive = false;

	for (size_t i = 0; i < ha->n; i++) {
		struct ha_uplink *u = ha->ups[i];

		passive |= u->conf.hl.passive;
		if (!u->owned || !u->pr_open || !u->carrier)
			continue;
		if (now >= u->next_probe_ms) {
			uint32_t id = hl_probe_sent(&u->eng, now);

			prober_send(&u->pr, id, prober_now_us());
			u->next_probe_ms = u->next_probe_ms + u->conf.hl.interval_ms > now ?
					   u->next_probe_ms + u->conf.hl.interval_ms :
					   now + u->conf.hl.interval_ms;
		}
		prober_expire(&u->pr, prober_now_us(), u->conf.hl.timeout_ms);
	}
	if (passive && !ha->no_syn_counters && now - ha->last_sample_ms >= HA_SAMPLE_MS) {
		ha->last_sample_ms = now;
		sample(ha, now);
	}
	for (size_t i = 0; i < ha->n; i++) {
		struct ha_uplink *u = ha->ups[i];
		bool changed = hl_eval(&u->eng, now, &u->v);

		sync_kernel(ha, u, changed, now);
	}
}

static void on_tick(void *data)
{
	hagent_tick(data);
}

/* --- setup ---------------------------------------------------------------------- */

static struct ha_uplink *new_uplink(struct hagent *ha, const struct nfg_conf_uplink *c,
				    uint64_t now)
{
	struct ha_uplink *u = calloc(1, sizeof(*u));

	if (!u)
		return NULL;
	u->conf = *c;
	u->ha = ha;
	u->owned = c->probe.ntrack > 0;
	u->kernel_health = NFGATE_HEALTH_MAX;
	u->pr.fd = -1;
	/* without probes the carrier is the kernel's business */
	hl_init(&u->eng, &c->hl, !u->owned, now);
	u->next_probe_ms = now;
	return u;
}

static void free_uplink(struct hagent *ha, struct ha_uplink *u, bool release)
{
	if (u->pr_open)
		prober_close(&u->pr);
	if (release && u->pushed_valid && (u->owned || u->overriding)) {
		/* the agent no longer owns its health: give it back */
		struct hl_verdict v = { .state = NFGATE_HEALTH_UNKNOWN,
					.reason = NFGATE_REASON_NONE };

		push(ha, u, &v, u->owned ? NFGATE_HEALTH_MAX : u->kernel_health, u->owned,
		     now_of(ha));
	}
	free(u);
}

static int build(struct hagent *ha, const struct nfg_config *cfg,
		 struct ha_uplink **old, size_t nold)
{
	uint64_t now = now_of(ha);
	struct ha_uplink **ups = calloc(cfg->n_uplinks + 1, sizeof(*ups));

	if (!ups)
		return -ENOMEM;
	for (size_t i = 0; i < cfg->n_uplinks; i++) {
		const struct nfg_conf_uplink *c = &cfg->uplinks[i];

		for (size_t j = 0; j < nold && !ups[i]; j++) {
			if (old[j] && !strcmp(old[j]->conf.up.ifname, c->up.ifname) &&
			    nfg_conf_uplink_health_equal(&old[j]->conf, c)) {
				ups[i] = old[j];
				ups[i]->conf = *c;
				old[j] = NULL;
			}
		}
		if (!ups[i] && !(ups[i] = new_uplink(ha, c, now))) {
			free(ups);
			return -ENOMEM;
		}
	}
	for (size_t j = 0; j < nold; j++)
		if (old[j])
			free_uplink(ha, old[j], nfg_config_uplink(cfg, old[j]->conf.up.ifname) != NULL);
	free(old);
	ha->ups = ups;
	ha->n = cfg->n_uplinks;
	return 0;
}

static void count(const struct hagent *ha)
{
	size_t probed = 0, passive = 0;

	for (size_t i = 0; i < ha->n; i++) {
		probed += ha->ups[i]->owned;
		passive += ha->ups[i]->conf.hl.passive;
	}
	log_info("health: %zu uplink(s) probed, %zu with passive detection", probed, passive);
}

int hagent_start(struct hagent *ha, struct loop *loop, const struct nfg_config *cfg,
		 int (*ipc_open)(struct nfg_ipc *ipc))
{
	uint64_t (*clock)(void) = ha->now_ms;
	int err;

	memset(ha, 0, sizeof(*ha));
	ha->now_ms = clock;
	ha->loop = loop;
	ha->k.open = ipc_open;
	ha->k.backoff_ms = HA_REOPEN_MS;
	ha->tfd = -1;
	ha->ident = (uint16_t)(getpid() << 4);
	err = build(ha, cfg, NULL, 0);
	if (err)
		return err;
	err = rtnl_open(&ha->rt, hagent_link, ha);
	if (err) {
		/* blind to devices: assume they are there rather than down */
		log_err("health: rtnetlink: %s, devices assumed present", strerror(-err));
		for (size_t i = 0; i < ha->n; i++) {
			struct ha_uplink *u = ha->ups[i];

			if (!u->owned)
				continue;
			open_prober(ha, u);
			u->carrier = true;
			hl_carrier(&u->eng, true, now_of(ha));
		}
	} else {
		ha->rt_ok = true;
		err = rtnl_sync(&ha->rt);
		if (err)
			log_err("health: reading the links: %s", strerror(-err));
		if (loop)
			loop_add(loop, rtnl_fd(&ha->rt), on_rtnl, ha);
	}
	if (loop) {
		ha->tfd = loop_add_ticker(loop, HA_TICK_MS, on_tick, ha);
		if (ha->tfd < 0)
			return ha->tfd;
	}
	count(ha);
	return 0;
}

void hagent_reconfigure(struct hagent *ha, const struct nfg_config *cfg)
{
	struct ha_uplink **old = ha->ups;
	size_t nold = ha->n;

	if (build(ha, cfg, old, nold)) {
		log_err("health: out of memory, keeping the health settings");
		return;
	}
	if (ha->rt_ok)
		rtnl_sync(&ha->rt);	/* new uplinks learn their device */
	count(ha);
}

void hagent_stop(struct hagent *ha)
{
	for (size_t i = 0; i < ha->n; i++)
		free_uplink(ha, ha->ups[i], false);
	free(ha->ups);
	ha->ups = NULL;
	ha->n = 0;
	loop_del_close(ha->loop, &ha->tfd);
	if (ha->rt_ok) {
		if (ha->loop)
			loop_del(ha->loop, rtnl_fd(&ha->rt));
		rtnl_close(&ha->rt);
	}
	ha->rt_ok = false;
	nfg_ipc_lazy_close(&ha->k);
}
