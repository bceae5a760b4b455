#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The firewall baseline ([firewall], loaded by nfgated as the nftables table
# inet nfgate; topology: topo.sh): each rule seen to act, and the router's
# own functions left working.
#  - from the internet: the fifth SSH connection within 60 s is dropped (a
#    TCP listener on port 22 in the router), a closed port is dropped, an
#    allowed port answers, an INVALID packet (SYN+FIN, raw socket) dropped;
#  - a forwarded SYN's MSS clamped to ppp0's MTU (tcpdump on the far side);
#  - DSCP cleared on what ppp0 brings (tcpdump on ppp0 and on the LAN host);
#  - LAN to LAN through br0 works, fails with lan_isolation, works again;
#  - reload: a bad file leaves the tables as they were;
#  - still working: masquerade, a port forward (ct status dnat), ICMP to the
#    WAN address, the router's own traffic, DNS from the LAN to the router,
#    the agent's health probes, a PPPoE re-dial.

source "$(dirname "$0")/lib.sh"
source "$SELFTESTS_DIR/topo.sh"

require_root
require_cmd jq nft tcpdump
[ -x "$NFGATE" ] || skip_all "no $NFGATE (make userspace)"
NFGATED=$SELFTESTS_DIR/../userspace/nfgated
[ -x "$NFGATED" ] || skip_all "no $NFGATED (make userspace)"
nfgate_use
require_module nf_tables nft_ct nft_limit nft_meta_bridge

topo_setup || { ktap_fail "topology (PPPoE) came up"; exit 1; }
ktap_ok "topology up: ppp0 $(ppp0_addr) over PPPoE, wwan0 10.0.2.2"

# conf FIREWALL_KEYS...: the test's config file, [firewall] with the keys.
conf()
{
	cat > "$TOPO/nfgate.conf" <<-CONF
	[lan]
	interface = br0
	subnet = 192.168.0.0/22
	[uplink ppp0]
	track = $SERVER
	[uplink wwan0]
	tier = 1
	[forward tcp 8080]
	to = 192.168.0.11:7000
	[firewall]
	allow_tcp = 9000
	$(printf '%s\n' "$@")
	CONF
}
agent_log() { grep -c -- "$1" "$TOPO/nfgated.log"; }
# the packets counted by the rule with comment C in chain CH
counter_of()
{
	ip netns exec "$router" nft -j list chain inet nfgate "$2" |
		jq "[.nftables[].rule? | select(.comment == \"$1\") |
		     .expr[] | .counter? | select(.) | .packets] | add // 0"
}
# the LAN hosts' ping to each other
lan_to_lan() { ns_ping "$lan1" 192.168.0.11; }

conf
check "nfgated -t accepts the test's config" \
	ip netns exec "$router" "$NFGATED" -t -c "$TOPO/nfgate.conf"
ip netns exec "$router" "$NFGATED" -f -c "$TOPO/nfgate.conf" \
	>> "$TOPO/nfgated.log" 2>&1 &
agent_pid=$!
at_exit "kill $agent_pid"
check "agent loaded the baseline" slowwait 20 \
	grep -q "firewall: table inet nfgate loaded" "$TOPO/nfgated.log"
check "table inet nfgate: input and forward chains, policy drop" sh -c "
	ip netns exec $router nft list table inet nfgate > $TOPO/table.nft &&
	grep -q 'hook input priority filter; policy drop;' $TOPO/table.nft &&
	grep -q 'hook forward priority filter; policy drop;' $TOPO/table.nft"

# ---- the router's functions still work --------------------------------------------
seen=$(topo_ask "$lan1" 1)
check "LAN -> internet, masqueraded on ppp0 ($seen)" test "${seen%:*}" = "$(ppp0_addr)"
ip netns exec "$lan2" python3 "$WHOAMI" serve 192.168.0.11 7000 \
	"$TOPO/lan2.log" > /dev/null 2>&1 &
at_exit "kill $!"
busywait 5000 sh -c "ip netns exec $lan2 ss -Hltn 'sport = :7000' | grep -q ."
ppp=$(ppp0_addr)
seen=$(ip netns exec "$inet" python3 "$WHOAMI" ask "$ppp" 8080 1 --timeout 3)
check "port forward through the forward chain (ct status dnat) ($seen)" \
	test "${seen%:*}" = 10.1.0.2
check "ICMP echo to ppp0's address answered" ns_ping "$inet" "$ppp"
seen=$(topo_ask "$router" 1 --udp)
check "the router's own UDP to the internet: reply accepted ($seen)" \
	test "${seen%:*}" = "$ppp"
ip netns exec "$router" python3 "$WHOAMI" serve 192.168.0.1 53 > /dev/null 2>&1 &
at_exit "kill $!"
busywait 5000 sh -c "ip netns exec $router ss -Hlun 'sport = :53' | grep -q ."
seen=$(ip netns exec "$lan1" python3 "$WHOAMI" ask 192.168.0.1 53 1 --udp --timeout 3)
check "DNS (UDP 53) from the LAN to the router ($seen)" test "${seen%:*}" = 192.168.0.10
check "the agent's health probes answered: ppp0 health up" slowwait 30 sh -c "
	ip netns exec $router $NFGATE -j show uplinks ppp0 | jq -e '.health_state == \"up\"'"

# ---- from the internet --------------------------------------------------------------
ip netns exec "$router" python3 "$WHOAMI" serve 0.0.0.0 9000 > /dev/null 2>&1 &
at_exit "kill $!"
ip netns exec "$router" python3 "$WHOAMI" serve 0.0.0.0 9001 > /dev/null 2>&1 &
at_exit "kill $!"
busywait 5000 sh -c "ip netns exec $router ss -Hltn 'sport = :9001' | grep -q ."
seen=$(ip netns exec "$inet" python3 "$WHOAMI" ask "$ppp" 9000 1 --timeout 3)
check "allow_tcp 9000: answered from the internet ($seen)" test "${seen%:*}" = 10.1.0.2
seen=$(ip netns exec "$lan1" python3 "$WHOAMI" ask 192.168.0.1 9001 1 --timeout 3)
check "port 9001 answered from the LAN ($seen)" test "${seen%:*}" = 192.168.0.10
before=$(counter_of dropped input)
check_fail "port 9001 (not allowed) dropped from the internet" \
	ip netns exec "$inet" python3 "$WHOAMI" ask "$ppp" 9001 1 --timeout 2
after=$(counter_of dropped input)
ktap_info "input 'dropped' counter: $before -> $after"
check "the SYNs to 9001 counted by the input chain's drop ($before -> $after)" \
	test "$after" -gt "$before"

# SSH: a listener on 22; 4 new connections per 60 s per source, the 5th dropped.
ip netns exec "$router" python3 "$WHOAMI" serve 0.0.0.0 22 > /dev/null 2>&1 &
at_exit "kill $!"
busywait 5000 sh -c "ip netns exec $router ss -Hltn 'sport = :22' | grep -q ."
start=$(date +%s)
ip netns exec "$inet" python3 "$WHOAMI" ask "$ppp" 22 5 --timeout 2 > "$TOPO/ssh.out"
took=$(( $(date +%s) - start ))
ok=$(grep -vc FAIL "$TOPO/ssh.out")
ktap_info "SSH from the internet: $(tr '\n' ' ' < "$TOPO/ssh.out")in ${took} s"
check "SSH from the internet: 4 connections answered, the 5th dropped (answered: $ok)" \
	sh -c "[ $ok = 4 ] && sed -n 5p $TOPO/ssh.out | grep -q FAIL"
check "ssh_limit counter counted the 5th ($(counter_of ssh_limit input_uplink))" \
	test "$(counter_of ssh_limit input_uplink)" -ge 1
seen=$(ip netns exec "$lan1" python3 "$WHOAMI" ask 192.168.0.1 22 6 --timeout 3 | grep -vc FAIL)
check "SSH from the LAN: not limited (6 of 6 answered: $seen)" test "$seen" = 6

# INVALID: TCP with SYN and FIN (no valid TCP state has both) from the internet.
syn_fin()
{
	ip netns exec "$inet" python3 - "$1" "$2" "$3" <<-'PY'
	import socket, struct, sys
	dst, port, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
	src = "10.1.0.2"
	def csum(b):
	    if len(b) % 2:
	        b += b"\0"
	    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
	    s = (s >> 16) + (s & 0xffff)
	    s += s >> 16
	    return ~s & 0xffff
	s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_TCP)
	for i in range(n):
	    sport = 40000 + i
	    hdr = struct.pack("!HHIIBBHHH", sport, port, 1000 + i, 0, 5 << 4,
	                      0x03, 65535, 0, 0)            # FIN | SYN
	    pseudo = struct.pack("!4s4sBBH", socket.inet_aton(src),
	                         socket.inet_aton(dst), 0, 6, len(hdr))
	    c = csum(pseudo + hdr)
	    hdr = hdr[:16] + struct.pack("!H", c) + hdr[18:]
	    s.sendto(hdr, (dst, 0))
	PY
}
before=$(counter_of invalid input)
syn_fin "$ppp" 22 3
check "3 SYN+FIN packets to port 22: the input chain's invalid rule dropped 3" \
	busywait 3000 sh -c "[ \$(ip netns exec $router nft -j list chain inet nfgate input |
		jq '[.nftables[].rule? | select(.comment == \"invalid\") | .expr[] |
		.counter? | select(.) | .packets] | add') -eq $((before + 3)) ]"
ktap_info "input 'invalid' counter: $before -> $(counter_of invalid input)"

# ---- MSS clamp: a forwarded SYN, seen on the internet's side of ISP 1 -------------------
mtu=$(ip -n "$router" -o link show ppp0 | sed -n 's/.* mtu \([0-9]*\).*/\1/p')
ip netns exec "$inet" tcpdump -l -n -v -i eth1 -c 1 \
	'tcp[tcpflags] & (tcp-syn|tcp-ack) == tcp-syn and dst port 7000' \
	> "$TOPO/syn.txt" 2> "$TOPO/syn.err" &
dump=$!
busywait 5000 grep -q "listening on" "$TOPO/syn.err"
topo_ask "$lan1" 1 > /dev/null
busywait 5000 stopped "$dump"
mss=$(grep -o 'mss [0-9]*' "$TOPO/syn.txt" | head -n 1 | cut -d' ' -f2)
ktap_info "ppp0 mtu $mtu; the LAN host's SYN as it reached the internet: mss ${mss:-none} (lan1 sent 1460)"
check "forwarded SYN's MSS clamped to ppp0's MTU - 40 ($mss = $mtu - 40)" \
	test "${mss:-0}" -eq $((mtu - 40))

# ---- DSCP cleared on WAN ingress -------------------------------------------------------
# A server on the internet answers with DSCP EF (TOS 0xb8): seen with it on
# ppp0 (taps see what arrived), and the LAN host reads the TOS of what it
# got (IP_RECVTOS).
ip netns exec "$inet" timeout 60 python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_IP, socket.IP_TOS, 0xb8)
s.bind(("'"$SERVER"'", 7100))
while True:
    d, peer = s.recvfrom(64)
    s.sendto(d, peer)' > /dev/null 2>&1 &
at_exit "kill $!"
busywait 5000 sh -c "ip netns exec $inet ss -Hlun 'sport = :7100' | grep -q ."
ip netns exec "$router" tcpdump -l -n -v -i ppp0 -c 1 'udp and src port 7100' \
	> "$TOPO/wan.txt" 2> "$TOPO/wan.err" &
wdump=$!
busywait 5000 grep -q "listening on" "$TOPO/wan.err"
ltos=$(ip netns exec "$lan1" python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_IP, socket.IP_RECVTOS, 1)
s.settimeout(3)
s.sendto(b"tos?", ("'"$SERVER"'", 7100))
d, anc, flags, peer = s.recvmsg(64, 64)
print("".join("0x%x" % c[2][0] for c in anc if c[1] == socket.IP_TOS))')
busywait 5000 stopped "$wdump"
wtos=$(grep -o 'tos 0x[0-9a-f]*' "$TOPO/wan.txt" | head -n 1 | cut -d' ' -f2)
ktap_info "server's reply: tos ${wtos:-none} on ppp0, ${ltos:-none} received by the LAN host"
check "DSCP cleared on WAN ingress (ppp0 $wtos -> LAN $ltos)" \
	sh -c "[ '$wtos' = 0xb8 ] && [ '$ltos' = 0x0 ]"

# ---- LAN to LAN, LAN isolation, reload ------------------------------------------------
check "LAN to LAN through br0 works" lan_to_lan
conf "lan_isolation = yes"
kill -HUP "$agent_pid"
check "reload: LAN isolation on (table bridge nfgate)" slowwait 20 \
	grep -q "LAN isolation on" "$TOPO/nfgated.log"
check_fail "LAN to LAN fails with isolation" lan_to_lan
check "the bridge table counted the dropped frames" sh -c "
	ip netns exec $router nft -j list table bridge nfgate |
	jq -e '[.nftables[].rule? | select(.) | .expr[] | .counter? | select(.) | .packets] | add > 0'"
check "the router is still reachable from an isolated host" ns_ping "$lan1" 192.168.0.1
seen=$(topo_ask "$lan2" 1)
check "an isolated host still reaches the internet ($seen)" test "${seen%:*}" = "$ppp"

n_bad=$(agent_log "is not valid")
conf "lan_isolation = no" "allow_udp = 0"
kill -HUP "$agent_pid"
line=$(grep -n '^allow_udp' "$TOPO/nfgate.conf" | cut -d: -f1)
check "reload of a bad file: FILE:LINE reported (line $line)" slowwait 20 sh -c "
	grep -q 'nfgate.conf:$line: allow_udp: 0 is out of range 1..65535' $TOPO/nfgated.log &&
	[ \$(grep -c 'is not valid' $TOPO/nfgated.log) -gt $n_bad ]"
check "... and the running tables kept: bridge table still there" \
	ip netns exec "$router" nft list table bridge nfgate
check_fail "... LAN still isolated" lan_to_lan

n_loaded=$(agent_log "table inet nfgate loaded")
conf "lan_isolation = no"
kill -HUP "$agent_pid"
check "reload: isolation off" slowwait 20 sh -c "
	[ \$(grep -c 'table inet nfgate loaded' $TOPO/nfgated.log) -gt $n_loaded ]"
check_fail "table bridge nfgate gone" ip netns exec "$router" nft list table bridge nfgate
check "LAN to LAN works again" lan_to_lan

# ---- a PPPoE re-dial with the firewall in place ---------------------------------------
topo_pppd_stop
slowwait 20 sh -c "[ -z \"\$(ip -n $router -o link show ppp0 2>/dev/null)\" ]" > /dev/null
topo_pppd_start
check "PPPoE re-dial with the firewall loaded: ppp0 up again" slowwait 60 ppp0_up
# New connections avoid a re-dialled uplink for the hold-down (5 s), then
# prefer it again: poll until one goes out by ppp0.
via_ppp0() { local s; s=$(topo_ask "$lan1" 1) && [ "${s%:*}" = "$(ppp0_addr)" ] && echo "$s"; }
check "LAN -> internet over the new ppp0 once its hold-down ends" slowwait 30 via_ppp0
