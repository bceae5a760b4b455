#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A big dump racing changes: the forged set holds 60,000 addresses (59
# messages of NFGATE_FORGED_CHUNK entries) while another process adds and
# deletes one address. NFGATE_DEBUG=1 makes the CLI report how many dumps
# it restarted after NLM_F_DUMP_INTR.
#
# - changes every 20 ms, faster than a dump: the kernel flags most raw
#   dumps NLM_F_DUMP_INTR and every one it does not flag holds a set that
#   existed; the CLI restarts its dump, and either gets one through or
#   gives up after NFG_DUMP_RETRIES + 1 tries with an error, printing
#   nothing partial;
# - changes every ten dump times: the CLI prints a set that really existed
#   (60,000 or 60,001 entries, no duplicate) every time, restarting the
#   dumps that raced a change.

source "$(dirname "$0")/lib.sh"

N=${NFGATE_DUMPINTR_ENTRIES:-60000}
NFGATE=$SELFTESTS_DIR/../userspace/nfgate
NLCHECK=$SELFTESTS_DIR/nlcheck.py

require_root
require_cmd ip python3
[ -x "$NFGATE" ] || skip_all "no $NFGATE (make userspace)"
nfgate_use fresh

TMP=$(mktemp -d)
at_exit rm -rf "$TMP"
setup_ns r || exit 1
nf() { in_ns "$r" "$NFGATE" "$@"; }
klog_mark

# 10.0.0.0 + i, i = 1..N (never 0.0.0.0, never 192.0.2.1)
awk -v n="$N" 'BEGIN { for (i = 1; i <= n; i++)
	printf "10.%d.%d.%d\n", int(i / 65536), int(i / 256) % 256, i % 256 }' \
	> "$TMP/set"
t0=$(date +%s%N)
check "forged load: $N addresses" nf forged load "$TMP/set"
ktap_info "loaded $N addresses in $((($(date +%s%N) - t0) / 1000000)) ms"
got=$(nf forged show | wc -l)
check "forged show, quiet: $got entries" test "$got" -eq "$N"
out=$(in_ns "$r" python3 "$NLCHECK" dumps 3)
dump_ms=$(sed -n 's/.* ms \([0-9]*\)$/\1/p' <<<"$out")
ktap_info "raw dumps, quiet: $out"
check "quiet: no dump flagged" grep -q ' intr 0 ' <<<"$out"

# churn_start MS: the changer, a change every MS ms, until churn_stop.
# Neither runs under check: check's subshell would lose churn_pid.
churn_start()
{
	rm -f "$TMP/stop"
	in_ns "$r" python3 "$NLCHECK" churn "$TMP/stop" "$1" > "$TMP/churn" 2>&1 &
	churn_pid=$!
	busywait 20000 grep -q changing "$TMP/churn"
}
# churn_stop: stop the changer and wait for it to exit (its last line
# counts the changes it made).
churn_stop()
{
	touch "$TMP/stop"
	wait "$churn_pid"
	ktap_info "changer: exit $?, $(tail -n 1 "$TMP/churn")"
}
at_exit "touch $TMP/stop"

# show I: the CLI once; sets rc, restarts, lines, uniq
show()
{
	NFGATE_DEBUG=1 in_ns "$r" "$NFGATE" forged show > "$TMP/show" 2> "$TMP/err"
	rc=$?
	restarts=$(sed -n 's/.*debug: \([0-9]*\) dump(s) restarted.*/\1/p' "$TMP/err")
	lines=$(wc -l < "$TMP/show")
	uniq=$(sort -u "$TMP/show" | wc -l)
}

# ---- changes faster than a dump ------------------------------------------------
churn_start 20
check "changer every 20 ms" grep -q changing "$TMP/churn"
out=$(in_ns "$r" python3 "$NLCHECK" dumps 5 "$N")
ktap_info "raw dumps, changes every 20 ms: $out"
# Most dumps race a change, but how many depends on the scheduler (with
# the guest's CPUs taking turns on one host thread, one of five has run
# between two changes): every one that is not flagged must hold a set
# that existed.
intr=$(sed -n 's/.* intr \([0-9]*\) .*/\1/p' <<<"$out")
check "the kernel flags raced dumps NLM_F_DUMP_INTR (${intr:-?} of 5)" test "${intr:-0}" -ge 1
check "each dump not flagged holds a set that existed" grep -q ' unflagged_bad 0$' <<<"$out"
show
ktap_info "CLI: exit $rc, ${restarts:-?} restarts, $lines lines, $uniq distinct: $(grep -v debug "$TMP/err" | head -c 200)"
check "the CLI restarted its dump (${restarts:-0} times; at most NFG_DUMP_RETRIES + 1 tries)" \
	test "${restarts:-0}" -ge 1
# Then it either got a dump through between two changes (a set that
# existed) or gave up after its last try, saying why, printing nothing.
if [ "$rc" -eq 0 ]; then
	check "... then printed a set that existed ($lines entries, $uniq distinct)" \
		sh -c "[ $lines -eq $uniq ] && [ $lines -ge $N ] && [ $lines -le $((N + 1)) ]"
else
	check "... then gave up saying why, printing nothing partial" \
		sh -c "grep -q 'kept changing' '$TMP/err' && [ $lines -eq 0 ]"
fi
churn_stop
check "changer made no error" grep -q '^changes [1-9]' "$TMP/churn"

# ---- changes every ten dump times ------------------------------------------------
# (the CLI also checks the set's size against the module's count after
# the dump, and reads again if a change came in between)
period=$(( ${dump_ms:-500} * 10 ))
churn_start "$period"
check "changer every $period ms" grep -q changing "$TMP/churn"
total=0 good=0 gaveup=0 runs=${NFGATE_DUMPINTR_RUNS:-6}
for i in $(seq 1 "$runs"); do
	show
	total=$((total + ${restarts:-0}))
	if [ "$rc" -eq 0 ] && [ "$uniq" -eq "$lines" ] &&
	   { [ "$lines" -eq "$N" ] || [ "$lines" -eq $((N + 1)) ]; }; then
		good=$((good + 1))
	elif [ "$rc" -ne 0 ] && [ "$lines" -eq 0 ] && grep -q 'kept changing' "$TMP/err"; then
		gaveup=$((gaveup + 1))	# raced every try: refused, nothing wrong printed
	else
		ktap_info "show $i: exit $rc, $lines lines, $uniq distinct: $(head -c 300 "$TMP/err")"
	fi
done
churn_stop
check "changer made no error" grep -q '^changes [1-9]' "$TMP/churn"
ktap_info "CLI, a change every $period ms: $good of $runs dumps printed a set that existed, $gaveup gave up (raced every try), $total restarted after NLM_F_DUMP_INTR"
check "no CLI dump printed a set that did not exist ($good good, $gaveup gave up, of $runs)" \
	test $((good + gaveup)) -eq "$runs"
check "most CLI dumps succeeded ($good of $runs)" test $((2 * good)) -gt "$runs"

got=$(nf forged show | wc -l)
check "quiet again: $got entries ($N or $((N + 1)))" \
	test "$got" -eq "$N" -o "$got" -eq $((N + 1))
check "forged flush" nf forged flush
check "set empty after flush" test "$(nf forged show | wc -l)" -eq 0
cleanup_all_ns
klog_clean "kernel log clean"
