#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The two binaries' argument handling, as far as it needs no kernel module:
# help, usage errors (exit 2) and nfgated --check.
cd "$(dirname "$0")" || exit 1
NFGATE=../nfgate
NFGATED=../nfgated
n=0
failed=0
echo "# tools"

# check DESC EXPECTED_STATUS GREP_PATTERN CMD...: runs CMD, checks the
# status and that its output (stdout+stderr) contains the pattern.
check() {
	desc=$1 want=$2 pattern=$3
	shift 3
	out=$("$@" 2>&1)
	rc=$?
	n=$((n + 1))
	if [ "$rc" = "$want" ] && printf '%s\n' "$out" | grep -qF -- "$pattern"; then
		echo "ok $n - tools: $desc"
	else
		echo "not ok $n - tools: $desc (exit $rc, want $want)"
		printf '%s\n' "$out" | sed 's/^/#   /'
		failed=$((failed + 1))
	fi
}

check "nfgate --help" 0 "Available subcommands:" $NFGATE --help
check "nfgate help set" 0 "Usage: nfgate set lan dev IFNAME subnet A.B.C.D/N" $NFGATE help set
check "nfgate set --help" 0 "Usage: nfgate set lan dev IFNAME" $NFGATE set --help
check "nfgate show -h" 0 "Usage: nfgate [-j] show" $NFGATE show -h
check "nfgate help monitor" 0 "Usage: nfgate [-j] monitor" $NFGATE help monitor
check "nfgate help bogus" 2 "unknown subcommand" $NFGATE help bogus
check "nfgate frob" 2 "nfgate: invalid subcommand 'frob'" $NFGATE frob
check "nfgate -x" 2 "nfgate: -x: unknown option" $NFGATE -x
check "nfgate -n (no name)" 2 "missing namespace name" $NFGATE -n
check "nfgate set" 2 "nfgate: set: missing object: lan, uplink, settings, forward or dns" $NFGATE set
check "nfgate help set: settings" 0 "nfgate set settings [mark-mask MASK]" $NFGATE help set
check "nfgate help set: forward" 0 "nfgate set forward tcp|udp PORT to A.B.C.D[:PORT] [uplink IFNAME]" $NFGATE help set
check "nfgate help del: forward" 0 "nfgate del forward tcp|udp PORT" $NFGATE help del
check "nfgate set settings mark-mask 0xff00ff" 2 "nfgate: set settings: mark-mask: 0xff00ff is not one run of contiguous bits" \
	$NFGATE set settings mark-mask 0xff00ff
check "nfgate set settings failover-rst maybe" 2 "nfgate: set settings: failover-rst: 'maybe' is not a boolean" \
	$NFGATE set settings failover-rst maybe
check "nfgate set settings" 2 "nfgate: set settings: settings: nothing to set" $NFGATE set settings
check "nfgate set forward tcp 0" 2 "nfgate: set forward: forward: port: 0 is out of range 1..65535" \
	$NFGATE set forward tcp 0 to 192.168.0.11
check "nfgate set forward to bad" 2 "nfgate: set forward: to: '192.168.0.300' is not an IPv4 address" \
	$NFGATE set forward tcp 80 to 192.168.0.300
check "nfgate del forward tcp" 2 "nfgate: del forward: forward: missing port" $NFGATE del forward tcp
check "nfgate show forwards extra" 2 "too many arguments" $NFGATE show forwards extra
check "nfgate set uplink ppp0 tier 99" 2 "nfgate: set uplink: tier: 99 is out of range 0..15" $NFGATE set uplink ppp0 tier 99
check "nfgate del uplink" 2 "nfgate: del uplink: uplink: missing interface name" $NFGATE del uplink
check "nfgate monitor extra" 2 "too many arguments" $NFGATE monitor extra
check "nfgate show lan extra" 2 "too many arguments" $NFGATE show lan extra
check "nfgate help set: dns" 0 "nfgate set dns [mode off|log|drop] [router-mode inherit|off|log|drop]" \
	$NFGATE help set
check "nfgate set dns mode on" 2 "nfgate: set dns: mode: 'on' is not a mode (expected off, log or drop)" \
	$NFGATE set dns mode on
check "nfgate set dns drop-score 9" 2 "nfgate: set dns: drop-score: 9 is out of range 0..6" \
	$NFGATE set dns drop-score 9
check "nfgate show dns extra" 2 "too many arguments" $NFGATE show dns extra
check "nfgate help forged" 0 "nfgate [-j] forged load FILE" $NFGATE help forged
check "nfgate forged frob" 2 "nfgate: forged: expected show, add, del, flush or load" $NFGATE forged frob
check "nfgate forged add" 2 "nfgate: forged add: missing entries" $NFGATE forged add
check "nfgate forged add 0.0.0.0" 2 "nfgate: forged add: 0.0.0.0 can not be in the set" \
	$NFGATE forged add 1.2.3.4 0.0.0.0
check "nfgate forged del ::/0" 2 "nfgate: forged del: '::/0': prefix length: 0 is out of range 8..128" \
	$NFGATE forged del ::/0
check "nfgate forged load" 2 "nfgate: forged load: missing file" $NFGATE forged load
check "nfgate forged flush x" 2 "nfgate: forged flush: too many arguments" $NFGATE forged flush x

check "nfgated --help" 0 "Usage: nfgated" $NFGATED --help
check "nfgated -x" 2 "Usage: nfgated" $NFGATED -x
check "nfgated --check example" 0 "../nfgate.conf.example: OK" $NFGATED --check -c ../nfgate.conf.example
check "nfgated -t bad config" 1 "configs/bad/01-weight-range.conf:7: weight: 5000 is out of range 0..1000" \
	$NFGATED -t -c configs/bad/01-weight-range.conf
check "nfgated -t bad [settings]" 1 "configs/bad/39-mark-mask-holes.conf:6: mark_mask: 0x00ff00ff is not one run" \
	$NFGATED -t -c configs/bad/39-mark-mask-holes.conf
check "nfgated -t bad [forward]" 1 "configs/bad/51-forward-to-outside-lan.conf:6: to: 192.168.4.11 is not in the LAN" \
	$NFGATED -t -c configs/bad/51-forward-to-outside-lan.conf
check "nfgated -t good forwards" 0 "OK (LAN br0, 1 uplink(s), 3 forward(s))" \
	$NFGATED -t -c configs/good/settings-forwards.conf
check "nfgated -t good [dns]" 0 "; DNS check: mode drop, no forged_file: 0 addresses, 0 IPv6 prefixes, 3 canary name(s)" \
	$NFGATED -t -c configs/good/dns.conf
check "nfgated -t bad [dns]" 1 "configs/bad/85-dns-per-client-above-max.conf:7: hold_per_client: 9 is above hold_max (8)" \
	$NFGATED -t -c configs/bad/85-dns-per-client-above-max.conf
check "nfgated -t missing forged_file" 1 "configs/bad/96-dns-forged-file-missing.conf:6: forged_file: /nonexistent/forged.txt: No such file or directory" \
	$NFGATED -t -c configs/bad/96-dns-forged-file-missing.conf
check "nfgated -t missing file" 1 "/nonexistent/nfgate.conf: No such file or directory" \
	$NFGATED -t -c /nonexistent/nfgate.conf
check "nfgated bad config: nothing applied, exit 1" 1 "is not valid, nothing applied" \
	$NFGATED -f -c configs/bad/01-weight-range.conf

check "nfgated -t [firewall]" 0 "OK (LAN br0, 2 uplink(s), 0 forward(s)); firewall" \
	$NFGATED -t -c firewall/seed.conf
check "nfgated -p prints the baseline" 0 'iifname "br0" oifname @uplinks accept' \
	$NFGATED -p -c firewall/seed.conf

# The expected rulesets through nft's own check (-c: parsed, sent to the
# kernel as a batch that is checked, never committed), in a namespace of
# its own. Needs nft, root and unshare; a kernel without a feature a file
# uses (the host's may lack nft_meta_bridge) skips that file.
if command -v nft >/dev/null && unshare -n true 2>/dev/null; then
	for f in firewall/*.nft; do
		out=$(unshare -n nft -c -f "$f" 2>&1)
		rc=$?
		n=$((n + 1))
		if [ $rc = 0 ]; then
			echo "ok $n - tools: nft -c $f"
		elif printf '%s\n' "$out" | grep -q "Operation not supported"; then
			echo "ok $n - tools: nft -c $f # SKIP this kernel lacks: $(printf '%s\n' "$out" |
				sed -n '2s/^[[:space:]]*//p')"
		else
			echo "not ok $n - tools: nft -c $f"
			printf '%s\n' "$out" | sed 's/^/#   /'
			failed=$((failed + 1))
		fi
	done
else
	n=$((n + 1))
	echo "ok $n - tools: nft -c of the expected rulesets # SKIP no nft or no unshare -n"
fi

echo "1..$n"
echo "# tools: $((n - failed)) passed, $failed failed"
[ $failed = 0 ]
