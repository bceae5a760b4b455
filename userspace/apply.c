// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "apply.h"
#include "format.h"

static struct nfg_op *add_op(struct nfg_plan *plan, enum nfg_op_type type)
{
	struct nfg_op *ops = realloc(plan->ops, (plan->n + 1) * sizeof(*ops));

	if (!ops)
		return NULL;
	plan->ops = ops;
	memset(&ops[plan->n], 0, sizeof(ops[0]));
	ops[plan->n].type = type;
	return &ops[plan->n++];
}

static bool lan_equal(const struct nfg_lan *a, const struct nfg_lan *k)
{
	return NFG_HAS(k, NFGATE_LAN_A_IFNAME) && NFG_HAS(k, NFGATE_LAN_A_ADDR) &&
	       NFG_HAS(k, NFGATE_LAN_A_PREFIXLEN) &&
	       !strcmp(a->ifname, k->ifname) && a->addr == k->addr &&
	       a->prefixlen == k->prefixlen;
}

static bool uplink_equal(const struct nfg_uplink *c, const struct nfg_uplink *k)
{
	return NFG_HAS(k, NFGATE_UPLINK_A_TIER) && c->tier == k->tier &&
	       NFG_HAS(k, NFGATE_UPLINK_A_WEIGHT) && c->weight == k->weight &&
	       NFG_HAS(k, NFGATE_UPLINK_A_ADMIN) && c->admin == k->admin;
}

int nfg_plan_build(const struct nfg_config *cfg, const struct nfg_lan *klan,
		   const struct nfg_uplink *kups, size_t nk, struct nfg_plan *plan)
{
	struct nfg_op *op;

	memset(plan, 0, sizeof(*plan));
	if (cfg->has_lan && !(klan && lan_equal(&cfg->lan, klan))) {
		if (!(op = add_op(plan, NFG_OP_LAN_SET)))
			goto nomem;
		memcpy(op->lan.ifname, cfg->lan.ifname, sizeof(op->lan.ifname));
		op->lan.addr = cfg->lan.addr;
		op->lan.prefixlen = cfg->lan.prefixlen;
		NFG_MARK(&op->lan, NFGATE_LAN_A_IFNAME);
		NFG_MARK(&op->lan, NFGATE_LAN_A_ADDR);
		NFG_MARK(&op->lan, NFGATE_LAN_A_PREFIXLEN);
	} else if (!cfg->has_lan && klan) {
		if (!add_op(plan, NFG_OP_LAN_DEL))
			goto nomem;
	}

	for (size_t i = 0; i < cfg->n_uplinks; i++) {
		const struct nfg_uplink *c = &cfg->uplinks[i].up;
		const struct nfg_uplink *k = NULL;

		for (size_t j = 0; j < nk && !k; j++)
			if (!strcmp(kups[j].ifname, c->ifname))
				k = &kups[j];
		if (k && uplink_equal(c, k))
			continue;
		if (!(op = add_op(plan, NFG_OP_UPLINK_SET)))
			goto nomem;
		memcpy(op->up.ifname, c->ifname, sizeof(op->up.ifname));
		op->up.tier = c->tier;
		op->up.weight = c->weight;
		op->up.admin = c->admin;
		NFG_MARK(&op->up, NFGATE_UPLINK_A_IFNAME);
		NFG_MARK(&op->up, NFGATE_UPLINK_A_TIER);
		NFG_MARK(&op->up, NFGATE_UPLINK_A_WEIGHT);
		NFG_MARK(&op->up, NFGATE_UPLINK_A_ADMIN);
	}

	for (size_t j = 0; j < nk; j++) {
		if (nfg_config_uplink(cfg, kups[j].ifname))
			continue;
		if (!(op = add_op(plan, NFG_OP_UPLINK_DEL)))
			goto nomem;
		memcpy(op->up.ifname, kups[j].ifname, sizeof(op->up.ifname));
		NFG_MARK(&op->up, NFGATE_UPLINK_A_IFNAME);
	}
	return 0;
nomem:
	nfg_plan_free(plan);
	return -ENOMEM;
}

void nfg_plan_free(struct nfg_plan *plan)
{
	free(plan->ops);
	plan->ops = NULL;
	plan->n = 0;
}

void nfg_op_describe(const struct nfg_op *op, char *buf, size_t len)
{
	char subnet[32];

	switch (op->type) {
	case NFG_OP_LAN_SET:
		fmt_subnet(subnet, sizeof(subnet), &op->lan);
		snprintf(buf, len, "set lan dev %s subnet %s", op->lan.ifname, subnet);
		break;
	case NFG_OP_LAN_DEL:
		snprintf(buf, len, "del lan");
		break;
	case NFG_OP_UPLINK_SET:
		snprintf(buf, len, "set uplink %s tier %u weight %u admin %s",
			 op->up.ifname, op->up.tier, op->up.weight,
			 op->up.admin == NFGATE_ADMIN_UP ? "up" : "down");
		break;
	case NFG_OP_UPLINK_DEL:
		snprintf(buf, len, "del uplink %s", op->up.ifname);
		break;
	}
}

static void report(struct nfg_ipc *ipc, struct nfg_errors *errs,
		   const char *what, int err)
{
	if (ipc->extack[0])
		nfg_errors_add(errs, "%s: %s (kernel: %s)", what, nfg_strerror(err),
			       ipc->extack);
	else
		nfg_errors_add(errs, "%s: %s", what, nfg_strerror(err));
}

int nfg_apply(struct nfg_ipc *ipc, const struct nfg_config *cfg,
	      struct nfg_errors *errs, size_t *changes)
{
	struct nfg_uplink *kups = NULL;
	struct nfg_plan plan;
	struct nfg_lan klan;
	bool has_klan;
	size_t nk = 0;
	int err, ret = 0;

	*changes = 0;
	err = nfg_ipc_lan_get(ipc, &klan, NULL);
	if (err && err != -ENOENT) {
		report(ipc, errs, "get lan", err);
		return -1;
	}
	has_klan = !err;
	err = nfg_ipc_uplink_dump(ipc, &kups, &nk, NULL);
	if (err) {
		report(ipc, errs, "get uplinks", err);
		return -1;
	}
	err = nfg_plan_build(cfg, has_klan ? &klan : NULL, kups, nk, &plan);
	free(kups);
	if (err) {
		nfg_errors_add(errs, "%s", strerror(-err));
		return -1;
	}

	for (size_t i = 0; i < plan.n; i++) {
		const struct nfg_op *op = &plan.ops[i];
		char what[128];

		switch (op->type) {
		case NFG_OP_LAN_SET:
			err = nfg_ipc_lan_set(ipc, &op->lan);
			break;
		case NFG_OP_LAN_DEL:
			err = nfg_ipc_lan_del(ipc);
			if (err == -ENOENT)
				err = 0;	/* gone meanwhile */
			break;
		case NFG_OP_UPLINK_SET:
			err = nfg_ipc_uplink_set(ipc, &op->up);
			break;
		case NFG_OP_UPLINK_DEL:
			err = nfg_ipc_uplink_del(ipc, op->up.ifname);
			if (err == -ENOENT)
				err = 0;
			break;
		}
		if (err) {
			nfg_op_describe(op, what, sizeof(what));
			report(ipc, errs, what, err);
			ret = -1;
		} else {
			(*changes)++;
		}
	}
	nfg_plan_free(&plan);
	return ret;
}
