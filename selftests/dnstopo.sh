# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# DNS on top of topo.sh: a genuine resolver on the internet, a slow path to
# it, and on-path injectors at the ISPs (the GFW model of dnsinject.c).
# Source it after topo.sh; call dns_resolver_start after topo_setup.
#
#  lan1 / lan2 ---- [ router ] -- ppp0 ==PPPoE== [ isp1 ] eth1 ----+
#  (dnsclient.py)   NAT, or nfgate     dnsinject -i eth1 (AF_PACKET:   |
#                                      sees queries leave; raw replies |
#                                      spoofed from the server go back |
#                                      to the router through ppp)      |
#                                                                 netem delay
#                                                                 (inet eth1)
#                                                                      |
#                                                  [ inet ] 10.1.0.2 eth1
#                                   198.51.100.53  dnsmasq (the genuine resolver)
#                                   198.51.100.54  broken upstream (SERVFAIL)
#                                   198.51.100.55  dead upstream (never answers)
#                                   198.51.100.99  canary: no server at all
#                                                  10.2.0.2 eth2
#                                                                      |
#                                                                 netem delay
#                                                                 (inet eth2)
#                  [ router ] -- wwan0 ------ [ isp2 ] eth1 -----------+
#                                             dnsinject -i eth1
#
# Only the genuine path is slowed (netem on inet's side, replies only), so
# an injector at the ISP wins the race by about the netem delay: the client
# gets the forged reply first, then the genuine one.
#
# The zone (dnsmasq, authoritative-like for test.; AA set on local data):
#   www.blocked.test     A 198.51.100.80, AAAA 2001:db8:80::80   (censored)
#   one.blocked.test     A 198.51.100.86 only                     (censored)
#   cn.blocked.test      CNAME www.normal.test                    (censored)
#   www.normal.test      A 198.51.100.81, AAAA 2001:db8:81::81
#   one.normal.test      A 198.51.100.82 (AAAA: NOERROR, no data)
#   multi.normal.test    A 198.51.100.83 .84 .85
#   c1.normal.test       CNAME c2 -> CNAME c3 -> CNAME www.normal.test (3 hops)
#   c2.normal.test       2 hops
#   big.normal.test      TXT, 8 x 200 bytes: ~1.8 KB; with EDNS 4096 one UDP
#   big.blocked.test     reply fragmented over IPv4; without EDNS truncated
#                        (TC=1), complete over TCP
#   other names in test. NXDOMAIN
#   *.servfail.test      SERVFAIL (forwarded to the broken upstream)
#   *.dead.test          no reply (forwarded to the dead upstream)
# Injectors censor blocked.test (and names below it) by default.
#
# Functions:
#   dns_resolver_start [DELAY_MS]   dnsmasq + broken upstream in inet, netem
#                                   DELAY_MS (default: NFGATE_DNS_DELAY_MS
#                                   from the environment, else 200)
#   dns_genuine_delay MS [ARGS...]  change the netem delay (0: none); ARGS
#                                   are more netem options (jitter, loss)
#   dns_inject_start NS [OPT...]    dnsinject in NS on eth1, forging from
#                                   $DNS_POOL for $DNS_INJECT_NAMES; OPT are
#                                   more dnsinject options; waits until it
#                                   listens. Log: $(dns_inject_log NS)
#   dns_inject_stop [NS]            SIGTERM one injector (default: all)
#   dns_inject_count NS             forged replies it logged so far
#   dns_path_drops NS...            where each namespace dropped packets
#   dns_query NS [OPT...] NAME...   dnsclient.py in NS against $DNS_RESOLVER
#                                   with --forged $DNS_FORGED (-s overrides)
#   dns_capture_start NS IF         dnsclient.py capture in NS on IF, into
#                                   $DNS_CAPTURE (one capture at a time)
#   dns_capture_stop
#   dns_router_nat                  plain nft masquerade on ppp0 and wwan0
#                                   in the router (tests without nfgate)
#   dnsclient NS ARGS...            dnsclient.py ARGS in NS
#   kv KEY [TEXT]                   the value of KEY=... in TEXT (or stdin),
#                                   from its last line holding KEY
#   file_has FILE STRING            FILE has a line containing STRING
# Helpers that a test calls often are plain bash: every process costs
# ~0.2 s in the guest (TCG, binaries over 9p).

DNS_RESOLVER=198.51.100.53
DNS_BROKEN=198.51.100.54
DNS_DEAD=198.51.100.55
DNS_CANARY=198.51.100.99
DNS_DELAY_MS=${NFGATE_DNS_DELAY_MS:-200}	# the environment reaches the VM
DNS_INJECT_NAMES=${DNS_INJECT_NAMES:-blocked.test}
DNSINJECT=${DNSINJECT:-$SELFTESTS_DIR/dnsinject}
DNSCLIENT=$SELFTESTS_DIR/dnsclient.py
# -I -S: no site, no user paths: python3 starts in ~1 s in the guest, not 3.5
DNS_PY=${DNS_PY:-/usr/bin/python3}
DNS_PYFLAGS=(-I -S)
# The forged answers: an IPv4 pool (TEST-NET-3) and Teredo for AAAA.
DNS_POOL_ADDRS="203.0.113.11 203.0.113.22 203.0.113.33 203.0.113.44
	203.0.113.55 203.0.113.66 203.0.113.77 203.0.113.88"
DNS_TEREDO=2001::/32

kv()
{
	if [ $# -gt 1 ]; then
		kv "$1" <<<"$2"
		return
	fi
	local key=$1 line w v='' IFS=$' \t'
	local -
	set -f
	while IFS= read -r line; do
		for w in $line; do
			[[ $w == "$key="* ]] && v=${w#*=}
		done
	done
	printf '%s\n' "$v"
}

file_has()
{
	local l
	[ -r "$1" ] || return 1
	while IFS= read -r l || [ -n "$l" ]; do
		[[ $l == *"$2"* ]] && return 0
	done < "$1"
	return 1
}

dnsclient()
{
	local ns=$1; shift
	ip netns exec "$ns" "$DNS_PY" "${DNS_PYFLAGS[@]}" "$DNSCLIENT" "$@"
}

# dnsmasq's configuration and the zone's data, in $TOPO.
dns_write_zone()
{
	local i
	cat > "$TOPO/dns-hosts" <<-HOSTS
	198.51.100.80 www.blocked.test
	2001:db8:80::80 www.blocked.test
	198.51.100.86 one.blocked.test
	198.51.100.81 www.normal.test
	2001:db8:81::81 www.normal.test
	198.51.100.82 one.normal.test
	198.51.100.83 multi.normal.test
	198.51.100.84 multi.normal.test
	198.51.100.85 multi.normal.test
	HOSTS
	{
		echo "port=53"
		echo "listen-address=$DNS_RESOLVER"
		echo "bind-interfaces"
		echo "no-resolv"
		echo "no-hosts"
		echo "no-negcache"
		echo "addn-hosts=$TOPO/dns-hosts"
		echo "local=/test/"
		echo "server=/servfail.test/$DNS_BROKEN"
		echo "server=/dead.test/$DNS_DEAD"
		echo "edns-packet-max=4096"
		echo "cname=cn.blocked.test,www.normal.test"
		echo "cname=c1.normal.test,c2.normal.test"
		echo "cname=c2.normal.test,c3.normal.test"
		echo "cname=c3.normal.test,www.normal.test"
		for i in 1 2 3 4 5 6 7 8; do
			echo "txt-record=big.normal.test,\"$(printf 'big-%d-%0194d' "$i" 0)\""
			echo "txt-record=big.blocked.test,\"$(printf 'big-%d-%0194d' "$i" 0)\""
		done
		echo "log-queries"
		echo "log-facility=$TOPO/dnsmasq.log"
		echo "pid-file=$TOPO/dnsmasq.pid"
		echo "user=root"
		echo "group=root"
	} > "$TOPO/dnsmasq.conf"
	# shellcheck disable=SC2086 # a list
	printf '%s\n' $DNS_POOL_ADDRS > "$TOPO/dns-pool"
	DNS_POOL=$TOPO/dns-pool
	DNS_FORGED="@$DNS_POOL,$DNS_TEREDO"
}

# dnsmasq logs "started" once its sockets are bound.
dns_resolver_up()
{
	file_has "$TOPO/dnsmasq.log" "started, version" &&
	file_has "$TOPO/broken.out" serving
}

# dns_resolver_start [DELAY_MS]
dns_resolver_start()
{
	local delay=${1:-$DNS_DELAY_MS}
	require_cmd dnsmasq tc
	dns_write_zone
	ip -n "$inet" addr add "$DNS_RESOLVER/32" dev srv0
	ip -n "$inet" addr add "$DNS_BROKEN/32" dev srv0
	ip netns exec "$inet" dnsmasq -k -C "$TOPO/dnsmasq.conf" \
		> "$TOPO/dnsmasq.out" 2>&1 &
	at_exit "kill $!"
	dnsclient "$inet" serve "$DNS_BROKEN" > "$TOPO/broken.out" 2>&1 &
	at_exit "kill $!"
	dns_genuine_delay "$delay"
	if ! busywait 15000 dns_resolver_up > /dev/null; then
		ktap_info "the resolver did not start:"
		sed 's/^/#   /' "$TOPO/dnsmasq.out" "$TOPO/dnsmasq.log" \
			"$TOPO/broken.out"
		return 1
	fi
}

# dns_genuine_delay MS [NETEM_ARGS...]: the genuine path's extra delay, on
# inet's interfaces toward both ISPs (its replies only).
dns_genuine_delay()
{
	local ms=$1 dev; shift
	for dev in eth1 eth2; do
		if [ "$ms" -gt 0 ] || [ $# -gt 0 ]; then
			ip netns exec "$inet" tc qdisc replace dev "$dev" root \
				netem delay "${ms}ms" "$@" || return 1
		else
			ip netns exec "$inet" tc qdisc del dev "$dev" root 2>/dev/null
		fi
	done
	return 0
}

dns_inject_log()
{
	echo "$TOPO/dnsinject-$1.log"
}

dns_inject_count()
{
	local l n=0
	while IFS= read -r l; do
		[[ $l == *" forged "* ]] && n=$((n + 1))
	done < "$(dns_inject_log "$1")"
	echo "$n"
}

# dns_inject_start NS [DNSINJECT_OPTIONS...]
dns_inject_start()
{
	local ns=$1 log pid n names=()
	shift
	[ -x "$DNSINJECT" ] || { ktap_info "no $DNSINJECT (make -C selftests)"; return 1; }
	dns_inject_stop "$ns"
	log=$(dns_inject_log "$ns")
	for n in $DNS_INJECT_NAMES; do
		names+=(-n "$n")
	done
	ip netns exec "$ns" "$DNSINJECT" -i eth1 -P "$DNS_POOL" "${names[@]}" \
		"$@" > "$log" 2> "$log.err" &
	pid=$!
	echo "$pid" > "$TOPO/dnsinject-$ns.pid"
	if ! busywait 5000 file_has "$log" listening; then
		ktap_info "dnsinject did not start in $ns: $(cat "$log.err")"
		return 1
	fi
}

# dns_inject_stop [NS]: ends one injector (all without NS); waits for it.
dns_inject_stop()
{
	local f pid files
	if [ $# -gt 0 ]; then
		files=("$TOPO/dnsinject-$1.pid")
	else
		files=("$TOPO"/dnsinject-*.pid)
	fi
	for f in "${files[@]}"; do
		[ -f "$f" ] || continue
		pid=$(cat "$f")
		kill "$pid" 2>/dev/null
		busywait 3000 stopped "$pid" > /dev/null
		wait "$pid" 2>/dev/null
		rm -f "$f"
	done
	return 0
}

# dns_query NS [DNSCLIENT_OPTIONS...] NAME...
dns_query()
{
	local ns=$1; shift
	dnsclient "$ns" -s "$DNS_RESOLVER" --forged "$DNS_FORGED" "$@"
}

# dns_capture_start NS IFACE: records DNS packets (IP header fields) on IFACE.
dns_capture_start()
{
	local ns=$1 dev=$2
	dns_capture_stop
	DNS_CAPTURE=$TOPO/capture-$dev.$((++DNS_CAPTURE_N))
	dnsclient "$ns" capture "$dev" --forged "$DNS_FORGED" \
		> "$DNS_CAPTURE" 2> "$DNS_CAPTURE.err" &
	DNS_CAPTURE_PID=$!
	at_exit "kill $DNS_CAPTURE_PID"
	busywait 15000 file_has "$DNS_CAPTURE.err" capturing
}

dns_capture_stop()
{
	[ -n "${DNS_CAPTURE_PID:-}" ] || return 0
	kill "$DNS_CAPTURE_PID" 2>/dev/null
	busywait 3000 stopped "$DNS_CAPTURE_PID" > /dev/null
	wait "$DNS_CAPTURE_PID" 2>/dev/null
	DNS_CAPTURE_PID=
}

# Plain NAT for tests that run without nfgate: masquerade on both uplinks.
dns_router_nat()
{
	ip netns exec "$router" nft -f - <<-NFT
	table ip dnsnat {
		chain post {
			type nat hook postrouting priority srcnat; policy accept;
			oifname { "ppp0", "wwan0" } masquerade
		}
	}
	NFT
}

# dns_drops_here: where this namespace dropped packets, on one line: links and
# qdiscs that dropped, packet and UDP sockets whose receive queue overflowed
# (ss's skmem d), the kernel's UDP buffer errors; "none" if none did.
dns_drops_here()
{
	{
		ip -s -j link | jq -j '.[] | select(.stats64.rx.dropped + .stats64.tx.dropped > 0) |
			"\(.ifname) rx_drop \(.stats64.rx.dropped) tx_drop \(.stats64.tx.dropped); "'
		tc -s -j qdisc | jq -j '.[] | select(.drops > 0) | "qdisc \(.kind) \(.dev) dropped \(.drops); "'
		ss -0 -u -a -n -m | awk 'match($0, /,d[0-9]+\)/) {
			d = substr($0, RSTART + 2, RLENGTH - 3); if (d + 0) printf "socket dropped %s; ", d }'
		nstat -asz UdpRcvbufErrors UdpInErrors | awk '/^Udp/ && $2 + 0 { printf "%s %s; ", $1, $2 }'
	} | awk '{ s = s $0 } END { print s == "" ? "none" : s }'
}

# dns_path_drops NS...: dns_drops_here in each, as ktap_info lines
dns_path_drops()
{
	local ns
	for ns in "$@"; do
		ktap_info "drops in ${ns%%-*}: $(in_ns "$ns" bash -c "$(declare -f dns_drops_here); dns_drops_here" 2>&1)"
	done
}
