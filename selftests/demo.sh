#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2154 # setup_ns and ns_bg assign the variables named
#
# nfgate demo topology (run in the VM by `make demo`, tools/vm/demo.sh).
# For now plain routing; nfgate's configuration comes later.
#
#                               +-- up1 --+
#   lan --- [ router ] --wan1---+         +--- inet (198.51.100.1)
#               |   \___wan2____+-- up2 --+
#
#   lan     eth0 192.168.1.2/24     default via 192.168.1.1
#   router  lan0 192.168.1.1/24
#           wan1 100.64.1.2/24      default via 100.64.1.1
#           wan2 100.64.2.2/24
#   up1     rtr 100.64.1.1/24, inet 198.18.1.1/24
#   up2     rtr 100.64.2.1/24, inet 198.18.2.1/24
#   inet    up1 198.18.1.2/24, up2 198.18.2.2/24, lo 198.51.100.1/32

source "$(dirname "$0")/lib.sh"

require_root
require_cmd ip ping

setup_ns lan router up1 up2 inet || exit 1

ns_link "$lan" eth0 "$router" lan0
ns_link "$router" wan1 "$up1" rtr
ns_link "$router" wan2 "$up2" rtr
ns_link "$up1" inet "$inet" up1
ns_link "$up2" inet "$inet" up2

ip -n "$lan" addr add 192.168.1.2/24 dev eth0
ip -n "$lan" route add default via 192.168.1.1

ip -n "$router" addr add 192.168.1.1/24 dev lan0
ip -n "$router" addr add 100.64.1.2/24 dev wan1
ip -n "$router" addr add 100.64.2.2/24 dev wan2
ip -n "$router" route add default via 100.64.1.1
ns_sysctl "$router" net.ipv4.ip_forward=1

i=1
for up in "$up1" "$up2"; do
	ip -n "$up" addr add 100.64.$i.1/24 dev rtr
	ip -n "$up" addr add 198.18.$i.1/24 dev inet
	ip -n "$up" route add default via 198.18.$i.2
	ip -n "$up" route add 192.168.1.0/24 via 100.64.$i.2
	ns_sysctl "$up" net.ipv4.ip_forward=1
	ip -n "$inet" addr add 198.18.$i.2/24 dev up$i
	i=$((i + 1))
done
ip -n "$inet" addr add 198.51.100.1/32 dev lo
ip -n "$inet" route add 192.168.1.0/24 via 198.18.1.1
ip -n "$inet" route add 100.64.1.0/24 via 198.18.1.1
ip -n "$inet" route add 100.64.2.0/24 via 198.18.2.1

echo "# router:"
ip -n "$router" -br addr | sed 's/^/#   /'
ip -n "$router" route | sed 's/^/#   /'

check "lan reaches the router" busywait 5000 ns_ping "$lan" 192.168.1.1
check "lan reaches the internet host through up1" \
	busywait 5000 ns_ping "$lan" 198.51.100.1
check "router reaches the internet host from wan2" \
	busywait 5000 ns_ping "$router" 198.51.100.1 -I 100.64.2.2
echo "# + lan: ping -c 3 198.51.100.1"
in_ns "$lan" ping -n -c 3 -i 0.2 198.51.100.1 | sed 's/^/#   /'
