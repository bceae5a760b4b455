#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""DNS test client for nfgate's selftests (stdlib only: it must start fast
in the TCG guest).

Query mode (the default):

    dnsclient.py [options] SERVER NAME...

sends COUNT queries per NAME over UDP, from one or several source ports,
many in flight at once, and behaves like a stub resolver: the FIRST reply
that matches a query (source address and port, ID, question) is its answer.
With --linger it keeps listening after that first reply and records every
later one, which shows what an on-path injector did (a forged reply first,
the genuine one after it). Arrival times are the kernel's (SO_TIMESTAMPNS),
so a slow interpreter does not distort them.

One line per query (unless -q), key=value:

    q=I name=N qtype=T port=P id=0xID tries=K rcode=R flags=0xF tc=0|1
    answers=A,B latency_ms=X verdict=V [tcp=ok|fail] [later=V@MS,...]

and a summary line, always last:

    sent=N answered=N forged=K genuine=G other=O timeout=T ignored=I
    noerror=.. nxdomain=.. servfail=.. refused=.. tc=.. tcp_ok=..
    p50_ms=X p99_ms=X second=S late_genuine=L lead_p50_ms=X
    lead_min_ms=X lead_max_ms=X

verdict: "forged" if an A/AAAA answer is in --forged; "genuine" if the
answers are in --expect (all of them, at least one) and/or the rcode is
--expect-rcode; without either, any reply that is not forged is genuine;
"other" otherwise; "timeout" without a reply. second: queries that got at
least one more reply after the first (--linger); late_genuine: a forged
first reply followed by a genuine one; lead: time from the first forged to
the first genuine reply of a query (the injector's lead). Latencies and
percentiles are of the first reply (or the TCP answer after TC=1). "-"
where there is nothing to measure.

Capture mode:

    dnsclient.py capture IFACE [--forged SPEC] [--duration S] [--count N]

prints one line per IPv4 UDP packet to or from port 53 seen on IFACE
(AF_PACKET), IP header fields included, after a line "capturing IFACE" on
stderr once the socket is open:

    t=T dir=in|out src=A:P dst=A:P ipid=I ttl=T df=0|1 frag=0|first|more|last
    len=L id=0xID flags=0xF qr=0|1 rcode=R qd=.. an=.. ns=.. ar=.. opt=0|1
    qname=N qtype=T attl=TTL answers=... verdict=forged|-

(attl: the first answer's TTL.)

Non-first fragments carry no UDP header: only the IP fields are printed.

Serve mode:

    dnsclient.py serve ADDR [--rcode R] [-p PORT]

a broken upstream server: answers every UDP query on ADDR with rcode R
(default SERVFAIL) and nothing else; prints "serving ADDR" on stderr once
bound. The test resolver forwards a zone to it to produce SERVFAIL.
"""

# Only built-in and C modules: socket.py, signal.py, struct.py and random.py
# pull in enum, functools, collections, selectors, hashlib..., and every
# module costs file lookups over 9p in the guest (python3 -I -S with these:
# ~1 s there; with the usual modules and site: ~3.5 s).
import _signal as signal
import _socket as socket
import _struct as struct
import errno
import os
import select
import sys
import time

QTYPES = {'A': 1, 'NS': 2, 'CNAME': 5, 'SOA': 6, 'PTR': 12, 'MX': 15,
          'TXT': 16, 'AAAA': 28, 'SRV': 33, 'OPT': 41, 'DS': 43,
          'RRSIG': 46, 'DNSKEY': 48, 'HTTPS': 65, 'ANY': 255}
QTYPE_NAMES = {v: k for k, v in QTYPES.items()}
RCODES = ['NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN', 'NOTIMP', 'REFUSED']
SO_TIMESTAMPNS = getattr(socket, 'SO_TIMESTAMPNS', 35)
SO_BINDTODEVICE = getattr(socket, 'SO_BINDTODEVICE', 25)


class Rand:
    """16-bit random numbers: os.urandom, or a seeded xorshift (--seed)."""
    state = None

    @classmethod
    def seed(cls, n):
        cls.state = (n * 2654435761 + 1) & 0xffffffffffffffff or 1

    @classmethod
    def u16(cls):
        if cls.state is None:
            return int.from_bytes(os.urandom(2), 'big')
        x = cls.state
        x ^= (x << 13) & 0xffffffffffffffff
        x ^= x >> 7
        x ^= (x << 17) & 0xffffffffffffffff
        cls.state = x
        return x >> 48


def sample_ids(n):
    """n distinct IDs (n <= 65536), in random order."""
    if n > 4096:
        ids = list(range(65536))
        for i in range(65535, 0, -1):
            j = (Rand.u16() << 16 | Rand.u16()) % (i + 1)
            ids[i], ids[j] = ids[j], ids[i]
        return ids[:n]
    seen, out = set(), []
    while len(out) < n:
        v = Rand.u16()
        if v not in seen:
            seen.add(v)
            out.append(v)
    return out


def slowness():
    """NFGATE_SLOW (selftests/lib.sh): how many times slower the kernel is."""
    v = os.environ.get('NFGATE_SLOW', '1')
    return int(v) if v.isdigit() and int(v) > 0 else 1


def die(msg):
    sys.stderr.write('dnsclient: %s\n' % msg)
    sys.exit(2)


def qtype_num(s):
    s = s.upper()
    if s in QTYPES:
        return QTYPES[s]
    if s.startswith('TYPE') and s[4:].isdigit():
        return int(s[4:])
    if s.isdigit():
        return int(s)
    die('unknown qtype %s' % s)


def qtype_str(t):
    return QTYPE_NAMES.get(t, 'TYPE%d' % t)


def rcode_str(r):
    return RCODES[r] if r < len(RCODES) else 'RCODE%d' % r


# ---- address sets ("forged", "expected") -----------------------------------

class AddrSet:
    """Addresses and prefixes (v4 and v6): "a,b/24,2001::/32" or "@FILE"
    (one per line, '#' comments), several specs may be combined."""

    def __init__(self):
        self.nets = []  # (family, int network, prefix len)

    def add(self, spec):
        for item in spec.split(','):
            item = item.strip()
            if not item:
                continue
            if item.startswith('@'):
                with open(item[1:]) as f:
                    for line in f:
                        self.add(line.split('#', 1)[0])
                continue
            addr, _, plen = item.partition('/')
            fam = socket.AF_INET6 if ':' in addr else socket.AF_INET
            bits = 128 if fam == socket.AF_INET6 else 32
            try:
                n = int.from_bytes(socket.inet_pton(fam, addr), 'big')
            except OSError:
                die('bad address %s' % item)
            plen = int(plen) if plen else bits
            self.nets.append((fam, n >> (bits - plen), plen))

    def __bool__(self):
        return bool(self.nets)

    def __contains__(self, addr):
        fam = socket.AF_INET6 if ':' in addr else socket.AF_INET
        bits = 128 if fam == socket.AF_INET6 else 32
        n = int.from_bytes(socket.inet_pton(fam, addr), 'big')
        for f, net, plen in self.nets:
            if f == fam and n >> (bits - plen) == net:
                return True
        return False


# ---- DNS messages ------------------------------------------------------------

def encode_name(name):
    out = b''
    for label in name.rstrip('.').split('.'):
        if label:
            b = label.encode()
            if len(b) > 63:
                die('label too long in %s' % name)
            out += bytes([len(b)]) + b
    return out + b'\0'


def build_query(qid, name, qtype, rd=True, edns=0, do=False):
    flags = 0x0100 if rd else 0
    msg = struct.pack('!HHHHHH', qid, flags, 1, 0, 0, 1 if edns else 0)
    msg += encode_name(name) + struct.pack('!HH', qtype, 1)
    if edns:
        msg += b'\0' + struct.pack('!HHIH', 41, edns, 0x8000 if do else 0, 0)
    return msg


def read_name(msg, off):
    """Returns (name, offset after the name in place). Bounded."""
    labels, end, hops = [], None, 0
    while True:
        if off >= len(msg):
            raise ValueError('name past the end')
        n = msg[off]
        if n & 0xc0 == 0xc0:
            if off + 1 >= len(msg) or hops > 32:
                raise ValueError('bad pointer')
            if end is None:
                end = off + 2
            off = ((n & 0x3f) << 8) | msg[off + 1]
            hops += 1
            continue
        if n & 0xc0:
            raise ValueError('bad label')
        off += 1
        if n == 0:
            break
        labels.append(msg[off:off + n].decode('ascii', 'replace'))
        off += n
    return '.'.join(labels).lower(), (end if end is not None else off)


class Reply:
    """A parsed message (tolerant of truncation: TC replies, fragments)."""

    def __init__(self, msg):
        if len(msg) < 12:
            raise ValueError('short')
        (self.id, self.flags, self.qd, self.an, self.ns,
         self.ar) = struct.unpack('!HHHHHH', msg[:12])
        self.rcode = self.flags & 0xf
        self.tc = (self.flags >> 9) & 1
        self.qr = self.flags >> 15
        self.qname, self.qtype = None, None
        self.answers = []   # text
        self.addrs = []     # A/AAAA as text
        self.opt = False
        self.attl = None    # the first answer's TTL
        self.partial = False
        off = 12
        try:
            if self.qd:
                self.qname, off = read_name(msg, off)
                self.qtype = struct.unpack('!H', msg[off:off + 2])[0]
                off += 4
            for i in range(self.an + self.ns + self.ar):
                name, off = read_name(msg, off)
                rtype, _rclass, ttl, rdlen = struct.unpack(
                    '!HHIH', msg[off:off + 10])
                off += 10
                rdata = msg[off:off + rdlen]
                if len(rdata) < rdlen:
                    raise ValueError('rdata past the end')
                if rtype == 41:
                    self.opt = True
                if i < self.an:
                    if self.attl is None:
                        self.attl = ttl
                    self.answers.append(self._rr_text(msg, off, rtype, rdata))
                off += rdlen
        except (ValueError, struct.error, IndexError):
            self.partial = True

    def _rr_text(self, msg, off, rtype, rdata):
        if rtype == 1 and len(rdata) == 4:
            a = socket.inet_ntop(socket.AF_INET, rdata)
            self.addrs.append(a)
            return a
        if rtype == 28 and len(rdata) == 16:
            a = socket.inet_ntop(socket.AF_INET6, rdata)
            self.addrs.append(a)
            return a
        if rtype == 5:
            return 'CNAME:' + read_name(msg, off)[0]
        if rtype == 16:
            return 'TXT:%d' % len(rdata)
        return '%s:%d' % (qtype_str(rtype), len(rdata))

    def answers_text(self):
        return ','.join(self.answers) if self.answers else '-'


def verdict(rep, opts):
    if rep is None:
        return 'timeout'
    if opts.forged and any(a in opts.forged for a in rep.addrs):
        return 'forged'
    ok = True
    if opts.expect:
        ok = bool(rep.addrs) and all(a in opts.expect for a in rep.addrs)
    if opts.expect_rcode is not None:
        ok = ok and rep.rcode == opts.expect_rcode
    return 'genuine' if ok else 'other'


# ---- query mode ---------------------------------------------------------------

class Query:
    __slots__ = ('i', 'name', 'qtype', 'sock', 'id', 'msg', 'tries',
                 't_first_send', 'next_tx', 'deadline', 'first', 't_rep',
                 'later', 'done', 'tcp', 'result', 't_result', 'ignored')

    def __init__(self, i, name, qtype):
        self.i, self.name, self.qtype = i, name, qtype
        self.tries = 0
        self.first = None     # first matching Reply (UDP)
        self.t_rep = None     # its arrival time (ns, realtime)
        self.later = []       # (t_ns, Reply) after the first
        self.done = False
        self.tcp = None       # None, 'ok', 'fail'
        self.result = None    # the stub's answer: first, or the TCP one
        self.t_result = None
        self.ignored = 0


def recv_ts(sock):
    data, anc, _flags, addr = sock.recvmsg(65535, 256)
    t = None
    for level, typ, d in anc:
        if level == socket.SOL_SOCKET and typ == SO_TIMESTAMPNS:
            sec, nsec = struct.unpack('qq', d[:16])
            t = sec * 1000000000 + nsec
    if t is None:
        t = time.time_ns()
    return data, addr, t


def open_udp(opts, family):
    s = socket.socket(family, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
    if opts.dev:
        s.setsockopt(socket.SOL_SOCKET, SO_BINDTODEVICE, opts.dev.encode())
    s.bind((opts.bind or ('::' if family == socket.AF_INET6 else '0.0.0.0'),
            0))
    s.setblocking(False)
    return s


def tcp_query(opts, q, family):
    """The stub's retry over TCP after TC=1 (blocking, bounded)."""
    t0 = time.time_ns()
    try:
        s = socket.socket(family, socket.SOCK_STREAM)
        s.settimeout(opts.timeout / 1000.0)
        if opts.dev:
            s.setsockopt(socket.SOL_SOCKET, SO_BINDTODEVICE, opts.dev.encode())
        if opts.bind:
            s.bind((opts.bind, 0))
        s.connect((opts.server, opts.port))
        s.sendall(struct.pack('!H', len(q.msg)) + q.msg)
        buf = b''
        need = 2
        while len(buf) < need:
            chunk = s.recv(65535)
            if not chunk:
                raise OSError('closed')
            buf += chunk
            if len(buf) >= 2:
                need = 2 + struct.unpack('!H', buf[:2])[0]
        s.close()
        rep = Reply(buf[2:need])
        if rep.id != q.id:
            raise OSError('ID mismatch')
        q.tcp = 'ok'
        # as if the stub had retried at once (the TCP part runs after the
        # UDP one so as not to stall the other queries' timestamps)
        q.result, q.t_result = rep, q.t_rep + time.time_ns() - t0
    except (OSError, ValueError):
        q.tcp = 'fail'


def percentile(values, p):
    if not values:
        return '-'
    v = sorted(values)
    k = min(len(v) - 1, max(0, int(round(p / 100.0 * len(v) + 0.5)) - 1))
    return '%.1f' % v[k]


def run_queries(opts):
    try:
        family = socket.AF_INET6 if ':' in opts.server else socket.AF_INET
        socket.inet_pton(family, opts.server)
    except OSError:
        die('SERVER must be an address: %s' % opts.server)
    qtype = qtype_num(opts.qtype)
    socks = [open_udp(opts, family) for _ in range(opts.ports)]
    queries = [Query(i, name, qtype)
               for i, name in enumerate(n for n in opts.names
                                        for _ in range(opts.count))]
    # IDs unique per socket over the whole run (while it has < 65536).
    per_sock = (len(queries) + len(socks) - 1) // len(socks)
    ids = {s: sample_ids(min(65536, per_sock)) for s in socks}
    for q in queries:
        q.sock = socks[q.i % len(socks)]
        q.id = ids[q.sock][(q.i // len(socks)) % 65536]
        q.msg = build_query(q.id, q.name, q.qtype, not opts.no_rd,
                            opts.edns, opts.do)
    by_key = {}
    poller = select.poll()
    fd_sock = {}
    for s in socks:
        poller.register(s, select.POLLIN)
        fd_sock[s.fileno()] = s

    server = (opts.server, opts.port)
    todo = list(reversed(queries))
    active = []
    next_send = time.monotonic()
    interval = opts.interval / 1000.0
    parallel = opts.parallel or len(queries)

    def finish(q):
        q.done = True
        by_key.pop((q.sock.fileno(), q.id), None)

    def transmit(q, now_mono):
        q.tries += 1
        t = time.time_ns()
        if q.t_first_send is None:
            q.t_first_send = t
            q.deadline = now_mono + opts.timeout / 1000.0
        try:
            q.sock.sendto(q.msg, server)
        except OSError as e:
            sys.stderr.write('dnsclient: sendto: %s\n' % e)
        q.next_tx = None
        if opts.retransmit and q.tries < opts.tries:
            q.next_tx = now_mono + opts.retransmit / 1000.0

    for q in queries:
        q.t_first_send = None

    while todo or active:
        now = time.monotonic()
        # send what may be sent
        while todo and len(active) < parallel and now >= next_send:
            q = todo.pop()
            by_key[(q.sock.fileno(), q.id)] = q
            active.append(q)
            transmit(q, now)
            next_send = now + interval
            if interval:
                break
        # retransmissions, timeouts, end of linger
        for q in active:
            if now >= q.deadline:
                finish(q)
            elif q.first is None and q.next_tx is not None and \
                    now >= q.next_tx:
                transmit(q, now)
        active = [q for q in active if not q.done]
        # how long to wait
        wake = [q.deadline for q in active]
        wake += [q.next_tx for q in active
                 if q.first is None and q.next_tx is not None]
        if todo and len(active) < parallel:
            wake.append(next_send)
        if not wake:
            continue
        wait_ms = max(0, (min(wake) - time.monotonic()) * 1000)
        for fd, _ev in poller.poll(wait_ms):
            s = fd_sock[fd]
            while True:
                try:
                    data, addr, t = recv_ts(s)
                except BlockingIOError:
                    break
                except OSError as e:
                    if e.errno == errno.ECONNREFUSED:
                        continue
                    raise
                handle_reply(opts, by_key, fd, data, addr, t, family)

    # TCP retries after TC=1 (after the UDP part, so that they do not stall
    # the other queries' timestamps)
    for q in queries:
        if opts.tcp and q.first is not None and q.first.tc:
            tcp_query(opts, q, family)
    return queries


def handle_reply(opts, by_key, fd, data, addr, t, family):
    q = by_key.get((fd, struct.unpack('!H', data[:2])[0] if len(data) >= 2
                    else -1))
    if q is None:
        return
    try:
        rep = Reply(data)
    except ValueError:
        q.ignored += 1
        return
    # A stub accepts only a reply from the server, with its question.
    if (addr[0] != opts.server or addr[1] != opts.port or not rep.qr or
            rep.qname != q.name.rstrip('.').lower() or rep.qtype != q.qtype):
        q.ignored += 1
        return
    if q.first is None:
        q.first, q.t_rep = rep, t
        q.result, q.t_result = rep, t
        q.deadline = time.monotonic() + opts.linger / 1000.0
    else:
        q.later.append((t, rep))


def report(opts, queries):
    lat, leads = [], []
    c = dict(sent=0, answered=0, forged=0, genuine=0, other=0, timeout=0,
             ignored=0, tc=0, tcp_ok=0, second=0, late_genuine=0)
    rc = {}
    for q in queries:
        c['sent'] += 1
        c['ignored'] += q.ignored
        res = q.result
        v = verdict(res, opts)
        c[v] += 1
        line = ('q=%d name=%s qtype=%s port=%d id=0x%04x tries=%d' %
                (q.i, q.name, qtype_str(q.qtype), q.sock.getsockname()[1],
                 q.id, q.tries))
        if q.first is not None:
            c['answered'] += 1
            ms = (q.t_result - q.t_first_send) / 1e6
            lat.append(ms)
            rc[rcode_str(res.rcode)] = rc.get(rcode_str(res.rcode), 0) + 1
            if q.first.tc:
                c['tc'] += 1
            line += (' rcode=%s flags=0x%04x tc=%d answers=%s latency_ms=%.1f'
                     ' verdict=%s' % (rcode_str(res.rcode), res.flags,
                                      q.first.tc, res.answers_text(), ms, v))
            if q.tcp:
                line += ' tcp=%s' % q.tcp
                if q.tcp == 'ok':
                    c['tcp_ok'] += 1
            if q.later:
                c['second'] += 1
                line += ' later=' + ','.join(
                    '%s@%.1f' % (verdict(r, opts), (t - q.t_first_send) / 1e6)
                    for t, r in q.later)
            # the injector's lead: first forged to first genuine (UDP)
            arrivals = [(q.t_rep, verdict(q.first, opts))] + \
                [(t, verdict(r, opts)) for t, r in q.later]
            tf = [t for t, vv in arrivals if vv == 'forged']
            tg = [t for t, vv in arrivals if vv == 'genuine']
            if tf and tg and tf[0] < tg[0]:
                leads.append((tg[0] - tf[0]) / 1e6)
                if verdict(q.first, opts) == 'forged':
                    c['late_genuine'] += 1
        else:
            line += ' rcode=- verdict=timeout'
        if not opts.quiet:
            print(line)
    summary = ('sent=%(sent)d answered=%(answered)d forged=%(forged)d '
               'genuine=%(genuine)d other=%(other)d timeout=%(timeout)d '
               'ignored=%(ignored)d' % c)
    for r in ('NOERROR', 'NXDOMAIN', 'SERVFAIL', 'REFUSED'):
        summary += ' %s=%d' % (r.lower(), rc.get(r, 0))
    summary += ' tc=%(tc)d tcp_ok=%(tcp_ok)d' % c
    summary += ' p50_ms=%s p99_ms=%s' % (percentile(lat, 50),
                                         percentile(lat, 99))
    summary += ' second=%(second)d late_genuine=%(late_genuine)d' % c
    summary += ' lead_p50_ms=%s lead_min_ms=%s lead_max_ms=%s' % (
        percentile(leads, 50),
        '%.1f' % min(leads) if leads else '-',
        '%.1f' % max(leads) if leads else '-')
    print(summary)
    sys.stdout.flush()


# ---- capture mode ---------------------------------------------------------------

def capture(opts):
    # ETH_P_ALL: ETH_P_IP sockets do not see what the device sends
    ETH_P_ALL, ETH_P_IP = 0x0003, 0x0800
    s = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM,
                      socket.htons(ETH_P_ALL))
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    s.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
    s.bind((opts.iface, ETH_P_ALL))
    ifindex = socket.if_nametoindex(opts.iface)
    sys.stderr.write('capturing %s\n' % opts.iface)
    sys.stderr.flush()
    # select() is restarted after a signal handler returns (PEP 475):
    # leave from inside the handler.
    signal.signal(signal.SIGTERM, lambda _s, _f: sys.exit(0))
    signal.signal(signal.SIGINT, lambda _s, _f: sys.exit(0))
    end = time.monotonic() + opts.duration if opts.duration else None
    n = 0
    frag_udp = {}  # (src, ipid) -> True for fragmented DNS datagrams
    out = sys.stdout
    while True:
        timeout = None
        if end is not None:
            timeout = end - time.monotonic()
            if timeout <= 0:
                break
        r, _, _ = select.select([s], [], [], timeout)
        if not r:
            continue
        data, anc, _fl, addr = s.recvmsg(65535, 256)
        if addr[1] != ETH_P_IP or (addr[0] != opts.iface and
                                   socket.if_nametoindex(addr[0]) != ifindex):
            continue
        t = time.time_ns()
        for level, typ, d in anc:
            if level == socket.SOL_SOCKET and typ == SO_TIMESTAMPNS:
                sec, nsec = struct.unpack('qq', d[:16])
                t = sec * 1000000000 + nsec
        line = capture_line(opts, data, addr[2], t, frag_udp)
        if line:
            out.write(line + '\n')
            out.flush()
            n += 1
            if opts.count and n >= opts.count:
                break


def capture_line(opts, pkt, pkttype, t, frag_udp):
    if len(pkt) < 20 or pkt[0] >> 4 != 4 or pkt[9] != 17:
        return None
    ihl = (pkt[0] & 0xf) * 4
    tot, ipid, frag = struct.unpack('!HHH', pkt[2:8])
    pkt = pkt[:tot]
    src = socket.inet_ntoa(pkt[12:16])
    dst = socket.inet_ntoa(pkt[16:20])
    df = (frag >> 14) & 1
    mf = (frag >> 13) & 1
    off = frag & 0x1fff
    fr = '0' if not (mf or off) else 'first' if off == 0 else \
        'more' if mf else 'last'
    head = 't=%.6f dir=%s ' % (t / 1e9, 'out' if pkttype == 4 else 'in')
    ipf = 'ipid=%d ttl=%d df=%d frag=%s len=%d' % (ipid, pkt[8], df, fr, tot)
    if off:
        if (src, ipid) not in frag_udp:
            return None
        return head + 'src=%s dst=%s %s' % (src, dst, ipf)
    if len(pkt) < ihl + 8:
        return None
    sport, dport = struct.unpack('!HH', pkt[ihl:ihl + 4])
    if sport != 53 and dport != 53:
        return None
    if mf:
        frag_udp[(src, ipid)] = True
    line = head + 'src=%s:%d dst=%s:%d %s' % (src, sport, dst, dport, ipf)
    try:
        rep = Reply(pkt[ihl + 8:])
    except ValueError:
        return line
    line += (' id=0x%04x flags=0x%04x qr=%d rcode=%s qd=%d an=%d ns=%d ar=%d'
             ' opt=%d qname=%s qtype=%s attl=%s answers=%s verdict=%s' % (
                 rep.id, rep.flags, rep.qr, rcode_str(rep.rcode), rep.qd,
                 rep.an, rep.ns, rep.ar, rep.opt, rep.qname or '-',
                 qtype_str(rep.qtype) if rep.qtype is not None else '-',
                 '-' if rep.attl is None else rep.attl,
                 rep.answers_text(),
                 'forged' if opts.forged and any(
                     a in opts.forged for a in rep.addrs) else '-'))
    return line


# ---- serve mode ----------------------------------------------------------------

def serve(opts):
    family = socket.AF_INET6 if ':' in opts.iface else socket.AF_INET
    s = socket.socket(family, socket.SOCK_DGRAM)
    s.bind((opts.iface, opts.port))
    sys.stderr.write('serving %s\n' % opts.iface)
    sys.stderr.flush()
    signal.signal(signal.SIGTERM, lambda _s, _f: sys.exit(0))
    rcode = opts.expect_rcode if opts.expect_rcode is not None else 2
    while True:
        data, addr = s.recvfrom(4096)
        if len(data) < 12 or data[2] & 0x80:
            continue
        try:
            _name, end = read_name(data, 12)
        except ValueError:
            continue
        # header (QR, RD copied, RA, the rcode), the question only
        flags = 0x8080 | (data[2] & 1) << 8 | rcode
        out = data[:2] + struct.pack('!HHHHH', flags, 1, 0, 0, 0) + \
            data[12:end + 4]
        s.sendto(out, addr)


# ---- options ----------------------------------------------------------------------

USAGE = """\
usage: dnsclient.py [options] SERVER NAME...
       dnsclient.py capture IFACE [--forged SPEC] [--duration S] [--count N]
       dnsclient.py serve ADDR [--rcode R] [-p PORT]

query options:
  -s, --server ADDR     the server (instead of the first argument)
  -n, --count N         queries per name (default 1)
  -t, --qtype T         A (default), AAAA, TXT, MX, ANY, TYPEnn...
  -p, --port P          server port (default 53)
  --edns SIZE           add an EDNS OPT record with this UDP payload size
  --do                  set the DNSSEC OK bit (implies --edns 1232)
  --no-rd               clear RD
  --tcp                 retry over TCP when the first reply has TC=1
  --timeout MS          per query, from its first transmission (default 2000,
                        times $NFGATE_SLOW: see selftests/lib.sh)
  --retransmit MS       resend with the same ID every MS without a reply
  --tries N             transmissions at most, with --retransmit (default 3)
  --ports K             spread the queries over K source sockets (default 1)
  --parallel P          at most P queries in flight (default: all)
  --interval MS         between two sends (default 0)
  --linger MS           after the first reply, listen MS for more (default 0)
  --forged SPEC         forged answers: addresses/prefixes, comma-separated,
                        or @FILE (repeatable)
  --expect SPEC         the genuine answers (same syntax)
  --expect-rcode R      the genuine rcode (NOERROR, NXDOMAIN, SERVFAIL...)
  --bind ADDR           source address
  --dev IFNAME          bind the sockets to a device (SO_BINDTODEVICE)
  --seed N              seed the ID choice
  -q, --quiet           the summary line only
"""


class Opts:
    pass


def parse_args(argv):
    o = Opts()
    o.count, o.qtype, o.port, o.edns, o.do, o.no_rd = None, 'A', 53, 0, False, False
    o.tcp, o.timeout, o.retransmit, o.tries = False, 2000 * slowness(), 0, 3
    o.ports, o.parallel, o.interval, o.linger = 1, 0, 0.0, 0
    o.forged, o.expect, o.expect_rcode = AddrSet(), AddrSet(), None
    o.bind, o.dev, o.quiet, o.duration = None, None, False, 0
    o.iface = None
    pos = []
    o.mode = 'query'
    o.server = None
    if argv and argv[0] in ('capture', 'serve'):
        o.mode = argv[0]
        argv = argv[1:]
    it = iter(argv)
    num = {'-n': 'count', '--count': 'count', '-p': 'port', '--port': 'port',
           '--edns': 'edns', '--timeout': 'timeout',
           '--retransmit': 'retransmit', '--tries': 'tries',
           '--ports': 'ports', '--parallel': 'parallel',
           '--linger': 'linger'}
    for a in it:
        try:
            if a in num:
                setattr(o, num[a], int(next(it)))
            elif a in ('--interval', '--duration'):
                setattr(o, a[2:], float(next(it)))
            elif a in ('-t', '--qtype'):
                o.qtype = next(it)
            elif a == '--do':
                o.do = True
            elif a == '--no-rd':
                o.no_rd = True
            elif a == '--tcp':
                o.tcp = True
            elif a == '--forged':
                o.forged.add(next(it))
            elif a == '--expect':
                o.expect.add(next(it))
            elif a in ('-s', '--server'):
                o.server = next(it)
            elif a in ('--expect-rcode', '--rcode'):
                r = next(it).upper()
                o.expect_rcode = RCODES.index(r) if r in RCODES else int(r)
            elif a == '--bind':
                o.bind = next(it)
            elif a == '--dev':
                o.dev = next(it)
            elif a == '--seed':
                Rand.seed(int(next(it)))
            elif a in ('-q', '--quiet'):
                o.quiet = True
            elif a in ('-h', '--help'):
                sys.stdout.write(USAGE)
                sys.exit(0)
            elif a.startswith('-') and len(a) > 1:
                die('unknown option %s\n%s' % (a, USAGE))
            else:
                pos.append(a)
        except StopIteration:
            die('%s needs a value' % a)
        except ValueError:
            die('bad value for %s' % a)
    if o.do and not o.edns:
        o.edns = 1232
    if o.mode != 'query':
        if len(pos) != 1:
            die('%s needs one argument' % o.mode)
        o.iface = pos[0]
    else:
        if o.server is None and pos:
            o.server = pos.pop(0)
        if o.server is None or not pos:
            die('need SERVER and at least one NAME\n' + USAGE)
        o.names = pos
        if o.count is None:
            o.count = 1
        if o.ports < 1 or o.count < 0:
            die('bad --ports/--count')
    return o


def main():
    opts = parse_args(sys.argv[1:])
    if opts.mode == 'capture':
        capture(opts)
        return 0
    if opts.mode == 'serve':
        serve(opts)
        return 0
    report(opts, run_queries(opts))
    return 0


if __name__ == '__main__':
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(130)
    except BrokenPipeError:
        os._exit(1)
