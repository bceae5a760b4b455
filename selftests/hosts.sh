#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Per LAN host accounting (kmod/hosts.c; topology: topo.sh), loaded with
# hosts_max=16:
#  - a known transfer (lan1 downloads 2,000,000 bytes and uploads 300,000
#    through wwan0): lan1's counters grew by the payload plus 40..60 bytes
#    of IP and TCP header per packet (plus what the senders retransmitted,
#    counted by their TCP MIB), each way; lan2's did not move;
#  - `nfgate show hosts` sorts by traffic; its JSON has the documented
#    keys, and `nfgate -j show` the top hosts and hosts_overflow;
#  - 22 LAN addresses against a table of 16: 16 accounted, the rest
#    counted in hosts_overflow.

source "$(dirname "$0")/lib.sh"
source "$SELFTESTS_DIR/topo.sh"

require_root
require_cmd jq
[ -x "$NFGATE" ] || skip_all "no $NFGATE (make userspace)"
nfgate_use hosts_max=16

topo_setup || { ktap_fail "topology (PPPoE) came up"; exit 1; }
ktap_ok "topology up: ppp0 $(ppp0_addr) over PPPoE, wwan0 10.0.2.2"

# wwan0 (a veth) first: pppoe-server relays PPPoE through user space,
# slow and lossy in an emulated guest.
check "configure nfgate: LAN br0, wwan0 primary, ppp0 backup" sh -c "
	$(declare -f nf); router=$router NFGATE=$NFGATE
	nf set lan dev br0 subnet 192.168.0.0/22 &&
	nf set uplink wwan0 tier 0 weight 1 &&
	nf set uplink ppp0 tier 1 weight 1"

# retrans NS: TCP segments NS retransmitted (RetransSegs of its TCP MIB)
retrans()
{
	ip netns exec "$1" awk '/^Tcp:/ {
		if (!c) { for (i = 1; i <= NF; i++) if ($i == "RetransSegs") c = i }
		else print $c }' /proc/net/snmp
}

# host ADDR KEY: a counter of one host (0 before it was seen)
host()
{
	nf -j show hosts | jq "[.[] | select(.address == \"$1\") | .$2] | add // 0"
}

# The blob server: reads an 8-byte length, sends that many bytes, then
# reads until EOF and answers the count it received.
ip netns exec "$inet" python3 -c '
import socket, struct, threading
def conn(c):
    n = struct.unpack("!Q", c.recv(8, socket.MSG_WAITALL))[0]
    buf = b"x" * 65536
    while n:
        k = min(n, len(buf)); c.sendall(buf[:k]); n -= k
    got = 0
    while True:
        d = c.recv(65536)
        if not d:
            break
        got += len(d)
    c.sendall(struct.pack("!Q", got)); c.close()
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("'"$SERVER"'", 7200)); s.listen(8)
while True:
    c, _ = s.accept()
    threading.Thread(target=conn, args=(c,), daemon=True).start()' > /dev/null 2>&1 &
at_exit "kill $!"
busywait 5000 sh -c "ip netns exec $inet ss -Hltn 'sport = :7200' | grep -q ."

# transfer NS DOWN UP: prints "DOWN UP" as the client counted them.
transfer()
{
	ip netns exec "$1" python3 -c '
import socket, struct, sys
down, up = int(sys.argv[1]), int(sys.argv[2])
s = socket.create_connection(("'"$SERVER"'", 7200), timeout=20)
s.sendall(struct.pack("!Q", down))
got = 0
while got < down:
    d = s.recv(65536)
    if not d:
        break
    got += len(d)
s.sendall(b"y" * up); s.shutdown(socket.SHUT_WR)
sent = struct.unpack("!Q", s.recv(8, socket.MSG_WAITALL))[0]
print(got, sent)' "$2" "$3"
}

# ---- a known transfer -------------------------------------------------------------------
DOWN=2000000
UP=300000
for k in tx_packets tx_bytes rx_packets rx_bytes; do
	eval "b_$k=\$(host 192.168.0.10 $k)"
done
b2=$(( $(host 192.168.0.11 tx_bytes) + $(host 192.168.0.11 rx_bytes) ))
r_srv=$(retrans "$inet")
r_cli=$(retrans "$lan1")
read -r got sent < <(transfer "$lan1" $DOWN $UP)
r_srv=$(( $(retrans "$inet") - r_srv ))
r_cli=$(( $(retrans "$lan1") - r_cli ))
check "lan1 downloaded $DOWN and uploaded $UP bytes ($got, $sent as counted by the ends)" \
	sh -c "[ '$got' = $DOWN ] && [ '$sent' = $UP ]"
for k in tx_packets tx_bytes rx_packets rx_bytes; do
	eval "d_$k=\$(( \$(host 192.168.0.10 $k) - b_$k ))"
done
# shellcheck disable=SC2154 # set by eval
{
	rx_hdr=$(( d_rx_bytes - DOWN - 8 ))	# and the 8-byte count
	tx_hdr=$(( d_tx_bytes - UP - 8 ))	# and the 8-byte length
	ktap_info "lan1 rx: $d_rx_packets packets, $d_rx_bytes bytes = $DOWN + 8 payload + $rx_hdr header and retransmissions ($(( rx_hdr / (d_rx_packets ? d_rx_packets : 1) )) per packet; the server retransmitted $r_srv segments)"
	ktap_info "lan1 tx: $d_tx_packets packets, $d_tx_bytes bytes = $UP + 8 payload + $tx_hdr header and retransmissions ($(( tx_hdr / (d_tx_packets ? d_tx_packets : 1) )) per packet; lan1 retransmitted $r_cli segments)"
	check "lan1 rx bytes = the download + 40..60 bytes of header per packet (+ <= 1460 per retransmitted segment)" \
		sh -c "[ $rx_hdr -ge $(( 40 * d_rx_packets )) ] &&
		       [ $rx_hdr -le $(( 60 * d_rx_packets + 1460 * r_srv )) ]"
	check "lan1 tx bytes = the upload + 40..60 bytes of header per packet (+ <= 1460 per retransmitted segment)" \
		sh -c "[ $tx_hdr -ge $(( 40 * d_tx_packets )) ] &&
		       [ $tx_hdr -le $(( 60 * d_tx_packets + 1460 * r_cli )) ]"
	check "at least one packet per 1460 bytes of payload ($d_rx_packets >= $(( DOWN / 1460 )))" \
		test "$d_rx_packets" -ge $(( DOWN / 1460 ))
}
a2=$(( $(host 192.168.0.11 tx_bytes) + $(host 192.168.0.11 rx_bytes) ))
check "lan2 did not move ($b2 -> $a2 bytes)" test "$a2" = "$b2"

# ---- show hosts ---------------------------------------------------------------------------
read -r got sent < <(transfer "$lan2" 1000 1000)
check "lan2: a small transfer ($got, $sent)" sh -c "[ '$got' = 1000 ] && [ '$sent' = 1000 ]"
nf show hosts > "$TOPO/hosts.txt"
sed 's/^/# /' "$TOPO/hosts.txt"
ktap_info "nfgate show:"
nf show | sed 's/^/#   /'

check "show hosts: lan1 (most traffic) first, then lan2" sh -c "
	awk 'NR > 1 { print \$1 }' $TOPO/hosts.txt | head -n 2 | tr '\n' ' ' |
	grep -qx '192.168.0.10 192.168.0.11 '"
check "show hosts -j: an array of objects with exactly the documented keys" sh -c "
	$(declare -f nf); router=$router NFGATE=$NFGATE
	nf -j show hosts | jq -e 'length >= 2 and all(.[]; keys_unsorted ==
		[\"address\", \"tx_packets\", \"tx_bytes\", \"rx_packets\", \"rx_bytes\"])'"
check "show -j: top_hosts (lan1 first) and stats.hosts_overflow" sh -c "
	$(declare -f nf); router=$router NFGATE=$NFGATE
	nf -j show | jq -e '.top_hosts[0].address == \"192.168.0.10\" and
		(.stats.hosts_overflow | type) == \"number\"'"

# ---- the bound -----------------------------------------------------------------------------
max=$(cat /sys/module/nfgate/parameters/hosts_max)
if [ "$max" != 16 ]; then
	ktap_skip "the table's bound" "nfgate was loaded with hosts_max=$max, not 16"
	exit 0
fi
for i in $(seq 20 39); do
	ip -n "$lan1" addr add "192.168.1.$i/22" dev eth0
done
before=$(nf -j show stats | jq .hosts_overflow)
ip netns exec "$lan1" python3 -c '
import socket
for i in range(20, 40):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("192.168.1.%d" % i, 0)); s.settimeout(3)
    s.sendto(b"hi", ("'"$SERVER"'", '"$WHOAMI_PORT"'))
    s.recv(64)'
n=$(nf -j show hosts | jq length)
after=$(nf -j show stats | jq .hosts_overflow)
ktap_info "22 LAN addresses, hosts_max 16: $n hosts accounted, hosts_overflow $before -> $after"
check "the table holds hosts_max hosts ($n)" test "$n" = 16
check "the 6 hosts beyond it counted in hosts_overflow, both ways ($before -> $after)" \
	test $(( after - before )) -ge 12
