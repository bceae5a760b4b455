#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Prefix lists for the tunnel tests.

  prefixes.py gen N FILE [--seed S] [--include CIDR]... [--addrs FILE2]
        Writes N distinct chnroute-like prefixes (/12../24 inside /8s that
        a real list crowds, never a reserved range), one per line, plus the
        --include ones; with --addrs, also what "addrs FILE 1200 --edges
        200" prints, into FILE2 (one python start less).
  prefixes.py addrs LIST N [--seed S] [--edges K]
        Prints N random addresses, then the edges of K prefixes of LIST
        (default all; the first and last address of each and the ones just
        outside).
  prefixes.py check LIST LOOKUPS
        LOOKUPS holds "ADDR VERDICT REASON" lines (nfgate tunnel lookup -).
        With nothing but LIST loaded, an address must go direct exactly when
        it is in LIST or in the reserved ranges (read from common/
        reserved4.c), and the reason must say which. Prints the number of
        addresses and of mismatches, exits 1 on a mismatch.
"""

import argparse
import bisect
import os
import random
import re
import socket
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def ip2int(s):
    return struct.unpack("!I", socket.inet_aton(s))[0]


def int2ip(v):
    return socket.inet_ntoa(struct.pack("!I", v))


def reserved():
    """The built-in ranges, from the C table itself."""
    text = open(os.path.join(HERE, "..", "common", "reserved4.c")).read()
    out = []
    for a, b, c, d, plen in re.findall(
            r"R\((\d+), (\d+), (\d+), (\d+), (\d+)\)", text):
        lo = (int(a) << 24) | (int(b) << 16) | (int(c) << 8) | int(d)
        plen = int(plen)
        out.append((lo, lo | ((1 << (32 - plen)) - 1)))
    assert len(out) == 18, "reserved4.c: expected 18 ranges"
    return out


def read_list(path):
    out = []
    for line in open(path):
        line = line.split("#")[0].strip()
        if not line:
            continue
        a, _, plen = line.partition("/")
        plen = int(plen or 32)
        lo = ip2int(a)
        out.append((lo, lo | ((1 << (32 - plen)) - 1) if plen < 32 else lo))
    return out


class Ranges:
    """Brute force made quick: merged sorted ranges, bisect."""

    def __init__(self, ranges):
        merged = []
        for lo, hi in sorted(ranges):
            if merged and lo <= merged[-1][1] + 1:
                merged[-1][1] = max(merged[-1][1], hi)
            else:
                merged.append([lo, hi])
        self.lo = [r[0] for r in merged]
        self.hi = [r[1] for r in merged]

    def __contains__(self, a):
        i = bisect.bisect_right(self.lo, a) - 1
        return i >= 0 and a <= self.hi[i]


def gen(n, path, seed, include):
    rnd = random.Random(seed)
    res = Ranges(reserved())
    # /8s where a chnroute list has most of its prefixes
    firsts = [1, 14, 27, 36, 39, 42, 49, 58, 59, 60, 61, 101, 103, 106, 110,
              111, 112, 113, 114, 115, 116, 117, 118, 119, 120, 121, 122, 123,
              124, 125, 139, 140, 144, 150, 153, 157, 159, 161, 162, 163, 171,
              175, 180, 182, 183, 202, 210, 211, 218, 219, 220, 221, 222, 223]
    seen = set()
    out = []
    while len(out) < n:
        plen = rnd.choice([12, 13, 14, 15, 16, 16, 17, 18, 19, 20, 20, 21, 22,
                           22, 22, 23, 23, 24, 24, 24])
        a = (rnd.choice(firsts) << 24) | rnd.getrandbits(24)
        a &= ~((1 << (32 - plen)) - 1) & 0xffffffff
        hi = a | ((1 << (32 - plen)) - 1)
        if (a, plen) in seen or a in res or hi in res:
            continue
        seen.add((a, plen))
        out.append(f"{int2ip(a)}/{plen}")
    with open(path, "w") as f:
        f.write("# chnroute-like test list\n")
        for p in out + include:
            f.write(p + "\n")


def addrs(path, n, seed, edges):
    rnd = random.Random(seed)
    for _ in range(n):
        print(int2ip(rnd.getrandbits(32)))
    lst = read_list(path)
    if edges is not None and edges < len(lst):
        lst = rnd.sample(lst, edges)
    for lo, hi in lst:
        for a in (lo - 1, lo, hi, hi + 1):
            if 0 <= a <= 0xffffffff:
                print(int2ip(a))


def check(path, lookups):
    res = Ranges(reserved())
    lst = Ranges(read_list(path))
    n = bad = 0
    for line in open(lookups):
        parts = line.split()
        if len(parts) != 3:
            continue
        a, verdict, reason = parts
        v = ip2int(a)
        n += 1
        if v in res:
            want = ("direct", "reserved")
        elif v in lst:
            want = ("direct", "bypass")
        else:
            want = ("tunnel", "default")
        # the router's own and the LAN's addresses are reserved ones here
        if (verdict, reason) != want and not (verdict == "direct" and
                                               reason == "local"):
            bad += 1
            if bad <= 5:
                print(f"mismatch: {a}: kernel {verdict} {reason}, want "
                      f"{want[0]} {want[1]}", file=sys.stderr)
    print(f"{n} {bad}")
    return 1 if bad or not n else 0


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("cmd", choices=["gen", "addrs", "check"])
    p.add_argument("args", nargs="*")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--include", action="append", default=[])
    p.add_argument("--edges", type=int)
    p.add_argument("--addrs")
    a = p.parse_args()
    if a.cmd == "gen":
        gen(int(a.args[0]), a.args[1], a.seed, a.include)
        if a.addrs:
            with open(a.addrs, "w") as f:
                sys.stdout = f
                addrs(a.args[1], 1200, a.seed, 200)
                sys.stdout = sys.__stdout__
    elif a.cmd == "addrs":
        addrs(a.args[0], int(a.args[1]), a.seed, a.edges)
    else:
        sys.exit(check(a.args[0], a.args[1]))


if __name__ == "__main__":
    main()
