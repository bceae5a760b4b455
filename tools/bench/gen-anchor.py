#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Generate configuration (b) of `make bench`, the nftables anchor.

    gen-anchor.py OUTDIR

writes OUTDIR/bypass.txt, a deterministic chnroute-like list of 8,000 IPv4
prefixes (one per line), and OUTDIR/anchor.nft, tools/bench/anchor.nft.in
with its placeholders filled in: the bypass set's elements, the known forged
DNS answers, and one chain per UDP length for the DNS reply check.

The list looks like the real chnroute (APNIC's CN delegations): prefixes
from /10 to /24, most of them /19 to /24, clustered in the /8s CN holds,
never overlapping. It always holds 198.51.100.0/24 (the bench's "domestic"
servers) and never touches 9.9.9.0/24 (its "foreign" destination, which
must be redirected; outside the IANA special-purpose ranges, which
nfgate's bypass list holds too). The same seed gives the same list on every
machine and Python version (our own xorshift, not the random module).
"""
import ipaddress
import os
import sys

N_PREFIXES = 8000
DOMESTIC = ipaddress.ip_network("198.51.100.0/24")
FOREIGN = ipaddress.ip_network("9.9.9.0/24")

# /8s with CN delegations (the shape of the real list, not its content).
OCTETS = [1, 14, 27, 36, 39, 42, 43, 45, 49, 58, 59, 60, 61, 101, 103, 106,
          110, 111, 112, 113, 114, 115, 116, 117, 118, 119, 120, 121, 122,
          123, 124, 125, 139, 140, 144, 150, 153, 157, 159, 161, 162, 163,
          171, 175, 180, 182, 183, 202, 203, 210, 211, 218, 219, 220, 221,
          222, 223]

# Prefix length -> relative frequency (roughly chnroute's).
LENGTHS = [(10, 1), (11, 2), (12, 4), (13, 8), (14, 15), (15, 25), (16, 60),
           (17, 35), (18, 45), (19, 70), (20, 90), (21, 110), (22, 180),
           (23, 120), (24, 235)]

# Addresses the on-path injector is known to answer with (public lists, as
# in ChinaDNS's iplist.txt); 93.46.8.89 is what `ngbench dns-serve forged`
# sends.
FORGED = """4.36.66.178 8.7.198.45 37.61.54.158 46.82.174.68 59.24.3.173
64.33.88.161 64.33.99.47 64.66.163.251 65.104.202.252 65.160.219.113
66.45.252.237 72.14.205.99 72.14.205.104 78.16.49.15 93.46.8.89
128.121.126.139 159.106.121.75 169.132.13.103 192.67.198.6 202.106.1.2
202.181.7.85 203.98.7.65 203.161.230.171 207.12.88.98 208.56.31.43
209.36.73.33 209.145.54.50 209.220.30.174 211.94.66.147 213.169.251.35
216.221.188.182 216.234.179.13 243.185.187.39 249.129.46.48
253.157.14.165""".split()

# DNS reply chains: question names of 2..100 bytes (wire form).
QNAME_MIN, QNAME_MAX = 2, 100


class XorShift:
    def __init__(self, seed):
        self.s = seed

    def next(self):
        s = self.s
        s ^= (s << 13) & 0xFFFFFFFFFFFFFFFF
        s ^= s >> 7
        s ^= (s << 17) & 0xFFFFFFFFFFFFFFFF
        self.s = s
        return s

    def below(self, n):
        return self.next() % n


def pick_length(rng):
    total = sum(w for _, w in LENGTHS)
    x = rng.below(total)
    for length, w in LENGTHS:
        if x < w:
            return length
        x -= w
    raise AssertionError


def bypass_list():
    rng = XorShift(0x6e666761746521)  # "nfgate!"
    nets = []
    for i, octet in enumerate(OCTETS):
        # What the /8s before could not hold moves on to the next ones.
        per_octet = -(-(N_PREFIXES - 1 - len(nets)) // (len(OCTETS) - i))
        cursor = octet << 24
        end = (octet + 1) << 24
        made = 0
        while made < per_octet and len(nets) < N_PREFIXES - 1:
            length = pick_length(rng)
            size = 1 << (32 - length)
            # A gap, then the block, aligned to its size.
            cursor += rng.below(1 << 16)
            cursor = (cursor + size - 1) & ~(size - 1)
            if cursor + size > end:
                break
            net = ipaddress.ip_network((cursor, length))
            cursor += size
            if net.overlaps(FOREIGN) or net.overlaps(DOMESTIC):
                continue
            nets.append(net)
            made += 1
    nets.append(DOMESTIC)
    if len(nets) != N_PREFIXES:
        sys.exit("gen-anchor: made %d prefixes, not %d" % (len(nets),
                                                             N_PREFIXES))
    return sorted(nets)


def dns_chains():
    """A reply in the injector's shape has its one A record's address in
    its last 4 bytes: for each UDP length, a chain that reads them there."""
    vmap, chains = [], []
    for qlen in range(QNAME_MIN, QNAME_MAX + 1):
        # UDP header 8, DNS header 12, question qlen + 4, answer 16.
        udplen = 8 + 12 + qlen + 4 + 16
        vmap.append("%d : jump dns_a_%d" % (udplen, udplen))
        chains.append("\tchain dns_a_%d {\n\t\t@th,%d,32 @forged_a drop\n\t}"
                      % (udplen, (udplen - 4) * 8))
    return ", ".join(vmap), "\n\n".join(chains)


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: gen-anchor.py OUTDIR")
    out = sys.argv[1]
    here = os.path.dirname(os.path.abspath(__file__))
    nets = bypass_list()
    with open(os.path.join(out, "bypass.txt"), "w") as f:
        f.writelines("%s\n" % n for n in nets)
    vmap, chains = dns_chains()
    forged = ", ".join("0x%08x" % int(ipaddress.ip_address(a))
                       for a in FORGED)
    with open(os.path.join(here, "anchor.nft.in")) as f:
        text = f.read()
    for key, val in (("@BYPASS@", ",\n\t\t\t".join(str(n) for n in nets)),
                     ("@FORGED_A@", forged), ("@DNS_VMAP@", vmap),
                     ("@DNS_CHAINS@", chains)):
        if key not in text:
            sys.exit("gen-anchor: %s missing in anchor.nft.in" % key)
        text = text.replace(key, val)
    with open(os.path.join(out, "anchor.nft"), "w") as f:
        f.write(text)


if __name__ == "__main__":
    main()
