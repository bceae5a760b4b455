#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the nfgate and nfgate-dkms binary packages from this tree's files
# (tracked and new, not ignored: what a clean clone plus your edits has), in
# a copy under out/deb, so that build products never mix with the tree's.
# Then lintian: any error fails. Prints the paths of the .debs at the end.
#
#   tools/build-deb.sh        (make deb)

set -euo pipefail

cd "$(dirname "$0")/.."
OUT=$PWD/out/deb
version=$(dpkg-parsechangelog -S Version)
src=$OUT/src/nfgate-$version

for t in dpkg-buildpackage dh dh_dkms lintian fakeroot; do
	command -v $t >/dev/null || { echo "build-deb: $t missing (tools/setup.sh)" >&2; exit 1; }
done

rm -rf "$OUT"
mkdir -p "$src"
git ls-files -z -co --exclude-standard | xargs -0 cp -p --parents -t "$src"

(cd "$src" && dpkg-buildpackage -b -us -uc -j2) > "$OUT/build.log" 2>&1 || {
	tail -n 40 "$OUT/build.log" >&2
	echo "build-deb: dpkg-buildpackage failed (log: ${OUT#"$PWD"/}/build.log)" >&2
	exit 1
}

changes=$(ls "$OUT"/src/nfgate_"$version"_*.changes)
# Errors fail; warnings and the rest are shown.
lintian --fail-on error --info "$changes" | tee "$OUT/lintian.log"
mv "$OUT"/src/*.deb "$OUT"/
ls "$OUT"/*.deb
