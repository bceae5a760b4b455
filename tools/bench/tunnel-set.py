#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The tunnel of configuration (c) of `make bench`, without nfgated.

    tunnel-set.py SERVER REDIR_PORT

creates (or sets) the namespace's shadowsocks tunnel as nfgated would push
it once its one server is up: enabled, one server at SERVER (port 8388)
whose ss-redir listens on REDIR_PORT, that server active, state up, TCP
only (no UDP by TPROXY: the anchor redirects TCP only), fail open, no
check mark. With no agent there is no ss-redir and no check: the bench's
own listener on REDIR_PORT takes the redirected connections, and nothing
changes the state. The prefix lists are loaded apart (`nfgate tunnel load
bypass FILE`).

One TUNNEL_SET over generic netlink, built with selftests/nlcheck.py's
helpers (the uapi's numbers read from the header).
"""
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "selftests"))
from nlcheck import C, Genl, attr, be16, ip, nest, sz, u8, u32  # noqa: E402


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    server, redir_port = sys.argv[1], int(sys.argv[2])
    srv = nest(C["NFGATE_TUNNEL_A_SERVER"],
               attr(C["NFGATE_TSRV_A_NAME"], sz("bench")),
               attr(C["NFGATE_TSRV_A_ADDR"], ip(server)),
               attr(C["NFGATE_TSRV_A_PORT"], be16(8388)),
               attr(C["NFGATE_TSRV_A_REDIR_PORT"], be16(redir_port)),
               attr(C["NFGATE_TSRV_A_STATE"], u8(C["NFGATE_TUNNEL_UP"])))
    tun = nest(C["NFGATE_A_TUNNEL"],
               attr(C["NFGATE_TUNNEL_A_ENABLED"], u8(1)),
               attr(C["NFGATE_TUNNEL_A_UDP"], u8(0)),
               attr(C["NFGATE_TUNNEL_A_FAIL"],
                    u8(C["NFGATE_TUNNEL_FAIL_OPEN"])),
               attr(C["NFGATE_TUNNEL_A_CHECK_MARK"], u32(0)),
               nest(C["NFGATE_TUNNEL_A_SERVERS"], srv),
               attr(C["NFGATE_TUNNEL_A_ACTIVE"], u8(1)),
               attr(C["NFGATE_TUNNEL_A_STATE"], u8(C["NFGATE_TUNNEL_UP"])))
    err, msg, _ = Genl().request(C["NFGATE_CMD_TUNNEL_SET"], tun)
    if err:
        sys.exit("tunnel-set: TUNNEL_SET: %s%s" % (os.strerror(err),
                                                   ": " + msg if msg else ""))


if __name__ == "__main__":
    main()
