/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The configuration model, the strict INI reader of nfgated's config file
 * and the argv parser of `nfgate set` / `nfgate del`. Both use the same
 * value parsers, so a value means the same thing in a file and on a
 * command line. Everything here is host-testable.
 */
#ifndef NFG_CONFIG_H
#define NFG_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "model.h"

#define NFG_CONF_DEFAULT	"/etc/nfgate/nfgate.conf"
#define NFG_CONF_MAX_LINE	512	/* bytes, without the newline */
#define NFG_CONF_MAX_ERRORS	50

/* Defaults of an uplink key absent from the file: the kernel's defaults. */
#define NFG_DEFAULT_TIER	0
#define NFG_DEFAULT_WEIGHT	1
#define NFG_DEFAULT_ADMIN	NFGATE_ADMIN_UP

struct nfg_conf_uplink {
	struct nfg_uplink up;	/* ifname, tier, weight, admin; never health */
	int line;		/* of its [uplink NAME] header */
};

struct nfg_config {
	bool has_lan;
	struct nfg_lan lan;	/* ifname, addr, prefixlen */
	int lan_line;
	struct nfg_conf_uplink *uplinks;
	size_t n_uplinks;
};

/* Error messages, each "FILE:LINE: reason" (or "FILE: reason"). */
struct nfg_errors {
	char **msg;
	size_t n;
};

void nfg_errors_add(struct nfg_errors *errs, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void nfg_errors_free(struct nfg_errors *errs);

/*
 * Reads and validates the whole file into cfg. Returns 0, or -1 with every
 * problem found in errs (cfg is then freed and must not be used).
 */
int nfg_config_load(const char *path, struct nfg_config *cfg,
		    struct nfg_errors *errs);
/* Same, from an open stream; name is used in the messages. */
int nfg_config_parse(FILE *f, const char *name, struct nfg_config *cfg,
		     struct nfg_errors *errs);
void nfg_config_free(struct nfg_config *cfg);
const struct nfg_conf_uplink *nfg_config_uplink(const struct nfg_config *cfg,
						const char *ifname);

/*
 * Value parsers: 0, or -1 with the reason (without the key) in err, e.g.
 * "5000 is out of range 0..1000".
 */
int nfg_parse_uint(const char *s, uint32_t max, uint32_t *out,
		   char *err, size_t errlen);
int nfg_parse_ifname(const char *s, char out[IFNAMSIZ], char *err, size_t errlen);
int nfg_parse_subnet(const char *s, uint32_t *addr, uint8_t *prefixlen,
		     char *err, size_t errlen);
int nfg_parse_admin(const char *s, uint8_t *out, char *err, size_t errlen);

/* `nfgate set lan dev IFNAME subnet A.B.C.D/N`
 * `nfgate set uplink IFNAME [tier N] [weight N] [health N] [admin up|down]`
 * argv starts at "lan" / "uplink". */
struct nfg_set_args {
	bool is_lan;
	struct nfg_lan lan;
	struct nfg_uplink uplink;
};
int nfg_parse_set_argv(int argc, char *const argv[], struct nfg_set_args *args,
		       char *err, size_t errlen);

/* `nfgate del lan` / `nfgate del uplink IFNAME` */
struct nfg_del_args {
	bool is_lan;
	char ifname[IFNAMSIZ];
};
int nfg_parse_del_argv(int argc, char *const argv[], struct nfg_del_args *args,
		       char *err, size_t errlen);

#endif
