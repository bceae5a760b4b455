#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2154 # setup_ns and ns_bg assign the variables named
#
# Uplink flaps under traffic: NFGATE_FLAPS (default 500) down/up cycles of
# ppp0 and of wwan0 (veth here: `ip link set down/up`, what nfgate sees
# when pppd drops the line or the modem loses carrier, without waiting for
# a PPPoE re-dial each time) while lan1 pings the server every 10 ms and
# an iperf3 stream runs (started again when a flap resets it). After each
# 50 cycles a new flow through the NAT must work; afterwards nfgate shows
# both uplinks up, the slab has not grown with the flaps, the uplinks
# unregister at once (no device reference held) and the log is clean.
#
# Topology: vethtopo.sh.

source "$(dirname "$0")/lib.sh"
source "$SELFTESTS_DIR/vethtopo.sh"

FLAPS=${NFGATE_FLAPS:-500}
BATCH=50

require_root
require_cmd ip ping jq
[ -x "$NFGATE" ] || skip_all "no $NFGATE (make userspace)"
nfgate_use fresh

TMP=$(mktemp -d)
at_exit rm -rf "$TMP"
vtopo_setup || exit 1

check "nfgate: LAN, ppp0 and wwan0 in one tier" vtopo_nat || exit 1
check "a LAN host reaches the server through the NAT" \
	busywait 10000 ns_ping "$lan1" "$SERVER" || exit 1

ns_bg ping_pid "$lan1" ping -n -q -i 0.01 "$SERVER" > "$TMP/ping.out" 2>&1
at_exit "kill $ping_pid 2>/dev/null"
iperf=0
if command -v iperf3 > /dev/null; then
	in_ns "$inet" iperf3 -s -B "$SERVER" > /dev/null 2>&1 &
	at_exit "kill $!"
	if busywait 5000 sh -c "ip netns exec '$inet' ss -Hltn 'sport = :5201' | grep -q ."; then
		in_ns "$lan1" bash -c '
			runs=0
			while [ ! -e "$1/stop" ]; do
				iperf3 -c '"$SERVER"' -b 20M -t 86400 > /dev/null 2>&1
				runs=$((runs + 1))
				echo "$runs" > "$1/iperf-runs"
			done' _ "$TMP" &
		at_exit "touch $TMP/stop; ip netns pids $lan1 | xargs -r kill"
		iperf=1
	fi
fi

rx0=$(ns_rx_bytes "$inet" eth1 eth2)
klog_mark
kmemleak_clear
m0=$(mem_figures)
read -r _ _ u0 < <(tr '=' ' ' <<<"$m0" | awk '{ print $2, $4, $6 }')

flaps()
{
	local _
	for _ in $(seq 1 "$1"); do
		printf '%s\n' "link set ppp0 down" "link set ppp0 up" \
			"route replace default via 100.64.0.1 dev ppp0 metric 100" \
			"link set wwan0 down" "link set wwan0 up" \
			"route replace default via 10.0.2.1 dev wwan0 metric 200"
	done | in_ns "$router" ip -batch -
}

done_n=0 bad=0
t0=$(date +%s%N)
while [ $done_n -lt "$FLAPS" ]; do
	n=$(( FLAPS - done_n < BATCH ? FLAPS - done_n : BATCH ))
	flaps "$n" || { ktap_info "ip -batch failed after $done_n cycles"; bad=$((bad + 1)); break; }
	done_n=$((done_n + n))
	if ! busywait 10000 ns_ping "$lan1" "$SERVER"; then
		ktap_info "no new flow through the NAT after $done_n cycles"
		bad=$((bad + 1))
	fi
done
ms=$((($(date +%s%N) - t0) / 1000000))
ktap_info "$done_n down/up cycles of ppp0 and of wwan0 in $((ms / 1000)).$((ms % 1000 / 100)) s"
check "$FLAPS flaps of each uplink, traffic through the NAT after every $BATCH" \
	test "$done_n" -eq "$FLAPS" -a "$bad" -eq 0

up_both() { [ "$(nf -j show uplinks | jq -r '[.[] | select(.oper == "up")] | length')" = 2 ]; }
check "nfgate shows both uplinks up" busywait 5000 up_both
rx=$(( $(ns_rx_bytes "$inet" eth1 eth2) - rx0 ))
touch "$TMP/stop"
kill -INT "$ping_pid"
slowwait 5 stopped "$ping_pid" || kill -KILL "$ping_pid"
read -r sent recvd < <(awk '/packets transmitted/ { print $1, $4 }' "$TMP/ping.out")
ktap_info "traffic meanwhile: ping ${recvd:-?} of ${sent:-?} answered; $((rx / 1048576)) MiB reached the internet; iperf3 stream started again $(cat "$TMP/iperf-runs" 2>/dev/null || echo 0) times"
check "traffic flowed during the flaps ($((rx / 1048576)) MiB)" test "$rx" -gt $((iperf ? 1048576 : 10000))
check "ping answered during the flaps" test "${recvd:-0}" -gt 0

m1=$(mem_figures)
read -r _ _ u1 < <(tr '=' ' ' <<<"$m1" | awk '{ print $2, $4, $6 }')
ktap_info "before: $m0"
ktap_info "after:  $m1"
growth=$((u1 - u0))
check "no growth with the flaps (unreclaimable slab +${growth} KiB, bound 1024 KiB)" \
	test "$growth" -lt 1024
leaks=$(kmemleak_scan)
if [ -n "$leaks" ]; then
	check "kmemleak: no suspected leak ($leaks)" test "$leaks" -eq 0
else
	ktap_skip "kmemleak" "not in this kernel (make check-debug)"
fi
check "ppp0 and wwan0 deleted at once (no reference held)" \
	timeout 15 sh -c "ip -n '$router' link del ppp0 && ip -n '$router' link del wwan0"
check "nfgate shows both uplinks absent" busywait 5000 sh -c \
	"[ \"\$(ip netns exec '$router' '$NFGATE' -j show uplinks | jq -r '[.[] | select(.oper == \"absent\")] | length')\" = 2 ]"
cleanup_all_ns
check "rmmod nfgate" rmmod nfgate
klog_clean "kernel log clean"
