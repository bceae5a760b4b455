#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install everything nfgate's build and tests need on a Debian 12 machine, and
# extract checkpatch.pl from linux-source-6.1 into the git-ignored .cache/.
# Idempotent and quick when everything is already there: apt is only touched
# when dpkg-query reports a package missing.
#
#   tools/setup.sh               packages + checkpatch
#   tools/setup.sh --checkpatch  only checkpatch (packages must be present)

set -euo pipefail

cd "$(dirname "$0")/.."
CACHE=.cache

PACKAGES=(
	build-essential pkg-config linux-headers-amd64 linux-source-6.1 sparse
	qemu-system-x86 busybox-static kmod cpio xz-utils perl
	libmnl-dev libinih-dev libnftables-dev libnl-genl-3-dev
	ppp pppoe dnsmasq iperf3 shadowsocks-libev
	python3 python3-scapy tcpdump nftables iptables iproute2 iputils-ping
	socat jq clang libclang-rt-14-dev valgrind
	flex bison bc libelf-dev libssl-dev
	dwarves groff-base
	dpkg-dev debhelper dh-dkms dkms lintian fakeroot
)

as_root()
{
	if [ "$(id -u)" -eq 0 ]; then
		"$@"
	elif command -v sudo >/dev/null; then
		sudo "$@"
	else
		echo "setup: need root to run: $*" >&2
		exit 1
	fi
}

missing_packages()
{
	# Prints the packages that are not fully installed ("ii").
	local installed
	installed=$(dpkg-query -W -f='${Package} ${db:Status-Abbrev}\n' \
			"${PACKAGES[@]}" 2>/dev/null | awk '$2 == "ii" { print $1 }')
	local p
	for p in "${PACKAGES[@]}"; do
		grep -qxF "$p" <<<"$installed" || echo "$p"
	done
}

install_packages()
{
	local missing
	missing=$(missing_packages)
	[ -z "$missing" ] && return 0

	echo "setup: installing: ${missing//$'\n'/ }"
	export DEBIAN_FRONTEND=noninteractive
	as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
	# shellcheck disable=SC2086 # word splitting wanted
	as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
		--no-install-recommends $missing
	missing=$(missing_packages)
	if [ -n "$missing" ]; then
		echo "setup: still missing after install: ${missing//$'\n'/ }" >&2
		exit 1
	fi
}

extract_checkpatch()
{
	local dst=$CACHE/checkpatch
	local f files=(checkpatch.pl spelling.txt const_structs.checkpatch)

	local have=1
	for f in "${files[@]}"; do
		[ -s "$dst/$f" ] || have=0
	done
	[ $have -eq 1 ] && return 0

	local tarball
	tarball=$(ls /usr/src/linux-source-*.tar.xz 2>/dev/null | sort -V | tail -n 1)
	if [ -z "$tarball" ]; then
		echo "setup: no /usr/src/linux-source-*.tar.xz (apt-get install linux-source-6.1)" >&2
		exit 1
	fi
	local top
	top=$(basename "$tarball" .tar.xz)
	echo "setup: extracting checkpatch from $tarball"
	mkdir -p "$dst"
	local tmp
	tmp=$(mktemp -d "$CACHE/checkpatch.XXXXXX")
	tar -xJf "$tarball" -C "$tmp" --strip-components=2 \
		"${files[@]/#/$top/scripts/}"
	chmod +x "$tmp/checkpatch.pl"
	for f in "${files[@]}"; do
		mv -f "$tmp/$f" "$dst/$f"
	done
	rmdir "$tmp"
}

mkdir -p "$CACHE"
case "${1:-}" in
--checkpatch)	extract_checkpatch ;;
"")		install_packages; extract_checkpatch ;;
*)		echo "usage: $0 [--checkpatch]" >&2; exit 2 ;;
esac
