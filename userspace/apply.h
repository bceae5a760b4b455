/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Making the kernel match a validated configuration: a plan (pure, unit
 * tested) computed from the config and the kernel's current state, then
 * executed. Order: LAN, uplinks created/changed, then stale uplinks
 * deleted, so traffic always has an uplink while the set changes. Health
 * is never written: new uplinks start at NFGATE_HEALTH_MAX and existing
 * ones keep theirs.
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
};

struct nfg_op {
	enum nfg_op_type type;
	struct nfg_lan lan;
	struct nfg_uplink up;	/* SET: ifname + tier/weight/admin; DEL: ifname */
};

struct nfg_plan {
	struct nfg_op *ops;
	size_t n;
};

/* klan: NULL when the kernel has no LAN. 0 or -ENOMEM. */
int nfg_plan_build(const struct nfg_config *cfg, const struct nfg_lan *klan,
		   const struct nfg_uplink *kups, size_t nk, struct nfg_plan *plan);
void nfg_plan_free(struct nfg_plan *plan);
/* "set uplink ppp0 tier 0 weight 3 admin up" */
void nfg_op_describe(const struct nfg_op *op, char *buf, size_t len);

/*
 * Reads the kernel state, builds the plan and executes it, going on after
 * a failed operation. Returns 0, or -1 with one message per failure in
 * errs. *changes: operations done.
 */
int nfg_apply(struct nfg_ipc *ipc, const struct nfg_config *cfg,
	      struct nfg_errors *errs, size_t *changes);

#endif
