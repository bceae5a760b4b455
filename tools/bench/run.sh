#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The guest side of `make bench`: tools/bench/bench.sh boots the VM and runs
# this as its job (it needs nfgate.ko, so never on the host).
#
#   run.sh OUTDIR ANCHOR_NFT ROUNDS SECONDS
#
# Three copies of one topology, one per router configuration, so that
# switching configurations costs nothing and leaves nothing behind (each
# router keeps its own ruleset, conntrack table and module configuration):
#
#   lan-X                 rtr-X                        inet-X
#   eth0 192.168.0.10 --- lan0 192.168.0.1
#                         wan0 10.1.0.2/24 ----------- eth1 10.1.0.1/24
#                         wan1 10.2.0.2/24 ----------- eth2 10.2.0.1/24
#                                                      srv0 198.51.100.10:
#                                                        iperf3, TCP 7001,
#                                                        UDP 9 (dropped)
#                                                      198.51.100.53 DNS
#                                                      198.51.100.54 forged DNS
#                                                      9.9.9.9 "foreign"
#
# X is a (the limit), b (the anchor) or c (nfgate). All links are veth.
# inet-X is both uplinks' far end (the two ISPs and the internet in one):
# the router is the only hop that forwards, so its cost is not diluted by
# other hops, and one server behind both uplinks serves every connection
# whichever uplink it takes (iperf3's control and data connections may take
# different ones). inet-X has no route to the LAN: without NAT nothing gets
# through. Both uplinks hold a default route in the router's main table
# (wan0 metric 100, wan1 metric 200).
#
# Each workload is a function wl_NAME CONF that prints one number; each
# configuration a function conf_X. ROUNDS rounds, each measuring every
# workload on a, b and c in turn (the order rotates by round), SECONDS per
# measurement. Results: OUTDIR/raw.tsv (round, workload, conf, value),
# OUTDIR/meta.tsv (what each configuration does, what was not measured and
# why, checks); tools/bench/report.sh makes the table.

set -u

OUT=$1
ANCHOR_NFT=$2
ROUNDS=$3
SECS=$4

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$BENCH_DIR/../.." && pwd)
NGBENCH=$BENCH_DIR/ngbench
NFGATE=$REPO/userspace/nfgate
NFGATE_KO=$REPO/nfgate.ko
LIMIT_NFT=$BENCH_DIR/limit.nft

CONFS="a b c"
WORKLOADS="tput udp64 conn redir dns"

SERVER=198.51.100.10		# in the bypass set: "domestic", forwarded
DNS_SERVER=198.51.100.53
FORGED_DNS=198.51.100.54
# Outside the bypass set and outside the IANA special-purpose ranges
# (nfgate's bypass list holds those too: a TEST-NET address would go
# direct): TCP to it is redirected.
FOREIGN=9.9.9.9
FORGED_LIST=$REPO/data/forged.txt	# c's forged set: 486 addresses
CONN_PORT=7001
REDIR_PORT=12345		# b's redirect, c's tunnel server's ss-redir port
TUNNEL_SERVER=198.51.100.21	# c's shadowsocks server (nothing listens)
TUNNEL_SET=$BENCH_DIR/tunnel-set.py
# gen-anchor.py's 8,000 prefixes: b's bypass set, c's bypass list.
BYPASS_LIST=$(dirname "$ANCHOR_NFT")/bypass.txt

# What each configuration does; a feature the module lacks would be left
# out of (c)'s, and the workloads that need it not measured there.
declare -A FEATURES=(
	[a]="conntrack masquerade"
	[b]="conntrack masquerade balance bypass redirect dnscheck"
	[c]="conntrack masquerade balance bypass redirect dnscheck"
)

# The features a workload needs beyond forwarding, in b and c. (a) is the
# limit and does the plain job: it forwards DNS replies unchecked, but has
# no redirect at all.
declare -A NEEDS=(
	[redir]="bypass redirect"
	[dns]="dnscheck"
)

PIDS=()

log() { echo "# $*"; }
meta() { local IFS=$'\t'; echo "$*" >> "$OUT/meta.tsv"; }
die() { echo "bench: error: $*"; meta error "$*"; exit 1; }
ns() { local n=$1; shift; ip netns exec "$n" "$@"; }

# bg NS CMD...: a server in the background, killed at exit.
bg() { local n=$1; shift; ip netns exec "$n" "$@" & PIDS+=($!); }

cleanup()
{
	local p x
	for p in "${PIDS[@]}"; do
		kill "$p" 2>/dev/null
	done
	wait 2>/dev/null
	for x in $CONFS; do
		for p in lan rtr inet; do
			ip netns del "$p-$x" 2>/dev/null
		done
	done
	[ -d /sys/module/nfgate ] && rmmod nfgate
}
trap cleanup EXIT

has() { [[ " ${FEATURES[$1]} " == *" $2 "* ]]; }

# ---- topology ----------------------------------------------------------------

# Every exec costs up to a second under TCG: one "ip -batch" per namespace.
topo_make() # X
{
	local x=$1 n a
	for n in lan rtr inet; do
		ip netns add "$n-$x" || return 1
		# No IPv6 chatter on the links: the uplinks' packet counters
		# are part of the measurements.
		ns "$n-$x" sysctl -qw net.ipv4.conf.all.rp_filter=0 \
			net.ipv4.conf.default.rp_filter=0 \
			net.ipv6.conf.all.disable_ipv6=1 \
			net.ipv6.conf.default.disable_ipv6=1
	done
	ip -batch - <<-EOF || return 1
	link add eth0 netns lan-$x type veth peer name lan0 netns rtr-$x
	link add wan0 netns rtr-$x type veth peer name eth1 netns inet-$x
	link add wan1 netns rtr-$x type veth peer name eth2 netns inet-$x
	EOF
	ip -n "lan-$x" -batch - <<-EOF || return 1
	link set lo up
	link set eth0 up
	addr add 192.168.0.10/24 dev eth0
	route add default via 192.168.0.1
	EOF
	ip -n "rtr-$x" -batch - <<-EOF || return 1
	link set lo up
	link set lan0 up
	link set wan0 up
	link set wan1 up
	addr add 192.168.0.1/24 dev lan0
	addr add 10.1.0.2/24 dev wan0
	addr add 10.2.0.2/24 dev wan1
	route add default via 10.1.0.1 metric 100
	route add default via 10.2.0.1 metric 200
	EOF
	{
		echo "link set lo up"
		echo "link set eth1 up"
		echo "link set eth2 up"
		echo "addr add 10.1.0.1/24 dev eth1"
		echo "addr add 10.2.0.1/24 dev eth2"
		echo "link add srv0 type dummy"
		echo "link set srv0 up"
		for a in $SERVER $DNS_SERVER $FORGED_DNS $FOREIGN; do
			echo "addr add $a/32 dev srv0"
		done
	} | ip -n "inet-$x" -batch - || return 1
	# Many short connections: every local port, reused soon.
	ns "lan-$x" sysctl -qw net.ipv4.ip_local_port_range="1024 65535" \
		net.ipv4.tcp_tw_reuse=1
	ns "rtr-$x" sysctl -qw net.ipv4.ip_forward=1 net.core.somaxconn=4096
	ns "inet-$x" sysctl -qw net.core.somaxconn=4096 \
		net.ipv4.tcp_max_syn_backlog=4096 \
		net.ipv4.tcp_max_tw_buckets=262144
	# The small packets end at the server's ingress, cheaply.
	ns "inet-$x" nft -f - <<-EOF || return 1
	table netdev sink {
		chain in1 {
			type filter hook ingress device eth1 priority 0;
			udp dport 9 drop
		}
		chain in2 {
			type filter hook ingress device eth2 priority 0;
			udp dport 9 drop
		}
	}
	EOF
}

servers_start() # X
{
	local x=$1
	bg "inet-$x" iperf3 -s -B "$SERVER" > /dev/null 2>&1
	bg "inet-$x" "$NGBENCH" tcp-accept "$SERVER" $CONN_PORT > /dev/null
	bg "inet-$x" "$NGBENCH" dns-serve "$DNS_SERVER" > /dev/null
	bg "inet-$x" "$NGBENCH" dns-serve "$FORGED_DNS" forged > /dev/null
}

# ---- configurations ----------------------------------------------------------

conf_a()
{
	ns rtr-a nft -f "$LIMIT_NFT"
}

conf_b()
{
	local t
	ns rtr-b nft -f "$ANCHOR_NFT" || return 1
	# mwan3: an interface's table holds its default route and a copy of
	# the main table's other routes.
	for t in 1 2; do
		echo "route add default via 10.$t.0.1 table $t"
		echo "route add 192.168.0.0/24 dev lan0 table $t"
		echo "route add 10.1.0.0/24 dev wan0 table $t"
		echo "route add 10.2.0.0/24 dev wan1 table $t"
	done | ip -n rtr-b -batch - || return 1
	ip -n rtr-b -batch - <<-EOF
	rule add pref 1001 iif wan0 lookup 1
	rule add pref 1002 iif wan1 lookup 2
	rule add pref 2001 fwmark 0x100/0x3f00 lookup 1
	rule add pref 2002 fwmark 0x200/0x3f00 lookup 2
	EOF
}

# The DNS reply check in drop mode with the shipped forged set (486
# addresses; b's rules know 35): a reply from an uplink is judged against
# its query, seen leaving through FORWARD.
#
# The shadowsocks tunnel as nfgated pushes it with one server up (pushed
# here by tunnel-set.py: no agent, no ss-redir), with b's 8,000 bypass
# prefixes: new LAN TCP connections to anywhere else are redirected to
# the server's ss-redir port, REDIR_PORT, where wl_redir's listener takes
# them as b's redirect sends them there. TCP only, as b's.
conf_c()
{
	local nf=(ip netns exec rtr-c "$NFGATE")
	"${nf[@]}" set lan dev lan0 subnet 192.168.0.0/24 &&
	"${nf[@]}" set uplink wan0 weight 3 &&
	"${nf[@]}" set uplink wan1 weight 1 &&
	"${nf[@]}" set dns mode drop &&
	"${nf[@]}" forged load "$FORGED_LIST" > /dev/null &&
	ns rtr-c python3 "$TUNNEL_SET" $TUNNEL_SERVER $REDIR_PORT &&
	"${nf[@]}" tunnel load bypass "$BYPASS_LIST" > /dev/null
}

# ---- measurements ------------------------------------------------------------

# Packets sent by each uplink so far: "WAN0 WAN1".
uplink_tx() # X
{
	ns "rtr-$1" cat /proc/net/dev | awk '
		$1 == "wan0:" { a = $11 } $1 == "wan1:" { b = $11 }
		END { print a + 0, b + 0 }'
}

# field KEY: the value after KEY in "key value ..." lines on stdin.
field() { awk -v k="$1" '{ for (i = 1; i < NF; i++) if ($i == k) print $(i + 1) }'; }

# TCP throughput, one iperf3 stream, Mbit/s at the receiver.
wl_tput()
{
	ns "lan-$1" iperf3 -c "$SERVER" -t "$SECS" -J 2>/dev/null |
		jq -r '.end.sum_received.bits_per_second / 1e6 // empty' 2>/dev/null |
		awk '{ printf "%.1f\n", $1 }'
}

# UDP packets of 64-byte frames forwarded by the router, in kpps.
wl_udp64()
{
	local before after secs
	before=$(uplink_tx "$1")
	secs=$(ns "lan-$1" "$NGBENCH" udp-send "$SERVER" 9 "$SECS" 16 | field seconds)
	after=$(uplink_tx "$1")
	awk -v b="$before" -v a="$after" -v s="$secs" 'BEGIN {
		split(b, x, " "); split(a, y, " ")
		if (s > 0)
			printf "%.2f\n", (y[1] + y[2] - x[1] - x[2]) / s / 1000 }'
}

# New TCP connections per second to a server behind the uplinks. Also notes
# the share of packets (so of connections) that left by wan0.
wl_conn()
{
	local before after out
	before=$(uplink_tx "$1")
	out=$(ns "lan-$1" "$NGBENCH" tcp-conn "$SERVER" $CONN_PORT "$SECS" 8)
	after=$(uplink_tx "$1")
	meta wan0_share "$1" "$(awk -v b="$before" -v a="$after" 'BEGIN {
		split(b, x, " "); split(a, y, " ")
		n0 = y[1] - x[1]; n1 = y[2] - x[2]
		if (n0 + n1) printf "%.1f", 100 * n0 / (n0 + n1) }')"
	awk '{ printf "%.0f\n", $2 / $4 }' <<<"$out"
}

# Connections nfgate in X has redirected into the tunnel so far.
tunnel_tcp()
{
	ns "rtr-$1" "$NFGATE" -j show tunnel | jq -r '.stats.tunnel_tcp'
}

# New TCP connections per second to a destination outside the bypass set:
# redirected to a listener on the router, which reads every connection's
# original destination back, as a transparent proxy must. Nothing if a
# connection got there with another original destination, or none did.
# In c, a measurement (not a check) notes how many connections the module
# redirected and the listener accepted (meta tunnel c REDIRECTED ACCEPTED).
wl_redir() # X [check]
{
	local x=$1 pid out res i before=''
	[ "$x" = c ] && [ -z "${2:-}" ] && before=$(tunnel_tcp "$x")
	out=$(mktemp)
	# Not through ns(): $! must be the listener itself.
	ip netns exec "rtr-$x" "$NGBENCH" tcp-accept 0.0.0.0 $REDIR_PORT \
		"$FOREIGN:80" > "$out" &
	pid=$!
	for i in $(seq 50); do
		grep -q listening "$out" && break
		sleep 0.1
	done
	res=$(ns "lan-$x" "$NGBENCH" tcp-conn "$FOREIGN" 80 "$SECS" 8 |
		awk '{ printf "%.0f\n", $2 / $4 }')
	kill "$pid"
	wait "$pid"
	[ -n "$before" ] && meta tunnel "$x" $(($(tunnel_tcp "$x") - before)) \
		"$(field accepted < "$out")"
	if [ "$(field origdst_bad < "$out")" != 0 ] ||
	   [ "$(field accepted < "$out")" = 0 ]; then
		log "redirect in $x: $(tail -n 1 "$out")"
		res=
	fi
	rm -f "$out"
	echo "$res"
}

# The DNS counters of nfgate in X: "replies passed dropped held no_query".
dns_counters()
{
	ns "rtr-$1" "$NFGATE" -j show stats | jq -r '[.dns_replies, .dns_passed,
		.dns_dropped, .dns_held, .dns_no_query] | map(tostring) | join(" ")'
}

# The difference of two dns_counters lines: what the module did between.
dns_delta() # BEFORE AFTER
{
	awk -v b="$1" -v a="$2" 'BEGIN {
		split(b, x, " "); split(a, y, " ")
		for (i = 1; i <= 5; i++)
			printf "%d%s", y[i] - x[i], i < 5 ? " " : "\n" }'
}

# DNS replies per second from a resolver behind the uplinks, through the
# router's reply check. With nfgate's check, notes what the module did
# with the replies (meta dnscheck X replies passed dropped held no_query).
wl_dns()
{
	local x=$1 before='' out d
	has "$x" dnscheck && [ "$x" = c ] && before=$(dns_counters "$x")
	out=$(ns "lan-$x" "$NGBENCH" dns-query "$DNS_SERVER" "$SECS" 8 16)
	if [ -n "$before" ]; then
		read -r -a d <<<"$(dns_delta "$before" "$(dns_counters "$x")")"
		meta dnscheck "$x" "${d[@]}"
	fi
	awk '{ printf "%.0f\n", $2 / $4 }' <<<"$out"
}

# Why workload W is not measured in X ("-" or "n/a", a tab, the reason);
# nothing if it is.
not_measured() # W X
{
	local f
	[ -z "${NEEDS[$1]:-}" ] && return 0
	if [ "$2" = a ]; then
		[ "$1" = redir ] && printf -- '-\tthe limit has no redirect\n'
		return 0
	fi
	local missing=()
	for f in ${NEEDS[$1]}; do
		has "$2" "$f" || missing+=("$f")
	done
	[ ${#missing[@]} -eq 0 ] ||
		printf 'n/a\t%s: not in the module yet\n' "${missing[*]}"
}

# ---- checks: each configuration does its job before it is measured ------------

check() # DESC CMD...
{
	local desc=$1; shift
	if "$@"; then
		log "ok: $desc"
		meta check ok "$desc"
	else
		log "FAILED: $desc"
		meta check failed "$desc"
		return 1
	fi
}

conns_ok() # X
{
	local n
	n=$(ns "lan-$1" "$NGBENCH" tcp-conn "$SERVER" $CONN_PORT 1 4 |
		field connections)
	[ "${n:-0}" -gt 0 ]
}

dns_replies() # X SERVER
{
	ns "lan-$1" "$NGBENCH" dns-query "$2" 1 2 4 | field replies
}

# nfgate_judges X SERVER genuine|forged: the module judged every DNS reply
# from SERVER (its query seen leaving through FORWARD, the reply arriving
# on an uplink) and passed them all to the LAN (genuine) or dropped them
# all (forged).
nfgate_judges()
{
	local x=$1 server=$2 kind=$3 before got d
	before=$(dns_counters "$x")
	got=$(dns_replies "$x" "$server")
	d=$(dns_delta "$before" "$(dns_counters "$x")")
	log "$x: $got replies from $server reached the LAN; module: replies passed dropped held no_query = $d"
	read -r -a d <<<"$d"
	[ "${d[0]}" -gt 0 ] || return 1
	if [ "$kind" = genuine ]; then
		[ "${d[1]}" = "${d[0]}" ] && [ "${got:-0}" -gt 0 ]
	else
		[ "${d[2]}" = "${d[0]}" ] && [ "${got:-1}" = 0 ]
	fi
}

# tunnel_ok X: nfgate's tunnel holds the whole bypass list, sends a
# connection to FOREIGN into the tunnel and one to the list's first prefix
# direct.
tunnel_ok()
{
	local x=$1 n a v1 v2
	n=$(ns "rtr-$x" "$NFGATE" -j show tunnel | jq -r '.tunnel.lists.bypass.prefixes')
	a=$(sed -n '1s#/.*##p' "$BYPASS_LIST")
	v1=$(ns "rtr-$x" "$NFGATE" tunnel lookup "$FOREIGN" from 192.168.0.10)
	v2=$(ns "rtr-$x" "$NFGATE" tunnel lookup "$a" from 192.168.0.10)
	log "$x: bypass list of $n prefixes; $v1; $v2"
	[ "$n" = "$(grep -c . "$BYPASS_LIST")" ] &&
		[ "$v1" = "$FOREIGN: tunnel (default)" ] &&
		[ "$v2" = "$a: direct (bypass)" ]
}

# wan0_share_ok X LOW HIGH: wan0's share of the packets so far, in %.
wan0_share_ok()
{
	local s
	s=$(uplink_tx "$1" | awk '{ printf "%.0f", 100 * $1 / ($1 + $2) }')
	log "$1: wan0 sent $s% of the packets so far"
	[ "$s" -ge "$2" ] && [ "$s" -le "$3" ]
}

check_conf() # X
{
	local x=$1 ok=0
	check "$x: TCP through the router, masqueraded" conns_ok "$x" || ok=1
	check "$x: DNS replies come back" \
		test "$(dns_replies "$x" $DNS_SERVER)" -gt 0 || ok=1
	if has "$x" balance; then
		check "$x: new connections use both uplinks" \
			wan0_share_ok "$x" 1 99 || ok=1
	else
		check "$x: everything leaves by wan0" \
			wan0_share_ok "$x" 100 100 || ok=1
	fi
	if has "$x" redirect && [ "$x" = c ]; then
		check "$x: nfgate's tunnel holds the $(grep -c . "$BYPASS_LIST") bypass prefixes and decides by them" \
			tunnel_ok "$x" || ok=1
	fi
	if has "$x" redirect; then
		check "$x: TCP to $FOREIGN (outside the bypass set) redirected, original destination intact" \
			test -n "$(SECS=1 wl_redir "$x" check)" || ok=1
	fi
	if has "$x" dnscheck && [ "$x" = c ]; then
		check "$x: nfgate judges every genuine DNS reply and passes it" \
			nfgate_judges "$x" $DNS_SERVER genuine || ok=1
		check "$x: nfgate judges every forged DNS reply and drops it" \
			nfgate_judges "$x" $FORGED_DNS forged || ok=1
	elif has "$x" dnscheck; then
		check "$x: forged DNS replies dropped" \
			test "$(dns_replies "$x" $FORGED_DNS)" = 0 || ok=1
	elif [ "$x" = a ]; then
		# The forged replies do reach the LAN without a check.
		check "$x: forged DNS replies get through without a check" \
			test "$(dns_replies "$x" $FORGED_DNS)" -gt 0 || ok=1
	fi
	return $ok
}

# ---- main ------------------------------------------------------------------------

main()
{
	local x w r i v line order confs
	declare -A skip
	read -r -a confs <<<"$CONFS"

	: > "$OUT/raw.tsv"
	: > "$OUT/meta.tsv"
	meta rounds "$ROUNDS"
	meta seconds "$SECS"
	meta guest "$(uname -r), $(nproc) vCPU"
	for x in $CONFS; do
		meta features "$x" "${FEATURES[$x]}"
	done
	for w in $WORKLOADS; do
		for x in $CONFS; do
			skip[$w$x]=$(not_measured "$w" "$x")
			[ -n "${skip[$w$x]}" ] && meta skip "$w" "$x" "${skip[$w$x]}"
		done
	done

	[ -x "$NGBENCH" ] || die "no $NGBENCH (make -C tools/bench)"
	[ -x "$NFGATE" ] || die "no $NFGATE (make userspace)"
	# shellcheck disable=SC2046 # a list
	modprobe -a -q $(modinfo -F depends "$NFGATE_KO" | tr ',' ' ') ||
		die "cannot load the modules nfgate.ko needs"
	insmod "$NFGATE_KO" || die "cannot load $NFGATE_KO"

	# The guest's clock leaps over its waits for the host's files (QEMU
	# icount, sleep=off): no "task blocked for 120 s" that never was.
	sysctl -qw kernel.hung_task_timeout_secs=0 2>/dev/null
	# Room for every connection of the run, in every configuration
	# alike: entries stay 120 s in TIME_WAIT.
	echo 65536 > /sys/module/nf_conntrack/parameters/hashsize
	sysctl -qw net.netfilter.nf_conntrack_max=524288

	for x in $CONFS; do
		topo_make "$x" || die "topology $x"
		servers_start "$x"
		"conf_$x" || die "configuration $x"
	done
	sleep 1
	for x in $CONFS; do
		check_conf "$x" || die "configuration $x does not do its job"
	done

	for r in $(seq 1 "$ROUNDS"); do
		# a b c, b c a, c a b, ...
		i=$(((r - 1) % ${#confs[@]}))
		order=("${confs[@]:i}" "${confs[@]:0:i}")
		for w in $WORKLOADS; do
			line="round $r: $w"
			for x in "${order[@]}"; do
				[ -n "${skip[$w$x]}" ] && continue
				v=$("wl_$w" "$x")
				[ -n "$v" ] || v=fail
				printf '%s\t%s\t%s\t%s\n' "$r" "$w" "$x" "$v" >> "$OUT/raw.tsv"
				line+=" $x $v"
			done
			log "$line"
		done
	done
	meta finished
}

# Sourced (to try a function by hand): define only.
[ "${BASH_SOURCE[0]}" = "$0" ] && main
