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
#   dns      common/tests/bench_dnsguard: ng_bench_dnsguard_check(), the
#            whole shared DNS reply check of kmod/dns.c on a typical reply
#            (a_opt: one question, one A record, OPT): parse, answer hash,
#            forged-set lookup in data/forged.txt's 486 addresses, signals,
#            verdict, learning (the reply is clean)
#   dns_hash, dns_set, dns_signals, dns_verdict, dns_learn
#            the parts of that check, from the same run
#   dns_parse  common/tests/bench_dns: ng_dns_parse_ex() alone on the same
#            reply
#   bypass   common/tests/bench_cidrset:
#            ng_cidrset_contains() on 8,000 chnroute-like prefixes
#   bypass_worst   the same on 8,000 disjoint /24s (nothing merges: the
#            deepest search)
#   wchoice  tools/bench/bench_wchoice: ng_wchoice_pick(), two uplinks

set -uo pipefail

cd "$(dirname "$0")/../.." || exit 1
N=${BENCH_CALLS:-200000}

# callgrind_run OUT CMD...: run CMD under callgrind, its profile in OUT.
callgrind_run()
{
	local out=$1; shift
	valgrind --tool=callgrind --callgrind-out-file="$out" "$@" \
		> /dev/null 2>&1
}

# callgrind_per_call FUNC CMD...: instructions per call of FUNC (and the
# number of calls), or nothing.
callgrind_per_call()
{
	local func=$1; shift
	local out
	out=$(mktemp)
	if ! callgrind_run "$out" "$@"; then
		rm -f "$out"
		return 1
	fi
	callgrind_read "$func" "$out"
	rm -f "$out"
}

# callgrind_read FUNC OUT: instructions per call of FUNC (and the number of
# calls) in the profile OUT, or nothing.
callgrind_read()
{
	local func=$1 out=$2
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
}

# print_figure KEY FUNC WHAT R: R is "INSTR CALLS" or empty (failed).
print_figure()
{
	local key=$1 func=$2 what=$3 r=$4
	if [ -z "$r" ]; then
		printf '%s\tn/a\t%s: no call of %s counted\n' "$key" "$what" "$func"
		return
	fi
	printf '%s\t%s\t%s, %s calls\n' "$key" "${r% *}" "$what" "${r#* }"
}

# figure KEY FUNC WHAT CMD...
figure()
{
	local key=$1 func=$2 what=$3; shift 3
	print_figure "$key" "$func" "$what" "$(callgrind_per_call "$func" "$@")"
}

# figures CMD -- KEY FUNC WHAT [KEY FUNC WHAT...]: several functions of
# one run of CMD.
figures()
{
	local cmd=() out
	while [ "$1" != -- ]; do
		cmd+=("$1")
		shift
	done
	shift
	out=$(mktemp)
	callgrind_run "$out" "${cmd[@]}" || : > "$out"
	while [ $# -ge 3 ]; do
		print_figure "$1" "$2" "$3" "$(callgrind_read "$2" "$out")"
		shift 3
	done
	rm -f "$out"
}

command -v valgrind > /dev/null || { echo "callgrind.sh: no valgrind" >&2; exit 1; }

if make -s -C common/tests bench_dnsguard > /dev/null; then
	figures common/tests/bench_dnsguard a_opt "$N" data/forged.txt -- \
		dns ng_bench_dnsguard_check "typical reply (a_opt), clean: all of the below" \
		dns_hash ng_dnsg_answer_hash "ng_dnsg_answer_hash" \
		dns_set ng_addrset_contains "ng_addrset_contains, 486 addresses (data/forged.txt)" \
		dns_signals ng_dnsg_signals "ng_dnsg_signals, resolver baseline full" \
		dns_verdict ng_dnsg_verdict "ng_dnsg_verdict" \
		dns_learn ng_dnsg_learn "ng_dnsg_learn"
else
	printf 'dns\tn/a\tcommon/tests/bench_dnsguard does not build\n'
fi

if make -s -C common/tests bench_dns > /dev/null; then
	figure dns_parse ng_dns_parse_ex "typical reply (a_opt), ng_dns_parse_ex" \
		common/tests/bench_dns a_opt "$N"
else
	printf 'dns_parse\tn/a\tcommon/tests/bench_dns does not build\n'
fi

if make -s -C common/tests bench_cidrset > /dev/null; then
	figure bypass ng_cidrset_contains "chnroute-like list" \
		common/tests/bench_cidrset lookup chnroute "$N"
	figure bypass_worst ng_cidrset_contains "8,000 disjoint /24s" \
		common/tests/bench_cidrset lookup disjoint "$N"
else
	printf 'bypass\tn/a\tcommon/tests/bench_cidrset does not build\n'
fi

if make -s -C tools/bench bench_wchoice > /dev/null; then
	figure wchoice ng_wchoice_pick "2 uplinks, weights 3:1" \
		tools/bench/bench_wchoice "$N"
else
	printf 'wchoice\tn/a\ttools/bench/bench_wchoice does not build\n'
fi
