#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2154 # setup_ns and ns_bg assign the variables named
#
# Load and unload nfgate.ko repeatedly while traffic is forwarded through the
# router namespace; forwarding must keep working and the module must unload
# cleanly every time.
#
#   ns1 10.0.1.2/24 veth1 ---- veth1r 10.0.1.1/24 [ router ] 10.0.2.1/24 veth2r
#                                                                  |
#                                             ns2 10.0.2.2/24 veth2
#
# Background traffic: ns1 pings ns2 every 10 ms, and (when iperf3 exists) a
# rate-limited TCP stream runs ns1 -> ns2, so packets and conntrack entries
# are in flight at every insmod/rmmod.

source "$(dirname "$0")/lib.sh"

CYCLES=${CYCLES:-10}

require_root
require_cmd ip ping insmod rmmod lsmod
require_module veth nf_conntrack nf_nat
[ -f "$NFGATE_KO" ] || skip_all "no $NFGATE_KO (make module)"
nfgate_loaded && skip_all "nfgate is already loaded"

TMP=$(mktemp -d) || exit 1
at_exit rm -rf "$TMP"
at_exit "nfgate_loaded && rmmod nfgate"

setup_ns ns1 router ns2 || exit 1
ns_link "$ns1" veth1 "$router" veth1r
ns_link "$ns2" veth2 "$router" veth2r
ip -n "$ns1" addr add 10.0.1.2/24 dev veth1
ip -n "$ns1" route add default via 10.0.1.1
ip -n "$router" addr add 10.0.1.1/24 dev veth1r
ip -n "$router" addr add 10.0.2.1/24 dev veth2r
ip -n "$ns2" addr add 10.0.2.2/24 dev veth2
ip -n "$ns2" route add default via 10.0.2.1
ns_sysctl "$router" net.ipv4.ip_forward=1

check "forwarding works before the module is loaded" \
	busywait 5000 ns_ping "$ns1" 10.0.2.2 || exit 1

ns_bg ping_pid "$ns1" ping -n -q -i 0.01 10.0.2.2 > "$TMP/ping.out" 2>&1
at_exit "kill $ping_pid"

iperf_listening()
{
	in_ns "$ns2" ss -Hltn 'sport = :5201' | grep -q .
}

iperf_pid=
if command -v iperf3 >/dev/null; then
	ns_bg iperfs_pid "$ns2" iperf3 -s -1 -B 10.0.2.2 > "$TMP/iperf-s.out" 2>&1
	at_exit "kill $iperfs_pid"
	if busywait 5000 iperf_listening; then
		ns_bg iperf_pid "$ns1" iperf3 -c 10.0.2.2 -b 20M -t 86400 \
			> "$TMP/iperf-c.out" 2>&1
		at_exit "kill $iperf_pid"
	else
		ktap_info "iperf3 server did not start; ping traffic only"
	fi
else
	ktap_info "no iperf3; ping traffic only"
fi

for i in $(seq 1 "$CYCLES"); do
	check "cycle $i: insmod nfgate.ko" nfgate_load
	check "cycle $i: traffic passes with nfgate loaded" \
		busywait 5000 ns_ping "$ns1" 10.0.2.2
	check "cycle $i: rmmod nfgate" nfgate_unload
	check "cycle $i: traffic passes after rmmod" \
		busywait 5000 ns_ping "$ns1" 10.0.2.2
done

check_fail "lsmod no longer lists nfgate" \
	sh -c 'lsmod | grep -q "^nfgate "'

if [ -n "$iperf_pid" ]; then
	check "TCP stream survived all cycles" kill -0 "$iperf_pid"
fi

# SIGINT makes ping print its statistics and exit.
kill -INT "$ping_pid"
slowwait 5 stopped "$ping_pid" || kill -KILL "$ping_pid"
wait "$ping_pid"
# "N packets transmitted, M received, ..."
read -r sent recvd < <(awk '/packets transmitted/ { print $1, $4 }' "$TMP/ping.out")
ktap_info "background ping: ${sent:-?} sent, ${recvd:-?} received"
check "background ping got replies" test "${recvd:-0}" -gt 0
