/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * nfgate: a two-uplink router in a netfilter module.
 *
 * Generic netlink family "nfgate", version 1
 * ==========================================
 *
 * Every object is configured per network namespace, through one command per
 * object and verb. Commands that change state need CAP_NET_ADMIN in the user
 * namespace that owns the network namespace (GENL_UNS_ADMIN_PERM). Every
 * attribute is validated strictly: an unknown attribute, a wrong length or a
 * value out of range is refused with -EINVAL and an extended ACK message
 * naming the attribute. Read-only attributes (marked RO) are refused in a
 * SET with -EINVAL.
 *
 * NFGATE_CMD_LAN_GET: doit, returns the LAN of the namespace (or -ENOENT).
 *   NFGATE_A_LAN: NLA_NESTED
 *     NFGATE_LAN_A_IFNAME: NLA_NUL_STRING, IFNAMSIZ max
 *     NFGATE_LAN_A_IFINDEX: NLA_U32 RO, 0 while the device does not exist
 *     NFGATE_LAN_A_ADDR: NLA_BE32, network address of the LAN subnet
 *     NFGATE_LAN_A_PREFIXLEN: NLA_U8, 0..32
 *   NFGATE_A_GENERATION: NLA_U32 RO, bumped on every configuration change
 *
 * NFGATE_CMD_LAN_SET: doit, creates or replaces the LAN.
 *   NFGATE_A_LAN: NLA_NESTED
 *     NFGATE_LAN_A_IFNAME or NFGATE_LAN_A_IFINDEX: exactly one, required;
 *       an ifindex is resolved to its name once, the LAN then follows the
 *       name (a bridge deleted and re-created is picked up again)
 *     NFGATE_LAN_A_ADDR: required; host bits must be zero
 *     NFGATE_LAN_A_PREFIXLEN: required
 *
 * NFGATE_CMD_LAN_DEL: doit, no attributes; removes the LAN.
 *
 * NFGATE_CMD_UPLINK_GET: doit with NFGATE_UPLINK_A_IFNAME (one uplink), or
 *   dump (NLM_F_DUMP, every uplink, one per message). A dump that raced a
 *   change is flagged NLM_F_DUMP_INTR: restart it.
 *   NFGATE_A_UPLINK: NLA_NESTED
 *     NFGATE_UPLINK_A_IFNAME: NLA_NUL_STRING, the key; an uplink follows its
 *       name across re-creation (ppp0 after a PPPoE re-dial)
 *     NFGATE_UPLINK_A_IFINDEX: NLA_U32 RO, 0 while the device is absent
 *     NFGATE_UPLINK_A_TIER: NLA_U8, 0..NFGATE_TIER_MAX; lower is preferred,
 *       a tier is used only while no better tier has a usable uplink
 *     NFGATE_UPLINK_A_WEIGHT: NLA_U32, 0..NFGATE_WEIGHT_MAX, share of new
 *       connections within the tier (0: no new connections, drain)
 *     NFGATE_UPLINK_A_HEALTH: NLA_U32, 0..NFGATE_HEALTH_MAX, fed by the agent
 *     NFGATE_UPLINK_A_ADMIN: NLA_U8, enum nfgate_admin_state
 *     NFGATE_UPLINK_A_OPER: NLA_U8 RO, enum nfgate_oper_state
 *     NFGATE_UPLINK_A_EFF_WEIGHT: NLA_U32 RO, weight * health / HEALTH_MAX
 *       rounded down, 0 unless the uplink is up (the choice itself uses
 *       weight * health exactly)
 *     NFGATE_UPLINK_A_ADDR: NLA_BE32 RO, the device's primary IPv4 address
 *     NFGATE_UPLINK_A_FLOWS: NLA_U32 RO, connections currently pinned
 *     NFGATE_UPLINK_A_CHANGED_MS: NLA_U64 RO, CLOCK_BOOTTIME in ms of the
 *       last operational state change
 *     NFGATE_UPLINK_A_TX_PACKETS, _TX_BYTES, _RX_PACKETS, _RX_BYTES:
 *       NLA_U64 RO, traffic nfgate saw leave and arrive on the uplink
 *     NFGATE_UPLINK_A_ID: NLA_U8 RO, 1..NFGATE_UPLINKS_MAX, the value kept
 *       in the conntrack mark (under the mark mask) of flows pinned to it
 *     NFGATE_UPLINK_A_USABLE: NLA_U8 RO, 1 while new connections may be
 *       given to it (up, admin up, effective weight > 0, hold-down over)
 *     NFGATE_UPLINK_A_HEALTH_STATE: NLA_U8, enum nfgate_health_state, the
 *       agent's verdict; a change is stamped and announced (UPLINK_HEALTH)
 *     NFGATE_UPLINK_A_HEALTH_REASON: NLA_U8, enum nfgate_health_reason, why
 *       the agent's verdict last changed
 *     NFGATE_UPLINK_A_HEALTH_SINCE_MS: NLA_U64 RO, CLOCK_BOOTTIME in ms of
 *       the last HEALTH_STATE change
 *     NFGATE_UPLINK_A_PROBE_LOSS: NLA_U32, 0..10000, probe loss over the
 *       agent's window in 1/100 of a percent
 *     NFGATE_UPLINK_A_PROBE_RTT_US, NFGATE_UPLINK_A_PROBE_JITTER_US:
 *       NLA_U32, probe round-trip time and its jitter (agent's window)
 *     NFGATE_UPLINK_A_SYN_SENT: NLA_U64 RO, new TCP connections given to
 *       this uplink (the first SYN seen)
 *     NFGATE_UPLINK_A_SYN_ANSWERED: NLA_U64 RO, ... that got their SYN-ACK;
 *       the passive signal: SYNs that stay unanswered while the other
 *       uplink answers point to a silent blackhole before any probe misses
 *   NFGATE_A_GENERATION: NLA_U32 RO
 *
 * NFGATE_CMD_UPLINK_SET: doit, creates the uplink named by
 *   NFGATE_UPLINK_A_IFNAME or changes the attributes given. A new uplink
 *   starts with tier 0, weight 1, health NFGATE_HEALTH_MAX, admin up.
 *   NFGATE_A_UPLINK: NLA_NESTED, the writable attributes above
 *
 * NFGATE_CMD_UPLINK_DEL: doit, NFGATE_A_UPLINK with NFGATE_UPLINK_A_IFNAME.
 *
 * NFGATE_CMD_STATS_GET: doit, the namespace's counters.
 *   NFGATE_A_STATS: NLA_NESTED, one NLA_U64 per enum nfgate_stat
 *   NFGATE_A_GENERATION: NLA_U32 RO
 *
 * NFGATE_CMD_SETTINGS_GET: doit, the namespace's settings.
 *   NFGATE_A_SETTINGS: NLA_NESTED
 *     NFGATE_SETTINGS_A_MARK_MASK: NLA_U32, the conntrack mark bits nfgate
 *       owns (default NFGATE_DEFAULT_MARK_MASK); one run of at least
 *       NFGATE_MARK_BITS_MIN contiguous bits. Other bits are left alone.
 *     NFGATE_SETTINGS_A_SKIP_MARK: NLA_U32, packets whose skb mark has any
 *       of these bits are never steered (default 0: none)
 *     NFGATE_SETTINGS_A_FAILOVER_RST: NLA_U8 0/1, send a TCP RST to the LAN
 *       host of each connection removed when its uplink dies (default 1)
 *     NFGATE_SETTINGS_A_HOLDDOWN_MS: NLA_U32, 0..NFGATE_HOLDDOWN_MS_MAX, an
 *       uplink that comes back up takes new connections only after this
 *       long (default NFGATE_DEFAULT_HOLDDOWN_MS)
 *     NFGATE_SETTINGS_A_STICKY_MS: NLA_U32, 0..NFGATE_STICKY_MS_MAX, new
 *       connections of a LAN host go to the uplink of its previous one if
 *       that was less than this long ago (default 0: off)
 *   NFGATE_A_GENERATION: NLA_U32 RO
 *
 * NFGATE_CMD_SETTINGS_SET: doit, changes the settings given.
 *   NFGATE_A_SETTINGS: NLA_NESTED, as above
 *
 * NFGATE_CMD_FORWARD_GET: dump, every port forward, one per message.
 *   NFGATE_A_FORWARD: NLA_NESTED
 *     NFGATE_FORWARD_A_PROTO: NLA_U8, IPPROTO_TCP or IPPROTO_UDP
 *     NFGATE_FORWARD_A_PORT: NLA_BE16, the port on the uplink address, > 0
 *     NFGATE_FORWARD_A_TO_ADDR: NLA_BE32, the LAN host, inside the LAN
 *     NFGATE_FORWARD_A_TO_PORT: NLA_BE16, its port (default: PORT)
 *     NFGATE_FORWARD_A_UPLINK: NLA_NUL_STRING, only on this uplink
 *       (default: every uplink)
 *     NFGATE_FORWARD_A_HITS: NLA_U64 RO, connections forwarded
 *
 * NFGATE_CMD_FORWARD_SET: doit, creates or replaces the forward keyed by
 *   PROTO and PORT. NFGATE_A_FORWARD: NLA_NESTED, as above.
 *
 * NFGATE_CMD_FORWARD_DEL: doit, NFGATE_A_FORWARD with PROTO and PORT.
 *
 * NFGATE_CMD_DNS_GET: doit, the DNS reply check of the namespace.
 *   NFGATE_A_DNS: NLA_NESTED
 *     NFGATE_DNS_A_MODE: NLA_U8, enum nfgate_dns_mode, for replies to LAN
 *       clients (default NFGATE_DNS_OFF)
 *     NFGATE_DNS_A_MODE_ROUTER: NLA_U8, enum nfgate_dns_mode, for replies
 *       to the router's own resolver (default: NFGATE_DNS_INHERIT, as MODE)
 *     NFGATE_DNS_A_HOLD_MS: NLA_U32, 0..NFGATE_DNS_HOLD_MS_MAX, how long a
 *       suspicious reply is held waiting for a better one (default
 *       NFGATE_DNS_DEFAULT_HOLD_MS; 0: never hold, suspicious replies pass)
 *     NFGATE_DNS_A_HOLD_MAX: NLA_U32, 1..NFGATE_DNS_HOLD_MAX_MAX, replies
 *       held at once in the namespace (default NFGATE_DNS_DEFAULT_HOLD_MAX)
 *     NFGATE_DNS_A_HOLD_PER_CLIENT: NLA_U32, 1..NFGATE_DNS_HOLD_MAX_MAX,
 *       ... for one client address (default
 *       NFGATE_DNS_DEFAULT_HOLD_PER_CLIENT). A reply that finds no room is
 *       passed and counted (DNS_HOLD_FULL).
 *     NFGATE_DNS_A_EXPIRE_DROP: NLA_U8 0/1, what happens to a held reply
 *       when HOLD_MS passes with no other reply: 0 release it (default),
 *       1 drop it
 *     NFGATE_DNS_A_TTL_SLACK: NLA_U8, an IP TTL this far outside the range
 *       learned for the resolver is a signal (default
 *       NFGATE_DNS_DEFAULT_TTL_SLACK)
 *     NFGATE_DNS_A_FAST_PCT: NLA_U8, 0..100, a reply faster than this
 *       percentage of the resolver's learned minimum RTT is a signal
 *       (default NFGATE_DNS_DEFAULT_FAST_PCT; 0 disables the signal)
 *     NFGATE_DNS_A_DROP_SCORE: NLA_U8, 0..NFGATE_DNS_SIG_COUNT, a reply
 *       with at least this many signals is dropped at once instead of held
 *       (default NFGATE_DNS_DEFAULT_DROP_SCORE; 0: never). A reply whose
 *       answer is in the forged-address set is always dropped in drop mode.
 *     NFGATE_DNS_A_FORGED4: NLA_U32 RO, IPv4 addresses in the forged set
 *     NFGATE_DNS_A_FORGED6: NLA_U32 RO, IPv6 prefixes in the forged set
 *     NFGATE_DNS_A_HELD: NLA_U32 RO, replies held now
 *     NFGATE_DNS_A_QUERIES: NLA_U32 RO, queries in the query table now
 *     NFGATE_DNS_A_RESOLVERS: NLA_U32 RO, resolvers with a learned baseline
 *   NFGATE_A_GENERATION: NLA_U32 RO
 *
 * NFGATE_CMD_DNS_SET: doit, changes the attributes given.
 *   NFGATE_A_DNS: NLA_NESTED, the writable attributes above. Turning a mode
 *   off releases the replies held under it.
 *
 * NFGATE_CMD_FORGED_GET: dump, the forged-address set, in messages of at
 *   most NFGATE_FORGED_CHUNK entries.
 *   NFGATE_A_FORGED: NLA_NESTED
 *     NFGATE_FORGED_A_ADDR4: NLA_BE32, repeated, one IPv4 address each
 *     NFGATE_FORGED_A_PREFIX6: struct nfgate_prefix6, repeated
 *
 * NFGATE_CMD_FORGED_ADD: doit, adds the entries of NFGATE_A_FORGED (as
 *   above; at most NFGATE_FORGED_CHUNK of each kind per message) to the set.
 *   The set is replaced as a whole, atomically: lookups see the old set or
 *   the new one. At most NFGATE_FORGED4_MAX addresses and
 *   NFGATE_FORGED6_MAX prefixes in all (-ENOSPC). An address of 0.0.0.0 or
 *   a prefix longer than 128 is refused.
 *
 * NFGATE_CMD_FORGED_DEL: doit, removes the entries of NFGATE_A_FORGED; with
 *   no NFGATE_A_FORGED, empties the set.
 *
 * NFGATE_CMD_TUNNEL_GET: doit, the shadowsocks tunnel of the namespace
 *   (-ENOENT until a TUNNEL_SET created it).
 *   NFGATE_A_TUNNEL: NLA_NESTED
 *     NFGATE_TUNNEL_A_ENABLED: NLA_U8 0/1, redirect new LAN connections
 *       into the tunnel (default 0: the tunnel exists, nothing redirected)
 *     NFGATE_TUNNEL_A_STATE: NLA_U8, enum nfgate_tunnel_state, the agent's
 *       verdict on the tunnel as a whole; a change is stamped and announced
 *       (TUNNEL_STATE)
 *     NFGATE_TUNNEL_A_SINCE_MS: NLA_U64 RO, CLOCK_BOOTTIME in ms of the last
 *       STATE or ACTIVE change
 *     NFGATE_TUNNEL_A_FAIL: NLA_U8, enum nfgate_tunnel_fail, what happens to
 *       connections meant for the tunnel while it is down (STATE down, or no
 *       ACTIVE server): sent direct or dropped (default
 *       NFGATE_TUNNEL_FAIL_OPEN)
 *     NFGATE_TUNNEL_A_ACTIVE: NLA_U8, 0..NFGATE_TUNNEL_SERVERS_MAX, the
 *       server new connections go to: its index in SERVERS plus one; 0: none
 *       (the tunnel counts as down). Must not exceed the number of SERVERS.
 *     NFGATE_TUNNEL_A_UDP: NLA_U8 0/1, UDP goes through the tunnel too, by
 *       TPROXY to the active server's UDP_PORT (default 0: UDP goes direct)
 *     NFGATE_TUNNEL_A_UDP_MARK: NLA_U32, not 0: these bits are set in the
 *       skb mark of every UDP packet handed to ss-redir, for the policy
 *       rule that routes them to the local stack (default
 *       NFGATE_TUNNEL_DEFAULT_UDP_MARK)
 *     NFGATE_TUNNEL_A_CHECK_MARK: NLA_U32, low byte 0: a new TCP connection
 *       of the router itself whose skb mark is CHECK_MARK + N (N 1..number
 *       of SERVERS) is redirected to the REDIR_PORT of server N on
 *       127.0.0.1 and never steered: the agent's end-to-end health check
 *       through each server (default 0: off)
 *     NFGATE_TUNNEL_A_SERVERS: NLA_NESTED, replaces the list (may be empty)
 *       NFGATE_TUNNEL_A_SERVER: NLA_NESTED, repeated, at most
 *         NFGATE_TUNNEL_SERVERS_MAX, in the agent's order of preference
 *         NFGATE_TSRV_A_NAME: NLA_NUL_STRING, < NFGATE_TUNNEL_NAME_MAX bytes
 *         NFGATE_TSRV_A_ADDR: NLA_BE32, required: the shadowsocks server;
 *           connections from the LAN to it always go direct
 *         NFGATE_TSRV_A_PORT: NLA_BE16, its port
 *         NFGATE_TSRV_A_REDIR_PORT: NLA_BE16, required, > 0: the local TCP
 *           port of the ss-redir that talks to this server
 *         NFGATE_TSRV_A_UDP_PORT: NLA_BE16, its local UDP (TPROXY) port,
 *           0 or absent: none
 *         NFGATE_TSRV_A_STATE: NLA_U8, enum nfgate_tunnel_state, the
 *           agent's health check verdict on this server
 *         NFGATE_TSRV_A_RTT_US: NLA_U32, the last check's connection time
 *         NFGATE_TSRV_A_SINCE_MS: NLA_U64 RO, when its STATE last changed
 *           (kept across a SET that lists the same ADDR and PORT)
 *         NFGATE_TSRV_A_REDIRECTED: NLA_U64 RO, connections sent to it
 *           (kept like SINCE_MS)
 *     NFGATE_TUNNEL_A_LIST: NLA_NESTED RO, repeated, one per prefix list
 *       NFGATE_TLIST_A_LIST: NLA_U8, enum nfgate_prefix_list
 *       NFGATE_TLIST_A_PREFIXES: NLA_U32, prefixes loaded
 *       NFGATE_TLIST_A_RANGES: NLA_U32, disjoint ranges they merged into
 *         (the bypass list: with the built-in reserved ranges)
 *       NFGATE_TLIST_A_TAG: NLA_U64, what the loader put in its COMMIT
 *       NFGATE_TLIST_A_BUILD_US: NLA_U32, how long the last COMMIT took
 *         to build the set
 *       NFGATE_TLIST_A_LOADING: NLA_U32, only while a load of this list
 *         is in progress: the prefixes staged so far
 *     NFGATE_TUNNEL_A_FLOWS: NLA_U32 RO, connections in the tunnel now
 *       (conntrack entries marked NFGATE_MARK_ID_TUNNEL)
 *   NFGATE_A_GENERATION: NLA_U32 RO
 *
 * NFGATE_CMD_TUNNEL_SET: doit, creates the tunnel or changes the attributes
 *   given. NFGATE_A_TUNNEL: NLA_NESTED, the writable attributes above.
 *
 * NFGATE_CMD_TUNNEL_DEL: doit, no attributes: removes the tunnel and its
 *   prefix lists; nothing is redirected any more.
 *
 * Which connections go through the tunnel. A new connection (TCP, and UDP
 * with UDP on) that arrives on the LAN device from a LAN address, while
 * ENABLED, is decided by the first rule that matches:
 *   1. its destination is in the LAN, an uplink's address or a tunnel
 *      server's: direct (NFGATE_TUNNEL_R_LOCAL)
 *   2. its source is in the SRC_BYPASS list: direct; in SRC_FORWARD:
 *      tunnel
 *   3. its destination is in the FORWARD list: tunnel (this overrides 4)
 *   4. its destination is a reserved address (built in: the IANA special
 *      purpose ranges, NFGATE_TUNNEL_R_RESERVED) or in the BYPASS list:
 *      direct
 *   5. otherwise: tunnel.
 * "Tunnel" while the tunnel is down is direct or dropped, as FAIL says. TCP
 * is redirected by the NAT core (a REDIRECT to REDIR_PORT of the active
 * server: ss-redir reads the original destination with SO_ORIGINAL_DST);
 * UDP is handed to the ss-redir socket on its UDP_PORT by the kernel's
 * TPROXY (nf_tproxy), its skb mark gets UDP_MARK, and the agent's policy
 * rule (fwmark UDP_MARK lookup a table with "local 0.0.0.0/0 dev lo")
 * delivers it. Connections in the tunnel carry NFGATE_MARK_ID_TUNNEL in the
 * conntrack mark (under the mark mask) instead of an uplink id; the
 * tunnel's own connections to its servers are the router's, and take an
 * uplink like any other.
 *
 * NFGATE_CMD_PREFIXES_LOAD: doit, loads one prefix list in chunks and
 *   replaces it atomically at the end: lookups see the old list or the new
 *   one, never a part. One load at a time per namespace.
 *   NFGATE_A_PREFIXES: NLA_NESTED
 *     NFGATE_PREFIXES_A_LIST: NLA_U8, enum nfgate_prefix_list, required
 *     NFGATE_PREFIXES_A_FLAGS: NLA_U32, NFGATE_PREFIXES_F_*: BEGIN starts
 *       a load (dropping one in progress); without BEGIN the message
 *       continues the load in progress, which must be of the same LIST and
 *       from the same netlink socket (else -EBUSY); COMMIT ends it: the
 *       prefixes staged so far replace the list. BEGIN|COMMIT in one
 *       message, with no prefixes, empties the list.
 *     NFGATE_PREFIXES_A_PREFIX4: struct nfgate_prefix4, repeated, at most
 *       NFGATE_PREFIXES_CHUNK per message; a len above 32 is refused, host
 *       bits are ignored. At most NFGATE_PREFIXES_MAX in a list (-ENOSPC).
 *     NFGATE_PREFIXES_A_TAG: NLA_U64, with COMMIT: kept with the list and
 *       reported (NFGATE_TLIST_A_TAG), so a loader can tell whether the
 *       kernel has its list already
 *   A load needs the tunnel (-ENOENT).
 *
 * NFGATE_CMD_TUNNEL_LOOKUP: doit, what the tunnel would do with a new
 *   connection from the LAN, now.
 *   NFGATE_A_LOOKUP: NLA_NESTED
 *     NFGATE_LOOKUP_A_DADDR: NLA_BE32, required, the destination
 *     NFGATE_LOOKUP_A_SADDR: NLA_BE32, the LAN source (default: none, the
 *       source lists are not consulted)
 *   The reply: NFGATE_A_LOOKUP with DADDR, SADDR and
 *     NFGATE_LOOKUP_A_VERDICT: NLA_U8 RO, enum nfgate_tunnel_verdict
 *     NFGATE_LOOKUP_A_REASON: NLA_U8 RO, enum nfgate_tunnel_reason, the
 *       rule that decided
 *
 * NFGATE_CMD_EVENT: sent by the kernel only, on the NFGATE_MCGRP_EVENTS
 *   multicast group of the namespace where the change happened.
 *   NFGATE_A_EVENT: NLA_U32, enum nfgate_event
 *   NFGATE_A_LAN, NFGATE_A_UPLINK, NFGATE_A_SETTINGS or NFGATE_A_FORWARD:
 *     the object after the change (for a deletion: as it was)
 *   NFGATE_A_FLUSHED: NLA_U32, in UPLINK_FLUSH: connections removed
 *   NFGATE_A_RESETS: NLA_U32, in UPLINK_FLUSH: TCP RSTs sent to the LAN
 *   NFGATE_A_DNS_REPLY: NLA_NESTED, in DNS_FORGED: a reply judged forged
 *     NFGATE_DNS_REPLY_A_VERDICT: NLA_U8, enum nfgate_dns_verdict
 *     NFGATE_DNS_REPLY_A_SIGNALS: NLA_U32, NFGATE_DNS_SIG_* bits that fired
 *     NFGATE_DNS_REPLY_A_RESOLVER: NLA_BE32, the reply's source
 *     NFGATE_DNS_REPLY_A_CLIENT: NLA_BE32, the query's source (before NAT)
 *     NFGATE_DNS_REPLY_A_UPLINK: NLA_NUL_STRING, where it arrived
 *     NFGATE_DNS_REPLY_A_QNAME: NLA_NUL_STRING, in presentation form
 *     NFGATE_DNS_REPLY_A_QTYPE: NLA_U16
 *     NFGATE_DNS_REPLY_A_ANSWER4: NLA_BE32, repeated: its A answers
 *     NFGATE_DNS_REPLY_A_ANSWER6: 16 bytes, repeated: its AAAA answers
 *     NFGATE_DNS_REPLY_A_IP_TTL: NLA_U8, NFGATE_DNS_REPLY_A_IP_ID: NLA_U16,
 *     NFGATE_DNS_REPLY_A_DF: NLA_U8, NFGATE_DNS_REPLY_A_FLAGS: NLA_U16 (DNS
 *       header flags): the injector's fingerprint
 *     NFGATE_DNS_REPLY_A_LEAD_US: NLA_U32, how long before the reply that
 *       beat it this one arrived (only when another reply decided)
 *   NFGATE_A_TUNNEL: in TUNNEL, TUNNEL_STATE, TUNNEL_DEL and PREFIXES: the
 *     tunnel after the change (without FLOWS)
 *   DNS_FORGED events are limited to NFGATE_DNS_EVENTS_PER_SEC per
 *   namespace; the counters count every reply.
 *   NFGATE_A_GENERATION: NLA_U32
 *
 * NFGATE_CMD_HOST_GET: dump, per-host accounting: one message per LAN
 *   host nfgate has seen in forwarded traffic (at FORWARD, before the
 *   filter table), in the order first seen. The table holds at most the
 *   module parameter hosts_max hosts (default NFGATE_HOSTS_DEFAULT_MAX,
 *   the seed's /22); traffic of hosts beyond it is counted in
 *   NFGATE_STAT_HOSTS_OVERFLOW. A new LAN (LAN_SET with another subnet)
 *   empties it. A dump that raced that is flagged NLM_F_DUMP_INTR.
 *   NFGATE_A_HOST: NLA_NESTED
 *     NFGATE_HOST_A_ADDR: NLA_BE32, the LAN host
 *     NFGATE_HOST_A_TX_PACKETS, _TX_BYTES: NLA_U64, what it sent through
 *       the router (IP packets as on the wire, a GRO packet as its
 *       segments; their IP length), _RX_PACKETS, _RX_BYTES: what
 *       it received through the router
 *   NFGATE_A_GENERATION: NLA_U32 RO
 *
 * NFGATE_CMD_TRACE_SET: doit, the packet trace of the namespace. Off by
 *   default; while on, every packet matching the filter (its connection's
 *   addresses and ports, before and after NAT) is reported at each stage
 *   it passes, one NFGATE_CMD_TRACE message per stage on the
 *   NFGATE_MCGRP_TRACE group, at most NFGATE_TRACE_PER_SEC a second.
 *   NFGATE_A_TRACE: NLA_NESTED
 *     NFGATE_TRACE_A_ON: NLA_U8 0/1, required; 0 turns the trace off
 *     NFGATE_TRACE_A_HOST: NLA_BE32, an address of the connection (any)
 *     NFGATE_TRACE_A_PORT: NLA_BE16, a port of the connection (any)
 *
 * NFGATE_CMD_TRACE: sent by the kernel only, one stage of one packet.
 *   NFGATE_A_TRACE: NLA_NESTED
 *     NFGATE_TRACE_A_STAGE: NLA_U8, enum nfgate_trace_stage
 *     NFGATE_TRACE_A_DECISION: NLA_U8, enum nfgate_trace_decision
 *     NFGATE_TRACE_A_FLOW: NLA_U32, the conntrack entry's id
 *     NFGATE_TRACE_A_IPID: NLA_U16, the IP ID: with FLOW, the packet
 *     NFGATE_TRACE_A_TIME_NS: NLA_U64, ktime_get_ns()
 *     NFGATE_TRACE_A_SADDR, _DADDR: NLA_BE32, the header at this stage
 *     NFGATE_TRACE_A_PROTO: NLA_U8; _SPORT, _DPORT: NLA_BE16 (TCP, UDP)
 *     NFGATE_TRACE_A_DEV: NLA_NUL_STRING, in (ingress) or out device
 *     NFGATE_TRACE_A_UPLINK: NLA_NUL_STRING, the connection's uplink
 *     NFGATE_TRACE_A_REASON: NLA_U8, stage TUNNEL: enum nfgate_tunnel_reason,
 *       the rule that decided (absent for a later packet of a UDP flow)
 *     NFGATE_TRACE_A_SERVER: NLA_NUL_STRING, stage TUNNEL, decision TUNNEL:
 *       the server whose ss-redir gets the packet (its NAME, else A.B.C.D:P)
 *   A packet delivered to the router is reported at stage ROUTE with the
 *   decision LOCAL, from a LOCAL_IN hook registered only while the
 *   namespace traces.
 *
 * Later versions add objects as new commands and new top-level attributes;
 * existing numbers never change meaning.
 */

#ifndef _UAPI_LINUX_NFGATE_H
#define _UAPI_LINUX_NFGATE_H

#include <linux/types.h>

#define NFGATE_GENL_NAME	"nfgate"
#define NFGATE_GENL_VERSION	1
#define NFGATE_MCGRP_EVENTS	"events"
#define NFGATE_MCGRP_TRACE	"trace"
#define NFGATE_TRACE_PER_SEC	200

#define NFGATE_TIER_MAX		15
#define NFGATE_WEIGHT_MAX	1000
#define NFGATE_HEALTH_MAX	1000
#define NFGATE_UPLINKS_MAX	16
#define NFGATE_FORWARDS_MAX	256

#define NFGATE_DEFAULT_MARK_MASK	0x00ff0000
#define NFGATE_MARK_BITS_MIN		5	/* ids 1..NFGATE_UPLINKS_MAX */
#define NFGATE_DEFAULT_HOLDDOWN_MS	5000
#define NFGATE_HOLDDOWN_MS_MAX		3600000
#define NFGATE_STICKY_MS_MAX		86400000

#define NFGATE_DNS_DEFAULT_HOLD_MS	300
#define NFGATE_DNS_HOLD_MS_MAX		5000
#define NFGATE_DNS_DEFAULT_HOLD_MAX	256
#define NFGATE_DNS_DEFAULT_HOLD_PER_CLIENT	16
#define NFGATE_DNS_HOLD_MAX_MAX		4096
#define NFGATE_DNS_DEFAULT_TTL_SLACK	2
#define NFGATE_DNS_DEFAULT_FAST_PCT	50
#define NFGATE_DNS_DEFAULT_DROP_SCORE	3
#define NFGATE_DNS_EVENTS_PER_SEC	100
#define NFGATE_FORGED_CHUNK		1024
#define NFGATE_FORGED4_MAX		65536
#define NFGATE_FORGED6_MAX		256
#define NFGATE_HOSTS_DEFAULT_MAX	1024

#define NFGATE_TUNNEL_SERVERS_MAX	8
#define NFGATE_TUNNEL_NAME_MAX		32	/* with the NUL */
#define NFGATE_TUNNEL_DEFAULT_UDP_MARK	0x00000100
#define NFGATE_TUNNEL_CHECK_MARK_MASK	0xffffff00
#define NFGATE_PREFIXES_CHUNK		2048
#define NFGATE_PREFIXES_MAX		65536
/*
 * The conntrack mark id (under the mark mask, like an uplink id) of the
 * connections redirected into the tunnel.
 */
#define NFGATE_MARK_ID_TUNNEL		31

/* NFGATE_PREFIXES_A_PREFIX4 */
struct nfgate_prefix4 {
	__be32 addr;
	__u8 len;		/* 0..32 */
	__u8 pad[3];
};

#define NFGATE_PREFIXES_F_BEGIN		0x1
#define NFGATE_PREFIXES_F_COMMIT	0x2
#define __NFGATE_PREFIXES_F_ALL		0x3

/* NFGATE_FORGED_A_PREFIX6 */
struct nfgate_prefix6 {
	__u8 addr[16];
	__u8 len;		/* 0..128 */
	__u8 pad[3];
};

enum nfgate_cmd {
	NFGATE_CMD_UNSPEC,
	NFGATE_CMD_LAN_GET,
	NFGATE_CMD_LAN_SET,
	NFGATE_CMD_LAN_DEL,
	NFGATE_CMD_UPLINK_GET,
	NFGATE_CMD_UPLINK_SET,
	NFGATE_CMD_UPLINK_DEL,
	NFGATE_CMD_STATS_GET,
	NFGATE_CMD_EVENT,
	NFGATE_CMD_SETTINGS_GET,
	NFGATE_CMD_SETTINGS_SET,
	NFGATE_CMD_FORWARD_GET,
	NFGATE_CMD_FORWARD_SET,
	NFGATE_CMD_FORWARD_DEL,
	NFGATE_CMD_DNS_GET,
	NFGATE_CMD_DNS_SET,
	NFGATE_CMD_FORGED_GET,
	NFGATE_CMD_FORGED_ADD,
	NFGATE_CMD_FORGED_DEL,
	NFGATE_CMD_TUNNEL_GET,
	NFGATE_CMD_TUNNEL_SET,
	NFGATE_CMD_TUNNEL_DEL,
	NFGATE_CMD_PREFIXES_LOAD,
	NFGATE_CMD_TUNNEL_LOOKUP,
	NFGATE_CMD_HOST_GET,
	NFGATE_CMD_TRACE_SET,
	NFGATE_CMD_TRACE,
	__NFGATE_CMD_MAX
};
#define NFGATE_CMD_MAX (__NFGATE_CMD_MAX - 1)

enum nfgate_attr {
	NFGATE_A_UNSPEC,
	NFGATE_A_LAN,
	NFGATE_A_UPLINK,
	NFGATE_A_STATS,
	NFGATE_A_EVENT,
	NFGATE_A_GENERATION,
	NFGATE_A_SETTINGS,
	NFGATE_A_FORWARD,
	NFGATE_A_FLUSHED,
	NFGATE_A_RESETS,
	NFGATE_A_DNS,
	NFGATE_A_FORGED,
	NFGATE_A_DNS_REPLY,
	NFGATE_A_TUNNEL,
	NFGATE_A_PREFIXES,
	NFGATE_A_LOOKUP,
	NFGATE_A_HOST,
	NFGATE_A_TRACE,
	__NFGATE_A_LAST
};
#define NFGATE_A_MAX (__NFGATE_A_LAST - 1)

enum nfgate_lan_attr {
	NFGATE_LAN_A_UNSPEC,
	NFGATE_LAN_A_IFNAME,
	NFGATE_LAN_A_IFINDEX,
	NFGATE_LAN_A_ADDR,
	NFGATE_LAN_A_PREFIXLEN,
	__NFGATE_LAN_A_LAST
};
#define NFGATE_LAN_A_MAX (__NFGATE_LAN_A_LAST - 1)

enum nfgate_uplink_attr {
	NFGATE_UPLINK_A_UNSPEC,
	NFGATE_UPLINK_A_IFNAME,
	NFGATE_UPLINK_A_IFINDEX,
	NFGATE_UPLINK_A_TIER,
	NFGATE_UPLINK_A_WEIGHT,
	NFGATE_UPLINK_A_HEALTH,
	NFGATE_UPLINK_A_ADMIN,
	NFGATE_UPLINK_A_OPER,
	NFGATE_UPLINK_A_EFF_WEIGHT,
	NFGATE_UPLINK_A_ADDR,
	NFGATE_UPLINK_A_FLOWS,
	NFGATE_UPLINK_A_CHANGED_MS,
	NFGATE_UPLINK_A_TX_PACKETS,
	NFGATE_UPLINK_A_TX_BYTES,
	NFGATE_UPLINK_A_RX_PACKETS,
	NFGATE_UPLINK_A_RX_BYTES,
	NFGATE_UPLINK_A_PAD,
	NFGATE_UPLINK_A_ID,
	NFGATE_UPLINK_A_USABLE,
	NFGATE_UPLINK_A_HEALTH_STATE,
	NFGATE_UPLINK_A_HEALTH_REASON,
	NFGATE_UPLINK_A_HEALTH_SINCE_MS,
	NFGATE_UPLINK_A_PROBE_LOSS,
	NFGATE_UPLINK_A_PROBE_RTT_US,
	NFGATE_UPLINK_A_PROBE_JITTER_US,
	NFGATE_UPLINK_A_SYN_SENT,
	NFGATE_UPLINK_A_SYN_ANSWERED,
	__NFGATE_UPLINK_A_LAST
};
#define NFGATE_UPLINK_A_MAX (__NFGATE_UPLINK_A_LAST - 1)

enum nfgate_settings_attr {
	NFGATE_SETTINGS_A_UNSPEC,
	NFGATE_SETTINGS_A_MARK_MASK,
	NFGATE_SETTINGS_A_SKIP_MARK,
	NFGATE_SETTINGS_A_FAILOVER_RST,
	NFGATE_SETTINGS_A_HOLDDOWN_MS,
	NFGATE_SETTINGS_A_STICKY_MS,
	__NFGATE_SETTINGS_A_LAST
};
#define NFGATE_SETTINGS_A_MAX (__NFGATE_SETTINGS_A_LAST - 1)

enum nfgate_forward_attr {
	NFGATE_FORWARD_A_UNSPEC,
	NFGATE_FORWARD_A_PROTO,
	NFGATE_FORWARD_A_PORT,
	NFGATE_FORWARD_A_TO_ADDR,
	NFGATE_FORWARD_A_TO_PORT,
	NFGATE_FORWARD_A_UPLINK,
	NFGATE_FORWARD_A_HITS,
	NFGATE_FORWARD_A_PAD,
	__NFGATE_FORWARD_A_LAST
};
#define NFGATE_FORWARD_A_MAX (__NFGATE_FORWARD_A_LAST - 1)

enum nfgate_dns_attr {
	NFGATE_DNS_A_UNSPEC,
	NFGATE_DNS_A_MODE,
	NFGATE_DNS_A_MODE_ROUTER,
	NFGATE_DNS_A_HOLD_MS,
	NFGATE_DNS_A_HOLD_MAX,
	NFGATE_DNS_A_HOLD_PER_CLIENT,
	NFGATE_DNS_A_EXPIRE_DROP,
	NFGATE_DNS_A_TTL_SLACK,
	NFGATE_DNS_A_FAST_PCT,
	NFGATE_DNS_A_DROP_SCORE,
	NFGATE_DNS_A_FORGED4,
	NFGATE_DNS_A_FORGED6,
	NFGATE_DNS_A_HELD,
	NFGATE_DNS_A_QUERIES,
	NFGATE_DNS_A_RESOLVERS,
	__NFGATE_DNS_A_LAST
};
#define NFGATE_DNS_A_MAX (__NFGATE_DNS_A_LAST - 1)

enum nfgate_forged_attr {
	NFGATE_FORGED_A_UNSPEC,
	NFGATE_FORGED_A_ADDR4,
	NFGATE_FORGED_A_PREFIX6,
	__NFGATE_FORGED_A_LAST
};
#define NFGATE_FORGED_A_MAX (__NFGATE_FORGED_A_LAST - 1)

enum nfgate_dns_reply_attr {
	NFGATE_DNS_REPLY_A_UNSPEC,
	NFGATE_DNS_REPLY_A_VERDICT,
	NFGATE_DNS_REPLY_A_SIGNALS,
	NFGATE_DNS_REPLY_A_RESOLVER,
	NFGATE_DNS_REPLY_A_CLIENT,
	NFGATE_DNS_REPLY_A_UPLINK,
	NFGATE_DNS_REPLY_A_QNAME,
	NFGATE_DNS_REPLY_A_QTYPE,
	NFGATE_DNS_REPLY_A_ANSWER4,
	NFGATE_DNS_REPLY_A_ANSWER6,
	NFGATE_DNS_REPLY_A_IP_TTL,
	NFGATE_DNS_REPLY_A_IP_ID,
	NFGATE_DNS_REPLY_A_DF,
	NFGATE_DNS_REPLY_A_FLAGS,
	NFGATE_DNS_REPLY_A_LEAD_US,
	__NFGATE_DNS_REPLY_A_LAST
};
#define NFGATE_DNS_REPLY_A_MAX (__NFGATE_DNS_REPLY_A_LAST - 1)

enum nfgate_tunnel_attr {
	NFGATE_TUNNEL_A_UNSPEC,
	NFGATE_TUNNEL_A_ENABLED,
	NFGATE_TUNNEL_A_STATE,
	NFGATE_TUNNEL_A_SINCE_MS,
	NFGATE_TUNNEL_A_FAIL,
	NFGATE_TUNNEL_A_ACTIVE,
	NFGATE_TUNNEL_A_UDP,
	NFGATE_TUNNEL_A_UDP_MARK,
	NFGATE_TUNNEL_A_CHECK_MARK,
	NFGATE_TUNNEL_A_SERVERS,
	NFGATE_TUNNEL_A_SERVER,
	NFGATE_TUNNEL_A_LIST,
	NFGATE_TUNNEL_A_FLOWS,
	NFGATE_TUNNEL_A_PAD,
	__NFGATE_TUNNEL_A_LAST
};
#define NFGATE_TUNNEL_A_MAX (__NFGATE_TUNNEL_A_LAST - 1)

enum nfgate_tsrv_attr {
	NFGATE_TSRV_A_UNSPEC,
	NFGATE_TSRV_A_NAME,
	NFGATE_TSRV_A_ADDR,
	NFGATE_TSRV_A_PORT,
	NFGATE_TSRV_A_REDIR_PORT,
	NFGATE_TSRV_A_UDP_PORT,
	NFGATE_TSRV_A_STATE,
	NFGATE_TSRV_A_RTT_US,
	NFGATE_TSRV_A_SINCE_MS,
	NFGATE_TSRV_A_REDIRECTED,
	NFGATE_TSRV_A_PAD,
	__NFGATE_TSRV_A_LAST
};
#define NFGATE_TSRV_A_MAX (__NFGATE_TSRV_A_LAST - 1)

enum nfgate_tlist_attr {
	NFGATE_TLIST_A_UNSPEC,
	NFGATE_TLIST_A_LIST,
	NFGATE_TLIST_A_PREFIXES,
	NFGATE_TLIST_A_RANGES,
	NFGATE_TLIST_A_TAG,
	NFGATE_TLIST_A_BUILD_US,
	NFGATE_TLIST_A_LOADING,
	NFGATE_TLIST_A_PAD,
	__NFGATE_TLIST_A_LAST
};
#define NFGATE_TLIST_A_MAX (__NFGATE_TLIST_A_LAST - 1)

enum nfgate_prefixes_attr {
	NFGATE_PREFIXES_A_UNSPEC,
	NFGATE_PREFIXES_A_LIST,
	NFGATE_PREFIXES_A_FLAGS,
	NFGATE_PREFIXES_A_PREFIX4,
	NFGATE_PREFIXES_A_TAG,
	NFGATE_PREFIXES_A_PAD,
	__NFGATE_PREFIXES_A_LAST
};
#define NFGATE_PREFIXES_A_MAX (__NFGATE_PREFIXES_A_LAST - 1)

enum nfgate_lookup_attr {
	NFGATE_LOOKUP_A_UNSPEC,
	NFGATE_LOOKUP_A_DADDR,
	NFGATE_LOOKUP_A_SADDR,
	NFGATE_LOOKUP_A_VERDICT,
	NFGATE_LOOKUP_A_REASON,
	__NFGATE_LOOKUP_A_LAST
};
#define NFGATE_LOOKUP_A_MAX (__NFGATE_LOOKUP_A_LAST - 1)

enum nfgate_tunnel_state {
	NFGATE_TUNNEL_UNKNOWN,		/* no agent verdict yet: counts as up */
	NFGATE_TUNNEL_UP,
	NFGATE_TUNNEL_DOWN,
	__NFGATE_TUNNEL_STATE_LAST
};
#define NFGATE_TUNNEL_STATE_MAX (__NFGATE_TUNNEL_STATE_LAST - 1)

enum nfgate_tunnel_fail {
	NFGATE_TUNNEL_FAIL_OPEN,	/* tunnel down: direct */
	NFGATE_TUNNEL_FAIL_CLOSED,	/* tunnel down: dropped */
	__NFGATE_TUNNEL_FAIL_LAST
};
#define NFGATE_TUNNEL_FAIL_MAX (__NFGATE_TUNNEL_FAIL_LAST - 1)

enum nfgate_prefix_list {
	NFGATE_LIST_BYPASS,		/* destinations sent direct */
	NFGATE_LIST_FORWARD,		/* destinations always tunneled */
	NFGATE_LIST_SRC_BYPASS,		/* LAN sources always direct */
	NFGATE_LIST_SRC_FORWARD,	/* LAN sources always tunneled */
	__NFGATE_LIST_LAST
};
#define NFGATE_LIST_MAX (__NFGATE_LIST_LAST - 1)

enum nfgate_tunnel_verdict {
	NFGATE_TUNNEL_V_DIRECT,
	NFGATE_TUNNEL_V_TUNNEL,
	NFGATE_TUNNEL_V_BLOCKED,	/* meant for the tunnel, which is down,
					 * and FAIL is closed
					 */
	__NFGATE_TUNNEL_V_LAST
};

enum nfgate_tunnel_reason {
	NFGATE_TUNNEL_R_OFF,		/* no tunnel, or not ENABLED */
	NFGATE_TUNNEL_R_LOCAL,		/* LAN, router or tunnel server */
	NFGATE_TUNNEL_R_SRC_BYPASS,
	NFGATE_TUNNEL_R_SRC_FORWARD,
	NFGATE_TUNNEL_R_FORWARD,
	NFGATE_TUNNEL_R_RESERVED,	/* built-in reserved ranges */
	NFGATE_TUNNEL_R_BYPASS,
	NFGATE_TUNNEL_R_DEFAULT,
	__NFGATE_TUNNEL_R_LAST
};
enum nfgate_host_attr {
	NFGATE_HOST_A_UNSPEC,
	NFGATE_HOST_A_ADDR,
	NFGATE_HOST_A_TX_PACKETS,
	NFGATE_HOST_A_TX_BYTES,
	NFGATE_HOST_A_RX_PACKETS,
	NFGATE_HOST_A_RX_BYTES,
	NFGATE_HOST_A_PAD,
	__NFGATE_HOST_A_LAST
};
#define NFGATE_HOST_A_MAX (__NFGATE_HOST_A_LAST - 1)

enum nfgate_trace_attr {
	NFGATE_TRACE_A_UNSPEC,
	NFGATE_TRACE_A_ON,
	NFGATE_TRACE_A_HOST,
	NFGATE_TRACE_A_PORT,
	NFGATE_TRACE_A_STAGE,
	NFGATE_TRACE_A_DECISION,
	NFGATE_TRACE_A_FLOW,
	NFGATE_TRACE_A_IPID,
	NFGATE_TRACE_A_TIME_NS,
	NFGATE_TRACE_A_PAD,
	NFGATE_TRACE_A_SADDR,
	NFGATE_TRACE_A_DADDR,
	NFGATE_TRACE_A_PROTO,
	NFGATE_TRACE_A_SPORT,
	NFGATE_TRACE_A_DPORT,
	NFGATE_TRACE_A_DEV,
	NFGATE_TRACE_A_UPLINK,
	NFGATE_TRACE_A_REASON,
	NFGATE_TRACE_A_SERVER,
	__NFGATE_TRACE_A_LAST
};
#define NFGATE_TRACE_A_MAX (__NFGATE_TRACE_A_LAST - 1)

/*
 * The stages of the packet path. A packet meets them in this order, except
 * TUNNEL (added later, so numbered last), which comes right after INGRESS:
 * INGRESS, TUNNEL, DNS, ROUTE, FORWARD, LOCAL_OUT, EGRESS.
 */
enum nfgate_trace_stage {
	NFGATE_TRACE_INGRESS,		/* PRE_ROUTING, before NAT */
	NFGATE_TRACE_DNS,		/* PRE_ROUTING, after NAT: DNS reply */
	NFGATE_TRACE_ROUTE,		/* the routing decision: forward
					 * (FORWARD) or deliver to the router
					 * (LOCAL_IN)
					 */
	NFGATE_TRACE_FORWARD,		/* FORWARD: the uplink */
	NFGATE_TRACE_LOCAL_OUT,		/* the router's own packet: the uplink */
	NFGATE_TRACE_EGRESS,		/* POST_ROUTING, after NAT */
	NFGATE_TRACE_TUNNEL,		/* PRE_ROUTING, a LAN packet: the tunnel
					 * decision (UDP: TPROXY, TCP: at DNAT)
					 */
	__NFGATE_TRACE_STAGE_LAST
};

enum nfgate_trace_decision {
	NFGATE_TRACE_D_PASS,		/* nothing for nfgate to do */
	NFGATE_TRACE_D_SPOOF_DROP,	/* ingress: anti-spoofing dropped it */
	NFGATE_TRACE_D_INBOUND,		/* ingress: a connection from an
					 * uplink, pinned to it
					 */
	NFGATE_TRACE_D_DNS_PASS,	/* dns: judged, passed */
	NFGATE_TRACE_D_DNS_DROP,	/* dns: dropped */
	NFGATE_TRACE_D_DNS_HOLD,	/* dns: held for a better reply */
	NFGATE_TRACE_D_FORWARD,		/* route: forwarded (DEV: the route) */
	NFGATE_TRACE_D_NEW_UPLINK,	/* forward, local_out: a new connection
					 * given UPLINK by tier and weight
					 */
	NFGATE_TRACE_D_PINNED,		/* ... a packet of a connection that
					 * has UPLINK
					 */
	NFGATE_TRACE_D_NO_UPLINK,	/* ... no usable uplink: dropped */
	NFGATE_TRACE_D_MASQUERADE,	/* egress: source NATed (SADDR) */
	NFGATE_TRACE_D_PORT_FORWARD,	/* egress: destination NATed (DADDR) */
	NFGATE_TRACE_D_HAIRPIN,		/* egress: both */
	NFGATE_TRACE_D_NAT_REPLY,	/* egress: a reply, NAT undone */
	NFGATE_TRACE_D_NO_NAT,		/* egress: no NAT */
	NFGATE_TRACE_D_LOCAL,		/* route: delivered to the router
					 * (DEV: the input device)
					 */
	NFGATE_TRACE_D_TUNNEL,		/* tunnel: into SERVER's ss-redir
					 * (REASON: the rule that wanted it)
					 */
	NFGATE_TRACE_D_BYPASS,		/* tunnel: not wanted, goes direct
					 * (REASON: local, src_bypass,
					 * reserved or bypass)
					 */
	NFGATE_TRACE_D_FAIL_OPEN,	/* tunnel: wanted but down, direct */
	NFGATE_TRACE_D_BLOCKED,		/* tunnel: wanted but down, fail
					 * closed: dropped
					 */
	NFGATE_TRACE_D_NO_SOCKET,	/* tunnel: UDP, no ss-redir socket:
					 * dropped
					 */
	__NFGATE_TRACE_D_LAST
};

enum nfgate_dns_mode {
	NFGATE_DNS_OFF,		/* replies are not looked at */
	NFGATE_DNS_LOG,		/* judged, counted and announced; all pass */
	NFGATE_DNS_DROP,	/* forged replies dropped, suspicious held */
	NFGATE_DNS_INHERIT,	/* MODE_ROUTER only: as MODE */
	__NFGATE_DNS_MODE_LAST
};
#define NFGATE_DNS_MODE_MAX (__NFGATE_DNS_MODE_LAST - 1)

/*
 * Signals against a DNS reply (NFGATE_DNS_REPLY_A_SIGNALS). A resolver's
 * baseline is learned from its replies that were not suspicious.
 */
#define NFGATE_DNS_SIG_ADDR	0x01	/* an answer in the forged set */
#define NFGATE_DNS_SIG_TTL	0x02	/* IP TTL outside the baseline */
#define NFGATE_DNS_SIG_SHAPE	0x04	/* no OPT to an EDNS query; AA set by a
					 * resolver that never sets it
					 */
#define NFGATE_DNS_SIG_FAST	0x08	/* faster than FAST_PCT of min RTT */
#define NFGATE_DNS_SIG_DISAGREE	0x10	/* another reply to the same query
					 * with other answers won
					 */
#define NFGATE_DNS_SIG_IPHDR	0x20	/* DF differs from the baseline */
#define NFGATE_DNS_SIG_COUNT	6

enum nfgate_dns_verdict {
	NFGATE_DNS_V_PASS,
	NFGATE_DNS_V_DROP,		/* dropped on arrival */
	NFGATE_DNS_V_HOLD,		/* held, then ... */
	NFGATE_DNS_V_SUPERSEDED,	/* dropped: a better reply came */
	NFGATE_DNS_V_EXPIRED,		/* released after HOLD_MS */
	NFGATE_DNS_V_EXPIRED_DROP,	/* dropped after HOLD_MS */
	NFGATE_DNS_V_LOGGED,		/* log mode: passed */
	NFGATE_DNS_V_LATE,		/* passed, then contradicted by a
					 * reply arriving after it with no
					 * more signals: the earlier one is
					 * the suspect (a DROP or LOGGED
					 * report names a later reply that
					 * looked worse)
					 */
	__NFGATE_DNS_V_LAST
};

enum nfgate_admin_state {
	NFGATE_ADMIN_DOWN,
	NFGATE_ADMIN_UP,
	__NFGATE_ADMIN_LAST
};
#define NFGATE_ADMIN_MAX (__NFGATE_ADMIN_LAST - 1)

enum nfgate_health_state {
	NFGATE_HEALTH_UNKNOWN,		/* no agent verdict yet */
	NFGATE_HEALTH_UP,
	NFGATE_HEALTH_DEGRADED,		/* loss or latency above the limits */
	NFGATE_HEALTH_DOWN,
	__NFGATE_HEALTH_LAST
};
#define NFGATE_HEALTH_STATE_MAX (__NFGATE_HEALTH_LAST - 1)

enum nfgate_health_reason {
	NFGATE_REASON_NONE,
	NFGATE_REASON_PROBES_LOST,	/* down-after consecutive misses */
	NFGATE_REASON_PROBES_OK,	/* up-after consecutive successes */
	NFGATE_REASON_LOSS,		/* loss over the window above the limit */
	NFGATE_REASON_LATENCY,		/* RTT above the limit */
	NFGATE_REASON_PASSIVE,		/* unanswered SYNs (SYN_SENT/ANSWERED) */
	NFGATE_REASON_CARRIER,		/* device gone, down or without carrier */
	NFGATE_REASON_DAMPENED,		/* flapping: held down until it settles */
	__NFGATE_REASON_LAST
};
#define NFGATE_REASON_MAX (__NFGATE_REASON_LAST - 1)

enum nfgate_oper_state {
	NFGATE_OPER_ABSENT,	/* no device of that name */
	NFGATE_OPER_DOWN,	/* device down, no carrier or no IPv4 address */
	NFGATE_OPER_UP,		/* usable for new connections */
	__NFGATE_OPER_LAST
};

/* Counters in NFGATE_A_STATS. */
enum nfgate_stat {
	NFGATE_STAT_UNSPEC,
	NFGATE_STAT_PRE_ROUTING,	/* packets each hook saw */
	NFGATE_STAT_LOCAL_OUT,
	NFGATE_STAT_FORWARD,
	NFGATE_STAT_POST_ROUTING,
	NFGATE_STAT_PAD,
	NFGATE_STAT_FLOW_PINNED,	/* connections given an uplink */
	NFGATE_STAT_FLOW_INBOUND,	/* ... pinned to the uplink they came in on */
	NFGATE_STAT_NO_UPLINK,		/* new connections with no usable uplink */
	NFGATE_STAT_REROUTED,		/* packets moved to their flow's uplink */
	NFGATE_STAT_REROUTE_FAILED,	/* ... that had no route there: dropped */
	NFGATE_STAT_MASQUERADED,	/* connections masqueraded on an uplink */
	NFGATE_STAT_PORT_FORWARDED,	/* connections sent to a port forward */
	NFGATE_STAT_HAIRPIN,		/* LAN to a forward, source NATed on LAN */
	NFGATE_STAT_SPOOF_DROPPED,	/* uplink packets from/to LAN addresses */
	NFGATE_STAT_FLUSHED,		/* connections removed: uplink died */
	NFGATE_STAT_RESETS_SENT,	/* TCP RSTs sent to the LAN for those */
	NFGATE_STAT_DNS_QUERIES,	/* DNS queries seen leaving */
	NFGATE_STAT_DNS_REPLIES,	/* DNS replies judged */
	NFGATE_STAT_DNS_MALFORMED,	/* ... that did not parse: passed */
	NFGATE_STAT_DNS_NO_QUERY,	/* ... with no query known: passed */
	NFGATE_STAT_DNS_SIG_ADDR,	/* replies with each signal */
	NFGATE_STAT_DNS_SIG_TTL,
	NFGATE_STAT_DNS_SIG_SHAPE,
	NFGATE_STAT_DNS_SIG_FAST,
	NFGATE_STAT_DNS_SIG_DISAGREE,
	NFGATE_STAT_DNS_SIG_IPHDR,
	NFGATE_STAT_DNS_PASSED,		/* verdicts, see nfgate_dns_verdict */
	NFGATE_STAT_DNS_DROPPED,
	NFGATE_STAT_DNS_HELD,
	NFGATE_STAT_DNS_SUPERSEDED,
	NFGATE_STAT_DNS_EXPIRED,
	NFGATE_STAT_DNS_EXPIRED_DROP,
	NFGATE_STAT_DNS_LOGGED,
	NFGATE_STAT_DNS_LATE,
	NFGATE_STAT_DNS_HOLD_FULL,	/* suspicious, no room to hold: passed */
	NFGATE_STAT_DNS_HOLD_FREED,	/* held replies freed: device or
					 * namespace gone, module unloaded
					 */
	NFGATE_STAT_DNS_DUPLICATE,	/* copies of a held reply: dropped */
	NFGATE_STAT_TUNNEL_TCP,		/* TCP connections redirected to ss-redir */
	NFGATE_STAT_TUNNEL_UDP,		/* UDP flows handed to it by TPROXY */
	NFGATE_STAT_TUNNEL_FAIL_OPEN,	/* meant for the tunnel, down: direct */
	NFGATE_STAT_TUNNEL_BLOCKED,	/* ... dropped (FAIL closed) */
	NFGATE_STAT_TUNNEL_NO_SOCKET,	/* UDP packets dropped: no ss-redir
					 * socket on the UDP port
					 */
	NFGATE_STAT_TUNNEL_CHECKS,	/* the agent's checks redirected */
	NFGATE_STAT_TUNNEL_R_LOCAL,	/* new LAN connections by the rule
					 * that decided (nfgate_tunnel_reason)
					 */
	NFGATE_STAT_TUNNEL_R_SRC_BYPASS,
	NFGATE_STAT_TUNNEL_R_SRC_FORWARD,
	NFGATE_STAT_TUNNEL_R_FORWARD,
	NFGATE_STAT_TUNNEL_R_RESERVED,
	NFGATE_STAT_TUNNEL_R_BYPASS,
	NFGATE_STAT_TUNNEL_R_DEFAULT,
	NFGATE_STAT_HOSTS_OVERFLOW,	/* forwarded packets of LAN hosts not
					 * accounted: the host table was full
					 */
	__NFGATE_STAT_LAST
};
#define NFGATE_STAT_MAX (__NFGATE_STAT_LAST - 1)

enum nfgate_event {
	NFGATE_EVENT_UNSPEC,
	NFGATE_EVENT_LAN_SET,
	NFGATE_EVENT_LAN_DEL,
	NFGATE_EVENT_UPLINK_NEW,
	NFGATE_EVENT_UPLINK_CHANGE,	/* configuration changed */
	NFGATE_EVENT_UPLINK_STATE,	/* operational state changed */
	NFGATE_EVENT_UPLINK_DEL,
	NFGATE_EVENT_UPLINK_FLUSH,	/* its connections were removed */
	NFGATE_EVENT_SETTINGS,
	NFGATE_EVENT_FORWARD_NEW,
	NFGATE_EVENT_FORWARD_DEL,
	NFGATE_EVENT_UPLINK_HEALTH,	/* HEALTH_STATE changed (agent) */
	NFGATE_EVENT_DNS_FORGED,	/* a reply judged forged */
	NFGATE_EVENT_DNS,		/* DNS settings changed */
	NFGATE_EVENT_FORGED,		/* forged set changed (sizes only) */
	NFGATE_EVENT_TUNNEL,		/* tunnel configuration changed */
	NFGATE_EVENT_TUNNEL_STATE,	/* STATE, ACTIVE or a server's STATE */
	NFGATE_EVENT_TUNNEL_DEL,
	NFGATE_EVENT_PREFIXES,		/* a prefix list was replaced */
	__NFGATE_EVENT_LAST
};
#define NFGATE_EVENT_MAX (__NFGATE_EVENT_LAST - 1)

#endif /* _UAPI_LINUX_NFGATE_H */
