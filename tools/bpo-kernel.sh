#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# nfgate's second kernel: the newest 6.12 from bookworm-backports, fetched
# with apt-get into the git-ignored .cache/bpo and unpacked there. Nothing is
# installed on the host (installing the headers would make them the newest
# /usr/src/linux-headers-*, the default KDIR of every other build here), and
# the host's apt sources are left alone: apt runs with a private source list
# and private package lists. Idempotent; the package lists are refreshed
# once a day.
#
#   tools/bpo-kernel.sh headers   unpack the headers, print KDIR
#   tools/bpo-kernel.sh image     also unpack the image into .cache/kernel/KVER
#                                 (where tools/vm/lib.sh looks for it)
#   tools/bpo-kernel.sh build     W=1 build of the module against the headers
#                                 in .cache/build/KVER, print the .ko's path
#
# Environment: BPO_SERIES (default 6.12), BPO_SUITE (bookworm-backports),
# BPO_MIRROR (http://deb.debian.org/debian).

set -euo pipefail

cd "$(dirname "$0")/.."
REPO=$PWD
SERIES=${BPO_SERIES:-6.12}
SUITE=${BPO_SUITE:-bookworm-backports}
MIRROR=${BPO_MIRROR:-http://deb.debian.org/debian}
BPO=$REPO/.cache/bpo
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg

log()
{
	echo "bpo-kernel: $*" >&2
}

die()
{
	log "error: $*"
	exit 1
}

APT_OPTS=(
	-o "Dir::Etc::SourceList=$BPO/sources.list"
	-o "Dir::Etc::SourceParts=$BPO/sources.list.d"
	-o "Dir::State::Lists=$BPO/lists"
	-o "Dir::Cache=$BPO/apt-cache"
	-o "APT::Sandbox::User=root"
	-q
)

apt_setup()
{
	mkdir -p "$BPO/sources.list.d" "$BPO/lists/partial" \
		 "$BPO/apt-cache/archives/partial" "$BPO/deb"
	local line="deb [signed-by=$KEYRING] $MIRROR $SUITE main"
	if [ "$(cat "$BPO/sources.list" 2>/dev/null)" != "$line" ]; then
		echo "$line" > "$BPO/sources.list"
		rm -f "$BPO/lists/"*_Packages "$BPO/lists/"*Release* "$BPO/updated"
	fi
	# Fresh enough: updated within a day (apt dates the lists themselves
	# by the archive's Last-Modified, hence a stamp of our own).
	if [ -n "$(find "$BPO" -maxdepth 1 -name updated -mtime -1)" ]; then
		return 0
	fi
	log "apt-get update ($SUITE)"
	apt-get "${APT_OPTS[@]}" update >&2 || die "apt-get update failed"
	touch "$BPO/updated"
}

# The ABI name of the newest $SERIES flavour amd64 headers, e.g.
# 6.12.95+deb12-amd64 (never hard-coded: backports moves on).
abi_name()
{
	apt-cache "${APT_OPTS[@]}" search --names-only \
		"^linux-headers-${SERIES//./\\.}\\.[0-9.+a-z~]*-amd64\$" |
		awk '{ print $1 }' | grep -v -e '-rt-' -e '-cloud-' |
		sed 's/^linux-headers-//' | sort -V | tail -n 1
}

# fetch PKG...: download the packages into $BPO/deb, once.
fetch()
{
	local p missing=()
	for p in "$@"; do
		compgen -G "$BPO/deb/${p}_*.deb" >/dev/null || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	log "downloading ${missing[*]}"
	(cd "$BPO/deb" && apt-get "${APT_OPTS[@]}" download "${missing[@]}" >&2) ||
		die "apt-get download failed"
}

# Sets KVER and KDIR, unpacking the headers when needed.
headers()
{
	apt_setup
	KVER=$(abi_name)
	[ -n "$KVER" ] || die "no linux-headers-$SERIES.*-amd64 in $SUITE"
	local base=${KVER%-amd64}
	local root=$BPO/root/$KVER
	KDIR=$root/usr/src/linux-headers-$KVER
	[ -e "$root/.complete" ] && return 0

	fetch "linux-headers-$KVER" "linux-headers-$base-common" \
	      "linux-kbuild-$base"
	rm -rf "$root"
	mkdir -p "$root"
	local p
	for p in "linux-headers-$KVER" "linux-headers-$base-common" \
		 "linux-kbuild-$base"; do
		dpkg -x "$BPO/deb/${p}_"*.deb "$root"
	done
	# The flavour's Makefile includes the common one by absolute path.
	grep -q "^include /usr/src/linux-headers-$base-common/Makefile\$" \
		"$KDIR/Makefile" || die "unexpected $KDIR/Makefile"
	echo "include $root/usr/src/linux-headers-$base-common/Makefile" \
		> "$KDIR/Makefile"
	touch "$root/.complete"
}

# Unpacks linux-image-$KVER(-unsigned) as tools/vm/lib.sh's vm_fetch_kernel
# would (it only knows the host's apt sources).
image()
{
	local kdir=$REPO/.cache/kernel/$KVER
	[ -e "$kdir/.complete" ] && return 0
	fetch "linux-image-$KVER-unsigned"
	mkdir -p "$REPO/.cache/kernel"
	local tmp
	tmp=$(mktemp -d "$REPO/.cache/kernel/fetch.XXXXXX")
	dpkg -x "$BPO/deb/linux-image-$KVER-unsigned_"*.deb "$tmp"
	[ -d "$tmp/lib/modules/$KVER" ] || die "no lib/modules/$KVER in the image"
	depmod -b "$tmp" "$KVER" || die "depmod failed"
	rm -rf "$kdir"
	mv "$tmp" "$kdir"
	touch "$kdir/.complete"
}

# W=1 build in a copy of the sources, so that the tree's own nfgate.ko
# (built for the default kernel) is left alone.
build()
{
	local out=$REPO/.cache/build/$KVER
	mkdir -p "$out"
	# Sources only (not the tree's objects), modification times kept.
	git ls-files -z -co --exclude-standard Kbuild kmod common include |
		xargs -0 cp -p --parents --update -t "$out"
	command -v pahole >/dev/null ||
		die "pahole missing (the 6.12 headers build BTF; apt-get install dwarves)"
	make -C "$KDIR" M="$out" W=1 modules >&2
	echo "$out/nfgate.ko"
}

case "${1:-}" in
headers)	headers; echo "$KDIR" ;;
image)		headers; image; echo "$KDIR" ;;
build)		headers; build ;;
*)		echo "usage: $0 headers|image|build" >&2; exit 2 ;;
esac
