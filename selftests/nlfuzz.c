// SPDX-License-Identifier: GPL-2.0
/*
 * nlfuzz: a generic netlink fuzzer for the nfgate family, run in the test
 * VM by selftests/nlfuzz.sh.
 *
 * It knows the family from include/uapi/linux/nfgate.h: a table per nest
 * of every attribute (its kind, its valid range, read-only or not) and a
 * table of every command. The tables are checked against the header's
 * *_MAX values at compile time, so a new command or attribute does not
 * build until it is described here.
 *
 * Messages come in four classes:
 *   valid    every command with a well-formed request, values mostly in
 *            range (boundaries, one past them, random), so the doit and
 *            dump handlers and the objects behind them are exercised;
 *   random   random command numbers, flags, attribute types (with and
 *            without NLA_F_NESTED), lengths and payloads, nested a few
 *            levels deep;
 *   mutated  a valid message with 1-4 mutations: an attribute's length
 *            or type changed, bytes flipped, a truncated tail, garbage
 *            appended, an attribute repeated, the payload wrapped in up to
 *            40 levels of nesting, genl header fields changed;
 *   framing  a netlink header that lies about its length (the kernel
 *            drops it silently).
 * They go out in batches (one send() carries several messages), each batch
 * closed by a sentinel request (STATS_GET with an ACK) whose answer must
 * come back: the family keeps answering. Every answer is checked: a sane
 * length and type, an error code that is negative and one of the codes the
 * family and the netlink core give (anything else is "unexpected").
 * Workers (-j) fuzz the same namespace concurrently; a listener subscribed
 * to the events group reads and checks every event meanwhile (events are
 * only built when someone listens).
 *
 * --verify N then clears the namespace and does N set/get round trips of
 * random valid values, one object at a time, comparing what is read back.
 *
 * Output: "nlfuzz: ..." figure lines; exit 0 when nothing unexpected was
 * seen, 1 otherwise, 2 on a usage or setup error.
 */
#include <errno.h>
#include <getopt.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/nfgate.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define MSG_MAX		(64 * 1024)
#define BATCH_MAX	16
#define RCVBUF		(4 * 1024 * 1024)
#define REPLY_TIMEOUT_MS 20000
#define WORKERS_MAX	8
#define NEST_DEPTH_MAX	40

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK	11
#endif
#ifndef NETLINK_GET_STRICT_CHK
#define NETLINK_GET_STRICT_CHK 12
#endif

/* ---- randomness (xorshift64*, reproducible from -s) ---------------------- */

static uint64_t rng_state;

static uint64_t rnd64(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545F4914F6CDD1DULL;
}

static uint32_t rnd(uint32_t n)	/* 0..n-1 */
{
	return n ? (uint32_t)((rnd64() >> 32) % n) : 0;
}

static bool chance(unsigned int pct)
{
	return rnd(100) < pct;
}

static void rnd_bytes(void *p, size_t n)
{
	uint8_t *b = p;

	while (n--)
		*b++ = (uint8_t)rnd64();
}

/* ---- the family, from the uapi header ------------------------------------- */

enum kind {
	K_U8, K_U16, K_U32, K_U64, K_BE16, K_BE32,
	K_IFNAME,	/* NLA_NUL_STRING, IFNAMSIZ - 1 */
	K_PREFIX6,	/* struct nfgate_prefix6 */
	K_NEST,		/* a nest whose contents are described elsewhere */
};

struct attr_spec {
	const char *name;
	enum kind kind;
	uint64_t min, max;	/* valid range of a number */
	bool ro;		/* read-only: refused in a request */
};

#define NUM(t, k, lo, hi)	[t] = { #t, k, lo, hi, false }
#define RO(t, k)		[t] = { #t, k, 0, 0, true }

static const struct attr_spec lan_attrs[NFGATE_LAN_A_MAX + 1] = {
	NUM(NFGATE_LAN_A_IFNAME, K_IFNAME, 0, 0),
	NUM(NFGATE_LAN_A_IFINDEX, K_U32, 1, UINT32_MAX),
	NUM(NFGATE_LAN_A_ADDR, K_BE32, 0, UINT32_MAX),
	NUM(NFGATE_LAN_A_PREFIXLEN, K_U8, 0, 32),
};

static const struct attr_spec uplink_attrs[NFGATE_UPLINK_A_MAX + 1] = {
	NUM(NFGATE_UPLINK_A_IFNAME, K_IFNAME, 0, 0),
	RO(NFGATE_UPLINK_A_IFINDEX, K_U32),
	NUM(NFGATE_UPLINK_A_TIER, K_U8, 0, NFGATE_TIER_MAX),
	NUM(NFGATE_UPLINK_A_WEIGHT, K_U32, 0, NFGATE_WEIGHT_MAX),
	NUM(NFGATE_UPLINK_A_HEALTH, K_U32, 0, NFGATE_HEALTH_MAX),
	NUM(NFGATE_UPLINK_A_ADMIN, K_U8, 0, NFGATE_ADMIN_MAX),
	RO(NFGATE_UPLINK_A_OPER, K_U8),
	RO(NFGATE_UPLINK_A_EFF_WEIGHT, K_U32),
	RO(NFGATE_UPLINK_A_ADDR, K_BE32),
	RO(NFGATE_UPLINK_A_FLOWS, K_U32),
	RO(NFGATE_UPLINK_A_CHANGED_MS, K_U64),
	RO(NFGATE_UPLINK_A_TX_PACKETS, K_U64),
	RO(NFGATE_UPLINK_A_TX_BYTES, K_U64),
	RO(NFGATE_UPLINK_A_RX_PACKETS, K_U64),
	RO(NFGATE_UPLINK_A_RX_BYTES, K_U64),
	RO(NFGATE_UPLINK_A_PAD, K_U64),
	RO(NFGATE_UPLINK_A_ID, K_U8),
	RO(NFGATE_UPLINK_A_USABLE, K_U8),
	NUM(NFGATE_UPLINK_A_HEALTH_STATE, K_U8, 0, NFGATE_HEALTH_STATE_MAX),
	NUM(NFGATE_UPLINK_A_HEALTH_REASON, K_U8, 0, NFGATE_REASON_MAX),
	RO(NFGATE_UPLINK_A_HEALTH_SINCE_MS, K_U64),
	NUM(NFGATE_UPLINK_A_PROBE_LOSS, K_U32, 0, 10000),
	NUM(NFGATE_UPLINK_A_PROBE_RTT_US, K_U32, 0, UINT32_MAX),
	NUM(NFGATE_UPLINK_A_PROBE_JITTER_US, K_U32, 0, UINT32_MAX),
	RO(NFGATE_UPLINK_A_SYN_SENT, K_U64),
	RO(NFGATE_UPLINK_A_SYN_ANSWERED, K_U64),
};

static const struct attr_spec settings_attrs[NFGATE_SETTINGS_A_MAX + 1] = {
	NUM(NFGATE_SETTINGS_A_MARK_MASK, K_U32, 0, UINT32_MAX),
	NUM(NFGATE_SETTINGS_A_SKIP_MARK, K_U32, 0, UINT32_MAX),
	NUM(NFGATE_SETTINGS_A_FAILOVER_RST, K_U8, 0, 1),
	NUM(NFGATE_SETTINGS_A_HOLDDOWN_MS, K_U32, 0, NFGATE_HOLDDOWN_MS_MAX),
	NUM(NFGATE_SETTINGS_A_STICKY_MS, K_U32, 0, NFGATE_STICKY_MS_MAX),
};

static const struct attr_spec forward_attrs[NFGATE_FORWARD_A_MAX + 1] = {
	NUM(NFGATE_FORWARD_A_PROTO, K_U8, 0, UINT8_MAX),
	NUM(NFGATE_FORWARD_A_PORT, K_BE16, 1, UINT16_MAX),
	NUM(NFGATE_FORWARD_A_TO_ADDR, K_BE32, 0, UINT32_MAX),
	NUM(NFGATE_FORWARD_A_TO_PORT, K_BE16, 1, UINT16_MAX),
	NUM(NFGATE_FORWARD_A_UPLINK, K_IFNAME, 0, 0),
	RO(NFGATE_FORWARD_A_HITS, K_U64),
	RO(NFGATE_FORWARD_A_PAD, K_U64),
};

static const struct attr_spec dns_attrs[NFGATE_DNS_A_MAX + 1] = {
	NUM(NFGATE_DNS_A_MODE, K_U8, 0, NFGATE_DNS_MODE_MAX - 1),
	NUM(NFGATE_DNS_A_MODE_ROUTER, K_U8, 0, NFGATE_DNS_MODE_MAX),
	NUM(NFGATE_DNS_A_HOLD_MS, K_U32, 0, NFGATE_DNS_HOLD_MS_MAX),
	NUM(NFGATE_DNS_A_HOLD_MAX, K_U32, 1, NFGATE_DNS_HOLD_MAX_MAX),
	NUM(NFGATE_DNS_A_HOLD_PER_CLIENT, K_U32, 1, NFGATE_DNS_HOLD_MAX_MAX),
	NUM(NFGATE_DNS_A_EXPIRE_DROP, K_U8, 0, 1),
	NUM(NFGATE_DNS_A_TTL_SLACK, K_U8, 0, UINT8_MAX),
	NUM(NFGATE_DNS_A_FAST_PCT, K_U8, 0, 100),
	NUM(NFGATE_DNS_A_DROP_SCORE, K_U8, 0, NFGATE_DNS_SIG_COUNT),
	RO(NFGATE_DNS_A_FORGED4, K_U32),
	RO(NFGATE_DNS_A_FORGED6, K_U32),
	RO(NFGATE_DNS_A_HELD, K_U32),
	RO(NFGATE_DNS_A_QUERIES, K_U32),
	RO(NFGATE_DNS_A_RESOLVERS, K_U32),
};

static const struct attr_spec forged_attrs[NFGATE_FORGED_A_MAX + 1] = {
	NUM(NFGATE_FORGED_A_ADDR4, K_BE32, 1, UINT32_MAX),
	NUM(NFGATE_FORGED_A_PREFIX6, K_PREFIX6, 0, 128),
};

/* Sent by the kernel only (events); refused in requests. */
static const struct attr_spec dns_reply_attrs[NFGATE_DNS_REPLY_A_MAX + 1] = {
	RO(NFGATE_DNS_REPLY_A_VERDICT, K_U8),
	RO(NFGATE_DNS_REPLY_A_SIGNALS, K_U32),
	RO(NFGATE_DNS_REPLY_A_RESOLVER, K_BE32),
	RO(NFGATE_DNS_REPLY_A_CLIENT, K_BE32),
	RO(NFGATE_DNS_REPLY_A_UPLINK, K_IFNAME),
	RO(NFGATE_DNS_REPLY_A_QNAME, K_IFNAME),
	RO(NFGATE_DNS_REPLY_A_QTYPE, K_U16),
	RO(NFGATE_DNS_REPLY_A_ANSWER4, K_BE32),
	RO(NFGATE_DNS_REPLY_A_ANSWER6, K_PREFIX6),
	RO(NFGATE_DNS_REPLY_A_IP_TTL, K_U8),
	RO(NFGATE_DNS_REPLY_A_IP_ID, K_U16),
	RO(NFGATE_DNS_REPLY_A_DF, K_U8),
	RO(NFGATE_DNS_REPLY_A_FLAGS, K_U16),
	RO(NFGATE_DNS_REPLY_A_LEAD_US, K_U32),
};

static const struct attr_spec tunnel_attrs[NFGATE_TUNNEL_A_MAX + 1] = {
	NUM(NFGATE_TUNNEL_A_ENABLED, K_U8, 0, 1),
	NUM(NFGATE_TUNNEL_A_STATE, K_U8, 0, NFGATE_TUNNEL_STATE_MAX),
	RO(NFGATE_TUNNEL_A_SINCE_MS, K_U64),
	NUM(NFGATE_TUNNEL_A_FAIL, K_U8, 0, NFGATE_TUNNEL_FAIL_MAX),
	NUM(NFGATE_TUNNEL_A_ACTIVE, K_U8, 0, NFGATE_TUNNEL_SERVERS_MAX),
	NUM(NFGATE_TUNNEL_A_UDP, K_U8, 0, 1),
	NUM(NFGATE_TUNNEL_A_UDP_MARK, K_U32, 1, UINT32_MAX),
	NUM(NFGATE_TUNNEL_A_CHECK_MARK, K_U32, 0, UINT32_MAX),
	NUM(NFGATE_TUNNEL_A_SERVERS, K_NEST, 0, 0),
	RO(NFGATE_TUNNEL_A_SERVER, K_NEST),
	RO(NFGATE_TUNNEL_A_LIST, K_NEST),
	RO(NFGATE_TUNNEL_A_FLOWS, K_U32),
	RO(NFGATE_TUNNEL_A_PAD, K_U8),
};

/* PREFIX4 is a struct nfgate_prefix4, 8 bytes: sent as a 64-bit number. */
static const struct attr_spec prefixes_attrs[NFGATE_PREFIXES_A_MAX + 1] = {
	NUM(NFGATE_PREFIXES_A_LIST, K_U8, 0, NFGATE_LIST_MAX),
	NUM(NFGATE_PREFIXES_A_FLAGS, K_U32, 0, __NFGATE_PREFIXES_F_ALL),
	NUM(NFGATE_PREFIXES_A_PREFIX4, K_U64, 0, UINT64_MAX),
	NUM(NFGATE_PREFIXES_A_TAG, K_U64, 0, UINT64_MAX),
	RO(NFGATE_PREFIXES_A_PAD, K_U8),
};

static const struct attr_spec lookup_attrs[NFGATE_LOOKUP_A_MAX + 1] = {
	NUM(NFGATE_LOOKUP_A_DADDR, K_BE32, 0, UINT32_MAX),
	NUM(NFGATE_LOOKUP_A_SADDR, K_BE32, 0, UINT32_MAX),
	RO(NFGATE_LOOKUP_A_VERDICT, K_U8),
	RO(NFGATE_LOOKUP_A_REASON, K_U8),
};

/* Sent by the kernel only (the HOST_GET dump). */
static const struct attr_spec host_attrs[NFGATE_HOST_A_MAX + 1] = {
	RO(NFGATE_HOST_A_ADDR, K_BE32),
	RO(NFGATE_HOST_A_TX_PACKETS, K_U64),
	RO(NFGATE_HOST_A_TX_BYTES, K_U64),
	RO(NFGATE_HOST_A_RX_PACKETS, K_U64),
	RO(NFGATE_HOST_A_RX_BYTES, K_U64),
	RO(NFGATE_HOST_A_PAD, K_U8),
};

static const struct attr_spec trace_attrs[NFGATE_TRACE_A_MAX + 1] = {
	NUM(NFGATE_TRACE_A_ON, K_U8, 0, 1),
	NUM(NFGATE_TRACE_A_HOST, K_BE32, 0, UINT32_MAX),
	NUM(NFGATE_TRACE_A_PORT, K_BE16, 0, UINT16_MAX),
	RO(NFGATE_TRACE_A_STAGE, K_U8),
	RO(NFGATE_TRACE_A_DECISION, K_U8),
	RO(NFGATE_TRACE_A_FLOW, K_U32),
	RO(NFGATE_TRACE_A_IPID, K_U16),
	RO(NFGATE_TRACE_A_TIME_NS, K_U64),
	RO(NFGATE_TRACE_A_PAD, K_U8),
	RO(NFGATE_TRACE_A_SADDR, K_BE32),
	RO(NFGATE_TRACE_A_DADDR, K_BE32),
	RO(NFGATE_TRACE_A_PROTO, K_U8),
	RO(NFGATE_TRACE_A_SPORT, K_BE16),
	RO(NFGATE_TRACE_A_DPORT, K_BE16),
	RO(NFGATE_TRACE_A_DEV, K_IFNAME),
	RO(NFGATE_TRACE_A_UPLINK, K_IFNAME),
	RO(NFGATE_TRACE_A_REASON, K_U8),
	RO(NFGATE_TRACE_A_SERVER, K_IFNAME),
};

struct nest_spec {
	const struct attr_spec *attrs;
	unsigned int max;
};

#define NEST(t, a)	[t] = { { #t, K_NEST, 0, 0, false }, { a, ARRAY_SIZE(a) - 1 } }
#define TOP(t, k, ro)	[t] = { { #t, k, 0, 0, ro }, { NULL, 0 } }

static const struct {
	struct attr_spec a;
	struct nest_spec nest;
} top_attrs[NFGATE_A_MAX + 1] = {
	NEST(NFGATE_A_LAN, lan_attrs),
	NEST(NFGATE_A_UPLINK, uplink_attrs),
	TOP(NFGATE_A_STATS, K_NEST, true),
	TOP(NFGATE_A_EVENT, K_U32, true),
	TOP(NFGATE_A_GENERATION, K_U32, true),
	NEST(NFGATE_A_SETTINGS, settings_attrs),
	NEST(NFGATE_A_FORWARD, forward_attrs),
	TOP(NFGATE_A_FLUSHED, K_U32, true),
	TOP(NFGATE_A_RESETS, K_U32, true),
	NEST(NFGATE_A_DNS, dns_attrs),
	NEST(NFGATE_A_FORGED, forged_attrs),
	NEST(NFGATE_A_DNS_REPLY, dns_reply_attrs),
	NEST(NFGATE_A_TUNNEL, tunnel_attrs),
	NEST(NFGATE_A_PREFIXES, prefixes_attrs),
	NEST(NFGATE_A_LOOKUP, lookup_attrs),
	NEST(NFGATE_A_HOST, host_attrs),
	NEST(NFGATE_A_TRACE, trace_attrs),
};

/*
 * The tables are sized by the header's enums; tables_complete() checks at
 * start that every entry is filled in: a new command or attribute in the
 * header stops the fuzzer until it is described here.
 */
_Static_assert(ARRAY_SIZE(lan_attrs) == __NFGATE_LAN_A_LAST, "lan table");
_Static_assert(ARRAY_SIZE(uplink_attrs) == __NFGATE_UPLINK_A_LAST, "uplink table");
_Static_assert(ARRAY_SIZE(settings_attrs) == __NFGATE_SETTINGS_A_LAST, "settings table");
_Static_assert(ARRAY_SIZE(forward_attrs) == __NFGATE_FORWARD_A_LAST, "forward table");
_Static_assert(ARRAY_SIZE(dns_attrs) == __NFGATE_DNS_A_LAST, "dns table");
_Static_assert(ARRAY_SIZE(forged_attrs) == __NFGATE_FORGED_A_LAST, "forged table");
_Static_assert(ARRAY_SIZE(dns_reply_attrs) == __NFGATE_DNS_REPLY_A_LAST, "dns reply table");
_Static_assert(ARRAY_SIZE(tunnel_attrs) == __NFGATE_TUNNEL_A_LAST, "tunnel table");
_Static_assert(ARRAY_SIZE(prefixes_attrs) == __NFGATE_PREFIXES_A_LAST, "prefixes table");
_Static_assert(ARRAY_SIZE(lookup_attrs) == __NFGATE_LOOKUP_A_LAST, "lookup table");
_Static_assert(ARRAY_SIZE(host_attrs) == __NFGATE_HOST_A_LAST, "host table");
_Static_assert(ARRAY_SIZE(trace_attrs) == __NFGATE_TRACE_A_LAST, "trace table");
_Static_assert(ARRAY_SIZE(top_attrs) == __NFGATE_A_LAST, "top-level table");

enum verb { V_GET, V_SET, V_DEL, V_EVENT };

struct cmd_spec {
	const char *name;
	enum verb verb;
	int nest;		/* the object's top-level attribute, 0: none */
	bool doit, dumpit;	/* what the family implements */
};

#define CMD(c, v, n, d, u)	[c] = { #c, v, n, d, u }

static const struct cmd_spec cmds[NFGATE_CMD_MAX + 1] = {
	[NFGATE_CMD_UNSPEC] = { "NFGATE_CMD_UNSPEC", V_EVENT, 0, false, false },
	CMD(NFGATE_CMD_LAN_GET, V_GET, NFGATE_A_LAN, true, false),
	CMD(NFGATE_CMD_LAN_SET, V_SET, NFGATE_A_LAN, true, false),
	CMD(NFGATE_CMD_LAN_DEL, V_DEL, NFGATE_A_LAN, true, false),
	CMD(NFGATE_CMD_UPLINK_GET, V_GET, NFGATE_A_UPLINK, true, true),
	CMD(NFGATE_CMD_UPLINK_SET, V_SET, NFGATE_A_UPLINK, true, false),
	CMD(NFGATE_CMD_UPLINK_DEL, V_DEL, NFGATE_A_UPLINK, true, false),
	CMD(NFGATE_CMD_STATS_GET, V_GET, NFGATE_A_STATS, true, false),
	CMD(NFGATE_CMD_EVENT, V_EVENT, 0, false, false),
	CMD(NFGATE_CMD_SETTINGS_GET, V_GET, NFGATE_A_SETTINGS, true, false),
	CMD(NFGATE_CMD_SETTINGS_SET, V_SET, NFGATE_A_SETTINGS, true, false),
	CMD(NFGATE_CMD_FORWARD_GET, V_GET, NFGATE_A_FORWARD, false, true),
	CMD(NFGATE_CMD_FORWARD_SET, V_SET, NFGATE_A_FORWARD, true, false),
	CMD(NFGATE_CMD_FORWARD_DEL, V_DEL, NFGATE_A_FORWARD, true, false),
	CMD(NFGATE_CMD_DNS_GET, V_GET, NFGATE_A_DNS, true, false),
	CMD(NFGATE_CMD_DNS_SET, V_SET, NFGATE_A_DNS, true, false),
	CMD(NFGATE_CMD_FORGED_GET, V_GET, NFGATE_A_FORGED, false, true),
	CMD(NFGATE_CMD_FORGED_ADD, V_SET, NFGATE_A_FORGED, true, false),
	CMD(NFGATE_CMD_FORGED_DEL, V_DEL, NFGATE_A_FORGED, true, false),
	CMD(NFGATE_CMD_TUNNEL_GET, V_GET, NFGATE_A_TUNNEL, true, false),
	CMD(NFGATE_CMD_TUNNEL_SET, V_SET, NFGATE_A_TUNNEL, true, false),
	CMD(NFGATE_CMD_TUNNEL_DEL, V_DEL, NFGATE_A_TUNNEL, true, false),
	CMD(NFGATE_CMD_PREFIXES_LOAD, V_SET, NFGATE_A_PREFIXES, true, false),
	CMD(NFGATE_CMD_TUNNEL_LOOKUP, V_GET, NFGATE_A_LOOKUP, true, false),
	CMD(NFGATE_CMD_HOST_GET, V_GET, NFGATE_A_HOST, false, true),
	CMD(NFGATE_CMD_TRACE_SET, V_SET, NFGATE_A_TRACE, true, false),
	CMD(NFGATE_CMD_TRACE, V_EVENT, 0, false, false),
};

_Static_assert(ARRAY_SIZE(cmds) == __NFGATE_CMD_MAX, "command table");

/* ---- statistics, shared between the workers -------------------------------- */

#define ERRNO_MAX	256

struct stats {
	uint64_t sent[4];		/* per class */
	uint64_t per_cmd[NFGATE_CMD_MAX + 4];
	uint64_t ok_cmd[NFGATE_CMD_MAX + 4];
	uint64_t acks, errors, dump_parts, dump_intr, dumps_done;
	uint64_t err_by_errno[ERRNO_MAX];
	uint64_t batches, sentinels, enobufs, events;
	uint64_t unexpected;
	uint64_t verify, verify_bad;
	char first_unexpected[256];
};

enum { C_VALID, C_RANDOM, C_MUTATED, C_FRAMING };

static struct stats *stats;	/* this process's slot in the shared map */
static int verbose;

static void unexpected(const char *fmt, ...)
{
	va_list ap;

	stats->unexpected++;
	va_start(ap, fmt);
	if (!stats->first_unexpected[0])
		vsnprintf(stats->first_unexpected,
			  sizeof(stats->first_unexpected), fmt, ap);
	va_end(ap);
	if (verbose) {
		va_start(ap, fmt);
		fprintf(stderr, "nlfuzz: unexpected: ");
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
		va_end(ap);
	}
}

/* Errors the family or the netlink core may answer with. */
static bool errno_expected(int e)
{
	switch (e) {
	case EINVAL: case ERANGE: case ENOENT: case ENODEV: case ENOSPC:
	case E2BIG: case EOPNOTSUPP: case EMSGSIZE: case EBUSY: case ENOMEM:
	case ENOBUFS: case EEXIST:
		return true;
	}
	return false;
}

/* ---- message building -------------------------------------------------------- */

struct msg {
	uint8_t buf[MSG_MAX];
	size_t len;
};

static struct nlmsghdr *msg_start(struct msg *m, uint16_t type, uint16_t flags,
				  uint8_t cmd)
{
	struct nlmsghdr *nlh = (void *)m->buf;
	struct genlmsghdr *g = (void *)(m->buf + NLMSG_HDRLEN);

	memset(m->buf, 0, NLMSG_HDRLEN + GENL_HDRLEN);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	g->cmd = cmd;
	g->version = NFGATE_GENL_VERSION;
	m->len = NLMSG_HDRLEN + GENL_HDRLEN;
	return nlh;
}

static void msg_end(struct msg *m)
{
	((struct nlmsghdr *)m->buf)->nlmsg_len = (uint32_t)m->len;
}

static bool room(const struct msg *m, size_t n)
{
	return m->len + NLA_HDRLEN + NLA_ALIGN(n) <= sizeof(m->buf);
}

/* Put an attribute with @n bytes of @data (NULL: random bytes). */
static bool put(struct msg *m, uint16_t type, const void *data, size_t n)
{
	struct nlattr *a = (void *)(m->buf + m->len);

	if (!room(m, n) || n > 0xffff - NLA_HDRLEN)
		return false;
	a->nla_type = type;
	a->nla_len = (uint16_t)(NLA_HDRLEN + n);
	if (data)
		memcpy((uint8_t *)a + NLA_HDRLEN, data, n);
	else
		rnd_bytes((uint8_t *)a + NLA_HDRLEN, n);
	memset((uint8_t *)a + NLA_HDRLEN + n, 0, NLA_ALIGN(n) - n);
	m->len += NLA_HDRLEN + NLA_ALIGN(n);
	return true;
}

static size_t nest_start(struct msg *m, uint16_t type)
{
	size_t off = m->len;

	if (!put(m, type | NLA_F_NESTED, NULL, 0))
		return 0;
	return off;
}

static void nest_end(struct msg *m, size_t off)
{
	struct nlattr *a = (void *)(m->buf + off);
	size_t n = m->len - off;

	if (!off)
		return;
	a->nla_len = n > 0xffff ? 0xffff : (uint16_t)n;
}

static void put_u8(struct msg *m, uint16_t t, uint8_t v) { put(m, t, &v, 1); }
static void put_u16(struct msg *m, uint16_t t, uint16_t v) { put(m, t, &v, 2); }
static void put_u32(struct msg *m, uint16_t t, uint32_t v) { put(m, t, &v, 4); }
static void put_u64(struct msg *m, uint16_t t, uint64_t v) { put(m, t, &v, 8); }

static void put_str(struct msg *m, uint16_t t, const char *s)
{
	put(m, t, s, strlen(s) + 1);
}

static const char *const ifnames[] = {
	"ppp0", "wwan0", "br0", "lo", "lte0", "up0", "up1", "up2", "up3",
	"up4", "up5", "up6", "up7", "up8", "up9", "up10", "up11", "up12",
	"up13", "up14", "up15", "up16", "up17", "nosuch0", "eth0",
	"abcdefghijklmno",
};

static const char *rnd_ifname(void)
{
	return ifnames[rnd(ARRAY_SIZE(ifnames))];
}

/* An interface name attribute: mostly valid, sometimes not. */
static void put_ifname(struct msg *m, uint16_t t)
{
	char s[40];
	size_t n;

	switch (rnd(12)) {
	case 0:		/* empty */
		put(m, t, "", 1);
		return;
	case 1:		/* IFNAMSIZ characters: one too many */
		memset(s, 'x', 16);
		s[16] = 0;
		put_str(m, t, s);
		return;
	case 2:		/* no NUL */
		put(m, t, "eth0", 4);
		return;
	case 3:		/* random bytes, random length */
		n = rnd(sizeof(s));
		rnd_bytes(s, n);
		put(m, t, s, n);
		return;
	case 4:		/* NUL inside */
		put(m, t, "pp\0p0", 6);
		return;
	default:
		put_str(m, t, rnd_ifname());
	}
}

/* A number for @a: in range mostly, its boundaries and just past them. */
static uint64_t rnd_value(const struct attr_spec *a)
{
	uint64_t lo = a->min, hi = a->max;

	switch (rnd(10)) {
	case 0: return lo;
	case 1: return hi;
	case 2: return hi + 1;
	case 3: return lo ? lo - 1 : rnd64();
	case 4: return rnd64();
	default:
		return hi > lo ? lo + rnd64() % (hi - lo + 1) : lo;
	}
}

static uint32_t be32(uint32_t v)
{
	return __builtin_bswap32(v);
}

static uint16_t be16(uint16_t v)
{
	return __builtin_bswap16(v);
}

/* An attribute of kind @a->kind with a value from rnd_value(). */
static void put_attr(struct msg *m, uint16_t t, const struct attr_spec *a)
{
	struct nfgate_prefix6 p;
	uint64_t v = rnd_value(a);

	/* Now and then a wrong length for the kind. */
	if (chance(4)) {
		put(m, t, NULL, rnd(24));
		return;
	}
	switch (a->kind) {
	case K_U8: put_u8(m, t, (uint8_t)v); break;
	case K_U16: put_u16(m, t, (uint16_t)v); break;
	case K_U32: put_u32(m, t, (uint32_t)v); break;
	case K_U64: put_u64(m, t, v); break;
	case K_BE16: put_u16(m, t, be16((uint16_t)v)); break;
	case K_BE32: put_u32(m, t, be32((uint32_t)v)); break;
	case K_IFNAME: put_ifname(m, t); break;
	case K_PREFIX6:
		rnd_bytes(&p, sizeof(p));
		p.len = (uint8_t)(chance(90) ? rnd(129) : v);
		if (chance(80))
			memset(p.pad, 0, sizeof(p.pad));
		put(m, t, &p, sizeof(p));
		break;
	case K_NEST:
		nest_end(m, nest_start(m, t));
		break;
	}
}

/* A nest of random attributes of @ns (read-only ones rarely). */
static void put_nest_random(struct msg *m, uint16_t type,
			    const struct nest_spec *ns, unsigned int n)
{
	size_t off = nest_start(m, type);
	unsigned int i, t;

	for (i = 0; i < n; i++) {
		t = 1 + rnd(ns->max);
		if (ns->attrs[t].ro && !chance(10))
			continue;
		put_attr(m, (uint16_t)t, &ns->attrs[t]);
	}
	nest_end(m, off);
}

/* ---- valid requests, one builder per object ------------------------------------- */

static uint32_t lan_net = 0xc0a80000;	/* 192.168.0.0/16, the usual LAN */
static uint8_t lan_plen = 16;

static void build_lan(struct msg *m, enum verb v)
{
	size_t off;
	uint8_t plen;
	uint32_t addr;

	if (v != V_SET) {
		if (chance(10))
			put_nest_random(m, NFGATE_A_LAN, &top_attrs[NFGATE_A_LAN].nest, rnd(4));
		return;
	}
	off = nest_start(m, NFGATE_A_LAN);
	if (chance(85)) {
		plen = lan_plen;
		addr = lan_net;
		if (chance(30)) {
			plen = (uint8_t)rnd(33);
			addr = plen ? (uint32_t)rnd64() & ~(uint32_t)0 << (32 - plen) : 0;
		}
		if (chance(90))
			put_str(m, NFGATE_LAN_A_IFNAME, chance(80) ? "br0" : rnd_ifname());
		else
			put_u32(m, NFGATE_LAN_A_IFINDEX, 1 + rnd(8));
		put_u32(m, NFGATE_LAN_A_ADDR, be32(addr));
		put_u8(m, NFGATE_LAN_A_PREFIXLEN, plen);
	}
	nest_end(m, off);
	if (chance(50))
		put_nest_random(m, NFGATE_A_LAN, &top_attrs[NFGATE_A_LAN].nest, 0);
	/* the nest above, if any, replaced nothing: nested twice is a test */
}

static void build_uplink(struct msg *m, enum verb v)
{
	const struct nest_spec *ns = &top_attrs[NFGATE_A_UPLINK].nest;
	size_t off;
	unsigned int i, n;

	off = nest_start(m, NFGATE_A_UPLINK);
	if (chance(95))
		put_str(m, NFGATE_UPLINK_A_IFNAME, rnd_ifname());
	if (v == V_SET) {
		n = rnd(8);
		for (i = 0; i < n; i++) {
			unsigned int t = 1 + rnd(ns->max);

			if (t == NFGATE_UPLINK_A_IFNAME ||
			    (ns->attrs[t].ro && !chance(5)))
				continue;
			put_attr(m, (uint16_t)t, &ns->attrs[t]);
		}
	}
	nest_end(m, off);
}

static uint32_t rnd_mask(void)
{
	unsigned int bits = 5 + rnd(28), shift = rnd(33 - bits);

	if (chance(10))
		return (uint32_t)rnd64();
	return (uint32_t)((((uint64_t)1 << bits) - 1) << shift);
}

static void build_settings(struct msg *m)
{
	const struct nest_spec *ns = &top_attrs[NFGATE_A_SETTINGS].nest;
	size_t off = nest_start(m, NFGATE_A_SETTINGS);
	unsigned int i, n = rnd(5);

	for (i = 0; i < n; i++) {
		unsigned int t = 1 + rnd(ns->max);

		if (t == NFGATE_SETTINGS_A_MARK_MASK)
			put_u32(m, (uint16_t)t, rnd_mask());
		else
			put_attr(m, (uint16_t)t, &ns->attrs[t]);
	}
	nest_end(m, off);
}

static void build_forward(struct msg *m, enum verb v)
{
	const struct nest_spec *ns = &top_attrs[NFGATE_A_FORWARD].nest;
	size_t off = nest_start(m, NFGATE_A_FORWARD);
	uint32_t host;

	if (chance(90))
		put_u8(m, NFGATE_FORWARD_A_PROTO, chance(90) ? (chance(50) ? 6 : 17) :
		       (uint8_t)rnd(256));
	if (chance(90))
		put_u16(m, NFGATE_FORWARD_A_PORT,
			be16((uint16_t)(chance(5) ? 0 : 1 + rnd(chance(50) ? 300 : 65535))));
	if (v == V_SET) {
		host = lan_net | (1 + rnd(~(~0u << (32 - lan_plen)) - 1));
		if (chance(90))
			put_u32(m, NFGATE_FORWARD_A_TO_ADDR,
				be32(chance(90) ? host : (uint32_t)rnd64()));
		if (chance(50))
			put_u16(m, NFGATE_FORWARD_A_TO_PORT, be16((uint16_t)rnd(65536)));
		if (chance(30))
			put_ifname(m, NFGATE_FORWARD_A_UPLINK);
		if (chance(5))
			put_attr(m, NFGATE_FORWARD_A_HITS,
				 &ns->attrs[NFGATE_FORWARD_A_HITS]);
	}
	nest_end(m, off);
}

static void build_dns(struct msg *m)
{
	const struct nest_spec *ns = &top_attrs[NFGATE_A_DNS].nest;
	size_t off = nest_start(m, NFGATE_A_DNS);
	unsigned int i, n = rnd(6);

	for (i = 0; i < n; i++) {
		unsigned int t = 1 + rnd(ns->max);

		if (ns->attrs[t].ro && !chance(10))
			continue;
		put_attr(m, (uint16_t)t, &ns->attrs[t]);
	}
	nest_end(m, off);
}

static void build_forged(struct msg *m, enum verb v)
{
	struct nfgate_prefix6 p;
	unsigned int i, n4, n6;
	size_t off;

	if (v == V_DEL && chance(5))
		return;			/* no nest: flush */
	if (v == V_GET)
		return;
	n4 = chance(3) ? rnd(NFGATE_FORGED_CHUNK + 2) : rnd(24);
	n6 = chance(3) ? rnd(40) : rnd(3);
	off = nest_start(m, NFGATE_A_FORGED);
	for (i = 0; i < n4 && room(m, 4); i++) {
		/* A small space, so adds and deletes meet. */
		uint32_t a = chance(95) ? 0x0a000000 | rnd(4096) : (uint32_t)rnd64();

		put_u32(m, NFGATE_FORGED_A_ADDR4, be32(chance(1) ? 0 : a));
	}
	for (i = 0; i < n6 && room(m, sizeof(p)); i++) {
		memset(&p, 0, sizeof(p));
		p.addr[0] = 0x20;
		p.addr[1] = 0x01;
		p.addr[2] = (uint8_t)rnd(4);
		p.addr[15] = (uint8_t)rnd(16);
		p.len = (uint8_t)(chance(95) ? 8 + rnd(121) : rnd(256));
		put(m, NFGATE_FORGED_A_PREFIX6, &p, sizeof(p));
	}
	nest_end(m, off);
}

static uint16_t family;

/* A request for @cmd, well-formed as far as the builders go. */
static void build_valid(struct msg *m, unsigned int cmd, bool *dump)
{
	const struct cmd_spec *c = &cmds[cmd];
	uint16_t flags = NLM_F_REQUEST | NLM_F_ACK;

	*dump = c->dumpit && (!c->doit || chance(70));
	if (*dump)
		flags |= NLM_F_DUMP;
	msg_start(m, family, flags, (uint8_t)cmd);
	switch (c->nest) {
	case NFGATE_A_LAN: build_lan(m, c->verb); break;
	case NFGATE_A_UPLINK:
		if (!*dump)
			build_uplink(m, c->verb);
		break;
	case NFGATE_A_SETTINGS:
		if (c->verb == V_SET)
			build_settings(m);
		break;
	case NFGATE_A_FORWARD:
		if (c->verb != V_GET)
			build_forward(m, c->verb);
		break;
	case NFGATE_A_DNS:
		if (c->verb == V_SET)
			build_dns(m);
		break;
	case NFGATE_A_FORGED: build_forged(m, c->verb); break;
	}
	/* A read-only top-level attribute now and then. */
	if (chance(3)) {
		unsigned int t = 1 + rnd(NFGATE_A_MAX);

		if (top_attrs[t].a.ro)
			put_attr(m, (uint16_t)t, &top_attrs[t].a);
	}
	msg_end(m);
}

/* ---- random and mutated messages ------------------------------------------------- */

static void put_random_attrs(struct msg *m, unsigned int depth)
{
	unsigned int i, n = rnd(depth ? 4 : 8);

	for (i = 0; i < n; i++) {
		uint16_t t = (uint16_t)(chance(80) ? rnd(NFGATE_A_MAX + 4) : rnd64());
		size_t off;

		if (depth < 4 && chance(35)) {
			off = nest_start(m, chance(80) ? (t & 0x3fff) : t);
			put_random_attrs(m, depth + 1);
			nest_end(m, off);
		} else {
			put(m, t & (chance(90) ? 0x3fff : 0xffff), NULL,
			    chance(70) ? (size_t[]){ 0, 1, 2, 4, 8, 16, 20 }[rnd(7)] :
			    rnd(80));
		}
	}
}

static void build_random(struct msg *m, bool *dump)
{
	uint16_t flags = NLM_F_REQUEST | NLM_F_ACK;
	uint8_t cmd = (uint8_t)(chance(90) ? rnd(NFGATE_CMD_MAX + 4) : rnd(256));

	if (chance(20))
		flags |= NLM_F_DUMP;
	if (chance(10))
		flags |= (uint16_t)rnd64() & ~(NLM_F_REQUEST | NLM_F_ACK);
	*dump = flags & NLM_F_DUMP;
	msg_start(m, family, flags, cmd);
	if (chance(5))
		((struct genlmsghdr *)(m->buf + NLMSG_HDRLEN))->version = (uint8_t)rnd(4);
	put_random_attrs(m, 0);
	msg_end(m);
}

/* The offsets of the attributes of @m, nested ones too (best effort). */
static unsigned int attr_offsets(const struct msg *m, size_t *off, unsigned int max)
{
	size_t stack[8], p = NLMSG_HDRLEN + GENL_HDRLEN, end = m->len;
	unsigned int n = 0, sp = 0;

	for (;;) {
		while (p + NLA_HDRLEN <= end && n < max) {
			const struct nlattr *a = (const void *)(m->buf + p);

			if (a->nla_len < NLA_HDRLEN || p + a->nla_len > end)
				break;
			off[n++] = p;
			if ((a->nla_type & NLA_F_NESTED) && sp < ARRAY_SIZE(stack) &&
			    a->nla_len > NLA_HDRLEN) {
				stack[sp++] = end;
				stack[sp++] = p + NLA_ALIGN(a->nla_len);
				end = p + a->nla_len;
				p += NLA_HDRLEN;
				continue;
			}
			p += NLA_ALIGN(a->nla_len);
		}
		if (sp < 2)
			return n;
		p = stack[--sp];
		end = stack[--sp];
	}
}

static void mutate(struct msg *m)
{
	size_t off[256], hdr = NLMSG_HDRLEN + GENL_HDRLEN;
	unsigned int n = attr_offsets(m, off, ARRAY_SIZE(off));
	struct nlattr *a = n ? (void *)(m->buf + off[rnd(n)]) : NULL;
	struct genlmsghdr *g = (void *)(m->buf + NLMSG_HDRLEN);
	size_t i, k, depth;

	switch (rnd(11)) {
	case 0:		/* an attribute's length */
		if (a)
			a->nla_len = (uint16_t)(chance(50) ? a->nla_len + rnd(9) - 4 :
						rnd(m->len + 64));
		break;
	case 1:		/* an attribute's type */
		if (a)
			a->nla_type = (uint16_t)(chance(50) ? a->nla_type ^ (1u << rnd(16)) :
						 rnd64());
		break;
	case 2:		/* flip bytes in the payload */
		k = 1 + rnd(4);
		for (i = 0; i < k && m->len > hdr; i++)
			m->buf[hdr + rnd((uint32_t)(m->len - hdr))] ^= (uint8_t)(1 + rnd(255));
		break;
	case 3:		/* truncate */
		if (m->len > hdr)
			m->len = hdr + rnd((uint32_t)(m->len - hdr));
		break;
	case 4:		/* garbage after the attributes */
		k = rnd(64);
		if (m->len + k <= sizeof(m->buf)) {
			rnd_bytes(m->buf + m->len, k);
			m->len += k;
		}
		break;
	case 5:		/* an attribute repeated at the end */
		if (a) {
			k = NLA_ALIGN(a->nla_len);
			if (a->nla_len >= NLA_HDRLEN && m->len + k <= sizeof(m->buf) &&
			    (uint8_t *)a + k <= m->buf + m->len) {
				memmove(m->buf + m->len, a, k);
				m->len += k;
			}
		}
		break;
	case 6:		/* the payload wrapped in nests */
		depth = 1 + rnd(NEST_DEPTH_MAX);
		k = m->len - hdr;
		if (m->len + depth * NLA_HDRLEN > sizeof(m->buf))
			break;
		memmove(m->buf + hdr + depth * NLA_HDRLEN, m->buf + hdr, k);
		for (i = 0; i < depth; i++) {
			struct nlattr *w = (void *)(m->buf + hdr + i * NLA_HDRLEN);
			size_t len = (depth - i) * NLA_HDRLEN + k;

			w->nla_type = (uint16_t)((chance(70) ? 1 + rnd(NFGATE_A_MAX) :
						  rnd(64)) | NLA_F_NESTED);
			w->nla_len = len > 0xffff ? 0xffff : (uint16_t)len;
		}
		m->len += depth * NLA_HDRLEN;
		break;
	case 7:		/* the genl header */
		switch (rnd(3)) {
		case 0: g->cmd = (uint8_t)rnd(256); break;
		case 1: g->version = (uint8_t)rnd(256); break;
		case 2: g->reserved = (uint16_t)rnd64(); break;
		}
		break;
	case 8:		/* NLA_F_NESTED toggled */
		if (a)
			a->nla_type ^= NLA_F_NESTED;
		break;
	case 9:		/* a zero-length attribute in the middle */
		if (a)
			a->nla_len = NLA_HDRLEN;
		break;
	case 10:	/* the netlink flags */
		((struct nlmsghdr *)m->buf)->nlmsg_flags ^= (uint16_t)(1u << rnd(16));
		((struct nlmsghdr *)m->buf)->nlmsg_flags |= NLM_F_REQUEST;
		break;
	}
	msg_end(m);
}

/* ---- the socket --------------------------------------------------------------------- */

struct nl {
	int fd;
	uint32_t seq;
	uint32_t portid;
	uint8_t rbuf[256 * 1024];
};

/* @strict: NETLINK_GET_STRICT_CHK, dump requests validated as well. */
static int nl_open(struct nl *nl, bool strict)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	socklen_t sl = sizeof(sa);
	int one = 1, sz = RCVBUF;

	nl->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (nl->fd < 0)
		return -1;
	if (setsockopt(nl->fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz)))
		setsockopt(nl->fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	setsockopt(nl->fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	if (strict)
		setsockopt(nl->fd, SOL_NETLINK, NETLINK_GET_STRICT_CHK, &one,
			   sizeof(one));
	if (bind(nl->fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    getsockname(nl->fd, (struct sockaddr *)&sa, &sl))
		return -1;
	nl->portid = sa.nl_pid;
	nl->seq = (uint32_t)time(NULL);
	return 0;
}

/* Wait for data on @nl; false on timeout. */
static bool nl_wait(struct nl *nl, int ms)
{
	struct pollfd p = { .fd = nl->fd, .events = POLLIN };

	return poll(&p, 1, ms) > 0;
}

struct reply_cb {
	/* called for each data message of the request with seq @seq */
	void (*fn)(const struct nlmsghdr *nlh, void *arg);
	void *arg;
};

/*
 * Check and account one answer. @want_seq: the sentinel's sequence number;
 * returns 1 when its final answer is this one, 0 otherwise.
 */
static int account(const struct nlmsghdr *nlh, size_t len, uint32_t want_seq,
		   const struct reply_cb *cb, int *sentinel_err)
{
	const struct nlmsgerr *e;
	int err;

	if (nlh->nlmsg_len < NLMSG_HDRLEN || nlh->nlmsg_len > len) {
		unexpected("answer with length %u of %zu", nlh->nlmsg_len, len);
		return 0;
	}
	if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
		stats->dump_intr++;
	switch (nlh->nlmsg_type) {
	case NLMSG_ERROR:
		if (nlh->nlmsg_len < NLMSG_HDRLEN + sizeof(*e)) {
			unexpected("short NLMSG_ERROR (%u bytes)", nlh->nlmsg_len);
			return 0;
		}
		e = NLMSG_DATA(nlh);
		err = e->error;
		if (nlh->nlmsg_seq == want_seq) {
			*sentinel_err = err;
			return 1;
		}
		if (err > 0 || err < -4095) {
			unexpected("error code %d", err);
		} else if (!err) {
			stats->acks++;
		} else {
			stats->errors++;
			stats->err_by_errno[-err < ERRNO_MAX ? -err : 0]++;
			if (!errno_expected(-err))
				unexpected("errno %d (%s) for seq %u", -err,
					   strerror(-err), nlh->nlmsg_seq);
		}
		return 0;
	case NLMSG_DONE:
		stats->dumps_done++;
		err = 0;
		if (nlh->nlmsg_len >= NLMSG_HDRLEN + sizeof(int)) {
			memcpy(&err, NLMSG_DATA(nlh), sizeof(err));
			if (err > 0 || (err && !errno_expected(-err)))
				unexpected("dump ended with %d", err);
		}
		if (want_seq && nlh->nlmsg_seq == want_seq) {
			*sentinel_err = err;
			return 1;
		}
		return 0;
	case NLMSG_NOOP:
	case NLMSG_OVERRUN:
		unexpected("message type %u", nlh->nlmsg_type);
		return 0;
	}
	if (nlh->nlmsg_type != family) {
		unexpected("message of type %u, not the family's", nlh->nlmsg_type);
		return 0;
	}
	if (nlh->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN) {
		unexpected("genl message of %u bytes", nlh->nlmsg_len);
		return 0;
	}
	if (nlh->nlmsg_flags & NLM_F_MULTI)
		stats->dump_parts++;
	if (cb && cb->fn)
		cb->fn(nlh, cb->arg);
	return 0;
}

/*
 * Read answers until the final one to @seq (the ACK or error of a request
 * with NLM_F_ACK, the NLMSG_DONE of a dump). Returns that answer's error
 * code, or 1 when nothing came within @ms.
 */
static int nl_read_ms(struct nl *nl, uint32_t seq, const struct reply_cb *cb,
		      int ms)
{
	int err = 0;

	for (;;) {
		ssize_t n;
		size_t left;
		const struct nlmsghdr *nlh;

		if (!nl_wait(nl, ms))
			return 1;
		n = recv(nl->fd, nl->rbuf, sizeof(nl->rbuf), 0);
		if (n < 0) {
			if (errno == ENOBUFS) {	/* answers lost: resync */
				stats->enobufs++;
				return -ENOBUFS;
			}
			if (errno == EINTR)
				continue;
			unexpected("recv: %s", strerror(errno));
			return 1;
		}
		left = (size_t)n;
		for (nlh = (void *)nl->rbuf; left >= NLMSG_HDRLEN;) {
			size_t step = NLMSG_ALIGN(nlh->nlmsg_len);

			if (account(nlh, left, seq, cb, &err))
				return err;
			if (nlh->nlmsg_len < NLMSG_HDRLEN || step > left)
				break;
			left -= step;
			nlh = (const void *)((const uint8_t *)nlh + step);
		}
	}
}

static int nl_read_until(struct nl *nl, uint32_t seq, const struct reply_cb *cb)
{
	return nl_read_ms(nl, seq, cb, REPLY_TIMEOUT_MS);
}

/* Send @len bytes of concatenated messages. */
static int nl_send(struct nl *nl, const void *buf, size_t len)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };

	if (sendto(nl->fd, buf, len, 0, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		/* Too long for the socket, or empty: fine, nothing sent. */
		if (errno == EMSGSIZE || errno == ENOBUFS ||
		    (!len && errno == ENODATA))
			return 0;
		unexpected("send: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/* A simple request for @cmd; returns its error code. */
static int nl_request(struct nl *nl, struct msg *m, const struct reply_cb *cb)
{
	struct nlmsghdr *nlh = (void *)m->buf;
	int err;

	nlh->nlmsg_seq = ++nl->seq;
	nlh->nlmsg_flags |= NLM_F_ACK;
	msg_end(m);
	if (nl_send(nl, m->buf, m->len))
		return -EIO;
	err = nl_read_until(nl, nl->seq, cb);
	return err == 1 ? -ETIMEDOUT : err;
}

/* The family's id, through the controller. */
static int resolve_family(struct nl *nl)
{
	struct msg *m = calloc(1, sizeof(*m));
	struct {
		struct nlmsghdr h;
		struct genlmsghdr g;
		uint8_t attrs[512];
	} r;
	const struct nlattr *a;
	ssize_t n;
	size_t off;

	if (!m)
		return -1;
	msg_start(m, GENL_ID_CTRL, NLM_F_REQUEST, CTRL_CMD_GETFAMILY);
	put_str(m, CTRL_ATTR_FAMILY_NAME, NFGATE_GENL_NAME);
	msg_end(m);
	((struct nlmsghdr *)m->buf)->nlmsg_seq = ++nl->seq;
	if (nl_send(nl, m->buf, m->len) || !nl_wait(nl, 5000)) {
		free(m);
		return -1;
	}
	free(m);
	n = recv(nl->fd, &r, sizeof(r), 0);
	if (n < (ssize_t)(NLMSG_HDRLEN + GENL_HDRLEN) || r.h.nlmsg_type != GENL_ID_CTRL)
		return -1;
	for (off = 0; off + NLA_HDRLEN <= (size_t)n - NLMSG_HDRLEN - GENL_HDRLEN;) {
		a = (const void *)(r.attrs + off);
		if (a->nla_len < NLA_HDRLEN)
			break;
		if ((a->nla_type & NLA_TYPE_MASK) == CTRL_ATTR_FAMILY_ID)
			return *(const uint16_t *)((const uint8_t *)a + NLA_HDRLEN);
		off += NLA_ALIGN(a->nla_len);
	}
	return -1;
}

/* ---- fuzzing ------------------------------------------------------------------------- */

static void build_sentinel(struct msg *m, uint32_t seq)
{
	msg_start(m, family, NLM_F_REQUEST | NLM_F_ACK, NFGATE_CMD_STATS_GET);
	msg_end(m);
	((struct nlmsghdr *)m->buf)->nlmsg_seq = seq;
}

static uint32_t skip_cmds;	/* -X: commands left out of valid/mutated */

static unsigned int pick_cmd(void)
{
	/*
	 * Every command, the state-changing ones twice as often as reads;
	 * changes of the forged set a quarter as often: each one that
	 * succeeds waits for an RCU grace period (forged.c), milliseconds
	 * under emulation.
	 */
	unsigned int c;

	do {
		c = 1 + rnd(NFGATE_CMD_MAX);
	} while ((cmds[c].verb == V_GET && chance(50)) ||
		 (cmds[c].nest == NFGATE_A_FORGED && cmds[c].verb != V_GET &&
		  chance(75)) ||
		 (skip_cmds & (1u << c)));
	return c;
}

static int fuzz(struct nl *nl, uint64_t count)
{
	static uint8_t batch[BATCH_MAX * MSG_MAX / 4];
	struct msg *m = malloc(sizeof(*m)), *s = malloc(sizeof(*s));
	uint64_t done = 0;
	unsigned int timeouts = 0;

	if (!m || !s)
		return -1;
	while (done < count) {
		size_t blen = 0;
		unsigned int i, k = 1 + rnd(BATCH_MAX);
		uint32_t sseq;
		int err;

		for (i = 0; i < k && done < count; i++) {
			unsigned int cls = rnd(100), cmd;
			bool dump = false;

			if (cls < 35) {
				cls = C_VALID;
				cmd = pick_cmd();
				build_valid(m, cmd, &dump);
			} else if (cls < 55) {
				cls = C_RANDOM;
				build_random(m, &dump);
				cmd = ((struct genlmsghdr *)(m->buf + NLMSG_HDRLEN))->cmd;
			} else if (cls < 99) {
				cls = C_MUTATED;
				cmd = pick_cmd();
				build_valid(m, cmd, &dump);
				for (unsigned int j = 1 + rnd(4); j; j--)
					mutate(m);
				cmd = ((struct genlmsghdr *)(m->buf + NLMSG_HDRLEN))->cmd;
			} else {
				/* A header that lies: sent alone, then resync. */
				struct nlmsghdr *h;

				build_valid(m, pick_cmd(), &dump);
				h = (void *)m->buf;
				h->nlmsg_seq = ++nl->seq;
				h->nlmsg_len = chance(50) ? rnd(NLMSG_HDRLEN) :
					(uint32_t)m->len + 1 + rnd(64);
				stats->sent[C_FRAMING]++;
				nl_send(nl, m->buf, chance(10) ? rnd(NLMSG_HDRLEN) : m->len);
				done++;
				break;
			}
			if (blen + NLMSG_ALIGN(m->len) > sizeof(batch))
				break;
			done++;
			stats->sent[cls]++;
			stats->per_cmd[cmd < NFGATE_CMD_MAX + 4 ? cmd : NFGATE_CMD_MAX + 3]++;
			((struct nlmsghdr *)m->buf)->nlmsg_seq = ++nl->seq;
			memcpy(batch + blen, m->buf, m->len);
			/* Pad to the next message: what the kernel expects. */
			memset(batch + blen + m->len, 0, NLMSG_ALIGN(m->len) - m->len);
			blen += NLMSG_ALIGN(m->len);
		}
		sseq = ++nl->seq;
		build_sentinel(s, sseq);
		memcpy(batch + blen, s->buf, s->len);
		blen += s->len;
		stats->batches++;
		if (nl_send(nl, batch, blen))
			return -1;
		do {
			err = nl_read_until(nl, sseq, NULL);
			if (err == -ENOBUFS) {
				/* The sentinel's answer may be lost: ask again. */
				sseq = ++nl->seq;
				build_sentinel(s, sseq);
				if (nl_send(nl, s->buf, s->len))
					return -1;
				err = -ENOBUFS;
			}
		} while (err == -ENOBUFS);
		if (err == 1) {
			unexpected("no answer to the sentinel within %d ms",
				   REPLY_TIMEOUT_MS);
			if (++timeouts >= 3)
				return -1;
			continue;
		}
		stats->sentinels++;
		if (err)
			unexpected("sentinel STATS_GET failed: %d", err);
	}
	/* Whatever dump is still running: read it to its end. */
	while (nl_read_ms(nl, 0, NULL, 500) != 1)
		;
	free(m);
	free(s);
	return 0;
}

/* The events group: read and check until @stop is set. */
static volatile sig_atomic_t stop;

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

static int events_group(struct nl *nl)
{
	struct msg *m = calloc(1, sizeof(*m));
	uint8_t buf[8192];
	ssize_t n;
	size_t off;

	if (!m)
		return -1;
	msg_start(m, GENL_ID_CTRL, NLM_F_REQUEST, CTRL_CMD_GETFAMILY);
	put_str(m, CTRL_ATTR_FAMILY_NAME, NFGATE_GENL_NAME);
	msg_end(m);
	if (nl_send(nl, m->buf, m->len) || !nl_wait(nl, 5000)) {
		free(m);
		return -1;
	}
	free(m);
	n = recv(nl->fd, buf, sizeof(buf), 0);
	if (n < (ssize_t)(NLMSG_HDRLEN + GENL_HDRLEN))
		return -1;
	/* CTRL_ATTR_MCAST_GROUPS > [n] > CTRL_ATTR_MCAST_GRP_ID */
	for (off = NLMSG_HDRLEN + GENL_HDRLEN; off + NLA_HDRLEN <= (size_t)n;) {
		const struct nlattr *a = (const void *)(buf + off);

		if (a->nla_len < NLA_HDRLEN)
			break;
		if ((a->nla_type & NLA_TYPE_MASK) == CTRL_ATTR_MCAST_GROUPS) {
			size_t o = off + NLA_HDRLEN, end = off + a->nla_len;

			while (o + NLA_HDRLEN <= end) {
				const struct nlattr *g = (const void *)(buf + o);
				size_t p = o + NLA_HDRLEN, gend = o + g->nla_len;

				if (g->nla_len < NLA_HDRLEN)
					break;
				while (p + NLA_HDRLEN <= gend) {
					const struct nlattr *x = (const void *)(buf + p);

					if (x->nla_len < NLA_HDRLEN)
						break;
					if ((x->nla_type & NLA_TYPE_MASK) == CTRL_ATTR_MCAST_GRP_ID)
						return (int)*(const uint32_t *)
							((const uint8_t *)x + NLA_HDRLEN);
					p += NLA_ALIGN(x->nla_len);
				}
				o += NLA_ALIGN(g->nla_len);
			}
		}
		off += NLA_ALIGN(a->nla_len);
	}
	return -1;
}

static void listen_events(struct nl *nl)
{
	int grp = events_group(nl);
	uint8_t *buf = nl->rbuf;

	if (grp < 0 || setsockopt(nl->fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP,
				  &grp, sizeof(grp))) {
		unexpected("cannot join the events group");
		return;
	}
	while (!stop) {
		ssize_t n;
		size_t left;
		const struct nlmsghdr *nlh;

		if (!nl_wait(nl, 100))
			continue;
		n = recv(nl->fd, buf, sizeof(nl->rbuf), MSG_DONTWAIT);
		if (n < 0) {
			if (errno == ENOBUFS)
				stats->enobufs++;	/* events lost: allowed */
			continue;
		}
		left = (size_t)n;
		for (nlh = (void *)buf; left >= NLMSG_HDRLEN;) {
			const struct genlmsghdr *g = NLMSG_DATA(nlh);

			if (nlh->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN ||
			    NLMSG_ALIGN(nlh->nlmsg_len) > left ||
			    nlh->nlmsg_type != family ||
			    g->cmd != NFGATE_CMD_EVENT) {
				unexpected("malformed event (len %u type %u)",
					   nlh->nlmsg_len, nlh->nlmsg_type);
				break;
			}
			stats->events++;
			left -= NLMSG_ALIGN(nlh->nlmsg_len);
			nlh = (const void *)((const uint8_t *)nlh +
					     NLMSG_ALIGN(nlh->nlmsg_len));
		}
	}
}

/* ---- set/get round trips ---------------------------------------------------------------- */

/* The first attribute of type @t in the nest @nest of a reply (or NULL). */
static const struct nlattr *find(const struct nlmsghdr *nlh, uint16_t nest,
				 uint16_t t)
{
	const uint8_t *p = (const uint8_t *)NLMSG_DATA(nlh) + GENL_HDRLEN;
	const uint8_t *end = (const uint8_t *)nlh + nlh->nlmsg_len;

	while (p + NLA_HDRLEN <= end) {
		const struct nlattr *a = (const void *)p;

		if (a->nla_len < NLA_HDRLEN || p + a->nla_len > end)
			return NULL;
		if ((a->nla_type & NLA_TYPE_MASK) == nest) {
			const uint8_t *q = p + NLA_HDRLEN, *qe = p + a->nla_len;

			if (!t)
				return a;
			while (q + NLA_HDRLEN <= qe) {
				const struct nlattr *b = (const void *)q;

				if (b->nla_len < NLA_HDRLEN)
					return NULL;
				if ((b->nla_type & NLA_TYPE_MASK) == t)
					return b;
				q += NLA_ALIGN(b->nla_len);
			}
			return NULL;
		}
		p += NLA_ALIGN(a->nla_len);
	}
	return NULL;
}

static uint64_t get_num(const struct nlattr *a)
{
	uint64_t v = 0;
	size_t n = a->nla_len - NLA_HDRLEN;

	memcpy(&v, (const uint8_t *)a + NLA_HDRLEN, n < 8 ? n : 8);
	return v;
}

struct capture {
	struct msg copy;
	unsigned int n;
	/* for dumps: names / keys seen */
	char names[NFGATE_UPLINKS_MAX * 2][16];
	uint32_t keys[NFGATE_FORWARDS_MAX * 2];
	uint32_t addrs[2048];
	unsigned int n_names, n_keys, n_addrs;
};

static void capture_one(const struct nlmsghdr *nlh, void *arg)
{
	struct capture *c = arg;

	if (nlh->nlmsg_len <= sizeof(c->copy.buf)) {
		memcpy(c->copy.buf, nlh, nlh->nlmsg_len);
		c->copy.len = nlh->nlmsg_len;
	}
	c->n++;
}

static void capture_dump(const struct nlmsghdr *nlh, void *arg)
{
	struct capture *c = arg;
	const struct nlattr *a;
	const uint8_t *p, *end;

	c->n++;
	a = find(nlh, NFGATE_A_UPLINK, NFGATE_UPLINK_A_IFNAME);
	if (a && c->n_names < ARRAY_SIZE(c->names))
		snprintf(c->names[c->n_names++], 16, "%s",
			 (const char *)a + NLA_HDRLEN);
	a = find(nlh, NFGATE_A_FORWARD, NFGATE_FORWARD_A_PROTO);
	if (a && c->n_keys < ARRAY_SIZE(c->keys)) {
		const struct nlattr *port = find(nlh, NFGATE_A_FORWARD,
						 NFGATE_FORWARD_A_PORT);
		c->keys[c->n_keys++] = (uint32_t)get_num(a) << 16 |
			(port ? (uint16_t)get_num(port) : 0);
	}
	a = find(nlh, NFGATE_A_FORGED, 0);
	if (a) {
		p = (const uint8_t *)a + NLA_HDRLEN;
		end = (const uint8_t *)a + a->nla_len;
		while (p + NLA_HDRLEN <= end) {
			const struct nlattr *b = (const void *)p;

			if (b->nla_len < NLA_HDRLEN)
				break;
			if ((b->nla_type & NLA_TYPE_MASK) == NFGATE_FORGED_A_ADDR4 &&
			    c->n_addrs < ARRAY_SIZE(c->addrs))
				c->addrs[c->n_addrs++] = (uint32_t)get_num(b);
			p += NLA_ALIGN(b->nla_len);
		}
	}
}

static int rt_get(struct nl *nl, unsigned int cmd, uint16_t nest,
		  const char *ifname, struct capture *c)
{
	struct msg *m = malloc(sizeof(*m));
	struct reply_cb cb = { capture_one, c };
	size_t off;
	int err;

	if (!m)
		return -ENOMEM;
	msg_start(m, family, NLM_F_REQUEST, (uint8_t)cmd);
	if (ifname) {
		off = nest_start(m, nest);
		put_str(m, NFGATE_UPLINK_A_IFNAME, ifname);
		nest_end(m, off);
	}
	c->n = 0;
	err = nl_request(nl, m, &cb);
	free(m);
	if (!err && c->n != 1)
		return -EBADMSG;
	return err;
}

static int rt_dump(struct nl *nl, unsigned int cmd, struct capture *c)
{
	struct msg *m = malloc(sizeof(*m));
	struct reply_cb cb = { capture_dump, c };
	struct nlmsghdr *nlh;
	int err, tries = 0;

	if (!m)
		return -ENOMEM;
	do {
		c->n = c->n_names = c->n_keys = c->n_addrs = 0;
		nlh = msg_start(m, family, NLM_F_REQUEST | NLM_F_DUMP, (uint8_t)cmd);
		msg_end(m);
		nlh->nlmsg_seq = ++nl->seq;
		if (nl_send(nl, m->buf, m->len)) {
			free(m);
			return -EIO;
		}
		{
			uint64_t intr = stats->dump_intr;

			err = nl_read_until(nl, nlh->nlmsg_seq, &cb);
			if (err == 1) {
				free(m);
				return -ETIMEDOUT;
			}
			if (!err && stats->dump_intr != intr)
				err = -EINTR;
		}
	} while (err == -EINTR && ++tries < 10);
	free(m);
	return err;
}

/* Send @m (a SET/DEL); returns its error code. */
static int rt_do(struct nl *nl, struct msg *m)
{
	return nl_request(nl, m, NULL);
}

static void mismatch(const char *what, uint64_t want, uint64_t got)
{
	stats->verify_bad++;
	unexpected("round trip %s: set %llu, read back %llu", what,
		   (unsigned long long)want, (unsigned long long)got);
}

/* Delete every uplink, forward, the LAN and the forged set. */
static int clear_all(struct nl *nl)
{
	struct capture *c = calloc(1, sizeof(*c));
	struct msg *m = malloc(sizeof(*m));
	unsigned int i;
	size_t off;
	int err = 0;

	if (!c || !m)
		return -ENOMEM;
	if (!rt_dump(nl, NFGATE_CMD_UPLINK_GET, c)) {
		for (i = 0; i < c->n_names; i++) {
			msg_start(m, family, NLM_F_REQUEST, NFGATE_CMD_UPLINK_DEL);
			off = nest_start(m, NFGATE_A_UPLINK);
			put_str(m, NFGATE_UPLINK_A_IFNAME, c->names[i]);
			nest_end(m, off);
			err = err ?: rt_do(nl, m);
		}
	}
	if (!rt_dump(nl, NFGATE_CMD_FORWARD_GET, c)) {
		for (i = 0; i < c->n_keys; i++) {
			msg_start(m, family, NLM_F_REQUEST, NFGATE_CMD_FORWARD_DEL);
			off = nest_start(m, NFGATE_A_FORWARD);
			put_u8(m, NFGATE_FORWARD_A_PROTO, (uint8_t)(c->keys[i] >> 16));
			put_u16(m, NFGATE_FORWARD_A_PORT, (uint16_t)c->keys[i]);
			nest_end(m, off);
			err = err ?: rt_do(nl, m);
		}
	}
	msg_start(m, family, NLM_F_REQUEST, NFGATE_CMD_FORGED_DEL);
	err = err ?: rt_do(nl, m);
	msg_start(m, family, NLM_F_REQUEST, NFGATE_CMD_LAN_DEL);
	rt_do(nl, m);		/* -ENOENT: there was none */
	free(c);
	free(m);
	return err;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* What the kernel accepts as a mark mask: one run of enough bits. */
static bool mask_ok(uint32_t v)
{
	uint32_t run;

	if (!v)
		return false;
	run = v >> __builtin_ctz(v);
	return !(run & (run + 1)) && __builtin_popcount(v) >= NFGATE_MARK_BITS_MIN;
}

static void verify_one(struct nl *nl, struct capture *c, struct msg *m)
{
	const struct attr_spec *spec;
	const struct nlattr *a;
	uint64_t want[32];
	unsigned int t, i, n, kind = rnd(5);
	size_t off;
	char name[16];
	int err;

	stats->verify++;
	switch (kind) {
	case 0: {	/* LAN */
		uint8_t plen = (uint8_t)(8 + rnd(23));
		uint32_t addr = (uint32_t)rnd64() & ~0u << (32 - plen);

		msg_start(m, family, NLM_F_REQUEST, NFGATE_CMD_LAN_SET);
		off = nest_start(m, NFGATE_A_LAN);
		put_str(m, NFGATE_LAN_A_IFNAME, "br0");
		put_u32(m, NFGATE_LAN_A_ADDR, be32(addr));
		put_u8(m, NFGATE_LAN_A_PREFIXLEN, plen);
		nest_end(m, off);
		err = rt_do(nl, m);
		if (err) {
			mismatch("LAN_SET status", 0, (uint64_t)-err);
			return;
		}
		err = rt_get(nl, NFGATE_CMD_LAN_GET, 0, NULL, c);
		a = err ? NULL : find((void *)c->copy.buf, NFGATE_A_LAN, NFGATE_LAN_A_ADDR);
		if (!a || get_num(a) != be32(addr))
			mismatch("LAN addr", addr, a ? be32((uint32_t)get_num(a)) : 0);
		a = err ? NULL : find((void *)c->copy.buf, NFGATE_A_LAN, NFGATE_LAN_A_PREFIXLEN);
		if (!a || get_num(a) != plen)
			mismatch("LAN prefixlen", plen, a ? get_num(a) : 0);
		return;
	}
	case 1: {	/* an uplink: every writable attribute */
		spec = uplink_attrs;
		snprintf(name, sizeof(name), "vt%u", rnd(NFGATE_UPLINKS_MAX));
		msg_start(m, family, NLM_F_REQUEST, NFGATE_CMD_UPLINK_SET);
		off = nest_start(m, NFGATE_A_UPLINK);
		put_str(m, NFGATE_UPLINK_A_IFNAME, name);
		for (t = 2; t <= NFGATE_UPLINK_A_MAX; t++) {
			if (spec[t].ro)
				continue;
			want[t % 32] = spec[t].min + rnd64() % (spec[t].max - spec[t].min + 1);
			if (spec[t].kind == K_U8)
				put_u8(m, (uint16_t)t, (uint8_t)want[t % 32]);
			else
				put_u32(m, (uint16_t)t, (uint32_t)want[t % 32]);
		}
		nest_end(m, off);
		err = rt_do(nl, m);
		if (err) {
			mismatch("UPLINK_SET status", 0, (uint64_t)-err);
			return;
		}
		err = rt_get(nl, NFGATE_CMD_UPLINK_GET, NFGATE_A_UPLINK, name, c);
		for (t = 2; t <= NFGATE_UPLINK_A_MAX; t++) {
			if (spec[t].ro)
				continue;
			a = err ? NULL : find((void *)c->copy.buf, NFGATE_A_UPLINK, (uint16_t)t);
			if (!a || get_num(a) != want[t % 32])
				mismatch(spec[t].name, want[t % 32], a ? get_num(a) : ~0ULL);
		}
		return;
	}
	case 2:		/* settings */
	case 3: {	/* DNS */
		bool dns = kind == 3;
		uint16_t nest = dns ? NFGATE_A_DNS : NFGATE_A_SETTINGS;

		spec = dns ? dns_attrs : settings_attrs;
		n = dns ? NFGATE_DNS_A_MAX : NFGATE_SETTINGS_A_MAX;
		msg_start(m, family, NLM_F_REQUEST,
			  dns ? NFGATE_CMD_DNS_SET : NFGATE_CMD_SETTINGS_SET);
		off = nest_start(m, nest);
		for (t = 1; t <= n; t++) {
			if (spec[t].ro)
				continue;
			want[t] = spec[t].min + rnd64() % (spec[t].max - spec[t].min + 1);
			if (!dns && t == NFGATE_SETTINGS_A_MARK_MASK) {
				do {
					want[t] = rnd_mask();
				} while (!mask_ok((uint32_t)want[t]));
			}
			if (dns && t == NFGATE_DNS_A_HOLD_PER_CLIENT)
				want[t] = 1 + rnd((uint32_t)want[NFGATE_DNS_A_HOLD_MAX]);
			if (spec[t].kind == K_U8)
				put_u8(m, (uint16_t)t, (uint8_t)want[t]);
			else
				put_u32(m, (uint16_t)t, (uint32_t)want[t]);
		}
		nest_end(m, off);
		err = rt_do(nl, m);
		if (err) {
			mismatch(dns ? "DNS_SET status" : "SETTINGS_SET status", 0,
				 (uint64_t)-err);
			return;
		}
		err = rt_get(nl, dns ? NFGATE_CMD_DNS_GET : NFGATE_CMD_SETTINGS_GET,
			     0, NULL, c);
		for (t = 1; t <= n; t++) {
			if (spec[t].ro)
				continue;
			a = err ? NULL : find((void *)c->copy.buf, nest, (uint16_t)t);
			if (!a || get_num(a) != want[t])
				mismatch(spec[t].name, want[t], a ? get_num(a) : ~0ULL);
		}
		return;
	}
	case 4: {	/* the forged set: flush, add, dump, compare */
		uint32_t set[64], got[2048];

		msg_start(m, family, NLM_F_REQUEST, NFGATE_CMD_FORGED_DEL);
		rt_do(nl, m);
		n = 1 + rnd(ARRAY_SIZE(set));
		for (i = 0; i < n; i++) {
			set[i] = 0x0b000000 | (uint32_t)rnd(1u << 24);
			if (!set[i])
				set[i] = 1;
		}
		qsort(set, n, sizeof(set[0]), cmp_u32);
		for (i = 1, t = 1; i < n; i++)
			if (set[i] != set[t - 1])
				set[t++] = set[i];
		n = t;
		msg_start(m, family, NLM_F_REQUEST, NFGATE_CMD_FORGED_ADD);
		off = nest_start(m, NFGATE_A_FORGED);
		for (i = 0; i < n; i++)
			put_u32(m, NFGATE_FORGED_A_ADDR4, be32(set[i]));
		nest_end(m, off);
		err = rt_do(nl, m);
		if (err) {
			mismatch("FORGED_ADD status", 0, (uint64_t)-err);
			return;
		}
		err = rt_dump(nl, NFGATE_CMD_FORGED_GET, c);
		for (i = 0; i < c->n_addrs && i < ARRAY_SIZE(got); i++)
			got[i] = be32(c->addrs[i]);
		qsort(got, i, sizeof(got[0]), cmp_u32);
		if (err || c->n_addrs != n || memcmp(got, set, n * sizeof(set[0])))
			mismatch("forged set size", n, c->n_addrs);
		return;
	}
	}
}

static int verify(struct nl *nl, unsigned int count)
{
	struct capture *c = calloc(1, sizeof(*c));
	struct msg *m = malloc(sizeof(*m));
	unsigned int i;
	int err;

	if (!c || !m)
		return -1;
	err = clear_all(nl);
	if (err)
		unexpected("clearing the namespace after fuzzing: %d", err);
	for (i = 0; i < count; i++)
		verify_one(nl, c, m);
	clear_all(nl);
	free(c);
	free(m);
	return 0;
}

/* Every command and attribute of the header is described above. */
static bool tables_complete(void)
{
	const struct {
		const char *what;
		const struct attr_spec *a;
		unsigned int max;
	} t[] = {
		{ "lan", lan_attrs, NFGATE_LAN_A_MAX },
		{ "uplink", uplink_attrs, NFGATE_UPLINK_A_MAX },
		{ "settings", settings_attrs, NFGATE_SETTINGS_A_MAX },
		{ "forward", forward_attrs, NFGATE_FORWARD_A_MAX },
		{ "dns", dns_attrs, NFGATE_DNS_A_MAX },
		{ "forged", forged_attrs, NFGATE_FORGED_A_MAX },
		{ "dns reply", dns_reply_attrs, NFGATE_DNS_REPLY_A_MAX },
	};
	bool ok = true;
	unsigned int i, j;

	for (i = 0; i < ARRAY_SIZE(t); i++)
		for (j = 1; j <= t[i].max; j++)
			if (!t[i].a[j].name) {
				fprintf(stderr, "nlfuzz: %s attribute %u is not described\n",
					t[i].what, j);
				ok = false;
			}
	for (j = 1; j <= NFGATE_A_MAX; j++)
		if (!top_attrs[j].a.name) {
			fprintf(stderr, "nlfuzz: top-level attribute %u is not described\n", j);
			ok = false;
		}
	for (j = 0; j <= NFGATE_CMD_MAX; j++)
		if (!cmds[j].name) {
			fprintf(stderr, "nlfuzz: command %u is not described\n", j);
			ok = false;
		}
	return ok;
}

/* ---- main ----------------------------------------------------------------------------- */

static void usage(void)
{
	fprintf(stderr,
		"usage: nlfuzz [-n COUNT] [-s SEED] [-j WORKERS] [--verify N] [-v]\n"
		"  -n COUNT     messages to send in all (default 100000)\n"
		"  -s SEED      random seed (default: time)\n"
		"  -j WORKERS   processes fuzzing at once (default 2, max %d)\n"
		"  --verify N   then N set/get round trips (default 0)\n"
		"  --no-events  no listener on the events group\n"
		"  --skip MASK  leave out commands (bit N: command N) of the valid\n"
		"               and mutated classes\n", WORKERS_MAX);
	exit(2);
}

static void print_stats(const struct stats *t, uint64_t seed, unsigned int workers,
			double secs)
{
	unsigned int i;
	uint64_t total = 0;

	for (i = 0; i < 4; i++)
		total += t->sent[i];
	printf("nlfuzz: seed %llu, %u workers, %llu messages in %.1f s (%.0f/s): "
	       "valid %llu, random %llu, mutated %llu, framing %llu\n",
	       (unsigned long long)seed, workers, (unsigned long long)total, secs,
	       secs > 0 ? total / secs : 0.0,
	       (unsigned long long)t->sent[C_VALID], (unsigned long long)t->sent[C_RANDOM],
	       (unsigned long long)t->sent[C_MUTATED], (unsigned long long)t->sent[C_FRAMING]);
	printf("nlfuzz: answers: %llu acks, %llu errors, %llu dumps ended, %llu dump "
	       "messages, %llu flagged NLM_F_DUMP_INTR; %llu batches, %llu sentinels "
	       "answered; %llu ENOBUFS; %llu events read\n",
	       (unsigned long long)t->acks, (unsigned long long)t->errors,
	       (unsigned long long)t->dumps_done, (unsigned long long)t->dump_parts,
	       (unsigned long long)t->dump_intr, (unsigned long long)t->batches,
	       (unsigned long long)t->sentinels, (unsigned long long)t->enobufs,
	       (unsigned long long)t->events);
	printf("nlfuzz: errors by errno:");
	for (i = 0; i < ERRNO_MAX; i++)
		if (t->err_by_errno[i])
			printf(" %s %llu", i ? strerrorname_np((int)i) ?: "?" : "other",
			       (unsigned long long)t->err_by_errno[i]);
	printf("\nnlfuzz: per command:");
	for (i = 0; i < NFGATE_CMD_MAX + 4; i++) {
		if (!t->per_cmd[i])
			continue;
		if (i <= NFGATE_CMD_MAX)
			printf(" %s %llu", cmds[i].name + strlen("NFGATE_CMD_"),
			       (unsigned long long)t->per_cmd[i]);
		else
			printf(" other %llu", (unsigned long long)t->per_cmd[i]);
	}
	printf("\n");
	if (t->verify)
		printf("nlfuzz: verify: %llu set/get round trips, %llu mismatches\n",
		       (unsigned long long)t->verify, (unsigned long long)t->verify_bad);
	printf("nlfuzz: unexpected: %llu%s%s\n", (unsigned long long)t->unexpected,
	       t->first_unexpected[0] ? "; first: " : "", t->first_unexpected);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "verify", required_argument, NULL, 'V' },
		{ "no-events", no_argument, NULL, 'E' },
		{ "skip", required_argument, NULL, 'X' },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t count = 100000, seed = (uint64_t)time(NULL) ^ (uint64_t)getpid() << 32;
	unsigned int workers = 2, nverify = 0, i;
	bool events = true;
	struct stats *all, total;
	struct timespec t0, t1;
	pid_t pids[WORKERS_MAX + 1];
	struct nl *nl;
	int c, id, rc = 0;

	while ((c = getopt_long(argc, argv, "n:s:j:v", opts, NULL)) != -1) {
		switch (c) {
		case 'n': count = strtoull(optarg, NULL, 0); break;
		case 's': seed = strtoull(optarg, NULL, 0); break;
		case 'j': workers = (unsigned int)atoi(optarg); break;
		case 'V': nverify = (unsigned int)atoi(optarg); break;
		case 'E': events = false; break;
		case 'X': skip_cmds = (uint32_t)strtoul(optarg, NULL, 0); break;
		case 'v': verbose++; break;
		default: usage();
		}
	}
	if (optind != argc || !workers || workers > WORKERS_MAX)
		usage();
	if (!tables_complete())
		return 2;
	setvbuf(stdout, NULL, _IOLBF, 0);

	all = mmap(NULL, sizeof(*all) * (WORKERS_MAX + 2), PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	nl = malloc(sizeof(*nl));
	if (all == MAP_FAILED || !nl)
		return 2;
	memset(all, 0, sizeof(*all) * (WORKERS_MAX + 2));
	stats = &all[WORKERS_MAX + 1];
	if (nl_open(nl, false)) {
		perror("nlfuzz: netlink socket");
		return 2;
	}
	id = resolve_family(nl);
	if (id < 0) {
		fprintf(stderr, "nlfuzz: family %s not found (module not loaded?)\n",
			NFGATE_GENL_NAME);
		return 2;
	}
	family = (uint16_t)id;
	close(nl->fd);

	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (events) {
		pids[WORKERS_MAX] = fork();
		if (pids[WORKERS_MAX] == 0) {
			stats = &all[WORKERS_MAX];
			signal(SIGTERM, on_term);
			if (nl_open(nl, false))
				_exit(2);
			listen_events(nl);
			_exit(0);
		}
	}
	for (i = 0; i < workers; i++) {
		pids[i] = fork();
		if (pids[i] < 0) {
			perror("fork");
			return 2;
		}
		if (pids[i] == 0) {
			stats = &all[i];
			rng_state = seed * 0x9E3779B97F4A7C15ULL + i + 1;
			/* Strict checking of dump requests on every other worker. */
			if (nl_open(nl, i % 2 == 0))
				_exit(2);
			_exit(fuzz(nl, count / workers + (i < count % workers)) ? 1 : 0);
		}
	}
	for (i = 0; i < workers; i++) {
		int st;

		if (waitpid(pids[i], &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st)) {
			fprintf(stderr, "nlfuzz: worker %u failed (status %d)\n", i, st);
			rc = 1;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);

	if (nverify) {
		stats = &all[WORKERS_MAX + 1];
		rng_state = seed ^ 0x5bd1e995;
		if (nl_open(nl, true))
			return 2;
		verify(nl, nverify);
	}
	if (events) {
		kill(pids[WORKERS_MAX], SIGTERM);
		waitpid(pids[WORKERS_MAX], NULL, 0);
	}

	memset(&total, 0, sizeof(total));
	for (i = 0; i < WORKERS_MAX + 2; i++) {
		const uint64_t *s = (const uint64_t *)&all[i];
		uint64_t *d = (uint64_t *)&total;
		size_t k, nwords = offsetof(struct stats, first_unexpected) / sizeof(uint64_t);

		for (k = 0; k < nwords; k++)
			d[k] += s[k];
		if (!total.first_unexpected[0] && all[i].first_unexpected[0])
			memcpy(total.first_unexpected, all[i].first_unexpected,
			       sizeof(total.first_unexpected));
	}
	print_stats(&total, seed, workers,
		    (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
	return rc || total.unexpected ? 1 : 0;
}
