#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Raw generic netlink checks against the nfgate family.

Sends hand-built messages (well-formed and malformed) and checks the kernel's
answer: the errno and the extended ACK message. It builds messages byte by
byte on purpose, so that it can send what no well-behaved client would.

Usage: nlcheck.py malformed     one line per case: "PASS name" / "FAIL name: why"
       nlcheck.py tunnel        the load protocol of the tunnel's prefix lists
                                (creates a tunnel, removes it at the end)
       nlcheck.py eperm         every state-changing command must get EPERM
                                (run it without CAP_NET_ADMIN); reads must not
       nlcheck.py churn STOP MS one forged address added and deleted in turn,
                                a change every MS ms, until the file STOP
                                exists; prints "changes N"
       nlcheck.py nsconfig PREFIX N
                                configures nfgate (LAN, 2 uplinks, a forward,
                                DNS check, a forged address) in the network
                                namespaces PREFIX0..PREFIX<N-1> (/run/netns)
                                and reads the LAN back; prints "configured N"
       nlcheck.py dumps N       N raw dumps of the forged set; prints
                                "dumps N intr K entries MIN..MAX ms T" (K:
                                dumps flagged NLM_F_DUMP_INTR, T: ms each)
"""

import errno
import os
import re
import socket
import struct
import sys
import time

NETLINK_GENERIC = 16
NETLINK_EXT_ACK = 11
NETLINK_CAP_ACK = 10
SOL_NETLINK = 270
NLM_F_REQUEST = 1
NLM_F_ACK = 4
NLM_F_DUMP = 0x300
NLMSG_ERROR = 2
NLMSG_DONE = 3
NLM_F_ACK_TLVS = 0x200
NLMSGERR_ATTR_MSG = 1
NLMSGERR_ATTR_OFFS = 2
GENL_ID_CTRL = 16
CTRL_CMD_GETFAMILY = 3
CTRL_ATTR_FAMILY_ID = 1
CTRL_ATTR_FAMILY_NAME = 2


def _uapi():
    """Read the enums of the uapi header, so numbers are never copied."""
    here = os.path.dirname(os.path.abspath(__file__))
    path = os.path.join(here, "..", "include", "uapi", "linux", "nfgate.h")
    text = open(path).read()
    consts = {}
    for m in re.finditer(r"#define\s+(NFGATE_\w+)\s+(0x[0-9a-fA-F]+|\d+)\b",
                         text):
        consts[m.group(1)] = int(m.group(2), 0)
    for body in re.findall(r"enum\s+\w+\s*{([^}]*)}", text):
        val = 0
        body = re.sub(r"/\*.*?\*/", "", body, flags=re.S)
        for item in body.split(","):
            item = item.strip()
            if not item:
                continue
            if "=" in item:
                name, expr = [x.strip() for x in item.split("=")]
                val = int(expr, 0)
            else:
                name = item
            consts[name] = val
            val += 1
    return consts


C = _uapi()


def attr(atype, payload):
    """One netlink attribute, padded to 4 bytes."""
    hdr = struct.pack("=HH", 4 + len(payload), atype)
    pad = b"\0" * ((4 - len(payload) % 4) % 4)
    return hdr + payload + pad


NLA_F_NESTED = 0x8000


def nest(atype, *attrs):
    return attr(atype | NLA_F_NESTED, b"".join(attrs))


def u8(v):
    return struct.pack("=B", v)


def u32(v):
    return struct.pack("=I", v)


def be32(v):
    return struct.pack("!I", v)


def be16(v):
    return struct.pack("!H", v)


def p4(addr, plen):
    """struct nfgate_prefix4"""
    return socket.inet_aton(addr) + struct.pack("=B3x", plen)


def p6(addr, plen):
    """struct nfgate_prefix6"""
    return socket.inet_pton(socket.AF_INET6, addr) + struct.pack("=B3x", plen)


def sz(s):
    return s.encode() + b"\0"


def ip(s):
    return socket.inet_aton(s)


class Genl:
    def __init__(self):
        self.sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW,
                                  NETLINK_GENERIC)
        self.sock.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
        self.sock.setsockopt(SOL_NETLINK, NETLINK_CAP_ACK, 1)
        self.sock.bind((0, 0))
        self.sock.settimeout(5)
        self.seq = 1
        self.family = self._family_id()

    def _send(self, ftype, flags, cmd, payload, version=1, reserved=0):
        self.seq += 1
        body = struct.pack("=BBH", cmd, version, reserved) + payload
        hdr = struct.pack("=IHHII", 16 + len(body), ftype, flags, self.seq, 0)
        self.sock.send(hdr + body)
        return self.seq

    def _recv_all(self):
        """Messages up to the ACK/error or DONE: list of (type, flags, data)."""
        out = []
        while True:
            data = self.sock.recv(65536)
            off = 0
            while off + 16 <= len(data):
                length, mtype, flags, _seq, _pid = struct.unpack_from(
                    "=IHHII", data, off)
                out.append((mtype, flags, data[off + 16:off + length]))
                off += (length + 3) & ~3
                if mtype in (NLMSG_ERROR, NLMSG_DONE):
                    return out

    def request(self, cmd, payload, flags=NLM_F_REQUEST | NLM_F_ACK,
                **kw):
        """Returns (errno, extack message, replies)."""
        self._send(self.family, flags, cmd, payload, **kw)
        msgs = self._recv_all()
        err, msg = 0, ""
        mtype, mflags, data = msgs[-1]
        if mtype == NLMSG_ERROR:
            err = -struct.unpack_from("=i", data)[0]
            if mflags & NLM_F_ACK_TLVS:
                # error + original header (capped ack: header only)
                off = 4 + 16
                while off + 4 <= len(data):
                    alen, atype = struct.unpack_from("=HH", data, off)
                    if alen < 4:
                        break
                    if atype == NLMSGERR_ATTR_MSG:
                        msg = data[off + 4:off + alen].rstrip(b"\0").decode()
                    off += (alen + 3) & ~3
        return err, msg, msgs[:-1]

    def _family_id(self):
        self._send(GENL_ID_CTRL, NLM_F_REQUEST | NLM_F_ACK,
                   CTRL_CMD_GETFAMILY, attr(CTRL_ATTR_FAMILY_NAME, sz(C_NAME)))
        msgs = self._recv_all()
        mtype, _, data = msgs[0]
        if mtype == NLMSG_ERROR:
            sys.exit("nfgate family not found (module not loaded?)")
        off = 4
        while off + 4 <= len(data):
            alen, atype = struct.unpack_from("=HH", data, off)
            if atype == CTRL_ATTR_FAMILY_ID:
                return struct.unpack_from("=H", data, off + 4)[0]
            off += (alen + 3) & ~3
        sys.exit("no family id in CTRL reply")


C_NAME = "nfgate"


def malformed_cases():
    A = C
    U = lambda *a: nest(A["NFGATE_A_UPLINK"], *a)
    L = lambda *a: nest(A["NFGATE_A_LAN"], *a)
    name = lambda n: attr(A["NFGATE_UPLINK_A_IFNAME"], sz(n))
    lname = attr(A["NFGATE_LAN_A_IFNAME"], sz("br0"))
    laddr = attr(A["NFGATE_LAN_A_ADDR"], ip("192.168.0.0"))
    lplen = attr(A["NFGATE_LAN_A_PREFIXLEN"], u8(22))
    set_up = A["NFGATE_CMD_UPLINK_SET"]
    set_lan = A["NFGATE_CMD_LAN_SET"]
    set_dns = A["NFGATE_CMD_DNS_SET"]
    add_f = A["NFGATE_CMD_FORGED_ADD"]
    D = lambda *a: nest(A["NFGATE_A_DNS"], *a)
    F = lambda *a: nest(A["NFGATE_A_FORGED"], *a)
    # (name, cmd, payload, expected errno, extra kwargs)
    return [
        ("weight above max", set_up,
         U(name("up0"), attr(A["NFGATE_UPLINK_A_WEIGHT"], u32(1001))),
         errno.ERANGE, {}),
        ("health above max", set_up,
         U(name("up0"), attr(A["NFGATE_UPLINK_A_HEALTH"], u32(100000))),
         errno.ERANGE, {}),
        ("tier above max", set_up,
         U(name("up0"), attr(A["NFGATE_UPLINK_A_TIER"], u8(16))),
         errno.ERANGE, {}),
        ("admin state unknown", set_up,
         U(name("up0"), attr(A["NFGATE_UPLINK_A_ADMIN"], u8(7))),
         errno.ERANGE, {}),
        ("weight with 2-byte payload", set_up,
         U(name("up0"), attr(A["NFGATE_UPLINK_A_WEIGHT"], b"\x01\x00")),
         errno.ERANGE, {}),
        ("ifname of 16 characters", set_up,
         U(name("a" * 16)), errno.ERANGE, {}),
        ("ifname not NUL-terminated", set_up,
         U(attr(A["NFGATE_UPLINK_A_IFNAME"], b"eth0")), errno.EINVAL, {}),
        ("empty ifname", set_up, U(name("")), errno.EINVAL, {}),
        ("read-only OPER in a set", set_up,
         U(name("up0"), attr(A["NFGATE_UPLINK_A_OPER"], u8(2))),
         errno.EINVAL, {}),
        ("read-only counter in a set", set_up,
         U(name("up0"), attr(A["NFGATE_UPLINK_A_TX_BYTES"], b"\0" * 8)),
         errno.EINVAL, {}),
        ("unknown uplink attribute", set_up,
         U(name("up0"), attr(A["__NFGATE_UPLINK_A_LAST"] + 3, u32(1))),
         errno.EINVAL, {}),
        ("unknown top-level attribute", set_up,
         U(name("up0")) + attr(A["__NFGATE_A_LAST"] + 1, u32(1)),
         errno.EINVAL, {}),
        ("uplink nest missing", set_up, b"", errno.EINVAL, {}),
        ("uplink without ifname", set_up,
         U(attr(A["NFGATE_UPLINK_A_WEIGHT"], u32(2))), errno.EINVAL, {}),
        ("uplink nest without NLA_F_NESTED", set_up,
         attr(A["NFGATE_A_UPLINK"], name("up0")), errno.EINVAL, {}),
        ("uplink nest is not a nest", set_up,
         attr(A["NFGATE_A_UPLINK"], b"\x01\x02"), errno.EINVAL, {}),
        ("attribute length beyond message", set_up,
         struct.pack("=HH", 200, A["NFGATE_A_UPLINK"]) + b"\0" * 8,
         errno.EINVAL, {}),
        ("read-only GENERATION at top level", set_up,
         U(name("up0")) + attr(A["NFGATE_A_GENERATION"], u32(1)),
         errno.EINVAL, {}),
        ("delete an uplink that does not exist", A["NFGATE_CMD_UPLINK_DEL"],
         U(name("nosuch0")), errno.ENOENT, {}),
        ("get an uplink that does not exist", A["NFGATE_CMD_UPLINK_GET"],
         U(name("nosuch0")), errno.ENOENT, {}),
        ("LAN prefix length 33", set_lan,
         L(lname, laddr, attr(A["NFGATE_LAN_A_PREFIXLEN"], u8(33))),
         errno.ERANGE, {}),
        ("LAN address with host bits", set_lan,
         L(lname, attr(A["NFGATE_LAN_A_ADDR"], ip("192.168.1.1")), lplen),
         errno.EINVAL, {}),
        ("LAN with both ifname and ifindex", set_lan,
         L(lname, attr(A["NFGATE_LAN_A_IFINDEX"], u32(1)), laddr, lplen),
         errno.EINVAL, {}),
        ("LAN with neither ifname nor ifindex", set_lan,
         L(laddr, lplen), errno.EINVAL, {}),
        ("LAN without prefix length", set_lan, L(lname, laddr),
         errno.EINVAL, {}),
        ("LAN ifindex that does not exist", set_lan,
         L(attr(A["NFGATE_LAN_A_IFINDEX"], u32(99999)), laddr, lplen),
         errno.ENODEV, {}),
        ("LAN ifindex 0", set_lan,
         L(attr(A["NFGATE_LAN_A_IFINDEX"], u32(0)), laddr, lplen),
         errno.ERANGE, {}),
        ("reserved genl header field set", set_up, U(name("up0")),
         errno.EINVAL, {"reserved": 1}),
        ("unknown command", A["__NFGATE_CMD_MAX"] + 5, b"",
         errno.EOPNOTSUPP, {}),
        ("EVENT command sent by userspace", A["NFGATE_CMD_EVENT"], b"",
         errno.EOPNOTSUPP, {}),
        ("DNS mode unknown", set_dns, D(attr(A["NFGATE_DNS_A_MODE"], u8(9))),
         errno.ERANGE, {}),
        ("DNS mode INHERIT (router mode only)", set_dns,
         D(attr(A["NFGATE_DNS_A_MODE"], u8(A["NFGATE_DNS_INHERIT"]))),
         errno.EINVAL, {}),
        ("DNS hold time above max", set_dns,
         D(attr(A["NFGATE_DNS_A_HOLD_MS"], u32(5001))), errno.ERANGE, {}),
        ("DNS hold max 0", set_dns,
         D(attr(A["NFGATE_DNS_A_HOLD_MAX"], u32(0))), errno.ERANGE, {}),
        ("DNS per-client hold above hold max", set_dns,
         D(attr(A["NFGATE_DNS_A_HOLD_MAX"], u32(4)),
           attr(A["NFGATE_DNS_A_HOLD_PER_CLIENT"], u32(5))),
         errno.EINVAL, {}),
        ("DNS fast_pct above 100", set_dns,
         D(attr(A["NFGATE_DNS_A_FAST_PCT"], u8(101))), errno.ERANGE, {}),
        ("DNS drop score above the signal count", set_dns,
         D(attr(A["NFGATE_DNS_A_DROP_SCORE"], u8(7))), errno.ERANGE, {}),
        ("DNS read-only HELD in a set", set_dns,
         D(attr(A["NFGATE_DNS_A_HELD"], u32(1))), errno.EINVAL, {}),
        ("DNS nest missing", set_dns, b"", errno.EINVAL, {}),
        ("forged add without a nest", add_f, b"", errno.EINVAL, {}),
        ("forged 0.0.0.0", add_f,
         F(attr(A["NFGATE_FORGED_A_ADDR4"], ip("0.0.0.0"))), errno.EINVAL, {}),
        ("forged IPv4 of 3 bytes", add_f,
         F(attr(A["NFGATE_FORGED_A_ADDR4"], b"\1\2\3")), errno.ERANGE, {}),
        ("forged IPv6 prefix /129", add_f,
         F(attr(A["NFGATE_FORGED_A_PREFIX6"], p6("2001::", 129))),
         errno.EINVAL, {}),
        ("forged IPv6 prefix of 16 bytes", add_f,
         F(attr(A["NFGATE_FORGED_A_PREFIX6"], b"\0" * 16)), errno.ERANGE, {}),
        ("forged: more than one chunk", add_f,
         F(*[attr(A["NFGATE_FORGED_A_ADDR4"], be32(0x0a000001 + i))
             for i in range(A["NFGATE_FORGED_CHUNK"] + 1)]),
         errno.E2BIG, {}),
        ("forged: unknown attribute", add_f,
         F(attr(A["__NFGATE_FORGED_A_LAST"], u32(1))), errno.EINVAL, {}),
    ] + tunnel_cases()


def server(*attrs):
    return nest(C["NFGATE_TUNNEL_A_SERVER"], *attrs)


def srv_ok(i=1):
    return (attr(C["NFGATE_TSRV_A_ADDR"], ip(f"198.51.100.{i}")),
            attr(C["NFGATE_TSRV_A_REDIR_PORT"], be16(1100 + i)))


def tunnel_cases():
    """Refused without creating a tunnel (none exists where they run)."""
    A = C
    T = lambda *a: nest(A["NFGATE_A_TUNNEL"], *a)
    S = lambda *a: nest(A["NFGATE_TUNNEL_A_SERVERS"], *a)
    P = lambda *a: nest(A["NFGATE_A_PREFIXES"], *a)
    K = lambda *a: nest(A["NFGATE_A_LOOKUP"], *a)
    tset = A["NFGATE_CMD_TUNNEL_SET"]
    load = A["NFGATE_CMD_PREFIXES_LOAD"]
    look = A["NFGATE_CMD_TUNNEL_LOOKUP"]
    bypass = attr(A["NFGATE_PREFIXES_A_LIST"], u8(A["NFGATE_LIST_BYPASS"]))
    begin = attr(A["NFGATE_PREFIXES_A_FLAGS"], u32(A["NFGATE_PREFIXES_F_BEGIN"]))
    return [
        ("tunnel ENABLED 2", tset, T(attr(A["NFGATE_TUNNEL_A_ENABLED"], u8(2))),
         errno.ERANGE, {}),
        ("tunnel STATE unknown", tset,
         T(attr(A["NFGATE_TUNNEL_A_STATE"], u8(A["__NFGATE_TUNNEL_STATE_LAST"]))),
         errno.ERANGE, {}),
        ("tunnel FAIL unknown", tset, T(attr(A["NFGATE_TUNNEL_A_FAIL"], u8(2))),
         errno.ERANGE, {}),
        ("tunnel ACTIVE above SERVERS_MAX", tset,
         T(attr(A["NFGATE_TUNNEL_A_ACTIVE"],
                u8(A["NFGATE_TUNNEL_SERVERS_MAX"] + 1))), errno.ERANGE, {}),
        ("tunnel ACTIVE past the last server", tset,
         T(attr(A["NFGATE_TUNNEL_A_ACTIVE"], u8(1))), errno.EINVAL, {}),
        ("tunnel UDP_MARK 0", tset, T(attr(A["NFGATE_TUNNEL_A_UDP_MARK"], u32(0))),
         errno.ERANGE, {}),
        ("tunnel CHECK_MARK with its low byte set", tset,
         T(attr(A["NFGATE_TUNNEL_A_CHECK_MARK"], u32(0x201))), errno.EINVAL, {}),
        ("tunnel read-only SINCE_MS", tset,
         T(attr(A["NFGATE_TUNNEL_A_SINCE_MS"], b"\0" * 8)), errno.EINVAL, {}),
        ("tunnel read-only FLOWS", tset,
         T(attr(A["NFGATE_TUNNEL_A_FLOWS"], u32(1))), errno.EINVAL, {}),
        ("tunnel read-only LIST", tset,
         T(nest(A["NFGATE_TUNNEL_A_LIST"], attr(A["NFGATE_TLIST_A_LIST"], u8(0)))),
         errno.EINVAL, {}),
        ("tunnel SERVER outside SERVERS", tset,
         T(server(*srv_ok())), errno.EINVAL, {}),
        ("tunnel server without ADDR", tset,
         T(S(server(attr(A["NFGATE_TSRV_A_REDIR_PORT"], be16(1100))))),
         errno.EINVAL, {}),
        ("tunnel server without REDIR_PORT", tset,
         T(S(server(attr(A["NFGATE_TSRV_A_ADDR"], ip("198.51.100.1"))))),
         errno.EINVAL, {}),
        ("tunnel server REDIR_PORT 0", tset,
         T(S(server(attr(A["NFGATE_TSRV_A_ADDR"], ip("198.51.100.1")),
                    attr(A["NFGATE_TSRV_A_REDIR_PORT"], be16(0))))),
         errno.EINVAL, {}),
        ("tunnel server address 0.0.0.0", tset,
         T(S(server(attr(A["NFGATE_TSRV_A_ADDR"], ip("0.0.0.0")),
                    attr(A["NFGATE_TSRV_A_REDIR_PORT"], be16(1100))))),
         errno.EINVAL, {}),
        ("tunnel server name of 32 characters", tset,
         T(S(server(attr(A["NFGATE_TSRV_A_NAME"], sz("n" * 32)), *srv_ok()))),
         errno.ERANGE, {}),
        ("tunnel server read-only REDIRECTED", tset,
         T(S(server(attr(A["NFGATE_TSRV_A_REDIRECTED"], b"\0" * 8), *srv_ok()))),
         errno.EINVAL, {}),
        ("tunnel server state unknown", tset,
         T(S(server(attr(A["NFGATE_TSRV_A_STATE"], u8(9)), *srv_ok()))),
         errno.ERANGE, {}),
        ("tunnel: more than SERVERS_MAX servers", tset,
         T(S(*[server(*srv_ok(i)) for i in
               range(1, A["NFGATE_TUNNEL_SERVERS_MAX"] + 2)])),
         errno.E2BIG, {}),
        ("tunnel: SERVERS holding something else", tset,
         T(S(attr(A["NFGATE_TUNNEL_A_ENABLED"], u8(1)))), errno.EINVAL, {}),
        ("prefixes load without a tunnel", load, P(bypass, begin),
         errno.ENOENT, {}),
        ("prefixes nest missing", load, b"", errno.EINVAL, {}),
        ("prefixes LIST unknown", load,
         P(attr(A["NFGATE_PREFIXES_A_LIST"], u8(A["__NFGATE_LIST_LAST"])), begin),
         errno.ERANGE, {}),
        ("prefixes unknown FLAGS bit", load,
         P(bypass, attr(A["NFGATE_PREFIXES_A_FLAGS"], u32(4))), errno.EINVAL, {}),
        ("prefixes PREFIX4 of 5 bytes", load,
         P(bypass, begin, attr(A["NFGATE_PREFIXES_A_PREFIX4"], b"\1\2\3\4\5")),
         errno.ERANGE, {}),
        ("prefixes read-only PAD", load,
         P(bypass, attr(A["NFGATE_PREFIXES_A_PAD"], u32(0))), errno.EINVAL, {}),
        ("lookup without DADDR", look,
         K(attr(A["NFGATE_LOOKUP_A_SADDR"], ip("192.168.0.10"))), errno.EINVAL, {}),
        ("lookup with the answer VERDICT", look,
         K(attr(A["NFGATE_LOOKUP_A_DADDR"], ip("1.1.1.1")),
           attr(A["NFGATE_LOOKUP_A_VERDICT"], u8(0))), errno.EINVAL, {}),
        ("lookup nest missing", look, b"", errno.EINVAL, {}),
        ("delete a tunnel that does not exist", A["NFGATE_CMD_TUNNEL_DEL"], b"",
         errno.ENOENT, {}),
        ("get a tunnel that does not exist", A["NFGATE_CMD_TUNNEL_GET"], b"",
         errno.ENOENT, {}),
    ]


def run_malformed():
    g = Genl()
    failures = 0
    for name, cmd, payload, want, kw in malformed_cases():
        err, msg, _ = g.request(cmd, payload, **kw)
        # A range violation is EINVAL or ERANGE depending on the kernel's
        # policy code; both are a refusal, what matters is the message.
        ok_err = err == want or (want == errno.ERANGE and err == errno.EINVAL)
        needs_msg = want not in (errno.EOPNOTSUPP,)
        if ok_err and (msg or not needs_msg):
            print(f"PASS {name}: {errno.errorcode.get(err, err)} \"{msg}\"")
        else:
            failures += 1
            print(f"FAIL {name}: got errno {err} "
                  f"({errno.errorcode.get(err, '?')}) msg \"{msg}\", "
                  f"want {errno.errorcode[want]} with a message")
    # Nothing of the above may have created an uplink.
    err, msg, replies = g.request(C["NFGATE_CMD_UPLINK_GET"], b"",
                                  flags=NLM_F_REQUEST | NLM_F_DUMP)
    leaked = [r for r in replies if b"up0" in r[2] or b"nosuch0" in r[2]]
    if err or leaked:
        failures += 1
        print(f"FAIL no uplink created by refused requests: err {err}, "
              f"{len(leaked)} found")
    else:
        print("PASS no uplink created by refused requests")
    # ... nor changed the DNS settings or filled the forged set.
    err, msg, replies = g.request(C["NFGATE_CMD_DNS_GET"], b"")
    body = replies[0][2] if replies else b""
    mode = find_attr(body, 4, [C["NFGATE_A_DNS"], C["NFGATE_DNS_A_MODE"]])
    n4 = find_attr(body, 4, [C["NFGATE_A_DNS"], C["NFGATE_DNS_A_FORGED4"]])
    hmax = find_attr(body, 4, [C["NFGATE_A_DNS"], C["NFGATE_DNS_A_HOLD_MAX"]])
    if err or mode != u8(0) or n4 != u32(0) or \
            hmax != u32(C["NFGATE_DNS_DEFAULT_HOLD_MAX"]):
        failures += 1
        print(f"FAIL DNS settings untouched by refused requests: err {err} "
              f"mode {mode} forged4 {n4} hold_max {hmax}")
    else:
        print("PASS DNS settings untouched by refused requests")
    # ... nor created a tunnel.
    err, msg, _ = g.request(C["NFGATE_CMD_TUNNEL_GET"], b"")
    if err != errno.ENOENT:
        failures += 1
        print(f"FAIL no tunnel created by refused requests: errno {err}")
    else:
        print("PASS no tunnel created by refused requests")
    return 1 if failures else 0


def tlists(g):
    """{list: (prefixes, ranges, tag, loading)} from TUNNEL_GET."""
    err, msg, replies = g.request(C["NFGATE_CMD_TUNNEL_GET"], b"")
    out = {}
    tun = find_attr(replies[0][2], 4, [C["NFGATE_A_TUNNEL"]]) if not err else None
    off = 0
    while tun and off + 4 <= len(tun):
        alen, atype = struct.unpack_from("=HH", tun, off)
        if atype & 0x3fff == C["NFGATE_TUNNEL_A_LIST"]:
            body = tun[off + 4:off + alen]
            get = lambda a: find_attr(body, 0, [C[a]])
            ld = get("NFGATE_TLIST_A_LOADING")
            out[get("NFGATE_TLIST_A_LIST")[0]] = (
                struct.unpack("=I", get("NFGATE_TLIST_A_PREFIXES"))[0],
                struct.unpack("=I", get("NFGATE_TLIST_A_RANGES"))[0],
                struct.unpack("=Q", get("NFGATE_TLIST_A_TAG"))[0],
                struct.unpack("=I", ld)[0] if ld else None)
        off += (alen + 3) & ~3
    return out


def run_tunnel():
    """The load protocol: BEGIN, chunks, COMMIT; one loader at a time."""
    g, g2 = Genl(), Genl()
    A = C
    P = lambda *a: nest(A["NFGATE_A_PREFIXES"], *a)
    lst = lambda l: attr(A["NFGATE_PREFIXES_A_LIST"], u8(A["NFGATE_LIST_" + l]))
    flags = lambda f: attr(A["NFGATE_PREFIXES_A_FLAGS"], u32(f))
    pfx = lambda a, l: attr(A["NFGATE_PREFIXES_A_PREFIX4"], p4(a, l))
    B, CO = A["NFGATE_PREFIXES_F_BEGIN"], A["NFGATE_PREFIXES_F_COMMIT"]
    load = A["NFGATE_CMD_PREFIXES_LOAD"]
    failures = 0

    def expect(name, got, want):
        nonlocal failures
        ok = got == want
        failures += not ok
        print(f"{'PASS' if ok else 'FAIL'} {name}" +
              ("" if ok else f": got {got}, want {want}"))

    err, msg, _ = g.request(A["NFGATE_CMD_TUNNEL_SET"],
                            nest(A["NFGATE_A_TUNNEL"],
                                 attr(A["NFGATE_TUNNEL_A_ENABLED"], u8(0))))
    expect("create a tunnel (not enabled)", err, 0)
    expect("the bypass list holds the reserved ranges only",
           tlists(g)[A["NFGATE_LIST_BYPASS"]][:2], (0, 17))
    err, msg, _ = g.request(load, P(lst("FORWARD"), pfx("1.2.3.0", 24)))
    expect("a chunk without BEGIN: EINVAL", (err, "BEGIN" in msg),
           (errno.EINVAL, True))
    err, _, _ = g.request(load, P(lst("FORWARD"), flags(B), pfx("1.2.3.0", 24),
                                  pfx("1.2.4.0", 24)))
    expect("BEGIN with two prefixes", err, 0)
    expect("the load in progress is reported",
           tlists(g)[A["NFGATE_LIST_FORWARD"]][3], 2)
    err, msg, _ = g2.request(load, P(lst("FORWARD"), pfx("5.6.7.0", 24)))
    expect("another socket cannot continue it: EBUSY", err, errno.EBUSY)
    err, msg, _ = g.request(load, P(lst("BYPASS"), pfx("5.6.7.0", 24)))
    expect("nor another list: EBUSY", err, errno.EBUSY)
    err, _, _ = g.request(load, P(lst("FORWARD"), pfx("1.2.5.0", 24)))
    expect("the owner continues", err, 0)
    expect("the list is unchanged until COMMIT",
           tlists(g)[A["NFGATE_LIST_FORWARD"]][:2], (0, 0))
    err, _, _ = g.request(load, P(lst("FORWARD"), flags(CO),
                                  attr(A["NFGATE_PREFIXES_A_TAG"],
                                       struct.pack("=Q", 77))))
    expect("COMMIT", err, 0)
    expect("three prefixes, one range (1.2.3.0-1.2.5.255), the tag",
           tlists(g)[A["NFGATE_LIST_FORWARD"]], (3, 1, 77, None))
    err, msg, _ = g.request(load, P(lst("SRC_BYPASS"), flags(B | CO),
                                    pfx("192.168.0.0", 33)))
    expect("a prefix longer than 32: EINVAL", err, errno.EINVAL)
    err, msg, _ = g.request(load, P(lst("SRC_BYPASS"), flags(B),
                                    *[pfx("10.0.0.0", 32)] *
                                    (A["NFGATE_PREFIXES_CHUNK"] + 1)))
    expect("more than NFGATE_PREFIXES_CHUNK in a message: E2BIG", err,
           errno.E2BIG)
    expect("... which ends the load",
           tlists(g)[A["NFGATE_LIST_SRC_BYPASS"]][3], None)
    err, _, _ = g.request(load, P(lst("SRC_BYPASS"), flags(B), pfx("10.0.0.0", 8)))
    err2, _, _ = g2.request(load, P(lst("SRC_BYPASS"), flags(B | CO),
                                    pfx("192.168.0.10", 32)))
    expect("a BEGIN from another socket takes over", (err, err2), (0, 0))
    expect("... and the first loader's prefixes are gone",
           tlists(g)[A["NFGATE_LIST_SRC_BYPASS"]][:2], (1, 1))
    err, _, _ = g.request(load, P(lst("FORWARD"), flags(B | CO)))
    expect("BEGIN|COMMIT without prefixes empties a list",
           (err, tlists(g)[A["NFGATE_LIST_FORWARD"]][:2]), (0, (0, 0)))
    err, _, _ = g.request(A["NFGATE_CMD_TUNNEL_DEL"], b"")
    expect("delete the tunnel", err, 0)
    err, _, _ = g.request(A["NFGATE_CMD_TUNNEL_GET"], b"")
    expect("... gone", err, errno.ENOENT)
    return 1 if failures else 0


def find_attr(data, off, path):
    """The payload of the attribute at @path (types, outermost first)."""
    while off + 4 <= len(data):
        alen, atype = struct.unpack_from("=HH", data, off)
        if alen < 4:
            return None
        if atype & 0x3fff == path[0]:
            payload = data[off + 4:off + alen]
            return payload if len(path) == 1 else \
                find_attr(payload, 0, path[1:])
        off += (alen + 3) & ~3
    return None


GENL_ADMIN_PERM = 0x01
GENL_UNS_ADMIN_PERM = 0x10
GENL_CMD_CAP_DO = 0x02
CTRL_ATTR_OPS = 6
CTRL_ATTR_OP_ID = 1
CTRL_ATTR_OP_FLAGS = 2


def state_changing():
    """Every command of the header that changes state, by its name."""
    return sorted((v, k) for k, v in C.items()
                  if re.fullmatch(r"NFGATE_CMD_\w+_(SET|ADD|DEL|LOAD)", k))


def eperm_payloads():
    """A valid request for each state-changing command, one that would
    change the configuration netlink.sh set up if it were allowed."""
    A = C
    U = lambda *a: nest(A["NFGATE_A_UPLINK"], *a)
    W = lambda *a: nest(A["NFGATE_A_FORWARD"], *a)
    return {
        "NFGATE_CMD_LAN_SET": nest(
            A["NFGATE_A_LAN"], attr(A["NFGATE_LAN_A_IFNAME"], sz("br0")),
            attr(A["NFGATE_LAN_A_ADDR"], ip("10.0.0.0")),
            attr(A["NFGATE_LAN_A_PREFIXLEN"], u8(8))),
        "NFGATE_CMD_LAN_DEL": b"",
        "NFGATE_CMD_UPLINK_SET": U(attr(A["NFGATE_UPLINK_A_IFNAME"], sz("ppp0")),
                                   attr(A["NFGATE_UPLINK_A_WEIGHT"], u32(1))),
        "NFGATE_CMD_UPLINK_DEL": U(attr(A["NFGATE_UPLINK_A_IFNAME"], sz("ppp0"))),
        "NFGATE_CMD_SETTINGS_SET": nest(
            A["NFGATE_A_SETTINGS"],
            attr(A["NFGATE_SETTINGS_A_HOLDDOWN_MS"], u32(1))),
        "NFGATE_CMD_FORWARD_SET": W(
            attr(A["NFGATE_FORWARD_A_PROTO"], u8(6)),
            attr(A["NFGATE_FORWARD_A_PORT"], struct.pack("!H", 2223)),
            attr(A["NFGATE_FORWARD_A_TO_ADDR"], ip("192.168.0.10"))),
        "NFGATE_CMD_FORWARD_DEL": W(
            attr(A["NFGATE_FORWARD_A_PROTO"], u8(6)),
            attr(A["NFGATE_FORWARD_A_PORT"], struct.pack("!H", 2222))),
        "NFGATE_CMD_DNS_SET": nest(A["NFGATE_A_DNS"],
                                   attr(A["NFGATE_DNS_A_MODE"], u8(2))),
        "NFGATE_CMD_FORGED_ADD": nest(
            A["NFGATE_A_FORGED"], attr(A["NFGATE_FORGED_A_ADDR4"], ip("5.6.7.8"))),
        "NFGATE_CMD_FORGED_DEL": b"",    # no nest: empty the set
        "NFGATE_CMD_TUNNEL_SET": nest(A["NFGATE_A_TUNNEL"],
                                      attr(A["NFGATE_TUNNEL_A_ENABLED"], u8(1))),
        "NFGATE_CMD_TUNNEL_DEL": b"",
        "NFGATE_CMD_PREFIXES_LOAD": nest(
            A["NFGATE_A_PREFIXES"], attr(A["NFGATE_PREFIXES_A_LIST"], u8(0)),
            attr(A["NFGATE_PREFIXES_A_FLAGS"], u32(3)),
            attr(A["NFGATE_PREFIXES_A_PREFIX4"],
                 ip("36.110.0.0") + struct.pack("B3x", 16))),
        "NFGATE_CMD_TRACE_SET": nest(A["NFGATE_A_TRACE"],
                                     attr(A["NFGATE_TRACE_A_ON"], u8(1))),
    }


def family_ops(g):
    """{op id: flags} as the controller reports them."""
    g._send(GENL_ID_CTRL, NLM_F_REQUEST | NLM_F_ACK, CTRL_CMD_GETFAMILY,
            attr(CTRL_ATTR_FAMILY_NAME, sz(C_NAME)))
    mtype, _, data = g._recv_all()[0]
    ops = {}
    body = find_attr(data, 4, [CTRL_ATTR_OPS]) or b""
    off = 0
    while off + 4 <= len(body):
        alen, _ = struct.unpack_from("=HH", body, off)
        if alen < 4:
            break
        item = body[off + 4:off + alen]
        oid = find_attr(item, 0, [CTRL_ATTR_OP_ID])
        flags = find_attr(item, 0, [CTRL_ATTR_OP_FLAGS])
        if oid:
            ops[struct.unpack("=I", oid)[0]] = \
                struct.unpack("=I", flags)[0] if flags else 0
        off += (alen + 3) & ~3
    return ops


def run_eperm():
    g = Genl()
    failures = 0

    def report(ok, text):
        nonlocal failures
        failures += 0 if ok else 1
        print(("PASS " if ok else "FAIL ") + text)

    payloads = eperm_payloads()
    changing = state_changing()
    names = {v: k for k, v in C.items() if k.startswith("NFGATE_CMD_")}
    ops = family_ops(g)
    # The family's own declaration agrees: changes need the capability,
    # reads do not, and it has no command the header does not name.
    for oid, flags in sorted(ops.items()):
        name = names.get(oid, f"command {oid}")
        admin = bool(flags & (GENL_ADMIN_PERM | GENL_UNS_ADMIN_PERM))
        if oid not in names:
            report(False, f"{name}: in the family but not in the header")
        elif (oid, name) in changing:
            report(admin, f"{name}: declared as needing CAP_NET_ADMIN")
        else:
            report(not admin, f"{name}: declared open to unprivileged readers")
    for cmd, name in changing:
        if cmd not in ops:
            report(False, f"{name}: in the header but not in the family")
            continue
        if name not in payloads:
            report(False, f"{name}: no request in nlcheck.py eperm_payloads()")
            continue
        err, msg, _ = g.request(cmd, payloads[name])
        report(err == errno.EPERM,
               f"{name} refused with EPERM (got "
               f"{errno.errorcode.get(err, err) if err else 'success'})")
    # Reads stay open: anything but EPERM.
    for cmd, name in sorted((v, k) for k, v in C.items()
                            if re.fullmatch(r"NFGATE_CMD_\w+_GET", k)):
        flags = NLM_F_REQUEST | NLM_F_ACK
        if not ops.get(cmd, 0) & GENL_CMD_CAP_DO:
            flags = NLM_F_REQUEST | NLM_F_DUMP
        payload = b""
        if name == "NFGATE_CMD_UPLINK_GET":
            payload = nest(C["NFGATE_A_UPLINK"],
                           attr(C["NFGATE_UPLINK_A_IFNAME"], sz("ppp0")))
        err, msg, _ = g.request(cmd, payload, flags=flags)
        report(err != errno.EPERM,
               f"{name} allowed (got {errno.errorcode.get(err, err) if err else 'success'})")
    print(f"INFO {len(changing)} state-changing commands, {len(ops)} commands "
          f"in the family")
    return 1 if failures else 0


NLM_F_DUMP_INTR = 0x10


def run_churn():
    stop, ms = sys.argv[2], int(sys.argv[3])
    g = Genl()
    entry = nest(C["NFGATE_A_FORGED"],
                 attr(C["NFGATE_FORGED_A_ADDR4"], ip("192.0.2.1")))
    n = 0
    print("changing", flush=True)
    while not os.path.exists(stop):
        cmd = C["NFGATE_CMD_FORGED_DEL"] if n % 2 else C["NFGATE_CMD_FORGED_ADD"]
        err, msg, _ = g.request(cmd, entry)
        if err:
            print(f"change {n}: errno {err} {msg}")
            return 1
        n += 1
        time.sleep(ms / 1000.0)
    print(f"changes {n}")
    return 0


def run_nsconfig():
    import ctypes
    prefix, n = sys.argv[2], int(sys.argv[3])
    libc = ctypes.CDLL(None, use_errno=True)
    CLONE_NEWNET = 0x40000000
    A = C
    U = lambda *a: nest(A["NFGATE_A_UPLINK"], *a)
    W = lambda *a: nest(A["NFGATE_A_FORWARD"], *a)
    reqs = [
        ("NFGATE_CMD_LAN_SET", nest(
            A["NFGATE_A_LAN"], attr(A["NFGATE_LAN_A_IFNAME"], sz("br0")),
            attr(A["NFGATE_LAN_A_ADDR"], ip("192.168.0.0")),
            attr(A["NFGATE_LAN_A_PREFIXLEN"], u8(24)))),
        ("NFGATE_CMD_UPLINK_SET", U(attr(A["NFGATE_UPLINK_A_IFNAME"], sz("ppp0")),
                                    attr(A["NFGATE_UPLINK_A_WEIGHT"], u32(2)))),
        ("NFGATE_CMD_UPLINK_SET", U(attr(A["NFGATE_UPLINK_A_IFNAME"], sz("wwan0")),
                                    attr(A["NFGATE_UPLINK_A_TIER"], u8(1)))),
        ("NFGATE_CMD_FORWARD_SET", W(
            attr(A["NFGATE_FORWARD_A_PROTO"], u8(6)),
            attr(A["NFGATE_FORWARD_A_PORT"], struct.pack("!H", 2223)),
            attr(A["NFGATE_FORWARD_A_TO_ADDR"], ip("192.168.0.10")))),
        ("NFGATE_CMD_DNS_SET", nest(A["NFGATE_A_DNS"],
                                    attr(A["NFGATE_DNS_A_MODE"], u8(2)))),
        ("NFGATE_CMD_FORGED_ADD", nest(
            A["NFGATE_A_FORGED"], attr(A["NFGATE_FORGED_A_ADDR4"], ip("5.6.7.8")))),
    ]
    done = 0
    for i in range(n):
        fd = os.open(f"/run/netns/{prefix}{i}", os.O_RDONLY)
        if libc.setns(fd, CLONE_NEWNET):
            print(f"setns {prefix}{i}: errno {ctypes.get_errno()}")
            return 1
        os.close(fd)
        g = Genl()
        for name, payload in reqs:
            err, msg, _ = g.request(C[name], payload)
            if err:
                print(f"{prefix}{i}: {name}: errno {err} {msg}")
                return 1
        err, msg, _ = g.request(C["NFGATE_CMD_LAN_GET"], b"")
        if err:
            print(f"{prefix}{i}: LAN_GET: errno {err} {msg}")
            return 1
        g.sock.close()
        done += 1
    print(f"configured {done}")
    return 0


def run_dumps():
    """dumps N [BASE]: N raw dumps of the forged set; with BASE, also count
    the dumps not flagged NLM_F_DUMP_INTR whose set could not have existed
    (a duplicate, or not BASE or BASE + 1 entries: the changer toggles one
    address)."""
    n = int(sys.argv[2])
    base = int(sys.argv[3]) if len(sys.argv) > 3 else None
    g = Genl()
    intr, counts, bad = 0, [], 0
    t0 = time.monotonic()
    for _ in range(n):
        g._send(g.family, NLM_F_REQUEST | NLM_F_DUMP,
                C["NFGATE_CMD_FORGED_GET"], b"")
        msgs = g._recv_all()
        if msgs[-1][0] == NLMSG_ERROR:
            print(f"dump: errno {-struct.unpack_from('=i', msgs[-1][2])[0]}")
            return 1
        flagged = any(f & NLM_F_DUMP_INTR for _, f, _ in msgs)
        intr += flagged
        entries, seen = 0, set()
        for mtype, _, data in msgs[:-1]:
            off = 4
            while off + 4 <= len(data):
                alen, atype = struct.unpack_from("=HH", data, off)
                if alen < 4:
                    break
                if atype & 0x3fff == C["NFGATE_A_FORGED"]:
                    k = (alen - 4) // 8	# NLA_BE32 + header each
                    entries += k
                    for j in range(k):
                        a = off + 4 + 8 * j + 4
                        seen.add(data[a:a + 4])
                off += (alen + 3) & ~3
        counts.append(entries)
        if base is not None and not flagged and \
                (len(seen) != entries or entries not in (base, base + 1)):
            bad += 1
    ms = int((time.monotonic() - t0) * 1000 / n)
    print(f"dumps {n} intr {intr} entries {min(counts)}..{max(counts)} ms {ms}"
          + (f" unflagged_bad {bad}" if base is not None else ""))
    return 0


if __name__ == "__main__":
    modes = {"malformed": run_malformed, "tunnel": run_tunnel, "eperm": run_eperm,
             "churn": run_churn, "dumps": run_dumps,
             "nsconfig": run_nsconfig}
    if len(sys.argv) < 2 or sys.argv[1] not in modes:
        sys.exit(__doc__)
    sys.exit(modes[sys.argv[1]]())
