#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2154 # setup_ns and ns_bg assign the variables named
#
# The netlink family under fuzzing (nlfuzz.c): NFGATE_FUZZ_COUNT (default
# 100,000) random, mutated and valid messages over every command and
# object, from two processes at once, while the devices the objects name
# come and go and a listener reads the events; then 10,000 more from an
# unprivileged user in a user and network namespace of its own (where the
# family is its to configure). Afterwards the family must still answer
# correctly: set/get round trips (nlfuzz --verify), the malformed-request
# checks of nlcheck.py, the CLI; the kernel log must be clean, and the
# module must unload.
#
#   [ r ]  br0 (bridge), ppp0, wwan0, lte0 (dummy; wwan0 flaps and lte0 is
#          deleted and re-created during the run)
#   [ fresh ]  an unconfigured namespace for the checks afterwards

source "$(dirname "$0")/lib.sh"

COUNT=${NFGATE_FUZZ_COUNT:-100000}
UNPRIV_COUNT=${NFGATE_FUZZ_UNPRIV_COUNT:-10000}
SEED=${NFGATE_FUZZ_SEED:-$(date +%s)}
NLFUZZ=$SELFTESTS_DIR/nlfuzz
NFGATE=$SELFTESTS_DIR/../userspace/nfgate

require_root
require_cmd ip python3 unshare setpriv jq
require_module dummy bridge nf_conntrack nf_nat
[ -x "$NLFUZZ" ] || skip_all "no $NLFUZZ (make selftests)"
[ -x "$NFGATE" ] || skip_all "no $NFGATE (make userspace)"
nfgate_use fresh

TMP=$(mktemp -d)
at_exit rm -rf "$TMP"
setup_ns r fresh || exit 1

in_ns "$r" ip link add br0 type bridge
for d in ppp0 wwan0 lte0; do
	in_ns "$r" ip link add "$d" type dummy
done
in_ns "$r" ip addr add 100.64.0.10/32 dev ppp0
in_ns "$r" ip addr add 10.0.2.2/24 dev wwan0
for d in br0 ppp0 wwan0 lte0; do
	in_ns "$r" ip link set "$d" up
done

# The objects' devices change under the fuzzer: wwan0 flaps, lte0 goes and
# comes back (with a new ifindex), until $TMP/stop appears; ten cycles per
# `ip -batch` (a process costs more than its commands under emulation).
churn()
{
	local n=0
	while [ ! -e "$TMP/stop" ]; do
		for _ in 1 2 3 4 5 6 7 8 9 10; do
			printf '%s\n' "link set wwan0 down" "link set wwan0 up" \
				"link del lte0" "link add lte0 type dummy" \
				"link set lte0 up"
		done | in_ns "$r" ip -batch - || break
		n=$((n + 10))
	done
	echo "$n" > "$TMP/churn"
}

klog_mark
churn &
churn_pid=$!
at_exit "touch $TMP/stop; kill $churn_pid"

ktap_info "fuzzing with seed $SEED (NFGATE_FUZZ_SEED=$SEED reproduces the messages)"
in_ns "$r" "$NLFUZZ" -n "$COUNT" -j 2 -s "$SEED" --verify 300 > "$TMP/fuzz" 2>&1
rc=$?
touch "$TMP/stop"
wait "$churn_pid"
sed 's/^/# /' "$TMP/fuzz"
ktap_info "device churn meanwhile: $(cat "$TMP/churn" 2>/dev/null || echo ?) cycles (wwan0 down/up, lte0 deleted and re-created)"
sent=$(sed -n 's/.* \([0-9]*\) messages in .*/\1/p' "$TMP/fuzz" | head -n 1)
check "nlfuzz: ${sent:-?} messages, nothing unexpected, round trips match" \
	test "$rc" -eq 0
check "at least $COUNT messages sent" test "${sent:-0}" -ge "$COUNT"

# An unprivileged user with a user and network namespace of its own: the
# family is its to configure there (GENL_UNS_ADMIN_PERM), so it can send
# everything, valid or not.
setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
	unshare -U -r -n "$NLFUZZ" -n "$UNPRIV_COUNT" -j 1 -s "$((SEED + 1))" \
	--verify 50 > "$TMP/fuzz-unpriv" 2>&1
rc=$?
sed 's/^/# unprivileged: /' "$TMP/fuzz-unpriv"
check "nlfuzz from an unprivileged user namespace: nothing unexpected" \
	test "$rc" -eq 0

# ---- the family still answers correctly ---------------------------------------
while read -r verdict rest; do
	if [ "$verdict" = PASS ]; then
		ktap_ok "after fuzzing, malformed: $rest"
	else
		ktap_fail "after fuzzing, malformed: $rest"
	fi
done < <(in_ns "$fresh" python3 "$SELFTESTS_DIR/nlcheck.py" malformed 2>&1 ||
	 echo "FAIL nlcheck.py exited with an error")

nf() { in_ns "$r" "$NFGATE" "$@"; }
check "CLI in the fuzzed namespace: set lan" nf set lan dev br0 subnet 192.168.0.0/24
check "CLI: set uplink ppp0" nf set uplink ppp0 tier 0 weight 7 health 900
check "CLI: set forward" nf set forward tcp 8022 to 192.168.0.10:22
check "CLI: show reads back what was set" \
	sh -c "ip netns exec '$r' '$NFGATE' -j show | jq -e '.lan.subnet == \"192.168.0.0/24\" and (.forwards | length) == 1 and [.uplinks[] | select(.ifname == \"ppp0\") | [.weight, .health]] == [[7, 900]]'"
check "CLI: del uplink ppp0" nf del uplink ppp0

# ---- the kernel and the module -----------------------------------------------------
cleanup_all_ns
klog_clean "kernel log clean after fuzzing (no oops, WARN, KASAN, lockdep)"
check "rmmod nfgate after fuzzing" rmmod nfgate
check "insmod nfgate again" nfgate_load
