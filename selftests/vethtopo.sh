# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# shellcheck disable=SC2154 # setup_ns assigns lan1, router and inet
#
# A small router topology for the reliability tests: veth uplinks named
# like the real ones (no PPPoE session to wait for), one LAN host and an
# "internet" namespace with a server. Source it after lib.sh, then call
# vtopo_setup (NAT is nfgate's: configure it).
#
#   lan1 192.168.0.10 -- lan0 [ router ] ppp0 100.64.0.10 --- eth1 100.64.0.1 [     ]
#                        192.168.0.1/24   wwan0 10.0.2.2 ---- eth2 10.0.2.1   [ inet ] 198.51.100.10 (srv0)
#
# Both uplinks hold a default route in the router's main table (ppp0
# metric 100, wwan0 metric 200). Globals: lan1 router inet, SERVER, NFGATE,
# and nf (the CLI in the router).

SERVER=198.51.100.10
NFGATE=${NFGATE:-$SELFTESTS_DIR/../userspace/nfgate}

nf() { ip netns exec "$router" "$NFGATE" "$@"; }

vtopo_setup()
{
	require_module veth dummy nf_conntrack nf_nat
	setup_ns lan1 router inet || return 1
	ns_link "$lan1" eth0 "$router" lan0
	ns_link "$router" ppp0 "$inet" eth1
	ns_link "$router" wwan0 "$inet" eth2
	ip -n "$lan1" addr add 192.168.0.10/24 dev eth0
	ip -n "$lan1" route add default via 192.168.0.1
	ip -n "$router" addr add 192.168.0.1/24 dev lan0
	ip -n "$router" addr add 100.64.0.10/24 dev ppp0
	ip -n "$router" addr add 10.0.2.2/24 dev wwan0
	ip -n "$router" route add default via 100.64.0.1 dev ppp0 metric 100
	ip -n "$router" route add default via 10.0.2.1 dev wwan0 metric 200
	ip -n "$inet" addr add 100.64.0.1/24 dev eth1
	ip -n "$inet" addr add 10.0.2.1/24 dev eth2
	ip -n "$inet" link add srv0 type dummy
	ip -n "$inet" link set srv0 up
	ip -n "$inet" addr add "$SERVER/24" dev srv0
	ns_sysctl "$router" net.ipv4.ip_forward=1
}

# vtopo_nat: nfgate's LAN and both uplinks in one tier.
vtopo_nat()
{
	nf set lan dev lan0 subnet 192.168.0.0/24 &&
	nf set uplink ppp0 tier 0 weight 1 &&
	nf set uplink wwan0 tier 0 weight 1
}
