#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The suite split across VM_SHARDS guests that run at the same time:
#
#   tools/vm/run-shards.sh [TEST...]     default: $T, else the whole suite
#
# Each shard is one run-tests.sh: its own guest, its own kernel-log and
# kmemleak scan at the end. Tests go to the shard with the least work so
# far, longest first, by their times in tools/vm/test-times (a test not
# listed there counts 300 s). Each shard's output is streamed with a "[K] "
# prefix and kept whole in .cache/runs/shards-*/K.log. Ends with each
# shard's summary line and one line "N passed, N failed[, N skipped]" for
# all; exits 0 only when every shard did.
#
# Environment: as run-tests.sh; VM_SHARDS (default 2: one guest per host
# core, since a TCG guest keeps a core busy).

set -uo pipefail

source "$(dirname "$0")/lib.sh"

read -r -a tests <<<"${*:-${T:-}}"
if [ ${#tests[@]} -eq 0 ]; then
	read -r -a tests < <(make -s --no-print-directory -C "$VM_REPO/selftests" list)
fi
[ ${#tests[@]} -gt 0 ] || vm_die "no tests"
shards=${VM_SHARDS:-2}
[[ $shards =~ ^[1-9][0-9]*$ ]] || vm_die "VM_SHARDS=$shards: not a number"
[ "$shards" -le ${#tests[@]} ] || shards=${#tests[@]}

# Longest first, each to the shard with the least work so far.
mapfile -t plan < <(
	for t in "${tests[@]}"; do
		t=$(basename "$t")
		echo "${t%.sh}"
	done | awk -v n="$shards" '
		FNR == NR {
			if ($0 !~ /^#/ && NF == 2)
				secs[$1] = $2
			next
		}
		{ name[++m] = $1; w[m] = ($1 in secs) ? secs[$1] : 300 }
		END {
			for (i = 1; i <= m; i++) {	# selection sort, longest first
				k = i
				for (j = i + 1; j <= m; j++)
					if (w[j] > w[k])
						k = j
				t = name[i]; name[i] = name[k]; name[k] = t
				t = w[i]; w[i] = w[k]; w[k] = t
			}
			for (i = 1; i <= m; i++) {
				k = 1
				for (s = 2; s <= n; s++)
					if (load[s] < load[k])
						k = s
				load[k] += w[i]
				list[k] = list[k] " " name[i]
			}
			for (s = 1; s <= n; s++)
				printf "%d%s\n", load[s], list[s]
		}' "$VM_DIR/test-times" -)

# Once, before the guests: the initramfs is built into a shared cache.
vm_prepare

dir=$(mktemp -d "$VM_CACHE/runs/shards-$(date +%Y%m%d-%H%M%S).XXXX")
total_start=$(vm_now)
pids=()
for s in "${!plan[@]}"; do
	read -r secs list <<<"${plan[s]}"
	k=$((s + 1))
	echo "# shard $k (about ${secs}s by tools/vm/test-times): $list"
	# shellcheck disable=SC2086 # a list
	"$VM_DIR/run-tests.sh" $list > "$dir/$k.log" 2>&1 &
	pids+=($!)
	# Let the first guest's QEMU start (and prune old runs) on its own.
	sleep 1
done
tails=()
for s in "${!plan[@]}"; do
	k=$((s + 1))
	tail -n +1 -s 0.5 -F --pid="${pids[s]}" "$dir/$k.log" 2>/dev/null |
		sed -u "s/^/[$k] /" &
	tails+=($!)
done

rc=0
for s in "${!pids[@]}"; do
	wait "${pids[s]}" || rc=1
done
wait "${tails[@]}" 2>/dev/null

passed=0 failed=0 skipped=0
for s in "${!plan[@]}"; do
	k=$((s + 1))
	line=$(tail -n 1 "$dir/$k.log")
	echo "# shard $k: $line"
	if [[ $line =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed(,\ ([0-9]+)\ skipped)?$ ]]; then
		passed=$((passed + BASH_REMATCH[1]))
		failed=$((failed + BASH_REMATCH[2]))
		skipped=$((skipped + ${BASH_REMATCH[4]:-0}))
	else
		echo "# shard $k ended without its summary"
		failed=$((failed + 1)) rc=1
	fi
done
echo "# time: $(vm_since "$total_start")s for $shards shards; logs in ${dir#"$VM_REPO"/}"
summary="$passed passed, $failed failed"
[ "$skipped" -gt 0 ] && summary+=", $skipped skipped"
echo "$summary"
[ $rc -eq 0 ] && [ "$failed" -eq 0 ]
