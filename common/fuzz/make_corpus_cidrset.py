#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Seed corpus for fuzz_cidrset (the input format is in fuzz_cidrset.c).

    make_corpus_cidrset.py DIR    write DIR/*.bin
"""
import ipaddress
import os
import random
import struct
import sys


def net(s):
    """'10.0.0.0/8' -> (addr, plen); host bits may be set ('10.1.2.3/8')."""
    a, p = s.split("/")
    return int(ipaddress.IPv4Address(a)), int(p)


def encode(prefixes, queries):
    assert len(prefixes) < 256
    b = bytes([len(prefixes)])
    for a, p in prefixes:
        b += struct.pack(">IB", a, p)
    for q in queries:
        b += struct.pack(">I", int(ipaddress.IPv4Address(q)))
    return b


RESERVED = ["0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8",
            "169.254.0.0/16", "172.16.0.0/12", "192.0.0.0/24",
            "192.0.2.0/24", "192.168.0.0/16", "198.18.0.0/15",
            "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4",
            "240.0.0.0/4"]

SEEDS = {
    "empty": ([], ["0.0.0.0", "10.0.0.1", "255.255.255.255"]),
    "default_route": (["1.2.3.4/0"], ["0.0.0.0", "255.255.255.255"]),
    "top_end": (["255.255.255.255/32", "255.255.255.254/32", "0.0.0.0/32",
                 "255.0.0.0/8", "254.255.255.255/32"],
                ["254.255.255.254", "255.255.255.255", "0.0.0.1"]),
    "nested_dups": (["10.0.0.0/8", "10.1.0.0/16", "10.1.2.3/32",
                     "10.0.0.0/8", "10.1.2.3/8"],
                    ["10.1.2.3", "11.0.0.0", "9.255.255.255"]),
    "adjacent": (["10.0.0.128/25", "10.0.0.0/25", "10.0.1.0/24",
                  "10.0.3.0/24", "10.0.2.0/32", "10.0.2.2/32"],
                 ["10.0.2.1", "10.0.2.3", "10.0.4.0"]),
    "reserved": (RESERVED, ["8.8.8.8", "100.64.0.1", "192.168.1.1",
                            "223.5.5.5", "239.255.255.250"]),
}


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    files = {}
    for name, (pfx, qs) in SEEDS.items():
        files[name] = encode([net(p) for p in pfx], qs)
    # A length byte above 32: must be refused, then built modulo 33.
    files["bad_plen"] = encode([net("10.0.0.0/8"), (0x0b000000, 33),
                                (0x0c000000, 255)], ["11.0.0.1"])
    # chnroute-like: 100 prefixes in a few Chinese /8s, /12 to /24.
    rnd = random.Random(1)
    pfx = []
    for _ in range(100):
        plen = rnd.choice([12, 14, 16, 16, 18, 20, 22, 22, 23, 24, 24, 24])
        a = rnd.choice([1, 36, 58, 101, 103, 110, 175, 202, 223]) << 24
        a |= rnd.getrandbits(24)
        pfx.append((a & ((0xffffffff << (32 - plen)) & 0xffffffff), plen))
    qs = [str(ipaddress.IPv4Address(rnd.getrandbits(32))) for _ in range(20)]
    files["chnroute_like"] = encode(pfx, qs)
    for name, b in files.items():
        with open(os.path.join(out, name + ".bin"), "wb") as f:
            f.write(b)


if __name__ == "__main__":
    main()
