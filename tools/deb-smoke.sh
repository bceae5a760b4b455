#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make check-deb, host part: the packages of `make deb` installed for real
# with dpkg -i in a chroot, an overlay over the host's root in a mount
# namespace of its own (nothing changes on the host). The chroot has
# /lib/modules/KVER of the test VM's kernel only, so nfgate-dkms's
# postinst, seeing a chroot, has DKMS build and install the module for that
# kernel. Checked there: the package states, DKMS, the unit, the man pages,
# the conffile across a reinstall and a removal. What the guest needs to
# use the installed module and tools (selftests/package.sh) is copied to
# out/deb/installed before the removal.
#
#   tools/deb-smoke.sh KVER     (root; prints KTAP, exits 1 on a failure)

set -uo pipefail

cd "$(dirname "$0")/.." || exit 2
REPO=$PWD
KVER=${1:?usage: $0 KVER}
OUT=$REPO/out/deb
HDR=/usr/src/linux-headers-$KVER

shopt -s nullglob
debs=("$OUT"/nfgate_*.deb "$OUT"/nfgate-dkms_*.deb)
[ ${#debs[@]} -eq 2 ] || { echo "deb-smoke: no packages in out/deb (make deb)" >&2; exit 2; }
[ -d "$HDR" ] || { echo "deb-smoke: no $HDR" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || { echo "deb-smoke: needs root" >&2; exit 2; }

if [ "${DEB_SMOKE_INNER:-}" != 1 ]; then
	exec env DEB_SMOKE_INNER=1 unshare -m --propagation private "$0" "$@"
fi

W=$(mktemp -d /tmp/nfgate-deb-smoke.XXXXXX)
R=$W/root
mount -t tmpfs tmpfs "$W"
mkdir -p "$W/up" "$W/work" "$R"
mount -t overlay overlay -o "lowerdir=/,upperdir=$W/up,workdir=$W/work" "$R"
mount -t proc proc "$R/proc"
mount -t sysfs sysfs "$R/sys"
mount --rbind /dev "$R/dev"
mount -t tmpfs tmpfs "$R/tmp"
mount -t tmpfs tmpfs "$R/run"
# A module tree of the VM's kernel and nothing else: DKMS's postinst builds
# for the newest kernel there when uname -r (the host's) has none.
rm -rf "$R/lib/modules"
mkdir -p "$R/lib/modules/$KVER"
ln -s "$HDR" "$R/lib/modules/$KVER/build"
cp "${debs[@]}" "$R/tmp/"

n=0
failed=0
ok()
{
	n=$((n + 1))
	echo "ok $n $*"
}

# check DESC CMD...: CMD's output is shown only when it fails.
check()
{
	local desc=$1 out rc
	shift
	out=$("$@" 2>&1)
	rc=$?
	if [ $rc -eq 0 ]; then
		ok "$desc"
	else
		n=$((n + 1))
		failed=$((failed + 1))
		echo "not ok $n $desc"
		printf '%s\n' "$out" | tail -n 30 | sed 's/^/#   /'
	fi
	return $rc
}

in_root()
{
	chroot "$R" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
		HOME=/root LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"
}

echo "TAP version 13"
echo "1..12"
check "dpkg -i nfgate-dkms nfgate: installed" \
	in_root sh -c 'dpkg -i /tmp/nfgate-dkms_*.deb /tmp/nfgate_*.deb &&
		dpkg-query -W -f="\${Status}\n" nfgate nfgate-dkms | grep -vqx "install ok installed" && exit 1; true'
check "DKMS built and installed the module for $KVER (by the postinst)" \
	in_root sh -c "dkms status nfgate | grep -q '$KVER.*: installed'"
ko=$R/lib/modules/$KVER/updates/dkms/nfgate.ko
check "its vermagic is $KVER" \
	sh -c "modinfo -F vermagic '$ko' | grep -q '^$KVER '"
check "depmod knows it (modules.dep)" \
	grep -q '^updates/dkms/nfgate.ko' "$R/lib/modules/$KVER/modules.dep"
check "nfgated and nfgate in /usr/sbin, the packaged config is valid" \
	in_root nfgated --check -c /etc/nfgate/nfgate.conf
check "systemd-analyze verify nfgated.service" \
	in_root systemd-analyze verify /lib/systemd/system/nfgated.service
check "the unit is not enabled (the example config needs editing)" \
	in_root sh -c '! systemctl is-enabled nfgated >/dev/null 2>&1'
man_ok()
{
	local p err
	for p in man8/nfgate.8 man8/nfgated.8 man5/nfgate.conf.5; do
		err=$(in_root sh -c "MANWIDTH=80 man -l /usr/share/man/$p.gz 2>&1 >/dev/null")
		[ -z "$err" ] || { echo "$p: $err"; return 1; }
		in_root sh -c "MANWIDTH=80 man -l /usr/share/man/$p.gz" | grep -q '^NAME' ||
			{ echo "$p: no NAME"; return 1; }
	done
}
check "man -l renders the installed pages without warnings" man_ok

# For selftests/package.sh in the guest: the installed files themselves.
rm -rf "$OUT/installed"
mkdir -p "$OUT/installed"
cp "$ko" "$R/usr/sbin/nfgate" "$R/usr/sbin/nfgated" "$R/etc/nfgate/nfgate.conf" \
	"$R/usr/share/nfgate/forged.txt" "$OUT/installed/"
echo "$KVER" > "$OUT/installed/kver"

echo "# edited by the administrator" >> "$R/etc/nfgate/nfgate.conf"
check "dpkg -i again keeps the edited /etc/nfgate/nfgate.conf" \
	sh -c "chroot '$R' sh -c 'dpkg -i /tmp/nfgate_*.deb' </dev/null &&
		grep -q '^# edited by the administrator' '$R/etc/nfgate/nfgate.conf'"
check "dpkg -r nfgate nfgate-dkms" in_root dpkg -r nfgate nfgate-dkms
check "the removal took the module away" test ! -e "$ko"
check "the removal kept the edited config (a conffile, until purge)" \
	grep -q '^# edited by the administrator' "$R/etc/nfgate/nfgate.conf"

umount -R "$R"
umount "$W"
rmdir "$W"
echo "# deb-smoke: $((n - failed)) passed, $failed failed"
[ $failed -eq 0 ]
