#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Health-weighted per-connection uplink choice (topology: topo.sh): with
# ppp0 and wwan0 in one tier at weights 3:1, 1,000 new connections split
# 75/25 within 5 points; the health score scales the weight; a lower tier
# is only used when the better one has nothing usable; every packet of a
# connection leaves on the uplink it was given; per-host stickiness.

source "$(dirname "$0")/lib.sh"
source "$SELFTESTS_DIR/topo.sh"

require_root
require_cmd jq
[ -x "$NFGATE" ] || skip_all "no $NFGATE (make userspace)"
nfgate_use

N=${BALANCE_CONNECTIONS:-1000}

topo_setup || { ktap_fail "topology (PPPoE) came up"; exit 1; }
ppp=$(ppp0_addr)
nf set lan dev br0 subnet 192.168.0.0/22
nf set uplink ppp0 tier 0 weight 3
nf set uplink wwan0 tier 0 weight 1

# share ADDR FILE: percentage of lines of FILE that start with ADDR:
share() { awk -v a="$1" -F: '$1 == a { n++ } END { printf "%.1f", 100 * n / NR }' "$2"; }

topo_ask "$lan1" "$N" > "$TOPO/split" 2>&1
failed=$(grep -c '^FAIL' "$TOPO/split")
check "$N connections all answered ($failed failed)" test "$failed" -eq 0
p=$(share "$ppp" "$TOPO/split")
w=$(share 10.0.2.2 "$TOPO/split")
ktap_info "weights 3:1 -> ppp0 $p%, wwan0 $w% of $N"
check "3:1 split within 75% +- 5 (ppp0 $p%)" \
	awk -v p="$p" 'BEGIN { exit !(p >= 70 && p <= 80) }'
check "every connection left by one of the two uplinks" \
	awk -v p="$p" -v w="$w" 'BEGIN { exit !(p + w == 100) }'
check "flow_pinned counted every connection" \
	test "$(nf -j show | jq '.stats.flow_pinned')" -ge "$N"

# Health scales the weight: ppp0 at health 333 -> effective 0.999 ~ wwan0 1.
nf set uplink ppp0 health 333
check "effective weight = weight * health / 1000" \
	test "$(nf -j show | jq -c '[.uplinks[] | .effective_weight]')" = "[0,1]"
nf set uplink ppp0 health 1000 weight 1
nf set uplink wwan0 weight 1
topo_ask "$lan2" 200 > "$TOPO/even"
p=$(share "$ppp" "$TOPO/even")
ktap_info "weights 1:1 -> ppp0 $p% of 200"
check "1:1 split within 50% +- 12 over 200 ($p%)" \
	awk -v p="$p" 'BEGIN { exit !(p >= 38 && p <= 62) }'

# Tiers: wwan0 as backup takes nothing while ppp0 is usable.
nf set uplink wwan0 tier 1
topo_ask "$lan1" 50 > "$TOPO/tier"
check "backup tier unused while the primary is usable" \
	test "$(share "$ppp" "$TOPO/tier")" = "100.0"
nf set uplink ppp0 health 0
topo_ask "$lan1" 20 > "$TOPO/tier2"
check "health 0 on the primary: all new connections on the backup" \
	test "$(share 10.0.2.2 "$TOPO/tier2")" = "100.0"
nf set uplink ppp0 health 1000
nf set uplink wwan0 tier 0

# Every packet of a flow on one uplink: 20 long TCP flows, spread over both
# uplinks, keep getting their echoes (a packet leaving by the other uplink
# would be masqueraded differently and reset by the server).
holds=()
for i in $(seq 1 20); do
	ip netns exec "$lan1" python3 "$WHOAMI" hold "$SERVER" "$WHOAMI_PORT" 6 \
		> "$TOPO/hold.$i" 2>&1 &
	holds+=($!)
done
wait "${holds[@]}"
ok=$(grep -lx OK "$TOPO"/hold.* | wc -l)
on_ppp=$(grep -l "^$ppp:" "$TOPO"/hold.* | wc -l)
ktap_info "20 long flows: $on_ppp on ppp0, $((20 - on_ppp)) on wwan0"
check "20 long flows kept their uplink for every packet ($ok/20 clean)" \
	test "$ok" -eq 20

# Stickiness per LAN host.
nf set settings sticky 60000
topo_ask "$lan2" 40 > "$TOPO/sticky"
check "sticky: 40 connections of one host all on one uplink" \
	test "$(cut -d: -f1 "$TOPO/sticky" | sort -u | wc -l)" -eq 1
nf set settings sticky 0
