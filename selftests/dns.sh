#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The DNS reply check against an on-path injector (topology: topo.sh and
# dnstopo.sh; the baseline without nfgate is dns_inject.sh):
#
#  lan1, lan2 -- br0 [ router: nfgate ] ppp0 ==PPPoE== [ isp1: dnsinject ]
#                                                             |
#                                  [ inet: dnsmasq 198.51.100.53, +netem ]
#
# - detection matrix: one injector fingerprint per row (DNS flags, DF, IP
#   ID, IP TTL random/fixed/copied, 1-3 replies, lead 1-400 ms, answers in
#   or out of the forged set, A and AAAA, EDNS echoed or not); each row
#   reports forged answers the client took and genuine answers lost, and
#   asserts none of either for the rows a careful design catches. The
#   adversarial corner (everything copied, pool unknown) is reported as it
#   is: the forged answer gets through, the kernel reports it as LATE when
#   the genuine one follows, and once its answers are in the set it is
#   caught;
# - false positives: >= 10,000 genuine replies of every kind (EDNS, DO,
#   single A, CNAME chains, NXDOMAIN, SERVFAIL, TC=1 then TCP, fragmented,
#   duplicates, retransmits, a resolver TTL change, two NATed hosts with
#   many ports), none dropped; answers in the set from a trusted (LAN) path;
# - added latency p50/p99, mode off against mode drop, and with holding;
# - the hold table full; rmmod and namespace deletion with replies held.

source "$(dirname "$0")/lib.sh"
source "$SELFTESTS_DIR/topo.sh"
source "$SELFTESTS_DIR/dnstopo.sh"

require_root
require_cmd jq tc dnsmasq "$DNS_PY"
require_module sch_netem
[ -x "$NFGATE" ] || skip_all "no $NFGATE (make userspace)"
[ -x "$DNSINJECT" ] || skip_all "no $DNSINJECT (make -C selftests)"
nfgate_use

DELAY=$DNS_DELAY_MS
GENUINE=198.51.100.80,198.51.100.86,198.51.100.81,2001:db8:80::80
N=4		# queries per matrix row
# Hold time: the default is 300 ms; the genuine path here is 200 ms of netem
# (450 ms in one row) plus the software-emulated guest's own delays, which
# under load reach several hundred ms more. The held reply must outlive that.
HOLD_MS=1000

stat() { nf -j show stats | jq ".$1"; }
snap() { nf -j show stats > "$TOPO/snap.$1"; }
# delta A B: the DNS counters that changed between snapshots A and B
delta()
{
	jq -rn --slurpfile a "$TOPO/snap.$1" --slurpfile b "$TOPO/snap.$2" \
		'[$b[0] | to_entries[] | select(.key | startswith("dns_")) |
		  select(.value != $a[0][.key]) |
		  "\(.key | ltrimstr("dns_"))=\(.value - $a[0][.key])"] | join(" ")'
}
dnsget() { nf -j show dns | jq ".dns.$1"; }

configure()
{
	nf set lan dev br0 subnet 192.168.0.0/22 &&
	nf set uplink ppp0 tier 0 weight 1 &&
	nf set uplink wwan0 tier 1 weight 1 &&
	nf set dns mode drop hold-ms "$HOLD_MS" &&
	nf forged add 203.0.113.11 203.0.113.22 203.0.113.33 203.0.113.44 \
		2001::/32
}

topo_setup || { ktap_fail "topology (PPPoE) came up"; exit 1; }
dns_resolver_start "$DELAY" || { ktap_fail "genuine resolver started"; exit 1; }
check "nfgate: LAN, ppp0 (wwan0 backup), DNS check in drop mode, 4 pool addresses and 2001::/32 in the forged set" \
	configure

# Pools: the first half is in the set, the second half is not.
printf '%s\n' 203.0.113.11 203.0.113.22 203.0.113.33 203.0.113.44 > "$TOPO/pool-in"
printf '%s\n' 203.0.113.55 203.0.113.66 203.0.113.77 203.0.113.88 > "$TOPO/pool-out"
printf '%s\n' 203.0.113.101 203.0.113.102 > "$TOPO/pool-hold"

# The resolver's baseline: a few clean replies.
out=$(dns_query "$lan1" -n 6 --edns 1232 --expect 198.51.100.81 www.normal.test)
check "warm-up: 6 genuine replies pass ($(kv genuine "$out") of 6)" \
	test "$(kv genuine "$out")" = 6
check "the resolver has a baseline" test "$(dnsget resolvers)" -ge 1
# The genuine reply's IP TTL at the router, for the injector that copies
# it: the resolver's host answers ICMP with the same initial TTL as DNS.
GTTL=$(ip netns exec "$router" ping -c 1 -W 2 "$DNS_RESOLVER" |
	sed -n 's/.* ttl=\([0-9]*\).*/\1/p')
check "genuine path's IP TTL at the router: ${GTTL:-unknown}" test -n "$GTTL"
GTTL=${GTTL:-63}

# ---- detection matrix --------------------------------------------------------
#
# row CATCH NAME CLIENT_OPTS -- INJECT_OPTS: N queries for www.blocked.test
# from lan1 with the injector on isp1. CATCH is "caught" (assert: no forged
# answer taken, no genuine answer lost) or "corner" (reported only).
ROWS=0
CAUGHT_ROWS=0
row()
{
	local catch=$1 name=$2 copts=() iopts=() out f g t
	shift 2
	while [ $# -gt 0 ] && [ "$1" != -- ]; do copts+=("$1"); shift; done
	shift
	iopts=("$@")
	DNS_POOL=$TOPO/pool-${POOL:-out} dns_inject_start "$isp1" "${iopts[@]}" ||
		{ ktap_fail "row $name: injector started"; return; }
	snap a
	out=$(dns_query "$lan1" -n "$N" --ports "$N" --linger 400 \
		--expect "$GENUINE" "${copts[@]}" ${NAMES_ROW:-www.blocked.test})
	dns_inject_stop "$isp1"
	snap b
	f=$(kv forged "$out"); g=$(kv genuine "$out"); t=$(kv timeout "$out")
	n=$(kv sent "$out")
	ROWS=$((ROWS + 1))
	printf '# %-44s forged taken %2s/%s  genuine %2s/%s  lost %s  first p50 %s ms\n' \
		"$name" "$f" "$n" "$g" "$n" "$t" "$(kv p50_ms "$out")"
	ktap_info "    kernel: $(delta a b)"
	if [ "$catch" = caught ]; then
		CAUGHT_ROWS=$((CAUGHT_ROWS + 1))
		check "matrix: $name: caught" test "$f" = 0 -a "$g" = "$n" -a "$t" = 0
	fi
	LAST_OUT=$out
}

ktap_info "detection matrix: $N queries per row, genuine path +$DELAY ms"
ktap_info "injector default: flags 0x8180, DF clear, random IP ID and TTL, 1 reply, no OPT, answers not in the set"
E=(--edns 1232)
POOL=in row caught "answers in the set" "${E[@]}" --
row caught "answers not in the set" "${E[@]}" --
row caught "answers not in the set, plain query" --
row caught "flags 0x8400 (AA)" "${E[@]}" -- -f 0x8400
row caught "DF set, IP ID 0" "${E[@]}" -- --df --ipid 0
row caught "IP TTL fixed 64, IP ID fixed 4242" "${E[@]}" -- --ttl 64 --ipid 4242
row caught "IP TTL copied, DF set" "${E[@]}" -- --ttl "copy:$GTTL" --df
row caught "3 replies, distinct answers" "${E[@]}" -- --replies 3
row caught "lead 1 ms" "${E[@]}" -- --delay $((DELAY - 1))
row caught "EDNS echoed" "${E[@]}" -- --edns echo
row caught "AAAA in Teredo (in the set)" -t AAAA "${E[@]}" --
nf forged del 2001::/32
row caught "AAAA in Teredo, prefix not in the set" -t AAAA "${E[@]}" --
nf forged add 2001::/32
POOL=in row caught "TTL copied, DF, AA, OPT echoed, answers in the set" \
	"${E[@]}" -- --ttl "copy:$GTTL" --df -f 0x8580 --edns echo

# Lead 400 ms: more than hold time; the genuine path is slowed to 450 ms.
dns_genuine_delay 450
row caught "lead 400 ms (genuine +450 ms)" "${E[@]}" -- --delay 50
dns_genuine_delay "$DELAY"

# The router's own resolver.
DNS_POOL=$TOPO/pool-out dns_inject_start "$isp1"
out=$(dns_query "$router" -n 4 --ports 4 --linger 600 --edns 1232 \
	--expect "$GENUINE" www.blocked.test)
dns_inject_stop "$isp1"
printf '# %-44s forged taken %2s/4  genuine %2s/4\n' "router's own queries" \
	"$(kv forged "$out")" "$(kv genuine "$out")"
check "matrix: the router's own queries: caught" \
	test "$(kv forged "$out")" = 0 -a "$(kv genuine "$out")" = 4

# The adversarial corner: TTL and DF copied, AA as the resolver, OPT echoed,
# one reply, answers not in the set, 40 ms ahead (the injector itself takes
# 10-40 ms to react here): it looks like the resolver.
nf -j monitor > "$TOPO/monitor.json" 2>/dev/null &
MON=$!
at_exit "kill $MON 2>/dev/null"
late0=$(stat dns_late)
CORNER=(--ttl "copy:$GTTL" --df -f 0x8580 --edns echo --delay $((DELAY - 40)))
CNAMES="www.blocked.test one.blocked.test cn.blocked.test"
# 20 queries a name: the agent's rule learns an address reported LATE for
# two names or more, and with 8 a name one of the 4 pool addresses missed
# that in about one run in ten (the injector picks at random); with 20,
# about one in 8,000.
N=20 NAMES_ROW=$CNAMES row corner \
	"corner: everything copied, lead 40 ms" "${E[@]}" -- "${CORNER[@]}"
taken=$(kv forged "$LAST_OUT")
late=$(( $(stat dns_late) - late0 ))
ktap_info "corner: the injector wins ($taken of $(kv sent "$LAST_OUT") taken); the kernel saw a later reply contradict the first $late times (dns_late)"
check "corner: every forged answer that got through is reported LATE ($late >= $taken)" \
	test "$late" -ge "$taken"
# What the agent learns: an address reported LATE for two different names
# (an injector's pool serves every censored name; a genuine address belongs
# to its name).
learned()
{
	jq -r 'select(.event == "dns_forged" and .dns_reply.verdict == "late") |
		.dns_reply.qname as $q | .dns_reply.answers4[]? | "\(.) \($q)"' \
		"$TOPO/monitor.json" | sort -u | awk '{ n[$1]++ } END { for (a in n) if (n[a] >= 2) print a }'
}
learn=$(learned | sort | tr '\n' ' ')
check "corner: LATE reports name pool addresses for two names or more ($learn)" \
	test -n "$learn"
check "corner: no genuine address among them" \
	sh -c "! echo '$learn' | grep -qE '198\.51\.100\.(80|81|86)'"
# shellcheck disable=SC2086
nf forged add $learn
N=8 NAMES_ROW=$CNAMES row caught \
	"corner again, its answers learned" "${E[@]}" -- "${CORNER[@]}"
kill "$MON" 2>/dev/null
ktap_info "matrix: $CAUGHT_ROWS of $ROWS rows caught by design, 1 corner reported above"
ktap_info "signals fired: addr $(stat dns_sig_addr) ttl $(stat dns_sig_ttl) shape $(stat dns_sig_shape) fast $(stat dns_sig_fast) iphdr $(stat dns_sig_iphdr) disagree $(stat dns_sig_disagree)"
ktap_info "verdicts: passed $(stat dns_passed) dropped $(stat dns_dropped) held $(stat dns_held) superseded $(stat dns_superseded) expired $(stat dns_expired) late $(stat dns_late)"

ktap_info "(${SECONDS}s so far)"
# ---- false positives: genuine replies only ---------------------------------------
nf forged add 198.51.100.200	# a pool address a LAN resolver answers with
snap fp0
TOTAL=0
LOST=0
fp()
{
	local what=$1 ns=$2 out; shift 2
	snap a
	out=$(dns_query "$ns" --timeout 5000 "$@")
	snap b
	TOTAL=$((TOTAL + $(kv answered "$out")))
	LOST=$((LOST + $(kv timeout "$out")))
	printf '# %-34s sent %5s answered %5s lost %s  p50 %s ms p99 %s ms\n' "$what" \
		"$(kv sent "$out")" "$(kv answered "$out")" "$(kv timeout "$out")" \
		"$(kv p50_ms "$out")" "$(kv p99_ms "$out")"
	ktap_info "    kernel: $(delta a b)"
	[ "$(kv timeout "$out")" = 0 ] || ktap_info "  $(tail -n 1 <<<"$out")"
	FP_OUT=$out
}
NAMES=(www.normal.test one.normal.test multi.normal.test c1.normal.test
       c2.normal.test nope.test www.blocked.test)
# Two clients at once (two LAN hosts, one per guest CPU): fp2 WHAT, with
# the arguments of lan1's client in C1 and lan2's in C2.
fp2()
{
	local f out
	snap a
	dns_query "$lan1" --timeout 5000 "${C1[@]}" > "$TOPO/fp.1" &
	dns_query "$lan2" --timeout 5000 "${C2[@]}" > "$TOPO/fp.2"
	wait $!
	snap b
	for f in 1 2; do
		out=$(tail -n 1 "$TOPO/fp.$f")
		TOTAL=$((TOTAL + $(kv answered "$out")))
		LOST=$((LOST + $(kv timeout "$out")))
		printf '# %-34s sent %5s answered %5s lost %s  p50 %s ms p99 %s ms\n' \
			"$1, lan$f" "$(kv sent "$out")" "$(kv answered "$out")" \
			"$(kv timeout "$out")" "$(kv p50_ms "$out")" "$(kv p99_ms "$out")"
	done
	ktap_info "    kernel: $(delta a b)"
}
C1=(-n 500 --ports 32 --parallel 32 "${NAMES[@]}")
C2=(-n 500 --ports 64 --parallel 32 --edns 1232 "${NAMES[@]}")
fp2 "plain / EDNS, 7 kinds x 500"
C1=(-n 250 --ports 16 --parallel 32 --do www.normal.test c1.normal.test nope.test)
C2=(-n 400 --ports 16 --parallel 32 -t AAAA www.normal.test one.normal.test)
fp2 "DO x 750 / AAAA x 800"
fp "SERVFAIL x 30" "$lan2" -n 30 --parallel 10 --expect-rcode SERVFAIL a.servfail.test
fp "fragmented (TXT, EDNS 4096) x 50" "$lan1" -n 50 --parallel 16 -t TXT --edns 4096 big.normal.test
fp "TC=1 then TCP x 20" "$lan2" -n 20 --parallel 10 -t TXT --tcp big.normal.test
check "TC=1 replies passed, TCP retries answered ($(kv tcp_ok "$FP_OUT") of 20)" \
	test "$(kv tcp_ok "$FP_OUT")" = 20
fp "retransmits with the same ID x 200" "$lan1" -n 200 --parallel 32 --retransmit 80 --tries 3 www.normal.test
dns_genuine_delay "$DELAY" duplicate 50%
fp "duplicated genuine replies x 400" "$lan2" -n 400 --parallel 64 --linger 300 www.normal.test
dns_genuine_delay "$DELAY"
fp "the router's own x 500" "$router" -n 500 --ports 8 --parallel 64 --edns 1232 www.normal.test nope.test
ns_sysctl "$inet" net.ipv4.ip_default_ttl=100
fp "resolver TTL change mid-run x 300" "$lan1" -n 300 --ports 8 --parallel 32 --edns 1232 www.normal.test
H_P99=$(kv p99_ms "$FP_OUT")
ns_sysctl "$inet" net.ipv4.ip_default_ttl=64
fp "... and back x 300" "$lan1" -n 300 --ports 8 --parallel 32 --edns 1232 www.normal.test

# A pool address from a trusted path: a resolver on the LAN (lan2).
printf '198.51.100.200 pool.lan.test\n' > "$TOPO/lan-hosts"
ip netns exec "$lan2" dnsmasq -k --port=53 --listen-address=192.168.0.11 \
	--bind-interfaces --no-resolv --no-hosts --addn-hosts="$TOPO/lan-hosts" \
	--user=root --group=root --pid-file="$TOPO/lan-dnsmasq.pid" \
	> "$TOPO/lan-dnsmasq.out" 2>&1 &
at_exit "kill $!"
busywait 5000 sh -c "ip netns exec $lan2 ss -Hlun 'sport = :53' | grep -q ." > /dev/null
fp "answer in the set, LAN resolver x 100" "$lan1" -s 192.168.0.11 -n 100 --parallel 32 --expect 198.51.100.200 pool.lan.test
check "a set address from a trusted path is not dropped ($(kv genuine "$FP_OUT") of 100)" \
	test "$(kv genuine "$FP_OUT")" = 100 ||
	ktap_info "$(tail -n 2 <<<"$FP_OUT") $(cat "$TOPO/lan-dnsmasq.out")"
fp "... asked by the router x 100" "$router" -s 192.168.0.11 -n 100 --parallel 32 --expect 198.51.100.200 pool.lan.test

snap fp1
fpd() { jq -n --slurpfile a "$TOPO/snap.fp0" --slurpfile b "$TOPO/snap.fp1" "$1"; }
judged=$(fpd '$b[0].dns_replies - $a[0].dns_replies')
delivered=$(fpd '($b[0].dns_passed - $a[0].dns_passed) + ($b[0].dns_expired - $a[0].dns_expired)')
dropped=$(fpd '($b[0].dns_dropped - $a[0].dns_dropped) + ($b[0].dns_superseded - $a[0].dns_superseded) + ($b[0].dns_expired_drop - $a[0].dns_expired_drop)')
ktap_info "false positives: $TOTAL genuine replies answered; nfgate judged $judged replies, delivered $delivered (held then released: $(fpd '$b[0].dns_expired - $a[0].dns_expired')), dropped $dropped, copies of a held reply dropped $(fpd '$b[0].dns_duplicate - $a[0].dns_duplicate')"
ktap_info "queries without any answer: $LOST (no reply reached the router for them: the emulated resolver's losses, not nfgate's)"
dns_path_drops "$lan1" "$lan2" "$router" "$isp1" "$inet"
topo_uplink_info
check "false positives: >= 10000 genuine replies judged ($judged; $TOTAL answered)" \
	test "$judged" -ge 10000
check "false positives: none dropped, every reply judged was delivered ($dropped dropped, $delivered of $judged)" \
	test "$dropped" = 0 -a "$delivered" = "$judged"

ktap_info "(${SECONDS}s so far)"
# ---- latency ---------------------------------------------------------------------------
lat()
{
	local out
	out=$(dns_query "$lan1" -n 300 --ports 8 --parallel 8 --edns 1232 www.normal.test)
	echo "$(kv p50_ms "$out") $(kv p99_ms "$out")"
}
nf set dns mode off
read -r off50 off99 <<<"$(lat)"
nf set dns mode drop
read -r on50 on99 <<<"$(lat)"
ktap_info "latency of genuine replies (genuine path +$DELAY ms): mode off p50 $off50 p99 $off99 ms; mode drop p50 $on50 p99 $on99 ms; held replies (TTL change) p99 $H_P99 ms"
check "mode drop adds no holding to clean replies (p50 $on50 vs $off50 ms, within 50 ms)" \
	awk -v a="$on50" -v b="$off50" 'BEGIN { exit !(a - b < 50) }'

ktap_info "(${SECONDS}s so far)"
# ---- hold table full ------------------------------------------------------------------------
# Replies with one signal (no OPT to an EDNS query; everything else copied)
# for names the resolver never answers: held until hold time, 3 s here
# (5 s, the most, on a slow kernel).
HOLD_LONG=$(slow_ms 3000)
[ "$HOLD_LONG" -le 5000 ] || HOLD_LONG=5000
nf set dns hold-ms "$HOLD_LONG" hold-max 4 hold-per-client 2
HOLD_FP=(--ttl "copy:$GTTL" --df -f 0x8580 --edns none)
DNS_INJECT_NAMES=dead.test DNS_POOL=$TOPO/pool-hold dns_inject_start "$isp1" \
	"${HOLD_FP[@]}"
snap a
mon0=$(wc -l < "$TOPO/monitor.json")
dns_query "$lan1" -n 10 --ports 10 --timeout 500 --edns 1232 x.dead.test > /dev/null &
q1=$!
dns_query "$lan2" -n 10 --ports 10 --timeout 500 --edns 1232 x.dead.test > /dev/null &
q2=$!
# The most held at once, sampled from the clients' start until they are
# done, the module has judged the 20 forged replies, and the table is
# empty again: a hold lasts HOLD_LONG, a sample far less, even on a slow
# kernel. (One read after the clients came after the holds had expired
# there; and the replies may come after the clients gave up at 500 ms.)
replies0=$(jq .dns_replies "$TOPO/snap.a")
held=0
deadline=$(( $(date +%s%3N) + $(slow_ms 30000) ))
while :; do
	n=$(dnsget held)
	[ "$n" -gt "$held" ] && held=$n
	if ! { kill -0 $q1 || kill -0 $q2; } 2> /dev/null && [ "$n" -eq 0 ] &&
	   [ $(( $(stat dns_replies) - replies0 )) -ge 20 ]; then
		break
	fi
	[ "$(date +%s%3N)" -lt $deadline ] || break
done
wait $q1 $q2
snap b
ktap_info "    kernel: $(delta a b); injector: $(dns_inject_count "$isp1") forged"
full=$(jq -n --slurpfile a "$TOPO/snap.a" --slurpfile b "$TOPO/snap.b" \
	'$b[0].dns_hold_full - $a[0].dns_hold_full')
ktap_info "hold table (max 4, 2 per client): at most $held held at once, $full passed for want of room"
check "hold table bounded: at most 4 held, the rest passed ($held held, $full full)" \
	test "$held" -le 4 -a "$full" -ge 1
# Which clients got holds, from the kernel's report of each held reply
# when its hold ended (DNS_FORGED, verdict expired: the monitor has run
# since the corner rows; it flushes each event). The sampled peak above
# is not the evidence: on the debug kernel beside another guest it read 0
# though the kernel had held 4 replies for 5 s each (held=4 expired=4).
hold_clients()
{
	tail -n +$((mon0 + 1)) "$TOPO/monitor.json" |
		jq -r 'select(.event == "dns_forged" and
			      (.dns_reply.verdict | startswith("expired")) and
			      (.dns_reply.qname | ascii_downcase | rtrimstr(".")) == "x.dead.test") |
			.dns_reply.client' |
		sort -u | tr '\n' ' '
}
both_held() { local c; c=$(hold_clients); echo "$c"; [ "$(wc -w <<<"$c")" -ge 2 ]; }
clients=$(busywait 10000 both_held)
ktap_info "hold ended for held replies to: $clients"
check "per-client fairness: both LAN hosts got holds ($clients)" \
	sh -c "echo '$clients' | grep -q '192.168.0.10 ' && echo '$clients' | grep -q '192.168.0.11 '"

ktap_info "(${SECONDS}s so far)"
# ---- rmmod and namespace deletion with replies held -------------------------------------------
# (the hold table is full from the block above until those replies expire)
held_none() { [ "$(dnsget held)" -eq 0 ]; }
busywait 10000 held_none
snap a
# held_now: prints how many replies are held, true if any (the forged
# replies may come after the client gave up at 300 ms; each is held 3 s).
# Polled from the client's start until one is seen: the client takes
# seconds to start on a loaded host, and its 300 ms can be seconds on a
# slow kernel.
held_now() { local n; n=$(dnsget held); echo "$n"; [ "$n" -ge 1 ]; }
dns_query "$lan1" -n 2 --ports 2 --timeout 300 --edns 1232 y.dead.test > /dev/null &
q=$!
h=$(busywait 10000 held_now)
wait $q
snap b
ktap_info "    kernel: $(delta a b)"
check "replies held before rmmod ($h)" test "$h" -ge 1
check "rmmod with replies held" rmmod nfgate
check "insmod again" nfgate_load
check "reconfigure" configure
nf set dns hold-ms "$HOLD_LONG"
snap a
inj0=$(dns_inject_count "$isp1")
dns_query "$lan1" -n 4 --ports 4 --timeout 300 --edns 1232 z.dead.test > "$TOPO/z.out" &
q=$!
h=$(busywait 10000 held_now)
wait $q
snap b
# What happened, should no hold be seen: the module's counters since the
# insmod, and what the injector and the client saw.
ktap_info "    kernel: $(delta a b); injector: $(( $(dns_inject_count "$isp1") - inj0 )) forged"
ktap_info "    client: $(tail -n 1 "$TOPO/z.out")"
check "replies held before the router namespace goes ($h)" test "$h" -ge 1
dns_inject_stop
check "delete the router namespace with replies held" ip netns del "$router"
check "no device reference left: ppp0 and wwan0 gone with it" \
	busywait 10000 sh -c "! ip netns list | grep -q '^$router'"

