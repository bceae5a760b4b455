#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot the test VM and run selftests/demo.sh (the demo topology) in it; its
# output is streamed to stdout. Exits 0 when the demo succeeded, the guest
# powered off by itself and its kernel log is clean.
# Environment: as run-tests.sh; DEMO=path runs another script of the repo.

set -uo pipefail

source "$(dirname "$0")/lib.sh"

demo=${DEMO:-selftests/demo.sh}
[ -f "$VM_REPO/$demo" ] || vm_die "no $demo"

total_start=$(vm_now)
vm_prepare

job=$(mktemp)
vm_write_job "$job" /bin/bash "$demo"
vm_run "$job"
vm_ok=$?
rm -f "$job"

rc=0
[ $vm_ok -eq 0 ] || rc=1
if [ -n "$VM_JOB_RC" ] && [ "$VM_JOB_RC" -ne 0 ]; then
	echo "# vm: $demo exited with status $VM_JOB_RC"
	rc=1
fi
vm_check_kernel_log || rc=1
vm_print_times "$total_start"
exit $rc
