// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <net/if.h>
#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>

#include "rtnl.h"

#define RTNL_BUF 32768

int rtnl_open(struct rtnl *r, rtnl_cb cb, void *ctx)
{
	int err;

	memset(r, 0, sizeof(*r));
	r->cb = cb;
	r->ctx = ctx;
	r->buf = malloc(RTNL_BUF);
	if (!r->buf)
		return -ENOMEM;
	r->nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (!r->nl || mnl_socket_bind(r->nl, RTMGRP_LINK, MNL_SOCKET_AUTOPID) < 0) {
		err = -errno;
		rtnl_close(r);
		return err;
	}
	return 0;
}

static int link_cb(const struct nlmsghdr *nlh, void *data)
{
	struct rtnl *r = data;
	const struct ifinfomsg *ifi;
	const struct nlattr *a;
	const char *name = NULL;

	if (nlh->nlmsg_type != RTM_NEWLINK && nlh->nlmsg_type != RTM_DELLINK)
		return MNL_CB_OK;
	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*ifi))
		return MNL_CB_OK;
	ifi = mnl_nlmsg_get_payload(nlh);
	mnl_attr_for_each(a, nlh, sizeof(*ifi))
		if (mnl_attr_get_type(a) == IFLA_IFNAME &&
		    mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
			name = mnl_attr_get_str(a);
	if (!name)
		return MNL_CB_OK;
	if (nlh->nlmsg_type == RTM_DELLINK)
		r->cb(r->ctx, name, (unsigned int)ifi->ifi_index, false, false);
	else
		r->cb(r->ctx, name, (unsigned int)ifi->ifi_index, true,
		      (ifi->ifi_flags & IFF_UP) && (ifi->ifi_flags & IFF_RUNNING));
	return MNL_CB_OK;
}

/* 1: NLMSG_DONE seen */
static int read_some(struct rtnl *r)
{
	for (;;) {
		ssize_t n = mnl_socket_recvfrom(r->nl, r->buf, RTNL_BUF);
		int ret;

		if (n < 0)
			return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -errno;
		ret = mnl_cb_run(r->buf, (size_t)n, 0, 0, link_cb, r);
		if (ret == MNL_CB_STOP)
			return 1;	/* NLMSG_DONE */
		if (ret < 0 && errno != ESRCH && errno != EPROTO)
			return -errno;
	}
}

int rtnl_sync(struct rtnl *r)
{
	char req[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(req);
	struct rtgenmsg *g;

	nlh->nlmsg_type = RTM_GETLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = (uint32_t)time(NULL);
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->rtgen_family = AF_UNSPEC;
	if (mnl_socket_sendto(r->nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	for (int tries = 0; tries < 50; tries++) {
		struct pollfd pfd = { .fd = mnl_socket_get_fd(r->nl), .events = POLLIN };
		int ret;

		if (poll(&pfd, 1, 100) < 0 && errno != EINTR)
			return -errno;
		ret = read_some(r);
		if (ret)
			return ret < 0 ? ret : 0;
	}
	return -ETIMEDOUT;
}

int rtnl_input(struct rtnl *r)
{
	int ret = read_some(r);

	return ret < 0 ? ret : 0;
}

int rtnl_fd(const struct rtnl *r)
{
	return r->nl ? mnl_socket_get_fd(r->nl) : -1;
}

void rtnl_close(struct rtnl *r)
{
	if (r->nl)
		mnl_socket_close(r->nl);
	r->nl = NULL;
	free(r->buf);
	r->buf = NULL;
}
