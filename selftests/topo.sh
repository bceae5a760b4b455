# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# The router topology of the uplink tests, built from real parts: a Linux
# bridge for the LAN, a real PPPoE session (pppd with the rp-pppoe plugin
# against pppoe-server) for ppp0, a veth standing in for the 4G modem's
# raw-IP wwan0, and servers on the "internet" that log the source address
# they see. Source it after lib.sh, then call topo_setup.
#
#  lan1 192.168.0.10 -+
#                     +- br0 192.168.0.1/22
#  lan2 192.168.0.11 -+   [ router ]
#                          ppp0 100.64.0.x ... eth1 ===PPPoE=== eth0 [ isp1 ]
#                                                      pppoe-server 100.64.0.1
#                                                      eth1 10.1.0.1/30 --+
#                                                                         |
#                                                     10.1.0.2/30 eth1 [ inet ]
#                                                  198.51.100.10 (servers)
#                                                     10.2.0.2/30 eth2 [      ]
#                                                                         |
#                          wwan0 10.0.2.2/24 ------ eth0 10.0.2.1/24     |
#                                                  [ isp2 ] eth1 10.2.0.1/30
#
# The ISPs route only their own customers' addresses: a LAN address never
# reaches the internet without NAT. Both uplinks hold a default route in the
# router's main table (ppp0 metric 100 from pppd, wwan0 metric 200).
#
# Globals after topo_setup: lan1 lan2 router isp1 isp2 inet (namespaces),
# TOPO (a temporary directory), NFGATE (the CLI), SERVER=198.51.100.10,
# WHOAMI_PORT=7000 (TCP and UDP, logs to $TOPO/whoami.log).

NFGATE=${NFGATE:-$SELFTESTS_DIR/../userspace/nfgate}
SERVER=198.51.100.10
WHOAMI_PORT=7000
WHOAMI=$SELFTESTS_DIR/whoami.py

nf() { ip netns exec "$router" "$NFGATE" "$@"; }

# Source addresses the whoami server saw for N new connections from NS.
# topo_ask NS N [--udp]
topo_ask()
{
	ip netns exec "$1" python3 "$WHOAMI" ask "$SERVER" "$WHOAMI_PORT" "$2" \
		"${@:3}"
}

# Both pppds end the session after this many LCP echoes went unanswered,
# one a second: 3, stretched on a slow kernel, where a guest beside another
# stalls for seconds and pppd re-dialled in the middle of tests (the tests
# that end a session stop the server, whose pppd says so at once).
TOPO_LCP_FAILURE=$((3 * NFGATE_SLOW))

# topo_ppp_sessions: how many PPPoE sessions pppd has had (1 unless it
# re-dialled); it logs each one's address.
topo_ppp_sessions()
{
	grep -cE 'local +IP address' "$TOPO/pppd.log" 2>/dev/null
}

# topo_default_routes: the router's default routes, on one line
topo_default_routes()
{
	ip -n "$router" route show default | paste -sd ';'
}

# topo_uplink_info: ktap_info of the sessions so far and the default routes
topo_uplink_info()
{
	ktap_info "PPPoE sessions so far: $(topo_ppp_sessions); default routes: $(topo_default_routes)"
}

ppp0_addr()
{
	ip -n "$router" -4 -o addr show dev ppp0 2>/dev/null |
		awk '{ sub("/.*", "", $4); print $4; exit }'
}

# ppp0 has its address. pppd will not add its default route next to
# wwan0's (it only checks that some default exists), so add it here, as an
# ip-up script would: metric 100, ahead of wwan0's 200.
ppp0_up()
{
	[ -n "$(ppp0_addr)" ] &&
	ip -n "$router" route replace default dev ppp0 metric 100
}

# topo_pppoe_server_start [FIRST_REMOTE_ADDRESS]
topo_pppoe_server_start()
{
	local pool=${1:-100.64.0.10}
	ip netns exec "$isp1" pppoe-server -F -I eth0 -L 100.64.0.1 \
		-R "$pool" -N 4 -O "$TOPO/pppoe-server-options" \
		> "$TOPO/pppoe-server.log" 2>&1 &
	echo $! > "$TOPO/pppoe-server.pid"
}

# Ends the PPPoE session from the ISP's side, as a dropped line does: the
# server's pppd terminates the link, the router's ppp0 goes away.
topo_pppoe_server_stop()
{
	local pid
	pid=$(cat "$TOPO/pppoe-server.pid" 2>/dev/null)
	[ -n "$pid" ] && kill "$pid" 2>/dev/null
	# The sessions' pppd processes outlive pppoe-server: end them too.
	for pid in $(ip netns pids "$isp1"); do
		grep -qx pppd "/proc/$pid/comm" 2>/dev/null && kill "$pid"
	done
	rm -f "$TOPO/pppoe-server.pid"
}

topo_pppd_start()
{
	ip netns exec "$router" pppd plugin pppoe.so nic-eth1 \
		noauth nodetach ifname ppp0 persist maxfail 0 holdoff 1 \
		noipdefault \
		lcp-echo-interval 1 lcp-echo-failure "$TOPO_LCP_FAILURE" \
		noccp nobsdcomp nodeflate novj \
		logfile "$TOPO/pppd.log" > /dev/null 2>&1 &
	echo $! > "$TOPO/pppd.pid"
}

topo_pppd_stop()
{
	local pid
	pid=$(cat "$TOPO/pppd.pid" 2>/dev/null)
	[ -n "$pid" ] && kill "$pid" 2>/dev/null
	rm -f "$TOPO/pppd.pid"
}

topo_setup()
{
	require_cmd ip pppd pppoe-server python3
	require_module veth bridge dummy ppp_generic ppp_async pppoe \
		nf_conntrack nf_nat

	TOPO=$(mktemp -d)
	at_exit "rm -rf $TOPO"
	at_exit topo_pppd_stop
	at_exit topo_pppoe_server_stop
	mkdir -p /run/lock /var/run 2>/dev/null

	setup_ns lan1 lan2 router isp1 isp2 inet || return 1

	# LAN: a real bridge with two hosts.
	ip -n "$router" link add br0 type bridge
	ip -n "$router" link set br0 up
	ip -n "$router" addr add 192.168.0.1/22 dev br0
	local i=1 h
	for h in "$lan1" "$lan2"; do
		ns_link "$h" eth0 "$router" "lan$i"
		ip -n "$router" link set "lan$i" master br0
		ip -n "$h" addr add "192.168.0.1$((i - 1))/22" dev eth0
		ip -n "$h" route add default via 192.168.0.1
		i=$((i + 1))
	done

	# ISP 1: PPPoE over a plain Ethernet link, then on to the internet.
	ns_link "$router" eth1 "$isp1" eth0
	ns_link "$isp1" eth1 "$inet" eth1
	ip -n "$isp1" addr add 10.1.0.1/30 dev eth1
	ip -n "$isp1" route add 198.51.100.0/24 via 10.1.0.2
	ns_sysctl "$isp1" net.ipv4.ip_forward=1

	# ISP 2: the 4G modem's side.
	ns_link "$router" wwan0 "$isp2" eth0
	ns_link "$isp2" eth1 "$inet" eth2
	ip -n "$router" addr add 10.0.2.2/24 dev wwan0
	ip -n "$router" route add default via 10.0.2.1 metric 200
	ip -n "$isp2" addr add 10.0.2.1/24 dev eth0
	ip -n "$isp2" addr add 10.2.0.1/30 dev eth1
	ip -n "$isp2" route add default via 10.2.0.2
	ns_sysctl "$isp2" net.ipv4.ip_forward=1

	# The internet: servers, and routes back to both ISPs' customers.
	ip -n "$inet" link add srv0 type dummy
	ip -n "$inet" link set srv0 up
	ip -n "$inet" addr add "$SERVER/24" dev srv0
	ip -n "$inet" addr add 10.1.0.2/30 dev eth1
	ip -n "$inet" addr add 10.2.0.2/30 dev eth2
	ip -n "$inet" route add 100.64.0.0/24 via 10.1.0.1
	ip -n "$inet" route add 10.0.2.0/24 via 10.2.0.1
	ns_sysctl "$inet" net.ipv4.ip_forward=1

	ns_sysctl "$router" net.ipv4.ip_forward=1

	ip netns exec "$inet" python3 "$WHOAMI" serve "$SERVER" \
		"$WHOAMI_PORT" "$TOPO/whoami.log" > /dev/null 2>&1 &
	at_exit "kill $!"

	cat > "$TOPO/pppoe-server-options" <<-OPTS
	noauth
	lcp-echo-interval 1
	lcp-echo-failure $TOPO_LCP_FAILURE
	noccp
	nobsdcomp
	nodeflate
	novj
	OPTS
	topo_pppoe_server_start
	topo_pppd_start
	if ! slowwait 60 ppp0_up; then
		ktap_info "ppp0 did not come up; pppd log:"
		sed 's/^/#   /' "$TOPO/pppd.log" 2>/dev/null | tail -20
		return 1
	fi
	slowwait 10 ns_ping "$inet" "$(ppp0_addr)" >/dev/null
}
