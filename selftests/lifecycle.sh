#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Module lifecycle under load: NFGATE_LIFECYCLE_CYCLES (default 50) rmmod /
# insmod cycles on the full router (topo.sh: real PPPoE ppp0, wwan0, NAT
# by nfgate) while an iperf3 stream runs from the LAN to the internet and
# DNS replies are held in the module at every rmmod (dnstopo.sh: a client
# in lan1 asks for names that never get a genuine answer, an injector at
# the ISP answers them with a one-signal fingerprint, so each reply waits
# hold-ms in the module). Each cycle: replies held, rmmod, insmod,
# configure, a new connection through the NAT works. Afterwards: no
# device reference left (ppp0 and wwan0 unregister at once), the kernel
# log is clean (no oops, WARN, "unregister_netdevice: waiting").

source "$(dirname "$0")/lib.sh"
source "$SELFTESTS_DIR/topo.sh"
source "$SELFTESTS_DIR/dnstopo.sh"

CYCLES=${NFGATE_LIFECYCLE_CYCLES:-50}

require_root
require_cmd jq tc dnsmasq iperf3
[ -x "$NFGATE" ] || skip_all "no $NFGATE (make userspace)"
[ -x "$DNSINJECT" ] || skip_all "no $DNSINJECT (make -C selftests)"
nfgate_use fresh

dnsget() { nf -j show dns | jq ".dns.$1"; }
configure()
{
	nf set lan dev br0 subnet 192.168.0.0/22 &&
	nf set uplink ppp0 tier 0 weight 1 &&
	nf set uplink wwan0 tier 1 weight 1 &&
	nf set dns mode drop hold-ms 3000
}

topo_setup || { ktap_fail "topology (PPPoE) came up"; exit 1; }
dns_resolver_start 0 || { ktap_fail "genuine resolver started"; exit 1; }
check "configure nfgate" configure || exit 1
klog_mark

GTTL=$(ip netns exec "$router" ping -c 1 -W 2 "$DNS_RESOLVER" |
	sed -n 's/.* ttl=\([0-9]*\).*/\1/p')
printf '%s\n' 203.0.113.101 203.0.113.102 > "$TOPO/pool-hold"
DNS_INJECT_NAMES=dead.test DNS_POOL=$TOPO/pool-hold dns_inject_start "$isp1" \
	--ttl "copy:${GTTL:-63}" --df -f 0x8580 --edns none ||
	{ ktap_fail "injector started"; exit 1; }

# lan1 asks (EDNS, a new source port each time) about 5 times a second
# until $TOPO/stop, in turn for www.normal.test (clean replies: the
# resolver's baseline, learned again after each insmod) and q.dead.test:
# the injector answers that one without OPT, the module holds the answer
# 3 s, the genuine one never comes.
ip netns exec "$lan1" bash -c '
	# ID low byte, flags RD, QD 1, AN 0, NS 0, AR 1 (the ID high byte: n)
	h="\x01\x01\x00\x00\x01\x00\x00\x00\x00\x00\x01"
	opt="\x00\x00\x29\x04\xd0\x00\x00\x00\x00\x00\x00"
	dead="$h\x01q\x04dead\x04test\x00\x00\x01\x00\x01$opt"
	normal="$h\x03www\x06normal\x04test\x00\x00\x01\x00\x01$opt"
	n=0
	exec 9<> <(:)
	while [ ! -e "$1/stop" ]; do
		if [ $((n % 2)) -eq 0 ]; then q=$dead; else q=$normal; fi
		printf "\\x$(printf %02x $((n % 256)))$q" > /dev/udp/'"$DNS_RESOLVER"'/53
		n=$((n + 1))
		read -r -t 0.2 -u 9
	done
	echo "$n" > "$1/queries"' _ "$TOPO" 2>/dev/null &
at_exit "touch $TOPO/stop"

# iperf3: a 20 Mbit/s stream from lan1, started again if a cycle ends it.
ip netns exec "$inet" iperf3 -s -B "$SERVER" > /dev/null 2>&1 &
at_exit "kill $!"
busywait 5000 sh -c "ip netns exec '$inet' ss -Hltn 'sport = :5201' | grep -q ." ||
	ktap_info "iperf3 server not listening"
ip netns exec "$lan1" bash -c '
	runs=0
	while [ ! -e "$1/stop" ]; do
		iperf3 -c '"$SERVER"' -b 20M -t 86400 > /dev/null 2>&1
		runs=$((runs + 1))
		echo "$runs" > "$1/iperf-runs"
	done' _ "$TOPO" &
at_exit "touch $TOPO/stop; ip netns pids $lan1 | xargs -r kill"
# What reached the internet, counted there: ppp0's own counters start
# again from 0 when pppd re-dials, as it did 3 times in 50 cycles on the
# debug kernel.
rx0=$(ns_rx_bytes "$inet" eth1 eth2)

# The module's counters start from 0 at each load: dns_held >= 1 means
# replies were held during this load; "held" is how many are held now.
stat1() { nf -j show stats | jq ".$1"; }
held_this_load() { local n; n=$(stat1 dns_held); [ "${n:-0}" -ge 1 ]; }
check "DNS replies held before the first rmmod" busywait 30000 held_this_load

# A ping through the NAT. A re-dial can come at any point of a cycle, not
# only before it: put ppp0's default route back at each try.
nat_traffic() { ppp0_up 2>/dev/null; ns_ping "$lan1" "$SERVER"; }
redials0=$(topo_ppp_sessions)

fail=0 held_total=0 at_rmmod=0
t0=$(date +%s%N)
redials=0
for i in $(seq 1 "$CYCLES"); do
	what=
	# pppd drops the session when the guest stalls past its LCP echo
	# timeout (3 s) on a loaded host, and re-dials: put ppp0's default
	# route back (topo.sh's ppp0_up), count it, go on.
	if ! ppp0_up 2>/dev/null; then
		redials=$((redials + 1))
		slowwait 60 ppp0_up || what="ppp0 back after a re-dial"
	fi
	if ! busywait 30000 held_this_load; then
		what="no reply held ($(nf -j show stats | jq -c '{dns_queries, dns_replies, dns_held, dns_passed}'))"
	fi
	h=$(dnsget held)
	h=${h:-0}
	held_total=$((held_total + h))
	[ "$h" -ge 1 ] && at_rmmod=$((at_rmmod + 1))
	if [ -z "$what" ]; then
		rmmod nfgate || what="rmmod"
	fi
	if [ -z "$what" ]; then
		nfgate_load || what="insmod"
	fi
	if [ -z "$what" ]; then
		configure || what="configure"
	fi
	if [ -z "$what" ] && ! busywait 10000 nat_traffic; then
		what="traffic through the NAT (ppp0 $(ppp0_addr), default routes: $(topo_default_routes))"
	fi
	if [ -n "$what" ]; then
		ktap_info "cycle $i: $what failed"
		fail=$((fail + 1))
		nfgate_loaded || nfgate_load
		configure
	fi
done
ms=$((($(date +%s%N) - t0) / 1000000))
ktap_info "$CYCLES cycles in $((ms / 1000)).$((ms % 1000 / 100)) s ($((ms / CYCLES)) ms each); PPPoE re-dials meanwhile: $(( $(topo_ppp_sessions) - redials0 )) ($redials found at a cycle's start); replies held during every load; at the rmmod itself, replies held in $at_rmmod of $CYCLES cycles ($held_total in all)"
check "$CYCLES rmmod/insmod cycles with replies held and traffic flowing: $((CYCLES - fail)) clean" \
	test "$fail" -eq 0

rx=$(( $(ns_rx_bytes "$inet" eth1 eth2) - rx0 ))
ktap_info "$((rx / 1048576)) MiB reached the internet during the cycles ($(( rx * 8 / (ms > 0 ? ms : 1) )) kbit/s); iperf3 stream restarted $(cat "$TOPO/iperf-runs" 2>/dev/null || echo 0) times"
check "traffic flowed across the cycles ($((rx / 1048576)) MiB reached the internet)" test "$rx" -gt 1048576
touch "$TOPO/stop"

# No device reference left behind: both uplinks unregister without waiting.
check "wwan0 deleted at once (no reference held)" \
	timeout 15 ip -n "$router" link del wwan0
topo_pppd_stop
check "ppp0 gone after pppd ended" \
	slowwait 15 sh -c "! ip -n '$router' link show ppp0 2>/dev/null"
check "rmmod after the cycles" rmmod nfgate
klog_clean "kernel log clean (no oops, WARN, unregister_netdevice: waiting)"
