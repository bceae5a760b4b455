#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The host half of `make bench`: instructions per call of the code shared by
# the module and userspace (common/), counted by callgrind, so the figures
# repeat exactly from run to run, unlike times.
#
#   tools/bench/callgrind.sh > FILE
#
# One tab-separated line per figure: KEY, instructions per call (or "n/a"),
# and what was measured (or why not). Each figure comes from a program that
# calls the function out of line in a loop; the count is the function's
# inclusive cost divided by its number of calls, read from callgrind's
# output, so the programs' own setup does not count.
#
#   dns      common/tests/bench_dns: ng_dns_parse_ex() on a typical reply
#            (a_opt: one question, one A record, OPT)
#   bypass   common/tests/bench_cidrset, when it exists:
#            ng_cidrset_contains() on 8,000 chnroute-like prefixes
#   bypass_worst   the same on 8,000 disjoint /24s (nothing merges: the
#            deepest search)
#   wchoice  tools/bench/bench_wchoice: ng_wchoice_pick(), two uplinks

set -uo pipefail

cd "$(dirname "$0")/../.." || exit 1
N=${BENCH_CALLS:-200000}

# callgrind_per_call FUNC CMD...: instructions per call of FUNC (and the
# number of calls), or nothing.
callgrind_per_call()
{
	local func=$1; shift
	local out
	out=$(mktemp)
	if ! valgrind --tool=callgrind --callgrind-out-file="$out" "$@" \
			> /dev/null 2>&1; then
		rm -f "$out"
		return 1
	fi
	# Names are compressed: "cfn=(7) name" the first time, "cfn=(7)"
	# after. A "calls=N ..." line follows the callee's cfn line and is
	# followed by the line of the call's inclusive cost.
	awk -v f="$func" '
		/^c?fn=\(/ {
			match($0, /\([0-9]+\)/)
			id = substr($0, RSTART, RLENGTH)
			name = substr($0, RSTART + RLENGTH + 1)
			if (name != "")
				names[id] = name
			else
				name = names[id]
			if ($0 ~ /^cfn=/)
				callee = name
			next
		}
		/^calls=/ {
			split($1, c, "=")
			n = c[2]
			getline
			if (callee == f || index(callee, f ".") == 1) {
				calls += n
				cost += $2
			}
			next
		}
		END { if (calls) printf "%.1f %d\n", cost / calls, calls }
	' "$out"
	rm -f "$out"
}

# figure KEY FUNC WHAT CMD...
figure()
{
	local key=$1 func=$2 what=$3; shift 3
	local r
	r=$(callgrind_per_call "$func" "$@")
	if [ -z "$r" ]; then
		printf '%s\tn/a\t%s: no call of %s counted (%s failed?)\n' \
			"$key" "$what" "$func" "$*"
		return
	fi
	printf '%s\t%s\t%s, %s calls\n' "$key" "${r% *}" "$what" "${r#* }"
}

command -v valgrind > /dev/null || { echo "callgrind.sh: no valgrind" >&2; exit 1; }

if [ -f common/tests/bench_dns.c ] &&
   make -s -C common/tests bench_dns > /dev/null; then
	figure dns ng_dns_parse_ex "typical reply (a_opt), parse" \
		common/tests/bench_dns a_opt "$N"
else
	printf 'dns\tn/a\tcommon/tests/bench_dns missing\n'
fi

if [ -f common/tests/bench_cidrset.c ] &&
   make -s -C common/tests bench_cidrset > /dev/null; then
	figure bypass ng_cidrset_contains "chnroute-like list" \
		common/tests/bench_cidrset lookup chnroute "$N"
	figure bypass_worst ng_cidrset_contains "8,000 disjoint /24s" \
		common/tests/bench_cidrset lookup disjoint "$N"
else
	printf 'bypass\tn/a\tnot written yet (no common/tests/bench_cidrset)\n'
fi

if make -s -C tools/bench bench_wchoice > /dev/null; then
	figure wchoice ng_wchoice_pick "2 uplinks, weights 3:1" \
		tools/bench/bench_wchoice "$N"
else
	printf 'wchoice\tn/a\ttools/bench/bench_wchoice does not build\n'
fi
