#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run the kernel's checkpatch.pl (cached by tools/setup.sh) over nfgate's
# kernel and shared sources. Exits nonzero on any error or warning.

set -euo pipefail
shopt -s nullglob

cd "$(dirname "$0")/.."
CP=.cache/checkpatch/checkpatch.pl
[ -x "$CP" ] || tools/setup.sh --checkpatch

files=(kmod/*.c kmod/*.h common/*.c common/*.h include/uapi/linux/*.h)
if [ ${#files[@]} -eq 0 ]; then
	echo "checkpatch: no sources" >&2
	exit 0
fi
exec perl "$CP" --no-tree -q -f "${files[@]}"
