#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Namespace churn: NFGATE_NS_COUNT (default 200) network namespaces, each
# with the devices nfgate's objects name (br0, ppp0, wwan0: dummies) and a
# full configuration (LAN, two uplinks, a port forward, the DNS check in
# drop mode, a forged address: hooks registered, per-namespace state
# allocated), created and destroyed while the module stays loaded. First
# a control round (the same namespaces and devices, nfgate not configured:
# how long the kernel itself takes to free them here), then a warm-up
# round, configured, so that caches are at their working size; then two
# measured rounds, each against the one before: net_namespace objects
# back to where they were (no namespace kept alive by a reference), kernel
# memory in use per namespace (slab objects, vmalloc: a leak
# grows it in both rounds; what grew most is printed), kmemleak's count when the kernel
# has it; then rmmod.

source "$(dirname "$0")/lib.sh"

N=${NFGATE_NS_COUNT:-200}
NLCHECK=$SELFTESTS_DIR/nlcheck.py

require_root
require_cmd ip python3 unshare
nfgate_use fresh
at_exit "ns_delete 2>/dev/null"

P=nfgchurn$$-
klog_mark
kmemleak_clear

# One `ip -batch` for all namespaces and devices (a process costs ~0.2 s
# under emulation).
ns_create()
{
	local i
	for i in $(seq 0 $((N - 1))); do
		echo "netns add $P$i"
		echo "link add br0 netns $P$i type dummy"
		echo "link add ppp0 netns $P$i type dummy"
		echo "link add wwan0 netns $P$i type dummy"
	done | ip -batch -
}

ns_delete()
{
	local i
	for i in $(seq 0 $((N - 1))); do
		echo "netns del $P$i"
	done | ip -batch -
}

# The kernel frees namespaces in a workqueue, and since "net: defer final
# 'struct net' free in netns dismantle" (upstream 6.8, in Debian's 6.1
# too: net_complete_free()) each run of cleanup_net() frees the struct
# net of the run before it, not its own: the last namespaces destroyed
# stay allocated until another namespace is destroyed. So each count
# first destroys one namespace of its own (netns_kick), which is then the
# one left deferred, in every count alike.
#
# SLUB counts the free objects of the slabs each CPU holds (its current
# slab and its partial list) as in use: shrinking the cache first hands
# those back, and two slabs' worth is allowed on top.
per_slab=$(awk '$1 == "net_namespace" { print $5 }' /proc/slabinfo)
slack=$(( 2 * ${per_slab:-8} ))
netns_kick() { unshare -n true; }
netns_count()
{
	echo 1 > /sys/kernel/slab/net_namespace/shrink 2>/dev/null
	slab_objs net_namespace
}
netns_freed()
{
	netns_kick
	[ "$(netns_count)" -le $(( $1 + slack )) ]
}

# netns_settled: the count once the workqueue has caught up (the same
# figure twice, half a second apart, each after a kick).
netns_settled()
{
	local last=-1 c i
	for i in $(seq 60); do
		netns_kick
		sleep 0.5
		c=$(netns_count)
		[ "$c" = "$last" ] && break
		last=$c
	done
	echo "$c"
}

# freed_wait BASE: wait up to NFGATE_NS_WAIT_S (120 s) for the
# namespaces to be freed down to BASE (+ slack); sets left (how many are
# still allocated above BASE, once settled) and free_ms.
freed_wait()
{
	local t0
	t0=$(date +%s%N)
	slowwait "${NFGATE_NS_WAIT_S:-120}" netns_freed "$1"
	free_ms=$((($(date +%s%N) - t0) / 1000000))
	left=$(( $(netns_settled) - $1 ))
}

# round [bare]: create N namespaces, configure nfgate in each (unless
# bare: the same namespaces and devices, nfgate loaded but not asked to do
# anything: the kernel's own behaviour), destroy them, wait for them to
# be freed; sets round_ms, free_ms and left. Fails only when a step fails.
round()
{
	local t0
	t0=$(date +%s%N)
	round_ms=
	ns_create || { ktap_info "round: creating the namespaces failed"; return 1; }
	if [ "${1:-}" = bare ]; then
		out="configured $N"
	else
		out=$(python3 "$NLCHECK" nsconfig "$P" "$N")
	fi
	ns_delete || { ktap_info "round: deleting the namespaces failed"; return 1; }
	[ "$out" = "configured $N" ] || { ktap_info "round: configuring: $out"; return 1; }
	round_ms=$((($(date +%s%N) - t0) / 1000000))
	freed_wait "$base_ns"
}

base_ns=$(netns_settled)
ktap_info "before: $(mem_figures) net_namespace=$base_ns"
# (round sets its figures: not through check, which runs it in a subshell)
round bare
check "control: $N namespaces with the same devices, nfgate loaded, not configured" test $? -eq 0
ktap_info "control round: ${round_ms} ms to make and delete; freed after ${free_ms} ms, $left left above $base_ns"
# What the comparisons below stand on: the kernel alone frees them all.
check "control: the kernel freed them ($left left, bound $slack)" test "$left" -le "$slack"
base_ns=$(netns_settled)

# kmem_snapshot FILE: every slab cache shrunk (the objects each CPU holds
# given back, empty slabs freed), then "cache bytes" per cache not marked
# reclaimable (dentries and inodes come and go with the page cache's
# pressure), bytes being objects in use times object size; and vmalloc's
# bytes as one more line (a leaked table would not show in the slab).
# Not the percpu allocator's: /proc/meminfo counts its populated pages,
# which swing by hundreds of KiB from one round to the next here.
# Not the debug kernel's checkers' own records either: kmemleak keeps one
# per allocation, debugobjects one per timer or rcu_head it saw set up,
# and without CONFIG_DEBUG_OBJECTS_FREE nothing drops that record when the
# memory holding the object is freed (only a new object at the same
# address reuses it): at 200 namespaces, 120,000 more records (5 to 6
# MiB) a round, while everything else shrank. What they track is counted
# in its own caches; debugobjects' count is printed apart (debug_objects).
CHECKER_CACHES='^(debug_objects_cache|kmemleak_object|kmemleak_scan_area)$'
kmem_snapshot()
{
	local f name bytes ra
	for f in /sys/kernel/slab/*/shrink; do echo 1 > "$f"; done 2>/dev/null
	awk -v skip="$CHECKER_CACHES" 'NR > 2 && $1 !~ skip { print $1, $2 * $4 }' /proc/slabinfo |
	while read -r name bytes; do
		ra=0
		read -r ra < "/sys/kernel/slab/$name/reclaim_account" 2>/dev/null
		[ "$ra" = 1 ] || echo "$name $bytes"
	done > "$1"
	awk '/^VmallocUsed:/ { print $1, $2 * 1024 }' /proc/meminfo >> "$1"
}

# kmem_growth A B: the growth from snapshot A to B in bytes, then the
# three caches that grew most ("name +KiB").
kmem_growth()
{
	awk 'NR == FNR { a[$1] = $2; next }
	     { d = $2 - a[$1]; t += d; if (d > 0) printf "%d %s\n", d, $1 }
	     END { printf "%d TOTAL\n", t }' "$1" "$2" |
	sort -rn | awk '$2 == "TOTAL" { t = $1; next }
			n < 3 { top = top sprintf(" %s +%d KiB", $2, $1 / 1024); n++ }
			END { print t + 0; print top }'
}

# debug_objects: debugobjects' records in use and free in its pool, on a
# kernel with CONFIG_DEBUG_OBJECTS; nothing elsewhere.
debug_objects()
{
	awk -F: '/^pool_used/ { u = $2 + 0 } /^pool_free/ { f = $2 + 0 }
		 END { if (NR) printf "; debug objects: %d in use, %d in the pool", u, f }' \
		/sys/kernel/debug/debug_objects/stats 2> /dev/null
}

TMP=$(mktemp -d) || exit 1
at_exit rm -rf "$TMP"

round
check "warm-up: $N configured namespaces created and destroyed" test $? -eq 0
ktap_info "warm-up round: ${round_ms} ms to make, configure and delete; after ${free_ms} ms, $left still allocated$(debug_objects)"
kmem_snapshot "$TMP/s0"

# Two measured rounds: a leak grows the slab by the same amount in each,
# caches settling into their working size only in the first; low is the
# lesser growth.
low=
for r in 1 2; do
	round
	check "round $r: $N configured namespaces created, configured and destroyed" test $? -eq 0
	ktap_info "round $r: ${round_ms} ms to make, configure and delete ($((round_ms / N)) ms per namespace); after ${free_ms} ms, $left still allocated"
	# nfgate takes no reference on a namespace (no get_net() in kmod/);
	# one kept alive through a device it held would also show in the
	# kernel log ("unregister_netdevice: waiting"), checked at the end.
	check "round $r: net_namespace objects back to $base_ns ($left left, bound $slack: two slabs)" \
		test "$left" -le "$slack"
	kmem_snapshot "$TMP/s$r"
	{ read -r g; read -r top; } < <(kmem_growth "$TMP/s$((r - 1))" "$TMP/s$r")
	if [ -z "$low" ] || [ "$g" -lt "$low" ]; then low=$g; fi
	ktap_info "round $r: kernel memory in use (slab objects, vmalloc) $((g / 1024)) KiB ($((g / N)) bytes per namespace) against the round before; grew most:${top:- none}$(debug_objects)"
done
# A namespace's configuration is a few KiB of slab (hooks, uplinks, the
# DNS state) and its tables (vmalloc): leaked, it would grow kernel memory
# by at least that much per namespace in both rounds.
bound=$((N * 1024))
check "no per-namespace growth (the lesser round: $((low / N)) bytes per namespace, bound 1024)" \
	test "$low" -lt "$bound"
leaks=$(kmemleak_scan)
if [ -n "$leaks" ]; then
	ktap_info "kmemleak: $leaks suspected leaks"
	check "kmemleak: no suspected leak" test "$leaks" -eq 0
else
	ktap_skip "kmemleak" "not in this kernel (make check-debug)"
fi
check "rmmod nfgate" rmmod nfgate
# Had the module kept namespaces alive, they would go only now.
ktap_info "after rmmod: net_namespace=$(netns_settled) (before: $base_ns)"
klog_clean "kernel log clean"
