#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# DNS injection baseline (topology: topo.sh + dnstopo.sh), WITHOUT any
# nfgate DNS feature: the router is plain nft masquerade, nfgate.ko is not
# loaded. This is what the module's forgery filter will be judged against:
#  - the genuine resolver (dnsmasq on the internet, +NFGATE_DNS_DELAY_MS by netem,
#    200 ms by default: a trans-border RTT; the injector is ~20 ms away)
#    answers normal, CNAME, NXDOMAIN, SERVFAIL, big TXT (fragmented with
#    EDNS, TC=1 then TCP without);
#  - with dnsinject on isp1 (the censor, on ppp0's upstream), a LAN host's
#    query for a censored name gets the forged answer FIRST and the genuine
#    one later; other names are not touched; the router's own queries and
#    queries to an address with no server at all (a canary) are forged too;
#  - every fingerprint knob of dnsinject is checked on the wire at the
#    router (an AF_PACKET capture on ppp0): DNS flags and RD, DF, IP ID,
#    IP TTL (random, fixed, copied from the genuine path), 1-3 replies,
#    pool order, Teredo AAAA, no/echoed OPT, answer TTL, delay;
#  - an injector on isp2 answers for queries leaving through wwan0.
# The lead of the forged over the genuine reply is printed as "# " lines.

source "$(dirname "$0")/lib.sh"
source "$SELFTESTS_DIR/topo.sh"
source "$SELFTESTS_DIR/dnstopo.sh"

require_root
require_cmd nft tc dnsmasq "$DNS_PY"
require_module sch_netem nft_chain_nat nft_masq
[ -x "$DNSINJECT" ] || skip_all "no $DNSINJECT (make -C selftests)"

DELAY=$DNS_DELAY_MS	# the genuine path's extra delay (dnstopo.sh: 200 ms)
topo_setup || { ktap_fail "topology (PPPoE) came up"; exit 1; }
check "router: plain nft masquerade on ppp0 and wwan0 (no nfgate)" dns_router_nat
dns_resolver_start "$DELAY" || { ktap_fail "genuine resolver started"; exit 1; }
ktap_ok "genuine resolver $DNS_RESOLVER in inet, genuine path +${DELAY} ms (netem)"
dns_capture_start "$router" ppp0 ||
	{ ktap_fail "capture on the router's ppp0"; exit 1; }

GENUINE_BLOCKED=198.51.100.80,198.51.100.86,2001:db8:80::80
LINGER=1000	# ms after the first reply: the genuine one comes ~DELAY later

# The helpers below are plain bash on purpose: a process costs ~0.2 s here.

# line NAME OUTPUT: the client's line for NAME
line()
{
	local l
	while IFS= read -r l; do
		[[ $l == *" name=$1 "* ]] && { printf '%s\n' "$l"; return 0; }
	done <<<"$2"
	return 1
}

# wire NAME [forged]: the replies for NAME captured on the router's ppp0
# (only the forged ones with a second argument), in arrival order
wire()
{
	local l
	while IFS= read -r l; do
		[[ $l == *" qname=$1 qtype="* && $l == *" qr=1 "* ]] || continue
		[ $# -gt 1 ] && [[ $l != *" verdict=forged" ]] && continue
		printf '%s\n' "$l"
	done < "$DNS_CAPTURE"
}

nlines()
{
	local l n=0
	while IFS= read -r l; do
		[ -n "$l" ] && n=$((n + 1))
	done <<<"$1"
	echo "$n"
}

# values KEY LINES: KEY's value on each line
values()
{
	local l
	while IFS= read -r l; do
		[ -n "$l" ] && kv "$1" "$l"
	done <<<"$2"
}

ndistinct()
{
	local l
	local -A seen=()
	while IFS= read -r l; do
		[ -n "$l" ] && seen[$l]=1
	done <<<"$1"
	echo "${#seen[@]}"
}

# wire_n NAME N: N forged replies for NAME captured (the capture may lag)
wire_has_n() { [ "$(nlines "$(wire "$1" forged)")" -ge "$2" ]; }
wire_n() { busywait 5000 wire_has_n "$@"; }

# wire_all NAME K=V...: every forged reply for NAME has these fields;
# prints the replies (shown if the check fails)
wire_all()
{
	local name=$1 lines l f; shift
	lines=$(wire "$name" forged)
	printf '%s\n' "$lines"
	[ -n "$lines" ] || return 1
	while IFS= read -r l; do
		for f in "$@"; do
			[[ $l == *" $f "* ]] || return 1
		done
	done <<<"$lines"
}

# wire_times NAME: per query for NAME seen on ppp0, in microseconds:
# "ID FORGED GENUINE LEAD", from the query leaving to the first forged
# reply, to the first other reply, and between those two
wire_times()
{
	local l id us
	local -A q=() f=() g=()
	local ids=()
	while IFS= read -r l; do
		[[ $l == *" qname=$1 qtype="* ]] || continue
		[[ $l =~ ^t=([0-9]+)\.([0-9]{6}) ]] || continue
		us=${BASH_REMATCH[1]}${BASH_REMATCH[2]}
		[[ $l =~ \ id=(0x[0-9a-f]+)\  ]] || continue
		id=${BASH_REMATCH[1]}
		if [[ $l == *" qr=0 "* ]]; then
			[ -n "${q[$id]:-}" ] || ids+=("$id")
			q[$id]=${q[$id]:-$us}
		elif [[ $l == *" verdict=forged" ]]; then
			f[$id]=${f[$id]:-$us}
		else
			g[$id]=${g[$id]:-$us}
		fi
	done < "$DNS_CAPTURE"
	for id in "${ids[@]}"; do
		[ -n "${f[$id]:-}" ] && [ -n "${g[$id]:-}" ] || continue
		echo "$id $((f[$id] - q[$id])) $((g[$id] - q[$id])) $((g[$id] - f[$id]))"
	done
}

# p50 COLUMN TIMES: the median of a wire_times column, in ms
p50()
{
	awk -v c="$1" '{ print $c }' <<<"$2" | sort -n |
		awk '{ v[NR] = $1 } END { if (NR) printf "%.1f", v[int((NR + 1) / 2)] / 1000; else print "-" }'
}

# matches STRING REGEX
matches() { [[ $1 =~ $2 ]]; }
teredo() { [[ $1 == 2001:0:* || $1 == 2001::* ]]; }
forged_teredo_first()
{
	teredo "$(kv answers "$1")" && [ "$(kv verdict "$1")" = forged ] &&
	[ "$(kv late_genuine "$1")" = 1 ]
}
inject_count_ge() { [ "$(dns_inject_count "$1")" -ge "$2" ]; }

ms_int() { local v=${1%.*}; [[ $v =~ ^[0-9]+$ ]] && echo "$v" || echo -1; }


# ---- the genuine resolver alone --------------------------------------------------
out=$(dns_query "$lan1" --timeout "$(slow_ms 1500)" www.normal.test one.normal.test \
	multi.normal.test c1.normal.test nope.test a.servfail.test x.dead.test)
l=$(line www.normal.test "$out")
check "genuine: www.normal.test A 198.51.100.81 ($(kv answers "$l"))" \
	test "$(kv answers "$l")" = 198.51.100.81
lat=$(kv latency_ms "$l")
check "genuine path is slow: ${lat} ms >= ${DELAY} ms" \
	test "$(ms_int "$lat")" -ge "$DELAY"
check "genuine: one.normal.test, a single A" \
	test "$(kv answers "$(line one.normal.test "$out")")" = 198.51.100.82
check "genuine: multi.normal.test, three A" \
	test "$(nlines "$(kv answers "$(line multi.normal.test "$out")" | tr , '\n')")" = 3
check "genuine: c1.normal.test, a chain of 3 CNAMEs to 198.51.100.81" \
	test "$(kv answers "$(line c1.normal.test "$out")")" = \
	CNAME:c2.normal.test,CNAME:c3.normal.test,CNAME:www.normal.test,198.51.100.81
check "genuine: nope.test NXDOMAIN" \
	test "$(kv rcode "$(line nope.test "$out")")" = NXDOMAIN
check "genuine: a.servfail.test SERVFAIL" \
	test "$(kv rcode "$(line a.servfail.test "$out")")" = SERVFAIL
check "genuine: x.dead.test never answered" \
	test "$(kv verdict "$(line x.dead.test "$out")")" = timeout

out=$(dns_query "$lan1" -t TXT --edns 4096 big.normal.test)
check "big TXT with EDNS 4096: one UDP reply, 8 TXT, no TC" \
	test "$(kv answers "$out")" = "$(echo TXT:201{,,,,,,,} | tr ' ' ,)" -a "$(kv tc "$out")" = 0
frag=$(wire big.normal.test | grep ' frag=first ' | head -n 1)
check "... fragmented on ppp0 (first fragment $(kv len "$frag") bytes)" test -n "$frag"
out=$(dns_query "$lan1" -t TXT --tcp big.normal.test)
check "big TXT without EDNS: TC=1, then complete over TCP" \
	test "$(kv tc "$out")" = 1 -a "$(kv tcp "$out")" = ok -a \
	"$(kv answers "$out")" = "$(echo TXT:201{,,,,,,,} | tr ' ' ,)"

# ---- the censor on isp1: default fingerprint -----------------------------------
check "dnsinject on isp1 (eth1, default fingerprint)" dns_inject_start "$isp1"

out=$(dns_query "$lan1" -n 12 --ports 4 --linger $LINGER \
	--expect "$GENUINE_BLOCKED" www.blocked.test)
ktap_info "lan1, 12 queries for www.blocked.test: $(tail -n 1 <<<"$out")"
check "LAN client: the forged answer comes first ($(kv forged "$out") of 12)" \
	test "$(kv forged "$out")" = 12
check "LAN client: the genuine reply arrives later ($(kv late_genuine "$out") of 12)" \
	test "$(kv late_genuine "$out")" = 12
LEAD=$(kv lead_p50_ms "$out")
ktap_info "lead of forged over genuine at lan1: p50 $LEAD ms (min $(kv lead_min_ms "$out"), max $(kv lead_max_ms "$out")); netem $DELAY ms"
ktap_info "first reply (the forged one) at lan1: p50 $(kv p50_ms "$out") ms, p99 $(kv p99_ms "$out") ms"
wire_n www.blocked.test 12 > /dev/null
times=$(wire_times www.blocked.test)
ktap_info "at the router's ppp0 ($(nlines "$times") queries): query -> forged p50 $(p50 2 "$times") ms, query -> genuine p50 $(p50 3 "$times") ms, lead p50 $(p50 4 "$times") ms"
REACT=$(p50 2 "$times")

n0=$(dns_inject_count "$isp1")
out=$(dns_query "$lan1" -n 4 --linger $((DELAY * 3)) --expect 198.51.100.81 www.normal.test)
check "a name not censored: only the genuine answer ($(kv genuine "$out") of 4, second=$(kv second "$out"))" \
	test "$(kv genuine "$out")" = 4 -a "$(kv second "$out")" = 0
check "... and the injector forged nothing for it" test "$(dns_inject_count "$isp1")" = "$n0"

out=$(dns_query "$router" --linger $LINGER --expect "$GENUINE_BLOCKED" www.blocked.test)
check "the router's own query is forged too, genuine later ($(kv verdict "$out"), $(kv later "$out"))" \
	test "$(kv forged "$out")" = 1 -a "$(kv late_genuine "$out")" = 1

out=$(dns_query "$lan1" -s "$DNS_CANARY" --timeout "$(slow_ms 1000)" canary.blocked.test www.normal.test)
check "canary: a censored name queried at $DNS_CANARY (no server) gets a forged answer" \
	test "$(kv verdict "$(line canary.blocked.test "$out")")" = forged
check "canary: a normal name there gets nothing" \
	test "$(kv verdict "$(line www.normal.test "$out")")" = timeout

out=$(dns_query "$lan1" -t AAAA --linger $LINGER --expect "$GENUINE_BLOCKED" www.blocked.test)
check "AAAA: forged answer in Teredo 2001::/32 first ($(kv answers "$out")), genuine later ($(kv later "$out"))" \
	forged_teredo_first "$out"

# The default fingerprint on the wire (the replies the router gets on ppp0).
dns_query "$lan1" --edns 1232 -n 6 --ports 6 fp0.blocked.test > /dev/null
wire_n fp0.blocked.test 6 > /dev/null
check "wire, default: flags 0x8180, DF clear, lone answer (an=1 ns=0 ar=0), no OPT although the query had one, answer TTL 60" \
	wire_all fp0.blocked.test flags=0x8180 df=0 an=1 ns=0 ar=0 opt=0 attl=60
fp=$(wire fp0.blocked.test forged)
ttls=$(ndistinct "$(values ttl "$fp")")
nids=$(ndistinct "$(values ipid "$fp")")
check "wire, default: random IP TTL and ID ($ttls TTLs, $nids IDs in $(nlines "$fp") replies)" \
	test "$ttls" -ge 3 -a "$nids" -ge 5
g=$(wire www.blocked.test | grep -v 'verdict=forged$' | grep ' qtype=A ' | head -n 1)
GTTL=$(kv ttl "$g")
ktap_info "genuine reply on ppp0: ttl=$GTTL ipid=$(kv ipid "$g") df=$(kv df "$g") flags=$(kv flags "$g") an=$(kv an "$g") ar=$(kv ar "$g")"
check "the genuine reply differs on the wire: TTL $GTTL, AA set ($(kv flags "$g"))" \
	test -n "$GTTL" -a "$(kv flags "$g")" = 0x8580

# ---- fingerprint variants ---------------------------------------------------------
dns_inject_start "$isp1" --df --ipid 0 --ttl "copy:$GTTL" -f 0x8400
dns_query "$lan1" fp1.blocked.test > /dev/null
wire_n fp1.blocked.test 1 > /dev/null
check "wire: --df --ipid 0 --ttl copy:$GTTL -f 0x8400: DF, ID 0, the genuine TTL, AA + RD from the query (0x8500)" \
	wire_all fp1.blocked.test df=1 ipid=0 "ttl=$GTTL" flags=0x8500

dns_inject_start "$isp1" --ipid 4242 --ttl 200 --replies 3 --pick rr
out=$(dns_query "$lan1" --no-rd --linger $LINGER fp2.blocked.test)
wire_n fp2.blocked.test 3 > /dev/null
fp=$(wire fp2.blocked.test forged)
check "wire: --replies 3 --pick rr: three replies, pool order ($(values answers "$fp" | tr '\n' ' '))" \
	test "$(values answers "$fp" | tr '\n' ' ')" = "203.0.113.11 203.0.113.22 203.0.113.33 "
check "wire: --ipid 4242 --ttl 200 on each; RD clear in the query: flags 0x8080" \
	wire_all fp2.blocked.test ipid=4242 ttl=200 df=0 flags=0x8080
check "client: first reply forged, then 2 forged and the genuine one ($(kv later "$out"))" \
	matches "$(kv later "$out")" '^forged@[0-9.]+,forged@[0-9.]+,genuine@'

dns_inject_start "$isp1" --replies 2 --same --edns echo --answer-ttl 123
dns_query "$lan1" --edns 1232 fp3.blocked.test > /dev/null
dns_query "$lan1" fp3n.blocked.test > /dev/null
wire_n fp3n.blocked.test 2 > /dev/null
check "wire: --same: both replies carry the same answer" \
	test "$(ndistinct "$(values answers "$(wire fp3.blocked.test forged)")")" = 1
check "wire: --edns echo: OPT when the query had one; answer TTL 123" \
	wire_all fp3.blocked.test opt=1 ar=1 attl=123
check "wire: --edns echo: no OPT when the query had none" \
	wire_all fp3n.blocked.test opt=0 ar=0

D=$((DELAY / 4))	# keep a margin: TCG under load can add 100 ms anywhere
dns_inject_start "$isp1" --delay $D
out=$(dns_query "$lan1" -n 6 --ports 3 --linger $LINGER delay.blocked.test)
wire_n delay.blocked.test 6 > /dev/null
times=$(wire_times delay.blocked.test)
min_react=$(awk 'NR == 1 || $2 < m { m = $2 } END { print int(m / 1000) }' <<<"$times")
ktap_info "with --delay $D: query -> forged at ppp0 p50 $(p50 2 "$times") ms (was $REACT), lead p50 $(p50 4 "$times") ms at ppp0, $(kv lead_p50_ms "$out") ms at lan1 (was $LEAD)"
check "--delay $D: no forged reply before $D ms (min $min_react ms), still first ($(kv forged "$out") of 6)" \
	test "$min_react" -ge "$D" -a "$(kv forged "$out")" = 6
dns_inject_stop "$isp1"

# ---- the other uplink: an injector at isp2, queries through wwan0 ----------------------
check "dnsinject on isp2 (AA, DF, TTL 99)" dns_inject_start "$isp2" -f 0x8400 --ttl 99 --df
out=$(dns_query "$router" --dev wwan0 --linger $LINGER --expect "$GENUINE_BLOCKED" www.blocked.test)
check "through wwan0: forged by isp2's injector first (flags $(kv flags "$out")), genuine later" \
	test "$(kv forged "$out")" = 1 -a "$(kv flags "$out")" = 0x8500 -a "$(kv late_genuine "$out")" = 1
check "... logged once by isp2's injector" test "$(dns_inject_count "$isp2")" = 1
dns_inject_stop "$isp2"

# ---- many clients at once ---------------------------------------------------------------
# 60 queries at once keep the emulated CPUs busy: give the race a margin
# (the genuine path +3 x DELAY) so that it measures the injector, not TCG.
dns_genuine_delay $((DELAY * 3))
dns_inject_start "$isp1" --replies 2
dns_query "$lan2" -n 20 --ports 10 --linger $((LINGER * 2)) --timeout "$(slow_ms 4000)" \
	--expect "$GENUINE_BLOCKED" -q www.blocked.test > "$TOPO/lan2.out" &
lan2_pid=$!
out=$(dns_query "$lan1" -n 20 --ports 10 --linger $((LINGER * 2)) --timeout "$(slow_ms 4000)" \
	--expect "$GENUINE_BLOCKED" -q www.blocked.test one.blocked.test)
wait "$lan2_pid"
out2=$(<"$TOPO/lan2.out")
ktap_info "lan1: $out"
ktap_info "lan2: $out2"
dns_path_drops "$lan1" "$lan2" "$router" "$isp1"
topo_uplink_info
check "60 concurrent queries from 2 hosts, 20 ports (genuine +$((DELAY * 3)) ms): all forged first, genuine later" \
	test "$(kv forged "$out")" = 40 -a "$(kv forged "$out2")" = 20 -a \
	"$(kv late_genuine "$out")" = 40 -a "$(kv late_genuine "$out2")" = 20
busywait 3000 inject_count_ge "$isp1" 120 > /dev/null
check "... 2 forged replies each: the injector logged $(dns_inject_count "$isp1") (120)" \
	test "$(dns_inject_count "$isp1")" = 120
dns_genuine_delay "$DELAY"
dns_inject_stop
dns_capture_stop
