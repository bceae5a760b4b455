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

static bool forward_equal(const struct nfg_forward *c, const struct nfg_forward *k)
{
	bool c_up = NFG_HAS(c, NFGATE_FORWARD_A_UPLINK);
	uint16_t k_to_port = NFG_HAS(k, NFGATE_FORWARD_A_TO_PORT) ? k->to_port : k->port;

	return NFG_HAS(k, NFGATE_FORWARD_A_TO_ADDR) && c->to_addr == k->to_addr &&
	       c->to_port == k_to_port &&
	       c_up == NFG_HAS(k, NFGATE_FORWARD_A_UPLINK) &&
	       (!c_up || !strcmp(c->uplink, k->uplink));
}

/* The settings of the file, defaults for the keys it lacks, that the kernel
 * does not hold already; NULL ks: only the keys of the file. */
static int plan_settings(const struct nfg_settings *file,
			 const struct nfg_settings *ks, struct nfg_plan *plan)
{
	struct nfg_settings want;
	struct nfg_op *op = NULL;

	nfg_settings_defaults(&want);
	for (size_t i = 0; i < nfg_settings_nfields; i++) {
		const struct nfg_field *f = &nfg_settings_fields[i];
		bool in_file = NFG_HAS(file, f->attr);
		uint64_t v = nfg_field_uint(in_file ? file : &want, f);

		if (ks && NFG_HAS(ks, f->attr) ? nfg_field_uint(ks, f) == v : !in_file)
			continue;
		if (!op && !(op = add_op(plan, NFG_OP_SETTINGS_SET)))
			return -ENOMEM;
		nfg_field_set_uint(&op->settings, f, v);
		NFG_MARK(&op->settings, f->attr);
	}
	return 0;
}

/* Likewise for the DNS check: the writable fields of [dns], defaults for
 * the keys it lacks (or for all of it without [dns]). */
static int plan_dns(const struct nfg_dns *file, const struct nfg_dns *kd,
		    struct nfg_plan *plan)
{
	struct nfg_dns want;
	struct nfg_op *op = NULL;

	nfg_dns_defaults(&want);
	for (size_t i = 0; i < nfg_dns_nfields; i++) {
		const struct nfg_field *f = &nfg_dns_fields[i];
		bool in_file = NFG_HAS(file, f->attr);
		uint64_t v = nfg_field_uint(in_file ? file : &want, f);

		if (!f->writable)
			continue;
		if (kd && NFG_HAS(kd, f->attr) ? nfg_field_uint(kd, f) == v : !in_file)
			continue;
		if (!op && !(op = add_op(plan, NFG_OP_DNS_SET)))
			return -ENOMEM;
		nfg_field_set_uint(&op->dns, f, v);
		NFG_MARK(&op->dns, f->attr);
	}
	return 0;
}

int nfg_plan_build(const struct nfg_config *cfg, const struct nfg_kstate *k,
		   struct nfg_plan *plan)
{
	const struct nfg_lan *klan = k->lan;
	struct nfg_op *op;

	memset(plan, 0, sizeof(*plan));
	if (plan_settings(&cfg->settings, k->settings, plan))
		goto nomem;
	if (plan_dns(&cfg->dns.dns, k->dns, plan))
		goto nomem;

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
		const struct nfg_uplink *ku = NULL;

		for (size_t j = 0; j < k->n_ups && !ku; j++)
			if (!strcmp(k->ups[j].ifname, c->ifname))
				ku = &k->ups[j];
		if (ku && uplink_equal(c, ku))
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

	/* stale forwards first: room under NFGATE_FORWARDS_MAX */
	for (size_t j = 0; j < k->n_fws; j++) {
		const struct nfg_forward *kf = &k->fws[j];

		if (nfg_config_forward(cfg, kf->proto, kf->port))
			continue;
		if (!(op = add_op(plan, NFG_OP_FORWARD_DEL)))
			goto nomem;
		op->fw.proto = kf->proto;
		op->fw.port = kf->port;
		NFG_MARK(&op->fw, NFGATE_FORWARD_A_PROTO);
		NFG_MARK(&op->fw, NFGATE_FORWARD_A_PORT);
	}
	for (size_t i = 0; i < cfg->n_forwards; i++) {
		const struct nfg_forward *c = &cfg->forwards[i].fw;
		const struct nfg_forward *kf = NULL;

		for (size_t j = 0; j < k->n_fws && !kf; j++)
			if (k->fws[j].proto == c->proto && k->fws[j].port == c->port)
				kf = &k->fws[j];
		if (kf && forward_equal(c, kf))
			continue;
		if (!(op = add_op(plan, NFG_OP_FORWARD_SET)))
			goto nomem;
		op->fw = *c;
	}

	for (size_t j = 0; j < k->n_ups; j++) {
		if (nfg_config_uplink(cfg, k->ups[j].ifname))
			continue;
		if (!(op = add_op(plan, NFG_OP_UPLINK_DEL)))
			goto nomem;
		memcpy(op->up.ifname, k->ups[j].ifname, sizeof(op->up.ifname));
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
	char subnet[32], args[256];

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
	case NFG_OP_SETTINGS_SET:
		nfg_settings_args(args, sizeof(args), &op->settings);
		snprintf(buf, len, "set settings %s", args);
		break;
	case NFG_OP_FORWARD_SET:
		nfg_forward_args(args, sizeof(args), &op->fw);
		snprintf(buf, len, "set forward %s", args);
		break;
	case NFG_OP_FORWARD_DEL:
		snprintf(buf, len, "del forward %s %u", nfg_proto_name(op->fw.proto),
			 op->fw.port);
		break;
	case NFG_OP_DNS_SET:
		nfg_dns_args(args, sizeof(args), &op->dns);
		snprintf(buf, len, "set dns %s", args);
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
	struct nfg_forward *kfws = NULL;
	struct nfg_settings ksettings;
	struct nfg_dns kdns;
	struct nfg_kstate k = { 0 };
	struct nfg_plan plan;
	struct nfg_lan klan;
	int err, ret = 0;

	*changes = 0;
	err = nfg_ipc_lan_get(ipc, &klan, NULL);
	if (err && err != -ENOENT) {
		report(ipc, errs, "get lan", err);
		return -1;
	}
	k.lan = err ? NULL : &klan;
	/* -EOPNOTSUPP: a module without settings and forwards; fine unless
	 * the file has some (their SETs then fail and are reported) */
	err = nfg_ipc_settings_get(ipc, &ksettings, NULL);
	if (err && err != -EOPNOTSUPP) {
		report(ipc, errs, "get settings", err);
		return -1;
	}
	k.settings = err ? NULL : &ksettings;
	/* -EOPNOTSUPP: a module without the DNS check; as for settings */
	err = nfg_ipc_dns_get(ipc, &kdns, NULL);
	if (err && err != -EOPNOTSUPP) {
		report(ipc, errs, "get dns", err);
		return -1;
	}
	k.dns = err ? NULL : &kdns;
	err = nfg_ipc_uplink_dump(ipc, &kups, &k.n_ups, NULL);
	if (err) {
		report(ipc, errs, "get uplinks", err);
		return -1;
	}
	k.ups = kups;
	err = nfg_ipc_forward_dump(ipc, &kfws, &k.n_fws, NULL);
	if (err && err != -EOPNOTSUPP) {
		report(ipc, errs, "get forwards", err);
		free(kups);
		return -1;
	}
	k.fws = kfws;
	err = nfg_plan_build(cfg, &k, &plan);
	free(kups);
	free(kfws);
	if (err) {
		nfg_errors_add(errs, "%s", strerror(-err));
		return -1;
	}

	for (size_t i = 0; i < plan.n; i++) {
		const struct nfg_op *op = &plan.ops[i];
		char what[320];

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
		case NFG_OP_SETTINGS_SET:
			err = nfg_ipc_settings_set(ipc, &op->settings);
			break;
		case NFG_OP_FORWARD_SET:
			err = nfg_ipc_forward_set(ipc, &op->fw);
			break;
		case NFG_OP_FORWARD_DEL:
			err = nfg_ipc_forward_del(ipc, op->fw.proto, op->fw.port);
			if (err == -ENOENT)
				err = 0;
			break;
		case NFG_OP_DNS_SET:
			err = nfg_ipc_dns_set(ipc, &op->dns);
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
