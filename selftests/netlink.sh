#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The generic netlink family, end to end: what is set is what is read back,
# state follows the devices, every malformed request is refused with an
# extack message and changes nothing, unprivileged callers get EPERM, events
# reach `nfgate monitor`, and namespaces do not see each other's config.
#
#   [ r ]  br0 (bridge)  ppp0, wwan0 (dummy devices standing in for uplinks)
#   [ other ]            an unconfigured namespace

source "$(dirname "$0")/lib.sh"

require_root
require_cmd ip jq python3 setpriv unshare
require_module dummy bridge nf_conntrack nf_nat
NFGATE=$SELFTESTS_DIR/../userspace/nfgate
[ -x "$NFGATE" ] || skip_all "no $NFGATE (make userspace)"
nfgate_use

setup_ns r other || exit 1
TMP=$(mktemp -d)
at_exit rm -rf "$TMP"

nf() { in_ns "$r" "$NFGATE" "$@"; }
# jeq FILTER EXPECTED: `nfgate -j show` filtered by jq equals EXPECTED.
jeq()
{
	local got
	got=$(nf -j show | jq -c "$1") || return 1
	[ "$got" = "$2" ] || { echo "$1: got $got, want $2"; return 1; }
}

in_ns "$r" ip link add br0 type bridge
in_ns "$r" ip link set br0 up
br0_ifindex=$(in_ns "$r" cat /sys/class/net/br0/ifindex)

# ---- set then get ----------------------------------------------------------
check "set lan" nf set lan dev br0 subnet 192.168.0.0/22
check "lan reads back as set" \
	jeq '.lan | [.ifname, .ifindex, .subnet]' \
	"[\"br0\",$br0_ifindex,\"192.168.0.0/22\"]"

check "set uplink ppp0 (device absent)" \
	nf set uplink ppp0 tier 0 weight 3 health 700 admin up
check "set uplink wwan0 (device absent)" \
	nf set uplink wwan0 tier 1 weight 1
check "uplinks read back as set" \
	jeq '[.uplinks[] | [.ifname, .tier, .weight, .health, .admin, .oper, .ifindex, .effective_weight]]' \
	'[["ppp0",0,3,700,"up","absent",0,0],["wwan0",1,1,1000,"up","absent",0,0]]'

# The uplinks follow their devices: appear, get an address, go down, vanish.
in_ns "$r" ip link add wwan0 type dummy
in_ns "$r" ip addr add 10.0.2.2/24 dev wwan0
in_ns "$r" ip link set wwan0 up
wwan0_ifindex=$(in_ns "$r" cat /sys/class/net/wwan0/ifindex)
check "wwan0 is up with its address and ifindex" \
	jeq '.uplinks[1] | [.oper, .address, .ifindex, .effective_weight]' \
	"[\"up\",\"10.0.2.2\",$wwan0_ifindex,1]"
in_ns "$r" ip link set wwan0 down
check "wwan0 down: oper down, effective weight 0" \
	jeq '.uplinks[1] | [.oper, .effective_weight]' '["down",0]'
in_ns "$r" ip link set wwan0 up
in_ns "$r" ip link add ppp0 type dummy
in_ns "$r" ip addr add 100.64.0.10/32 dev ppp0
in_ns "$r" ip link set ppp0 up
check "ppp0 effective weight is weight * health / 1000" \
	jeq '.uplinks[0] | [.oper, .effective_weight]' '["up",2]'
check "admin down takes ppp0 out" nf set uplink ppp0 admin down
check "admin down: effective weight 0, other attributes kept" \
	jeq '.uplinks[0] | [.admin, .effective_weight, .weight, .health, .tier]' \
	'["down",0,3,700,0]'
nf set uplink ppp0 admin up

# ppp0 re-dials: a new device with a new ifindex and a new address.
old=$(in_ns "$r" cat /sys/class/net/ppp0/ifindex)
in_ns "$r" ip link del ppp0
check "ppp0 deleted: absent, address cleared" \
	jeq '.uplinks[0] | [.oper, .ifindex, .address]' '["absent",0,null]'
in_ns "$r" ip link add ppp0 type dummy
in_ns "$r" ip addr add 100.64.0.77/32 dev ppp0
in_ns "$r" ip link set ppp0 up
new=$(in_ns "$r" cat /sys/class/net/ppp0/ifindex)
check "ppp0 re-created: new ifindex ($old -> $new) and address followed" \
	jeq '.uplinks[0] | [.oper, .ifindex, .address]' "[\"up\",$new,\"100.64.0.77\"]"

check "del uplink wwan0" nf del uplink wwan0
check "wwan0 gone, ppp0 kept" jeq '[.uplinks[].ifname]' '["ppp0"]'

# ---- malformed requests ----------------------------------------------------
while read -r verdict rest; do
	if [ "$verdict" = PASS ]; then
		ktap_ok "malformed: $rest"
	else
		ktap_fail "malformed: $rest"
	fi
done < <(in_ns "$r" python3 "$SELFTESTS_DIR/nlcheck.py" malformed 2>&1 ||
	 echo "FAIL nlcheck.py exited with an error")
check "configuration unchanged by refused requests" \
	jeq '[.lan.subnet, [.uplinks[] | [.ifname, .weight, .health]]]' \
	'["192.168.0.0/22",[["ppp0",3,700]]]'

# The CLI shows the kernel's extack text.
nf del uplink nosuch0 > "$TMP/err" 2>&1
rc=$?
check "CLI exits 1 on a kernel error" test $rc -eq 1
check "CLI shows the kernel's extack message" \
	grep -q "no uplink with this name" "$TMP/err"

# ---- permissions -----------------------------------------------------------
# Something for every state-changing command to change if it were allowed.
nf set forward tcp 2222 to 192.168.0.10:22
nf forged add 1.2.3.4
# The whole configuration and state but the counters and the clock
# (usable follows the clock too: the hold-down after an uplink comes up).
snapshot()
{
	nf -j show | jq -c 'del(.stats, .uplinks[].changed_ago_ms,
				.uplinks[].health_since_ago_ms, .uplinks[].usable)'
	nf forged
}
before=$(snapshot)

unpriv() { in_ns "$r" setpriv --reuid=65534 --regid=65534 --clear-groups \
	--inh-caps=-all --bounding-set=-all "$@"; }
check "unprivileged user can read" unpriv "$NFGATE" show
unpriv "$NFGATE" set uplink ppp0 weight 1 > "$TMP/err" 2>&1
check "unprivileged set uplink: EPERM" grep -qi "permission denied" "$TMP/err"
unpriv "$NFGATE" set lan dev br0 subnet 10.0.0.0/8 > "$TMP/err" 2>&1
check "unprivileged set lan: EPERM" grep -qi "permission denied" "$TMP/err"
unpriv "$NFGATE" del uplink ppp0 > "$TMP/err" 2>&1
check "unprivileged del uplink: EPERM" grep -qi "permission denied" "$TMP/err"
# Root of a new user namespace holds no capability over this network
# namespace, which the initial user namespace owns.
in_ns "$r" unshare -U -r "$NFGATE" set uplink ppp0 weight 1 > "$TMP/err" 2>&1
check "set from an unprivileged user namespace: EPERM" \
	grep -qi "permission denied" "$TMP/err"

# Every state-changing command of the header, raw (nlcheck.py eperm), from
# three callers without CAP_NET_ADMIN over this namespace: an unprivileged
# user, root without the capability, root of a new user namespace.
eperm_sweep()
{
	local who=$1; shift
	local verdict rest
	while read -r verdict rest; do
		case $verdict in
		PASS)	ktap_ok "$who: $rest" ;;
		INFO)	ktap_info "$who: $rest" ;;
		*)	ktap_fail "$who: $rest" ;;
		esac
	done < <("$@" python3 "$SELFTESTS_DIR/nlcheck.py" eperm 2>&1 ||
		 echo "FAIL nlcheck.py eperm exited with an error")
}
eperm_sweep "unprivileged user" unpriv
eperm_sweep "root without CAP_NET_ADMIN" in_ns "$r" setpriv \
	--inh-caps=-net_admin --bounding-set=-net_admin
eperm_sweep "user namespace root" in_ns "$r" unshare -U -r
check "nothing changed by refused callers" test "$(snapshot)" = "$before"
# In a network namespace of its own, the same user namespace root may
# configure nfgate (GENL_UNS_ADMIN_PERM), and only there.
check "user namespace root configures its own network namespace" \
	setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
	unshare -U -r -n sh -c "ip link add br9 type dummy &&
		'$NFGATE' set lan dev br9 subnet 10.9.0.0/16 &&
		'$NFGATE' -j show lan | grep -q 10.9.0.0/16"
check "... which leaves this namespace alone" test "$(snapshot)" = "$before"
nf del forward tcp 2222
nf forged flush
check "nothing changed by refused callers" \
	jeq '[.lan.subnet, [.uplinks[] | [.ifname, .weight]]]' \
	'["192.168.0.0/22",[["ppp0",3]]]'

# ---- events ----------------------------------------------------------------
nf -j monitor > "$TMP/events" 2>&1 &
mon=$!
at_exit "kill $mon"
# The monitor subscribes asynchronously: poke until it sees an event.
# Each poke really changes the weight (a set that changes nothing sends no
# event); busywait runs it in a subshell, so no counter: the clock.
poke() { nf set uplink ppp0 weight $(( $(date +%s%N) % 997 + 1 )) &&
	 grep -q '"uplink_change"' "$TMP/events"; }
check "monitor sees uplink_change" busywait 10000 poke
nf set uplink lte0 tier 2
in_ns "$r" ip link add lte0 type dummy
in_ns "$r" ip addr add 10.9.9.9/32 dev lte0
in_ns "$r" ip link set lte0 up
nf del uplink lte0
# lte0: created (absent -> down), then up (down -> up), then deleted.
check "monitor sees uplink_new, uplink_state (down, up) and uplink_del in order" \
	busywait 5000 sh -c "jq -r 'select(.uplink.ifname == \"lte0\" and (.event | test(\"uplink_(new|state|del)\"))) | .event + \":\" + .uplink.oper' '$TMP/events' | tr '\n' ' ' | grep -qx 'uplink_new:absent uplink_state:down uplink_state:up uplink_del:up '"
check "events carry the object" \
	sh -c "jq -r 'select(.event == \"uplink_state\") | .uplink.ifname + \" \" + .uplink.oper' '$TMP/events' | grep -qx 'lte0 up'"

g1=$(nf -j show | jq .generation)
nf set uplink ppp0 tier 0 admin up
check "a set that changes nothing keeps the generation" \
	test "$(nf -j show | jq .generation)" = "$g1"

# ---- namespaces are separate -------------------------------------------------
check "another namespace sees no LAN and no uplinks" \
	sh -c "ip netns exec '$other' '$NFGATE' -j show | jq -e '.lan == null and (.uplinks | length) == 0'"
check "del lan" nf del lan
check "lan gone" jeq '.lan' 'null'
