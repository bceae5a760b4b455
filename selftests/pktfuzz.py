#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Hostile packets for nfgate's hooks (stdlib only: fast to start in the
TCG guest).

    pktfuzz.py server ADDR        a malicious DNS server on ADDR:53: answers
                                  query "cN.test" with malformed reply case N
    pktfuzz.py client SERVER      one query per case from a new port each;
                                  prints "cases N malformed M valid V
                                  replies R" (R: replies received; M: cases
                                  surely not a parsable DNS reply, V: valid
                                  ones; the rest depend on the parser)
    pktfuzz.py raw IFACE DSTMAC SRC DST
                                  malformed IPv4 frames on IFACE (AF_PACKET):
                                  runts, bad IHL and lengths, IP options,
                                  fragments (tiny, overlapping, beyond
                                  64 KiB), bad UDP and TCP headers, DNS
                                  junk; prints "frames N"
    pktfuzz.py local DST          the same IP packets through a raw socket
                                  (the router's LOCAL_OUT); prints "sent N
                                  refused R"
"""

import os
import random
import socket
import struct
import sys


def name(*labels):
    return b"".join(bytes([len(x)]) + x for x in labels) + b"\0"


def hdr(qid, flags=0x8180, qd=1, an=0, ns=0, ar=0):
    return struct.pack("!HHHHHH", qid, flags, qd, an, ns, ar)


def question(qname):
    return qname + struct.pack("!HH", 1, 1)


def rr_a(owner=b"\xc0\x0c", addr=b"\xc6\x33\x64\x01", rdlen=None):
    rdlen = len(addr) if rdlen is None else rdlen
    return owner + struct.pack("!HHIH", 1, 1, 60, rdlen) + addr


# (description, malformed: True surely, None maybe (parser strictness),
#  False a valid reply; builder(qid, qname) -> payload)
CASES = [
    ("empty payload", True, lambda i, q: b""),
    ("5 bytes", True, lambda i, q: hdr(i)[:5]),
    ("header only, qdcount 1", True, lambda i, q: hdr(i)),
    ("name: pointer to itself", True,
     lambda i, q: hdr(i) + b"\xc0\x0c" + struct.pack("!HH", 1, 1)),
    ("name: two pointers in a loop", True,
     lambda i, q: hdr(i) + b"\x01a\xc0\x10\x01b\xc0\x0c" + struct.pack("!HH", 1, 1)),
    ("name: pointer beyond the end", True,
     lambda i, q: hdr(i) + b"\xc3\xff" + struct.pack("!HH", 1, 1)),
    ("name: label runs past the end", True,
     lambda i, q: hdr(i) + b"\x3fabc"),
    ("name: reserved label type 0x40", True,
     lambda i, q: hdr(i) + b"\x41abc\x00" + struct.pack("!HH", 1, 1)),
    ("name: 300 bytes", None,
     lambda i, q: hdr(i) + name(*([b"x" * 30] * 10)) + struct.pack("!HH", 1, 1)),
    ("question cut short", True, lambda i, q: hdr(i) + q + b"\x00"),
    ("ancount 65535, no answers", None,
     lambda i, q: hdr(i, an=65535) + question(q)),
    ("qdcount 65535", None, lambda i, q: hdr(i, qd=65535) + question(q)),
    ("answer rdlength past the end", None,
     lambda i, q: hdr(i, an=1) + question(q) + rr_a(rdlen=400)),
    ("answer cut in its fixed part", None,
     lambda i, q: hdr(i, an=1) + question(q) + b"\xc0\x0c\x00\x01\x00"),
    ("answer owner: pointer loop", None,
     lambda i, q: hdr(i, an=1) + question(q) + rr_a(owner=b"\xc0\x1d" + b"")),
    ("A record of 3 bytes", None,
     lambda i, q: hdr(i, an=1) + question(q) + rr_a(addr=b"\1\2\3")),
    ("pointer chain of 100 hops", None,
     lambda i, q: hdr(i, an=1) + question(q) + b"".join(
         struct.pack("!H", 0xc000 | (12 + len(question(q)) + 2 * (k + 1)))
         for k in range(100)) + b"\xc0\x0c" + struct.pack("!HHIH", 1, 1, 60, 4) + b"\1\2\3\4"),
    ("OPT with rdlength past the end", None,
     lambda i, q: hdr(i, ar=1) + question(q) + b"\x00\x00\x29\x04\xd0\0\0\0\0\x01\x00"),
    ("200 answers, 30 present", None,
     lambda i, q: hdr(i, an=200) + question(q) + rr_a() * 30),
    ("random 512 bytes", None,
     lambda i, q: hdr(i, qd=7, an=9, ns=3, ar=2) + random.Random(i).randbytes(500)),
    ("3000-byte reply, loop at its end (fragmented)", None,
     lambda i, q: hdr(i, an=180) + question(q) + rr_a() * 179 + b"\xc0\x0c" * 3 + b"\xc0\x02"),
    ("valid reply (control)", False,
     lambda i, q: hdr(i, an=1) + question(q) + rr_a()),
    ("valid 3000-byte reply (control, fragmented)", False,
     lambda i, q: hdr(i, an=180) + question(q) + rr_a() * 180),
    ("QR bit clear (a query back)", True,
     lambda i, q: hdr(i, flags=0x0100) + question(q)),
]


def qname_of(i):
    return name(b"c%d" % i, b"test")


def run_server(addr):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((addr, 53))
    sys.stdout.write("listening\n")
    sys.stdout.flush()
    while True:
        data, peer = s.recvfrom(4096)
        if len(data) < 14:
            continue
        qid = struct.unpack_from("!H", data)[0]
        label = data[13:13 + data[12]]
        try:
            case = int(label[1:])
        except ValueError:
            continue
        if 0 <= case < len(CASES):
            s.sendto(CASES[case][2](qid, qname_of(case)), peer)


def run_client(server):
    got = 0
    for i in range(len(CASES)):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.settimeout(2)
        s.connect((server, 53))
        s.send(hdr(0x1000 + i, flags=0x0100) + question(qname_of(i)))
        try:
            s.recv(65536)
            got += 1
        except (socket.timeout, ConnectionRefusedError):
            pass
        s.close()
    sure = sum(1 for c in CASES if c[1] is True)
    valid = sum(1 for c in CASES if c[1] is False)
    print(f"cases {len(CASES)} malformed {sure} valid {valid} replies {got}")
    return 0


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def ip4(src, dst, proto, payload, ihl=5, opts=b"", tot=None, frag=0, ttl=64,
        ident=0x4242):
    opts = opts + b"\0" * (-len(opts) % 4)
    h = struct.pack("!BBHHHBBH4s4s", 0x40 | ihl if ihl else 0x45, 0,
                    tot if tot is not None else 20 + len(opts) + len(payload),
                    ident, frag, ttl, proto, 0, socket.inet_aton(src),
                    socket.inet_aton(dst)) + opts
    h = h[:10] + struct.pack("!H", csum(h)) + h[12:]
    return h + payload


def udp(sport, dport, payload, ulen=None):
    return struct.pack("!HHHH", sport, dport,
                       8 + len(payload) if ulen is None else ulen, 0) + payload


def tcp(sport, dport, flags=0x02, doff=5, extra=b""):
    return struct.pack("!HHIIBBHHH", sport, dport, 1, 0, doff << 4, flags,
                       1024, 0, 0) + extra


def ip_packets(src, dst):
    """IP packets from src to dst, hostile in every header."""
    dnsq = hdr(0x4242, flags=0x0100) + question(name(b"x", b"test"))
    loop = hdr(0x4243) + b"\xc0\x0c" + struct.pack("!HH", 1, 1)
    big = udp(5353, 53, b"\xc0\x0c" * 1500)
    p = []
    # lengths
    p.append(ip4(src, dst, 17, udp(1000, 53, dnsq), tot=2000))      # tot > real
    p.append(ip4(src, dst, 17, udp(1000, 53, dnsq), tot=12))        # tot < header
    p.append(ip4(src, dst, 17, udp(1000, 53, dnsq), ihl=4))         # IHL < 5
    p.append(ip4(src, dst, 17, udp(1000, 53, dnsq), ihl=15))        # IHL past data
    p.append(ip4(src, dst, 17, udp(1000, 53, dnsq, ulen=4000)))     # UDP len > IP
    p.append(ip4(src, dst, 17, udp(1000, 53, dnsq, ulen=3)))        # UDP len < 8
    p.append(ip4(src, dst, 17, udp(53, 1000, loop)))                # loop reply
    p.append(ip4(src, dst, 17, b"\x00\x35"))                        # UDP cut
    p.append(ip4(src, dst, 6, tcp(1000, 53, doff=15)))              # doff past
    p.append(ip4(src, dst, 6, tcp(1000, 53, doff=2)))               # doff < 5
    p.append(ip4(src, dst, 6, tcp(1000, 80, flags=0x3f)))           # all flags
    p.append(ip4(src, dst, 6, b"\x00\x50\x00"))                     # TCP cut
    p.append(ip4(src, dst, 1, b"\x03\x04\0\0\0\0\x05\xdc" +         # ICMP quoting junk
                 ip4(dst, src, 17, b"\x00\x35")[:24]))
    p.append(ip4(src, dst, 1, b"\x03"))                             # ICMP cut
    p.append(ip4(src, dst, 47, b"\0" * 4))                          # GRE, whatever
    # options
    p.append(ip4(src, dst, 17, udp(1000, 53, dnsq), ihl=15,
                 opts=b"\x07\x27\x04" + b"\0" * 37))                # record route
    p.append(ip4(src, dst, 17, udp(1000, 53, dnsq), ihl=15,
                 opts=b"\x44\x28\x05\x00" + b"\0" * 36))            # timestamp
    p.append(ip4(src, dst, 17, udp(1000, 53, dnsq), ihl=7,
                 opts=b"\x83\x07\x04\x0a\x00\x00\x01\x00"))         # LSRR
    p.append(ip4(src, dst, 17, udp(1000, 53, dnsq), ihl=6,
                 opts=b"\x07\x00\x00\x00"))                         # length 0
    p.append(ip4(src, dst, 17, udp(1000, 53, dnsq), ihl=6,
                 opts=b"\x07\xff\x04\x00"))                         # length 255
    p.append(ip4(src, dst, 17, udp(1000, 53, dnsq), ihl=6,
                 opts=b"\x94\x04\x00\x00"))                         # router alert
    # fragments
    p.append(ip4(src, dst, 17, big[:8], frag=0x2000, ident=7))      # tiny first
    p.append(ip4(src, dst, 17, big[8:1008], frag=0x2000 | 1, ident=7))
    p.append(ip4(src, dst, 17, big[0:1000], frag=0x2000 | 1, ident=7))  # overlap
    p.append(ip4(src, dst, 17, big[1000:3008], frag=125, ident=7))  # last
    p.append(ip4(src, dst, 17, b"A" * 64, frag=0x1fff, ident=8))    # beyond 64 KiB
    p.append(ip4(src, dst, 17, b"B" * 8, frag=0x2000 | 0x1fff, ident=9))
    p.append(ip4(src, dst, 17, udp(1000, 53, dnsq)[:4], frag=0x2000, ident=10))
    p.append(ip4(src, dst, 17, udp(1000, 53, dnsq), frag=0x4000 | 0x2000, ident=11))  # DF+MF
    p.append(ip4(src, dst, 17, udp(1000, 53, dnsq), frag=0x8000))   # evil bit
    p.append(ip4(src, dst, 17, udp(1000, 53, dnsq), ttl=0))
    p.append(ip4(src, dst, 17, udp(1000, 53, dnsq), ttl=1))
    p.append(ip4(src, "0.0.0.0", 17, udp(1000, 53, dnsq)))
    p.append(ip4("0.0.0.0", dst, 17, udp(1000, 53, dnsq)))
    p.append(ip4("255.255.255.255", dst, 17, udp(53, 1000, loop)))
    p.append(ip4(src, dst, 17, udp(1000, 53, b"\xff" * 1400)))      # near MTU
    return p


def frames(dmac, smac, src, dst):
    eth = dmac + smac + b"\x08\x00"
    out = [eth + p for p in ip_packets(src, dst)]
    out += [eth, eth + b"\x45", eth + b"\x45\x00\x00\x14\x00",     # runts
            eth + b"\x46" + b"\0" * 18,
            eth + b"\x65" + b"\0" * 30,                                # version 6
            dmac + smac + b"\x08\x06" + b"\0" * 4,                     # ARP cut
            dmac + smac + b"\x81\x00\x00\x05\x08\x00" + ip_packets(src, dst)[6]]
    rnd = random.Random(8)
    for _ in range(60):                                                # random IP
        n = rnd.randrange(1, 200)
        b = bytearray(rnd.randbytes(n))
        b[0] = 0x45 if n > 1 else b[0]
        out.append(eth + bytes(b))
    return out


def run_raw(iface, dmac, src, dst):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((iface, 0))
    smac = open(f"/sys/class/net/{iface}/address").read().strip()
    fr = frames(bytes.fromhex(dmac.replace(":", "")),
                bytes.fromhex(smac.replace(":", "")), src, dst)
    n = 0
    for _ in range(5):
        for f in fr:
            try:
                s.send(f)
                n += 1
            except OSError:
                pass
    print(f"frames {n}")
    return 0


def run_local(dst):
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    src = "0.0.0.0"
    sent = refused = 0
    for _ in range(5):
        for p in ip_packets(src, dst):
            try:
                s.sendto(p, (dst, 0))
                sent += 1
            except OSError:
                refused += 1
    print(f"sent {sent} refused {refused}")
    return 0


if __name__ == "__main__":
    a = sys.argv[1:]
    if a[:1] == ["server"] and len(a) == 2:
        sys.exit(run_server(a[1]))
    if a[:1] == ["client"] and len(a) == 2:
        sys.exit(run_client(a[1]))
    if a[:1] == ["raw"] and len(a) == 5:
        sys.exit(run_raw(*a[1:]))
    if a[:1] == ["local"] and len(a) == 2:
        sys.exit(run_local(a[1]))
    sys.exit(__doc__)
