#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the debug kernel for `make check-debug`: KASAN, kmemleak, lockdep
# (PROVE_LOCKING), DEBUG_NET, netdev refcount trackers, debugobjects, from
# Debian's linux-source-6.1 (KSRC), configured from x86_64 defconfig +
# kvm_guest.config + selftests/config + tools/vm/debug.config. Output in
# .cache/kdebug/build (O=), installed like a Debian package in
# .cache/kernel/$KVER (boot/vmlinuz-$KVER, config, lib/modules/$KVER with
# depmod), which is what tools/vm/lib.sh boots. Prints KVER on its last line.
#
#   tools/vm/debug-kernel.sh          configure (if needed) and build
#   tools/vm/debug-kernel.sh config   only (re)write the .config
#
# Environment: KSRC (default /work/ksrc/linux-source-6.1, else the newest
# /usr/src/linux-source-6.1*), JOBS (default nproc), NICE (default 19).

set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
ksrc=${KSRC:-}
if [ -z "$ksrc" ]; then
	for d in /work/ksrc/linux-source-6.1 /usr/src/linux-source-6.1; do
		[ -f "$d/Makefile" ] && { ksrc=$d; break; }
	done
fi
if [ -z "$ksrc" ] && [ -f /usr/src/linux-source-6.1.tar.xz ]; then
	mkdir -p "$repo/.cache/kdebug"
	tar -C "$repo/.cache/kdebug" -xf /usr/src/linux-source-6.1.tar.xz
	ksrc=$repo/.cache/kdebug/linux-source-6.1
fi
[ -n "$ksrc" ] || { echo "debug-kernel: no linux-source-6.1 (apt-get install linux-source-6.1)" >&2; exit 2; }

out=$repo/.cache/kdebug/build
mkdir -p "$out"
jobs=${JOBS:-$(nproc)}
kmake()
{
	nice -n "${NICE:-19}" make -C "$ksrc" O="$out" -j"$jobs" "$@"
}

fragments=("$ksrc/kernel/configs/kvm_guest.config" "$repo/selftests/config"
	   "$repo/tools/vm/debug.config")
stamp=$( cat "${fragments[@]}" | sha256sum | cut -c1-16)
if [ "${1:-}" = config ] || [ ! -f "$out/.config" ] ||
   [ "$(cat "$out/.fragments" 2>/dev/null)" != "$stamp" ]; then
	echo "# debug-kernel: configuring in $out"
	kmake -s defconfig
	# merge_config.sh with -m keeps the fragments' values; olddefconfig
	# then resolves dependencies.
	(cd "$out" && KCONFIG_CONFIG=.config \
		"$ksrc/scripts/kconfig/merge_config.sh" -m -O "$out" .config \
		"${fragments[@]}" >/dev/null)
	kmake -s olddefconfig
	echo "$stamp" > "$out/.fragments"
	for o in KASAN DEBUG_KMEMLEAK PROVE_LOCKING DEBUG_NET VETH PPPOE NF_NAT; do
		echo "# debug-kernel: CONFIG_$o=$(grep "^CONFIG_$o=" "$out/.config" | cut -d= -f2)"
	done
	[ "${1:-}" = config ] && exit 0
fi

kver=$(kmake -s kernelrelease)
echo "# debug-kernel: building $kver with $jobs jobs ($(date -u +%H:%M:%S))"
kmake bzImage modules
dest=$repo/.cache/kernel/$kver
rm -rf "$dest.tmp"
mkdir -p "$dest.tmp/boot"
kmake -s INSTALL_MOD_PATH="$dest.tmp" INSTALL_MOD_STRIP=1 modules_install
cp "$out/arch/x86/boot/bzImage" "$dest.tmp/boot/vmlinuz-$kver"
cp "$out/.config" "$dest.tmp/boot/config-$kver"
depmod -b "$dest.tmp" "$kver"
rm -rf "$dest"
mv "$dest.tmp" "$dest"
touch "$dest/.complete"
echo "# debug-kernel: done ($(date -u +%H:%M:%S))"
echo "$kver"
