/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The link health engine of nfgated: pure logic, no clock, no socket. It is
 * fed timestamped events (a probe round sent / answered with its RTT, the
 * kernel's SYN counters, carrier changes) and asked for its verdict at a
 * given time: state (unknown/up/degraded/down), the reason of the last
 * change, the 0..NFGATE_HEALTH_MAX score the module multiplies into the
 * uplink's weight, and loss / RTT / jitter over the probe window. Times are
 * milliseconds of any monotonic clock (nfgated: CLOCK_BOOTTIME).
 *
 * Rules (defaults in brackets, keys of [uplink NAME]):
 *  - A probe round not answered within timeout_ms [800] is lost. down_after
 *    [3] consecutive lost rounds: DOWN (probes_lost). The newest round may
 *    count early, once the rounds before it are lost for good and it is
 *    older than the early deadline max(HL_EARLY_MIN_MS, 2 * srtt +
 *    4 * rttvar) (capped at timeout_ms): ~1.3..1.8 s instead of
 *    1.8..2.3 s after a blackhole starts with interval_ms [500].
 *  - Loss, RTT (mean) and jitter (mean |RTT difference| of successive
 *    answered rounds) over the last `window` [20] finished rounds, judged
 *    once the window holds at least half of that. loss >= loss_down [50] %
 *    or rtt >= rtt_down_ms [0: off]: DOWN (loss / latency); loss >=
 *    loss_degraded [10] % or rtt >= rtt_degraded_ms [0: off]: DEGRADED.
 *    Back to UP only once loss < loss_degraded / 2 and rtt < 80 % of
 *    rtt_degraded_ms for up_after [3] consecutive rounds (hysteresis).
 *  - Score: UP 1000; DOWN 0; DEGRADED degraded_health [300] at the degraded
 *    limit, falling linearly to degraded_health / 10 at the down limit
 *    (flat when that limit is off); the lower of the loss and RTT scores.
 *  - From DOWN: up_after [3] consecutive answered rounds (probes_ok); after
 *    a loss / latency down the window must also be back under 80 % of the
 *    down limits; after any other down the window starts afresh.
 *  - Carrier (device gone, down, no carrier): DOWN (carrier) at once; on
 *    its return UP (carrier) without probes, else wait for up_after rounds.
 *  - Passive (passive [on]): the kernel's SYN_SENT / SYN_ANSWERED counters,
 *    sampled (~100 ms). Answers are matched FIFO to the SYNs sent; a SYN
 *    older than passive_window_ms [1000] not covered by an answer is
 *    unanswered. passive_min [3] unanswered with no answer since the first
 *    of them, while another uplink got an answer in the last
 *    HL_PEER_RECENT_MS: DOWN (passive). Nothing sent, or no other uplink
 *    answering (everything silent: not this link's fault): nothing happens.
 *    A down uplink gets no new SYNs, so after passive_probation_s [10]
 *    (doubling on each failed try, up to 8x) it is put on probation:
 *    DEGRADED (passive) with score HL_PROBATION_HEALTH, so a few new
 *    connections try it; one answered: UP (passive); passive_min
 *    unanswered again: DOWN (passive). With probes the hold is the same,
 *    then the probes decide.
 *  - Dampening (dampening [on]): each transition to DOWN (and each failure
 *    again while held down) adds HL_DAMP_PENALTY (1000) to a penalty that
 *    halves every half_life_s [20] s, capped at max(4 * reuse, suppress +
 *    1000). A down with the penalty >= suppress [2500] suppresses the
 *    uplink: it stays DOWN (dampened) until the penalty decays below reuse
 *    [1000]. Two downs in a row do not suppress (1000 + < 1000), a third
 *    within ~20 s does; the hold after a flapping stops is at most 2
 *    half-lives (40 s: the cap, 4000, decays to 1000).
 */
#ifndef NFG_HEALTH_H
#define NFG_HEALTH_H

#include <stdbool.h>
#include <stdint.h>

#define HL_RING			1024	/* probe rounds remembered */
#define HL_WINDOW_MAX		1000
#define HL_EARLY_MIN_MS		250
#define HL_PEER_RECENT_MS	5000
#define HL_PROBATION_HEALTH	100
#define HL_DAMP_PENALTY		1000
#define HL_SYN_QUEUE		64	/* batches of SYNs awaiting an answer */

struct hl_params {
	bool probes;			/* track hosts configured */
	uint32_t interval_ms;		/* 500 */
	uint32_t timeout_ms;		/* 800 */
	uint32_t down_after;		/* 3 */
	uint32_t up_after;		/* 3 */
	uint32_t window;		/* 20 rounds */
	uint32_t loss_degraded;		/* 10 %, 0: off */
	uint32_t loss_down;		/* 50 %, 0: off */
	uint32_t rtt_degraded_ms;	/* 0: off */
	uint32_t rtt_down_ms;		/* 0: off */
	uint32_t degraded_health;	/* 300 */
	bool passive;			/* on */
	uint32_t passive_window_ms;	/* 1000 */
	uint32_t passive_min;		/* 3 */
	uint32_t passive_probation_s;	/* 10 */
	bool dampening;			/* on */
	uint32_t half_life_s;		/* 20 */
	uint32_t suppress;		/* 2500 */
	uint32_t reuse;			/* 1000 */
};

void hl_params_default(struct hl_params *p);
/* The ceiling of the dampening penalty. */
double hl_penalty_max(const struct hl_params *p);

struct hl_verdict {
	uint8_t state;			/* enum nfgate_health_state */
	uint8_t reason;			/* enum nfgate_health_reason */
	uint32_t health;		/* 0..NFGATE_HEALTH_MAX */
	uint32_t loss;			/* 1/100 % over the window */
	uint32_t rtt_us, jitter_us;	/* 0: no answered round in the window */
	uint32_t results;		/* finished rounds in the window */
	uint64_t since_ms;		/* of the last state change */
	uint32_t penalty;		/* dampening, now */
	bool suppressed;
};

enum hl_round_status { HL_PENDING, HL_ANSWERED, HL_LOST };

struct hl_round {
	uint32_t id;
	uint64_t sent_ms;
	uint32_t rtt_us;
	uint8_t status;
};

struct hl_syn_batch {
	uint64_t t;			/* sample time the SYNs were seen */
	uint64_t n;			/* still unanswered */
};

struct hl_engine {
	struct hl_params p;
	struct hl_verdict v;
	bool carrier;
	/* probe rounds: ring, oldest at head */
	struct hl_round r[HL_RING];
	uint32_t head, count, next_id;
	uint32_t win_start_id;		/* rounds before it are not judged */
	uint32_t good_streak;		/* results under the recovery limits */
	uint32_t last_result_id;	/* newest finished round seen by eval */
	bool has_result;
	double srtt_ms, rttvar_ms;	/* RFC 6298 smoothing, for the early deadline */
	bool has_srtt;
	/* passive */
	bool syn_init;
	uint64_t syn_sent, syn_answered;
	struct hl_syn_batch q[HL_SYN_QUEUE];
	uint32_t qhead, qn;
	uint64_t unanswered;		/* run of unanswered SYNs, no answer since */
	uint64_t last_answer_ms;	/* a SYN of this uplink answered */
	uint64_t peer_answer_ms;	/* ... of another uplink, last sample */
	bool passive_down;
	bool probation;			/* trying again after a passive down */
	uint64_t hold_until;		/* passive hold / probation start */
	uint32_t probation_mult;
	/* dampening */
	double penalty;
	uint64_t penalty_t;
};

void hl_init(struct hl_engine *e, const struct hl_params *p, bool carrier,
	     uint64_t now);
/* A probe round goes out now; returns its id for hl_probe_answered(). */
uint32_t hl_probe_sent(struct hl_engine *e, uint64_t now);
/* Round id answered (any host of it) after rtt_us; late answers ignored. */
void hl_probe_answered(struct hl_engine *e, uint32_t id, uint32_t rtt_us,
		       uint64_t now);
/* The device appeared/came up with carrier (true) or not (false). */
void hl_carrier(struct hl_engine *e, bool up, uint64_t now);
/*
 * The kernel's counters of this uplink (monotonic) and the last time any
 * other uplink had one of its SYNs answered (0: never).
 */
void hl_syn_sample(struct hl_engine *e, uint64_t sent, uint64_t answered,
		   uint64_t peer_answer_ms, uint64_t now);
/* Evaluates at now; *v is the verdict. Returns true if state or reason changed. */
bool hl_eval(struct hl_engine *e, uint64_t now, struct hl_verdict *v);

const char *hl_state_name(unsigned int state);	/* "unknown", "up", ... */
const char *hl_reason_name(unsigned int reason);	/* "none", "probes_lost", ... */

#endif
