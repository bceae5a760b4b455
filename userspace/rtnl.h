/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nfgated's rtnetlink watcher (RTNLGRP_LINK): devices appearing (a new
 * ifindex: ppp0 after a PPPoE re-dial, wwan0 when the modem comes back),
 * going, up/down and carrier (IFF_UP and IFF_RUNNING). A device renamed
 * away from a name is reported as gone under that name.
 */
#ifndef NFG_RTNL_H
#define NFG_RTNL_H

#include <stdbool.h>

struct mnl_socket;

typedef void (*rtnl_cb)(void *ctx, const char *ifname, unsigned int ifindex,
			bool present, bool carrier);

struct rtnl {
	struct mnl_socket *nl;
	rtnl_cb cb;
	void *ctx;
	char *buf;
};

/* Subscribes to link events; 0 or -errno. */
int rtnl_open(struct rtnl *r, rtnl_cb cb, void *ctx);
/* Dumps every link (calls cb for each) and waits for the end; 0 or -errno. */
int rtnl_sync(struct rtnl *r);
/* Reads what is queued (nonblocking) and calls cb; 0 or -errno. */
int rtnl_input(struct rtnl *r);
int rtnl_fd(const struct rtnl *r);
void rtnl_close(struct rtnl *r);

#endif
