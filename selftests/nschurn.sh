#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Namespace churn: NFGATE_NS_COUNT (default 200) network namespaces, each
# with the devices nfgate's objects name (br0, ppp0, wwan0: dummies) and a
# full configuration (LAN, two uplinks, a port forward, the DNS check in
# drop mode, a forged address: hooks registered, per-namespace state
# allocated), created and destroyed while the module stays loaded. A warm-
# up round of the same size first, so that caches are at their working
# size; then the figures after the measured round against those after
# the warm-up: net_namespace objects back to where they were (no
# namespace kept alive by a reference), unreclaimable slab growth per
# namespace, kmemleak's count when the kernel has it; then rmmod.

source "$(dirname "$0")/lib.sh"

N=${NFGATE_NS_COUNT:-200}
NLCHECK=$SELFTESTS_DIR/nlcheck.py

require_root
require_cmd ip python3
nfgate_loaded && skip_all "nfgate is already loaded"
nfgate_load || skip_all "cannot load nfgate.ko"
at_exit "nfgate_loaded && rmmod nfgate"
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

# The kernel frees namespaces in a workqueue: wait until their objects
# are back to $1. SLUB counts the objects of a CPU's current slab as in
# use: allow two slabs' worth (200 namespaces kept alive would be far
# more).
per_slab=$(awk '$1 == "net_namespace" { print $5 }' /proc/slabinfo)
slack=$(( 2 * ${per_slab:-8} ))
netns_freed() { [ "$(slab_objs net_namespace)" -le $(( $1 + slack )) ]; }

round()
{
	local t0
	t0=$(date +%s%N)
	ns_create || return 1
	out=$(python3 "$NLCHECK" nsconfig "$P" "$N")
	ns_delete || return 1
	[ "$out" = "configured $N" ] || { ktap_info "$out"; return 1; }
	# cleanup_net() frees them in batches, each after RCU grace periods:
	# minutes for 200 under emulation on a loaded host
	slowwait 300 netns_freed "$base_ns" || return 1
	round_ms=$((($(date +%s%N) - t0) / 1000000))
}

base_ns=$(slab_objs net_namespace)
ktap_info "before: $(mem_figures) net_namespace=$base_ns"
# (round sets round_ms: not through check, which runs it in a subshell)
round
check "warm-up: $N configured namespaces created and destroyed" test $? -eq 0
ktap_info "warm-up round: ${round_ms} ms"
read -r _ _ u0 < <(mem_figures | tr '=' ' ' | awk '{ print $2, $4, $6 }')
m0=$(mem_figures)

round
check "$N configured namespaces created, configured and destroyed" test $? -eq 0
ktap_info "measured round: ${round_ms} ms ($((round_ms / N)) ms per namespace)"
read -r _ _ u1 < <(mem_figures | tr '=' ' ' | awk '{ print $2, $4, $6 }')
ktap_info "after the warm-up: $m0"
ktap_info "after $N more:    $(mem_figures) net_namespace=$(slab_objs net_namespace)"
growth=$((u1 - u0))
ktap_info "unreclaimable slab growth: ${growth} KiB for $N namespaces ($((growth * 1024 / N)) bytes each)"
check "net_namespace objects back to $base_ns (+$slack: two slabs)" netns_freed "$base_ns"
# A namespace's configuration is a few KiB (hooks, uplinks, the DNS state
# and its tables): a leak of it would grow by that much per namespace.
check "no per-namespace growth (slab +${growth} KiB, bound 1024 KiB)" \
	test "$growth" -lt 1024
leaks=$(kmemleak_scan)
if [ -n "$leaks" ]; then
	ktap_info "kmemleak: $leaks suspected leaks"
	check "kmemleak: no suspected leak" test "$leaks" -eq 0
else
	ktap_skip "kmemleak" "not in this kernel (make check-debug)"
fi
check "rmmod nfgate" rmmod nfgate
klog_clean "kernel log clean"
