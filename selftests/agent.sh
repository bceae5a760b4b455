#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2154 # setup_ns and ns_bg assign the variables named
#
# The agent killed: nfgated runs the router (LAN, ppp0 with probes, wwan0
# as backup, a port forward, the DNS check) while a TCP stream (iperf3)
# flows from the LAN; `kill -9 nfgated`: the kernel keeps the last
# configuration and the traffic keeps flowing, new flows too; nfgated
# started again re-syncs without resetting anything: the same TCP
# connection (same 4-tuple, same process) still moves data, its conntrack
# entry is still counted on ppp0, no RST sent, the configuration as
# before.
#
# Topology: vethtopo.sh.

source "$(dirname "$0")/lib.sh"
source "$SELFTESTS_DIR/vethtopo.sh"

NFGATED=$SELFTESTS_DIR/../userspace/nfgated

require_root
require_cmd ip ping jq iperf3 ss
[ -x "$NFGATED" ] || skip_all "no $NFGATED (make userspace)"
nfgate_use fresh

TMP=$(mktemp -d)
at_exit rm -rf "$TMP"
vtopo_setup || exit 1

cat > "$TMP/nfgate.conf" <<CONF
[lan]
interface = lan0
subnet = 192.168.0.0/24

[settings]
holddown_ms = 5000

[dns]
mode = log
learned_file = $TMP/learned

[uplink ppp0]
tier = 0
weight = 3
track = $SERVER

[uplink wwan0]
tier = 1
weight = 1

[forward tcp 8080]
to = 192.168.0.10:80
CONF

agent_start()
{
	: > "$TMP/nfgated.log"
	in_ns "$router" "$NFGATED" -f -c "$TMP/nfgate.conf" > "$TMP/nfgated.log" 2>&1 &
	agent_pid=$!
	busywait 20000 grep -q 'running (pid' "$TMP/nfgated.log"
}
at_exit 'kill -9 $agent_pid 2>/dev/null'

# The configuration, without counters and times.
config()
{
	nf -j show | jq -cS '{lan, settings, forwards: [.forwards[] | del(.packets, .bytes)],
		uplinks: [.uplinks[] | {ifname, ifindex, tier, weight, admin, oper, address}],
		dns: (.dns | {mode, hold_ms})}'
}
# stream: the 4-tuples of the iperf3 connections (not their queue sizes)
stream() { in_ns "$lan1" ss -Htn state established "dst $SERVER:5201" | awk '{print $3, $4}' | sort; }
txbytes() { ip -n "$router" -s -j link show ppp0 | jq '.[0].stats64.tx.bytes'; }
# ppp0 sends at least $1 more bytes than it had sent at $2
tx_grows() { [ $(( $(txbytes) - $2 )) -ge "$1" ]; }
flows() { nf -j show uplinks ppp0 | jq .flows; }
rsts() { nf -j show stats | jq '.flushed + .resets_sent'; }

# (not through check: it runs its command in a subshell, and agent_pid is needed)
agent_start
check "nfgated started" test $? -eq 0 || { sed 's/^/#   /' "$TMP/nfgated.log"; exit 1; }
check "configuration pushed (LAN, 2 uplinks, a forward)" \
	busywait 10000 sh -c "[ \"\$(ip netns exec '$router' '$NFGATE' -j show | jq '[.lan.ifname, (.uplinks | length), (.forwards | length)]' -c)\" = '[\"lan0\",2,1]' ]"
check "a LAN host reaches the server" busywait 10000 ns_ping "$lan1" "$SERVER"

in_ns "$inet" iperf3 -s -B "$SERVER" > /dev/null 2>&1 &
at_exit "kill $!"
busywait 5000 sh -c "ip netns exec '$inet' ss -Hltn 'sport = :5201' | grep -q ."
ns_bg iperf_pid "$lan1" iperf3 -c "$SERVER" -b 10M -t 86400 > /dev/null 2>&1
at_exit "kill $iperf_pid 2>/dev/null"
check "TCP stream established" busywait 10000 sh -c "[ -n \"\$(ip netns exec '$lan1' ss -Htn state established 'dst $SERVER:5201')\" ]"
before_conf=$(config)
before_stream=$(stream)
before_flows=$(flows)
before_rst=$(rsts)
ktap_info "before: ppp0 flows $before_flows; streams: $(wc -l <<<"$before_stream")"

# ---- kill -9 ---------------------------------------------------------------------
kill -9 "$agent_pid"
wait "$agent_pid" 2>/dev/null
check "nfgated killed with SIGKILL" stopped "$agent_pid"
check "the kernel keeps the configuration" test "$(config)" = "$before_conf"
tx=$(txbytes)
check "traffic keeps flowing without the agent (1 MiB more through ppp0)" \
	busywait 20000 tx_grows 1048576 "$tx"
check "new flows without the agent" ns_ping "$lan1" "$SERVER"
check "the TCP stream is the same connection" test "$(stream)" = "$before_stream"

# ---- restart: re-sync, nothing reset -------------------------------------------------
agent_start
check "nfgated started again" test $? -eq 0
ktap_info "restarted: $(grep -m1 -E 'applied|change' "$TMP/nfgated.log" || echo '?')"
check "configuration as before" test "$(config)" = "$before_conf"
check "the same TCP connection survived (same 4-tuple)" test "$(stream)" = "$before_stream"
check "the iperf3 client is the same process" kill -0 "$iperf_pid"
tx=$(txbytes)
check "the stream still moves data (1 MiB more)" busywait 20000 tx_grows 1048576 "$tx"
after_flows=$(flows)
ktap_info "after: ppp0 flows $after_flows (before $before_flows); RSTs sent $(rsts) (before $before_rst)"
check "its conntrack entry still counted on ppp0 ($after_flows flows)" test "$after_flows" -ge 1
check "no RST sent by the restart" test "$(rsts)" = "$before_rst"
kill "$agent_pid"
wait "$agent_pid" 2>/dev/null
cleanup_all_ns
klog_clean "kernel log clean"
