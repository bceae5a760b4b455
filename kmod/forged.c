// SPDX-License-Identifier: GPL-2.0
/*
 * nfgate: the forged-address set of a namespace.
 *
 * Addresses a censor's injectors answer with (loaded by the agent from its
 * data file and from what it learned). Every change builds a new set and
 * publishes it with RCU: the packet path sees the old set or the new one,
 * never a half-built one. Changes are rare (the agent loads the set once
 * and adds what it learns now and then); lookups are per reply.
 */

#include <linux/random.h>
#include <linux/slab.h>
#include <net/netlink.h>

#include "nfgate.h"

static void nfgate_forged_release(struct nfgate_forged *f)
{
	if (!f)
		return;
	kvfree(f->v4.slot);
	kvfree(f);
}

static struct nfgate_forged *nfgate_forged_alloc(u32 n4)
{
	struct nfgate_forged *f = kvzalloc(sizeof(*f), GFP_KERNEL);

	if (!f)
		return NULL;
	f->v4.mask = ng_addrset_slots(n4) - 1;
	f->v4.seed = get_random_u32();
	f->v4.slot = kvcalloc(f->v4.mask + 1, sizeof(__be32), GFP_KERNEL);
	if (!f->v4.slot) {
		kvfree(f);
		return NULL;
	}
	return f;
}

static void nfgate_forged_publish(struct nfgate_net *nn,
				  struct nfgate_forged *f)
{
	struct nfgate_forged *old;

	old = rcu_replace_pointer(nn->forged, f, lockdep_is_held(&nn->lock));
	synchronize_rcu();
	nfgate_forged_release(old);
	nn->generation++;
	nfgate_notify_dns(nn, NFGATE_EVENT_FORGED);
}

static bool nfgate_p6_eq(const struct nfgate_prefix6 *a,
			 const struct nfgate_prefix6 *b)
{
	return a->len == b->len && !memcmp(a->addr, b->addr, sizeof(a->addr));
}

static bool nfgate_p6_in(const struct nfgate_prefix6 *p, u32 n,
			 const struct nfgate_prefix6 *x)
{
	u32 i;

	for (i = 0; i < n; i++)
		if (nfgate_p6_eq(&p[i], x))
			return true;
	return false;
}

/* A prefix from the message, host bits cleared. */
static int nfgate_p6_get(const struct nlattr *a, struct nfgate_prefix6 *p,
			 struct netlink_ext_ack *extack)
{
	unsigned int i;

	memcpy(p, nla_data(a), sizeof(*p));
	if (p->len > 128) {
		NL_SET_ERR_MSG_ATTR(extack, a, "IPv6 prefix longer than 128");
		return -EINVAL;
	}
	memset(p->pad, 0, sizeof(p->pad));
	for (i = 0; i < 16; i++) {
		if (i * 8 >= p->len)
			p->addr[i] = 0;
		else if (i * 8 + 8 > p->len)
			p->addr[i] &= (u8)(0xff << (8 - (p->len - i * 8)));
	}
	return 0;
}

/* Count and check the entries of @nest. */
static int nfgate_forged_scan(const struct nlattr *nest, u32 *n4, u32 *n6,
			      struct netlink_ext_ack *extack)
{
	const struct nlattr *a;
	struct nfgate_prefix6 p;
	int rem, err;

	*n4 = 0;
	*n6 = 0;
	nla_for_each_nested(a, nest, rem) {
		switch (nla_type(a)) {
		case NFGATE_FORGED_A_ADDR4:
			if (!nla_get_in_addr(a)) {
				NL_SET_ERR_MSG_ATTR(extack, a,
						    "0.0.0.0 cannot be in the set");
				return -EINVAL;
			}
			if (++*n4 > NFGATE_FORGED_CHUNK)
				goto too_many;
			break;
		case NFGATE_FORGED_A_PREFIX6:
			err = nfgate_p6_get(a, &p, extack);
			if (err)
				return err;
			if (++*n6 > NFGATE_FORGED_CHUNK)
				goto too_many;
			break;
		}
	}
	return 0;
too_many:
	NL_SET_ERR_MSG_ATTR(extack, a, "more entries than NFGATE_FORGED_CHUNK");
	return -E2BIG;
}

/*
 * A new set: @old's entries, plus (@del false) or minus (@del true) those
 * of @nest.
 */
static int nfgate_forged_build(struct nfgate_net *nn,
			       const struct nfgate_forged *old,
			       const struct nlattr *nest, bool del,
			       struct netlink_ext_ack *extack)
{
	u32 n4, n6, i, old4 = old ? old->v4.n : 0;
	struct nfgate_forged *f, *drop = NULL;
	struct nfgate_prefix6 p;
	const struct nlattr *a;
	int rem, err;

	err = nfgate_forged_scan(nest, &n4, &n6, extack);
	if (err)
		return err;
	if (!del && old4 + n4 > NFGATE_FORGED4_MAX) {
		NL_SET_ERR_MSG(extack, "forged set full (NFGATE_FORGED4_MAX)");
		return -ENOSPC;
	}
	f = nfgate_forged_alloc(del ? old4 : old4 + n4);
	if (!f)
		return -ENOMEM;
	if (del) {
		/* What to remove, as a set of its own. */
		drop = nfgate_forged_alloc(n4);
		if (!drop) {
			err = -ENOMEM;
			goto err;
		}
	}
	nla_for_each_nested(a, nest, rem) {
		if (nla_type(a) == NFGATE_FORGED_A_ADDR4) {
			ng_addrset_add(del ? &drop->v4 : &f->v4,
				       nla_get_in_addr(a));
		} else if (nla_type(a) == NFGATE_FORGED_A_PREFIX6) {
			nfgate_p6_get(a, &p, NULL);
			if (del) {
				if (!nfgate_p6_in(drop->p6, drop->n6, &p) &&
				    drop->n6 < NFGATE_FORGED6_MAX)
					drop->p6[drop->n6++] = p;
			} else if (!nfgate_p6_in(f->p6, f->n6, &p)) {
				if (f->n6 >= NFGATE_FORGED6_MAX)
					goto full6;
				f->p6[f->n6++] = p;
			}
		}
	}
	if (old) {
		for (i = 0; i <= old->v4.mask; i++) {
			__be32 addr = old->v4.slot[i];

			if (addr && !(del && ng_addrset_contains(&drop->v4, addr)))
				ng_addrset_add(&f->v4, addr);
		}
		for (i = 0; i < old->n6; i++) {
			if (del && nfgate_p6_in(drop->p6, drop->n6, &old->p6[i]))
				continue;
			if (nfgate_p6_in(f->p6, f->n6, &old->p6[i]))
				continue;
			if (f->n6 >= NFGATE_FORGED6_MAX)
				goto full6;
			f->p6[f->n6++] = old->p6[i];
		}
	}
	nfgate_forged_release(drop);
	nfgate_forged_publish(nn, f);
	return 0;

full6:
	NL_SET_ERR_MSG(extack, "forged set full (NFGATE_FORGED6_MAX)");
	err = -ENOSPC;
err:
	nfgate_forged_release(drop);
	nfgate_forged_release(f);
	return err;
}

int nfgate_forged_add(struct nfgate_net *nn, const struct nlattr *nest,
		      struct netlink_ext_ack *extack)
{
	lockdep_assert_held(&nn->lock);
	if (!nest) {
		NL_SET_ERR_MSG(extack, "FORGED_ADD needs NFGATE_A_FORGED");
		return -EINVAL;
	}
	return nfgate_forged_build(nn, rcu_dereference_protected(nn->forged,
					lockdep_is_held(&nn->lock)),
				   nest, false, extack);
}

int nfgate_forged_del(struct nfgate_net *nn, const struct nlattr *nest,
		      struct netlink_ext_ack *extack)
{
	struct nfgate_forged *old;

	lockdep_assert_held(&nn->lock);
	old = rcu_dereference_protected(nn->forged, lockdep_is_held(&nn->lock));
	if (!nest) {
		nfgate_forged_publish(nn, NULL);
		return 0;
	}
	if (!old)
		return 0;
	return nfgate_forged_build(nn, old, nest, true, extack);
}

/*
 * Put the entries from *@pos on (IPv4 slots, then IPv6 prefixes) into one
 * NFGATE_A_FORGED nest, at most NFGATE_FORGED_CHUNK. Returns the number
 * put (0: nothing left), or -EMSGSIZE if not even one fits.
 */
int nfgate_forged_fill(struct sk_buff *skb, const struct nfgate_forged *f,
		       unsigned long *pos)
{
	unsigned long slots = f ? f->v4.mask + 1UL : 0, i = *pos;
	struct nlattr *nest;
	int n = 0;

	if (!f || i >= slots + f->n6)
		return 0;
	nest = nla_nest_start(skb, NFGATE_A_FORGED);
	if (!nest)
		return -EMSGSIZE;
	for (; i < slots + f->n6 && n < NFGATE_FORGED_CHUNK; i++) {
		if (i < slots) {
			if (!f->v4.slot[i])
				continue;
			if (nla_put_in_addr(skb, NFGATE_FORGED_A_ADDR4,
					    f->v4.slot[i]))
				break;
		} else if (nla_put(skb, NFGATE_FORGED_A_PREFIX6,
				   sizeof(f->p6[0]), &f->p6[i - slots])) {
			break;
		}
		n++;
	}
	if (!n) {
		nla_nest_cancel(skb, nest);
		if (i < slots + f->n6)
			return -EMSGSIZE;
		*pos = i;
		return 0;
	}
	nla_nest_end(skb, nest);
	*pos = i;
	return n;
}

/* Namespace exit, hooks already gone. */
void nfgate_forged_free(struct nfgate_net *nn)
{
	nfgate_forged_release(rcu_dereference_protected(nn->forged, true));
	RCU_INIT_POINTER(nn->forged, NULL);
}
