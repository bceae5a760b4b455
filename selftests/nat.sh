#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# NAT through conntrack and the kernel's NAT core, over a real PPPoE ppp0 and
# a wwan0 stand-in (topology: topo.sh): masquerade on the uplink a flow uses,
# the router's own traffic steered like the LAN's, port forwards reached on
# either uplink (replies leave where the connection came in), hairpin, the
# uplinks' anti-spoofing rule, ICMP to the WAN addresses.

source "$(dirname "$0")/lib.sh"
source "$SELFTESTS_DIR/topo.sh"

require_root
require_cmd jq
[ -x "$NFGATE" ] || skip_all "no $NFGATE (make userspace)"
nfgate_use

topo_setup || { ktap_fail "topology (PPPoE) came up"; exit 1; }
ktap_ok "topology up: ppp0 $(ppp0_addr) over PPPoE, wwan0 10.0.2.2"

stat() { nf -j show | jq ".stats.$1"; }

check "configure nfgate: LAN br0, ppp0 primary, wwan0 backup" sh -c "
	$(declare -f nf); router=$router NFGATE=$NFGATE
	nf set lan dev br0 subnet 192.168.0.0/22 &&
	nf set uplink ppp0 tier 0 weight 1 &&
	nf set uplink wwan0 tier 1 weight 1"

# ---- masquerade --------------------------------------------------------------
seen=$(topo_ask "$lan1" 1)
check "LAN -> internet: the server sees ppp0's address ($seen)" \
	test "${seen%:*}" = "$(ppp0_addr)"
seen=$(topo_ask "$lan2" 1 --udp)
check "UDP from the LAN: the server sees ppp0's address ($seen)" \
	test "${seen%:*}" = "$(ppp0_addr)"

nf set uplink ppp0 admin down
seen=$(topo_ask "$lan1" 1)
check "ppp0 drained (admin down): new LAN flow masqueraded on wwan0 ($seen)" \
	test "${seen%:*}" = 10.0.2.2
check "the main table still routes by ppp0: nfgate moved the flow" \
	sh -c "ip -n $router route get $SERVER | grep -q 'dev ppp0'"

# ---- the router's own traffic -------------------------------------------------
seen=$(topo_ask "$router" 1)
check "router's own connection follows the policy too: wwan0 ($seen)" \
	test "${seen%:*}" = 10.0.2.2
nf set uplink ppp0 admin up
seen=$(topo_ask "$router" 1)
check "router's own connection back on ppp0 ($seen)" \
	test "${seen%:*}" = "$(ppp0_addr)"
seen=$(ip netns exec "$router" python3 -c "
import socket
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, b'wwan0')
s.settimeout(3); s.connect(('$SERVER', $WHOAMI_PORT)); print(s.recv(64).decode().strip())")
check "a socket bound to wwan0 is left alone ($seen)" test "${seen%:*}" = 10.0.2.2

# ---- port forwards and hairpin -------------------------------------------------
ip netns exec "$lan2" python3 "$WHOAMI" serve 192.168.0.11 7000 \
	"$TOPO/lan2.log" > /dev/null 2>&1 &
at_exit "kill $!"
busywait 5000 sh -c "ip netns exec $lan2 ss -Hltn 'sport = :7000' | grep -q ."
check "set forward tcp 8080 -> 192.168.0.11:7000" \
	nf set forward tcp 8080 to 192.168.0.11:7000
check "set forward udp 8053 -> 192.168.0.11:7000" \
	nf set forward udp 8053 to 192.168.0.11:7000
ppp=$(ppp0_addr)
seen=$(ip netns exec "$inet" python3 "$WHOAMI" ask "$ppp" 8080)
check "port forward on ppp0: the LAN server answers, sees the client ($seen)" \
	test "${seen%:*}" = 10.1.0.2
seen=$(ip netns exec "$inet" python3 "$WHOAMI" ask 10.0.2.2 8080)
check "port forward on wwan0 answers too: replies leave by wwan0 ($seen)" \
	test "${seen%:*}" = 10.2.0.2
seen=$(ip netns exec "$inet" python3 "$WHOAMI" ask "$ppp" 8053 1 --udp)
check "UDP port forward ($seen)" test "${seen%:*}" = 10.1.0.2
seen=$(ip netns exec "$lan1" python3 "$WHOAMI" ask "$ppp" 8080)
check "hairpin: LAN host reaches the forward on the WAN address, source NATed to the router ($seen)" \
	test "${seen%:*}" = 192.168.0.1
check "forward only on ppp0: refused through wwan0" sh -c "
	$(declare -f nf); router=$router NFGATE=$NFGATE
	nf set forward tcp 8080 to 192.168.0.11:7000 uplink ppp0 &&
	! ip netns exec $inet python3 $WHOAMI ask 10.0.2.2 8080 1 --timeout 2"
check "counters: port_forwarded, hairpin, masqueraded" \
	test "$(nf -j show | jq '.stats | [.port_forwarded >= 4, .hairpin >= 1, .masqueraded >= 4] | all')" = true
check "del forward tcp 8080" nf del forward tcp 8080
check_fail "forward gone: connection refused" \
	ip netns exec "$inet" python3 "$WHOAMI" ask "$ppp" 8080 1 --timeout 2

# ---- anti-spoofing and ICMP ----------------------------------------------------
check "ICMP to ppp0's address is answered by the router" ns_ping "$inet" "$ppp"
check "ICMP to wwan0's address is answered by the router" ns_ping "$inet" 10.0.2.2
before=$(stat spoof_dropped)
ip -n "$isp2" route add 192.168.0.0/22 via 10.0.2.2
check_fail "uplink packet addressed to a LAN host is dropped" \
	ns_ping "$isp2" 192.168.0.10
ip -n "$isp2" addr add 192.168.0.99/32 dev lo
check_fail "uplink packet with a LAN source is dropped" \
	ns_ping "$isp2" 10.0.2.2 -I 192.168.0.99
after=$(stat spoof_dropped)
check "spoof_dropped counted both ($before -> $after)" test $((after - before)) -ge 2
