#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run nfgate's selftests in a QEMU guest:  tools/vm/run-tests.sh [TEST...]
# TEST is "name" or "name.sh" from selftests/ (default: all TEST_PROGS of
# selftests/Makefile; T="a b" in the environment works too). KTAP is streamed
# to stdout as the guest writes it; the guest's kernel log is then scanned for
# oopses, WARNs, lockdep, refcount and leak reports. Ends with one line
# "N passed, N failed[, N skipped]"; exits 0 only when nothing failed and the
# guest powered off by itself.
#
# Environment: KVER/KDIR, VM_* (see lib.sh), TEST_TIMEOUT (per test, s), and
# NFGATE_*, KSFT_*, CYCLES, which are passed to the tests.

set -uo pipefail

source "$(dirname "$0")/lib.sh"

read -r -a tests <<<"${*:-${T:-}}"
if [ ${#tests[@]} -eq 0 ]; then
	read -r -a tests < <(make -s --no-print-directory -C "$VM_REPO/selftests" list)
fi
for i in "${!tests[@]}"; do
	t=$(basename "${tests[i]}")
	t=${t%.sh}.sh
	[ -f "$VM_REPO/selftests/$t" ] || vm_die "no test selftests/$t"
	tests[i]=$t
done
[ ${#tests[@]} -gt 0 ] || vm_die "no tests"

total_start=$(vm_now)
vm_prepare

job=$(mktemp)
vm_write_job "$job" selftests/run_tests.sh "${tests[@]}"
vm_run "$job"
vm_ok=$?
rm -f "$job"
stream=$VM_OUT/stream.log

# Count leaf results: the test scripts' own "ok"/"not ok" lines, which the
# runner indents by one "# ". A test that fails (exit status, timeout) with no
# failing check of its own counts as one failure; a test that passes or skips
# without any check of its own, as one pass or skip.
counts=$(awk '
	function top(line,   notok, skip) {
		notok = line ~ /^not ok/
		skip = line ~ /# SKIP/
		if (notok && lf == 0) {
			failed++
			sub(/^not ok [0-9]+ /, "", line)
			print "# failed without a failing check: " line
		} else if (!notok && lp + lf + ls == 0) {
			if (skip)
				skipped++
			else
				passed++
		}
		lp = lf = ls = 0
	}
	/^(not )?ok [0-9]+ selftests: / { top($0); next }
	/^# not ok [0-9]+/ { lf++; failed++; next }
	/^# ok [0-9]+.*# [Ss][Kk][Ii][Pp]/ { ls++; skipped++; next }
	/^# ok [0-9]+/ { lp++; passed++; next }
	END { print "COUNTS", passed + 0, failed + 0, skipped + 0 }
' "$stream")
grep -v '^COUNTS ' <<<"$counts"
read -r _ passed failed skipped < <(grep '^COUNTS ' <<<"$counts")

ran=$(grep -cE '^(not )?ok [0-9]+ selftests: ' "$stream")
if [ "$ran" -lt ${#tests[@]} ]; then
	echo "# vm: only $ran of ${#tests[@]} tests completed"
fi
if [ $vm_ok -ne 0 ]; then
	echo "# vm: the guest did not finish normally"
	failed=$((failed + 1))
fi
vm_check_kernel_log || failed=$((failed + 1))
vm_print_times "$total_start"

summary="$passed passed, $failed failed"
[ "$skipped" -gt 0 ] && summary+=", $skipped skipped"
echo "$summary"
[ "$failed" -eq 0 ] && [ $vm_ok -eq 0 ]
