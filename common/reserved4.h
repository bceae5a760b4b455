/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * nfgate: the reserved IPv4 ranges the tunnel never carries, built into
 * its bypass set, shared by the module and userspace.
 *
 * The IANA IPv4 special-purpose address registry (RFC 6890 and its
 * updates) plus multicast and the class E space: the list ss-rules
 * (OpenWrt's shadowsocks-libev) bypasses. Host byte order.
 */
#ifndef _NFGATE_RESERVED4_H
#define _NFGATE_RESERVED4_H

#include "cidrset.h"

#define NG_RESERVED4_N	18

extern const struct ng_cidr4 ng_reserved4[NG_RESERVED4_N];

/* Is addr (host byte order) in a reserved range? A scan of 18 entries. */
bool ng_reserved4_contains(u32 addr);

#endif /* _NFGATE_RESERVED4_H */
