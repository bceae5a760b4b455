#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Test peers for the internet side of the topology.

  whoami.py serve ADDR PORT [LOG]
        TCP and UDP on ADDR:PORT. Answers every TCP connection and every
        UDP datagram with the source address it came from ("IP:PORT\\n");
        TCP connections then echo what they receive until closed. Appends
        each source address to LOG when given.
  whoami.py ask ADDR PORT [N] [--udp] [--timeout S]
        Makes N (default 1) new connections (or datagrams) and prints the
        source address the server saw, one per line; "FAIL reason" for a
        connection that did not get an answer. Exit 0 when all answered.
  whoami.py udpstream ADDR PORT SECONDS
        From one UDP socket (one conntrack entry), a datagram every 0.1 s;
        prints each change of the source address the server reports:
        "T_MS ADDRESS" (ms since start).
  whoami.py probe ADDR PORT SECONDS [--interval S] [--timeout S]
        Starts a new TCP connection every --interval seconds (default
        0.02), each in its own thread, for SECONDS; prints one line per
        connection as it ends: "START_MS END_MS SOURCE" (epoch ms) or
        "START_MS END_MS FAIL". With --until SOURCE it stops early, once
        five connections have been answered from SOURCE.
  whoami.py hold ADDR PORT SECONDS [--timeout S]
        Opens one TCP connection, prints the address the server saw, then
        keeps it open, sending a byte every 0.2 s; prints "RST" and exits 3
        if the connection is reset, "CLOSED" (exit 4) if closed, "TIMEOUT"
        (exit 5) if no echo came back for 5 s (--timeout), "OK" after
        SECONDS.
"""

import select
import socket
import sys
import threading
import time


def serve(addr, port, log=None):
    logf = open(log, "a", buffering=1) if log else None
    lock = threading.Lock()

    def note(peer):
        if logf:
            with lock:
                logf.write(f"{peer[0]}:{peer[1]}\n")

    def tcp_conn(c, peer):
        try:
            c.sendall(f"{peer[0]}:{peer[1]}\n".encode())
            while True:
                d = c.recv(4096)
                if not d:
                    break
                c.sendall(d)
        except OSError:
            pass
        finally:
            c.close()

    def tcp_loop():
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((addr, port))
        s.listen(512)
        while True:
            c, peer = s.accept()
            note(peer)
            threading.Thread(target=tcp_conn, args=(c, peer),
                             daemon=True).start()

    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    u.bind((addr, port))
    threading.Thread(target=tcp_loop, daemon=True).start()
    while True:
        _, peer = u.recvfrom(2048)
        note(peer)
        u.sendto(f"{peer[0]}:{peer[1]}\n".encode(), peer)


def ask(addr, port, n, udp, timeout):
    failed = 0
    for _ in range(n):
        try:
            if udp:
                s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                s.settimeout(timeout)
                s.sendto(b"?", (addr, port))
                d = s.recv(256)
            else:
                s = socket.create_connection((addr, port), timeout=timeout)
                d = b""
                while not d.endswith(b"\n"):
                    chunk = s.recv(256)
                    if not chunk:
                        break
                    d += chunk
            s.close()
            line = d.decode().strip()
            if not line:
                raise OSError("empty answer")
            print(line, flush=True)
        except OSError as e:
            failed += 1
            print(f"FAIL {e}", flush=True)
    return 1 if failed else 0


def hold(addr, port, seconds, timeout):
    s = socket.create_connection((addr, port), timeout=timeout)
    f = s.makefile("rb")
    print(f.readline().decode().strip(), flush=True)
    s.setblocking(False)
    end = time.time() + seconds
    last_echo = time.time()
    while time.time() < end:
        try:
            s.send(b".")
        except ConnectionResetError:
            print("RST", flush=True)
            return 3
        except OSError as e:
            print(f"CLOSED {e}", flush=True)
            return 4
        r, _, _ = select.select([s], [], [], 0.2)
        if r:
            try:
                d = s.recv(4096)
            except ConnectionResetError:
                print("RST", flush=True)
                return 3
            if not d:
                print("CLOSED", flush=True)
                return 4
            last_echo = time.time()
        if time.time() - last_echo > timeout:
            print("TIMEOUT", flush=True)
            return 5
    print("OK", flush=True)
    return 0


def udpstream(addr, port, seconds):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(0.1)
    start = time.time()
    last = None
    while time.time() - start < seconds:
        t0 = time.time()
        try:
            s.sendto(b"?", (addr, port))
            d = s.recv(256).decode().strip().split(":")[0]
            if d != last:
                print(f"{int((time.time() - start) * 1000)} {d}", flush=True)
                last = d
        except OSError:
            pass
        time.sleep(max(0, 0.1 - (time.time() - t0)))
    return 0


def probe(addr, port, seconds, interval, timeout, until=None):
    lock = threading.Lock()
    seen_until = [0]

    def one():
        t0 = time.time()
        try:
            s = socket.create_connection((addr, port), timeout=timeout)
            d = s.makefile("rb").readline().decode().strip()
            s.close()
            res = d.split(":")[0] if d else "FAIL"
        except OSError:
            res = "FAIL"
        with lock:
            print(f"{int(t0 * 1000)} {int(time.time() * 1000)} {res}",
                  flush=True)
            if res == until:
                seen_until[0] += 1

    threads = []
    end = time.time() + seconds
    while time.time() < end and seen_until[0] < 5:
        t = threading.Thread(target=one, daemon=True)
        t.start()
        threads.append(t)
        time.sleep(interval)
    for t in threads:
        t.join(timeout + 1)
    return 0


def main():
    import argparse
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("cmd", choices=["serve", "ask", "hold", "udpstream",
                                   "probe"])
    p.add_argument("addr")
    p.add_argument("port", type=int)
    p.add_argument("arg", nargs="?")
    p.add_argument("--udp", action="store_true")
    p.add_argument("--timeout", type=float)
    p.add_argument("--interval", type=float, default=0.02)
    p.add_argument("--until")
    a = p.parse_args()
    if a.timeout is None:
        a.timeout = 5.0 if a.cmd == "hold" else 3.0
    if a.cmd == "serve":
        serve(a.addr, a.port, a.arg)
    elif a.cmd == "ask":
        sys.exit(ask(a.addr, a.port, int(a.arg or 1), a.udp, a.timeout))
    elif a.cmd == "probe":
        sys.exit(probe(a.addr, a.port, float(a.arg or 10), a.interval,
                       a.timeout, a.until))
    elif a.cmd == "udpstream":
        sys.exit(udpstream(a.addr, a.port, float(a.arg or 10)))
    else:
        sys.exit(hold(a.addr, a.port, float(a.arg or 10), a.timeout))


if __name__ == "__main__":
    main()
