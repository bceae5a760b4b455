#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kselftest-style runner: run_tests.sh [TEST...]
# Runs each test (default: TEST_PROGS of the Makefile here; "x" or "x.sh")
# with a timeout (settings: timeout=S, or env TEST_TIMEOUT) and prints KTAP:
# each test's own output indented as "# " comments, then
# "ok N selftests: nfgate: TEST" or "not ok ..."; exit 4 gives "# SKIP".
# Exit status: 0 if no test failed, 1 otherwise.

cd "$(dirname "$0")" || exit 1

timeout=600
if [ -r settings ]; then
	t=$(sed -n 's/^timeout=\([0-9]\+\)$/\1/p' settings)
	[ -n "$t" ] && timeout=$t
fi
timeout=${TEST_TIMEOUT:-$timeout}

tests=("$@")
if [ ${#tests[@]} -eq 0 ]; then
	read -r -a tests < <(make -s --no-print-directory list)
fi

now_ms()
{
	date +%s%3N
}

echo "TAP version 13"
echo "1..${#tests[@]}"
n=0 failed=0
for t in "${tests[@]}"; do
	n=$((n + 1))
	t=${t%.sh}.sh
	hdr="selftests: nfgate: $t"
	echo "# $hdr"
	if [ ! -f "$t" ]; then
		echo "not ok $n $hdr # no such test"
		failed=$((failed + 1))
		continue
	fi
	run=(./"$t")
	[ -x "$t" ] || run=(bash "./$t")
	start=$(now_ms)
	# timeout puts the test in its own process group and kills all of it.
	timeout -k 10 "$timeout" "${run[@]}" </dev/null 2>&1 | sed -u 's/^/# /'
	rc=${PIPESTATUS[0]}
	secs=$(awk -v ms=$(( $(now_ms) - start )) 'BEGIN { printf "%.1f", ms / 1000 }')
	echo "# $t: exit $rc after ${secs}s"

	left=$(ip netns list 2>/dev/null | cut -d' ' -f1)
	if [ -n "$left" ]; then
		echo "# $t left namespaces behind: ${left//$'\n'/ }"
		# In the throwaway VM, clean up so that the next test starts
		# from scratch.
		if [ -n "${NFGATE_VM:-}" ]; then
			for ns in $left; do
				ip netns pids "$ns" | xargs -r kill -9
				ip netns del "$ns"
			done
		fi
	fi
	if [ -n "${NFGATE_VM:-}" ] && [ -d /sys/module/nfgate ]; then
		echo "# $t left nfgate loaded; rmmod"
		rmmod nfgate || echo "# rmmod nfgate failed"
	fi
	case $rc in
	0)	echo "ok $n $hdr" ;;
	4)	echo "ok $n $hdr # SKIP" ;;
	124|137)
		echo "not ok $n $hdr # TIMEOUT $timeout seconds"
		failed=$((failed + 1)) ;;
	*)	echo "not ok $n $hdr # exit=$rc"
		failed=$((failed + 1)) ;;
	esac
done
[ $failed -eq 0 ]
