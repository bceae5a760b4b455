#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make demo`: the router end to end, in the VM, narrated. Builds the test
# topology (topo.sh: a LAN bridge with two hosts, ppp0 over a real PPPoE
# session, wwan0, the internet), starts nfgated with a config file, shows
# traffic, a failover when the PPPoE session drops, and the failback.

source "$(dirname "$0")/lib.sh"
source "$SELFTESTS_DIR/topo.sh"

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }

require_root
nfgate_use

say "Building the topology (real PPPoE session for ppp0; takes a while under emulation)"
topo_setup || { ktap_fail "topology came up"; exit 1; }
ktap_ok "topology up: ppp0 $(ppp0_addr), wwan0 10.0.2.2"

cat > "$TOPO/nfgate.conf" <<CONF
# ppp0 is the main line, wwan0 the 4G backup.
[lan]
interface = br0
subnet = 192.168.0.0/22

[uplink ppp0]
tier = 0
weight = 1
track = $SERVER

[uplink wwan0]
tier = 1
weight = 1
track = $SERVER

[settings]
holddown_ms = 2000

[forward tcp 8080]
to = 192.168.0.11:7000
CONF
say "nfgated reads its config and pushes it into the kernel"
run cat "$TOPO/nfgate.conf"
NFGATED=$SELFTESTS_DIR/../userspace/nfgated
ip netns exec "$router" "$NFGATED" -f -c "$TOPO/nfgate.conf" > "$TOPO/nfgated.log" 2>&1 &
at_exit "kill $!"
slowwait 20 sh -c "ip netns exec $router $NFGATE -j show | grep -q wwan0"
ip netns exec "$router" "$NFGATE" monitor > "$TOPO/monitor.log" 2>&1 &
at_exit "kill $!"

say "nfgate show"
run nf show

say "LAN hosts open connections: the server on the internet sees ppp0's address"
run topo_ask "$lan1" 3
run topo_ask "$lan2" 2 --udp

say "The PPPoE line drops (the ISP ends the session)"
topo_pppoe_server_stop
t0=$(date +%s%3N)
busywait 20000 sh -c "ip netns exec $lan1 python3 $WHOAMI ask $SERVER $WHOAMI_PORT 1 --timeout 0.5 | grep -q 10.0.2.2"
echo "first new connection through wwan0 after $(( $(date +%s%3N) - t0 )) ms"
run topo_ask "$lan1" 3
run nf show uplinks

say "The line comes back: after the hold-down, new connections use ppp0 again"
topo_pppoe_server_start
slowwait 90 ppp0_up
busywait 20000 sh -c "ip netns exec $lan1 python3 $WHOAMI ask $SERVER $WHOAMI_PORT 1 --timeout 0.5 | grep -q $(ppp0_addr)"
run topo_ask "$lan1" 3

say "ppp0's upstream dies silently (100 % loss past the PPPoE server; ppp0 stays up)"
ip netns exec "$isp1" tc qdisc replace dev eth1 root netem loss 100%
t0=$(date +%s%3N)
busywait 20000 sh -c "ip netns exec $lan1 python3 $WHOAMI ask $SERVER $WHOAMI_PORT 1 --timeout 0.5 | grep -q 10.0.2.2"
echo "first new connection through wwan0 after $(( $(date +%s%3N) - t0 )) ms (the agent's probes noticed)"
run nf show uplinks
ip netns exec "$isp1" tc qdisc del dev eth1 root
slowwait 30 sh -c "ip netns exec $router $NFGATE -j show | jq -e '.uplinks[0].health_state == \"up\"' > /dev/null"

say "A port forward from the internet to a LAN server (lan2:7000 on ppp0:8080)"
ip netns exec "$lan2" python3 "$WHOAMI" serve 192.168.0.11 7000 > /dev/null 2>&1 &
at_exit "kill $!"
busywait 5000 sh -c "ip netns exec $lan2 ss -Hltn 'sport = :7000' | grep -q ."
run ip netns exec "$inet" python3 "$WHOAMI" ask "$(ppp0_addr)" 8080

say "Events seen by nfgate monitor"
cat "$TOPO/monitor.log"

say "nfgate show"
run nf show
ktap_ok "demo ran to the end"
