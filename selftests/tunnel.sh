#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The shadowsocks tunnel end to end (topology: topo.sh, nfgated running):
#
#   lan1 ---- [ router: nfgated, ss-redir x2, ss-tunnel ] == ppp0 / wwan0 ==
#       [ inet: ss-server 198.51.100.21 and .22 (outbound from their own
#         address), whoami on 9.9.9.9 ("foreign") and 36.110.1.10
#         ("domestic", in the 8,000-prefix bypass list) and 198.51.100.10
#         (reserved), dnsmasq on 9.9.9.9:53 ]
#
# A LAN connection to the foreign host arrives from ss-server's address
# (through the tunnel, TCP by REDIRECT, UDP by TPROXY), to the domestic and
# the reserved one from the router's uplink address; DNS through ss-tunnel;
# the kernel's bypass set against brute force; the active server killed:
# new connections through the other, measured; ss-redir killed: restarted;
# ppp0 gone while the tunnel is used: the tunnel goes on through wwan0;
# no server answering: fail open (direct) and fail closed (blocked).
# nfgate trace shows the tunnel's decision (into ss1's ss-redir, then
# delivered to the router; the bypass list, then forwarded) and nfgate
# show the tunnel in its overview.

source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/topo.sh"

require_root
require_cmd jq ss-server ss-redir ss-tunnel dnsmasq python3 ss timeout
[ -x "$NFGATE" ] || skip_all "no $NFGATE (make userspace)"
NFGATED=$SELFTESTS_DIR/../userspace/nfgated
PREFIXES=$SELFTESTS_DIR/prefixes.py
nfgate_use

# ---- the load protocol of the prefix lists, in a namespace of its own -------
setup_ns nl || exit 1
while read -r verdict rest; do
	if [ "$verdict" = PASS ]; then
		ktap_ok "prefix lists: $rest"
	else
		ktap_fail "prefix lists: $rest"
	fi
done < <(in_ns "$nl" python3 "$SELFTESTS_DIR/nlcheck.py" tunnel 2>&1 ||
	 echo "FAIL nlcheck.py exited with an error")

t_topo=$(date +%s%3N)
topo_setup || { ktap_fail "topology (PPPoE) came up"; exit 1; }
ktap_info "topology up in $(( $(date +%s%3N) - t_topo )) ms"

SS1=198.51.100.21
SS2=198.51.100.22
FOREIGN=9.9.9.9
DOMESTIC=36.110.1.10
PASS="pw-$(mktemp -u XXXXXXXXXXXX)"
now_ms() { date +%s%3N; }

# ---- the internet side: two shadowsocks servers, hosts, a resolver -----------
ip -n "$isp1" route add default via 10.1.0.2
ip -n "$inet" addr add "$SS1/24" dev srv0
ip -n "$inet" addr add "$SS2/24" dev srv0
ip -n "$inet" addr add "$FOREIGN/32" dev srv0
ip -n "$inet" addr add "$DOMESTIC/32" dev srv0
for h in $FOREIGN $DOMESTIC; do
	ip netns exec "$inet" python3 "$WHOAMI" serve "$h" "$WHOAMI_PORT" \
		"$TOPO/whoami-$h.log" > /dev/null 2>&1 &
	at_exit "kill $!"
done
ip netns exec "$inet" dnsmasq -k -C /dev/null -u root --port 53 \
	--listen-address "$FOREIGN" --bind-interfaces --no-resolv --no-hosts \
	--pid-file= --address=/example.test/192.0.2.7 --log-queries \
	--log-facility="$TOPO/dnsmasq.log" > /dev/null 2>&1 &
at_exit "kill $!"

# ss_server N ADDR: start (or restart) shadowsocks server N on ADDR
ss_server()
{
	cat > "$TOPO/ss$1.json" <<-J
	{ "server": "$2", "server_port": 8388, "password": "$PASS",
	  "method": "chacha20-ietf-poly1305", "mode": "tcp_and_udp" }
	J
	ip netns exec "$inet" ss-server -c "$TOPO/ss$1.json" -b "$2" \
		> "$TOPO/ss-server$1.log" 2>&1 &
	eval "ss${1}_pid=$!"
}
ss_server 1 $SS1
ss_server 2 $SS2
at_exit 'kill $ss1_pid $ss2_pid'

# ---- the router: nfgated with the tunnel --------------------------------------
python3 "$PREFIXES" gen 8000 "$TOPO/chnroute.txt" --seed 7 --include 36.110.0.0/16 \
	--addrs "$TOPO/addrs"
(umask 077; echo "$PASS" > "$TOPO/ss.pass")
RUN=$TOPO/run

# agent FAIL: (re)write the config; start nfgated, or make it reload
agent()
{
	cat > "$TOPO/nfgate.conf" <<-CONF
	[lan]
	interface = br0
	subnet = 192.168.0.0/22

	[uplink ppp0]
	tier = 0

	[uplink wwan0]
	tier = 1

	[tunnel]
	password_file = $TOPO/ss.pass
	local_port = 1100
	check = $FOREIGN:$WHOAMI_PORT
	check_interval_ms = 300
	check_retry_ms = 100
	check_timeout_ms = 3000
	check_fails = 3
	failback_ms = 60000
	fail = $1
	dns_listen = 192.168.0.1:5353
	dns_resolver = $FOREIGN:53
	bypass_file = $TOPO/chnroute.txt
	run_dir = $RUN

	[server ss1]
	address = $SS1
	port = 8388

	[server ss2]
	address = $SS2
	CONF
	if [ -n "${agent_pid:-}" ]; then
		kill -HUP "$agent_pid"
		return
	fi
	ip netns exec "$router" "$NFGATED" -t -c "$TOPO/nfgate.conf" ||
		ktap_fail "nfgated refused the test's config"
	ip netns exec "$router" "$NFGATED" -f -c "$TOPO/nfgate.conf" \
		>> "$TOPO/nfgated.log" 2>&1 &
	agent_pid=$!
}
at_exit '[ -n "$agent_pid" ] && kill $agent_pid && wait $agent_pid'

tunnel() { nf -j show tunnel | jq -r ".tunnel.$1"; }
tunnel_is() { [ "$(tunnel "$1")" = "$2" ]; }
T0=$(now_ms)
section() { ktap_info "[+$(( ($(now_ms) - T0) / 1000 ))s] $*"; }
# who FROM_NS HOST [--udp]: the source address HOST saw for a new connection
# (bash's /dev/tcp: python starts too slowly under TCG for a test made of
# these, and socat half-closes, which ss-redir takes for the end)
who()
{
	local proto=tcp
	[ "${3:-}" = --udp ] && proto=udp
	# a datagram in one read (dd), not bash's byte by byte
	ip netns exec "$1" timeout "$(slow_s 3)" bash -c "
		exec 3<>/dev/$proto/$2/$WHOAMI_PORT || exit 1
		if [ $proto = udp ]; then
			echo '?' >&3
			dd bs=512 count=1 status=none <&3
		else
			read -r -t $(slow_s 2) line <&3 && echo \"\$line\"
		fi" 2>/dev/null | cut -d: -f1
}
who_is() { [ "$(who "$lan1" "$1" "${@:3}")" = "$2" ]; }
# direct HOST [--udp]: HOST sees lan1 come from ppp0's address, read at each
# try (pppd re-dials to another address when its LCP echoes go unanswered,
# as on a slow kernel); prints both.
direct()
{
	local seen cur
	seen=$(who "$lan1" "$1" "${@:2}")
	cur=$(ppp0_addr)
	echo "seen from ${seen:-nothing}, ppp0 ${cur:-without an address}"
	[ -n "$cur" ] && [ "$seen" = "$cur" ]
}
# through the tunnel, either server
tunneled() { case "$(who "$lan1" "$1" "${@:2}")" in $SS1|$SS2) ;; *) false ;; esac; }
redir_pid() { pgrep -f "ss-redir -c $RUN/ss-redir-$1.json"; }
# DNS: an A query for example.test to ss-tunnel on the router
dns_a()
{
	ip netns exec "$lan1" python3 -c '
import socket, struct, sys
q = struct.pack("!HHHHHH", 0x4e47, 0x0100, 1, 0, 0, 0) + \
    b"\x07example\x04test\x00" + struct.pack("!HH", 1, 1)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(2)
s.sendto(q, ("192.168.0.1", 5353))
r = s.recv(512)
print(socket.inet_ntoa(r[-4:]) if struct.unpack("!H", r[6:8])[0] else "none")'
}

section agent
agent open
check "agent: the tunnel comes up, ss1 active" slowwait 30 tunnel_is active ss1
ktap_info "$(grep -m1 'bypass list:' "$TOPO/nfgated.log" | sed 's/.*tunnel: //')"

section secrets
# ---- secrets --------------------------------------------------------------------
check "ss configs are mode 0600" \
	test "$(stat -c %a "$RUN"/ss-redir-ss1.json "$RUN"/ss-redir-ss2.json \
		"$RUN"/ss-tunnel.json | sort -u)" = 600
# grep -f: the password is in a file, not in grep's own command line
no_password()
{
	! grep -lsFf "$TOPO/ss.pass" /proc/[0-9]*/cmdline &&
	! grep -qFf "$TOPO/ss.pass" "$TOPO/nfgated.log"
}
check "the password is in no command line and not in the log" no_password

section where
# ---- what goes where ------------------------------------------------------------
check "TCP to a foreign host goes through the tunnel (seen from ss1 $SS1)" \
	busywait 15000 who_is $FOREIGN $SS1
check "TCP to a domestic host (bypass list) goes direct (from ppp0 $(ppp0_addr))" \
	busywait 15000 direct $DOMESTIC
check "TCP to a reserved address goes direct" busywait 15000 direct "$SERVER"
check "UDP to the foreign host goes through the tunnel (TPROXY)" \
	who_is $FOREIGN $SS1 --udp
check "UDP to the domestic host goes direct" busywait 15000 direct $DOMESTIC --udp
check "DNS through ss-tunnel: example.test is 192.0.2.7" \
	test "$(dns_a)" = 192.0.2.7
check "... and the resolver saw the query come from ss1" \
	grep -q "from $SS1" "$TOPO/dnsmasq.log"
# hold_open: in the background, a connection from lan1 to the foreign
# host held open (30 s, stretched); $! is its pid.
hold_open()
{
	ip netns exec "$lan1" timeout "$(slow_s 30)" bash -c \
		"exec 3<>/dev/tcp/$FOREIGN/$WHOAMI_PORT; sleep $(slow_s 30)" &
}
# One for the flow gauge: the connections above may have ended, and their
# conntrack entries with them, on a slow kernel.
hold_open
gauge_holder=$!
tunnel_flows() { [ "$(nf -j show tunnel | jq '.tunnel.flows')" -gt 0 ]; }
busywait 15000 tunnel_flows
check "show tunnel: ss1 active, both up, connections counted" \
	test "$(nf -j show tunnel | jq -c '[[.tunnel.servers[] | [.name, .state, .active]],
		.tunnel.flows > 0, .stats.tunnel_tcp > 0, .stats.tunnel_udp > 0]')" = \
	'[[["ss1","up",true],["ss2","up",false]],true,true,true]'
nf show tunnel | sed 's/^/#   /'
kill "$gauge_holder" 2>/dev/null
wait "$gauge_holder" 2>/dev/null
ktap_info "nfgate show:"
nf show | sed 's/^/#   /'
overview_has() { nf show | grep -q "$1"; }
check "show: the overview's tunnel line (ss1 active, up) and its bypass list" \
	sh -c "$(declare -f nf overview_has); router=$router NFGATE=$NFGATE
	overview_has '^tunnel: up, active ss1 ($SS1:8388 up' &&
	overview_has '^  bypass: 8001 prefixes, [1-9]'"
check "show -j: the tunnel object, ss1 active" \
	test "$(nf -j show | jq -c '[.tunnel.active, .tunnel.lists.bypass.prefixes]')" = '["ss1",8001]'

section trace
# ---- the trace: the tunnel's decision -------------------------------------------------
# trace_syn OUT HOST [-j]: the SYN of lan1's next connection to HOST's
# whoami port, traced
trace_syn()
{
	rm -f "$TOPO/trace.err"
	nf "${@:3}" trace host 192.168.0.10 port "$WHOAMI_PORT" count 1 timeout "$(slow_s 20)" \
		> "$1" 2> "$TOPO/trace.err" &
	local pid=$!
	busywait 10000 grep -q tracing "$TOPO/trace.err" > /dev/null
	who "$lan1" "$2" > /dev/null
	busywait 30000 stopped "$pid" > /dev/null
}
syn_is() { head -n 1 "$1" | jq -e "$2" > /dev/null; }
trace_syn "$TOPO/trace-foreign.json" $FOREIGN -j
sed 's/^/#   /' "$TOPO/trace-foreign.json"
check "trace: to the foreign host, into the tunnel (ss1, no list), then delivered to ss-redir" \
	syn_is "$TOPO/trace-foreign.json" '[.stages[].stage] == ["ingress", "tunnel", "route"] and
		.stages[1].decision == "tunnel" and .stages[1].server == "ss1" and
		.stages[1].reason == "default" and .stages[1].daddr == "'$FOREIGN'" and
		.stages[2].decision == "local" and .stages[2].dev == "br0"'
trace_syn "$TOPO/trace-domestic.json" $DOMESTIC -j
sed 's/^/#   /' "$TOPO/trace-domestic.json"
check "trace: to the domestic host, the bypass list, then forwarded and masqueraded" \
	syn_is "$TOPO/trace-domestic.json" '[.stages[].stage] == ["ingress", "tunnel", "route", "forward", "egress"] and
		.stages[1].decision == "bypass" and .stages[1].reason == "bypass" and
		.stages[1].server == null and .stages[4].decision == "masquerade"'
trace_syn "$TOPO/trace-foreign.txt" $FOREIGN
sed 's/^/#   /' "$TOPO/trace-foreign.txt"
check "trace, text: ingress, tunnel (server ss1, the rule), route local" sh -c "
	awk '/^packet/ { p++ } p == 1 && /^ / { printf \"%s \", \$2 }' $TOPO/trace-foreign.txt |
	grep -qx 'ingress tunnel route ' &&
	grep -q ' tunnel .* tunnel server ss1 (into the tunnel; destination in no list)\$' $TOPO/trace-foreign.txt &&
	grep -q ' route .* local (routing decision: deliver to the router)\$' $TOPO/trace-foreign.txt"

section bypass set
# ---- the bypass set in the kernel ---------------------------------------------------
check "the 8,000-prefix list is in the kernel" \
	test "$(tunnel lists.bypass.prefixes)" = 8001
t0=$(now_ms)
nf tunnel lookup - < "$TOPO/addrs" > "$TOPO/lookups"
t1=$(now_ms)
read -r n bad < <(python3 "$PREFIXES" check "$TOPO/chnroute.txt" "$TOPO/lookups")
ktap_info "kernel lookups: $n addresses in $((t1 - t0)) ms through netlink, $bad mismatches"
check "kernel lookups agree with brute force ($n addresses, $bad mismatches)" \
	test "$bad" = 0 -a "$n" -ge 2000
load=$(nf tunnel load bypass "$TOPO/chnroute.txt")
ktap_info "nfgate tunnel load: $load"
# 500 ms, stretched on a slow kernel: 716 ms on the debug kernel.
check "the list loads again by hand, in under $(slow_ms 500) ms" \
	awk -v max="$(slow_ms 500)" '/loaded in/ { for (i = 1; i <= NF; i++) if ($i == "loaded") exit !($(i + 2) + 0 < max) }' <<<"$load"

section server failover
# ---- server failover ------------------------------------------------------------------
ip netns exec "$lan1" python3 "$WHOAMI" probe $FOREIGN "$WHOAMI_PORT" "$(slow_s 30)" \
	--interval "$(slow_s 0.05)" --timeout "$(slow_s 1)" --until $SS2 > "$TOPO/probe" 2>&1 &
prober=$!
busywait 15000 grep -q " $SS1\$" "$TOPO/probe"
t_kill=$(now_ms)
kill "$ss1_pid"
wait $prober
t_first=$(awk -v t="$t_kill" '$3 == s && $1 >= t { print $1; exit }' s=$SS2 "$TOPO/probe")
ktap_info "server failover: ss1 killed -> first new connection through ss2 started after $((${t_first:-0} - t_kill)) ms"
bound=$(slow_ms 15000)
check "server failover: new connections go through ss2 (bound $bound ms)" \
	test -n "$t_first" -a "$((${t_first:-0} - t_kill))" -lt "$bound"
check "show tunnel: ss2 active, ss1 down" \
	test "$(nf -j show tunnel | jq -c '[.tunnel.active, .tunnel.servers[0].state]')" = '["ss2","down"]'
dns_is() { [ "$(dns_a)" = "$1" ]; }
check "DNS follows: ss-tunnel through ss2" slowwait 30 dns_is 192.0.2.7
ss_server 1 $SS1
srv_is() { [ "$(tunnel "servers[$1].state")" = "$2" ]; }
check "ss1 answers again" slowwait 30 srv_is 0 up

section dead ss-redir
# ---- a dead ss-redir is restarted ----------------------------------------------------
old=$(redir_pid ss2)
kill -9 "$old"
check "ss-redir of ss2 killed: ss1 takes over" slowwait 30 tunnel_is active ss1
check "... and it is restarted" slowwait 30 \
	sh -c "p=\$(pgrep -f 'ss-redir -c $RUN/ss-redir-ss2.json'); [ -n \"\$p\" ] && [ \"\$p\" != $old ]"

section uplink failover
# ---- uplink failover while the tunnel is in use ----------------------------------------
ip netns exec "$lan1" python3 "$WHOAMI" probe $FOREIGN "$WHOAMI_PORT" "$(slow_s 120)" \
	--interval "$(slow_s 0.05)" --timeout "$(slow_s 1)" > "$TOPO/probe2" 2>&1 &
prober=$!
busywait 15000 grep -q " $SS1\$" "$TOPO/probe2"
t_stop=$(now_ms)
topo_pppoe_server_stop
check "PPPoE ended: ppp0 gone" slowwait 90 sh -c "! ip -n $router link show ppp0 > /dev/null 2>&1"
t_down=$(now_ms)
# a connection through the tunnel that started after ppp0 was gone (the
# probe is sequential: one line per attempt, "START END RESULT")
tunneled_after() {
	awk -v t="$1" -v a="$SS1" -v b="$SS2" '$1 >= t && ($3 == a || $3 == b) { ok = 1 } END { exit !ok }' "$TOPO/probe2"
}
check "new connections through the tunnel again after ppp0 is gone" slowwait 60 tunneled_after "$t_down"
kill $prober 2>/dev/null
wait $prober 2>/dev/null
t_ok=$(awk -v t="$t_down" '$1 >= t && ($3 == a || $3 == b) { print $2; exit }' a=$SS1 b=$SS2 "$TOPO/probe2")
lost=$(awk -v t="$t_stop" '$1 >= t && $3 == "FAIL"' "$TOPO/probe2" | wc -l)
ktap_info "uplink failover under the tunnel: PPPoE server stopped -> ppp0 gone after $((t_down - t_stop)) ms -> first new connection through the tunnel completed after $((${t_ok:-$t_down} - t_stop)) ms; $lost attempts failed"
check "the tunnel carries new connections again" busywait 15000 tunneled $FOREIGN
# one held open until ss-server has been seen with it (its ss-redir's
# connection to the server lives as long as it does)
hold_open
holder=$!
check "... through wwan0 (ss-server sees the connection from 10.0.2.2)" \
	slowwait 15 sh -c "ip netns exec $inet ss -tnH state established '( sport = :8388 )' | grep -q 10.0.2.2"
kill "$holder" 2>/dev/null

section fail open/closed
# ---- no server answers: fail open, fail closed ----------------------------------------
kill "$ss1_pid" "$ss2_pid"
check "both servers dead: the tunnel is down" slowwait 30 tunnel_is state down
check "fail open: the foreign host is reached directly (from wwan0)" \
	busywait 15000 who_is $FOREIGN 10.0.2.2
check "fail open counted" test "$(nf -j show tunnel | jq .stats.tunnel_fail_open)" -gt 0
agent closed
check "fail closed: configured" slowwait 30 tunnel_is fail closed
check_fail "fail closed: the foreign host is not reached" who_is $FOREIGN 10.0.2.2
check "fail closed: the domestic host still is (direct)" busywait 15000 who_is $DOMESTIC 10.0.2.2
check "blocked connections counted" test "$(nf -j show tunnel | jq .stats.tunnel_blocked)" -gt 0
ss_server 1 $SS1
check "a server back: the tunnel is up again" slowwait 30 tunnel_is active ss1
check "... and carries the foreign host again" busywait 15000 who_is $FOREIGN $SS1

kill "$agent_pid"
wait "$agent_pid"
agent_pid=
check "agent stopped: ss-redir and ss-tunnel are gone" \
	sh -c "! pgrep -f 'ss-(redir|tunnel) -c $RUN/' >/dev/null"
check "... the kernel has the tunnel down (fail applies)" tunnel_is state down
check "... the ss config files are removed" test ! -e "$RUN/ss-redir-ss1.json"
section done

# on a failure, what the agent and the servers said
if [ "$KTAP_FAIL" -gt 0 ] || [ -n "${NFGATE_TUNNEL_VERBOSE:-}" ]; then
	tail -n 80 "$TOPO/nfgated.log" | sed 's/^/#   /'
	tail -n 5 "$TOPO"/ss-server*.log | sed 's/^/#   /'
fi
