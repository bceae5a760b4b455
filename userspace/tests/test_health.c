// SPDX-License-Identifier: GPL-2.0
/*
 * The health engine against synthetic timelines: a simulated link answers
 * (or not) the probe rounds of the engine and the SYNs of simulated LAN
 * traffic; the engine is evaluated every 25 ms, as nfgated does. The
 * measured detection times are part of the test descriptions.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "health.h"
#include "harness.h"

#define STEP_MS		5
#define EVAL_MS		25
#define SAMPLE_MS	100
#define MAX_EV		4096

struct scenario {
	uint32_t rtt_ms;		/* base RTT */
	uint64_t black_from, black_to;	/* nothing answered in [from, to) */
	uint64_t slow_from, slow_to;	/* + slow_ms of RTT */
	uint32_t slow_ms;
	uint64_t lossy_from, lossy_to;	/* 30 % of rounds lost, spread out */
	uint64_t flap_from, flap_to;	/* carrier toggles every flap_ms */
	uint32_t flap_ms;
	uint32_t syn_per_s;		/* LAN traffic given to the uplink */
	bool peer_answers;		/* another uplink answers */
	bool traffic_follows_health;	/* no SYNs while down, few on probation */
};

struct pend {
	uint64_t at;
	uint32_t id;			/* 0: a SYN-ACK */
	uint32_t rtt_us;
};

struct change {
	uint64_t t;
	uint8_t state, reason;
	uint32_t health;
};

struct sim {
	struct scenario sc;
	struct hl_params p;
	struct hl_engine e;
	struct hl_verdict v;
	uint64_t t;
	uint32_t k;			/* rounds sent */
	struct pend pend[MAX_EV];
	size_t npend;
	uint64_t syn_sent, syn_answered;
	struct change ch[MAX_EV];
	size_t nch;
	bool carrier;
};

static bool black(const struct sim *s, uint64_t t)
{
	return t >= s->sc.black_from && t < s->sc.black_to;
}

static bool carrier_at(const struct sim *s, uint64_t t)
{
	if (t < s->sc.flap_from || t >= s->sc.flap_to || !s->sc.flap_ms)
		return true;
	return ((t - s->sc.flap_from) / s->sc.flap_ms) % 2 == 1;
}

static uint32_t rtt_at(const struct sim *s, uint64_t t)
{
	uint32_t r = s->sc.rtt_ms;

	if (t >= s->sc.slow_from && t < s->sc.slow_to)
		r += s->sc.slow_ms;
	return r;
}

static void sim_init(struct sim *s, const struct hl_params *p, const struct scenario *sc)
{
	memset(s, 0, sizeof(*s));
	s->p = *p;
	s->sc = *sc;
	s->carrier = true;
	hl_init(&s->e, p, true, 0);
}

static void schedule(struct sim *s, uint64_t at, uint32_t id, uint32_t rtt_us)
{
	if (s->npend < MAX_EV)
		s->pend[s->npend++] = (struct pend){ at, id, rtt_us };
}

/* Runs the timeline up to `until` ms. */
static void sim_run(struct sim *s, uint64_t until)
{
	for (; s->t < until; s->t += STEP_MS) {
		uint64_t t = s->t;
		bool c = carrier_at(s, t);

		if (c != s->carrier) {
			s->carrier = c;
			hl_carrier(&s->e, c, t);
		}
		/* probe rounds, every interval (not while the device is gone) */
		if (s->p.probes && c && t % s->p.interval_ms == 0) {
			uint32_t id = hl_probe_sent(&s->e, t);
			bool lost = black(s, t) || black(s, t + rtt_at(s, t));

			if (t >= s->sc.lossy_from && t < s->sc.lossy_to)
				lost |= (s->k * 3) % 10 < 3;	/* 3 of 10, never 3 in a row */
			s->k++;
			if (!lost)
				schedule(s, t + rtt_at(s, t), id, rtt_at(s, t) * 1000);
		}
		/* LAN traffic */
		if (s->sc.syn_per_s && c) {
			uint32_t per = 1000 / s->sc.syn_per_s;

			if (s->sc.traffic_follows_health) {
				if (s->v.state == 3 /* down */)
					per = 0;
				else if (s->v.health < 1000)
					per = 1000;	/* probation / degraded: a trickle */
			}
			if (per && t % per == 0) {
				s->syn_sent++;
				if (!black(s, t) && !black(s, t + rtt_at(s, t)))
					schedule(s, t + rtt_at(s, t), 0, 0);
			}
		}
		/* answers due */
		for (size_t i = 0; i < s->npend;) {
			if (s->pend[i].at > t) {
				i++;
				continue;
			}
			if (s->pend[i].id)
				hl_probe_answered(&s->e, s->pend[i].id, s->pend[i].rtt_us, t);
			else
				s->syn_answered++;
			s->pend[i] = s->pend[--s->npend];
		}
		if (t % SAMPLE_MS == 0)
			hl_syn_sample(&s->e, s->syn_sent, s->syn_answered,
				      s->sc.peer_answers ? (t ? t - 50 : 1) : 0, t);
		if (t % EVAL_MS == 0 && hl_eval(&s->e, t, &s->v) && s->nch < MAX_EV)
			s->ch[s->nch++] = (struct change){ t, s->v.state, s->v.reason, s->v.health };
	}
}

/* First change to state after `from` (optionally with reason), or NULL. */
static const struct change *first_change(const struct sim *s, uint64_t from,
					 uint8_t state, int reason)
{
	for (size_t i = 0; i < s->nch; i++)
		if (s->ch[i].t >= from && s->ch[i].state == state &&
		    (reason < 0 || s->ch[i].reason == reason))
			return &s->ch[i];
	return NULL;
}

static size_t state_changes(const struct sim *s, uint64_t from, uint64_t to)
{
	size_t n = 0;
	uint8_t prev = 255;

	for (size_t i = 0; i < s->nch; i++) {
		if (s->ch[i].t >= from && s->ch[i].t < to && s->ch[i].state != prev)
			n++;
		prev = s->ch[i].state;
	}
	return n;
}

static void dump_changes(const struct sim *s)
{
	for (size_t i = 0; i < s->nch && i < 60; i++)
		t_diag("t=%llu %s (%s) health %u", (unsigned long long)s->ch[i].t,
		       hl_state_name(s->ch[i].state), hl_reason_name(s->ch[i].reason),
		       s->ch[i].health);
}

static struct sim S;	/* large: static */

static void blackhole_probes(void)
{
	struct hl_params p;
	struct scenario sc = { .rtt_ms = 20 };
	uint64_t worst = 0, best = UINT64_MAX, sum = 0;
	int n = 0;
	bool ok = true, up_first = true;

	hl_params_default(&p);
	p.probes = true;
	p.passive = false;
	for (uint64_t phase = 0; phase < 500; phase += 25) {
		const struct change *c;

		sc.black_from = 10000 + phase;
		sc.black_to = UINT64_MAX;
		sim_init(&S, &p, &sc);
		sim_run(&S, 20000);
		up_first &= S.nch >= 1 && S.ch[0].state == 1 && S.ch[0].t <= 1100;
		c = first_change(&S, sc.black_from, 3, -1);
		if (!c || c->reason != 1) {
			ok = false;
			dump_changes(&S);
			continue;
		}
		worst = c->t - sc.black_from > worst ? c->t - sc.black_from : worst;
		best = c->t - sc.black_from < best ? c->t - sc.black_from : best;
		sum += c->t - sc.black_from;
		n++;
	}
	CHECK(up_first, "start: unknown -> up (probes_ok) after up_after=3 rounds, within 1.1 s");
	CHECK(ok && worst <= 2000,
	      "blackhole, defaults (500 ms interval, 800 ms timeout, down_after 3), probes only: "
	      "down (probes_lost) after %.3f..%.3f s (mean %.3f s over 20 onset phases), <= 2 s",
	      best / 1000.0, worst / 1000.0, n ? sum / 1000.0 / n : 0);

	/* recovery */
	sc.black_from = 10000;
	sc.black_to = 20000;
	sim_init(&S, &p, &sc);
	sim_run(&S, 40000);
	{
		const struct change *c = first_change(&S, 20000, 1, 2);

		CHECK(c && c->t - 20000 <= 1600 && S.v.state == 1 && S.v.loss == 0,
		      "blackhole over: up (probes_ok) %.3f s later, fresh window (loss 0 %%)",
		      c ? (c->t - 20000) / 1000.0 : -1.0);
		CHECK(state_changes(&S, 0, 40000) == 3, "blackhole 10 s: exactly up, down, up (%zu changes)",
		      state_changes(&S, 0, 40000));
	}
	{
		struct hl_verdict v = S.v;

		(void)v;
	}

	/* the same with passive on and LAN traffic while another uplink answers */
	p.passive = true;
	sc = (struct scenario){ .rtt_ms = 20, .syn_per_s = 20, .peer_answers = true };
	worst = 0;
	best = UINT64_MAX;
	ok = true;
	for (uint64_t phase = 0; phase < 500; phase += 50) {
		const struct change *c;

		sc.black_from = 10000 + phase;
		sc.black_to = UINT64_MAX;
		sim_init(&S, &p, &sc);
		sim_run(&S, 15000);
		c = first_change(&S, sc.black_from, 3, -1);
		if (!c) {
			ok = false;
			continue;
		}
		worst = c->t - sc.black_from > worst ? c->t - sc.black_from : worst;
		best = c->t - sc.black_from < best ? c->t - sc.black_from : best;
		ok &= c->reason == 5;
	}
	CHECK(ok && worst <= 1500,
	      "blackhole, defaults, probes + passive (20 new TCP connections/s, the other uplink "
	      "answers): down (passive) after %.3f..%.3f s", best / 1000.0, worst / 1000.0);
}

static void lossy(void)
{
	struct hl_params p;
	struct scenario sc = { .rtt_ms = 30, .lossy_from = 10000, .lossy_to = 40000 };
	const struct change *c, *up;

	hl_params_default(&p);
	p.probes = true;
	sim_init(&S, &p, &sc);
	sim_run(&S, 39000);
	c = first_change(&S, 10000, 2, 3);
	CHECK(c && S.v.state == 2 && !first_change(&S, 10000, 3, -1),
	      "30 %% loss, defaults: degraded (loss) after %.3f s, never down",
	      c ? (c->t - 10000) / 1000.0 : -1.0);
	CHECK(S.v.health < 300 && S.v.health > 30 && S.v.loss >= 2500 && S.v.loss <= 3500,
	      "30 %% loss: score %u (degraded_health 300 at 10 %%, 30 at 50 %%), loss %.2f %%",
	      S.v.health, S.v.loss / 100.0);
	sim_run(&S, 70000);
	up = first_change(&S, 40000, 1, 2);
	CHECK(up && up->t - 40000 >= 5000 && up->t - 40000 <= 12000 &&
	      state_changes(&S, 10000, 70000) == 2,
	      "loss over: up (probes_ok) only %.3f s later (hysteresis: loss < 5 %% for 3 rounds), "
	      "2 state changes in all", up ? (up->t - 40000) / 1000.0 : -1.0);
	if (!up)
		dump_changes(&S);

	/* configured limits change the score */
	p.loss_degraded = 20;
	p.loss_down = 80;
	p.degraded_health = 500;
	sim_init(&S, &p, &sc);
	sim_run(&S, 39000);
	CHECK(S.v.state == 2 && S.v.health > 400 && S.v.health < 500,
	      "30 %% loss, loss_degraded 20 loss_down 80 degraded_health 500: score %u", S.v.health);
}

static void latency(void)
{
	struct hl_params p;
	struct scenario sc = { .rtt_ms = 20, .slow_from = 10000, .slow_to = 40000, .slow_ms = 800 };
	const struct change *c, *up;

	hl_params_default(&p);
	p.probes = true;
	p.timeout_ms = 2000;
	p.rtt_degraded_ms = 300;
	p.rtt_down_ms = 2000;
	sim_init(&S, &p, &sc);
	sim_run(&S, 39000);
	c = first_change(&S, 10000, 2, 4);
	CHECK(c && S.v.state == 2 && !first_change(&S, 10000, 3, -1) &&
	      S.v.rtt_us >= 800000 && S.v.health < 300 && S.v.health > 150,
	      "+800 ms latency, rtt_degraded_ms 300 rtt_down_ms 2000 timeout_ms 2000: degraded "
	      "(latency) after %.3f s, score %u, rtt %.1f ms, never down",
	      c ? (c->t - 10000) / 1000.0 : -1.0, S.v.health, S.v.rtt_us / 1000.0);
	sim_run(&S, 70000);
	up = first_change(&S, 40000, 1, 2);
	CHECK(up && state_changes(&S, 10000, 70000) == 2,
	      "latency over: up (probes_ok) %.3f s later (mean RTT under 80 %% of the limit)",
	      up ? (up->t - 40000) / 1000.0 : -1.0);

	/* the defaults: a round slower than timeout_ms is lost */
	hl_params_default(&p);
	p.probes = true;
	sim_init(&S, &p, &sc);
	sim_run(&S, 20000);
	c = first_change(&S, 10000, 3, 1);
	CHECK(c != NULL, "+800 ms latency with the defaults (timeout 800 ms): down (probes_lost) "
	      "after %.3f s", c ? (c->t - 10000) / 1000.0 : -1.0);
}

static void flapping(void)
{
	struct hl_params p;
	struct scenario sc = { .rtt_ms = 20, .flap_from = 10000, .flap_to = 40000, .flap_ms = 1000 };
	size_t damp, nodamp;
	const struct change *up;

	hl_params_default(&p);
	p.probes = true;
	sim_init(&S, &p, &sc);
	sim_run(&S, 120000);
	damp = state_changes(&S, 10000, 120000);
	CHECK(damp == 2 && S.v.state == 1,
	      "carrier flapping every 1 s for 30 s, probes on: up_after 3 rounds never reached "
	      "while it flaps: %zu state changes (down, up)", damp);
	p.probes = false;
	sim_init(&S, &p, &sc);
	sim_run(&S, 120000);
	damp = state_changes(&S, 10000, 120000);
	up = first_change(&S, 40000, 1, -1);
	CHECK(damp <= 8 && S.v.state == 1 && first_change(&S, 10000, 3, 7),
	      "carrier flapping every 1 s for 30 s, no probes, dampening on: %zu state changes, "
	      "then held down (dampened)", damp);
	CHECK(up && up->t - 40000 <= 41000,
	      "flapping over: up again %.1f s later (penalty capped at 4000, half-life 20 s, reuse 1000)",
	      up ? (up->t - 40000) / 1000.0 : -1.0);
	if (!up)
		dump_changes(&S);
	p.dampening = false;
	sim_init(&S, &p, &sc);
	sim_run(&S, 120000);
	nodamp = state_changes(&S, 10000, 120000);
	CHECK(nodamp >= 20, "the same without dampening: %zu state changes", nodamp);

	/* probe-level flapping: blackholes of 2.5 s every 5 s */
	hl_params_default(&p);
	p.probes = true;
	sim_init(&S, &p, &(struct scenario){ .rtt_ms = 20 });
	nodamp = 0;
	for (int i = 0; i < 6; i++) {
		S.sc.black_from = 10000 + i * 5000;
		S.sc.black_to = S.sc.black_from + 2500;
		sim_run(&S, S.sc.black_from + 5000);
	}
	sim_run(&S, 100000);
	damp = state_changes(&S, 10000, 100000);
	if (!CHECK(damp <= 8 && S.v.state == 1, "blackholes of 2.5 s every 5 s for 30 s: %zu state changes "
	      "(<= 8), up in the end", damp))
		dump_changes(&S);
}

static void passive_only(void)
{
	struct hl_params p;
	struct scenario sc = { .rtt_ms = 30, .syn_per_s = 10, .peer_answers = true,
			       .traffic_follows_health = true, .black_from = 10000,
			       .black_to = 40000 };
	const struct change *c, *prob, *down2, *up;

	hl_params_default(&p);
	p.probes = false;
	sim_init(&S, &p, &sc);
	sim_run(&S, 9000);
	CHECK(S.nch == 1 && S.v.state == 1, "passive only: up (none) at start");
	sim_run(&S, 80000);
	c = first_change(&S, 10000, 3, 5);
	CHECK(c && c->t - 10000 <= 1500,
	      "passive only, 10 new TCP connections/s, blackhole: down (passive) after %.3f s",
	      c ? (c->t - 10000) / 1000.0 : -1.0);
	prob = c ? first_change(&S, c->t, 2, 5) : NULL;
	CHECK(prob && prob->t - c->t >= 10000 && prob->t - c->t < 10100 && prob->health == 100,
	      "down uplink gets no SYNs: probation (degraded, score 100) after %.1f s",
	      prob && c ? (prob->t - c->t) / 1000.0 : -1.0);
	down2 = prob ? first_change(&S, prob->t, 3, 5) : NULL;
	c = down2 ? first_change(&S, down2->t, 2, 5) : NULL;
	CHECK(down2 && c && c->t - down2->t >= 20000 && c->t - down2->t < 20100,
	      "probation, still a blackhole: down (passive) again after %.1f s, next probation "
	      "after %.1f s (doubled)", down2 ? (down2->t - prob->t) / 1000.0 : -1.0,
	      c && down2 ? (c->t - down2->t) / 1000.0 : -1.0);
	up = first_change(&S, 40000, 1, 5);
	CHECK(up && S.v.state == 1, "blackhole over: the next probation's connections answered: "
	      "up (passive) at %.1f s", up ? up->t / 1000.0 : -1.0);
	if (!up)
		dump_changes(&S);

	/* not firing: nothing sent */
	sc.syn_per_s = 0;
	sim_init(&S, &p, &sc);
	sim_run(&S, 30000);
	CHECK(S.v.state == 1 && S.nch == 1, "passive: no new connections, no verdict (stays up)");
	/* not firing: every uplink silent */
	sc.syn_per_s = 10;
	sc.peer_answers = false;
	sim_init(&S, &p, &sc);
	sim_run(&S, 30000);
	CHECK(S.v.state == 1 && S.nch == 1,
	      "passive: no other uplink answers either (upstream of both, or a LAN problem): stays up");
	/* answers late but within the window: no verdict */
	sc.peer_answers = true;
	sc.black_from = sc.black_to = 0;
	sc.rtt_ms = 900;
	sim_init(&S, &p, &sc);
	sim_run(&S, 30000);
	CHECK(S.v.state == 1 && S.nch == 1, "passive: SYN-ACKs after 900 ms (< passive_window_ms): stays up");
}

static void passive_units(void)
{
	struct hl_params p;
	struct hl_engine *e = &S.e;
	struct hl_verdict v;

	hl_params_default(&p);
	hl_init(e, &p, true, 0);
	hl_eval(e, 0, &v);
	hl_syn_sample(e, 100, 90, 0, 0);		/* first sample: a baseline */
	hl_syn_sample(e, 103, 90, 50, 100);		/* 3 SYNs */
	hl_syn_sample(e, 103, 90, 1000, 1000);
	hl_eval(e, 1000, &v);
	CHECK(v.state == 1, "passive: 3 SYNs 900 ms old are still within the window");
	hl_syn_sample(e, 103, 91, 1050, 1050);		/* one answered: FIFO, the run is reset */
	hl_syn_sample(e, 103, 91, 1100, 1100);
	hl_eval(e, 1100, &v);
	CHECK(v.state == 1, "passive: an answer resets the run");
	hl_syn_sample(e, 106, 91, 1200, 1200);
	hl_syn_sample(e, 106, 91, 2200, 2200);
	hl_eval(e, 2200, &v);
	CHECK(v.state == 3 && v.reason == 5, "passive: 2 + 3 unanswered after the answer: down (passive)");
	hl_syn_sample(e, 5, 5, 2300, 2300);		/* counters went back: re-created */
	CHECK(e->unanswered == 0 && e->qn == 0, "passive: counters going back start over");
}

static void carrier(void)
{
	struct hl_params p;
	struct hl_engine *e = &S.e;
	struct hl_verdict v;

	hl_params_default(&p);
	p.probes = true;
	hl_init(e, &p, false, 0);
	CHECK(hl_eval(e, 0, &v) && v.state == 3 && v.reason == 6 && v.health == 0,
	      "device absent at start: down (carrier), health 0");
	hl_carrier(e, true, 100);
	hl_eval(e, 100, &v);
	CHECK(v.state == 3, "carrier back: still down until up_after rounds");
	for (int i = 0; i < 3; i++) {
		uint32_t id = hl_probe_sent(e, 200 + i * 500);

		hl_probe_answered(e, id, 20000, 220 + i * 500);
	}
	hl_eval(e, 1300, &v);
	CHECK(v.state == 1 && v.reason == 2 && v.health == 1000, "3 rounds answered: up (probes_ok)");
	hl_carrier(e, false, 1400);
	CHECK(hl_eval(e, 1400, &v) && v.state == 3 && v.reason == 6 && v.since_ms == 1400,
	      "carrier lost: down (carrier) at once, since stamped");
	p.probes = false;
	p.passive = false;
	hl_init(e, &p, true, 0);
	hl_eval(e, 0, &v);
	hl_carrier(e, false, 10);
	hl_eval(e, 10, &v);
	hl_carrier(e, true, 20);
	CHECK(hl_eval(e, 20, &v) && v.state == 1 && v.reason == 6,
	      "without probes: carrier back is up (carrier)");
	{
		uint32_t id;

		p.probes = true;
		hl_init(e, &p, true, 0);
		id = hl_probe_sent(e, 0);
		hl_probe_answered(e, id, 900000, 900);
		hl_eval(e, 900, &v);
		CHECK(v.loss == 10000 && v.rtt_us == 0, "an answer after timeout_ms is a loss");
	}
}

int main(void)
{
	t_begin("health");
	CHECK(!strcmp(hl_state_name(2), "degraded") && !strcmp(hl_reason_name(7), "dampened") &&
	      !hl_state_name(4) && !hl_reason_name(8), "state and reason names");
	blackhole_probes();
	lossy();
	latency();
	flapping();
	passive_only();
	passive_units();
	carrier();
	return t_end();
}
