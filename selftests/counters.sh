#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The hooks run in a configured namespace and nowhere else: two identical
# routers forward the same pings, only the configured one counts them, and
# counts them exactly. Unconfiguring it removes the hooks again.
#
#   hA 10.1.0.2 -- lan0 [ rA: configured ] wan0 -- 10.2.0.2 sA
#   hB 10.1.0.2 -- lan0 [ rB: no config  ] wan0 -- 10.2.0.2 sB

source "$(dirname "$0")/lib.sh"

require_root
require_cmd ip jq ping
require_module veth nf_conntrack nf_nat
NFGATE=$SELFTESTS_DIR/../userspace/nfgate
[ -x "$NFGATE" ] || skip_all "no $NFGATE (make userspace)"
nfgate_use

COUNT=20
PKT=84		# ping's default: 56 bytes of data + ICMP 8 + IPv4 20

setup_ns hA rA sA hB rB sB || exit 1
for x in A B; do
	h=h$x r=r$x s=s$x
	ns_link "${!h}" eth0 "${!r}" lan0
	ns_link "${!s}" eth0 "${!r}" wan0
	ip -n "${!h}" addr add 10.1.0.2/24 dev eth0
	ip -n "${!h}" route add default via 10.1.0.1
	ip -n "${!r}" addr add 10.1.0.1/24 dev lan0
	ip -n "${!r}" addr add 10.2.0.1/24 dev wan0
	ip -n "${!s}" addr add 10.2.0.2/24 dev eth0
	ip -n "${!s}" route add default via 10.2.0.1
	ns_sysctl "${!r}" net.ipv4.ip_forward=1
	# Resolve neighbours first, so the counted pings are all there is.
	busywait 5000 ns_ping "${!h}" 10.2.0.2 >/dev/null
done

nfj() { ip netns exec "$1" "$NFGATE" -j show; }
stats() { nfj "$1" | jq -c '[.stats.pre_routing, .stats.forward, .stats.post_routing, .stats.local_out]'; }
upl() { nfj "$1" | jq -c '.uplinks[0] | [.tx_packets, .tx_bytes, .rx_packets, .rx_bytes]'; }

check "configure rA" sh -c "ip netns exec $rA $NFGATE set lan dev lan0 subnet 10.1.0.0/24 &&
	ip netns exec $rA $NFGATE set uplink wan0"

before_A=$(stats "$rA")
before_B=$(stats "$rB")
ktap_info "rA counters before: $before_A"
check "rB (unconfigured) counts nothing" test "$before_B" = "[0,0,0,0]"

in_ns "$hA" ping -n -q -c $COUNT -i 0.05 10.2.0.2 >/dev/null
in_ns "$hB" ping -n -q -c $COUNT -i 0.05 10.2.0.2 >/dev/null

after_A=$(stats "$rA")
ktap_info "rA counters after $COUNT pings: $after_A"
delta=$(jq -nc --argjson a "$before_A" --argjson b "$after_A" \
	'[range(4)] | map($b[.] - $a[.])')
# Requests and replies: 2 * COUNT in at PRE_ROUTING, forwarded, out at
# POST_ROUTING; the router itself sends nothing.
check "rA counted each forwarded packet exactly once per hook" \
	test "$delta" = "[$((2 * COUNT)),$((2 * COUNT)),$((2 * COUNT)),0]"
check "rB still counts nothing" test "$(stats "$rB")" = "[0,0,0,0]"
check "uplink wan0 counted $COUNT requests out and $COUNT replies in, bytes exact" \
	test "$(upl "$rA")" = "[$COUNT,$((COUNT * PKT)),$COUNT,$((COUNT * PKT))]"

# Unconfigured again: the hooks are gone, the counters stand still.
check "unconfigure rA" sh -c "ip netns exec $rA $NFGATE del uplink wan0 &&
	ip netns exec $rA $NFGATE del lan"
frozen=$(stats "$rA")
in_ns "$hA" ping -n -q -c 5 -i 0.05 10.2.0.2 >/dev/null
check "rA counts nothing once unconfigured" test "$(stats "$rA")" = "$frozen"
check "traffic still flows through rA" ns_ping "$hA" 10.2.0.2
