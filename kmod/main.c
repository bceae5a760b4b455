// SPDX-License-Identifier: GPL-2.0
/*
 * nfgate: module init and per network namespace state.
 *
 * A namespace costs nothing until it is configured: its hooks are only
 * registered once it has a LAN or an uplink (see hooks.c).
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/rtnetlink.h>
#include <net/genetlink.h>
#include <net/netfilter/nf_nat_masquerade.h>

#include "nfgate.h"

unsigned int nfgate_net_id __read_mostly;

static int __net_init nfgate_net_init(struct net *net)
{
	struct nfgate_net *nn = nfgate_pernet(net);

	nn->net = net;
	mutex_init(&nn->lock);
	INIT_LIST_HEAD(&nn->uplinks);
	INIT_LIST_HEAD(&nn->portfwds);
	nfgate_settings_init(nn);
	return nfgate_stats_init(nn);
}

/*
 * A namespace goes in two steps (cleanup_net()): every subsystem's
 * pre_exit, one synchronize_rcu() for the whole batch, then every exit.
 * The hooks go first, so that by exit no packet is inside them and the
 * state can be freed without a grace period of its own: a namespace
 * costs no RCU wait of nfgate's, however many go at once.
 */
static void __net_exit nfgate_net_pre_exit(struct net *net)
{
	struct nfgate_net *nn = nfgate_pernet(net);

	rtnl_lock();
	mutex_lock(&nn->lock);
	nfgate_hooks_unregister(nn);
	nfgate_trace_free(nn);	/* its LOCAL_IN hook with it */
	mutex_unlock(&nn->lock);
	rtnl_unlock();
}

static void __net_exit nfgate_net_exit(struct net *net)
{
	struct nfgate_net *nn = nfgate_pernet(net);

	/* Only netlink registers hooks, and no socket is left in here. */
	WARN_ON_ONCE(nn->hooks_registered);
	rtnl_lock();
	mutex_lock(&nn->lock);
	nfgate_portfwds_free(nn);
	nfgate_uplinks_free(nn);
	nfgate_lan_free(nn);
	mutex_unlock(&nn->lock);
	rtnl_unlock();
	nfgate_dns_free(nn);
	nfgate_forged_free(nn);
	nfgate_tunnel_free(nn);
	nfgate_hosts_free(nn);
	nfgate_settings_free(nn);
	nfgate_stats_free(nn);
}

static struct pernet_operations nfgate_net_ops = {
	.init = nfgate_net_init,
	.pre_exit = nfgate_net_pre_exit,
	.exit = nfgate_net_exit,
	.id = &nfgate_net_id,
	.size = sizeof(struct nfgate_net),
};

static int __init nfgate_init(void)
{
	int err;

	/* The NAT core forgets masqueraded connections of a dead device. */
	err = nfgate_dns_init();
	if (err)
		return err;
	err = nf_nat_masquerade_inet_register_notifiers();
	if (err)
		goto err_dns;
	err = register_pernet_subsys(&nfgate_net_ops);
	if (err)
		goto err_masq;
	err = nfgate_uplink_notifiers_register();
	if (err)
		goto err_pernet;
	err = nfgate_genl_register();
	if (err)
		goto err_notifiers;
	pr_info("loaded, generic netlink family %s version %u\n",
		NFGATE_GENL_NAME, NFGATE_GENL_VERSION);
	return 0;

err_notifiers:
	nfgate_uplink_notifiers_unregister();
err_pernet:
	unregister_pernet_subsys(&nfgate_net_ops);
err_masq:
	nf_nat_masquerade_inet_unregister_notifiers();
err_dns:
	nfgate_dns_exit();
	return err;
}

static void __exit nfgate_exit(void)
{
	nfgate_genl_unregister();
	nfgate_uplink_notifiers_unregister();
	unregister_pernet_subsys(&nfgate_net_ops);
	nf_nat_masquerade_inet_unregister_notifiers();
	nfgate_dns_exit();
	/* The uplinks' and the tables' RCU callbacks are the module's code. */
	rcu_barrier();
}

module_init(nfgate_init);
module_exit(nfgate_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("nfgate: two-uplink router in netfilter");
MODULE_ALIAS_GENL_FAMILY(NFGATE_GENL_NAME);
