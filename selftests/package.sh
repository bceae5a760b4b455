#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The installed Debian packages at work: the module DKMS built from
# nfgate-dkms, and nfgate's nfgated, nfgate and /etc/nfgate/nfgate.conf, as
# tools/deb-smoke.sh installed them with dpkg -i in a chroot and copied them
# to out/deb/installed. Run by `make check-deb` after it, not part of the
# default suite.
#
#   router namespace: br0 192.168.0.1/22 (dummy), ppp0 100.64.0.10 (dummy),
#   configured by the packaged nfgated from the packaged example config

source "$(dirname "$0")/lib.sh"

require_root
require_cmd ip jq
I=$SELFTESTS_DIR/../out/deb/installed
[ -f "$I/nfgate.ko" ] && [ -f "$I/kver" ] ||
	skip_all "no installed files in out/deb/installed (make check-deb)"
[ "$(cat "$I/kver")" = "$(uname -r)" ] ||
	skip_all "installed for $(cat "$I/kver"), running $(uname -r)"
nfgate_loaded && skip_all "nfgate is loaded already"
require_module dummy nf_conntrack nf_nat

ktap_plan 7

NFGATE_KO=$I/nfgate.ko
check "insmod of the module DKMS built (vermagic $(uname -r))" nfgate_load || exit 1
at_exit rmmod nfgate
# The guest's root is the host's, read-only, without the package's files:
# the packaged config with its data file and its state file pointed there.
CONF=/tmp/nfgate.conf
sed "/^\[dns\]\$/a forged_file = $I/forged.txt\nlearned_file = /tmp/learned.txt" \
	"$I/nfgate.conf" > $CONF
check "the packaged example config is valid for the packaged nfgated" \
	"$I/nfgated" --check -c $CONF

setup_ns r || exit 1
in_ns "$r" ip link add br0 type dummy
in_ns "$r" ip link set br0 up
in_ns "$r" ip addr add 192.168.0.1/22 dev br0
in_ns "$r" ip link add ppp0 type dummy
in_ns "$r" ip link set ppp0 up
in_ns "$r" ip addr add 100.64.0.10/32 dev ppp0

ip netns exec "$r" "$I/nfgated" -f -c $CONF > /tmp/nfgated.log 2>&1 &
agent=$!
at_exit "kill $agent"
applied()
{
	ip netns exec "$r" "$I/nfgate" -j show > /tmp/show.json 2>/dev/null &&
		[ "$(jq '.uplinks | length' /tmp/show.json)" = 2 ]
}
check "the packaged nfgated applied the example" slowwait 30 applied
check "LAN br0 192.168.0.0/22 (read back with the packaged nfgate)" \
	jq -e '.lan.ifname == "br0" and .lan.subnet == "192.168.0.0/22"' /tmp/show.json
check "uplinks ppp0 (present) and wwan0 (absent), two forwards" \
	jq -e '([.uplinks[] | "\(.ifname) \(.oper)"] | sort) == ["ppp0 up", "wwan0 absent"]
		and (.forwards | length) == 2' /tmp/show.json
kill -TERM $agent
wait $agent
rc=$?
check "nfgated exits 0 on SIGTERM" test $rc -eq 0
check "the kernel keeps the configuration after the agent exits" \
	sh -c "ip netns exec $r '$I/nfgate' -j show | jq -e '.uplinks | length == 2'"
[ "$KTAP_FAIL" -eq 0 ] || sed 's/^/#   /' /tmp/nfgated.log
