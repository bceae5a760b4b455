#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make check-debug: the VM suite on a debug kernel (KASAN, kmemleak,
# lockdep, DEBUG_NET, netdev refcount trackers; tools/vm/debug-kernel.sh
# builds it from linux-source-6.1, once, which takes hours on two cores).
# nfgate.ko is built against it in .cache/kdebug/mod (a copy of the
# module's sources, so the tree's own nfgate.ko stays the Debian one).
#
#   tools/vm/check-debug.sh [TEST...]    default: $T, else the whole suite
#
# The tests are split across VM_SHARDS guests (default 2) that run at the
# same time (run-shards.sh): the whole suite takes about 4.4 hours in one
# guest. Each guest scans its kernel log and kmemleak at its end.
#
# Environment: as run-tests.sh; VM_TIMEOUT defaults to 14400 s, VM_MEM to
# 2048 MiB, TEST_TIMEOUT to 6000 s and NFGATE_SLOW to 10 here (KASAN under
# emulation is five to fifteen times slower and needs shadow memory).
# VM_ACCEL defaults to tcg,thread=single, as for 6.12: under multi-threaded
# TCG this kernel once trapped on an int3 that static-key patching had
# already replaced (Documentation/testing.rst, "On 6.12, and the emulator").

set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
tests=${*:-${T:-$(make -s --no-print-directory -C "$repo/selftests" list)}}

kver=$("$repo/tools/vm/debug-kernel.sh" | tail -n 1)
kdir=$repo/.cache/kdebug/build
mod=$repo/.cache/kdebug/mod
rm -rf "$mod"
mkdir -p "$mod"
cp -r "$repo/Kbuild" "$repo/kmod" "$repo/common" "$repo/include" "$mod/"
make -C "$kdir" M="$mod" W=1 modules
make -C "$repo/userspace"
make -C "$repo/selftests"

# The bzImage, not the extracted vmlinux: this kernel's PVH entry point
# does not come up under QEMU (it exits at once, nothing on the serial
# line), KASAN's early shadow set-up presumably.
export VM_TIMEOUT=${VM_TIMEOUT:-14400} VM_MEM=${VM_MEM:-2048} VM_BZIMAGE=1
export VM_ACCEL=${VM_ACCEL:-tcg,thread=single} TEST_TIMEOUT=${TEST_TIMEOUT:-6000}
# The tests stretch their clients' timeouts and generous bounds by it
# (selftests/lib.sh): failover's first connection after ppp0 went down took
# 9.2 s here with 0.5 s timeouts, against 70 ms on Debian's kernel.
export NFGATE_SLOW=${NFGATE_SLOW:-10}
# 4-level paging: -cpu max offers LA57, and identify_cpu() clears
# boot_cpu_data's capabilities before it reads CPUID again. An interrupt in
# that window sees pgtable_l5_enabled() false, so KASAN takes the 5-level
# direct map for wild addresses: "BUG: KASAN: wild-memory-access in
# do_raw_spin_lock" from handle_edge_irq(), interrupting cpu_detect(), at
# 0.012 s, in one boot of three. A false report in the kernel's own boot
# would fail the whole run.
export VM_APPEND="${VM_APPEND:-} no5lvl"
# shellcheck disable=SC2086 # a list
NFGATE_KO=$mod/nfgate.ko KVER=$kver VM_SHARDS=${VM_SHARDS:-2} \
	exec "$repo/tools/vm/run-shards.sh" $tests
