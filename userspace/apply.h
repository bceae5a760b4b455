/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Making the kernel match a validated configuration: a plan (pure, unit
 * tested) computed from the config and the kernel's current state, then
 * executed. Order: settings, the DNS check, LAN, uplinks created/changed, stale forwards
 * deleted, forwards created/changed, then stale uplinks deleted, so
 * traffic always has an uplink while the set changes. Health is never
 * written here: new uplinks start at NFGATE_HEALTH_MAX and existing ones
 * keep theirs; link health (hagent.c) owns it at run time. A setting absent
 * from the file (of [settings] or [dns]) means the kernel's default: it is
 * sent only when the kernel holds another value (a key removed from the
 * file goes back to its default; a kernel at its defaults gets nothing).
 * The forged set is not config: the agent's DNS part (dagent.c) keeps it.
 */
#ifndef NFG_APPLY_H
#define NFG_APPLY_H

#include "config.h"
#include "ipc.h"

enum nfg_op_type {
	NFG_OP_LAN_SET,
	NFG_OP_LAN_DEL,
	NFG_OP_UPLINK_SET,
	NFG_OP_UPLINK_DEL,
	NFG_OP_SETTINGS_SET,
	NFG_OP_FORWARD_SET,
	NFG_OP_FORWARD_DEL,
	NFG_OP_DNS_SET,
};

struct nfg_op {
	enum nfg_op_type type;
	struct nfg_lan lan;
	struct nfg_uplink up;	/* SET: ifname + tier/weight/admin; DEL: ifname */
	struct nfg_settings settings;	/* only the settings that differ */
	struct nfg_forward fw;	/* SET: the whole forward; DEL: proto, port */
	struct nfg_dns dns;	/* only the DNS settings that differ */
};

/* What the kernel holds, as read before planning. */
struct nfg_kstate {
	const struct nfg_lan *lan;		/* NULL: no LAN */
	const struct nfg_settings *settings;	/* NULL: module without settings */
	const struct nfg_dns *dns;		/* NULL: module without the DNS check */
	const struct nfg_uplink *ups;
	size_t n_ups;
	const struct nfg_forward *fws;
	size_t n_fws;
};

struct nfg_plan {
	struct nfg_op *ops;
	size_t n;
};

/* 0 or -ENOMEM. */
int nfg_plan_build(const struct nfg_config *cfg, const struct nfg_kstate *k,
		   struct nfg_plan *plan);
void nfg_plan_free(struct nfg_plan *plan);
/* "set uplink ppp0 tier 0 weight 3 admin up", "set settings sticky 0",
 * "set forward tcp 8080 to 192.168.0.11:80", "del forward udp 53",
 * "set dns mode drop hold-ms 500" */
void nfg_op_describe(const struct nfg_op *op, char *buf, size_t len);

/*
 * Reads the kernel state, builds the plan and executes it, going on after
 * a failed operation. Returns 0, or -1 with one message per failure in
 * errs. *changes: operations done.
 */
int nfg_apply(struct nfg_ipc *ipc, const struct nfg_config *cfg,
	      struct nfg_errors *errs, size_t *changes);

#endif
