# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Helpers for nfgate's selftests: KTAP output, network namespaces, polling.
# Source it first thing from a test:  source "$(dirname "$0")/lib.sh"
#
# KTAP:      ktap_plan N (optional; else the plan is printed at exit)
#            ktap_ok DESC | ktap_fail DESC | ktap_skip DESC [REASON]
#            check DESC CMD...       ok if CMD succeeds
#            check_fail DESC CMD...  ok if CMD fails
#            ktap_info MSG...        "# MSG" comment
#            At exit: "# Totals: pass:N fail:N skip:N" and exit status
#            0 (all passed), 1 (any failed), 4 (KSFT_SKIP: only skips).
# Skipping:  skip_all REASON; require_cmd CMD...; require_module MOD...;
#            require_root
# Netns:     setup_ns VAR... creates uniquely named namespaces (lo up), stored
#            in VAR, removed at exit by cleanup_all_ns; in_ns NS CMD...;
#            ns_link NS1 IF1 NS2 IF2 (veth); ns_bg VAR NS CMD... (background,
#            pid in VAR); ns_ping NS DST; ns_sysctl NS K=V...;
#            ns_rx_bytes NS DEV...
# Polling:   busywait TIMEOUT_MS CMD...; slowwait TIMEOUT_S CMD...;
#            stopped PID
# Slowness:  NFGATE_SLOW=K: the kernel runs K times slower than Debian's
#            (make check-debug sets 10); the polls' bounds stretch K times,
#            tests stretch their clients' timeouts and generous bounds with
#            slow_ms MS and slow_s SECONDS (which print the stretched value)
# Module:    nfgate_load [PARAMS...], nfgate_unload, nfgate_loaded
# Kernel log: klog_mark; klog_clean DESC (a check: no oops, WARN, KASAN,
#            lockdep, leak... since the mark); kmemleak_scan (prints the
#            number of suspected leaks, "" without kmemleak); mem_figures
#            (MemAvailable and slab totals, for before/after comparisons)

ksft_skip=4

NFGATE_SLOW=${NFGATE_SLOW:-1}
[[ $NFGATE_SLOW =~ ^[1-9][0-9]*$ ]] || NFGATE_SLOW=1
export NFGATE_SLOW	# dnsclient.py's default timeout too

SELFTESTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# jq -e fails on no output (bin/jq): Debian 12's jq 1.6 passes it.
if [ -z "${NFGATE_JQ:-}" ] && NFGATE_JQ=$(command -v jq); then
	export NFGATE_JQ
	export PATH=$SELFTESTS_DIR/bin:$PATH
fi
NFGATE_KO=${NFGATE_KO:-$SELFTESTS_DIR/../nfgate.ko}

KTAP_NUM=0
KTAP_PASS=0
KTAP_FAIL=0
KTAP_SKIP=0
KTAP_PLANNED=0
NS_LIST=()
CLEANUP_HOOKS=()

echo "TAP version 13"

ktap_plan()
{
	KTAP_PLANNED=$1
	echo "1..$1"
}

ktap_info()
{
	echo "# $*"
}

ktap_ok()
{
	KTAP_NUM=$((KTAP_NUM + 1))
	KTAP_PASS=$((KTAP_PASS + 1))
	echo "ok $KTAP_NUM $*"
}

ktap_fail()
{
	KTAP_NUM=$((KTAP_NUM + 1))
	KTAP_FAIL=$((KTAP_FAIL + 1))
	echo "not ok $KTAP_NUM $*"
}

# ktap_skip DESC [REASON]
ktap_skip()
{
	KTAP_NUM=$((KTAP_NUM + 1))
	KTAP_SKIP=$((KTAP_SKIP + 1))
	echo "ok $KTAP_NUM $1 # SKIP${2:+ $2}"
}

# check DESC CMD...: runs CMD, reports ok/not ok; on failure its output is
# shown as comments. Returns CMD's status.
check()
{
	local desc=$1; shift
	local out rc
	out=$("$@" 2>&1)
	rc=$?
	if [ $rc -eq 0 ]; then
		ktap_ok "$desc"
	else
		ktap_fail "$desc"
		ktap_info "command failed ($rc): $*"
		[ -n "$out" ] && printf '%s\n' "$out" | sed 's/^/#   /'
	fi
	return $rc
}

# check_fail DESC CMD...: ok when CMD fails.
check_fail()
{
	local desc=$1; shift
	if "$@" >/dev/null 2>&1; then
		ktap_fail "$desc"
		ktap_info "command unexpectedly succeeded: $*"
		return 1
	fi
	ktap_ok "$desc"
}

# Skip the whole test (no checks run yet, or the rest is moot).
skip_all()
{
	ktap_info "SKIP: $*"
	if [ "$KTAP_NUM" -eq 0 ] && [ "$KTAP_PLANNED" -eq 0 ]; then
		echo "1..0 # SKIP $*"
		KTAP_PLANNED=-1
	fi
	exit $ksft_skip
}

require_root()
{
	[ "$(id -u)" -eq 0 ] || skip_all "needs root"
}

require_cmd()
{
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null || skip_all "command $c not found"
	done
}

# require_module MOD...: loads each (if not built in / loaded already).
require_module()
{
	local m
	for m in "$@"; do
		[ -d "/sys/module/$m" ] && continue
		modprobe -q "$m" 2>/dev/null || skip_all "module $m not available"
	done
}

# at_exit CMD...: run CMD (eval'd) at exit, before namespaces go, LIFO.
at_exit()
{
	CLEANUP_HOOKS=("$*" "${CLEANUP_HOOKS[@]}")
}

# ---- polling ---------------------------------------------------------------

# slow_ms MS, slow_s SECONDS: a time stretched NFGATE_SLOW times.
slow_ms()
{
	echo $(( $1 * NFGATE_SLOW ))
}

slow_s()
{
	awk -v s="$1" -v k="$NFGATE_SLOW" 'BEGIN { print s * k }'
}

# busywait TIMEOUT_MS CMD...: retry CMD until it succeeds or TIMEOUT_MS
# (stretched by NFGATE_SLOW) ran out. Prints CMD's last output; returns its
# last status.
busywait()
{
	local timeout_ms=$(( $1 * NFGATE_SLOW )); shift
	local start out rc
	start=$(date +%s%3N)
	while :; do
		out=$("$@" 2>&1)
		rc=$?
		if [ $rc -eq 0 ] || (( $(date +%s%3N) - start > timeout_ms )); then
			[ -n "$out" ] && printf '%s\n' "$out"
			return $rc
		fi
	done
}

# slowwait TIMEOUT_S CMD...: like busywait, polling every 100 ms.
slowwait()
{
	local timeout_s=$(( $1 * NFGATE_SLOW )); shift
	local deadline out rc
	deadline=$(( $(date +%s) + timeout_s ))
	while :; do
		out=$("$@" 2>&1)
		rc=$?
		if [ $rc -eq 0 ] || [ "$(date +%s)" -ge "$deadline" ]; then
			[ -n "$out" ] && printf '%s\n' "$out"
			return $rc
		fi
		sleep 0.1
	done
}

# ---- namespaces --------------------------------------------------------------

# setup_ns VAR...: for each VAR create namespace "VAR-<random>", bring its
# loopback up and store the name in VAR. Tracked for cleanup_all_ns.
setup_ns()
{
	local var name
	for var in "$@"; do
		name="$var-$(mktemp -u XXXXXX)"
		if ! ip netns add "$name"; then
			ktap_info "cannot create namespace $name"
			return 1
		fi
		NS_LIST+=("$name")
		ip -n "$name" link set lo up
		# Deterministic sysctls: no DAD delays, no rp_filter surprises.
		ip netns exec "$name" sysctl -qw net.ipv4.conf.all.rp_filter=0 \
			net.ipv4.conf.default.rp_filter=0 \
			net.ipv6.conf.all.accept_dad=0 \
			net.ipv6.conf.default.accept_dad=0 2>/dev/null
		printf -v "$var" '%s' "$name"
	done
}

cleanup_ns()
{
	local ns
	for ns in "$@"; do
		# Kill what still runs in it (ping -f, iperf3, daemons).
		ip netns pids "$ns" 2>/dev/null | xargs -r kill -9 2>/dev/null
		ip netns del "$ns" 2>/dev/null
	done
}

cleanup_all_ns()
{
	[ ${#NS_LIST[@]} -gt 0 ] && cleanup_ns "${NS_LIST[@]}"
	NS_LIST=()
}

# in_ns NS CMD...: run CMD in namespace NS.
in_ns()
{
	local ns=$1; shift
	ip netns exec "$ns" "$@"
}

# ns_bg VAR NS CMD... [>FILE]: start CMD in NS in the background, its pid in
# VAR (the process itself, so that kill reaches it). Killed at exit with NS.
ns_bg()
{
	local var=$1 ns=$2; shift 2
	ip netns exec "$ns" "$@" &
	printf -v "$var" '%s' $!
}

# stopped PID: true once PID has exited.
stopped()
{
	! kill -0 "$1" 2>/dev/null
}

# ns_sysctl NS KEY=VALUE...
ns_sysctl()
{
	local ns=$1; shift
	ip netns exec "$ns" sysctl -qw "$@"
}

# ns_link NS1 IF1 NS2 IF2: a veth pair between two namespaces, both up.
ns_link()
{
	local ns1=$1 if1=$2 ns2=$3 if2=$4
	ip link add "$if1" netns "$ns1" type veth peer name "$if2" netns "$ns2" &&
	ip -n "$ns1" link set "$if1" up &&
	ip -n "$ns2" link set "$if2" up
}

# ns_rx_bytes NS DEV...: the bytes DEVs in NS received, summed
ns_rx_bytes()
{
	local ns=$1 dev n sum=0
	shift
	for dev in "$@"; do
		n=$(ip -n "$ns" -s -j link show "$dev" | jq '.[0].stats64.rx.bytes')
		sum=$((sum + n))
	done
	echo "$sum"
}

# ns_ping NS DST [ARGS...]: one quick ping, quiet.
ns_ping()
{
	local ns=$1 dst=$2; shift 2
	ip netns exec "$ns" ping -q -n -c 1 -W 1 "$@" "$dst" >/dev/null 2>&1
}

# ---- the module -------------------------------------------------------------

nfgate_loaded()
{
	[ -d /sys/module/nfgate ]
}

# nfgate_use [fresh] [PARAMS...]: the module for this test: loaded now
# (with PARAMS) and unloaded at exit, or used as it is when already loaded;
# with "fresh" (the tests that count from a module of their own), skip
# when it is already loaded.
nfgate_use()
{
	local fresh=
	[ "${1:-}" = fresh ] && { fresh=1; shift; }
	if nfgate_loaded; then
		[ -n "$fresh" ] && skip_all "nfgate is already loaded"
		return 0
	fi
	nfgate_load "$@" || skip_all "cannot load nfgate.ko"
	at_exit "nfgate_loaded && rmmod nfgate"
}

# nfgate_load [PARAMS...]: insmod $NFGATE_KO (loading its dependencies first).
nfgate_load()
{
	if [ ! -f "$NFGATE_KO" ]; then
		echo "nfgate.ko not found at $NFGATE_KO (make module)" >&2
		return 1
	fi
	# Its dependencies, once per test (modprobe is slow under TCG).
	if [ -z "${NFGATE_DEPS+set}" ]; then
		NFGATE_DEPS=$(modinfo -F depends "$NFGATE_KO" 2>/dev/null | tr ',' ' ')
		# shellcheck disable=SC2086 # a list
		[ -z "$NFGATE_DEPS" ] || modprobe -a -q $NFGATE_DEPS || return 1
	fi
	insmod "$NFGATE_KO" "$@"
}

nfgate_unload()
{
	rmmod nfgate
}

# ---- the kernel log ------------------------------------------------------------

# What no test may leave in the kernel log: klog_bad, the list with which
# tools/vm/lib.sh also scans the whole log of a VM run.
KLOG_BAD_RE=$(grep -v '^#' "$SELFTESTS_DIR/klog_bad" | paste -sd '|')

# klog_text: the kernel log, a message a line without its "[ time] ".
klog_text()
{
	dmesg | sed -E 's/^\[ *[0-9]+\.[0-9]+\] //'
}

# klog_mark: remember where the kernel log ends now.
klog_mark()
{
	KLOG_MARK=$(dmesg | wc -l)
}

# klog_clean DESC: a check that the kernel log got no bad line since
# klog_mark; the lines found are shown.
klog_clean()
{
	local bad
	bad=$(klog_text | tail -n +$(( ${KLOG_MARK:-0} + 1 )) | grep -E -- "$KLOG_BAD_RE")
	if [ -z "$bad" ]; then
		ktap_ok "$1"
		return 0
	fi
	ktap_fail "$1"
	printf '%s\n' "$bad" | head -n 20 | sed 's/^/#   kernel: /'
	return 1
}

# kmemleak_scan: scan now (twice: a fresh object is never reported on the
# first scan) and print the number of suspected leaks; prints nothing when
# the kernel has no kmemleak.
kmemleak_scan()
{
	local f=/sys/kernel/debug/kmemleak
	[ -w "$f" ] || return 0
	local n
	echo scan > "$f" 2>/dev/null && echo scan > "$f" 2>/dev/null
	# (grep -c prints 0 and fails when nothing matched)
	n=$(grep -c '^unreferenced object' "$f" 2>/dev/null)
	echo "${n:-0}"
}

# kmemleak_clear: forget the leaks suspected so far (boot noise).
kmemleak_clear()
{
	local f=/sys/kernel/debug/kmemleak
	[ -w "$f" ] && echo clear > "$f" 2>/dev/null
	return 0
}

# mem_figures: "avail_kb=N slab_kb=N unreclaimable_kb=N" now.
mem_figures()
{
	awk '/^MemAvailable:/ { a = $2 } /^Slab:/ { s = $2 }
	     /^SUnreclaim:/ { u = $2 }
	     END { printf "avail_kb=%d slab_kb=%d unreclaimable_kb=%d\n", a, s, u }' \
		/proc/meminfo
}

# slab_objs CACHE...: active objects of each slab cache, summed.
slab_objs()
{
	local re
	re=$(IFS='|'; echo "$*")
	awk -v re="^($re)\$" 'NR > 2 && $1 ~ re { n += $2 } END { print n + 0 }' \
		/proc/slabinfo
}

# ---- exit ---------------------------------------------------------------------

__ktap_exit()
{
	local rc=$?
	local h
	for h in "${CLEANUP_HOOKS[@]}"; do
		eval "$h" >/dev/null 2>&1
	done
	cleanup_all_ns

	if [ "$KTAP_PLANNED" -lt 0 ]; then	# skip_all with an empty plan
		exit $ksft_skip
	fi
	# Died (set -e, a failed command, a signal) with no failure reported:
	# say so, so that the runner does not see a clean pass.
	if [ $rc -ne 0 ] && [ $rc -ne $ksft_skip ] && [ "$KTAP_FAIL" -eq 0 ]; then
		ktap_fail "test script exited with status $rc"
	fi
	[ "$KTAP_PLANNED" -eq 0 ] && echo "1..$KTAP_NUM"
	echo "# Totals: pass:$KTAP_PASS fail:$KTAP_FAIL skip:$KTAP_SKIP"
	if [ "$KTAP_FAIL" -gt 0 ]; then
		exit 1
	elif [ "$KTAP_PASS" -eq 0 ] && [ "$KTAP_SKIP" -gt 0 ]; then
		exit $ksft_skip
	elif [ $rc -eq $ksft_skip ] && [ "$KTAP_PASS" -eq 0 ]; then
		exit $ksft_skip
	fi
	exit 0
}
trap __ktap_exit EXIT
trap 'exit 130' INT TERM
