#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2154 # setup_ns assigns the variables named
#
# Hostile packets through every nfgate hook (topology: vethtopo.sh, NAT
# and the DNS check in log mode by nfgate; pktfuzz.py builds the packets):
#
# - malformed DNS replies from a malicious resolver on the internet
#   (truncated, compression loops, pointers out of bounds, huge counts,
#   overlong names, fragmented ones) to queries from the LAN (LAN ingress,
#   FORWARD, POST_ROUTING, then uplink ingress) and from the router itself
#   (LOCAL_OUT): every reply is counted as a reply, the surely malformed
#   ones as malformed, the valid controls not, and all are delivered;
# - hostile IPv4 frames (runts, bad IHL and lengths, IP options, tiny,
#   overlapping and out-of-range fragments, bad UDP/TCP/ICMP headers,
#   random bytes) on the LAN link and on the uplink (AF_PACKET), and the
#   same IP packets sent by the router (raw socket: LOCAL_OUT);
# - oversized: a LAN link with a 9000-byte MTU sends DNS queries of 8000
#   bytes to the 1500-byte uplink (fragmented by the router; with DF, ICMP
#   "fragmentation needed").
#
# No crash, the hook counters only grow, the DNS counters add up, and the
# router still forwards and judges DNS normally afterwards.

source "$(dirname "$0")/lib.sh"
source "$SELFTESTS_DIR/vethtopo.sh"

PKT=$SELFTESTS_DIR/pktfuzz.py
DNSS=198.51.100.53

require_root
require_cmd ip ping jq python3
[ -x "$NFGATE" ] || skip_all "no $NFGATE (make userspace)"
nfgate_use fresh

TMP=$(mktemp -d)
at_exit rm -rf "$TMP"
vtopo_setup || exit 1
ip -n "$inet" addr add "$DNSS/32" dev srv0
configure() { vtopo_nat && nf set dns mode log; }
check "nfgate: LAN, uplinks, DNS check in log mode" configure || exit 1
check "a LAN host reaches the server through the NAT" \
	busywait 10000 ns_ping "$lan1" "$SERVER" || exit 1
klog_mark

in_ns "$inet" python3 "$PKT" server "$DNSS" > "$TMP/server" 2>&1 &
at_exit "kill $!"
check "malicious resolver listening" busywait 60000 grep -q listening "$TMP/server"

stats() { nf -j show stats > "$TMP/stats.$1"; }
# d KEY A B: how much counter KEY grew from snapshot A to B
d() { jq -n --slurpfile a "$TMP/stats.$2" --slurpfile b "$TMP/stats.$3" "\$b[0].$1 - \$a[0].$1"; }
# every counter of snapshot B at least what it was in A
grew_only() {
	jq -e -n --slurpfile a "$TMP/stats.$1" --slurpfile b "$TMP/stats.$2" \
		'[$a[0] | to_entries[] | select(.value > $b[0][.key])] | length == 0' > /dev/null
}

# ---- malformed DNS replies ------------------------------------------------------
for who in lan1 router; do
	stats a
	out=$(in_ns "${!who}" python3 "$PKT" client "$DNSS")
	stats b
	read -r _ cases _ sure _ valid _ got <<<"$out"
	rep=$(d dns_replies a b) mal=$(d dns_malformed a b) q=$(d dns_queries a b)
	ktap_info "from $who: $cases malformed-reply cases ($sure surely malformed, $valid valid); kernel: $q queries, $rep replies, $mal malformed; $got delivered"
	check "$who: every reply judged ($rep of $cases)" test "$rep" -eq "$cases"
	check "$who: malformed counted ($mal; at least $sure, at most $((cases - valid)))" \
		test "$mal" -ge "$sure" -a "$mal" -le $((cases - valid))
	check "$who: log mode delivers all ($got of $cases)" test "$got" -eq "$cases"
	check "$who: counters only grew" grew_only a b
done

# ---- hostile frames and packets on every hook --------------------------------------
mac() { ip -n "$1" -j link show "$2" | jq -r '.[0].address'; }
stats a
out1=$(in_ns "$lan1" python3 "$PKT" raw eth0 "$(mac "$router" lan0)" 192.168.0.10 "$SERVER")
out2=$(in_ns "$inet" python3 "$PKT" raw eth1 "$(mac "$router" ppp0)" "$DNSS" 100.64.0.10)
out3=$(in_ns "$lan1" python3 "$PKT" raw eth0 "$(mac "$router" lan0)" 192.168.0.10 192.168.0.1)
out4=$(in_ns "$router" python3 "$PKT" local "$SERVER")
out5=$(in_ns "$router" python3 "$PKT" local 192.168.0.10)
stats b
ktap_info "LAN ingress (forwarded): $out1; uplink ingress: $out2; LAN to the router: $out3; LOCAL_OUT to the internet: $out4; to the LAN: $out5"
ktap_info "hooks: pre_routing +$(d pre_routing a b), forward +$(d forward a b), local_out +$(d local_out a b), post_routing +$(d post_routing a b); dns malformed +$(d dns_malformed a b)"
check "hostile frames reached PRE_ROUTING" test "$(d pre_routing a b)" -gt 0
check "hostile packets reached LOCAL_OUT" test "$(d local_out a b)" -gt 0
check "counters only grew" grew_only a b

# ---- oversized ---------------------------------------------------------------------------
ip -n "$lan1" link set eth0 mtu 9000
ip -n "$router" link set lan0 mtu 9000
stats a
in_ns "$lan1" python3 - "$DNSS" > "$TMP/big" 2>&1 <<'PY'
import socket, struct, sys
ok = 0
for df in (False, True):
    for n in range(5):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.setsockopt(socket.IPPROTO_IP, 10, 2 if df else 0)  # IP_MTU_DISCOVER: DO / DONT
        q = struct.pack("!HHHHHH", 0x777 + n, 0x0100, 1, 0, 0, 0) + b"\x01x\x04test\x00\x00\x01\x00\x01"
        try:
            s.sendto(q + b"\0" * 8000, (sys.argv[1], 53))
            ok += 1
        except OSError as e:
            print("send:", e)
        s.close()
print("sent", ok)
PY
stats b
ktap_info "8000-byte queries from a 9000-byte-MTU LAN: $(tail -n 1 "$TMP/big"); forward +$(d forward a b)"
check "oversized packets forwarded or refused, counters only grew" grew_only a b

# ---- still working -----------------------------------------------------------------------
check "after all that: a LAN host reaches the server" busywait 10000 ns_ping "$lan1" "$SERVER"
stats a
out=$(in_ns "$lan1" python3 "$PKT" client "$DNSS")
stats b
check "after all that: DNS replies still judged ($(d dns_replies a b))" \
	test "$(d dns_replies a b)" -eq "$(awk '{ print $2 }' <<<"$out")"
cleanup_all_ns
check "rmmod nfgate" rmmod nfgate
klog_clean "kernel log clean (no oops, WARN, KASAN)"
