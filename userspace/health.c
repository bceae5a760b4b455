// SPDX-License-Identifier: GPL-2.0
/* The link health engine: see health.h for the rules. Pure: no I/O. */
#include <math.h>
#include <string.h>
#include <linux/nfgate.h>

#include "health.h"

void hl_params_default(struct hl_params *p)
{
	memset(p, 0, sizeof(*p));
	p->interval_ms = 500;
	p->timeout_ms = 800;
	p->down_after = 3;
	p->up_after = 3;
	p->window = 20;
	p->loss_degraded = 10;
	p->loss_down = 50;
	p->degraded_health = 300;
	p->passive = true;
	p->passive_window_ms = 1000;
	p->passive_min = 3;
	p->passive_probation_s = 10;
	p->dampening = true;
	p->half_life_s = 20;
	p->suppress = 2500;
	p->reuse = 1000;
}

static const char *const state_names[] = {
	[NFGATE_HEALTH_UNKNOWN] = "unknown",
	[NFGATE_HEALTH_UP] = "up",
	[NFGATE_HEALTH_DEGRADED] = "degraded",
	[NFGATE_HEALTH_DOWN] = "down",
};

static const char *const reason_names[] = {
	[NFGATE_REASON_NONE] = "none",
	[NFGATE_REASON_PROBES_LOST] = "probes_lost",
	[NFGATE_REASON_PROBES_OK] = "probes_ok",
	[NFGATE_REASON_LOSS] = "loss",
	[NFGATE_REASON_LATENCY] = "latency",
	[NFGATE_REASON_PASSIVE] = "passive",
	[NFGATE_REASON_CARRIER] = "carrier",
	[NFGATE_REASON_DAMPENED] = "dampened",
};

const char *hl_state_name(unsigned int s)
{
	return s < sizeof(state_names) / sizeof(state_names[0]) ? state_names[s] : NULL;
}

const char *hl_reason_name(unsigned int r)
{
	return r < sizeof(reason_names) / sizeof(reason_names[0]) ? reason_names[r] : NULL;
}

void hl_init(struct hl_engine *e, const struct hl_params *p, bool carrier,
	     uint64_t now)
{
	memset(e, 0, sizeof(*e));
	e->p = *p;
	if (e->p.window < 1)
		e->p.window = 1;
	if (e->p.window > HL_WINDOW_MAX)
		e->p.window = HL_WINDOW_MAX;
	e->carrier = carrier;
	e->next_id = 1;
	e->win_start_id = 1;
	e->probation_mult = 1;
	e->penalty_t = now;
	e->v.state = NFGATE_HEALTH_UNKNOWN;
	e->v.reason = NFGATE_REASON_NONE;
	e->v.health = NFGATE_HEALTH_MAX;
	e->v.since_ms = now;
}

/* --- probe rounds ----------------------------------------------------------- */

static struct hl_round *round_at(struct hl_engine *e, uint32_t i)
{
	return &e->r[(e->head + i) % HL_RING];
}

uint32_t hl_probe_sent(struct hl_engine *e, uint64_t now)
{
	struct hl_round *r;

	if (e->count == HL_RING) {
		e->head = (e->head + 1) % HL_RING;
		e->count--;
	}
	r = round_at(e, e->count++);
	r->id = e->next_id++;
	r->sent_ms = now;
	r->rtt_us = 0;
	r->status = HL_PENDING;
	return r->id;
}

static struct hl_round *find_round(struct hl_engine *e, uint32_t id)
{
	uint32_t newest = e->next_id - 1, back;

	if (!e->count || id > newest)
		return NULL;
	back = newest - id;
	if (back >= e->count)
		return NULL;
	return round_at(e, e->count - 1 - back);
}

void hl_probe_answered(struct hl_engine *e, uint32_t id, uint32_t rtt_us,
		       uint64_t now)
{
	struct hl_round *r = find_round(e, id);
	double ms = rtt_us / 1000.0;

	(void)now;
	if (!r || r->status != HL_PENDING || rtt_us >= e->p.timeout_ms * 1000ULL)
		return;		/* unknown, lost already, or too late */
	r->status = HL_ANSWERED;
	r->rtt_us = rtt_us;
	if (!e->has_srtt) {
		e->srtt_ms = ms;
		e->rttvar_ms = ms / 2;
		e->has_srtt = true;
	} else {
		e->rttvar_ms = 0.75 * e->rttvar_ms + 0.25 * fabs(e->srtt_ms - ms);
		e->srtt_ms = 0.875 * e->srtt_ms + 0.125 * ms;
	}
}

static void expire_rounds(struct hl_engine *e, uint64_t now)
{
	for (uint32_t i = 0; i < e->count; i++) {
		struct hl_round *r = round_at(e, i);

		if (r->status == HL_PENDING && now - r->sent_ms >= e->p.timeout_ms)
			r->status = HL_LOST;
	}
}

struct stats {
	uint32_t results, lost, answered;
	uint32_t loss;			/* 1/100 % */
	uint32_t rtt_us, jitter_us;
	uint32_t miss_run, miss_final;	/* trailing lost rounds (+1 early) */
	uint32_t ok_run;		/* trailing answered rounds */
	uint32_t ok_run_first;		/* id of the first of them */
	uint32_t newest_result;		/* id, 0: none */
};

static uint64_t early_deadline(const struct hl_engine *e)
{
	double d;

	if (!e->has_srtt)
		return e->p.timeout_ms;
	d = 2 * e->srtt_ms + 4 * e->rttvar_ms;
	if (d < HL_EARLY_MIN_MS)
		d = HL_EARLY_MIN_MS;
	return d > e->p.timeout_ms ? e->p.timeout_ms : (uint64_t)d;
}

static void compute(struct hl_engine *e, uint64_t now, struct stats *s)
{
	uint64_t rtt_sum = 0, jit_sum = 0;
	uint32_t jit_n = 0, prev_rtt = 0;
	bool have_prev = false, miss_open = true, ok_open = true, early_used = false;
	uint64_t early = early_deadline(e);

	memset(s, 0, sizeof(*s));
	for (uint32_t i = e->count; i-- > 0;) {
		struct hl_round *r = round_at(e, i);

		if (r->id < e->win_start_id)
			break;
		if (r->status == HL_PENDING) {
			if (miss_open && !early_used && now - r->sent_ms >= early) {
				s->miss_run++;
				early_used = true;
			}
			continue;
		}
		if (!s->newest_result)
			s->newest_result = r->id;
		if (r->status == HL_LOST) {
			ok_open = false;
			if (miss_open) {
				s->miss_run++;
				s->miss_final++;
			}
		} else {
			miss_open = false;
			if (ok_open) {
				s->ok_run++;
				s->ok_run_first = r->id;
			}
		}
		if (s->results >= e->p.window)
			continue;	/* the runs may go on beyond the window */
		s->results++;
		if (r->status == HL_LOST) {
			s->lost++;
			continue;
		}
		s->answered++;
		rtt_sum += r->rtt_us;
		if (have_prev) {
			jit_sum += r->rtt_us > prev_rtt ? r->rtt_us - prev_rtt : prev_rtt - r->rtt_us;
			jit_n++;
		}
		prev_rtt = r->rtt_us;
		have_prev = true;
	}
	if (s->results)
		s->loss = (uint32_t)((uint64_t)s->lost * 10000 / s->results);
	if (s->answered)
		s->rtt_us = (uint32_t)(rtt_sum / s->answered);
	if (jit_n)
		s->jitter_us = (uint32_t)(jit_sum / jit_n);
}

/* --- passive ------------------------------------------------------------------ */

void hl_syn_sample(struct hl_engine *e, uint64_t sent, uint64_t answered,
		   uint64_t peer_answer_ms, uint64_t now)
{
	uint64_t dsent, dans, a;

	if (!e->p.passive)
		return;
	if (!e->syn_init || sent < e->syn_sent || answered < e->syn_answered) {
		/* first sample, or the uplink was re-created: start over */
		e->syn_init = true;
		e->syn_sent = sent;
		e->syn_answered = answered;
		e->qn = 0;
		e->unanswered = 0;
		return;
	}
	dsent = sent - e->syn_sent;
	dans = answered - e->syn_answered;
	e->syn_sent = sent;
	e->syn_answered = answered;
	if (dsent) {
		if (e->qn == HL_SYN_QUEUE) {
			e->q[(e->qhead + e->qn - 1) % HL_SYN_QUEUE].n += dsent;
		} else {
			struct hl_syn_batch *b = &e->q[(e->qhead + e->qn++) % HL_SYN_QUEUE];

			b->t = now;
			b->n = dsent;
		}
	}
	/* answers FIFO against the SYNs still waiting */
	for (a = dans; a && e->qn;) {
		struct hl_syn_batch *b = &e->q[e->qhead];
		uint64_t take = a < b->n ? a : b->n;

		b->n -= take;
		a -= take;
		if (!b->n) {
			e->qhead = (e->qhead + 1) % HL_SYN_QUEUE;
			e->qn--;
		}
	}
	if (dans) {
		/* an answer: the link carries something; the run starts over */
		e->last_answer_ms = now;
		e->unanswered = 0;
	}
	/* SYNs older than the window and not covered by answers */
	while (e->qn && now - e->q[e->qhead].t >= e->p.passive_window_ms) {
		e->unanswered += e->q[e->qhead].n;
		e->qhead = (e->qhead + 1) % HL_SYN_QUEUE;
		e->qn--;
	}
	(void)peer_answer_ms;
	e->peer_answer_ms = peer_answer_ms;
}

static bool passive_fires(const struct hl_engine *e, uint64_t now)
{
	return e->p.passive && e->unanswered >= e->p.passive_min &&
	       e->peer_answer_ms && now >= e->peer_answer_ms &&
	       now - e->peer_answer_ms <= HL_PEER_RECENT_MS;
}

/* --- verdict ------------------------------------------------------------------ */

double hl_penalty_max(const struct hl_params *p)
{
	double m = 4.0 * p->reuse;

	return m < p->suppress + HL_DAMP_PENALTY ? p->suppress + HL_DAMP_PENALTY : m;
}

static void decay(struct hl_engine *e, uint64_t now)
{
	if (now > e->penalty_t && e->penalty > 0 && e->p.half_life_s)
		e->penalty *= exp2(-(double)(now - e->penalty_t) / (e->p.half_life_s * 1000.0));
	e->penalty_t = now;
	if (e->penalty < 1)
		e->penalty = 0;
	if (e->v.suppressed && e->penalty < e->p.reuse)
		e->v.suppressed = false;
}

static void add_penalty(struct hl_engine *e, uint64_t now)
{
	if (!e->p.dampening)
		return;
	decay(e, now);
	e->penalty += HL_DAMP_PENALTY;
	if (e->penalty > hl_penalty_max(&e->p))
		e->penalty = hl_penalty_max(&e->p);
	if (e->penalty >= e->p.suppress)
		e->v.suppressed = true;
}

static void go(struct hl_engine *e, uint8_t state, uint8_t reason, uint64_t now)
{
	if (state == NFGATE_HEALTH_DOWN && e->v.state != NFGATE_HEALTH_DOWN &&
	    e->v.state != NFGATE_HEALTH_UNKNOWN)
		add_penalty(e, now);
	if (state != e->v.state)
		e->v.since_ms = now;
	if (state != NFGATE_HEALTH_DEGRADED)
		e->probation = false;
	e->v.state = state;
	e->v.reason = reason;
	e->good_streak = 0;
}

void hl_carrier(struct hl_engine *e, bool up, uint64_t now)
{
	if (up == e->carrier)
		return;
	e->carrier = up;
	/* the rounds before are no evidence about the link as it is now */
	e->win_start_id = e->next_id;
	e->good_streak = 0;
	if (!up && e->v.state == NFGATE_HEALTH_DOWN &&
	    (e->v.reason == NFGATE_REASON_CARRIER || e->v.reason == NFGATE_REASON_DAMPENED))
		add_penalty(e, now);	/* it came back and went again: a flap */
}

/* Score of one metric: degraded_health at its degraded limit, falling to a
 * tenth of that at the down limit; 1000 if the metric is not judged. */
static uint32_t metric_score(const struct hl_engine *e, uint64_t val,
			     uint64_t deg, uint64_t down)
{
	uint32_t dh = e->p.degraded_health, lo = dh / 10 ? dh / 10 : 1;
	double f;

	if (!deg)
		return NFGATE_HEALTH_MAX;
	if (val <= deg || !down || down <= deg)
		return dh;
	f = (double)(val - deg) / (double)(down - deg);
	if (f > 1)
		f = 1;
	return (uint32_t)(dh - f * (dh - lo) + 0.5);
}

static uint32_t score(const struct hl_engine *e, const struct stats *s)
{
	uint32_t a, b;

	switch (e->v.state) {
	case NFGATE_HEALTH_DOWN:
		return 0;
	case NFGATE_HEALTH_DEGRADED:
		if (e->probation)
			return HL_PROBATION_HEALTH;
		a = metric_score(e, s->loss, e->p.loss_degraded * 100ULL, e->p.loss_down * 100ULL);
		b = s->answered ? metric_score(e, s->rtt_us, e->p.rtt_degraded_ms * 1000ULL,
					       e->p.rtt_down_ms * 1000ULL) : NFGATE_HEALTH_MAX;
		a = a < b ? a : b;
		if (a > e->p.degraded_health)
			a = e->p.degraded_health;
		return a ? a : 1;	/* 0 would make the module flush it */
	default:
		return NFGATE_HEALTH_MAX;
	}
}

bool hl_eval(struct hl_engine *e, uint64_t now, struct hl_verdict *out)
{
	const struct hl_params *p = &e->p;
	uint8_t old_state = e->v.state, old_reason = e->v.reason;
	bool judged, loss_deg, rtt_deg, loss_down, rtt_down, misses, recovered;
	bool metrics_ok, new_result;
	struct stats s;

	expire_rounds(e, now);
	compute(e, now, &s);
	decay(e, now);
	new_result = s.newest_result && s.newest_result != e->last_result_id;
	e->last_result_id = s.newest_result;

	judged = p->probes && s.results >= (p->window + 1) / 2;
	loss_deg = judged && p->loss_degraded && s.loss >= p->loss_degraded * 100;
	loss_down = judged && p->loss_down && s.loss >= p->loss_down * 100;
	rtt_deg = judged && s.answered && p->rtt_degraded_ms &&
		  s.rtt_us >= p->rtt_degraded_ms * 1000;
	rtt_down = judged && s.answered && p->rtt_down_ms && s.rtt_us >= p->rtt_down_ms * 1000;
	metrics_ok = judged &&
		     (!p->loss_degraded || s.loss * 2 < p->loss_degraded * 100) &&
		     (!p->rtt_degraded_ms || !s.answered ||
		      s.rtt_us * 10ULL < p->rtt_degraded_ms * 8000ULL);
	misses = p->probes && s.miss_run >= p->down_after &&
		 s.miss_final + 1 >= p->down_after;

	if (!e->carrier) {
		if (e->v.state != NFGATE_HEALTH_DOWN || e->v.reason != NFGATE_REASON_CARRIER)
			go(e, NFGATE_HEALTH_DOWN, NFGATE_REASON_CARRIER, now);
	} else if (passive_fires(e, now) && e->v.state != NFGATE_HEALTH_DOWN) {
		go(e, NFGATE_HEALTH_DOWN, NFGATE_REASON_PASSIVE, now);
		e->passive_down = true;
		e->unanswered = 0;
		e->hold_until = now + (uint64_t)p->passive_probation_s * 1000 * e->probation_mult;
		if (e->probation_mult < 8)
			e->probation_mult *= 2;
	} else if (e->v.state == NFGATE_HEALTH_DOWN) {
		bool held = e->passive_down && now < e->hold_until;

		if (!p->probes) {
			recovered = !held;
		} else if (e->v.reason == NFGATE_REASON_LOSS || e->v.reason == NFGATE_REASON_LATENCY) {
			recovered = s.ok_run >= p->up_after && judged &&
				    (!p->loss_down || s.loss * 10ULL < p->loss_down * 800ULL) &&
				    (!p->rtt_down_ms || !s.answered ||
				     s.rtt_us * 10ULL < p->rtt_down_ms * 8000ULL);
		} else {
			recovered = s.ok_run >= p->up_after;
		}
		if (held)
			recovered = false;
		/* SYNs from before the verdict do not count against a probation */
		e->unanswered = 0;
		if (misses && e->v.reason == NFGATE_REASON_DAMPENED) {
			/* held down, came back and failed again: still flapping */
			add_penalty(e, now);
			go(e, NFGATE_HEALTH_DOWN, NFGATE_REASON_PROBES_LOST, now);
			recovered = false;
		}
		if (recovered && e->v.suppressed) {
			if (e->v.reason != NFGATE_REASON_DAMPENED)
				go(e, NFGATE_HEALTH_DOWN, NFGATE_REASON_DAMPENED, now);
		} else if (recovered && !p->probes && e->passive_down) {
			/* probation: let a few connections try it */
			go(e, NFGATE_HEALTH_DEGRADED, NFGATE_REASON_PASSIVE, now);
			e->probation = true;
			e->hold_until = now;
			e->qn = 0;
		} else if (recovered && !p->probes) {
			go(e, NFGATE_HEALTH_UP, NFGATE_REASON_CARRIER, now);
		} else if (recovered) {
			bool by_metrics = e->v.reason == NFGATE_REASON_LOSS ||
					  e->v.reason == NFGATE_REASON_LATENCY;

			if (!by_metrics)
				e->win_start_id = s.ok_run_first;	/* a fresh window */
			e->passive_down = false;
			if (by_metrics && loss_deg)
				go(e, NFGATE_HEALTH_DEGRADED, NFGATE_REASON_LOSS, now);
			else if (by_metrics && rtt_deg)
				go(e, NFGATE_HEALTH_DEGRADED, NFGATE_REASON_LATENCY, now);
			else
				go(e, NFGATE_HEALTH_UP, NFGATE_REASON_PROBES_OK, now);
		}
	} else if (e->probation) {
		if (e->last_answer_ms > e->hold_until) {
			go(e, NFGATE_HEALTH_UP, NFGATE_REASON_PASSIVE, now);
			e->passive_down = false;
			e->probation_mult = 1;
		}
	} else if (p->probes) {
		if (misses) {
			go(e, NFGATE_HEALTH_DOWN, NFGATE_REASON_PROBES_LOST, now);
		} else if (loss_down) {
			go(e, NFGATE_HEALTH_DOWN, NFGATE_REASON_LOSS, now);
		} else if (rtt_down) {
			go(e, NFGATE_HEALTH_DOWN, NFGATE_REASON_LATENCY, now);
		} else if (e->v.state == NFGATE_HEALTH_UNKNOWN) {
			if (s.ok_run >= p->up_after)
				go(e, NFGATE_HEALTH_UP, NFGATE_REASON_PROBES_OK, now);
		} else if (e->v.state == NFGATE_HEALTH_UP) {
			if (loss_deg)
				go(e, NFGATE_HEALTH_DEGRADED, NFGATE_REASON_LOSS, now);
			else if (rtt_deg)
				go(e, NFGATE_HEALTH_DEGRADED, NFGATE_REASON_LATENCY, now);
		} else if (new_result) {	/* DEGRADED */
			if (metrics_ok)
				e->good_streak++;
			else
				e->good_streak = 0;
			if (e->good_streak >= p->up_after)
				go(e, NFGATE_HEALTH_UP, NFGATE_REASON_PROBES_OK, now);
		}
	} else if (e->v.state == NFGATE_HEALTH_UNKNOWN) {
		go(e, NFGATE_HEALTH_UP, NFGATE_REASON_NONE, now);
	}

	e->v.health = score(e, &s);
	e->v.loss = s.loss;
	e->v.rtt_us = s.rtt_us;
	e->v.jitter_us = s.jitter_us;
	e->v.results = s.results;
	e->v.penalty = (uint32_t)e->penalty;
	if (out)
		*out = e->v;
	return e->v.state != old_state || e->v.reason != old_reason;
}
