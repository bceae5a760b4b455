#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# nfgate trace (kmod/trace.c; topology: topo.sh): one LAN connection to
# the internet traced by host and port. Its SYN is reported at ingress
# (br0), the routing decision (forward), forward (a new connection given
# an uplink) and egress (masquerade), in that order, with the uplink and
# the source address the server saw; its SYN-ACK at ingress on that
# uplink, forward (pinned) and egress (NAT undone). A LAN connection to
# the router itself: its SYN reported at ingress, then at the routing
# decision "deliver to the router" (a LOCAL_IN hook that exists only while
# tracing). No matching traffic: nothing printed.

source "$(dirname "$0")/lib.sh"
source "$SELFTESTS_DIR/topo.sh"

require_root
require_cmd jq
[ -x "$NFGATE" ] || skip_all "no $NFGATE (make userspace)"
nfgate_use

topo_setup || { ktap_fail "topology (PPPoE) came up"; exit 1; }
ktap_ok "topology up: ppp0 $(ppp0_addr) over PPPoE, wwan0 10.0.2.2"

check "configure nfgate: LAN br0, ppp0 primary, wwan0 backup" sh -c "
	$(declare -f nf); router=$router NFGATE=$NFGATE
	nf set lan dev br0 subnet 192.168.0.0/22 &&
	nf set uplink ppp0 tier 0 weight 1 &&
	nf set uplink wwan0 tier 1 weight 1"
ppp=$(ppp0_addr)

# trace_one OUT [-j [COUNT [ADDR]]]: traces lan1's next connection to the
# whoami port of ADDR (default the server; COUNT packets, default 2: SYN,
# SYN-ACK) while it is made; prints what the whoami server saw.
trace_one()
{
	local out=$1 j=${2:-} count=${3:-2} addr=${4:-$SERVER}
	rm -f "$TOPO/trace.err"
	nf $j trace host 192.168.0.10 port "$WHOAMI_PORT" count "$count" timeout "$(slow_s 20)" \
		> "$out" 2> "$TOPO/trace.err" &
	local pid=$!
	busywait 10000 grep -q tracing "$TOPO/trace.err" > /dev/null
	ip netns exec "$lan1" python3 "$WHOAMI" ask "$addr" "$WHOAMI_PORT" 1
	busywait 30000 stopped "$pid" > /dev/null
}

seen=$(trace_one "$TOPO/trace.txt")
ktap_info "nfgate trace host 192.168.0.10 port $WHOAMI_PORT count 2 (the server saw $seen):"
sed 's/^/#   /' "$TOPO/trace.txt"
check "text: the SYN's stages in the order of the packet path" sh -c "
	awk '/^packet/ { p++ } p == 1 && /^ / { printf \"%s \", \$2 }' $TOPO/trace.txt |
	grep -qx 'ingress route forward egress '"

seen=$(trace_one "$TOPO/trace.json" -j)
ktap_info "the server saw $seen; JSON:"
sed 's/^/#   /' "$TOPO/trace.json"
first() { head -n 1 "$TOPO/trace.json" | jq -e "$@" > /dev/null; }
second() { sed -n 2p "$TOPO/trace.json" | jq -e "$@" > /dev/null; }
check "JSON: one object per packet, 2 packets" \
	test "$(jq -c . "$TOPO/trace.json" | wc -l)" = 2
check "SYN: ingress br0, route forward, forward, egress" \
	first '[.stages[].stage] == ["ingress", "route", "forward", "egress"] and
	       .stages[0].dev == "br0" and .stages[0].saddr == "192.168.0.10"'
check "SYN at forward: a new connection given ppp0" \
	first '.stages[2].decision == "new_uplink" and .stages[2].uplink == "ppp0" and
	       .stages[2].dev == "ppp0"'
check "SYN at egress: masqueraded to the address the server saw (${seen%:*})" \
	first ".stages[3].decision == \"masquerade\" and .stages[3].dev == \"ppp0\" and
	       .stages[3].saddr == \"${seen%:*}\" and .stages[3].sport == ${seen#*:}"
check "SYN-ACK: ingress on ppp0, forward pinned to ppp0, egress with NAT undone" \
	second "[.stages[].stage] == [\"ingress\", \"route\", \"forward\", \"egress\"] and
		.stages[0].dev == \"ppp0\" and .stages[0].daddr == \"$ppp\" and
		.stages[2].decision == \"pinned\" and .stages[2].uplink == \"ppp0\" and
		.stages[3].decision == \"nat_reply\" and .stages[3].daddr == \"192.168.0.10\""
check "both packets of one connection (same flow id)" \
	test "$(jq -s '[.[].flow] | unique | length' "$TOPO/trace.json")" = 1

# ---- a connection to the router itself ---------------------------------------------
ip netns exec "$router" python3 "$WHOAMI" serve 192.168.0.1 "$WHOAMI_PORT" \
	"$TOPO/whoami-router.log" > /dev/null 2>&1 &
at_exit "kill $!"
listening() { ip netns exec "$router" ss -ltnH "( sport = :$WHOAMI_PORT )" | grep -q .; }
busywait 10000 listening > /dev/null
seen=$(trace_one "$TOPO/local.json" -j 1 192.168.0.1)
ktap_info "lan1 to the router's own port $WHOAMI_PORT (it saw $seen); JSON:"
sed 's/^/#   /' "$TOPO/local.json"
local_syn() { head -n 1 "$TOPO/local.json" | jq -e "$@" > /dev/null; }
check "to the router: the SYN at ingress br0, then route: deliver to the router" \
	local_syn '[.stages[].stage] == ["ingress", "route"] and
		   .stages[1].decision == "local" and .stages[1].dev == "br0" and
		   .stages[1].daddr == "192.168.0.1"'
check "the router's whoami answered lan1 (${seen%:*})" test "${seen%:*}" = 192.168.0.10
trace_one "$TOPO/local.txt" "" 1 192.168.0.1 > /dev/null
sed 's/^/#   /' "$TOPO/local.txt"
check "text: ingress, then route with 'deliver to the router'" sh -c "
	awk '/^packet/ { p++ } p == 1 && /^ / { printf \"%s \", \$2 }' $TOPO/local.txt |
	grep -qx 'ingress route ' &&
	grep -q 'route .* local .*(routing decision: deliver to the router)' $TOPO/local.txt"

# ---- nfgate show: the overview after these connections --------------------------------
ktap_info "nfgate show:"
nf show | sed 's/^/#   /'
nf show > "$TOPO/show.txt"
check "show: one screen (at most 24 lines), no line wider than 80 columns" \
	awk 'length > 80 { exit 1 } END { exit NR > 24 }' "$TOPO/show.txt"
check "show: the LAN, ppp0 up (tier 0, weight 1), no tunnel, the DNS line, lan1 on top" sh -c "
	grep -q '^lan: br0 192.168.0.0/22, 0 forwards, generation ' $TOPO/show.txt &&
	grep -Eq '^  ppp0 +up +0 +1 +1000 ' $TOPO/show.txt &&
	grep -qx 'tunnel: not configured' $TOPO/show.txt &&
	grep -q '^dns: off, router inherit; ' $TOPO/show.txt &&
	grep -A2 '^top hosts:' $TOPO/show.txt | grep -Eq '^  192\.168\.0\.10 '"

# ---- nothing to trace -----------------------------------------------------------------
check "no matching traffic: nothing printed, exit 0 after the timeout" sh -c "
	$(declare -f nf); router=$router NFGATE=$NFGATE
	[ -z \"\$(nf trace host 192.168.0.99 timeout 2 2>/dev/null)\" ]"
check_fail "trace: a bad host is a usage error" nf trace host 300.1.1.1
