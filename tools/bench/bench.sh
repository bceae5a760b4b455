#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make bench`: what nfgate costs on the packet path, against plain
# forwarding (a, the limit) and the nftables setup a user builds today for
# the same job (b, the anchor). Documentation/bench.rst explains it all.
#
#   1. callgrind.sh: instructions per call of the shared code (host)
#   2. gen-anchor.py: the anchor ruleset with its 8,000-prefix bypass set
#   3. one guest boot running run.sh: three copies of the topology, a, b and
#      c measured in alternation, BENCH_ROUNDS rounds of every workload
#   4. report.sh: the table, printed and written to
#      .cache/bench/<date>/results.txt (.cache/bench/latest links to it)
#
# Environment: BENCH_ROUNDS (default 5), BENCH_SECONDS per measurement
# (default 2, guest time), BENCH_ICOUNT (below), BENCH_CALLS (callgrind loop
# length), KVER/KDIR and VM_*
# (tools/vm/lib.sh). The module, the tools and tools/bench must be built
# (the Makefile's bench target does it).
#
# Exits 1 if the guest did not finish, a configuration failed its checks or
# the guest's kernel log has a WARN/oops; a target not met is not an error.

set -uo pipefail

# shellcheck source=tools/vm/lib.sh
source "$(dirname "$0")/../vm/lib.sh"

ROUNDS=${BENCH_ROUNDS:-5}
SECS=${BENCH_SECONDS:-2}
# The guest's clock counts instructions (QEMU icount): 2^3 ns each, a
# 125 MIPS machine whose rates do not depend on the host's load (other VMs,
# the host's own work). Single-threaded by nature: one CPU. BENCH_ICOUNT=off
# measures host time instead, on VM_SMP CPUs (default 2), at the mercy of
# the host's load.
ICOUNT=${BENCH_ICOUNT:-shift=3,sleep=off}
if [ "$ICOUNT" = off ]; then
	export VM_SMP=${VM_SMP:-2}
	clock="host time (BENCH_ICOUNT=off)"
else
	export VM_SMP=1
	export VM_QEMU_ARGS="${VM_QEMU_ARGS:-} -icount $ICOUNT"
	clock="instruction count (-icount $ICOUNT)"
fi
# Only what the bench uses (each modprobe costs under TCG); the kernel
# autoloads the rest (nft_numgen, ...).
# shellcheck disable=SC2034 # used by vm_write_job
VM_GUEST_MODULES=${VM_MODULES:-"nf_conntrack nf_nat nf_tables nft_ct
	nft_nat nft_chain_nat nft_masq nft_redir nft_numgen
	veth dummy"}
export VM_TIMEOUT=${VM_TIMEOUT:-1500}

start=$(vm_now)
cd "$VM_REPO" || exit 2
for f in nfgate.ko userspace/nfgate tools/bench/ngbench; do
	[ -e "$f" ] || vm_die "no $f: run make bench (or make && make -C tools/bench)"
done

res=$VM_CACHE/bench/$(date +%Y%m%d-%H%M%S)
mkdir -p "$res" || exit 2

echo "# bench: callgrind figures of the shared code (host)"
tools/bench/callgrind.sh > "$res/callgrind.tsv" || vm_die "callgrind.sh failed"
sed 's/^/#   /' "$res/callgrind.tsv"

tools/bench/gen-anchor.py "$res" || vm_die "gen-anchor.py failed"
echo "# bench: anchor ruleset with $(wc -l < "$res/bypass.txt") bypass prefixes: ${res#"$VM_REPO"/}/anchor.nft"

vm_prepare
job=$(mktemp)
vm_write_job "$job" tools/bench/run.sh /run/nfgate-vm/out "$res/anchor.nft" \
	"$ROUNDS" "$SECS"
echo "# bench: booting the guest ($clock): $ROUNDS rounds x 5 workloads x 3 configurations x ${SECS} s"
vm_run "$job"
vm_ok=$?
rm -f "$job"

rc=0
[ $vm_ok -eq 0 ] || rc=1
[ "${VM_JOB_RC:-1}" = 0 ] || rc=1
for f in raw.tsv meta.tsv stream.log dmesg.txt; do
	[ -f "$VM_OUT/$f" ] && cp "$VM_OUT/$f" "$res/"
done
touch "$res/raw.tsv" "$res/meta.tsv"
printf 'clock\t%s\n' "$clock" >> "$res/meta.tsv"
vm_check_kernel_log || rc=1

tools/bench/report.sh "$res" > "$res/results.txt" || rc=1
ln -sfn "$(basename "$res")" "$VM_CACHE/bench/latest"
echo
cat "$res/results.txt"
echo
echo "# bench: results in ${res#"$VM_REPO"/}/results.txt; wall time $(vm_since "$start") s (guest $VM_WALL s)"
exit $rc
