// SPDX-License-Identifier: GPL-2.0
/*
 * Loading an nft(8) script through libnftables: the whole buffer is parsed
 * first and sent as one netlink batch, which the kernel commits all at once
 * or not at all, so a refused script leaves the running tables untouched.
 */
#include <nftables/libnftables.h>
#include <stdio.h>
#include <string.h>

#include "firewall.h"

int nfg_nft_run(const char *script, char *err, size_t errlen)
{
	struct nft_ctx *ctx = nft_ctx_new(NFT_CTX_DEFAULT);
	const char *msg;
	size_t n;
	int ret;

	if (!ctx) {
		snprintf(err, errlen, "libnftables: cannot create a context");
		return -1;
	}
	nft_ctx_buffer_output(ctx);
	nft_ctx_buffer_error(ctx);
	ret = nft_run_cmd_from_buffer(ctx, script);
	if (ret) {
		msg = nft_ctx_get_error_buffer(ctx);
		snprintf(err, errlen, "%s", msg && *msg ? msg : "nft: refused");
		n = strlen(err);
		while (n && err[n - 1] == '\n')
			err[--n] = '\0';
	}
	nft_ctx_free(ctx);
	return ret ? -1 : 0;
}
